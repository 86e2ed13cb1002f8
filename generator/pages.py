"""Handbook pages: content/*.md are Jinja2 templates rendered with the program as context.

Knows nothing of MkDocs, so the same rendered Markdown feeds the plugin, `handbook export` and `handbook check`.
Templates render with StrictUndefined: a misspelt placeholder is a Problem at its file and line, never blank text.
Every value a template is given is plain text: it reaches the page escaped for Markdown and HTML (see `as_text`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import traceback
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel

from .compiled_templates import InMemory
from .forms import FormInfo, form_infos
from .hints import undefined_message
from .i18n import current, speak_in, words
from .model import Address, Program
from .problems import InputError, Problem
from .sources import Sources
from .workdays import WorkingDays, milestone_date
from .yamlsource import decode


@dataclass(frozen=True)
class FormLink:
    """An enabled form as pages see it: its catalogue entry plus where the site serves its PDF."""

    id: str
    title: str
    description: str
    who: str
    url: str
    minutes: int | None = None


@dataclass(frozen=True)
class MilestoneView:
    """A milestone with its date computed from schedule.start, so pages never do date arithmetic."""

    id: str
    title: str
    offset_days: int
    date: dt.date
    date_text: str
    forms: tuple[FormLink, ...]


@dataclass(frozen=True)
class Lookup:
    """`milestone('closure')`, `form('action-plan')` in templates: a mapping as data, so `as_text` reaches it."""

    items: dict[str, Any]

    def __call__(self, key: str) -> Any:
        return self.items.get(key)


_ESCAPES = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'`*#{}[]\\|!:~^=$"} | {"_": "\\_"})
"""Characters that Markdown, its extensions (attr_list, def_list, tables, admonitions, emoji) or HTML read as markup.

Numeric entities show the character whatever extensions are on; `_` alone is backslash-escaped, because e-mail
addresses (which may hold it) also go into `mailto:` links, where Markdown undoes backslash escapes but not entities.
"""
_LINE_BREAK = re.compile(r"\s*[\r\n]\s*")
_BLOCK_START = re.compile(r"^(?:[-+]|\d+\.)")


def markdown_text(text: str) -> str:
    """Plain text as Markdown that shows exactly that text, in running text, a list item, a table cell or a heading.

    Line breaks become spaces, so a value can never start a block of its own (a heading, a list, an indented
    admonition body); a leading `-`, `+` or `1.` is escaped, as the value may sit at the start of a line.
    """
    text = _LINE_BREAK.sub(" ", text).translate(_ESCAPES)
    return _BLOCK_START.sub(lambda m: m.group()[:-1] + f"&#{ord(m.group()[-1])};", text)


def as_text(value: Any) -> Any:
    """A template value with every string in it (model fields, list items, dict keys) made `markdown_text`.

    Values from program.yaml and form files are text, never markup: `<script>`, `[x](javascript:...)`,
    `{ onclick=... }` or `# heading` in them must show as written. Anything of a kind not known here is refused,
    so a new sort of value cannot slip onto a page unescaped.
    """
    if isinstance(value, Address):
        return value.replace("_", "\\_")  # checked to hold no other markup; must stay intact inside link targets
    if isinstance(value, str):
        return markdown_text(value)
    if value is None or isinstance(value, (bool, int, float, dt.date)):
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(as_text(item) for item in value)
    if isinstance(value, dict):
        return {as_text(key): as_text(item) for key, item in value.items()}
    if isinstance(value, BaseModel):
        return value.model_copy(update={name: as_text(getattr(value, name)) for name in type(value).model_fields})
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return dataclasses.replace(value, **{f.name: as_text(getattr(value, f.name)) for f in fields if f.init})
    raise TypeError(f"{type(value).__name__} cannot be given to a page template as text")


class TextContext(dict[str, Any]):
    """Template values already made text by `as_text`: rendering every page with one escapes the program once."""

    @classmethod
    def of(cls, values: dict[str, Any]) -> TextContext:
        return cls({name: as_text(value) for name, value in values.items()})


class TextTemplate(jinja2.Template):
    """A page template whose render escapes every value it is given (`as_text`), so no caller can forget to."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        if len(args) == 1 and not kwargs and isinstance(args[0], TextContext):
            return super().render(args[0])
        return super().render(TextContext.of(dict(*args, **kwargs)))


def _collation_key(text: object) -> tuple[str, str, str]:
    """Letters first, then accents, then case: Ética among the E's, not after Z as by code point."""
    folded = str(text).casefold()
    bare = "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))
    return bare, folded, str(text)


def collate(values: Any) -> list[Any]:
    """A mapping's (key, value) pairs by key, or a list's items, in the alphabetical order readers expect."""
    if isinstance(values, dict):
        return sorted(values.items(), key=lambda item: _collation_key(item[0]))
    return sorted(values, key=_collation_key)


def date_formatter(language: str | None = None) -> Callable[[dt.date], str]:
    """Long dates as readers of `language` (default: the one being spoken) write them ("February 15, 2027",
    "15 de febrero de 2027")."""
    return words(language).date if language else current().date


def number_formatter(language: str | None = None) -> Callable[[float], str]:
    """Numbers as readers of `language` (default: the one being spoken) write them ("1,234.5", "1.234,5")."""
    return words(language).number if language else current().number


def form_links(infos: list[FormInfo]) -> list[FormLink]:
    return [FormLink(i.id, i.title, i.description, i.who, f"forms/{i.id}.pdf", i.minutes) for i in infos]


def milestone_views(program: Program, forms: list[FormLink]) -> list[MilestoneView]:
    """Milestones in date order, each with the enabled forms used at it."""
    by_id = {form.id: form for form in forms}
    fmt = date_formatter()
    views = []
    days = WorkingDays.of(program) if program.schedule.move_to_working_day else None
    for milestone in sorted(program.schedule.milestones, key=lambda m: m.offset_days):
        day = milestone_date(program, milestone, days)
        used = tuple(by_id[form_id] for form_id in milestone.forms if form_id in by_id)
        views.append(MilestoneView(milestone.id, milestone.title, milestone.offset_days, day, fmt(day), used))
    return views


def page_context(program: Program, forms: list[FormLink]) -> dict[str, Any]:
    """Everything a content page may use; the names are the contract with content/*.md."""
    milestones = milestone_views(program, forms)
    milestones_by_id = {m.id: m for m in milestones}
    forms_by_id = {form.id: form for form in forms}
    fmt = date_formatter()
    return {
        "program": program.program,
        "schedule": program.schedule,
        "eligibility": program.eligibility,
        "goals": program.goals,
        "rating_scale": program.rating_scale,
        "skills": program.skills,
        "signatories": program.signatories,
        "evaluation": program.evaluation,
        "glossary": program.glossary,
        "milestones": milestones,
        "milestone": Lookup(milestones_by_id),
        "forms_enabled": forms,
        "form": Lookup(forms_by_id),
        "start_date_text": fmt(program.schedule.start),
        "end_date_text": fmt(program.end_date),
    }


Texts = dict[str, tuple[str, str]]
"""Page templates by content/ path: their text and the file name errors are located in."""


def template_environment(language: str | None = None, texts: Texts | None = None) -> jinja2.Environment:
    """Jinja for Markdown: sandboxed, strict, values escaped as text, the tool's words (`{% trans %}`, `_()`),
    the `date` and `number` filters in `language` (default: the one being spoken), and `collate` (alphabetical
    order with accents: `glossary | collate` where `dictsort` would put Ética after Z).

    Jinja's own autoescape is off: it escapes for HTML only, and its filters (join, replace, format) return text
    they mark safe, which would let Markdown through; `TextTemplate` escapes the values themselves instead.
    Sandboxed because a page is input, like program.yaml: `{{ x.__class__... }}` must not reach Python's
    internals or the file system. `texts` lets pages include one another by their content/ path.
    """
    files = texts or {}

    def load(name: str) -> tuple[str, str, Callable[[], bool]] | None:
        found = files.get(name)
        return None if found is None else (found[0], found[1], lambda: False)

    env = SandboxedEnvironment(
        loader=jinja2.FunctionLoader(load),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    env.template_class = TextTemplate
    spoken = language or current().language
    speak_in(env, words(spoken))
    env.filters["date"] = date_formatter(spoken)
    env.filters["number"] = number_formatter(spoken)
    env.filters["collate"] = collate
    return env


def _problem(exc: Exception, path: Path, sources: Sources, names: list[str], texts: Texts) -> Problem:
    """Locate a template error at the deepest template line in its traceback (an included page if need be)."""
    filenames = {filename: Path(filename) for _, filename in texts.values()}
    where, line = path, 1
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where, line = Path(exc.filename) if exc.filename else path, exc.lineno
    else:
        for frame in traceback.extract_tb(exc.__traceback__):
            if frame.filename in filenames and frame.lineno:
                where, line = filenames[frame.filename], frame.lineno
    if isinstance(exc, jinja2.TemplateNotFound):
        message = _missing_include(exc.name, texts)
    elif isinstance(exc, RecursionError):
        message = "pages include one another without end; remove the include that closes the loop"
    elif isinstance(exc, jinja2.TemplateError):
        message = exc.message or type(exc).__name__
    else:
        message = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, jinja2.UndefinedError):
        source = next((text for text, filename in texts.values() if Path(filename) == where), "")
        lines = source.splitlines()
        message = undefined_message(message, lines[line - 1] if 0 < line <= len(lines) else "", names)
    return Problem(sources.display(where), line, 1, "", message)


def _missing_include(name: object, texts: Texts) -> str:
    pages = ", ".join(sorted(texts))
    return f"this line includes '{name}', but content/ has no such page; the pages are: {pages}"


def read_pages(sources: Sources) -> tuple[Texts, list[Problem]]:
    """The page templates' text; a file that is not UTF-8 is a problem at its first bad byte, not a crash."""
    texts: Texts = {}
    problems = []
    for name, path in markdown_sources(sources).items():
        try:
            texts[name] = (decode(path.read_bytes(), sources.display(path)), str(path))
        except InputError as exc:
            problems += exc.problems
    return texts, problems


def page_problems(sources: Sources, language: str = "en") -> tuple[list[Problem], set[str], Texts, jinja2.Environment]:
    """What is wrong with the pages before any program value is put in, the pages that cannot be rendered, the
    readable pages' text, and the environment holding the compiled pages.

    Found by reading and parsing alone: encodings, syntax, includes of pages that do not exist and include
    loops. `handbook check` reports these even when program.yaml is broken.
    """
    texts, problems = read_pages(sources)
    unreadable = set(markdown_sources(sources)) - set(texts)
    env = template_environment(language, texts)
    env.bytecode_cache = compiled = InMemory()  # each page is parsed once: for its includes, then compiled from that
    includes: dict[str, list[tuple[str, int]]] = {}
    broken = set(unreadable)
    for name, (text, filename) in texts.items():
        try:
            tree = env.parse(text, name, filename)
            found = list(tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)))
            bucket = compiled.get_bucket(env, name, filename, text)
            bucket.code = env.compile(tree, name, filename)  # unknown filters and tests are found here
            compiled.set_bucket(bucket)  # where rendering (or an include) loads the page from
        except jinja2.TemplateSyntaxError as exc:
            where = Path(exc.filename or filename)
            problems.append(Problem(sources.display(where), exc.lineno, 1, "", exc.message or "syntax error"))
            broken.add(name)
            continue
        includes[name] = []
        for node in found:
            target = node.template
            if isinstance(target, nodes.Const) and isinstance(target.value, str):
                if target.value in texts or target.value in unreadable:
                    includes[name].append((target.value, node.lineno))
                elif not getattr(node, "ignore_missing", False):
                    place = sources.display(Path(filename))
                    problems.append(Problem(place, node.lineno, 1, "", _missing_include(target.value, texts)))
                    broken.add(name)
    problems += _include_cycles(includes, texts, sources, broken)
    # A page that includes a broken page fails with the same problem: reported once, where it is.
    changed = True
    while changed:
        changed = False
        for name, targets in includes.items():
            if name not in broken and any(target in broken for target, _ in targets):
                broken.add(name)
                changed = True
    return problems, broken, texts, env


def _include_cycles(
    includes: dict[str, list[tuple[str, int]]], texts: Texts, sources: Sources, broken: set[str]
) -> list[Problem]:
    """Each include that closes a loop (a page including itself, directly or through others), at its line."""
    problems = []
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        for target, line in includes.get(name, []):
            if target in path:
                loop = [*path[path.index(target) :], target]
                chain = " includes ".join(loop)
                where = sources.display(Path(texts[name][1]))
                message = (
                    f"an include loop: {chain}, without end; a page cannot include itself, directly or through "
                    "others: remove one of these includes"
                )
                problems.append(Problem(where, line, 1, "", message))
                broken.update(loop)
            elif target not in done:
                visit(target, [*path, target])
        done.add(name)

    for name in sorted(includes):
        if name not in done:
            visit(name, [name])
    return problems


def markdown_sources(sources: Sources) -> dict[str, Path]:
    """The handbook's page templates by content/ path."""
    return {name: path for name, path in sources.pages().items() if name.endswith(".md")}


def render_pages(program: Program, sources: Sources, forms: list[FormLink] | None = None) -> dict[str, str]:
    """Every content page rendered to Markdown, or InputError naming each failing page's file and line."""
    if forms is None:
        forms = form_links(form_infos(program, sources))
    problems, broken, texts, env = page_problems(sources, current().language)
    context = TextContext.of(page_context(program, forms))
    names = list(context)
    rendered: dict[str, str] = {}
    for name, (_, filename) in texts.items():
        if name in broken:
            continue
        try:
            rendered[name] = env.get_template(name).render(context)
        except Exception as exc:  # a template is coordinator input: whatever it raises is their problem to fix
            problems.append(_problem(exc, Path(filename), sources, names, texts))
    if problems:
        raise InputError(problems)
    return rendered
