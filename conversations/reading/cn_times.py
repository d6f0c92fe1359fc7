"""Chinese (and numeric) time expressions: the pattern and what a match means."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from conversations.model import (
    Part,
    RoughTime,
)
from conversations.reading.numbers import cn_number

CN_NUM = "[0-9零〇一二两三四五六七八九十]"


_DAY_WORDS = (
    "大前天|前天|昨天|昨日|昨儿|今天|今日|今儿|明天|明日|后天|"
    "前晚|昨晚|昨夜|今早|今晨|今晚|今夜|明早|明晚"
)


YEAR_WORDS = "今年|去年|前年|明年|后年"


# Longer words first: the regex alternation takes the first that matches.
_PERIODS = "凌晨|清晨|早上|早晨|上午|中午|午后|下午|傍晚|晚上|晚间|夜里|夜间|半夜|深夜|午夜|早|晚"


_CN_DATE = rf"""
(?:
   (?P<ymd>(?:(?P<y>\d{{4}}|[零〇一二三四五六七八九]{{4}})\s*年\s*|(?P<yw>{YEAR_WORDS})\s*)?
      (?P<m>{CN_NUM}{{1,3}})\s*月\s*(?P<d>{CN_NUM}{{1,3}})\s*[日号]?)
  |(?P<iso>(?P<iy>\d{{4}})\s*[-/.]\s*(?P<im>\d{{1,2}})\s*[-/.]\s*(?P<id>\d{{1,2}})(?!\d)\s*日?)
  |(?P<md>(?P<mdm>\d{{1,2}})[-/.](?P<mdd>\d{{1,2}})(?![\d/.\-]))
  |(?P<ago>(?P<agon>{CN_NUM}{{1,3}}|半)\s*个?\s*(?P<agou>天|日|周|星期|礼拜|小时|钟头|分钟|月)
      \s*(?:以前|之前|前))
  |(?P<rel>{_DAY_WORDS})
  |(?P<wk>(?:(?P<wkrel>上上|上|这|本|下)\s*个?\s*)?(?:周|星期|礼拜)(?P<wkd>[一二三四五六日天1-7]))
  |(?P<dom>(?P<domd>{CN_NUM}{{1,3}})\s*[号日])
)"""


# Minutes without 分 only in forms that cannot be a count: "8点15", "十点二十", "八点零五" (so
# "8点一直没到账" stays 8:00).
_BARE_MINUTES = r"\d{2}|[二三四五]?十[一二三四五六七八九]?|[零〇][一二三四五六七八九]"


_CN_TIME = rf"""
(?:
   (?P<clock>(?P<ch>\d{{1,2}})\s*:\s*(?P<cmi>\d{{2}})(?:\s*:\s*(?P<cs>\d{{2}}))?)
  |(?P<pt>(?P<ph>{CN_NUM}{{1,3}})\s*[点點时](?:钟)?
      (?:(?P<half>半)|(?P<qtr>[一三13])刻|整
        |(?P<pmi>{CN_NUM}{{1,3}})\s*分(?:\s*(?P<ps>{CN_NUM}{{1,3}})\s*秒)?
        |(?P<pmx>{_BARE_MINUTES})(?![0-9零〇一二两三四五六七八九十]))?)
)
(?:\s*(?:左右|前后|许|多))?
"""


# Every expression starts with a digit, a numeral, a day word, a week word or a period.
_CN_START = "[0-9零〇一二两三四五六七八九十半大前昨今明后去上这本下周星礼凌清早中午傍晚夜深]"


# Not inside a token such as an order number (WL20240302001) or an amount (¥1.5).
CN_EXPR = re.compile(
    rf"""(?<![0-9A-Za-z./\-])(?<![0-9]:)(?={_CN_START})
    {_CN_DATE}?
    \s*(?P<period>{_PERIODS})?
    \s*(?:{_CN_TIME})?
    (?!\d)""",
    re.VERBOSE,
)


_PERIOD_PARTS = {
    "凌晨": Part.SMALL_HOURS, "清晨": Part.EARLY_MORNING, "早上": Part.EARLY_MORNING,
    "早晨": Part.EARLY_MORNING, "早": Part.EARLY_MORNING, "上午": Part.MORNING,
    "中午": Part.NOON, "午后": Part.AFTERNOON, "下午": Part.AFTERNOON, "傍晚": Part.DUSK,
    "晚上": Part.EVENING, "晚间": Part.EVENING, "晚": Part.EVENING, "夜里": Part.NIGHT,
    "夜间": Part.NIGHT, "半夜": Part.LATE_NIGHT, "深夜": Part.LATE_NIGHT, "午夜": Part.LATE_NIGHT,
}  # fmt: skip


# When each part begins, and the hour that stands in for it (a rough time still has to sort).
PART_HOURS = {
    Part.SMALL_HOURS: (0, 3), Part.EARLY_MORNING: (5, 7), Part.MORNING: (8, 10),
    Part.NOON: (11, 12), Part.AFTERNOON: (12, 15), Part.DUSK: (17, 18), Part.EVENING: (18, 20),
    Part.NIGHT: (20, 22), Part.LATE_NIGHT: (22, 23),
}  # fmt: skip


def is_date(year: int, month: int, day: int) -> bool:
    """Whether the calendar has this day."""
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def cn_has_date(m: re.Match[str]) -> bool:
    """Whether a Chinese/numeric match names a day (not just a clock time)."""
    return any(m.group(g) for g in ("ymd", "iso", "md", "ago", "rel", "wk", "dom"))


def resolve_cn(
    m: re.Match[str], now_local: datetime, *, whole: bool, prefer_future: bool
) -> datetime | None:
    """The local datetime a Chinese/numeric match means, or None if it is not a time."""
    has_date = cn_has_date(m)
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
            return ago if by_the_hour else rough(ago.date(), Part.DAY, now_local)
        day = ago.date()
    else:
        resolved = cn_date(m, now_local.date(), prefer_future)
        if resolved is None:
            return None
        day = resolved
    if not has_time:
        # A day, or a part of one, without an hour: never a made-up 00:00.
        return rough(day, _PERIOD_PARTS[period] if period else Part.DAY, now_local)
    hms = cn_clock(m)
    if hms is None:
        return None
    hour, minute, second = hms
    hour = _apply_period(hour, period)
    base = datetime(day.year, day.month, day.day, tzinfo=now_local.tzinfo)
    return base + timedelta(hours=hour, minutes=minute, seconds=second)


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


def cn_date(m: re.Match[str], today: date, prefer_future: bool) -> date | None:
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
        if is_date(year, month, day):
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


def cn_clock(m: re.Match[str]) -> tuple[int, int, int] | None:
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
