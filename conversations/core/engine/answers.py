"""Answers after the intake (company, notes, replies, snooze, review); every question's handler."""

from __future__ import annotations

from dataclasses import replace

from conversations.core import channels, evidence, uscc, workdays
from conversations.core.actions import Action
from conversations.core.engine.claims import (
    on_contact_channel,
    on_contact_promise,
    on_contact_ref,
    on_contact_time,
    on_demand_action,
    on_demand_deadline,
    on_evidence,
    on_rule,
)
from conversations.core.engine.followup import answering
from conversations.core.engine.intake import (
    on_amount,
    on_doubt,
    on_events,
    on_issue_detail,
    on_issue_type,
    on_order_no,
    on_platform,
    on_product,
    on_purchase_time,
    on_story,
)
from conversations.core.engine.questions import ask, move
from conversations.core.engine.readers import one_line, read_window, typed_answer
from conversations.core.engine.session import (
    Accepted,
    Ctx,
    Handler,
    Outcome,
    Rejected,
    Result,
    Session,
    enum_value,
    with_log,
)
from conversations.core.engine.views import confirmed_texts, contact_added_reply, snoozed_data
from conversations.core.events import Press, Text
from conversations.core.model import Case, Channel, Contact
from conversations.core.replies import Reply
from conversations.core.states import EDITABLE, State, Trigger
from conversations.core.timing import utc
from conversations.reading import (
    times,
    windows,
)


def on_answer(session: Session, case: Case, event: Text | Press, ctx: Ctx) -> Outcome:
    result = _HANDLERS[session.state](session, case, event, ctx)
    if isinstance(result, Rejected):
        # Bad input leaves the case unchanged and asks the same question again.
        return Outcome(session, replies=(result.reply, ask(session, case)))
    new = move(session, result.trigger, result.case, result.pending, result.edit)
    replies = list(result.replies)
    if new.state is State.IDLE:
        return Outcome(new, (result.case,), tuple(replies), snoozes=result.snoozes)
    replies.append(ask(new, result.case))
    changed = (result.case,) if result.case != case else ()
    return Outcome(new, changed, tuple(replies))


def _on_company_name(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    name = typed_answer(ev, "reask_company_name", 4)
    if isinstance(name, Rejected):
        return name
    return Accepted(replace(case, company_name=name), Trigger.ANSWER, pending=s.pending)


def _on_company_code(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    if isinstance(ev, Press):
        if ev.action == Action.SKIP:
            return Accepted(replace(case, company_code=None), Trigger.SKIP, pending=s.pending)
        return Rejected(Reply("use_buttons_or_text"))
    code = uscc.normalise(ev.text)
    if not uscc.is_valid(code):
        return Rejected(Reply("reask_company_code"))
    return Accepted(replace(case, company_code=code), Trigger.ANSWER, pending=s.pending)


def _on_company_address(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    assert s.pending is not None
    if isinstance(ev, Press):
        if ev.action != Action.SKIP:
            return Rejected(Reply("use_buttons_or_text"))
        done, trigger = replace(case, company_address=None), Trigger.SKIP
    else:
        address = one_line(ev.text)
        if len(address) < 4:
            return Rejected(Reply("reask_company_address"))
        done, trigger = replace(case, company_address=address), Trigger.ANSWER
    text = channels.channel_reply(done, s.pending.channel, ctx.now, ctx.tz)
    return Accepted(done, trigger, (Reply("company_saved", {"case": done}), text))


def _on_evidence_note(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    if isinstance(ev, Press):
        return Rejected(Reply("use_buttons_or_text"))
    note = one_line(ev.text)
    item = next((i for i in case.evidence if i.id == s.focus), None)
    if item is None or not note:
        return Rejected(Reply("reask_evidence_note"))
    # The note is read too: "支付宝账单" files the item as the payment record.
    noted, described = evidence.describe(case, item.id, note)
    done = Reply("evidence_noted", {"item": described, "note": note,
                                    "refiled": described.what != item.what})
    return Accepted(noted, Trigger.ANSWER, (done,))


def _on_reply(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    if isinstance(ev, Press):
        return Rejected(Reply("use_buttons_or_text"))
    said = one_line(ev.text)
    if not said:
        return Rejected(Reply("ask/ask_reply", {"case": case}))
    logged = with_log(case, ctx, "reply", said[:500], answering(s))
    return Accepted(logged, Trigger.ANSWER, pending=s.pending)


def _on_reply_outcome(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    if isinstance(ev, Text) or ev.action != Action.OUTCOME:
        return Rejected(Reply("use_buttons_or_text"))
    if ev.value == "resolved":
        done = with_log(replace(case, resolved_at=utc(ctx.now)), ctx, "resolved")
        return Accepted(done, Trigger.DONE, (Reply("resolved", {"case": done}),))
    if ev.value == "promise":
        return Accepted(case, Trigger.CHOOSE, pending=s.pending)
    if ev.value == "refused":
        # A refusal is the moment to climb the ladder: the next channel's text, ready.
        refused = with_log(case, ctx, "refused", None, answering(s))
        nxt, _ = channels.recommended(refused)
        if nxt in channels.NEEDS_COMPANY and refused.company_name is None:
            # Its form names the respondent: ask for it, then send the text (pending names it).
            said = Reply("refused", {"case": refused, "next": nxt, "ask_company": True})
            return Accepted(refused, Trigger.COMPANY, (said, Reply("company_intro")),
                             pending=Contact(nxt))
        text = channels.channel_reply(refused, nxt, ctx.now, ctx.tz)
        said = Reply("refused", {"case": refused, "next": nxt, "ask_company": False})
        return Accepted(refused, Trigger.DONE, (said, text))
    return Rejected(Reply("use_buttons_or_text"))


def _on_reply_window(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    window = read_window(ev, ctx, promise=True)
    if window is None:
        return Rejected(Reply("reask_deadline"))
    channel = answering(s) or Channel.PLATFORM_SUPPORT
    promise = ev.text.strip() if isinstance(ev, Text) else None
    contact = Contact(channel, utc(ctx.now), None, promise, window)
    saved = replace(case, contacts=(*case.contacts, contact))
    return Accepted(saved, Trigger.ANSWER, (contact_added_reply(saved, contact, ctx),))


def _on_snooze(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    if isinstance(ev, Press):
        return Rejected(Reply("use_buttons_or_text"))
    # A time to remind at lies ahead: "周五下午3点" is the coming Friday, "2天后" two days from
    # now to the minute, and 2月30日 is asked again.
    at = times.parse_future_time(ev.text, ctx.now, ctx.tz)
    if at is None:
        window = windows.find_window(ev.text, ctx.now, ctx.tz)  # "3个工作日内", "by Friday"
        at = workdays.window_end(window, ctx.now, ctx.tz).at if window else None
    if at is None or at <= ctx.now:
        return Rejected(Reply("reask_snooze"))
    return Accepted(case, Trigger.ANSWER, (Reply("snoozed", snoozed_data(at, ctx)),),
                     snoozes=((case.no, utc(at)),))


def _on_review(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> Result:
    if isinstance(ev, Text):
        return Rejected(Reply("review_use_buttons"))
    if ev.action == Action.CONFIRM:
        done = replace(case, status="confirmed", confirmed_at=utc(ctx.now))
        return Accepted(done, Trigger.CONFIRM, confirmed_texts(done, ctx))
    field = enum_value(State, ev.value) if ev.action == Action.EDIT else None
    if field is None or field not in EDITABLE:
        return Rejected(Reply("review_use_buttons"))
    # Lists are re-opened for more items rather than cleared, so an edit loses nothing.
    if field is State.ASK_EVENTS:
        case = replace(case, events_done=False)
    if field is State.ASK_CONTACT_CHANNEL:
        case = replace(case, contacts_done=False)
    return Accepted(case, Trigger.EDIT, edit=field)


_HANDLERS: dict[State, Handler] = {
    State.ASK_STORY: on_story,
    State.ASK_DOUBT: on_doubt,
    State.ASK_PLATFORM: on_platform,
    State.ASK_ORDER_NO: on_order_no,
    State.ASK_PRODUCT: on_product,
    State.ASK_AMOUNT: on_amount,
    State.ASK_PURCHASE_TIME: on_purchase_time,
    State.ASK_ISSUE_TYPE: on_issue_type,
    State.ASK_ISSUE_DETAIL: on_issue_detail,
    State.ASK_EVENTS: on_events,
    State.ASK_CONTACT_CHANNEL: on_contact_channel,
    State.ASK_CONTACT_TIME: on_contact_time,
    State.ASK_CONTACT_REF: on_contact_ref,
    State.ASK_CONTACT_PROMISE: on_contact_promise,
    State.ASK_DEMAND_ACTION: on_demand_action,
    State.ASK_DEMAND_DEADLINE: on_demand_deadline,
    State.ASK_RULE: on_rule,
    State.ASK_EVIDENCE: on_evidence,
    State.REVIEW: _on_review,
    State.ASK_COMPANY_NAME: _on_company_name,
    State.ASK_COMPANY_CODE: _on_company_code,
    State.ASK_COMPANY_ADDRESS: _on_company_address,
    State.ASK_EVIDENCE_NOTE: _on_evidence_note,
    State.ASK_REPLY: _on_reply,
    State.ASK_REPLY_OUTCOME: _on_reply_outcome,
    State.ASK_REPLY_WINDOW: _on_reply_window,
    State.ASK_SNOOZE: _on_snooze,
}
