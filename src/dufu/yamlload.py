"""Strict YAML loading: bytes in, plain Python data out, every YAML trap turned into a Problem.

PyYAML's defaults silently lose or change data (duplicate keys, YAML 1.1 booleans, dates,
octal and sexagesimal numbers, aliases, arbitrary tags). The loader here only knows
mappings, sequences, strings, plain decimal integers, floats, true/false and null; dates
stay text until a pydantic date field parses them.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import yaml

from .files import MAX_FILE_BYTES  # noqa: F401  (re-exported: its old home)
from .problems import Problem
from .textsafety import describe_char

try:  # libyaml is in every PyYAML wheel; the pure parser accepts a slightly different language
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - only on a PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_ALLOWED_TAGS = {_STR, _SEQ, _MAP, _INT, _FLOAT, _BOOL, _NULL}

# YAML 1.2 core schema, narrowed: 010, 1:30, yes/no/on/off and 2024-05-31 stay text.
_RESOLVERS = [
    (_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
    (_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), "-+0123456789"),
    (
        _FLOAT,
        re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
        "-+0123456789.",
    ),
    (_NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]),
]


class YamlProblem(Exception):
    """Raised inside the loader; carries a position and a message for the Problem."""

    def __init__(self, code: str, message: str, mark, hint: str | None = None):
        super().__init__(message)
        self.code, self.message, self.mark, self.hint = code, message, mark, hint


def _undefined_tag(loader, node):
    raise YamlProblem(
        "E106",
        f"不允许使用 YAML 标签 {node.tag.replace('tag:yaml.org,2002:', '!!')},只接受普通文本、数字、列表和映射",
        node.start_mark,
    )


def _scalar_constructor(tag: str, convert, what: str):
    """The constructor of an explicitly tagged scalar (``!!int 5``): the value must be one the
    tag's implicit resolver above would give it (``!!int 010`` is not octal 8, ``!!bool yes``
    is not true); anything else is a problem, never a ValueError from int()."""
    regexp = next(regexp for name, regexp, _ in _RESOLVERS if name == tag)

    def construct(loader, node):
        if isinstance(node, yaml.ScalarNode) and regexp.match(node.value):
            try:
                return convert(node.value)
            except ValueError:  # an int of over 4,300 digits: Python refuses to convert it
                shown = f"{node.value[:20]}…" if len(node.value) > 20 else node.value
                raise YamlProblem("E205", f"数字“{shown}”有 {len(node.value)} 位,超出限制", node.start_mark) from None
        shown = node.value if isinstance(node, yaml.ScalarNode) else "列表或映射"
        name = tag.replace("tag:yaml.org,2002:", "!!")
        raise YamlProblem("E106", f"标签 {name} 的值“{shown}”不是{what}", node.start_mark)

    return construct


_CONVERT = {
    _INT: (int, "整数"),
    _FLOAT: (float, "带小数点的数(如 1.0)"),
    _BOOL: (lambda value: value[0] in "tT", "布尔值(true 或 false)"),
    _NULL: (lambda value: None, "空值(null)"),
}


class StrictLoader(_BaseLoader):
    """CSafeLoader that refuses duplicate keys and any tag but the plain JSON-like ones.

    A document without tags and aliases (no ``!``, ``&`` or ``*`` in its bytes: nearly every
    file) is built from its nodes by ``_plain``, about twice as fast as PyYAML's constructor
    machinery, which stays for everything else and for every problem."""

    yaml_implicit_resolvers: dict = {}
    yaml_constructors = {
        tag: constructor for tag, constructor in _BaseLoader.yaml_constructors.items() if tag in _ALLOWED_TAGS
    }
    yaml_constructors.update({tag: _scalar_constructor(tag, *how) for tag, how in _CONVERT.items()})
    yaml_constructors[None] = _undefined_tag
    yaml_multi_constructors: dict = {}
    plain = False  # set by load_yaml: the bytes hold no tag, anchor or alias

    def resolve(self, kind, value, implicit):
        """BaseResolver.resolve for these resolvers (no wildcard, no path resolvers), without
        its generality: the composer calls it for every node."""
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP

    def descend_resolver(self, current_node, current_index) -> None:
        """No path resolvers: nothing to track."""

    def ascend_resolver(self) -> None:
        """No path resolvers: nothing to track."""

    def get_single_data(self):
        node = self.get_single_node()
        if node is None:
            return None
        if self.plain:
            try:
                return _plain(node)
            except (_NotPlain, RecursionError):  # a duplicate key, a non-text key, deep nesting
                pass
        return self.construct_document(node)

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            keys = set()
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR or key_node.value in keys:
                    self._explain_keys(node)
                keys.add(key_node.value)
        return super().construct_mapping(node, deep)

    @staticmethod
    def _explain_keys(node) -> None:
        seen: dict = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                what = key_node.value if isinstance(key_node, yaml.ScalarNode) else "列表或映射"
                raise YamlProblem("E107", f"字段名必须是文本,而这里是 {what}", key_node.start_mark)
            if key_node.value in seen:
                first = seen[key_node.value]
                raise YamlProblem(
                    "E104",
                    f"字段“{key_node.value}”重复出现(第一次在第 {first.line + 1} 行第 {first.column + 1} 列),"
                    "后一个值会覆盖前一个",
                    key_node.start_mark,
                    hint="删除或合并其中一个",
                )
            seen[key_node.value] = key_node.start_mark


class AliasRefusingLoader(StrictLoader):
    """StrictLoader that also refuses anchors and aliases (an alias is a node met twice).
    Slower per node, so used only for files whose bytes might hold one."""

    def construct_object(self, node, deep=False):
        if node in self.constructed_objects or node in self.recursive_objects:
            raise YamlProblem("E105", "不允许使用 YAML 锚点和别名(& 与 *),请直接写出内容", node.start_mark)
        return super().construct_object(node, deep)


class _NotPlain(Exception):
    """A node _plain leaves to PyYAML's constructor (which explains the problem)."""


def _plain(node):
    """The data of a node tree whose every tag was resolved implicitly (no ``!`` in the file,
    no anchor or alias): what SafeConstructor gives for these tags and values, built
    directly. A duplicate or non-text key raises _NotPlain."""
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag == _MAP:
        out = {}
        for key_node, value_node in node.value:
            if key_node.tag != _STR:
                raise _NotPlain
            out[key_node.value] = _plain(value_node)
        if len(out) != len(node.value):
            raise _NotPlain
        return out
    if tag == _SEQ:
        return [_plain(child) for child in node.value]
    if tag in _CONVERT:  # resolved implicitly, so its value matches the tag's resolver
        try:
            return _CONVERT[tag][0](node.value)
        except ValueError:  # too many digits: the constructor explains it
            raise _NotPlain from None
    raise _NotPlain


for _tag, _regexp, _first in _RESOLVERS:
    StrictLoader.add_implicit_resolver(_tag, _regexp, list(_first))


@dataclass(frozen=True)
class Loaded:
    """Result of loading one file: the data, or the problems that stopped it."""

    data: object
    problems: tuple[Problem, ...] = ()


def _line_col(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
    return line, col


def _encoding_problem(path: str, raw: bytes) -> Problem | None:
    """Name the encoding of a file that is not BOM-less UTF-8, with the fix."""
    boms = [
        (b"\xef\xbb\xbf", "UTF-8 带 BOM", "用编辑器另存为“UTF-8(无 BOM)”"),
        (b"\xff\xfe", "UTF-16 LE", "另存为 UTF-8(无 BOM)"),
        (b"\xfe\xff", "UTF-16 BE", "另存为 UTF-8(无 BOM)"),
    ]
    for bom, name, fix in boms:
        if raw.startswith(bom):
            return Problem(path, 1, 1, "E102", f"文件编码是 {name},应为不带 BOM 的 UTF-8", hint=fix)
    try:
        raw.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        line, col = _line_col(raw, exc.start)
    try:
        raw.decode("gb18030")
        guess = "看起来是 GBK/GB18030 编码(Windows 中文软件的默认编码)"
        fix = f"用 iconv -f GB18030 -t UTF-8 转换,或在编辑器中另存为 UTF-8:{path}"
    except UnicodeDecodeError:
        guess, fix = "不是有效的 UTF-8 文本", "另存为 UTF-8(无 BOM)"
    return Problem(path, line, col, "E101", f"文件不是 UTF-8 编码,{guess}", hint=fix)


# libyaml's messages, in plain words; the original stays in brackets for searching.
_SYNTAX_MESSAGES = [
    ("did not find expected ',' or ']'", "方括号 [ ] 没有配对"),
    ("did not find expected ',' or '}'", "花括号 { } 没有配对"),
    ("did not find expected key", "缩进不一致,或这一行缺少“字段: ”"),
    ("could not find expected ':'", "缺少“: ”(冒号加空格)"),
    ("found unexpected end of stream", "引号或括号没有闭合,文件就结束了"),
    ("found character that cannot start any token", "这里的字符不能作为值的开头(如 @ ` %),请给整段文字加引号"),
    ("block sequence entries are not allowed", "列表项“- ”的位置不对,请检查缩进"),
    ("expected <block end>", "缩进不一致"),
    ("found undefined tag handle", "不认识的标签(以 ! 开头),文字以 ! 开头时请加引号"),
    ("found unknown escape character", "双引号中的反斜杠转义无效,改用单引号或去掉反斜杠"),
    ("but found another document", "一个文件只能有一个 YAML 文档,请删除多余的 ---"),
    ("did not find expected <document start>", "一个文件只能有一个 YAML 文档,这里有多余的内容(如 --- 或 ... 之后)"),
    ("found invalid Unicode character escape code", "双引号中的 \\u 或 \\U 转义不是有效的字符"),
    ("did not find expected alphabetic or numeric character", "& 或 * 之后应是名字;文字以 & 或 * 开头时请加引号"),
    ("found unknown directive name", "不认识的指令(以 % 开头的行);文字以 % 开头时请加引号"),
    ("found incompatible YAML document", "不支持这个 YAML 版本声明(%YAML),请删除这一行"),
    ("expected a mapping node", "标签 !!map 要求映射(字段: 值),而它的值不是;不要给值加标签"),
    ("expected a sequence node", "标签 !!seq 要求列表,而它的值不是;不要给值加标签"),
    ("expected a scalar node", "标签要求单个值,而它的值是列表或映射;不要给值加标签"),
    ("did not find expected node content", "这里缺少值,或多了一个符号(如 - [ { ,)"),
    ("expected a comment or a line break", "引号结束之后这一行还有文字,请把整段文字放进引号里"),
    ("mapping keys are not allowed here", "这里不能写“字段: ”,请检查缩进"),
    ("did not find expected '-' indicator", "列表中的这一行应以“- ”开头,或它的缩进不对"),
]


# libyaml ends a line at CR, NEL, LS and PS too; an editor (and dufu's quoting) only at LF
_FULL_WIDTH_INDENT = re.compile(r" *\u3000(?=[\u3000 ]*(?:- |[A-Za-z_][A-Za-z0-9_]*[:：]))")
_OTHER_BREAKS = (b"\r", b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")


def _where(mark, raw: bytes, ends: list[int] | None = None) -> tuple[int, int]:
    """The 1-based line and column of a libyaml mark, lines counted at LF only: in a file
    holding another line break (a raw U+2028 in a title) libyaml's own count runs ahead.
    ends: _line_ends(raw), when many marks of a file holding another break are placed."""
    if ends is None:
        if not any(other in raw for other in _OTHER_BREAKS):
            return mark.line + 1, mark.column + 1
        ends = _line_ends(raw)
    line = bisect.bisect_left(ends, mark.index)  # the LFs before the mark
    return line + 1, mark.index - (ends[line - 1] if line else -1)


def _line_ends(raw: bytes) -> list[int]:
    """Where each LF is in the decoded text (marks count characters)."""
    text = raw.decode("utf-8", "replace")
    return [match.start() for match in re.finditer("\n", text)]


# A line that begins with a field name (in a list item or not), and the character after it.
_KEY_START = re.compile(r"[ \t]*(?:-[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)(:|：)?")


def _is_field(name: str) -> bool:
    """Whether name is a field of some data file (a wrapped line of prose may start "GB3838: ")."""
    from .translate import _field_names  # the models, loaded only to explain a problem

    return name in _field_names()


def _colon_message(key: re.Match) -> tuple[str, str]:
    """A field name followed by a full-width colon, or a colon without a space."""
    shown = "全角冒号“：”" if key[2] == "：" else "后面没有空格的冒号"
    return f"字段“{key[1]}”之后应是半角冒号加空格“: ”,这里是{shown}", f"写成“{key[1]}: ”"


def _colon_slip(lines: list[bytes], line: int) -> tuple[int, int, re.Match] | None:
    """(line, column, match) of the line before line when it is a field name followed by a
    full-width colon or a colon without a space: YAML read it as text, so the field under it
    looks mis-indented."""
    before = next((n for n in range(line - 1, 0, -1) if lines[n - 1].strip()), None)
    if before is None:
        return None
    text = lines[before - 1].decode("utf-8", "replace").rstrip("\r")
    key = _KEY_START.match(text)
    if key is None or key[2] is None:
        return None
    if key[2] == ":" and text[key.end() : key.end() + 1] in ("", " ", "\t"):  # "key: value", "key:": a field
        return None
    return before, key.start(1) + 1, key


def _broken_by_separator(path: str, raw: bytes, line: int) -> Problem | None:
    """A U+2028, U+2029 or NEL typed into a line at or just before where YAML failed (libyaml
    ends a line there), or None."""
    start = 0
    for _ in range(max(line - 2, 0)):
        start = raw.find(b"\n", start) + 1
    end = raw.find(b"\n", raw.find(b"\n", start) + 1)
    window = raw[start : len(raw) if end < 0 else end]
    found = [(window.find(other), other) for other in _OTHER_BREAKS[1:] if other in window]
    if not found:
        return None
    at, other = min(found)
    char = describe_char(other.decode("utf-8"))
    line, col = _line_col(raw, start + at)
    message = f"这一行中有换行符 {char}:YAML 在它这里断行,每段文字只能写在一行内"
    return Problem(path, line, col, "E207", message, hint="删除这个字符")


def _yaml_error_problem(path: str, raw: bytes, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None and (broken := _broken_by_separator(path, raw, _where(mark, raw)[0])) is not None:
        return broken
    context = getattr(exc, "context", None) or ""
    if context in ("while scanning a quoted scalar", "while scanning a simple key") and exc.context_mark is not None:
        mark = exc.context_mark  # where the quote opened, where the key began: not where libyaml gave up
    line, col = _where(mark, raw) if mark is not None else (1, 1)
    what = getattr(exc, "problem", None) or str(exc)
    text_lines = raw.split(b"\n")
    for number in range(min(line, len(text_lines)), max(line - 2, 0), -1):  # it breaks this line or the next
        indent = _FULL_WIDTH_INDENT.match(text_lines[number - 1].decode("utf-8", "replace"))
        if indent:  # before a field or a list item: an indent (a paragraph's, inside text, is no slip)
            message = "行首有全角空格(U+3000):YAML 只认半角空格缩进"
            return Problem(path, number, indent.end(), "E103", message, hint="把全角空格换成半角空格")
    source = text_lines[line - 1] if line <= len(text_lines) else b""
    key = _KEY_START.match(source.decode("utf-8", "replace"))
    hint = None
    if b"\t" in source[: len(source) - len(source.lstrip(b" \t"))] or "tab" in what.lower():
        message = "不能用 Tab 缩进,YAML 只接受空格缩进"
        hint = "把 Tab 换成空格"
    elif "mapping values are not allowed" in what and (slip := _colon_slip(text_lines, line)) is not None:
        line, col, slipped = slip  # the line before took "- as_of：…" for text: the slip is there
        message, hint = _colon_message(slipped)
    elif "mapping values are not allowed" in what and key and key[2] == ":" and key.end() == col and _is_field(key[1]):
        message = f"缩进不一致:这一行的“{key[1]}: ”与同一层的字段没有对齐"  # the ": " is its own key's
        hint = "检查行首的空格数:同一层的字段缩进要相同"
    elif "mapping values are not allowed" in what:
        message = "这一行出现了多余的“: ”(冒号加空格),YAML 把它当成了新的字段"
        hint = "整段文字加引号,或把半角冒号改为全角“:”"
    elif context == "while scanning a quoted scalar" and "end of stream" in what:
        message = "引号没有闭合:这里开始的引号直到文件末尾也没有结束"
        hint = "补上配对的引号"
    elif context == "while scanning a simple key" and key and key[2] is not None:
        message, hint = _colon_message(key)
    elif "exceeded maximum nesting depth" in what:
        message = "嵌套层数过深"
    else:
        plain = next((zh for en, zh in _SYNTAX_MESSAGES if en in what), None)
        message = f"YAML 语法错误:{plain}({what})" if plain else f"YAML 语法错误:{what}"
    return Problem(path, line, col, "E103", message, hint=hint)


def too_large(path: str, size: int) -> Problem:
    return Problem(path, 1, 1, "E108", f"文件过大({size} 字节,上限 {MAX_FILE_BYTES} 字节)")


MAX_VALUES = 50_000  # values (scalars, lists, mappings) in one file: far beyond any real file


def too_many_values(raw: bytes) -> int:
    """The number of values in a file when over MAX_VALUES (counted from the parser's events,
    which keep no tree), else 0. A file of 500,000 `{}` would take 400 MB to load and make a
    million validation errors; it is refused instead. Small files cannot reach the limit."""
    if len(raw) < 2 * MAX_VALUES:  # every value takes at least two bytes
        return 0
    count = 0
    try:
        for event in yaml.parse(raw, Loader=_BaseLoader):
            count += isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent, yaml.AliasEvent))
    except yaml.YAMLError:
        return 0  # reported by the load itself
    return count if count > MAX_VALUES else 0


def load_yaml(path: str, raw: bytes) -> Loaded:
    """Parse one file's bytes strictly; never raises for bad input."""
    if len(raw) > MAX_FILE_BYTES:
        return Loaded(None, (too_large(path, len(raw)),))
    values = too_many_values(raw)
    if values:
        message = f"文件中的值过多({values} 个,上限 {MAX_VALUES} 个),没有读取"
        return Loaded(None, (Problem(path, 1, 1, "E108", message, hint="把数据拆到几个文件中"),))
    if raw[:3] == b"\xef\xbb\xbf" or raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return Loaded(None, (_encoding_problem(path, raw),))
    # anchors and aliases start with & and *, tags with !, which Chinese prose rarely holds
    aliases = b"&" in raw or b"*" in raw
    loader = (AliasRefusingLoader if aliases else StrictLoader)(raw)
    loader.plain = not aliases and b"!" not in raw
    try:
        data = loader.get_single_data()
    except YamlProblem as exc:
        line, col = _where(exc.mark, raw)
        return Loaded(None, (Problem(path, line, col, exc.code, exc.message, hint=exc.hint),))
    except yaml.reader.ReaderError as exc:
        problem = _encoding_problem(path, raw)
        if problem is None:  # valid UTF-8, but a control character YAML does not allow
            line, col = _line_col(raw, exc.position)
            problem = Problem(
                path, line, col, "E113", f"文件含有不允许的控制字符 U+{exc.character:04X}", hint="删除这个字符"
            )
        return Loaded(None, (problem,))
    except yaml.YAMLError as exc:
        encoding = _encoding_problem(path, raw)
        return Loaded(None, (encoding or _yaml_error_problem(path, raw, exc),))
    finally:
        loader.dispose()
    if data is None:
        return Loaded(None, (Problem(path, 1, 1, "E109", "文件是空的"),))
    return Loaded(data)


def compose(raw: bytes):
    """The node tree of a file, for locating problems; None when it does not parse. Its marks
    count lines at LF only (see _where)."""
    try:
        node = yaml.compose(raw, Loader=StrictLoader)
    except (yaml.YAMLError, YamlProblem):
        return None
    if node is not None and any(other in raw for other in _OTHER_BREAKS):
        _recount(node, raw)
    return node


def _recount(root, raw: bytes) -> None:
    """Every mark of the tree with its line and column counted at LF only."""
    ends = _line_ends(raw)
    todo, seen = [root], set()
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for name in ("start_mark", "end_mark"):
            mark = getattr(node, name)
            line, column = _where(mark, raw, ends)
            setattr(node, name, yaml.Mark(mark.name, mark.index, line - 1, column - 1, None, None))
        if isinstance(node, yaml.MappingNode):
            todo.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            todo.extend(node.value)


def locate(node, field_path: tuple, key: bool = False, offset: int = 0) -> tuple[int, int]:
    """Line and column (1-based) of the value at field_path (of its key, with key=True), or of
    the nearest existing parent when the path does not exist. offset moves the column to a
    character inside a one-line scalar.

    Called only for files known to have a problem, so that loading keeps no node trees.
    """
    if node is None:
        return 1, 1
    mark = node.start_mark
    for part in field_path:
        child = None
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for key_node, value_node in node.value:
                if key_node.value == part:
                    child = value_node
                    mark = key_node.start_mark if key else value_node.start_mark
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(node.value):
                child = node.value[part]
                mark = child.start_mark
        if child is None:
            offset = 0
            break
        node = child
    column = mark.column + 1
    if offset and isinstance(node, yaml.ScalarNode) and node.start_mark.line == node.end_mark.line:
        column += offset + (1 if node.style in ("'", '"') else 0)
    return mark.line + 1, column
