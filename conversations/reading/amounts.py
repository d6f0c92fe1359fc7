"""The amount paid, in fen."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from conversations.reading.normalize import normalise
from conversations.reading.numbers import cn_number

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?"


_CN_AMOUNT_NUM = "[零一二两三四五六七八九十百千万]+"


_AMOUNT = re.compile(
    rf"""(?P<pre>[¥￥]|RMB|CNY|US\$|USD|\$)\s*(?P<n1>{_NUMBER})(?![\d.])
    |(?<![\d.A-Za-z])(?:(?<!\d,)|(?!\d{{3}}(?!\d)))(?P<n2>{_NUMBER})\s*
        (?P<suf>元|块钱|块(?!儿)|(?:rmb|cny|yuan|usd|dollars?)(?![a-z]))
    |(?P<cn>{_CN_AMOUNT_NUM})\s*(?P<cnsuf>元|块钱)""",
    re.VERBOSE | re.I,
)


# Words that say an amount is what was paid (or taken), not a face value.
_PAID_WORDS = re.compile(
    r"付|花了|花费|扣款|扣了|扣|价格|售价|paid|pay|charged|cost|spent|price", re.I
)


_FACE_VALUE_BEFORE = re.compile(r"(?:面值|面额|价值|face\s+value\s+(?:of\s+)?)\s*$", re.I)


_FACE_VALUE_AFTER = re.compile(r"\s*的")


_CLAUSE_BREAK = re.compile(r"[。！？!?；;\n，,]")


def parse_amount(text: str) -> int | None:
    """The paid amount in fen: "98元", "¥98", "￥ 1,299.00", "RMB 50", "五十元", "paid 98 yuan".

    Amounts in dollars are left out: the case keeps yuan, and 30 USD is not 30 yuan.
    """
    norm = normalise(text)
    best: tuple[int, int] | None = None  # (score, cents); the first of the best score wins
    for m in _AMOUNT.finditer(norm):
        cents = _amount_cents(m)
        if cents is None or cents <= 0 or _is_dollar(m):
            continue
        score = _amount_score(norm, m)
        if best is None or score > best[0]:
            best = (score, cents)
    return best[1] if best else None


def _amount_cents(m: re.Match[str]) -> int | None:
    """The matched amount in fen."""
    if m.group("cn"):
        yuan = cn_number(m.group("cn"))
        return yuan * 100 if yuan is not None else None
    raw = (m.group("n1") or m.group("n2")).replace(",", "")
    try:
        return int(Decimal(raw) * 100)
    except InvalidOperation:
        return None


def has_foreign_amount(text: str) -> bool:
    """Whether the text gives an amount in dollars ("30 USD", "$25") rather than in yuan."""
    return any(_is_dollar(m) for m in _AMOUNT.finditer(normalise(text)))


def _is_dollar(m: re.Match[str]) -> bool:
    """Whether an amount match is in dollars."""
    return (m.group("pre") or "").upper().endswith(("$", "USD")) or (
        (m.group("suf") or "").lower().startswith(("usd", "dollar"))
    )


def _amount_score(text: str, m: re.Match[str]) -> int:
    """Higher for amounts next to a payment word, lower for face values."""
    score = 1
    before = text[max(0, m.start() - 8) : m.start()]
    before = _CLAUSE_BREAK.split(before)[-1]  # only words of the same clause count
    if _PAID_WORDS.search(before):
        score += 3
    if _FACE_VALUE_BEFORE.search(before) or _FACE_VALUE_AFTER.match(text, m.end()):
        score -= 2
    return score
