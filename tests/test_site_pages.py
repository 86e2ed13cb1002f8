"""Page rendering without MkDocs: the template context, dates in the language spoken, errors at file:line."""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

from generator.cache import FOLDER, Cache, unpack
from generator.calendar import program_calendar
from generator.i18n import speaking
from generator.mkdocs_plugin import COLOR_CSS, material_language, material_settings
from generator.pages import FormLink, date_formatter, milestone_views, page_context, render_pages
from generator.problems import InputError
from generator.program import load_program
from generator.site import render_site
from generator.sources import Sources

from .conftest import FEW_FORMS, ROOT, one_language

FORMS = [
    FormLink("mentoring-agreement", "Mentoring agreement", "The pair's contract.", "Mentor and mentee", "forms/x.pdf"),
    FormLink("action-plan", "Action plan", "Goals in order.", "Mentee", "forms/y.pdf"),
]


def _program(program_copy, *replacements: tuple[str, str]):
    path = program_copy(*replacements)
    return load_program(Sources(path)), Sources(path)


def test_context_gives_dates_forms_and_lookups(program_copy) -> None:
    program, _ = _program(program_copy)
    context = page_context(program, FORMS)
    first = context["milestone"]("first-meeting")
    assert (first.date, first.date_text) == (dt.date(2027, 2, 15), "February 15, 2027")
    assert [f.id for f in first.forms] == ["mentoring-agreement"]  # the other two forms are not in FORMS
    assert context["milestone"]("no-such-milestone") is None
    assert context["form"]("action-plan") is FORMS[1] and context["form"]("meeting-notes") is None
    assert [m.date for m in context["milestones"]] == sorted(m.date for m in context["milestones"])
    assert (context["start_date_text"], context["end_date_text"]) == ("February 1, 2027", "January 31, 2028")


def test_dates_follow_the_language_spoken(program_copy) -> None:
    program = load_program(Sources(program_copy(text=one_language("fr-CA"))))
    with speaking(program.program.language):
        assert milestone_views(program, [])[1].date_text == "15 février 2027"
    assert date_formatter("xx-YY")(dt.date(2027, 2, 15)) == "February 15, 2027"  # unknown: English, not a crash


def _with_content(program_copy, pages: dict[str, str]):
    program, sources = _program(program_copy)
    (sources.root / "content").mkdir()
    for name, text in pages.items():
        (sources.root / "content" / name).write_text(text, encoding="utf-8")
    return program, sources


def test_every_broken_page_is_reported_with_file_and_line(program_copy) -> None:
    program, sources = _with_content(
        program_copy,
        {
            "index.md": "# {{ program.name }}\n\n{{ program.nmae }}\n",
            "journey.md": "# Journey\n{% for m in milestones %}\n{{ m.date | date }}\n{% endfor %}\n{{ milestons }}\n",
            "roles.md": "# Roles\n\n{% if %}\n",
            "sessions.md": "# Sessions\n\n{% include 'part.md' %}\n",
            "part.md": "line one\n{{ form('action-plan').titel }}\n",
        },
    )
    with pytest.raises(InputError) as caught:
        render_pages(program, sources, FORMS)
    found = {(Path(p.file).name, p.line): p.message for p in caught.value.problems}
    assert found[("index.md", 3)] == "'program' has no 'nmae'; did you mean 'program.name'?"
    assert found[("journey.md", 5)] == "'milestons' is undefined; did you mean 'milestones'?"
    assert ("roles.md", 3) in found
    assert found[("part.md", 2)] == "'form('action-plan')' has no 'titel'; did you mean 'form('action-plan').title'?"
    assert {Path(p.file).resolve().parent for p in caught.value.problems} == {(sources.root / "content").resolve()}


def test_include_loops_are_located_not_a_recursion_error(program_copy) -> None:
    program, sources = _with_content(
        program_copy,
        {
            "self.md": "# Self\n\n{% include 'self.md' %}\n",
            "a.md": "# A\n{% include 'b.md' %}\n",
            "b.md": "# B\n\n\n{% include 'a.md' %}\n",
        },
    )
    with pytest.raises(InputError) as caught:
        render_pages(program, sources, FORMS)
    found = {(Path(p.file).name, p.line): p.message for p in caught.value.problems}
    assert len(found) == 2, found
    assert found[("self.md", 3)].startswith("an include loop: self.md includes self.md, without end")
    assert found[("b.md", 4)].startswith("an include loop: a.md includes b.md includes a.md, without end")


def test_a_missing_include_names_the_including_page_and_the_pages_there_are(program_copy) -> None:
    program, sources = _with_content(program_copy, {"sessions.md": "# Sessions\n\n{% include 'prat.md' %}\n"})
    with pytest.raises(InputError) as caught:
        render_pages(program, sources, FORMS)
    (problem,) = caught.value.problems
    assert problem.file.endswith("content/sessions.md") and problem.line == 3
    assert problem.message.startswith("this line includes 'prat.md', but content/ has no such page; the pages are: ")
    assert "sessions.md" in problem.message and "index.md" in problem.message


def test_a_page_not_in_utf8_is_located_at_its_first_bad_byte(program_copy) -> None:
    program, sources = _program(program_copy)
    (sources.root / "content").mkdir()
    (sources.root / "content" / "roles.md").write_bytes("# Roles\n\nThe caf\u00e9 meeting\n".encode("latin-1"))
    with pytest.raises(InputError) as caught:
        render_pages(program, sources, FORMS)
    (problem,) = caught.value.problems
    assert (Path(problem.file).name, problem.line, problem.column) == ("roles.md", 3, 8)
    assert "byte 0xE9 is not UTF-8" in problem.message


def test_calendar_is_deterministic_and_honours_source_date_epoch(program_copy, monkeypatch) -> None:
    program, _ = _program(program_copy)
    milestones = milestone_views(program, FORMS)
    assert program_calendar(program, milestones) == program_calendar(program, milestones)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert b"DTSTAMP:20231114T221320Z" in program_calendar(program, milestones)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def _wait_for(url: str, pattern: str, process: subprocess.Popen[bytes], seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "handbook serve stopped"
        try:
            page = _fetch(url)
            if re.search(pattern, page):
                return page
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{pattern!r} never appeared at {url}")


def test_serve_shows_a_program_yaml_edit_in_the_language_it_previews(program_copy) -> None:
    """`serve -l es` previews the Spanish site alone: no English form is rendered for it, before or after the edit."""
    program_file = program_copy()
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "-p", str(program_file), "-a", f"127.0.0.1:{port}", "-l", "es"],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/timeline.html"
        _wait_for(url, "15 de febrero de 2027", process)
        text = program_file.read_text(encoding="utf-8").replace("start: 2027-02-01", "start: 2027-03-01")
        program_file.write_text(text, encoding="utf-8")
        _wait_for(url, "15 de marzo de 2027", process)
    finally:
        process.terminate()
        process.wait(timeout=10)
    cache = Cache(program_file.parent / FOLDER)
    stored = [unpack(cache.get(path.name) or b"")[0] for path in cache.folder.iterdir() if path.name[0] != "."]
    titles = {meta["title"] for meta in stored if "title" in meta}
    assert "Solicitud de aprendiz" in titles, titles
    assert "Mentee application" not in titles, titles


def test_a_preview_of_a_language_the_program_lacks_is_refused(program_copy) -> None:
    with pytest.raises(InputError) as refused:
        render_site(Sources(program_copy()), preview="fr")
    (problem,) = refused.value.problems
    assert problem.file.endswith("program.yaml") and "no language 'fr'" in problem.message
    assert "en, es" in problem.message


def test_serve_shows_a_build_error_in_the_page_and_recovers(program_copy) -> None:
    """A failed rebuild must answer page requests with the error, not hold them until the next good build."""
    program_file = program_copy(text=one_language("en", FEW_FORMS))
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "-p", str(program_file), "-a", f"127.0.0.1:{port}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/forms.html"
        _wait_for(url, "Bridges Workplace Mentoring Program", process)
        text = program_file.read_text(encoding="utf-8")
        program_file.write_text(text.replace("rating_scale:", "ratng_scale:", 1), encoding="utf-8")
        page = _wait_for(url, "could not be built", process)
        assert "ratng_scale" in page and "rating_scale" in page, page
        assert "livereload" in page, "the error page must reload by itself once the error is fixed"
        with pytest.raises(urllib.error.HTTPError) as missing:
            _fetch(f"http://127.0.0.1:{port}/no-such-page.html")
        assert missing.value.code == 404 and b"could not be built" in missing.value.read()
        program_file.write_text(text.replace("Bridges Workplace", "Fixed Workplace", 1), encoding="utf-8")
        _wait_for(url, "Fixed Workplace Mentoring Program", process)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_hex_colour_and_a_logo_reach_the_theme(program_copy) -> None:
    path = program_copy(("color: teal", 'color: "#f2c94c"'), ("  # logo: logo.png", "  logo: art/Logo.PNG"))
    (path.parent / "art").mkdir()
    Image.new("RGB", (8, 8), "teal").save(path.parent / "art" / "Logo.PNG")
    site = render_site(Sources(path), preview="")  # the English site alone: the theme is the same in Spanish
    settings = material_settings(site)
    assert settings.theme["palette"] == {"primary": "custom"}
    assert settings.theme["logo"] == settings.theme["favicon"] == "assets/logo.png"
    assert site.files["assets/logo.png"] == (path.parent / "art" / "Logo.PNG").read_bytes()
    assert settings.extra_css == [COLOR_CSS]
    assert "--md-primary-fg-color: #f2c94c;" in settings.files[COLOR_CSS]
    assert "--md-primary-bg-color: #000000de;" in settings.files[COLOR_CSS]  # dark text on a light header
    assert material_settings(render_site(Sources(program_copy()), preview="")).theme["palette"] == {
        "primary": "teal",
        "accent": "teal",
    }
    assert (material_language("pt-BR"), material_language("fr-CA"), material_language("xx")) == ("pt-BR", "fr", "en")


def test_the_glossary_is_in_alphabetical_order_with_accents(program_copy) -> None:
    """Code-point order (dictsort) would put Ética and Órgano after Zona: readers look among the E's and O's."""
    terms = "  Zona: z.\n  Ética: e.\n  Órgano: o.\n  etapa: e.\n"
    text = one_language("es").replace("glossary:\n", f"glossary:\n{terms}", 1)
    program_file = program_copy(text=text)
    sources = Sources(program_file)
    with speaking("es"):
        page = render_pages(load_program(sources), sources, [])["glossary.md"]
    terms = re.findall(r"^(Zona|Ética|Órgano|etapa|Coaching|Mentor)\b", page, re.M)
    assert terms == ["Coaching", "etapa", "Ética", "Mentor", "Órgano", "Zona"], terms
