"""Stable field identity: names that survive rewording, and forms that say which form they are."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader

from generator.forms import load_form_definitions, render_form
from generator.identity import FIELD, INFO_KEYS, Identity
from generator.program import load_program
from generator.sources import Sources

NEGOTIATING = "  - {en: Negotiating, es: Negociar}\n"
"""A skill of the example program, in its English and Spanish words."""


def _forms(program_file: Path) -> tuple[dict, dict]:
    sources = Sources(program_file)
    program = load_program(sources)
    forms = load_form_definitions(program, sources)
    return forms, {form_id: render_form(program, form, sources) for form_id, form in forms.items() if "ment" in form_id}


def _fields(pdf: bytes) -> dict:
    return PdfReader(io.BytesIO(pdf)).get_fields() or {}


def test_an_id_keeps_a_skill_field_when_its_label_is_reworded(program_copy) -> None:
    pinned = program_copy((NEGOTIATING, "  - {id: negotiating, label: Negotiating with partners}\n"))
    forms, pdfs = _forms(pinned)
    names = forms["mentor-application"].field_names()
    assert "offer.skills.negotiating" in names
    assert not any("negotiating_with" in name for name in names)
    assert "offer.skills.negotiating" in _fields(pdfs["mentor-application"])
    entry = next(e for e in forms["mentor-application"].entries() if e.name == "offer.skills.negotiating")
    assert entry.label.endswith("Negotiating with partners") and entry.kind == "checkbox"


def test_without_an_id_the_name_follows_the_english_label(program_copy) -> None:
    forms, _ = _forms(program_copy((NEGOTIATING, "  - {en: Negotiating with partners, es: Negociar con socios}\n")))
    assert "offer.skills.negotiating_with_partners" in forms["mentor-application"].field_names()


def test_rating_levels_and_questions_take_their_ids(program_copy) -> None:
    program_file = program_copy(
        ("  - label: {en: Poor", "  - id: lowest\n    label: {en: Poor"),
        ("  mentor_questions:\n    - en: ", "  mentor_questions:\n    - id: policies\n      label:\n        en: "),
        ("      es: ¿Qué tan bien conocía", "        es: ¿Qué tan bien conocía"),
    )
    forms, pdfs = _forms(program_file)
    form = forms["mentor-evaluation"]
    ratings = [e for e in form.entries() if e.kind == "rating"]
    assert ratings[0].name == "ratings.questions.policies.rating"
    assert ratings[1].name == "ratings.questions.2.rating"
    assert [option for option, _ in ratings[0].options] == ["lowest", "fair", "average", "good", "excellent"]
    group = _fields(pdfs["mentor-evaluation"])["ratings.questions.policies.rating"]
    states = {state for kid in group["/Kids"] for state in kid.get_object()["/AP"]["/N"]}
    assert states == {"/lowest", "/fair", "/average", "/good", "/excellent", "/Off"}


def test_a_reworded_form_keeps_its_version_and_names_and_new_fields_give_a_new_version(program_copy) -> None:
    forms, _ = _forms(program_copy())
    reworded, _ = _forms(program_copy((NEGOTIATING, "  - {id: negotiating, label: Bargaining}\n")))
    renamed, _ = _forms(program_copy((NEGOTIATING, "  - Bargaining\n")))
    before, after = forms["mentor-application"], reworded["mentor-application"]
    assert after.entries() != before.entries(), "the label changed"
    assert before.version == after.version
    assert before.field_names() == after.field_names()
    assert renamed["mentor-application"].version != before.version
    assert forms["closure-evaluation"].version == renamed["closure-evaluation"].version


def test_every_pdf_says_which_form_version_and_program_it_is(program_copy) -> None:
    forms, pdfs = _forms(program_copy())
    for form_id, pdf in pdfs.items():
        reader = PdfReader(io.BytesIO(pdf))
        expected = Identity(form_id, forms[form_id].version, "Bridges", "en")
        field = reader.get_fields()[FIELD]
        assert Identity.decode(field["/V"]) == expected
        assert int(field["/Ff"]) & 1, "read-only"
        widget = reader.pages[0]["/Annots"][0].get_object()
        assert widget["/T"] == FIELD and int(widget["/F"]) & 2, "hidden"
        info = reader.metadata
        assert [info[key] for key in INFO_KEYS.values()] == [form_id, forms[form_id].version, "Bridges"]
        footer = reader.pages[0].extract_text()
        assert f"Form {form_id}, rev. February 1, 2027" in footer  # the date as the site writes it


def test_an_identity_from_a_returned_file_is_only_data() -> None:
    assert Identity.decode("form=a&version=b&program=c&language=en") == Identity("a", "b", "c", "en")
    for junk in ("", "form=a", "x" * 5000, "form=a&version=b&program=c"):
        assert Identity.decode(junk) is None
