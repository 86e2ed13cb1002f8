"""Load and check program.yaml: every problem reported in one run, each with its place."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import warnings
from collections.abc import Callable
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from .ids import key_clashes
from .languages import context
from .model import ID_PATTERN, Evaluation, Item, Program, RatingLevel, end_date
from .problems import InputError, Problem, warn
from .sources import Sources
from .validation import part, validate
from .yamlsource import Located, parse_yaml


def _cross_problems(located: Located, sources: Sources, reading: dict[str, Any]) -> list[Problem]:
    """Checks between keys and against the files on disk, run on every part that validated on its own.

    So a type error elsewhere (a misspelt number, a bad colour) hides none of these problems. Texts read in the
    default language: these checks concern ids, dates and files, which are the same in every language.
    """
    data = located.data

    def get(*loc: str | int) -> Any:
        return part(Program, data, loc, reading)

    known = sorted(sources.form_files())
    problems = []

    def unknown_form(loc: tuple[str | int, ...], form_id: str, *, key: bool) -> None:
        close = difflib.get_close_matches(form_id, known, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"known forms: {', '.join(known)}"
        problems.append(located.problem(loc, f"no form '{form_id}' in the catalog; {hint}", key=key))

    raw_forms = data.get("forms")
    for form_id in raw_forms if isinstance(raw_forms, dict) else ():
        if _FORM_ID.match(form_id) and form_id not in known:
            unknown_form(("forms", form_id), form_id, key=True)
    found, notes = _milestone_problems(located, get, known)
    places = _place_problems(located, get)
    problems += found + places
    if not places:
        notes += _day_off_notes(located, get)
    warn(notes)
    problems += _id_problems(located, get)
    start, deadline = get("schedule", "start"), get("eligibility", "application_deadline")
    if start and deadline and deadline > start:
        message = (
            f"the application deadline {deadline.isoformat()} falls after the program starts on {start.isoformat()};"
            " make it a day on or before schedule.start"
        )
        problems.append(located.problem(("eligibility", "application_deadline"), message))
    logo = get("program", "logo")
    if logo:
        message = _logo_place_problem(sources, logo) or _logo_problem(sources.root / logo, logo)
        if message:
            problems.append(located.problem(("program", "logo"), message))
    return problems


def _milestone_problems(
    located: Located, get: Callable[..., Any], known: list[str]
) -> tuple[list[Problem], list[Problem]]:
    """Each milestone: its own id, a day within the program, forms that exist and are named once (problems);
    forms that are disabled, which the milestone will not offer (warnings: disabling drops a form everywhere)."""
    raw = get_raw(located.data, "schedule", "milestones")
    start, months = get("schedule", "start"), get("schedule", "duration_months")
    last = end_date(start, months) if start and months else None
    problems, notes = [], []
    ids: dict[str, int] = {}
    for index in range(len(raw) if isinstance(raw, list) else 0):
        loc = ("schedule", "milestones", index)
        milestone_id = get(*loc, "id")
        if milestone_id in ids:
            first = ids[milestone_id]
            message = (
                f"milestone id '{milestone_id}' is also the id of milestone {first + 1} "
                f"(line {located.where((*loc[:2], first, 'id'))[0]}); give each milestone its own id"
            )
            problems.append(located.problem((*loc, "id"), message))
        elif milestone_id:
            ids[milestone_id] = index
        offset = get(*loc, "offset_days")
        if last is not None and offset is not None and start + dt.timedelta(days=offset) > last:
            message = (
                f"this milestone falls on {(start + dt.timedelta(days=offset)).isoformat()}, after the program ends"
                f" on {last.isoformat()} (schedule.start plus duration_months); make offset_days at most "
                f"{(last - start).days} or lengthen schedule.duration_months"
            )
            problems.append(located.problem((*loc, "offset_days"), message))
        seen: set[str] = set()
        for position, form_id in enumerate(get(*loc, "forms") or []):
            where = (*loc, "forms", position)
            if form_id in seen:
                problems.append(located.problem(where, f"form '{form_id}' is listed twice here; delete one"))
            elif form_id not in known:
                close = difflib.get_close_matches(form_id, known, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else f"known forms: {', '.join(known)}"
                problems.append(located.problem(where, f"no form '{form_id}' in the catalog; {hint}"))
            elif get("forms", form_id, "enabled") is False:
                message = (
                    f"form '{form_id}' is disabled (forms.{form_id}.enabled is false), so this milestone will not "
                    "offer it; remove it here or enable the form"
                )
                notes.append(located.problem(where, message))
            seen.add(form_id)
    return problems, notes


def _place_problems(located: Located, get: Callable[..., Any]) -> list[Problem]:
    """program.country and program.region must name a calendar of public holidays the `holidays` package has."""
    from .workdays import supported_countries

    country, region = get("program", "country"), get("program", "region")
    if not country:
        if region:
            message = "a region needs its country: add program.country (such as US or CA), or remove the region"
            return [located.problem(("program", "region"), message)]
        return []
    regions = supported_countries().get(country)
    if regions is None:
        message = (
            f"no public holidays are known for the country code '{country}'; write the ISO 3166-1 alpha-2 code "
            "(US, CA, GB, AU, DE, ...) or remove the key"
        )
        return [located.problem(("program", "country"), message)]
    if region and region not in regions:
        known = ", ".join(regions) if regions else "none"
        message = f"'{region}' is not a region of {country} with its own holidays; known regions: {known}"
        return [located.problem(("program", "region"), message)]
    return []


def _day_off_notes(located: Located, get: Callable[..., Any]) -> list[Problem]:
    """Milestones that fall on a weekend or a public holiday (warnings), unless the program moves them."""
    from .workdays import WorkingDays, day_text

    start, milestones = get("schedule", "start"), get_raw(located.data, "schedule", "milestones")
    if not start or get("schedule", "move_to_working_day") or not isinstance(milestones, list):
        return []
    days = WorkingDays(get("program", "country"), get("program", "region"))
    notes = []
    for index in range(len(milestones)):
        offset = get("schedule", "milestones", index, "offset_days")
        if offset is None:
            continue
        day = start + dt.timedelta(days=offset)
        why = days.why_free(day)
        if why:
            message = (
                f"this milestone falls on {day_text(day)}, {why}; change offset_days, or set "
                f"schedule.move_to_working_day: true to move it to {day_text(days.next_working_day(day))}"
            )
            notes.append(located.problem(("schedule", "milestones", index, "offset_days"), message))
    return notes


def get_raw(data: Any, *loc: str | int) -> Any:
    """The unvalidated value at loc, or None: to count a list's items before validating each."""
    for step in loc:
        data = data.get(step) if isinstance(data, dict) else None
    return data


def _id_problems(located: Located, get: Callable[..., Any]) -> list[Problem]:
    """Two items of one list with the same id would share a form field or button: refuse, at the later one."""
    raw_forms = get_raw(located.data, "forms")
    lists: dict[tuple[str, ...], list[Item] | list[RatingLevel] | None] = {
        ("skills",): get("skills"),
        ("signatories",): get("signatories"),
        ("rating_scale",): get("rating_scale"),
        **{("evaluation", name): get("evaluation", name) for name in Evaluation.model_fields},
        **{
            ("forms", form_id, "extra_questions"): get("forms", form_id, "extra_questions")
            for form_id in (raw_forms if isinstance(raw_forms, dict) else ())
        },
    }
    problems = []
    for path, items in lists.items():
        if not isinstance(items, list) or not items:  # evaluation also holds numbers and switches
            continue
        keys = [
            item.key_at(n, "q" if path[0] == "forms" else "")
            if isinstance(item, Item) and path[0] in ("evaluation", "forms")
            else item.key
            for n, item in enumerate(items, 1)
        ]
        for earlier, later, key in key_clashes(keys):
            first, second = items[earlier], items[later]
            fix = "give each its own id" if first.id and second.id else "make them differ, or give one an `id:`"
            message = (
                f"items {earlier + 1} ('{first.label}') and {later + 1} ('{second.label}') both have the id '{key}',"
                f" so their answers would share one form field; {fix}"
            )
            problems.append(located.problem((*path, later), message))
    return problems


def _logo_place_problem(sources: Sources, name: str) -> str | None:
    """Why the logo is not a file of the program's folder, or None: the logo is published with the site."""
    advice = "copy the image into the program folder and give its name relative to program.yaml, e.g. logo: logo.png"
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or PureWindowsPath(name).anchor:
        return f"'{name}' is an absolute path; files outside the program folder are never published: {advice}"
    if ".." in path.parts:
        return f"'{name}' leads out of the program folder with '..'; files outside it are never published: {advice}"
    if not sources.inside(sources.root / name):
        target = (sources.root / name).resolve()
        return f"'{name}' is a link to {target}, outside the program folder, which is never published: {advice}"
    return None


def _source_problems(sources: Sources) -> list[Problem]:
    """Files of the program folder the tool will not use: links leading out of it, form files not named by an id."""
    problems = [
        Problem(
            sources.display(path),
            1,
            1,
            "",
            f"a link to {path.resolve()}, outside the program folder; files outside it are never read or published: "
            "copy the file (or folder) into the program folder instead of linking to it",
        )
        for path in sources.links_outside()
    ]
    for form_id, path in sources.form_files().items():
        if path.parent == sources.root / "forms" and not _FORM_ID.match(form_id):
            problems.append(
                Problem(
                    sources.display(path),
                    1,
                    1,
                    "",
                    f"'{path.name}' is not named by a form id; a form's file name is its id, in lower-case letters, "
                    "digits and hyphens (such as my-form.yaml): rename the file",
                )
            )
    return problems


_FORM_ID = re.compile(ID_PATTERN)
_LOGO_PIXELS = 4_000_000
"""A logo is drawn 20 points high; beyond this it only slows every build (and may be a decompression bomb)."""


def _logo_problem(path: Path, name: str) -> str | None:
    """Why the logo cannot be used on the site and in the forms' headers, or None when it can."""
    if not path.is_file():
        return f"no file '{name}' next to program.yaml; fix the path or remove the key"
    from PIL import Image, UnidentifiedImageError  # Pillow comes with ReportLab, which draws the logo

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the size is judged just below
            with Image.open(path) as image:
                kind, (width, height) = image.format, image.size
                if width * height <= _LOGO_PIXELS:
                    image.verify()
    except Image.DecompressionBombError:
        return f"'{name}' is far too large an image for a logo; export it at most 1000 pixels wide as PNG"
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError):
        return f"'{name}' is not a readable PNG or JPEG image; export the logo as PNG and point to that file"
    if kind not in ("PNG", "JPEG"):
        return f"'{name}' is a {kind} image; the forms can only show PNG or JPEG: export the logo as PNG"
    if width * height > _LOGO_PIXELS:
        return f"'{name}' is {width} by {height} pixels, too large for a logo; export it at most 1000 pixels wide"
    return None


def _declared_languages(data: Any) -> tuple[str, ...] | None:
    """The languages program.yaml declares, default first, read before validation so each text can be checked
    against them; None when they cannot be read (the key's own problem says why)."""
    info = get_raw(data, "program")
    if not isinstance(info, dict):
        return None
    key = "languages" if "languages" in info else "language"
    found = part(Program, data, ("program", key))
    if not found:
        return None
    return tuple(found) if key == "languages" else (found,)


def load_program(sources: Sources, language: str | None = None) -> Program:
    """The validated program with every text in `language` (a tag of program.languages, any case; None: the first).

    Or InputError listing every problem with file:line:col, whichever language is asked for: each text given per
    language is checked in all of them.
    """
    return next(iter(_load(sources, [language]).values()))


def load_programs(sources: Sources) -> dict[str, Program]:
    """The program in each of its languages, default first: read and cross-checked once, validated per language."""
    return _load(sources, None)


def program_languages(sources: Sources) -> list[str]:
    """The program's languages, default first (validating the program, which must be sound)."""
    return load_program(sources).languages


def _load(sources: Sources, wanted: list[str | None] | None) -> dict[str, Program]:
    """The program in each wanted language (None: all of them), by tag; InputError with every problem found."""
    path = sources.program_file
    if not path.is_file():
        raise InputError(
            [Problem(sources.display(path), 1, 1, "", "file not found; run `handbook new DIR` to start a program")]
        )
    located = parse_yaml(path, sources.display(path))
    declared = _declared_languages(located.data)
    problems = located.problems + _source_problems(sources)
    if wanted is None:
        wanted = list(declared or [None])
    elif declared is not None:
        problems += [_undeclared(located, tag, declared) for tag in wanted if tag and _matching(tag, declared) is None]
    programs = {}
    for language in wanted:
        program, found = validate(Program, located, context(declared, language))
        problems += found
        if program is not None:
            programs[program.program.language] = program
    problems += _cross_problems(located, sources, context(declared))
    if problems:
        raise InputError(list(dict.fromkeys(problems)))
    return programs


def _matching(tag: str, declared: tuple[str, ...]) -> str | None:
    return next((each for each in declared if each.lower() == tag.lower()), None)


def _undeclared(located: Located, tag: str, declared: tuple[str, ...]) -> Problem:
    info = get_raw(located.data, "program")
    key = next((k for k in ("languages", "language") if isinstance(info, dict) and k in info), None)
    message = f"the program has no language '{tag}'; its languages are {', '.join(declared)}"
    return located.problem(("program", key) if key else ("program",), message, key=True)
