"""English time expressions: found and taken apart here, their dates read by dateparser.

dateparser reads dates well ("Nov. 3, 2024", "last Tuesday", "3 days ago") but not the way
people say clock times: it reads "at 8 in the evening" as 8 August and drops "half past 3".
So the clock and the part of the day are read here, and only the day goes to dateparser.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import dateparser

from conversations.core.timing import Part
from conversations.reading.cn_dates import day_of_month, yearless
from conversations.reading.cn_times import pick_clock, rough
from conversations.reading.validity import impossible

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_WD = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
_HOUR_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_HOUR = r"(?:1[0-2]|0?[1-9]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_AMPM = r"(?P<ampm>am|pm|a\.m\.?|p\.m\.?)"
_PART = r"""(?P<part>(?:in\s+the\s+)?(?:morning|afternoon|evening|night)|at\s+night|tonight
    |this\s+(?:morning|afternoon|evening)|last\s+night|(?:yesterday|tomorrow)\s+(?:morning
    |afternoon|evening|night))"""
_CLOCK = rf"""(?P<clock>
    (?P<hh>\d{{1,2}}):(?P<mm>\d{{2}})(?::(?P<ss>\d{{2}}))?(?:\s*{_AMPM})?
   |(?P<h1>{_HOUR})\s*(?:o'?clock\s*)?{_AMPM.replace('ampm', 'ampm1')}
   |(?P<half>half)\s+past\s+(?P<h2>{_HOUR})(?:\s*{_AMPM.replace('ampm', 'ampm2')})?
   |(?:a\s+)?quarter\s+(?P<qdir>past|to)\s+(?P<h3>{_HOUR})(?:\s*{_AMPM.replace('ampm', 'ampm3')})?
   |(?P<noon>noon|midday|lunchtime)|(?P<midnight>midnight)
   |(?P<h4>{_HOUR})(?:\s*o'?clock)?(?=\s*,?\s*(?:in\s+the\s+|at\s+night|tonight|this\s+|last\s+night
      |yesterday|today|tomorrow))
   |(?P<h5>{_HOUR})\s*o'?clock
   |(?:(?<=\bat\s)|(?<=\baround\s)|(?<=\babout\s))(?P<h6>{_HOUR})
      (?!\s*(?:%|[.:]\d|(?:yuan|rmb|usd|dollars?|percent|stores?|items?|cards?|codes?|times?
        |pcs|pieces|days?|hours?|minutes?|mins?|weeks?)\b))
)"""
_DAY = rf"""(?P<day>(?P<erel>the\s+(?:next|following)\s+(?:day|morning|afternoon|evening|night)
       |(?:the\s+same|later\s+that)\s+(?:day|morning|afternoon|evening|night)
       |that\s+(?:same\s+)?(?:day|morning|afternoon|evening|night))
    |(?:the\s+)?day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|yesterday
    |today|tomorrow|tonight|last\s+night
    |(?:last|this|next|on|past|this\s+past|this\s+coming|coming)\s+{_WD}|{_WD}
    |(?:on\s+)?{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?
    |(?:on\s+)?(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\.?(?:,?\s+\d{{4}})?
    |(?:on\s+)?\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?
    |(?:on\s+)?the\s+(?P<ordinal>\d{{1,2}})(?:st|nd|rd|th)
    |(?:on\s+)?(?P<feast>christmas\s+eve|christmas(?:\s+day)?|new\s+year'?s?\s+(?:eve|day)
      |valentine'?s?\s+day|singles'?\s+day|double\s+eleven|national\s+day))"""
_AGO = r"""(?P<ago>(?:(?:about|around|roughly|approximately|nearly|almost|over|like|just)\s+)?
    (?P<agon>\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|a\s+couple\s+of
    |a\s+few|couple\s+of)\s+(?P<agou>minutes?|mins?|hours?|hrs?|days?|weeks?|months?)\s+ago)"""
_AT = r"(?:(?:at\s+around|at\s+about|at|around|about|@|by\s+around)\s+)"
_BARE_WEEKDAY = re.compile(
    rf"(?:(?:last|this|next|on|past|this\s+past|this\s+coming|coming)\s+)?{_WD}", re.I
)
# The same day pattern said after a clock ("at 9pm yesterday"), its groups renamed.
_DAY_AFTER = (
    _DAY.replace("day>", "day2>").replace("ordinal", "ordinal2").replace("erel", "erel2")
    .replace("feast", "feast2")
)
_HOLIDAYS = {
    "christmas eve": (12, 24), "christmas": (12, 25), "christmas day": (12, 25),
    "new years": (1, 1), "new year": (1, 1), "valentines day": (2, 14),
    "valentine day": (2, 14), "singles day": (11, 11), "single day": (11, 11),
    "double eleven": (11, 11), "national day": (10, 1),
}  # fmt: skip
EN_WHEN = rf"""(?:
    {_AGO}
   |(?=\S)(?:{_DAY})?
      (?:\s*,?\s*{_PART})?
      (?:\s*,?\s*{_AT}?{_CLOCK})?
      (?:\s*{_PART.replace("part", "part2")})?
      (?:\s*,?\s*(?:on\s+)?{_DAY_AFTER})?
)"""
EN_EXPR = re.compile(rf"\b{EN_WHEN}(?![\w:])", re.I | re.X)
EN_MONTH_DAY = re.compile(
    rf"\b{_MONTH}\.?\s+\d{{1,2}}(?!\d)|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b"
    r"|(?<![\d/])\d{1,2}/\d{1,2}(?![\d/])",
    re.I,
)
# Worth handing to dateparser: a date-ish separator between digits, or a word.
DATELIKE = re.compile(r"\d\s*[-/:.]\s*\d|[a-z]{3,}", re.I)
_PARTS = {"morning": Part.MORNING, "afternoon": Part.AFTERNOON, "evening": Part.EVENING,
          "night": Part.NIGHT, "tonight": Part.EVENING}  # fmt: skip
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "couple of": 2,
            "a few": 3}  # fmt: skip


def dateparse(
    text: str, now_local: datetime, tz: ZoneInfo, *, prefer_future: bool
) -> datetime | None:
    """One English (or numeric) expression, relative to now in tz; local time, or None."""
    text = " ".join(text.split())
    if impossible(text, now_local.date()):
        return None  # dateparser would read "25:00" as now and "2024-13-01" as January 13
    m = EN_EXPR.fullmatch(text)
    if m:
        return resolve_en(m, now_local, tz, prefer_future=prefer_future)
    return _dateparser(text, now_local, tz, prefer_future=prefer_future)


def en_has_clock(m: re.Match[str]) -> bool:
    """Whether an English match gives a clock time (or an exact "2 hours ago")."""
    return bool(m.group("clock")) or _exact_ago(m)


def en_relative_days(m: re.Match[str]) -> int | None:
    """Days after the day told before: 1 for "the next morning", 0 for "that evening"."""
    words = " ".join((m.group("erel") or m.group("erel2") or "").lower().split())
    if not words:
        return None
    return 1 if words.startswith(("the next", "the following")) else 0


def en_has_day(m: re.Match[str]) -> bool:
    """Whether an English match names a day."""
    part = (m.group("part") or m.group("part2") or "").lower()
    names_day = part.startswith(("last", "yesterday", "tomorrow", "tonight", "this"))
    return bool(m.group("day") or m.group("day2") or m.group("ago") or names_day)


def resolve_en(
    m: re.Match[str], now_local: datetime, tz: ZoneInfo, *, prefer_future: bool
) -> datetime | None:
    """What an English match means: a day read by dateparser, a clock and a part read here."""
    part_word = _part_words(m)
    if m.group("ago"):
        return _ago(m, now_local)
    day = _day(m, now_local, tz, prefer_future=prefer_future)
    if (m.group("day") or m.group("day2")) and day is None:
        return None
    day = day or _part_day(m, now_local.date())
    offsets = en_clock_offsets(m)
    if m.group("clock") and not offsets and not _ROUGH_NOON.search(m.group(0)):
        return None
    if not offsets:
        if day is None:
            if not part_word:
                return None
            day = now_local.date()
        return rough(day, _part(part_word) or Part.DAY, now_local)
    if day is None:
        return pick_clock(offsets, now_local, prefer_future)
    base = datetime(day.year, day.month, day.day, tzinfo=now_local.tzinfo)
    return base + offsets[0]


def _day(
    m: re.Match[str], now_local: datetime, tz: ZoneInfo, *, prefer_future: bool
) -> date | None:
    """The day named, if any: ordinals and m/d here, the rest through dateparser."""
    named = [t for t in (m.group("day"), m.group("day2")) if t]
    if not named:
        return None
    # "Sunday, Feb 10": the date decides, the weekday beside it is only read.
    text = next((t for t in named if not _BARE_WEEKDAY.fullmatch(t)), named[0])
    holiday = m.group("feast") or m.group("feast2")
    if holiday:
        month, day = _HOLIDAYS[" ".join(holiday.lower().replace("'", "").split()[:2])]
        return yearless(month, day, now_local.date(), prefer_future)
    ordinal = m.group("ordinal") or m.group("ordinal2")
    if ordinal:
        try:
            return day_of_month(int(ordinal), now_local.date(), prefer_future)
        except ValueError:
            return None
    words = " ".join(text.lower().split())
    relative = en_relative_days(m)
    if relative is not None:
        # Counted from today here; a story moves it to the day told before it.
        return now_local.date() + timedelta(days=relative)
    if words in ("tonight", "last night"):
        return now_local.date() - timedelta(days=1 if words == "last night" else 0)
    numeric = re.fullmatch(r"(?:on\s+)?(\d{1,2})/(\d{1,2})", words)
    if numeric:
        try:
            return yearless(int(numeric[1]), int(numeric[2]), now_local.date(), prefer_future)
        except ValueError:
            return None
    weekday = _weekday(words, now_local.date(), prefer_future)
    if weekday is not None:
        return weekday
    found = _dateparser(text, now_local, tz, prefer_future=prefer_future)
    return found.date() if found else None


_WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _weekday(words: str, today: date, prefer_future: bool) -> date | None:
    """"last Friday", "this past Friday", "Friday": the latest one before today (or, reading
    forwards, the next one from today); "next Friday" is left to dateparser."""
    m = re.fullmatch(r"(?:(last|this\s+past|past|this|on|coming|this\s+coming)\s+)?([a-z]+)", words)
    if m is None or not m.group(2).startswith(_WEEKDAY_NAMES):
        return None
    target = _WEEKDAY_NAMES.index(m.group(2)[:3]) + 1
    word = " ".join((m.group(1) or "").split())
    ahead = (target - today.isoweekday()) % 7
    if word in ("coming", "this coming") or (prefer_future and word in ("", "on", "this")):
        return today + timedelta(days=ahead or (7 if word.endswith("coming") else 0))
    if word == "this":
        return today + timedelta(days=target - today.isoweekday())  # this week's, by the calendar
    return today - timedelta(days=(today.isoweekday() - target - 1) % 7 + 1)


def _part_words(m: re.Match[str]) -> str:
    """The words naming a part of the day, "tonight" and "last night" included."""
    words = (m.group("part") or m.group("part2") or "").lower()
    if not words and m.group("noon") and _ROUGH_NOON.search(m.group(0)):
        return "noon"
    day = " ".join((m.group("day") or m.group("day2") or "").lower().split())
    if words or day in ("tonight", "last night"):
        return words or day
    last = day.split()[-1] if day else ""
    return f"in the {last}" if last in ("morning", "afternoon", "evening", "night") else ""


def _part_day(m: re.Match[str], today: date) -> date | None:
    """The day a part of the day names by itself: "last night", "tomorrow morning"."""
    words = (m.group("part") or m.group("part2") or "").lower()
    if words.startswith(("last", "yesterday")):
        return today - timedelta(days=1)
    if words.startswith("tomorrow"):
        return today + timedelta(days=1)
    if words.startswith(("tonight", "this")):
        return today
    return None


def _part(words: str) -> Part | None:
    """The part of the day some words name."""
    if not words:
        return None
    if words in ("last night", "tonight"):
        return Part.EVENING if words == "tonight" else Part.NIGHT
    if words in ("noon", "lunchtime", "midday"):
        return Part.NOON
    return _PARTS.get(words.split()[-1])


_ROUGH_NOON = re.compile(r"lunchtime|(?:around|about)\s+(?:noon|midday)", re.I)


def en_clock_offsets(m: re.Match[str]) -> tuple[timedelta, ...]:
    """The clock as offsets from midnight; two when "at 3" could be 03:00 or 15:00."""
    if not m.group("clock"):
        return ()
    part_word = _part_words(m)
    if m.group("noon"):
        # "lunchtime", "around noon": a part of the day; "at noon": twelve o'clock
        return () if _ROUGH_NOON.search(m.group(0)) else (timedelta(hours=12),)
    if m.group("midnight"):
        return (timedelta(0),)
    minute = second = 0
    if m.group("hh"):
        hour, minute, second = int(m.group("hh")), int(m.group("mm")), int(m.group("ss") or 0)
    else:
        raw = next(m.group(g) for g in ("h1", "h2", "h3", "h4", "h5", "h6") if m.group(g))
        hour = int(raw) if raw.isdigit() else _HOUR_WORDS[raw.lower()]
        if m.group("half"):
            minute = 30
        elif m.group("qdir"):
            minute = 15 if m.group("qdir").lower() == "past" else 45
            hour = hour if m.group("qdir").lower() == "past" else hour - 1 or 12
    ampm = next((m.group(g) for g in ("ampm", "ampm1", "ampm2", "ampm3") if m.group(g)), "")
    if hour > 23 or minute > 59 or second > 59 or (ampm and not 1 <= hour <= 12):
        return ()
    rest = timedelta(minutes=minute, seconds=second)
    if ampm:
        return (timedelta(hours=hour % 12 + (12 if ampm.lower().startswith("p") else 0)) + rest,)
    part = _part(part_word)
    if part is not None and hour <= 12:
        pm = part in (Part.AFTERNOON, Part.EVENING, Part.NIGHT) and hour != 12
        late = part is Part.NIGHT and hour <= 4  # "2 at night" is the small hours
        return (timedelta(hours=hour + (12 if pm and not late else 0)) + rest,)
    if m.group("hh") or hour > 12 or hour == 0:
        return (timedelta(hours=hour) + rest,)
    if m.group("day") or m.group("day2"):
        # "yesterday at 3": afternoon for 1–6, morning for 7–11 (nobody says "at 3" for 03:00).
        return (timedelta(hours=hour + (12 if hour <= 6 else 0)) + rest,)
    return (timedelta(hours=hour) + rest, timedelta(hours=hour + 12) + rest)


def _exact_ago(m: re.Match[str]) -> bool:
    """"2 hours ago" is a time; "3 days ago" only a day."""
    return bool(m.group("ago")) and m.group("agou").lower().startswith(("m", "h"))


def _ago(m: re.Match[str], now_local: datetime) -> datetime | None:
    """Now minus the span said."""
    raw = " ".join(m.group("agon").lower().split())
    n = int(raw) if raw.isdigit() else _NUMBERS.get(raw)
    if not n:
        return None
    unit = m.group("agou").lower()
    if unit.startswith("mo"):
        return rough((now_local - timedelta(days=30 * n)).date(), Part.DAY, now_local)
    span = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1),
            "w": timedelta(weeks=1)}[unit[0]] * n  # fmt: skip
    at = now_local - span
    return at if _exact_ago(m) else rough(at.date(), Part.DAY, now_local)


def _dateparser(
    text: str, now_local: datetime, tz: ZoneInfo, *, prefer_future: bool
) -> datetime | None:
    """dateparser's reading, as a day (rough) unless a clock was typed."""
    settings: dict[str, Any] = {
        "RELATIVE_BASE": now_local.replace(tzinfo=None),
        "TIMEZONE": tz.key,
        "RETURN_AS_TIMEZONE_AWARE": True,
        # Its "future" preference pushes a bare clock time to tomorrow even when it is still
        # ahead today, so it is only asked for when a weekday or month is named.
        "PREFER_DATES_FROM": "future" if prefer_future else "past",
    }
    try:
        dt = dateparser.parse(text, languages=["en"], settings=settings)
    except (ValueError, OverflowError, TypeError):
        return None
    if not isinstance(dt, datetime) or dt.tzinfo is None:
        return None
    local = dt.astimezone(tz)
    if re.search(r"\d:\d\d|\d\s*(?:am|pm)\b", text, re.I):
        return local
    return rough(local.date(), Part.DAY, now_local)

