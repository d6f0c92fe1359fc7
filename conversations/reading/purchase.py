"""When the purchase was made: the time a story ties to buying."""

from __future__ import annotations

import re
from datetime import datetime

from conversations.reading.clauses import Clause, distance, nearest
from conversations.reading.spans import Span

BUY = re.compile(
    r"买|购买|购入|下单|下的单|下了单|付款|付的款|支付(?!宝)|充值(?!卡|失败|不|没|未|进)|订购|拍下|拍的"
    r"|入手|俾钱|畀钱|俾咗钱|畀咗钱|俾咗|畀咗|买咗|代充|储值|充了|充的|花(?:了|咗)?\s*(?=[0-9¥])"
    r"|\b(?:bought|buy|purchased?|ordered|paid|placed\s+(?:an?\s+|the\s+|my\s+)?order"
    r"|top(?:ped)?[\s-]+up|got|charged|charges?|payments?)\b"
    # the shop, said where the buying is told: "psn card from weilai kameng the 28th"
    r"|卡盟|\bkameng\b|\bweilai\b",
    re.I,
)
# "付款时间2024-05-12", "下单时间：…", "order date: …".
_TIME_LABEL = re.compile(
    r"(?:购买|下单|付款|支付|交易|订单|充值)(?:时间|日期)\s*(?:是|为|:)?\s*$"
    r"|(?:purchase|order|payment)\s+(?:time|date)\s*(?:is|was|:)?\s*$"
    # a form's bare "时间:" / "when:" line, at the start of its line
    r"|(?:^|\n)\W{0,3}(?:时间|日期|when|date|time|bought|purchased)\s*:\s*$",
    re.I,
)
# Support reached: a time alone after this is the contact's, not the purchase's.
_CONTACT = re.compile(
    r"客服|联系|打电话|邮件|找了|问了|搵|揾|support|contact|called|email|agent", re.I
)
# Anything that reaches support, for telling a contact's time from the purchase's.
_REACHING = re.compile(_CONTACT.pattern + r"|申请|投诉|问(?!题)", re.I)
# What happened to the code or the account: a time alone before these is that event's.
_EVENT = re.compile(r"被|提示|显示|发现|冻结|无效|失败|没到|未到|激活|兑换|用不了|充不|封", re.I)
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
    for sentence in sorted({c.sentence for c in clauses}):
        own = [c for c in clauses if c.sentence == sentence]
        start, end = own[0].start, own[-1].end
        verbs = [(m.span(), "buy") for m in BUY.finditer(text, start, end)]
        if not verbs:
            continue
        cues = [(m.span(), "contact") for m in _REACHING.finditer(text, start, end)]
        # A time of the sentence nearer to the buying than to reaching support.
        told = [t for t in times if start <= t[0] < end and nearest(t[:2], verbs + cues) == "buy"]
        if told:
            best = min(told, key=lambda t: min(distance(t[:2], v) for v, _ in verbs))
            return best[:2], best[2]
    return _said_alone(text, clauses, times)


def _said_alone(
    text: str, clauses: list[Clause], times: list[tuple[int, int, datetime]]
) -> tuple[Span, datetime] | None:
    """One fact per line, or no verbs at all: a time said alone, before support is reached,
    not followed by what happened to the code ("3/18 突然被冻结")."""
    for i, clause in enumerate(clauses):
        own = [t for t in times if clause.start <= t[0] < clause.end]
        if own:
            start, end, at = own[0]
            alone = start - clause.start <= 2 and _FILLER.fullmatch(text[end : clause.end])
            after = clauses[i + 1] if i + 1 < len(clauses) else None
            told_next = after is not None and after.sentence == clause.sentence and bool(
                _EVENT.search(text, after.start, after.end)
                or _CONTACT.search(text, after.start, after.end)  # "10月7日下午3点，联系了客服"
            )
            if alone and not told_next:
                return (start, end), at
        if _CONTACT.search(text, clause.start, clause.end):
            return None
    return None
