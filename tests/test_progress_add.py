"""dufu progress add: the notice's text form read into measures, appended where it belongs."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import PROJECT, TODAY

from dufu.progress_text import ProgressTextError, format_measures, parse_measures
from dufu.validate import load_valid

SNIPPET = "1.强化宣传教育。①开展宣讲12场。②印发手册。\n\n2.完善制度。已印发《三明市生态环境保护责任清单》。\n"


def snapshot(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_every_shipped_report_reads_back_from_its_notice_form():
    data = load_valid(PROJECT, date(2026, 1, 1))
    reports = [r for task in data.tasks.values() for r in task.progress]
    assert len(reports) >= 4
    for report in reports:
        text = format_measures(report.measures)
        assert parse_measures(text) == list(report.measures)
        assert format_measures(parse_measures(text)) == text


def test_items_and_plain_text():
    first, second = parse_measures(SNIPPET)
    assert (first.heading, first.items, first.text) == ("强化宣传教育。", ["开展宣讲12场。", "印发手册。"], None)
    assert (second.heading, second.items, second.text) == ("完善制度。", None, "已印发《三明市生态环境保护责任清单》。")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("强化宣传教育。①甲。\n", 1, "措施编号“1.”"),
        ("1.甲。①a。\n3.乙。\n", 2, "应为“2.”"),
        ("1.甲。①a。\n\n2.①b。\n", 3, "先有标题"),
        ("1.甲。①a。②\n", 1, "空的分项"),
        ("1.甲。①a。③b。\n", 1, "③"),
        ("1.甲。①a。\n2.乙。②b。\n", 2, "分项编号“②”之前没有①"),  # written as text, a W404 for validate --strict
        ("１.甲。正文。\n", 1, "措施编号应写作半角数字“1.”"),  # it said the circled numbers were out of order
        ("1.甲。①a。\n2. 乙。正文。\n", 2, "措施编号后不留空格:写作“2.乙。正文。……”"),  # the heading began with the blank
        ("1.\u3000甲。正文。\n", 1, "措施编号后不留空格"),
        ("\n\n", 1, "没有整改措施"),
    ],
)
def test_text_that_cannot_be_split_names_its_line(text, line, words):
    with pytest.raises(ProgressTextError) as caught:
        parse_measures(text)
    assert caught.value.line == line and words in caught.value.message


def test_progress_add_appends_a_report(repo, cli, tmp_path):
    (tmp_path / "p.txt").write_text(SNIPPET, encoding="utf-8")
    before = (repo / "data/tasks/r2-04.yaml").read_text(encoding="utf-8")
    args = ("progress", "add", "r2-04", "--as-of", "2024-06-30", "--from", str(tmp_path / "p.txt"))
    result = cli(*args, "--status", "达到序时进度", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 0, result.output
    added = (
        "  - as_of: 2024-06-30\n    status: 达到序时进度\n    measures:\n      - heading: 强化宣传教育。\n"
        "        items:\n          - 开展宣讲12场。\n          - 印发手册。\n      - heading: 完善制度。\n"
        "        text: 已印发《三明市生态环境保护责任清单》。\n"
    )
    assert (repo / "data/tasks/r2-04.yaml").read_text(encoding="utf-8") == before + added
    assert "".join("+" + line + "\n" for line in added.splitlines()) in result.stdout
    shown = cli("show", "r2-04", "-C", str(repo), "--as-of", "2024-07-01")
    assert "开展宣讲12场" in shown.stdout


def test_progress_text_saved_as_gbk_with_crlf_is_read_as_a_notice_is(repo, cli, tmp_path):
    # Windows' Notepad may save GBK: import notice read it, progress add refused it
    (tmp_path / "p.txt").write_bytes(SNIPPET.replace("\n", "\r\n").encode("gb18030"))
    args = ("progress", "add", "r2-04", "--as-of", "2024-06-30", "--from", str(tmp_path / "p.txt"))
    result = cli(*args, "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "          - 开展宣讲12场。\n" in (repo / "data/tasks/r2-04.yaml").read_text(encoding="utf-8")
    (tmp_path / "p.txt").write_bytes(b"1.\xff\xfe\xfa\n")
    refused = cli("progress", "add", "r2-04", "--as-of", "2024-07-31", "--from", str(tmp_path / "p.txt"), "-C", str(repo), "--today", TODAY)
    assert refused.exit_code == 2 and "既不是 UTF-8 也不是 GB18030/GBK 编码的文本(第 1 行" in refused.stderr


def test_progress_add_follows_the_files_own_indentation(repo, cli, tmp_path):
    path = repo / "data/tasks/r2-04.yaml"
    text = path.read_text(encoding="utf-8")
    flush = (
        text.split("progress:\n")[0]
        + "progress:\n"
        + "".join(line[2:] + "\n" for line in text.split("progress:\n")[1].splitlines())
    )
    path.write_text(flush, encoding="utf-8")
    (tmp_path / "p.txt").write_text(SNIPPET, encoding="utf-8")
    result = cli(
        "progress", "add", "r2-04", "--as-of", "2024-06-30", "--from", str(tmp_path / "p.txt"), "-C", str(repo)
    )
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8").endswith(
        "\n- as_of: 2024-06-30\n  measures:\n    - heading: 强化宣传教育。\n"
        "      items:\n        - 开展宣讲12场。\n        - 印发手册。\n"
        "    - heading: 完善制度。\n      text: 已印发《三明市生态环境保护责任清单》。\n"
    )


def test_an_unsplittable_snippet_is_refused_with_its_line(repo, cli, tmp_path):
    (tmp_path / "p.txt").write_text("1.强化宣传教育。①甲。\n这一行没有编号\n", encoding="utf-8")
    before = snapshot(repo)
    result = cli(
        "progress", "add", "r2-04", "--as-of", "2024-06-30", "--from", str(tmp_path / "p.txt"), "-C", str(repo)
    )
    assert result.exit_code == 1
    assert f"{tmp_path / 'p.txt'}:2:1: E520" in result.output and "没有写入任何文件" in result.output
    assert snapshot(repo) == before


@pytest.mark.parametrize(
    ("line", "where"),
    [
        ("2.完善制度。已印发\x00清单。", "2:11: E208 文字中有终端控制字符 U+0000"),
        ("  2.完善制度。已印发\u202e清单。", "2:13: E209 文字中有看不见的字符 U+202E"),
        ("2.完善制度。已印发\u2028清单。", "2:11: E207 文字中有换行"),
        ("  2.完善制度。①印发清单。③开展检查。", "2:16: E520 分项编号“③”不接着上一个编号"),  # ② skipped
        ("  2.完善制度。①印发清单。②开展检查。②再查。", "2:22: E520 分项编号“②”不接着上一个编号"),  # ② again
    ],
)
def test_a_character_no_text_may_hold_is_refused_where_it_was_typed(repo, cli, tmp_path, line, where):
    # not at the line of the task file it would have been written to
    (tmp_path / "p.txt").write_text("\ufeff1.强化宣传教育。①甲。\n" + line + "\n", encoding="utf-8")
    before = snapshot(repo)
    result = cli(
        "progress", "add", "r2-04", "--as-of", "2024-06-30", "--from", str(tmp_path / "p.txt"), "-C", str(repo)
    )
    assert result.exit_code == 1
    assert f"{tmp_path / 'p.txt'}:{where}" in result.output and "没有写入任何文件" in result.output
    assert "r2-04.yaml" not in result.output
    assert snapshot(repo) == before


def test_a_done_status_for_a_task_already_done_is_told_to_be_left_out(repo, cli, tmp_path):
    # not sent to `dufu done`, which would say it is done already
    (tmp_path / "p.txt").write_text(SNIPPET, encoding="utf-8")
    assert cli("done", "r2-04", "--on", "2024-06-10", "-C", str(repo)).exit_code == 0
    result = cli(
        "progress", "add", "r2-04", "--as-of", "2024-06-30", "--status", "已完成", "--from", str(tmp_path / "p.txt"),
        "-C", str(repo),
    )  # fmt: skip
    assert result.exit_code == 2 and "已经是“已完成”" in result.output and "去掉 --status" in result.output
    assert "dufu done" not in result.output


@pytest.mark.parametrize(("status", "command"), [("已完成", "dufu done r2-04"), ("已销号", "dufu close r2-04")])
def test_a_report_status_that_would_never_count_is_refused_with_the_command_that_does(repo, cli, tmp_path, status, command):
    # a report's 已完成 never completes a task (status_at ignores it): it was written, and nothing changed
    (tmp_path / "p.txt").write_text(SNIPPET, encoding="utf-8")
    before = snapshot(repo)
    result = cli(
        "progress", "add", "r2-04", "--as-of", "2024-06-30", "--status", status, "--from", str(tmp_path / "p.txt"),
        "-C", str(repo),
    )  # fmt: skip
    assert result.exit_code == 2 and command in result.output
    assert snapshot(repo) == before


def test_a_report_under_a_published_cutoff_is_refused(repo, cli, tmp_path):
    (tmp_path / "p.txt").write_text(SNIPPET, encoding="utf-8")
    before = snapshot(repo)
    result = cli(
        "progress", "add", "r2-04", "--as-of", "2024-05-31", "--from", str(tmp_path / "p.txt"), "-C", str(repo)
    )
    assert result.exit_code == 1 and "已有截至 2024-05-31 的进展" in result.output
    assert snapshot(repo) == before


def test_progress_add_for_an_unknown_task_is_refused(repo, cli, tmp_path):
    (tmp_path / "p.txt").write_text(SNIPPET, encoding="utf-8")
    before = snapshot(repo)
    result = cli(
        "progress", "add", "r2-44", "--as-of", "2024-06-30", "--from", str(tmp_path / "p.txt"), "-C", str(repo)
    )
    assert result.exit_code == 2 and "没有编号为“r2-44”的任务" in result.output
    assert snapshot(repo) == before


def test_progress_add_in_the_editor_starts_from_the_latest_report(repo, cli, tmp_path, monkeypatch):
    (tmp_path / "p.txt").write_text(SNIPPET, encoding="utf-8")
    seen = tmp_path / "seen.txt"
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f'sh -c \'cp "$0" {seen}; cp {tmp_path / "p.txt"} "$0"\'')
    monkeypatch.setattr("dufu.cli._interactive", lambda: True)
    latest = load_valid(repo, date(2026, 1, 1)).tasks["r2-04"].progress[-1]
    result = cli("progress", "add", "r2-04", "--as-of", "2024-06-30", "--edit", "-C", str(repo))
    assert result.exit_code == 0, result.output
    assert seen.read_text(encoding="utf-8") == format_measures(latest.measures)
    assert "+          - 开展宣讲12场。" in result.stdout


def test_a_report_without_a_status_after_one_with_says_what_it_changes(repo, cli, tmp_path):
    # 未达到序时进度 then a routine report: the task read 正在推进 again, and diff showed it as progress
    (tmp_path / "p.txt").write_text(SNIPPET, encoding="utf-8")
    args = ("progress", "add", "r2-04", "--from", str(tmp_path / "p.txt"), "-C", str(repo), "--today", TODAY)
    assert cli(*args, "--as-of", "2024-06-30", "--status", "未达到序时进度").exit_code == 0
    result = cli(*args, "--as-of", "2024-07-31")
    assert result.exit_code == 0
    assert "上一次进展(截至2024-06-30)的状态是“未达到序时进度”;这次没有写 --status,状态按任务本身的“正在推进”计" in result.stderr
    again = cli(*args, "--as-of", "2024-08-31", "--status", "达到序时进度")
    assert "上一次进展" not in again.stderr


@pytest.mark.parametrize(
    ("editor", "said"),
    [
        ('rm "$1"; mkfifo "$1"', "不是普通文件"),  # it waited for a writer forever
        ('rm "$1"; ln -s /etc/hostname "$1"', "不是普通文件"),  # it read the file the link named
        ('head -c 2000000 /dev/zero | tr "\\0" x > "$1"', "无法读取"),  # read whole, however large
    ],
)
def test_what_the_editor_leaves_is_read_as_a_file_given_to_from_is(repo, cli, tmp_path, monkeypatch, editor, said):
    monkeypatch.delenv("VISUAL", raising=False)
    (tmp_path / "ed.sh").write_text(editor + "\n", encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"sh {tmp_path / 'ed.sh'}")
    monkeypatch.setattr("dufu.cli._interactive", lambda: True)
    before = snapshot(repo)
    result = cli("progress", "add", "r2-04", "--as-of", "2024-06-30", "--edit", "-C", str(repo))
    assert result.exit_code in (1, 2) and said in result.output, result.output
    assert snapshot(repo) == before


def test_the_editor_may_save_gbk_and_is_not_started_without_a_terminal(repo, cli, tmp_path, monkeypatch):
    (tmp_path / "p.txt").write_bytes(SNIPPET.encode("gbk"))  # as Windows' Notepad saves it
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f'cp {tmp_path / "p.txt"}')
    result = cli("progress", "add", "r2-04", "--as-of", "2024-06-30", "--edit", "-C", str(repo))
    assert result.exit_code == 2 and "--edit 需要在终端上运行" in result.output  # vi would wait for a terminal
    monkeypatch.setattr("dufu.cli._interactive", lambda: True)
    result = cli("progress", "add", "r2-04", "--as-of", "2024-06-30", "--edit", "-C", str(repo))
    assert result.exit_code == 0, result.output


def test_standard_input_larger_than_a_report_is_refused(repo, cli):
    before = snapshot(repo)
    result = cli("progress", "add", "r2-04", "--as-of", "2024-06-30", "--from", "-", "-C", str(repo), input="1.开展。" * 200_000)
    assert result.exit_code == 2 and "标准输入超过 1 MB" in result.output and snapshot(repo) == before
