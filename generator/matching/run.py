"""`handbook match`: propose mentor and mentee pairs from the collected applications.

Reads the records store (never changes it) and the coordinator's overrides, and writes its proposal
into the output folder. Locked pairs are made first; everyone else is assigned by the solver.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..collect.run import DATABASE
from ..formdefs import FormDef
from ..forms import load_form_definitions
from ..i18n import _, current, speaking
from ..model import Program
from ..problems import InputError, Problem
from ..program import load_program
from ..sources import Sources
from ..yamlsource import parse_yaml
from .assign import RESOLUTION, assign
from .candidates import MENTEE_FORM, MENTOR_FORM, Applications, Person, read_applications
from .outputs import Left, Pair, fill_columns, write_outputs
from .overrides import read_overrides, write_template
from .rules import allowed as allowed_pairs
from .rules import conflict
from .scoring import Scorer, reasons, scorer, scores

OVERRIDES = "overrides.csv"


class MatchError(Exception):
    """The records to match are missing or unusable; the message says what to do."""


@dataclass
class Result:
    pairs: list[Pair]
    left: list[Left]
    mentees: int
    mentors: int
    template_written: bool
    written: list[Path] = field(default_factory=list)


def _names(people: list[Person], limit: int = 3) -> str:
    shown = ", ".join(p.shown for p in people[:limit])
    if len(people) <= limit:
        return shown
    return _("{names} and {count} more").format(names=shown, count=len(people) - limit)


def _why_unmatched(
    i: int, apps: Applications, score: np.ndarray, usable: np.ndarray, forbidden: set, minimum: float
) -> str:
    """The plainest true reason a mentee has no mentor."""
    mentee, mentors = apps.mentees[i], apps.mentors
    if not mentors:
        return _("no mentor applications have been collected")
    suitable = [mentors[j] for j in np.flatnonzero(usable[i])]
    if suitable:
        return _("every suitable mentor is full: {mentors}").format(mentors=_names(suitable))
    ruled: dict[str, int] = {}
    open_ = []
    for j, mentor in enumerate(mentors):
        reason = _("forbidden by the coordinator") if (i, j) in forbidden else conflict(mentee, mentor)
        if reason:
            ruled[reason] = ruled.get(reason, 0) + 1
        else:
            open_.append(j)
    excluded = "; ".join(f"{reason} ({n})" for reason, n in sorted(ruled.items()))
    if not open_:
        return _("only mentors the rules exclude: {excluded}").format(excluded=excluded)
    best = max(open_, key=lambda j: (score[i, j], -j))
    number = current().number
    if mentee.skills:
        text = _("no mentor reaches the minimum score of {minimum}; the best, {mentor}, scores {score}")
    else:
        text = _(
            "no mentor reaches the minimum score of {minimum} (the mentee ticked no skills to develop); the best, "
            "{mentor}, scores {score}"
        )
    text = text.format(
        minimum=number(minimum), mentor=mentors[best].shown, score=number(round(float(score[i, best]), 3))
    )
    return text + (_("; excluded by the rules: {excluded}").format(excluded=excluded) if excluded else "")


def weight_problems(sources: Sources, program: Program, forms: dict[str, FormDef]) -> list[Problem]:
    """Weights naming no field both applications have, at their place in program.yaml (for match and check)."""
    if MENTOR_FORM not in forms or MENTEE_FORM not in forms:
        return []
    _, problems = scorer(program, forms)
    if not problems:
        return []
    located = parse_yaml(sources.program_file, sources.display(sources.program_file))
    return [located.problem(("matching", "weights", name), message, key=True) for name, message in problems.items()]


def match(program_file: Path, records: Path, out: Path) -> Result:
    """Propose pairs and write matches.csv, unmatched.csv and index.html into `out`."""
    sources = Sources(program_file)
    program = load_program(sources)
    forms = load_form_definitions(program, sources)
    off = [form_id for form_id in (MENTOR_FORM, MENTEE_FORM) if form_id not in forms]
    if off:
        raise MatchError(f"the program has no {' or '.join(off)} form (switched off?); matching needs both")
    problems = weight_problems(sources, program, forms)
    if problems:
        raise InputError(problems)
    score_with, _problems = scorer(program, forms)
    database = records / DATABASE
    if not database.is_file():
        raise MatchError(f"no records store at {database}; run `handbook collect INBOX -o {records}` first")
    apps = read_applications(database, forms)
    template_written = not (out / OVERRIDES).exists()
    if template_written:
        write_template(out / OVERRIDES)
    overrides, problems = read_overrides(out / OVERRIDES, str(out / OVERRIDES), apps.mentees, apps.mentors)
    if problems:
        raise InputError(problems)
    with speaking(program.program.language):  # the reasons and the review page, in the program's language
        result = propose(score_with, apps, overrides.locks, overrides.forbidden, program.matching.minimum_score)
        result.template_written = template_written
        weights = [(w.name, w.label, w.weight, w.is_checklist) for w in score_with.weighted]
        context = {
            "program_name": program.program.name,
            "minimum": program.matching.minimum_score,
            "weights": weights,
            "mentee_count": result.mentees,
            "mentor_count": result.mentors,
            "unmatched_count": sum(1 for x in result.left if x.role == "mentee"),
        }
        result.written = write_outputs(out, result.pairs, result.left, fill_columns(forms), context)
    return result


def propose(
    score_with: Scorer, apps: Applications, locks: dict[int, int], forbidden: set[tuple[int, int]], minimum: float
) -> Result:
    """Locked pairs, then the solver's best pairs for everyone else, with reasons for all who are left."""
    mentees, mentors = apps.mentees, apps.mentors
    score = scores(score_with, mentees, mentors)
    allowed = allowed_pairs(mentees, mentors)
    for i, j in forbidden:
        allowed[i, j] = False
    capacity = np.array([m.capacity for m in mentors], dtype=np.int64)
    for j in locks.values():
        capacity[j] -= 1
    free = [i for i in range(len(mentees)) if i not in locks]
    chosen = assign(score[free], allowed[free], capacity, minimum)
    partner = dict(locks) | {i: j for i, j in zip(free, chosen, strict=True) if j is not None}
    pairs = [
        Pair(
            mentees[i],
            mentors[j],
            round(float(score[i, j]), 3),
            reasons(score_with, mentees[i], mentors[j]),
            i in locks,
        )
        for i, j in sorted(partner.items())
    ]
    usable = allowed & (np.round((score - minimum) * RESOLUTION) >= 0)
    left = [
        Left("mentee", mentees[i], _why_unmatched(i, apps, score, usable, forbidden, minimum))
        for i in range(len(mentees))
        if i not in partner
    ]
    taken = np.bincount(np.array(list(partner.values()), dtype=np.int64), minlength=len(mentors))
    for j, mentor in enumerate(mentors):
        free = mentor.capacity - int(taken[j])
        if free > 0:
            # TRANSLATORS: a mentor's places for mentees still free in the proposed pairs.
            places = _("{free} of {places} places free").format(free=free, places=mentor.capacity)
            left.append(Left("mentor", mentor, places))
    left += [
        Left(role, person, _("the application gives no e-mail address, so it cannot be matched"))
        for role, person in apps.anonymous
    ]
    return Result(pairs, left, len(mentees), len(mentors), template_written=False)
