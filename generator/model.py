"""The program.yaml contract as typed models.

Key names are a public contract (coordinators and tests rely on them): add keys, rename none.
Every model forbids unknown keys so a typo is reported instead of silently ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    ModelWrapValidatorHandler,
    PrivateAttr,
    Strict,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from .formats import HEX, LANGUAGE, MATERIAL_COLORS, URL_CHARACTERS
from .ids import ITEM_ID_PATTERN, SLUG_MAX, slug
from .languages import in_language, looks_per_language, placed, text_problem

_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
"""Milestone and form ids: lower-case letters, digits and single hyphens."""


def _text_in_language(value: Any, info: ValidationInfo) -> Any:
    """`{en: ..., es: ...}` read in the language being loaded; anything else is validated as text."""
    if isinstance(value, dict) and info.context is not None:
        return in_language(value, info.context, text_problem)
    return value


PER_LANGUAGE_TEXT = {
    "type": "object",
    "description": "The text in each language of program.languages, e.g. {en: Mentee, es: Aprendiz}.",
    "propertyNames": {"pattern": LANGUAGE.pattern},
    "additionalProperties": {"type": "string", "minLength": 1},
    "minProperties": 1,
}
TEXT_SCHEMA = {"anyOf": [{"type": "string", "minLength": 1}, PER_LANGUAGE_TEXT]}

Term = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""Text that is the same in every language: a glossary's terms."""
Text = Annotated[Term, BeforeValidator(_text_in_language), WithJsonSchema(TEXT_SCHEMA)]
"""Text a reader reads: plain (the same in every language) or `{en: ..., es: ...}`, one for each program language."""
Slug = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Id = Annotated[str, StringConstraints(pattern=ITEM_ID_PATTERN, max_length=SLUG_MAX)]
"""An explicit stable id of a list item: lower-case letters and digits joined by underscores."""
Whole = Annotated[int, Strict()]
"""A whole number as written: YAML reads `yes`, `on` and `true` as booleans, which must not count as 1."""


class Address(str):
    """An e-mail or web address checked to hold nothing Markdown or HTML reads as markup, so links can carry it."""


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError(
            f"'{value}' is not an e-mail address; write it as name@example.org, with only letters, digits "
            "and . _ % + - before the @ (no spaces, quotes, angle brackets or colons)"
        )
    return Address(value)


def _color(value: str) -> str:
    if value.lower() in MATERIAL_COLORS or HEX.match(value):
        return value
    raise ValueError(
        f"'{value}' is not a color; use a Material palette name ({', '.join(MATERIAL_COLORS[:6])}, ...) "
        "or a hex color such as '#1f5f5b'"
    )


def _language(value: str) -> str:
    if not LANGUAGE.match(value):
        raise ValueError(f"'{value}' is not a BCP 47 language tag; write it like en, en-US or fr-CA")
    return value


_BOTH = object()
"""Stands in for the later of `language` and `languages` when both are given, so that key is refused."""


def _alone(value: Any) -> Any:
    if value is _BOTH:
        raise ValueError("use `languages` only (first is the default), e.g. languages: [en, es]")
    return value


def _distinct(tags: list[str]) -> list[str]:
    seen: set[str] = set()
    for position, tag in enumerate(tags):
        if tag.lower() in seen:
            raise placed(f"'{tag}' is listed twice (language tags ignore case); list each language once", position)
        seen.add(tag.lower())
    return tags


def _plausible_date(value: dt.date) -> dt.date:
    if not 1900 <= value.year <= 2100:
        raise ValueError(f"{value.isoformat()} is out of range; give a date between 1900 and 2100")
    return value


def _url(value: str) -> str:
    try:
        parts = urlsplit(value)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        valid = False
    if not valid:
        raise ValueError(f"'{value}' is not a web address; write it like https://mentoring.example.gov/")
    if not URL_CHARACTERS.match(value):
        raise ValueError(
            f"'{value}' holds characters a web address cannot carry into a link (spaces, quotes, <>, (), [], {{}}, "
            "*, \\); percent-encode them (a space is %20) or remove them"
        )
    return Address(value)


Email = Annotated[str, AfterValidator(_email)]
Date = Annotated[dt.date, AfterValidator(_plausible_date)]
Url = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_url)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class _Labelled(Strict):
    """An entry whose id, unless given, is made from its label: in the default language, whatever language is read.

    So a field or a button has one name in every language's form, and returns in any language read back alike.
    """

    id: Id | None = None
    label: Text
    _default_label: str | None = PrivateAttr(default=None)
    """The default language's label, kept only when this label is another language's."""

    @classmethod
    def _as_mapping(cls, data: Any, info: ValidationInfo) -> Any:
        return data

    @model_validator(mode="wrap")
    @classmethod
    def _keep_default_label(cls, data: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo) -> Any:
        data = cls._as_mapping(data, info)
        entry = handler(data)
        label = data.get("label") if isinstance(data, dict) else None
        if isinstance(label, dict) and info.context is not None:
            default = in_language(label, {**info.context, "language": None}, text_problem)
            if isinstance(default, str) and default.strip() != entry.label:
                entry._default_label = default.strip()
        return entry

    @property
    def key(self) -> str:
        """The given id, or one made from the default language's label."""
        return self.id or slug(self._default_label or self.label)


class Item(_Labelled):
    """A list entry that names a field or an answer: plain text, `{en: ..., es: ...}`, or `{id, label}` to pin its id.

    The id names the PDF field or button that records this item, so returned forms are read back
    under the same name after the label is reworded or translated.
    """

    id: Id | None = None
    """Stable machine id; by default made from the label (options, roles) or the position (questions)."""
    label: Text
    """The text shown on pages and forms."""

    @classmethod
    def _as_mapping(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, str):
            return {"label": data}
        if isinstance(data, dict):
            own_keys = data.keys() & cls.model_fields.keys()
            per_language = info.context is not None and not own_keys and looks_per_language(data)
            return {"label": data} if per_language else data
        raise ValueError(f"expected text but got {data!r}; put it in quotes, or write `label:` (and `id:`)")

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        """Editors accept every spelling: plain text, text per language, or a mapping with label and id."""
        return {"anyOf": [{"type": "string", "minLength": 1}, PER_LANGUAGE_TEXT, handler(core_schema)]}

    def __str__(self) -> str:
        return self.label

    def key_at(self, position: int, prefix: str = "") -> str:
        """A question's id: the given one, or its position, so rewording a question keeps its field."""
        return self.id or f"{prefix}{position}"


class Contact(Strict):
    name: Text
    """Full name of the program coordinator."""
    title: Text
    """Their job title."""
    email: Email
    """E-mail address participants write to."""
    phone: Text
    """Phone number, written as participants should dial it (quote it)."""


class Privacy(Strict):
    """A full privacy notice, as public agencies must print on forms that collect personal information."""

    authority: Text
    """The law or rule that allows the program to ask for this information."""
    purpose: Text
    """What the information is used for."""
    routine_uses: Text
    """Who it is routinely shared with, and why."""
    disclosure: Text
    """Whether giving it is voluntary, and what happens if it is not given."""


class ProgramInfo(Strict):
    name: Text
    """Full program name, shown as the site name and on every form."""
    short_name: Text
    """Short name for footers and tight spaces."""
    agency: Text
    """The agency that runs the program; the forms' author."""
    division: Text
    """The division or office that owns the program."""
    purpose: Text
    """Why the program exists, in a sentence or two."""
    outcomes: list[Text] = Field(min_length=1)
    """What the agency expects to gain (one item per line)."""
    contact: Contact
    """Who participants contact with questions."""
    logo: Text | None = None
    """Optional logo image (PNG or JPEG), relative to program.yaml."""
    color: Annotated[str, AfterValidator(_color)] = "teal"
    """Material palette name (teal, indigo, blue grey, ...) or hex color like '#1f5f5b'."""
    language: Annotated[str, AfterValidator(_language), BeforeValidator(_alone)] = "en"
    """Language of site and forms as a BCP 47 tag (en, en-US, fr-CA); for several, write `languages` instead."""
    languages: Annotated[
        list[Annotated[str, AfterValidator(_language)]],
        Field(min_length=1),
        AfterValidator(_distinct),
        BeforeValidator(_alone),
    ] = []
    """Languages of site and forms as BCP 47 tags, the default first (e.g. [en, es]); each text may then be given per
    language, `{en: ..., es: ...}`. Write this or `language`, not both."""
    paper: Literal["letter", "a4"] = "letter"
    """Paper size of the PDF forms."""
    url: Url | None = None
    """Optional address where the site is published."""
    return_to: Text | None = None
    """Optional: how and where participants return filled forms (plain text; default: e-mail the contact)."""
    privacy_statement: Text | None = None
    """Optional note on how form data is used, shown on the forms page and applications."""
    privacy: Privacy | None = None
    """Optional full privacy notice (authority, purpose, routine uses, disclosure), printed on applications."""
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None
    """Optional ISO 3166-1 alpha-2 code of the agency's country (US, CA, GB): its public holidays count as days off."""
    region: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10)] | None = None
    """Optional state, province or other region code within `country` (CA for California): its holidays count too."""

    @model_validator(mode="wrap")
    @classmethod
    def _spoken_language(cls, data: Any, handler: ModelWrapValidatorHandler[ProgramInfo], info: ValidationInfo) -> Any:
        """`language` becomes the language being read and `languages` the full list, whichever key was written."""
        if isinstance(data, dict) and "language" in data and "languages" in data:
            later = [key for key in data if key in ("language", "languages")][-1]
            data = {**data, later: _BOTH}
        read = handler(data)
        languages = read.languages or [read.language]
        wanted = (info.context or {}).get("language") or ""
        spoken = next((tag for tag in languages if tag.lower() == wanted.lower()), languages[0])
        return read.model_copy(update={"languages": languages, "language": spoken})


class Milestone(Strict):
    id: Slug
    """Stable id: lower-case letters, digits and hyphens."""
    title: Text
    """What happens at this point, as participants should read it."""
    offset_days: Whole = Field(ge=-365, le=3660)
    """Days after schedule.start (negative: before it)."""
    forms: list[Slug] = []
    """Ids of the forms used at this milestone."""


class Schedule(Strict):
    start: Date
    """First day of the program (YYYY-MM-DD)."""
    duration_months: Whole = Field(ge=1, le=60)
    """Length of a mentoring relationship in months."""
    meeting_frequency: Text
    """How often pairs meet, completing 'Pairs meet ...' (e.g. 'every two weeks')."""
    session_minutes: Whole = Field(ge=5, le=480)
    """Usual length of a session in minutes."""
    hours_per_month: float = Field(gt=0, le=160)
    """Work hours a month a participant may give to mentoring."""
    milestones: list[Milestone] = []
    """Key moments of the relationship, each with its forms."""
    move_to_working_day: bool = False
    """true moves a milestone that falls on a weekend or public holiday to the next working day (else a warning)."""


class Eligibility(Strict):
    mentors: list[Text] = Field(min_length=1)
    """Criteria a mentor must meet."""
    mentees: list[Text] = Field(min_length=1)
    """Criteria a mentee must meet."""
    application_deadline: Date | None = None
    """Optional last day to apply (YYYY-MM-DD)."""


class Goals(Strict):
    per_agreement: Whole = Field(default=3, ge=1, le=10)
    """How many goals each mentoring agreement sets out (1 to 10)."""
    measures_of_success: list[Text] = []
    """How the program judges whether it worked."""


class RatingLevel(_Labelled):
    id: Id | None = None
    """Stable id of the level (its radio buttons' value); by default made from the label."""
    label: Text
    """Short name of the level, printed as a column heading."""
    definition: Text
    """What the level means, so raters agree."""

    def as_item(self) -> Item:
        """The level as a list item (its label), with the same key."""
        item = Item.model_construct(id=self.id, label=self.label)
        item._default_label = self._default_label
        return item


class Evaluation(Strict):
    mentor_questions: list[Item] = Field(min_length=1)
    """Questions rated on rating_scale in the mentor evaluation."""
    midpoint_questions: list[Item] = []
    """Questions discussed and answered at the mid-point review."""
    closure_questions: list[Item] = []
    """Questions answered at closure."""
    minimum_group: Whole = Field(default=5, ge=3, le=1000)
    """Smallest number of people a figure of the evaluation report may describe; smaller groups are hidden."""
    report_free_text: bool = False
    """true shows participants' written answers in the evaluation report (names removed, large groups only)."""


class FormSettings(Strict):
    enabled: bool = True
    """false drops the form from the site and the PDFs."""
    title: Text | None = None
    """Optional title replacing the form's own."""
    extra_questions: list[Item] = []
    """Questions of your own, added at the end of the form."""


FieldName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")]
"""A form field's full stable name, `section.field` (or `section.checklist`)."""
Weight = Annotated[float, Field(ge=-100, le=100, allow_inf_nan=False)]


class Matching(Strict):
    """How `handbook match` scores a mentor for a mentee; each skill both tick counts 1 point."""

    minimum_score: float = Field(default=1, ge=0, le=1000, allow_inf_nan=False)
    """Lowest score a proposed pair may have: a mentee whose best mentor scores less stays unmatched (default 1)."""
    weights: dict[FieldName, Weight] = {}
    """Points added when a mentor's and a mentee's application give the same answer to a field both forms have
    (a checklist: at least one option ticked on both), e.g. `availability.ways: 2`; negative points keep such
    pairs apart."""


def _glossary_in_language(value: Any, info: ValidationInfo) -> Any:
    """A glossary given per language, `{en: {term: definition}, es: {...}}`, read in the language being loaded."""
    ctx = info.context
    if ctx is None or not isinstance(value, dict):
        return value
    declared = {tag.lower() for tag in ctx.get("languages") or ()}
    per_language = any(str(key).lower() in declared and isinstance(terms, dict) for key, terms in value.items())
    unread = not declared and looks_per_language(value) and all(isinstance(v, dict) for v in value.values())
    if per_language or unread:
        return in_language(value, ctx, _glossary_problem)
    return value


def _glossary_problem(terms: Any) -> str | None:
    """What is wrong with one language's glossary, or None: each language's is checked whichever one is read."""
    if not isinstance(terms, dict) or not terms:
        return "glossary is not a list of terms; write `Term: definition` lines under it"
    for term, definition in terms.items():
        if not isinstance(definition, str) or not definition.strip():
            return (
                f"glossary gives no text as the definition of '{term}'; write one after the colon, in quotes if needed"
            )
    return None


_GLOSSARY_SCHEMA = {
    "anyOf": [
        {"type": "object", "additionalProperties": TEXT_SCHEMA},
        {
            "type": "object",
            "description": "The glossary in each language of program.languages: {en: {term: definition}, es: {...}}.",
            "propertyNames": {"pattern": LANGUAGE.pattern},
            "additionalProperties": {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}},
        },
    ]
}


class Program(Strict):
    program: ProgramInfo
    """Who runs the program and how it presents itself."""
    schedule: Schedule
    """Dates, cadence and milestones."""
    eligibility: Eligibility
    """Who may take part."""
    goals: Goals = Goals()
    """Goals per agreement and the program's measures of success."""
    rating_scale: list[RatingLevel] = Field(min_length=2, max_length=10)
    """Rating levels from worst to best (2 to 10)."""
    skills: list[Item] = Field(min_length=1)
    """Skill areas on both applications' checklists."""
    signatories: list[Item] = Field(min_length=1)
    """Roles that sign the mentoring agreement, in order."""
    evaluation: Evaluation
    """Questions used by the evaluation forms."""
    forms: dict[Slug, FormSettings] = {}
    """Per-form settings by form id: enabled, title, extra_questions."""
    glossary: Annotated[dict[Term, Text], BeforeValidator(_glossary_in_language), WithJsonSchema(_GLOSSARY_SCHEMA)] = {}
    """Terms and their definitions for the glossary page; or, per language, `{en: {term: definition}, es: {...}}`."""
    matching: Matching = Matching()
    """How `handbook match` proposes mentor and mentee pairs."""

    @property
    def languages(self) -> list[str]:
        """The program's languages, the default first."""
        return self.program.languages

    def form_enabled(self, form_id: str) -> bool:
        settings = self.forms.get(form_id)
        return settings is None or settings.enabled

    @property
    def end_date(self) -> dt.date:
        return end_date(self.schedule.start, self.schedule.duration_months)


def end_date(start: dt.date, duration_months: int) -> dt.date:
    """The program's last day: the day before the same calendar day duration_months later (clamped to month ends)."""
    months = start.month - 1 + duration_months
    year, month = start.year + months // 12, months % 12 + 1
    day = min(start.day, _days_in_month(year, month))
    return dt.date(year, month, day) - dt.timedelta(days=1)


def _days_in_month(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day
