"""Following a confirmed case up: a contact logged, a reply, resolve, close, reopen, snooze."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

from conversations.core import channels
from conversations.core.actions import Action
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
from conversations.core.model import Case, Channel, Contact, PaidWith
from conversations.core.replies import Button, Reply
from conversations.core.states import Trigger
from conversations.core.timing import utc


def paid_question(case: Case, then: str) -> Reply:
    """How the user paid, asked before the payment platform's text (`then`: text, text_zh)."""
    rows = tuple(
        (Button(Action.PAID, f"{case.no}.{p.value}.{then}", label=f"pay.{p}"),) for p in PaidWith
    )
    return Reply("ask_paid_with", {"case": case}, rows)


def paid_press(arg: str, session: Session, idle: Session, case: Case, ctx: Ctx) -> Outcome:
    """How the user paid: 支付宝 or 微信支付 gets the payment platform's text; another way
    is noted, and the menu offers the other channels."""
    method, _, then = arg.partition(".")
    paid = enum_value(PaidWith, method)
    if paid is None or then not in ("text", "text_zh"):
        return Outcome(session, notice=Reply("notice_stale"))
    noted = replace(case, paid_with=paid)
    if paid is PaidWith.OTHER:
        return Outcome(idle, changed=(noted,),
                       replies=(Reply("paid_other", {"case": noted}), menu_reply(noted, ctx)))
    text = channels.channel_reply(noted, Channel.PAYMENT, ctx.now, ctx.tz, then == "text_zh")
    return Outcome(idle, changed=(noted,), replies=(text,))


def follow_press(
    action: Action, arg: str, session: Session, idle: Session, case: Case, ctx: Ctx
) -> Outcome:
    """Following a confirmed case up: a call or a filing logged, a reply, resolved, snoozed."""
    return _FOLLOW[action](action, arg, Pressed(session, idle, case, ctx))


@dataclass(frozen=True)
class Pressed:
    """Where a follow-up button was pressed: the session, the idle one it leads to, the case."""

    session: Session
    idle: Session
    case: Case
    ctx: Ctx

    def stale(self) -> Outcome:
        """An old or forged button: nothing changes."""
        return Outcome(self.session, notice=Reply("notice_stale"))


def _log(action: Action, arg: str, p: Pressed) -> Outcome:
    """Which channel the contact was on, then the usual questions."""
    picker = channel_picker(p.case, Action.FILED, tuple(Channel), "log_choose")
    return Outcome(p.idle, replies=(picker,))


def _contact(action: Action, arg: str, p: Pressed) -> Outcome:
    channel = Channel.PHONE if action is Action.CALL else enum_value(Channel, arg)
    if channel is None:
        return p.stale()
    new = move(p.idle, Trigger.LOG_CONTACT, p.case, pending=Contact(channel))
    return Outcome(new, replies=(ask(new, p.case),))


def _resolve(action: Action, arg: str, p: Pressed) -> Outcome:
    if p.case.resolved_at is not None:
        return Outcome(p.session, notice=Reply("notice_already_resolved"))
    done = with_log(replace(p.case, resolved_at=utc(p.ctx.now)), p.ctx, "resolved")
    return Outcome(p.idle, changed=(done,), replies=(Reply("resolved", {"case": done}),))


def _close(action: Action, arg: str, p: Pressed) -> Outcome:
    if p.case.closed_at is not None or p.case.resolved_at is not None:
        return p.stale()
    closed = with_log(replace(p.case, closed_at=utc(p.ctx.now)), p.ctx, "closed")
    return Outcome(p.idle, changed=(closed,), replies=(Reply("closed", {"case": closed}),))


def _reopen(action: Action, arg: str, p: Pressed) -> Outcome:
    if p.case.closed_at is None and p.case.resolved_at is None:
        return p.stale()
    reopened = with_log(replace(p.case, closed_at=None, resolved_at=None), p.ctx, "reopened")
    return Outcome(p.idle, changed=(reopened,), replies=case_view_replies(reopened, p.ctx))


def _reply(action: Action, arg: str, p: Pressed) -> Outcome:
    # Which channel answered decides whose window the reply closes or renews.
    named = enum_value(Channel, arg) if arg else None
    used = list(dict.fromkeys(c.channel for c in reversed(p.case.contacts)))
    if named is None and len(used) > 1:
        picker = channel_picker(p.case, Action.REPLY, tuple(used), "reply_which")
        return Outcome(p.idle, replies=(picker,))
    channel = named or (used[0] if used else Channel.PLATFORM_SUPPORT)
    new = move(p.idle, Trigger.REPLY, p.case, pending=Contact(channel))
    return Outcome(new, replies=(ask(new, p.case),))


def _snooze(action: Action, arg: str, p: Pressed) -> Outcome:
    """An hour, tomorrow 09:00, or a time the user types."""
    if arg == "ask":
        new = move(p.idle, Trigger.SNOOZE, p.case, pending=None)
        return Outcome(new, replies=(ask(new, p.case),))
    if arg not in SNOOZE_PRESETS:
        return p.stale()
    local = p.ctx.now.astimezone(p.ctx.tz)
    at = (
        local + timedelta(hours=1) if arg == "1h"
        else datetime.combine(local.date() + timedelta(days=1), time(9), tzinfo=p.ctx.tz)
    )
    return Outcome(p.session, snoozes=((p.case.no, utc(at)),),
                   notice=Reply("notice_snoozed", snoozed_data(at, p.ctx)))


_FOLLOW: dict[Action, Callable[[Action, str, Pressed], Outcome]] = {
    Action.LOG: _log,
    Action.CALL: _contact,
    Action.FILED: _contact,
    Action.RESOLVE: _resolve,
    Action.CLOSE: _close,
    Action.REOPEN: _reopen,
    Action.REPLY: _reply,
    Action.SNOOZE: _snooze,
}


def answering(session: Session) -> Channel | None:
    """The channel whose reply is being logged (the reply flow's pending contact)."""
    return session.pending.channel if session.pending is not None else None
