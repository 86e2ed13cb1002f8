"""Mentors and mentees as their latest applications in the records store say.

Only each person's newest application counts, so an applicant who sent a corrected form is matched
on the correction. People are told apart by their work e-mail, compared without case or spaces.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..collect.store import Store
from ..formdefs import Checklist, FormDef

MENTOR_FORM = "mentor-application"
MENTEE_FORM = "mentee-application"
OFFERED = "offer.skills"
"""The mentor application's checklist of skills to pass on."""
WANTED = "growth.skills"
"""The mentee application's checklist of skills to develop (the same options as OFFERED)."""
CAPACITY = "availability.capacity"
"""The mentor's choice of how many mentees at once; its option ids are the numbers."""


def normalised(text: str) -> str:
    """Comparable text: case, Unicode forms and runs of spaces do not matter."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass(frozen=True)
class Person:
    """One applicant, mentor or mentee."""

    name: str
    email: str
    """As written on the application; `key` is what comparisons use."""
    supervisor: str
    supervisor_email: str
    skills: frozenset[str]
    """Option ids of the skills ticked: offered by a mentor, wanted by a mentee."""
    answers: dict[str, str] = field(repr=False)
    """Every answer of the application, for the program's weighted fields."""
    source: str
    """The returned PDF, as collect saw it."""
    capacity: int = 1

    @property
    def key(self) -> str:
        return normalised(self.email)

    @property
    def shown(self) -> str:
        """How the person is named in messages: the name, or the e-mail, or the file."""
        return self.name.strip() or self.email.strip() or self.source


@dataclass(frozen=True)
class Applications:
    mentors: list[Person]
    mentees: list[Person]
    anonymous: list[tuple[str, Person]]
    """(role, person) of applications without an e-mail: they cannot be matched or named in overrides."""


def checklist(form: FormDef, name: str) -> Checklist | None:
    """The checklist field `name` (section.field) of a form, with its bound options."""
    for section in form.sections:
        for item in section.fields:
            if isinstance(item, Checklist) and f"{section.id}.{item.name}" == name:
                return item
    return None


def _capacity(value: str) -> int:
    """The mentor's chosen number of mentees; 1 when the question was left blank."""
    return int(value) if value.isdigit() and int(value) > 0 else 1


def _people(store: Store, form: FormDef, skills: str) -> list[Person]:
    options = checklist(form, skills)
    keys = [option.key for option in options.options] if options else []
    people = []
    for path, answers in store.latest(form.id):
        people.append(
            Person(
                name=answers.get("contact.name", "").strip(),
                email=answers.get("contact.email", "").strip(),
                supervisor=answers.get("contact.supervisor", "").strip(),
                supervisor_email=answers.get("contact.supervisor_email", "").strip(),
                skills=frozenset(key for key in keys if answers.get(f"{skills}.{key}") == "1"),
                answers=answers,
                source=path,
                capacity=_capacity(answers.get(CAPACITY, "")),
            )
        )
    return people


def read_applications(database: Path, forms: dict[str, FormDef]) -> Applications:
    """Both roles' latest applications, each list sorted by e-mail so that every run sees the same order."""
    store = Store(database)
    try:
        mentors = _people(store, forms[MENTOR_FORM], OFFERED)
        mentees = _people(store, forms[MENTEE_FORM], WANTED)
    finally:
        store.close()
    anonymous = [("mentor", p) for p in mentors if not p.key] + [("mentee", p) for p in mentees if not p.key]

    def order(people: list[Person]) -> list[Person]:
        return sorted((p for p in people if p.key), key=lambda p: (p.key, p.source))

    return Applications(order(mentors), order(mentees), anonymous)
