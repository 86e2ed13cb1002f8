"""The report as one self-contained HTML page: inline CSS and SVG, no script, every value escaped.

Jinja2 escapes everything (autoescape on for the whole environment), since answers come from
returned PDFs anyone could have typed into. The page depends only on the figures and the language being spoken
(`generator.i18n.speaking`), so the same records give the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..i18n import N_, _, current, speak_in
from .charts import bar_chart
from .figures import Distribution, Figures
from .suppression import Shown

# TRANSLATORS: what the evaluation report shows instead of a count too small to publish.
HIDDEN = N_("hidden")
"""What a suppressed count reads, in the charts and the tables."""


@dataclass(frozen=True)
class View:
    """One figure as the page shows it: a chart and the table of its numbers, or only notes."""

    caption: str
    headers: list[str]
    rows: list[list[str]]
    chart: Markup | str = ""
    heading: str = ""
    notes: list[str] = field(default_factory=list)


def _environment() -> jinja2.Environment:
    """The page's Jinja, with the words of the language being spoken."""
    return speak_in(
        jinja2.Environment(
            loader=jinja2.FileSystemLoader(Path(__file__).parent),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
        )
    )


def _cell(value: Shown) -> str:
    return _(HIDDEN) if value is None else current().number(value)


def _figure(
    chart_id: str,
    caption: str,
    headers: list[str],
    labels: Sequence[str],
    series: list[tuple[str, list[Shown]]],
    totals: list[int] | None = None,
    total_label: str = "",
) -> View:
    """The chart of the counts and a table of the same counts; with `totals`, bars are shares of them."""
    rows = [[label, *(_cell(values[i]) for _, values in series)] for i, label in enumerate(labels)]
    if totals and total_label:
        rows.append([total_label, *(current().number(total) for total in totals)])
    chart = bar_chart(chart_id, caption, labels, series, hidden=_(HIDDEN), totals=totals)
    return View(caption, headers, rows, chart)


def _distribution(prefix: str, number: int, d: Distribution, k: int) -> View:
    shown = [s for s in d.series if s.counts is not None]
    note = _("{form}: fewer than {k} people answered, so it is not shown.")
    notes = [note.format(form=s.name, k=k) for s in d.series if s.counts is None]
    if not shown:
        return View("", [], [], heading=d.question, notes=notes)
    series = [(s.name, list(s.counts or [])) for s in shown]
    totals = [s.total or 0 for s in shown]  # a shown series has a shown total: at least the minimum group
    headers = [_("Answer"), *(s.name for s in shown)]
    caption = _("Answers to: {question}").format(question=d.question)
    view = _figure(f"{prefix}-{number}", caption, headers, d.options, series, totals, _("Everyone who answered"))
    return View(view.caption, view.headers, view.rows, view.chart, d.question, notes)


def render(figures: Figures) -> str:
    """The whole page."""
    f, k = figures, figures.minimum_group
    funnel = _figure(
        "funnel",
        _("Participation at each step of the program"),
        [_("Step"), _("Number")],
        [step.label for step in f.funnel],
        [(_("Number"), [step.count for step in f.funnel])],
    )
    skills = None
    if f.skills:
        mentees, mentors = f.applicants
        wanted, offered = _("Mentees who want it"), _("Mentors who offer it")
        skills = _figure(
            "skills",
            _("Skills wanted by mentees and offered by mentors"),
            [_("Skill"), wanted, offered],
            [s.label for s in f.skills],
            [(wanted, [s.wanted for s in f.skills]), (offered, [s.offered for s in f.skills])],
            [mentees or 1, mentors or 1],  # an unknown total hides every count it would divide
        )
        counted = _("Applications counted: {mentees} from mentees, {mentors} from mentors.")
        skills.notes.append(counted.format(mentees=_cell(mentees), mentors=_cell(mentors)))
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            f=f,
            language=current().language,
            date=current().date(f.date),
            hidden=_(HIDDEN),
            funnel=funnel,
            ratings=[_distribution("rating", n, d, k) for n, d in enumerate(f.ratings, 1)],
            progress=[_distribution("progress", n, d, k) for n, d in enumerate(f.progress, 1)],
            skills=skills,
        )
    )
