"""YAML loading that remembers where every key and value came from.

PyYAML silently keeps the last of duplicate keys and forgets positions once constructed;
a coordinator needs both caught and located, so we construct from the node tree ourselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import InputError, Problem

Loc = tuple[str | int, ...]


@dataclass
class Located:
    """Parsed data plus the (line, column) of each path's key and value, 1-based."""

    data: Any
    file: str
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

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


def dotted(loc: Loc) -> str:
    return ".".join(str(part) for part in loc)


# libyaml's parser when PyYAML was built with it: several times faster, with the same nodes and marks.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    def __init__(self, loader: yaml.SafeLoader | yaml.CSafeLoader, located: Located) -> None:
        self.loader = loader
        self.located = located
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        # A problem with a whole list or mapping reads best at its key; one with a scalar, at the value.
        collection = isinstance(node, (yaml.MappingNode, yaml.SequenceNode))
        self.located.values[loc] = self.located.keys.get(loc, _mark(node)) if collection else _mark(node)
        if isinstance(node, yaml.MappingNode):
            self.loader.flatten_mapping(node)
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or not key_node.value:
                    line, col = _mark(key_node)
                    self.problems.append(Problem(self.located.file, line, col, dotted(loc), "keys must be plain text"))
                    continue
                # Keys are names as written: YAML 1.1 would turn `yes:` into True and `2027:` into a number.
                key = key_node.value
                if key in result:
                    line, col = _mark(key_node)
                    first = self.located.keys[(*loc, key)][0]
                    self.problems.append(
                        Problem(
                            self.located.file,
                            line,
                            col,
                            dotted((*loc, key)),
                            f"duplicate key (first given on line {first}); keep one and delete the other",
                        )
                    )
                    continue
                self.located.keys[(*loc, key)] = _mark(key_node)
                result[key] = self.build(value_node, (*loc, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, index)) for index, item in enumerate(node.value)]
        return self.scalar(node)

    def scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return None
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, AttributeError, TypeError):
            # An impossible date such as 2027-02-30 (or `!!timestamp nope`) matches YAML's timestamp
            # rule but fails to construct; keep the text so validation can report it against its key.
            return node.value


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
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            [Problem(name, line, column, "", "the file is not UTF-8 text; save it with UTF-8 encoding")]
        ) from None
    if not text.strip() or all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        raise InputError([Problem(name, 1, 1, "", "the file is empty; fill it in (start from `handbook new`)")])
    located = Located(data=None, file=name)
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise InputError([Problem(name, 1, 1, "", "the file holds no YAML document")])
            builder = _Builder(loader, located)
            located.data = builder.build(node, ())
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or "invalid YAML"
        hint = f" ({exc.context})" if exc.context else ""
        raise InputError(
            [Problem(name, line, column, "", f"YAML syntax error: {what}{hint}; check indentation and quoting")]
        ) from None
    except RecursionError:
        raise InputError(
            [Problem(name, 1, 1, "", "an alias (*name) refers to the anchor (&name) it sits in; remove the loop")]
        ) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise InputError(
            [Problem(name, line, column, "", f"the file holds a character YAML does not allow ({exc.reason})")]
        ) from None
    located.problems = builder.problems
    if not isinstance(located.data, dict):
        raise InputError([Problem(name, 1, 1, "", "expected keys and values at the top level of the file")])
    return located
