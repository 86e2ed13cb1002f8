"""CSV and XLSX exports of the records store, a codebook, and the list of problems.

Column names are the fields' stable names, the same in every language; the labels a person reads (the XLSX files'
second header row, the codebook's allowed values) are in the language being spoken.

Every cell a participant could have typed is neutralised against formula injection: a value that
starts with =, +, -, @, a tab, a carriage return or NUL gets a leading apostrophe, so a spreadsheet
shows it as text instead of running it. Files are replaced atomically: a reader of records/ never
sees half an export.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..formdefs import Entry, FormDef
from ..i18n import _
from .store import Store

FIRST = ("source_file", "sha256", "form_version", "collected_at", "latest")
"""Columns before the form's own fields in every export."""

_RISKY = ("=", "+", "-", "@", "\t", "\r", "\0")
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XLSX_MAX = 32_767
"""Most characters a spreadsheet cell holds."""


def neutralise(value: str) -> str:
    """A cell a spreadsheet shows as the text it is, never as a formula."""
    return "'" + value if value.startswith(_RISKY) else value


def _allowed(entry: Entry) -> str:
    """What a column may hold, for the codebook, in the language being spoken."""
    if entry.kind == "checkbox":
        return _("1 = ticked; blank = not ticked")
    if entry.kind == "rating":
        levels = "; ".join(f"{n} = {label}" for n, (_id, label) in enumerate(entry.options, 1))
        return levels + "; " + _("blank = not rated")
    if entry.kind == "choice":
        return "; ".join(f"{option} = {label}" for option, label in entry.options) + "; " + _("blank = not chosen")
    return _("any text") if entry.kind != "date" else _("a date as written by the participant")


def _names(forms: dict[str, FormDef]) -> list[str]:
    """The file names of every export."""
    names = [f"{form_id}.{kind}" for form_id in forms for kind in ("csv", "xlsx")]
    return [*names, "codebook.csv", "problems.csv"]


def write_atomically(path: Path, data: bytes) -> None:
    """Replace the file whole: a reader never sees half of it, a killed run leaves the old one."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def csv_bytes(rows: Iterable[Sequence[str]]) -> bytes:
    """UTF-8 CSV with every cell neutralised, so spreadsheets never run a participant's text."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerows([neutralise(str(cell)) for cell in row] for row in rows)
    return text.getvalue().encode("utf-8")


def _xlsx(title: str, rows: list[Sequence[str]], numbers: set[int]) -> bytes:
    """Two header rows (names, labels) then the data; columns in `numbers` hold whole numbers, not text."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.freeze_panes = "A3"
    for index, row in enumerate(rows):
        sheet.append(
            [
                int(cell) if index > 1 and column in numbers and cell.isdigit() else _cell(cell)
                for column, cell in enumerate(row)
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: str) -> str:
    return _XLSX_ILLEGAL.sub("", neutralise(value))[:_XLSX_MAX]


def form_rows(store: Store, form: FormDef) -> list[list[str]]:
    """Header of stable names, then one row per returned PDF."""
    entries = form.entries()
    rows: list[list[str]] = [[*FIRST, *(entry.name for entry in entries)]]
    for path, sha256, version, latest, collected_at, answers in store.submissions(form.id):
        fixed = [path, sha256, version, collected_at, "1" if latest else "0"]
        rows.append(fixed + [answers.get(entry.name, "") for entry in entries])
    return rows


def write_exports(store: Store, forms: dict[str, FormDef], out: Path) -> list[Path]:
    """Every export, replaced whole; returns the files written."""
    ours = tuple(f".{name}." for name in _names(forms))
    for stale in out.glob(".*.tmp"):  # left by a run killed while writing; only our own temporary names
        if stale.name.startswith(ours):
            stale.unlink(missing_ok=True)
    written = []
    labels = [_("Source file"), "SHA-256", _("Form version"), _("Collected at"), _("Latest from this person")]
    for form in forms.values():
        rows = form_rows(store, form)
        entries = form.entries()
        header_labels = labels + [entry.label for entry in entries]
        numbers = {len(FIRST) - 1} | {len(FIRST) + i for i, entry in enumerate(entries) if entry.kind == "rating"}
        for name, data in (
            (f"{form.id}.csv", csv_bytes(rows)),
            (f"{form.id}.xlsx", _xlsx(form.id, [rows[0], header_labels, *rows[1:]], numbers)),
        ):
            write_atomically(out / name, data)
            written.append(out / name)
    codebook = [["form", "field", "label", "type", "allowed_values"]]
    codebook += [
        [form.id, entry.name, entry.label, entry.kind, _allowed(entry)]
        for form in forms.values()
        for entry in form.entries()
    ]
    problems = [["source_file", "sha256", "problem"], *store.problems()]
    for name, rows in (("codebook.csv", codebook), ("problems.csv", problems)):
        write_atomically(out / name, csv_bytes(rows))
        written.append(out / name)
    return written
