"""`handbook fill`: a CSV of answers becomes pre-filled PDFs that print everywhere and come back exactly."""

from __future__ import annotations

import csv
import hashlib
import io
import sqlite3
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from generator.cli import main
from generator.prefill import fill

from .conftest import EXAMPLE

LONG = "Научиться вести переговоры и готовить отчёты для руководства; " * 4
AGREEMENTS = [  # mentoring agreement rows: every script the fonts cover, formulas, line breaks, a long wrap
    {
        "terms.mentee": "Zoë Łukasz Ñúñez",
        "terms.mentor": "Γιώργος Παπαδόπουλος",
        "goals.1.goal": "Lead a site inspection alone\nand write its report: é, ñ, Ł, €",
        "goals.1.completion_date": "2027-06-30",
        "signatures.mentee.name": "Zoë",
    },
    {
        "terms.mentee": "Иван Петров",
        "terms.mentor": '=HYPERLINK("http://x")',
        "goals.1.goal": LONG.strip(),
        "goals.1.completion_date": "-5",
        "signatures.mentee.name": "@Иван",
    },
    {
        "terms.mentee": "Ana Lima",
        "terms.mentor": "Kateřina Dvořáková",
        "goals.1.goal": "",
        "goals.1.completion_date": "",
        "signatures.mentee.name": "+1 Ana",
    },
]
CONFIDENTIALITY = [  # a choice by id and by its words, a checkbox by 1 and by yes
    {
        "sharing.rule": "everything_we_discuss_stays_between_us",
        "ending.understood": "1",
        "signatures.mentor.name": "Ωρίων",
    },
    {
        "sharing.rule": "It stays between us unless the person who said it gives permission to share it.",
        "ending.understood": "Yes",
        "signatures.mentor.name": "Пётр",
    },
]
RULES = {"everything_we_discuss_stays_between_us", "it_stays_between_us_unless_the_person_who_said_i"}


def _write_csv(
    path: Path, rows: list[dict[str, str]], *, bom: bool = False, extra: dict[str, str] | None = None
) -> Path:
    names = [*rows[0], *(extra or {})]
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(names)
    writer.writerows([[*row.values(), *(extra or {}).values()] for row in rows])
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.getvalue().encode("utf-8"))
    return path


def _fill(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["fill", *map(str, args), "-p", str(EXAMPLE)])
    return result.exit_code, result.stdout, result.stderr


def _fields(path: Path) -> dict[str, object]:
    return {name: field.get("/V") for name, field in (PdfReader(path).get_fields() or {}).items()}


def test_fill_then_collect_gives_back_exactly_the_input(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    code, out, err = _fill(
        _write_csv(tmp_path / "a.csv", AGREEMENTS, bom=True), "--form", "mentoring-agreement", "-o", inbox / "a"
    )
    assert code == 0, err
    assert "3 rows: 3 PDFs written" in out and not err
    code, _, err = _fill(
        _write_csv(tmp_path / "c.csv", CONFIDENTIALITY), "--form", "confidentiality-agreement", "-o", inbox / "c"
    )
    assert code == 0, err
    ratings = [{"about.mentee": "Ана", "ratings.questions.1.rating": "4", "ratings.questions.2.rating": "poor"}]
    code, _, err = _fill(_write_csv(tmp_path / "e.csv", ratings), "--form", "mentor-evaluation", "-o", inbox / "e")
    assert code == 0, err
    result = CliRunner().invoke(main, ["collect", str(inbox), "-p", str(EXAMPLE), "-o", str(tmp_path / "records")])
    assert "6 files read, 6 stored (6 new), 0 problems" in result.output, result.output

    db = sqlite3.connect(tmp_path / "records" / "records.sqlite")

    def stored(form_id: str) -> list[dict[str, str]]:
        rows = db.execute(
            "SELECT p.path, a.field, a.value FROM submissions s JOIN answers a USING (sha256)"
            " JOIN paths p USING (sha256) WHERE s.form_id = ? ORDER BY p.path",
            (form_id,),
        )
        by_file: dict[str, dict[str, str]] = {}
        for path, name, value in rows:
            by_file.setdefault(path, {})[name] = value
        return list(by_file.values())

    agreements = stored("mentoring-agreement")
    assert [{name: row[name] for name in AGREEMENTS[0]} for row in agreements] == AGREEMENTS
    assert agreements[0]["terms.agency"] == "Department of Public Lands and Waters", (
        "a column not given keeps its default"
    )
    confidentiality = stored("confidentiality-agreement")
    assert [row["sharing.rule"] for row in confidentiality] == sorted(RULES)
    assert [row["ending.understood"] for row in confidentiality] == ["1", "1"]
    assert [row["signatures.mentor.name"] for row in confidentiality] == ["Ωρίων", "Пётр"]
    (evaluation,) = stored("mentor-evaluation")
    assert (evaluation["ratings.questions.1.rating"], evaluation["ratings.questions.2.rating"]) == ("4", "1")

    with (tmp_path / "records" / "mentoring-agreement.csv").open(encoding="utf-8", newline="") as handle:
        exported = sorted(csv.DictReader(handle), key=lambda row: row["source_file"])
    neutralised = [
        {k: "'" + v if v.startswith(("=", "+", "-", "@")) else v for k, v in row.items()} for row in AGREEMENTS
    ]
    assert [{name: row[name] for name in AGREEMENTS[0]} for row in exported] == neutralised


def test_values_print_in_every_reader_and_stay_editable(tmp_path: Path) -> None:
    _fill(_write_csv(tmp_path / "a.csv", AGREEMENTS), "--form", "mentoring-agreement", "-o", tmp_path / "a")
    _fill(_write_csv(tmp_path / "c.csv", CONFIDENTIALITY), "--form", "confidentiality-agreement", "-o", tmp_path / "c")
    first = tmp_path / "a" / "mentoring-agreement-0002-zoe-lukasz-nunez.pdf"
    second = tmp_path / "a" / "mentoring-agreement-0004-ivan-petrov.pdf"  # row 1 spans lines 2 and 3
    reader = PdfReader(first)
    assert "/NeedAppearances" not in reader.trailer["/Root"]["/AcroForm"]
    for name, field in reader.get_fields().items():
        if name != "_form" and field.get("/FT") == "/Tx":
            assert not int(field.get("/Ff", 0)) & 1, f"{name} is read-only"
    # Poppler draws the widgets' own appearances: what it finds is what every reader prints.
    text = " ".join(
        subprocess.run(["pdftotext", str(first), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    for value in ("Zoë Łukasz Ñúñez", "Γιώργος Παπαδόπουλος", "Lead a site inspection alone", "é, ñ, Ł, €"):
        assert value in text
    wrapped = subprocess.run(
        ["mutool", "draw", "-q", "-F", "txt", "-o", "-", str(second)], capture_output=True, text=True, check=True
    )
    assert "Научиться вести переговоры" in wrapped.stdout and "=HYPERLINK" in wrapped.stdout
    (chosen,) = sorted((tmp_path / "c").iterdir())[:1]
    form = PdfReader(chosen)
    fields = form.get_fields()
    assert fields["ending.understood"]["/V"] == "/Yes"
    assert fields["sharing.rule"]["/V"] == "/everything_we_discuss_stays_between_us"
    shown = {str(kid.get_object()["/AS"]) for kid in fields["sharing.rule"]["/Kids"]}
    assert shown == {"/everything_we_discuss_stays_between_us", "/Off"}


def test_a_bad_row_is_reported_with_its_line_and_the_others_are_written(tmp_path: Path) -> None:
    source = tmp_path / "evaluations.csv"
    source.write_text(
        "about.mentee,narrative.most_helpful,ratings.questions.1.rating,availability.enough,about.mentr,score\n"
        'Ana,"two\nlines",good,yes,x,1\n'
        "Bo,,6,maybe,,2\n"
        "Cy,会议,1,no,,3\n"
        "Di,,,,,,,\n",
        encoding="utf-8",
    )
    code, out, err = _fill(source, "--form", "mentor-evaluation", "-o", tmp_path / "out")
    assert code == 1
    assert err.count("warning:") == 2 and "'about.mentr' (did you mean 'about.mentor'?)" in err and "'score'" in err
    assert "evaluations.csv:5: narrative.most_helpful: the forms' fonts cannot print '会' (U+4F1A)" in err
    assert "evaluations.csv:4: ratings.questions.1.rating: '6' is not a level" in err
    assert "availability.enough: 'maybe' is not one of the options; write one of yes, no" in err
    assert "evaluations.csv:6: 8 cells" in err
    assert "4 rows: 2 PDFs written" in out and "2 failed" in out
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "mentor-evaluation-0002-ana.pdf",
        "mentor-evaluation-0005-cy.pdf",
    ]
    assert _fields(tmp_path / "out" / "mentor-evaluation-0002-ana.pdf")["availability.enough"] == "/yes"


def test_output_is_byte_identical_and_never_replaces_a_file(tmp_path: Path) -> None:
    rows = [{**AGREEMENTS[n % 3], "terms.mentee": f"Person {n}"} for n in range(6)]
    source = _write_csv(tmp_path / "many.csv", rows)
    program = Path(EXAMPLE)
    one = fill(source, "mentoring-agreement", program, tmp_path / "one", workers=1)
    pool = fill(source, "mentoring-agreement", program, tmp_path / "pool", workers=2)
    assert one.count("written") == pool.count("written") == 6

    def digests(folder: Path) -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}

    assert digests(tmp_path / "one") == digests(tmp_path / "pool"), "workers render what one process renders"
    again = fill(source, "mentoring-agreement", program, tmp_path / "one", workers=1)
    assert again.count("unchanged") == 6 and again.count("failed") == 0
    theirs = tmp_path / "one" / "mentoring-agreement-0002-person-0.pdf"
    theirs.write_bytes(b"someone else's file")
    code, out, err = _fill(source, "--form", "mentoring-agreement", "-o", tmp_path / "one")
    assert code == 1 and "exists with other content; it was not replaced" in err and "5 already there" in out
    assert theirs.read_bytes() == b"someone else's file"
    assert not [p for p in (tmp_path / "one").iterdir() if p.name.startswith(".")], "no temporary files left"


def test_a_matches_file_fills_both_agreements(tmp_path: Path) -> None:
    pairs = [
        {
            "mentor_email": "g@example.org",
            "terms.mentee": "Ana Lima",
            "terms.mentor": "Γιώργος",
            "signatures.mentee.name": "Ana Lima",
            "signatures.mentor.name": "Γιώργος",
            "score": "0.93",
        }
    ]
    matches = _write_csv(tmp_path / "matches.csv", pairs)
    for form_id, name in (("mentoring-agreement", "ana-lima"), ("confidentiality-agreement", "giorgos")):
        code, _, err = _fill(matches, "--form", form_id, "-o", tmp_path / form_id)
        assert code == 0, err
        assert "warning:" in err and "'score'" in err
        (written,) = (tmp_path / form_id).iterdir()
        assert written.name == f"{form_id}-0002-{name}.pdf"
        assert _fields(written)["signatures.mentee.name"] == "Ana Lima"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"terms.mentee\nJos\xe9\n", "2:1: not UTF-8 text (byte 0xE9); save it from your spreadsheet as 'CSV UTF-8'"),
        (b"name,email\nAna,a@x\n", "1:1: no column is a field of mentoring-agreement"),
        (b"terms.mentee,terms.mentee\nA,B\n", "the column 'terms.mentee' appears twice (columns 1 and 2)"),
        (b"", "the file is empty"),
    ],
)
def test_an_unusable_file_is_refused_without_traceback(tmp_path: Path, data: bytes, message: str) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(data)
    code, _, err = _fill(source, "--form", "mentoring-agreement", "-o", tmp_path / "out")
    assert code == 1 and message in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_an_unknown_form_is_a_usage_error_with_a_suggestion(tmp_path: Path) -> None:
    code, _, err = _fill(_write_csv(tmp_path / "a.csv", AGREEMENTS), "--form", "mentoring-agreemnt")
    assert code == 2 and "did you mean 'mentoring-agreement'?" in err
