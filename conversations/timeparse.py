"""Parse the times and response windows users type, in Chinese or English.

Everything here is pure: callers pass `now` (timezone-aware) and the user's timezone; relative
expressions are read in that timezone and results come back in UTC.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import dateparser

from conversations.model import Window, WindowUnit

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
# Longer words first: the regex alternation takes the first that matches.
_PERIODS = "凌晨|清晨|早上|早晨|上午|中午|午后|下午|傍晚|晚上|晚间|夜里|夜间|半夜|深夜|午夜|早|晚"
_CN_DATE = rf"""
(?:
   (?P<ymd>(?:(?P<y>\d{{4}}|[零〇一二三四五六七八九]{{4}})\s*年\s*)?
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
_CN_START = "[0-9零〇一二两三四五六七八九十半大前昨今明后上这本下周星礼凌清早中午傍晚夜深]"
# Not inside a token such as an order number (WL20240302001) or an amount (¥1.5).
_CN_EXPR = re.compile(
    rf"""(?<![0-9A-Za-z.:/\-])(?={_CN_START})
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
_EN_DAY = rf"""(?:yesterday|today|tomorrow|tonight|last\s+night
    |this\s+(?:morning|afternoon|evening)
    |(?:last|this|next|on)\s+{_EN_WD}|{_EN_WD}
    |{_EN_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?
    |\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_EN_MONTH}(?:,?\s+\d{{4}})?
    |\d{{1,2}}/\d{{1,2}}/\d{{4}})"""
_EN_DAY_AFTER = rf"""(?:yesterday|today|tonight|tomorrow|last\s+night
    |this\s+(?:morning|afternoon|evening)|(?:last|this|next|on)\s+{_EN_WD})"""
_EN_WHEN = rf"""(?:
    {_EN_DAY}(?:,?\s*(?:at|around|about|@)?\s*{_EN_CLOCK})?
   |(?:(?:at|around|about)\s+)?{_EN_CLOCK}(?:\s*,?\s*{_EN_DAY_AFTER})?
   |(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten)\s+
      (?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?)\s+ago
)"""
_EN_EXPR = re.compile(rf"\b{_EN_WHEN}(?![\w:])", re.I | re.X)
_EN_BARE_DAY = re.compile(r"(?:on\s+)?(?:yesterday|today|tomorrow)", re.I)
_EN_NAMED_DAY = re.compile(rf"{_EN_WD}|{_EN_MONTH}", re.I)
_EN_CLOCK_RE = re.compile(_EN_CLOCK, re.I)
_EN_BARE_CLOCK = re.compile(
    r"(?:(?:at|around|about)\s+)?(?P<h>\d{1,2})(?::(?P<mi>\d{2}))?(?::(?P<s>\d{2}))?"
    r"\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?",
    re.I,
)
# Worth handing to dateparser: a date-ish separator between digits, or a word.
_DATELIKE = re.compile(r"\d\s*[-/:.]\s*\d|[a-z]{3,}", re.I)


# --- Public API ----------------------------------------------------------------------------


def parse_time(text: str, now: datetime, tz: ZoneInfo = SHANGHAI) -> datetime | None:
    """One time expression (zh or en) read relative to `now` in `tz`; UTC, or None."""
    local = _parse_local(normalise(text).strip(), now.astimezone(tz), tz, prefer_future=False)
    return local.astimezone(UTC) if local else None


def find_times(
    text: str, now: datetime, tz: ZoneInfo = SHANGHAI, *, inherit_date: bool = False
) -> list[tuple[str, datetime]]:
    """Every time expression in a longer text, in order: (the substring, the time in UTC).

    With inherit_date, a clock time without a day ("下午3点") takes the day of the dated
    expression before it ("昨天上午10点联系客服，下午3点再问" → yesterday 15:00).
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
    return [(s, e, dt.astimezone(UTC)) for s, e, dt, _ in found]


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


# --- Time expressions: internals -----------------------------------------------------------


def _parse_local(
    t: str, now_local: datetime, tz: ZoneInfo, *, prefer_future: bool
) -> datetime | None:
    """Parse a whole expression to a local datetime; falls back to the first one found in it."""
    if not t:
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
    found = _scan(t, now_local, tz, prefer_future=prefer_future)
    return found[0][2] if found else None


def _scan(
    text: str, now_local: datetime, tz: ZoneInfo, *, prefer_future: bool = False
) -> list[tuple[int, int, datetime]]:
    """All expressions in a normalised text as (start, end, local datetime), non-overlapping."""
    return [(s, e, dt) for s, e, dt, _ in _scan_dated(text, now_local, tz, prefer_future)]


def _scan_dated(
    text: str, now_local: datetime, tz: ZoneInfo, prefer_future: bool = False
) -> list[tuple[int, int, datetime, bool]]:
    """Like _scan, each with whether the expression names a day (else it is a bare clock)."""
    found: list[tuple[int, int, tuple[datetime, bool]]] = []
    rejected: list[tuple[int, int]] = []
    for m in _CN_EXPR.finditer(text):
        start, end = _trimmed(text, m.start(), m.end())
        dt = _resolve_cn(m, now_local, whole=False, prefer_future=prefer_future)
        if dt:
            found.append((start, end, (dt, _cn_has_date(m))))
        elif start < end:
            rejected.append((start, end))
    for m in _EN_EXPR.finditer(text):
        dt = _dateparse(m.group(0), now_local, tz, prefer_future=prefer_future)
        # The clock of an impossible date ("2月30日 10:00") is not a time of its own.
        if dt and not any(m.start() < e and s < m.end() for s, e in rejected):
            found.append((m.start(), m.end(), (dt, not _EN_BARE_CLOCK.fullmatch(m.group(0)))))
    found.extend((m.start(), m.end(), (now_local, True)) for m in _JUST_NOW.finditer(text))
    return [(s, e, dt, dated) for s, e, (dt, dated) in _non_overlapping(found)]


def _inherit_dates(
    found: list[tuple[int, int, datetime, bool]], today: date
) -> list[tuple[int, int, datetime, bool]]:
    """Bare clock times moved to the day of the dated expression before them."""
    out: list[tuple[int, int, datetime, bool]] = []
    last_day: date | None = None
    for start, end, dt, dated in found:
        if dated:
            last_day = dt.date()
        elif last_day is not None:
            # Keep the bare time's own day shift (晚上12点 is the next day's 00:00).
            dt = dt + (last_day - today)
        out.append((start, end, dt, dated))
    return out


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
    if m.group("ago"):
        ago = _ago(m, now_local)
        if ago is None or not has_time:
            return ago
        day = ago.date()
    else:
        resolved = _cn_date(m, now_local.date(), prefer_future)
        if resolved is None:
            return None
        day = resolved
    hms = _cn_clock(m) if has_time else (0, 0, 0)
    if hms is None:
        return None
    hour, minute, second = hms
    hour = _apply_period(hour, m.group("period") or _period_of_day_word(m.group("rel")))
    base = datetime(day.year, day.month, day.day, tzinfo=now_local.tzinfo)
    return base + timedelta(hours=hour, minutes=minute, seconds=second)


def _period_of_day_word(word: str | None) -> str | None:
    """The period folded into a day word: 昨晚 is 昨天 + 晚上."""
    if not word:
        return None
    if word[-1] in "晚夜":
        return "晚上"
    if word[-1] in "早晨":
        return "早上"
    return None


_DAY_OFFSETS = {
    "大前天": -3, "前天": -2, "前晚": -2, "昨天": -1, "昨日": -1, "昨儿": -1, "昨晚": -1,
    "昨夜": -1, "今天": 0, "今日": 0, "今儿": 0, "今早": 0, "今晨": 0, "今晚": 0, "今夜": 0,
    "明天": 1, "明日": 1, "明早": 1, "明晚": 1, "后天": 2,
}  # fmt: skip
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
    """A bare day of month (5号): this month's, or the month before (after) it."""
    candidate = today.replace(day=day)
    if not prefer_future and candidate > today:
        last_month = today.replace(day=1) - timedelta(days=1)
        return last_month.replace(day=day)
    if prefer_future and candidate < today:
        return (today.replace(day=28) + timedelta(days=4)).replace(day=day)
    return candidate


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
    # dateparser's "future" preference pushes a bare clock time to tomorrow even when it is
    # still ahead today, so it is only asked for when a weekday or month is named.
    clock = _EN_BARE_CLOCK.fullmatch(text.strip())
    if clock:
        # dateparser moves some bare evening times to yesterday, so they are read here: today.
        return _en_clock_today(clock, now_local)
    future = prefer_future and bool(_EN_NAMED_DAY.search(text))
    settings: dict[str, Any] = {
        "RELATIVE_BASE": now_local.replace(tzinfo=None),
        "TIMEZONE": tz.key,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "future" if future else "past",
    }
    try:
        dt = dateparser.parse(text, languages=["en"], settings=settings)
    except (ValueError, OverflowError, TypeError):
        return None
    if not isinstance(dt, datetime) or dt.tzinfo is None:
        return None
    if _EN_BARE_DAY.fullmatch(text.strip()):
        # dateparser gives "yesterday" the current clock time; a day alone means its start,
        # as 昨天 does.
        return dt.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    return dt.astimezone(tz)


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
    \s*(?P<suffix>之内|以内|内)?
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
    rf"""\b(?:by|before|until|till|no\s+later\s+than)\s+
    (?:(?P<eod>(?:the\s+)?end\s+of\s+(?:the\s+)?(?:day|today)|eod)\b|(?P<when>{_EN_WHEN}))
    (?![\w:])""",
    re.VERBOSE | re.I,
)


def _relative_windows(text: str, *, loose: bool) -> list[tuple[int, int, Window]]:
    """Relative windows ("48小时内", "within 3 working days"); loose also takes bare ones."""
    out: list[tuple[int, int, Window]] = []
    for m in _CN_REL_WINDOW.finditer(text):
        if not (m.group("suffix") or loose):
            continue
        amount_unit = _cn_window_amount(m.group("n"), bool(m.group("half")), m.group("u"))
        if amount_unit:
            out.append((m.start(), m.end(), Window(m.group(0), *amount_unit)))
    for m in _EN_REL_WINDOW.finditer(text):
        if not (m.group("pre") or loose):
            continue
        amount_unit = _en_window_amount(m.group("n"), m.group("u"))
        if amount_unit:
            start, end = _trimmed(text, m.start(), m.end())
            out.append((start, end, Window(text[start:end], *amount_unit)))
    return out


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
