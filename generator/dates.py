"""The one build date every output carries: SOURCE_DATE_EPOCH when set, else the program's start, never the clock.

Deriving it from program.yaml's contents (not file times or now) makes two builds of the same files, on any
machine, byte-identical: the PDFs' dates, the calendar's DTSTAMP and MkDocs' sitemap dates all agree.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Program  # only for hints: a cached rebuild pins its date without loading the model

ENV = "SOURCE_DATE_EPOCH"
_LATEST = 2**32 - 1
"""The latest build date every output can carry: gzip (MkDocs' sitemap.xml.gz) stores it in 32 bits."""


def epoch_problem() -> str | None:
    """What is wrong with SOURCE_DATE_EPOCH, if it is set to something a build cannot use (ReportLab reads it too)."""
    value = os.environ.get(ENV)
    if value is None or (value.strip().isdigit() and int(value) <= _LATEST):
        return None
    return f"{ENV}={value!r} is not a build date; set it to whole seconds since 1970 (0 to {_LATEST}) or unset it"


def program_epoch(program: Program) -> int:
    """The program's start as seconds since 1970 (UTC), the value used when SOURCE_DATE_EPOCH is unset."""
    start = dt.datetime.combine(program.schedule.start, dt.time(), tzinfo=dt.timezone.utc)
    return max(0, int(start.timestamp()))


def build_epoch(program: Program) -> int:
    value = os.environ.get(ENV, "").strip()
    return int(value) if value.isdigit() else program_epoch(program)


def build_datetime(program: Program) -> dt.datetime:
    return dt.datetime.fromtimestamp(build_epoch(program), tz=dt.timezone.utc)


def stamp_datetime(program: Program) -> dt.datetime:
    """The build date, but never later than today (UTC midnight): a record's creation time must not lie ahead.

    A program that has not started yet would otherwise stamp its calendar in the future, which calendar apps treat as
    newer than any later fix. Midnight rather than the clock keeps a day's rebuilds byte-identical.
    """
    today = dt.datetime.combine(dt.datetime.now(dt.timezone.utc).date(), dt.time(), tzinfo=dt.timezone.utc)
    return min(build_datetime(program), today)


@contextlib.contextmanager
def pinned_build_date(epoch: int) -> Iterator[None]:
    """SOURCE_DATE_EPOCH set to the build date while MkDocs builds (its sitemap dates), as it was afterwards."""
    before = os.environ.get(ENV)
    os.environ[ENV] = str(epoch)
    try:
        yield
    finally:
        if before is None:
            del os.environ[ENV]
        else:
            os.environ[ENV] = before
