"""The notice reader is the template's inverse: the inverse helpers of words.py and
templates.py, and what the fixture notices cover."""

from __future__ import annotations

from datetime import date

import pytest
from test_import_notice import NOTICES

from dufu.noticeparse import NoticeError, parse_notice
from dufu.templates import circled, parse_zh_cutoff, parse_zh_date, parse_zh_number, zh_cutoff, zh_date, zh_number
from dufu.words import PUNCTUATION, Wording, read_summary, summary_sentence


def test_chinese_numerals_read_back_for_every_number_dufu_writes():
    assert all(parse_zh_number(zh_number(n)) == n for n in range(1, 10000))
    assert [parse_zh_number(t) for t in ("一十", "二二", "十十", "", "两")] == [None] * 5


@pytest.mark.parametrize("day", [date(2024, 5, 31), date(2024, 2, 29), date(2025, 3, 20), date(2024, 12, 1)])
def test_dates_and_cutoffs_read_back(day):
    assert parse_zh_date(zh_date(day)) == day and parse_zh_cutoff(zh_cutoff(day)) == day


def test_forms_dufu_would_not_write_are_not_read():
    assert parse_zh_cutoff("2024年5月31日") is None  # dufu writes 2024年5月底
    assert parse_zh_cutoff("2024年2月30日") is None and parse_zh_cutoff("2024年13月底") is None
    assert parse_zh_date("2024年06月24日") is None


@pytest.mark.parametrize("style", sorted(PUNCTUATION))
def test_summary_phrases_read_back(style):
    p = PUNCTUATION[style]
    rounds = [("第一轮中央生态环境保护督察", 17, 17, 0), ("第二轮督察", 11, 7, 0), ("第三轮督察", 15, 0, 0)]
    rounds += [("第四轮督察", 9, 5, 1), ("第五轮督察", 6, 2, 4)]
    prefix = f"截至2024年5月底{p.comma}"
    for words in (Wording(), Wording(rest="其余"), Wording("共", "已完成", "其余", "已全部完成整改"), Wording("不写", all_done="均已完成")):
        sentence = summary_sentence("2024年5月底", rounds, p, words)
        assert read_summary(sentence[len(prefix) :] + "现将……", p) == (rounds, "现将……", words), sentence
    mixed = summary_sentence("2024年5月底", rounds[1:2], p) + summary_sentence("2024年5月底", rounds[2:3], p, Wording(rest="其余"))
    assert read_summary(mixed.replace(prefix, "") + "现将……", p)[0] == rounds[1:2]  # one word for all, or not read


def test_the_fixtures_cover_the_family():
    notices = {path.name: parse_notice(path.read_bytes()) for path in NOTICES.glob("*.txt")}
    assert {n.punctuation for n in notices.values()} == {"半角", "全角"}
    assert {len(n.rounds) for n in notices.values()} >= {1, 2, 3}
    assert {len(n.issuers) for n in notices.values()} >= {1, 2, 3}
    assert any(n.cutoff.day == 20 for n in notices.values()) and any(n.cutoff.day >= 28 for n in notices.values())
    assert max(len(n.sections) for n in notices.values()) > 10
    items = max(len(m.items or []) for n in notices.values() for s in n.sections for m in s.measures)
    assert items > 10 and circled(items) in (NOTICES / "jiangchuan-2025-04-08.txt").read_text(encoding="utf-8")


def test_a_measure_without_items_splits_at_its_first_sentence():
    notice = parse_notice((NOTICES / "qingshan-2024-12-10.txt").read_bytes())
    first = notice.sections[0].measures
    assert (first[0].heading, first[0].text) == ("加强夜间施工管理", None)
    assert (first[1].heading, first[1].text) == ("开展专项执法。", "全市共查处噪声违法案件37起,处罚款46.5万元。")


def test_errors_carry_their_line():
    text = (NOTICES / "qingshan-2024-12-10.txt").read_text(encoding="utf-8").replace("整改进展:\n", "进展:\n", 1)
    with pytest.raises(NoticeError) as caught:
        parse_notice(text.encode())
    assert caught.value.line == 8 and "整改进展" in caught.value.message
