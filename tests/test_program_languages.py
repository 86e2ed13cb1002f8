"""program.yaml in several languages: texts given per language, read in each; ids and field names alike in all."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.forms import load_form_definitions
from generator.model import Program
from generator.problems import InputError
from generator.program import load_program, load_programs, program_languages
from generator.sources import Sources

from .conftest import EXAMPLE, one_language

CLOSURE = "title: {en: Closure and celebration, es: Cierre y celebración}"
NEGOTIATING = "  - {en: Negotiating, es: Negociar}\n"


def problems_of(path: Path, language: str | None = None) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_program(Sources(path), language)
    return [str(p) for p in caught.value.problems]


def place_of(path: Path, needle: str) -> str:
    """file:line:col of the first occurrence of needle, as problems name it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if needle in text)
    return f"program.yaml:{line}:{lines[line - 1].index(needle) + 1}:"


@pytest.fixture(scope="module")
def example() -> dict[str, Program]:
    return load_programs(Sources(EXAMPLE))


def test_the_example_loads_in_each_language_and_speaks_it(example: dict[str, Program]) -> None:
    assert list(example) == ["en", "es"] == program_languages(Sources(EXAMPLE))
    for language, program in example.items():
        assert program.program.language == language
        assert program.languages == program.program.languages == ["en", "es"]
    assert load_program(Sources(EXAMPLE)) == example["en"]
    assert load_program(Sources(EXAMPLE), "es") == example["es"]
    assert load_program(Sources(EXAMPLE), "ES").program.language == "es"  # tags ignore case


def test_plain_and_mapped_texts_resolve_per_language(example: dict[str, Program]) -> None:
    en, es = example["en"], example["es"]
    assert (en.program.name, es.program.name) == (
        "Bridges Workplace Mentoring Program",
        "Programa de Mentoría Laboral Bridges",
    )
    assert en.program.short_name == es.program.short_name == "Bridges"  # plain: the same in every language
    assert en.program.contact.name == es.program.contact.name == "Dana Okafor"
    assert (en.schedule.meeting_frequency, es.schedule.meeting_frequency) == ("every two weeks", "cada dos semanas")
    assert es.schedule.milestones[-1].title == "Cierre y celebración"
    assert es.program.purpose.startswith("Bridges forma parejas") and "  " not in es.program.purpose
    assert es.rating_scale[0].label == "Deficiente" and es.rating_scale[0].definition.startswith("Por lo general")
    assert es.evaluation.mentor_questions[7].label == "¿Qué tan bien promovió su mentor la importancia del autocuidado?"
    assert es.forms["mentor-evaluation"].extra_questions[0].label.startswith("¿Recomendaría Bridges")
    assert all(isinstance(text, str) for text in es.eligibility.mentors + es.goals.measures_of_success)


def test_ids_are_the_same_in_every_language(example: dict[str, Program]) -> None:
    en, es = example["en"], example["es"]
    for name in ("skills", "signatories", "rating_scale"):
        english, spanish = getattr(en, name), getattr(es, name)
        assert [item.label for item in english] != [item.label for item in spanish], name  # really translated
        assert [item.key for item in english] == [item.key for item in spanish], name
    assert [level.key for level in es.rating_scale] == ["poor", "fair", "average", "good", "excellent"]
    assert [level.as_item().key for level in es.rating_scale] == [level.key for level in en.rating_scale]
    assert es.skills[14].key == "negotiating" and es.signatories[1].key == "mentees_supervisor"
    questions = [q.key_at(n) for n, q in enumerate(es.evaluation.mentor_questions, 1)]
    assert questions == [q.key_at(n) for n, q in enumerate(en.evaluation.mentor_questions, 1)]
    assert questions[-2:] == ["promotes_self_care", "8"]


def test_every_form_has_the_same_field_names_in_every_language(example: dict[str, Program]) -> None:
    sources = Sources(EXAMPLE)
    english = load_form_definitions(example["en"], sources)
    spanish = load_form_definitions(example["es"], sources)
    assert list(english) == list(spanish) and len(english) == 13
    for form_id, form in english.items():
        assert form.field_names() == spanish[form_id].field_names(), form_id


def test_the_glossary_is_read_per_language(example: dict[str, Program]) -> None:
    assert example["en"].glossary["Mentee"].startswith("The less experienced partner")
    assert example["es"].glossary["Aprendiz"].startswith("La persona con menos experiencia")
    assert "Mentee" not in example["es"].glossary and len(example["es"].glossary) == 16


def test_one_glossary_may_give_each_definition_per_language(program_copy, example_text: str) -> None:
    glossary = example_text[example_text.index("glossary:\n") :]
    path = program_copy(
        (glossary, "glossary:\n  SMART goal:\n    en: Specific, measurable.\n    es: Específico, medible.\n")
    )
    assert load_program(Sources(path)).glossary == {"SMART goal": "Specific, measurable."}
    assert load_program(Sources(path), "es").glossary == {"SMART goal": "Específico, medible."}


def test_a_missing_language_is_reported_once_at_its_mapping(program_copy) -> None:
    path = program_copy((CLOSURE, "title: {en: Closure and celebration}"))
    where = place_of(path, "title: {en: Closure")
    for language in (None, "es"):
        (problem,) = problems_of(path, language)
        assert f"{where} schedule.milestones.6.title: no Spanish (es) text here; add `es: ...`" in problem
    with pytest.raises(InputError) as caught:
        load_programs(Sources(path))
    assert len(caught.value.problems) == 1


def test_a_missing_glossary_language_is_located(program_copy, example_text: str) -> None:
    spanish = example_text[example_text.index("  es:\n    Aprendiz:") :]
    path = program_copy((spanish, ""))
    (problem,) = problems_of(path)
    assert f"{place_of(path, 'glossary:')} glossary: no Spanish (es) text here" in problem


def test_an_unknown_language_key_gets_a_did_you_mean_at_the_key(program_copy) -> None:
    path = program_copy((NEGOTIATING, "  - {en: Negotiating, sp: Negociar}\n"))
    (problem,) = problems_of(path)
    assert f"{place_of(path, 'sp: Negociar')} skills.15.sp: 'sp' is not one of the program's languages (en, es);" in (
        problem
    )
    assert problem.endswith("did you mean 'es'?")


def test_a_language_not_declared_is_refused_with_how_to_add_it(program_copy) -> None:
    path = program_copy((CLOSURE, "title: {en: Closure and celebration, es: Cierre y celebración, fr: Clôture}"))
    (problem,) = problems_of(path)
    assert f"{place_of(path, 'fr: Cl')} schedule.milestones.6.title.fr: 'fr' is not one of" in problem
    assert "add 'fr' to program.languages" in problem


def test_an_empty_translation_is_refused_at_its_key(program_copy) -> None:
    path = program_copy(("    es: cada dos semanas\n", '    es: ""\n'))
    (problem,) = problems_of(path)
    where = place_of(path, 'es: ""')
    assert f"{where} schedule.meeting_frequency.es: the Spanish (es) text is empty" in problem


@pytest.mark.parametrize(
    ("new", "second"),
    [
        ("  languages: [en, es]\n  language: en\n", "  language: en"),
        ("  language: en\n  languages: [en, es]\n", "  languages: [en"),
    ],
)
def test_language_and_languages_together_are_refused_at_the_second(program_copy, new: str, second: str) -> None:
    path = program_copy(("  languages: [en, es]\n", new))
    (problem,) = problems_of(path)
    line = place_of(path, second).split(":")[1]
    key = second.split(":")[0].strip()
    assert f"program.yaml:{line}:" in problem
    assert f"program.{key}: use `languages` only (first is the default), e.g. languages: [en, es]" in problem


def test_a_language_listed_twice_is_refused(program_copy) -> None:
    (problem,) = problems_of(program_copy(("languages: [en, es]", "languages: [en, es, ES]")))
    assert "program.languages.3: 'ES' is listed twice (language tags ignore case)" in problem


def test_a_language_the_program_lacks_cannot_be_loaded(bilingual_folder: Path) -> None:
    (problem,) = problems_of(bilingual_folder, "fr")
    assert "program.languages: the program has no language 'fr'; its languages are en, es" in problem


def test_a_program_in_one_language_reads_as_before(program_copy) -> None:
    """The example written in English only loads to the very model the bilingual one gives in English."""
    plain = load_program(Sources(program_copy(text=one_language("en"))))
    english = load_program(Sources(EXAMPLE))
    assert plain.program.language == "en" and plain.languages == ["en"]
    assert plain == english.model_copy(update={"program": english.program.model_copy(update={"languages": ["en"]})})
    french = load_program(Sources(program_copy(text=one_language("fr-CA"))))
    assert (french.program.language, french.languages) == ("fr-CA", ["fr-CA"])
