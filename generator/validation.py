"""Turn pydantic validation errors into located, actionable problems with did-you-mean hints."""

from __future__ import annotations

import difflib
import functools
import re
import types
import typing
import unicodedata
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from .languages import PLACED
from .problems import Problem
from .yamlsource import Loc, Located, dotted

_ANNOTATED = type(typing.Annotated[int, 0])


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types an annotation may hold (through Optional, list, dict, Annotated)."""
    if isinstance(annotation, _ANNOTATED):
        return _unwrap(annotation.__origin__)
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _step(annotation: Any, part: str | int) -> tuple[Any, FieldInfo | None] | None:
    """The annotation one step down a location (a model's field, a list's item, a dict's value), with the field."""
    for candidate in _unwrap(annotation):
        origin = typing.get_origin(candidate)
        if isinstance(part, str) and isinstance(candidate, type) and issubclass(candidate, BaseModel):
            field = candidate.model_fields.get(part)
            if field is not None:
                return field.annotation, field
        elif origin is list and isinstance(part, int):
            return typing.get_args(candidate)[0], None
        elif origin is dict and isinstance(part, str):
            return typing.get_args(candidate)[1], None
    return None


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class whose fields apply at loc, so unknown keys can be matched against them."""
    current: Any = model
    for part in loc:
        found = _step(current, part)
        if found is None:
            return None
        current = found[0]
    for candidate in _unwrap(current):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


_LOOKALIKES = str.maketrans(
    "аеорсухіјѕԁԛԝАВЕКМНОРСТХІЈЅαβεικνορτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "aeopcyxijsdqwABEKMHOPCTXIJSabeikvoptuxABEZHIKMNOPTYX"
)
"""Cyrillic and Greek letters that print like Latin ones: a key pasted from elsewhere may hold them unseen."""
_NUMBERISH = re.compile(r"^[-+]?[0-9][0-9a-fA-FoOxXbB_:.]*$")


def _odd_characters(key: str, allowed: list[str]) -> str | None:
    """Why a key that looks right is unknown: invisible or look-alike characters, named, with the key to type."""
    odd = [c for c in key if not c.isascii() or not c.isprintable()]
    if not odd:
        return None
    described = ", ".join(
        f"an invisible {unicodedata.name(c, f'U+{ord(c):04X}')} (U+{ord(c):04X})"
        if unicodedata.category(c) in ("Cf", "Zs", "Cc", "Mn")
        else f"'{c}' ({unicodedata.name(c, '?')}, U+{ord(c):04X}), which looks like a Latin letter but is not"
        for c in dict.fromkeys(odd)
    )
    plain = "".join(c for c in key.translate(_LOOKALIKES) if c.isascii() and c.isprintable())
    close = difflib.get_close_matches(plain, allowed, n=1, cutoff=0.6)
    retype = f"delete the key and type it again as '{close[0]}'" if close else "delete the key and type it again"
    shown = key.encode("ascii", "backslashreplace").decode()
    return f"unknown key '{shown}': it holds {described}; {retype}"


def _no_value(located: Located, loc: Loc) -> str:
    """Why YAML read no value here: a `#` starts a comment unless quoted (`color: #1f5f5b`), or nothing was written."""
    line = located.keys.get(loc, located.where(loc))[0]
    text = located.lines[line - 1] if 0 < line <= len(located.lines) else ""
    after = text.split(":", 1)[1] if ":" in text else ""
    if after.strip().startswith("#"):
        value = after.strip().split(" #")[0].strip()
        return f"YAML reads what follows '#' as a comment, so this key has no value; put it in quotes: \"{value}\""
    return "this key has no value; write one after the colon, or remove the key"


def _number_advice(raw: str | None, given: str) -> str:
    """Why text is not a whole number, in the words of what was typed: YAML 1.1 reads 060 as octal 48."""
    if raw is None:
        return f"expected a whole number but got the text {given!r}; write the number without quotes"
    if re.fullmatch(r"[-+]?0[0-9]+", raw):
        return f"'{raw}' starts with 0, which YAML reads as an octal number; write {int(raw)} without the leading 0"
    if _NUMBERISH.match(raw):
        try:
            meant = f", such as {int(raw.replace('_', ''), 0)}"
        except ValueError:
            meant = ""
        return f"'{raw}' is not a plain whole number; write it with the digits 0 to 9 only{meant}"
    return f"expected a whole number but got the text {given!r}; write a number such as 3"


def _message(error: dict[str, Any], loc: Loc, model: type[BaseModel], located: Located) -> tuple[str, bool]:
    """A coordinator-facing message and whether it concerns the key rather than the value."""
    kind = error["type"]
    if kind == PLACED:
        return error["msg"], bool(error["ctx"]["at"])
    if kind == "extra_forbidden":
        key = str(loc[-1])
        parent = _model_at(model, loc[:-1])
        allowed = sorted(parent.model_fields) if parent else []
        odd = _odd_characters(key, allowed)
        if odd:
            return odd, True
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"allowed keys here: {', '.join(allowed)}"
        return f"unknown key '{key}'; {hint}", True
    if kind == "missing":
        return "this key is required; add it", True
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    given = error.get("input")
    raw = located.plain.get(loc)
    if given is None and (kind.endswith("_type") or kind in ("model_attributes_type", "date_from_datetime_parsing")):
        message = _no_value(located, loc)
    elif kind.startswith(("date_", "datetime_")):
        message = f"'{given}' is not a real date; write it as YYYY-MM-DD"
    elif kind == "string_type" and isinstance(given, (int, float, bool)):
        what = "yes or no" if isinstance(given, bool) else "a number"
        message = f"expected text but YAML reads {raw or given!r} as {what}; put it in quotes"
    elif kind in ("int_type", "float_type") and isinstance(given, bool):
        message = f"'{raw or given}' is not a number (YAML reads it as {str(given).lower()}); write a number such as 3"
    elif kind == "int_type" and isinstance(given, str):
        message = _number_advice(raw, given)
    elif kind == "list_type":
        message = "expected a list; write each item on its own line starting with '- '"
    elif kind in ("dict_type", "model_type", "model_attributes_type"):
        message = "expected keys and values nested under this key"
    elif kind == "string_pattern_mismatch":
        joiner = "underscores, starting with a letter" if "_" in error.get("ctx", {}).get("pattern", "") else "hyphens"
        message = f"'{given}' is not a valid name; use lower-case letters, digits and {joiner}"
    elif kind != "value_error":  # our own validators already quote the value
        message = message[0].lower() + message[1:]
        if isinstance(given, (str, int, float, bool)):
            message = f"{message} (got {given!r})"
    return message, False


def validate(model: type[BaseModel], located: Located, context: Any = None) -> tuple[Any, list[Problem]]:
    """Validate located data (with pydantic's validation context); return the model (or None) and every problem."""
    try:
        return model.model_validate(located.data, context=context), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and "[" in part))
            if error["type"] == PLACED:
                loc = (*_as_written(loc, located), *error["ctx"]["at"])
            loc_for_place = loc[:-1] if error["type"] == "missing" else loc
            message, on_key = _message(error, loc, model, located)
            line, column = located.where(loc_for_place, key=on_key)
            problems.append(Problem(located.file, line, column, dotted(loc), message))
        return None, problems


def _as_written(loc: Loc, located: Located) -> Loc:
    """loc without the `label` step an item written as its text alone implies (`- {en: ..., es: ...}`)."""
    if loc and loc[-1] == "label" and loc not in located.values and loc[:-1] in located.values:
        return loc[:-1]
    return loc


_ABSENT = object()


@functools.cache
def _adapter(model: type[BaseModel], shape: Loc) -> tuple[TypeAdapter[Any], Any] | None:
    """A validator for the value at a path shape (list positions as 0) and that value's default when absent."""
    current: Any = model
    field = None
    for part in shape:
        found = _step(current, part)
        if found is None:
            return None
        current, field = found
    if field is None:
        return TypeAdapter(current), _ABSENT
    annotated = typing.Annotated[(current, *field.metadata)] if field.metadata else current
    default = _ABSENT if field.is_required() else field.get_default(call_default_factory=True)
    return TypeAdapter(annotated), default


def part(model: type[BaseModel], data: Any, loc: Loc, context: Any = None) -> Any:
    """The value at loc validated on its own (its default when absent), or None when it is invalid or unknown.

    Cross-field checks use it, so a type error in one part of a file hides no problem between the others.
    """
    found = _adapter(model, tuple(0 if isinstance(p, int) else p for p in loc))
    if found is None:
        return None
    adapter, default = found
    value = data
    for depth, step in enumerate(loc, 1):
        present = (isinstance(value, dict) and step in value) or (
            isinstance(value, list) and isinstance(step, int) and step < len(value)
        )
        if present:
            value = value[step]
        else:
            return default if default is not _ABSENT and depth == len(loc) and isinstance(value, dict) else None
    try:
        return adapter.validate_python(value, context=context)
    except ValidationError:
        return None
