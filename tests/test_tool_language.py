"""The tool's own words in the language spoken: the handbook catalog is current and complete, and pages, calendar,
PDFs and coordinator outputs read it, with dates and numbers as the language writes them."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from pathlib import Path

import pytest
import yaml
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po
from icalendar import Calendar
from pypdf import PdfReader

from generator.calendar import program_calendar
from generator.forms import RenderedPdf, form_infos, load_form_definitions, render_form
from generator.generated import generated_pages
from generator.i18n import TOOL_LOCALE, check_catalog, speaking, tool_catalog
from generator.matching.candidates import Person
from generator.matching.outputs import Left, Pair, write_outputs
from generator.matching.rules import conflict
from generator.mkdocs_plugin import NAV_TITLES
from generator.pages import form_links, milestone_views, template_environment
from generator.program import load_program
from generator.reporting.figures import Distribution, Figures, Series, Step
from generator.reporting.page import render
from generator.sources import Sources

from .conftest import EXAMPLE, ROOT

TEMPLATE = TOOL_LOCALE / "handbook.pot"
SPANISH = TOOL_LOCALE / "es" / "LC_MESSAGES" / "handbook.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def _ids(path: Path) -> set[str | tuple[str, ...]]:
    with path.open("rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


def _translations() -> dict[str, str]:
    """Every English message (singular and plural) whose Spanish differs, by its Spanish (first form)."""
    with SPANISH.open("rb") as handle:
        catalog = read_po(handle)
    out = {}
    for message in catalog:
        if not message.id:
            continue
        ids = (message.id,) if isinstance(message.id, str) else message.id
        strings = (message.string,) if isinstance(message.string, str) else message.string
        for english in ids:
            if english not in strings:
                out[english] = strings[0]
    return out


def _english_left(text: str) -> list[str]:
    """The catalog's English phrases (runs of two words or more between placeholders and tags) found in `text`."""
    found = []
    for english in _translations():
        for part in PLACEHOLDER.split(english):
            part = part.strip(" ,.;:()")
            if len(re.findall(r"[A-Za-z]{2,}", re.sub(r"<[^>]*>", " ", part))) >= 2 and part in text:
                found.append(part)
    return found


def test_the_shipped_template_holds_every_word_the_code_and_templates_mark(tmp_path, monkeypatch) -> None:
    """What scripts/catalogs.sh extracts from the sources now is what generator/locale/handbook.pot holds."""
    monkeypatch.chdir(ROOT)
    fresh = tmp_path / "handbook.pot"
    CommandLineInterface().run(
        [
            "pybabel",
            "--quiet",
            "extract",
            "-F",
            "babel.cfg",
            "-o",
            str(fresh),
            "--ignore-dirs",
            ".* ._ node_modules site",
            ".",
        ]
    )
    extracted = _ids(fresh)
    assert extracted == _ids(TEMPLATE), "run `bash scripts/catalogs.sh` and translate what it adds"
    assert "Download the %(title)s (PDF, %(size)s, %(pages)s)" in extracted  # from the forms page's template
    assert ("{count} page", "{count} pages") in extracted  # ngettext with its plural
    assert "Page {page} of" in extracted and "Welcome" in extracted


def test_the_spanish_catalog_is_complete_and_keeps_every_placeholder() -> None:
    _, problems = tool_catalog("es")
    assert problems == ()
    assert _ids(SPANISH) == _ids(TEMPLATE)


def test_a_broken_catalog_is_reported_entry_by_entry_at_its_line(tmp_path) -> None:
    text = SPANISH.read_text(encoding="utf-8")
    cut = 'msgid "Program starts"\nmsgstr "Inicio del programa"\n'
    assert cut in text and 'msgid "Page {page} of"\nmsgstr "Página {page} de"\n' in text
    text = text.replace(cut, "").replace('msgstr "Página {page} de"', 'msgstr "Página de"')
    text = re.sub(r'(msgid_plural "\{count\} pages"\nmsgstr\[0\] "[^"]*"\nmsgstr\[1\] )"[^"]*"', r'\1""', text)
    text = text.replace('msgid "Answer"\n', '#, fuzzy\nmsgid "Answer"\n')
    po = tmp_path / "es" / "LC_MESSAGES" / "handbook.po"
    po.parent.mkdir(parents=True)
    po.write_text(text, encoding="utf-8")
    lines = text.splitlines()

    _, problems = check_catalog(po, TEMPLATE, "es")
    found = {p.message: (Path(p.file).name, p.line) for p in problems}
    assert len(found) == 4, found
    missing = found["the Spanish translation of 'Program starts' is missing; translate it (and clear the fuzzy mark)"]
    assert (
        missing[0] == "handbook.pot" and TEMPLATE.read_text().splitlines()[missing[1] - 1] == 'msgid "Program starts"'
    )
    placeholder = "'Page {page} of': the translation must keep the placeholders {page} exactly; it has none"
    assert found[placeholder][0] == "handbook.po" and lines[found[placeholder][1] - 1] == 'msgid "Page {page} of"'
    plural = found[
        "the Spanish translation of '{count} page' is empty or incomplete; translate it (and clear the fuzzy mark)"
    ]
    assert lines[plural[1] - 1] == 'msgid "{count} page"'
    fuzzy = found["the Spanish translation of 'Answer' is marked fuzzy; translate it (and clear the fuzzy mark)"]
    assert lines[fuzzy[1] - 1] == 'msgid "Answer"'


@pytest.fixture(scope="module")
def example():
    sources = Sources(EXAMPLE)
    program = load_program(sources)
    forms = form_links(form_infos(program, sources))
    return program, sources, forms, {form.id: RenderedPdf(bytes(900), 2) for form in forms}


def test_generated_pages_speak_spanish_with_the_same_anchors(example) -> None:
    program, _, forms, pdfs = example
    english = generated_pages(program, forms, pdfs)
    with speaking("es"):
        spanish = generated_pages(program, forms, pdfs)
    assert _english_left(english["forms.md"]) and _english_left(english["timeline.md"]), "the check finds English"
    for name, page in spanish.items():
        assert _english_left(page) == [], name
    forms_page, timeline = spanish["forms.md"], spanish["timeline.md"]
    assert forms_page.startswith("# Formularios\n") and timeline.startswith("# Cronograma\n")
    assert "del **1 de febrero de 2027** al **31 de enero de 2028**" in timeline
    assert '<time datetime="2027-02-01">1 de febrero de 2027</time> | Inicio del programa |' in timeline
    assert "(PDF, 1 KB, 2 páginas)" in forms_page and "cuando lo necesite" in forms_page
    for anchor in ("{ #returning }", "{ #keyboard-and-screen-reader }", "](#keyboard-and-screen-reader)"):
        assert anchor in forms_page and anchor in english["forms.md"]
    for form in forms:
        assert f"{{ #{form.id} }}" in forms_page and f"(forms.md#{form.id})" in timeline


def test_nav_titles_of_the_shipped_site_are_in_the_catalog() -> None:
    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    assert [title for entry in nav for title in entry] == list(NAV_TITLES)


def test_the_calendar_speaks_spanish(example) -> None:
    program, _, forms, _ = example
    with speaking("es"):
        calendar = Calendar.from_ical(program_calendar(program, milestone_views(program, forms)))
    summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert "Bridges: Inicio del programa" in summaries and "Bridges: Fin del programa" in summaries
    assert str(calendar["X-WR-CALDESC"]).startswith("Fechas clave de ")
    descriptions = [str(event["DESCRIPTION"]) for event in calendar.walk("VEVENT")]
    assert any(text.startswith("Inicio del programa, Bridges Workplace Mentoring Program.") for text in descriptions)
    assert any("\nFormularios: " in text for text in descriptions)


def test_pages_and_form_placeholders_format_dates_and_numbers_in_the_language_spoken(program_copy) -> None:
    assert template_environment("es").from_string("{{ 1234.5 | number }}").render() == "1.234,5"
    program_file = program_copy()
    forms = program_file.parent / "forms"
    forms.mkdir()
    shutil.copy(ROOT / "forms" / "meeting-notes.yaml", forms / "meeting-notes.yaml")
    with (forms / "meeting-notes.yaml").open("a", encoding="utf-8") as text:
        text.write(
            "  - id: dates\n    title: Dates\n    fields:\n      - type: paragraph\n"
            '        text: "Ends {{ end_date | date }}, {{ (schedule.session_minutes * 100) | number }} minutes."\n'
        )
    catalog = forms / "locale" / "es" / "LC_MESSAGES" / "forms.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text(
        'msgid "Dates"\nmsgstr "Fechas"\n\n'
        'msgid "Ends {{ end_date | date }}, {{ (schedule.session_minutes * 100) | number }} minutes."\n'
        'msgstr "Termina el {{ end_date | date }}; {{ (schedule.session_minutes * 100) | number }} minutos."\n',
        encoding="utf-8",
    )
    sources = Sources(program_file)
    form = load_form_definitions(load_program(sources, "es"), sources)["meeting-notes"]
    assert form.sections[-1].fields[0].text == "Termina el 31 de enero de 2028; 6.000 minutos."
    english = load_form_definitions(load_program(sources), sources)["meeting-notes"]
    assert english.sections[-1].fields[0].text == "Ends January 31, 2028, 6,000 minutes."


def test_a_pdf_rendered_in_spanish_has_spanish_page_furniture_and_tooltips() -> None:
    sources = Sources(EXAMPLE)
    program = load_program(sources, "es")
    form = load_form_definitions(program, sources)["meeting-notes"]
    pdf = PdfReader(io.BytesIO(render_form(program, form, sources)))
    first = pdf.pages[0].extract_text()
    assert "Página 1 de" in first and "Formulario meeting-notes, rev. 1 de febrero de 2027" in first
    assert "Page 1 of" not in first
    tooltips = [str(field.get("/TU", "")) for field in pdf.get_fields().values()]
    assert any(tip.endswith("(una fecha, con el formato AAAA-MM-DD)") for tip in tooltips), tooltips
    assert "mentoría, formulario" in pdf.metadata["/Keywords"]


def test_the_evaluation_report_speaks_spanish_with_its_numbers() -> None:
    figures = Figures(
        program="Puentes",
        agency="Agencia",
        minimum_group=5,
        date=dt.date(2027, 2, 1),
        funnel=[Step("Solicitudes", 1234), Step("Parejas", None)],
        ratings=[Distribution("¿Cómo fue?", ["Mal", "Bien"], [Series("Evaluación", [None, 7], 12)])],
        progress=[],
        skills=[],
        applicants=(None, None),
        free_text=None,
    )
    with speaking("es"):
        page = render(figures)
    assert '<html lang="es">' in page and "<h1>Informe de evaluación</h1>" in page
    assert "Formularios entregados y recopilados hasta el 1 de febrero de 2027." in page
    assert '<td class="n">1.234</td>' in page and '<td class="n">oculto</td>' in page
    assert "Bien: 7 (58\N{NO-BREAK SPACE}%)." in page and "Respuestas a: ¿Cómo fue?" in page
    assert _english_left(page) == []


def test_the_match_review_speaks_spanish_and_its_csv_files_keep_their_data(tmp_path) -> None:
    ana = Person("Ana Ruiz", "ana@example.gov", "Luis Paz", "luis@example.gov", frozenset(), {}, "ana.pdf")
    luis = Person("Luis Paz", "luis@example.gov", "", "", frozenset(), {}, "luis.pdf", capacity=3)
    context = {
        "program_name": "Puentes",
        "minimum": 1.5,
        "weights": [("about.style", "Estilo", 2.5, False)],
        "mentee_count": 1,
        "mentor_count": 1,
        "unmatched_count": 1,
    }
    with speaking("es"):
        why = conflict(ana, luis)
        pairs = [Pair(ana, luis, 3.25, [], locked=True)]
        write_outputs(tmp_path, pairs, [Left("mentee", ana, why), Left("mentor", luis, "2 de 3")], [], context)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in page and "<h1>Parejas de mentoría propuestas</h1>" in page
    assert "Puentes: 1 pareja propuesta a partir de 1 solicitudes de aprendices y 1 de mentores;" in page
    assert "1 aprendiz sin mentor." in page and "al menos 1,5:" in page and "más 2,5 por dar la misma respuesta" in page
    assert (
        '<td class="score">3,25</td>' in page and "<td>la persona mentora supervisa a la persona aprendiz</td>" in page
    )
    assert "<td>Aprendiz</td>" in page and "<td>Mentor</td>" in page
    assert _english_left(page) == []
    matches = (tmp_path / "matches.csv").read_text(encoding="utf-8").splitlines()
    assert matches[0].endswith(",score,reasons") and matches[1].endswith(
        ",3.25,pareja fijada por la coordinación del programa"
    )
    unmatched = (tmp_path / "unmatched.csv").read_text(encoding="utf-8").splitlines()
    assert unmatched[0] == "role,name,email,source_file,reason" and unmatched[1].startswith("mentee,Ana Ruiz,")
