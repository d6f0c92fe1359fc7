"""When the purchase was made: the time a story ties to buying."""

from __future__ import annotations

import re
from datetime import datetime

from conversations.reading.clauses import Clause
from conversations.reading.spans import Span

_BUY = re.compile(
    r"买|购买|购入|下单|下的单|下了单|付款|付的款|支付(?!宝)|充值(?!卡|失败|不|没|未|进)|订购|拍下|拍的"
    r"|入手|俾钱|畀钱|买咗"
    r"|\b(?:bought|buy|purchased?|ordered|paid|placed\s+(?:an?\s+|the\s+|my\s+)?order"
    r"|topped\s+up|got)\b",
    re.I,
)
# "付款时间2024-05-12", "下单时间：…", "order date: …".
_TIME_LABEL = re.compile(
    r"(?:购买|下单|付款|支付|交易|订单|充值)(?:时间|日期)\s*(?:是|为|:)?\s*$"
    r"|(?:purchase|order|payment)\s+(?:time|date)\s*(?:is|was|:)?\s*$",
    re.I,
)
# Clauses that tell of something other than the purchase: a time alone before them is not it.
_OTHER_EVENT = re.compile(
    r"客服|联系|投诉|申请|退款|激活|兑换|充不|无效|失效|提示|到账|发现|使用|扣|打电话|邮件"
    r"|support|redeem|activat|invalid|refund|contact|called|email",
    re.I,
)
_FILLER = re.compile(r"\s*(?:左右|的时候|那天|那时|时|的|on|at|around|about)?\s*$", re.I)


def purchase_time(
    text: str,
    clauses: list[Clause],
    times: list[tuple[int, int, datetime]],
    labelled: Span | None,
) -> tuple[Span, datetime] | None:
    """The purchase's time and where it was said: a form's 购买时间, the time of the clause
    that tells of buying, or a time said alone before anything else happened."""
    if labelled is not None:
        inside = [t for t in times if labelled[0] <= t[0] < labelled[1]]
        if inside:
            return inside[0][:2], inside[0][2]
    for start, end, at in times:
        if _TIME_LABEL.search(text, max(0, start - 12), start):
            return (start, end), at
    for clause in clauses:
        verbs = list(_BUY.finditer(text, clause.start, clause.end))
        own = [t for t in times if clause.start <= t[0] < clause.end]
        if verbs and own:
            nearest = min(own, key=lambda t: min(_distance(t, v.span()) for v in verbs))
            return nearest[:2], nearest[2]
    return _said_alone(text, clauses, times)


def _distance(time: tuple[int, int, datetime], verb: Span) -> int:
    """How far a time is from a verb (a time before its verb is nearer by one)."""
    start, end, _ = time
    if end <= verb[0]:
        return verb[0] - end
    return start - verb[1] + 1 if start >= verb[1] else 0


def _said_alone(
    text: str, clauses: list[Clause], times: list[tuple[int, int, datetime]]
) -> tuple[Span, datetime] | None:
    """One fact per line: a clause that is only a time, before any other event is told."""
    for clause in clauses:
        own = [t for t in times if clause.start <= t[0] < clause.end]
        if own:
            start, end, at = own[0]
            rest = text[clause.start : start] + text[end : clause.end]
            if start - clause.start <= 2 and _FILLER.fullmatch(text[end : clause.end]):
                return (start, end), at
            if not rest.strip():
                return (start, end), at
        if _OTHER_EVENT.search(text, clause.start, clause.end):
            return None
    return None
