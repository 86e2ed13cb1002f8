"""`handbook collect`: returned forms, filled by real readers, come back exactly; bad files are reported."""

from __future__ import annotations

import csv
import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from generator.cli import main
from generator.collect.pool import Limits, read_all
from generator.forms import render_forms
from generator.program import load_program
from generator.sources import Sources

from .conftest import EXAMPLE
from .fillers import detach_radio_kids, fill_mutool, fill_pdfjs, fill_poppler, fill_pypdf
from .junk import make_junk

TRICKY = "Zoë Łukasz Ñúñez Καλημέρα Привет"
APPLICATION = {
    "contact.name": TRICKY,
    "contact.email": "zoe@example.org",
    "contact.job_title": "=1+2",
    "experience.prior": "First line\nSecond line: ünïcode",
    "offer.skills.negotiating": True,
    "offer.skills.writing_effectively": True,
    "availability.commit": "not_sure_yet",
    "privacy.supervisor_approves": True,
}
EVALUATION = {
    "about.mentee": "Ana Pérez",
    "about.mentor": "Иван Петров",
    "ratings.questions.1.rating": "good",
    "ratings.questions.2.rating": "poor",
    "ratings.questions.1.comment": "@mention -5 +3",
}
FILLERS: dict[str, Callable[[Path, Path, dict], None]] = {
    "pypdf": fill_pypdf,
    "mupdf": fill_mutool,
    "mupdf-incremental": lambda src, dst, values: fill_mutool(src, dst, values, incremental=True),
    "pdfjs": fill_pdfjs,
    "poppler": fill_poppler,
}


@pytest.fixture
def blank(blank_forms: dict[str, Path]) -> dict[str, Path]:
    return blank_forms


def _collect(inbox: Path, records: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["collect", str(inbox), "-p", str(EXAMPLE), "-o", str(records), *args])
    assert result.exit_code == 0, result.output
    return result.output


def _rows(records: Path, form_id: str) -> list[dict[str, str]]:
    with (records / f"{form_id}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _expected(values: dict, form_id: str) -> dict[str, str]:
    """What the export holds for filled values: ticks as 1, ratings as the level's number, formulas defused."""
    levels = {"poor": "1", "fair": "2", "average": "3", "good": "4", "excellent": "5"}
    out = {}
    for name, value in values.items():
        if value is True:
            value = "1"
        elif name.endswith(".rating"):
            value = levels[value]
        out[name] = "'" + value if value[:1] in "=+-@" else value
    return out


@pytest.mark.parametrize("reader", FILLERS)
def test_forms_filled_by_each_reader_come_back_exactly(blank, tmp_path: Path, reader: str) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "deep" / "er").mkdir(parents=True)
    FILLERS[reader](blank["mentor-application"], inbox / "application.pdf", APPLICATION)
    FILLERS[reader](blank["mentor-evaluation"], inbox / "deep" / "er" / "evaluation.pdf", EVALUATION)
    output = _collect(inbox, tmp_path / "records")
    assert "2 files read, 2 stored (2 new), 0 problems" in output
    for form_id, values, path in (
        ("mentor-application", APPLICATION, "application.pdf"),
        ("mentor-evaluation", EVALUATION, os.path.join("deep", "er", "evaluation.pdf")),
    ):
        (row,) = _rows(tmp_path / "records", form_id)
        assert row["source_file"] == path and row["latest"] == "1"
        assert len(row["sha256"]) == 64 and len(row["form_version"]) == 12
        filled = {name: row[name] for name in values}
        assert filled == _expected(values, form_id)
        untouched = [name for name in row if "." in name and name not in values and row[name] not in ("", None)]
        assert set(untouched) <= {"contact.agency", "about.agency"}, untouched  # pre-filled by the program
    db = sqlite3.connect(tmp_path / "records" / "records.sqlite")
    stored = dict(db.execute("SELECT field, value FROM answers WHERE field IN ('contact.job_title', 'contact.name')"))
    assert stored == {"contact.job_title": "=1+2", "contact.name": TRICKY}, "the store keeps values as typed"
    (label,) = db.execute("SELECT label FROM answers WHERE field = 'ratings.questions.1.rating'").fetchone()
    assert label == "Good"


def test_radios_detached_by_macos_preview_are_mapped_back(blank, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    filled = tmp_path / "filled.pdf"
    fill_pypdf(blank["mentor-evaluation"], filled, EVALUATION)
    detach_radio_kids(filled, inbox / "from-preview.pdf")
    _collect(inbox, tmp_path / "records")
    (row,) = _rows(tmp_path / "records", "mentor-evaluation")
    assert row["ratings.questions.1.rating"] == "4" and row["ratings.questions.2.rating"] == "1"
    assert row["about.mentor"] == "Иван Петров"


def test_xlsx_has_names_labels_and_numbers(blank, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    fill_pypdf(blank["mentor-evaluation"], inbox / "a.pdf", EVALUATION)
    fill_pypdf(blank["mentor-application"], inbox / "b.pdf", APPLICATION)
    _collect(inbox, tmp_path / "records")
    sheet = load_workbook(tmp_path / "records" / "mentor-evaluation.xlsx").active
    names, labels, data = (list(row) for row in sheet.iter_rows(max_row=3, values_only=True))
    assert names[:5] == ["source_file", "sha256", "form_version", "collected_at", "latest"]
    row = dict(zip(names, data, strict=True))
    assert row["ratings.questions.1.rating"] == 4 and row["latest"] == 1
    assert labels[names.index("ratings.questions.1.rating")].startswith("1. How well did your mentor know")
    assert row["ratings.questions.1.comment"] == "'@mention -5 +3"
    application = load_workbook(tmp_path / "records" / "mentor-application.xlsx").active
    cells = [cell for row in application.iter_rows(min_row=3, values_only=True) for cell in row]
    assert "'=1+2" in cells and TRICKY in cells
    assert all(not (isinstance(c, str) and c.startswith("=")) for c in cells)
    codebook = list(csv.DictReader((tmp_path / "records" / "codebook.csv").open(encoding="utf-8")))
    rating = next(line for line in codebook if line["field"] == "ratings.questions.1.rating")
    assert rating["type"] == "rating" and rating["allowed_values"].startswith("1 = Poor; 2 = Fair")
    choice = next(line for line in codebook if line["field"] == "availability.commit")
    assert "not_sure_yet = Not sure yet" in choice["allowed_values"]


def _tree(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under a folder with its content hash and modification time (nanoseconds)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink() and path.stat().st_size < 50_000_000:
            out[str(path)] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    return out


def test_bad_files_are_reported_never_fatal_and_inputs_are_untouched(blank, tmp_path: Path, program_copy) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    junk = make_junk(inbox, blank["mentor-evaluation"])
    other = program_copy(("  short_name: Bridges\n", "  short_name: Harbour\n"))
    other_sources = Sources(other)
    (inbox / "harbour.pdf").write_bytes(render_forms(load_program(other_sources), other_sources)["meeting-notes"])
    fill_pypdf(blank["mentor-evaluation"], inbox / "good.pdf", EVALUATION)
    (inbox / "notes.txt").write_text("not a form, not named .pdf")
    before = _tree(inbox)
    output = _collect(inbox, tmp_path / "records", "--timeout", "20")
    assert _tree(inbox) == before, "collect changed a file in the inbox"
    problems = {
        row["source_file"]: row["problem"] for row in csv.DictReader((tmp_path / "records" / "problems.csv").open())
    }
    stored = {row["source_file"] for row in _rows(tmp_path / "records", "mentor-evaluation")}
    assert "good.pdf" in stored
    assert "another program ('Harbour')" in problems["harbour.pdf"]
    assert len(junk) >= 15
    for name in junk:
        assert name in problems or name in stored, f"{name} was neither stored nor reported"
    expected = {
        "not-a-pdf.pdf": "not a PDF",
        "empty.pdf": "not a PDF",
        "encrypted.pdf": "password",
        "xfa.pdf": "XFA",
        "flattened.pdf": "no form fields",
        "scanned.pdf": "no form fields",
        "bomb.pdf": "decompression bomb",
        "huge.pdf": "far larger than any filled form",
        "truncated.pdf": "damaged",
        "x.pdf": "not a regular file",
        "dir.pdf": "not a regular file",
    }
    for name, words in expected.items():
        assert words in problems.get(name, ""), (name, problems.get(name))
    found = len(junk) + 2
    assert f"{found} files read" in output and "1 files not named *.pdf were skipped" in output
    assert f"{len(problems)} problems" in output


def test_a_file_is_stored_once_and_a_newer_return_is_marked_latest(blank, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    fill_pypdf(blank["mentor-application"], inbox / "first.pdf", APPLICATION)
    (inbox / "copy.pdf").write_bytes((inbox / "first.pdf").read_bytes())
    os.utime(inbox / "first.pdf", (1_700_000_000, 1_700_000_000))
    output = _collect(inbox, tmp_path / "records")
    assert "2 files read, 2 stored (1 new), 0 problems" in output
    assert len(_rows(tmp_path / "records", "mentor-application")) == 1
    changed = {**APPLICATION, "contact.job_title": "Senior ranger", "contact.email": " ZOE@example.org"}
    fill_pypdf(blank["mentor-application"], inbox / "second.pdf", changed)
    os.utime(inbox / "second.pdf", (1_800_000_000, 1_800_000_000))
    output = _collect(inbox, tmp_path / "records")
    assert "3 files read, 3 stored (1 new), 0 problems" in output
    rows = {row["contact.job_title"]: row["latest"] for row in _rows(tmp_path / "records", "mentor-application")}
    assert rows == {"'=1+2": "0", "Senior ranger": "1"}


def test_an_older_form_version_maps_what_still_exists(tmp_path: Path, program_copy) -> None:
    old = program_copy(("  - {en: Negotiating, es: Negociar}\n", "  - Haggling\n"))
    sources = Sources(old)
    (tmp_path / "old.pdf").write_bytes(render_forms(load_program(sources), sources)["mentor-application"])
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    fill_pypdf(tmp_path / "old.pdf", inbox / "old-version.pdf", {"contact.name": "Ana", "offer.skills.haggling": True})
    output = _collect(inbox, tmp_path / "records")
    assert "1 stored" in output
    (row,) = _rows(tmp_path / "records", "mentor-application")
    assert row["contact.name"] == "Ana" and row["offer.skills.negotiating"] == ""
    (note,) = list(csv.DictReader((tmp_path / "records" / "problems.csv").open()))
    assert "earlier version" in note["problem"] and "offer.skills.haggling" in note["problem"]


def test_a_reader_that_hangs_is_stopped_and_the_rest_go_on(blank, tmp_path: Path) -> None:
    fifo = tmp_path / "hangs.pdf"
    os.mkfifo(fifo)  # opening it blocks forever: the stand-in for a file that makes a parser loop
    results = dict(read_all([str(fifo), str(blank["meeting-notes"])], Limits(seconds=2, workers=1)))
    assert "longer than 2 seconds" in results[str(fifo)]
    assert results[str(blank["meeting-notes"])].identity.form == "meeting-notes"


def test_a_killed_run_loses_nothing_and_a_rerun_completes(blank, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for n in range(24):
        values = {**EVALUATION, "about.mentee": f"Mentee {n}", "ratings.questions.3.rating": "fair"}
        fill_pypdf(blank["mentor-evaluation"], inbox / f"eval-{n:02}.pdf", values)
    command = [sys.executable, "-m", "generator", "collect", str(inbox), "-p", str(EXAMPLE)]
    reference = tmp_path / "reference"
    subprocess.run([*command, "-o", str(reference)], check=True, capture_output=True)
    records = tmp_path / "records"
    chance = random.Random(9)
    for _ in range(4):
        process = subprocess.Popen([*command, "-o", str(records)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(chance.uniform(0.2, 1.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
    subprocess.run([*command, "-o", str(records)], check=True, capture_output=True)
    assert sqlite3.connect(records / "records.sqlite").execute("PRAGMA integrity_check").fetchone() == ("ok",)

    def content(folder: Path) -> list[dict[str, str]]:
        return sorted(
            ({k: v for k, v in row.items() if k != "collected_at"} for row in _rows(folder, "mentor-evaluation")),
            key=lambda r: r["sha256"],
        )

    assert content(records) == content(reference)
    assert len(content(records)) == 24


def test_a_records_file_that_is_not_a_store_is_refused_and_left_alone(blank, tmp_path: Path) -> None:
    inbox, records = tmp_path / "inbox", tmp_path / "records"
    inbox.mkdir()
    records.mkdir()
    (records / "records.sqlite").write_text("my own notes")
    (records / ".notes.txt.tmp").write_text("not ours")
    (records / ".problems.csv.x1y2.tmp").write_text("left by a killed run")
    result = CliRunner().invoke(main, ["collect", str(inbox), "-p", str(EXAMPLE), "-o", str(records)])
    assert result.exit_code == 1 and "is not a records store" in result.output and "Traceback" not in result.output
    assert (records / "records.sqlite").read_text() == "my own notes"
    (records / "records.sqlite").unlink()
    _collect(inbox, records)
    assert (records / ".notes.txt.tmp").exists() and not (records / ".problems.csv.x1y2.tmp").exists()
