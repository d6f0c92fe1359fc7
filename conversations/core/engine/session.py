"""Sessions, what a step returns, the input limits, and what an answer comes to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from conversations.core import evidence, model
from conversations.core.events import Evidence, Press, Text
from conversations.core.evidence_kinds import EvidenceClaim, EvidenceGroup
from conversations.core.model import (
    Case,
    Channel,
    Contact,
    DemandAction,
    IssueType,
    LogEntry,
    PaidWith,
)
from conversations.core.replies import Button, Reply
from conversations.core.states import State, Trigger
from conversations.core.timing import Window, WindowUnit, utc

# Input bounds: long enough for real answers, short enough to keep every text under its limits.
MAX_STORY = 3000
MAX_FIELD = {
    State.ASK_PLATFORM: 40,
    State.ASK_ORDER_NO: 40,
    State.ASK_PRODUCT: 80,
    State.ASK_ISSUE_DETAIL: 300,
    State.ASK_EVENTS: 300,
    State.ASK_CONTACT_REF: 60,
    State.ASK_CONTACT_PROMISE: 200,
    State.ASK_DEMAND_ACTION: 150,
    State.ASK_RULE: 300,
    State.ASK_COMPANY_NAME: 100,
    State.ASK_COMPANY_CODE: 40,
    State.ASK_COMPANY_ADDRESS: 200,
    State.ASK_EVIDENCE_NOTE: 200,
}


MAX_SHORT = 200  # any other single answer
MAX_EVENTS = model.MAX_EVENTS
MAX_CONTACTS = 20
MAX_AMOUNT_CENTS = 100_000_000  # 100万元: above that it is a typo, not a card code
REPEAT_WINDOW = timedelta(minutes=1)  # the same text again within this changes nothing
FUTURE_TOLERANCE = timedelta(minutes=2)  # clocks differ a little
_E = TypeVar(
    "_E", IssueType, DemandAction, Channel, EvidenceClaim, EvidenceGroup, State, PaidWith
)


# Windows offered as buttons; their words come from the labels, so they carry no text.
PRESET_WINDOWS = {
    "24h": Window("", 24, WindowUnit.HOURS),
    "48h": Window("", 48, WindowUnit.HOURS),
    "3wd": Window("", 3, WindowUnit.WORKING_DAYS),
}


@dataclass(frozen=True)
class Session:
    """One user's place in the conversation."""

    state: State = State.IDLE
    seq: int = 0  # bumps on every move, so buttons of an older question are recognised as stale
    case_no: int | None = None  # the case being worked on
    pending: Contact | None = None  # the contact being entered
    focus: int | None = None  # the evidence item being described
    inbox: tuple[Evidence, ...] = ()  # evidence sent outside a case, until the user says whose
    albums: tuple[evidence.Album, ...] = ()  # the latest albums' tallies, for their one reply
    last_text: str | None = None  # the user's last text, and when it came: a repeat within
    last_at: datetime | None = None  # REPEAT_WINDOW is the same message delivered twice


@dataclass(frozen=True)
class Ctx:
    """What a step may know about the world: the message's time and the user's settings."""

    now: datetime
    tz: ZoneInfo
    quiet: bool = True  # quiet hours: reminders due at night wait until 08:00


@dataclass(frozen=True)
class Prefs:
    """A user's settings, when a step changes them."""

    tz: str
    quiet: bool


@dataclass(frozen=True)
class Outcome:
    """The result of one step."""

    session: Session
    changed: tuple[Case, ...] = ()
    replies: tuple[Reply, ...] = ()
    notice: Reply | None = None  # a short toast for a button press
    snoozes: tuple[tuple[int, datetime], ...] = ()  # (case number, remind again at)
    prefs: Prefs | None = None  # changed settings
    deleted: tuple[int, ...] = ()  # case numbers to delete, with their files
    exports: tuple[int, ...] = ()  # case numbers to export as a PDF and a ZIP
    erase_files: tuple[str, ...] = ()  # downloaded files of removed evidence (data-relative)
    forget_user: bool = False  # delete everything of this user


SNOOZE_PRESETS = ("1h", "9am")
TIMEZONE_PRESETS = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Tokyo",
                    "Europe/London", "America/New_York")


def with_log(
    case: Case, ctx: Ctx, kind: str, detail: str | None = None, channel: Channel | None = None
) -> Case:
    """The case with one more entry in its log."""
    return replace(case, log=(*case.log, LogEntry(utc(ctx.now), kind, detail, channel)))


def is_repeat(session: Session, text: str, ctx: Ctx) -> bool:
    """The same text the user sent within the last minute: one message delivered twice."""
    last = session.last_at
    return session.last_text == text and last is not None and ctx.now - last < REPEAT_WINDOW


def idle_session(session: Session, case_no: int | None) -> Session:
    """The session at rest on a case (or none); evidence waiting for its case stays."""
    return replace(session, state=State.IDLE, seq=session.seq + 1, case_no=case_no, pending=None,
                   focus=None)


@dataclass(frozen=True)
class Accepted:
    case: Case
    trigger: Trigger
    replies: tuple[Reply, ...] = ()
    pending: Contact | None = None
    edit: State | None = None  # for Trigger.EDIT: the question to go back to
    snoozes: tuple[tuple[int, datetime], ...] = ()


@dataclass(frozen=True)
class Rejected:
    reply: Reply


Result = Accepted | Rejected


Handler = Callable[[Session, Case, Text | Press, Ctx], Result]


def button_rows(buttons: list[Button], per_row: int = 2) -> list[tuple[Button, ...]]:
    """Buttons laid out `per_row` to a row."""
    return [tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def enum_value(enum: type[_E], value: str) -> _E | None:
    try:
        return enum(value)
    except ValueError:
        return None
