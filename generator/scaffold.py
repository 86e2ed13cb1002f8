"""`handbook new`: a program folder that builds as it is, starting from the shipped example."""

from __future__ import annotations

import json
from pathlib import Path

from .schema import program_schema
from .sources import defaults_root

SCHEMA = Path("schema") / "program.schema.json"
"""Where the schema goes, as in this repository: the shipped program.yaml's first line points editors there."""
GITIGNORE = "# Build output and the render cache: `handbook build` makes them again.\nsite/\n.handbook-cache/\n"


class ScaffoldError(Exception):
    pass


def scaffold(directory: Path) -> list[Path]:
    """Write program.yaml, its schema and an mkdocs.yml; refuse to overwrite an existing program.

    Every path the files mention exists in the new folder, so the editor's schema hint never dangles. The
    mkdocs.yml is the shipped one, so `mkdocs build` and `mkdocs serve` work in the folder too; content/ and
    forms/ start empty, ready for the coordinator's overrides of single files.
    """
    target = directory / "program.yaml"
    files = {
        target: (defaults_root() / "program.yaml").read_text(encoding="utf-8"),
        directory / SCHEMA: json.dumps(program_schema(), indent=2) + "\n",
        directory / "mkdocs.yml": (defaults_root() / "mkdocs.yml").read_text(encoding="utf-8"),
        directory / ".gitignore": GITIGNORE,
        directory / "content" / ".gitkeep": "",
        directory / "forms" / ".gitkeep": "",
    }
    existing = [str(path) for path in files if path.exists()]
    if existing:
        raise ScaffoldError(f"{', '.join(existing)} already exist(s); choose a new folder so nothing is overwritten")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)
