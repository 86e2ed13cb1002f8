"""Working days: milestones that fall on a weekend or a public holiday, found and (on request) moved.

A first meeting set for a holiday is a meeting nobody attends, so `handbook check` warns about it, and a program
may instead move every such milestone to the next working day (`schedule.move_to_working_day`). Holidays come from
the `holidays` package for `program.country` (and `program.region`); without a country only weekends count.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from holidays import HolidayBase

    from .model import Milestone, Program

WEEKEND = frozenset({5, 6})
"""Saturday and Sunday (Monday is 0), used when no country is given."""
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@cache
def supported_countries() -> dict[str, tuple[str, ...]]:
    """ISO 3166-1 alpha-2 code -> its subdivision codes, for every country the `holidays` package knows."""
    import holidays  # loaded only for programs that name a country

    return {code: tuple(regions) for code, regions in holidays.list_supported_countries().items()}


@cache
def _calendar(country: str, region: str | None) -> HolidayBase:
    import holidays

    return holidays.country_holidays(country, subdiv=region)


class WorkingDays:
    """Which days are free in the program's country and region: its weekend and its public holidays."""

    def __init__(self, country: str | None = None, region: str | None = None) -> None:
        self._holidays = _calendar(country, region) if country else None
        self._weekend = frozenset(self._holidays.weekend) if self._holidays is not None else WEEKEND

    @classmethod
    def of(cls, program: Program) -> WorkingDays:
        return cls(program.program.country, program.program.region)

    def why_free(self, day: dt.date) -> str | None:
        """Why nobody works on this day ('a weekend day', 'New Year's Day, a public holiday'), or None if people do."""
        name = self._holidays.get(day) if self._holidays is not None else None
        if name:
            return f"{name}, a public holiday"
        if day.weekday() in self._weekend:
            return "a weekend day"
        return None

    def next_working_day(self, day: dt.date) -> dt.date:
        """This day if people work on it, else the first working day after it."""
        while self.why_free(day):
            day += dt.timedelta(days=1)
        return day


def milestone_date(program: Program, milestone: Milestone, days: WorkingDays | None = None) -> dt.date:
    """The day a milestone falls on: start plus offset_days, moved to a working day when the program asks."""
    day = program.schedule.start + dt.timedelta(days=milestone.offset_days)
    if not program.schedule.move_to_working_day:
        return day
    return (days or WorkingDays.of(program)).next_working_day(day)


def day_text(day: dt.date) -> str:
    """'Sunday 2027-05-16': the weekday makes a warning about weekends plain at a glance."""
    return f"{_DAY_NAMES[day.weekday()]} {day.isoformat()}"
