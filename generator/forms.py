"""Public API of the forms: definitions bound to a program, catalogue entries for the site, PDFs."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .background import in_background
from .formdefs import FormDef, load_form, ordered_ids
from .model import Program
from .pdf import render_pdf
from .pdf.glyphs import warn_missing_glyphs
from .problems import InputError, Problem
from .sources import Sources

__all__ = [
    "FormDef",
    "FormInfo",
    "form_infos",
    "load_form_definitions",
    "render_form",
    "render_forms",
    "render_in_background",
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


def load_form_definitions(program: Program, sources: Sources) -> dict[str, FormDef]:
    """Enabled forms bound to the program, in catalogue order; InputError lists every problem in every file."""
    files = sources.form_files()
    forms: dict[str, FormDef] = {}
    problems = []
    for form_id in ordered_ids(list(files)):
        if not program.form_enabled(form_id):
            continue
        path = files[form_id]
        try:
            forms[form_id] = load_form(form_id, path, program, sources.display(path))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return forms


def form_infos(program: Program, sources: Sources) -> list[FormInfo]:
    return [FormInfo(f.id, f.title, f.description, f.who) for f in load_form_definitions(program, sources).values()]


def render_form(program: Program, form: FormDef, sources: Sources) -> bytes:
    """One fillable PDF; the same inputs give the same bytes, and text too long for a page is an InputError."""
    from reportlab.platypus.doctemplate import LayoutError

    try:
        return render_pdf(program, form, sources)
    except LayoutError:
        where = sources.display(sources.form_files()[form.id])
        message = (
            f"a text from program.yaml or this form is too long to fit on one page of the '{form.id}' form; "
            "shorten long names, list items or questions"
        )
        raise InputError([Problem(where, 1, 1, "", message)]) from None


def warn_unprintable(sources: Sources, form_ids: Iterable[str]) -> None:
    """Warn (never fail) about text in program.yaml or these forms' files that the forms' fonts cannot show."""
    wanted = set(form_ids)
    files = [sources.program_file, *(path for form_id, path in sources.form_files().items() if form_id in wanted)]
    warn_missing_glyphs({path: sources.display(path) for path in files})


def render_forms(program: Program, sources: Sources) -> dict[str, bytes]:
    """Form id -> PDF for every enabled form; warns (never fails) about text the forms' fonts cannot show."""
    forms = load_form_definitions(program, sources)
    warn_unprintable(sources, forms)
    return {form_id: render_form(program, form, sources) for form_id, form in forms.items()}


def render_in_background(
    program: Program, forms: dict[str, FormDef], sources: Sources, form_ids: list[str]
) -> Callable[[], dict[str, bytes]]:
    """Start rendering these forms in two forked processes, one per core; the function returned gives their PDFs.

    The PDFs are most of a cold build's own work and need nothing else of it, so the build renders pages meanwhile.
    """
    shares = [share for share in (form_ids[0::2], form_ids[1::2]) if share]
    if len(shares) < 2:
        return lambda: {form_id: render_form(program, forms[form_id], sources) for form_id in form_ids}
    workers = [in_background(functools.partial(_render_share, program, forms, sources, share)) for share in shares]

    def results() -> dict[str, bytes]:
        pdfs: dict[str, bytes] = {}
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


def _render_share(program: Program, forms: dict[str, FormDef], sources: Sources, share: list[str]) -> dict[str, bytes]:
    return {form_id: render_form(program, forms[form_id], sources) for form_id in share}
