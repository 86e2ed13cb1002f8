"""What `handbook match` writes: matches.csv, unmatched.csv and an offline review page.

Every value comes from a returned PDF and is untrusted: CSV cells are neutralised against formulas,
and the page is rendered with autoescaping, inline styles and no external assets. Words (the page, the reasons)
are in the language being spoken; the CSV files' column names and roles are data and stay as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2

from ..collect.exports import csv_bytes, write_atomically
from ..formdefs import FormDef
from ..i18n import _, current, speak_in
from .candidates import Person

AGREEMENTS = ("mentoring-agreement", "confidentiality-agreement")
"""Forms a pair fills together: matches.csv carries their name fields, ready to pre-fill them."""


@dataclass(frozen=True)
class Pair:
    mentee: Person
    mentor: Person
    score: float
    reasons: list[str]
    locked: bool


@dataclass(frozen=True)
class Left:
    """Someone without a partner (or a mentor with places free), and why."""

    role: str
    person: Person
    reason: str


FILL: dict[str, Callable[[Pair], str]] = {
    "terms.mentee": lambda pair: pair.mentee.name,
    "terms.mentor": lambda pair: pair.mentor.name,
    "signatures.mentee.name": lambda pair: pair.mentee.name,
    "signatures.mentor.name": lambda pair: pair.mentor.name,
    "signatures.mentees_supervisor.name": lambda pair: pair.mentee.supervisor,
    "signatures.mentors_supervisor.name": lambda pair: pair.mentor.supervisor,
}
"""Agreement fields a proposed pair already answers, by their stable names."""


def fill_columns(forms: dict[str, FormDef]) -> list[str]:
    """The FILL fields the program's agreement forms have, so matches.csv rows pre-fill them."""
    names = {name for form_id in AGREEMENTS if form_id in forms for name in forms[form_id].field_names()}
    return [name for name in FILL if name in names]


def score_text(score: float) -> str:
    """A score as the CSV files hold it: a plain number, whatever the language."""
    return f"{score:g}"


def why(pair: Pair) -> str:
    return "; ".join(([_("locked by the coordinator")] if pair.locked else []) + pair.reasons)


def _matches(pairs: list[Pair], columns: list[str]) -> bytes:
    header = [*columns, "mentee_name", "mentee_email", "mentor_name", "mentor_email", "score", "reasons"]
    rows = [
        [FILL[c](p) for c in columns]
        + [p.mentee.name, p.mentee.email, p.mentor.name, p.mentor.email, score_text(p.score), why(p)]
        for p in pairs
    ]
    return csv_bytes([header, *rows])


def _unmatched(left: list[Left]) -> bytes:
    rows = [[x.role, x.person.name, x.person.email, x.person.source, x.reason] for x in left]
    return csv_bytes([["role", "name", "email", "source_file", "reason"], *rows])


def _page(pairs: list[Pair], left: list[Left], context: dict[str, object]) -> bytes:
    environment = speak_in(
        jinja2.Environment(
            loader=jinja2.FileSystemLoader(Path(__file__).parent),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
        )
    )
    environment.filters["number"] = current().number
    template = environment.get_template("review.html.j2")
    html = template.render(pairs=pairs, left=left, why=why, language=current().language, **context)
    return html.encode("utf-8")


def write_outputs(out: Path, pairs: list[Pair], left: list[Left], columns: list[str], context: dict) -> list[Path]:
    """matches.csv, unmatched.csv and index.html, each replaced whole."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in (
        ("matches.csv", _matches(pairs, columns)),
        ("unmatched.csv", _unmatched(left)),
        ("index.html", _page(pairs, left, context)),
    ):
        write_atomically(out / name, data)
        written.append(out / name)
    return written
