"""Load and check program.yaml: every problem reported in one run, each with its place."""

from __future__ import annotations

import difflib
import re
import warnings
from pathlib import Path, PurePosixPath, PureWindowsPath

from .ids import key_clashes
from .model import ID_PATTERN, Item, Program
from .problems import InputError, Problem
from .sources import Sources
from .validation import validate
from .yamlsource import Located, parse_yaml


def _reference_problems(program: Program, located: Located, sources: Sources) -> list[Problem]:
    """Checks that need more than the file itself: the form catalogue and files on disk."""
    known = sorted(sources.form_files())
    problems = []

    def unknown_form(loc: tuple[str | int, ...], form_id: str, *, key: bool) -> None:
        close = difflib.get_close_matches(form_id, known, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"known forms: {', '.join(known)}"
        problems.append(located.problem(loc, f"no form '{form_id}' in the catalogue; {hint}", key=key))

    for form_id in program.forms:
        if form_id not in known:
            unknown_form(("forms", form_id), form_id, key=True)
    for index, milestone in enumerate(program.schedule.milestones):
        for position, form_id in enumerate(milestone.forms):
            if form_id not in known:
                unknown_form(("schedule", "milestones", index, "forms", position), form_id, key=False)
    problems += _id_problems(program, located)
    if program.program.logo:
        message = _logo_place_problem(sources, program.program.logo) or _logo_problem(
            sources.root / program.program.logo, program.program.logo
        )
        if message:
            problems.append(located.problem(("program", "logo"), message))
    return problems


def _id_problems(program: Program, located: Located) -> list[Problem]:
    """Two items of one list with the same id would share a form field or button: refuse, at the later one."""
    lists: dict[tuple[str, ...], list[Item]] = {
        ("skills",): program.skills,
        ("signatories",): program.signatories,
        ("rating_scale",): [Item.model_construct(id=level.id, label=level.label) for level in program.rating_scale],
        **{
            ("evaluation", name): value
            for name in type(program.evaluation).model_fields
            if isinstance(value := getattr(program.evaluation, name), list)
        },
        **{("forms", form_id, "extra_questions"): s.extra_questions for form_id, s in program.forms.items()},
    }
    problems = []
    for path, items in lists.items():
        keys = [
            item.key_at(n, "q" if path[0] == "forms" else "") if path[0] in ("evaluation", "forms") else item.key
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


def load_program(sources: Sources) -> Program:
    """The validated program, or InputError listing every problem with file:line:col."""
    path = sources.program_file
    if not path.is_file():
        raise InputError(
            [Problem(sources.display(path), 1, 1, "", "file not found; run `handbook new DIR` to start a program")]
        )
    located = parse_yaml(path, sources.display(path))
    program, problems = validate(Program, located)
    problems = located.problems + problems + _source_problems(sources)
    if program is not None:
        problems += _reference_problems(program, located, sources)
    if problems:
        raise InputError(problems)
    return program
