"""How well a mentor suits a mentee: one point per skill the mentee wants and the mentor offers, plus the
program's weights for other answers both applications give alike.

Scores for every pair are computed as matrices (1,000 mentees by 400 mentors in well under a second);
the words explaining a score are made only for the pairs proposed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..formdefs import FormDef
from ..i18n import _, current, ngettext
from ..model import Program
from .candidates import MENTEE_FORM, MENTOR_FORM, WANTED, Person, checklist, normalised


@dataclass(frozen=True)
class Weighted:
    """A field both applications have, and the points a pair earns by answering it alike."""

    name: str
    weight: float
    label: str
    """The question, in the mentee application's words."""
    options: dict[str, str]
    """Option id -> label for a choice or checklist; empty for text."""
    is_checklist: bool


@dataclass(frozen=True)
class Scorer:
    skills: dict[str, str]
    """Skill option id -> label, in the form's order."""
    weighted: list[Weighted]


def scorer(program: Program, forms: dict[str, FormDef]) -> tuple[Scorer, dict[str, str]]:
    """The scorer, and for each weight naming no field both applications share, what is wrong with it."""
    mentee, mentor = forms[MENTEE_FORM], forms[MENTOR_FORM]
    wanted = checklist(mentee, WANTED)
    skills = {option.key: option.label for option in wanted.options} if wanted else {}
    entries = {form.id: {entry.name: entry for entry in form.entries()} for form in (mentee, mentor)}
    weighted, problems = [], {}
    for name, weight in program.matching.weights.items():
        lists = [checklist(form, name) for form in (mentee, mentor)]
        if all(lists):
            options = {option.key: option.label for option in lists[0].options}  # type: ignore[union-attr]
            weighted.append(Weighted(name, weight, lists[0].label, options, True))  # type: ignore[union-attr]
        elif name in entries[mentee.id] and name in entries[mentor.id]:
            entry = entries[mentee.id][name]
            weighted.append(Weighted(name, weight, entry.label, dict(entry.options), False))
        else:
            missing = [f.title for f in (mentee, mentor) if name not in entries[f.id] and not checklist(f, name)]
            problems[name] = (
                f"no field '{name}' on the {' and the '.join(missing)}; a weight names a field both applications"
                f" have, such as {', '.join(_shared_questions(mentee, mentor))}"
            )
    return Scorer(skills, weighted), problems


def _shared_questions(mentee: FormDef, mentor: FormDef) -> list[str]:
    """Names of the choices and checklists both applications ask: the weights that make sense."""
    choices = [
        {e.name for e in form.entries() if e.kind == "choice"}
        | {
            f"{s.id}.{f.name}"
            for s in form.sections
            for f in s.fields
            if checklist(form, f"{s.id}.{getattr(f, 'name', '')}")
        }
        for form in (mentee, mentor)
    ]
    return sorted(choices[0] & choices[1])


def _ticks(people: list[Person], prefix: str, keys: list[str], *, skills: bool = False) -> np.ndarray:
    """people x options, 1 where ticked."""
    out = np.zeros((len(people), len(keys)), dtype=np.float64)
    for i, person in enumerate(people):
        for j, key in enumerate(keys):
            ticked = key in person.skills if skills else person.answers.get(f"{prefix}.{key}") == "1"
            out[i, j] = ticked
    return out


def _codes(people: list[Person], name: str, known: dict[str, int], blank: int) -> np.ndarray:
    values = [normalised(person.answers.get(name, "")) for person in people]
    return np.array([known.setdefault(v, len(known)) if v else blank for v in values], dtype=np.int64)


def scores(score: Scorer, mentees: list[Person], mentors: list[Person]) -> np.ndarray:
    """mentees x mentors: each pair's score."""
    keys = list(score.skills)
    total = _ticks(mentees, "", keys, skills=True) @ _ticks(mentors, "", keys, skills=True).T
    for field in score.weighted:
        if field.is_checklist:
            options = list(field.options)
            agree = (_ticks(mentees, field.name, options) @ _ticks(mentors, field.name, options).T) > 0
        else:
            known: dict[str, int] = {}
            agree = _codes(mentees, field.name, known, -1)[:, None] == _codes(mentors, field.name, known, -2)[None, :]
        total = total + field.weight * agree
    return total


def _points(weight: float) -> str:
    """A weight with its sign, as the language spoken writes the number: +2, \N{MINUS SIGN}0.5."""
    return ("+" if weight >= 0 else "\N{MINUS SIGN}") + current().number(abs(weight))


def reasons(score: Scorer, mentee: Person, mentor: Person) -> list[str]:
    """Why the pair scores what it does, in plain words, one phrase per part of the score."""
    shared = [label for key, label in score.skills.items() if key in mentee.skills and key in mentor.skills]
    wanted = len(mentee.skills)
    if not wanted:
        out = [_("the mentee ticked no skills to develop")]
    elif shared:
        text = ngettext(
            "shares {shared} of {wanted} skill: {skills}", "shares {shared} of {wanted} skills: {skills}", wanted
        )
        out = [text.format(shared=len(shared), wanted=wanted, skills=", ".join(shared))]
    else:
        text = ngettext(
            "offers none of the {wanted} skill the mentee wants",
            "offers none of the {wanted} skills the mentee wants",
            wanted,
        )
        out = [text.format(wanted=wanted)]
    for field in score.weighted:
        if field.is_checklist:
            both = [
                label
                for key, label in field.options.items()
                if mentee.answers.get(f"{field.name}.{key}") == "1" and mentor.answers.get(f"{field.name}.{key}") == "1"
            ]
            if both:
                text = _("both ticked {options} for “{question}” ({points})")
                out.append(text.format(options=", ".join(both), question=field.label, points=_points(field.weight)))
            continue
        value = mentee.answers.get(field.name, "")
        if value.strip() and normalised(value) == normalised(mentor.answers.get(field.name, "")):
            shown = field.options.get(value, value.strip())
            text = _("same answer to “{question}”: {answer} ({points})")
            out.append(text.format(question=field.label, answer=shown, points=_points(field.weight)))
    return out
