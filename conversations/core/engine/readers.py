"""Small readers of an answer the intake and follow-up questions share."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import Literal

from conversations.core.actions import Action
from conversations.core.engine.session import (
    FUTURE_TOLERANCE,
    PRESET_WINDOWS,
    Accepted,
    Ctx,
    Rejected,
    Result,
)
from conversations.core.events import Press, Text
from conversations.core.model import Case, Channel, Unknown
from conversations.core.replies import Reply
from conversations.core.states import Trigger
from conversations.core.timing import Window, utc
from conversations.reading import (
    times,
    unknowns,
    windows,
)

NO_REASON_RETURN = re.compile(r"无理由|七天退货|7天退货|no[- ]reason", re.IGNORECASE)


def not_known(case: Case, ev: Text | Press, what: Unknown) -> Result | None:
    """The answer "I can't find / don't remember it", by its button or in words, or None."""
    if (isinstance(ev, Press) and ev.action == Action.UNKNOWN) or (
        isinstance(ev, Text) and unknowns.says_unknown(ev.text)
    ):
        return Accepted(case.not_known(what), Trigger.SKIP, (Reply("unknown_noted",
                                                                  {"what": what}),))
    return None


def typed_answer(ev: Text | Press, reask: str, min_length: int) -> str | Rejected:
    """A typed one-line answer, or the re-ask for a button press or a too-short answer."""
    if isinstance(ev, Press):
        return Rejected(Reply("use_buttons_or_text"))
    answer = one_line(ev.text)
    return answer if len(answer) >= min_length else Rejected(Reply(reask))


def drop_entry(
    case: Case, field: Literal["events", "contacts"], value: str, template: str, name: str
) -> Result:
    """Remove the entry of a list field that a 🗑 button names; a stale button changes nothing."""
    entries: tuple[object, ...] = case.events if field == "events" else case.contacts
    if not value.isdigit() or int(value) >= len(entries):
        return Rejected(Reply("notice_stale"))
    i = int(value)
    if field == "events":
        kept = replace(case, events=case.events[:i] + case.events[i + 1:])
    else:
        kept = replace(case, contacts=case.contacts[:i] + case.contacts[i + 1:])
    return Accepted(kept, Trigger.DROP, (Reply(template, {name: entries[i]}),))


def read_window(ev: Text | Press, ctx: Ctx, *, promise: bool = False) -> Window | None:
    """A window from a preset button ("24小时内") or from typed words ("3个工作日内"); a
    promise also in words without 内 ("3个工作日给答复")."""
    if isinstance(ev, Press):
        return PRESET_WINDOWS.get(ev.value) if ev.action == Action.WINDOW else None
    if promise:
        return windows.promise_window(ev.text.strip(), ctx.now, ctx.tz)
    return windows.find_window(ev.text.strip(), ctx.now, ctx.tz)


def future(window: Window | None, ctx: Ctx) -> Window | None:
    """The window, unless it is a deadline that has already passed."""
    if window is not None and window.until is not None and window.until <= ctx.now:
        return None
    return window


def read_past_time(
    text: str, ctx: Ctx, *, after: datetime | None = None
) -> datetime | Rejected:
    at = times.parse_time(text, ctx.now, ctx.tz, after=after)
    if at is None:
        return Rejected(Reply("reask_time"))
    if at > ctx.now + FUTURE_TOLERANCE:
        return Rejected(Reply("time_in_future", {"at": at}))
    return utc(at)


def one_line(text: str) -> str:
    return " ".join(text.split())


def strip_phrase(text: str, phrase: str) -> str:
    rest = text.replace(phrase, " ", 1)
    return one_line(rest).strip(" ,，:：;；。.-—")


_CHANNEL_WORDS: tuple[tuple[Channel, tuple[str, ...]], ...] = (
    (Channel.C12315, ("12315",)),
    (Channel.HEIMAO, ("黑猫", "heimao", "black cat")),
    (Channel.JUTOUSU, ("聚投诉", "jutousu")),
    (Channel.PAYMENT, ("支付宝", "微信支付", "alipay", "wechat pay")),
    (Channel.EMAIL, ("邮件", "邮箱", "email", "e-mail", "mail")),
    (Channel.PHONE, ("电话", "热线", "phone", "call")),
    (Channel.PLATFORM_SUPPORT, ("客服", "在线", "工单", "support", "chat", "ticket")),
)


def channel_from_text(text: str) -> Channel | None:
    low = text.lower()
    for channel, words in _CHANNEL_WORDS:
        if any(w in low for w in words):
            return channel
    return None
