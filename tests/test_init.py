"""`dufu init`: a new repository that validates at once, written whole or not at all."""

from __future__ import annotations

from dufu.models import KINDS
from dufu.scaffold import repository_files
from dufu.yamlload import load_yaml


def _snapshot(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_init_makes_a_repository_that_validates_at_once(cli, tmp_path):
    target = tmp_path / "city"
    result = cli("init", str(target))
    assert result.exit_code == 0, result.output
    assert set(_snapshot(target)) == set(repository_files())
    assert cli("validate", "-C", str(target), "--strict").exit_code == 0
    assert (target / ".gitignore").read_text(encoding="utf-8").count(".dufu/") == 1
    assert [p.name for p in tmp_path.iterdir()] == ["city"]  # no staging folder left behind
    (tmp_path / "plain").mkdir()
    assert (target.stat().st_mode & 0o777) == ((tmp_path / "plain").stat().st_mode & 0o777)


def test_every_data_file_and_example_carries_its_schema_line():
    files = repository_files()
    for rel, kind in [
        ("data/units.yaml", "units"),
        ("examples/round.yaml", "round"),
        ("examples/task.yaml", "task"),
        ("examples/bulletin.yaml", "bulletin"),
    ]:
        text = files[rel].decode("utf-8")
        depth = "../" * (1 if rel.startswith("data/") else 2)  # an example: where it is copied to, data/<kind>s/
        assert text.startswith(f"# yaml-language-server: $schema={depth}schemas/{kind}.schema.json\n")
        KINDS[kind].model_validate(load_yaml(rel, files[rel]).data)  # each example is a valid file of its kind
        assert f"schemas/{kind}.schema.json" in files


def test_init_refuses_an_existing_repository_and_changes_nothing(cli, repo):
    before = _snapshot(repo)
    result = cli("init", str(repo))
    assert result.exit_code != 0 and "不会覆盖" in result.stderr
    assert _snapshot(repo) == before


def test_init_fills_an_existing_folder_that_holds_no_repository(cli, tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    assert cli("init", str(tmp_path)).exit_code == 0
    assert (tmp_path / "data" / "units.yaml").is_file()
    assert (tmp_path / ".git" / "HEAD").read_text() == "ref: refs/heads/main\n"


def test_init_refuses_a_missing_parent_or_a_file(cli, tmp_path):
    missing = cli("init", str(tmp_path / "no" / "such" / "city"))
    assert missing.exit_code == 1 and "目录不存在" in missing.stderr
    (tmp_path / "file").write_text("x")
    assert cli("init", str(tmp_path / "file")).exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_the_settings_files_parse(tmp_path):
    import tomllib

    import yaml

    files = repository_files()
    workflow = yaml.safe_load(files[".github/workflows/dufu.yml"])
    assert any("dufu validate" in step.get("run", "") for step in workflow["jobs"]["validate"]["steps"])
    hooks = yaml.safe_load(files[".pre-commit-config.yaml"])["repos"][0]["hooks"]
    assert hooks[0]["entry"] == "dufu validate"
    assert tomllib.loads(files["dufu.toml"].decode()) == {"rules": {}}


def test_status_of_a_repository_just_made_does_not_call_everything_done(cli, tmp_path):
    root = tmp_path / "city"
    assert cli("init", str(root)).exit_code == 0
    result = cli("status", "-C", str(root))
    assert result.exit_code == 0 and "还没有逐项录入的任务" in result.stdout and "均已完成" not in result.stdout


def test_the_workflows_render_loop_takes_no_file_name_for_an_option(repo):
    # a bulletin file named -oPWNED.yaml made `dufu render -oPWNED` write a file, and pass
    import os
    import subprocess
    import sys

    import yaml

    root = repo
    published = (root / "data/bulletins/2024-06-24.yaml").read_text(encoding="utf-8")
    (root / "data/bulletins/-oPWNED.yaml").write_text(published.replace("id: 2024-06-24", "id: x1"), encoding="utf-8")
    steps = yaml.safe_load(repository_files()[".github/workflows/dufu.yml"])["jobs"]["validate"]["steps"]
    loop = next(step["run"] for step in steps if "dufu render" in step.get("run", ""))
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]}
    done = subprocess.run(["bash", "-e", "-c", loop], cwd=root, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "-oPWNED" in done.stderr, done.stderr
    assert not (root / "PWNED").exists()
