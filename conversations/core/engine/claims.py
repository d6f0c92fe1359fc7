"""The intake's answers about contacts made, the demand, the platform's rule and evidence held."""

from __future__ import annotations

from dataclasses import replace

from conversations.core.actions import Action
from conversations.core.engine.readers import (
    NO_REASON_RETURN,
    channel_from_text,
    drop_entry,
    future,
    one_line,
    read_past_time,
    read_window,
)
from conversations.core.engine.session import (
    MAX_CONTACTS,
    PRESET_WINDOWS,
    Accepted,
    Ctx,
    Rejected,
    Result,
    Session,
    enum_value,
)
from conversations.core.engine.views import contact_added_reply
from conversations.core.events import Press, Text
from conversations.core.evidence_kinds import EvidenceClaim
from conversations.core.model import Case, Channel, Contact, DemandAction
from conversations.core.replies import Reply
from conversations.core.states import State, Trigger
from conversations.core.timing import Window, utc
from conversations.reading import (
    demands,
    doubts,
    rules,
    times,
    windows,
)


def on_contact_channel(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    if isinstance(ev, Press):
        if ev.action == Action.DONE:
            return Accepted(replace(case, contacts_done=True), Trigger.DONE)
        if ev.action == Action.CLEAR:
            return Accepted(replace(case, contacts=()), Trigger.CLEAR, (Reply("contacts_cleared"),))
        if ev.action == Action.DROP:
            return drop_entry(case, "contacts", ev.value, "contact_removed", "contact")
        channel = enum_value(Channel, ev.value) if ev.action == Action.CHANNEL else None
        if channel is None:
            return Rejected(Reply("use_buttons_or_text"))
    else:
        channel = channel_from_text(ev.text)
        if channel is None:
            return Rejected(Reply("reask_contact_channel"))
    if len(case.contacts) >= MAX_CONTACTS:
        return Rejected(Reply("too_many", {"limit": MAX_CONTACTS}))
    return Accepted(case, Trigger.CHOOSE, pending=Contact(channel=channel))


def on_contact_time(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    assert s.pending is not None
    if isinstance(ev, Press):
        if ev.action == Action.SKIP and case.status != "confirmed":
            return Accepted(case, Trigger.SKIP, pending=s.pending)
        if ev.action in (Action.NOW, Action.SKIP):  # on a case under way, the time defaults to now
            return Accepted(case, Trigger.ANSWER, pending=replace(s.pending, at=utc(ctx.now)))
        return Rejected(Reply("use_buttons_or_text"))
    # "11月5日" for a purchase made 2024-11-03 is 2024-11-05, not this year's.
    at = read_past_time(ev.text, ctx, after=case.purchased_at)
    if isinstance(at, Rejected):
        return at
    return Accepted(case, Trigger.ANSWER, pending=replace(s.pending, at=at))


def on_contact_ref(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    assert s.pending is not None
    if isinstance(ev, Press):
        if ev.action == Action.SKIP:
            return Accepted(case, Trigger.SKIP, pending=s.pending)
        return Rejected(Reply("use_buttons_or_text"))
    ref = one_line(ev.text)  # the user's own words: "工号 8801", "ticket T-12"
    if not ref:
        return Rejected(Reply("reask_contact_ref"))
    return Accepted(case, Trigger.ANSWER, pending=replace(s.pending, ref=ref))


def on_contact_promise(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    assert s.pending is not None
    if isinstance(ev, Press):
        if ev.action == Action.SKIP:
            contact = s.pending
        elif ev.action == Action.WINDOW and ev.value in PRESET_WINDOWS:
            contact = replace(s.pending, window=PRESET_WINDOWS[ev.value])
        else:
            return Rejected(Reply("use_buttons_or_text"))
    else:
        promise: str | None = ev.text.strip()
        made = s.pending.at or ctx.now
        # "明天下午6点前" is the day after the contact, not after the day it is typed.
        window = windows.promise_window(ev.text.strip(), made, ctx.tz)
        if window is None and times.only_a_time(ev.text):
            # A bare time is when they promised to answer by, not what they promised.
            by = times.parse_future_time(ev.text, made, ctx.tz)
            if by is None or by <= made:
                return Rejected(Reply("reask_promise_time"))
            promise, window = None, Window(ev.text.strip(), until=by)
        contact = replace(s.pending, promise=promise, window=window)
    saved = replace(case, contacts=(*case.contacts, contact))
    trigger = Trigger.SKIP if contact.promise is None and contact.window is None else Trigger.ANSWER
    return Accepted(saved, trigger, (contact_added_reply(saved, contact, ctx),), pending=None)


def on_demand_action(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    if isinstance(ev, Press):
        action = enum_value(DemandAction, ev.value) if ev.action == Action.DEMAND else None
        if action is None or action is DemandAction.CUSTOM:
            return Rejected(Reply("use_buttons_or_text"))
        answered = replace(case, demand_action=action, demand_text=None, demand_vague=None)
        return Accepted(answered, Trigger.ANSWER)
    text = ev.text.strip()
    if NO_REASON_RETURN.search(text):
        # Digital codes are excluded from 7-day no-reason returns (消保法第25条): steer away.
        return Rejected(Reply("no_reason_return"))
    action, custom, deadline = demands.parse_demand(text, ctx.now, ctx.tz)
    if deadline is not None and future(deadline, ctx) is None:
        return Rejected(Reply("deadline_in_past"))
    if action is None:
        if demands.is_vague_demand(text) or len(text) < 4:
            return Rejected(Reply("vague_demand", {"text": text}))
        action, custom = DemandAction.CUSTOM, text
    changed = replace(case,
        demand_action=action,
        demand_text=custom,
        demand_deadline=deadline or case.demand_deadline,
        demand_vague=None,
    )
    return Accepted(changed, Trigger.ANSWER)


def on_demand_deadline(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    window = read_window(ev, ctx)
    if window is None:
        return Rejected(Reply("reask_deadline"))
    if future(window, ctx) is None:
        return Rejected(Reply("deadline_in_past"))
    # "这周五之前" on a Sunday: that Friday has passed; the coming one is confirmed first.
    doubt = None if s.state is State.ASK_DOUBT else doubts.weekday_doubt(
        window.text, window, ctx.now, ctx.tz)
    if doubt is not None:
        return Accepted(replace(case, doubts=(doubt, *case.doubts)), Trigger.ANSWER)
    return Accepted(replace(case, demand_deadline=window), Trigger.ANSWER)


def on_rule(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    if isinstance(ev, Press):
        if ev.action == Action.SKIP:
            return Accepted(replace(case, rule_done=True), Trigger.SKIP)
        return Rejected(Reply("use_buttons_or_text"))
    rule = one_line(ev.text)
    if len(rule) < 4 or not rules.looks_like_rule(rule):
        return Rejected(Reply("reask_rule"))
    return Accepted(replace(case, rule_citation=rule, rule_done=True), Trigger.ANSWER)


def on_evidence(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    if isinstance(ev, Text):
        return Rejected(Reply("evidence_use_buttons"))
    if ev.action == Action.DONE:
        return Accepted(replace(case, evidence_done=True), Trigger.DONE)
    claim = enum_value(EvidenceClaim, ev.value) if ev.action == Action.CLAIM else None
    if claim is None:
        return Rejected(Reply("evidence_use_buttons"))
    held = case.evidence_claims
    toggled = tuple(c for c in held if c is not claim) if claim in held else (*held, claim)
    ordered = tuple(c for c in EvidenceClaim if c in toggled)
    return Accepted(replace(case, evidence_claims=ordered), Trigger.TOGGLE)
