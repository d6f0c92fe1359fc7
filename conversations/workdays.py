"""Chinese working days: weekends and statutory holidays skipped, 调休 make-up days counted.

Holiday data comes from the `chinesecalendar` package (published each year, usually in
November, for the next year). Beyond its data we count Monday to Friday and say the result
is an estimate, rather than fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

from conversations.model import Window, WindowUnit, utc

END_OF_DAY = time(23, 59)  # a period in days ends with its last day
# Statutory holidays on the same date every year (元旦, 劳动节, 国庆): an estimate skips them too.
_FIXED_HOLIDAYS = frozenset({(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)})


def is_workday(day: date) -> tuple[bool, bool]:
    """Whether `day` is a working day, and whether that is known rather than estimated."""
    try:
        return bool(chinese_calendar.is_workday(day)), True
    except NotImplementedError:  # a year the data does not cover yet
        fixed_holiday = (day.month, day.day) in _FIXED_HOLIDAYS
        return day.weekday() < 5 and not fixed_holiday, False


def add_working_days(start: date, n: int) -> tuple[date, bool]:
    """The nth working day after `start` (the first day is not counted); False if estimated."""
    day, known, counted = start, True, 0
    while counted < n:
        day += timedelta(days=1)
        workday, sure = is_workday(day)
        known = known and sure
        counted += workday
    return day, known


def next_workday_on_or_after(day: date) -> tuple[date, bool]:
    """`day` itself if it is a working day, else the next one (a period ending on a holiday)."""
    known = True
    while True:
        workday, sure = is_workday(day)
        known = known and sure
        if workday:
            return day, known
        day += timedelta(days=1)


@dataclass(frozen=True)
class Deadline:
    """When a window ends, and whether holiday data was missing for part of it."""

    at: datetime  # UTC
    estimate: bool = False


def window_end(window: Window, start: datetime, tz: ZoneInfo) -> Deadline:
    """When `window`, opened at `start`, closes; periods in days end with their last day."""
    if window.until is not None:
        return Deadline(utc(window.until))
    assert window.amount is not None and window.unit is not None
    # Hours and minutes are elapsed time: added to the instant, not to the wall clock, which
    # would gain or lose an hour across a daylight-saving change.
    if window.unit is WindowUnit.MINUTES:
        return Deadline(utc(start) + timedelta(minutes=window.amount))
    if window.unit is WindowUnit.HOURS:
        return Deadline(utc(start) + timedelta(hours=window.amount))
    local = start.astimezone(tz)
    if window.unit is WindowUnit.WORKING_DAYS:
        day, known = add_working_days(local.date(), window.amount)
    else:
        # Calendar days; a period whose last day is a holiday ends on the next working day.
        day, known = next_workday_on_or_after(local.date() + timedelta(days=window.amount))
    return Deadline(utc(datetime.combine(day, END_OF_DAY, tzinfo=tz)), not known)
