"""The whole handbook as a plain tree {site path: text or bytes}: pages, generated pages, PDFs, calendar, assets.

This is the core's one product for the site. The MkDocs plugin feeds it into a build and `handbook export` writes
it to disk; neither needs to know how it was made, and this module needs no MkDocs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .calendar import program_calendar
from .forms import form_infos, render_forms
from .generated import generated_pages
from .model import Program
from .pages import form_links, milestone_views, render_pages
from .problems import InputError, Problem
from .program import load_program
from .sources import Sources, defaults_root

CALENDAR = "program.ics"


@dataclass(frozen=True)
class RenderedSite:
    program: Program
    sources: Sources
    files: dict[str, str | bytes]
    """Every file of the site's source tree by its path: Markdown pages as text, everything else as bytes."""
    logo: str | None
    """Path of the program's logo inside files, if it has one."""


def _assets(sources: Sources) -> dict[str, bytes]:
    """Non-page files of content/ (images and the like), hidden files skipped as MkDocs skips them."""
    return {
        name: path.read_bytes()
        for name, path in sources.pages().items()
        if path.is_file() and not name.endswith(".md") and not any(p.startswith(".") for p in name.split("/"))
    }


def render_site(sources: Sources) -> RenderedSite:
    """Render everything, or raise InputError with every problem found in the program, forms and pages."""
    program = load_program(sources)
    forms = form_links(form_infos(program, sources))  # broken forms stop here: pages would only echo them
    pdfs = render_forms(program, sources)
    problems: list[Problem] = []
    pages: dict[str, str] = {}
    try:
        pages = render_pages(program, sources, forms)
    except InputError as exc:
        problems += exc.problems
    generated = generated_pages(program, forms, pdfs)
    for name in generated.keys() & pages.keys():
        where = sources.display(sources.pages()[name])
        problems.append(Problem(where, 1, 1, "", f"{name} is generated from program.yaml; rename or remove this file"))
    if problems:
        raise InputError(problems)
    files: dict[str, str | bytes] = {**_assets(sources), **pages, **generated}
    files.update({f"forms/{form_id}.pdf": data for form_id, data in pdfs.items()})
    files[CALENDAR] = program_calendar(program, milestone_views(program, forms))
    logo = None
    if program.program.logo:
        logo = f"assets/logo{PurePosixPath(program.program.logo).suffix.lower()}"
        files[logo] = (sources.root / program.program.logo).read_bytes()
    return RenderedSite(program, sources, files, logo)


def watched_paths(sources: Sources) -> list[Path]:
    """What a live preview must watch: program.yaml, and content/ and forms/ both shipped and the program's own."""
    folders = [base / name for base in (defaults_root(), sources.root) for name in ("content", "forms")]
    return [sources.program_file, *dict.fromkeys(f.resolve() for f in folders if f.is_dir())]
