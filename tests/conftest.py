"""Shared fixtures: the shipped example program and ways to make broken copies of it."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "program.yaml"


@pytest.fixture(scope="session")
def blank_forms(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example program's blank forms as PDF files, rendered once for the whole run."""
    from generator.forms import render_forms
    from generator.program import load_program
    from generator.sources import Sources

    sources = Sources(EXAMPLE)
    folder = tmp_path_factory.mktemp("blank-forms")
    written = {}
    for form_id, data in render_forms(load_program(sources), sources).items():
        written[form_id] = folder / f"{form_id}.pdf"
        written[form_id].write_bytes(data)
    return written


FEW_FORMS = ("mentee-application", "meeting-notes")
"""Forms enough for a test of how a build writes its folder, not of the forms: two render in a fraction of thirteen's
time."""


def one_language(language: str, forms: Iterable[str] | None = None) -> str:
    """The example as a program in one language, `language`, with the English words of every per-language text.

    With `forms`, only those forms are enabled (and named by milestones): for tests of builds, not of forms, each
    of which would otherwise wait for all thirteen PDFs.
    """

    def english(data: object) -> object:
        if isinstance(data, dict):
            if data.keys() == {"en", "es"}:
                return english(data["en"])
            return {key: english(value) for key, value in data.items()}
        if isinstance(data, list):
            return [english(item) for item in data]
        return data

    program = english(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))
    del program["program"]["languages"]
    program["program"]["language"] = language
    if forms is not None:
        kept = set(forms)
        for milestone in program["schedule"]["milestones"]:
            milestone["forms"] = [form for form in milestone.get("forms", []) if form in kept]
        for path in (ROOT / "forms").glob("*.yaml"):
            if path.stem not in kept:
                program["forms"][path.stem] = {"enabled": False}
    return yaml.safe_dump(program, allow_unicode=True, sort_keys=False)


@pytest.fixture
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture
def program_copy(tmp_path: Path):
    """Write a program folder from example text with replacements; return its program.yaml path."""

    def make(*replacements: tuple[str, str], text: str | None = None) -> Path:
        body = EXAMPLE.read_text(encoding="utf-8") if text is None else text
        for old, new in replacements:
            assert old in body, f"fixture text not found: {old!r}"
            body = body.replace(old, new, 1)
        target = tmp_path / "prog" / "program.yaml"
        target.parent.mkdir(exist_ok=True)
        target.write_text(body, encoding="utf-8")
        return target

    return make


@pytest.fixture
def example_folder(tmp_path: Path) -> Path:
    """The example program in English only, in a folder of its own (program.yaml only; defaults supply the rest).

    One language, so a form or page a test writes in English needs no translation and each build renders one site.
    """
    folder = tmp_path / "example"
    folder.mkdir()
    (folder / "program.yaml").write_text(one_language("en"), encoding="utf-8")
    return folder / "program.yaml"


@pytest.fixture
def bilingual_folder(tmp_path: Path) -> Path:
    """A copy of the example program folder as shipped, in English and Spanish."""
    folder = tmp_path / "bilingual"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "program.yaml")
    return folder / "program.yaml"
