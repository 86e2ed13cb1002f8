"""Public API of the forms: definitions bound to a program, catalogue entries for the site, PDFs."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .background import in_background
from .formdefs import FormDef, load_form, ordered_ids
from .formtext import form_words
from .i18n import speaking
from .model import Program
from .problems import InputError, Problem
from .sources import Sources
from .yamlsource import parse_yaml, strings

_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)

__all__ = [
    "FormDef",
    "FormInfo",
    "RenderedPdf",
    "form_infos",
    "load_form_definitions",
    "render_form",
    "render_forms",
    "render_in_background",
    "rendered_form",
]


@dataclass(frozen=True)
class FormInfo:
    """One entry of the site's forms catalogue."""

    id: str
    title: str
    """The form's title, or the program's override from forms.<id>.title."""
    description: str
    """One sentence: what the form is for."""
    who: str
    """Who fills it in, e.g. 'Mentee' or 'Mentor and mentee together'."""
    minutes: int | None = None
    """About how long filling it in takes, so people can set the time aside."""

    @classmethod
    def of(cls, form: FormDef) -> FormInfo:
        return cls(form.id, form.title, form.description, form.who, form.minutes)


@dataclass(frozen=True)
class RenderedPdf:
    """A form's PDF and its number of pages, which the forms page shows: counting them from the renderer spares
    reading every PDF back (pypdf's import alone costs a cold build a fifth of a second)."""

    data: bytes
    pages: int


def load_form_definitions(program: Program, sources: Sources) -> dict[str, FormDef]:
    """Enabled forms bound to the program, in catalogue order; InputError lists every problem in every file.

    Their words are in the program's language: the program folder's own forms catalog over the shipped one.
    """
    files = sources.form_files()
    program_yaml = (sources.program_file, sources.display(sources.program_file))
    words = form_words(program.program.language, sources)
    forms: dict[str, FormDef] = {}
    problems = []
    for form_id in ordered_ids(list(files)):
        if not program.form_enabled(form_id):
            continue
        path = files[form_id]
        try:
            with speaking(program.program.language):  # the renderer's words a definition holds (Other, Comment)
                forms[form_id] = load_form(form_id, path, program, sources.display(path), program_yaml, words)
        except InputError as exc:
            problems += exc.problems
    if problems:
        # A program.yaml list or a catalog entry used by two forms is blamed once.
        raise InputError(list(dict.fromkeys(problems)))
    return forms


def form_infos(program: Program, sources: Sources) -> list[FormInfo]:
    return [FormInfo.of(f) for f in load_form_definitions(program, sources).values()]


def render_form(program: Program, form: FormDef, sources: Sources, values: Mapping[str, str] | None = None) -> bytes:
    """One fillable PDF, pre-filled with values if given (see render_pdf); the same inputs give the same bytes.

    Text too long for a page is an InputError. The renderer's own words are in the program's language.
    """
    return rendered_form(program, form, sources, values).data


def rendered_form(
    program: Program, form: FormDef, sources: Sources, values: Mapping[str, str] | None = None
) -> RenderedPdf:
    """render_form's PDF with its number of pages."""
    # The renderer (ReportLab, fontTools) is imported only when a PDF is made: collect, match and report read
    # definitions without it, and a cached build needs neither.
    from reportlab.platypus.doctemplate import LayoutError

    from .pdf import render_pdf

    try:
        with speaking(program.program.language):
            return render_pdf(program, form, sources, values)
    except LayoutError:
        raise InputError([_too_long(program, form, sources)]) from None


def _too_long(program: Program, form: FormDef, sources: Sources) -> Problem:
    """Where the text that cannot fit on a page was written: the form's longest text, traced to its source.

    The layout engine says only that something did not fit; the longest text is the likely culprit, and it
    comes either from a program.yaml value (an option, a question, a name put in by a placeholder), from
    the form file itself or, in another language, from the catalog entry translating it.
    """
    longest = max((text for _, text in strings(form.model_dump())), key=len)
    message = (
        f"this text ({len(longest):,} characters) is too long to fit on one page of the '{form.id}' form; "
        "shorten it, or split it into several items"
    )
    program_yaml = parse_yaml(sources.program_file, sources.display(sources.program_file))
    given = [(loc, text) for loc, text in strings(program_yaml.data) if len(text.strip()) * 2 >= len(longest)]
    found = [(loc, text) for loc, text in given if " ".join(text.split()) in " ".join(longest.split())]
    if found:
        return program_yaml.problem(max(found, key=lambda pair: len(pair[1]))[0], message)
    path = sources.form_files()[form.id]
    own = parse_yaml(path, sources.display(path))
    words = form_words(program.program.language, sources)
    written = [
        (loc, text, shown)
        for loc, text in strings(own.data)
        for shown in [words.messages.get(text, text)]
        if all(part.strip() in longest for part in _PLACEHOLDER.split(shown)) and shown.strip()
    ]
    if not written:
        return Problem(own.file, 1, 1, "", message)
    loc, text, shown = max(written, key=lambda found: len(found[2]))
    if shown != text and text in words.entries:
        return Problem(*words.entries[text], 1, "", message)
    return own.problem(loc, message)


def warn_unprintable(sources: Sources, form_ids: Iterable[str]) -> None:
    """Warn (never fail) about text in program.yaml or these forms' files that the forms' fonts cannot show."""
    from .pdf.glyphs import warn_missing_glyphs

    wanted = set(form_ids)
    files = [sources.program_file, *(path for form_id, path in sources.form_files().items() if form_id in wanted)]
    warn_missing_glyphs({path: sources.display(path) for path in files})


def render_forms(program: Program, sources: Sources) -> dict[str, bytes]:
    """Form id -> PDF for every enabled form; warns (never fails) about text the forms' fonts cannot show."""
    forms = load_form_definitions(program, sources)
    warn_unprintable(sources, forms)
    return {form_id: render_form(program, form, sources) for form_id, form in forms.items()}


def render_in_background(
    program: Program, forms: dict[str, FormDef], sources: Sources, form_ids: list[str], processes: int = 2
) -> Callable[[], dict[str, RenderedPdf]]:
    """Start rendering these forms in up to `processes` forked processes (one per core is best); the function
    returned gives their PDFs.

    The PDFs are most of a cold build's own work and need nothing else of it, so the build renders pages meanwhile.
    A process gets three forms at least: starting one costs about as much as rendering two. The caller loads the
    renderer and its fonts first (`preload_fonts`), so the processes share them.
    """
    if len(form_ids) < 2:
        return lambda: {form_id: rendered_form(program, forms[form_id], sources) for form_id in form_ids}
    processes = max(1, min(processes, len(form_ids) // 3))
    shares = [share for share in (form_ids[i::processes] for i in range(processes)) if share]
    workers = [in_background(functools.partial(_render_share, program, forms, sources, share)) for share in shares]

    def results() -> dict[str, RenderedPdf]:
        pdfs: dict[str, RenderedPdf] = {}
        problems: list[Problem] = []
        for worker in workers:
            try:
                pdfs.update(worker())
            except InputError as exc:
                problems += exc.problems
        if problems:
            raise InputError(problems)
        return {form_id: pdfs[form_id] for form_id in form_ids}

    return results


def _render_share(
    program: Program, forms: dict[str, FormDef], sources: Sources, share: list[str]
) -> dict[str, RenderedPdf]:
    return {form_id: rendered_form(program, forms[form_id], sources) for form_id in share}
