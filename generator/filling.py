"""Read a CSV of answers for one form and check every cell against the form's codebook.

Columns are stable field names (`terms.mentee`), the ones `FormDef.entries()` lists and `handbook
collect` exports, so a spreadsheet, a collect export or a later match's matches.csv fills forms as it
is. Columns the form lacks are named once as a warning, never fatal: matches.csv serves two agreements
that share only some fields. A bad cell fails its row only, reported at the CSV line where the row
starts; the other rows are still filled.
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass, field
from pathlib import Path

from .formdefs import Entry, FormDef
from .ids import slug
from .pdf.glyphs import unshowable
from .problems import InputError, Problem

TICKED = ("1", "yes", "true", "x")
"""Cells that tick a checkbox (any case); blank, 0, no and false leave it unticked."""
_UNTICKED = ("", "0", "no", "false")
_SLUG_MAX = 40
"""Longest part of a file name taken from the submitter's name: enough to recognise, short for any disk."""


@dataclass
class Row:
    """One data row of the CSV, checked: what to bind into the form, or why it cannot be."""

    line: int
    """The CSV line the row starts on (a quoted cell may span lines): what a spreadsheet calls its row."""
    values: dict[str, str]
    """Full field name -> the value the renderer binds in (see render_pdf)."""
    file_name: str
    problems: list[str] = field(default_factory=list)
    """'column: what is wrong' for every bad cell; a row with problems is not filled."""


@dataclass
class Sheet:
    rows: list[Row]
    warnings: list[str]
    """Located notes that do not stop a row: unknown columns, characters the fonts cannot print."""


def _bad(display: str, line: int, message: str) -> InputError:
    return InputError([Problem(display, line, 1, "", message)])


def _decode(data: bytes, display: str) -> str:
    """UTF-8 with or without a byte order mark (Excel's 'CSV UTF-8' writes one)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = (
            f"not UTF-8 text (byte 0x{data[exc.start]:02X}); save it from your spreadsheet as 'CSV UTF-8' and try again"
        )
        raise _bad(display, line, message) from None


def _records(text: str, display: str) -> list[tuple[int, list[str]]]:
    """(starting line, cells) of every record, blank lines left out."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records, start = [], 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise _bad(display, reader.line_num, f"not readable as CSV ({exc})") from None
    return records


def _unknown_warning(display: str, unknown: list[str], names: list[str], form_id: str) -> str:
    shown = []
    for column in unknown:
        close = difflib.get_close_matches(column, names, n=1, cutoff=0.6)
        shown.append(f"'{column}' (did you mean '{close[0]}'?)" if close else f"'{column}'")
    return f"{display}:1: columns that are no field of {form_id}, ignored: {', '.join(shown)}"


def _checked(entry: Entry, cell: str) -> tuple[str, str | None]:
    """The renderer's value for one cell, or why the cell is not one the field takes."""
    if entry.kind == "checkbox":
        word = cell.strip().casefold()
        if word in TICKED or word in _UNTICKED:
            return ("1" if word in TICKED else ""), None
        return "", f"'{cell}' is not a tick: write 1 (or yes, true, x) to tick the box, leave it blank not to"
    if entry.kind in ("choice", "rating"):
        word = cell.strip()
        if not word:
            return "", None
        for position, (option, label) in enumerate(entry.options, 1):
            if word in (option, label) or word.casefold() == label.casefold():
                return option, None
            if entry.kind == "rating" and word == str(position):
                return option, None
        if entry.kind == "rating":
            allowed = ", ".join(f"{n} or {option}" for n, (option, _) in enumerate(entry.options, 1))
            return "", f"'{cell}' is not a level of the rating scale; write one of {allowed}, or leave it blank"
        allowed = ", ".join(option for option, _ in entry.options)
        return "", f"'{cell}' is not one of the options; write one of {allowed} (or its words), or leave it blank"
    if entry.kind == "multiline":
        return cell.replace("\r\n", "\n").replace("\r", "\n"), None
    if "\n" in cell or "\r" in cell:
        return "", "a line break in a one-line field; put it on one line, or use a multi-line field"
    return cell, None


def _file_name(form: FormDef, line: int, values: dict[str, str]) -> str:
    """`<form-id>-<line>-<who>.pdf`: ASCII, no separators, unique in the run (one row per line)."""
    who = next((values[name] for name in form.submitter_fields() if values.get(name, "").strip()), "")
    part = slug(who)[:_SLUG_MAX].strip("_").replace("_", "-") if who else ""
    return f"{form.id}-{line:04d}{'-' + part if part else ''}.pdf"


def read_sheet(path: Path, display: str, form: FormDef) -> Sheet:
    """Every row of the CSV, checked against the form; InputError when the file as a whole is unusable."""
    records = _records(_decode(path.read_bytes(), display), display)
    if not records:
        raise _bad(display, 1, "the file is empty; its first line names the fields, e.g. terms.mentee")
    _, header = records[0]
    entries = {entry.name: entry for entry in form.entries()}
    names = [name.strip() for name in header]
    seen: dict[str, int] = {}
    for number, name in enumerate(names, 1):
        if name in entries and name in seen:
            message = f"the column '{name}' appears twice (columns {seen[name]} and {number}); keep one"
            raise _bad(display, records[0][0], message)
        seen.setdefault(name, number)
    if not any(name in entries for name in names):
        example = ", ".join(list(entries)[:3])
        message = (
            f"no column is a field of {form.id}; the first line must name fields such as {example} "
            "(every name is in records/codebook.csv after a collect)"
        )
        raise _bad(display, records[0][0], message)
    warnings = []
    unknown = [name for name in names if name and name not in entries]
    if unknown:
        warnings.append(_unknown_warning(display, unknown, list(entries), form.id))
    rows = []
    for line, cells in records[1:]:
        values: dict[str, str] = {}
        problems = []
        if len(cells) > len(names):
            problems.append(f"{len(cells)} cells but the first line names {len(names)} columns; check the quoting")
        for name, cell in zip(names, cells, strict=False):
            if name not in entries:
                continue
            value, problem = _checked(entries[name], cell)
            if problem:
                problems.append(f"{name}: {problem}")
                continue
            values[name] = value
            missing = unshowable(value)
            if missing:
                shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in missing[:5])
                warnings.append(
                    f"{display}:{line}: {name}: the forms' fonts cannot print {shown}; "
                    "the field holds it, but it prints as an empty box"
                )
        for name in names[len(cells) :]:  # a spreadsheet may drop a row's trailing empty cells
            if name in entries:
                values[name] = ""
        rows.append(Row(line, values, _file_name(form, line, values), problems))
    return Sheet(rows, warnings)
