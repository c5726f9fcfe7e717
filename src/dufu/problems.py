"""A validation problem as a small value, and the exception hierarchy for stopping."""

from __future__ import annotations

from dataclasses import dataclass, replace
from dataclasses import field as _field

from .textsafety import visible


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or doubtful) in the data, located as precisely as the source allows.

    Codes are stable identifiers: ``E…`` errors, ``W…`` warnings. Line and column are
    1-based; 0 means the problem has no position inside the file.
    """

    path: str
    line: int
    col: int
    code: str
    message: str
    field: str = ""
    hint: str | None = _field(default=None, compare=False)
    severity: str = _field(default="", compare=False)
    omitted: int = _field(default=0, compare=False)  # >0: stands for that many more of its code

    @property
    def count(self) -> int:
        """How many problems this one stands for (a count line stands for those it leaves out)."""
        return self.omitted or 1

    def __post_init__(self) -> None:
        if not self.severity:
            object.__setattr__(self, "severity", "error" if self.code.startswith("E") else "warning")
        # paths and messages quote the data: never let them carry a control character to a terminal
        object.__setattr__(self, "path", visible(self.path))
        object.__setattr__(self, "field", visible(self.field))
        object.__setattr__(self, "message", _shorten(visible(self.message)))
        if self.hint is not None:
            object.__setattr__(self, "hint", visible(self.hint))

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def with_severity(self, severity: str) -> "Problem":
        return replace(self, severity=severity)


def format_field(loc: tuple) -> str:
    """('progress', 0, 'as_of') -> 'progress[0].as_of'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


MAX_MESSAGE = 400  # characters; a message quoting a huge value keeps its start and end


def _shorten(text: str) -> str:
    """text, or its start and end with a note of what is left out between: MAX_MESSAGE
    characters at most, so shortening it again (a problem read back from the index, given
    another severity) leaves it as it is."""
    if len(text) <= MAX_MESSAGE:
        return text
    kept = MAX_MESSAGE - len("…(省略  个字符)…") - len(str(len(text)))  # the count at its widest
    head = kept // 2
    return f"{text[:head]}…(省略 {len(text) - kept} 个字符)…{text[head - kept:]}"


MAX_PER_CODE = 20  # problems of one code in one file shown in full; past this, a count


def bound_problems(problems: list[Problem], limit: int = MAX_PER_CODE) -> list[Problem]:
    """At most limit problems of each code in each file, in position order, then one count line
    (omitted > 0) standing for the rest, so output stays bounded whatever a file holds.
    Idempotent: count lines already present are folded into the new one."""
    groups: dict[tuple[str, str], list[Problem]] = {}
    extra: dict[tuple[str, str], int] = {}
    for problem in problems:
        key = (problem.path, problem.code)
        if problem.omitted:
            extra[key] = extra.get(key, 0) + problem.omitted
        else:
            groups.setdefault(key, []).append(problem)
    if all(len(group) <= limit for group in groups.values()) and not extra:
        return problems
    out = []
    for key in sorted(groups.keys() | extra.keys()):
        group = sorted(groups.get(key, []))
        out.extend(group[:limit])
        more = len(group[limit:]) + extra.get(key, 0)
        if more:
            sample = group[0] if group else None
            severity = sample.severity if sample else ""
            out.append(Problem(key[0], 0, 0, key[1], f"另有 {more} 处同类问题", severity=severity, omitted=more))
    return out


class DufuError(Exception):
    """Base of every error dufu stops for; the message is for the user (Chinese)."""

    exit_code = 1


class UsageError(DufuError):
    """The command line names something that does not exist (exit 2)."""

    exit_code = 2


class RepositoryNotFound(UsageError):
    """No data repository in or above the directory."""


class InvalidData(DufuError):
    """The data has errors; the command cannot go on. Carries the problems."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"数据有 {sum(p.count for p in problems if p.is_error)} 个错误,请先运行 dufu validate 修正")
        self.problems = problems


class RenderError(DufuError):
    """A template could not be rendered (missing value, syntax error, unknown template)."""


# Every problem code with what it means; codes are stable (README lists them).
RULES: dict[str, str] = {
    "E100": "文件或目录无法读取",
    "E101": "文件不是 UTF-8 编码",
    "E102": "文件带有 BOM 或是 UTF-16 编码",
    "E103": "YAML 语法错误",
    "E104": "同一映射中字段重复",
    "E105": "使用了 YAML 锚点或别名",
    "E106": "使用了不允许的 YAML 标签",
    "E107": "字段名不是文本",
    "E108": "文件过大",
    "E109": "文件是空的",
    "E110": "扩展名不是 .yaml",
    "E111": "文件不在已知目录中",
    "E112": "缺少单位名录 data/units.yaml",
    "E113": "文件含有不允许的控制字符",
    "E114": "符号链接(不跟随,不读取)",
    "E115": "不是普通文件(命名管道、设备、套接字)",
    "E116": "以数据文件扩展名命名的目录",
    "E117": "文件或目录名中有控制字符或看不见的字符",
    "E200": "取值无效",
    "E201": "缺少必填字段",
    "E202": "未知字段",
    "E203": "取值不在允许范围内",
    "E204": "类型错误",
    "E205": "取值超出限制",
    "E206": "取值不符合要求",
    "E207": "只能写一行的文字中有换行",
    "E208": "文字中有终端控制字符",
    "E209": "文字中有不可见字符或双向文本控制字符",
    "E301": "轮次编号重复",
    "E302": "任务编号重复",
    "E303": "同一轮次中任务序号重复",
    "E304": "公告编号重复",
    "E305": "单位名称重复",
    "E306": "编号或单位名称仅大小写、全角半角或 Unicode 写法不同",
    "E307": "公告重复列出同一任务、轮次或发文机关",
    "E308": "单位名称含有单位行的分隔符,或括号不配对",
    "E310": "引用了不存在的轮次、任务或单位",
    "E311": "公告列出的任务不属于该轮次",
    "E312": "单位不在单位名录中",
    "E320": "整改时限是空的或其中的日期不存在",
    "E321": "已完成的任务没有完成日期",
    "E322": "已销号的任务没有销号日期",
    "E323": "日期与状态矛盾",
    "E324": "销号日期早于完成日期",
    "E325": "完成前的状态与状态矛盾",
    "E330": "进展未按日期先后排列",
    "E331": "同一日期有两份进展",
    "E332": "进展日期晚于今天",
    "E333": "完成或销号日期晚于今天",
    "E334": "调整未按生效日期先后排列",
    "E340": "任务序号超过本轮次任务总数",
    "E341": "任务序号不连续",
    "E350": "轮次任务总数与任务数据不符",
    "E351": "公告记载的数字与任务数据不符",
    "E352": "公告要公开的任务没有截至日期前的进展",
    "E353": "公告截至日期晚于成文日期",
    "E354": "找不到公告模板",
    "E355": "公告模板有语法错误或无法读取",
    "W321": "整改时限只读得出年份",
    "W322": "无法识别的整改时限",
    "W401": "同一段文字混用全角和半角的同一标点",
    "W402": "中文之间有多余的空格",
    "W403": "引号或括号不配对",
    "W404": "手写了圈号",
    "W405": "手写了标题编号",
    "W406": "全角数字",
    # dufu import notice: the notice (not a data file) is the source; nothing is written
    "E501": "公告的编码无法识别",
    "E502": "公告中有无法识别的行",
    "E503": "公告的数字与逐项列出的任务矛盾",
    "E504": "导入后无法原样重现公告",
    "E505": "公告与数据仓库中已有的数据矛盾",
}


def encode_problem(problem: Problem) -> list:
    """A problem as JSON data (for the index)."""
    p = problem
    return [p.path, p.line, p.col, p.code, p.message, p.field, p.hint, p.severity, p.omitted]


def decode_problem(value: list) -> Problem:
    return Problem(*value)
