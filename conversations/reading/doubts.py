"""What a user says that a careful reader would have to ask about, instead of guessing."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from conversations.core.model import Doubt, DoubtKind
from conversations.core.timing import RoughTime, Window
from conversations.reading.cn_dates import is_date
from conversations.reading.normalize import normalise
from conversations.reading.numbers import cn_number

# How many days after this month's "3号" it stops being clearly this month's.
CLEAR_DAYS = 3
# A day of the month said alone: "3号", "3号晚上8点", "the 3rd" (no month, no 上个月).
_BARE_DAY = re.compile(
    r"^\s*(?:(?:on\s+)?the\s+)?(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*(?:号|日|st|nd|rd|th)",
    re.I,
)
# "这周五", "本周五", "今个礼拜五", "this Friday": a weekday of the calendar week we are in.
_THIS_WEEK = re.compile(
    r"(?:这|本)\s*个?\s*(?:周|星期|礼拜)|\bthis\s+(?:mon|tue|wed|thu|fri|sat|sun)", re.I
)


def day_doubt(said: str, at: datetime, now: datetime, tz: ZoneInfo) -> Doubt | None:
    """"3号买的" told on the 9th: this month's 3rd or last month's? Asked when this month's is
    more than CLEAR_DAYS days back (a day just past is clearly meant)."""
    m = _BARE_DAY.match(normalise(said))
    day = cn_number(m.group("d")) if m else None
    if day is None:
        return None
    local, today = at.astimezone(tz), now.astimezone(tz).date()
    if local.day != day or (today - local.date()).days <= CLEAR_DAYS:
        return None
    year, month = (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
    if not is_date(year, month, day):
        return None
    earlier = local.replace(year=year, month=month)
    if isinstance(local, RoughTime):
        earlier = RoughTime.of(earlier, local.part)
    options = (local, earlier)
    shown = tuple(_day_shown(t) for t in options)
    return Doubt(DoubtKind.DAY, said.strip(), shown, times=options)


def weekday_doubt(said: str, window: Window, now: datetime, tz: ZoneInfo) -> Doubt | None:
    """"这周五之前" told on a Sunday: this week's Friday has passed; the coming one is asked
    about, not assumed."""
    if window.until is None or not _THIS_WEEK.search(normalise(said)):
        return None
    until = window.until.astimezone(tz).date()
    today = now.astimezone(tz).date()
    this_week = today - timedelta(days=today.weekday() - until.weekday())
    if this_week >= today:
        return None  # the day is still to come this week: nothing to ask
    shown = (until.isoformat(),)
    return Doubt(DoubtKind.WEEKDAY, said.strip(), shown, windows=(window,))


def amount_doubt(said: str, amounts: list[int]) -> Doubt | None:
    """Two sums and nothing saying which was paid: "商品页写88，下单时有个79的活动价"."""
    options = tuple(dict.fromkeys(amounts))
    if len(options) < 2:
        return None
    shown = tuple(f"¥{a // 100}.{a % 100:02d}" for a in options)
    return Doubt(DoubtKind.AMOUNT, said.strip()[:60], shown, amounts=options)


def _day_shown(at: datetime) -> str:
    """A day as a button shows it: the date, and the clock when one was said."""
    if isinstance(at, RoughTime):
        return at.strftime("%Y-%m-%d")
    return at.strftime("%Y-%m-%d %H:%M")
