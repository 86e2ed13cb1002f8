"""`handbook check`: everything a build would read, validated, with nothing written."""

from __future__ import annotations

from pathlib import Path

from .forms import load_form_definitions
from .pages import render_pages
from .problems import InputError
from .program import load_program
from .sources import Sources


def check_all(program_file: Path) -> str:
    """Validate program, form definitions and page templates; return a one-line summary."""
    sources = Sources(program_file)
    program = load_program(sources)
    problems = []
    forms: dict[str, object] = {}
    pages: dict[str, object] = {}
    try:
        forms = load_form_definitions(program, sources)
    except InputError as exc:
        problems += exc.problems
    try:
        pages = render_pages(program, sources)
    except InputError as exc:
        problems += exc.problems
    if problems:
        raise InputError(problems)
    return f"{len(forms)} forms, {len(pages)} pages"
