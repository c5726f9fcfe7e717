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


# The words a summary sentence may tally a round in, as published notices write them: its
# total (11项中 / 共11项 / 11项), the done ones (已完成整改 / 已完成), the open ones after
# them (剩余 / 其余), a round all done (均已完成整改 …). The first of each is dufu's default.
TOTAL_WORDS = ("中", "共", "不写")
DONE_WORDS = ("已完成整改", "已完成")
REST_WORDS = ("剩余", "其余")
ALL_DONE_WORDS = ("均已完成整改", "已全部完成整改", "均已完成", "已全部完成")


@dataclass(frozen=True)
class Wording:
    """How a notice words each round's tally (a bulletin's summary_words)."""

    total: str = TOTAL_WORDS[0]
    done: str = DONE_WORDS[0]
    rest: str = REST_WORDS[0]
    all_done: str = ALL_DONE_WORDS[0]


DEFAULT_WORDING = Wording()


def round_phrase(name: str, total: int, done: int, p: Punctuation, basic: int = 0, w=DEFAULT_WORDING) -> str:
    """One round's tally in a summary sentence; basic: the open tasks counted apart as 基本完成
    (0: they are among those 正在推进, as in notices that do not count them apart); w: its words."""
    count = f"共{total}项" if w.total == "共" else f"{total}项"
    if done == total:
        return f"{name}整改任务{count}{p.comma}{w.all_done}。"
    rest = total - done - basic
    counted_apart = f"{p.comma}基本完成{basic}项" if basic else ""
    remaining = f"{p.comma}{w.rest}{rest}项正在推进" if rest or not basic else ""
    among = "中" if w.total == "中" else ""
    return f"{name}整改任务{count}{among}{p.comma}{w.done}{done}项{counted_apart}{remaining}。"


def summary_sentence(cutoff: str, rounds: list[tuple[str, int, int, int]], p: Punctuation, w=DEFAULT_WORDING) -> str:
    """截至2024年5月底,第一轮…均已完成整改。第二轮…正在推进。 from (name, total, done, basic)
    per round."""
    return f"截至{cutoff}{p.comma}" + "".join(round_phrase(name, total, done, p, basic, w) for name, total, done, basic in rounds)


def _phrase_pattern(p: Punctuation) -> re.Pattern[str]:
    """round_phrase read back: its forms in any of the words, with the round's name, numbers and
    words as groups."""
    c, n = re.escape(p.comma), "[0-9]{1,9}"  # ASCII digits, as round_phrase writes
    return re.compile(
        rf"(?P<name>[^{c}。]+?)整改任务(?P<gong>共)?(?P<total>{n})项"
        rf"(?:{c}(?P<all>{'|'.join(ALL_DONE_WORDS)})。|(?P<zhong>中)?{c}(?P<doneword>{'|'.join(DONE_WORDS)})(?P<done>{n})项"
        rf"(?:{c}基本完成(?P<basic>{n})项)?(?:{c}(?P<word>{'|'.join(REST_WORDS)})(?P<rest>{n})项正在推进)?。)"
    )


def phrase_words(match: re.Match[str]) -> dict[str, str]:
    """The words a phrase read shows (a round all done does not show all of them)."""
    if match["gong"]:
        total = "共"
    elif match["zhong"]:
        total = "中"
    elif match["all"] is None:
        total = "不写"
    else:  # 17项,均已完成整改: the 中 form and the plain one write a round all done alike
        total = None
    words = {"total": total, "done": match["doneword"], "rest": match["word"], "all_done": match["all"]}
    return {slot: word for slot, word in words.items() if word is not None}


def unread_phrase(text: str, p: Punctuation) -> re.Match[str] | None:
    """A round phrase at the start of text (where read_summary stopped) that does not write
    back as it reads: its numbers do not add up, or are not written as dufu writes them."""
    return _phrase_pattern(p).match(text)


def read_summary(text: str, p: Punctuation) -> tuple[list[tuple[str, int, int, int]], str, Wording]:
    """The inverse of the round phrases of summary_sentence: (name, total, done, basic) per
    round read from the start of text (after 截至…,), the text that follows them, and the words
    they are written in (dufu's own where no phrase shows one). Each phrase read must write
    back to exactly what was read, in the same words as the others; reading stops at the first
    that does not."""
    rounds: list[tuple[str, int, int, int]] = []
    pattern = _phrase_pattern(p)
    position, seen = 0, {}
    while match := pattern.match(text, position):
        total = int(match["total"])
        done = total if match["done"] is None else int(match["done"])
        basic = int(match["basic"] or 0)
        shown = phrase_words(match)
        if any(seen.get(slot, word) != word for slot, word in shown.items()):
            break  # another word than an earlier phrase's: no one form writes them both
        words = Wording(**{**seen, **shown})
        if round_phrase(match["name"], total, done, p, basic, words) != match[0]:
            break
        seen.update(shown)
        rounds.append((match["name"], total, done, basic))
        position = match.end()
    return rounds, text[position:], Wording(**seen)
