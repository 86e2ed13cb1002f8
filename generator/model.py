"""The program.yaml contract as typed models.

Key names are a public contract (coordinators and tests rely on them): add keys, rename none.
Every model forbids unknown keys so a typo is reported instead of silently ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

MATERIAL_COLORS = (
    "red",
    "pink",
    "purple",
    "deep purple",
    "indigo",
    "blue",
    "light blue",
    "cyan",
    "teal",
    "green",
    "light green",
    "lime",
    "yellow",
    "amber",
    "orange",
    "deep orange",
    "brown",
    "grey",
    "blue grey",
    "black",
    "white",
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=_ID)]


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError(f"'{value}' is not an e-mail address; write it as name@example.org")
    return value


def _color(value: str) -> str:
    if value.lower() in MATERIAL_COLORS or _HEX.match(value):
        return value
    raise ValueError(
        f"'{value}' is not a colour; use a Material palette name ({', '.join(MATERIAL_COLORS[:6])}, ...) "
        "or a hex colour such as '#1f5f5b'"
    )


def _language(value: str) -> str:
    if not _LANG.match(value):
        raise ValueError(f"'{value}' is not a BCP 47 language tag; write it like en, en-US or fr-CA")
    return value


Email = Annotated[str, AfterValidator(_email)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Contact(Strict):
    name: Text
    title: Text
    email: Email
    phone: Text


class ProgramInfo(Strict):
    name: Text
    short_name: Text
    agency: Text
    division: Text
    purpose: Text
    outcomes: list[Text] = Field(min_length=1)
    contact: Contact
    logo: Text | None = None
    color: Annotated[str, AfterValidator(_color)] = "teal"
    language: Annotated[str, AfterValidator(_language)] = "en"
    paper: Literal["letter", "a4"] = "letter"
    url: Text | None = None
    privacy_statement: Text | None = None


class Milestone(Strict):
    id: Slug
    title: Text
    offset_days: int = Field(ge=-365, le=3660)
    forms: list[Slug] = []


class Schedule(Strict):
    start: dt.date
    duration_months: int = Field(ge=1, le=60)
    meeting_frequency: Text
    session_minutes: int = Field(ge=5, le=480)
    hours_per_month: float = Field(gt=0, le=160)
    milestones: list[Milestone] = []

    @model_validator(mode="after")
    def _unique_ids(self) -> Schedule:
        seen: set[str] = set()
        for milestone in self.milestones:
            if milestone.id in seen:
                raise ValueError(f"milestone id '{milestone.id}' is used twice; give each milestone its own id")
            seen.add(milestone.id)
        return self


class Eligibility(Strict):
    mentors: list[Text] = Field(min_length=1)
    mentees: list[Text] = Field(min_length=1)
    application_deadline: dt.date | None = None


class Goals(Strict):
    per_agreement: int = Field(default=3, ge=1, le=10)
    measures_of_success: list[Text] = []


class RatingLevel(Strict):
    label: Text
    definition: Text


class Evaluation(Strict):
    mentor_questions: list[Text] = Field(min_length=1)
    midpoint_questions: list[Text] = []
    closure_questions: list[Text] = []


class FormSettings(Strict):
    enabled: bool = True
    title: Text | None = None
    extra_questions: list[Text] = []


class Program(Strict):
    program: ProgramInfo
    schedule: Schedule
    eligibility: Eligibility
    goals: Goals = Goals()
    rating_scale: list[RatingLevel] = Field(min_length=2, max_length=10)
    skills: list[Text] = Field(min_length=1)
    signatories: list[Text] = Field(min_length=1)
    evaluation: Evaluation
    forms: dict[Slug, FormSettings] = {}
    glossary: dict[Text, Text] = {}

    def form_enabled(self, form_id: str) -> bool:
        settings = self.forms.get(form_id)
        return settings is None or settings.enabled

    @property
    def end_date(self) -> dt.date:
        """The day before the same calendar day duration_months later (clamped to month ends)."""
        start = self.schedule.start
        months = start.month - 1 + self.schedule.duration_months
        year, month = start.year + months // 12, months % 12 + 1
        day = min(start.day, _days_in_month(year, month))
        return dt.date(year, month, day) - dt.timedelta(days=1)


def _days_in_month(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day
