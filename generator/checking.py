"""`handbook check`: everything a build would read, validated, with nothing written."""

from __future__ import annotations

import logging
from pathlib import Path

from .forms import load_form_definitions
from .problems import LOG, InputError, Problem
from .program import load_program
from .site import render_site
from .siteconfig import config_file
from .sources import Sources


def _config_problems(sources: Sources) -> list[Problem]:
    """The mkdocs.yml's problems, listed with the rest so one check shows every problem of the program folder."""
    try:
        config_file(sources)
    except InputError as exc:
        return exc.problems
    return []


def check_all(program_file: Path) -> str:
    """Render the whole handbook in memory, exactly as a build would, so check passes only where a build would.

    The cache is bypassed (neither read nor written): a check must look at every form and page afresh.
    """
    from .matching.run import weight_problems  # numpy and scipy only when checking, not for every import

    sources = Sources(program_file)
    config = _config_problems(sources)  # the program folder's own mkdocs.yml, refused as a build refuses it
    try:
        site = render_site(sources, use_cache=False)
    except InputError as exc:
        raise InputError(exc.problems + config) from None
    level = LOG.level
    LOG.setLevel(logging.ERROR)  # rendering the site warned already: the same warnings once more would only confuse
    try:
        program = load_program(sources)
    finally:
        LOG.setLevel(level)
    problems = config + weight_problems(sources, program, load_form_definitions(program, sources))
    if problems:
        raise InputError(problems)
    forms = sum(1 for name in site.files if name.startswith("forms/") and name.endswith(".pdf"))
    pages = sum(1 for name in site.files if name.endswith(".md"))
    return f"{forms} forms, {pages} pages"
