"""Following a confirmed case up: a contact logged, a reply, resolve, close, reopen, snooze."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from conversations.core import channels
from conversations.core.engine.questions import ask, move
from conversations.core.engine.session import (
    SNOOZE_PRESETS,
    Ctx,
    Outcome,
    Session,
    enum_value,
    with_log,
)
from conversations.core.engine.views import (
    case_view_replies,
    channel_picker,
    menu_reply,
    snoozed_data,
)
from conversations.core.model import (
    Case,
    Channel,
    Contact,
    PaidWith,
    utc,
)
from conversations.core.replies import Button, Reply
from conversations.core.states import Trigger


def paid_question(case: Case, then: str) -> Reply:
    """How the user paid, asked before the payment platform's text (`then`: text, text_zh)."""
    rows = tuple(
        (Button("paid", f"{case.no}.{p.value}.{then}", label=f"pay.{p}"),) for p in PaidWith
    )
    return Reply("ask_paid_with", {"case": case}, rows)


def paid_press(arg: str, session: Session, idle: Session, case: Case, ctx: Ctx) -> Outcome:
    """How the user paid: 支付宝 or 微信支付 gets the payment platform's text; another way
    is noted, and the menu offers the other channels."""
    method, _, then = arg.partition(".")
    paid = enum_value(PaidWith, method)
    if paid is None or then not in ("text", "text_zh"):
        return Outcome(session, notice=Reply("notice_stale"))
    noted = case.with_(paid_with=paid)
    if paid is PaidWith.OTHER:
        return Outcome(idle, changed=(noted,),
                       replies=(Reply("paid_other", {"case": noted}), menu_reply(noted, ctx)))
    text = channels.channel_reply(noted, Channel.PAYMENT, ctx.now, ctx.tz, then == "text_zh")
    return Outcome(idle, changed=(noted,), replies=(text,))


def follow_press(
    action: str, arg: str, session: Session, idle: Session, case: Case, ctx: Ctx
) -> Outcome:
    """Following a confirmed case up: a call or a filing logged, a reply, resolved, snoozed."""
    if action == "log":  # which channel the contact was on, then the usual questions
        return Outcome(idle, replies=(channel_picker(case, "filed", tuple(Channel),
                                                      "log_choose"),))
    if action in ("call", "filed"):
        channel = Channel.PHONE if action == "call" else enum_value(Channel, arg)
        if channel is None:
            return Outcome(session, notice=Reply("notice_stale"))
        new = move(idle, Trigger.LOG_CONTACT, case, pending=Contact(channel))
        return Outcome(new, replies=(ask(new, case),))
    if action == "resolve":
        if case.resolved_at is not None:
            return Outcome(session, notice=Reply("notice_already_resolved"))
        done = with_log(case.with_(resolved_at=utc(ctx.now)), ctx, "resolved")
        return Outcome(idle, changed=(done,), replies=(Reply("resolved", {"case": done}),))
    if action == "close":
        if case.closed_at is not None or case.resolved_at is not None:
            return Outcome(session, notice=Reply("notice_stale"))
        closed = with_log(case.with_(closed_at=utc(ctx.now)), ctx, "closed")
        return Outcome(idle, changed=(closed,), replies=(Reply("closed", {"case": closed}),))
    if action == "reopen":
        if case.closed_at is None and case.resolved_at is None:
            return Outcome(session, notice=Reply("notice_stale"))
        reopened = with_log(case.with_(closed_at=None, resolved_at=None), ctx, "reopened")
        return Outcome(idle, changed=(reopened,), replies=case_view_replies(reopened, ctx))
    if action == "reply":
        # Which channel answered decides whose window the reply closes or renews.
        named = enum_value(Channel, arg) if arg else None
        used = list(dict.fromkeys(c.channel for c in reversed(case.contacts)))
        if named is None and len(used) > 1:
            return Outcome(idle, replies=(channel_picker(case, "reply", tuple(used),
                                                          "reply_which"),))
        channel = named or (used[0] if used else Channel.PLATFORM_SUPPORT)
        new = move(idle, Trigger.REPLY, case, pending=Contact(channel))
        return Outcome(new, replies=(ask(new, case),))
    # snooze: an hour, tomorrow 09:00, or a time the user types
    if arg == "ask":
        new = move(idle, Trigger.SNOOZE, case, pending=None)
        return Outcome(new, replies=(ask(new, case),))
    if arg not in SNOOZE_PRESETS:
        return Outcome(session, notice=Reply("notice_stale"))
    local = ctx.now.astimezone(ctx.tz)
    at = (
        local + timedelta(hours=1) if arg == "1h"
        else datetime.combine(local.date() + timedelta(days=1), time(9), tzinfo=ctx.tz)
    )
    return Outcome(session, snoozes=((case.no, utc(at)),),
                   notice=Reply("notice_snoozed", snoozed_data(at, ctx)))


def answering(session: Session) -> Channel | None:
    """The channel whose reply is being logged (the reply flow's pending contact)."""
    return session.pending.channel if session.pending is not None else None
