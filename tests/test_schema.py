"""JSON Schemas: generated from the models, committed up to date, and true to the data."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import PROJECT

from dufu.schema import json_schemas

KIND_OF = {"units.yaml": "units", "rounds": "round", "tasks": "task", "bulletins": "bulletin"}


def _shipped_files():
    for path in sorted((PROJECT / "data").rglob("*.yaml")):
        rel = path.relative_to(PROJECT / "data").parts
        yield path, KIND_OF[rel[0]]


def _schema(kind: str) -> dict:
    return json.loads(json_schemas()[f"{kind}.schema.json"])


def test_committed_schemas_are_current():
    for name, text in json_schemas().items():
        assert (PROJECT / "schemas" / name).read_text(encoding="utf-8") == text, f"run `dufu schema`: {name}"


def test_schemas_carry_chinese_titles():
    task = _schema("task")
    assert task["title"] == "整改任务"
    assert task["properties"]["lead_units"]["title"] == "牵头单位"


@pytest.mark.parametrize(("path", "kind"), list(_shipped_files()), ids=lambda v: getattr(v, "name", v))
def test_shipped_files_satisfy_their_schema_and_point_at_it(path: Path, kind: str):
    text = path.read_text(encoding="utf-8")
    jsonschema.validate(
        yaml.safe_load(text.replace("2024-05-31", "'2024-05-31'").replace("2024-06-24", "'2024-06-24'")), _schema(kind)
    )
    first = text.splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=") and first.endswith(f"schemas/{kind}.schema.json")
    target = (path.parent / first.split("=", 1)[1]).resolve()
    assert target == (PROJECT / "schemas" / f"{kind}.schema.json").resolve()


def test_schema_rejects_unknown_fields_and_bad_status():
    schema = _schema("task")
    good = yaml.safe_load((PROJECT / "data/tasks/r2-01.yaml").read_text(encoding="utf-8"))
    good["progress"][0]["as_of"] = "2024-05-31"
    jsonschema.validate(good, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**good, "dedline": "x"}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**good, "status": "进行中"}, schema)


def test_schema_command_writes_files(cli, tmp_path):
    result = cli("schema", "-o", str(tmp_path))
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(json_schemas())


def test_schema_never_writes_through_a_symlinked_file_in_the_repository(cli, repo, tmp_path):
    """schemas/ may come from a stranger's pull request: a file there that is a symlink would
    lead the write to any file the user may change. Refused, and nothing written at all."""
    precious = tmp_path / "precious.txt"
    precious.write_text("precious\n")
    (repo / "schemas").mkdir()
    (repo / "schemas" / "task.schema.json").symlink_to(precious)
    result = cli("schema", "-C", str(repo))
    assert result.exit_code == 1 and "task.schema.json:这是符号链接" in result.stderr, result.output
    assert precious.read_text() == "precious\n"
    assert [p.name for p in (repo / "schemas").iterdir()] == ["task.schema.json"]


@pytest.mark.parametrize("kind", ["symlink", "file"])
def test_schema_refuses_a_schemas_folder_that_is_not_a_folder(cli, repo, tmp_path, kind):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if kind == "symlink":
        (repo / "schemas").symlink_to(elsewhere)
    else:
        (repo / "schemas").write_text("x")
    result = cli("schema", "-C", str(repo))
    assert result.exit_code == 1 and "不是目录" in result.stderr and "没有写入任何文件" in result.stderr, result.output
    assert list(elsewhere.iterdir()) == []
    assert "内部错误" not in result.stderr


def test_schema_output_folder_named_by_the_user_is_followed(cli, tmp_path):
    """-o names the folder itself, as render -o names its file: a symlink given there is the
    user's choice; the files dufu names inside it still must not be symlinks."""
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    assert cli("schema", "-o", str(tmp_path / "link")).exit_code == 0
    assert sorted(p.name for p in real.iterdir()) == sorted(json_schemas())
    (real / "task.schema.json").unlink()
    (real / "task.schema.json").symlink_to(tmp_path / "other.txt")
    result = cli("schema", "-o", str(real))
    assert result.exit_code == 1 and not (tmp_path / "other.txt").exists()
