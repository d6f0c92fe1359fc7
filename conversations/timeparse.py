"""Parse the times and response windows users type, in Chinese or English.

Everything here is pure: callers pass `now` (timezone-aware) and the user's timezone; relative
expressions are read in that timezone and results come back in UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import dateparser

from conversations.model import Part, RoughTime, Window, WindowUnit

SHANGHAI = ZoneInfo("Asia/Shanghai")
_T = TypeVar("_T")

# Full-width forms typed on Chinese keyboards. The mapping is 1:1 so match offsets found in
# the normalised text are valid in the original text too.
_FULLWIDTH = str.maketrans("０１２３４５６７８９：／－．　", "0123456789:/-. ")

_CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_ASCII_DIGITS = re.compile(r"[0-9]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def normalise(text: str) -> str:
    """Full-width digits and punctuation to ASCII, keeping every character's offset."""
    return text.translate(_FULLWIDTH)


def cn_number(s: str) -> int | None:
    """An integer written in Arabic or Chinese numerals ("23", "二十三", "两", "二〇二四")."""
    s = s.strip()
    if not s:
        return None
    if _ASCII_DIGITS.fullmatch(s):
        return int(s)
    if any(c in _CN_UNITS or c == "万" for c in s):
        return _cn_positional(s)
    digits = [_CN_DIGITS.get(c) for c in s]
    if any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


def _cn_positional(s: str) -> int | None:
    """Chinese numerals with place units: 十一, 二十三, 一百零五, 一千二百九十九, 三万."""
    total = section = num = 0
    for c in s:
        if c in _CN_DIGITS:
            num = _CN_DIGITS[c]
        elif c in _CN_UNITS:
            # A bare 十 means one ten ("十一" = 11).
            section += (num or 1) * _CN_UNITS[c]
            num = 0
        elif c == "万":
            total += (section + num) * 10000
            section = num = 0
        else:
            return None
    return total + section + num


# --- Chinese (and numeric) time expressions ------------------------------------------------

_N = "[0-9零〇一二两三四五六七八九十]"
_DAY_WORDS = (
    "大前天|前天|昨天|昨日|昨儿|今天|今日|今儿|明天|明日|后天|"
    "前晚|昨晚|昨夜|今早|今晨|今晚|今夜|明早|明晚"
)
_YEAR_WORDS = "今年|去年|前年|明年|后年"
# Longer words first: the regex alternation takes the first that matches.
_PERIODS = "凌晨|清晨|早上|早晨|上午|中午|午后|下午|傍晚|晚上|晚间|夜里|夜间|半夜|深夜|午夜|早|晚"
_CN_DATE = rf"""
(?:
   (?P<ymd>(?:(?P<y>\d{{4}}|[零〇一二三四五六七八九]{{4}})\s*年\s*|(?P<yw>{_YEAR_WORDS})\s*)?
      (?P<m>{_N}{{1,3}})\s*月\s*(?P<d>{_N}{{1,3}})\s*[日号]?)
  |(?P<iso>(?P<iy>\d{{4}})\s*[-/.]\s*(?P<im>\d{{1,2}})\s*[-/.]\s*(?P<id>\d{{1,2}})(?!\d)\s*日?)
  |(?P<md>(?P<mdm>\d{{1,2}})[-/.](?P<mdd>\d{{1,2}})(?![\d/.\-]))
  |(?P<ago>(?P<agon>{_N}{{1,3}}|半)\s*个?\s*(?P<agou>天|日|周|星期|礼拜|小时|钟头|分钟|月)
      \s*(?:以前|之前|前))
  |(?P<rel>{_DAY_WORDS})
  |(?P<wk>(?:(?P<wkrel>上上|上|这|本|下)\s*个?\s*)?(?:周|星期|礼拜)(?P<wkd>[一二三四五六日天1-7]))
  |(?P<dom>(?P<domd>{_N}{{1,3}})\s*[号日])
)"""
# Minutes without 分 only in forms that cannot be a count: "8点15", "十点二十", "八点零五" (so
# "8点一直没到账" stays 8:00).
_BARE_MINUTES = r"\d{2}|[二三四五]?十[一二三四五六七八九]?|[零〇][一二三四五六七八九]"
_CN_TIME = rf"""
(?:
   (?P<clock>(?P<ch>\d{{1,2}})\s*:\s*(?P<cmi>\d{{2}})(?:\s*:\s*(?P<cs>\d{{2}}))?)
  |(?P<pt>(?P<ph>{_N}{{1,3}})\s*[点點时](?:钟)?
      (?:(?P<half>半)|(?P<qtr>[一三13])刻|整
        |(?P<pmi>{_N}{{1,3}})\s*分(?:\s*(?P<ps>{_N}{{1,3}})\s*秒)?
        |(?P<pmx>{_BARE_MINUTES})(?![0-9零〇一二两三四五六七八九十]))?)
)
(?:\s*(?:左右|前后|许|多))?
"""
# Every expression starts with a digit, a numeral, a day word, a week word or a period.
_CN_START = "[0-9零〇一二两三四五六七八九十半大前昨今明后去上这本下周星礼凌清早中午傍晚夜深]"
# Not inside a token such as an order number (WL20240302001) or an amount (¥1.5).
_CN_EXPR = re.compile(
    rf"""(?<![0-9A-Za-z./\-])(?<![0-9]:)(?={_CN_START})
    {_CN_DATE}?
    \s*(?P<period>{_PERIODS})?
    \s*(?:{_CN_TIME})?
    (?!\d)""",
    re.VERBOSE,
)

_JUST_NOW = re.compile(r"刚才|刚刚|方才|\bjust\s+now\b|\bright\s+now\b|\ba\s+moment\s+ago\b", re.I)

# --- English expressions, parsed by dateparser once found ---------------------------------

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
_EN_WHEN = rf"""(?:
    {_EN_DAY}{_EN_DAY_PART}(?:,?\s*(?:at|around|about|@)?\s*{_EN_CLOCK})?
   |(?:(?:at|around|about)\s+)?{_EN_CLOCK}(?:\s*,?\s*{_EN_DAY_AFTER})?
   |(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten)\s+
      (?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?)\s+ago
)"""
_EN_EXPR = re.compile(rf"\b{_EN_WHEN}(?![\w:])", re.I | re.X)
_EN_NAMED_DAY = re.compile(rf"{_EN_WD}|{_EN_MONTH}", re.I)
_EN_MONTH_DAY = re.compile(
    rf"\b{_EN_MONTH}\.?\s+\d{{1,2}}(?!\d)|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_EN_MONTH}\b",
    re.I,
)
_EN_CLOCK_RE = re.compile(_EN_CLOCK, re.I)
_EN_BARE_CLOCK = re.compile(
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
_DATELIKE = re.compile(r"\d\s*[-/:.]\s*\d|[a-z]{3,}", re.I)

# --- Parts of the day and impossible times -------------------------------------------------

_PERIOD_PARTS = {
    "凌晨": Part.SMALL_HOURS, "清晨": Part.EARLY_MORNING, "早上": Part.EARLY_MORNING,
    "早晨": Part.EARLY_MORNING, "早": Part.EARLY_MORNING, "上午": Part.MORNING,
    "中午": Part.NOON, "午后": Part.AFTERNOON, "下午": Part.AFTERNOON, "傍晚": Part.DUSK,
    "晚上": Part.EVENING, "晚间": Part.EVENING, "晚": Part.EVENING, "夜里": Part.NIGHT,
    "夜间": Part.NIGHT, "半夜": Part.LATE_NIGHT, "深夜": Part.LATE_NIGHT, "午夜": Part.LATE_NIGHT,
}  # fmt: skip
# When each part begins, and the hour that stands in for it (a rough time still has to sort).
_PART_HOURS = {
    Part.SMALL_HOURS: (0, 3), Part.EARLY_MORNING: (5, 7), Part.MORNING: (8, 10),
    Part.NOON: (11, 12), Part.AFTERNOON: (12, 15), Part.DUSK: (17, 18), Part.EVENING: (18, 20),
    Part.NIGHT: (20, 22), Part.LATE_NIGHT: (22, 23),
}  # fmt: skip
REMINDER_HOUR = 9  # a reminder asked for on a day without an hour comes that morning

_CLOCK_TOKEN = re.compile(
    r"(?<![\d:])(?P<h>\d{1,2})\s*:\s*(?P<mi>\d{2})(?:\s*:\s*(?P<s>\d{2}))?(?!\d)"
    r"(?:\s*(?P<ampm>am|pm|a\.m\.|p\.m\.))?",
    re.I,
)
_AMPM_TOKEN = re.compile(r"(?<![\d:.])(?P<h>\d{1,2})\s*(?:am|pm|a\.m\.|p\.m\.)(?![a-z])", re.I)
_NUMERIC_DATE = re.compile(
    r"(?<![\d.])(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})(?!\d)"
    r"|(?<![\d/.])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y2>\d{4})(?!\d)"
)


# --- Public API ----------------------------------------------------------------------------


def parse_time(
    text: str, now: datetime, tz: ZoneInfo = SHANGHAI, *, after: datetime | None = None
) -> datetime | None:
    """One time expression (zh or en) read relative to `now` in `tz`; UTC, or None.

    A day alone ("上周五") or a part of a day ("昨天晚上") comes back as a RoughTime. A month
    and day without a year is the most recent one, or the first one since `after` (the
    purchase) when that has already come. An impossible date or clock gives None.
    """
    t = normalise(text).strip()
    now_local = now.astimezone(tz)
    local = _parse_local(t, now_local, tz, prefer_future=False)
    if local is not None and after is not None and _is_yearless(t):
        local = _since(local, after.astimezone(tz).date(), now_local.date())
    return local.astimezone(UTC) if local else None


def parse_future_time(text: str, now: datetime, tz: ZoneInfo = SHANGHAI) -> datetime | None:
    """A time to be reminded at, read forwards; UTC, or None when unreadable or impossible.

    "2小时后" and "in 3 hours" are exactly that far from now; a day alone is that day at
    REMINDER_HOUR, a part of a day its usual hour, and a bare clock time already past today is
    tomorrow's.
    """
    t = normalise(text).strip()
    now_local = now.astimezone(tz)
    if not t or _impossible(t, now_local.date()):
        return None
    span = _span_from_now(t)
    if span is not None:
        return (now_local + span).astimezone(UTC)
    local = _parse_local(t, now_local, tz, prefer_future=True)
    if local is None:
        return None
    if isinstance(local, RoughTime):
        hour = REMINDER_HOUR if local.part is Part.DAY else _PART_HOURS[local.part][1]
        local = datetime.combine(local.date(), time(hour), tzinfo=local.tzinfo)
    if local <= now_local and _is_bare_clock(t):
        local += timedelta(days=1)
    return local.astimezone(UTC)


def find_times(
    text: str, now: datetime, tz: ZoneInfo = SHANGHAI, *, inherit_date: bool = False
) -> list[tuple[str, datetime]]:
    """Every time expression in a longer text, in order: (the substring, the time in UTC).

    With inherit_date, a clock time without a day ("下午3点") takes the day of the dated
    expression before it ("昨天上午10点联系客服，下午3点再问" → yesterday 15:00), and a month
    and day without a year the first such day since the date before it.
    """
    return [
        (text[s:e], dt) for s, e, dt in find_time_spans(text, now, tz, inherit_date=inherit_date)
    ]


def find_time_spans(
    text: str, now: datetime, tz: ZoneInfo = SHANGHAI, *, inherit_date: bool = False
) -> list[tuple[int, int, datetime]]:
    """Like find_times, with (start, end) offsets into `text` instead of substrings."""
    now_local = now.astimezone(tz)
    found = _scan_dated(normalise(text), now_local, tz)
    if inherit_date:
        found = _inherit_dates(found, now_local.date())
    return [(f.start, f.end, f.at.astimezone(UTC)) for f in found]


def parse_window(text: str, now: datetime, tz: ZoneInfo = SHANGHAI) -> Window | None:
    """A response window or deadline: "48小时内", "3个工作日内", "明天下午6点前", "48 hours"."""
    found = find_window(text, now, tz)
    if found:
        return found
    # A whole answer may be a bare duration ("48 hours", "48小时") without 内 / within.
    spans = _non_overlapping(_relative_windows(normalise(text), loose=True))
    return spans[0][2] if spans else None


def find_window(text: str, now: datetime, tz: ZoneInfo = SHANGHAI) -> Window | None:
    """The first window or deadline inside a longer sentence, or None."""
    spans = find_window_spans(text, now, tz)
    return spans[0][2] if spans else None


def find_window_spans(
    text: str, now: datetime, tz: ZoneInfo = SHANGHAI
) -> list[tuple[int, int, Window]]:
    """Every window or deadline in a text, as (start, end, Window), in order of appearance."""
    norm = normalise(text)
    now_local = now.astimezone(tz)
    spans = _relative_windows(norm, loose=False) + _absolute_windows(norm, now_local, tz)
    # The text shown back is the user's own, not the normalised one.
    return _non_overlapping([(s, e, replace(w, text=text[s:e])) for s, e, w in spans])


def promise_window(text: str, made_at: datetime, tz: ZoneInfo = SHANGHAI) -> Window | None:
    """The window of a promise, counted from when it was made (not when it is typed).

    "明天下午6点前" is the day after `made_at`; wordings without 内 are read too:
    "3个工作日给答复", "48小时后回复", "reply in 2 days".
    """
    spans = find_promise_spans(text, made_at, tz)
    return spans[0][2] if spans else None


def find_promise_spans(
    text: str, made_at: datetime, tz: ZoneInfo = SHANGHAI
) -> list[tuple[int, int, Window]]:
    """Like find_window_spans from `made_at`, with bare and "N小时后" durations as windows."""
    strict = find_window_spans(text, made_at, tz)
    loose = [
        (s, e, replace(w, text=text[s:e]))
        for s, e, w in _relative_windows(normalise(text), loose=True)
    ]
    return _non_overlapping(strict + loose)


# --- Time expressions: internals -----------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    """A time expression found in a text."""

    start: int
    end: int
    at: datetime  # local
    dated: bool  # it names a day (else it is a bare clock time)
    yearless: bool = False  # a month and day without a year


def _parse_local(
    t: str, now_local: datetime, tz: ZoneInfo, *, prefer_future: bool
) -> datetime | None:
    """Parse a whole expression to a local datetime; falls back to the first one found in it."""
    if not t or _impossible(t, now_local.date()):
        return None
    if _JUST_NOW.fullmatch(t):
        return now_local
    m = _CN_EXPR.fullmatch(t)
    if m and (dt := _resolve_cn(m, now_local, whole=True, prefer_future=prefer_future)):
        return dt
    if not _CJK.search(t) and _DATELIKE.search(t):
        dt = _dateparse(t, now_local, tz, prefer_future=prefer_future)
        if dt:
            return dt
    found = _scan_dated(t, now_local, tz, prefer_future)
    return found[0].at if found else None


def _scan_dated(
    text: str, now_local: datetime, tz: ZoneInfo, prefer_future: bool = False
) -> list[_Found]:
    """All expressions in a normalised text, non-overlapping, in order."""
    found: list[tuple[int, int, _Found]] = []
    rejected: list[tuple[int, int]] = []
    for m in _CN_EXPR.finditer(text):
        start, end = _trimmed(text, m.start(), m.end())
        dt = _resolve_cn(m, now_local, whole=False, prefer_future=prefer_future)
        if dt:
            named_year = m.group("y") or m.group("yw")
            yearless = bool(m.group("md") or (m.group("ymd") and not named_year))
            found.append((start, end, _Found(start, end, dt, _cn_has_date(m), yearless)))
        elif start < end:
            rejected.append((start, end))
    for m in _EN_EXPR.finditer(text):
        dt = _dateparse(m.group(0), now_local, tz, prefer_future=prefer_future)
        # The clock of an impossible date ("2月30日 10:00") is not a time of its own.
        if dt and not any(m.start() < e and s < m.end() for s, e in rejected):
            dated = not _EN_BARE_CLOCK.fullmatch(m.group(0))
            yearless = _is_yearless(m.group(0))
            found.append((m.start(), m.end(), _Found(m.start(), m.end(), dt, dated, yearless)))
    found.extend(
        (m.start(), m.end(), _Found(m.start(), m.end(), now_local, True))
        for m in _JUST_NOW.finditer(text)
    )
    return [f for _, _, f in _non_overlapping(found)]


def _inherit_dates(found: list[_Found], today: date) -> list[_Found]:
    """Bare clock times moved to the day of the dated expression before them, and yearless
    dates to the first such day since it ("2024年11月3日 … 11月5日" is 2024-11-05)."""
    out: list[_Found] = []
    last_day: date | None = None
    for f in found:
        at = f.at
        if f.yearless and last_day is not None:
            at = _since(at, last_day, today)
        if f.dated:
            last_day = at.date()
        elif last_day is not None:
            # Keep the bare time's own day shift (晚上12点 is the next day's 00:00).
            at = at + (last_day - today)
        out.append(replace(f, at=at))
    return out


def _since(dt: datetime, anchor: date, today: date) -> datetime:
    """A yearless date moved to its first occurrence on or after `anchor`, if that has come."""
    day = dt.date()
    try:
        candidate = day.replace(year=anchor.year)
        if candidate < anchor:
            candidate = candidate.replace(year=anchor.year + 1)
    except ValueError:  # 2月29日
        return dt
    if candidate > today or candidate == day:
        return dt
    return _shift_days(dt, (candidate - day).days)


def _shift_days(dt: datetime, days: int) -> datetime:
    """The same wall-clock time `days` later, still rough if it was."""
    moved = dt + timedelta(days=days)
    return RoughTime.of(moved, dt.part) if isinstance(dt, RoughTime) else moved


def _is_yearless(text: str) -> bool:
    """Whether an expression names a month and day but no year ("3月2日", "Nov 4")."""
    if _A_YEAR.search(text):
        return False
    return bool(_CN_MONTH_DAY.search(text) or _EN_MONTH_DAY.search(text))


_A_YEAR = re.compile(rf"\d{{4}}|[零〇一二三四五六七八九]{{4}}\s*年|{_YEAR_WORDS}")
_CN_MONTH_DAY = re.compile(
    rf"{_N}{{1,3}}\s*月\s*{_N}{{1,3}}|(?<![\d.])\d{{1,2}}[-/.]\d{{1,2}}(?![\d.])"
)


def _is_bare_clock(text: str) -> bool:
    """Whether a whole answer is a clock time without a day ("下午3点", "at 9pm")."""
    m = _CN_EXPR.fullmatch(text)
    if m:
        return not _cn_has_date(m)
    return bool(_EN_BARE_CLOCK.fullmatch(text))


def _impossible(text: str, today: date) -> bool:
    """Whether a text holds a date or clock time that cannot exist: 25:00, 8:75pm, 13pm,
    2024-13-01, 2月30日, 25点."""
    for m in _CLOCK_TOKEN.finditer(text):
        hour, minute, second = int(m.group("h")), int(m.group("mi")), int(m.group("s") or 0)
        if minute > 59 or second > 59 or hour > 24 or (hour == 24 and minute + second):
            return True
        if m.group("ampm") and not 1 <= hour <= 12:
            return True
    if any(not 1 <= int(m.group("h")) <= 12 for m in _AMPM_TOKEN.finditer(text)):
        return True
    for m in _NUMERIC_DATE.finditer(text):
        if m.group("y"):
            ymd = [(int(m.group("y")), int(m.group("m")), int(m.group("d")))]
        else:  # 3/2/2025: either order may be meant
            a, b, y = int(m.group("a")), int(m.group("b")), int(m.group("y2"))
            ymd = [(y, a, b), (y, b, a)]
        if not any(_is_date(*d) for d in ymd):
            return True
    for m in _CN_EXPR.finditer(text):
        named_day = m.group("ymd") or m.group("iso") or m.group("dom")
        if named_day and _cn_date(m, today, prefer_future=False) is None:
            return True
        if (m.group("clock") or m.group("pt")) and _cn_clock(m) is None:
            return True
    return False


def _is_date(year: int, month: int, day: int) -> bool:
    """Whether the calendar has this day."""
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


_CN_SPAN = re.compile(
    rf"""(?<![月\d])(?P<n>{_N}{{1,3}}|半)\s*个?\s*(?P<half>半)?\s*
    (?P<u>分钟|小时|钟头|天|日|周|星期|礼拜|月)
    \s*(?:之后|以后|后|之内|以内|内)""",
    re.VERBOSE,
)
_EN_SPAN = re.compile(
    r"""\b(?:(?:in|within|after)\s+(?P<n1>\d+|an?|one|two|three|four|five|six|seven|eight|nine
        |ten|twelve|fifteen|twenty|thirty)\s+(?P<u1>minutes?|mins?|hours?|hrs?|days?|weeks?)\b
      |(?P<n2>\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty
        |thirty)\s+(?P<u2>minutes?|mins?|hours?|hrs?|days?|weeks?)\s+(?:later|from\s+now)\b)""",
    re.VERBOSE | re.I,
)


def _span_from_now(text: str) -> timedelta | None:
    """A span from now: "2小时后", "3天内", "半小时后", "in 3 hours", "2 days from now"."""
    m = _CN_SPAN.search(text)
    if m:
        unit = m.group("u")
        if m.group("n") == "半":
            halves = {"小时": timedelta(minutes=30), "钟头": timedelta(minutes=30),
                      "天": timedelta(hours=12), "日": timedelta(hours=12)}  # fmt: skip
            return halves.get(unit)
        n = cn_number(m.group("n"))
        if not n:
            return None
        if unit == "月":
            return None  # months differ in length: read as a date instead
        per_unit = {
            "分钟": timedelta(minutes=1), "小时": timedelta(hours=1), "钟头": timedelta(hours=1),
            "天": timedelta(days=1), "日": timedelta(days=1), "周": timedelta(weeks=1),
            "星期": timedelta(weeks=1), "礼拜": timedelta(weeks=1),
        }  # fmt: skip
        span = n * per_unit[unit]
        if m.group("half"):
            span += per_unit[unit] / 2
        return span
    m = _EN_SPAN.search(text)
    if m:
        raw = m.group("n1") or m.group("n2")
        unit = m.group("u1") or m.group("u2")
        n = int(raw) if raw.isdigit() else _EN_NUMBERS.get(raw.lower())
        if not n:
            return None
        unit = unit.lower()
        if unit.startswith("m"):
            return timedelta(minutes=n)
        if unit.startswith("h"):
            return timedelta(hours=n)
        if unit.startswith("w"):
            return timedelta(weeks=n)
        return timedelta(days=n)
    return None


def _non_overlapping(spans: list[tuple[int, int, _T]]) -> list[tuple[int, int, _T]]:
    """Keep the earliest-starting, then longest, of overlapping spans; in order of position."""
    out: list[tuple[int, int, _T]] = []
    for span in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if not out or span[0] >= out[-1][1]:
            out.append(span)
    return out


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets without the surrounding whitespace a regex may have swallowed."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _cn_has_date(m: re.Match[str]) -> bool:
    """Whether a Chinese/numeric match names a day (not just a clock time)."""
    return any(m.group(g) for g in ("ymd", "iso", "md", "ago", "rel", "wk", "dom"))


def _resolve_cn(
    m: re.Match[str], now_local: datetime, *, whole: bool, prefer_future: bool
) -> datetime | None:
    """The local datetime a Chinese/numeric match means, or None if it is not a time."""
    has_date = _cn_has_date(m)
    has_time = bool(m.group("clock") or m.group("pt"))
    if not has_date and not has_time:
        return None  # a bare period word ("晚上") or nothing at all
    # "3.2" or "5号" alone inside a sentence is too often something else (an amount, an id).
    if (m.group("md") or m.group("dom")) and not has_time and not whole:
        return None
    # "一点" without a date or period is mostly "a bit" (快一点), not one o'clock.
    if m.group("ph") == "一" and not has_date and not m.group("period"):
        return None
    period = m.group("period") or _period_of_day_word(m.group("rel"))
    if m.group("ago"):
        ago = _ago(m, now_local)
        if ago is None:
            return None
        if not has_time and not period:
            # "2小时前" is a time; "3天前" only a day: its clock would be made up.
            by_the_hour = m.group("agou") in ("小时", "钟头", "分钟") or m.group("agon") == "半"
            return ago if by_the_hour else _rough(ago.date(), Part.DAY, now_local)
        day = ago.date()
    else:
        resolved = _cn_date(m, now_local.date(), prefer_future)
        if resolved is None:
            return None
        day = resolved
    if not has_time:
        # A day, or a part of one, without an hour: never a made-up 00:00.
        return _rough(day, _PERIOD_PARTS[period] if period else Part.DAY, now_local)
    hms = _cn_clock(m)
    if hms is None:
        return None
    hour, minute, second = hms
    hour = _apply_period(hour, period)
    base = datetime(day.year, day.month, day.day, tzinfo=now_local.tzinfo)
    return base + timedelta(hours=hour, minutes=minute, seconds=second)


def _rough(day: date, part: Part, now_local: datetime) -> RoughTime:
    """A day, or a part of it, as a rough time: 00:00, or the part's stand-in hour."""
    base = datetime(day.year, day.month, day.day, tzinfo=now_local.tzinfo)
    if part is Part.DAY:
        return RoughTime.of(base, part)
    begins, hour = _PART_HOURS[part]
    at = base + timedelta(hours=hour)
    if base + timedelta(hours=begins) <= now_local < at:
        # "今天晚上" said at 19:00: the part has begun, so it is not in the future.
        at = now_local.replace(second=0, microsecond=0)
    return RoughTime.of(at, part)


def _period_of_day_word(word: str | None) -> str | None:
    """The period folded into a day word: 昨晚 is 昨天 + 晚上."""
    if not word:
        return None
    if word[-1] == "晚":
        return "晚上"
    if word[-1] == "夜":
        return "夜里"
    if word[-1] in "早晨":
        return "早上"
    return None


_DAY_OFFSETS = {
    "大前天": -3, "前天": -2, "前晚": -2, "昨天": -1, "昨日": -1, "昨儿": -1, "昨晚": -1,
    "昨夜": -1, "今天": 0, "今日": 0, "今儿": 0, "今早": 0, "今晨": 0, "今晚": 0, "今夜": 0,
    "明天": 1, "明日": 1, "明早": 1, "明晚": 1, "后天": 2,
}  # fmt: skip
_YEAR_OFFSETS = {"今年": 0, "去年": -1, "前年": -2, "明年": 1, "后年": 2}
_WEEKDAYS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}
_WEEK_SHIFT = {"上上": -14, "上": -7, "这": 0, "本": 0, "下": 7}


def _cn_date(m: re.Match[str], today: date, prefer_future: bool) -> date | None:
    """The calendar date of a Chinese/numeric match (today when it names none)."""
    try:
        if m.group("ymd"):
            month, day = cn_number(m.group("m")), cn_number(m.group("d"))
            if month is None or day is None:
                return None
            if m.group("y"):
                year = cn_number(m.group("y"))
                return date(year, month, day) if year else None
            if m.group("yw"):
                return date(today.year + _YEAR_OFFSETS[m.group("yw")], month, day)
            return _yearless(month, day, today, prefer_future)
        if m.group("iso"):
            return date(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
        if m.group("md"):
            return _yearless(int(m.group("mdm")), int(m.group("mdd")), today, prefer_future)
        if m.group("rel"):
            return today + timedelta(days=_DAY_OFFSETS[m.group("rel")])
        if m.group("wk"):
            return _weekday(m.group("wkrel"), m.group("wkd"), today, prefer_future)
        if m.group("dom"):
            day = cn_number(m.group("domd"))
            return _day_of_month(day, today, prefer_future) if day else None
    except ValueError:
        return None  # 2月30日 and friends
    return today


def _yearless(month: int, day: int, today: date, prefer_future: bool) -> date:
    """A month and day without a year: the most recent past one (or next future one)."""
    candidate = date(today.year, month, day)
    if not prefer_future and candidate > today:
        return date(today.year - 1, month, day)
    if prefer_future and candidate < today:
        return date(today.year + 1, month, day)
    return candidate


def _day_of_month(day: int, today: date, prefer_future: bool) -> date:
    """A bare day of month (5号): this month's, or the nearest month before (after) it that
    has that day (30号 typed in February is January's)."""
    step = 1 if prefer_future else -1
    year, month = today.year, today.month
    for _ in range(13):
        if _is_date(year, month, day):
            candidate = date(year, month, day)
            if (candidate >= today) if prefer_future else (candidate <= today):
                return candidate
        year, month = divmod(year * 12 + month - 1 + step, 12)
        month += 1
    raise ValueError(f"no month has day {day}")


def _weekday(rel: str | None, name: str, today: date, prefer_future: bool) -> date:
    """上周五 / 本周一 / 下周三 by calendar week (Monday first); bare 周五 the nearest one."""
    target = int(name) if name.isdigit() else _WEEKDAYS[name]
    if rel is None:
        # A bare weekday points back in a story and forward in a deadline.
        if prefer_future:
            return today + timedelta(days=(target - today.isoweekday()) % 7)
        return today - timedelta(days=(today.isoweekday() - target) % 7)
    monday = today - timedelta(days=today.isoweekday() - 1)
    return monday + timedelta(days=_WEEK_SHIFT[rel] + target - 1)


def _ago(m: re.Match[str], now_local: datetime) -> datetime | None:
    """Now minus a span: 3天前, 2小时前, 半小时前."""
    raw, unit = m.group("agon"), m.group("agou")
    if raw == "半":
        halves = {"小时": timedelta(minutes=30), "钟头": timedelta(minutes=30),
                  "天": timedelta(hours=12), "日": timedelta(hours=12)}  # fmt: skip
        return now_local - halves[unit] if unit in halves else None
    n = cn_number(raw)
    if n is None:
        return None
    if unit == "月":
        return _months_back(now_local, n)
    per_unit = {
        "天": timedelta(days=1), "日": timedelta(days=1), "周": timedelta(weeks=1),
        "星期": timedelta(weeks=1), "礼拜": timedelta(weeks=1), "小时": timedelta(hours=1),
        "钟头": timedelta(hours=1), "分钟": timedelta(minutes=1),
    }  # fmt: skip
    return now_local - n * per_unit[unit]


def _months_back(dt: datetime, n: int) -> datetime:
    """The same day-of-month n months earlier, clamped to the month's length."""
    year, month = divmod(dt.year * 12 + dt.month - 1 - n, 12)
    for day in range(dt.day, 27, -1):
        try:
            return dt.replace(year=year, month=month + 1, day=day)
        except ValueError:
            continue
    return dt.replace(year=year, month=month + 1, day=min(dt.day, 28))


def _cn_clock(m: re.Match[str]) -> tuple[int, int, int] | None:
    """(hour, minute, second) of the time part, validated; hour is still 12-hour if so given."""
    if m.group("clock"):
        hour, minute = int(m.group("ch")), int(m.group("cmi"))
        second = int(m.group("cs") or 0)
    else:
        h = cn_number(m.group("ph"))
        if h is None:
            return None
        hour, second = h, 0
        if m.group("half"):
            minute = 30
        elif m.group("qtr"):
            minute = 15 if m.group("qtr") in "一1" else 45
        elif m.group("pmi") or m.group("pmx"):
            minute = cn_number(m.group("pmi") or m.group("pmx")) or 0
            second = cn_number(m.group("ps") or "0") or 0
        else:
            minute = 0
    if hour > 24 or minute > 59 or second > 59:
        return None
    return hour, minute, second


def _apply_period(hour: int, period: str | None) -> int:
    """24-hour clock from a 12-hour one and its period; may exceed 23 (past midnight)."""
    if period is None or hour > 12:
        return hour
    if period in ("凌晨", "清晨", "早上", "早晨", "上午", "早"):
        return 0 if period == "凌晨" and hour == 12 else hour
    if period == "中午":
        return hour + 12 if hour <= 3 else hour  # 中午1点 is 13:00
    if period in ("午后", "下午", "傍晚"):
        return hour if hour == 12 else hour + 12
    if period in ("半夜", "深夜", "午夜"):
        if hour == 12:
            return 24
        return hour if hour <= 5 else hour + 12
    # 晚上 / 夜里: 晚上12点 is midnight and 晚上1点 the small hours after that evening.
    if hour == 12:
        return 24
    return hour + 24 if hour <= 4 else hour + 12


def _dateparse(
    text: str, now_local: datetime, tz: ZoneInfo, *, prefer_future: bool
) -> datetime | None:
    """English / numeric expressions through dateparser, relative to now in tz."""
    text = text.strip()
    if _impossible(text, now_local.date()):
        return None  # dateparser would read "25:00" as now and "2024-13-01" as January 13
    # dateparser's "future" preference pushes a bare clock time to tomorrow even when it is
    # still ahead today, so it is only asked for when a weekday or month is named.
    clock = _EN_BARE_CLOCK.fullmatch(text)
    if clock:
        # dateparser moves some bare evening times to yesterday, so they are read here: today.
        return _en_clock_today(clock, now_local)
    has_clock = bool(_EN_CLOCK_RE.search(text))
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
    return _rough(local.date(), part or Part.DAY, now_local)


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


# --- Windows: internals --------------------------------------------------------------------

_CN_REL_WINDOW = re.compile(
    rf"""(?<![0-9])
    (?P<n>{_N}{{1,3}}|半)\s*个?\s*(?P<half>半)?\s*
    (?P<u>分钟|小时|钟头|h(?![a-z])|天|日|个?工作日|周|星期|礼拜)
    \s*(?:(?P<suffix>之内|以内|内)|(?P<after>之后|以后|后))?
    (?!\s*(?:以前|之前|前))""",
    re.VERBOSE | re.I,
)
_EN_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty-eight": 48, "seventy-two": 72,
}  # fmt: skip
_EN_REL_WINDOW = re.compile(
    r"""\b(?P<pre>within|in\s+the\s+next|in|under)?\s*
    (?P<n>\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty
       |thirty|forty-eight|seventy-two)
    \s*(?P<u>(?:working|business)\s+days?|minutes?|mins?|hours?|hrs?|h|days?|weeks?)\b
    (?!\s+ago)""",
    re.VERBOSE | re.I,
)
_CN_DEADLINE_SUFFIX = re.compile(r"\s*(?:之前|以前|前|为止|之内|以内|内)")
_EN_ABS_WINDOW = re.compile(
    rf"""\b(?:by|(?<!day\s)before|until|till|no\s+later\s+than)\s+
    (?:(?P<eod>(?:the\s+)?end\s+of\s+(?:the\s+)?(?:day|today)|eod)\b|(?P<when>{_EN_WHEN}))
    (?![\w:])""",
    re.VERBOSE | re.I,
)


def _relative_windows(text: str, *, loose: bool) -> list[tuple[int, int, Window]]:
    """Relative windows ("48小时内", "within 3 working days"); loose also takes bare ones."""
    out: list[tuple[int, int, Window]] = []
    for m in _CN_REL_WINDOW.finditer(text):
        if not (m.group("suffix") or loose) or (loose and _waited(text, m)):
            continue
        amount_unit = _cn_window_amount(m.group("n"), bool(m.group("half")), m.group("u"))
        if amount_unit:
            out.append((m.start(), m.end(), Window(m.group(0), *amount_unit)))
    for m in _EN_REL_WINDOW.finditer(text):
        if not (m.group("pre") or loose) or (loose and _waited(text, m)):
            continue
        amount_unit = _en_window_amount(m.group("n"), m.group("u"))
        if amount_unit:
            start, end = _trimmed(text, m.start(), m.end())
            out.append((start, end, Window(text[start:end], *amount_unit)))
    return out


# "等了3天", "已经48小时了", "waited 3 days": time already spent, not a window.
_WAITED_BEFORE = re.compile(
    r"(?:等了|等|已经|已|过了|超过|快|近|waited|for|after|over|already)\s*$", re.I
)
_WAITED_AFTER = re.compile(r"\s*(?:了|多|过去|还|都|没|passed|ago|already|later)", re.I)


def _waited(text: str, m: re.Match[str]) -> bool:
    """Whether a bare duration tells of time spent rather than a window."""
    if m.groupdict().get("suffix") or m.groupdict().get("pre"):
        return False
    before = text[max(0, m.start() - 8) : m.start()]
    return bool(_WAITED_BEFORE.search(before) or _WAITED_AFTER.match(text, m.end()))


def _cn_window_amount(raw: str, half: bool, unit: str) -> tuple[int, WindowUnit] | None:
    """(amount, unit) of a Chinese relative window; halves become minutes or hours."""
    unit = unit.lower().removeprefix("个")
    n = 0 if raw == "半" else cn_number(raw)
    if n is None:
        return None
    if raw == "半" or half:
        if unit in ("小时", "钟头", "h"):
            return n * 60 + 30, WindowUnit.MINUTES
        if unit in ("天", "日"):
            return n * 24 + 12, WindowUnit.HOURS
        return None
    if n == 0:
        return None
    if unit == "分钟":
        return n, WindowUnit.MINUTES
    if unit in ("小时", "钟头", "h"):
        return n, WindowUnit.HOURS
    if unit == "工作日":
        return n, WindowUnit.WORKING_DAYS
    if unit in ("周", "星期", "礼拜"):
        return n * 7, WindowUnit.DAYS
    return n, WindowUnit.DAYS


def _en_window_amount(raw: str, unit: str) -> tuple[int, WindowUnit] | None:
    """(amount, unit) of an English relative window."""
    n = int(raw) if raw.isdigit() else _EN_NUMBERS.get(raw.lower())
    if not n:
        return None
    unit = unit.lower()
    if unit.startswith(("working", "business")):
        return n, WindowUnit.WORKING_DAYS
    if unit.startswith("m"):
        return n, WindowUnit.MINUTES
    if unit.startswith("h"):
        return n, WindowUnit.HOURS
    if unit.startswith("w"):
        return n * 7, WindowUnit.DAYS
    return n, WindowUnit.DAYS


def _absolute_windows(
    text: str, now_local: datetime, tz: ZoneInfo
) -> list[tuple[int, int, Window]]:
    """Deadlines: "明天下午6点前", "今日18点前", "by tomorrow 6 pm", "before 18:00 today"."""
    return _cn_deadlines(text, now_local) + _en_deadlines(text, now_local, tz)


def _cn_deadlines(text: str, now_local: datetime) -> list[tuple[int, int, Window]]:
    """A Chinese time followed by 前/之前/为止 (or a day followed by 内)."""
    out: list[tuple[int, int, Window]] = []
    for m in _CN_EXPR.finditer(text):
        suffix = _CN_DEADLINE_SUFFIX.match(text, m.end())
        if not suffix or m.group("ago"):
            continue
        dt = _resolve_cn(m, now_local, whole=True, prefer_future=True)
        if dt is None:
            continue
        has_time = bool(m.group("clock") or m.group("pt"))
        if suffix.group(0).strip().endswith("内") and has_time:
            continue  # "8点内" is not a way to say a deadline
        if not has_time:
            dt = _end_of_day(dt)
        start, _ = _trimmed(text, m.start(), m.end())
        out.append((start, suffix.end(), Window(text[start : suffix.end()], until=_utc(dt))))
    return out


def _en_deadlines(text: str, now_local: datetime, tz: ZoneInfo) -> list[tuple[int, int, Window]]:
    """A time after by / before / until, or "by end of day"."""
    out: list[tuple[int, int, Window]] = []
    for m in _EN_ABS_WINDOW.finditer(text):
        when = m.group("when")
        if m.group("eod"):
            dt: datetime | None = _end_of_day(now_local)
        else:
            dt = _dateparse(when, now_local, tz, prefer_future=True)
            if dt and not _EN_CLOCK_RE.search(when):
                dt = _end_of_day(dt)
        if dt:
            out.append((m.start(), m.end(), Window(m.group(0), until=_utc(dt))))
    return out


def _end_of_day(dt: datetime) -> datetime:
    """A date-only deadline means the end of that day: 23:59 local."""
    return dt.replace(hour=23, minute=59, second=0, microsecond=0)


def _utc(dt: datetime) -> datetime:
    """UTC for storage."""
    return dt.astimezone(UTC)
