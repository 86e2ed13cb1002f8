"""The records store: one SQLite file, one transaction per returned file, so a killed run loses nothing.

Files are keyed by their SHA-256: the same file found twice (or collected again) is stored once.
Every submission keeps all its answers; of several submissions of one form by one person, the one
received last is marked `latest` and the others are kept beside it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .answers import Answer

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('stored', 'problem')),
    problem TEXT NOT NULL DEFAULT '',
    collected_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS paths (
    sha256 TEXT NOT NULL REFERENCES files ON DELETE CASCADE,
    path TEXT NOT NULL,
    PRIMARY KEY (sha256, path)
);
CREATE TABLE IF NOT EXISTS submissions (
    sha256 TEXT PRIMARY KEY REFERENCES files ON DELETE CASCADE,
    form_id TEXT NOT NULL,
    form_version TEXT NOT NULL,
    program TEXT NOT NULL,
    language TEXT NOT NULL,
    person TEXT NOT NULL,
    received_at TEXT NOT NULL,
    latest INTEGER NOT NULL DEFAULT 1,
    notes TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS submissions_person ON submissions (form_id, person);
CREATE TABLE IF NOT EXISTS answers (
    sha256 TEXT NOT NULL REFERENCES submissions ON DELETE CASCADE,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (sha256, field)
);
"""


@dataclass(frozen=True)
class Submission:
    sha256: str
    form_id: str
    form_version: str
    program: str
    language: str
    person: str
    """Who sent it, from the form's `submitter` fields (normalised); empty when they are blank."""
    received_at: str
    """When the file was last changed (ISO 8601, UTC): which of two submissions is newer."""
    notes: str
    answers: dict[str, Answer]


VERSION = 1
"""The store's layout (PRAGMA user_version), so a later release can tell an old store and upgrade it."""


class StoreError(Exception):
    """The records file exists but is not a store this release can use; the message says what to do."""


class Store:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # A second collect into the same folder waits for the first's transaction instead of failing.
        self.db = sqlite3.connect(path, isolation_level=None, timeout=60)
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a killed process loses no commit
            self.db.execute("PRAGMA foreign_keys=ON")
            (version,) = self.db.execute("PRAGMA user_version").fetchone()
            if version not in (0, VERSION):
                raise StoreError(f"{path} was written by a newer release (layout {version}); update the tool")
            self.db.executescript(SCHEMA)
            self.db.execute(f"PRAGMA user_version = {VERSION}")
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise StoreError(
                f"{path} is not a records store ({exc}); collect into another folder with -o, or move the file away"
            ) from exc

    def close(self) -> None:
        self.db.close()

    def stored(self) -> set[str]:
        """Files already stored: not read again (problem files are retried, the program may have changed)."""
        return {row[0] for row in self.db.execute("SELECT sha256 FROM files WHERE status = 'stored'")}

    def _begin(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def add_path(self, sha256: str, path: str) -> None:
        """Another place the same stored file was found."""
        self.db.execute("INSERT OR IGNORE INTO paths VALUES (?, ?)", (sha256, path))

    def put_problem(self, sha256: str, size: int, path: str, problem: str, now: str) -> None:
        self._begin()
        try:
            self.db.execute("DELETE FROM files WHERE sha256 = ?", (sha256,))
            self.db.execute("INSERT INTO files VALUES (?, ?, 'problem', ?, ?)", (sha256, size, problem, now))
            self.db.execute("INSERT OR IGNORE INTO paths VALUES (?, ?)", (sha256, path))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def put_submission(self, submission: Submission, size: int, path: str, now: str) -> None:
        """The file, its answers and the new `latest` marks, all or nothing."""
        s = submission
        self._begin()
        try:
            self.db.execute("DELETE FROM files WHERE sha256 = ?", (s.sha256,))
            self.db.execute("INSERT INTO files VALUES (?, ?, 'stored', '', ?)", (s.sha256, size, now))
            self.db.execute("INSERT OR IGNORE INTO paths VALUES (?, ?)", (s.sha256, path))
            self.db.execute(
                "INSERT INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)",
                (s.sha256, s.form_id, s.form_version, s.program, s.language, s.person, s.received_at, s.notes),
            )
            self.db.executemany(
                "INSERT INTO answers VALUES (?, ?, ?, ?)",
                [(s.sha256, name, value, label) for name, (value, label) in s.answers.items()],
            )
            if s.person:
                self.db.execute(
                    "UPDATE submissions SET latest = (sha256 = ("
                    " SELECT sha256 FROM submissions WHERE form_id = ?1 AND person = ?2"
                    " ORDER BY received_at DESC, sha256 DESC LIMIT 1)) WHERE form_id = ?1 AND person = ?2",
                    (s.form_id, s.person),
                )
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def submissions(self, form_id: str) -> Iterator[tuple[str, str, str, int, str, dict[str, str]]]:
        """(first path, sha256, version, latest, collected_at, answers) of every submission of a form, oldest first."""
        rows = self.db.execute(
            "SELECT s.sha256, s.form_version, s.latest, f.collected_at,"
            " (SELECT MIN(path) FROM paths p WHERE p.sha256 = s.sha256)"
            " FROM submissions s JOIN files f USING (sha256) WHERE s.form_id = ?"
            " ORDER BY s.received_at, s.sha256",
            (form_id,),
        ).fetchall()
        for sha256, version, latest, collected_at, path in rows:
            answers = dict(self.db.execute("SELECT field, value FROM answers WHERE sha256 = ?", (sha256,)))
            yield path, sha256, version, latest, collected_at, answers

    def latest(self, form_id: str) -> list[tuple[str, dict[str, str]]]:
        """(first path, answers) of the newest submission of a form by each person, in order of person.

        Submissions naming nobody (their submitter fields were blank) are each their own person.
        """
        answers: dict[str, dict[str, str]] = {}
        rows = self.db.execute(
            "SELECT s.sha256, (SELECT MIN(path) FROM paths p WHERE p.sha256 = s.sha256), a.field, a.value"
            " FROM submissions s JOIN answers a USING (sha256) WHERE s.form_id = ? AND s.latest = 1"
            " ORDER BY s.person, s.sha256",
            (form_id,),
        )
        paths = {}
        for sha256, path, name, value in rows:
            paths[sha256] = path
            answers.setdefault(sha256, {})[name] = value
        return [(paths[sha256], values) for sha256, values in answers.items()]

    def problems(self) -> list[tuple[str, str, str]]:
        """(path, sha256, problem) of every file not stored, and notes on stored ones, by path."""
        rows = self.db.execute(
            "SELECT p.path, f.sha256, f.problem FROM files f JOIN paths p USING (sha256) WHERE f.status = 'problem'"
            " UNION ALL SELECT (SELECT MIN(path) FROM paths p WHERE p.sha256 = s.sha256), s.sha256,"
            " 'stored, but ' || s.notes FROM submissions s WHERE s.notes != ''"
            " ORDER BY 1"
        )
        return list(rows)
