"""The evaluation's figures, counted from the records store and already protected for small groups.

Only each person's latest submission counts. Everything leaving this module has passed
suppression.py, so later steps (charts, page) cannot show a count that describes fewer than
`evaluation.minimum_group` people, whatever they do with it.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..collect.store import VERSION
from ..dates import ENV, program_epoch
from ..formdefs import Checklist, Entry, FormDef
from ..i18n import N_, _
from ..model import Program
from .suppression import Shown, protect, visible

EVALUATIONS = ("mentor-evaluation", "midpoint-evaluation", "closure-evaluation")
PROGRESS = ("midpoint-evaluation", "closure-evaluation")
"""Forms whose questions of the same field name are shown side by side: the same question, asked twice."""
_NAME_FIELDS = {"name", "mentor", "mentee", "supervisor", "email", "supervisor_email"}
"""Last parts of field names that hold a person's name or address: redacted from written answers."""
_EMAIL = re.compile(r"[^\s@<>]+@[^\s@<>]+\.[A-Za-z]{2,}")
# TRANSLATORS: stands in a participant's written answer where a name or e-mail address was taken out.
REDACTED = N_("[name removed]")
"""What stands in a written answer for a name or an address, in the language being spoken."""


class ReportError(Exception):
    """The records cannot be reported on; the message says what to do."""


@dataclass(frozen=True)
class Step:
    """One step of the participation funnel."""

    label: str
    count: Shown


@dataclass(frozen=True)
class Series:
    """One form's answers to a question."""

    name: str
    counts: list[Shown] | None
    """Per option, worst first for ratings; None when fewer than the minimum group answered."""
    total: Shown


@dataclass(frozen=True)
class Distribution:
    question: str
    options: list[str]
    series: list[Series]


@dataclass(frozen=True)
class Skill:
    label: str
    wanted: Shown
    offered: Shown


@dataclass(frozen=True)
class Written:
    """Written answers to one question, names removed, in alphabetical order (not the order they came in)."""

    question: str
    form: str
    answers: list[str]


@dataclass(frozen=True)
class Figures:
    program: str
    agency: str
    minimum_group: int
    date: dt.date
    """SOURCE_DATE_EPOCH, else when the newest record was collected: never the clock."""
    funnel: list[Step]
    ratings: list[Distribution]
    """The mentor evaluation's questions."""
    progress: list[Distribution]
    """The mid-point review's and closure's questions, side by side where both ask them."""
    skills: list[Skill]
    applicants: tuple[Shown, Shown]
    """(mentees, mentors) who applied: the skills' denominators."""
    free_text: list[Written] | None
    """None unless the program opted in with evaluation.report_free_text."""


Answers = dict[str, str]


def open_records(path: Path) -> sqlite3.Connection:
    """The store, read only: a report never changes the records."""
    if not path.is_file():
        raise ReportError(f"{path} not found; run `handbook collect INBOX -o {path.parent}` first, or give -r")
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        (version,) = db.execute("PRAGMA user_version").fetchone()
        db.execute("SELECT 1 FROM submissions LIMIT 1")
    except sqlite3.DatabaseError as exc:
        db.close()
        raise ReportError(f"{path} is not a records store ({exc}); give the folder `handbook collect` wrote") from exc
    if version != VERSION:
        db.close()
        raise ReportError(f"{path} has layout {version}, this release reads {VERSION}; update the tool")
    return db


def latest(db: sqlite3.Connection, form_id: str) -> list[Answers]:
    """The answers of each person's latest submission of a form, in a stable order."""
    rows = db.execute(
        "SELECT s.sha256, a.field, a.value FROM submissions s JOIN answers a USING (sha256)"
        " WHERE s.form_id = ? AND s.latest = 1 ORDER BY s.sha256, a.field",
        (form_id,),
    )
    out: dict[str, Answers] = {}
    for sha256, name, value in rows:
        out.setdefault(sha256, {})[name] = value
    return list(out.values())


def report_date(db: sqlite3.Connection, program: Program) -> dt.date:
    value = os.environ.get(ENV, "").strip()
    if value.isdigit():
        return dt.datetime.fromtimestamp(int(value), dt.timezone.utc).date()
    (newest,) = db.execute("SELECT MAX(collected_at) FROM files WHERE status = 'stored'").fetchone()
    if newest:
        return dt.datetime.fromisoformat(newest).date()
    return dt.datetime.fromtimestamp(program_epoch(program), dt.timezone.utc).date()


def count_matches(path: Path) -> int:
    """Pairs in a matches CSV: one row per pair after the header; blank rows do not count."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ReportError(f"{path} cannot be read as a CSV file ({exc}); fix it or leave --matches out") from exc
    return sum(1 for row in rows[1:] if any(cell.strip() for cell in row))


def _distribution(entry: Entry, series: list[tuple[str, list[Answers]]], k: int) -> Distribution:
    options = [option for option, _ in entry.options]
    made = []
    for name, submissions in series:
        answered = Counter(s.get(entry.name, "") for s in submissions)
        # Ratings are stored as the level's number (1 = worst), choices as the option's id.
        keys = [str(n) for n in range(1, len(options) + 1)] if entry.kind == "rating" else options
        counts = [answered[key] for key in keys]
        made.append(Series(name, protect(counts, k), visible(sum(counts), k)))
    return Distribution(entry.label, [label for _, label in entry.options], made)


def _asked(form: FormDef) -> list[Entry]:
    return [entry for entry in form.entries() if entry.kind in ("rating", "choice")]


def _progress(forms: dict[str, FormDef], returned: dict[str, list[Answers]], k: int) -> list[Distribution]:
    """Questions of the mid-point review and closure; one asked by both (same field, same answers) shows both."""
    present = [forms[form_id] for form_id in PROGRESS if form_id in forms]
    by_name: dict[str, list[tuple[Entry, FormDef]]] = {}
    for form in present:
        for entry in _asked(form):
            by_name.setdefault(entry.name, []).append((entry, form))
    out = []
    for pairs in by_name.values():
        same = len({(e.kind, e.options) for e, _ in pairs}) == 1
        groups = [pairs] if same else [[pair] for pair in pairs]
        for group in groups:
            entry = group[0][0]
            out.append(_distribution(entry, [(form.title, returned[form.id]) for _, form in group], k))
    return out


def _skills(program: Program, forms: dict[str, FormDef], returned: dict[str, list[Answers]], k: int) -> list[Skill]:
    """How many applicants ticked each skill; a count is shown only when ticked and not ticked are both safe."""

    def ticks(form_id: str) -> dict[str, Shown]:
        form = forms.get(form_id)
        if form is None:
            return {}
        submissions = returned[form_id]
        out: dict[str, Shown] = {}
        for section in form.sections:
            for field in section.fields:
                if isinstance(field, Checklist) and field.options_from == "skills":
                    for name, option in zip(field.option_names(section.id), field.options, strict=True):
                        ticked = sum(1 for s in submissions if s.get(name) == "1")
                        cells = protect([ticked, len(submissions) - ticked], k)
                        out[option.label] = cells[0] if cells else None
        return out

    wanted, offered = ticks("mentee-application"), ticks("mentor-application")
    if not wanted and not offered:
        return []
    skills = [Skill(item.label, wanted.get(item.label), offered.get(item.label)) for item in program.skills]
    # Most wanted first; hidden counts keep program order at the end, so their place reveals nothing.
    return sorted(skills, key=lambda s: (s.wanted is None, -(s.wanted or 0), s.offered is None, -(s.offered or 0)))


def _names(db: sqlite3.Connection, forms: dict[str, FormDef]) -> re.Pattern[str]:
    """Every name and address typed into a name field of any form, and each word of them, as one pattern."""
    fields = {
        entry.name
        for form in forms.values()
        for entry in form.entries()
        if entry.kind in ("text", "email") and entry.name.rsplit(".", 1)[-1] in _NAME_FIELDS
    } | {name for form in forms.values() for name in form.submitter_fields()}
    values = {_EMAIL.pattern}
    for name in sorted(fields):
        for (value,) in db.execute("SELECT DISTINCT value FROM answers WHERE field = ?", (name,)):
            words = value.split()
            values.update(re.escape(v) for v in (" ".join(words), *words) if len(v) >= 3)
    # Longest first, so a full name is taken out whole rather than word by word.
    alternatives = sorted(values, key=lambda v: (-len(v), v))
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)


def redact(text: str, names: re.Pattern[str]) -> str:
    """A written answer without the participants' names or any e-mail address, in one pass."""
    shown = _(REDACTED)
    return names.sub(lambda match: shown, text)


def _free_text(
    db: sqlite3.Connection, forms: dict[str, FormDef], returned: dict[str, list[Answers]], k: int
) -> list[Written]:
    names = _names(db, forms)
    out = []
    for form_id in EVALUATIONS:
        form = forms.get(form_id)
        if form is None:
            continue
        for entry in form.entries():
            if entry.kind != "multiline" and not (entry.kind == "text" and entry.name.endswith(".comment")):
                continue
            answers = [" ".join(s[entry.name].split()) for s in returned[form_id] if s.get(entry.name, "").strip()]
            if len(answers) >= k:
                cleaned = sorted((redact(a, names) for a in answers), key=str.casefold)
                out.append(Written(entry.label, form.title, cleaned))
    return out


def compute(program: Program, forms: dict[str, FormDef], db: sqlite3.Connection, matches: Path | None) -> Figures:
    """Every figure of the report, from each person's latest submission of each enabled form."""
    k = program.evaluation.minimum_group
    returned = {form_id: latest(db, form_id) for form_id in forms}
    steps: list[tuple[str, int]] = []
    for form_id, label in (
        ("mentor-application", N_("Mentor applications received")),
        ("mentee-application", N_("Mentee applications received")),
    ):
        if form_id in forms:
            steps.append((label, len(returned[form_id])))
    if matches is not None:
        steps.append((N_("Pairs matched"), count_matches(matches)))
    for form_id, label in (
        ("mentoring-agreement", N_("Mentoring agreements returned")),
        ("midpoint-evaluation", N_("Mid-point reviews returned")),
        ("closure-evaluation", N_("Closure evaluations returned")),
        ("mentor-evaluation", N_("Mentor evaluations returned")),
    ):
        if form_id in forms:
            steps.append((label, len(returned[form_id])))
    ratings = []
    if "mentor-evaluation" in forms:
        form = forms["mentor-evaluation"]
        ratings = [_distribution(e, [(form.title, returned[form.id])], k) for e in _asked(form)]
    applicants = (
        visible(len(returned.get("mentee-application", [])), k),
        visible(len(returned.get("mentor-application", [])), k),
    )
    return Figures(
        program=program.program.name,
        agency=program.program.agency,
        minimum_group=k,
        date=report_date(db, program),
        funnel=[Step(_(label), visible(count, k)) for label, count in steps],
        ratings=ratings,
        progress=_progress(forms, returned, k),
        skills=_skills(program, forms, returned, k),
        applicants=applicants,
        free_text=_free_text(db, forms, returned, k) if program.evaluation.report_free_text else None,
    )
