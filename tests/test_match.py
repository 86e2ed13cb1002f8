"""`handbook match`: pairs from real returned applications, the hard rules never broken, the solver optimal."""

from __future__ import annotations

import csv
import itertools
import os
import random
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.forms import load_form_definitions, render_form
from generator.matching.assign import RESOLUTION, assign
from generator.matching.candidates import Person
from generator.matching.rules import allowed, conflict
from generator.program import load_program
from generator.sources import Sources

from .conftest import EXAMPLE
from .fillers import fill_pypdf

SCRIPT = "<script>alert('x')</script>"
FORMULA = "=cmd|' /C calc'!A0"

MENTORS = {
    "ruth": {
        "contact.name": "Ruth Adler",
        "contact.email": "ruth@dplw.example.gov",
        "contact.supervisor": "Sam Boss",
        "contact.supervisor_email": "sam@dplw.example.gov",
        "offer.skills.negotiating": True,
        "offer.skills.writing_effectively": True,
        "offer.skills.managing_projects": True,
        "availability.ways.video": True,
        "availability.capacity": "2",
    },
    "omar": {
        "contact.name": "Omar Haddad",
        "contact.email": "omar@dplw.example.gov",
        "contact.supervisor": "Lee Park",
        "contact.supervisor_email": "lee@dplw.example.gov",
        "offer.skills.managing_projects": True,
        "offer.skills.negotiating": True,
        "offer.skills.training_others": True,
    },
    "kim": {  # Bo's supervisor, and the best fit for Bo's skills
        "contact.name": "Kim Tran",
        "contact.email": "kim.tran@dplw.example.gov",
        "offer.skills.negotiating": True,
        "offer.skills.resolving_conflicts": True,
        "offer.skills.writing_effectively": True,
        "availability.capacity": "1",
    },
}
MENTEES = {
    "ana": {  # shares Omar's supervisor
        "contact.name": "Ana Pérez",
        "contact.email": "Ana.Perez@dplw.example.gov",
        "contact.supervisor": FORMULA,
        "contact.supervisor_email": "LEE@dplw.example.gov",
        "growth.skills.managing_projects": True,
        "growth.skills.negotiating": True,
        "availability.ways.video": True,
    },
    "bo": {
        "contact.name": "Bo Chen",
        "contact.email": "bo@dplw.example.gov",
        "contact.supervisor": "Kim Tran",
        "contact.supervisor_email": "KIM.TRAN@dplw.example.gov",
        "growth.skills.negotiating": True,
        "growth.skills.resolving_conflicts": True,
        "growth.skills.writing_effectively": True,
    },
    "cy": {  # shares Ruth's supervisor, written differently and without an e-mail
        "contact.name": "Cy Diaz",
        "contact.email": "cy@dplw.example.gov",
        "contact.supervisor": "  sam   BOSS ",
        "growth.skills.training_others": True,
        "growth.skills.negotiating": True,
    },
    "dee": {
        "contact.name": SCRIPT,
        "contact.email": "dee@dplw.example.gov",
        "growth.skills.using_computer_software": True,
    },
}
ANA_EARLIER = {
    "contact.name": "Ana Pérez",
    "contact.email": "ana.perez@dplw.example.gov",  # the same person: e-mails compare without case
    "growth.skills.training_others": True,
}


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A records store collected from applications filled with pypdf, as a participant's script would."""
    sources = Sources(EXAMPLE)
    program = load_program(sources)
    forms = load_form_definitions(program, sources)
    folder = tmp_path_factory.mktemp("match")
    blank = {}
    for form_id in ("mentor-application", "mentee-application"):
        blank[form_id] = folder / f"{form_id}.pdf"
        blank[form_id].write_bytes(render_form(program, forms[form_id], sources))
    inbox = folder / "inbox"
    inbox.mkdir()
    for name, values in MENTORS.items():
        fill_pypdf(blank["mentor-application"], inbox / f"mentor-{name}.pdf", values)
    for name, values in MENTEES.items():
        fill_pypdf(blank["mentee-application"], inbox / f"mentee-{name}.pdf", values)
    fill_pypdf(blank["mentee-application"], inbox / "mentee-ana-first.pdf", ANA_EARLIER)
    os.utime(inbox / "mentee-ana-first.pdf", (1_700_000_000, 1_700_000_000))  # sent before the correction
    result = CliRunner().invoke(main, ["collect", str(inbox), "-p", str(EXAMPLE), "-o", str(folder / "records")])
    assert result.exit_code == 0, result.output
    return folder / "records"


def _match(records: Path, out: Path, program: Path = EXAMPLE, code: int = 0) -> str:
    result = CliRunner().invoke(main, ["match", "-p", str(program), "-r", str(records), "-o", str(out)])
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.output


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _independent_conflict(mentee: dict, mentor: dict) -> bool:
    """The supervisor rules written out again from the raw answers, to check the matcher's own."""

    def same(a: str | None, b: str | None) -> bool:
        a, b = " ".join((a or "").lower().split()), " ".join((b or "").lower().split())
        return bool(a) and a == b

    get = dict.get
    return (
        same(get(mentee, "contact.email"), get(mentor, "contact.email"))
        or same(get(mentor, "contact.email"), get(mentee, "contact.supervisor_email"))
        or same(get(mentor, "contact.name"), get(mentee, "contact.supervisor"))
        or same(get(mentee, "contact.email"), get(mentor, "contact.supervisor_email"))
        or same(get(mentee, "contact.name"), get(mentor, "contact.supervisor"))
        or same(get(mentee, "contact.supervisor_email"), get(mentor, "contact.supervisor_email"))
        or same(get(mentee, "contact.supervisor"), get(mentor, "contact.supervisor"))
    )


def test_realistic_round_gives_the_best_pairs_with_reasons(records: Path, tmp_path: Path) -> None:
    output = _match(records, tmp_path / "matches")
    assert "4 mentees, 3 mentors: 3 pairs proposed, 1 mentees without a mentor" in output
    assert (tmp_path / "matches" / "overrides.csv").read_bytes() == b"mentee,mentor,rule\r\n"
    pairs = {row["mentee_email"]: row for row in _rows(tmp_path / "matches" / "matches.csv")}
    assert {email: row["mentor_email"] for email, row in pairs.items()} == {
        "Ana.Perez@dplw.example.gov": "ruth@dplw.example.gov",  # not Omar: they share a supervisor
        "bo@dplw.example.gov": "ruth@dplw.example.gov",  # not Kim, Bo's supervisor
        "cy@dplw.example.gov": "omar@dplw.example.gov",  # not Ruth: they share a supervisor
    }
    ana = pairs["Ana.Perez@dplw.example.gov"]
    assert ana["score"] == "3"  # the corrected application: two skills and video, not the first one's skill
    assert ana["reasons"].startswith("shares 2 of 2 skills: Managing projects, Negotiating; both ticked Video call")
    assert pairs["bo@dplw.example.gov"]["reasons"] == "shares 2 of 3 skills: Writing effectively, Negotiating"
    assert ana["terms.mentee"] == ana["signatures.mentee.name"] == "Ana Pérez"
    assert ana["terms.mentor"] == ana["signatures.mentor.name"] == "Ruth Adler"
    assert ana["signatures.mentees_supervisor.name"] == "'" + FORMULA, "formula neutralised"
    assert ana["signatures.mentors_supervisor.name"] == "Sam Boss"
    left = {(row["role"], row["email"]): row["reason"] for row in _rows(tmp_path / "matches" / "unmatched.csv")}
    assert left == {
        ("mentee", "dee@dplw.example.gov"): "no mentor reaches the minimum score of 1; the best, Kim Tran, scores 0",
        ("mentor", "kim.tran@dplw.example.gov"): "1 of 1 places free",
    }
    answers = {v["contact.email"]: v for v in [*MENTORS.values(), *MENTEES.values()]}
    for row in pairs.values():
        assert not _independent_conflict(answers[row["mentee_email"]], answers[row["mentor_email"]])
    load = {email: [r["mentor_email"] for r in pairs.values()].count(email) for email in answers}
    assert load["ruth@dplw.example.gov"] <= 2 and load["omar@dplw.example.gov"] <= 1


def test_review_page_is_escaped_accessible_and_offline(records: Path, tmp_path: Path) -> None:
    _match(records, tmp_path / "m")
    page = (tmp_path / "m" / "index.html").read_text(encoding="utf-8")
    assert SCRIPT not in page and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert '<html lang="en">' in page and page.count("<caption>") == 2
    assert '<th scope="col">Mentee</th>' in page and page.count('<th scope="row">') == 5
    assert "<link" not in page and "src=" not in page and "@import" not in page
    unmatched = (tmp_path / "m" / "unmatched.csv").read_text(encoding="utf-8")
    assert SCRIPT in unmatched, "CSV keeps text as typed; only formulas are defused"


def test_locks_and_forbids_are_honoured(records: Path, tmp_path: Path) -> None:
    out = tmp_path / "m"
    out.mkdir()
    (out / "overrides.csv").write_text(
        "\ufeffMentee,Mentor,Rule,note\n"
        "ANA.PEREZ@dplw.example.gov,ruth@dplw.example.gov,forbid,asked for someone else\n"
        "\n"
        "dee@dplw.example.gov,Kim.Tran@dplw.example.gov,lock,coordinator's call\n",
        encoding="utf-8",
    )
    _match(records, out)
    pairs = {row["mentee_email"]: row for row in _rows(out / "matches.csv")}
    assert pairs["dee@dplw.example.gov"]["mentor_email"] == "kim.tran@dplw.example.gov"
    assert pairs["dee@dplw.example.gov"]["reasons"].startswith("locked by the coordinator; offers none of the 1")
    assert "Ana.Perez@dplw.example.gov" not in pairs
    left = {row["email"]: row["reason"] for row in _rows(out / "unmatched.csv")}
    assert left["Ana.Perez@dplw.example.gov"] == "every suitable mentor is full: Kim Tran"


def test_malformed_overrides_are_reported_with_their_lines(records: Path, tmp_path: Path) -> None:
    out = tmp_path / "m"
    out.mkdir()
    (out / "overrides.csv").write_text(
        "mentee,mentor,rule\n"
        "bo@dplw.example.gov,kim.tran@dplw.example.gov,lock\n"
        "bo@dplw.example.gov,ruth@dplw.example.gov,maybe\n"
        "nobody@dplw.example.gov,ruth@dplw.example.gov,forbid\n"
        ",ruth@dplw.example.gov,lock\n",
        encoding="utf-8",
    )
    output = _match(records, out, code=1)
    shown = out / "overrides.csv"
    assert f"{shown}:2:1: this lock cannot be kept: the mentor is the mentee's supervisor" in output
    assert f"{shown}:3:1: rule 'maybe' is neither lock" in output
    assert f"{shown}:4:1: no mentee application with the e-mail 'nobody@dplw.example.gov'" in output
    assert f"{shown}:5:1: no mentee e-mail" in output
    assert "Traceback" not in output and not (out / "matches.csv").exists()


def test_same_input_same_bytes(records: Path, tmp_path: Path) -> None:
    for name in ("a", "b"):
        _match(records, tmp_path / name)
    for file in ("matches.csv", "unmatched.csv", "index.html", "overrides.csv"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes(), file


def test_bad_weights_and_missing_records_are_explained(records: Path, tmp_path: Path, program_copy) -> None:
    program = program_copy(("    availability.commit: 0.5\n", "    availability.comit: 0.5\n"))
    output = _match(records, tmp_path / "m", program, code=1)
    assert "program.yaml:" in output and "matching.weights.availability.comit: no field" in output
    checked = CliRunner().invoke(main, ["check", "-p", str(program)])
    assert checked.exit_code == 1 and "matching.weights.availability.comit: no field" in checked.output
    output = _match(tmp_path / "nowhere", tmp_path / "m", code=1)
    assert "no records store" in output and "handbook collect" in output


def _best_by_brute_force(scores: np.ndarray, usable: np.ndarray, capacity: list[int]) -> tuple[int, int]:
    """(total gain in thousandths, pairs) of the best assignment, trying every one."""
    mentees, mentors = scores.shape
    best = (0, 0)
    for choice in itertools.product([None, *range(mentors)], repeat=mentees):
        if any(j is not None and not usable[i, j] for i, j in enumerate(choice)):
            continue
        if any(choice.count(j) > capacity[j] for j in range(mentors)):
            continue
        pairs = [(i, j) for i, j in enumerate(choice) if j is not None]
        best = max(best, (sum(int(scores[i, j]) for i, j in pairs), len(pairs)))
    return best


@pytest.mark.parametrize("seed", range(60))
def test_assignment_is_optimal_and_keeps_every_rule(seed: int) -> None:
    rng = random.Random(seed)
    mentees, mentors = rng.randint(1, 5), rng.randint(0, 4)
    minimum = rng.choice([0, 1, 1.5, 2])
    scores = np.array([[rng.choice([0, 0.5, 1, 1.5, 2, 3, 4]) for _ in range(mentors)] for _ in range(mentees)])
    scores = scores.reshape(mentees, mentors)
    permitted = np.array([[rng.random() > 0.25 for _ in range(mentors)] for _ in range(mentees)], dtype=bool)
    permitted = permitted.reshape(mentees, mentors)
    capacity = [rng.randint(1, 2) for _ in range(mentors)]
    chosen = assign(scores, permitted, capacity, minimum)
    for i, j in enumerate(chosen):  # an independent check of every rule
        if j is not None:
            assert permitted[i, j] and scores[i, j] >= minimum
    for j in range(mentors):
        assert chosen.count(j) <= capacity[j]
    gains = np.round((scores - minimum) * RESOLUTION)
    usable = permitted & (gains >= 0)
    got = (sum(int(gains[i, j]) for i, j in enumerate(chosen) if j is not None), sum(j is not None for j in chosen))
    assert got == _best_by_brute_force(gains, usable, capacity)
    assert assign(scores, permitted, capacity, minimum) == chosen, "not deterministic"


def _person(rng: random.Random, names: list[str]) -> Person:
    pick = rng.choice
    return Person(
        name=pick(names),
        email=pick(["", "a@x.org", "B@x.org", "c@x.org"]),
        supervisor=pick(["", *names]),
        supervisor_email=pick(["", "a@x.org", "b@x.org", " C@X.org "]),
        skills=frozenset(),
        answers={},
        source="f.pdf",
    )


def test_rule_matrix_agrees_with_the_rule_for_one_pair() -> None:
    rng = random.Random(7)
    names = ["", "Kim Tran", "kim  tran", "Lee Park"]
    mentees = [_person(rng, names) for _ in range(40)]
    mentors = [_person(rng, names) for _ in range(30)]
    matrix = allowed(mentees, mentors)
    for i, mentee in enumerate(mentees):
        for j, mentor in enumerate(mentors):
            assert matrix[i, j] == (conflict(mentee, mentor) is None)
            raw = {
                "contact.name": mentee.name,
                "contact.email": mentee.email,
                "contact.supervisor": mentee.supervisor,
                "contact.supervisor_email": mentee.supervisor_email,
            }
            other = {
                "contact.name": mentor.name,
                "contact.email": mentor.email,
                "contact.supervisor": mentor.supervisor,
                "contact.supervisor_email": mentor.supervisor_email,
            }
            assert matrix[i, j] == (not _independent_conflict(raw, other))
