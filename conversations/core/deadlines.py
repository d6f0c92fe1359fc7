"""Where deadlines come from: promises, the demand, and each channel's default window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from conversations.core.model import Case, Channel, Contact
from conversations.core.timing import Window, WindowUnit
from conversations.core.workdays import Deadline, window_end


class Sureness(StrEnum):
    """How sure a default window's figure is, as the user is told."""

    LAW = "law"  # a statute's own figure
    PLATFORM = "platform"  # the platform's own published rule
    REPORTED = "reported"  # secondary sources only
    UNKNOWN = "unknown"  # not published: our default, said so
    OURS = "ours"  # our own default where no one promises a figure


@dataclass(frozen=True)
class DefaultWindow:
    """A channel's window when nobody promised one, where the figure comes from, how sure."""

    window: Window
    source: str
    sure: Sureness


# The one table of default windows. Each says where its figure comes from and how sure it is.
DEFAULT_WINDOWS: dict[Channel, DefaultWindow] = {
    Channel.PLATFORM_SUPPORT: DefaultWindow(
        Window("", 24, WindowUnit.HOURS), "our default when the platform promised no window",
        Sureness.OURS,
    ),
    Channel.EMAIL: DefaultWindow(
        Window("", 3, WindowUnit.WORKING_DAYS), "our default for a written complaint",
        Sureness.OURS,
    ),
    Channel.PHONE: DefaultWindow(
        Window("", 24, WindowUnit.HOURS), "our default when the call brought no promise",
        Sureness.OURS,
    ),
    Channel.C12315: DefaultWindow(
        Window("", 7, WindowUnit.WORKING_DAYS),
        "消费者权益保护法 第46条: a regulator handles a complaint and informs the consumer "
        "within 7 working days of receiving it (市场监管总局令第121号, in force 2026-04-15)",
        Sureness.LAW,
    ),
    Channel.HEIMAO: DefaultWindow(
        Window("", 48, WindowUnit.HOURS),
        "黑猫投诉 is reported to expect a merchant response within 48 hours "
        "(secondary sources only)",
        Sureness.REPORTED,
    ),
    Channel.JUTOUSU: DefaultWindow(
        Window("", 48, WindowUnit.HOURS),
        "聚投诉 publishes no response time: 48 hours is our own default for a reminder",
        Sureness.UNKNOWN,
    ),
    Channel.PAYMENT: DefaultWindow(
        Window("", 72, WindowUnit.HOURS),
        "微信支付's merchant rules ask a merchant to finish a complaint within 72 hours "
        "(kf.qq.com 消费者投诉处理指南, merchant-facing); 支付宝 publishes none: our default",
        Sureness.UNKNOWN,
    ),
    Channel.MEDIATION: DefaultWindow(
        Window("", 7, WindowUnit.WORKING_DAYS),
        "the mediation period under the new 办法 is not confirmed: our default for a first "
        "answer", Sureness.UNKNOWN,
    ),
    Channel.OTHER: DefaultWindow(
        Window("", 3, WindowUnit.WORKING_DAYS), "our default for any other channel",
        Sureness.OURS,
    ),
}

QUIET_START = time(22, 0)
QUIET_END = time(8, 0)


@dataclass(frozen=True)
class Wanted:
    """A reminder the case calls for."""

    key: str  # "contact:<index>" or "demand": stable while the case is edited
    due_at: datetime  # UTC
    estimate: bool  # holiday data was missing for part of the window
    deliver_at: datetime | None = None  # held past quiet hours; None: at its due time


def default_sureness(contact: Contact | None) -> Sureness | None:
    """How sure a contact's window is when it is the channel's default; None when promised."""
    if contact is None or contact.window is not None:
        return None
    return DEFAULT_WINDOWS[contact.channel].sure


def contact_window(contact: Contact) -> Window:
    """The window a contact opened: the one promised, else the channel's default."""
    return contact.window or DEFAULT_WINDOWS[contact.channel].window


def window_start(case: Case, contact: Contact, tz: ZoneInfo) -> datetime:
    """Where a contact's window is counted from; a day-only contact ("昨天找了客服") stays a
    day, and `window_end` counts hours from its end and days from the day itself."""
    return contact_start(case, contact)


def contact_deadline(case: Case, contact: Contact, tz: ZoneInfo) -> Deadline:
    """When a contact's window closes."""
    return window_end(contact_window(contact), window_start(case, contact, tz), tz)


def contact_start(case: Case, contact: Contact) -> datetime:
    """When a contact's window started: its time, else when the case was confirmed."""
    return contact.at or case.confirmed_at or case.created_at


def live_contacts(case: Case) -> list[tuple[int, Contact]]:
    """The contacts whose windows still matter, with their indexes.

    A later contact on the same channel (a new promise, a second filing) supersedes an earlier
    one, and a refusal answers the contacts of its channel made before it: their windows no
    longer call for a reminder, nor make the case overdue.
    """
    refusals = [e for e in case.log if e.kind == "refused"]
    starts = [contact_start(case, c) for c in case.contacts]
    live = []
    for i, contact in enumerate(case.contacts):
        later = any(
            c.channel is contact.channel and (starts[j], j) > (starts[i], i)
            for j, c in enumerate(case.contacts)
        )
        # A refusal answers the contacts of its channel (older records name none: all).
        refused = any(
            starts[i] <= e.at and e.channel in (None, contact.channel) for e in refusals
        )
        if not (later or refused):
            live.append((i, contact))
    return live


def demand_deadline(case: Case, tz: ZoneInfo, now: datetime | None = None) -> Deadline | None:
    """When the deadline the user demanded ends, counted from the case's confirmation (for a
    case not confirmed yet, from `now`, when its texts would go out)."""
    start = case.confirmed_at or now
    if case.demand_deadline is None or start is None:
        return None
    return window_end(case.demand_deadline, start, tz)


@dataclass(frozen=True)
class _Open:
    """A window a confirmed case waits on: its reminder key, and what it was counted from."""

    key: str  # "contact:<index>" or "demand"
    contact: Contact | None  # None: the deadline the user demanded
    end: Deadline
    start: datetime
    counted: Window


def _open_windows(case: Case, tz: ZoneInfo) -> list[_Open]:
    """The live contacts' windows, then the demanded deadline, in that order."""
    if case.status != "confirmed":
        return []
    out = [
        _Open(f"contact:{i}", c, contact_deadline(case, c, tz), window_start(case, c, tz),
              contact_window(c))
        for i, c in live_contacts(case)
    ]
    demanded = demand_deadline(case, tz)
    if demanded is not None and case.demand_deadline is not None:
        assert case.confirmed_at is not None
        out.append(_Open("demand", None, demanded, case.confirmed_at, case.demand_deadline))
    return out


def wanted(case: Case, tz: ZoneInfo, quiet: bool = False) -> list[Wanted]:
    """The reminders a confirmed, unresolved case calls for, each held past the user's quiet
    hours when they keep them."""
    if case.resolved_at is not None or case.closed_at is not None:
        return []
    return [
        Wanted(w.key, w.end.at, w.end.estimate, _held(w.end.at, tz, quiet))
        for w in _open_windows(case, tz)
    ]


def _held(due: datetime, tz: ZoneInfo, quiet: bool) -> datetime | None:
    """When a reminder due at `due` goes out, if not then."""
    at = deliver_at(due, tz, quiet)
    return None if at == due else at


@dataclass(frozen=True)
class Explained:
    """A window the case waits on, with what it was counted from, for the user to see."""

    contact: Contact | None  # None: the deadline the user demanded
    at: datetime
    start: datetime
    counted: Window
    promised: bool  # promised (or demanded), not a channel's default
    estimate: bool
    remind_at: datetime
    sure: Sureness | None = None  # a channel's default: how sure its figure is


def explained(case: Case, tz: ZoneInfo, quiet: bool) -> list[Explained]:
    """Every window that calls for a reminder, as absolute times with their basis."""
    out = [
        Explained(w.contact, w.end.at, w.start, w.counted,
                  w.contact is None or w.contact.window is not None, w.end.estimate,
                  deliver_at(w.end.at, tz, quiet), default_sureness(w.contact))
        for w in _open_windows(case, tz)
    ]
    return sorted(out, key=lambda e: e.at)


def deliver_at(due: datetime, tz: ZoneInfo, quiet: bool) -> datetime:
    """When to push a reminder due at `due`: held until 08:00 if it falls in quiet hours."""
    if not quiet:
        return due
    local = due.astimezone(tz)
    if local.time() >= QUIET_START:
        morning = datetime.combine(local.date() + timedelta(days=1), QUIET_END, tzinfo=tz)
    elif local.time() < QUIET_END:
        morning = datetime.combine(local.date(), QUIET_END, tzinfo=tz)
    else:
        return due
    return morning.astimezone(due.tzinfo)
