"""The push a reminder sends: what expired, what happened so far, and the next step ready."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from conversations.core import channels, lifecycle
from conversations.core.actions import Action
from conversations.core.model import Case, Channel, Contact
from conversations.core.replies import Button, Reply

LATE_AFTER = timedelta(minutes=5)  # later than this, the push says how late it is
# A broken promise on the platform's own channels first gets the ultimatum (设定底线).
_PLATFORM_SIDE = frozenset({Channel.PLATFORM_SUPPORT, Channel.EMAIL, Channel.PHONE})


def _expired_contact(case: Case, key: str) -> Contact | None:
    if not key.startswith("contact:"):
        return None
    index = int(key.split(":", 1)[1])
    return case.contacts[index] if index < len(case.contacts) else None


def next_step(case: Case, key: str) -> str:
    """The text to have ready: the follow-up for a first broken platform promise, else the
    next channel up the ladder."""
    contact = _expired_contact(case, key)
    on_platform = sum(c.channel in _PLATFORM_SIDE for c in case.contacts)
    if contact is not None and contact.channel in _PLATFORM_SIDE and on_platform < 2:
        return "followup"
    return channels.recommended(case)[0].value


def reminder_replies(
    case: Case,
    key: str,
    due_at: datetime,
    estimate: bool,
    now: datetime,
    tz: ZoneInfo,
    late: timedelta = timedelta(0),
) -> tuple[Reply, ...]:
    """The reminder with the ready text of its next step; `late` is how long after it could
    first have gone out it is sent (the bot was down)."""
    step = next_step(case, key)
    climb, why = channels.recommended(case)
    rows = (
        (Button(Action.RESOLVE, str(case.no), label="btn.resolved"),
         Button(Action.REPLY, _reply_value(case, key), label="btn.got_reply")),
        (Button(Action.TEXT, f"{case.no}.{climb.value}", label="btn.escalate"),),
        (Button(Action.SNOOZE, f"{case.no}.1h", label="btn.snooze_1h"),
         Button(Action.SNOOZE, f"{case.no}.9am", label="btn.snooze_9am"),
         Button(Action.SNOOZE, f"{case.no}.ask", label="btn.snooze_ask")),
    )
    # The next step's text goes in the same push, unless its form needs the company first.
    needs_company = step in channels.NEEDS_COMPANY and not case.company_name
    ready = None if needs_company else channels.channel_reply(case, step, now, tz)
    data = {
        **(ready.data if ready else {}),
        "case": case,
        "key": key,
        "contact": _expired_contact(case, key),
        "due": due_at,
        "estimate": estimate,
        "late": late if late > LATE_AFTER else None,
        "step": step,
        "why": why,
        "recent": _recent(case),
        "ready": ready.template if ready else None,
    }
    # One push: a stream of reminders to many users then costs one message per chat.
    # The ready text keeps to one message with the reminder, its lists shortened to fit.
    return (Reply("reminder", data, (*rows, *(ready.buttons if ready else ())),
                  one_message=ready is not None),)


def _reply_value(case: Case, key: str) -> str:
    """A reply to this push comes from the channel whose window expired, when one did."""
    contact = _expired_contact(case, key)
    return f"{case.no}.{contact.channel.value}" if contact else str(case.no)


RECENT_KINDS = frozenset({"event", "contact", "reply", "refused"})


def _recent(case: Case) -> list[lifecycle.Entry]:
    """The last few things that happened, newest last: events, contacts, replies."""
    return [e for e in lifecycle.timeline(case) if e.kind in RECENT_KINDS][-4:]
