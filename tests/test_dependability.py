"""Builds coordinators can rely on: cached, deterministic, offline, and never leaving a broken site behind."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

import generator.forms
from generator.build import build_site
from generator.cache import FOLDER
from generator.cli import main
from generator.forms import RenderedPdf
from generator.output import exchange
from generator.program import load_program
from generator.sources import Sources

from .conftest import EXAMPLE, FEW_FORMS, ROOT, one_language

PROGRAM = load_program(Sources(EXAMPLE))
ENABLED = sorted(p.stem for p in (ROOT / "forms").glob("*.yaml") if PROGRAM.form_enabled(p.stem))


SOME = (*FEW_FORMS, "action-plan")
"""Forms enough to see which of them a rebuild renders again."""
SOME_ENABLED = sorted(SOME)


def tree(folder: Path) -> dict[str, str]:
    """Every file under folder by its relative path, with the digest of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class Renders:
    """The ids of the forms the real renderer is asked for, in order, in this process or a forked worker."""

    def __init__(self, log: Path) -> None:
        self.log = log

    def add(self, form_id: str) -> None:
        with self.log.open("a", encoding="utf-8") as out:  # one short append: whole lines from any process
            out.write(form_id + "\n")

    def __iter__(self) -> Iterator[str]:
        return iter(self.log.read_text(encoding="utf-8").split() if self.log.exists() else [])

    def __eq__(self, other: object) -> bool:
        return list(self) == other

    def clear(self) -> None:
        self.log.unlink(missing_ok=True)


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Renders:
    calls = Renders(tmp_path / "renders.log")
    real: Callable[..., RenderedPdf] = generator.forms.rendered_form

    def counting(program, form, sources) -> RenderedPdf:  # type: ignore[no-untyped-def]
        calls.add(form.id)
        return real(program, form, sources)

    monkeypatch.setattr(generator.forms, "rendered_form", counting)
    return calls


def test_a_rebuild_renders_only_the_forms_whose_inputs_changed(program_copy, tmp_path: Path, renders) -> None:
    """In a Spanish program, so the forms' catalogs are among the inputs too."""
    program_file = program_copy(text=one_language("es", SOME))
    site = tmp_path / "site"
    build_site(program_file, site)
    assert sorted(renders) == SOME_ENABLED
    first = tree(site)

    renders.clear()
    build_site(program_file, site)
    assert renders == [], "nothing changed, yet forms were rendered again"
    assert tree(site) == first

    (program_file.parent / "content" / "es").mkdir(parents=True)
    (program_file.parent / "content" / "es" / "index.md").write_text("# Hola\n\nDesde {{ program.short_name }}.\n")
    build_site(program_file, site)
    assert renders == [], "a page changed, not a form"
    assert "Desde Bridges" in (site / "index.html").read_text(encoding="utf-8")

    text = program_file.read_text(encoding="utf-8")
    program_file.write_text(text.replace("- Negotiating\n", "- Negotiating contracts\n", 1), encoding="utf-8")
    build_site(program_file, site)
    assert sorted(renders) == SOME_ENABLED, "every form's key holds the whole program"
    assert tree(site)["forms/mentee-application.pdf"] != first["forms/mentee-application.pdf"]

    renders.clear()
    catalog = program_file.parent / "forms" / "locale" / "es" / "LC_MESSAGES" / "forms.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text('msgid "Our plan"\nmsgstr "Nuestro plan"\n', encoding="utf-8")
    build_site(program_file, site)
    assert sorted(renders) == SOME_ENABLED, "the forms' catalog is part of every form's key"

    renders.clear()
    plan = (ROOT / "forms" / "action-plan.yaml").read_text(encoding="utf-8")
    (program_file.parent / "forms" / "action-plan.yaml").write_text(plan.replace("Mentoring action plan", "Our plan"))
    build_site(program_file, site)
    assert renders == ["action-plan"]
    assert "Nuestro plan" in (site / "forms.html").read_text(encoding="utf-8")


def test_a_damaged_cache_is_rendered_again_and_no_cache_bypasses_it(program_copy, tmp_path: Path, renders) -> None:
    program_file = program_copy(text=one_language("en", SOME))
    build_site(program_file, tmp_path / "first")
    entries = sorted((program_file.parent / FOLDER).iterdir())
    assert len(entries) == len(SOME_ENABLED) + 1  # one per form and one for the whole render
    for number, entry in enumerate(entries):
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2] if number % 2 else data[:-1] + bytes([data[-1] ^ 1]))

    renders.clear()
    build_site(program_file, tmp_path / "second")
    assert sorted(renders) == SOME_ENABLED
    assert tree(tmp_path / "second") == tree(tmp_path / "first")

    renders.clear()
    before = tree(program_file.parent / FOLDER)
    result = CliRunner().invoke(main, ["build", "--no-cache", "-p", str(program_file), "-o", str(tmp_path / "third")])
    assert result.exit_code == 0, result.output
    assert sorted(renders) == SOME_ENABLED
    assert tree(program_file.parent / FOLDER) == before, "--no-cache must not write the cache either"
    assert tree(tmp_path / "third") == tree(tmp_path / "first")


LOADED_AFTER_BUILD = """
import sys
from generator.cli import main
try:
    main(sys.argv[1:], prog_name="handbook")
finally:
    print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_a_cached_rebuild_loads_no_model_or_renderer_and_notices_a_new_logo(program_copy, tmp_path: Path) -> None:
    """The cached path must stay cheap: importing pydantic or ReportLab would cost more than the rest of it."""
    text = one_language("en", FEW_FORMS).replace("  color: teal", "  logo: logo.png\n  color: teal")
    program_file = program_copy(text=text)
    Image.new("RGB", (8, 8), "teal").save(program_file.parent / "logo.png")
    site = tmp_path / "site"
    command = [sys.executable, "-c", LOADED_AFTER_BUILD, "build", "-p", str(program_file), "-o", str(site)]
    probe = [sys.executable, "-c", LOADED_AFTER_BUILD, "schema"]
    assert "pydantic" in subprocess.run(probe, capture_output=True, text=True, timeout=120, check=True).stdout.split()
    subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)  # renders in worker processes
    logo = (site / "assets" / "logo.png").read_bytes()

    again = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout.split()
    assert not {"pydantic", "reportlab", "pypdf", "icalendar"} & set(again), again
    assert (site / "assets" / "logo.png").read_bytes() == logo

    Image.new("RGB", (8, 8), "orange").save(program_file.parent / "logo.png")
    subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    assert (site / "assets" / "logo.png").read_bytes() == (program_file.parent / "logo.png").read_bytes() != logo


def test_two_builds_give_the_same_bytes_with_and_without_source_date_epoch(
    program_copy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On three forms: every form is drawn by the same code, and each form's own bytes are compared elsewhere."""
    program_file = program_copy(text=one_language("en", SOME))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    build_site(program_file, tmp_path / "a", use_cache=False)
    assert "SOURCE_DATE_EPOCH" not in os.environ, "the build must not leak its date into the process"
    time.sleep(1.1)  # a date taken from the clock (sitemap.xml.gz's mtime has seconds) would now differ
    build_site(program_file, tmp_path / "b")  # fills the cache
    build_site(program_file, tmp_path / "c")  # from the cache
    assert tree(tmp_path / "a") == tree(tmp_path / "b") == tree(tmp_path / "c")
    assert "<lastmod>2027-02-01</lastmod>" in (tmp_path / "a" / "sitemap.xml").read_text(encoding="utf-8")

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build_site(program_file, tmp_path / "d", use_cache=False)
    time.sleep(1.1)
    build_site(program_file, tmp_path / "e")
    assert tree(tmp_path / "d") == tree(tmp_path / "e")
    assert "<lastmod>2023-11-14</lastmod>" in (tmp_path / "d" / "sitemap.xml").read_text(encoding="utf-8")
    assert b"20231114221320" in (tmp_path / "d" / "forms" / "action-plan.pdf").read_bytes()  # CreationDate


NO_NETWORK = """
import socket, sys

def refuse(*args, **kwargs):
    sys.stderr.write(f"NETWORK ACCESS {args!r}\\n")
    raise OSError("no network during a build")

socket.socket.connect = socket.socket.connect_ex = socket.socket.sendto = refuse
socket.getaddrinfo = socket.gethostbyname = socket.gethostbyname_ex = socket.create_connection = refuse

from generator.cli import main
main(sys.argv[1:], prog_name="handbook")
"""


def test_a_build_never_touches_the_network(program_copy, tmp_path: Path) -> None:
    """Guards are installed before anything is imported, so import-time lookups would be caught too."""
    program_file = program_copy(text=one_language("en").replace("  color: teal", "  logo: logo.png\n  color: teal"))
    Image.new("RGB", (8, 8), "teal").save(program_file.parent / "logo.png")
    result = subprocess.run(
        [sys.executable, "-c", NO_NETWORK, "build", "--no-cache", "-p", str(program_file), "-o", str(tmp_path / "s")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "NETWORK ACCESS" not in result.stderr, result.stderr
    assert len(list((tmp_path / "s" / "forms").glob("*.pdf"))) == len(ENABLED)


def _whole(site: Path, files: set[str], names: list[str]) -> str:
    """The site's program name, after checking the site is one complete build of one of `names`."""
    assert site.is_dir(), "no site at all"
    assert set(tree(site)) == files, "files missing or extra"
    for pdf in site.glob("forms/*.pdf"):
        assert len(PdfReader(pdf).pages) >= 1, pdf.name
    found = {n for n in names for page in ("index.html", "forms.html") if n in (site / page).read_text("utf-8")}
    assert len(found) == 1, f"pages from different builds: {found}"
    return found.pop()


def test_killing_a_build_at_any_moment_leaves_the_last_good_site(program_copy, tmp_path: Path) -> None:
    program_file = program_copy(text=one_language("en", FEW_FORMS))
    site = tmp_path / "site"
    build_site(program_file, site, use_cache=False)
    files = set(tree(site))
    names = ["Bridges Workplace Mentoring Program"]
    command = [sys.executable, "-m", "generator", "build", "--no-cache", "-p", str(program_file), "-o", str(site)]
    for number, delay in enumerate([0.2, 0.5, 0.8, 1.1, 1.4, 1.8]):  # from starting up to swapping in the site
        names.append(f"Kill Test {number} Program")
        text = program_file.read_text(encoding="utf-8")
        program_file.write_text(re.sub(r"(?m)^(  name: ).*$", rf"\g<1>{names[-1]}", text, count=1), encoding="utf-8")
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        _whole(site, files, names)

    subprocess.run(command, check=True, capture_output=True)
    assert _whole(site, files, names) == names[-1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["prog", "site"], "leftovers of killed builds remain"


def test_exchange_swaps_two_folders_in_one_step(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "which").write_text("a")
    (tmp_path / "b" / "which").write_text("b")
    if not exchange(tmp_path / "a", tmp_path / "b"):
        pytest.skip("no atomic exchange on this system; builds fall back to two renames")
    assert (tmp_path / "a" / "which").read_text() == "b"
    assert (tmp_path / "b" / "which").read_text() == "a"
