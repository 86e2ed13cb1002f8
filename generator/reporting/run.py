"""`handbook report`: the program evaluation from the records store, as one confidential HTML page.

The report is kept apart from what gets published: it is never written into the site or the handbook's
content, where a build or a copy to the web server would carry it along.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..collect.run import DATABASE
from ..forms import load_form_definitions
from ..i18n import speaking
from ..mkdocs_plugin import SITE_MARKER
from ..program import load_program
from ..sources import Sources, defaults_root
from .figures import ReportError, compute, open_records
from .page import render

MATCHES = Path("matches") / "matches.csv"
"""Where the pairs are listed, beside the records folder, unless --matches says otherwise."""


def _refuse_public(out: Path, sources: Sources) -> None:
    """Refuse an output folder that is, or is inside, a site or a handbook's content folder."""
    target = out.resolve()
    for folder in (target, *target.parents):
        if (folder / SITE_MARKER).exists():
            raise ReportError(f"{out} is inside the built site {folder}, which gets published; choose another folder")
    for kind, folder in (
        ("site", sources.root / "site"),
        ("content", sources.root / "content"),
        ("content", defaults_root() / "content"),
    ):
        place = folder.resolve()
        if target == place or place in target.parents:
            raise ReportError(f"{out} is inside the {kind} folder {folder}, which is published; choose another folder")


def make_report(program_file: Path, records: Path, out: Path, matches: Path | None = None) -> Path:
    """Write out/index.html; `matches` None means matches/matches.csv beside records, skipped when absent."""
    sources = Sources(program_file)
    program = load_program(sources)
    forms = load_form_definitions(program, sources)
    _refuse_public(out, sources)
    if matches is None:
        default = records.parent / MATCHES
        matches = default if default.is_file() else None
    elif not matches.is_file():
        raise ReportError(f"{matches} not found; give the pairs' CSV file, or leave --matches out")
    db = open_records(records / DATABASE)
    try:
        with speaking(program.program.language):
            html = render(compute(program, forms, db, matches))
    finally:
        db.close()
    out.mkdir(parents=True, exist_ok=True)
    target, temporary = out / "index.html", out / ".index.html.tmp"
    temporary.write_text(html, encoding="utf-8", newline="\n")
    os.replace(temporary, target)
    return target
