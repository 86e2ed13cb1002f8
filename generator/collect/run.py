"""`handbook collect`: every returned PDF under a folder read into the records store, then exported.

Inputs are only ever read: nothing under the inbox is modified, moved or deleted. Each file is
stored or reported, never fatal; a file already stored (same SHA-256) is not read again.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import stat
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..forms import load_form_definitions, render_form
from ..i18n import speaking
from ..identity import Identity
from ..model import Program
from ..program import load_program
from ..sources import Sources
from .answers import Positions, map_answers, radio_positions
from .exports import write_exports
from .pool import Limits, read_all
from .reading import Returned
from .store import Store, Submission

DATABASE = "records.sqlite"


@dataclass
class Summary:
    found: int = 0
    """PDF files under the inbox."""
    stored: int = 0
    """Newly stored this run."""
    already: int = 0
    """Stored by an earlier run, or the same file found twice."""
    problems: list[tuple[str, str]] = field(default_factory=list)
    """(path, problem) of every file not stored."""
    ignored: int = 0
    """Files not named *.pdf."""
    written: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class _Candidate:
    path: Path
    shown: str
    """The path as reported: relative to the inbox."""
    size: int
    sha256: str
    received_at: str


def _walk(inbox: Path, summary: Summary, max_bytes: int) -> Iterator[_Candidate | tuple[str, str]]:
    """Every *.pdf under the inbox in a stable order; symbolic links to folders are not followed."""
    for folder, dirs, files in os.walk(inbox):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files + [d for d in dirs if d.lower().endswith(".pdf")]):
            path = Path(folder) / name
            shown = str(path.relative_to(inbox))
            if name.startswith("."):
                continue
            if not name.lower().endswith(".pdf"):
                summary.ignored += 1
                continue
            summary.found += 1
            try:
                info = path.stat()
            except OSError as exc:
                yield shown, f"cannot be opened ({exc.strerror}); check the file and its permissions"
                continue
            if not stat.S_ISREG(info.st_mode):
                yield shown, "not a regular file (a folder, device or link to one); nothing was read"
                continue
            if info.st_size > max_bytes:
                size = info.st_size / 1_000_000
                yield shown, f"{size:,.0f} MB is far larger than any filled form (limit {max_bytes // 1_000_000} MB)"
                continue
            try:
                digest = hashlib.sha256()
                with path.open("rb") as handle:
                    for block in iter(lambda: handle.read(1 << 20), b""):
                        digest.update(block)
            except OSError as exc:
                yield shown, f"cannot be read ({exc.strerror}); check the file and its permissions"
                continue
            received = dt.datetime.fromtimestamp(info.st_mtime, dt.timezone.utc).isoformat(timespec="seconds")
            yield _Candidate(path, shown, info.st_size, digest.hexdigest(), received)


def _person(values: list[str]) -> str:
    """Who returned a form, comparable across copies: case, accents' forms and spacing do not matter."""
    parts = [" ".join(unicodedata.normalize("NFKC", v).casefold().split()) for v in values]
    return " | ".join(parts) if any(parts) else ""


def _identify(returned: Returned, program: Program, forms: dict) -> tuple[Identity | None, str | None]:
    """The returned form's identity, or why it is not one of this program's forms."""
    identity = returned.identity
    short_name = program.program.short_name
    if identity is None:
        # Forms from before identities were written name their form and program in the keywords.
        words = [w.strip() for w in returned.keywords.split(",")]
        if len(words) >= 2 and words[0] in forms and words[1] == short_name:
            identity = Identity(words[0], "unknown", short_name, "")
        else:
            return None, "not a form of this program: it carries no form identity; was it downloaded from the handbook?"
    if identity.program != short_name:
        return None, f"a form of another program ('{identity.program}'); collect it with that program's program.yaml"
    if identity.form not in forms:
        return None, f"form '{identity.form}' is not one of this program's forms (or it is switched off)"
    return identity, None


def collect(
    inbox: Path, program_file: Path, out: Path, limits: Limits | None = None, max_bytes: int = 50_000_000
) -> Summary:
    """Store or report every PDF under the inbox, then rewrite the exports from the whole store."""
    sources = Sources(program_file)
    program = load_program(sources)
    forms = load_form_definitions(program, sources)
    if not inbox.is_dir():
        raise NotADirectoryError(2, "no such folder", str(inbox))
    summary = Summary()
    store = Store(out / DATABASE)
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    positions: dict[tuple[str, str], Positions] = {}
    languages = tuple(program.program.languages)
    bound = {languages[0]: (program, sources, forms)}

    def positions_of(form_id: str, language: str) -> Positions:
        """Where the radios sit on our blank form in the language the return was filled in: layouts differ."""
        language = language if language in languages else languages[0]
        if language not in bound:
            own, local = load_program(sources, language), sources.speaking(language, languages)
            bound[language] = (own, local, load_form_definitions(own, local))
        if (form_id, language) not in positions:
            own, local, definitions = bound[language]
            positions[form_id, language] = radio_positions(render_form(own, definitions[form_id], local))
        return positions[form_id, language]

    try:
        stored = store.stored()
        todo: dict[str, _Candidate] = {}
        copies: list[_Candidate] = []
        for found in _walk(inbox, summary, max_bytes):
            if isinstance(found, tuple):
                shown, problem = found
                store.put_problem(f"path:{shown}", 0, shown, problem, now)
                summary.problems.append(found)
            elif found.sha256 in stored:
                store.add_path(found.sha256, found.shown)
                summary.already += 1
            elif found.sha256 in todo:
                copies.append(found)
            else:
                todo[found.sha256] = found
        by_path = {str(c.path): c for c in todo.values()}
        refused: dict[str, str] = {}
        for path, result in read_all(list(by_path), limits or Limits()):
            candidate = by_path[path]
            identity, problem = (None, result) if isinstance(result, str) else _identify(result, program, forms)
            if identity is None or isinstance(result, str):
                store.put_problem(candidate.sha256, candidate.size, candidate.shown, str(problem), now)
                summary.problems.append((candidate.shown, str(problem)))
                refused[candidate.sha256] = str(problem)
                continue
            form = forms[identity.form]
            mapped = map_answers(form, result, functools.partial(positions_of, form.id, identity.language))
            if identity.version != form.version:
                mapped.notes.insert(0, f"an earlier version of the form ({identity.version}; now {form.version})")
            person = _person([mapped.answers.get(name, ("", ""))[0] for name in form.submitter_fields()])
            submission = Submission(
                candidate.sha256,
                form.id,
                identity.version,
                identity.program,
                identity.language,
                person,
                candidate.received_at,
                "; ".join(mapped.notes),
                mapped.answers,
            )
            store.put_submission(submission, candidate.size, candidate.shown, now)
            summary.stored += 1
        for copy in copies:  # the same file found twice: stored (or reported) once, under both paths
            store.add_path(copy.sha256, copy.shown)
            if copy.sha256 in refused:
                summary.problems.append((copy.shown, refused[copy.sha256]))
            else:
                summary.already += 1
        with speaking(program.program.language):  # the exports' labels, in the program's language
            summary.written = write_exports(store, forms, out)
    finally:
        store.close()
    return summary
