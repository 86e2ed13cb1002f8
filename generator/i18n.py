"""Every fixed word in the program's language: gettext catalogs kept as Babel .po files, compiled in memory.

Two catalogs speak for the tool. `generator/locale/<lang>/LC_MESSAGES/handbook.po` holds the words written in code
and templates (page furniture, tooltips, generated pages); `forms/locale/<lang>/LC_MESSAGES/forms.po` holds the
words of the form definitions, and a program folder's own `forms/locale` overrides the shipped one entry by entry.
English is the source language: its words are the message ids, so it needs no catalog.

Code marks a word with `_()` (translated now, in the language being spoken) or `N_()` (only marked, for
`pybabel extract`); a build speaks one language at a time through `speaking(language)`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gettext
import io
import re
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal
from babel.support import Translations

from .problems import Problem

SOURCE_LANGUAGE = "en"
"""The language the message ids are written in."""
TOOL_DOMAIN = "handbook"
FORMS_DOMAIN = "forms"
TOOL_LOCALE = Path(__file__).resolve().parent / "locale"
"""The tool's own catalogs: handbook.pot and <lang>/LC_MESSAGES/handbook.po."""
_FIELD = re.compile(r"\{[A-Za-z_][A-Za-z0-9_.]*\}|\{\{.*?\}\}|\{%.*?%\}|%\([A-Za-z_][A-Za-z0-9_]*\)[sd]")
"""What a translation must keep exactly: str.format fields ({page}), Jinja placeholders ({{ program.name }}) and
the %(name)s fields of a template's {% trans %} block."""


def base_language(tag: str) -> str:
    """The catalog a BCP 47 tag reads: its primary subtag, lower case (es for es-MX)."""
    return tag.split("-")[0].lower()


def is_source(tag: str) -> bool:
    return base_language(tag) == SOURCE_LANGUAGE


@functools.lru_cache(maxsize=32)
def locale(tag: str) -> Locale:
    """Babel's locale for a BCP 47 tag, falling back to its language subtag, then English."""
    for candidate in (tag, base_language(tag)):
        try:
            return Locale.parse(candidate, sep="-")
        except (ValueError, UnknownLocaleError):
            continue
    return Locale("en")


def language_name(tag: str) -> str:
    """The language's name in its own words, capitalised as a menu shows it (English, Español)."""
    name = locale(tag).get_display_name(locale(tag)) or tag
    return name[:1].upper() + name[1:]


def no_such_language(language: str, languages: list[str]) -> str:
    return f"the program has no language '{language}'; its languages (program.languages) are {', '.join(languages)}"


def catalog_path(folder: Path, language: str, domain: str) -> Path:
    return folder / base_language(language) / "LC_MESSAGES" / f"{domain}.po"


@dataclass(frozen=True)
class CatalogFile:
    """One .po file read: its complete translations by message id, and where each entry is."""

    path: Path
    messages: dict[str, str]
    """msgid -> msgstr, only entries translated and not marked fuzzy."""
    lines: dict[str, int]
    """msgid -> line of its entry, translated or not; a plural entry (ngettext) by its singular msgid."""
    catalog: Catalog
    plurals: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    """singular msgid -> (plural msgid, every form of its msgstr), only plural entries complete and not fuzzy."""


def read_catalog(path: Path, display: str) -> tuple[CatalogFile | None, list[Problem]]:
    """A .po file, or the located reason it cannot be read."""
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, abort_invalid=True)
    except FileNotFoundError:
        return None, []
    except (OSError, PoFileError, ValueError, UnicodeDecodeError) as exc:
        line = exc.lineno + 1 if isinstance(exc, PoFileError) else 1  # Babel counts lines from 0
        return None, [Problem(display, line, 1, "", f"cannot read this catalog: {exc}; fix it with a .po editor")]
    messages, lines, plurals = {}, {}, {}
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, str):
            lines[message.id] = message.lineno
            if isinstance(message.string, str) and message.string and not message.fuzzy:
                messages[message.id] = message.string
            continue
        singular = message.id[0]
        lines[singular] = message.lineno
        forms = tuple(message.string) if isinstance(message.string, (list, tuple)) else (message.string,)
        if forms and all(isinstance(form, str) and form for form in forms) and not message.fuzzy:
            plurals[singular] = (message.id[1], forms)
    return CatalogFile(path, messages, lines, catalog, plurals), []


def placeholder_problem(msgid: str, msgstr: str) -> str | None:
    """Why a translation would break its placeholders when filled in, or None."""
    wanted, given = sorted(_FIELD.findall(msgid)), sorted(_FIELD.findall(msgstr))
    if wanted == given:
        return None
    return f"the translation must keep the placeholders {', '.join(wanted) or '(none)'} exactly; it has " + (
        ", ".join(given) or "none"
    )


def _compiled(catalog: Catalog) -> Translations:
    """The .po compiled to .mo in memory: gettext's own lookup, plural rules included."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=catalog.domain)


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


@functools.lru_cache(maxsize=8)
def tool_catalog(language: str) -> tuple[gettext.NullTranslations, tuple[Problem, ...]]:
    """The tool's words in `language`, and every entry of handbook.pot it lacks or mistranslates, located."""
    if is_source(language):
        return gettext.NullTranslations(), ()
    path = catalog_path(TOOL_LOCALE, language, TOOL_DOMAIN)
    template = TOOL_LOCALE / f"{TOOL_DOMAIN}.pot"
    found, problems = check_catalog(path, template, language)
    if found is None:
        if not problems:
            name = locale(language).english_name or language
            message = (
                f"the handbook tool has no {name} translation ({_display(path)} is missing); create it with "
                f"`pybabel init -D {TOOL_DOMAIN} -i {_display(template)} -d {_display(TOOL_LOCALE)} "
                f"-l {base_language(language)}`, translate every entry, or remove '{language}' from program.languages"
            )
            problems = [Problem(_display(template), 1, 1, "", message)]
        return gettext.NullTranslations(), tuple(problems)
    return _compiled(found.catalog), tuple(problems)


def check_catalog(path: Path, template: Path, language: str) -> tuple[CatalogFile | None, list[Problem]]:
    """A translation read, and each entry of its template it lacks, leaves fuzzy or empty, or whose placeholders it
    breaks: located at the entry in the translation, or in the template when the translation has none."""
    found, problems = read_catalog(path, _display(path))
    if found is None:
        return None, problems
    wanted, _ = read_catalog(template, _display(template))
    for msgid in wanted.lines if wanted else ():
        problem = _entry_problem(found, msgid, language)
        if problem:
            line = found.lines.get(msgid)
            where = (_display(path), line) if line else (_display(template), wanted.lines[msgid] if wanted else 1)
            problems.append(Problem(where[0], where[1], 1, "", problem))
    return found, problems


def _entry_problem(found: CatalogFile, msgid: str, language: str) -> str | None:
    name = locale(language).english_name or language
    if msgid in found.plurals:  # each plural form keeps the placeholders of the English plural
        plural, forms = found.plurals[msgid]
        problem = next(filter(None, (placeholder_problem(plural, form) for form in forms)), None)
    elif msgid in found.messages:
        problem = placeholder_problem(msgid, found.messages[msgid])
    else:
        entry = found.catalog.get(msgid)
        state = "is missing" if entry is None else "is marked fuzzy" if entry.fuzzy else "is empty or incomplete"
        return f"the {name} translation of '{_short(msgid)}' {state}; translate it (and clear the fuzzy mark)"
    return f"'{_short(msgid)}': {problem}" if problem else None


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True)
class Words:
    """The tool's words in one language: gettext for code, Babel for dates and numbers."""

    language: str
    translations: gettext.NullTranslations

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def date(self, value: dt.date) -> str:
        """A date as the site writes it: long, in this language ("February 1, 2027", "1 de febrero de 2027")."""
        return format_date(value, format="long", locale=locale(self.language))

    def number(self, value: float) -> str:
        """A number as this language writes it ("1,234.5", "1.234,5")."""
        return format_decimal(value, locale=locale(self.language))


def words(language: str) -> Words:
    return Words(language, tool_catalog(language)[0])


_SOURCE_WORDS = Words(SOURCE_LANGUAGE, gettext.NullTranslations())
_speaking: ContextVar[Words | None] = ContextVar("speaking", default=None)


@contextlib.contextmanager
def speaking(language: str) -> Iterator[Words]:
    """Within the block, `_()` and the formatters answer in `language`."""
    token = _speaking.set(words(language))
    try:
        yield current()
    finally:
        _speaking.reset(token)


def current() -> Words:
    """The words of the language being spoken: English outside any `speaking` block."""
    return _speaking.get() or _SOURCE_WORDS


def _(message: str) -> str:
    """`message` in the language being spoken."""
    return current().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return current().ngettext(singular, plural, n)


def speak_in(env: jinja2.Environment, spoken: Words | None = None) -> jinja2.Environment:
    """Jinja's i18n extension answering in `spoken` (default: the language being spoken), its messages trimmed to
    one line as babel.cfg extracts them."""
    env.add_extension("jinja2.ext.i18n")
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations((spoken or current()).translations, newstyle=True)  # type: ignore[attr-defined]
    return env


def N_(message: str) -> str:
    """Marks `message` for the catalog without translating it: it is translated where it is used."""
    return message


class TranslatedWords(Mapping[str, str]):
    """A table of English words by key, each looked up in the language being spoken when read."""

    def __init__(self, source: dict[str, str]) -> None:
        self._source = source

    def __getitem__(self, key: str) -> str:
        return _(self._source[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._source)

    def __len__(self) -> int:
        return len(self._source)
