"""Times users type, in Chinese or English: the public readers."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from conversations.core.timing import Part, RoughTime
from conversations.reading.cn_patterns import CN_EXPR, CN_NUM, RELATIVE_DAYS, YEAR_WORDS
from conversations.reading.cn_times import (
    PART_HOURS,
    clock_offsets,
    cn_has_date,
    has_clock,
    resolve_cn,
)
from conversations.reading.en_times import (
    EN_EXPR,
    EN_MONTH_DAY,
    dateparse,
    en_clock_offsets,
    en_has_day,
    en_relative_days,
    resolve_en,
)
from conversations.reading.normalize import normalise, read
from conversations.reading.numbers import EN_NUMBERS, cn_number
from conversations.reading.spans import non_overlapping, trimmed
from conversations.reading.validity import impossible

SHANGHAI = ZoneInfo("Asia/Shanghai")


_CJK = re.compile(r"[\u4e00-\u9fff]")
# A machine time with its zone, as pasted from a log or an e-mail header.
_ISO_WITH_ZONE = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})"
)
# Worth handing to dateparser: words ("Nov 3rd 2024", "last Tuesday"); numbers alone that no
# pattern here took are not dates ("1-2-3", "12.53%", "Version 1.1.3").
_WORDS = re.compile(r"[a-z]{3,}", re.I)
_ON = re.compile(r"[,\s]*(?:on\s+)?(?=\S)", re.I)


_JUST_NOW = re.compile(r"刚才|刚刚|方才|\bjust\s+now\b|\bright\s+now\b|\ba\s+moment\s+ago\b", re.I)


REMINDER_HOUR = 9  # a reminder asked for on a day without an hour comes that morning


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
    if local is not None and _is_relative(t, now_local, tz):
        # "第二天早上": the day after the purchase, when it is known; else not readable.
        if after is None:
            return None
        local = _shift_days(local, (after.astimezone(tz).date() - now_local.date()).days)
    elif local is not None and after is not None and _is_yearless(t):
        local = _since(local, after.astimezone(tz).date(), now_local.date())
    return local.astimezone(UTC) if local else None


def _is_relative(t: str, now_local: datetime, tz: ZoneInfo) -> bool:
    """Whether an answer counts its day from the day told before ("第二天", "that night")."""
    found = _scan_dated(t, now_local, tz)
    return bool(found) and found[0].relative is not None


def parse_future_time(text: str, now: datetime, tz: ZoneInfo = SHANGHAI) -> datetime | None:
    """A time to be reminded at, read forwards; UTC, or None when unreadable or impossible.

    "2小时后" and "in 3 hours" are exactly that far from now; a day alone is that day at
    REMINDER_HOUR, a part of a day its usual hour, and a bare clock time already past today is
    tomorrow's.
    """
    t = normalise(text).strip()
    now_local = now.astimezone(tz)
    if not t or impossible(t, now_local.date()):
        return None
    span = _span_from_now(t)
    if span is not None:
        return (now_local + span).astimezone(UTC)
    local = _parse_local(t, now_local, tz, prefer_future=True)
    if local is None:
        return None
    if isinstance(local, RoughTime):
        hour = REMINDER_HOUR if local.part is Part.DAY else PART_HOURS[local.part][1]
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
    norm = read(text)
    spans = scan_times(norm.text, now, tz, inherit_date=inherit_date)
    return [(norm.quote(s, e), dt) for s, e, dt in spans]


def only_a_time(text: str) -> bool:
    """Whether a whole answer is one time and nothing else ("2023年10月1日 14:02")."""
    norm = read(text).text
    found = _scan_dated(norm, datetime.now(SHANGHAI), SHANGHAI)  # only where, not when
    if len(found) != 1:
        return False
    rest = norm[: found[0].start] + norm[found[0].end :]
    return bool(_FILLER.fullmatch(rest))


# What may stand around a time in an answer that is only a time.
_FILLER = re.compile(
    r"[\s,.。!?:;、~-]*(?:左右|前后|的时候|那天|那时|at|on|around|about)?[\s,.。!?]*", re.I
)


def scan_times(
    text: str,
    now: datetime,
    tz: ZoneInfo = SHANGHAI,
    *,
    inherit_date: bool = False,
    forwards: bool = False,
) -> list[tuple[int, int, datetime]]:
    """Like find_times in a normalised text, with (start, end) offsets instead of words;
    `forwards` reads them as times to come (a deadline's "周五" is the coming one)."""
    now_local = now.astimezone(tz)
    found = _scan_dated(text, now_local, tz, forwards)
    if inherit_date:
        found = _inherit_dates(found, now_local, text)
    return [(f.start, f.end, f.at.astimezone(UTC)) for f in found]


@dataclass(frozen=True)
class _Found:
    """A time expression found in a text."""

    start: int
    end: int
    at: datetime  # local
    dated: bool  # it names a day (else it is a bare clock time)
    yearless: bool = False  # a month and day without a year
    clock: tuple[timedelta, ...] = ()  # a bare clock's readings, as offsets from midnight
    same_month: bool = False  # "同月9号": the month of the date told before
    relative: int | None = None  # "第二天": days after the day told before


def _parse_local(
    t: str, now_local: datetime, tz: ZoneInfo, *, prefer_future: bool
) -> datetime | None:
    """Parse a whole expression to a local datetime; falls back to the first one found in it."""
    if not t or impossible(t, now_local.date()):
        return None
    if _JUST_NOW.fullmatch(t):
        return now_local
    if _ISO_WITH_ZONE.fullmatch(t):
        return datetime.fromisoformat(t.replace("Z", "+00:00")).astimezone(tz)
    m = CN_EXPR.fullmatch(t)
    if m and (dt := resolve_cn(m, now_local, whole=True, prefer_future=prefer_future)):
        return dt
    if not _CJK.search(t) and (_WORDS.search(t) or EN_EXPR.fullmatch(t)):
        dt = dateparse(t, now_local, tz, prefer_future=prefer_future)
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
    for m in CN_EXPR.finditer(text):
        start, end = trimmed(text, m.start(), m.end())
        dt = resolve_cn(m, now_local, whole=False, prefer_future=prefer_future)
        if dt:
            found.append((start, end, _cn_found(m, start, end, dt)))
        elif start < end and impossible(text[start:end], now_local.date()):
            rejected.append((start, end))
    for m in EN_EXPR.finditer(text):
        start, end = trimmed(text, m.start(), m.end())
        if lead := _ON.match(text, start, end):
            start = lead.end()  # "on Nov 3", ",8/29": what leads in is not part of the time
        dt = resolve_en(m, now_local, tz, prefer_future=prefer_future)
        # The clock of an impossible date ("2月30日 10:00") is not a time of its own.
        if dt and not any(start < e and s < end for s, e in rejected):
            dated = en_has_day(m)
            clock = () if dated else en_clock_offsets(m)
            relative = en_relative_days(m)
            fact = _Found(start, end, dt, dated, _is_yearless(m[0]), clock, relative=relative)
            found.append((start, end, fact))
    found.extend(
        (m.start(), m.end(), _Found(m.start(), m.end(), now_local, True))
        for m in _JUST_NOW.finditer(text)
    )
    return [f for _, _, f in non_overlapping(found)]


def _cn_found(m: re.Match[str], start: int, end: int, at: datetime) -> _Found:
    """A Chinese expression found, with what inheriting a date needs to know of it."""
    named_year = m.group("y") or m.group("y2") or m.group("yw")
    yearless = bool(
        m.group("md") or (m.group("ymd") and not named_year)
        or (m.group("fest") and not (m.group("fy") or m.group("fyw")))
    )
    dated = cn_has_date(m)
    clock = clock_offsets(m) if not dated and has_clock(m) else ()
    same = m.group("mrelw") in ("同", "当")
    relative = RELATIVE_DAYS[m.group("relday")] if m.group("relday") else None
    return _Found(start, end, at, dated, yearless, clock, same, relative)


def _inherit_dates(found: list[_Found], now_local: datetime, text: str) -> list[_Found]:
    """Bare clock times moved to the day of the dated expression before them, and yearless
    dates to the first such day since it ("2024年11月3日 … 11月5日" is 2024-11-05)."""
    today = now_local.date()
    out: list[_Found] = []
    last: datetime | None = None
    for f in _joined(found, text):
        at = f.at
        if f.relative is not None:
            if last is None:
                continue  # "第二天" with no day before it: nothing to count from
            at = _shift_days(at, (last.date() - today).days)
        if last is not None and f.same_month:
            at = _in_month_of(at, last)
        if f.yearless and last is not None:
            at = _since(at, last.date(), today)
        if f.clock and last is not None:
            at = _clock_after(f.clock, last, now_local) or at
        out.append(replace(f, at=at))
        last = at
    return out


# What may stand between a day and its clock: "Friday 19 Sep, 8:30pm", "saturday at like 10pm".
_BETWEEN = re.compile(r"[\s,]*(?:(?:at|around|about|like|maybe|~|on)\s*)*", re.I)


def _joined(found: list[_Found], text: str) -> list[_Found]:
    """A day and the clock right after it ("Friday 19 Sep, 8:30pm") are one time."""
    out: list[_Found] = []
    for f in found:
        prev = out[-1] if out else None
        if (
            prev is not None and f.clock and not f.dated
            and _BETWEEN.fullmatch(text[prev.end : f.start])
            and isinstance(prev.at, RoughTime) and prev.at.part is Part.DAY
        ):
            midnight = prev.at.exact()
            at = min(
                (midnight + off for off in f.clock),
                key=lambda t: abs((t - midnight - timedelta(hours=12)).total_seconds()),
            ) if len(f.clock) > 1 else midnight + f.clock[0]
            out[-1] = replace(prev, end=f.end, at=at)
            continue
        out.append(f)
    return out


def _clock_after(
    clock: tuple[timedelta, ...], last: datetime, now_local: datetime
) -> datetime | None:
    """A bare clock on the day of the time told before it: the first reading not before that
    time ("下午2点买的，3点发现" is 15:00), else the latest; never one still to come."""
    midnight = datetime(last.year, last.month, last.day, tzinfo=last.tzinfo)
    readings = [r for r in (midnight + offset for offset in clock) if r <= now_local]
    if not readings:
        return None
    return min((r for r in readings if r >= last), default=max(readings))


def _in_month_of(at: datetime, last: datetime) -> datetime:
    """"同月9号": the day in the month of the date told before."""
    try:
        moved = at.replace(year=last.year, month=last.month)
    except ValueError:
        return at
    return RoughTime.of(moved, at.part) if isinstance(at, RoughTime) else moved


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
    return bool(_CN_MONTH_DAY.search(text) or EN_MONTH_DAY.search(text))


_A_YEAR = re.compile(rf"\d{{4}}|[零〇一二三四五六七八九\d]{{2,4}}\s*年|{YEAR_WORDS}")


_CN_MONTH_DAY = re.compile(
    rf"{CN_NUM}{{1,3}}\s*月\s*{CN_NUM}{{1,3}}|(?<![\d.])\d{{1,2}}[-/.]\d{{1,2}}(?![\d.])"
)


def _is_bare_clock(text: str) -> bool:
    """Whether a whole answer is a clock time without a day ("下午3点", "at 9pm")."""
    m = CN_EXPR.fullmatch(text)
    if m:
        return not cn_has_date(m)
    en = EN_EXPR.fullmatch(text)
    return bool(en and en.group("clock") and not en_has_day(en))


_CN_SPAN = re.compile(
    rf"""(?<![月\d])(?P<n>{CN_NUM}{{1,3}}|半)\s*个?\s*(?P<half>半)?\s*
    (?P<u>分钟|小时|钟头|刻钟|钟|天|日|周|星期|礼拜|月)
    \s*(?:之后|以后|后|之内|以内|内)""",
    re.VERBOSE,
)


_EN_SPAN = re.compile(
    r"""\b(?:(?:in|within|after)\s+(?P<n1>\d+|an?|one|two|three|four|five|six|seven|eight|nine
        |ten|twelve|fifteen|twenty|thirty|half\s+an?)\s+(?P<u1>minutes?|mins?|hours?|hrs?|days?|weeks?)\b
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
                      "钟": timedelta(minutes=30), "天": timedelta(hours=12),
                      "日": timedelta(hours=12)}  # fmt: skip
            return halves.get(unit)
        n = cn_number(m.group("n"))
        if not n:
            return None
        if unit == "月":
            return None  # months differ in length: read as a date instead
        per_unit = {
            "分钟": timedelta(minutes=1), "小时": timedelta(hours=1), "钟头": timedelta(hours=1),
            "钟": timedelta(hours=1), "刻钟": timedelta(minutes=15),
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
        if raw.lower().startswith("half"):
            return timedelta(minutes=30) if unit.lower().startswith("h") else None
        n = int(raw) if raw.isdigit() else EN_NUMBERS.get(raw.lower())
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
