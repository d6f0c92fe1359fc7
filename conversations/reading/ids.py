"""Order numbers, ticket numbers and agent ids."""

from __future__ import annotations

import re

from conversations.reading.normalize import normalise
from conversations.reading.spans import Span, inside

_SEP = r"(?:[\s:：#＃是为]|\bis\b|\bwas\b|\bno\.)*"


# A token ends on a letter or digit: in "订单号261108093012775-卡密失效" the dash only joins words.
_TOKEN = r"(?P<no>[A-Za-z0-9][A-Za-z0-9_\-]{4,38}[A-Za-z0-9])(?![A-Za-z0-9_]|-[A-Za-z0-9])"


# Order numbers dictated by voice come as Chinese digits: "订单号二五一一…".
_CN_DIGITS = "零〇一二三四五六七八九幺"
_CN_TO_ASCII = str.maketrans(_CN_DIGITS, "001234567891")
_SPOKEN = rf"(?P<spoken>[{_CN_DIGITS}]{{6,40}})(?![{_CN_DIGITS}十百千万])"


_ORDER_KEYWORDED = re.compile(
    rf"""(?:订单编号|订单号码|订单号|订单|(?<![工诉后])单号
        |\border\s*(?:no\b\.?|number|num\b|id\b|\#)|\border\b)
    {_SEP}(?:{_TOKEN}|{_SPOKEN})""",
    re.VERBOSE | re.I,
)


# Without a keyword only tokens that cannot be much else: a letter prefix and 8+ digits
# (WL20240302001), or 12+ digits (longer than any phone number).
_ORDER_BARE = re.compile(
    r"(?<![A-Za-z0-9_\-])(?P<no>[A-Za-z]{1,6}\d{8,}[A-Za-z0-9]*|\d{12,40})(?![A-Za-z0-9_\-])"
)


_DATE_LIKE = re.compile(r"\d{4}[-/.]\d{1,2}([-/.]\d{1,2})?|\d{1,2}[-/.]\d{1,2}")


_PHONE_LIKE = re.compile(r"1\d{10}")


_AMOUNT_AFTER = re.compile(r"\s*(?:元|块|rmb|cny|yuan)|[:：]\d", re.I)


def parse_order_no(text: str) -> str | None:
    """The order number: after 订单号/单号/order no…, or a bare long token like WL20240302001."""
    norm = normalise(text)
    id_spans = [span for span, _ in _id_matches(norm)]
    keyworded = [
        _order_token(m) for m in _ORDER_KEYWORDED.finditer(norm)
        if m.group("spoken") or (
            _plausible_order_no(norm, m) and not inside(m.span("no"), id_spans)
        )
    ]  # fmt: skip
    if keyworded:
        # A phone number written after 订单 loses to any other keyworded number.
        plain = [no for no in keyworded if not _PHONE_LIKE.fullmatch(no)]
        return (plain or keyworded)[0]
    for m in _ORDER_BARE.finditer(norm):
        if _plausible_order_no(norm, m) and not inside(m.span("no"), id_spans):
            return m.group("no")
    return None


def _order_token(m: re.Match[str]) -> str:
    """The order number matched, spoken Chinese digits as ASCII ones."""
    spoken = m.group("spoken")
    return m.group("no") if spoken is None else spoken.translate(_CN_TO_ASCII)


def _plausible_order_no(text: str, m: re.Match[str]) -> bool:
    """A token with a digit that is not a date, a time or an amount."""
    token = m.group("no")
    if not any(c.isdigit() for c in token) or _DATE_LIKE.fullmatch(token):
        return False
    return not _AMOUNT_AFTER.match(text, m.end("no"))


_ID_SEP = r"(?:[\s:：#＃是为]|\bis\b|\bno\.)*"


_TICKET = re.compile(
    rf"""(?:售后单号|售后单|工单编号|工单号|工单|\bticket\s*(?:no\b\.?|number|id\b|\#)?|\bcase\s*(?:id\b|no\b\.?|number|\#))
    {_ID_SEP}(?P<id>[A-Za-z0-9][A-Za-z0-9_\-]{{2,39}})(?![A-Za-z0-9_\-])""",
    re.VERBOSE | re.I,
)


_AGENT = re.compile(
    rf"""(?:客服工号|工号|客服编号|客服号|\bagent\s*(?:id\b|no\b\.?|number|\#)?
        |\bstaff\s*(?:id\b|no\b\.?|number|\#)|\boperator\s*(?:id\b|\#))
    {_ID_SEP}(?P<id>[A-Za-z0-9][A-Za-z0-9_\-]{{1,19}})(?![A-Za-z0-9_\-])
    |客服\s*[（(]\s*(?:工号)?\s*[:：]?\s*(?P<paren>[A-Za-z0-9_\-]{{2,20}})\s*[)）]
    |客服\s*(?P<numbered>\d{{3,10}})(?=\s*号|(?![\d小分元年月天日:：.]))""",
    re.VERBOSE | re.I,
)


def parse_ids(text: str) -> tuple[str | None, str | None]:
    """(ticket number, agent id): 工单号 / ticket # / case id, and 工号 / 客服(8801) / agent id."""
    ticket = agent = None
    for _, (kind, value) in _id_matches(normalise(text)):
        if kind == "ticket" and ticket is None:
            ticket = value
        elif kind == "agent" and agent is None:
            agent = value
    return ticket, agent


def _id_matches(text: str) -> list[tuple[Span, tuple[str, str]]]:
    """Every ticket/agent id with its span, in order; ids must contain a digit."""
    found: list[tuple[Span, tuple[str, str]]] = []
    for m in _TICKET.finditer(text):
        if any(c.isdigit() for c in m.group("id")):
            found.append((m.span("id"), ("ticket", m.group("id"))))
    for m in _AGENT.finditer(text):
        group = next(g for g in ("id", "paren", "numbered") if m.group(g))
        if any(c.isdigit() for c in m.group(group)):
            found.append((m.span(group), ("agent", m.group(group))))
    return sorted(found)
