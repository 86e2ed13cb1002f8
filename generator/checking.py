"""`handbook check`: everything a build would read, validated, with nothing written."""

from __future__ import annotations

from pathlib import Path

from .forms import load_form_definitions
from .problems import InputError
from .program import load_program
from .site import render_site
from .sources import Sources


def check_all(program_file: Path) -> str:
    """Render the whole handbook in memory, exactly as a build would, so check passes only where a build would.

    The cache is bypassed (neither read nor written): a check must look at every form and page afresh.
    """
    from .matching.run import weight_problems  # numpy and scipy only when checking, not for every import

    sources = Sources(program_file)
    site = render_site(sources, use_cache=False)
    program = load_program(sources)
    problems = weight_problems(sources, program, load_form_definitions(program, sources))
    if problems:
        raise InputError(problems)
    forms = sum(1 for name in site.files if name.startswith("forms/") and name.endswith(".pdf"))
    pages = sum(1 for name in site.files if name.endswith(".md"))
    return f"{forms} forms, {pages} pages"
