"""program.yaml loading: the example passes; every kind of broken program is refused with its place."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PIL import Image

from generator.problems import InputError
from generator.program import load_program
from generator.sources import Sources

from .conftest import EXAMPLE, FEW_FORMS, one_language


def problems_of(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_program(Sources(path))
    return [str(p) for p in caught.value.problems]


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_example_loads_with_every_section(example_folder: Path) -> None:
    program = load_program(Sources(example_folder))
    assert program.program.short_name == "Bridges"
    assert program.schedule.start == dt.date(2027, 2, 1)
    assert program.end_date == dt.date(2028, 1, 31)
    assert len(program.rating_scale) == 5
    assert program.rating_scale[0].label == "Poor"
    assert program.goals.per_agreement == 3
    assert len(program.signatories) == 6
    assert [m.id for m in program.schedule.milestones][-1] == "closure"
    assert program.form_enabled("mentor-evaluation")


def test_unknown_key_suggests_the_right_one(program_copy) -> None:
    path = program_copy(("\nrating_scale:", "\nratng_scale:"))
    found = problems_of(path)
    line = line_of(path, "ratng_scale:")
    assert any(
        f"program.yaml:{line}:1: ratng_scale: unknown key 'ratng_scale'; did you mean 'rating_scale'?" in p
        for p in found
    ), found


def test_nested_unknown_key_is_located(program_copy) -> None:
    path = program_copy(("  session_minutes: 60", "  sesion_minutes: 60"))
    found = problems_of(path)
    line = line_of(path, "sesion_minutes")
    assert any(f":{line}:3: schedule.sesion_minutes: unknown key" in p and "session_minutes" in p for p in found)


def test_duplicate_key_is_refused(program_copy) -> None:
    path = program_copy(("  short_name: Bridges\n", "  short_name: Bridges\n  short_name: Other\n"))
    found = problems_of(path)
    line = line_of(path, "short_name: Other")
    assert any(f":{line}:3: program.short_name: duplicate key (first given on line {line - 1})" in p for p in found)


def test_yaml_syntax_error_is_located(program_copy) -> None:
    path = program_copy(("  short_name: Bridges\n", "  short_name: [Bridges\n"))
    (problem,) = problems_of(path)
    assert "program.yaml:" in problem and "YAML syntax error" in problem


def test_wrong_type(program_copy) -> None:
    path = program_copy(("duration_months: 12", "duration_months: twelve"))
    (problem,) = problems_of(path)
    line = line_of(path, "duration_months")
    assert f":{line}:20: schedule.duration_months:" in problem and "twelve" in problem


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("per_agreement: 3", "per_agreement: 0", "goals.per_agreement"),
        ("session_minutes: 60", "session_minutes: 9000", "schedule.session_minutes"),
        ("offset_days: 350", "offset_days: 99999", "schedule.milestones.6.offset_days"),
    ],
)
def test_out_of_range_numbers(program_copy, old: str, new: str, key: str) -> None:
    path = program_copy((old, new))
    (problem,) = problems_of(path)
    assert f":{line_of(path, new)}:" in problem and f" {key}: " in problem


def test_rating_scale_needs_two_levels(program_copy, example_text: str) -> None:
    scale = example_text[example_text.index("rating_scale:\n") : example_text.index("\n# Skill areas")]
    path = program_copy((scale, "rating_scale:\n  - label: Only\n    definition: The one level.\n"))
    (problem,) = problems_of(path)
    assert f":{line_of(path, 'rating_scale:')}:" in problem and " rating_scale: " in problem and "at least 2" in problem


def test_impossible_date(program_copy) -> None:
    path = program_copy(("start: 2027-02-01", "start: 2027-02-30"))
    (problem,) = problems_of(path)
    assert f":{line_of(path, 'start: 2027-02-30')}:10: schedule.start: '2027-02-30' is not a real date" in problem


def test_malformed_email(program_copy) -> None:
    path = program_copy(("email: mentoring@dplw.example.gov", "email: mentoring.dplw.example.gov"))
    (problem,) = problems_of(path)
    assert " program.contact.email: " in problem and "not an e-mail address" in problem


def test_missing_logo_file(program_copy) -> None:
    path = program_copy(("  # logo: logo.png", "  logo: missing.png"))
    (problem,) = problems_of(path)
    assert f":{line_of(path, 'logo: missing.png')}:" in problem and "program.logo: no file 'missing.png'" in problem


def test_existing_logo_file_is_accepted(program_copy) -> None:
    path = program_copy(("  # logo: logo.png", "  logo: logo.png"))
    Image.new("RGB", (8, 8), "teal").save(path.parent / "logo.png")
    assert load_program(Sources(path)).program.logo == "logo.png"


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        ("logo.png", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\nnot really"), "not a readable PNG or JPEG"),
        ("logo.gif", lambda p: Image.new("RGB", (8, 8)).save(p), "is a GIF image"),
        ("logo.png", lambda p: Image.new("L", (3000, 2000)).save(p), "is 3000 by 2000 pixels, too large"),
        ("logo.png", lambda p: Image.new("1", (20000, 10000)).save(p), "far too large an image"),
    ],
)
def test_a_logo_the_forms_cannot_draw_is_refused(program_copy, name: str, make, expected: str) -> None:
    path = program_copy(("  # logo: logo.png", f"  logo: {name}"))
    make(path.parent / name)
    (problem,) = problems_of(path)
    assert f":{line_of(path, 'logo:')}:9: program.logo: '{name}' " in problem and expected in problem


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("start: 2027-02-01", "start: 9999-12-01", "schedule.start: 9999-12-01 is out of range"),
        ("start: 2027-02-01", "start: 2107-01-01", "give a date between 1900 and 2100"),
        ("duration_months: 12", "duration_months: on", "duration_months: 'on' is not a number (YAML reads it as true)"),
        ("per_agreement: 3", "per_agreement: '3'", "per_agreement: expected a whole number but got the text '3'"),
        ("start: 2027-02-01", "start: !!timestamp nope", "schedule.start: 'nope' is not a real date"),
        ("url: https://mentoring.dplw.example.gov/", "url: 'http://[::1'", "program.url: 'http://[::1' is not a web"),
        ("url: https://mentoring.dplw.example.gov/", "url: not a url", "program.url: 'not a url' is not a web"),
    ],
)
def test_odd_values_are_refused_without_traceback(program_copy, old: str, new: str, expected: str) -> None:
    path = program_copy((old, new))
    (problem,) = problems_of(path)
    assert expected in problem and "(got" not in problem


def test_an_alias_loop_is_refused(program_copy) -> None:
    (problem,) = problems_of(program_copy(text="a: &x [*x]\n"))
    assert "refers to the anchor" in problem


def test_unknown_form_ids_in_forms_and_milestones(program_copy) -> None:
    path = program_copy(
        ("  closure-evaluation:\n    enabled: true", "  closure-evaluaton:\n    enabled: true"),
        ("forms: [action-plan]", "forms: [action-plans]"),
    )
    found = problems_of(path)
    assert len(found) == 2
    assert any("forms.closure-evaluaton: no form 'closure-evaluaton'" in p and "closure-evaluation" in p for p in found)
    assert any("schedule.milestones.3.forms.1: no form 'action-plans'" in p and "'action-plan'" in p for p in found)


def test_missing_required_key(program_copy) -> None:
    agency = (
        "  agency:\n    en: Department of Public Lands and Waters\n    es: Departamento de Tierras y Aguas Públicas\n"
    )
    path = program_copy((agency, ""))
    (problem,) = problems_of(path)
    assert " program.agency: this key is required" in problem


def test_bad_colour_and_language(program_copy) -> None:
    path = program_copy(("color: teal", "color: tealish"), ("languages: [en, es]", "languages: [en, english!]"))
    found = problems_of(path)
    assert any("program.color: 'tealish' is not a color" in p for p in found)
    assert any("program.languages.2: 'english!' is not a BCP 47" in p for p in found)
    assert len(found) == 2, found  # texts given per language are not blamed for the list they cannot be read by


def test_every_problem_in_one_run(program_copy) -> None:
    path = program_copy(
        ("\nrating_scale:", "\nratng_scale:"),
        ("start: 2027-02-01", "start: 2027-13-01"),
        ("email: mentoring@dplw.example.gov", "email: nobody"),
        ("  short_name: Bridges\n", "  short_name: Bridges\n  short_name: Again\n"),
    )
    found = problems_of(path)
    assert len(found) >= 5  # the typo also leaves rating_scale missing
    assert found == sorted(found, key=lambda p: int(p.split(":")[1]))


def test_empty_file(program_copy) -> None:
    path = program_copy(text="# nothing here yet\n\n")
    (problem,) = problems_of(path)
    assert problem.endswith("the file is empty; fill it in (start from `handbook new`)")


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "program.yaml"
    path.write_bytes("program:\n  name: Caf\u00e9\n".encode("latin-1"))
    (problem,) = problems_of(path)
    assert "program.yaml:2:12: byte 0xE9 is not UTF-8" in problem


def test_top_level_list_is_refused(program_copy) -> None:
    path = program_copy(text="- just\n- a list\n")
    (problem,) = problems_of(path)
    assert "expected keys and values at the top level" in problem


def test_missing_file(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path / "nope" / "program.yaml")
    assert "file not found" in problem


def test_control_character_is_located(program_copy) -> None:
    path = program_copy(("short_name: Bridges", "short_name: Bri\x01dges"))
    (problem,) = problems_of(path)
    assert f"program.yaml:{line_of(path, 'short_name')}:18: the file holds a character YAML does not allow" in problem


def test_tab_indentation_is_a_located_syntax_error(program_copy) -> None:
    path = program_copy(("  short_name: Bridges", "\tshort_name: Bridges"))
    (problem,) = problems_of(path)
    assert f"program.yaml:{line_of(path, 'short_name')}:1: YAML syntax error" in problem


def test_keys_stay_as_written(program_copy) -> None:
    """YAML 1.1 reads `yes:` as true and `2027:` as a number; glossary terms must keep their text."""
    path = program_copy(
        ("glossary:\n  en:\n", "glossary:\n  en:\n    yes: Agreement.\n    2027: The first program year.\n")
    )
    glossary = load_program(Sources(path)).glossary
    assert glossary["yes"] == "Agreement." and glossary["2027"] == "The first program year."


def test_a_merge_key_may_be_overridden(program_copy) -> None:
    """YAML 1.1 lets a mapping's own keys override what `<<: *anchor` brings in; only a key given twice is refused."""
    path = program_copy(
        ("  contact:\n    name: Dana Okafor\n", "  contact: &dana\n    name: Dana Okafor\n"),
        ("glossary:\n", "other_contact: {<<: *dana, name: Sam Ortiz, name: Again}\nglossary:\n"),
    )
    found = problems_of(path)
    line = line_of(path, "other_contact")
    assert any(f":{line}:" in p and "other_contact.name: duplicate key" in p for p in found), found
    assert not any("contact.name: duplicate" in p and f":{line}:" not in p for p in found), found


def test_merge_overrides_load(program_copy) -> None:
    path = program_copy(
        ("  contact:\n    name: Dana Okafor\n", "  contact:\n    <<: &dana {name: Dana Okafor}\n    name: Sam Ortiz\n")
    )
    assert load_program(Sources(path)).program.contact.name == "Sam Ortiz"


def test_deep_nesting_is_refused_at_its_place(program_copy) -> None:
    (problem,) = problems_of(program_copy(text="program:\n  name: " + "[" * 5000 + "]" * 5000 + "\n"))
    assert "program.yaml:2:" in problem and "nested too deeply" in problem and "alias" not in problem


def test_aliases_that_expand_without_end_are_refused_early(program_copy) -> None:
    laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    (problem,) = problems_of(program_copy(text=laughs))
    assert "program.yaml:5:1: e: aliases (*name) here expand to more than 100,000 values" in problem


@pytest.mark.parametrize(
    ("old", "new", "where", "expected"),
    [
        ("en: Mentoring Program Coordinator", "en: Coordinator: Mentoring", "Coordinator:", "must be put in quotes"),
        ("color: teal", "color: #1f5f5b", "color:", 'comment, so this key has no value; put it in quotes: "#1f5f5b"'),
        ("  paper: letter", "  paper letter", "paper letter", "this line has no ':' after its key"),
        (
            "    - en: Stronger",
            "    -\ten: Stronger",
            "\ten: Stronger",
            "a tab character; YAML indents with spaces only",
        ),
        ("session_minutes: 60", "session_minutes: 060", "session_minutes", "'060' starts with 0, which YAML reads as"),
        ("session_minutes: 60", "session_minutes: 0o17", "session_minutes", "'0o17' is not a plain whole number"),
        ("session_minutes: 60", "session_minutes: yes", "session_minutes", "'yes' is not a number (YAML reads it as"),
        ("  name:\n    en: Bridges", "  na\u200bme:\n    en: Bridges", "na\u200bme:", "invisible ZERO WIDTH"),
        ("  agency:\n", "  \u0430gency:\n", "\u0430gency:", "CYRILLIC SMALL LETTER A"),
    ],
)
def test_common_slips_get_plain_advice_at_their_line(program_copy, old: str, new: str, where: str, expected: str):
    path = program_copy((old, new))
    found = problems_of(path)
    line = line_of(path, where)
    assert any(f"program.yaml:{line}:" in p and expected in p for p in found), found


def test_a_look_alike_key_is_named_and_the_right_one_given(program_copy) -> None:
    path = program_copy(("  agency:\n", "  \u0430gency:\n"))
    (unknown,) = [p for p in problems_of(path) if "unknown key" in p]
    assert "unknown key '\\u0430gency'" in unknown and "type it again as 'agency'" in unknown


def test_cross_field_checks_run_despite_a_type_error_elsewhere(program_copy) -> None:
    """A wrong type in one key hides no duplicate milestone id, unknown form or missing logo elsewhere."""
    path = program_copy(
        ("session_minutes: 60", "session_minutes: sixty"),
        ("    - id: midpoint\n", "    - id: first-meeting\n"),
        ("forms: [action-plan]", "forms: [action-plans]"),
        ("  # logo: logo.png", "  logo: missing.png"),
        ("  closure-evaluation:\n    enabled: true", "  closure-evaluaton:\n    enabled: true"),
    )
    found = problems_of(path)
    assert len(found) == 5, found
    first = line_of(path, "- id: first-meeting")
    again = line_of(path, "title: {en: Mid-point review") - 1
    assert any(
        f"program.yaml:{again}:11: schedule.milestones.5.id: milestone id 'first-meeting' is also the id of "
        f"milestone 2 (line {first})" in p
        for p in found
    ), found
    assert any("schedule.milestones.3.forms.1: no form 'action-plans'" in p for p in found)
    assert any("forms.closure-evaluaton: no form" in p for p in found)
    assert any("program.logo: no file 'missing.png'" in p for p in found)


@pytest.mark.parametrize(
    ("replacements", "where", "expected"),
    [
        (
            [("offset_days: 350", "offset_days: 400")],
            "offset_days: 400",
            "schedule.milestones.6.offset_days: this milestone falls on 2028-03-07, after the program ends on "
            "2028-01-31 (schedule.start plus duration_months); make offset_days at most 364",
        ),
        (
            [("forms: [action-plan]", "forms: [action-plan, action-plan]")],
            "forms: [action-plan, action-plan]",
            "schedule.milestones.3.forms.2: form 'action-plan' is listed twice here; delete one",
        ),
        (
            [("application_deadline: 2027-01-11", "application_deadline: 2027-03-01")],
            "application_deadline",
            "eligibility.application_deadline: the application deadline 2027-03-01 falls after the program starts on "
            "2027-02-01",
        ),
    ],
)
def test_inconsistent_dates_and_milestone_forms_are_refused(program_copy, replacements, where: str, expected: str):
    path = program_copy(*replacements)
    (problem,) = problems_of(path)
    assert f"program.yaml:{line_of(path, where)}:" in problem and expected in problem, problem


def test_a_disabled_form_named_in_a_milestone_is_a_located_warning(program_copy, caplog) -> None:
    """Disabling a form drops it everywhere (documented), so it is allowed; but not silently."""
    path = program_copy(("  closure-evaluation:\n    enabled: true", "  closure-evaluation:\n    enabled: false"))
    with caplog.at_level("WARNING", logger="mkdocs.plugins.handbook"):
        load_program(Sources(path))
    (warning,) = [r.getMessage() for r in caplog.records]
    line = line_of(path, "forms: [closure-evaluation")
    assert f"program.yaml:{line}:15: schedule.milestones.6.forms.1: form 'closure-evaluation' is disabled" in warning


def _apart(path: Path, name: str) -> Path:
    """Move a program_copy into a folder of its own, so the next copy is another file (not one read moments ago)."""
    target = path.parent.parent / name / "program.yaml"
    target.parent.mkdir()
    return path.replace(target)


def _warnings(path: Path, caplog: pytest.LogCaptureFixture) -> list[str]:
    caplog.clear()
    with caplog.at_level("WARNING", logger="mkdocs.plugins.handbook"):
        load_program(Sources(path))
    return [r.getMessage() for r in caplog.records]


def test_milestones_on_weekends_and_public_holidays_are_located_warnings(program_copy, caplog) -> None:
    """A meeting set for a day off is a meeting nobody attends: `handbook check` says so, at the milestone."""
    sunday = _apart(program_copy(("offset_days: 105", "offset_days: 104")), "sunday")
    (warning,) = _warnings(sunday, caplog)  # no country: weekends only (February 15 is a Monday)
    line = line_of(sunday, "offset_days: 104")
    assert f"program.yaml:{line}:" in warning and "schedule.milestones.4.offset_days" in warning, warning
    assert "falls on Sunday 2027-05-16, a weekend day" in warning and "to Monday 2027-05-17" in warning, warning

    us = _apart(program_copy(("  # country: US", "  country: US")), "us")
    first_meeting, closure = _warnings(us, caplog)
    assert (
        "schedule.milestones.2.offset_days: this milestone falls on Monday 2027-02-15, Washington's Birthday, a "
        "public holiday; change offset_days, or set schedule.move_to_working_day: true to move it to Tuesday "
        "2027-02-16" in first_meeting
    ), first_meeting
    assert "schedule.milestones.6.offset_days" in closure and "Martin Luther King Jr. Day" in closure, closure
    regional = _apart(program_copy(("  # country: US\n  # region: CA", "  country: US\n  region: CA")), "ca")
    assert "Susan B. Anthony Day" in " ".join(_warnings(regional, caplog))
    assert _warnings(EXAMPLE, caplog) == []


def test_move_to_working_day_moves_milestones_on_pages_and_in_the_calendar(program_copy, caplog) -> None:
    from generator.pages import milestone_views

    path = program_copy(
        ("  # country: US", "  country: US"),
        ("move_to_working_day: false", "move_to_working_day: true"),
        ("offset_days: 105", "offset_days: 104"),
    )
    assert _warnings(path, caplog) == []
    dates = {view.id: view.date for view in milestone_views(load_program(Sources(path)), [])}
    assert dates["first-meeting"] == dt.date(2027, 2, 16)  # from Washington's Birthday
    assert dates["check-up-90-day"] == dt.date(2027, 5, 17)  # from a Sunday
    assert dates["midpoint"] == dt.date(2027, 8, 2)  # a working day stays
    assert dates["closure"] == dt.date(2028, 1, 18)  # from Martin Luther King Jr. Day


@pytest.mark.parametrize(
    ("replacement", "where", "expected"),
    [
        (("  # country: US", "  country: XX"), "country: XX", "no public holidays are known for the country code 'XX'"),
        (
            ("  # country: US\n  # region: CA", "  country: US\n  region: ZZ"),
            "region: ZZ",
            "'ZZ' is not a region of US",
        ),
        (("  # region: CA", "  region: CA"), "region: CA", "a region needs its country"),
        (("  # country: US", "  country: us"), "country: us", "program.country"),
    ],
)
def test_unknown_countries_and_regions_are_refused(program_copy, replacement, where: str, expected: str) -> None:
    path = program_copy(replacement)
    (problem,) = problems_of(path)
    assert f"program.yaml:{line_of(path, where)}:" in problem and expected in problem, problem


def test_check_warns_once_about_a_milestone_on_a_holiday(program_copy) -> None:
    """Rendering may happen in a worker process, so the warning is read where a coordinator sees it: stderr."""
    import subprocess
    import sys

    path = program_copy(text=one_language("en", FEW_FORMS).replace("program:\n", "program:\n  country: US\n", 1))
    run = subprocess.run([sys.executable, "-m", "generator", "check", "-p", str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stderr.count("Washington's Birthday, a public holiday") == 1, run.stderr
