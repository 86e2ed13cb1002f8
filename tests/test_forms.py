"""The fillable PDF forms, checked as participants' readers see them: real files opened with pypdf."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from generator.cli import main
from generator.formdefs import CATALOGUE
from generator.forms import FormDef, form_infos, load_form_definitions, render_form, render_forms
from generator.model import Program
from generator.pdf.styles import accent, contrast_on_white, text_accent
from generator.problems import InputError
from generator.program import load_program
from generator.sources import Sources

from .conftest import EXAMPLE

RADIO = 1 << 15
MULTILINE = 1 << 12


def load(path: Path) -> tuple[Program, Sources]:
    sources = Sources(path)
    return load_program(sources), sources


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def fields_of(pdf: PdfReader) -> dict:
    """Terminal fields by full name (pypdf also lists the parent nodes of the name tree)."""
    return {name: field for name, field in pdf.get_fields().items() if "/FT" in field}


def full_name(widget: object) -> str:
    """A widget's full field name, built by walking up the field tree as a reader does."""
    node, parts = widget.get_object(), []
    while True:
        if "/T" in node:
            parts.append(str(node["/T"]))
        if "/Parent" not in node:
            return ".".join(reversed(parts))
        node = node["/Parent"].get_object()


def widget(pdf: PdfReader, name: str) -> dict:
    return next(a.get_object() for p in pdf.pages for a in p.get("/Annots", []) if full_name(a) == name)


@pytest.fixture(scope="module")
def example() -> tuple[Program, Sources, dict[str, FormDef], dict[str, bytes]]:
    program, sources = load(EXAMPLE)
    return program, sources, load_form_definitions(program, sources), render_forms(program, sources)


def test_the_whole_catalogue_renders_in_order(example) -> None:
    _, _, forms, pdfs = example
    assert list(forms) == list(CATALOGUE) == list(pdfs)


@pytest.mark.parametrize("form_id", CATALOGUE)
def test_every_field_is_named_typed_and_described(example, form_id: str) -> None:
    _, _, forms, pdfs = example
    form, pdf = forms[form_id], reader(pdfs[form_id])
    fields = fields_of(pdf)
    assert sorted(fields) == sorted(form.field_names())
    assert fields, "every form has something to fill in"
    for name, field in fields.items():
        assert re.fullmatch(r"[a-z0-9_]+(\.[a-z0-9_]+)+", name), name
        assert field.get("/TU"), f"{name} has no tooltip"
        assert field["/FT"] in ("/Tx", "/Btn")
    # Every widget carries its own appearance, so readers need not regenerate it.
    for page in pdf.pages:
        assert page["/Tabs"] == "/S"
        for annot in page.get("/Annots", []):
            assert "/N" in annot.get_object()["/AP"]
    assert "/NeedAppearances" not in pdf.trailer["/Root"]["/AcroForm"]


@pytest.mark.parametrize("form_id", CATALOGUE)
def test_metadata_language_and_title_bar(example, form_id: str) -> None:
    program, _, forms, pdfs = example
    pdf = reader(pdfs[form_id])
    root = pdf.trailer["/Root"]
    assert root["/Lang"] == program.program.language
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert pdf.metadata.title == forms[form_id].title
    assert pdf.metadata.author == program.program.agency
    assert form_id in pdf.metadata["/Keywords"]
    assert pdf.metadata.subject
    assert pdf.xmp_metadata.dc_title == {"x-default": forms[form_id].title}
    text = pdf.pages[-1].extract_text()
    assert f"Page {len(pdf.pages)} of" in text and program.program.name in text


def test_field_kinds_match_the_definitions(example) -> None:
    _, _, _, pdfs = example
    pdf = reader(pdfs["mentor-application"])
    fields = fields_of(pdf)
    skill = fields["offer.skills.negotiating"]
    assert skill["/FT"] == "/Btn" and not int(skill.get("/Ff", 0)) & RADIO
    assert sorted(skill["/_States_"]) == ["/Off", "/Yes"]
    commit = fields["availability.commit"]
    assert int(commit["/Ff"]) & RADIO
    assert sorted(commit["/_States_"]) == ["/no", "/not_sure_yet", "/yes"]
    prior = widget(pdf, "experience.prior")
    assert int(prior["/Ff"]) & MULTILINE and " 0 Tf" in prior["/DA"]
    assert "/MaxLen" not in prior
    assert fields["contact.agency"]["/V"] == "Department of Public Lands and Waters"


def test_each_rating_row_is_one_radio_group(example) -> None:
    program, _, _, pdfs = example
    fields = fields_of(reader(pdfs["mentor-evaluation"]))
    questions = program.evaluation.mentor_questions
    groups = [name for name in fields if name.startswith("ratings.questions.") and name.endswith(".rating")]
    assert len(groups) == len(questions)
    first = fields["ratings.questions.1.rating"]
    assert int(first["/Ff"]) & RADIO
    assert len(first["/Kids"]) == len(program.rating_scale)
    assert questions[0] in first["/TU"]
    assert "ratings.questions.1.comment" in fields
    assert fields["extra.q1"]["/TU"].startswith("Would you recommend Bridges")


def test_filled_fields_read_back(example) -> None:
    _, _, _, pdfs = example
    writer = PdfWriter(clone_from=reader(pdfs["mentoring-agreement"]))
    values = {
        "terms.mentee": "Ana Lima",
        "goals.2.measure": "Leads two site inspections alone",
        "goals.3.completion_date": "2027-09-30",
        "signatures.mentors_supervisor.name": "Sam Ortiz",
    }
    writer.update_page_form_field_values(None, values, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    filled = fields_of(reader(out.getvalue()))
    assert {name: filled[name]["/V"] for name in values} == values


@pytest.mark.parametrize("form_id", ["mentor-evaluation", "activity-log"])
def test_filling_one_field_shows_in_that_field_only(example, form_id: str) -> None:
    """A filler that rewrites a widget's appearance in place must not paint look-alike empty fields too."""
    _, _, _, pdfs = example
    writer = PdfWriter(clone_from=reader(pdfs[form_id]))
    text_widgets = [
        annot.get_object()
        for page in writer.pages
        for annot in page.get("/Annots", [])
        if annot.get_object().get("/FT", annot.get_object().get("/Parent", {}).get("/FT")) == "/Tx"
    ]
    first = full_name(text_widgets[0])
    writer.update_page_form_field_values(None, {first: "Zebra Quokka"}, auto_regenerate=False)
    painted = [full_name(w) for w in text_widgets if b"Zebra Quokka" in w["/AP"]["/N"].get_object().get_data()]
    assert painted == [first]


def test_checkboxes_and_radios_read_back(example) -> None:
    _, _, _, pdfs = example
    writer = PdfWriter(clone_from=reader(pdfs["mentor-evaluation"]))
    values = {"ratings.questions.2.rating": "/good", "availability.enough": "/yes"}
    writer.update_page_form_field_values(None, values, auto_regenerate=False)
    writer2 = PdfWriter(clone_from=reader(pdfs["mentor-application"]))
    writer2.update_page_form_field_values(None, {"offer.skills.negotiating": "/Yes"}, auto_regenerate=False)
    for w, expected in ((writer, values), (writer2, {"offer.skills.negotiating": "/Yes"})):
        out = io.BytesIO()
        w.write(out)
        filled = fields_of(reader(out.getvalue()))
        assert {name: filled[name]["/V"] for name in expected} == expected


def test_a_new_skill_appears_in_both_applications(program_copy) -> None:
    program, sources = load(
        program_copy(("  - Using computer software\n", "  - Using computer software\n  - Reading maps\n"))
    )
    forms = load_form_definitions(program, sources)
    for form_id, section in (("mentor-application", "offer"), ("mentee-application", "growth")):
        fields = fields_of(reader(render_form(program, forms[form_id], sources)))
        assert f"{section}.skills.reading_maps" in fields
        assert "Reading maps" in fields[f"{section}.skills.reading_maps"]["/TU"]


def test_a_four_level_scale_gives_four_option_rows(program_copy, example_text: str) -> None:
    scale = example_text[example_text.index("rating_scale:") : example_text.index("# Skill areas")]
    four = (
        "rating_scale:\n"
        "  - {label: Rarely, definition: Seldom helpful.}\n"
        "  - {label: Sometimes, definition: Helpful now and then.}\n"
        "  - {label: Usually, definition: Helpful most of the time.}\n"
        "  - {label: Always, definition: Helpful every time.}\n\n"
    )
    program, sources = load(program_copy((scale, four)))
    form = load_form_definitions(program, sources)["mentor-evaluation"]
    pdf = reader(render_form(program, form, sources))
    fields = fields_of(pdf)
    rows = [f for name, f in fields.items() if name.startswith("ratings.questions.") and name.endswith(".rating")]
    assert rows
    for row in rows:
        assert sorted(row["/_States_"]) == ["/always", "/rarely", "/sometimes", "/usually"]
        assert "Rarely, Sometimes, Usually, Always" in row["/TU"]
    assert "Sometimes" in "".join(page.extract_text() for page in pdf.pages)


def test_goals_per_agreement_sets_the_number_of_goal_groups(program_copy) -> None:
    program, sources = load(program_copy(("per_agreement: 3", "per_agreement: 4")))
    form = load_form_definitions(program, sources)["mentoring-agreement"]
    fields = fields_of(reader(render_form(program, form, sources)))
    for n in range(1, 5):
        assert {f"goals.{n}.goal", f"goals.{n}.measure", f"goals.{n}.completion_date"} <= set(fields)
    assert "goals.5.goal" not in fields
    roles = {name.split(".")[1] for name in fields if name.startswith("signatures.")}
    assert roles == {
        "mentee",
        "mentees_supervisor",
        "mentor",
        "mentors_supervisor",
        "program_coordinator",
        "agency_head",
    }


def test_disabled_form_is_dropped_and_overrides_apply(program_copy) -> None:
    path = program_copy(
        (
            "  closure-evaluation:\n    enabled: true",
            "  closure-evaluation:\n    enabled: false\n  meeting-notes:\n    title: Check-in notes\n"
            "    extra_questions: ['What will you try before we next meet?']",
        )
    )
    program, sources = load(path)
    pdfs = render_forms(program, sources)
    assert "closure-evaluation" not in pdfs and len(pdfs) == len(CATALOGUE) - 1
    infos = {info.id: info for info in form_infos(program, sources)}
    assert "closure-evaluation" not in infos
    assert infos["meeting-notes"].title == "Check-in notes"
    assert infos["meeting-notes"].who and infos["meeting-notes"].description
    notes = reader(pdfs["meeting-notes"])
    assert notes.metadata.title == "Check-in notes"
    assert fields_of(notes)["extra.q1"]["/TU"] == "What will you try before we next meet?"


def test_paper_size_follows_the_program(program_copy) -> None:
    program, sources = load(program_copy(("paper: letter", "paper: a4")))
    form = load_form_definitions(program, sources)["session-summary"]
    box = reader(render_form(program, form, sources)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_a_long_table_repeats_its_header_on_every_page(example_folder: Path) -> None:
    shipped = (Path(__file__).resolve().parent.parent / "forms" / "activity-log.yaml").read_text()
    _override(example_folder, "activity-log", shipped.replace("rows: 25", "rows: 70"))
    program, sources = load(example_folder)
    pdf = reader(render_form(program, load_form_definitions(program, sources)["activity-log"], sources))
    table_pages = [page for page in pdf.pages if any(full_name(a).startswith("log.") for a in page.get("/Annots", []))]
    assert len(table_pages) >= 3
    for page in table_pages:
        assert re.search(r"Activity\s*Date\s*Hours", page.extract_text())
    assert "log.entries.70.hours" in fields_of(pdf)


def test_rendering_is_byte_identical(example, monkeypatch) -> None:
    program, sources, forms, pdfs = example
    form = forms["mentor-evaluation"]
    assert render_form(program, form, sources) == pdfs["mentor-evaluation"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    stamped = render_form(program, form, sources)
    assert stamped == render_form(program, form, sources)
    assert reader(stamped).metadata["/CreationDate"].startswith("D:20231114")


def _override(program_file: Path, form_id: str, text: str) -> Path:
    forms = program_file.parent / "forms"
    forms.mkdir(exist_ok=True)
    (forms / f"{form_id}.yaml").write_text(text, encoding="utf-8")
    return forms / f"{form_id}.yaml"


BROKEN = """\
title: Meeting notes
description: Notes.
who: Mentee
sections:
  - id: meeting
    title: Meeting
    fields:
      - {type: text, name: name, label: Name}
      - {type: txet, name: date, label: Date}
      - {type: multiline, name: name, label: Notes}
      - type: paragraph
        text: Meet {{ schedule.meeting_frequancy }}.
"""


def test_bad_form_definitions_are_located(example_folder: Path) -> None:
    _override(example_folder, "meeting-notes", BROKEN)
    program, sources = load(example_folder)
    with pytest.raises(InputError) as caught:
        load_form_definitions(program, sources)
    found = [str(p) for p in caught.value.problems]
    assert any(
        re.search(r"meeting-notes\.yaml:9:\d+: .*unknown field type 'txet'; did you mean 'text'\?", p) for p in found
    )
    assert any(re.search(r"meeting-notes\.yaml:12:15: .*meeting_frequancy", p) for p in found), found


def test_duplicate_field_names_are_refused(example_folder: Path) -> None:
    _override(
        example_folder,
        "meeting-notes",
        BROKEN.replace("      - {type: txet, name: date, label: Date}\n", "").replace(
            "Meet {{ schedule.meeting_frequancy }}", "Meet"
        ),
    )
    program, sources = load(example_folder)
    with pytest.raises(InputError) as caught:
        load_form_definitions(program, sources)
    (problem,) = caught.value.problems
    assert re.fullmatch(
        r".*meeting-notes\.yaml:9:\d+: .*duplicate field name 'meeting\.name' \(first on line 8\).*", str(problem)
    )


def test_unknown_program_list_is_located(example_folder: Path) -> None:
    text = (
        BROKEN.split("      - {type: txet")[0] + "      - {type: checklist, name: s, label: S, options_from: skils}\n"
    )
    _override(example_folder, "meeting-notes", text)
    program, sources = load(example_folder)
    with pytest.raises(InputError) as caught:
        load_form_definitions(program, sources)
    assert re.search(r"meeting-notes\.yaml:9:\d+: .*'skils' is not a list", str(caught.value))


def test_cli_writes_every_enabled_form(tmp_path: Path, example_folder: Path) -> None:
    out = tmp_path / "pdf"
    result = CliRunner().invoke(main, ["forms", "-p", str(example_folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in out.glob("*.pdf")) == sorted(CATALOGUE)
    assert str(out / "mentor-application.pdf") in result.output


def test_cli_reports_bad_forms_and_writes_nothing(tmp_path: Path, example_folder: Path) -> None:
    _override(example_folder, "meeting-notes", BROKEN)
    out = tmp_path / "pdf"
    result = CliRunner().invoke(main, ["forms", "-p", str(example_folder), "-o", str(out)])
    assert result.exit_code == 1
    assert "meeting-notes.yaml:9:" in result.output and "nothing was written" in result.output
    assert not out.exists()


def test_text_beyond_latin_embeds_a_font_that_covers_it(program_copy) -> None:
    program, sources = load(program_copy(("agency: Department of Public Lands and Waters", "agency: Υπουργείο Γης")))
    form = load_form_definitions(program, sources)["confidentiality-agreement"]
    pdf = render_form(program, form, sources)
    assert b"DejaVuSans" in pdf
    assert "Υπουργείο Γης" in reader(pdf).pages[0].extract_text()


def test_logo_and_colour_make_the_header(program_copy) -> None:
    image = pytest.importorskip("PIL.Image")
    path = program_copy(("  # logo: logo.png", "  logo: logo.png"), ("color: teal", "color: yellow"))
    image.new("RGB", (60, 20), "#1f5f5b").save(path.parent / "logo.png")
    program, sources = load(path)
    form = load_form_definitions(program, sources)["meeting-notes"]
    pdf = reader(render_form(program, form, sources))
    for page in pdf.pages:  # the logo heads every page
        xobjects = page["/Resources"]["/XObject"].values()
        assert any(x.get_object()["/Subtype"] == "/Image" for x in xobjects)
    assert contrast_on_white(text_accent("yellow")) >= 4.5 > contrast_on_white(accent("yellow"))
