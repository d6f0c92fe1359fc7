"""English time expressions, found here and read by dateparser."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import dateparser

from conversations.model import (
    Part,
)
from conversations.reading.cn_times import rough
from conversations.reading.validity import impossible

_EN_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)


_EN_WD = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"


_EN_CLOCK = r"(?:\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d{2}(?::\d{2})?)"


_EN_DAY = rf"""(?:(?:the\s+)?day\s+before\s+yesterday|yesterday|today|tomorrow|tonight|last\s+night
    |this\s+(?:morning|afternoon|evening)
    |(?:last|this|next|on)\s+{_EN_WD}|{_EN_WD}
    |{_EN_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?
    |\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_EN_MONTH}(?:,?\s+\d{{4}})?
    |\d{{1,2}}/\d{{1,2}}/\d{{4}})"""


_EN_DAY_PART = r"(?:\s+(?:in\s+the\s+)?(?:morning|afternoon|evening|night))?"


_EN_DAY_AFTER = rf"""(?:(?:the\s+)?day\s+before\s+yesterday|yesterday|today|tonight|tomorrow
    |last\s+night
    |this\s+(?:morning|afternoon|evening)|(?:last|this|next|on)\s+{_EN_WD})"""


EN_WHEN = rf"""(?:
    {_EN_DAY}{_EN_DAY_PART}(?:,?\s*(?:at|around|about|@)?\s*{_EN_CLOCK})?
   |(?:(?:at|around|about)\s+)?{_EN_CLOCK}(?:\s*,?\s*{_EN_DAY_AFTER})?
   |(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten)\s+
      (?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?)\s+ago
)"""


EN_EXPR = re.compile(rf"\b{EN_WHEN}(?![\w:])", re.I | re.X)


_EN_NAMED_DAY = re.compile(rf"{_EN_WD}|{_EN_MONTH}", re.I)


EN_MONTH_DAY = re.compile(
    rf"\b{_EN_MONTH}\.?\s+\d{{1,2}}(?!\d)|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_EN_MONTH}\b",
    re.I,
)


EN_CLOCK_RE = re.compile(_EN_CLOCK, re.I)


EN_BARE_CLOCK = re.compile(
    r"(?:(?:at|around|about)\s+)?(?P<h>\d{1,2})(?::(?P<mi>\d{2}))?(?::(?P<s>\d{2}))?"
    r"\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?",
    re.I,
)


# A part of the day said instead of a clock time; "last night" and "tonight" name the day too.
_EN_PART = re.compile(
    r"\b(?:(?P<last>last)\s+night|(?P<tonight>tonight)|(?P<this>this)\s+(?P<p1>morning|afternoon"
    r"|evening)|(?:in\s+the\s+)?(?P<p2>morning|afternoon|evening|night))\b",
    re.I,
)


_EN_PARTS = {"morning": Part.MORNING, "afternoon": Part.AFTERNOON, "evening": Part.EVENING,
             "night": Part.NIGHT}  # fmt: skip


# "2 hours ago" is a time; "3 days ago" only a day.
_EN_AGO_EXACT = re.compile(r"\b(?:minutes?|mins?|hours?|hrs?)\s+ago\b", re.I)


# Worth handing to dateparser: a date-ish separator between digits, or a word.
DATELIKE = re.compile(r"\d\s*[-/:.]\s*\d|[a-z]{3,}", re.I)


def dateparse(
    text: str, now_local: datetime, tz: ZoneInfo, *, prefer_future: bool
) -> datetime | None:
    """English / numeric expressions through dateparser, relative to now in tz."""
    text = text.strip()
    if impossible(text, now_local.date()):
        return None  # dateparser would read "25:00" as now and "2024-13-01" as January 13
    # dateparser's "future" preference pushes a bare clock time to tomorrow even when it is
    # still ahead today, so it is only asked for when a weekday or month is named.
    clock = EN_BARE_CLOCK.fullmatch(text)
    if clock:
        # dateparser moves some bare evening times to yesterday, so they are read here: today.
        return _en_clock_today(clock, now_local)
    has_clock = bool(EN_CLOCK_RE.search(text))
    part, query = None, text
    if m := _EN_PART.search(text):
        # dateparser gives a part of the day a made-up hour: read the day, keep the part.
        part = Part.NIGHT if m.group("last") or m.group("tonight") else _EN_PARTS[
            (m.group("p1") or m.group("p2")).lower()]
        day = "yesterday" if m.group("last") else "today" if m.group("tonight") or m.group(
            "this") else ""
        query = " ".join(f"{text[: m.start()]} {day} {text[m.end() :]}".split()) or "today"
    future = prefer_future and bool(_EN_NAMED_DAY.search(query))
    settings: dict[str, Any] = {
        "RELATIVE_BASE": now_local.replace(tzinfo=None),
        "TIMEZONE": tz.key,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "future" if future else "past",
    }
    try:
        dt = dateparser.parse(query, languages=["en"], settings=settings)
    except (ValueError, OverflowError, TypeError):
        return None
    if not isinstance(dt, datetime) or dt.tzinfo is None:
        return None
    local = dt.astimezone(tz)
    if has_clock or _EN_AGO_EXACT.search(text):
        return local
    # "yesterday", "last Friday", "Nov 3 2024": a day without an hour.
    return rough(local.date(), part or Part.DAY, now_local)


def _en_clock_today(m: re.Match[str], now_local: datetime) -> datetime | None:
    """A bare English clock time ("at 9pm", "21:30") today."""
    hour, minute, second = int(m.group("h")), int(m.group("mi") or 0), int(m.group("s") or 0)
    ampm = (m.group("ampm") or "").lower()
    if not ampm and m.group("mi") is None:
        return None  # a bare number is not a time
    if ampm and not 1 <= hour <= 12:
        return None
    if ampm.startswith("p") and hour < 12:
        hour += 12
    elif ampm.startswith("a") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    return now_local.replace(hour=hour, minute=minute, second=second, microsecond=0)
