"""The rows the store hands out (a user, a due reminder, a message to send) and stored times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from conversations.core.model import Lang
from conversations.core.timing import utc
from conversations.texts.messages import OutMessage


@dataclass(frozen=True)
class User:
    """A user's settings as stored."""

    user_id: int
    lang: Lang
    tz: str
    quiet_hours: bool = True


@dataclass(frozen=True)
class DueReminder:
    """A reminder whose delivery time has come."""

    id: int
    user_id: int
    case_no: int
    key: str
    due_at: datetime
    estimate: bool
    sendable_at: datetime  # the earliest it could go out: after quiet hours and its creation


@dataclass(frozen=True)
class Pending:
    """An outbox message not yet delivered."""

    id: int
    chat_id: int
    message: OutMessage


@dataclass(frozen=True)
class Figures:
    """What waits in the database, for the metrics."""

    reminders: dict[str, int]  # by status, and "due": pending with their time come
    backlog: int  # outbox messages not sent and not failed


def epoch(dt: datetime) -> int:
    """Whole seconds since the epoch, as a time is stored."""
    return int(utc(dt).timestamp())


def from_epoch(seconds: int) -> datetime:
    """A stored time, in UTC."""
    return datetime.fromtimestamp(seconds, UTC)
