"""The coordinator's word over the scores: pairs to make (lock) and pairs never to make (forbid).

`overrides.csv` has one row per decision, people named by the e-mail on their application. A lock
still obeys the rules no coordinator may waive (supervisors, capacity), so a lock that breaks one is
reported with its line, like every other mistake in the file, and nothing is written.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ..problems import Problem
from .candidates import Person, normalised
from .rules import conflict

COLUMNS = ("mentee", "mentor", "rule")
RULES = ("lock", "forbid")


@dataclass(frozen=True)
class Overrides:
    locks: dict[int, int]
    """Mentee index -> mentor index of every locked pair."""
    forbidden: set[tuple[int, int]]
    """(mentee index, mentor index) of every forbidden pair."""


def write_template(path: Path) -> None:
    """A header-only overrides.csv for the coordinator to fill in; an existing file is never touched."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\r\n").writerow(COLUMNS)


def read_overrides(
    path: Path, shown: str, mentees: list[Person], mentors: list[Person]
) -> tuple[Overrides, list[Problem]]:
    """Locks and forbids by index into the sorted lists, and every malformed row with its line."""
    mentee_at = {p.key: i for i, p in enumerate(mentees)}
    mentor_at = {p.key: i for i, p in enumerate(mentors)}
    locks: dict[int, int] = {}
    lock_lines: dict[int, int] = {}
    forbidden: set[tuple[int, int]] = set()
    problems: list[Problem] = []

    def problem(line: int, message: str) -> None:
        problems.append(Problem(shown, line, 1, "", message))

    with path.open(encoding="utf-8-sig", newline="") as handle:  # -sig: spreadsheets save a byte-order mark
        reader = csv.reader(handle)
        header = [normalised(cell) for cell in next(reader, [])]
        missing = [column for column in COLUMNS if column not in header]
        if missing:
            problem(1, f"the first line must name the columns {', '.join(COLUMNS)}; missing: {', '.join(missing)}")
            return Overrides({}, set()), problems
        where = {column: header.index(column) for column in COLUMNS}
        rows = [(reader.line_num, row) for row in reader]
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        mentee, mentor, rule = (normalised(row[where[c]]) if where[c] < len(row) else "" for c in COLUMNS)
        if rule not in RULES:
            problem(line, f"rule '{rule}' is neither lock (make this pair) nor forbid (never make it)")
            continue
        found = []
        for email, index, role in ((mentee, mentee_at, "mentee"), (mentor, mentor_at, "mentor")):
            if not email:
                problem(line, f"no {role} e-mail; name both people by the e-mail on their application")
            elif email not in index:
                problem(line, f"no {role} application with the e-mail '{email}' among the collected forms")
            else:
                found.append(index[email])
        if len(found) < 2:
            continue
        i, j = found
        if rule == "forbid":
            forbidden.add((i, j))
            continue
        why = conflict(mentees[i], mentors[j])
        if why:
            problem(line, f"this lock cannot be kept: {why}")
        elif i in locks and locks[i] != j:
            problem(line, f"{mentees[i].shown} is already locked to another mentor on line {lock_lines[i]}")
        else:
            locks[i], lock_lines[i] = j, line
    for i, j in sorted(forbidden):
        if locks.get(i) == j:
            problem(lock_lines[i], f"{mentees[i].shown} and {mentors[j].shown} are both locked and forbidden")
    taken: dict[int, list[int]] = {}
    for i, j in locks.items():
        taken.setdefault(j, []).append(i)
    for j, locked in sorted(taken.items()):
        if len(locked) > mentors[j].capacity:
            lines = ", ".join(str(lock_lines[i]) for i in sorted(locked, key=lock_lines.get))
            problem(
                max(lock_lines[i] for i in locked),
                f"{mentors[j].shown} is locked to {len(locked)} mentees (lines {lines})"
                f" but offered to take {mentors[j].capacity}",
            )
    return Overrides(locks, forbidden), problems
