"""dufu milestone add / done: the checkpoints of 序时进度, through the write path."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
DAY = ("--today", "2025-09-01")


@pytest.fixture
def timeline(tmp_path: Path) -> Path:
    root = tmp_path / "timeline"
    shutil.copytree(FIXTURES / "timeline" / "data", root / "data")
    return root


def behind(cli, root: Path, day: str) -> list[str]:
    return [t["id"] for t in json.loads(cli("list", "--behind", "--as-of", day, "-C", str(root), "--format", "json").stdout)]


def test_a_missed_milestone_met_late_ends_behind_from_that_day(cli, timeline):
    assert behind(cli, timeline, "2025-09-01") == ["r3-03", "r3-04"]
    result = cli("milestone", "done", "r3-04", "--due", "2025-08-31", "--on", "2025-08-25", "-C", str(timeline), *DAY)
    assert result.exit_code == 0, result.output
    text = (timeline / "data/tasks/r3-04.yaml").read_text(encoding="utf-8")
    assert "  - due: 2025-08-31\n    goal: 完成管网改造40公里\n    done_on: 2025-08-25\nprogress:\n" in text
    assert behind(cli, timeline, "2025-09-01") == ["r3-03"]


def test_milestones_are_added_before_progress_and_appended_after_that(cli, timeline):
    first = cli("milestone", "add", "r3-07", "--due", "2025-09-30", "--goal", "完成100家设施配套", "-C", str(timeline), *DAY)
    second = cli("milestone", "add", "r3-07", "--due", "2025-10-31", "--goal", "完成110家", "--done-on", "2025-08-30", "-C", str(timeline), *DAY)
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    text = (timeline / "data/tasks/r3-07.yaml").read_text(encoding="utf-8")
    assert "milestones:\n  - due: 2025-09-30\n    goal: 完成100家设施配套\n  - due: 2025-10-31\n    goal: 完成110家\n    done_on: 2025-08-30\nprogress:\n" in text
    record = json.loads(cli("list", "--as-of", "2025-09-01", "-C", str(timeline), "--format", "json").stdout)
    assert {t["id"]: t["pace"] for t in record}["r3-07"] == "ahead"  # a goal due later is already met


def test_a_milestone_whose_done_on_is_written_empty_gets_the_date_there(cli, timeline):
    path = timeline / "data/tasks/r3-04.yaml"
    goal = "  - due: 2025-08-31\n    goal: 完成管网改造40公里\n"
    path.write_text(path.read_text(encoding="utf-8").replace(goal, goal + "    done_on:\n"), encoding="utf-8")
    result = cli("milestone", "done", "r3-04", "--due", "2025-08-31", "--on", "2025-08-25", "-C", str(timeline), *DAY)
    assert result.exit_code == 0, result.output
    assert goal + "    done_on: 2025-08-25\nprogress:\n" in path.read_text(encoding="utf-8")


def test_a_stage_of_a_staged_deadline_is_marked_as_a_milestone(cli, timeline):
    assert behind(cli, timeline, "2026-01-01") == ["r3-03", "r3-04", "r3-05"]
    result = cli("milestone", "done", "r3-05", "--due", "2025-12-31", "--on", "2025-08-31", "-C", str(timeline), *DAY)
    assert result.exit_code == 0, result.output
    assert "  - due: 2025-12-31\n    goal: 中期目标\n    done_on: 2025-08-31\n" in (timeline / "data/tasks/r3-05.yaml").read_text(encoding="utf-8")
    assert "r3-05" not in behind(cli, timeline, "2026-01-01")


def test_refused_milestones_write_nothing(cli, timeline):
    before = {p: p.read_bytes() for p in timeline.rglob("*.yaml")}
    cases = [
        (["done", "r3-04", "--due", "2025-06-30", "--on", "2025-08-25"], 1, "已于 2025-06-20 达成"),
        (["done", "r3-04", "--due", "2025-07-31", "--on", "2025-08-25"], 2, "没有 2025-07-31 的节点目标。已有节点:2025-06-30、2025-08-31、2025-09-30"),
        # a staged deadline's stages are checkpoints it takes too: named among them
        (["done", "r3-05", "--due", "2025-12-30", "--on", "2025-08-25"], 2, "已有节点:2024-12-31、2025-12-31"),
        (["done", "r3-04", "--due", "2025-08-31", "--on", "2099-01-01"], 1, "E333"),
        # a single date is the deadline, not a stage: it was recorded as a milestone 阶段目标
        (["done", "r3-08", "--due", "2025-07-31", "--on", "2025-07-20"], 2, "2025-07-31 是任务 r3-08 的整改时限,不是节点目标"),
        (["done", "r3-04", "--due", "2025-09-30", "--on", "2025-09-20"], 2, "2025-09-30 是任务 r3-04 的整改时限,不是节点目标"),  # milestones too
        (["add", "r3-04", "--due", "2025-08-31", "--goal", "再来一个"], 1, "已有 2025-08-31 的节点目标"),
        (["add", "r3-04", "--due", "2025-08-31"], 2, "--goal"),
    ]
    for args, code, message in cases:
        result = cli("milestone", *args, "-C", str(timeline), *DAY)
        assert result.exit_code == code and message in result.output, (args, result.output)
    assert {p: p.read_bytes() for p in timeline.rglob("*.yaml")} == before
