"""Everything a pasted story tells: the one entry point that reads it whole."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from conversations.model import (
    DemandAction,
    StoryFacts,
    TimelineEvent,
)
from conversations.reading.amounts import parse_amount
from conversations.reading.contacts import story_contacts
from conversations.reading.demands import (
    PHRASE_END,
    VAGUE,
    find_actions,
    is_vague_demand,
    parse_demand,
)
from conversations.reading.forms import form_fields, form_order_no, form_product, form_value
from conversations.reading.ids import parse_order_no
from conversations.reading.issues import classify_issue
from conversations.reading.names import find_platform, find_product
from conversations.reading.normalize import Norm, read
from conversations.reading.rules import rule_citation_span
from conversations.reading.sentences import Group, Sentence, clause_start_of, split_sentences
from conversations.reading.spans import Span, mask
from conversations.reading.times import SHANGHAI, scan_times
from conversations.reading.windows import scan_windows

MAX_EVENT_CHARS = 200


_PURCHASE = re.compile(
    r"购买|买了|买的|买|下单|充值(?!卡|失败)|订购|拍下"
    r"|\b(?:bought|purchased|ordered|paid\s+for|topped\s+up|placed\s+an\s+order)\b",
    re.I,
)


_DEMAND_MARKER = re.compile(
    r"要求|希望|请求|请(?!问)|我要|我想要|我想|务必|诉求|\bI\s+need\b"
    r"|\bdemand|\bwant\b|would\s+like|I'd\s+like|\bplease\b|\bexpect\b|\brequest|ask(?:ing)?\s+for",
    re.I,
)


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
    demand = form["demand"][1] if "demand" in form else None
    demand = demand or _find_demand_region(norm, sentences, citation)
    purchase_group, purchased_at = _purchase(norm, sentences, form)
    masked = mask(norm, [s for s in (citation, demand) if s])

    action, demand_text, deadline = (
        parse_demand(n.quote(*demand), now, tz) if demand else (None, None, None)
    )
    vague = _vague_demand(n, sentences, demand, action)
    # The demand is read too: "要求退款98元" names the price paid (the reader knows a refund).
    cited = mask(norm, [citation] if citation else [])
    amount = parse_amount(form_value(norm, form, "amount") or "") or parse_amount(cited)
    issue_text = form_value(norm, form, "issue")
    facts = StoryFacts(
        platform=form_value(norm, form, "platform") or find_platform(norm),
        order_no=form_order_no(norm, form) or parse_order_no(norm),
        product=form_product(norm, form) or find_product(
            mask(norm, [citation] if citation else [])
        ),
        amount_cents=amount,
        purchased_at=purchased_at,
        issue_type=(classify_issue(issue_text) if issue_text else None) or classify_issue(cited),
        events=_events(n, mask(norm, [demand] if demand else []), sentences, purchase_group),
        contacts=story_contacts(n, masked, sentences, windows, purchase_group, now, tz),
        demand_action=action,
        demand_text=demand_text,
        demand_deadline=deadline,
        demand_vague=vague,
        rule_citation=n.quote(*citation).strip() if citation else None,
    )
    found = tuple(name for name in _FACT_FIELDS if getattr(facts, name) not in (None, ()))
    return replace(facts, found=found)


_FACT_FIELDS = (
    "platform", "order_no", "product", "quantity", "amount_cents", "purchased_at", "issue_type",
    "events", "contacts", "demand_action", "demand_text", "demand_deadline", "demand_vague",
    "rule_citation",
)  # fmt: skip


def _purchase(
    text: str,
    sentences: list[Sentence],
    form: dict[str, tuple[Span, Span]],
) -> tuple[Group | None, datetime | None]:
    """The time group of the purchase, and its time: the form's 购买时间 field, or else the
    first sentence naming a purchase."""
    if "purchased" in form:
        value_start = form["purchased"][1][0]
        for group in (g for s in sentences for g in s.groups if g.times):
            if group.start <= value_start < group.end:
                return group, group.times[0][2]
    for sentence in sentences:
        verb = _PURCHASE.search(text, sentence.start, sentence.end)
        timed = [g for g in sentence.groups if g.times]
        if not verb or not timed:
            continue
        own = next((g for g in timed if g.start <= verb.start() < g.end), timed[0])
        return own, own.times[0][2]
    return None, None


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
    return tuple(sorted((e for e in events if e.text), key=lambda e: e.at))


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
    text: str, sentences: list[Sentence], citation: Span | None
) -> Span | None:
    """From the user's demand marker to the end of its sentence; one with an action first."""
    candidates: list[Span] = []
    for sentence in sentences:
        for m in _DEMAND_MARKER.finditer(text, sentence.start, sentence.end):
            if citation and citation[0] <= m.start() < citation[1]:
                continue
            clause_start = clause_start_of(text, sentence.start, m.start())
            if _OTHER_SUBJECT.search(text, clause_start, m.start()):
                continue
            candidates.append((m.start(), sentence.end))
            break
    with_action = [c for c in candidates if find_actions(text[c[0] : c[1]])]
    chosen = with_action or candidates
    return chosen[0] if chosen else None


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
