"""A text's timeline: each contact as texts tell it, events and dealings merged in time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.core.model import (
    Contact,
    LogEntry,
    TimelineEvent,
)
from conversations.core.timing import Window


@dataclass(frozen=True)
class Due:
    """When a window closes, shown as an absolute time with the words it was given in."""

    at: datetime  # UTC
    window: Window
    passed: bool  # already over when the text is made
    estimate: bool  # holiday data was missing for part of it

    @property
    def absolute(self) -> bool:
        """The window was a time ("明天下午6点前"), not a span ("48小时内")."""
        return self.window.until is not None


@dataclass(frozen=True)
class ContactView:
    """One earlier contact as the texts tell it: what was said, promised, and what came of it."""

    contact: Contact
    talk: bool  # talked to the platform (chat, phone) rather than filed a complaint
    again: bool  # an earlier contact on the same channel: a promise made once more
    said: str | None  # their answer at the time, when it set no window ("已提交技术")
    rest: str | None  # what a promise says after its window's words ("24小时内" + "处理")
    due: Due | None  # the promised window's end, or the regulator's (12315), when known
    replies: tuple[LogEntry, ...]  # what they answered later, as logged
    refused_at: datetime | None  # when they refused (the time of the reply that said so)
    refusal: str | None  # the answer that came with the refusal


@dataclass(frozen=True)
class Step:
    """One line of a text's timeline: an event or a contact, in the order they happened."""

    at: datetime | None
    event: TimelineEvent | None = None
    contact: ContactView | None = None


def timeline_steps(
    events: tuple[TimelineEvent, ...], views: tuple[ContactView, ...]
) -> tuple[Step, ...]:
    """Events and contacts in the order they happened; one without a time keeps its place
    after the item recorded before it in its own list."""
    keyed: list[tuple[tuple[float, int, int], Step]] = []
    for kind, items in enumerate((
        [(e.at, Step(e.at, event=e)) for e in events],
        [(v.contact.at, Step(v.contact.at, contact=v)) for v in views],
    )):
        last = float("-inf")
        for i, (at, step) in enumerate(items):
            last = at.timestamp() if at is not None else last
            keyed.append(((last, kind, i), step))
    return tuple(step for _, step in sorted(keyed, key=lambda k: k[0]))
