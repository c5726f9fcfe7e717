"""The unit registry, and reading unit lines written the way notices write them.

A notice writes ``市林业局、生态环境局、发改委,各县(市、区)党委和政府``: groups joined by
``,``, names in a group joined by ``、``, a shared prefix (``市``) written once per group.
The text is kept exactly as written for rendering; this module recovers the units in it.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable

from .models import Unit

_OPEN = "(（[《“"
_CLOSE = ")）]》”"
_GROUP_SEPARATORS = ",，;；"
_NAME_SEPARATOR = "、"
SEPARATORS = _GROUP_SEPARATORS + _NAME_SEPARATOR  # what a unit line is split at
_MAX_PREFIX = 3
# A shared prefix ends with a place word: 市 (市林业局), 三明市 (三明市林业局), 省, 县…
_PLACE_CHARS = "省市州盟县区旗镇乡"
# ...unless a name starts with a word that holds one: 市场监管局 and 城市管理局 carry no prefix
# (成都市林业局 and 盐城市林业局 do: their 都市 and 城市 end a place's name)
_NOT_PLACE_WORDS = ("市场", "乡村", "区域", "县域", "城市", "城乡", "都市")


def leading_prefix(name: str) -> str:
    """The place prefix a group writes once (市 of 市林业局), or "" when the name has none.
    A name for each of many places (各县(市、区)…) shares none."""
    if name.startswith("各"):
        return ""
    for size in range(1, min(_MAX_PREFIX, len(name) - 1) + 1):
        at = size - 1
        if name[at] in _PLACE_CHARS and not (at <= 1 and name.startswith(_NOT_PLACE_WORDS)):
            return name[:size]
    return ""


def lender(group: list[str], index: int) -> str:
    """The name whose place prefix the index-th name of a group shares: the nearest before it
    that has one (省生态环境厅、市委宣传部、组织部: 市委宣传部), else the group's first."""
    return next((name for name in reversed(group[1:index]) if leading_prefix(name)), group[0])


def implied_name(first: str, written: str) -> str:
    """The full name of a name written after 、 in a group whose first name is first:
    生态环境局 after 市林业局 is 市生态环境局, 组织部 after 市委宣传部 is 市委组织部 (a
    department of the party committee); a name that carries its own prefix, or one for each
    of many places (各…), stays as written."""
    prefix = leading_prefix(first)
    if not prefix or written.startswith("各") or leading_prefix(written):
        return written
    if first.startswith(prefix + "委") and written.endswith("部"):  # 市委宣传部、组织部: the party's 市委组织部
        return prefix + "委" + written
    return prefix + written


def separator_in(name: str) -> str | None:
    """The first character a unit line is split at in name (outside brackets), or None. A
    name whose brackets do not pair is split: no line could name it whole."""
    if sum(c in _OPEN for c in name) != sum(c in _CLOSE for c in name):
        return next((c for c in name if c in _OPEN + _CLOSE), None)
    groups = split_unit_line(name)
    if groups == [[name.strip()]]:
        return None
    first = groups[0][0] if groups else ""  # the separator is the first one after it
    return next((char for char in name[name.find(first) + len(first) :] if char in SEPARATORS), None)


def name_problem(name: str) -> str | None:
    """Why no unit line could name this unit (a separator, a bracket that does not pair, a
    blank at either end), or None."""
    if name != name.strip():  # a line's names are read without the blanks around them
        return f"单位名称“{name}”前后有空格:单位行读出的名称不含它们,这个名称永远不会被认出"
    separator = separator_in(name)
    if separator is None:
        return None
    if separator in SEPARATORS:
        return f"单位名称“{name}”含有“{separator}”:单位行用它分隔单位,这个名称永远不会被认出"
    return f"单位名称“{name}”中的括号“{separator}”没有配对:单位行会把它后面的单位也算进来"


def split_unit_line(text: str) -> list[list[str]]:
    """Split a unit line into groups of names, ignoring separators inside brackets."""
    groups: list[list[str]] = [[]]
    depth = 0
    current = ""
    for char in text:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
        if depth == 0 and char in SEPARATORS:
            groups[-1].append(current.strip())
            current = ""
            if char != _NAME_SEPARATOR:
                groups.append([])
            continue
        current += char
    groups[-1].append(current.strip())
    return [[name for name in group if name] for group in groups if any(group)]


class UnitRegistry:
    """Canonical unit names and every written form that maps to them."""

    def __init__(self, units: Iterable[Unit] = ()):
        self.names: list[str] = []
        self._lookup: dict[str, str] = {}
        for unit in units:
            self.add(unit)

    def add(self, unit: Unit) -> None:
        """One more unit, after those known: a caller registering units one by one (an import
        naming thousands) grows the registry instead of building it again each time."""
        self.names.append(unit.name)
        for form in (unit.name, *unit.aliases):
            self._lookup.setdefault(form, unit.name)
        for derived in ("_numbers", "_read"):  # caches of what it held before
            self.__dict__.pop(derived, None)

    def number(self, name: str) -> int | None:
        """A canonical name's position in the registry (for compact storage), else None."""
        return self._numbers.get(name)

    @functools.cached_property
    def _numbers(self) -> dict[str, int]:
        numbers: dict[str, int] = {}
        for position, known in enumerate(self.names):
            numbers.setdefault(known, position)
        return numbers

    def forms(self) -> list[str]:
        """Every written form the registry knows (names and aliases)."""
        return list(self._lookup)

    def resolve(self, written: str) -> str | None:
        """The canonical name for a written form, or None."""
        return self._lookup.get(written)

    def short_form_matches(self, written: str) -> list[str]:
        """Canonical names a short form (a name without its leading prefix, such as 生态环境局
        for 市生态环境局) may stand for: forms that are a place prefix followed by it."""
        found = []
        for form, name in self._lookup.items():
            prefix = leading_prefix(form)
            if prefix and form == prefix + written and name not in found:
                found.append(name)
        return found

    def suggest(self, written: str) -> str | None:
        """The closest known written form, for 'did you mean' hints."""
        close = difflib.get_close_matches(written, list(self._lookup), n=1, cutoff=0.5)
        return close[0] if close else None

    def read_line(self, text: str) -> tuple[list[str], list[str]]:
        """Units named in a unit line: (canonical names in order, written forms not known)."""
        found, unknown = self._line(text)
        return list(found), [written for written, _ in unknown]

    def unknown_in_line(self, text: str) -> list[tuple[str, str]]:
        """(as written, the name it means) of each name of a unit line the registry lacks, in
        the line's order: 林业局 after 县农业局、 means 县林业局 (what `units add` should register)."""
        return list(self._line(text)[1])

    def named_in(self, text: str) -> list[str]:
        """Every unit a unit line names, as the tallies count them: registered names, then the
        forms the registry lacks, as written."""
        found, unknown = self.read_line(text)
        return found + unknown

    def _line(self, text: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
        """A unit line read once (the same lines recur across thousands of tasks): the canonical
        names it names, and (as written, meant) for each name the registry lacks."""
        read = self.__dict__.setdefault("_read", {})
        if text not in read:
            found: list[str] = []
            unknown: list[tuple[str, str]] = []
            for group in split_unit_line(text):
                for index, written in enumerate(group):
                    name = self.resolve_in_group(group, written, index)
                    if name is None:
                        unknown.append((written, written if index == 0 else implied_name(lender(group, index), written)))
                    elif name not in found:
                        found.append(name)
            read[text] = (tuple(found), tuple(unknown))
        return read[text]

    def resolve_in_group(self, group: list[str], written: str, index: int) -> str | None:
        """The canonical name of the index-th name of a group: as written, else with the place
        prefix of the nearest name before it that has one (市委宣传部、组织部 after 省…: 市委组织部)."""
        name = self.resolve(written)
        if name is None and index > 0:
            name = self._resolve_with_prefix(lender(group, index), written)
        return name

    def _resolve_with_prefix(self, first: str, written: str) -> str | None:
        for size in range(1, min(_MAX_PREFIX, len(first) - 1) + 1):
            name = self.resolve(first[:size] + written)
            if name is not None:
                return name
        return None
