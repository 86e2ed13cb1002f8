"""`handbook check`: everything a build would read, validated, with nothing written."""

from __future__ import annotations

from pathlib import Path

from .site import render_site
from .sources import Sources


def check_all(program_file: Path) -> str:
    """Render the whole handbook in memory, exactly as a build would, so check passes only where a build would.

    The cache is bypassed (neither read nor written): a check must look at every form and page afresh.
    """
    site = render_site(Sources(program_file), use_cache=False)
    forms = sum(1 for name in site.files if name.startswith("forms/") and name.endswith(".pdf"))
    pages = sum(1 for name in site.files if name.endswith(".md"))
    return f"{forms} forms, {pages} pages"
