"""Form definitions in the program's language: the forms catalog, its extractor, and forms loaded in Spanish."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from pypdf import PdfReader

from generator.formdefs import CATALOGUE, FormDef
from generator.forms import load_form_definitions, render_form
from generator.formtext import NOT_TEXT, extract
from generator.i18n import placeholder_problem, read_catalog
from generator.model import Program
from generator.problems import InputError, Problem
from generator.program import load_program
from generator.sources import Sources
from generator.yamlsource import parse_yaml, strings

ROOT = Path(__file__).resolve().parent.parent
FORMS = ROOT / "forms"
TEMPLATE = FORMS / "locale" / "forms.pot"
SPANISH = FORMS / "locale" / "es" / "LC_MESSAGES" / "forms.po"
WORDS = {"title", "description", "who", "intro", "label", "tooltip", "help", "text"}
"""Keys whose values in the shipped forms are all words a translator must see."""


def _spanish(program: Program) -> Program:
    return program.model_copy(update={"program": program.program.model_copy(update={"language": "es"})})


def _extracted(path: Path) -> list[tuple[int, str, list[str]]]:
    with path.open("rb") as handle:
        return [(line, text, comments) for line, _, text, comments in extract(handle, {}, [], {})]


def _po(path: Path, *entries: tuple[str, str]) -> None:
    """A minimal .po file with these (msgid, msgstr) entries."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for msgid, msgstr in entries:
        body += [f'msgid "{msgid}"', f'msgstr "{msgstr}"', ""]
    path.write_text("\n".join(body), encoding="utf-8")


@pytest.fixture(scope="module")
def example() -> tuple[Program, Sources, dict[str, FormDef], dict[str, FormDef]]:
    sources = Sources(ROOT / "program.yaml")
    program = load_program(sources)
    return program, sources, load_form_definitions(program, sources), load_form_definitions(_spanish(program), sources)


@pytest.mark.parametrize("form_id", CATALOGUE)
def test_extraction_finds_every_word_of_a_form_and_no_name(form_id: str) -> None:
    path = FORMS / f"{form_id}.yaml"
    located = parse_yaml(path)
    found = _extracted(path)
    messages = {text for _, text, _ in found}
    for loc, value in strings(located.data):
        if isinstance(loc[-1], str) and loc[-1] in WORDS and value.strip() and "{" not in value:
            assert value in messages, (loc, value)
        if (isinstance(loc[-1], str) and loc[-1] in NOT_TEXT) or loc[0] == "submitter":
            assert value not in messages, (loc, value)
    for line, text, (comment,) in found:
        assert comment.startswith(f"{form_id}: ")
        key = tuple(int(p) - 1 if p.isdigit() else p for p in comment.removeprefix(f"{form_id}: ").split("."))
        assert located.where(key)[0] == line
        assert text in dict(strings(located.data)).values()


def test_extraction_skips_placeholders_alone_and_keeps_placeholders_in_words() -> None:
    found = {text: (line, comments) for line, text, comments in _extracted(FORMS / "mentor-application.yaml")}
    assert "{{ program.agency }}" not in found  # a default that is only a placeholder
    assert "{{ program.privacy_statement or '' }}" not in found
    assert found["Full name"][1] == ["mentor-application: sections.1.fields.1.label"]
    assert found["Yes"][1] == ["mentor-application: sections.4.fields.2.options.1"]
    intro = next(text for text in found if text.startswith("Thank you for offering"))
    assert "{{ program.name }}" in intro and "{{ eligibility.application_deadline | date }}" in intro
    assert found[intro][0] == 6  # where the loader places it too: the `>-` that starts the folded text


def test_the_template_in_the_repository_is_current() -> None:
    method_map, options_map = parse_mapping_cfg(io.StringIO((ROOT / "babel-forms.cfg").read_text()))
    folders = {ROOT, FORMS}
    fresh = {
        message
        for _, _, message, _, _ in extract_from_dir(
            str(ROOT), method_map, options_map, directory_filter=lambda path: Path(path).resolve() in folders
        )
    }
    shipped, problems = read_catalog(TEMPLATE, "forms.pot")
    assert not problems and shipped is not None
    assert fresh == set(shipped.lines), "run the pybabel extract command in babel-forms.cfg"


def test_the_spanish_catalog_is_complete_and_keeps_every_placeholder() -> None:
    template, _ = read_catalog(TEMPLATE, "forms.pot")
    spanish, problems = read_catalog(SPANISH, "forms.po")
    assert template is not None and spanish is not None and not problems
    assert set(spanish.lines) == set(template.lines), "run pybabel update as forms/README.md says"
    assert set(spanish.messages) == set(template.lines), "every entry translated, none fuzzy"
    assert not [m.id for m in spanish.catalog if m.id and m.fuzzy]
    for msgid, msgstr in spanish.messages.items():
        assert placeholder_problem(msgid, msgstr) is None, msgid
        assert msgstr.strip() == msgstr or msgid.strip() != msgid, msgid


def test_a_spanish_form_has_the_english_fields_version_and_answer_ids(example) -> None:
    _, _, english, spanish = example
    assert list(spanish) == list(english) == list(CATALOGUE)
    for form_id in CATALOGUE:
        en, es = english[form_id], spanish[form_id]
        assert es.field_names() == en.field_names()
        assert [(e.kind, [key for key, _ in e.options]) for e in es.entries()] == [
            (e.kind, [key for key, _ in e.options]) for e in en.entries()
        ]
        assert es.version == en.version
        assert es.title != en.title


def test_a_spanish_form_reads_the_spanish_catalog(example) -> None:
    _, _, english, spanish = example
    catalog, _ = read_catalog(SPANISH, "forms.po")
    assert catalog is not None
    for form_id in CATALOGUE:
        en, es = english[form_id], spanish[form_id]
        assert (es.title, es.description, es.who) == tuple(
            catalog.messages[t] for t in (en.title, en.description, en.who)
        )
        for en_section, es_section in zip(en.sections, es.sections, strict=True):
            if en_section.title in catalog.messages:
                assert es_section.title == catalog.messages[en_section.title]
    role = next(e for e in spanish["check-up-90-day"].entries() if e.name == "who.role")
    assert role.label == "Soy" and role.options == (("mentor", "Mentor"), ("mentee", "Aprendiz"))
    commit = next(e for e in spanish["mentor-application"].entries() if e.name == "availability.commit")
    assert commit.options == (("yes", "Sí"), ("no", "No"), ("not_sure_yet", "Aún no lo sé"))
    duration = spanish["mentoring-agreement"].sections[1].fields[4]
    assert duration.default == "12 meses, del 1 de febrero de 2027 al 31 de enero de 2028"


def test_program_yaml_words_are_not_looked_up(example) -> None:
    program, sources, _, _ = example
    settings = program.forms["mentor-evaluation"].model_copy(update={"title": "How was your mentor?"})
    program = _spanish(program.model_copy(update={"forms": {**program.forms, "mentor-evaluation": settings}}))
    form = load_form_definitions(program, sources)["mentor-evaluation"]
    assert form.title == "How was your mentor?"
    extra = next(s for s in form.sections if s.id == "extra")
    assert extra.fields[0].label == settings.extra_questions[0].label


OWN_FORM = """\
title: Skills exchange
description: Offer a skill to a colleague.
who: Anyone
sections:
  - id: offer
    title: "Your offer, {{ program.short_name }}"
    fields:
      - {type: text, name: skill, label: Skills to offer}
      - type: choice
        name: when
        label: When
        options: [Mornings, Not sure yet]
"""


def test_a_program_form_without_its_translations_is_refused_at_each_text(program_copy) -> None:
    program_file = program_copy()
    (program_file.parent / "forms").mkdir()
    (program_file.parent / "forms" / "skills-exchange.yaml").write_text(OWN_FORM, encoding="utf-8")
    own = program_file.parent / "forms" / "locale" / "es" / "LC_MESSAGES" / "forms.po"
    _po(own, ("Skills exchange", "Intercambio de habilidades"), ("Offer a skill to a colleague.", ""))
    sources = Sources(program_file)
    with pytest.raises(InputError) as caught:
        load_form_definitions(_spanish(load_program(sources)), sources)
    problems = [p for p in caught.value.problems if p.file.endswith("skills-exchange.yaml")]
    assert {(p.line, p.column) for p in problems} == {(2, 14), (3, 6), (6, 12), (8, 42), (11, 16), (12, 19)}
    skills = next(p for p in problems if p.line == 8)
    assert skills.key == "sections.1.fields.1.label"
    assert "no Spanish translation of 'Skills to offer'" in skills.message
    assert sources.display(own) in skills.message
    fuzzy = next(p for p in problems if p.line == 2)
    assert f"{sources.display(own)}:" in fuzzy.message and "empty or marked fuzzy" in fuzzy.message
    assert all(not p.file.endswith(".po") for p in caught.value.problems)


def test_a_program_catalog_translates_its_own_form_and_overrides_the_shipped_words(program_copy) -> None:
    program_file = program_copy()
    (program_file.parent / "forms").mkdir()
    (program_file.parent / "forms" / "skills-exchange.yaml").write_text(OWN_FORM, encoding="utf-8")
    own = program_file.parent / "forms" / "locale" / "es" / "LC_MESSAGES" / "forms.po"
    _po(
        own,
        ("Skills exchange", "Intercambio de habilidades"),
        ("Offer a skill to a colleague.", "Ofrezca una habilidad a un colega."),
        ("Anyone", "Cualquier persona"),
        ("Your offer, {{ program.short_name }}", "Su oferta en {{ program.short_name }}"),
        ("Skills to offer", "Habilidades que ofrece"),
        ("When", "Cuándo"),
        ("Mornings", "Por las mañanas"),
        ("Mentor application", "Solicitud para ser mentor"),
    )
    sources = Sources(program_file)
    forms = load_form_definitions(_spanish(load_program(sources)), sources)
    own_form = forms["skills-exchange"]
    assert own_form.title == "Intercambio de habilidades"
    assert own_form.sections[0].title == "Su oferta en Bridges"
    when = next(e for e in own_form.entries() if e.name == "offer.when")
    assert when.options == (("mornings", "Por las mañanas"), ("not_sure_yet", "Aún no lo sé"))
    assert forms["mentor-application"].title == "Solicitud para ser mentor"
    assert forms["mentee-application"].title == "Solicitud de aprendiz"


def _only_problem(program_file: Path) -> tuple[Problem, Sources]:
    """The one problem loading the program's forms in Spanish reports, and the sources that display its file."""
    sources = Sources(program_file)
    with pytest.raises(InputError) as caught:
        load_form_definitions(_spanish(load_program(sources)), sources)
    (problem,) = caught.value.problems
    return problem, sources


def test_a_translation_that_breaks_a_placeholder_is_refused_at_its_entry(program_copy) -> None:
    program_file = program_copy()
    own = program_file.parent / "forms" / "locale" / "es" / "LC_MESSAGES" / "forms.po"
    _po(own, ("Recommend {{ program.short_name }} to a colleague", "Recomendar el programa a un colega"))
    problem, sources = _only_problem(program_file)
    assert (problem.file, problem.line) == (sources.display(own), 5)
    assert "{{ program.short_name }}" in problem.message


def test_an_unreadable_catalog_is_refused_in_the_catalog(program_copy) -> None:
    program_file = program_copy()
    own = program_file.parent / "forms" / "locale" / "es" / "LC_MESSAGES" / "forms.po"
    own.parent.mkdir(parents=True)
    own.write_text('msgid ""\nmsgstr ""\n\nthis is not a catalog\n', encoding="utf-8")
    problem, sources = _only_problem(program_file)
    assert (problem.file, problem.line) == (sources.display(own), 4)
    assert "cannot read this catalog" in problem.message


def test_a_translation_too_long_for_a_page_is_blamed_on_its_entry(program_copy) -> None:
    program_file = program_copy()
    own = program_file.parent / "forms" / "locale" / "es" / "LC_MESSAGES" / "forms.po"
    _po(own, ("Notes", " ".join(["Notas"] * 2500)))
    sources = Sources(program_file)
    program = _spanish(load_program(sources))
    form = load_form_definitions(program, sources)["meeting-notes"]
    with pytest.raises(InputError) as caught:
        render_form(program, form, sources)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == (sources.display(own), 5)
    assert "too long to fit on one page of the 'meeting-notes' form" in problem.message


def test_a_language_without_any_catalog_is_one_problem(example) -> None:
    program, sources, _, _ = example
    french = program.model_copy(update={"program": program.program.model_copy(update={"language": "fr"})})
    with pytest.raises(InputError) as caught:
        load_form_definitions(french, sources)
    (problem,) = caught.value.problems
    assert "no French translation" in problem.message and "pybabel init -D forms" in problem.message


def test_a_spanish_pdf_carries_the_spanish_words(example) -> None:
    program, sources, _, spanish = example
    reader = PdfReader(io.BytesIO(render_form(_spanish(program), spanish["mentor-application"], sources)))
    tooltips = {name: field.get("/TU") for name, field in (reader.get_fields() or {}).items()}
    assert tooltips["contact.name"] == "Nombre completo"
    assert tooltips["experience.prior"] == "Su experiencia previa como mentor o como aprendiz"
    text = reader.pages[0].extract_text()
    assert "Solicitud de mentor" in text and "a más tardar el" in text


def test_the_footer_names_the_spanish_form_whole() -> None:
    """The footer gives the program's short name, so a long Spanish title is never cut beside the revision."""
    sources = Sources(ROOT / "program.yaml")
    program = load_program(sources, "es")
    form = load_form_definitions(program, sources)["confidentiality-agreement"]
    reader = PdfReader(io.BytesIO(render_form(program, form, sources)))
    for page in reader.pages:
        text = page.extract_text()
        assert f"{program.program.short_name} · {form.title}" in text and "…" not in text, text
