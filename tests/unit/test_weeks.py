from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from listening_post.weeks import IsoWeek, WeekError


def test_parse_and_format() -> None:
    week = IsoWeek.parse("2026-W47")
    assert str(week) == "2026-W47" and week.monday == date(2026, 11, 16)
    assert str(week.shift(-1)) == "2026-W46" and str(week.shift(6)) == "2026-W53"
    assert str(week.shift(7)) == "2027-W01"
    assert IsoWeek.of(date(2026, 1, 1)) == IsoWeek(2026, 1)
    assert str(IsoWeek.parse("2020-W53")) == "2020-W53"


@pytest.mark.parametrize("text", ["2026-W99", "2026-W00", "2025-W53", "2026W47", "26-W47", "2026-w47", "../x"])
def test_bad_weeks(text: str) -> None:
    with pytest.raises(WeekError):
        IsoWeek.parse(text)


def test_bounds_follow_the_country_time_zone() -> None:
    start, end = IsoWeek.parse("2026-W47").bounds("America/Toronto")
    assert start == datetime(2026, 11, 16, 5, tzinfo=UTC)
    assert end == datetime(2026, 11, 23, 5, tzinfo=UTC)
    start, _ = IsoWeek.parse("2026-W13").bounds("Europe/Berlin")  # the week DST starts
    assert start == datetime(2026, 3, 22, 23, tzinfo=UTC)
