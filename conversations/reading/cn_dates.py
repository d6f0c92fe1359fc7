"""The calendar date of a Chinese date expression: one reader per form, in the pattern's order."""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Callable
from datetime import date, timedelta

from conversations.reading.cn_patterns import (
    FESTIVALS,
    RELATIVE_DAYS,
)
from conversations.reading.numbers import cn_number

_DAY_OFFSETS = {
    "大前天": -3, "前天": -2, "前日": -2, "前晚": -2, "昨天": -1, "昨日": -1, "昨儿": -1,
    "昨晚": -1, "昨夜": -1, "今天": 0, "今日": 0, "今儿": 0, "今早": 0, "今晨": 0, "今晚": 0,
    "今夜": 0, "明天": 1, "明日": 1, "明儿": 1, "明早": 1, "明晨": 1, "明晚": 1, "后天": 2,
    "后日": 2, "大后天": 3,
}  # fmt: skip


def is_date(year: int, month: int, day: int) -> bool:
    """Whether the calendar has this day."""
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


_YEAR_OFFSETS = {"今年": 0, "去年": -1, "前年": -2, "明年": 1, "后年": 2}


_WEEKDAYS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}


_WEEK_SHIFT = {"上上": -14, "上": -7, "这": 0, "本": 0, "下": 7, "下下": 14}


_MONTH_SHIFT = {"上上": -2, "上": -1, "这": 0, "本": 0, "当": 0, "同": 0, "下": 1}


def cn_date(m: re.Match[str], today: date, prefer_future: bool) -> date | None:
    """The calendar date of a Chinese/numeric match (today when it names none)."""
    try:
        return _date_of(m, today, prefer_future)
    except ValueError:
        return None  # 2月30日 and friends


def _date_of(m: re.Match[str], today: date, prefer_future: bool) -> date | None:
    """The calendar date; ValueError when the calendar has no such day."""
    for group, read in _DATE_FORMS:
        if m.group(group):
            return read(m, today, prefer_future)
    return today


def _ymd(m: re.Match[str], today: date, prefer_future: bool) -> date | None:
    month, day = cn_number(m.group("m")), cn_number(m.group("d"))
    if month is None or day is None:
        return None
    year = _year(m, today)
    return date(year, month, day) if year else yearless(month, day, today, prefer_future)


def _numeric(y: str, mo: str, d: str) -> DateForm:
    """2024-03-05, 2024 3 5, 20240305: three groups of digits."""
    return lambda m, today, prefer_future: date(int(m.group(y)), int(m.group(mo)),
                                                int(m.group(d)))


def _month_day(m: re.Match[str], today: date, prefer_future: bool) -> date | None:
    return yearless(int(m.group("mdm")), int(m.group("mdd")), today, prefer_future)


def _relative_month(m: re.Match[str], today: date, prefer_future: bool) -> date | None:
    day = cn_number(m.group("mreld"))
    year, month = month_shift(today, _MONTH_SHIFT[m.group("mrelw")])
    return date(year, month, day) if day else None


def _month_end(m: re.Match[str], today: date, prefer_future: bool) -> date | None:
    year, month = month_shift(today, _MONTH_SHIFT[m.group("eomw") or "这"])
    return date(year, month, 1 if m.group("eomk") == "初" else monthrange(year, month)[1])


def _relative_day(m: re.Match[str], today: date, prefer_future: bool) -> date | None:
    # Counted from today here; a story moves it to the day told before it.
    return today + timedelta(days=RELATIVE_DAYS[m.group("relday")])


def _day_offset(m: re.Match[str], today: date, prefer_future: bool) -> date | None:
    return today + timedelta(days=_DAY_OFFSETS[m.group("rel")])


def _week_day(m: re.Match[str], today: date, prefer_future: bool) -> date | None:
    return _weekday(m.group("wkrel"), m.group("wkd"), today, prefer_future)


def _festival(m: re.Match[str], today: date, prefer_future: bool) -> date | None:
    month, day = FESTIVALS[m.group("festn")]
    if m.group("fy"):
        return date(int(m.group("fy")), month, day)
    if m.group("fyw"):
        return date(today.year + _YEAR_OFFSETS[m.group("fyw")], month, day)
    return yearless(month, day, today, prefer_future)


def _day_of_month(m: re.Match[str], today: date, prefer_future: bool) -> date | None:
    day = cn_number(m.group("domd"))
    return day_of_month(day, today, prefer_future) if day else None


DateForm = Callable[[re.Match[str], date, bool], "date | None"]


# Each form of a date the pattern matches, by the group that marks it, in the pattern's order.
_DATE_FORMS: tuple[tuple[str, DateForm], ...] = (
    ("ymd", _ymd),
    ("iso", _numeric("iy", "im", "id")),
    ("spaced", _numeric("sy", "sm", "sd")),
    ("compact", _numeric("cy", "cm", "cd")),
    ("md", _month_day),
    ("mrel", _relative_month),
    ("eom", _month_end),
    ("relday", _relative_day),
    ("rel", _day_offset),
    ("wk", _week_day),
    ("fest", _festival),
    ("dom", _day_of_month),
)


def _year(m: re.Match[str], today: date) -> int | None:
    """The year a full date names: 2024年, 二〇二四年, 24年, 零七年, 今年, 去年."""
    if m.group("y"):
        return cn_number(m.group("y"))
    if m.group("y2"):
        short = cn_number(m.group("y2"))
        if short is None:
            return None
        year = 2000 + short
        return year if year <= today.year + 1 else 1900 + short
    if m.group("yw"):
        return today.year + _YEAR_OFFSETS[m.group("yw")]
    return None


def month_shift(today: date, months: int) -> tuple[int, int]:
    """(year, month) `months` away from today's month."""
    year, month = divmod(today.year * 12 + today.month - 1 + months, 12)
    return year, month + 1


def yearless(month: int, day: int, today: date, prefer_future: bool) -> date:
    """A month and day without a year: the most recent past one (or next future one)."""
    candidate = date(today.year, month, day) if is_date(today.year, month, day) else None
    if candidate is None:  # 2月29日 in a common year: the nearest leap year's
        step = 1 if prefer_future else -1
        years = (today.year + step * k for k in range(1, 9))
        leap = next((date(y, month, day) for y in years if is_date(y, month, day)), None)
        if leap is None:
            raise ValueError(f"no {month}/{day} in any year")
        return leap
    if not prefer_future and candidate > today:
        return date(today.year - 1, month, day)
    if prefer_future and candidate < today:
        return date(today.year + 1, month, day)
    return candidate


def day_of_month(day: int, today: date, prefer_future: bool) -> date:
    """A bare day of month (5号): this month's, or the nearest month before (after) it that
    has that day (30号 typed in February is January's)."""
    step = 1 if prefer_future else -1
    year, month = today.year, today.month
    for _ in range(13):
        if is_date(year, month, day):
            candidate = date(year, month, day)
            if (candidate >= today) if prefer_future else (candidate <= today):
                return candidate
        year, month = month_shift(date(year, month, 1), step)
    raise ValueError(f"no month has day {day}")


def _weekday(rel: str | None, name: str, today: date, prefer_future: bool) -> date:
    """上周五 / 本周一 / 下周三 by calendar week (Monday first); bare 周五 the nearest one
    before today (a user would call today 今天) or, reading forwards, from today on."""
    target = int(name) if name.isdigit() else _WEEKDAYS[name]
    if rel is None:
        if prefer_future:
            return today + timedelta(days=(target - today.isoweekday()) % 7)
        return today - timedelta(days=(today.isoweekday() - target - 1) % 7 + 1)
    monday = today - timedelta(days=today.isoweekday() - 1)
    day = monday + timedelta(days=_WEEK_SHIFT[rel] + target - 1)
    if prefer_future and rel in ("这", "本") and day < today:
        # "这周五" said on a Sunday, forwards: the Friday to come (the engine asks to confirm).
        day += timedelta(days=7)
    return day
