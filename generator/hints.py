"""Did-you-mean advice for placeholders, shared by page templates and form files.

Jinja names a misspelt attribute by the Python class it was looked up on ("'generator.model.ProgramInfo
object' has no attribute 'nmae'"), which means nothing to a coordinator: we name what they wrote instead,
and the keys it does have.
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib
import re

from pydantic import BaseModel

_NO_ATTRIBUTE = re.compile(r"^'(?P<owner>[\w.]+) object' has no attribute '(?P<name>\w+)'$")


def _attributes(qualified: str) -> list[str]:
    """The names a template may use on an object of this class: its fields, and for dicts nothing to suggest."""
    module, _, name = qualified.rpartition(".")
    try:
        cls = getattr(importlib.import_module(module), name) if module else None
    except ImportError:
        return []
    if isinstance(cls, type) and issubclass(cls, BaseModel):
        return [*cls.model_fields, *(n for n, v in vars(cls).items() if isinstance(v, property))]
    if isinstance(cls, type) and dataclasses.is_dataclass(cls):
        return [field.name for field in dataclasses.fields(cls)]
    return []


def undefined_message(message: str, source_line: str, names: list[str]) -> str:
    """A StrictUndefined error in the coordinator's words, with the closest name that exists."""
    if message.endswith("is undefined"):
        name = message.split("'")[1] if message.count("'") >= 2 else ""
        close = difflib.get_close_matches(name, names, n=1)
        return message + (
            f"; did you mean '{close[0]}'?" if close else f"; placeholders are: {', '.join(sorted(names))}"
        )
    found = _NO_ATTRIBUTE.match(message)
    if not found:
        return message
    attribute = found["name"]
    written = re.search(rf"([A-Za-z_][\w.]*(?:\([^()]*\))?)\.{attribute}\b", source_line)
    owner = written[1] if written else found["owner"].rpartition(".")[2]
    known = _attributes(found["owner"])
    close = difflib.get_close_matches(attribute, known, n=1)
    if close:
        return f"'{owner}' has no '{attribute}'; did you mean '{owner}.{close[0]}'?"
    listed = f"; it has: {', '.join(known)}" if known else ""
    return f"'{owner}' has no '{attribute}'{listed}"
