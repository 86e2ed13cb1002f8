"""program.ics: the program's start, milestones and end as all-day events, for participants' own calendars.

UIDs hold the program year's start date, so next year's calendar adds its events beside this year's instead of
moving them. DTSTAMP is the build date (SOURCE_DATE_EPOCH or the program start) but never in the future, so rebuilds
give the same bytes. Titles and descriptions are in the language being spoken (`generator.i18n.speaking`).
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from .dates import stamp_datetime
from .i18n import _
from .model import Program
from .pages import MilestoneView


def _uid_suffix(program: Program) -> str:
    """What makes event UIDs unique to this program year: its start date and short name at the site's host."""
    slug = re.sub(r"[^a-z0-9]+", "-", program.program.short_name.lower()).strip("-") or "program"
    host = urlsplit(program.program.url or "").hostname or "handbook.invalid"
    return f"{program.schedule.start:%Y%m%d}.{slug}@{host}"


def program_calendar(program: Program, milestones: list[MilestoneView]) -> bytes:
    """An iCalendar file with one all-day event for the start, each milestone and the end of the program year.

    Milestone UIDs start `milestone.`, the start and end ones `program.`: ids cannot hold a dot, so none collide.
    """
    info = program.program
    calendar = Calendar.new(
        prodid="-//mentoring-handbook//program calendar//EN",
        name=info.name,
        description=_("Key dates of {name}, {agency}.").format(name=info.name, agency=info.agency),
        uid=f"calendar.{_uid_suffix(program)}",
    )
    stamp, suffix = stamp_datetime(program), _uid_suffix(program)
    timeline = f"{info.url.rstrip('/')}/timeline.html" if info.url else None
    events = [
        ("program.start", _("Program starts"), program.schedule.start, ()),
        *((f"milestone.{m.id}", m.title, m.date, m.forms) for m in milestones),
        ("program.end", _("Program ends"), program.end_date, ()),
    ]
    for uid, title, day, forms in sorted(events, key=lambda event: event[2]):
        lines = [_("{event}, {program}.").format(event=title, program=info.name)]
        if forms:
            lines.append(_("Forms: {forms}.").format(forms=", ".join(form.title for form in forms)))
        if timeline:
            lines.append(timeline)
        event = Event.new(
            summary=f"{info.short_name}: {title}",
            start=day,
            end=day + dt.timedelta(days=1),
            uid=f"{uid}.{suffix}",
            stamp=stamp,
            description="\n".join(lines),
            url=timeline,
        )
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
