"""Texts of program.yaml given once per language, `{en: ..., es: ...}`, read in the language being loaded.

A program declares its languages in `program.languages`, the default first. Loading resolves every such mapping to
plain text in one of them, so everything downstream reads `str` in a single language. The declared list travels as
pydantic's validation context, made by `context()`: without one (form files, a model validated directly) a mapping is
no text, as before languages existed.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from babel import Locale
from pydantic_core import PydanticCustomError

from .formats import LANGUAGE

PLACED = "placed"
"""The type of an error whose message is final, placed at its location plus the steps in its ctx['at']."""


def context(languages: Sequence[str] | None, language: str | None = None) -> dict[str, Any]:
    """The validation context of a load: the declared languages (None when they cannot be read, whose own problem
    says why: mappings are then taken as they come) and the language to resolve texts to (None: the default)."""
    return {"languages": None if languages is None else tuple(languages), "language": language}


def placed(message: str, *at: str | int) -> PydanticCustomError:
    """An error reported as written, at the value being validated or `at` steps below it (a mapping's key)."""
    return PydanticCustomError(PLACED, message, {"at": at})


def english_name(tag: str) -> str:
    """A language as an English message names it: Spanish (es)."""
    name = _known(tag)
    return f"{name} ({tag})" if name else f"'{tag}'"


def _known(tag: str) -> str | None:
    """The English name of a tag's language, or None when the tag names none (a typo such as `sp`)."""
    return Locale("en").languages.get(tag.split("-")[0].lower())


def looks_per_language(value: Mapping[Any, Any]) -> bool:
    """Whether a mapping reads as one value per language: every key is a language tag."""
    return bool(value) and all(isinstance(key, str) and LANGUAGE.match(key) for key in value)


def in_language(value: Mapping[Any, Any], ctx: Mapping[str, Any], problem: Callable[[Any], str | None]) -> Any:
    """The value of a per-language mapping in the language being loaded.

    The mapping must give each declared language once and no other key, and `problem` must find nothing wrong with
    any language's value, whichever language is loaded: so a program is refused the same way in every language, and
    each mapping is reported once, at its first fault.
    """
    declared, language = ctx.get("languages"), ctx.get("language")
    if declared is None:
        chosen = [text for key, text in value.items() if language and str(key).lower() == language.lower()]
        return chosen[0] if chosen else next(iter(value.values()), None)
    canonical = {tag.lower(): tag for tag in declared}
    given: dict[str, Any] = {}
    for key, text in value.items():
        tag = canonical.get(str(key).lower())
        if tag is None:
            raise placed(_unknown(str(key), declared), key)
        if tag in given:
            raise placed(f"'{key}' gives the {english_name(tag)} text a second time (tags ignore case); keep one", key)
        found = problem(text)
        if found:
            raise placed(f"the {english_name(tag)} {found}", key)
        given[tag] = text
    missing = [tag for tag in declared if tag not in given]
    if missing:
        names = [english_name(tag) for tag in missing]
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        raise placed(
            f"no {listed} text here; add `{missing[0]}: ...` to this mapping (a text given per language needs each of "
            f"program.languages: {', '.join(declared)}), or write one plain text for every language"
        )
    return given[canonical.get((language or declared[0]).lower(), declared[0])]


def _unknown(key: str, declared: Sequence[str]) -> str:
    """Why a key of a per-language mapping is refused, with the declared language it probably means."""
    close = difflib.get_close_matches(key.lower(), [tag.lower() for tag in declared], n=1, cutoff=0.5)
    if LANGUAGE.match(key) and _known(key):
        hint = f"add '{key}' to program.languages to give texts in {english_name(key)}, or remove this line"
    elif close:
        hint = f"did you mean '{next(tag for tag in declared if tag.lower() == close[0])}'?"
    else:
        hint = f"a mapping given per language has one entry for each of them, such as `{declared[0]}: ...`"
    return f"'{key}' is not one of the program's languages ({', '.join(declared)}); {hint}"


def text_problem(text: Any) -> str | None:
    """What is wrong with one language's text in a per-language mapping, or None."""
    if isinstance(text, bool):
        return f"text is yes or no to YAML ({str(text).lower()}); put it in quotes"
    if isinstance(text, (int, float)):
        return f"text is a number to YAML ({text!r}); put it in quotes"
    if text is None or (isinstance(text, str) and not text.strip()):
        return "text is empty; write it after the colon"
    if not isinstance(text, str):
        return "text is not plain text; write it on the same line, after the colon"
    return None
