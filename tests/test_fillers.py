"""The test fillers really fill: pypdf, MuPDF and pdf.js outputs read back, by an independent walk, exactly.

Tests of collecting returned forms trust these helpers to produce what real readers write, so each is
checked here against every field of the form, not just the ones it was asked to fill.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, NameObject

from .fillers import Values, detach_radio_kids, fill_mutool, fill_pdfjs, fill_pypdf
from .junk import HUGE_SIZE, make_junk

MULTILINE = "Line one: café\nLine two: Ñandú, Łódź\nΚαλημέρα · Привет"  # noqa: RUF001 (Greek on purpose)

VALUES: dict[str, Values] = {
    "mentor-application": {
        "contact.name": "Zoë Łukasiewicz-Núñez",
        "sign.applicant.name": "Καλημέρα Привет",  # same short name as contact.name: must not be confused
        "contact.job_title": "=1+2",
        "experience.prior": MULTILINE,
        "offer.skills.negotiating": True,
        "privacy.supervisor_approves": True,
        "availability.commit": "not_sure_yet",
    },
    "mentor-evaluation": {
        "about.mentee": "Ñandú Łódź",
        "about.mentor": "=1+2",
        "ratings.questions.3.rating": "good",
        "ratings.questions.1.rating": "excellent",
        "ratings.questions.3.comment": "Привет, Καλημέρα",
        "availability.enough": "no",
        "narrative.most_helpful": MULTILINE,
    },
}


def _mutool_incremental(src: Path, dst: Path, values: Values) -> None:
    fill_mutool(src, dst, values, incremental=True)


FILLERS: dict[str, Callable[[Path, Path, Values], None]] = {
    "pypdf": fill_pypdf,
    "mutool": fill_mutool,
    "mutool-incremental": _mutool_incremental,
    "pdfjs": fill_pdfjs,
}
INCREMENTAL = {"mutool-incremental", "pdfjs"}


@pytest.fixture
def blanks(blank_forms: dict[str, Path]) -> dict[str, Path]:
    return blank_forms


def _inherited(node: DictionaryObject, key: str) -> object:
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent", None) and node["/Parent"].get_object()
    return None


def _on_state(widget: DictionaryObject) -> str:
    return next(str(k)[1:] for k in widget["/AP"]["/N"] if k != "/Off")


def read_fields(path: Path) -> dict[str, dict[str, object]]:
    """Walk /AcroForm /Fields by hand (not pypdf's get_fields): full name -> /V and the widgets' states."""
    found: dict[str, dict[str, object]] = {}

    def walk(node: DictionaryObject, prefix: str) -> None:
        name = f"{prefix}.{node['/T']}" if prefix else str(node["/T"])
        kids = [kid.get_object() for kid in node.get("/Kids", [])]
        if any("/T" in kid for kid in kids):
            for kid in kids:
                walk(kid, name)
            return
        value = node.get("/V")
        entry: dict[str, object] = {"V": None if value is None else str(value)}
        if _inherited(node, "/FT") == "/Btn":
            if value is not None and not isinstance(value, NameObject):
                entry["V"] = f"not a name: {value!r}"  # a button's /V must be a name, e.g. /Yes
            widgets = kids or [node]
            entry["AS"] = [str(w.get("/AS")) for w in widgets]
            entry["on"] = [_on_state(w) for w in widgets]
        assert name not in found, f"{path.name}: two fields named {name}"
        found[name] = entry

    for field in PdfReader(path).trailer["/Root"]["/AcroForm"]["/Fields"]:
        walk(field.get_object(), "")
    return found


def expected_fields(blank: Path, values: Values) -> dict[str, dict[str, object]]:
    """The blank form's fields with the given answers applied as the PDF spec says they are stored."""
    fields = read_fields(blank)
    for name, want in values.items():
        entry = fields[name]
        if isinstance(want, bool):
            state = f"/{entry['on'][0]}" if want else "/Off"
            entry.update(V=state, AS=[state])
        elif "on" in entry:
            entry.update(V=f"/{want}", AS=[f"/{want}" if on == want else "/Off" for on in entry["on"]])
        else:
            entry["V"] = want
    return fields


@pytest.mark.parametrize("filler", FILLERS)
@pytest.mark.parametrize("form_id", VALUES)
def test_filler_writes_exactly_the_answers(blanks: dict[str, Path], tmp_path: Path, filler: str, form_id: str) -> None:
    filled = tmp_path / f"{form_id}-{filler}.pdf"
    FILLERS[filler](blanks[form_id], filled, VALUES[form_id])
    assert read_fields(filled) == expected_fields(blanks[form_id], VALUES[form_id])
    if filler in INCREMENTAL:
        original = blanks[form_id].read_bytes()
        assert filled.read_bytes()[: len(original)] == original, f"{filler} should append, not rewrite"
    run = subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(filled), str(tmp_path / "page")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert [p.stat().st_size > 0 for p in tmp_path.glob("page*.png")] == [True]


def test_pypdf_filler_refuses_unknown_and_short_names(blanks: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(KeyError, match="name"):
        fill_pypdf(blanks["mentor-application"], tmp_path / "out.pdf", {"name": "Ada"})


def test_detached_radio_kids_keep_the_choice_but_lose_the_group(blanks: dict[str, Path], tmp_path: Path) -> None:
    values = VALUES["mentor-evaluation"]
    filled, detached = tmp_path / "filled.pdf", tmp_path / "detached.pdf"
    fill_mutool(blanks["mentor-evaluation"], filled, values)
    detach_radio_kids(filled, detached)

    expected = expected_fields(blanks["mentor-evaluation"], values)
    radios = {name for name, entry in expected.items() if len(entry.get("on", [])) > 1}
    assert {"availability.enough", "ratings.questions.3.rating"} <= radios
    assert read_fields(detached) == {name: entry for name, entry in expected.items() if name not in radios}

    orphans = [
        annot.get_object()
        for page in PdfReader(detached).pages
        for annot in page.get("/Annots", [])
        if annot.get_object().get("/FT") == "/Btn" and "/Parent" not in annot.get_object()
    ]
    assert all("/T" not in widget for widget in orphans)
    assert len(orphans) == sum(len(expected[name]["on"]) for name in radios)
    chosen = sorted(str(w["/AS"])[1:] for w in orphans if w["/AS"] != "/Off")
    assert chosen == sorted(v for n, v in values.items() if n in radios)


def test_junk_is_varied_cheap_and_harmless_to_stat(blanks: dict[str, Path], tmp_path: Path) -> None:
    started = time.monotonic()
    junk = make_junk(tmp_path / "junk", blanks["mentor-application"])
    assert time.monotonic() - started < 10, "junk must stay cheap to make"
    assert len(junk) >= 15
    assert len(set(junk.values())) == len(junk), "each file should be wrong in its own way"
    for name in junk:
        path = tmp_path / "junk" / name
        os.lstat(path)
        os.stat(path)
    huge = (tmp_path / "junk" / "huge.pdf").stat()
    assert huge.st_size == HUGE_SIZE and huge.st_blocks * 512 < 1024**2, "the huge file must be sparse"
    assert (tmp_path / "junk" / "bomb.pdf").stat().st_size < 5 * 1024**2

    again = make_junk(tmp_path / "again", blanks["mentor-application"])
    assert again == junk
    for name in junk:
        first, second = tmp_path / "junk" / name, tmp_path / "again" / name
        if first.is_file() and not first.is_symlink() and name != "huge.pdf":
            assert first.read_bytes() == second.read_bytes(), f"{name} is not deterministic"
