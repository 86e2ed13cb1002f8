"""Pages no coordinator writes: the forms catalogue and the timeline, generated from the program and the PDFs.

They are Markdown like the content pages, so MkDocs, `handbook export` and any other engine treat them alike, and
they speak the language being spoken (`generator.i18n.speaking`): words, dates and numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .forms import RenderedPdf
from .i18n import _, ngettext
from .model import Program
from .pages import FormLink, MilestoneView, date_formatter, milestone_views, number_formatter, template_environment

TEMPLATES = Path(__file__).parent / "templates"
"""forms.md.j2 and timeline.md.j2: files, so `pybabel extract` reads their words into the handbook catalog."""


@dataclass(frozen=True)
class CatalogueEntry:
    """A form on the forms page: where it is used and what the download weighs."""

    form: FormLink
    milestones: tuple[MilestoneView, ...]
    size: str
    pages: str


@dataclass(frozen=True)
class TimelineRow:
    date: dt.date
    date_text: str
    title: str
    forms: tuple[FormLink, ...]


def _size(data: bytes) -> str:
    # TRANSLATORS: a PDF's size on the forms page, in kilobytes.
    return _("{size} KB").format(size=number_formatter()(max(1, round(len(data) / 1024))))


def _pages(count: int) -> str:
    return ngettext("{count} page", "{count} pages", count).format(count=number_formatter()(count))


def _render(name: str, **context: object) -> str:
    template = template_environment().from_string((TEMPLATES / name).read_text(encoding="utf-8"))
    return template.render(**context)


def forms_page(program: Program, forms: list[FormLink], pdfs: dict[str, RenderedPdf]) -> str:
    milestones = milestone_views(program, forms)
    entries = [
        CatalogueEntry(
            form,
            tuple(m for m in milestones if form in m.forms),
            _size(pdfs[form.id].data),
            _pages(pdfs[form.id].pages),
        )
        for form in forms
    ]
    return _render("forms.md.j2", program=program.program, entries=entries)


def timeline_page(program: Program, forms: list[FormLink]) -> str:
    milestones = milestone_views(program, forms)
    fmt = date_formatter()
    start, end = program.schedule.start, program.end_date
    rows = [TimelineRow(m.date, m.date_text, m.title, m.forms) for m in milestones]
    rows += [TimelineRow(start, fmt(start), _("Program starts"), ()), TimelineRow(end, fmt(end), _("Program ends"), ())]
    rows.sort(key=lambda row: row.date)  # stable: a milestone on the start day stays before "Program starts"
    used = {form.id for m in milestones for form in m.forms}
    return _render(
        "timeline.md.j2",
        program=program.program,
        schedule=program.schedule,
        start_date_text=fmt(start),
        end_date_text=fmt(end),
        rows=rows,
        anytime=[form for form in forms if form.id not in used],
    )


def generated_pages(program: Program, forms: list[FormLink], pdfs: dict[str, RenderedPdf]) -> dict[str, str]:
    """forms.md and timeline.md, by their path in the site."""
    return {"forms.md": forms_page(program, forms, pdfs), "timeline.md": timeline_page(program, forms)}
