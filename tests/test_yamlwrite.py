"""New files in the house layout; edits spliced into existing files, every other byte kept."""

from __future__ import annotations

from datetime import date

import pytest

from dufu.models import CountedTasks, Measure, Report
from dufu.yamlload import load_yaml
from dufu.yamlwrite import scalar, splice_completed_by, splice_counted, splice_report, splice_units


@pytest.mark.parametrize(
    "text",
    [
        "现将……公开如下:",
        "a: b",
        "#标签",
        "- 列表",
        "123",
        "null",
        "true",
        "[x]",
        "*星",
        "&锚",
        " 前有空格",
        "“引号”",
        "x #y",
    ],
)
def test_a_scalar_reads_back_as_the_same_text(text):
    assert load_yaml("t", f"k: {scalar(text)}\n".encode()).data == {"k": text}
    assert load_yaml("t", f"- {scalar(text)}\n".encode()).data == [text]


def test_plain_chinese_stays_plain():
    assert scalar("市直有关单位,各县(市、区)党委和人民政府") == "市直有关单位,各县(市、区)党委和人民政府"


TASK = """# a comment the author wrote
id: r2-01
status: 正在推进   # still open
progress:
  - as_of: 2024-05-31
    measures:
      - heading: 标题。
        text: 正文。
"""


def test_a_report_is_appended_and_nothing_else_changes():
    report = Report(as_of=date(2024, 11, 30), measures=[Measure(heading="新的。", items=["一", "二"])])
    edited = splice_report(TASK, report)
    assert edited.startswith(TASK)
    assert load_yaml("t", edited.encode()).data["progress"][1]["measures"][0]["items"] == ["一", "二"]


def test_a_report_is_not_appended_when_progress_is_not_last():
    assert (
        splice_report(TASK + "target: 目标\n", Report(as_of=date(2025, 1, 1), measures=[Measure(heading="x")])) is None
    )


def test_completed_by_replaces_only_the_status_line():
    edited = splice_completed_by(TASK, date(2024, 11, 30), "正在推进")
    assert edited == TASK.replace("status: 正在推进   # still open\n", "status: 已完成\ncompleted_by: 2024-11-30\n")


def test_counted_block_is_replaced_in_place():
    text = "# head\nid: r2\ncounted:\n  - status: 已完成\n    count: 7\n# tail comment\n"
    groups = [
        CountedTasks(status="已完成", count=7),
        CountedTasks(status="已完成", count=1, completed_by=date(2024, 11, 30)),
    ]
    edited = splice_counted(text, groups)
    assert edited.startswith("# head\nid: r2\ncounted:\n") and edited.endswith("# tail comment\n")
    assert load_yaml("t", edited.encode()).data["counted"][1] == {
        "status": "已完成",
        "count": 1,
        "completed_by": "2024-11-30",
    }


def test_units_are_added_to_an_empty_or_a_filled_registry():
    assert splice_units("# c\nunits: []\n# end\n", ["市林业局"]) == "# c\nunits:\n  - name: 市林业局\n# end\n"
    assert splice_units("units:\n  - name: 甲\n", ["乙"]) == "units:\n  - name: 甲\n  - name: 乙\n"


def test_a_report_goes_before_a_closing_comment():
    report = Report(as_of=date(2024, 11, 30), measures=[Measure(heading="新的。")])
    edited = splice_report(TASK + "# end of file\n", report)
    assert edited.startswith(TASK) and edited.endswith("      - heading: 新的。\n# end of file\n")
    assert splice_report("id: x\nprogress: []\n", report).startswith("id: x\nprogress:\n  - as_of: 2024-11-30\n")


def test_a_task_marked_done_by_an_import_keeps_a_status_set_by_hand():
    edited = splice_completed_by(TASK.replace("status: 正在推进", "status: 基本完成"), date(2024, 11, 30), "基本完成")
    assert "status: 已完成\nstatus_before: 基本完成\ncompleted_by: 2024-11-30\n" in edited, edited
