"""Dates and clock times that cannot exist: 25:00, 8:75pm, 2024-13-01, 2月30日."""

from __future__ import annotations

import re
from datetime import date

from conversations.reading.cn_dates import cn_date, is_date
from conversations.reading.cn_patterns import CN_EXPR
from conversations.reading.cn_times import cn_clock, has_clock

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


def impossible(text: str, today: date) -> bool:
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
        if not any(is_date(*d) for d in ymd):
            return True
    for m in CN_EXPR.finditer(text):
        named_day = m.group("ymd") or m.group("iso") or m.group("dom")
        if named_day and cn_date(m, today, prefer_future=False) is None:
            return True
        if has_clock(m) and cn_clock(m) is None:
            return True
    return False
