"""The fillable PDF forms, checked as participants' readers see them: real files opened with pypdf."""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path
from typing import get_args

import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from generator.cli import main
from generator.formdefs import CATALOGUE, ParagraphField, Signature, Width
from generator.forms import FormDef, form_infos, load_form_definitions, render_form, render_forms
from generator.i18n import speaking
from generator.identity import FIELD as IDENTITY_FIELD
from generator.identity import Identity
from generator.ids import slug
from generator.model import Program
from generator.pdf.layout import SHARES
from generator.pdf.styles import FIELD_FONT, accent, contrast_on_white, text_accent
from generator.pdf.wording import WORDS
from generator.problems import InputError
from generator.program import load_program
from generator.sources import Sources

from .conftest import EXAMPLE

NEGOTIATING = "  - {en: Negotiating, es: Negociar}\n"
"""A skill of the example program, in its English and Spanish words."""
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


def marked_text(page: object) -> list[tuple[bool, str]]:
    """Each line of text on a page, and whether it is an artifact (printed, not read out by a screen reader)."""
    marks: list[str] = []
    lines: list[tuple[bool, str]] = []

    def operator(op: bytes, args: list, *_: object) -> None:
        if op in (b"BDC", b"BMC"):
            marks.append(str(args[0]))
        elif op == b"EMC":
            marks.pop()

    def text(line: str, *_: object) -> None:
        if line.strip():
            lines.append(("/Artifact" in marks, line.strip()))

    page.extract_text(visitor_operand_before=operator, visitor_text=text)
    return lines


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
    identity = Identity.decode(fields.pop(IDENTITY_FIELD)["/V"])
    assert identity == Identity(form_id, form.version, "Bridges", "en")
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
    assert int(prior["/Ff"]) & MULTILINE and " 10 Tf" in prior["/DA"]
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
    assert questions[0].label in first["/TU"]
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
    before = [w["/AP"]["/N"].get_object().get_data() for w in text_widgets]
    writer.update_page_form_field_values(None, {first: "Zebra Quokka"}, auto_regenerate=False)
    after = [w["/AP"]["/N"].get_object().get_data() for w in text_widgets]
    painted = [full_name(w) for w, old, new in zip(text_widgets, before, after, strict=True) if old != new]
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
    software = "  - {en: Using computer software, es: Usar programas informáticos}\n"
    program, sources = load(program_copy((software, software + "  - Reading maps\n")))
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
    for page in table_pages[1:]:
        assert (True, "One line per activity (continued)") in marked_text(page)
    assert "log.entries.70.hours" in fields_of(pdf)


def test_rendering_is_byte_identical(example, monkeypatch) -> None:
    program, sources, forms, pdfs = example
    for form_id, each in forms.items():
        assert render_form(program, each, sources) == pdfs[form_id], form_id
    form = forms["mentor-evaluation"]
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
    assert any(
        re.search(
            r"meeting-notes\.yaml:12:15: .*unknown placeholder: 'schedule' has no 'meeting_frequancy'; "
            r"did you mean 'schedule\.meeting_frequency'\?",
            p,
        )
        for p in found
    ), found


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
    program, sources = load(program_copy(("en: Department of Public Lands and Waters", "en: Υπουργείο Γης")))
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


def first_line_height(page: object) -> float:
    """How high on the page the first line read out (not the header's) sits: where the text frame starts."""
    heights: list[float] = []
    marks: list[str] = []

    def operator(op: bytes, args: list, *_: object) -> None:
        if op in (b"BDC", b"BMC"):
            marks.append(str(args[0]))
        elif op == b"EMC":
            marks.pop()

    def text(line: str, cm: list[float], tm: list[float], *_: object) -> None:
        if line.strip() and "/Artifact" not in marks:
            heights.append(tm[5] * cm[3] + cm[5])

    page.extract_text(visitor_operand_before=operator, visitor_text=text)
    return max(heights)


def test_a_long_agency_and_division_wrap_whole_and_the_header_grows_on_every_page(program_copy) -> None:
    """A public form never cuts the agency's name: too long for one line, agency and division each take lines of
    their own under the previous, and every page's text starts that much lower, under the header."""
    agency = (
        "Department of Public Lands, Waters, Coastal Resilience and Historic Preservation of the Northern Territories"
    )
    division = "Office of Workforce Development, Leadership Training and Employee Engagement"
    long = program_copy(
        ("en: Department of Public Lands and Waters", f"en: {agency}"),
        ("en: Office of Workforce Development", f"en: {division}"),
    )
    pdfs = []
    for path in (EXAMPLE, long):
        program, sources = load(path)
        pdfs.append(reader(render_form(program, load_form_definitions(program, sources)["session-summary"], sources)))
    short_pdf, long_pdf = pdfs
    header = " ".join(" ".join(line for artifact, line in marked_text(long_pdf.pages[0]) if artifact).split())
    assert agency in header and division in header and "…" not in header
    assert len(long_pdf.pages) == len(short_pdf.pages) > 1
    pairs = zip(short_pdf.pages, long_pdf.pages, strict=True)
    lowered = {first_line_height(short) - first_line_height(grown) for short, grown in pairs}
    assert len(lowered) == 1 and lowered.pop() >= 2 * 8  # two lines more at 8 pt, the same on every page


HEAD = BROKEN.split("      - {type: text")[0]
"""A form file up to its first section's `fields:` key; tests add fields at six spaces."""


def _problems(program_file: Path, text: str, *replacements: tuple[str, str]) -> list[str]:
    """The problems loading the forms reports when meeting-notes is `text` (program.yaml edited first)."""
    if replacements:
        body = program_file.read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in body
            body = body.replace(old, new, 1)
        program_file.write_text(body, encoding="utf-8")
    _override(program_file, "meeting-notes", text)
    program, sources = load(program_file)
    with pytest.raises(InputError) as caught:
        load_form_definitions(program, sources)
    return [str(p) for p in caught.value.problems]


def test_malformed_values_are_located_not_raised(example_folder: Path) -> None:
    found = _problems(
        example_folder,
        HEAD
        + "      - {type: [a, b], name: x, label: X}\n"
        + "      - {type: {a: 1}, name: y, label: Y}\n"
        + "      - {type: text, name: [z], label: {a: 1}}\n",
    )
    assert any(
        re.search(r"meeting-notes\.yaml:8:\d+: sections\.1\.fields\.1\.type: expected one field type", p) for p in found
    )
    assert any(
        re.search(r"meeting-notes\.yaml:9:\d+: sections\.1\.fields\.2\.type: expected one field type", p) for p in found
    )
    assert any(re.search(r"meeting-notes\.yaml:10:\d+: sections\.1\.fields\.3\.name: ", p) for p in found)
    assert any(re.search(r"meeting-notes\.yaml:10:\d+: sections\.1\.fields\.3\.label: ", p) for p in found)


@pytest.mark.parametrize(
    ("placeholder", "message"),
    [
        ("{{ program.name / 2 }}", r"could not be filled in: TypeError: unsupported operand"),
        ("{% include 'x' %}", r"cannot include, import or extend other files \(asked for 'x'\)"),
        ("{{ program.__class__ }}", r"not allowed: access to attribute '__class__'.* is unsafe"),
        ("{{ program.name | nosuchfilter }}", r"syntax error: .*nosuchfilter"),
        ("{{ program.name.upper( }}", r"syntax error"),
    ],
)
def test_any_placeholder_failure_is_located(example_folder: Path, placeholder: str, message: str) -> None:
    (problem,) = _problems(example_folder, HEAD + f'      - {{type: text, name: x, label: "{placeholder}"}}\n')
    assert re.fullmatch(rf".*meeting-notes\.yaml:8:\d+: sections\.1\.fields\.1\.label: .*{message}.*", problem)


def test_a_bad_top_level_key_hides_no_other_problem(example_folder: Path) -> None:
    text = BROKEN.replace("who: Mentee\n", "who: Mentee\ncolour: teal\n") + (
        "  - id: second\n    titel: Second\n    fields:\n      - {type: checkbox, name: ok, label: Fine}\n"
    )
    found = _problems(example_folder, text)
    for expected in (
        r"meeting-notes\.yaml:4:1: colour: unknown key 'colour'",
        r"meeting-notes\.yaml:10:\d+: .*unknown field type 'txet'",
        r"meeting-notes\.yaml:11:\d+: .*duplicate field name 'meeting\.name'",
        r"meeting-notes\.yaml:13:15: .*meeting_frequancy",
        r"meeting-notes\.yaml:14:\d+: sections\.2\.title: this key is required",
        r"meeting-notes\.yaml:15:5: sections\.2\.titel: unknown key 'titel'; did you mean 'title'\?",
    ):
        assert any(re.search(expected, p) for p in found), (expected, found)


LONG = "Meets with the mentor at least once every single month of the year, "


@pytest.mark.parametrize(
    ("field", "clash"),
    [
        ('{type: choice, name: c, label: C, options: ["Yes", "Yes!"]}', r"options\.2: options 'Yes' and 'Yes!'"),
        ('{type: choice, name: c, label: C, options: ["é", "è"]}', r"options\.2: options 'é' and 'è'.* id 'e'"),
        (
            f'{{type: checklist, name: c, label: C, options: ["{LONG}1", "{LONG}2"]}}',
            r"options\.2: .*keep only its first 48 letters",
        ),
        ("{type: signature, roles: [Mentor, MENTOR]}", r"roles\.2: roles 'Mentor' and 'MENTOR'"),
    ],
)
def test_options_giving_the_same_name_are_refused(example_folder: Path, field: str, clash: str) -> None:
    (problem,) = _problems(example_folder, HEAD + f"      - {field}\n")
    assert re.search(rf"meeting-notes\.yaml:8:\d+: sections\.1\.fields\.1\.{clash}", problem), problem


def test_list_items_with_one_id_are_refused_in_program_yaml(bilingual_folder: Path) -> None:
    body = bilingual_folder.read_text(encoding="utf-8").replace("  - label: {en: Fair,", "  - label: {en: Poor!,", 1)
    body = body.replace(NEGOTIATING, "  - {id: writing_effectively, label: {en: Negotiating, es: Negociar}}\n", 1)
    bilingual_folder.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(bilingual_folder)
    found = [str(p) for p in caught.value.problems]
    assert any(
        re.search(r"program\.yaml:\d+:5: rating_scale\.2: items 1 \('Poor'\) and 2 \('Poor!'\)", p) for p in found
    )
    assert any(re.search(r"skills\.\d+: .*both have the id 'writing_effectively'", p) for p in found), found


def test_names_from_text_are_always_ascii_and_stable() -> None:
    assert slug("会议") == "u4f1a_u8bae" != slug("记录")
    assert [slug("Łódź"), slug("Министерство"), slug("Mentor's supervisor")] == [
        "lodz",
        "ministerstvo",
        "mentors_supervisor",
    ]
    for text in ("会议", "नमस्ते", "★", "Ωμέγα", LONG * 2):
        assert re.fullmatch(r"[a-z0-9_]{1,48}", slug(text)) and slug(text) == slug(text)


def test_count_from_is_held_to_the_same_limit_as_count(example_folder: Path) -> None:
    group = "      - {type: repeat, title: G, count_from: schedule.session_minutes, fields: [{type: heading, text: G}]}"
    (problem,) = _problems(example_folder, HEAD + group + "\n")
    assert re.fullmatch(
        r".*meeting-notes\.yaml:8:\d+: sections\.1\.fields\.1\.count_from: 'schedule\.session_minutes' is 60 in "
        r"program\.yaml; a repeat takes 1 to 20 groups",
        problem,
    )


@pytest.mark.parametrize("fields", ['"abc"', "[]", None])
def test_a_repeat_without_fields_is_refused(example_folder: Path, fields: str | None) -> None:
    given = f", fields: {fields}" if fields else ""
    (problem,) = _problems(example_folder, HEAD + f"      - {{type: repeat, title: Goal, count: 2{given}}}\n")
    assert re.search(r"meeting-notes\.yaml:8:\d+: sections\.1\.fields\.1\.fields: a repeat needs `fields`", problem)


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_the_rating_grid_is_laid_out_on_the_real_text_width(program_copy, paper: str) -> None:
    """Rating columns keep their width (60 pt for five levels, 4 pt apart) and comment boxes end at the margin."""
    program, sources = load(program_copy(("paper: letter", f"paper: {paper}")))
    form = load_form_definitions(program, sources)["mentor-evaluation"]
    pdf = reader(render_form(program, form, sources))
    width = float(pdf.pages[0].mediabox.width)
    rects = {}
    for page in pdf.pages[:2]:
        for annot in page.get("/Annots", []):
            rects.setdefault(full_name(annot), []).append([float(v) for v in annot.get_object()["/Rect"]])
    buttons = sorted(rect[0] for rect in rects["ratings.questions.1.rating"])
    assert [b - a for a, b in itertools.pairwise(buttons)] == pytest.approx([64.0] * 4, abs=0.01)
    (comment,) = rects["ratings.questions.1.comment"]
    assert comment[0] == pytest.approx(54 + 24 + 4 + 52 + 4, abs=0.01)
    assert comment[2] == pytest.approx(width - 54, abs=0.01)
    assert buttons[-1] + 11 + (60 - 11) / 2 == pytest.approx(width - 54, abs=0.01)


def test_widths_come_from_the_form_model() -> None:
    assert list(SHARES) == list(get_args(Width))
    assert SHARES["full"] == 1.0 and SHARES["2/3"] == pytest.approx(2 / 3)


def test_the_readme_examples_load(example_folder: Path) -> None:
    """Every field example in forms/README.md, together in one form, loads as written; placeholders it names exist."""
    readme = (Path(__file__).resolve().parent.parent / "forms" / "README.md").read_text(encoding="utf-8")
    examples = [line for line in readme.splitlines() if line.startswith("- {type:")]
    examples += [b for b in re.findall(r"```yaml\n(- type:.*?)```", readme, re.S)]
    fields = "".join(f"      {line}\n" for example in examples for line in example.strip().splitlines())
    _override(example_folder, "meeting-notes", HEAD + fields)
    program, sources = load(example_folder)
    form = load_form_definitions(program, sources)["meeting-notes"]
    assert "meeting.commit" in form.field_names() and "meeting.1.goal" in form.field_names()
    for path in set(re.findall(r"`(program\.(?!yaml)[a-z_.]*[a-z_])`", readme)):
        value: object = program
        for part in path.split("."):
            value = getattr(value, part)  # AttributeError: the README names a key program.yaml does not have


def test_text_too_long_for_a_page_is_a_located_problem(program_copy) -> None:
    path = program_copy((NEGOTIATING, "  - " + " ".join(["word"] * 2500) + "\n"))
    result = CliRunner().invoke(main, ["check", "-p", str(path)])
    assert result.exit_code == 1, result.output
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "word word" in text)
    expected = f"program.yaml:{line}:5: skills.15: this text (12,499 characters) is too long to fit on one page of the"
    assert expected in result.output
    assert "application.yaml" not in result.output and "Traceback" not in result.output
    # A build renders forms in worker processes: their problems come back just the same, located.
    built = CliRunner().invoke(main, ["build", "-p", str(path), "-o", str(path.parent / "site")])
    assert built.exit_code == 1, built.output
    assert expected in built.output, built.output
    assert not (path.parent / "site").exists()


def test_text_too_long_in_a_form_file_is_located_there(example_folder: Path) -> None:
    long = " ".join(["word"] * 2500)
    _override(
        example_folder,
        "meeting-notes",
        HEAD + f"      - {{type: text, name: x, label: 'Say {{{{ program.short_name }}}} {long}'}}\n",
    )
    result = CliRunner().invoke(main, ["check", "-p", str(example_folder)])
    assert result.exit_code == 1, result.output
    assert (
        "meeting-notes.yaml:8:38: sections.1.fields.1.label: this text (12,511 characters) is too long" in result.output
    )


def test_a_clash_in_a_program_yaml_list_is_blamed_on_program_yaml(bilingual_folder: Path) -> None:
    """Two criteria giving one id clash because of program.yaml, not because of the form that lists them."""
    found = _problems(
        bilingual_folder,
        HEAD + "      - {type: checklist, name: c, label: C, options_from: eligibility.mentors}\n",
        ("  mentors:\n", "  mentors:\n    - Willing to travel\n    - Willing to travel!\n"),
    )
    line = next(i for i, text in enumerate(bilingual_folder.read_text().splitlines(), 1) if "travel!" in text)
    assert found == [
        f"{bilingual_folder}:{line}:7: eligibility.mentors.2: options 'Willing to travel' and 'Willing to travel!' "
        "both have the id 'willing_to_travel', so they would share one field or button; make them differ in their "
        "letters or digits (eligibility.mentors gives a form's options)"
    ], found


def test_typed_text_has_one_readable_size_everywhere(example) -> None:
    """Auto size (0) lets each reader choose from 5 to 20 pt: every text field asks for 10 pt."""
    _, _, _, pdfs = example
    for form_id, pdf in pdfs.items():
        sizes = {
            str(a.get_object()["/DA"]).split(" Tf")[0].split()[-1]
            for page in reader(pdf).pages
            for a in page.get("/Annots", [])
            if a.get_object().get("/FT") == "/Tx" and "/_form" not in str(a.get_object().get("/T", ""))
        }
        assert sizes <= {"10", "1"}, (form_id, sizes)  # 1: the hidden identity field


def test_pre_filled_values_fit_their_boxes(example) -> None:
    """The agreement's meeting frequency once ran past its box: a pre-filled line takes the room it needs."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    _, _, _, pdfs = example
    for form_id, pdf in pdfs.items():
        for page in reader(pdf).pages:
            for a in page.get("/Annots", []):
                a = a.get_object()
                if a.get("/FT") == "/Tx" and a.get("/V") and not int(a.get("/Ff", 0)) & MULTILINE:
                    x0, _, x1, _ = (float(v) for v in a["/Rect"])
                    if x1 - x0 > 2:  # not the hidden identity field
                        assert stringWidth(str(a["/V"]), FIELD_FONT, 10) + 6 <= x1 - x0, (form_id, a["/V"])


def test_date_fields_say_their_format(example) -> None:
    _, _, _, pdfs = example
    pdf = reader(pdfs["mentoring-agreement"])
    assert "YYYY-MM-DD" in widget(pdf, "goals.1.completion_date")["/TU"]
    assert "YYYY-MM-DD" in widget(pdf, "signatures.mentee.date")["/TU"]
    assert "YYYY-MM-DD" in pdf.pages[1].extract_text()


def test_radio_buttons_are_drawn_full_size_with_zapfdingbats_in_the_resources(example) -> None:
    """ReportLab drew 11 pt radios 6 pt wide; readers redrawing a button need /ZaDb in /DR."""
    _, _, _, pdfs = example
    pdf = reader(pdfs["mentor-evaluation"])
    acroform = pdf.trailer["/Root"]["/AcroForm"]
    field_font = str(acroform["/DA"]).split()[0]
    assert set(acroform["/DR"]["/Font"]) == {field_font, "/ZaDb"}
    assert "DejaVuSansCondensed" in acroform["/DR"]["/Font"][field_font]["/BaseFont"]
    button = widget(pdf, "availability.enough")
    button = button if "/AP" in button else button["/Kids"][0].get_object()
    x0, y0, x1, y1 = (float(v) for v in button["/Rect"])
    assert min(x1 - x0, y1 - y0) >= 9
    assert str(button["/DA"]).startswith("/ZaDb")
    look = button["/AP"]["/N"]["/Off"].get_object().get_data().decode()
    assert f"{(x1 - x0) / 2:g} {(x1 - x0) / 2:g} cm" in look


@pytest.mark.parametrize("form_id", ["mentoring-agreement", "confidentiality-agreement", "session-summary"])
def test_signatories_share_one_page(example, form_id: str) -> None:
    """A page holding one signatory, cut off from the others signing the same form, is never printed."""
    _, _, _, pdfs = example
    pdf = reader(pdfs[form_id])
    pages = [
        n
        for n, page in enumerate(pdf.pages)
        for a in page.get("/Annots", [])
        if str(a.get_object().get("/TU", "")).endswith(": printed name")
    ]
    assert len(pages) >= 2 and len(set(pages)) == 1


def pages_holding_only_signatures(pdf: PdfReader, form: FormDef) -> list[int]:
    """Pages on which every widget and every line read out belongs to a signature section (its heading, intro,
    signatories and note): such a page signs nothing it shows. Call it in the form's language."""
    signing = [section for section in form.sections if any(isinstance(f, Signature) for f in section.fields)]
    words = [WORDS["printed_name"], WORDS["signature"], f"{WORDS['date']} ({WORDS['date_format']})"]
    for section in signing:
        words += [section.title, section.intro]
        words += [role.label for field in section.fields if isinstance(field, Signature) for role in field.roles]
        words += [field.text for field in section.fields if isinstance(field, ParagraphField)]
    text = " ".join(" ".join(words).split())
    ids = tuple(f"{section.id}." for section in signing)
    only = []
    for number, page in enumerate(pdf.pages):
        widgets = [full_name(a) for a in page.get("/Annots", [])]
        if all(name.startswith(ids) for name in widgets if name != IDENTITY_FIELD) and all(
            " ".join(line.split()) in text for artifact, line in marked_text(page) if not artifact
        ):
            only.append(number)
    return only


def spanish(path: Path) -> tuple[Program, Sources]:
    program, sources = load(path)
    return load_program(sources, "es"), sources.speaking("es", tuple(program.program.languages))


@pytest.mark.parametrize("language", ["en", "es"])
def test_no_page_holds_only_signatures(example, language: str) -> None:
    """A signature section carries what it signs to a new page: the Spanish confidentiality agreement once
    printed its 'Firmas' and signatories alone on page 2."""
    program, sources, forms, pdfs = example
    if language != "en":
        program, sources = spanish(EXAMPLE)
        forms = load_form_definitions(program, sources)
    signed = [form for form in forms.values() if any(isinstance(f, Signature) for s in form.sections for f in s.fields)]
    assert len(signed) >= 5
    with speaking(language):
        for form in signed:
            pdf = reader(pdfs[form.id] if language == "en" else render_form(program, form, sources))
            assert not pages_holding_only_signatures(pdf, form), form.id


@pytest.mark.parametrize(
    ("form_id", "shipped", "padded", "sizes", "table"),
    [  # what comes before the signatures grows until the page ends at or in them
        ("confidentiality-agreement", "lines: 2  #", "lines: {}  #", (2, 3, 6), ""),  # a checkbox
        ("session-summary", "lines: 3\n\n  - id: next", "lines: {}\n\n  - id: next", (3, 6, 22), "next.activities"),
        ("activity-log", "rows: 25", "rows: {}", (25, 36), "log.entries"),  # a table, then its total
    ],
)
def test_signatures_take_what_precedes_them_to_the_next_page(
    example_folder: Path, form_id: str, shipped: str, padded: str, sizes: tuple[int, ...], table: str
) -> None:
    """Wherever the page ends, the signatures start no page alone; a table before them leaves rows with them."""
    text = (Path(__file__).resolve().parent.parent / "forms" / f"{form_id}.yaml").read_text()
    for size in sizes:
        _override(example_folder, form_id, text.replace(shipped, padded.format(size)))
        program, sources = load(example_folder)
        form = load_form_definitions(program, sources)[form_id]
        pdf = reader(render_form(program, form, sources))
        assert not pages_holding_only_signatures(pdf, form)
        [signing] = {n for n, page in enumerate(pdf.pages) for a in page["/Annots"] if "printed name" in a.get("/TU")}
        assert signing > 0 or size == sizes[0]  # the first size leaves them where they are; the others move them
        if table:
            names = [full_name(a) for a in pdf.pages[signing]["/Annots"]]
            assert len({name.split(".")[2] for name in names if name.startswith(f"{table}.")}) >= 2  # two rows


def test_continuation_pages_carry_a_name_line(example) -> None:
    _, _, _, pdfs = example
    pdf = reader(pdfs["mentoring-agreement"])
    assert len(pdf.pages) > 1
    assert "Name:" not in pdf.pages[0].extract_text().splitlines()[0]
    assert all("Name:" in page.extract_text() for page in pdf.pages[1:])


def test_meeting_notes_fit_the_one_page_they_promise(example) -> None:
    _, _, _, pdfs = example
    pdf = reader(pdfs["meeting-notes"])
    assert len(pdf.pages) == 1
    assert "actions.items.4.due" in fields_of(pdf)


def test_a_table_starts_under_its_heading_instead_of_leaving_the_page_blank(example) -> None:
    """The activity log's heading and table once moved whole to page 2, leaving half of page 1 empty."""
    _, _, _, pdfs = example
    pdf = reader(pdfs["activity-log"])
    first_page = [full_name(a) for a in pdf.pages[0].get("/Annots", [])]
    assert "log.entries.1.activity" in first_page
    assert "Activities" in pdf.pages[0].extract_text()
    assert re.search(r"Activity\s*Date\s*Hours", pdf.pages[1].extract_text())


def test_reflection_comes_before_goal_setting(example) -> None:
    _, _, _, pdfs = example
    pdf = reader(pdfs["first-meeting-worksheet"])
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert text.index("Reflection before you set goals") < text.index("Our top three goals")
    names = fields_of(pdf)
    assert {"reflection.worries", "reflection.fears", "reflection.challenges", "goals.goal_1"} <= set(names)


def test_the_90_day_decision_rule_stays_with_its_checklist(example) -> None:
    _, _, _, pdfs = example
    pdf = reader(pdfs["check-up-90-day"])
    last = "obstacles.factors.10_we_work_far_apart"
    [page] = [p for p in pdf.pages if any(full_name(a) == last for a in p["/Annots"])]
    assert "no-fault clause" in page.extract_text()


def test_a_checklist_splits_between_rows_repeating_its_label(example_folder: Path) -> None:
    """A checklist near a page's end starts there instead of moving whole; its next page says what it continues.

    Neither page holds fewer than two boxes, the repeated label is an artifact (a screen reader hears the label
    once, and one list of all the boxes), and the decision rule after it stays with its last boxes.
    """
    shipped = (Path(__file__).resolve().parent.parent / "forms" / "check-up-90-day.yaml").read_text()
    rule = "      - type: paragraph\n        style: note\n        text: >-\n          If more than two"
    label = "Tick every factor that is causing strain in the partnership."
    splits = 0
    for lines in range(1, 6):  # pushes the checklist down: split after 8, 6, ... boxes, or moved whole
        padding = f"      - {{type: multiline, name: pad, label: Padding, lines: {lines}}}\n"
        _override(example_folder, "check-up-90-day", shipped.replace(rule, padding + rule))
        program, sources = load(example_folder)
        pdf = reader(render_form(program, load_form_definitions(program, sources)["check-up-90-day"], sources))
        boxes = [sum(full_name(a).startswith("obstacles.factors.") for a in p["/Annots"]) for p in pdf.pages]
        used = [n for n, count in enumerate(boxes) if count]
        assert sum(boxes) == 10 and all(boxes[n] >= 2 for n in used)
        assert "no-fault clause" in pdf.pages[used[-1]].extract_text()
        if len(used) == 2:
            splits += 1
            assert (True, f"{label} (continued)") in marked_text(pdf.pages[used[1]])
            assert not any("(continued)" in line for artifact, line in marked_text(pdf.pages[used[1]]) if not artifact)
            document = pdf.trailer["/Root"]["/StructTreeRoot"]["/K"].get_object()
            [checklist] = [kid.get_object() for kid in document["/K"] if kid.get_object()["/S"] == "/L"]
            assert len(checklist["/K"]) == 10
    assert splits >= 2


def test_agreements_state_commitments_certification_and_copies(example) -> None:
    _, _, _, pdfs = example
    pdf = reader(pdfs["mentoring-agreement"])
    assert "terms.hours" in fields_of(pdf)
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert "As the mentor, I will" in text and "As the mentee, I will" in text
    signing = next(p for p in pdf.pages if "Agency head" in p.extract_text()).extract_text()
    assert "the information above is true" in signing and "Copies:" in signing
    confidentiality = reader(pdfs["confidentiality-agreement"])
    assert len(confidentiality.pages) == 1 and "Copies:" in confidentiality.pages[0].extract_text()


@pytest.mark.parametrize("form_id", CATALOGUE)
def test_every_form_says_time_return_and_other_formats(example, form_id: str) -> None:
    program, _, forms, pdfs = example
    first = " ".join(reader(pdfs[form_id]).pages[0].extract_text().split())
    assert f"about {forms[form_id].minutes} minutes to complete" in first
    assert "mentoring@dplw.example.gov, or hand a signed paper copy" in first  # program.return_to
    assert "in another format" in first and program.program.contact.phone in first


@pytest.mark.parametrize("form_id", ["meeting-notes", "confidentiality-agreement"])
def test_one_page_forms_stay_on_one_page(example, form_id: str) -> None:
    _, _, _, pdfs = example
    assert len(reader(pdfs[form_id]).pages) == 1


def test_seed_gaps_are_filled_without_renaming_anything(example) -> None:
    _, _, _, pdfs = example
    evaluation = fields_of(reader(pdfs["mentor-evaluation"]))
    assert "/daily" in evaluation["availability.frequency"]["/_States_"]
    assert {"ratings.questions.7.rating", "ratings.questions.8.rating"} <= set(evaluation)
    assert "ratings.questions.promotes_self_care.rating" in evaluation
    midpoint = fields_of(reader(pdfs["midpoint-evaluation"]))
    assert {"next.comments", "signatures.mentor.name", "signatures.mentee.date"} <= set(midpoint)
    log = fields_of(reader(pdfs["activity-log"]))
    assert {"signatures.mentee.name", "signatures.mentees_supervisor.date"} <= set(log)
    for form_id in ("mentee-application", "mentor-application"):
        assert {"office.received", "office.reviewed_by", "office.decision"} <= set(fields_of(reader(pdfs[form_id])))


def test_applications_print_the_full_privacy_notice_and_a_certification(example, program_copy) -> None:
    _, _, _, pdfs = example
    for form_id in ("mentee-application", "mentor-application"):
        text = " ".join(" ".join(p.extract_text() for p in reader(pdfs[form_id]).pages).split())
        for part in ("Authority: Section 12", "Purpose: To match", "Routine uses: Shared", "Disclosure: Voluntary"):
            assert part in text
        assert "I certify that the information I have given on this form is true" in text
    example_text = (Path(__file__).resolve().parent.parent / "program.yaml").read_text()
    block = example_text[example_text.index("  # Optional: a full privacy notice") : example_text.index("schedule:")]
    program, sources = load(program_copy((block, "\n")))
    pdf = reader(render_form(program, load_form_definitions(program, sources)["mentee-application"], sources))
    assert "Authority:" not in " ".join(p.extract_text() for p in pdf.pages)


def test_text_ending_a_section_does_not_drag_the_next_one_to_a_new_page(example) -> None:
    """The agreement's role paragraphs once pulled 'Our goals' and its first goal along, leaving page 1 part blank."""
    _, _, _, pdfs = example
    pdf = reader(pdfs["mentoring-agreement"])
    assert len(pdf.pages) == 3
    first = " ".join(pdf.pages[0].extract_text().split())
    assert "Terms of the partnership" in first and "As the mentee, I will" in first
