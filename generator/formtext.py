"""The words of form definitions: which values a translator translates, Babel's extractor for them, and their
translation when a form is loaded in another language.

A form file is written in English, the source language: its words are the message ids of the `forms` domain
(`forms/locale/forms.pot`). Names, option ids and program paths are not words and stay as written, so a returned
form is read back under the same field names in every language.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .i18n import (
    FORMS_DOMAIN,
    CatalogFile,
    _display,
    _short,
    catalog_path,
    is_source,
    locale,
    placeholder_problem,
    read_catalog,
)
from .problems import InputError, Problem
from .sources import Sources, defaults_root
from .yamlsource import Loc, Located, decode, dotted, parse_text, strings

NOT_TEXT = frozenset(
    {"type", "id", "name", "width", "style", "layout", "options_from", "questions_from", "roles_from", "count_from"}
)
"""Keys whose values are names, choices or program paths: never words, never placeholders."""
ITEM_LISTS = frozenset({"options", "roles"})
"""Lists whose plain items are named by their text: an item's id is pinned to its English text before translating."""
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_LETTER = re.compile(r"[^\W\d_]")


def translatable(loc: Loc, value: Any) -> bool:
    """Whether a parsed value is words a translator translates: text with a letter outside its placeholders."""
    if not isinstance(value, str) or (loc and (loc[0] == "submitter" or loc[-1] in NOT_TEXT)):
        return False
    return bool(_LETTER.search(_PLACEHOLDER.sub("", value)))


def texts(data: Any) -> Iterator[tuple[Loc, str]]:
    """Every translatable text of a parsed form file, with its place, in file order."""
    return ((loc, text) for loc, text in strings(data) if translatable(loc, text))


def extract(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel's extractor for form files (see babel-forms.cfg): each text as the loader reads it, before placeholders
    are filled in, with its line and, for the translator, the form and key it belongs to."""
    name = getattr(fileobj, "name", "form.yaml")
    name = name if isinstance(name, str) else "form.yaml"
    try:
        located = parse_text(decode(fileobj.read(), name), name)
    except InputError as exc:
        raise ValueError(f"cannot extract the words of {name}:\n{exc}") from None
    form_id = Path(name).stem
    for loc, text in texts(located.data):
        yield located.where(loc)[0], None, text, [f"{form_id}: {dotted(loc)}"]


@dataclass(frozen=True)
class FormWords:
    """The form definitions' words in one language: a program's own catalog over the shipped one, entry by entry."""

    language: str
    messages: dict[str, str] = field(default_factory=dict)
    """English text -> its complete translation."""
    entries: dict[str, tuple[str, int]] = field(default_factory=dict)
    """English text -> (.po file, line) of the entry giving its translation, or else of an untranslated entry."""
    add_to: str = ""
    """The program's own catalog, where a coordinator adds a missing translation."""
    problems: tuple[Problem, ...] = ()
    """Catalogs that cannot be read, or the lack of any catalog for the language."""
    found: bool = True
    """Whether any catalog of the language exists: without one, one problem says so instead of one per text."""

    @property
    def source(self) -> bool:
        """English: the form files' own words, nothing to translate."""
        return is_source(self.language)

    def missing(self, text: str) -> str:
        name = locale(self.language).english_name or self.language
        if text in self.entries:
            where, line = self.entries[text]
            return (
                f"the {name} translation of '{_short(text)}' at {where}:{line} is empty or marked fuzzy; "
                "translate it (and clear the fuzzy mark)"
            )
        return (
            f"no {name} translation of '{_short(text)}'; add it to {self.add_to} "
            "(an entry with this text as msgid and its translation as msgstr)"
        )


def catalog_files(language: str, sources: Sources | None = None) -> list[Path]:
    """The .po files that may hold the form words of `language`, shipped first, the program folder's own last.

    Whatever caches a form rendered in `language` must cover these files' bytes along with the form file's.
    """
    if is_source(language):
        return []
    shipped = catalog_path(defaults_root() / "forms" / "locale", language, FORMS_DOMAIN)
    if sources is None:
        return [shipped]
    own = catalog_path(sources.root / "forms" / "locale", language, FORMS_DOMAIN)
    return [shipped] + ([own] if own.resolve() != shipped.resolve() and sources.inside(own) else [])


def form_words(language: str, sources: Sources | None = None) -> FormWords:
    """The form words of `language`: the shipped catalog, overridden entry by entry by the program folder's own."""
    if is_source(language):
        return FormWords(language)
    display = sources.display if sources else _display
    paths = catalog_files(language, sources)
    own = catalog_path(sources.root / "forms" / "locale", language, FORMS_DOMAIN) if sources else paths[0]
    messages: dict[str, str] = {}
    entries: dict[str, tuple[str, int]] = {}
    problems: list[Problem] = []
    exists = False
    for path in paths:  # the program's own last, so its entries win
        found, trouble = _read(path, display(path), _stamp(path))
        problems += trouble
        exists = exists or bool(found or trouble)
        if found:
            messages.update(found.messages)
            for msgid, line in found.lines.items():
                if msgid in found.messages or msgid not in entries:
                    entries[msgid] = (display(path), line)
    if not exists:
        template = defaults_root() / "forms" / "locale" / f"{FORMS_DOMAIN}.pot"
        name = locale(language).english_name or language
        message = (
            f"the forms have no {name} translation ({display(own)} is missing); create it with "
            f"`pybabel init -D {FORMS_DOMAIN} -i {display(template)} -o {display(own)} -l {language}`, "
            "translate every entry, or drop this language from the program"
        )
        problems.append(Problem(display(template), 1, 1, "", message))
    return FormWords(language, messages, entries, display(own), tuple(problems), exists)


def translate(located: Located, words: FormWords, english_id: Callable[[str], str | None]) -> list[Problem]:
    """Put every translatable text of a parsed form file in `words`' language, in place, before placeholders are
    filled in; the problems: texts with no translation (at their place in the form file), translations that break
    a placeholder (at their catalog entry) and unreadable catalogs.

    A plain item of `options` or `roles` is named by its English text: `english_id` gives that id, pinned as the
    item's `id:` before its label is translated.
    """
    if words.source:
        return []
    problems = list(words.problems)
    if not words.found:
        return problems

    def word(text: str, loc: Loc) -> str:
        found = words.messages.get(text)
        if found is None:
            problems.append(located.problem(loc, words.missing(text)))
            return text
        broken = placeholder_problem(text, found)
        if broken:
            where, line = words.entries[text]
            problems.append(Problem(where, line, 1, "", f"'{_short(text)}': {broken}"))
            return text
        return found

    def walk(data: Any, loc: Loc) -> Any:
        if isinstance(data, dict):
            return {key: walk(value, (*loc, key)) for key, value in data.items()}
        if isinstance(data, list):
            out = []
            for index, value in enumerate(data):
                here = (*loc, index)
                pinned = english_id(value) if loc and loc[-1] in ITEM_LISTS and translatable(here, value) else None
                out.append({"id": pinned, "label": word(value, here)} if pinned else walk(value, here))
            return out
        return word(data, loc) if translatable(loc, data) else data

    located.data = walk(located.data, ())
    return problems


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _read(path: Path, display: str, stamp: tuple[int, int]) -> tuple[CatalogFile | None, tuple[Problem, ...]]:
    """A catalog read once per version of the file: every form of a build reads the same one."""
    found, problems = read_catalog(path, display)
    return found, tuple(problems)
