"""Everything a pasted story tells: the one entry point that reads it whole."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from conversations.core.model import (
    DemandAction,
    Doubt,
    IssueType,
    StoryFacts,
    TimelineEvent,
    in_order,
)
from conversations.core.timing import Window
from conversations.reading.amounts import amount_candidates, parse_amount
from conversations.reading.clauses import Clause, clause_at, split_clauses
from conversations.reading.contacts import story_contacts
from conversations.reading.demands import (
    CONCRETE_OTHER,
    PHRASE_END,
    VAGUE,
    find_actions,
    is_vague_demand,
    parse_demand,
)
from conversations.reading.doubts import amount_doubt, day_doubt, weekday_doubt
from conversations.reading.forms import form_fields, form_order_no, form_value
from conversations.reading.goods import read_goods
from conversations.reading.ids import parse_order_no
from conversations.reading.issues import classify_issue
from conversations.reading.money import find_money
from conversations.reading.names import find_platform
from conversations.reading.normalize import Norm, normalise, read
from conversations.reading.payment import paid_with
from conversations.reading.purchase import purchase_time
from conversations.reading.rules import rule_citation_span
from conversations.reading.sentences import Group, Sentence, clause_start_of, split_sentences
from conversations.reading.spans import Span, mask
from conversations.reading.times import SHANGHAI, scan_times
from conversations.reading.windows import loose_spans, scan_windows

MAX_EVENT_CHARS = 200


_PURCHASE = re.compile(
    r"购买|买了|买的|买|下单|充值(?!卡|失败)|订购|拍下"
    r"|\b(?:bought|purchased|ordered|paid\s+for|topped\s+up|placed\s+an\s+order)\b",
    re.I,
)


_DEMAND_MARKER = re.compile(
    r"要求|希望|请求|(?<![申邀聘])请(?!问|求)|我要|我想要|我想|(?<!不)想要|想让|就要|一定要|必须给我|务必|诉求"
    r"|(?<![要请需诉追寻])求|想(?=佢|他|她|你)"
    # an order with no "要求": "必须退到我支付宝", "8点前给我补一张新的", "不到账就全额退款"
    r"|(?P<implicit>必须(?=[^,。!?\n]{0,4}(?:退|补|换|赔|给我|全额|全数|把钱))"
    r"|给我(?=[^,。!?\n了过]{0,4}(?:全额|全数|退|补|换|赔|重发)(?![^,。!?\n]{0,4}[了过]))"
    r"|(?<!不然)(?<!否则)(?:就|直接)(?=把钱|全额|全数|退|补发|换|赔)(?![^,。!?\n]{0,4}[了过])"
    r"|(?<=[内前])(?=退给我|退还给我|补给我|赔给我))"
    r"|\bI\s+need\b|\bdemand|\bwant\b|would\s+like|I'd\s+like|\bplease\b|\bexpect\b"
    r"|\brequest|ask(?:ing)?\s+for"
    # an English sentence that begins with what to do: "REFUND ME IN FULL BY TOMORROW"
    r"|(?:^|(?<=[.!?\n]\s)|(?<=\n))(?:refund|send|give|reissue|replace|return)\b",
    re.I | re.M,
)


# "客服说48小时内给我补发": an order with no "要求" just after someone spoke is what they said.
_SPOKEN = re.compile(
    r"(?<![想我你])说|答应|承诺|表示|回复|告诉|保证|讲|(?<!的)话|称|\b(?:promised|said|told)\b",
    re.I,
)
_SPOKEN_REACH = 15  # characters back from such an order, within its sentence


# "客服要求我提供截图": the marker belongs to someone else.
_OTHER_SUBJECT = re.compile(
    r"客服|对方|他们|平台|商家|售后|工作人员|\bsupport\b|\bthey\b|\bagent\b|\bstaff\b", re.I
)


def extract_story(text: str, now: datetime, tz: ZoneInfo = SHANGHAI) -> StoryFacts:
    """Everything extractable from a pasted narrative; fields stay None when not found."""
    n = read(text)
    norm = n.text
    form = form_fields(norm)
    citation = rule_citation_span(norm)
    windows = scan_windows(norm, now, tz)
    times = [
        t
        for t in scan_times(
            mask(norm, [(s, e) for s, e, _ in windows]), now, tz, inherit_date=True
        )
        if t[2] <= now  # future times are deadlines or threats, not facts
    ]
    sentences = split_sentences(norm, times, [label for label, _ in form.values()])
    clauses = split_clauses(norm, [(s, e) for s, e, _ in times + windows] + loose_spans(norm))
    demand = form["demand"][1] if "demand" in form else None
    demand = demand or _find_demand_region(norm, clauses, windows, citation)
    labelled = form["purchased"][1] if "purchased" in form else None
    bought = purchase_time(norm, clauses, times, labelled)
    purchase_span, purchased_at = bought if bought else (None, None)
    purchase_group = _group_of(sentences, purchase_span)
    masked = mask(norm, [s for s in (citation, demand) if s])

    action, demand_text, deadline = (
        parse_demand(n.quote(*demand), now, tz) if demand else (None, None, None)
    )
    if action is None and demand is not None:
        action, demand_text = _custom_demand(n, demand, deadline)
    vague = _vague_demand(n, sentences, demand, action)
    # The demand is read too: "要求退款98元" names the price paid (the reader knows a refund).
    cited = mask(norm, [citation] if citation else [])
    amount = parse_amount(form_value(norm, form, "amount") or "") or parse_amount(cited)
    issue_text = form_value(norm, form, "issue")
    doubts: list[Doubt] = []
    if purchased_at is not None and purchase_span is not None and not _MONTH_SAID.search(
        norm, max(0, purchase_span[0] - 14), purchase_span[0]
    ):  # "last month (the 28th)" says which month
        day = day_doubt(norm[purchase_span[0] : purchase_span[1]], purchased_at, now, tz)
        if day is not None:
            doubts.append(day)
            purchased_at = None  # asked, not guessed
    if amount is None:
        # "页面写88，下单时有个79的活动价": two sums and nothing says which was paid.
        paid = amount_doubt(n.quote(0, len(norm))[:60], amount_candidates(cited))
        if paid is not None:
            doubts.append(paid)
    weekday = weekday_doubt(deadline.text, deadline, now, tz) if deadline else None
    if weekday is not None:
        doubts.append(weekday)
        deadline = None
    goods = read_goods(n, mask(norm, [citation] if citation else []), form)
    facts = StoryFacts(
        platform=form_value(norm, form, "platform") or find_platform(n),
        order_no=form_order_no(norm, form) or parse_order_no(norm),
        product=goods.product,
        quantity=goods.quantity,
        amount_cents=amount,
        purchased_at=purchased_at,
        issue_type=(classify_issue(issue_text) if issue_text else None) or classify_issue(cited),
        events=_events(n, mask(norm, [demand] if demand else []), sentences, purchase_group),
        contacts=story_contacts(n, masked, clauses, times, purchase_span, now, tz),
        demand_action=action,
        demand_text=demand_text,
        demand_deadline=deadline,
        demand_vague=vague,
        rule_citation=n.quote(*citation).strip() if citation else None,
        paid_with=paid_with(norm),
        doubts=tuple(doubts),
    )
    facts = _double_charge_refund(facts, n.quote(*demand) if demand else "")
    found = tuple(name for name in _FACT_FIELDS if getattr(facts, name) not in (None, ()))
    return replace(facts, found=found)


_FACT_FIELDS = (
    "platform", "order_no", "product", "quantity", "amount_cents", "purchased_at", "issue_type",
    "events", "contacts", "demand_action", "demand_text", "demand_deadline", "demand_vague",
    "rule_citation", "paid_with",
)  # fmt: skip


_MONTH_SAID = re.compile(r"上个?月|这个?月|本月|last\s+month|this\s+month", re.I)
# "退还全部" / "full refund": the whole price after all, even for a double charge.
_WHOLE = re.compile(r"全额|全部|全款|退晒|\bfull\b|\ball\b|\bentire\b|\bwhole\b", re.I)


def _double_charge_refund(facts: StoryFacts, demand: str) -> StoryFacts:
    """Charged twice and "退还200元", or "return the ¥30" of ¥118 paid: what is asked back is
    a part of the price, not all of it."""
    if facts.demand_action is not DemandAction.FULL_REFUND or _WHOLE.search(normalise(demand)):
        return facts
    paid = facts.amount_cents
    asked = [m.cents for m in find_money(normalise(demand)) if m.marked]
    part = bool(asked) and paid is not None and max(asked) < paid
    if facts.issue_type is not IssueType.DOUBLE_CHARGE and not part:
        return facts
    return replace(facts, demand_action=DemandAction.REFUND_DIFFERENCE)


def _group_of(sentences: list[Sentence], span: Span | None) -> Group | None:
    """The time group holding a span (the purchase's, which is no timeline event)."""
    if span is None:
        return None
    groups = (g for sentence in sentences for g in sentence.groups)
    return next((g for g in groups if g.start <= span[0] < g.end), None)


def _events(
    norm: Norm, masked: str, sentences: list[Sentence], purchase: Group | None
) -> tuple[TimelineEvent, ...]:
    """Each timed group other than the purchase, as an event, earliest first; the demand is
    left out of the event's words (it is masked in `masked`)."""
    events = [
        TimelineEvent(at=g.times[0][2], text=_clip(_without_times(norm, masked, g)))
        for s in sentences
        for g in s.groups
        if g.times and g is not purchase
    ]
    return in_order(tuple(e for e in events if e.text))


_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,，。.;；:：])")


# A preposition that only introduced the removed time ("on Nov 4 at 9 am", "于3月2日").
_LEADING_PREPOSITION = re.compile(r"(?:\b(?:on|at|in|around|about|since)\s*|于)$", re.IGNORECASE)


def _without_times(norm: Norm, masked: str, group: Group) -> str:
    """The group's words minus its time phrases, in the user's own characters: the event's
    own time says when, absolutely, and "今天上午10点" in a complaint read days later would
    mislead."""
    kept: list[Span] = []
    pos = group.start
    for start, end, _ in sorted(group.times):
        before = _LEADING_PREPOSITION.search(masked, pos, start)
        kept += _unmasked(masked, pos, before.start() if before else start)
        pos = max(pos, end)
    kept += _unmasked(masked, pos, group.end)
    return _SPACE_BEFORE_PUNCT.sub(r"\1", norm.quote_spans(kept))


def _unmasked(masked: str, start: int, end: int) -> list[Span]:
    """The runs from start to end that are not blanked in `masked`."""
    return [(m.start(), m.end()) for m in _WORDS.finditer(masked, start, end)]


_WORDS = re.compile(r"\S+(?:\s\S+)*")


def _clip(s: str) -> str:
    """Trimmed of punctuation and capped at MAX_EVENT_CHARS."""
    s = s.strip(" \t，,。.!！?？；;、")
    return s if len(s) <= MAX_EVENT_CHARS else s[: MAX_EVENT_CHARS - 1] + "…"


def _find_demand_region(
    text: str,
    clauses: list[Clause],
    windows: list[tuple[int, int, Window]],
    citation: Span | None,
) -> Span | None:
    """From the user's demand marker to the end of its sentence, and a next line that only
    says by when ("我要求补发\n3月10号之前"); the first one naming an action wins."""
    candidates: list[Span] = []
    for m in _DEMAND_MARKER.finditer(text):
        clause = clause_at(clauses, m.start())
        if clause is None or (citation and citation[0] <= m.start() < citation[1]):
            continue
        before = max(clause.start, m.start() - 6)
        if _OTHER_SUBJECT.search(text, before, m.start()) or _NOT_A_DEMAND.match(text, m.end()):
            continue  # "客服要求我提供截图", "我想投诉一下": not what the user asks for
        sentence = [c for c in clauses if c.sentence == clause.sentence]
        if m.group("implicit") is not None and _reported(text, sentence[0].start, m.start()):
            continue
        end = _deadline_after(text, clauses, windows, sentence[-1])
        start = _condition_start(text, sentence, clause, m.start())
        # "8点前给我补一张": the deadline said just before the order is part of it.
        start = min([start, *(w[0] for w in windows
                              if clause.start <= w[0] and w[1] <= m.start() <= w[1] + 8)])
        inside = bool(candidates) and candidates[-1][0] <= start < candidates[-1][1]
        if not (inside and m.group("implicit") is not None):
            candidates.append((start, end))  # "要求今天给我退款": 给我 adds nothing
    with_action = [c for c in candidates if find_actions(text[c[0] : c[1]])]
    concrete = [c for c in candidates if CONCRETE_OTHER.search(text, *c)]
    # A story ends with what the user wants: the last demand naming an action.
    chosen = with_action or concrete or candidates
    return chosen[-1] if chosen else None


def _reported(text: str, sentence_start: int, marker: int) -> bool:
    """Whether an order without "要求" follows, close by, someone speaking or someone else."""
    start = max(sentence_start, marker - _SPOKEN_REACH)
    return bool(_SPOKEN.search(text, start, marker) or _OTHER_SUBJECT.search(text, start, marker))


def _condition_start(text: str, sentence: list[Clause], clause: Clause, marker: int) -> int:
    """A demand's start, taking in the condition before it that says by when: "如果今天下午
    五点前还没到账，我要全额退款", "If it's not in my account by 9 tonight I want a refund"."""
    before = [c for c in sentence if c.start < clause.start]
    start = before[-1].start if before else clause.start
    if _CONDITION.match(text, start):
        return start
    lead = _CONDITION.search(text, clause.start, marker)
    return lead.start() if lead else marker


_CONDITION = re.compile(r"\s*(?:如果|若是|若|要是|假如|\bif\b)", re.I)


# After a marker, words that make it a wish to complain or ask, not a demand.
_NOT_A_DEMAND = re.compile(r"\s*(?:投诉|咨询|问|反映|说|曝光|举报|complain|ask|report)", re.I)
_DEADLINE_FILLER = re.compile(r"[\s,。!前之以为止内给我处理完成解决到账退款补发办好弄好]*")


def _deadline_after(
    text: str, clauses: list[Clause], windows: list[tuple[int, int, Window]], last: Clause
) -> int:
    """The demand's end: its sentence's, or the next sentence's when that says only by when."""
    after = [c for c in clauses if c.sentence == last.sentence + 1]
    if len(after) != 1:
        return last.end
    nxt = after[0]
    inside = [w for w in windows if nxt.start <= w[0] < nxt.end]
    rest = "".join(text[a:b] for a, b in _outside(nxt, inside))
    return nxt.end if inside and _DEADLINE_FILLER.fullmatch(rest) else last.end


def _outside(clause: Clause, windows: list[tuple[int, int, Window]]) -> list[Span]:
    """The parts of a clause outside the given windows."""
    spans, pos = [], clause.start
    for start, end, _ in sorted(windows):
        spans.append((pos, start))
        pos = max(pos, end)
    spans.append((pos, clause.end))
    return spans


def _custom_demand(
    n: Norm, demand: Span, deadline: Window | None
) -> tuple[DemandAction | None, str | None]:
    """A concrete wish outside the four actions ("解冻账号", "提供交易记录"), in the user's words
    and without its deadline."""
    if not CONCRETE_OTHER.search(n.text, *demand):
        return None, None
    words = n.quote(*demand)
    if deadline is not None:
        words = words.replace(deadline.text, " ")
    words = " ".join(words.split()).strip(" ,，。.!！?？；;、:：")
    words = _DEMAND_LEAD.sub("", words)
    return (DemandAction.CUSTOM, words[:120]) if len(words) >= 2 else (None, None)


# The marker that opened the demand: "要求:", "我要求", "I'd like".
_DEMAND_LEAD = re.compile(
    r"^(?:我的)?(?:要求|希望|请求|诉求|我要|我想要|想要|请|求|I\s+(?:want|need|request|demand)"
    r"|I'?d\s+like|please)\s*(?:是|:)?\s*(?:他们|你们|平台|把)?\s*",
    re.I,
)


def _vague_demand(
    n: Norm,
    sentences: list[Sentence],
    demand: Span | None,
    action: DemandAction | None,
) -> str | None:
    """The user's demand, in their words, when it names no concrete action ("你们必须处理")."""
    if action is not None:
        return None
    norm = n.text
    span = demand
    if span is None:
        # "…客服一直推诿，你们必须处理！": no 要求 / 希望, but a demand all the same.
        for sentence in sentences:
            m = VAGUE.search(norm, sentence.start, sentence.end)
            if not m:
                continue
            clause_start = clause_start_of(norm, sentence.start, m.start())
            if _OTHER_SUBJECT.search(norm, clause_start, m.start()):
                continue  # "客服说会尽快处理" is their promise, not the user's demand
            stop = PHRASE_END.search(norm, m.end(), sentence.end)
            span = (clause_start, stop.start() if stop else sentence.end)
            break
    if span is None:
        return None
    phrase = " ".join(n.quote(*span).split()).strip(" \t，,。.!！?？；;、:：")
    if not phrase or not is_vague_demand(phrase):
        return None
    return phrase if len(phrase) <= 60 else phrase[:59] + "…"
