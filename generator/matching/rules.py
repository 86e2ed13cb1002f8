"""The rules no score outweighs: nobody is mentored by their own supervisor or by someone who shares it.

Supervisors are compared both by e-mail and by name (normalised), because applicants often leave one
of the two blank or write the name slightly differently from the e-mail; a false alarm costs a pair,
a missed one would put a mentee's candour at risk.
"""

from __future__ import annotations

import numpy as np

from ..i18n import _
from .candidates import Person, normalised


def _same(a: str, b: str) -> bool:
    return bool(a.strip()) and normalised(a) == normalised(b)


def conflict(mentee: Person, mentor: Person) -> str | None:
    """Why this mentor may never mentor this mentee, in plain words of the language spoken; None when they may."""
    if _same(mentee.email, mentor.email):
        return _("the same person applied as mentor and as mentee")
    if _same(mentor.email, mentee.supervisor_email) or _same(mentor.name, mentee.supervisor):
        return _("the mentor is the mentee's supervisor")
    if _same(mentee.email, mentor.supervisor_email) or _same(mentee.name, mentor.supervisor):
        return _("the mentee is the mentor's supervisor")
    if _same(mentee.supervisor_email, mentor.supervisor_email) or _same(mentee.supervisor, mentor.supervisor):
        return _("they share a supervisor")
    return None


class _Codes:
    """Normalised text as whole numbers, so whole rows of people compare at once; blanks never equal anything."""

    def __init__(self) -> None:
        self.known: dict[str, int] = {}

    def __call__(self, values: list[str], blank: int) -> np.ndarray:
        out = np.empty(len(values), dtype=np.int64)
        for i, value in enumerate(values):
            text = normalised(value)
            out[i] = self.known.setdefault(text, len(self.known)) if text else blank
        return out


def allowed(mentees: list[Person], mentors: list[Person]) -> np.ndarray:
    """mentees x mentors: True where `conflict` finds nothing (the same rules, a whole matrix at once)."""
    code = _Codes()

    def pair(mentee_values: list[str], mentor_values: list[str]) -> np.ndarray:
        return code(mentee_values, -1)[:, None] == code(mentor_values, -2)[None, :]

    def of(people: list[Person], attribute: str) -> list[str]:
        return [getattr(p, attribute) for p in people]

    clash = pair(of(mentees, "email"), of(mentors, "email"))
    for mentee_side, mentor_side in (
        ("supervisor_email", "email"),
        ("supervisor", "name"),
        ("email", "supervisor_email"),
        ("name", "supervisor"),
        ("supervisor_email", "supervisor_email"),
        ("supervisor", "supervisor"),
    ):
        clash |= pair(of(mentees, mentee_side), of(mentors, mentor_side))
    return ~clash
