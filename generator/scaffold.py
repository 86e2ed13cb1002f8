"""`handbook new`: a program folder that builds as it is, starting from the shipped example."""

from __future__ import annotations

import json
from pathlib import Path

from .schema import program_schema
from .sources import defaults_root

SCHEMA_NAME = "program.schema.json"
GITIGNORE = "# Build output and the render cache: `handbook build` makes them again.\nsite/\n.handbook-cache/\n"


class ScaffoldError(Exception):
    pass


def _program_text() -> str:
    """The example program, with its editor hint pointed at the schema copy written beside it."""
    lines = (defaults_root() / "program.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    if lines and lines[0].startswith("# yaml-language-server:"):
        lines[0] = f"# yaml-language-server: $schema={SCHEMA_NAME}\n"
    return "".join(lines)


def scaffold(directory: Path) -> list[Path]:
    """Write program.yaml, its schema and an mkdocs.yml; refuse to overwrite an existing program.

    The mkdocs.yml is the shipped one, so `mkdocs build` and `mkdocs serve` work in the folder too;
    content/ and forms/ start empty, ready for the coordinator's overrides of single files.
    """
    target = directory / "program.yaml"
    files = {
        target: _program_text(),
        directory / SCHEMA_NAME: json.dumps(program_schema(), indent=2) + "\n",
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
