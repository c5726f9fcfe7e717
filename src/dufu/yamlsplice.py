"""Edits of a data file's top-level fields, spliced at the positions of its YAML nodes.

The file is composed (``yamlload.compose``) only to find where things are; the edit then
replaces or inserts text at those positions, so comments, quoting, key order and the layout
of every other line stay exactly as they were.
"""

from __future__ import annotations

import functools

import yaml

from .problems import DufuError
from .yamlload import StrictLoader
from .yamlwrite import scalar


def _keeping_line_ends(edit):
    """Edit a file written with CRLF line ends as LF text, and give it back with CRLF."""

    @functools.wraps(edit)
    def wrapper(text: str, *args, **kwargs) -> str:
        crlf = "\r\n" in text and text.count("\r\n") == text.count("\n")
        if not crlf:
            return edit(text, *args, **kwargs)
        return edit(text.replace("\r\n", "\n"), *args, **kwargs).replace("\n", "\r\n")

    return wrapper


class SpliceError(DufuError):
    """The file is laid out in a way an edit cannot be spliced into safely."""


def top_mapping(text: str, rel: str) -> yaml.MappingNode:
    try:
        node = yaml.compose(text, Loader=StrictLoader)
    except Exception:  # noqa: BLE001 - any YAML failure: the file is not valid, say so
        node = None
    if isinstance(node, yaml.MappingNode) and node.flow_style:  # valid, but written {a: 1, b: 2}
        raise SpliceError(f"{rel} 是用花括号({{…}})写的流式 YAML,dufu 只能修改逐行书写的 YAML;请手工修改,或先把它改成逐行书写")
    if not isinstance(node, yaml.MappingNode):
        raise SpliceError(f"{rel} 不是逐行书写的 YAML 映射,无法自动修改;请先运行 dufu validate")
    return node


def field_node(mapping: yaml.MappingNode, key: str) -> yaml.Node | None:
    for key_node, value_node in mapping.value:
        if key_node.value == key:
            return value_node
    return None


def content_end(node: yaml.Node) -> int:
    """Index just after the last character of a node's own text (a block collection's end
    mark lies at the next key, past comments that belong to what follows)."""
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.value and not node.flow_style:
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
        return node.end_mark.index - 1  # a block scalar ends at the start of the next line
    return node.end_mark.index


def line_end(text: str, index: int) -> int:
    """Index after the newline that ends the line holding index (or len(text))."""
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


@_keeping_line_ends
def set_fields(text: str, rel: str, values: dict[str, object], order: tuple[str, ...]) -> str:
    """Set top-level scalar fields. An existing value is replaced where it stands (a comment
    after it stays); a missing key is inserted after the nearest key before it in order."""
    for key, value in values.items():
        mapping = top_mapping(text, rel)
        node = field_node(mapping, key)
        written = scalar(value)
        if node is not None:
            if not isinstance(node, yaml.ScalarNode) or node.start_mark.line != node.end_mark.line:
                raise SpliceError(f"{rel} 中 {key} 的值不是单行文字,无法自动修改")
            text = _replaced(text, node, written)
            continue
        text = text if text.endswith("\n") else text + "\n"
        at = _insert_point(text, top_mapping(text, rel), key, order)
        text = text[:at] + f"{key}: {written}\n" + text[at:]
    return text


def _replaced(text: str, node: yaml.ScalarNode, written: str) -> str:
    """text with a one-line scalar's value replaced where it stands; an empty one (``key:``
    and nothing after it) is given the space a value needs after the colon."""
    start, end = node.start_mark.index, node.end_mark.index
    if start == end and text[start - 1 : start] == ":":
        written = " " + written
        end += text[end : end + 1] == " "  # `key: ` with a space left after it: the value takes its place
    return text[:start] + written + text[end:]


def _insert_point(text: str, mapping: yaml.MappingNode, key: str, order: tuple[str, ...]) -> int:
    before = order[: order.index(key)] if key in order else order
    for key_node, value_node in reversed(mapping.value):
        if key_node.value in before:
            return line_end(text, content_end(value_node))
    return len(text)


@_keeping_line_ends
def append_to_list(text: str, rel: str, key: str, block: str, empty: str) -> str:
    """Add block (lines indented for a list under key, two spaces) after the last item of the
    top-level list key; reindented to the column the file's items use. A missing or empty
    (`[]`) list becomes `key:` followed by block; empty is what to insert before block."""
    mapping = top_mapping(text, rel)
    node = field_node(mapping, key)
    if node is None or (isinstance(node, yaml.SequenceNode) and not node.value):
        if node is None:
            at = line_end(text, content_end(mapping))
            text = text if text.endswith("\n") else text + "\n"
            return text[:at] + empty + f"{key}:\n" + block + text[at:]
        start = node.start_mark.index
        return text[:start].rstrip(" ") + "\n" + block.rstrip("\n") + text[node.end_mark.index :]
    if not isinstance(node, yaml.SequenceNode) or node.flow_style:
        raise SpliceError(f"{rel} 中 {key} 不是逐行书写的列表,无法自动追加")
    first = node.value[0].start_mark.index
    line_start = text.rfind("\n", 0, first) + 1
    shift = text.index("-", line_start) - line_start - 2  # the column of the file's dashes
    if shift:
        pad = " " * max(shift, 0)
        block = "".join(pad + line if shift > 0 else line[-shift:] for line in block.splitlines(keepends=True))
    at = line_end(text, content_end(node))
    prefix = text[:at] if text[:at].endswith("\n") else text[:at] + "\n"
    return prefix + block + text[at:]


@_keeping_line_ends
def replace_scalar(text: str, rel: str, path: tuple[str, ...], value: object) -> str:
    """Replace the one-line scalar at a path of mapping keys (flow or block) where it stands."""
    node: yaml.Node | None = top_mapping(text, rel)
    for key in path:
        node = field_node(node, key) if isinstance(node, yaml.MappingNode) else None
    if not isinstance(node, yaml.ScalarNode) or node.start_mark.line != node.end_mark.line:
        raise SpliceError(f"{rel} 中没有可修改的 {'.'.join(path)}")
    return _replaced(text, node, scalar(value))


@_keeping_line_ends
def add_list_item(text: str, rel: str, key: str, item: str) -> str:
    """Append an item to a task's top-level list key (adjustments, milestones); a missing list
    is started just before progress, which stays the last field (reports are appended there)."""
    if field_node(top_mapping(text, rel), key) is None:
        from .yamlwrite import splice_before_progress

        spliced = splice_before_progress(text, f"{key}:\n" + item)
        if spliced is not None:
            return spliced
    return append_to_list(text, rel, key, item, "")


@_keeping_line_ends
def set_in_item(text: str, rel: str, key: str, index: int, field: str, value: object) -> str:
    """Set field: value in the index-th item (a mapping) of the top-level list key: added,
    or where the item has it already (empty), replaced."""
    node = field_node(top_mapping(text, rel), key)
    if not isinstance(node, yaml.SequenceNode) or node.flow_style or index >= len(node.value):
        raise SpliceError(f"{rel} 中 {key} 不是逐行书写的列表,无法自动修改")
    item = node.value[index]
    if not isinstance(item, yaml.MappingNode) or item.flow_style or not item.value:
        raise SpliceError(f"{rel} 中 {key} 的第 {index + 1} 项不是逐行书写的映射,无法自动修改")
    present = field_node(item, field)
    if isinstance(present, yaml.ScalarNode) and present.start_mark.line == present.end_mark.line:
        return _replaced(text, present, scalar(value))  # written empty (done_on:): filled in
    column = item.value[0][0].start_mark.column
    at = line_end(text, content_end(item))
    text = text if at < len(text) or text.endswith("\n") else text + "\n"
    return text[:at] + " " * column + f"{field}: {scalar(value)}\n" + text[at:]
