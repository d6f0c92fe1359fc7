"""Sums of money as people type them: "¥98", "98.5元", "RMB 50", "九十八块五", a bare "付了50".

This module only finds the numbers that may be money and what currency they carry;
`amounts` decides which of them is the amount paid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from conversations.reading.numbers import cn_number


@dataclass(frozen=True)
class Money:
    """A number that may be a sum of money, with where it stands in the text."""

    start: int
    end: int
    cents: int
    marked: bool  # a currency sign or word says it is money ("¥98", "98元")
    foreign: bool  # dollars, HK$, NT$…: not yuan


# Currency before the number. Letters are matched on their own, so "RMB198" reads.
_PREFIX = re.compile(
    r"(?P<foreign>HK\$|NT\$|US\$|\$|USD|HKD|TWD|NTD|美元|美金|港币|台币)\s*$"
    r"|(?P<yuan>¥|RMB|CNY|人民币)\s*$",
    re.I,
)


_SUFFIX = re.compile(
    r"\s*(?:(?P<foreign>usd|hkd|twd|ntd|dollars?|bucks|美元|美金|港币|港元|港纸|台币|新台币)"
    r"|(?P<yuan>块钱|块(?!儿)|元(?![旦宝])|蚊|圆|人民币|rmb|cny|yuan|kuai|RMB))(?![A-Za-z])",
    re.I,
)


# "九十八块五", "98块5", "三元五角": the digit after 块 (or before 角/毛) counts tenths of a yuan.
_JIAO = re.compile(
    r"(?P<d>[1-9一二两三四五六七八九])(?:毛|角|(?<=块.)(?![\d零一二两三四五六七八九十百千万]|\s*[张个次号月日点天年]))"
)


# After a bare number, these make it a count, a time, a size or points: never money.
_MEASURE = re.compile(
    r"""(?:[张个次笔份件天日号月年点钟分秒周岁倍折位条多层级期页组套瓶颗枚章关%/\-]
        |:\d|小时|礼拜|星期|工作日|工作天|钻|点券|q币|v币
        |\s*(?:cards?|codes?|pins?|hours?|hrs?|h|days?|minutes?|mins?|weeks?|months?|years?
          |times|x|am|pm|st|nd|rd|th|uc|v-?bucks|points?|coins?|diamonds?|gems?|gb|mb|k)\b)""",
    re.VERBOSE | re.I,
)


# No sum of a 卡盟 story reaches these: longer digit runs are ids, phones and order numbers.
_MAX_BARE = Decimal(1_000_000)
_MAX_MARKED = Decimal(10_000_000)


# Digits with the cents people type, or a run of Chinese numerals.
_NUMBER = re.compile(
    r"(?P<arabic>\d+(?:\.\d{1,2}(?!\d))?)|(?P<cn>[零〇一二两三四五六七八九十百千万]+)"
)


# Thousands groups ("1,299.00") count only after a currency sign: since normalisation a
# Chinese comma is an ASCII one, and "付了30,100元的卡" is two numbers.
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?(?![\d.])")


# Right before a number: part of a code, a date, a time, a masked phone ("139****2046") or a
# range. A colon after a label ("付款:100") is no time.
_GLUED_BEFORE = re.compile(r"[A-Za-z0-9_.*/\-]$|\d:$")


def find_money(text: str) -> list[Money]:
    """Every number in the text that could be a sum of money, in order.

    A number is kept when a currency marks it, or when it is a plain number that no unit
    after it makes a count, a time or points ("两张", "3天", "648点"); whether a plain
    number is money is for the words around it to say.
    """
    found: list[Money] = []
    pos = 0
    while (m := _NUMBER.search(text, pos)) is not None:
        money = _money_at(text, m)
        if money is not None:
            found.append(money)
        pos = max(m.end(), money.end if money is not None else 0)
    return found


def _money_at(text: str, m: re.Match[str]) -> Money | None:
    """The sum of money a number token stands for, or None when it is no sum."""
    start, end = m.span()
    prefix = _PREFIX.search(text, max(0, start - 6), start)
    if m.group("arabic") is not None:
        grouped = _GROUPED.match(text, start) if prefix is not None else None
        end = grouped.end() if grouped is not None else end
        if not _arabic_stands_alone(text, start, end, prefix):
            return None
        yuan = _decimal(text[start:end])
        if yuan is not None and yuan >= (_MAX_MARKED if prefix else _MAX_BARE):
            return None  # an order, QQ or phone number
    elif text[start - 1 : start] == "几" or text[end : end + 1] in ("几", "多"):
        return None  # "几十块", "十几块", "一百多": a guess at a sum, not one
    else:
        value = cn_number(m.group("cn"))
        yuan = Decimal(value) if value is not None else None
    if yuan is None or yuan <= 0:
        return None
    suffix = _SUFFIX.match(text, end)
    if suffix is not None:
        jiao = _JIAO.match(text, suffix.end()) if suffix.group("yuan") else None
        if jiao is not None:
            yuan += Decimal(cn_number(jiao.group("d")) or 0) / 10
        end = jiao.end() if jiao is not None else suffix.end()
    elif prefix is None and (
        _MEASURE.match(text, end) or (m.group("arabic") and _letter_after(text, end))
    ):
        return None
    foreign = bool((prefix and prefix.group("foreign")) or (suffix and suffix.group("foreign")))
    begin = prefix.start() if prefix is not None else start
    return Money(begin, end, int(yuan * 100), prefix is not None or suffix is not None, foreign)


def _arabic_stands_alone(text: str, start: int, end: int, prefix: re.Match[str] | None) -> bool:
    """Whether digits are a number of their own, not a piece of a code, date or phone."""
    if text[end : end + 1] == "*" or (
        text[end : end + 2].startswith(".") and text[end + 1 : end + 2].isdigit()
    ):
        return False
    if prefix is not None:
        return True
    return not _GLUED_BEFORE.search(text, max(0, start - 2), start)


def _letter_after(text: str, end: int) -> bool:
    """Whether a letter follows right after the digits ("9am", "24h", "3rd")."""
    return text[end : end + 1].isascii() and text[end : end + 1].isalpha()


def _decimal(raw: str) -> Decimal | None:
    """A typed number as a Decimal, thousands commas dropped."""
    try:
        return Decimal(raw.replace(",", ""))
    except InvalidOperation:
        return None
