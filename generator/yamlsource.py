"""YAML loading that remembers where every key and value came from.

PyYAML silently keeps the last of duplicate keys and forgets positions once constructed;
a coordinator needs both caught and located, so we construct from the node tree ourselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import InputError, Problem

Loc = tuple[str | int, ...]

MAX_DEPTH = 64
"""Deepest nesting of lists and mappings a file may have; program.yaml and form files need under ten levels."""
MAX_NODES = 100_000
"""Most values a file may expand to through aliases; the example program.yaml has about a thousand."""
_MERGE = "tag:yaml.org,2002:merge"
_DECIMAL = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
"""A whole number as a coordinator means it; YAML 1.1 also reads 060 (octal), 0x1F, 1_000 and 1:30 (base 60)."""


@dataclass
class Located:
    """Parsed data plus the (line, column) of each path's key and value, 1-based."""

    data: Any
    file: str
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    plain: dict[Loc, str] = field(default_factory=dict)
    """Unquoted scalars as written (`060`, `yes`, ``), so advice can quote what the coordinator typed."""
    lines: list[str] = field(default_factory=list)
    """The file's lines, to tell a value YAML read as a comment (`color: #1f5f5b`) from a missing one."""

    def where(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """Position of the deepest known prefix of loc (its key when asked and known)."""
        for end in range(len(loc), -1, -1):
            prefix = loc[:end]
            if key and end == len(loc) and prefix in self.keys:
                return self.keys[prefix]
            if prefix in self.values:
                return self.values[prefix]
        return (1, 1)

    def problem(self, loc: Loc, message: str, *, key: bool = False) -> Problem:
        line, column = self.where(loc, key=key)
        return Problem(self.file, line, column, dotted(loc), message)

    def sub(self, prefix: Loc) -> Located:
        """A view of part of the file, so a nested mapping validates against its own model with real positions."""
        n = len(prefix)
        data: Any = self.data
        for part in prefix:
            data = data[part]

        def strip(found: dict[Loc, Any]) -> dict[Loc, Any]:
            return {k[n:]: v for k, v in found.items() if k[:n] == prefix}

        return Located(data, self.file, strip(self.keys), strip(self.values), [], strip(self.plain), self.lines)


def strings(data: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Every text value in parsed data with its path, in file order."""
    if isinstance(data, str):
        yield loc, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from strings(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from strings(value, (*loc, index))


def dotted(loc: Loc) -> str:
    """A key path as messages show it: list positions counted from 1, as coordinators count items."""
    return ".".join(str(part + 1) if isinstance(part, int) else part for part in loc)


# libyaml's parser when PyYAML was built with it: several times faster, with the same nodes and marks.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _children(node: yaml.Node) -> list[tuple[yaml.Node, Loc, yaml.Node]]:
    """(child, its step in the key path, the node whose mark locates that step) for a collection node."""
    if isinstance(node, yaml.MappingNode):
        found = []
        for key, value in node.value:
            step: Loc = (key.value,) if isinstance(key, yaml.ScalarNode) else ()
            found += [(key, (), key), (value, step, key)]
        return found
    if isinstance(node, yaml.SequenceNode):
        return [(item, (index,), item) for index, item in enumerate(node.value)]
    return []


def _shape_problem(root: yaml.Node, name: str) -> Problem | None:
    """Refuse, at their place, a file nested too deeply, an alias inside its own anchor, or one that expands too far.

    Walked without recursion, and sizes counted once per distinct node, so neither 5,000 brackets nor a
    "billion laughs" of nested aliases costs more than reading the file.
    """
    sizes: dict[int, int] = {}
    path: list[tuple[yaml.Node, list[tuple[yaml.Node, Loc, yaml.Node]]]] = [(root, _children(root)[::-1])]
    on_path = {id(root)}
    while path:
        node, pending = path[-1]
        if not pending:
            path.pop()
            on_path.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child, _, _ in _children(node))
            continue
        child, _, _ = pending.pop()
        if id(child) in sizes:
            continue
        line, column = _mark(child)
        if id(child) in on_path:
            message = "an alias (*name) refers to the anchor (&name) it sits in, so it never ends; remove the loop"
            return Problem(name, line, column, "", message)
        if len(path) >= MAX_DEPTH:
            message = f"nested too deeply (more than {MAX_DEPTH} levels of lists or mappings); check the brackets"
            return Problem(name, line, column, "", message)
        path.append((child, _children(child)[::-1]))
        on_path.add(id(child))
    if sizes[id(root)] <= MAX_NODES:
        return None
    # Blame the deepest key whose value alone is too large: that is where the aliases multiply.
    node, loc, line, column = root, (), 1, 1
    while True:
        big = next(((c, s, m) for c, s, m in _children(node) if s and sizes[id(c)] > MAX_NODES), None)
        if big is None:
            break
        node, step, marker = big
        loc, (line, column) = (*loc, *step), _mark(marker)
    message = (
        f"aliases (*name) here expand to more than {MAX_NODES:,} values, far more than any program needs; "
        "write the values out instead of repeating aliases of aliases"
    )
    return Problem(name, line, column, dotted(loc), message)


class _Builder:
    def __init__(self, loader: yaml.SafeLoader | yaml.CSafeLoader, located: Located) -> None:
        self.loader = loader
        self.located = located
        self.problems: list[Problem] = []

    def _report(self, node: yaml.Node, loc: Loc, message: str) -> None:
        line, col = _mark(node)
        self.problems.append(Problem(self.located.file, line, col, dotted(loc), message))

    def _merged(self, node: yaml.Node, loc: Loc) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """The pairs a `<<:` merge key brings in: of several mappings, the first to give a key wins (YAML 1.1)."""
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        pairs: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                self._report(source, loc, "`<<:` merges mappings only; give an alias (*name) of a mapping, or a list")
                continue
            for key, pair in self._pairs(source, loc, report=False).items():
                pairs.setdefault(key, pair)
        return pairs

    def _pairs(self, node: yaml.MappingNode, loc: Loc, *, report: bool) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """A mapping's pairs by key: its own keys override merged ones; a key given twice by the mapping is refused."""
        merged: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        own: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                for key, pair in self._merged(value_node, loc).items():
                    merged.setdefault(key, pair)
                continue
            if not isinstance(key_node, yaml.ScalarNode) or not key_node.value:
                if report:
                    self._report(key_node, loc, "keys must be plain text")
                continue
            # Keys are names as written: YAML 1.1 would turn `yes:` into True and `2027:` into a number.
            key = key_node.value
            if key in own:
                if report:
                    first = _mark(own[key][0])[0]
                    message = f"duplicate key (first given on line {first}); keep one and delete the other"
                    self._report(key_node, (*loc, key), message)
                continue
            own[key] = (key_node, value_node)
        return {**merged, **own}

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        # A problem with a whole list or mapping reads best at its key; one with a scalar, at the value.
        collection = isinstance(node, (yaml.MappingNode, yaml.SequenceNode))
        self.located.values[loc] = self.located.keys.get(loc, _mark(node)) if collection else _mark(node)
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key, (key_node, value_node) in self._pairs(node, loc, report=True).items():
                self.located.keys[(*loc, key)] = _mark(key_node)
                result[key] = self.build(value_node, (*loc, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, index)) for index, item in enumerate(node.value)]
        if isinstance(node, yaml.ScalarNode) and not node.style:  # libyaml gives "", PyYAML None
            self.located.plain[loc] = node.value
        return self.scalar(node)

    def scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return None
        if node.tag == "tag:yaml.org,2002:int" and not _DECIMAL.match(node.value):
            return node.value  # 060 is 48 to YAML 1.1: keep the text, so validation can say what was meant
        if node.tag == "tag:yaml.org,2002:float" and (":" in node.value or "_" in node.value):
            return node.value
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, AttributeError, TypeError):
            # An impossible date such as 2027-02-30 (or `!!timestamp nope`) matches YAML's timestamp
            # rule but fails to construct; keep the text so validation can report it against its key.
            return node.value


def _syntax_problem(name: str, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    """A YAML syntax error where the coordinator must look, with advice for the mistakes people make most."""
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    lines = text.splitlines()
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    what = exc.problem or "invalid YAML"
    if "\t" in here[: column + 1] and "cannot start any token" in what:
        column = here.index("\t") + 1
        return Problem(name, line, column, "", "a tab character; YAML indents with spaces only: replace it with spaces")
    if "mapping values are not allowed" in what:
        if re.search(r"\S:(\s|$)", here[: column - 1]):
            message = "a value holding ': ' must be put in quotes, such as \"Note: bring lunch\""
            return Problem(name, line, column, "", message)
        previous = next((n for n in range(line - 1, 0, -1) if lines[n - 1].strip() and not _comment(lines[n - 1])), 0)
        if previous:
            indent = len(lines[previous - 1]) - len(lines[previous - 1].lstrip())
            message = "this line has no ':' after its key; write `key: value`"
            return Problem(name, previous, indent + 1, "", message)
    if "maximum nesting depth" in what:  # libyaml 0.2.6 and later stop deep nesting themselves
        message = f"nested too deeply (more than {MAX_DEPTH} levels of lists or mappings); check the brackets"
        return Problem(name, line, column, "", message)
    if "could not find expected ':'" in what and exc.context_mark:
        line, column = exc.context_mark.line + 1, exc.context_mark.column + 1
        return Problem(name, line, column, "", "this line has no ':' after its key; write `key: value`")
    hint = f" ({exc.context})" if exc.context else ""
    return Problem(name, line, column, "", f"YAML syntax error: {what}{hint}; check indentation and quoting")


def _comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def decode(raw: bytes, name: str) -> str:
    """UTF-8 text of a file, or InputError at the line and column of the first byte that is not UTF-8."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw[: exc.start].count(b"\n") + 1
        column = len(raw[start : exc.start].decode("utf-8-sig", errors="replace")) + 1
        byte = raw[exc.start]
        message = f"byte 0x{byte:02X} is not UTF-8 text (the file is in another encoding); save it as UTF-8"
        raise InputError([Problem(name, line, column, "", message)]) from None


def parse_yaml(path: Path, display: str | None = None) -> Located:
    """Parse a UTF-8 YAML file into data with positions.

    Unreadable files raise InputError at once; duplicate keys are collected in `problems` so
    they are reported together with validation problems.
    """
    name = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(name, 1, 1, "", f"cannot read the file: {exc.strerror}")]) from None
    return parse_text(decode(raw, name), name)


def parse_text(text: str, name: str) -> Located:
    """Parse YAML text already read, as `parse_yaml` does; `name` is where its problems are located."""
    if not text.strip() or all(not line.strip() or _comment(line) for line in text.splitlines()):
        raise InputError([Problem(name, 1, 1, "", "the file is empty; fill it in (start from `handbook new`)")])
    located = Located(data=None, file=name, lines=text.splitlines())
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise InputError([Problem(name, 1, 1, "", "the file holds no YAML document")])
            shape = _shape_problem(node, name)
            if shape:
                raise InputError([shape])
            builder = _Builder(loader, located)
            located.data = builder.build(node, ())
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        raise InputError([_syntax_problem(name, text, exc)]) from None
    except RecursionError:  # only PyYAML's pure-Python parser recurses while reading: its nesting is the cause
        raise InputError([Problem(name, 1, 1, "", "nested too deeply; check the brackets")]) from None
    except yaml.reader.ReaderError as exc:
        position = exc.position
        if _Loader is not yaml.SafeLoader:  # libyaml counts the bytes of the UTF-8 text, PyYAML its characters
            position = len(text.encode("utf-8")[:position].decode("utf-8", errors="ignore"))
        line = text[:position].count("\n") + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        raise InputError(
            [Problem(name, line, column, "", f"the file holds a character YAML does not allow ({exc.reason})")]
        ) from None
    located.problems = list(dict.fromkeys(builder.problems))
    if not isinstance(located.data, dict):
        raise InputError([Problem(name, 1, 1, "", "expected keys and values at the top level of the file")])
    return located
