"""Chinese working days: weekends and statutory holidays skipped, 调休 make-up days counted.

Holiday data comes from the `chinesecalendar` package (published each year, usually in
November, for the next year). Beyond its data we estimate from the statutory days of
《全国年节及纪念日放假办法》 (revised, in force since 2025-01-01) and say the result is an
estimate: 调休 cannot be guessed. Periods are counted on China's calendar in Beijing time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import chinese_calendar
from lunardate import LunarDate

from conversations.core.timing import RoughTime, Window, WindowUnit, utc

BEIJING = ZoneInfo("Asia/Shanghai")  # China's one civil time, whatever the user's own zone
END_OF_DAY = time(23, 59)  # a period in days ends with its last day (民法典 第203条: at 24:00)
# Statutory days off on a fixed date: 元旦, 劳动节 (5/1–5/2), 国庆节 (10/1–10/3).
_FIXED_HOLIDAYS = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})


@cache
def statutory_holidays(year: int) -> frozenset[date]:
    """A year's statutory days off under the 2025 rules, lunar feasts included (no 调休)."""
    spring = LunarDate(year, 1, 1).to_solar_date()
    days = {spring + timedelta(days=i) for i in range(-1, 3)}  # 春节: 除夕 to 初三
    days.add(LunarDate(year, 5, 5).to_solar_date())  # 端午节
    days.add(LunarDate(year, 8, 15).to_solar_date())  # 中秋节
    terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10))
    days.update(day for day, name in terms if name == "清明")  # 清明节: the solar term's day
    days.update(date(year, m, d) for m, d in _FIXED_HOLIDAYS)
    return frozenset(days)


def is_workday(day: date) -> tuple[bool, bool]:
    """Whether `day` is a working day, and whether that is known rather than estimated."""
    try:
        return bool(chinese_calendar.is_workday(day)), True
    except NotImplementedError:  # a year the data does not cover yet
        return day.weekday() < 5 and day not in statutory_holidays(day.year), False


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
    """When `window`, opened at `start` (a day-only time seen in the user's `tz`), closes."""
    if window.until is not None:
        return Deadline(utc(window.until))
    assert window.amount is not None and window.unit is not None
    # Hours and minutes run from the instant (民法典 第201条), as elapsed time rather than on
    # the wall clock, which would gain or lose an hour across a daylight-saving change. A
    # contact known only to the day counts from that day's end: never called closed too early.
    if window.unit in (WindowUnit.MINUTES, WindowUnit.HOURS):
        instant = start.day_end(tz) if isinstance(start, RoughTime) else start
        minutes = window.amount * (60 if window.unit is WindowUnit.HOURS else 1)
        return Deadline(utc(instant) + timedelta(minutes=minutes))
    # Days are counted on China's calendar: the day the period starts is not counted, and it
    # ends at the end of its last day.
    first = start_day(start, tz)
    if window.unit is WindowUnit.WORKING_DAYS:
        day, known = add_working_days(first, window.amount)
    else:
        # Calendar days; a period whose last day is a holiday ends on the next working day.
        day, known = next_workday_on_or_after(first + timedelta(days=window.amount))
    return Deadline(utc(datetime.combine(day, END_OF_DAY, tzinfo=BEIJING)), not known)


def start_day(start: datetime, tz: ZoneInfo) -> date:
    """The Beijing date a day-counted period starts on. A time known only to the day, in the
    user's zone, starts on the last Beijing date that day reaches (the later, the safer)."""
    if isinstance(start, RoughTime):
        return (start.day_end(tz) - timedelta(microseconds=1)).astimezone(BEIJING).date()
    return start.astimezone(BEIJING).date()
