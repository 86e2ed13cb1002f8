"""The forms in a second, independent reader: MuPDF fills and saves them, pypdf reads the values back."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

FILL = Path(__file__).parent / "readers" / "fill.js"


@pytest.fixture
def pdfs(blank_forms: dict[str, Path]) -> dict[str, Path]:
    assert shutil.which("mutool"), "MuPDF's mutool is missing: run `bash scripts/test.sh`, which installs it"
    return blank_forms


def test_mupdf_fills_every_form_and_pypdf_reads_it_back(pdfs: dict[str, Path], tmp_path: Path) -> None:
    for form_id, path in pdfs.items():
        out = tmp_path / f"{form_id}-filled.pdf"
        run = subprocess.run(["mutool", "run", str(FILL), str(path), str(out)], capture_output=True, text=True)
        assert run.returncode == 0, f"{form_id}: {run.stderr}"
        fields = PdfReader(out).get_fields() or {}
        typed = [name for name, field in fields.items() if field.value == "Filled by MuPDF"]
        assert len(typed) == 1, f"{form_id}: MuPDF's typing landed in {typed}"
        tooltip = fields[typed[0]].get("/TU")
        assert f"text: {tooltip}" in run.stdout, f"{form_id}: MuPDF saw another field than pypdf"
        if "checkbox: null" not in run.stdout:
            ticked = [name for name, field in fields.items() if field.get("/FT") == "/Btn" and field.value == "/Yes"]
            assert len(ticked) == 1, f"{form_id}: ticking one box gave {ticked}"


def test_mupdf_draws_every_page_without_complaint(pdfs: dict[str, Path], tmp_path: Path) -> None:
    for form_id, path in pdfs.items():
        run = subprocess.run(
            ["mutool", "draw", "-q", "-r", "30", "-o", str(tmp_path / f"{form_id}-%d.png"), str(path)],
            capture_output=True,
            text=True,
        )
        pages = len(PdfReader(path).pages)
        assert run.returncode == 0 and not run.stderr.replace("warning: ICC support is not available\n", ""), run.stderr
        assert len(list(tmp_path.glob(f"{form_id}-*.png"))) == pages
