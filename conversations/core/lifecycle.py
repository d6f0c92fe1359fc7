"""A case's life: its status and next deadline follow from its history; its timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from conversations.core.channels import LADDER, recommended
from conversations.core.deadlines import (
    contact_deadline,
    contact_start,
    demand_deadline,
    live_contacts,
)
from conversations.core.model import Case, Channel, Contact, Unknown


class Status(StrEnum):
    """Where a case stands; never set by hand, always derived from the case."""

    DRAFT = "draft"  # 草稿
    READY = "ready"  # 已整理: confirmed, nothing filed yet
    FILED = "filed"  # 已投诉(channel)
    WAITING = "waiting"  # 等待答复: a promise is running
    OVERDUE = "overdue"  # 已逾期
    REFUSED = "refused"  # 被拒绝(channel): the latest contact refused; time to climb
    ESCALATED = "escalated"  # 已升级(channel)
    RESOLVED = "resolved"  # 已解决
    CLOSED = "closed"  # 已关闭


@dataclass(frozen=True)
class Standing:
    """A case's status, the channel it names, and its next deadline."""

    status: Status
    channel: Channel | None = None
    deadline: datetime | None = None  # the nearest window still open, or the one that lapsed
    estimate: bool = False  # that deadline was counted past the holiday data


class Advice(NamedTuple):
    """The next step: a channel and the key of its one-line reason, or wait until a time."""

    channel: Channel | None
    why: str
    until: datetime | None = None  # wait for the answer promised by then
    estimate: bool = False  # `until` was counted past the holiday data


def _rung(channel: Channel) -> int:
    return next((i for i, rung in enumerate(LADDER) if channel in rung), 0)


def standing(case: Case, now: datetime, tz: ZoneInfo) -> Standing:
    """The case's status now."""
    if case.status == "draft":
        return Standing(Status.DRAFT)
    if case.resolved_at is not None:
        return Standing(Status.RESOLVED)
    if case.closed_at is not None:
        return Standing(Status.CLOSED)
    demanded = demand_deadline(case, tz)
    demand_end = demanded.at if demanded else None
    if not case.contacts:
        status = Status.OVERDUE if demand_end is not None and demand_end <= now else Status.READY
        return Standing(status, None, demand_end, bool(demanded and demanded.estimate))
    # The latest contact is what the case waits on now; earlier windows are history.
    index, latest = _latest(case)
    if index not in {i for i, _ in live_contacts(case)}:
        return Standing(Status.REFUSED, latest.channel)  # answered with a refusal
    ends = contact_deadline(case, latest, tz)
    if ends.at <= now:
        return Standing(Status.OVERDUE, latest.channel, ends.at, ends.estimate)
    if demanded is not None and now < demanded.at < ends.at:
        ends = demanded  # the nearest window still open
    if _rung(latest.channel) > min(_rung(c.channel) for c in case.contacts):
        status = Status.ESCALATED
    elif latest.promise is not None or latest.window is not None:
        status = Status.WAITING
    else:
        status = Status.FILED
    return Standing(status, latest.channel, ends.at, ends.estimate)


def advice(case: Case, now: datetime, tz: ZoneInfo) -> Advice:
    """What to do now: wait while the latest contact's window is open, else climb the ladder
    past every channel already tried."""
    s = standing(case, now, tz)
    if s.status in (Status.FILED, Status.WAITING, Status.ESCALATED) and s.channel is not None:
        _, latest = _latest(case)
        ends = contact_deadline(case, latest, tz)
        return Advice(None, "why.wait", ends.at, ends.estimate)
    channel, why = recommended(case)
    return Advice(channel, why)


def _latest(case: Case) -> tuple[int, Contact]:
    """The last contact made (in time, then in the order recorded), with its index."""
    starts = [(contact_start(case, c), i) for i, c in enumerate(case.contacts)]
    index = max(starts)[1]
    return index, case.contacts[index]


# Overdue first, then by the nearest deadline; closed and resolved cases last.
_ORDER = {Status.OVERDUE: 0, Status.REFUSED: 0, Status.WAITING: 1, Status.FILED: 1,
          Status.ESCALATED: 1, Status.READY: 2, Status.DRAFT: 3, Status.RESOLVED: 4,
          Status.CLOSED: 4}


def urgency(case: Case, now: datetime, tz: ZoneInfo) -> tuple[int, float, int]:
    """A sort key: most urgent first."""
    s = standing(case, now, tz)
    when = s.deadline.timestamp() if s.deadline else float("inf")
    return (_ORDER[s.status], when, -case.no)


@dataclass(frozen=True)
class Entry:
    """One line of the timeline."""

    at: datetime
    kind: str  # purchase, event, contact, evidence, or a log kind
    data: Any
    undated: bool = False  # a contact recorded without its time: placed at the case's start


def _events(case: Case) -> list[Entry]:
    """The timeline's events; one without a time stands after the one told before it."""
    out: list[Entry] = []
    last = case.purchased_at or case.created_at
    for e in case.events:
        last = e.at or last
        out.append(Entry(last, "event", e, undated=e.at is None))
    return out


def timeline(case: Case) -> list[Entry]:
    """Everything that happened, newest last."""
    entries = _events(case)
    entries += [
        Entry(contact_start(case, c), "contact", c, undated=c.at is None) for c in case.contacts
    ]
    entries += [Entry(i.received_at, "evidence", i) for i in case.evidence]
    entries += [Entry(entry.at, entry.kind, entry) for entry in case.log]
    # The purchase goes first, so an entry at the same minute sorts after it.
    if case.purchased_at:
        entries.insert(0, Entry(case.purchased_at, "purchase", case))
    elif Unknown.PURCHASE_TIME in case.unknown:
        # Bought at a time the user does not remember: first, and shown without a time.
        first = min((e.at for e in entries), default=case.created_at)
        entries.insert(0, Entry(first, "purchase", case, undated=True))
    return sorted(entries, key=lambda e: e.at)
