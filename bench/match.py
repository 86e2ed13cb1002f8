"""Benchmark `handbook match`: 1,000 mentees and 400 mentors, time and peak memory.

Run from anywhere: `python bench/match.py [--mentees 1000] [--mentors 400] [--repeat 3]`. Candidates are
synthetic but shaped like a real round: mentees tick 2 to 6 of the example program's skills, mentors 3
to 8, supervisors come from a pool of 150 (so the supervisor rules bite), mentors take 1 to 3 mentees,
and the example program's weights (ways of meeting, time commitment) apply. First the core alone
(scores, rule matrix, assignment, reasons) on candidates built in memory, then the whole command
through a records store written directly (no PDFs: `bench/collect.py` measures reading those).
Memory: Python's allocations at their peak (tracemalloc, in a separate pass so it does not slow the
timings) and the process's peak resident size. Aim: the assignment under 2 s.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "program.yaml"
sys.path.insert(0, str(ROOT))

from generator.collect.run import DATABASE  # noqa: E402
from generator.collect.store import Store, Submission  # noqa: E402
from generator.forms import load_form_definitions  # noqa: E402
from generator.matching import assign as assign_module  # noqa: E402
from generator.matching.candidates import Applications, Person  # noqa: E402
from generator.matching.rules import allowed  # noqa: E402
from generator.matching.run import match, propose  # noqa: E402
from generator.matching.scoring import scorer, scores  # noqa: E402
from generator.program import load_program  # noqa: E402
from generator.sources import Sources  # noqa: E402


def answers(rng: random.Random, role: str, number: int, skills: list[str]) -> dict[str, str]:
    """One synthetic application's answers under the forms' stable names."""
    section = "offer" if role == "mentor" else "growth"
    ticked = rng.sample(skills, rng.randint(3, 8) if role == "mentor" else rng.randint(2, 6))
    boss = rng.randrange(150)
    values = {
        "contact.name": f"{role.title()} {number}",
        "contact.email": f"{role}{number}@dplw.example.gov",
        "contact.supervisor": f"Supervisor {boss}",
        "contact.supervisor_email": f"boss{boss}@dplw.example.gov",
        "availability.commit": rng.choice(["yes", "yes", "not_sure_yet"]),
        **{f"{section}.skills.{key}": "1" for key in ticked},
        **{f"availability.ways.{way}": "1" for way in rng.sample(["in_person", "video", "phone"], rng.randint(1, 2))},
    }
    if role == "mentor":
        values["availability.capacity"] = str(rng.choice([1, 1, 2, 3]))
    return values


def person(values: dict[str, str], section: str) -> Person:
    return Person(
        name=values["contact.name"],
        email=values["contact.email"],
        supervisor=values["contact.supervisor"],
        supervisor_email=values["contact.supervisor_email"],
        skills=frozenset(k.rsplit(".", 1)[1] for k in values if k.startswith(f"{section}.skills.")),
        answers=values,
        source="synthetic.pdf",
        capacity=int(values.get("availability.capacity", "1")),
    )


def timed(function, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentees", type=int, default=1000)
    parser.add_argument("--mentors", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    sources = Sources(EXAMPLE)
    program = load_program(sources)
    forms = load_form_definitions(program, sources)
    score_with, _ = scorer(program, forms)
    skills = list(score_with.skills)
    rng = random.Random(2027)
    mentor_answers = [answers(rng, "mentor", n, skills) for n in range(options.mentors)]
    mentee_answers = [answers(rng, "mentee", n, skills) for n in range(options.mentees)]
    mentors = sorted((person(v, "offer") for v in mentor_answers), key=lambda p: p.key)
    mentees = sorted((person(v, "growth") for v in mentee_answers), key=lambda p: p.key)
    minimum = program.matching.minimum_score
    places = sum(m.capacity for m in mentors)
    print(f"{len(mentees)} mentees, {len(mentors)} mentors with {places} places; minimum score {minimum:g}")

    stages: dict[str, list[float]] = {"scores": [], "rules": [], "assignment": [], "whole proposal": []}
    for _ in range(options.repeat):
        elapsed, matrix = timed(scores, score_with, mentees, mentors)
        stages["scores"].append(elapsed)
        elapsed, permitted = timed(allowed, mentees, mentors)
        stages["rules"].append(elapsed)
        capacity = [m.capacity for m in mentors]
        elapsed, chosen = timed(assign_module.assign, matrix, permitted, capacity, minimum)
        stages["assignment"].append(elapsed)
        elapsed, result = timed(propose, score_with, Applications(mentors, mentees, []), {}, set(), minimum)
        stages["whole proposal"].append(elapsed)
    for stage, times in stages.items():
        print(f"{stage:>15}: median {statistics.median(times):.3f} s (of {options.repeat})")
    paired = sum(j is not None for j in chosen)
    total = sum(float(matrix[i, j]) for i, j in enumerate(chosen) if j is not None)
    print(f"{paired} pairs, mean score {total / max(paired, 1):.2f}; {len(result.left)} rows in unmatched.csv")

    tracemalloc.start()
    propose(score_with, Applications(mentors, mentees, []), {}, set(), minimum)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak Python allocations during the proposal: {peak / 1e6:.0f} MB")

    with tempfile.TemporaryDirectory() as work:
        records = Path(work) / "records"
        store = Store(records / DATABASE)
        for number, (form_id, values) in enumerate(
            [("mentor-application", v) for v in mentor_answers] + [("mentee-application", v) for v in mentee_answers]
        ):
            sha = f"{number:064x}"
            submission = Submission(
                sha, form_id, forms[form_id].version, "Bridges", "en", values["contact.email"].casefold(),
                "2027-01-01T00:00:00+00:00", "", {name: (value, "") for name, value in values.items()},
            )  # fmt: skip
            store.put_submission(submission, 1, f"{form_id}-{number}.pdf", "2027-01-02T00:00:00+00:00")
        store.close()
        runs = []
        for _ in range(options.repeat):
            elapsed, outcome = timed(match, EXAMPLE, records, Path(work) / "matches")
            runs.append(elapsed)
        print(
            f"whole command through the store (read, score, assign, write CSVs and page):"
            f" median {statistics.median(runs):.2f} s; {len(outcome.pairs)} pairs"
        )
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident size of this process: {peak_rss:.0f} MB")


if __name__ == "__main__":
    main()
