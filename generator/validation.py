"""Turn pydantic validation errors into located, actionable problems with did-you-mean hints."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from .problems import Problem
from .yamlsource import Loc, Located

_ANNOTATED = type(typing.Annotated[int, 0])


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types an annotation may hold (through Optional, list, dict, Annotated)."""
    if isinstance(annotation, _ANNOTATED):
        return _unwrap(annotation.__origin__)
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class whose fields apply at loc, so unknown keys can be matched against them."""
    current: Any = model
    for part in loc:
        candidates = _unwrap(current)
        nxt = None
        for candidate in candidates:
            origin = typing.get_origin(candidate)
            if isinstance(part, str) and isinstance(candidate, type) and issubclass(candidate, BaseModel):
                if part in candidate.model_fields:
                    nxt = candidate.model_fields[part].annotation
            elif origin is list and isinstance(part, int):
                nxt = typing.get_args(candidate)[0]
            elif origin is dict:
                nxt = typing.get_args(candidate)[1]
            if nxt is not None:
                break
        if nxt is None:
            return None
        current = nxt
    for candidate in _unwrap(current):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _message(error: dict[str, Any], model: type[BaseModel]) -> tuple[str, bool]:
    """A coordinator-facing message and whether it concerns the key rather than the value."""
    kind = error["type"]
    loc: Loc = tuple(error["loc"])
    if kind == "extra_forbidden":
        key = str(loc[-1])
        parent = _model_at(model, loc[:-1])
        allowed = sorted(parent.model_fields) if parent else []
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"allowed keys here: {', '.join(allowed)}"
        return f"unknown key '{key}'; {hint}", True
    if kind == "missing":
        return "this key is required; add it", True
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    given = error.get("input")
    if kind.startswith(("date_", "datetime_")):
        message = f"'{given}' is not a real date; write it as YYYY-MM-DD"
    elif kind == "string_type" and isinstance(given, (int, float, bool)):
        message = f"expected text but got {given!r}; put it in quotes"
    elif kind == "int_type" and isinstance(given, bool):
        message = f"expected a whole number but YAML read this as {str(given).lower()}; write a number such as 3"
    elif kind == "int_type" and isinstance(given, str):
        message = f"expected a whole number but got the text {given!r}; write the number without quotes"
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


def validate(model: type[BaseModel], located: Located) -> tuple[Any, list[Problem]]:
    """Validate located data; return the model (or None) and every problem found."""
    try:
        return model.model_validate(located.data), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and "[" in part))
            loc_for_place = loc[:-1] if error["type"] == "missing" else loc
            message, on_key = _message(error, model)
            line, column = located.where(loc_for_place, key=on_key)
            problems.append(Problem(located.file, line, column, ".".join(map(str, loc)), message))
        return None, problems
