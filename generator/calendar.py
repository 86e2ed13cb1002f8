"""program.ics: the milestones as all-day events, so participants can put the key dates in their own calendar.

Deterministic (stable UIDs, DTSTAMP from SOURCE_DATE_EPOCH or the program start) so rebuilds give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from .dates import build_datetime
from .model import Program
from .pages import MilestoneView


def _uid_suffix(program: Program) -> str:
    """What makes event UIDs unique to this program: its short name at the site's host (when known)."""
    slug = re.sub(r"[^a-z0-9]+", "-", program.program.short_name.lower()).strip("-") or "program"
    return f"{slug}@{urlsplit(program.program.url or '').hostname or 'handbook.invalid'}"


def program_calendar(program: Program, milestones: list[MilestoneView]) -> bytes:
    """An iCalendar file with one all-day event per milestone."""
    info = program.program
    calendar = Calendar.new(
        prodid="-//mentoring-handbook//program calendar//EN",
        name=info.name,
        description=f"Key dates of {info.name}, {info.agency}.",
        uid=f"calendar.{_uid_suffix(program)}",
    )
    stamp, suffix = build_datetime(program), _uid_suffix(program)
    timeline = f"{info.url.rstrip('/')}/timeline.html" if info.url else None
    for milestone in milestones:
        lines = [f"{milestone.title}, {info.name}."]
        if milestone.forms:
            lines.append("Forms: " + ", ".join(form.title for form in milestone.forms) + ".")
        if timeline:
            lines.append(timeline)
        event = Event.new(
            summary=f"{info.short_name}: {milestone.title}",
            start=milestone.date,
            end=milestone.date + dt.timedelta(days=1),
            uid=f"{milestone.id}.{suffix}",
            stamp=stamp,
            description="\n".join(lines),
            url=timeline,
        )
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
