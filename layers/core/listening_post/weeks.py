"""ISO weeks: parsing ``2026-W47``, and a week's bounds in a country's time zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_WEEK = re.compile(r"^(?P<year>\d{4})-W(?P<week>\d{2})$")  # re, not regex: the API needs no regex (~13 ms)


class WeekError(ValueError):
    pass


@dataclass(frozen=True, slots=True, order=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        match = _WEEK.match(text.strip())
        if not match:
            raise WeekError(f"{text!r} is not an ISO week like 2026-W47")
        year, week = int(match["year"]), int(match["week"])
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            raise WeekError(f"{text!r}: {year} has no ISO week {week}") from None
        return cls(year, week)

    @classmethod
    def of(cls, day: date) -> IsoWeek:
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    def shift(self, weeks: int) -> IsoWeek:
        return IsoWeek.of(self.monday + timedelta(weeks=weeks))

    def bounds(self, tz: str = "UTC") -> tuple[datetime, datetime]:
        """[start, end) of the week in UTC, the week running Monday 00:00 to Monday 00:00 local time."""
        zone = ZoneInfo(tz)
        start = datetime.combine(self.monday, time(), tzinfo=zone)
        end = datetime.combine(self.monday + timedelta(days=7), time(), tzinfo=zone)
        return start.astimezone(UTC), end.astimezone(UTC)
