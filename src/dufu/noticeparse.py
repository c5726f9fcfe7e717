"""Reading a published progress notice back: the inverse of the packaged template.

Every word, label, numeral and punctuation mark is read with the same definitions the
template writes with (``words``, ``templates``), and every part read is checked by writing it
again: what cannot be written back exactly is reported with its line number, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .problems import Problem
from .templates import circled, is_month_end, parse_zh_cutoff, parse_zh_date, parse_zh_number, zh_number
from .words import (
    DEFAULT_WORDING, LABELS, PUNCTUATION, TASK_FIELDS, Punctuation, Wording, phrase_words, read_summary, round_phrase, unread_phrase,
)

# What web pages put after a notice: "扫一扫在手机上查看当前页面", 【打印】【关闭】…
_FOOTER = re.compile(r"扫一扫|手机上查看|打印本页|关闭窗口|【打印】|【关闭】|分享到")
_CUTOFF = re.compile(r"截至(\d{4}年\d{1,2}月(?:底|\d{1,2}日))([,，])")
_LOOSE_CUTOFF = re.compile(r"截至(\d{4}年\d{1,2}月[^,，。]{0,4})[,，]")
# a round's tally names the round (第三轮, 回头看) and counts its tasks or says what became of them
_ROUND_NAMED = re.compile(r"第[零一二三四五六七八九十百]+轮|回头看")
_TALLIED = re.compile(r"[0-9０-９零一二两三四五六七八九十百千]+(?:项|个)|已完成|均已|剩余|其余|正在推进")
_HEADER = re.compile(r"([零一二三四五六七八九十百千]+)、(.+)")
_MEASURE = re.compile(r"(\d+)\.(.*)")
_OTHER_MEASURE = re.compile(r"(\d+)[、．]")
# An issuer line names an authority: a sentence's punctuation means it is something else
_SENTENCE_MARK = re.compile(r"[。，,：:；;！!？?]")
_MAX_ISSUER = 40


@dataclass
class ParsedMeasure:
    heading: str
    items: list[str] | None = None
    text: str | None = None


@dataclass
class ParsedSection:
    line: int  # 1-based line of 一、title
    title: str
    fields: dict[str, str]  # lead_units … target, as written
    measures: list[ParsedMeasure]


@dataclass
class ParsedNotice:
    text: str  # the notice as dufu must render it back (LF, no BOM, no footer)
    punctuation: str
    title: str
    preamble: str
    cutoff: date
    rounds: list[tuple[str, int, int, int]]  # (name as written, total, done, basic)
    intro: str
    sections: list[ParsedSection] = field(default_factory=list)
    issuers: list[str] = field(default_factory=list)
    date: date | None = None
    trimmed: int = 0  # lines whose blanks before or after were left out
    month_end: str = "底"  # how the cut-off writes a month's last day: 底 or 日
    wording: Wording = DEFAULT_WORDING  # the words its summary tallies the rounds in


class NoticeError(Exception):
    """A line of the notice that was not understood."""

    def __init__(self, line: int, message: str, code: str = "E502") -> None:
        super().__init__(message)
        self.line, self.message, self.code = line, message, code

    def problem(self, path: str) -> Problem:
        return Problem(path, self.line, 1 if self.line else 0, self.code, self.message)


def decode_notice(raw: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030/GBK, with LF line ends. When neither fits, the
    line named is where the encoding that read further stopped."""
    stops = []
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError as exc:
            stops.append(exc.start)
    else:
        line = raw[: max(stops)].count(b"\n") + 1
        raise NoticeError(line, "公告既不是 UTF-8 也不是 GB18030/GBK 编码:这一行有无法识别的字节", "E501")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def notice_lines(text: str) -> list[str]:
    """The notice's lines without trailing blank lines and web-page footer, each without the
    blanks before and after it (the indentation and right alignment of text copied from a web
    page, a document or a PDF: layout, which dufu's notices leave to the renderer)."""
    lines = [line.strip() for line in text.split("\n")]
    while lines and (not lines[-1].strip() or _FOOTER.search(lines[-1])):
        lines.pop()
    if len(lines) < 4:
        raise NoticeError(len(lines), "公告太短:至少应有标题、正文、发文机关和日期")
    for number, line in enumerate(lines, 1):
        if not line.strip():
            raise NoticeError(
                number, "公告中间有空行:dufu 生成的公告段与段之间没有空行;空行只是排版(网页复制的文字常有),删去后再导入"
            )
    return lines


def parse_notice(raw: bytes) -> ParsedNotice:
    """Read a notice; NoticeError (with its line) for the first thing not understood."""
    text = decode_notice(raw)
    lines = notice_lines(text)
    notice = _opening(lines[0], lines[1])
    notice.trimmed = sum(line != line.strip() for line in text.split("\n")[: len(lines)])
    p = PUNCTUATION[notice.punctuation]
    index = 2
    while (
        index < len(lines) - 1
        and (header := _HEADER.fullmatch(lines[index]))
        and parse_zh_number(header[1]) == len(notice.sections) + 1
    ):
        section, index = _section(lines, index, header[2], p)
        notice.sections.append(section)
    day = parse_zh_date(lines[-1])
    if day is None:
        if _no_such_day(lines[-1]):
            raise NoticeError(len(lines), f"成文日期“{lines[-1]}”不存在")
        raise NoticeError(len(lines), f"最后一行应是成文日期,如 2024年6月24日,而这里是“{lines[-1][:30]}”")
    if any(_task_like(line) for line in lines[index:-1]):
        raise NoticeError(index + 1, _misplaced(lines[index], len(notice.sections)))
    if index >= len(lines) - 1:
        raise NoticeError(len(lines), "缺少发文机关(日期之前的一行或几行)")
    for number, line in enumerate(lines[index:-1], index + 1):
        if len(line) > _MAX_ISSUER or (mark := _SENTENCE_MARK.search(line)):
            what = f"含有“{mark[0]}”" if len(line) <= _MAX_ISSUER else f"长达 {len(line)} 个字"
            raise NoticeError(
                number,
                f"无法识别这一行:它在发文机关的位置,却不像机关名称({what});"
                "正文后的说明、附件或联系方式无法原样重现,不能导入",
            )
    notice.issuers, notice.date = lines[index:-1], day
    notice.text = "\n".join(lines) + "\n"
    return notice


def _label(line: str) -> bool:
    return any(line.startswith(LABELS[name]) for name in (*TASK_FIELDS, "progress"))


def _task_like(line: str) -> bool:
    return bool(_HEADER.fullmatch(line) or _MEASURE.fullmatch(line) or _label(line))


def _misplaced(line: str, sections: int) -> str:
    """Why the first line after the tasks read is not understood, when task content follows it."""
    expected = f"“{zh_number(sections + 1)}、”"
    if header := _HEADER.fullmatch(line):
        return f"任务编号应为{expected}(任务从“一、”起依次编号),而这里是“{header[1]}、”"
    if sections:
        return (
            f"无法识别这一行:它在第 {sections} 项的措施之后,"
            f"却既不是下一条措施(“N.”开头),也不是第 {sections + 1} 项({expected}开头)"
        )
    return f"无法识别这一行:导语之后应是第 1 项任务({expected}开头)"


def _opening(title: str, line: str) -> ParsedNotice:
    """Title, then preamble + 截至…,<round phrases> + listing intro on line 2. The summary is
    the first 截至<date>, that round phrases follow (a preamble may hold a date of its own)."""
    if not title.strip():
        raise NoticeError(1, "缺少标题")
    for match in _CUTOFF.finditer(line):
        style = next(name for name, p in PUNCTUATION.items() if p.comma == match[2])
        rounds, intro, wording = read_summary(line[match.end() :], PUNCTUATION[style])
        _refuse_unread(unread_phrase(intro, PUNCTUATION[style]), PUNCTUATION[style])
        if rounds:
            if (tally := _unread_tally(intro)) is not None:  # a round's tally in another form
                raise NoticeError(2, _unwritten(tally, match[2]))
            break
    else:
        loose = _LOOSE_CUTOFF.search(line)
        if loose is not None and _CUTOFF.search(line) is None:  # 截至2024年11月末, 截至2024年11月30号
            raise NoticeError(2, f"截至日期“{loose[1]}”无法原样重现:月末写作“X月底”,其他日子写作“X月X日”")
        raise NoticeError(2, _no_summary(line))
    cutoff, month_end = parse_zh_cutoff(match[1]), "底"
    if cutoff is None and (day := parse_zh_date(match[1])) is not None and is_month_end(day):
        cutoff, month_end = day, "日"  # 截至2025年6月30日: a month's end written as its day
    if cutoff is None and _no_such_day(match[1]):
        raise NoticeError(2, f"截至日期“{match[1]}”不存在")
    if cutoff is None:
        raise NoticeError(2, f"截至日期“{match[1]}”无法原样重现:月末写作“X月底”,其他日子写作“X月X日”")
    if not match.start() or not intro:
        raise NoticeError(
            2,
            "缺少导语(“截至”之前的文字)"
            if not match.start()
            else "缺少列出任务前的引言:导语、汇总句和引言(“现将……公开如下:”)应在同一段,即第二行",
        )
    return ParsedNotice("", style, title, line[: match.start()], cutoff, rounds, intro, month_end=month_end, wording=wording)


def _unread_tally(rest: str) -> str | None:
    """A round's tally in the text after the round phrases read, where only the intro should
    be: in a sentence before the intro's, or in the intro's before its own clause (before a
    现将 that does not start it, or before its last clause). None when there is none: prose
    there (下一步……, 按照“一个问题、一套方案”……) and an intro that counts its tasks
    (现将第二轮督察整改任务11项中……) are the intro's."""
    *before, last = [sentence for sentence in rest.split("。") if sentence] or [""]
    at = last.find("现将")
    head = last[:at] if at > 0 else "" if at == 0 else last[: max(last.rfind(mark) for mark in ",，;；") + 1]
    for sentence, looked_at in [*((b, b) for b in before), (last, head)]:
        if _ROUND_NAMED.search(looked_at) and _TALLIED.search(looked_at):
            return sentence  # quoted whole, as written
    return None


def _no_such_day(text: str) -> bool:
    """Whether text is a date written as dufu writes one, of a day no calendar has (2月30日,
    13月底)."""
    if month_end := re.fullmatch(r"[1-9]\d{3}年([1-9]\d?)月底", text):
        return not 1 <= int(month_end[1]) <= 12
    match = re.fullmatch(r"([1-9]\d{3})年([1-9]\d?)月([1-9]\d?)日", text)
    if match is None:
        return False
    try:
        date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return True
    return False


def _no_summary(line: str) -> str:
    """Why line 2 holds no summary dufu reads: the sentence after 截至… quoted, with the forms."""
    match = _CUTOFF.search(line)
    if match is None:
        typo = "(“截止”应为“截至”)" if "截止" in line else ""
        return f"第二行应含汇总句{typo},如“截至2024年5月底,第一轮……整改任务17项,均已完成整改。”"
    return _unwritten(line[match.end() :].split("。")[0], match[2])


def _unwritten(sentence: str, c: str) -> str:
    return (
        f"汇总句“{sentence[:60]}”不是 dufu 公告的写法:每个轮次写作“……整改任务N项中{c}已完成整改X项{c}剩余Y项正在推进。”"
        f"“……整改任务N项中{c}已完成整改X项{c}基本完成Y项{c}剩余Z项正在推进。”或“……整改任务N项{c}均已完成整改。”(也可写作“整改任务共N项”“已完成X项”“其余Z项”“已全部完成整改”)"
    )


def _refuse_unread(phrase: re.Match[str] | None, p: Punctuation) -> None:
    """A round's tally in the summary that could not be read back: say which and why (it
    would otherwise end the summary, and the round seem missing)."""
    if phrase is None:
        return
    total, done, basic, rest = (int(phrase[name] or 0) for name in ("total", "done", "basic", "rest"))
    if (phrase["basic"], phrase["rest"]) != (None, None) and done + basic + rest != total:
        parts = f"已完成{done}项" + (f"加基本完成{basic}项" if basic else "") + (f"加剩余{rest}项" if rest else "")
        raise NoticeError(2, f"汇总句说{phrase['name']}整改任务{total}项,但{parts}是{done + basic + rest}项", "E503")
    own = Wording(**phrase_words(phrase))
    if round_phrase(phrase["name"], total, done if phrase["done"] else total, p, basic, own) == phrase[0]:
        raise NoticeError(2, f"汇总句“{phrase[0]}”与前面的轮次用词不同:同一句汇总句中各轮次用同一种说法,才能原样重现")
    raise NoticeError(2, f"汇总句“{phrase[0]}”无法原样重现(数字不补零;任务全部完成时写作“均已完成整改”)")


_SUBSECTION = re.compile(r"[(（][一二三四五六七八九十]+[)）]")


def _section(lines: list[str], index: int, title: str, p: Punctuation) -> tuple[ParsedSection, int]:
    start = index + 1
    fields = {}
    for offset, name in enumerate(TASK_FIELDS, 1):
        line = lines[index + offset] if index + offset < len(lines) else ""
        prefix = LABELS[name] + p.colon
        if offset == 1 and _SUBSECTION.match(line):  # 一、水污染防治方面 then （一）…问题: tasks grouped
            raise NoticeError(
                start + offset,
                f"“{title}”之后是“{line[:20]}”:这期公告把任务分在类别之下(一、下设(一)),"
                "dufu 的公告每项任务直接以“一、”编号,无法原样重现",
            )
        if not line.startswith(prefix) or len(line) == len(prefix):
            raise NoticeError(start + offset, f"应为“{prefix}……”(第 {start} 行开始的任务不完整)")
        fields[name] = line[len(prefix) :]
    index += len(TASK_FIELDS) + 1
    if index >= len(lines) or lines[index] != LABELS["progress"] + p.colon:
        raise NoticeError(index + 1, f"应为“{LABELS['progress']}{p.colon}”(第 {start} 行开始的任务不完整)")
    measures = []
    while index + 1 < len(lines) and (match := _MEASURE.fullmatch(lines[index + 1])):
        if not match[1].isascii() or int(match[1]) != len(measures) + 1:
            raise NoticeError(index + 2, f"措施编号应为“{len(measures) + 1}.”,而这里是“{match[1]}.”")
        measures.append(_measure(match[2], index + 2))
        index += 1
    following = lines[index + 1] if index + 1 < len(lines) else ""
    if other := _OTHER_MEASURE.match(following):  # 1、 or 1．: numbered as dufu does not number
        raise NoticeError(index + 2, f"措施编号应写作“{int(other[1])}.”,而这里是“{other[0]}”")
    if not measures:
        raise NoticeError(index + 2, f"整改进展下应有编号的措施“1.……”(第 {start} 行开始的任务不完整)")
    return ParsedSection(start, title, fields, measures), index + 1


def _measure(rest: str, line: int) -> ParsedMeasure:
    """1.heading①item②item or 1.heading sentence。text."""
    first = rest.find(circled(1))
    if first < 0:
        end = rest.find("。") + 1
        heading, text = (rest[:end], rest[end:]) if end else (rest, "")
        if not heading:
            raise NoticeError(line, "措施没有文字")
        return ParsedMeasure(heading, text=text or None)
    if first == 0:
        raise NoticeError(line, "措施应先有标题,再有①②…分项")
    items, position, number = [], first + 1, 2
    while (following := rest.find(circled(number), position)) >= 0:
        items.append(rest[position:following])
        position, number = following + len(circled(number)), number + 1
    items.append(rest[position:])
    if not all(items):
        raise NoticeError(line, "有空的分项")
    return ParsedMeasure(rest[:first], items=items)
