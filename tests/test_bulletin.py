"""The notice: byte-for-byte golden output, and consistent changes when the data changes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import GOLDEN, PROJECT, edit

from dufu.bulletin import get_bulletin, render_bulletin
from dufu.problems import RenderError, UsageError
from dufu.validate import load_valid

TODAY = date(2026, 1, 1)


def render(root: Path, bulletin_id: str | None = None) -> str:
    data = load_valid(root, TODAY)
    return render_bulletin(data, get_bulletin(data, bulletin_id))


def test_shipped_data_renders_the_published_notice_byte_for_byte():
    expected = (GOLDEN / "sanming-2024-06-24.txt").read_bytes()
    assert render(PROJECT).encode("utf-8") == expected


def test_cli_render_writes_exact_bytes_to_stdout(cli):
    result = cli("render", "-C", str(PROJECT))
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == (GOLDEN / "sanming-2024-06-24.txt").read_bytes()


def test_cli_render_to_file_is_atomic_and_exact(cli, repo, tmp_path):
    out = tmp_path / "notice.txt"
    result = cli("render", "2024-06-24", "-C", str(repo), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes() == (GOLDEN / "sanming-2024-06-24.txt").read_bytes()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def _forget_published_totals(repo: Path) -> None:
    """These tests rewrite history on purpose: drop the totals the shipped notice published."""
    path = repo / "data/bulletins/2024-06-24.yaml"
    path.write_text(path.read_text(encoding="utf-8").split("totals:\n")[0], encoding="utf-8")


def _mark_done(repo: Path, task: str, day: str = "2024-05-20") -> None:
    _forget_published_totals(repo)
    edit(repo / "data/tasks" / f"{task}.yaml", "status: 正在推进", f"status: 已完成\ncompleted_on: {day}")


def test_marking_a_task_done_updates_summary_and_renumbers(repo):
    _mark_done(repo, "r2-02")
    text = render(repo)
    assert "第二轮督察整改任务11项中,已完成整改8项,剩余3项正在推进。" in text
    assert "法治观念淡薄问题" not in text
    assert "\n一、思想认识不够到位问题\n" in text
    assert "\n二、突出生态环境问题重视不够问题\n" in text
    assert "\n三、保护区管控不力问题\n" in text
    assert "四、" not in text


def test_completion_after_the_cutoff_leaves_the_past_notice_unchanged(repo):
    _mark_done(repo, "r2-02", day="2024-07-15")
    assert render(repo).encode("utf-8") == (GOLDEN / "sanming-2024-06-24.txt").read_bytes()


def test_a_round_with_everything_done_reads_all_done(repo):
    for task in ("r2-01", "r2-02", "r2-03", "r2-04"):
        _mark_done(repo, task)
    text = render(repo)
    assert "第二轮督察整改任务11项,均已完成整改。" in text
    assert "一、" not in text


def test_cutoff_on_a_day_that_is_not_month_end(repo):
    bulletin = repo / "data/bulletins/2024-06-24.yaml"
    edit(bulletin, "as_of: 2024-05-31", "as_of: 2024-06-20")
    text = render(repo)
    assert "截至2024年6月20日,第一轮中央生态环境保护督察" in text


def test_three_rounds_first_named_in_full_later_ones_short(repo):
    (repo / "data/rounds/r3.yaml").write_text(
        "id: r3\nname: 第三轮中央生态环境保护督察\nshort_name: 第三轮督察\ntotal: 5\n"
        "counted:\n  - status: 已完成\n    count: 2\n  - status: 正在推进\n    count: 3\n",
        encoding="utf-8",
    )
    edit(repo / "data/bulletins/2024-06-24.yaml", "summary_rounds: [r1, r2]", "summary_rounds: [r3, r1, r2]")
    text = render(repo)
    assert (
        "截至2024年5月底,第三轮中央生态环境保护督察整改任务5项中,已完成整改2项,剩余3项正在推进。"
        "第一轮督察整改任务17项,均已完成整改。第二轮督察整改任务11项中,已完成整改7项,剩余4项正在推进。"
    ) in text


def _many_tasks_repo(repo: Path, tasks: int, items: int) -> None:
    """Round r2 with `tasks` open tasks, the first one with `items` circled items."""
    _forget_published_totals(repo)
    source = (repo / "data/tasks/r2-01.yaml").read_text(encoding="utf-8")
    for n in range(5, tasks + 1):
        text = source.replace("id: r2-01", f"id: r2-{n:02d}").replace("number: 1", f"number: {n}")
        (repo / "data/tasks" / f"r2-{n:02d}.yaml").write_text(text, encoding="utf-8")
    edit(repo / "data/rounds/r2.yaml", "total: 11", f"total: {7 + tasks}")
    first = repo / "data/tasks/r2-01.yaml"
    extra = "".join(f"          - 第{i}项措施。\n" for i in range(1, items + 1))
    edit(first, "        items:\n", "        items:\n" + extra)


def test_section_numbers_past_ten_and_circled_items_past_ten(repo):
    _many_tasks_repo(repo, tasks=12, items=13)
    text = render(repo)
    assert "\n十、思想认识不够到位问题\n" in text
    assert "\n十一、思想认识不够到位问题\n" in text
    assert "\n十二、思想认识不够到位问题\n" in text
    assert "①第1项措施。②第2项措施。" in text
    assert "⑩第10项措施。⑪第11项措施。⑫第12项措施。⑬第13项措施。⑭按照省上部署" in text
    assert "剩余12项正在推进" in text


def test_explicit_listing_of_task_ids(repo):
    bulletin = repo / "data/bulletins/2024-06-24.yaml"
    edit(bulletin, "tasks: open", "tasks: [r2-03]")
    text = render(repo)
    assert "\n一、突出生态环境问题重视不够问题\n" in text
    assert "二、" not in text


def test_latest_report_on_or_before_cutoff_is_used(repo):
    task = repo / "data/tasks/r2-04.yaml"
    with task.open("a", encoding="utf-8") as handle:
        handle.write(
            "  - as_of: 2024-09-30\n    measures:\n      - heading: 后来的进展。\n        text: 九月的内容。\n"
        )
    text = render(repo)
    assert "后来的进展" not in text
    assert text.encode("utf-8") == (GOLDEN / "sanming-2024-06-24.txt").read_bytes()


def test_missing_template_value_is_an_error_not_empty_text(repo):
    (repo / "templates").mkdir(exist_ok=True)
    (repo / "templates/bulletin.txt.j2").write_text("{{ bulletin.titel }}\n", encoding="utf-8")
    with pytest.raises(RenderError, match="titel"):
        render(repo)


def test_repository_template_overrides_the_packaged_default(repo):
    (repo / "templates").mkdir(exist_ok=True)
    (repo / "templates/bulletin.txt.j2").write_text(
        "{{ bulletin.title }}:{% for t in summary %}{{ t.round.short_name }}{{ t.done }}/{{ t.total }};{% endfor %}。\n",
        encoding="utf-8",
    )
    assert render(repo) == "三明市中央生态环境保护督察整改情况:第一轮督察17/17;第二轮督察7/11;。\n"


def test_sandbox_refuses_reaching_python_internals(repo):
    (repo / "templates").mkdir(exist_ok=True)
    (repo / "templates/bulletin.txt.j2").write_text(
        "{{ bulletin.__class__.__mro__[1].__subclasses__() }}\n", encoding="utf-8"
    )
    with pytest.raises(RenderError):
        render(repo)


@pytest.mark.parametrize(
    "call",
    [
        # pydantic's deprecated parse_raw unpickles: it ran a shell command as the user
        """notice.bulletin.parse_raw("cos\\nsystem\\n(S'touch {marker}'\\ntR.", proto="pickle", allow_pickle=True)""",
        """bulletin.parse_file("{marker}")""",
        """listed[0].task.model_copy(update={{"title": "x"}}).model_dump_json()""",  # pydantic-core aborts on a huge one
        """notice.sections[0].task.model_dump()""",
        """notice.summary[0].round.model_validate_json("{{}}")""",
        """notice.bulletin|attr("parse_raw")""",
    ],
)
def test_the_sandbox_refuses_every_method_of_dufus_and_pydantics_records(repo, tmp_path, call):
    marker = tmp_path / "ran"
    (repo / "templates").mkdir(exist_ok=True)
    (repo / "templates/bulletin.txt.j2").write_text("{{ " + call.format(marker=marker) + " }}\n", encoding="utf-8")
    with pytest.raises(RenderError, match="沙箱限制"):
        render(repo)
    assert not marker.exists()


def test_templates_still_read_the_records_data_and_call_plain_values_methods(repo):
    (repo / "templates").mkdir(exist_ok=True)
    (repo / "templates/bulletin.txt.j2").write_text(
        "{{ notice.summary[1].round.short_name }}{{ notice.summary[1].open }}{{ bulletin.as_of.isoformat() }}"
        "{{ notice.title.replace('三明市', '') }}{% set t = notice.sections[0].task %}"
        "{{ t.status_at(bulletin.as_of) }}{{ t.at(bulletin.as_of).deadline }}{{ t.report_at(bulletin.as_of).as_of }}\n",
        encoding="utf-8",
    )
    assert render(repo) == "第二轮督察42024-05-31中央生态环境保护督察整改情况正在推进立行立改、长期坚持2024-05-31\n"


def test_the_sandbox_keeps_its_verdict_per_type_of_object_and_name(repo):
    """The verdicts it keeps are Jinja2's own: a name refused on one kind of object (a class's
    "mro") is still allowed on another that has it, and the other way round, in any order."""
    from dufu.templates import make_environment

    class Plain:
        mro = "an attribute like any other"
        title = "标题"

    env, plain, generator = make_environment(repo), Plain(), (n for n in range(3))
    for _ in range(2):
        assert env.is_safe_attribute(plain, "mro", plain.mro)
        assert not env.is_safe_attribute(Plain, "mro", Plain.mro)
        assert env.is_safe_attribute(plain, "title", plain.title)
        assert not env.is_safe_attribute(plain, "__class__", Plain)
        assert not env.is_safe_attribute(generator, "gi_frame", generator.gi_frame)  # a generator's own
        assert env.is_safe_attribute(plain, "gi_frame", None)
    assert len(env.verdicts) == 6


def test_unknown_bulletin_id_is_a_usage_error(repo):
    with pytest.raises(UsageError, match="2024-06-24"):
        render(repo, "2099-01-01")


def _bulletin_template(repo: Path, text: str) -> None:
    (repo / "templates").mkdir(exist_ok=True)
    (repo / "templates/bulletin.txt.j2").write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("template", "words"),
    [
        ("{{ 1/0 }}", "ZeroDivisionError"),
        ("{% include 'bulletin.txt.j2' %}", "递归过深"),
        ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "递归过深"),
        ("{{ 'abc'|truncate(-5) }}", "AssertionError"),
        ("{{ (10**400)|filesizeformat }}", "OverflowError"),
        ("{{ 10.0**400 }}", "OverflowError"),
        ("{{ 'x'.encode('rot13') }}", "LookupError"),
        ("{{ ''.__class__ }}", "模板不允许读取 str 对象的属性“__class__”"),
        ("{{ range(10**6)|length }}", "range 的范围过大"),
    ],
)
def test_whatever_a_template_raises_is_a_render_error_naming_its_line(repo, template, words):
    """A template may come from a stranger: what it raises is its fault, not dufu's defect."""
    _bulletin_template(repo, "第一行\n" + template + "\n")
    with pytest.raises(RenderError, match="bulletin.txt.j2:2: ") as caught:
        render(repo)
    assert words in str(caught.value)


def test_an_include_of_a_missing_template_names_the_missing_one(repo):
    _bulletin_template(repo, "{% include 'nope.j2' %}\n")
    with pytest.raises(RenderError, match="bulletin.txt.j2:1: 找不到模板“nope.j2”"):
        render(repo)


def test_a_template_that_is_not_utf8_is_named_and_not_called_missing(repo):
    _bulletin_template(repo, "{% include 'part.j2' %}\n")
    (repo / "templates/part.j2").write_bytes(b"\xff\xfe")
    with pytest.raises(RenderError, match="模板“part.j2”不是 UTF-8 编码"):
        render(repo)


def test_a_template_error_through_the_cli_is_exit_1_without_internal_error(cli, repo):
    _bulletin_template(repo, "{{ 1/0 }}\n")
    result = cli("render", "-C", str(repo), "--today", "2026-01-01")
    assert result.exit_code == 1, result.output
    assert "bulletin.txt.j2:1: 模板渲染失败" in result.stderr and "内部错误" not in result.stderr
