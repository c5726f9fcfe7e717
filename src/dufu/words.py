"""The words and punctuation of a notice, in one place: the renderers, the importer and the
ledger headers all read them from here, so what dufu writes and what it reads back agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Field labels, as notices and ledgers print them.
LABELS: dict[str, str] = {
    "id": "编号",
    "round": "轮次",
    "number": "序号",
    "title": "问题",
    "lead_units": "牵头单位",
    "responsible_units": "责任单位",
    "deadline": "整改时限",
    "target": "整改目标",
    "progress": "整改进展",
    "status": "状态",
    "status_before": "完成前的状态",
    "completed_on": "完成时间",
    "closed_on": "销号时间",
}
# The labelled lines of a listed task, in the order a notice prints them.
TASK_FIELDS: tuple[str, ...] = ("lead_units", "responsible_units", "deadline", "target")


@dataclass(frozen=True)
class Punctuation:
    """The marks dufu itself writes between the data's own words."""

    name: str
    comma: str
    colon: str


# web: ASCII marks, as many city web pages publish (the Sanming notice);
# official: full-width marks, as official documents (公文) write them.
PUNCTUATION: dict[str, Punctuation] = {
    "半角": Punctuation("半角", ",", ":"),
    "全角": Punctuation("全角", "\uff0c", "\uff1a"),
}
DEFAULT_PUNCTUATION = "半角"


REST_WORDS = ("剩余", "其余")  # the open tasks after the done ones: 剩余4项正在推进, 其余4项正在推进


def round_phrase(name: str, total: int, done: int, p: Punctuation, basic: int = 0, rest_word: str = "剩余") -> str:
    """One round's tally in a summary sentence; basic: the open tasks counted apart as 基本完成
    (0: they are among those 正在推进, as in notices that do not count them apart)."""
    if done == total:
        return f"{name}整改任务{total}项{p.comma}均已完成整改。"
    rest = total - done - basic
    counted_apart = f"{p.comma}基本完成{basic}项" if basic else ""
    remaining = f"{p.comma}{rest_word}{rest}项正在推进" if rest or not basic else ""
    return f"{name}整改任务{total}项中{p.comma}已完成整改{done}项{counted_apart}{remaining}。"


def summary_sentence(cutoff: str, rounds: list[tuple[str, int, int, int]], p: Punctuation, rest_word: str = "剩余") -> str:
    """截至2024年5月底,第一轮…均已完成整改。第二轮…正在推进。 from (name, total, done, basic)
    per round."""
    return f"截至{cutoff}{p.comma}" + "".join(
        round_phrase(name, total, done, p, basic, rest_word) for name, total, done, basic in rounds
    )


def _phrase_pattern(p: Punctuation) -> re.Pattern[str]:
    """round_phrase read back: its forms, with the round's name and numbers as groups."""
    c, n = re.escape(p.comma), "[0-9]{1,9}"  # ASCII digits, as round_phrase writes
    return re.compile(
        rf"(?P<name>[^{c}。]+?)整改任务(?P<total>{n})项"
        rf"(?:{c}均已完成整改。|中{c}已完成整改(?P<done>{n})项(?:{c}基本完成(?P<basic>{n})项)?"
        rf"(?:{c}(?P<word>{'|'.join(REST_WORDS)})(?P<rest>{n})项正在推进)?。)"
    )


def unread_phrase(text: str, p: Punctuation) -> re.Match[str] | None:
    """A round phrase at the start of text (where read_summary stopped) that does not write
    back as it reads: its numbers do not add up, or are not written as dufu writes them."""
    return _phrase_pattern(p).match(text)


def read_summary(text: str, p: Punctuation) -> tuple[list[tuple[str, int, int, int]], str, str]:
    """The inverse of the round phrases of summary_sentence: (name, total, done, basic) per
    round read from the start of text (after 截至…,), the text that follows them, and the word
    for the open tasks (剩余 unless the phrases say 其余). Each phrase read must write back to
    exactly what was read, in one word for all; reading stops at the first that does not."""
    rounds: list[tuple[str, int, int, int]] = []
    pattern = _phrase_pattern(p)
    position, rest_word = 0, None
    while match := pattern.match(text, position):
        total = int(match["total"])
        done = total if match["done"] is None else int(match["done"])
        basic = int(match["basic"] or 0)
        word = match["word"] or rest_word or REST_WORDS[0]
        if round_phrase(match["name"], total, done, p, basic, word) != match[0] or word != (rest_word or word):
            break
        rest_word = word if match["word"] else rest_word
        rounds.append((match["name"], total, done, basic))
        position = match.end()
    return rounds, text[position:], rest_word or REST_WORDS[0]
