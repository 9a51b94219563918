"""The JSON Schema's date and date-time patterns say what Python's calendar (and sedata) say, day by day."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given
from hypothesis import strategies as st

from sedata.generate.jsonschema import CALENDAR_DATE, CALENDAR_DATETIME

DATE = re.compile(CALENDAR_DATE)
DATETIME = re.compile(CALENDAR_DATETIME)


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def test_every_day_of_leap_and_century_years() -> None:
    years = [1, 4, 100, 400, 1600, 1700, 1800, 1900, 2000, 2023, 2024, 2100, 2400, 9996, 9999]
    for year in years:
        for month in range(0, 14):
            for day in range(0, 33):
                text = f"{year:04d}-{month:02d}-{day:02d}"
                assert bool(DATE.fullmatch(text)) == _is_date(text), text


@given(st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32))
def test_any_yyyy_mm_dd(year: int, month: int, day: int) -> None:
    text = f"{year:04d}-{month:02d}-{day:02d}"
    assert bool(DATE.fullmatch(text)) == _is_date(text), text


@given(
    st.dates(min_value=dt.date(1, 1, 1)),
    st.integers(0, 25),
    st.integers(0, 61),
    st.integers(0, 61),
    st.sampled_from(["Z", "+08:00", "-05:30", "+23:59", "+24:00", "+08:60", ""]),
)
def test_date_times_with_offset(day: dt.date, hour: int, minute: int, second: int, offset: str) -> None:
    text = f"{day.isoformat()}T{hour:02d}:{minute:02d}:{second:02d}{offset}"
    try:
        aware = dt.datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        aware = False
    # Python reads "+08:60" as +09:00 (and so does sedata today); ISO 8601 offsets have minutes 00-59, and the
    # pattern keeps to that (docs/schemas.md lists the difference).
    iso_offset = not offset[1:] or int(offset[-2:]) < 60
    assert bool(DATETIME.fullmatch(text)) == (aware and iso_offset), text
