"""The intake's answers: the story, then each fact, one function per question."""

from __future__ import annotations

import re
from dataclasses import replace

from conversations.core import model
from conversations.core.actions import Action
from conversations.core.engine.claims import on_demand_deadline
from conversations.core.engine.readers import (
    drop_entry,
    future,
    not_known,
    one_line,
    read_past_time,
    strip_phrase,
    typed_answer,
)
from conversations.core.engine.session import (
    FUTURE_TOLERANCE,
    MAX_AMOUNT_CENTS,
    MAX_CONTACTS,
    MAX_EVENTS,
    Accepted,
    Ctx,
    Handler,
    Rejected,
    Result,
    Session,
    enum_value,
)
from conversations.core.events import Press, Text
from conversations.core.model import (
    DEFAULT_PLATFORM,
    Case,
    DoubtKind,
    IssueType,
    TimelineEvent,
    Unknown,
)
from conversations.core.replies import Reply
from conversations.core.states import State, Trigger
from conversations.core.timing import utc
from conversations.reading import (
    amounts,
    doubts,
    ids,
    issues,
    story,
    times,
)

# A bare order number as typed: always with a digit, so "dunno" is not taken for one.
_ORDER_TOKEN = re.compile(r"(?=[A-Za-z_-]*\d)[A-Za-z0-9][A-Za-z0-9_-]{3,39}")
_BARE_AMOUNT = re.compile(r"\s*(\d{1,9}(?:\.\d{1,2})?)\s*")  # "98" or "98.5" with no unit


def on_story(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    if isinstance(ev, Press):
        if ev.action == Action.STEPS:
            return Accepted(case, Trigger.STEP_BY_STEP)
        return Rejected(Reply("use_buttons_or_text"))
    facts = story.extract_story(ev.text, ctx.now, ctx.tz)
    facts_case = replace(case,
        platform=facts.platform or case.platform,
        order_no=facts.order_no or case.order_no,
        product=facts.product or case.product,
        quantity=facts.quantity or case.quantity,
        amount_cents=facts.amount_cents or case.amount_cents,
        purchased_at=facts.purchased_at or case.purchased_at,
        issue_type=facts.issue_type or case.issue_type,
        issue_detail=None,  # "other" is asked for in the user's own words, not cut from the story
        events=(case.events + facts.events)[:MAX_EVENTS],
        events_done=case.events_done or bool(facts.events),
        contacts=(case.contacts + facts.contacts)[:MAX_CONTACTS],
        contacts_done=case.contacts_done or bool(facts.contacts),
        demand_action=facts.demand_action or case.demand_action,
        demand_text=facts.demand_text or case.demand_text,
        # A deadline already past ("今天18点前", pasted at 19:00) is not taken: it is asked.
        demand_deadline=future(facts.demand_deadline, ctx) or case.demand_deadline,
        # A vague demand is not taken; the demand question explains why, quoting it.
        demand_vague=None if facts.demand_action or case.demand_action else facts.demand_vague,
        rule_citation=facts.rule_citation or case.rule_citation,
        rule_done=case.rule_done or facts.rule_citation is not None,
        paid_with=facts.paid_with or case.paid_with,
        doubts=facts.doubts,
    )
    understood = Reply("story_understood", {"case": facts_case, "found": facts.found})
    return Accepted(facts_case, Trigger.STORY, (understood,))


# The question a doubt's field would ask: a typed answer to the doubt is read as its answer.
def on_doubt(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    doubt, rest = case.doubts[0], case.doubts[1:]
    settled = replace(case, doubts=rest)
    if isinstance(ev, Text):
        typed = _DOUBT_ANSWERS[doubt.kind](s, settled, ev, ctx)
        if isinstance(typed, Rejected):
            return typed
        return Accepted(typed.case, Trigger.ANSWER, typed.replies)
    if ev.action == Action.SKIP:
        return Accepted(settled, Trigger.SKIP)  # neither: the field's own question asks
    if ev.action != Action.DOUBT or not ev.value.isdigit() or int(ev.value) >= len(doubt.shown):
        return Rejected(Reply("use_buttons_or_text"))
    i = int(ev.value)
    if doubt.kind is DoubtKind.DAY:
        chosen = replace(settled, purchased_at=utc(doubt.times[i])).known(Unknown.PURCHASE_TIME)
        return Accepted(chosen, Trigger.ANSWER)
    if doubt.kind is DoubtKind.WEEKDAY:
        return Accepted(replace(settled, demand_deadline=doubt.windows[i]), Trigger.ANSWER)
    return Accepted(replace(settled, amount_cents=doubt.amounts[i]).known(Unknown.AMOUNT),
                     Trigger.ANSWER)


def on_platform(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    if isinstance(ev, Press):
        if ev.action == Action.PLATFORM:
            return Accepted(replace(case, platform=DEFAULT_PLATFORM), Trigger.ANSWER)
        return Rejected(Reply("use_buttons_or_text"))
    name = one_line(ev.text)
    if not name:
        return Rejected(Reply("reask_platform"))
    return Accepted(replace(case, platform=name), Trigger.ANSWER)


def on_order_no(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    if isinstance(ev, Press):
        return not_known(case, ev, Unknown.ORDER_NO) or Rejected(Reply("use_buttons_or_text"))
    text = ev.text.strip()
    order_no = text if _ORDER_TOKEN.fullmatch(text) else ids.parse_order_no(text)
    if not order_no:
        return not_known(case, ev, Unknown.ORDER_NO) or Rejected(Reply("reask_order_no"))
    return Accepted(replace(case, order_no=order_no).known(Unknown.ORDER_NO), Trigger.ANSWER)


def on_product(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    product = typed_answer(ev, "reask_product", 2)
    if isinstance(product, Rejected):
        return product
    return Accepted(replace(case, product=product), Trigger.ANSWER)


def on_amount(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    if isinstance(ev, Press):
        return not_known(case, ev, Unknown.AMOUNT) or Rejected(Reply("use_buttons_or_text"))
    cents = amounts.parse_amount(ev.text)
    # "88还是79，记不清了": which was paid is asked with one tap each, not guessed.
    doubt = None if s.state is State.ASK_DOUBT or cents is not None else doubts.amount_doubt(
        ev.text, amounts.amount_candidates(ev.text))
    if doubt is not None:  # asked now: no longer "not remembered"
        asked = replace(case, doubts=(doubt, *case.doubts)).known(Unknown.AMOUNT)
        return Accepted(asked, Trigger.ANSWER)
    if cents is None and amounts.has_foreign_amount(ev.text):
        return Rejected(Reply("amount_not_yuan", {"text": one_line(ev.text)}))
    if cents is None:
        bare = _BARE_AMOUNT.fullmatch(ev.text)
        cents = round(float(bare.group(1)) * 100) if bare else None
    if cents is None and (dont_know := not_known(case, ev, Unknown.AMOUNT)):
        return dont_know
    if cents is None or not 0 < cents <= MAX_AMOUNT_CENTS:
        return Rejected(Reply("reask_amount"))
    return Accepted(replace(case, amount_cents=cents).known(Unknown.AMOUNT), Trigger.ANSWER)


def on_purchase_time(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    if isinstance(ev, Press):
        return (not_known(case, ev, Unknown.PURCHASE_TIME)
                or Rejected(Reply("use_buttons_or_text")))
    at = read_past_time(ev.text, ctx)
    if isinstance(at, Rejected):
        return not_known(case, ev, Unknown.PURCHASE_TIME) or at
    # "3号" on the 9th: this month's or last month's? Asked (once), not guessed.
    asking = s.state is not State.ASK_DOUBT
    doubt = doubts.day_doubt(ev.text, at, ctx.now, ctx.tz) if asking else None
    if doubt is not None:  # asked now: no longer "not remembered"
        asked = replace(case, doubts=(doubt, *case.doubts)).known(Unknown.PURCHASE_TIME)
        return Accepted(asked, Trigger.ANSWER)
    return Accepted(replace(case, purchased_at=at).known(Unknown.PURCHASE_TIME), Trigger.ANSWER)


def on_issue_type(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    issue: IssueType | None
    if isinstance(ev, Press):
        issue = enum_value(IssueType, ev.value) if ev.action == Action.ISSUE else None
    else:
        issue = issues.classify_issue(ev.text)
    if issue is None:
        return Rejected(Reply("reask_issue_type"))
    detail = case.issue_detail if issue is IssueType.OTHER else None
    return Accepted(replace(case, issue_type=issue, issue_detail=detail), Trigger.ANSWER)


def on_issue_detail(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    if isinstance(ev, Press):
        return Rejected(Reply("use_buttons_or_text"))
    detail = ev.text.strip()
    if len(detail) < 4:
        return Rejected(Reply("reask_issue_detail"))
    return Accepted(replace(case, issue_detail=detail), Trigger.ANSWER)


def on_events(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    if isinstance(ev, Press):
        if ev.action == Action.DONE:
            if not case.events:
                return Rejected(Reply("events_need_one"))
            return Accepted(replace(case, events_done=True), Trigger.DONE)
        if ev.action == Action.CLEAR:
            return Accepted(replace(case, events=()), Trigger.CLEAR, (Reply("events_cleared"),))
        if ev.action == Action.DROP:
            return drop_entry(case, "events", ev.value, "event_removed", "event")
        return Rejected(Reply("use_buttons_or_text"))
    found = times.find_times(ev.text, ctx.now, ctx.tz)
    if not found:
        return _untimed_event(case, ev.text)
    phrase, at = found[0]
    if case.purchased_at is not None:
        at = times.parse_time(phrase, ctx.now, ctx.tz, after=case.purchased_at) or at
    if at > ctx.now + FUTURE_TOLERANCE:
        return Rejected(Reply("time_in_future", {"at": at}))
    what = strip_phrase(ev.text, phrase)
    if len(what) < 2:
        return Rejected(Reply("reask_event"))
    if len(case.events) >= MAX_EVENTS:
        return Rejected(Reply("too_many", {"limit": MAX_EVENTS}))
    event = TimelineEvent(at=utc(at), text=what)
    events = model.in_order((*case.events, event))
    added = Reply("event_added", {"event": event})
    return Accepted(replace(case, events=events), Trigger.ADD, (added,))


def _untimed_event(case: Case, text: str) -> Result:
    """An event the user gives without a time: kept, its time unknown (never made up)."""
    what = one_line(text)
    if len(what) < 2:
        return Rejected(Reply("reask_event"))
    if len(case.events) >= MAX_EVENTS:
        return Rejected(Reply("too_many", {"limit": MAX_EVENTS}))
    event = TimelineEvent(at=None, text=what)
    added = Reply("event_added", {"event": event})
    return Accepted(replace(case, events=(*case.events, event)), Trigger.ADD, (added,))


# A doubt answered by typing is read as the question of its field would read it.
_DOUBT_ANSWERS: dict[DoubtKind, Handler] = {
    DoubtKind.DAY: on_purchase_time,
    DoubtKind.WEEKDAY: on_demand_deadline,
    DoubtKind.AMOUNT: on_amount,
}
