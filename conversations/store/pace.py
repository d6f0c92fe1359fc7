"""The token's sends shared by every instance: the last second overall, and each chat's pace."""

from __future__ import annotations

from dataclasses import dataclass

KEEP = 5.0  # seconds a send row is kept: a chat's burst of four refills at one a second
STALE = 60.0  # seconds after which a send whose instance died stops counting
WAITING_STALE = 3.0  # seconds after which a waiting reply whose instance died stops counting


@dataclass(frozen=True)
class SendRow:
    """One row of the `sends` table."""

    id: int
    chat_id: int | None
    started: float
    done: float | None
    waiting: bool


@dataclass(frozen=True)
class Pace:
    """A chat's limit: a burst of `burst` messages, refilled at `per_second`."""

    burst: float = 4.0
    per_second: float = 1.0


def window_wait(rows: list[SendRow], now: float, room: int, urgent: bool, ticket: int) -> float:
    """0 when a send may start now, else how long until the window has room.

    A send counts from before it leaves until a second after its answer came back, so every
    moment it could have reached Telegram is covered and `room` can be the limit itself.
    Replies waiting for a slot count as taken for pushes, so a reply goes first.
    """
    counted = [r for r in rows if not r.waiting and (r.done is None or r.done > now - 1.0)]
    taken = len(counted)
    if not urgent:
        taken += sum(1 for r in rows if r.waiting and r.id != ticket)
    if taken < room:
        return 0.0
    answered = [r.done for r in counted if r.done is not None]
    return 1.0 - (now - min(answered)) + 0.001 if answered else 0.01


def chat_wait(rows: list[SendRow], chat_id: int, now: float, pace: Pace) -> float:
    """0 when the chat's bucket holds a send, else how long until it does.

    A send is placed at its answer (or its start while in flight): no earlier than it reached
    Telegram, so the chat's next send is never closer to it than the pace allows.
    """
    times = sorted(r.done if r.done is not None else r.started
                   for r in rows if r.chat_id == chat_id and not r.waiting)
    tokens, stamp = pace.burst, now - KEEP
    for t in times:
        tokens = min(pace.burst, tokens + (t - stamp) * pace.per_second) - 1
        stamp = t
    tokens = min(pace.burst, tokens + (now - stamp) * pace.per_second)
    return 0.0 if tokens >= 1 else (1 - tokens) / pace.per_second
