"""The amount paid, in fen, or the amounts a user must choose between."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import pairwise

from conversations.reading.amount_roles import Role, is_alternative, role_of
from conversations.reading.money import Money, find_money
from conversations.reading.normalize import normalise
from conversations.reading.numbers import cn_number


@dataclass(frozen=True)
class AmountReading:
    """What a text says was paid: one amount, or the amounts it leaves open."""

    paid: int | None  # fen; None when no amount is said, or when two compete
    candidates: tuple[int, ...] = ()  # fen, in text order; two or more when they compete


def parse_amount(text: str) -> int | None:
    """The paid amount in fen: "实付98元", "¥98", "付了50", "九十八块五", "paid ¥186".

    Face values, balances, coupons, differences and dollars are not what was paid; a unit
    price counts times the quantity; a double charge counts one charge. None when no
    amount is given, or when two compete and nothing says which was paid (see
    `amount_candidates`).
    """
    return read_amount(text).paid


def amount_candidates(text: str) -> list[int]:
    """The amounts (fen, text order, no repeats) a user must choose between, when the text
    gives two or more and none is said to be the one paid; [] otherwise."""
    return list(read_amount(text).candidates)


def mentions_amount(text: str) -> bool:
    """Whether the text names a sum in yuan of any kind: paid, refunded, a difference…"""
    return any(s.role is not None for s in _sums(normalise(text)))


def has_foreign_amount(text: str) -> bool:
    """Whether the text gives an amount in dollars ("30 USD", "$25") rather than in yuan."""
    return any(money.foreign for money in find_money(normalise(text)))


def read_amount(text: str) -> AmountReading:
    """The amount paid, or the competing amounts, read from a message or a story."""
    norm = normalise(text)
    if _LONE_AMOUNT.fullmatch(norm):  # a form's value or a one-word answer: "58.00", "¥98"
        found = [m for m in find_money(norm) if not m.foreign]
        return AmountReading(found[0].cents if len(found) == 1 else None)
    sums = _sums(norm)
    alternatives = _alternatives(norm, sums)
    if len(alternatives) >= 2:
        return AmountReading(None, alternatives)
    return _choose(sums, _quantity(norm))


# A text that is one sum and nothing else.
_LONE_AMOUNT = re.compile(
    r"\s*(?:¥|RMB|CNY)?\s*\d+(?:\.\d{1,2})?\s*(?:元|块|rmb|cny|yuan)?\s*", re.I
)


@dataclass(frozen=True)
class _Sum:
    """A sum of money with what the words around it make of it."""

    money: Money
    role: Role | None


# A sum's words end at the clause: "面值100,实付98" are two clauses and two cues.
_CLAUSE_END = re.compile(r"[。!?;\n,]")
_CONTEXT = 16  # characters of cue words read on either side of a sum


def _sums(text: str) -> list[_Sum]:
    """Every yuan sum of the text with its role, in order."""
    every = find_money(text)
    edges = [(m.start, m.end) for m in every]  # a dollar sum also ends a yuan sum's words
    out: list[_Sum] = []
    for money in (m for m in every if not m.foreign):
        lo = max([e for _, e in edges if e <= money.start] + [_clause_start(text, money.start)])
        hi = min([s for s, _ in edges if s >= money.end] + [_clause_end(text, money.end)])
        before = text[max(lo, money.start - _CONTEXT) : money.start]
        after = text[money.end : min(hi, money.end + _CONTEXT)]
        role = role_of(money, before, after)
        if role is None and _is_list_item(text, money) and money.cents >= 100:
            role = Role.PLAIN
        if role is Role.TOTAL and _TWICE.search(text, *_sentence(text, money.start)):
            # "一共扣了我两次钱，共400元": a double charge's total is two charges; one counts.
            money = replace(money, cents=money.cents // 2)
        out.append(_Sum(money, role))
    return out


# A bare number standing as an item of its own: "（腾讯视频会员年卡，168）".
_ITEM_BEFORE = re.compile(r"(?:^|[\n,(、])\s*$")
_ITEM_AFTER = re.compile(r"\s*(?:$|[\n,)、。])")


def _is_list_item(text: str, money: Money) -> bool:
    """Whether a bare number stands alone between commas, brackets or line ends."""
    return bool(_ITEM_BEFORE.search(text, 0, money.start) and _ITEM_AFTER.match(text, money.end))


_TWICE = re.compile(r"(?:两|二|2)\s*(?:次|笔)|twice|two\s+times|double", re.I)
_SENTENCE_END = re.compile(r"[。!?\n]")


def _sentence(text: str, pos: int) -> tuple[int, int]:
    """The bounds of the sentence holding pos."""
    starts = [m.end() for m in _SENTENCE_END.finditer(text, 0, pos)]
    end = _SENTENCE_END.search(text, pos)
    return (starts[-1] if starts else 0), (end.start() if end else len(text))


def _clause_start(text: str, pos: int) -> int:
    """Where the clause holding pos begins."""
    starts = [m.end() for m in _CLAUSE_END.finditer(text, 0, pos)]
    return starts[-1] if starts else 0


def _clause_end(text: str, pos: int) -> int:
    """Where the clause holding pos ends."""
    m = _CLAUSE_END.search(text, pos)
    return m.start() if m else len(text)


def _alternatives(text: str, sums: list[_Sum]) -> tuple[int, ...]:
    """The sums offered as a choice ("¥460还是¥480", "265 or 285"), in order, no repeats."""
    picked: list[int] = []
    for a, b in pairwise(sums):
        if a.role is Role.NOT_PAID or b.role is Role.NOT_PAID:
            continue
        if is_alternative(text[a.money.end : b.money.start]):
            picked += [a.money.cents, b.money.cents]
    return tuple(dict.fromkeys(picked))


def _choose(sums: list[_Sum], quantity: int | None) -> AmountReading:
    """The sum of the surest role; when that role holds several different sums, a refund
    asked of one of them names it, or else they compete."""
    ranked = [s for s in sums if s.role is not None and s.role >= Role.CARD]
    if not ranked:
        return AmountReading(None)
    best = max(s.role for s in ranked if s.role is not None)
    distinct = tuple(dict.fromkeys(s.money.cents for s in ranked if s.role is best))
    if best is Role.UNIT and len(distinct) == 1:
        return AmountReading(distinct[0] * (quantity or 1))  # "每张50，买了两张": 100
    if len(distinct) == 1:
        return AmountReading(distinct[0])
    refunds = {s.money.cents for s in ranked if s.role is Role.REFUND}
    named = [v for v in distinct if v in refunds]
    if len(named) == 1:
        return AmountReading(named[0])
    return AmountReading(None, distinct)


_QUANTITY = re.compile(
    r"(?<![\d.¥$])(?P<n>\d{1,3}|[一二两三四五六七八九十]{1,3})\s*(?:张|份|个(?!小时|工作|月|礼拜|星期|多)"
    r"|(?:[A-Za-z]+\s+){0,3}(?:cards?|codes?|pins?)\b)"
    r"|[x×]\s*(?P<x>\d{1,3})(?!\d)",
    re.I,
)


_EN_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10}
_EN_QUANTITY = re.compile(
    rf"\b({'|'.join(_EN_COUNTS)})\s+(?:\w+\s+){{0,3}}(?:cards?|codes?)\b", re.I
)


def _quantity(text: str) -> int | None:
    """The number of items bought, when said ("两张", "3 cards", "x2"); the first counts."""
    for m in _QUANTITY.finditer(text):
        raw = m.group("n") or m.group("x")
        n = cn_number(raw)
        if n is not None and n > 1:
            return n
    word = _EN_QUANTITY.search(text)
    return _EN_COUNTS[word.group(1).lower()] if word else None
