"""What a Chinese (or numeric) time expression means: its day, its clock, its part of day."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, datetime, timedelta

from conversations.core.timing import Part, RoughTime
from conversations.reading.cn_dates import cn_date, month_shift
from conversations.reading.cn_patterns import (
    DATE_GROUPS,
    NOT_TIME_AFTER,
)
from conversations.reading.numbers import cn_number

PERIOD_PARTS = {
    "凌晨": Part.SMALL_HOURS, "清晨": Part.EARLY_MORNING, "早上": Part.EARLY_MORNING,
    "早晨": Part.EARLY_MORNING, "早": Part.EARLY_MORNING, "上午": Part.MORNING,
    "中午": Part.NOON, "午后": Part.AFTERNOON, "下午": Part.AFTERNOON, "傍晚": Part.DUSK,
    "黄昏": Part.DUSK, "晚上": Part.EVENING, "晚间": Part.EVENING, "晚": Part.EVENING,
    "夜里": Part.NIGHT, "夜间": Part.NIGHT, "半夜": Part.LATE_NIGHT, "深夜": Part.LATE_NIGHT,
    "午夜": Part.LATE_NIGHT,
}  # fmt: skip
# When each part begins, and the hour that stands in for it (a rough time still has to sort).
PART_HOURS = {
    Part.SMALL_HOURS: (0, 3), Part.EARLY_MORNING: (5, 7), Part.MORNING: (8, 10),
    Part.NOON: (11, 12), Part.AFTERNOON: (12, 15), Part.DUSK: (17, 18), Part.EVENING: (18, 20),
    Part.NIGHT: (20, 22), Part.LATE_NIGHT: (22, 23),
}  # fmt: skip
_AGO_UNITS = {
    "天": timedelta(days=1), "日": timedelta(days=1), "周": timedelta(weeks=1),
    "星期": timedelta(weeks=1), "礼拜": timedelta(weeks=1), "小时": timedelta(hours=1),
    "钟头": timedelta(hours=1), "钟": timedelta(hours=1), "分钟": timedelta(minutes=1),
    "刻钟": timedelta(minutes=15),
}  # fmt: skip
_BY_THE_HOUR = ("小时", "钟头", "钟", "分钟", "刻钟")
_AMOUNT_BEFORE = re.compile(
    r"(?:付|花|价|价格|实付|金额|支付|扣|余额|共|总共|一共|¥|\$|元|块|paid|price|total|v|version)"
    r"\s*(?:了|是|为|:)?\s*$",
    re.I,
)
_AMOUNT_AFTER = re.compile(
    r"\s*(?:元|块|折|倍|%|张|个|次|份|件|套|天|小时|工作日|k\b|rmb|yuan|usd|刀|美元|w\b"
    r"|(?:business|working|days?|hours?|weeks?|mins?|minutes?)\b)",
    re.I,
)
_NOT_A_DATE_BEFORE = re.compile(r"(?:客服|工号|编号|第|单号|订单|房间|座位|窗口)\s*$")


def cn_has_date(m: re.Match[str]) -> bool:
    """Whether a Chinese/numeric match names a day (not just a clock time)."""
    return any(m.group(g) for g in DATE_GROUPS)


def has_clock(m: re.Match[str]) -> bool:
    """Whether a match gives a clock time."""
    return bool(m.group("clock") or m.group("pt") or m.group("noon") or m.group("sh")
                or m.group("ap"))


def resolve_cn(
    m: re.Match[str], now_local: datetime, *, whole: bool, prefer_future: bool
) -> datetime | None:
    """The local datetime a Chinese/numeric match means, or None if it is not a time.

    A clock without a day is its latest occurrence up to now (or the next one from now when
    reading forwards); "3点" said without a part of the day may be 03:00 or 15:00.
    """
    text = m.string
    has_date, has_time = cn_has_date(m), has_clock(m)
    period = m.group("period") or _period_of_day_word(m.group("rel") or m.group("relday"))
    if not has_date and not has_time:
        if not (whole and period):
            return None  # a bare period word inside a sentence, or nothing at all
        return _bare_part(PERIOD_PARTS[period], now_local, prefer_future)
    if not _is_time(m, text, has_date, has_time, whole):
        return None
    if m.group("ago") or m.group("fewago"):
        ago = _ago(m, now_local)
        if ago is None:
            return None
        if not has_time and not period:
            # "2小时前" is a time; "3天前" only a day: its clock would be made up.
            exact = m.group("agou") in _BY_THE_HOUR or (m.group("agon") == "半" and (
                m.group("agou") in ("小时", "钟头", "钟")))
            return ago if exact else rough(ago.date(), Part.DAY, now_local)
        day = ago.date()
    elif has_date:
        resolved = cn_date(m, now_local.date(), prefer_future)
        if resolved is None:
            return None
        day = resolved
        if prefer_future and now_local.hour < 3 and (m.group("rel") or "").startswith("明"):
            # "明天上午10点" said at 00:40 means the morning after the night, which is today;
            # by 03:00 the new day has begun for most people.
            day -= timedelta(days=1)
    else:
        offsets = clock_offsets(m)
        return pick_clock(offsets, now_local, prefer_future) if offsets else None
    if not has_time:
        # A day, or a part of one, without an hour: never a made-up 00:00.
        return rough(day, PERIOD_PARTS[period] if period else Part.DAY, now_local)
    offsets = clock_offsets(m)
    if not offsets:
        return None
    base = datetime(day.year, day.month, day.day, tzinfo=now_local.tzinfo)
    return base + offsets[0]


def _is_time(m: re.Match[str], text: str, has_date: bool, has_time: bool, whole: bool) -> bool:
    """Whether a match is a time and not an amount, a count or an id."""
    # "零点五元", "十点多块钱", "两点建议": a number, not a clock.
    if m.group("pt") and not has_date and NOT_TIME_AFTER.match(text, m.end()):
        return False
    # "一点" without a date or period is mostly "a bit" (快一点), not one o'clock.
    if m.group("ph") == "一" and not has_date and not m.group("period"):
        return False
    if has_time or whole:
        return True
    # "5.29 问客服" is a day, but "付了9.9", "3.2折" and "v1.2" are not.
    if m.group("md"):
        return not (_AMOUNT_BEFORE.search(text, 0, m.start()) or _AMOUNT_AFTER.match(text, m.end()))
    # "客服3号", "第5号": a number, not a day of the month.
    return not (m.group("dom") and _NOT_A_DATE_BEFORE.search(text, 0, m.start()))


def clock_offsets(m: re.Match[str]) -> tuple[timedelta, ...]:
    """The clock as offsets from the day's midnight: two when a 12-hour clock is said without
    a part of the day ("3点": 03:00 or 15:00), none when impossible."""
    hms = cn_clock(m)
    if hms is None:
        return ()
    hour, minute, second = hms
    period = m.group("period") or _period_of_day_word(m.group("rel") or m.group("relday"))
    rest = timedelta(minutes=minute, seconds=second)
    if period:
        return (timedelta(hours=_apply_period(hour, period)) + rest,)
    if m.group("pt") and 1 <= hour <= 11:
        return (timedelta(hours=hour) + rest, timedelta(hours=hour + 12) + rest)
    return (timedelta(hours=hour) + rest,)


def pick_clock(
    offsets: tuple[timedelta, ...], now_local: datetime, prefer_future: bool
) -> datetime:
    """The latest occurrence of a bare clock up to now, or the next one from now."""
    today = now_local.replace(hour=0, minute=0, second=0, microsecond=0)
    days = (0, 1, 2) if prefer_future else (0, -1, -2)
    candidates = [
        today + timedelta(days=d) + offset for d in days for offset in offsets
    ]
    if prefer_future:
        return min((c for c in candidates if c >= now_local), default=candidates[0])
    return max((c for c in candidates if c <= now_local), default=candidates[0])


def rough(day: date, part: Part, now_local: datetime) -> RoughTime:
    """A day, or a part of it, as a rough time: 00:00, or the part's stand-in hour."""
    base = datetime(day.year, day.month, day.day, tzinfo=now_local.tzinfo)
    if part is Part.DAY:
        return RoughTime.of(base, part)
    begins, hour = PART_HOURS[part]
    at = base + timedelta(hours=hour)
    if base + timedelta(hours=begins) <= now_local < at:
        # "今天晚上" said at 19:00: the part has begun, so it is not in the future.
        at = now_local.replace(second=0, microsecond=0)
    return RoughTime.of(at, part)


def _bare_part(part: Part, now_local: datetime, prefer_future: bool) -> RoughTime:
    """A part of the day said alone ("中午"): today's, or the nearest one that fits."""
    today = now_local.date()
    begins, _ = PART_HOURS[part]
    started = now_local.hour >= begins
    if prefer_future:
        return rough(today if not started else today + timedelta(days=1), part, now_local)
    return rough(today if started else today - timedelta(days=1), part, now_local)


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


def _ago(m: re.Match[str], now_local: datetime) -> datetime | None:
    """Now minus a span: 3天前, 2小时前, 半小时前, 一个半小时前, 半个月前, 前两天."""
    if m.group("fewago"):
        n = cn_number(m.group("fewn"))
        return now_local - timedelta(days=n) if n else None
    raw, unit = m.group("agon"), m.group("agou")
    n = 0 if raw == "半" else cn_number(raw)
    if n is None:
        return None
    half = raw == "半" or bool(m.group("agoh"))
    if unit in ("月", "年"):
        months = n * (12 if unit == "年" else 1)
        back = _months_back(now_local, months)
        return back - timedelta(days=15 if unit == "月" else 182) if half else back
    span = n * _AGO_UNITS[unit] + (_AGO_UNITS[unit] / 2 if half else timedelta(0))
    return now_local - span if span else None


def _months_back(dt: datetime, n: int) -> datetime:
    """The same day-of-month n months earlier, clamped to the month's length."""
    year, month = month_shift(dt.date(), -n)
    return dt.replace(year=year, month=month, day=min(dt.day, monthrange(year, month)[1]))


def cn_clock(m: re.Match[str]) -> tuple[int, int, int] | None:
    """(hour, minute, second) of the time part, validated; hour is still 12-hour if so given."""
    if m.group("noon"):
        return 12, 0, 0
    if m.group("sh"):  # "2026 06 18 20 15", dictated or typed without separators
        return int(m.group("sh")), int(m.group("smi")), 0
    if m.group("ap"):  # "这周五6pm", English in a Chinese sentence
        hour, minute = int(m.group("aph")), int(m.group("apmi") or 0)
        if not 1 <= hour <= 12 or minute > 59:
            return None
        return hour % 12 + (12 if m.group("apw") in "pP" else 0), minute, 0
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
            second = cn_number(m.group("hs") or "0") or 0
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


def _apply_period(hour: int, period: str) -> int:
    """24-hour clock from a 12-hour one and its period; may exceed 23 (past midnight)."""
    if hour > 12:
        return hour
    if period in ("凌晨", "清晨", "早上", "早晨", "上午", "早"):
        return 0 if period == "凌晨" and hour == 12 else hour
    if period == "中午":
        return hour + 12 if hour <= 3 else hour  # 中午1点 is 13:00
    if period in ("午后", "下午", "傍晚", "黄昏"):
        return hour if hour == 12 else hour + 12
    if period in ("半夜", "深夜", "午夜"):
        if hour == 12:
            return 24
        return hour if hour <= 5 else hour + 12
    # 晚上 / 夜里: 晚上12点 is midnight and 晚上1点 the small hours after that evening.
    if hour == 12:
        return 24
    return hour + 24 if hour <= 4 else hour + 12
