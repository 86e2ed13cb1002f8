"""Form definitions as data: the model of forms/<id>.yaml, loaded, checked and bound to one program.

A coordinator adds a form or a field by editing YAML only, so everything a definition can say lives
here as a typed model; loading reports every problem with its forms/x.yaml:LINE:COL place. The loaded
`FormDef` is already bound to the program: placeholders rendered, option lists, counts and roles
resolved, overrides applied. The renderer only lays it out.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import jinja2
from babel.dates import format_date, format_skeleton
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from .formtext import NOT_TEXT, FormWords, form_words, translate
from .hints import undefined_message
from .i18n import locale, words
from .ids import SLUG_MAX, key_clashes, slug
from .model import Item, Program, RatingLevel, Whole
from .problems import InputError, Problem
from .validation import validate
from .yamlsource import Loc, Located, dotted, parse_yaml

CATALOGUE = (
    "mentor-application",
    "mentee-application",
    "mentoring-agreement",
    "confidentiality-agreement",
    "first-meeting-worksheet",
    "action-plan",
    "meeting-notes",
    "session-summary",
    "activity-log",
    "check-up-90-day",
    "midpoint-evaluation",
    "mentor-evaluation",
    "closure-evaluation",
)
"""The shipped forms in the order participants meet them; forms added by a program follow, by id."""

EXTRA_SECTION = "extra"
"""Section id of the questions a program adds through forms.<id>.extra_questions."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
ProgramPath = Annotated[str, StringConstraints(pattern=r"^[a-z_]+(\.[a-z_]+)*$")]
Width = Literal["full", "3/4", "2/3", "1/2", "1/3", "1/4"]
"""Share of the line a narrow field takes; the layout reads the fractions from these names."""
MAX_REPEAT = 20
"""Most groups a `repeat` may have, from `count` or `count_from`."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _FromProgram(_Strict):
    """A field whose items are given in the form or taken from program.yaml by a `*_from` path, exactly one."""

    sources: ClassVar[tuple[str, str]]
    """The key given in the form and its `*_from` twin, e.g. ('options', 'options_from')."""

    @model_validator(mode="after")
    def _one_source(self) -> _FromProgram:
        given, path = self.sources
        if bool(getattr(self, given)) == bool(getattr(self, path)):
            both = ", not both" if getattr(self, given) else ""
            raise ValueError(f"give either `{given}` (in this file) or `{path}` (a path into program.yaml){both}")
        return self


def _clash_message(what: str, earlier: Item, later: Item, key: str, *, ids: bool = True) -> str:
    """Why two items share an id, and the fix; `ids` is False for a list of plain text, which cannot take an `id:`."""
    if earlier.id and later.id:
        fix = "give each its own id"
    elif len(key) == SLUG_MAX:
        fix = f"ids made from text keep only its first {SLUG_MAX} letters and digits: make them differ sooner"
    else:
        fix = "make them differ in their letters or digits" + (", or give one an `id:`" if ids else "")
    return (
        f"{what} '{earlier.label}' and '{later.label}' both have the id '{key}', "
        f"so they would share one field or button; {fix}"
    )


@dataclasses.dataclass(frozen=True)
class Entry:
    """One fillable field as a returned form records it: a line of the codebook."""

    name: str
    """Full field name, stable across wording and languages: a column of the exports."""
    label: str
    """What the field asks, in the form's words."""
    kind: str
    """text, multiline, date, email, phone, checkbox, choice or rating."""
    options: tuple[tuple[str, str], ...] = ()
    """(id, label) of each allowed answer of a choice or rating; a rating's in scale order, worst first."""


Scale = tuple[tuple[str, str], ...]
"""The rating scale as (id, label) pairs, worst first: what rating grids offer."""


# --- static content ---------------------------------------------------------------------------


class Heading(_Strict):
    type: Literal["heading"]
    text: Text


class ParagraphField(_Strict):
    type: Literal["paragraph"]
    text: str = ""
    """Static text; may be empty when only `items` are given."""
    items: list[Text] = []
    """Bullet points printed under the text."""
    style: Literal["normal", "note"] = "normal"
    """`note` prints smaller, for guidance a filler may skip."""


# --- input fields -------------------------------------------------------------------------------


class _Input(_Strict):
    name: Name
    label: Text
    """Printed next to the field."""
    tooltip: Text | None = None
    """What a screen reader announces; defaults to the label."""
    help: Text | None = None
    """Small guidance printed under the label."""

    @property
    def hint(self) -> str:
        return self.tooltip or self.label

    def entries(self, prefix: str, scale: Scale) -> list[Entry]:
        return [Entry(f"{prefix}.{self.name}", self.label, getattr(self, "type", "text"))]


class TextField(_Input):
    type: Literal["text", "date", "email", "phone"]
    default: str = ""
    """Pre-filled value (placeholders allowed); the filler can change it."""
    width: Width = "full"
    """Share of the line; consecutive narrow fields sit side by side."""


class Multiline(_Input):
    type: Literal["multiline"]
    lines: Whole = Field(default=4, ge=1, le=40)
    """Height of the box in lines of handwriting."""


class Checkbox(_Input):
    type: Literal["checkbox"]
    width: Width = "full"


class _Options(_FromProgram, _Input):
    sources = ("options", "options_from")
    options: list[Item] = []
    options_from: ProgramPath | None = None
    """A list in program.yaml, e.g. `skills` or `rating_scale` (its labels)."""


class Checklist(_Options):
    type: Literal["checklist"]
    columns: Whole = Field(default=2, ge=1, le=4)
    other: bool = True
    """Adds an 'Other' line for anything not listed."""

    def option_names(self, prefix: str) -> list[str]:
        return [f"{prefix}.{self.name}.{option.key}" for option in self.options]

    def entries(self, prefix: str, scale: Scale) -> list[Entry]:
        from .pdf.wording import WORDS

        ticks = [
            Entry(name, f"{self.label}: {option.label}", "checkbox")
            for name, option in zip(self.option_names(prefix), self.options, strict=True)
        ]
        other = [Entry(f"{prefix}.{self.name}.other", f"{self.label}: {WORDS['other']}", "text")] if self.other else []
        return ticks + other


class Choice(_Options):
    type: Literal["choice"]
    layout: Literal["row", "column"] = "row"

    def entries(self, prefix: str, scale: Scale) -> list[Entry]:
        options = tuple((option.key, option.label) for option in self.options)
        return [Entry(f"{prefix}.{self.name}", self.label, "choice", options)]


class RatingGrid(_FromProgram, _Input):
    sources = ("questions", "questions_from")
    type: Literal["rating_grid"]
    questions: list[Item] = []
    questions_from: ProgramPath | None = None
    """A list of questions in program.yaml, e.g. `evaluation.mentor_questions`."""
    comments: bool = True
    """Adds a comment line under every question."""
    definitions: bool = True
    """Prints what each level of rating_scale means above the grid."""

    def entries(self, prefix: str, scale: Scale) -> list[Entry]:
        from .pdf.wording import WORDS

        out = []
        for n, question in enumerate(self.questions, 1):
            name = f"{prefix}.{self.name}.{question.key_at(n)}"
            out.append(Entry(f"{name}.rating", f"{n}. {question.label}", "rating", scale))
            if self.comments:
                out.append(Entry(f"{name}.comment", f"{n}. {question.label}: {WORDS['comment']}", "text"))
        return out


class Questions(_FromProgram):
    """Open questions, each with its own answer box; named `<section>.<name>.<n>`."""

    sources = ("questions", "questions_from")
    type: Literal["questions"]
    name: Name
    questions: list[Item] = []
    questions_from: ProgramPath | None = None
    """A list of questions in program.yaml, e.g. `evaluation.closure_questions`."""
    lines: Whole = Field(default=3, ge=1, le=40)

    def entries(self, prefix: str, scale: Scale) -> list[Entry]:
        return [
            Entry(f"{prefix}.{self.name}.{q.key_at(n)}", q.label, "multiline") for n, q in enumerate(self.questions, 1)
        ]


class Column(_Strict):
    name: Name
    label: Text
    width: float = Field(default=1.0, gt=0, le=10)
    """Relative width: a column of 2 is twice as wide as a column of 1."""
    tooltip: Text | None = None


class Table(_Input):
    type: Literal["table"]
    columns: list[Column] = Field(min_length=1, max_length=8)
    rows: Whole = Field(default=10, ge=1, le=200)

    def entries(self, prefix: str, scale: Scale) -> list[Entry]:
        return [
            Entry(f"{prefix}.{self.name}.{row}.{c.name}", f"{self.label} {row}: {c.label}", "text")
            for row in range(1, self.rows + 1)
            for c in self.columns
        ]


class Signature(_FromProgram):
    """Printed name, a signature rule and a date for each role; named `<section>.<role>.name|date`."""

    sources = ("roles", "roles_from")
    type: Literal["signature"]
    roles: list[Item] = []
    roles_from: ProgramPath | None = None
    """A list of roles in program.yaml, e.g. `signatories`."""

    def entries(self, prefix: str, scale: Scale) -> list[Entry]:
        from .pdf.wording import WORDS

        return [
            entry
            for role in self.roles
            for entry in (
                Entry(f"{prefix}.{role.key}.name", f"{role.label}: {WORDS['printed_name']}", "text"),
                Entry(f"{prefix}.{role.key}.date", f"{role.label}: {WORDS['date']}", "date"),
            )
        ]


Simple = (
    Heading | ParagraphField | TextField | Multiline | Checkbox | Checklist | Choice | RatingGrid | Questions | Table
)
SIMPLE_TYPES: dict[str, type[BaseModel]] = {
    "heading": Heading,
    "paragraph": ParagraphField,
    "text": TextField,
    "date": TextField,
    "email": TextField,
    "phone": TextField,
    "multiline": Multiline,
    "checkbox": Checkbox,
    "checklist": Checklist,
    "choice": Choice,
    "rating_grid": RatingGrid,
    "questions": Questions,
    "table": Table,
    "signature": Signature,
}


class Repeat(_FromProgram):
    """A group of fields repeated N times; named `<section>.<n>.<field>` (e.g. `goals.2.measure`)."""

    sources = ("count", "count_from")
    type: Literal["repeat"]
    title: Text
    """Printed before each group with its number, e.g. 'Goal' gives 'Goal 1', 'Goal 2'."""
    count: Whole | None = Field(default=None, ge=1, le=MAX_REPEAT)
    count_from: ProgramPath | None = None
    """A whole number in program.yaml, e.g. `goals.per_agreement`."""
    fields: list[Annotated[Simple | Signature, Field(discriminator="type")]] = []
    """At least one; the loader refuses an empty group."""

    def entries(self, prefix: str, scale: Scale) -> list[Entry]:
        return [
            dataclasses.replace(entry, label=f"{self.title} {n}: {entry.label}")
            for n in range(1, (self.count or 0) + 1)
            for f in self.fields
            for entry in _entries(f, f"{prefix}.{n}", scale)
        ]


AnyField = Annotated[Simple | Signature | Repeat, Field(discriminator="type")]
FIELD_TYPES: dict[str, type[BaseModel]] = {**SIMPLE_TYPES, "repeat": Repeat}


def _entries(field: BaseModel, prefix: str, scale: Scale) -> list[Entry]:
    entries = getattr(field, "entries", None)
    return entries(prefix, scale) if entries else []


def _names(field: BaseModel, prefix: str) -> list[str]:
    return [entry.name for entry in _entries(field, prefix, ())]


class Section(_Strict):
    id: Name
    """Prefix of every field name in the section."""
    title: Text
    intro: str = ""
    fields: list[AnyField] = Field(min_length=1)


class FormDef(_Strict):
    """One form, bound to a program: what the renderer lays out and the site lists."""

    id: str
    title: Text
    description: Text
    """One sentence: what the form is for (shown in the site's forms catalogue)."""
    who: Text
    """Who fills it in, e.g. 'Mentee' or 'Mentor and mentee together'."""
    minutes: int | None = None
    """About how long filling it in takes, printed under the title so people can set the time aside."""
    intro: str = ""
    sections: list[Section] = Field(min_length=1)
    submitter: list[str] = []
    """Fields naming who returns the form: two returns with the same values are one person's."""
    scale: Scale = ()
    """program.yaml's rating scale, which the rating grids offer."""

    def entries(self) -> list[Entry]:
        """Every fillable field, in reading order: the form's codebook."""
        return [entry for s in self.sections for f in s.fields for entry in _entries(f, s.id, self.scale)]

    def field_names(self) -> list[str]:
        """Every fillable field's full name, in reading order."""
        return [entry.name for entry in self.entries()]

    def submitter_fields(self) -> list[str]:
        """The fields that identify who returned a copy: `submitter`, or the form's first field."""
        return self.submitter or self.field_names()[:1]

    @property
    def version(self) -> str:
        """A short hash of what decides the fields: two PDFs with one version have the same fields.

        Only names, kinds, answer ids and the scale's ids count, not wording: the form is the same version in
        every language, and `handbook collect` notes an earlier version only when its fields differ.
        """
        fields = [(entry.name, entry.kind, [key for key, _ in entry.options]) for entry in self.entries()]
        shape = json.dumps([fields, [key for key, _ in self.scale]])
        return hashlib.sha256(shape.encode()).hexdigest()[:12]


class _RawSection(_Strict):
    """A section's own keys; each field is checked on its own, so one bad key hides nothing else."""

    id: Name
    title: Text
    intro: str = ""
    fields: list[Any] = Field(min_length=1)


class _RawForm(_Strict):
    """A form's own keys; each section is checked on its own."""

    title: Text
    description: Text
    who: Text
    minutes: Whole | None = Field(default=None, ge=1, le=240)
    intro: str = ""
    submitter: list[Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")]] = []
    """Full names of the fields that say who returns the form (default: its first field)."""
    sections: list[Any] = Field(min_length=1)


# --- loading ------------------------------------------------------------------------------------

_ENV = SandboxedEnvironment(
    undefined=jinja2.StrictUndefined,
    autoescape=False,
    # No templates to include: `{% include %}` and the like fail as TemplateNotFound, reported in place.
    loader=jinja2.FunctionLoader(lambda name: None),
)


@jinja2.pass_context
def _long_date(context: jinja2.runtime.Context, value: Any) -> str:
    """`{{ day | date }}`: a long date as the form's language writes it (March 3, 2027; 3 de marzo de 2027)."""
    return format_date(value, format="long", locale=locale(context["program"].language))


@jinja2.pass_context
def _month(context: jinja2.runtime.Context, value: Any) -> str:
    """`{{ day | month }}`: its month and year in the form's language (March 2027; marzo de 2027)."""
    return format_skeleton("yMMMM", value, locale=locale(context["program"].language))


@jinja2.pass_context
def _number(context: jinja2.runtime.Context, value: Any) -> str:
    """`{{ hours | number }}`: a number as the form's language writes it (4.5; 4,5)."""
    return words(context["program"].language).number(value)


_ENV.filters.update(date=_long_date, month=_month, number=_number)


def template_context(program: Program) -> dict[str, Any]:
    """What placeholders see: program.yaml's top-level sections by name, plus end_date."""
    context: dict[str, Any] = {name: getattr(program, name) for name in type(program).model_fields}
    context["end_date"] = program.end_date
    return context


def _check_syntax(data: Any, loc: Loc, located: Located, problems: list[Problem]) -> None:
    """Placeholder syntax errors in every text value, found without a program to fill them in."""
    if isinstance(data, dict):
        for key, value in data.items():
            _check_syntax(value, (*loc, key), located, problems)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            _check_syntax(value, (*loc, index), located, problems)
    elif isinstance(data, str) and ("{{" in data or "{%" in data) and not (loc and loc[-1] in NOT_TEXT):
        try:
            _ENV.compile(data)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(located.problem(loc, f"placeholder syntax error: {exc.message}"))


def _render_text(data: Any, loc: Loc, context: dict[str, Any], located: Located, problems: list[Problem]) -> Any:
    """Render placeholders in every text value (not in names and program paths), collecting errors in place."""
    if isinstance(data, dict):
        return {k: _render_text(v, (*loc, k), context, located, problems) for k, v in data.items()}
    if isinstance(data, list):
        return [_render_text(v, (*loc, i), context, located, problems) for i, v in enumerate(data)]
    if not isinstance(data, str) or ("{{" not in data and "{%" not in data) or (loc and loc[-1] in NOT_TEXT):
        return data
    try:
        return _ENV.from_string(data).render(context).strip()
    except jinja2.TemplateSyntaxError as exc:
        message = f"placeholder syntax error: {exc.message}"
    except jinja2.UndefinedError as exc:
        message = f"unknown placeholder: {undefined_message(exc.message or '', data, list(context))}"
    except jinja2.TemplateNotFound as exc:
        message = f"placeholders cannot include, import or extend other files (asked for '{exc.name}')"
    except jinja2.exceptions.SecurityError as exc:
        message = f"placeholder not allowed: {exc}"
    except Exception as exc:  # any failure while filling in comes from the coordinator's text: report, never crash
        message = f"placeholder could not be filled in: {type(exc).__name__}: {exc}"
    problems.append(located.problem(loc, message))
    return data


def _english_id(context: dict[str, Any], text: str) -> str | None:
    """The id a plain option or role has in English, made from its text with any placeholders filled in (None when
    they cannot be: filling in the translation reports why)."""
    if "{{" not in text and "{%" not in text:
        return slug(text)
    try:
        return slug(_ENV.from_string(text).render(context).strip())
    except Exception:  # the coordinator's text: reported once, where the translation is filled in
        return None


def _validate_field(located: Located, loc: Loc, allowed: dict[str, type[BaseModel]]) -> tuple[Any, list[Problem]]:
    """Validate one field mapping against the model its `type` names; unknown types refused with a suggestion."""
    sub = located.sub(loc)
    data = sub.data
    if not isinstance(data, dict):
        return None, [located.problem(loc, "expected a field: keys such as type, name and label")]
    kind = data.get("type")
    if kind is None:
        return None, [located.problem(loc, f"this field needs a `type`: one of {', '.join(allowed)}")]
    if not isinstance(kind, str):
        message = f"expected one field type as text, one of {', '.join(allowed)}"
        return None, [located.problem((*loc, "type"), message)]
    if kind not in allowed:
        close = difflib.get_close_matches(str(kind), list(allowed), n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"known types: {', '.join(allowed)}"
        return None, [located.problem((*loc, "type"), f"unknown field type '{kind}'; {hint}")]
    model = allowed[kind]
    if model is Repeat:
        inner = data.get("fields")
        problems: list[Problem] = []
        fields = []
        if not isinstance(inner, list) or not inner:
            message = "a repeat needs `fields`: a list of at least one field, each on its own line starting with '- '"
            problems.append(located.problem((*loc, "fields"), message))
        else:
            for index in range(len(inner)):
                field, found = _validate_field(located, (*loc, "fields", index), SIMPLE_TYPES)
                fields.append(field)
                problems += found
        shell, found = validate(Repeat, _rebased(sub, {**data, "fields": []}))
        problems += [_prefixed(p, loc) for p in found]
        if problems or shell is None:
            return None, problems
        return shell.model_copy(update={"fields": fields}), []
    field, found = validate(model, sub)
    return field, [_prefixed(p, loc) for p in found]


def _rebased(located: Located, data: Any) -> Located:
    return dataclasses.replace(located, data=data)


def _prefixed(problem: Problem, prefix: Loc) -> Problem:
    key = ".".join(filter(None, (dotted(prefix), problem.key)))
    return dataclasses.replace(problem, key=key)


def _lookup(program: Program, path: str) -> Any:
    value: Any = program
    for part in path.split("."):
        if isinstance(value, BaseModel) and part in type(value).model_fields:
            value = getattr(value, part)
        else:
            raise LookupError(part)
    return value


def _program_list(program: Program, path: str) -> list[Item]:
    """A list of items from program.yaml; rating_scale gives its labels with their ids."""
    value = _lookup(program, path)
    if isinstance(value, list) and value and all(isinstance(v, RatingLevel) for v in value):
        return [v.as_item() for v in value]
    if isinstance(value, list) and all(isinstance(v, Item) for v in value):
        return list(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [Item.model_construct(id=None, label=v) for v in value]
    raise TypeError(path)


def _plain_texts(program: Program, path: str) -> bool:
    """Whether a program.yaml list holds plain text only, whose items cannot be given an `id:`."""
    try:
        value = _lookup(program, path)
    except LookupError:
        return False
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


class _Binder:
    """Resolves `*_from` references against the program, collecting located problems."""

    def __init__(self, program: Program, located: Located, program_yaml: tuple[Path, str] | None) -> None:
        self.program = program
        self.located = located
        self.program_yaml = program_yaml
        """program.yaml's path and display name: where a clash between items of one of its lists is blamed."""
        self.problems: list[Problem] = []

    @functools.cached_property
    def _program_located(self) -> Located | None:
        return parse_yaml(*self.program_yaml) if self.program_yaml else None

    def _fail(self, loc: Loc, path: str, what: str) -> None:
        self.problems.append(self.located.problem(loc, f"'{path}' is not {what} in program.yaml"))

    def text_list(self, loc: Loc, path: str) -> list[Item]:
        try:
            values = _program_list(self.program, path)
        except (LookupError, TypeError):
            self._fail(loc, path, "a list of text (try skills, signatories, rating_scale, evaluation.mentor_questions)")
            return [Item.model_construct(id=None, label="?")]
        if not values:
            self.problems.append(self.located.problem(loc, f"'{path}' is empty in program.yaml; add items to it"))
        return values or [Item.model_construct(id=None, label="?")]

    def count(self, loc: Loc, path: str) -> int:
        try:
            value = _lookup(self.program, path)
        except LookupError:
            value = None
        if not isinstance(value, int) or isinstance(value, bool):
            self._fail(loc, path, "a whole number (try goals.per_agreement)")
            return 1
        if not 1 <= value <= MAX_REPEAT:
            message = f"'{path}' is {value} in program.yaml; a repeat takes 1 to {MAX_REPEAT} groups"
            self.problems.append(self.located.problem(loc, message))
            return 1
        return value

    def _clashes(
        self, loc: Loc, key: str, items: list[Item], *, source: str | None, what: str, keys: list[str] | None = None
    ) -> None:
        """Items whose ids coincide would share a field name or a radio value: refuse, at the later one.

        Items listed in this file are blamed here; items of a program.yaml list (`source`) in program.yaml.
        """
        for earlier, later, name in key_clashes(keys or [item.key for item in items]):
            plain = source is not None and _plain_texts(self.program, source)
            message = _clash_message(what, items[earlier], items[later], name, ids=not plain)
            if source and self._program_located:
                place: Loc = (*source.split("."), later)
                used = f" ({source} gives a form's {what})"
                self.problems.append(self._program_located.problem(place, message + used))
            else:
                self.problems.append(self.located.problem((*loc, key, later) if not source else (*loc, key), message))

    def bind(self, field: Any, loc: Loc) -> Any:
        if isinstance(field, (Checklist, Choice)):
            if field.options_from:
                field = field.model_copy(update={"options": self.text_list((*loc, "options_from"), field.options_from)})
            key = "options_from" if field.options_from else "options"
            self._clashes(loc, key, field.options, source=field.options_from, what="options")
        elif isinstance(field, (RatingGrid, Questions)):
            if field.questions_from:
                questions = self.text_list((*loc, "questions_from"), field.questions_from)
                field = field.model_copy(update={"questions": questions})
            keys = [q.key_at(n) for n, q in enumerate(field.questions, 1)]
            key = "questions_from" if field.questions_from else "questions"
            self._clashes(loc, key, field.questions, source=field.questions_from, what="questions", keys=keys)
        elif isinstance(field, Signature):
            if field.roles_from:
                field = field.model_copy(update={"roles": self.text_list((*loc, "roles_from"), field.roles_from)})
            key = "roles_from" if field.roles_from else "roles"
            self._clashes(loc, key, field.roles, source=field.roles_from, what="roles")
        elif isinstance(field, Repeat):
            count = self.count((*loc, "count_from"), field.count_from) if field.count_from else field.count
            inner = [self.bind(f, (*loc, "fields", i)) for i, f in enumerate(field.fields)]
            field = field.model_copy(update={"count": count, "fields": inner})
        if isinstance(field, RatingGrid):
            levels = _program_list(self.program, "rating_scale")
            self._clashes(loc, "type", levels, source="rating_scale", what="rating levels")
        return field


Placed = tuple[str, Any, Loc | None]
"""A checked field with its section's id and its place in the form file (None: added from program.yaml)."""


def _name_problems(fields: list[Placed], located: Located) -> list[Problem]:
    """Every field name must be unique, and no name may also be the start of another (a.b and a.b.c)."""
    problems = []
    seen: dict[str, Loc] = {}
    for section_id, field, loc in fields:
        place = ("sections",) if loc is None else next((p for p in ((*loc, "name"), loc) if p in located.values), loc)
        for name in _names(field, section_id):
            if name in seen:
                first = located.where(seen[name])[0]
                problems.append(
                    located.problem(place, f"duplicate field name '{name}' (first on line {first}); rename one")
                )
            seen.setdefault(name, place)
    names = set(seen)
    for name, place in seen.items():
        parts = name.split(".")
        for end in range(1, len(parts)):
            if ".".join(parts[:end]) in names:
                clash = ".".join(parts[:end])
                problems.append(
                    located.problem(place, f"field name '{name}' starts with another field's name '{clash}'")
                )
    return problems


def _items(data: Any, key: str) -> list[Any]:
    """data[key] when data is a mapping holding a list there, else nothing (its validation reports why)."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


def load_form(
    form_id: str,
    path: Any,
    program: Program,
    display: str,
    program_yaml: tuple[Path, str] | None = None,
    words: FormWords | None = None,
) -> FormDef:
    """One form definition, validated and bound to the program; InputError lists every problem in the file.

    The form's own keys, each section's and each field's are checked separately, so a mistake in one
    hides none of the others. Its words are put in the program's language through `words` (default: the
    shipped catalog alone; `forms.load_form_definitions` adds the program folder's own).
    """
    form, problems = _load(form_id, path, program, display, program_yaml, words)
    if form is None:
        raise InputError(problems)
    return form


def form_file_problems(path: Path, display: str) -> list[Problem]:
    """What is wrong with a form file on its own (YAML, keys, types, placeholder syntax), with no program to bind.

    `handbook check` reports these even when program.yaml is broken, so one run shows the problems of both.
    """
    try:
        return _load(path.stem, path, None, display, None)[1]
    except InputError as exc:
        return exc.problems


def _load(
    form_id: str,
    path: Any,
    program: Program | None,
    display: str,
    program_yaml: tuple[Path, str] | None,
    words: FormWords | None = None,
) -> tuple[FormDef | None, list[Problem]]:
    """The form bound to the program (None without a program, or with problems) and every problem found.

    Its words are translated before placeholders are filled in, so a translation keeps the placeholders and the
    values put in come from the program in its language.
    """
    located = parse_yaml(path, display)
    problems = list(located.problems)
    if program is None:
        _check_syntax(located.data, (), located, problems)
    else:
        context = template_context(program)
        words = form_words(program.program.language) if words is None else words
        problems += translate(located, words, functools.partial(_english_id, context))
        located.data = _render_text(located.data, (), context, located, problems)
    raw, found = validate(_RawForm, located)
    problems += found
    binder = _Binder(program, located, program_yaml) if program is not None else None
    sections: list[Section] = []
    placed: list[Placed] = []
    for s_index, section_data in enumerate(_items(located.data, "sections")):
        s_loc: Loc = ("sections", s_index)
        shell, found = validate(_RawSection, located.sub(s_loc))
        problems += [_prefixed(p, s_loc) for p in found]
        fields = []
        for f_index in range(len(_items(section_data, "fields"))):
            loc: Loc = (*s_loc, "fields", f_index)
            field, found = _validate_field(located, loc, FIELD_TYPES)
            problems += found
            if field is None:
                continue
            before = len(binder.problems) if binder else 0
            field = binder.bind(field, loc) if binder else field
            if (binder is None or len(binder.problems) == before) and shell is not None:
                fields.append(field)
                placed.append((shell.id, field, loc))
        if shell is not None:
            # Parts are validated already; binding filled in what their `*_from` keys pointed at.
            sections.append(Section.model_construct(id=shell.id, title=shell.title, intro=shell.intro, fields=fields))
    if binder is None:
        return None, problems + _name_problems(placed, located)
    problems += binder.problems
    settings = program.forms.get(form_id)
    if settings and settings.extra_questions:
        extra = _extra_section(settings.extra_questions)
        sections.append(extra)
        placed += [(extra.id, field, None) for field in extra.fields]
    problems += _name_problems(placed, located)
    if raw is not None:
        names = {name for section_id, field, _ in placed for name in _names(field, section_id)}
        for index, name in enumerate(raw.submitter):
            if name not in names:
                close = difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else "give full field names such as contact.email"
                problems.append(located.problem(("submitter", index), f"no field '{name}' in this form; {hint}"))
    if problems or raw is None:
        return None, problems
    title = settings.title if settings and settings.title else raw.title
    scale = tuple((level.key, level.label) for level in program.rating_scale)
    form = FormDef.model_construct(
        id=form_id,
        title=title,
        description=raw.description,
        who=raw.who,
        minutes=raw.minutes,
        intro=raw.intro,
        sections=sections,
        submitter=list(raw.submitter),
        scale=scale,
    )
    return form, []


def _extra_section(questions: list[Item]) -> Section:
    from .pdf.wording import WORDS

    fields = [
        Multiline.model_construct(type="multiline", name=q.key_at(n, "q"), label=q.label, lines=4)
        for n, q in enumerate(questions, 1)
    ]
    return Section.model_construct(id=EXTRA_SECTION, title=WORDS["extra_questions"], fields=fields)


def ordered_ids(ids: Iterator[str] | list[str]) -> list[str]:
    """Catalogue order first, then any forms a program adds, by id."""
    known = {form_id: index for index, form_id in enumerate(CATALOGUE)}
    return sorted(ids, key=lambda form_id: (known.get(form_id, len(known)), form_id))
