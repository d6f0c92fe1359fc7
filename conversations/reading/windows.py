"""Response windows and deadlines: "48小时内", "3个工作日内", "明天下午6点前", "within 24 hours"."""

from __future__ import annotations

import calendar
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from conversations.core.timing import Part, RoughTime, Window, WindowUnit
from conversations.reading.cn_patterns import CN_EXPR, CN_NUM
from conversations.reading.cn_times import has_clock, resolve_cn
from conversations.reading.en_times import EN_EXPR, EN_WHEN, dateparse, en_has_clock
from conversations.reading.normalize import Norm, read
from conversations.reading.numbers import EN_NUMBERS, cn_number
from conversations.reading.spans import non_overlapping, trimmed
from conversations.reading.times import SHANGHAI


def find_window(text: str, now: datetime, tz: ZoneInfo = SHANGHAI) -> Window | None:
    """The first window or deadline inside a longer sentence, or None."""
    norm = read(text)
    return _first(norm, scan_windows(norm.text, now, tz))


def promise_window(text: str, made_at: datetime, tz: ZoneInfo = SHANGHAI) -> Window | None:
    """The window of a promise, counted from when it was made (not when it is typed).

    "明天下午6点前" is the day after `made_at`; wordings without 内 are read too:
    "3个工作日给答复", "48小时后回复", "reply in 2 days".
    """
    norm = read(text)
    return _first(norm, scan_promises(norm.text, made_at, tz))


def loose_spans(text: str) -> list[tuple[int, int]]:
    """Where bare durations stand in a normalised text ("1-3 个工作天"): not to be cut apart."""
    return [(s, e) for s, e, _ in _relative_windows(text, loose=True)]


def states_a_window(text: str) -> bool:
    """Whether a text states a span of time ("24小时内处理", "within 3 working days")."""
    return bool(_relative_windows(read(text).text, loose=True))


def _first(norm: Norm, spans: list[tuple[int, int, Window]]) -> Window | None:
    """The first window found, in the user's own words."""
    if not spans:
        return None
    start, end, window = spans[0]
    return replace(window, text=norm.quote(start, end))


def scan_windows(
    text: str, now: datetime, tz: ZoneInfo = SHANGHAI
) -> list[tuple[int, int, Window]]:
    """Every window or deadline in a normalised text, as (start, end, Window), in order."""
    now_local = now.astimezone(tz)
    spans = _relative_windows(text, loose=False) + _absolute_windows(text, now_local, tz)
    return non_overlapping(spans)


def scan_promises(
    text: str, made_at: datetime, tz: ZoneInfo = SHANGHAI
) -> list[tuple[int, int, Window]]:
    """Like scan_windows from `made_at`, with bare and "N小时后" durations as windows."""
    return non_overlapping(scan_windows(text, made_at, tz) + _relative_windows(text, loose=True))


_CN_UNITS_TEXT = r"(?:分钟|小时|钟头|个钟|钟|h(?![a-z])|天|日|个?工作日|个?工作天|周|星期|礼拜)"
# A range ("3到5个工作日", "3天——8天") is as long as its end: that is when the promise is due.
_CN_RANGE = rf"(?:(?P<n0>{CN_NUM}{{1,3}})\s*(?:个?\s*{_CN_UNITS_TEXT})?\s*(?:-|~|到|至)\s*)"
_CN_REL_WINDOW = re.compile(
    # No number runs on into it; a Chinese numeral may follow a sum in digits ("多扣的30三天内").
    rf"""(?:(?<![0-9月])(?=[0-9])|(?<![零〇一二两三四五六七八九十百千月])(?=[^0-9]))
    {_CN_RANGE}?
    (?P<n>[0-9]{{1,3}}|[零〇一二两三四五六七八九十廿卅]{{1,3}}|半)\s*个?\s*(?P<half>半)?\s*
    (?P<u>{_CN_UNITS_TEXT})
    \s*(?:(?P<suffix>之内|以内|内)|(?P<after>之后|以后|后))?
    (?!\s*(?:以前|之前|前))""",
    re.VERBOSE | re.I,
)


_EN_REL_WINDOW = re.compile(
    r"""\b(?P<pre>within\s+the\s+next|within|in\s+the\s+next|in|under)?\s*
    (?:\d+\s*(?:-|~|to)\s*)?
    (?P<n>\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty
       |thirty|forty-eight|seventy-two|half\s+an?)
    \s*(?P<u>(?:working|business)\s+days?|minutes?|mins?|hours?|hrs?|h|days?|weeks?)(?![A-Za-z])
    (?P<zh>\s*(?:之内|以内|内))?  # "3 working days内" typed in a Chinese sentence
    (?!\s+ago)""",
    re.VERBOSE | re.I,
)


_CN_DEADLINE_SUFFIX = re.compile(r"\s*(?:(?P<work>下班)?(?:之前|以前|前)|为止|之内|以内|内)")


_EN_ABS_WINDOW = re.compile(
    rf"""\b(?:by|(?<!day\s)before|until|till|no\s+later\s+than)\s+
    (?:(?P<eod>(?:the\s+)?end\s+of\s+(?:the\s+)?(?:day|today)|eod)\b
      |(?P<eom>(?:the\s+)?end\s+of\s+(?:the|this)\s+month)\b|(?P<when>{EN_WHEN}))
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
        if not (m.group("pre") or m.group("zh") or loose) or (loose and _waited(text, m)):
            continue
        amount_unit = _en_window_amount(m.group("n"), m.group("u"))
        if amount_unit:
            start, end = trimmed(text, m.start(), m.end())
            out.append((start, end, Window(text[start:end], *amount_unit)))
    return out


# "等了3天", "已经48小时了", "waited 3 days": time already spent, not a window.
_WAITED_BEFORE = re.compile(
    # not a bare 等: "让我等48小时" is a promise, "等了48小时" time spent
    r"(?:等了|已经|已|过了|超过|快|近|waited|for|after|over|already)\s*$", re.I
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
        if unit in ("小时", "钟头", "钟", "h"):
            return n * 60 + 30, WindowUnit.MINUTES
        if unit in ("天", "日"):
            return n * 24 + 12, WindowUnit.HOURS
        return None
    if n == 0:
        return None
    if unit == "分钟":
        return n, WindowUnit.MINUTES
    if unit in ("小时", "钟头", "钟", "h"):
        return n, WindowUnit.HOURS
    if unit in ("工作日", "工作天"):
        return n, WindowUnit.WORKING_DAYS
    if unit in ("周", "星期", "礼拜"):
        return n * 7, WindowUnit.DAYS
    return n, WindowUnit.DAYS


def _en_window_amount(raw: str, unit: str) -> tuple[int, WindowUnit] | None:
    """(amount, unit) of an English relative window."""
    if raw.lower().startswith("half") and unit.lower().startswith("h"):
        return 30, WindowUnit.MINUTES
    n = int(raw) if raw.isdigit() else EN_NUMBERS.get(raw.lower())
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
    """Deadlines: "明天下午6点前", "今日18点前", "本周内", "by tomorrow 6 pm", "before 18:00"."""
    return (
        _cn_deadlines(text, now_local)
        + _cn_week_deadlines(text, now_local)
        + _en_deadlines(text, now_local, tz)
    )


_CN_THIS_WEEK = re.compile(r"(?P<w>本|这|下)\s*个?\s*(?:周|星期|礼拜)\s*(?:之内|以内|内)")


def _cn_week_deadlines(text: str, now_local: datetime) -> list[tuple[int, int, Window]]:
    """"本周内", "下周内": by the end of that calendar week's Sunday."""
    out: list[tuple[int, int, Window]] = []
    for m in _CN_THIS_WEEK.finditer(text):
        sunday = now_local + timedelta(days=7 - now_local.isoweekday())
        if m.group("w") == "下":
            sunday += timedelta(days=7)
        out.append((m.start(), m.end(), Window(m.group(0), until=_utc(_end_of_day(sunday)))))
    return out


def _cn_deadlines(text: str, now_local: datetime) -> list[tuple[int, int, Window]]:
    """A Chinese time followed by 前/之前/为止 (or a day followed by 内)."""
    out: list[tuple[int, int, Window]] = []
    for m in CN_EXPR.finditer(text):
        suffix = _CN_DEADLINE_SUFFIX.match(text, m.end())
        if not suffix or m.group("ago"):
            continue
        dt = resolve_cn(m, now_local, whole=True, prefer_future=True)
        if dt is None:
            continue
        has_time = has_clock(m)
        if suffix.group(0).strip().endswith("内") and has_time:
            continue  # "8点内" is not a way to say a deadline
        if not has_time and suffix.group("work"):
            dt = dt.replace(hour=18, minute=0, second=0, microsecond=0)  # "今天下班前": 18:00
        elif not has_time:
            # "明天中午前" is by noon; "明天前" and "今晚前" by the end of the day.
            dt = _end_of_part(dt) if isinstance(dt, RoughTime) else _end_of_day(dt)
        start, _ = trimmed(text, m.start(), m.end())
        out.append((start, suffix.end(), Window(text[start : suffix.end()], until=_utc(dt))))
    return out


def _en_deadlines(text: str, now_local: datetime, tz: ZoneInfo) -> list[tuple[int, int, Window]]:
    """A time after by / before / until, or "by end of day"."""
    out: list[tuple[int, int, Window]] = []
    for m in _EN_ABS_WINDOW.finditer(text):
        when = m.group("when")
        if m.group("eod"):
            dt: datetime | None = _end_of_day(now_local)
        elif m.group("eom"):
            last = calendar.monthrange(now_local.year, now_local.month)[1]
            dt = _end_of_day(now_local.replace(day=last))
        else:
            dt = dateparse(when, now_local, tz, prefer_future=True)
            found = EN_EXPR.fullmatch(" ".join(when.split()))
            if dt and not (found and en_has_clock(found)):
                dt = _end_of_day(dt)
        if dt:
            out.append((m.start(), m.end(), Window(m.group(0), until=_utc(dt))))
    return out


# When a part of the day is over, for "…前" deadlines.
_PART_ENDS = {Part.SMALL_HOURS: 6, Part.EARLY_MORNING: 9, Part.MORNING: 12, Part.NOON: 12,
              Part.AFTERNOON: 18, Part.DUSK: 19}  # fmt: skip


def _end_of_part(dt: RoughTime) -> datetime:
    """The end of the part of the day a rough time names (the day's end for the evening)."""
    hour = _PART_ENDS.get(dt.part)
    return dt.replace(hour=hour, minute=0, second=0, microsecond=0) if hour else _end_of_day(dt)


def _end_of_day(dt: datetime) -> datetime:
    """A date-only deadline means the end of that day: 23:59 local."""
    return dt.replace(hour=23, minute=59, second=0, microsecond=0)


def _utc(dt: datetime) -> datetime:
    """UTC for storage."""
    return dt.astimezone(UTC)
