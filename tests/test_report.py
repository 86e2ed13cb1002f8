"""`handbook report`: the evaluation from real filled forms, with small groups hidden and no names shown."""

from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.forms import render_forms
from generator.program import load_program
from generator.reporting.suppression import protect
from generator.sources import Sources

from .conftest import EXAMPLE
from .fillers import fill_pypdf
from .test_browser import _report, _require_browser_tools, browser

MENTEES = [
    "Zelda Quorrington",
    "Bartholomew Vexley",
    "Oona Fairweather",
    "Ptolemy Grisby",
    "Ines Marchetti-Lowe",
    "Kwame Adjeibrook",
    "Saoirse Tallant",
]
MENTORS = [
    "Иван Петровский",
    "Henrietta Okonkwo-Baird",
    "Lysander Pike",
    "Marguerite Dubrovnik",
    "Tobias Wren",
    "Philippa Ashdown",
]
SUPERVISOR = "Cornelius Hathersage"
PULSE = """
  - id: pulse
    title: How it is going
    fields:
      - type: rating_grid
        name: questions
        label: Rate how it is going.
        comments: false
        definitions: false
        questions: [{id: partnership, label: How well is the partnership working?}]
"""
"""A question both the mid-point review and closure rate under one field name: shown side by side."""
SCRIPT = "<script>alert('owned')</script> & more"
HELPFUL = [
    SCRIPT,
    "Field trips to the wetlands",
    "Иван Петровский showed me the permits desk",
    "Mail me at quorrington@example.org",
    "zelda and I found honest feedback",
    "Time to ask questions",
]
LEAST = "Only two of us answered this one"


def _evaluation(n: int) -> dict[str, str | bool]:
    """Mentee n's mentor evaluation: question 1 needs only primary suppression, 2 a complementary cell, 3 too few."""
    q1 = ["excellent"] * 5 + ["good"] * 4 + ["average"] * 3
    q2 = ["fair"] + ["good"] * 5 + ["excellent"] * 6
    values: dict[str, str | bool] = {
        "about.mentee": MENTEES[n % 7],
        "about.mentor": MENTORS[n % 6],
        "ratings.questions.1.rating": q1[n],
        "ratings.questions.2.rating": q2[n],
        "availability.enough": "yes",
    }
    if n < 3:
        values["ratings.questions.3.rating"] = "poor"
    if n < len(HELPFUL):
        values["narrative.most_helpful"] = HELPFUL[n]
    if n < 2:
        values["narrative.least_helpful"] = LEAST
    return values


def _folder(program: Path) -> Path:
    """Forms for everything a report counts, filled with pypdf; the order of collection follows the file names."""
    sources = Sources(program)
    blank = render_forms(load_program(sources), sources)
    inbox = program.parent / "inbox"
    inbox.mkdir()
    blanks = program.parent / "blank"
    blanks.mkdir()
    for form_id, data in blank.items():
        (blanks / f"{form_id}.pdf").write_bytes(data)

    def fill(form_id: str, name: str, values: dict) -> Path:
        target = inbox / f"{name}.pdf"
        fill_pypdf(blanks / f"{form_id}.pdf", target, values)
        return target

    for n, name in enumerate(MENTEES):
        skills = {"growth.skills.writing_effectively": True, "growth.skills.negotiating": n < 5}
        skills["growth.skills.managing_projects"] = n < 2
        contact = {"contact.name": name, "contact.email": f"mentee{n}@example.org", "contact.supervisor": SUPERVISOR}
        fill("mentee-application", f"mentee-{n}", {**contact, **skills})
    older = fill("mentee-application", "mentee-0-first", {"contact.email": "MENTEE0@example.org"})
    os.utime(older, (1_700_000_000, 1_700_000_000))  # the same person's earlier copy: superseded
    for n, name in enumerate(MENTORS):
        values = {"contact.name": name, "contact.email": f"mentor{n}@example.org"}
        fill("mentor-application", f"mentor-{n}", {**values, "offer.skills.writing_effectively": True})
    for n in range(12):
        fill("mentor-evaluation", f"evaluation-{n:02}", _evaluation(n))
    for n in range(5):
        pair = {"review.mentee": MENTEES[n], "review.mentor": MENTORS[n], "pulse.questions.partnership.rating": "good"}
        fill("midpoint-evaluation", f"midpoint-{n}", pair)
    for n in range(6):
        pair = {"about.mentee": MENTEES[n], "about.mentor": MENTORS[n], "benefits.goals_reached": "all_of_them"}
        fill("closure-evaluation", f"closure-{n}", {**pair, "pulse.questions.partnership.rating": "excellent"})
    result = CliRunner().invoke(
        main, ["collect", str(inbox), "-p", str(program), "-o", str(program.parent / "records")]
    )
    assert result.exit_code == 0 and ", 0 problems" in result.output, result.output
    return program.parent


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A program whose mid-point review and closure share a rated question, with its forms returned and collected."""
    root = tmp_path_factory.mktemp("report")
    shutil.copy(EXAMPLE, root / "program.yaml")
    free = EXAMPLE.read_text(encoding="utf-8").replace("report_free_text: false", "report_free_text: true")
    (root / "free.yaml").write_text(free, encoding="utf-8")
    (root / "forms").mkdir()
    for form_id in ("midpoint-evaluation", "closure-evaluation"):
        text = (EXAMPLE.parent / "forms" / f"{form_id}.yaml").read_text(encoding="utf-8")
        (root / "forms" / f"{form_id}.yaml").write_text(text.rstrip() + "\n" + PULSE, encoding="utf-8")
    (root / "matches").mkdir()
    (root / "matches" / "matches.csv").write_text("mentor,mentee\na,b\nc,d\n\ne,f\n", encoding="utf-8")
    _folder(root / "program.yaml")
    return root / "program.yaml"


def _report_html(program: Path, out: Path, *args: str, yaml: str = "program.yaml") -> str:
    root = program.parent
    result = CliRunner().invoke(
        main, ["report", "-p", str(root / yaml), "-r", str(root / "records"), "-o", str(out), *args]
    )
    assert result.exit_code == 0, result.output
    assert "confidential" in result.output
    return (out / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def html(program: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    return _report_html(program, tmp_path_factory.mktemp("out") / "report")


@pytest.fixture(scope="module")
def free_html(program: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    return _report_html(program, tmp_path_factory.mktemp("free") / "report", yaml="free.yaml")


class _Tables(HTMLParser):
    """Every table of a page as {caption: [[cell text, ...], ...]}."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption = self._cell = None
        self._rows: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "caption":
            self._caption = ""
        elif tag == "tr":
            self._rows.append([])
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self.tables[self._caption] = self._rows = []
            self._caption = None
        elif tag in ("td", "th"):
            self._rows[-1].append(self._cell)
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._caption is not None:
            self._caption += data
        elif self._cell is not None:
            self._cell += data


def _tables(html: str) -> dict[str, dict[str, list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return {caption: {row[0]: row[1:] for row in rows} for caption, rows in parser.tables.items()}


@pytest.mark.parametrize(
    ("counts", "shown"),
    [
        ([0, 0, 3, 4, 5], [0, 0, None, None, 5]),  # two small cells hide each other: 7 people between them
        ([0, 1, 0, 5, 6], [0, None, 0, None, 6]),  # one small cell: the next smallest goes with it
        ([0, 0, 0, 6, 6], [0, 0, 0, 6, 6]),  # zeros describe no one
        ([2, 2], None),  # too few answers: the whole question goes
        ([1, 0, 9], [None, 0, None]),  # a zero is never the complement: hiding it would protect nothing
    ],
)
def test_protect_hides_small_cells_and_what_would_give_them_away(counts: list[int], shown: list | None) -> None:
    assert protect(counts, 5) == shown


def test_funnel_counts_each_person_once_and_hides_small_steps(html: str) -> None:
    funnel = _tables(html)["Participation at each step of the program"]
    assert funnel == {
        "Step": ["Number"],
        "Mentor applications received": ["6"],
        "Mentee applications received": ["7"],  # eight files, one of them an earlier copy
        "Pairs matched": ["hidden"],  # three rows in matches/matches.csv
        "Mentoring agreements returned": ["0"],
        "Mid-point reviews returned": ["5"],
        "Closure evaluations returned": ["6"],
        "Mentor evaluations returned": ["12"],
    }


def test_ratings_hide_small_cells_and_their_complement(html: str) -> None:
    tables = _tables(html)
    q1 = tables["Answers to: 1. How well did your mentor know agency and state policies?"]
    assert q1 == {
        "Answer": ["Mentor evaluation"],
        "Poor": ["0"],
        "Fair": ["0"],
        "Average": ["hidden"],
        "Good": ["hidden"],
        "Excellent": ["5"],
        "Everyone who answered": ["12"],
    }
    q2 = tables["Answers to: 2. How well did your mentor follow up on questions they could not answer at once?"]
    assert q2["Fair"] == ["hidden"] and q2["Good"] == ["hidden"], "1 Fair is hidden, so Good (5) is hidden with it"
    assert q2["Excellent"] == ["6"] and q2["Everyone who answered"] == ["12"]
    assert not any("3. How skilled" in caption for caption in tables), "three answers: the question is left out"
    assert "Mentor evaluation: fewer than 5 people answered, so it is not shown." in html
    pulse = tables["Answers to: 1. How well is the partnership working?"]
    assert pulse["Answer"] == ["Mid-point review", "Closure and celebration"]
    assert pulse["Good"] == ["5", "0"] and pulse["Excellent"] == ["0", "6"]
    assert tables["Answers to: How many of our goals did we reach?"]["All of them"] == ["6"]


def test_skills_wanted_and_offered_by_label(html: str) -> None:
    skills = _tables(html)["Skills wanted by mentees and offered by mentors"]
    assert list(skills)[1] == "Writing effectively"  # most wanted first
    assert skills["Writing effectively"] == ["7", "6"]
    assert skills["Negotiating"] == ["hidden", "0"], "5 of 7 ticked it: the 2 who did not are a small group"
    assert skills["Managing projects"] == ["hidden", "0"]
    assert skills["Building teams"] == ["0", "0"]


def test_no_names_anywhere(html: str, free_html: str) -> None:
    people = [*MENTEES, *MENTORS, SUPERVISOR, "example.org", "Петровский", "Quorrington"]
    for page in (html, free_html):
        found = [name for name in people if name.casefold() in page.casefold()]
        assert not found, f"names in the report: {found}"


def test_written_answers_only_when_the_program_opts_in_and_enough_people_wrote(html: str, free_html: str) -> None:
    assert "Field trips to the wetlands" not in html and "What participants wrote" not in html
    assert "Field trips to the wetlands" in free_html
    assert "[name removed] showed me the permits desk" in free_html
    assert "Mail me at [name removed]" in free_html and "[name removed] and I found honest feedback" in free_html
    assert LEAST not in free_html, "two answers are too few to show"


def test_values_from_returned_forms_are_escaped(free_html: str) -> None:
    assert "<script" not in free_html
    assert "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt; &amp; more" in free_html


def test_first_line_and_first_words_say_confidential(html: str) -> None:
    assert html.splitlines()[0].startswith("<!-- Confidential: not for publication.")
    body = html[html.index("<body>") :]
    assert re.sub(r"<[^>]+>", "", body).lstrip().startswith("Confidential: not for publication.")
    assert '<html lang="en">' in html and '<meta name="robots" content="noindex, nofollow">' in html
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")


def test_charts_are_named_images_beside_their_tables(html: str) -> None:
    charts = re.findall(r'<svg [^>]*role="img"[^>]*aria-labelledby="([^"]+)"', html)
    assert len(charts) == html.count("<svg") == html.count("<table>") >= 6
    for labelled_by in charts:
        title, desc = labelled_by.split()
        assert f'<title id="{title}">' in html and f'<desc id="{desc}">' in html
    assert "Excellent: 5 (42%)." in html, "the chart's description gives its numbers in words"


def test_rebuilds_are_byte_identical_and_dated_from_the_records(
    program: Path, html: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _report_html(program, tmp_path / "again") == html
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    pinned = _report_html(program, tmp_path / "pinned")
    assert "collected up to January 15, 2027" in pinned


def test_the_report_is_refused_where_it_would_be_published(program: Path, tmp_path: Path) -> None:
    root = program.parent
    (tmp_path / "built").mkdir()
    (tmp_path / "built" / ".handbook-site").touch()
    for out, words in (
        (root / "site" / "report", "site folder"),
        (root / "content" / "private", "content folder"),
        (tmp_path / "built" / "deep", "inside the built site"),
    ):
        result = CliRunner().invoke(main, ["report", "-p", str(program), "-r", str(root / "records"), "-o", str(out)])
        assert result.exit_code == 1 and words in result.output, result.output
        assert not out.exists()
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "records.sqlite").write_text("not a database", encoding="utf-8")
    for args, words in (
        (["-r", str(tmp_path)], "records.sqlite not found"),
        (["-r", str(tmp_path / "junk")], "is not a records store"),
        (["-r", str(root / "records"), "--matches", str(tmp_path / "none.csv")], "none.csv not found"),
    ):
        result = CliRunner().invoke(main, ["report", "-p", str(program), "-o", str(tmp_path / "r"), *args])
        assert result.exit_code == 1 and words in result.output and "Traceback" not in result.output, result.output


def test_the_report_has_no_axe_violations(html: str, tmp_path: Path) -> None:
    _require_browser_tools()
    (tmp_path / "index.html").write_text(html, encoding="utf-8")
    audit = browser("audit", tmp_path.as_uri() + "/", "--width=1280,390", "index.html")
    assert len(audit) == 2
    assert not any(audit.values()), "axe-core found WCAG 2.1 A/AA violations:\n" + _report(audit)
