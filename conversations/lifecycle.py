"""A case's life: its status and next deadline follow from its history; its timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from conversations.channels import LADDER
from conversations.deadlines import contact_deadline
from conversations.model import Case, Channel, Contact


class Status(StrEnum):
    """Where a case stands; never set by hand, always derived from the case."""

    DRAFT = "draft"  # 草稿
    READY = "ready"  # 已整理: confirmed, nothing filed yet
    FILED = "filed"  # 已投诉(channel)
    WAITING = "waiting"  # 等待答复: a promise is running
    OVERDUE = "overdue"  # 已逾期
    ESCALATED = "escalated"  # 已升级(channel)
    RESOLVED = "resolved"  # 已解决
    CLOSED = "closed"  # 已关闭


@dataclass(frozen=True)
class Standing:
    """A case's status, the channel it names, and its next deadline."""

    status: Status
    channel: Channel | None = None
    deadline: datetime | None = None  # the nearest window still open, or the one that lapsed


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
    if not case.contacts:
        return Standing(Status.READY)
    # The latest contact is what the case waits on now; earlier windows are history.
    latest = _latest(case)
    end = contact_deadline(case, latest, tz).at
    if end <= now:
        return Standing(Status.OVERDUE, latest.channel, end)
    if _rung(latest.channel) > min(_rung(c.channel) for c in case.contacts):
        return Standing(Status.ESCALATED, latest.channel, end)
    if latest.promise is not None or latest.window is not None:
        return Standing(Status.WAITING, latest.channel, end)
    return Standing(Status.FILED, latest.channel, end)


def _latest(case: Case) -> Contact:
    """The last contact made (in time, or in the order recorded when times are missing)."""
    timed = [(c.at, i) for i, c in enumerate(case.contacts) if c.at]
    if not timed:
        return case.contacts[-1]
    return case.contacts[max(timed)[1]]


# Overdue first, then by the nearest deadline; closed and resolved cases last.
_ORDER = {Status.OVERDUE: 0, Status.WAITING: 1, Status.FILED: 1, Status.ESCALATED: 1,
          Status.READY: 2, Status.DRAFT: 3, Status.RESOLVED: 4, Status.CLOSED: 4}


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


def timeline(case: Case) -> list[Entry]:
    """Everything that happened, newest last."""
    entries: list[Entry] = []
    if case.purchased_at:
        entries.append(Entry(case.purchased_at, "purchase", case))
    entries += [Entry(e.at, "event", e) for e in case.events]
    entries += [Entry(c.at, "contact", c) for c in case.contacts if c.at]
    entries += [Entry(i.received_at, "evidence", i) for i in case.evidence]
    entries += [Entry(entry.at, entry.kind, entry) for entry in case.log]
    return sorted(entries, key=lambda e: e.at)
