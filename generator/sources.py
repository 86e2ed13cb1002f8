"""Where a program's files come from: its own folder first, then the defaults shipped with the tool."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def defaults_root() -> Path:
    """The shipped content/ and forms/: inside the wheel, or at the repository root when run from a checkout."""
    bundled = _PACKAGE / "_defaults"
    return bundled if bundled.is_dir() else _PACKAGE.parent


@dataclass(frozen=True)
class Sources:
    """A program folder; its own content/ and forms/ files override the defaults file by file.

    Pages are those of one language: English pages in content/, another language's in content/<language>/.
    """

    program_file: Path
    language: str | None = None
    """The language whose pages `pages()` gives, as its folder in content/ is named: None for English."""
    languages: tuple[str, ...] = ()
    """Every language the program declares, default first: their content/<language>/ folders are not pages."""

    def speaking(self, language: str, languages: tuple[str, ...]) -> Sources:
        """These sources as one language's site reads them: English from content/, others from content/<language>/
        (or the folder of the language without its region: content/es/ for es-MX)."""
        from .i18n import base_language, is_source

        folder = None
        if not is_source(language):
            own = any((base / "content" / language).is_dir() for base in (self.root, defaults_root()))
            folder = language if own else base_language(language)
        return dataclasses.replace(self, language=folder, languages=languages)

    @property
    def root(self) -> Path:
        return self.program_file.parent

    def _merged(self, folder: str, pattern: str) -> dict[str, Path]:
        """Shipped files, then the program's own over them; never a file the program's folder only links to."""
        files: dict[str, Path] = {}
        for base in (defaults_root() / folder, self.root / folder):
            if base.is_dir():
                own = base.parent == self.root
                for path in sorted(base.rglob(pattern)):
                    name = path.relative_to(base).as_posix()
                    # Hidden files (.gitkeep, macOS ._ copies on shared drives) are skipped, as MkDocs skips them.
                    if path.is_file() and not _hidden(name) and not (own and not self.inside(path)):
                        files[name] = path
        return files

    def inside(self, path: Path) -> bool:
        """Whether `path`, links followed, is in the program's folder: only such files may be read and published."""
        return path.resolve().is_relative_to(self.root.resolve())

    def links_outside(self) -> list[Path]:
        """The program's content/ and forms/ entries (or the folders themselves) that are links leaving its folder.

        They are left out of `pages()` and `form_files()`; `load_program` reports them, so nothing uses them.
        """
        found = []
        for folder in (self.root / "content", self.root / "forms"):
            if not folder.is_dir():
                continue
            if not self.inside(folder):
                found.append(folder)
                continue
            for path in sorted(folder.rglob("*")):
                if not _hidden(path.relative_to(folder).as_posix()) and not self.inside(path):
                    found.append(path)
        return found

    def pages(self) -> dict[str, Path]:
        """This language's handbook pages and assets (files only, hidden ones skipped) by their path in its folder.

        The default language's pages leave out the folders of other languages, declared or shipped.
        """
        if self.language:
            return self._merged(f"content/{self.language}", "*")
        reserved = {*self.languages, *(tag.split("-")[0].lower() for tag in self.languages), *page_languages()}
        return {name: path for name, path in self._merged("content", "*").items() if name.split("/")[0] not in reserved}

    def content_files(self) -> dict[str, Path]:
        """Every file of content/, every language's: what a render may read."""
        return self._merged("content", "*")

    def form_folder_files(self) -> dict[str, Path]:
        """Every file of forms/: the definitions and the catalogs that translate them."""
        return self._merged("forms", "*")

    def own(self, path: Path) -> bool:
        """Whether a page or form comes from the program's folder rather than the shipped defaults."""
        return path.is_relative_to(self.root)

    def form_files(self) -> dict[str, Path]:
        """Form definitions by form id."""
        return {Path(name).stem: path for name, path in self._merged("forms", "*.yaml").items() if "/" not in name}

    def output_problem(self, target: Path) -> str | None:
        """Why `target` must not receive a build's output, or None: never the program's folder or its sources.

        Output in content/ or forms/ would be read back as pages or forms by the next build.
        """
        folder, root = target.resolve(), self.root.resolve()
        if folder == root or folder in root.parents:
            return f"{target} holds {self.display(self.program_file)}; choose another output folder"
        for name in ("content", "forms"):
            if folder == root / name or folder.is_relative_to(root / name):
                return (
                    f"{target} is inside the program's {name}/ folder, which the next build would read back; "
                    "choose a folder outside content/ and forms/, such as site"
                )
        return None

    def display(self, path: Path) -> str:
        """A path as a coordinator should see it in messages: relative to the working folder when possible.

        The last part is kept as named, so a link is shown as the link, not as what it leads to.
        """
        try:
            return (path.parent.resolve() / path.name).relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            return str(path)


def page_languages() -> set[str]:
    """Languages the shipped pages are translated into: the content/<language>/ folders of the defaults."""
    shipped = defaults_root() / "content"
    return {p.name for p in shipped.iterdir() if p.is_dir() and _language_tag(p.name)} if shipped.is_dir() else set()


def _language_tag(name: str) -> bool:
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(name, sep="-")
    except (ValueError, UnknownLocaleError):
        return False
    return True


def _hidden(name: str) -> bool:
    return any(part.startswith(".") for part in name.split("/"))
