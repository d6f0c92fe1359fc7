"""Numbers written in Chinese numerals or English words."""

from __future__ import annotations

import re

_CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip


_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


_ASCII_DIGITS = re.compile(r"[0-9]+")


def cn_number(s: str) -> int | None:
    """An integer written in Arabic or Chinese numerals ("23", "二十三", "两", "二〇二四",
    "廿六", and the spoken "一百五" for 150)."""
    s = s.strip().replace("廿", "二十").replace("卅", "三十")
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
    """Chinese numerals with place units: 十一, 二十三, 一百零五, 一千二百九十九, 三万.

    A digit right after 百, 千 or 万 counts in the next unit down, as people say it:
    "一百五" is 150 and "两千三" 2300 ("一百零五" is 105).
    """
    total = section = num = 0
    last_unit = 0  # the unit just before the current digit, 0 after 零 or at the start
    for c in s:
        if c in _CN_DIGITS:
            num = _CN_DIGITS[c]
            if c in "零〇":
                last_unit = 0
        elif c in _CN_UNITS:
            # A bare 十 means one ten ("十一" = 11).
            section += (num or 1) * _CN_UNITS[c]
            num, last_unit = 0, _CN_UNITS[c]
        elif c == "万":
            total += (section + num) * 10000
            section = num = 0
            last_unit = 10000
        else:
            return None
    if num and last_unit >= 100 and s[-1] not in "零〇" and s[-2:-1] != "零":
        num *= last_unit // 10
    return total + section + num


EN_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty-eight": 48, "seventy-two": 72,
}  # fmt: skip
