"""`handbook fill`: one pre-filled PDF per checked CSV row, rendered in worker processes, written without clobbering.

Each row is rendered by the same renderer as the blank form, with its values bound in and in the program's
language, so the file is as deterministic as the blank one. Rows are independent, so they spread over a process pool;
each worker loads the program and the form once. A file is only ever created, never replaced: an
existing file with the same bytes (a re-run) is left as it is, one with other bytes fails its row.
"""

from __future__ import annotations

import difflib
import multiprocessing
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .filling import Row, read_sheet
from .formdefs import FormDef
from .forms import load_form_definitions, render_form
from .i18n import speaking
from .model import Program
from .program import load_program
from .sources import Sources

_IN_PROCESS = 8
"""Up to this many rows are rendered here: starting workers (about a second each) would cost more."""


class UnknownForm(Exception):
    """The program has no (enabled) form of that id; the message lists the ones it has."""


@dataclass(frozen=True)
class Outcome:
    line: int
    status: str
    """written, unchanged (the same file was there already) or failed."""
    detail: str
    """The file written, or why the row failed."""


@dataclass
class Summary:
    source: str
    """The CSV as messages name it."""
    outcomes: list[Outcome] = field(default_factory=list)
    """One per data row, in CSV order."""
    warnings: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)


def write_new(path: Path, data: bytes) -> str:
    """Create path with data: 'written', or 'unchanged' when it holds exactly data; FileExistsError when other bytes.

    Written under a temporary name and then linked into place, so a killed run never leaves half a
    file under a real name, and linking, unlike renaming, never replaces a file.
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        try:
            _link(Path(temporary), path, data)
        except FileExistsError:
            if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
                return "unchanged"
            raise
        return "written"
    finally:
        Path(temporary).unlink(missing_ok=True)


def _link(temporary: Path, path: Path, data: bytes) -> None:
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError:  # no hard links on this disk (FAT, some network shares): create it exclusively instead
        with open(path, "xb") as out:
            out.write(data)


class _Filler:
    """Renders and writes rows of one form; one per process."""

    def __init__(self, program: Program, form: FormDef, sources: Sources, out: Path) -> None:
        self.program, self.form, self.sources, self.out = program, form, sources, out

    def __call__(self, row: Row) -> Outcome:
        path = self.out / row.file_name
        try:
            with speaking(self.program.program.language):
                pdf = render_form(self.program, self.form, self.sources, row.values)
            status = write_new(path, pdf)
        except FileExistsError:
            return Outcome(row.line, "failed", f"{path} exists with other content; it was not replaced")
        except OSError as exc:
            return Outcome(row.line, "failed", f"{path} could not be written ({exc.strerror or exc})")
        except Exception as exc:  # a value the renderer cannot draw fails its row, never the others
            return Outcome(row.line, "failed", f"could not be drawn ({type(exc).__name__}: {exc})")
        return Outcome(row.line, status, str(path))


_worker: _Filler | None = None
"""The filler of a pool worker process, made once by _start_worker."""


def _start_worker(program_file: Path, form_id: str, out: Path) -> None:
    """Load the program and the form once per worker, not once per row."""
    global _worker
    sources = Sources(program_file)
    program = load_program(sources)
    with speaking(program.program.language):
        form = load_form_definitions(program, sources)[form_id]
    _worker = _Filler(program, form, sources, out)


def _fill_in_worker(row: Row) -> Outcome:
    assert _worker is not None
    return _worker(row)


def fill(csv_file: Path, form_id: str, program_file: Path, out: Path, workers: int | None = None) -> Summary:
    """Fill one PDF per good row of the CSV into out/; InputError when the program, forms or CSV are unusable."""
    sources = Sources(program_file)
    program = load_program(sources)
    with speaking(program.program.language):
        forms = load_form_definitions(program, sources)
    if form_id not in forms:
        close = difflib.get_close_matches(form_id, list(forms), n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise UnknownForm(f"no form '{form_id}' in this program; {hint}its forms are {', '.join(forms)}")
    display = sources.display(csv_file)
    sheet = read_sheet(csv_file, display, forms[form_id])
    summary = Summary(display, warnings=sheet.warnings)
    good = [row for row in sheet.rows if not row.problems]
    outcomes = {row.line: Outcome(row.line, "failed", "; ".join(row.problems)) for row in sheet.rows if row.problems}
    out.mkdir(parents=True, exist_ok=True)
    workers = min(workers or os.cpu_count() or 1, len(good))
    if workers <= 1 or len(good) <= _IN_PROCESS:
        filler = _Filler(program, forms[form_id], sources, out)
        outcomes.update((row.line, filler(row)) for row in good)
    else:
        # spawn, as collect does: the same on every platform, and workers inherit nothing.
        context = multiprocessing.get_context("spawn")
        start = (program_file, form_id, out)
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=start) as pool:
            chunk = max(1, min(16, len(good) // (4 * workers)))
            outcomes.update((outcome.line, outcome) for outcome in pool.map(_fill_in_worker, good, chunksize=chunk))
    summary.outcomes = [outcomes[row.line] for row in sheet.rows]
    return summary
