"""The computed notice: numbering, tallies and wording ready for every renderer; both
punctuation styles from the same template."""

from __future__ import annotations

from datetime import date

from conftest import GOLDEN, PROJECT, edit

from dufu.bulletin import get_bulletin, render_bulletin
from dufu.notice import build_notice
from dufu.validate import load_valid
from dufu.words import PUNCTUATION, summary_sentence

TODAY = date(2026, 1, 1)


def notice_of(root):
    data = load_valid(root, TODAY)
    return build_notice(data, get_bulletin(data, None))


def test_shipped_notice_is_computed_with_numbering_and_tallies():
    notice = notice_of(PROJECT)
    assert [s.numeral for s in notice.sections] == ["一", "二", "三", "四"]
    assert [(t.round.id, t.total, t.done) for t in notice.summary] == [("r1", 17, 17), ("r2", 11, 7)]
    first = notice.sections[0]
    assert first.fields[0] == ("牵头单位", "市委办公室、市政府办公室")
    assert [label for label, _ in first.fields] == ["牵头单位", "责任单位", "整改时限", "整改目标"]
    assert [i.marker for i in first.measures[0].items] == ["①", "②", "③"]
    plain = notice.sections[1].measures[3]
    assert plain.items == () and plain.text.startswith("及时督促各地")
    assert notice.date == "2024年6月24日" and notice.cutoff == "2024年5月底"
    assert notice.opening.startswith(notice.preamble + "截至2024年5月底,第一轮")


def test_summary_sentence_in_both_styles():
    rounds = [("第一轮中央生态环境保护督察", 17, 17, 0), ("第二轮督察", 11, 7, 0)]
    web = summary_sentence("2024年5月底", rounds, PUNCTUATION["半角"])
    official = summary_sentence("2024年5月底", rounds, PUNCTUATION["全角"])
    assert web == (
        "截至2024年5月底,第一轮中央生态环境保护督察整改任务17项,均已完成整改。"
        "第二轮督察整改任务11项中,已完成整改7项,剩余4项正在推进。"
    )
    assert official == web.replace(",", "，")


def test_summary_counts_tasks_basically_done_apart_only_when_there_are_some():
    p = PUNCTUATION["半角"]
    apart = [("第二轮督察", 11, 7, 2), ("第三轮督察", 5, 3, 2), ("第四轮督察", 4, 4, 0)]
    assert summary_sentence("2024年5月底", apart, p) == (
        "截至2024年5月底,第二轮督察整改任务11项中,已完成整改7项,基本完成2项,剩余2项正在推进。"
        "第三轮督察整改任务5项中,已完成整改3项,基本完成2项。第四轮督察整改任务4项,均已完成整改。"
    )
    assert summary_sentence("2024年5月底", [("第二轮督察", 11, 7, 0)], p).endswith("已完成整改7项,剩余4项正在推进。")


def test_full_width_style_changes_only_the_marks_dufu_writes(repo):
    edit(repo / "data/bulletins/2024-06-24.yaml", "issuers:", "punctuation: 全角\nissuers:")
    data = load_valid(repo, TODAY)
    text = render_bulletin(data, get_bulletin(data, None))
    golden = (GOLDEN / "sanming-2024-06-24.txt").read_text(encoding="utf-8")
    assert "截至2024年5月底，第一轮中央生态环境保护督察整改任务17项，均已完成整改。" in text
    assert "\n牵头单位：市委办公室、市政府办公室\n" in text and "\n整改进展：\n" in text
    # the data's own text (ASCII marks included) is untouched: only labels and the summary change
    changed = [(a, b) for a, b in zip(golden.splitlines(), text.splitlines(), strict=True) if a != b]
    assert len(changed) == 1 + 4 * 5
    for before, after in changed:
        assert after.replace("，", ",").replace("：", ":") == before


def test_legacy_template_variables_still_render(repo):
    (repo / "templates").mkdir(exist_ok=True)
    (repo / "templates" / "old.txt.j2").write_text(
        "{% for item in listed %}{{ loop.index|zh_number }}、{{ item.task.title }}"
        "={{ item.report.as_of }}\n{% endfor %}{{ summary[1].done }}/{{ summary[1].total }} {{ bulletin.id }}\n",
        encoding="utf-8",
    )
    edit(repo / "data/bulletins/2024-06-24.yaml", "issuers:", "template: old.txt.j2\nissuers:")
    data = load_valid(repo, TODAY)
    text = render_bulletin(data, get_bulletin(data, None))
    assert text.splitlines()[0] == "一、思想认识不够到位问题=2024-05-31"
    assert text.splitlines()[-1] == "7/11 2024-06-24"
