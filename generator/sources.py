"""Where a program's files come from: its own folder first, then the defaults shipped with the tool."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def defaults_root() -> Path:
    """The shipped content/ and forms/: inside the wheel, or at the repository root when run from a checkout."""
    bundled = _PACKAGE / "_defaults"
    return bundled if bundled.is_dir() else _PACKAGE.parent


@dataclass(frozen=True)
class Sources:
    """A program folder; its own content/ and forms/ files override the defaults file by file."""

    program_file: Path

    @property
    def root(self) -> Path:
        return self.program_file.parent

    def _merged(self, folder: str, pattern: str) -> dict[str, Path]:
        files: dict[str, Path] = {}
        for base in (defaults_root() / folder, self.root / folder):
            if base.is_dir():
                for path in sorted(base.rglob(pattern)):
                    name = path.relative_to(base).as_posix()
                    # Hidden files (.gitkeep, macOS ._ copies on shared drives) are skipped, as MkDocs skips them.
                    if path.is_file() and not any(part.startswith(".") for part in name.split("/")):
                        files[name] = path
        return files

    def pages(self) -> dict[str, Path]:
        """Handbook pages and assets (files only, hidden ones skipped) by their path relative to content/."""
        return self._merged("content", "*")

    def form_files(self) -> dict[str, Path]:
        """Form definitions by form id."""
        return {Path(name).stem: path for name, path in self._merged("forms", "*.yaml").items() if "/" not in name}

    def display(self, path: Path) -> str:
        """A path as a coordinator should see it in messages: relative to the working folder when possible."""
        try:
            return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            return str(path)
