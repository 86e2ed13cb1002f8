"""The shipped handbook says one thing in one way: pages agree with the forms and with each other, in US spelling.

Each test reads the example as a build renders it (pages after their placeholders are filled, forms' definitions
and the PDFs), since a contradiction a participant meets is between rendered texts.
"""

from __future__ import annotations

import functools
import io
import re

import pytest
import yaml
from pypdf import PdfReader

from generator.program import load_program
from generator.site import RenderedSite, render_site
from generator.sources import Sources

from .conftest import EXAMPLE, ROOT


@functools.cache
def _site() -> RenderedSite:
    """The example's English site, rendered once by the worker that runs these tests (not at collection)."""
    return render_site(Sources(EXAMPLE), use_cache=False, preview="")


@functools.cache
def _pages() -> dict[str, str]:
    return {name: text for name, text in _site().files.items() if name.endswith(".md") and isinstance(text, str)}


PROGRAM = load_program(Sources(EXAMPLE))
BRITISH = re.compile(
    r"\b(?:"
    r"(?:organ|recogn|priorit|summar|emphas|real|special|critic|final|util|maxim|minim|apolog|author|custom|familiar"
    r"|memor|visual|standard|categor|optim|personal|energ)is(?:e|ed|es|ing|ation|ations|er|ers)"
    r"|\w*(?:colour|favour|honour|behaviour|labour|neighbour|humour|rumour|endeavour)\w*"
    r"|(?:cancell|travell|labell|modell|counsell|signall|levell)\w*"
    r"|(?:centre|licence|defence|catalogue|programme|whilst|learnt|towards|enrolment|judgement|cheque|practise)s?"
    r")\b",
    re.IGNORECASE,
)
"""British spellings a handbook in US English must not use: -ise verbs, -our nouns, doubled l, and the like."""


def _british(text: str) -> list[str]:
    return sorted({match.group(0) for match in BRITISH.finditer(text)})


def test_pages_and_forms_use_us_spelling() -> None:
    found = {name: _british(text) for name, text in _pages().items()}
    for path in sorted((ROOT / "forms").glob("*.yaml")):
        # What a form prints: everything but its fields' machine names, which must never change.
        shown = re.sub(r"\bname:\s*[\w.]+", "", path.read_text(encoding="utf-8"))
        found[path.name] = _british(shown)
    found["program.yaml"] = _british((ROOT / "program.yaml").read_text(encoding="utf-8"))
    assert {name: words for name, words in found.items() if words} == {}


def test_the_closure_form_is_filled_in_as_its_form_says() -> None:
    who = yaml.safe_load((ROOT / "forms" / "closure-evaluation.yaml").read_text(encoding="utf-8"))["who"]
    assert "together" in who
    closure = _pages()["evaluation.md"].split("\nClosure", 1)[1].split("\n\n", 1)[0]
    assert "together" in closure and "Each of you" not in closure, closure


def test_measures_of_success_are_collected_by_a_form() -> None:
    """A rating named in a measure must be a rating a form asks for: the mentor evaluation's questions."""
    labels = [level.label for level in PROGRAM.rating_scale]
    questions = " ".join(str(q).lower() for q in PROGRAM.evaluation.mentor_questions)
    rated = [m for m in PROGRAM.goals.measures_of_success if any(f'"{label}"' in m for label in labels)]
    assert rated
    for measure in rated:
        assert "rate the program" not in measure, measure
        assert "overall experience with" in measure and "overall experience with your mentor" in questions, measure


def test_goals_are_set_at_the_first_meeting_and_refined_in_the_first_month() -> None:
    journey = " ".join(_pages()["journey.md"].split())
    first_meeting = journey.split("## Stage 1", 1)[1].split("## Stage 2", 1)[0]
    assert "they go into the mentoring agreement you sign at this meeting" in first_meeting
    assert "refine them into the action plan" in first_meeting
    assert "rough for now" not in journey and "Rewrite each one as a SMART goal" not in journey


@pytest.mark.parametrize("role", ["mentor", "mentee"])
def test_eligibility_lead_ins_fit_every_criterion(role: str) -> None:
    page = _pages()["eligibility.md"]
    assert f"{role.capitalize()}s meet each of these criteria:" in page
    assert "you should be:" not in page


def test_meeting_notes_are_described_as_the_pdf_is() -> None:
    pages = len(PdfReader(io.BytesIO(_site().files["forms/meeting-notes.pdf"])).pages)
    text = " ".join(_pages().values())
    assert pages == 1 or ("one-page" not in text and "one page" not in text), "the page promises one page"


def test_participants_never_read_of_program_yaml() -> None:
    """Only the coordinators' page may name the file participants never see."""
    assert [name for name, text in _pages().items() if "program.yaml" in text and name != "coordinators.md"] == []


ROLE_PAGES = {"mentees.md": "For mentees", "mentors.md": "For mentors", "supervisors.md": "For supervisors"}


@pytest.mark.parametrize("page", sorted(ROLE_PAGES))
def test_each_role_has_a_page_of_what_to_do_and_when(page: str) -> None:
    text = _pages()[page]
    assert text.startswith(f"# {ROLE_PAGES[page]}\n")
    steps = re.findall(r"^(\S.*)\n:   ", text.split("## What you do and when", 1)[1], re.MULTILINE)
    dated = [step for step in steps if re.search(r"\(by \w+ \d+, \d{4}\)", step)]
    assert len(steps) >= 6 and len(dated) >= 4, steps
    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    assert {ROLE_PAGES[page]: page} in nav


def test_the_home_page_routes_each_role_to_its_page() -> None:
    routes = _pages()["index.md"].split("## Start with your role", 1)[1].split("\n## ", 1)[0]
    for page, title in {**ROLE_PAGES, "coordinators.md": "For coordinators"}.items():
        assert f"[{title}]({page})" in routes, routes
