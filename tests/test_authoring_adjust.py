"""dufu adjust: an approved change of deadline, units or target, dated, through the write path."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import TODAY

FIXTURES = Path(__file__).parent / "fixtures"
REFERENCE = Path(__file__).parent / "golden" / "sanming-2024-06-24.txt"  # the published notice, byte for byte


def test_adjust_after_a_notice_keeps_the_notice_and_moves_the_deadline(cli, repo):
    result = cli("adjust", "r2-01", "--on", "2024-07-01", "--deadline", "2025年底前", "--reason", "经批准", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 0, result.output
    text = (repo / "data" / "tasks" / "r2-01.yaml").read_text(encoding="utf-8")
    assert "status: 正在推进\nadjustments:\n  - on: 2024-07-01\n    deadline: 2025年底前\n    reason: 经批准\nprogress:\n" in text
    assert cli("render", "-C", str(repo), "--today", TODAY).stdout_bytes == REFERENCE.read_bytes()
    overdue = json.loads(cli("list", "--overdue", "--as-of", "2026-01-01", "-C", str(repo), "--format", "json").stdout)
    assert [t["id"] for t in overdue] == ["r2-01"]
    assert cli("list", "--overdue", "--as-of", "2025-12-31", "-C", str(repo), "--format", "json").stdout.strip() == "[]"
    # a second adjustment is appended to the list, and progress stays last (reports still append)
    again = cli("adjust", "r2-01", "--on", "2024-08-01", "--lead", "市委办公室", "-C", str(repo), "--today", TODAY)
    assert again.exit_code == 0, again.output
    text = (repo / "data" / "tasks" / "r2-01.yaml").read_text(encoding="utf-8")
    assert "    reason: 经批准\n  - on: 2024-08-01\n    lead_units: 市委办公室\nprogress:\n" in text


def test_an_adjustment_that_would_change_a_published_notice_is_refused(cli, repo):
    before = (repo / "data" / "tasks" / "r2-01.yaml").read_bytes()
    result = cli("adjust", "r2-01", "--on", "2024-05-01", "--deadline", "2025年底前", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 1 and "会改变已发布公告 2024-06-24 的内容" in result.output
    assert (repo / "data" / "tasks" / "r2-01.yaml").read_bytes() == before


def test_refused_adjustments_write_nothing(cli, tmp_path):
    root = tmp_path / "timeline"
    shutil.copytree(FIXTURES / "timeline" / "data", root / "data")
    before = {p: p.read_bytes() for p in root.rglob("*.yaml")}
    cases = [
        (["r3-07", "--on", "2025-05-01", "--lead", "市生态环境局"], 1, "已有 2025-05-20 生效的调整"),
        (["r3-07", "--on", "2025-07-01"], 2, "请至少给出"),
        (["r3-07", "--on", "2025-07-01", "--deadline", "2025年12月底前", "--lead", " "], 2, "--lead 的值是空的"),  # was passed over
        (["r3-07", "--on", "2025-07-01", "--deadline", "2025年12月底前"], 1, "已经是这样"),
        (["r3-07", "--on", "2025-07-01", "--deadline", "明年"], 2, "无法识别整改时限“明年”"),
        (["r3-07", "--on", "2025-07-01", "--deadline", "2025年2月30日前"], 2, "中的日期不存在"),
        (["r3-07", "--on", "2025-07-01", "--lead", "市外星局"], 1, "E312"),
        (["r9-01", "--on", "2025-07-01", "--lead", "市林业局"], 2, "没有编号为“r9-01”的任务"),
    ]
    for args, code, message in cases:
        result = cli("adjust", *args, "-C", str(root), "--today", "2025-07-15")
        assert result.exit_code == code and message in result.output, (args, result.output)
    assert {p: p.read_bytes() for p in root.rglob("*.yaml")} == before


def test_a_crlf_file_keeps_its_line_ends(cli, repo):
    path = repo / "data" / "tasks" / "r2-02.yaml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    result = cli("adjust", "r2-02", "--on", "2024-07-01", "--target", "新的目标。", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 0, result.output
    raw = path.read_bytes()
    assert "adjustments:\r\n  - on: 2024-07-01\r\n    target: 新的目标。\r\nprogress:\r\n".encode() in raw
    assert raw.count(b"\n") == raw.count(b"\r\n")
