"""Sends reminders when they fall due: sleeps until the next one, never polls every second."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from conversations.shell.service import Coach
from conversations.store.storage import Store

log = logging.getLogger(__name__)

# Due reminders claimed at a time; a backlog is worked through batch by batch. A batch is
# queued within seconds, well inside a claim's lease, and other instances take the next.
BATCH = 50
MAX_SLEEP = 3600.0  # re-check at least hourly, whatever happened to the clock


class Scheduler:
    """Reads the next due time from the database and fires what is due, oldest first."""

    def __init__(
        self,
        store: Store,
        coach: Coach,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = store
        self._coach = coach
        self._clock = clock
        self._changed = asyncio.Event()

    def wake(self) -> None:
        """Something changed: look at the next due time again."""
        self._changed.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Fire reminders as they fall due until `stop` is set."""
        while not stop.is_set():
            self._changed.clear()
            try:
                if await self.fire_due():
                    continue  # a full batch may mean more are due already
                async with self._store.transaction() as tx:
                    next_at = await tx.next_reminder_at()
            except Exception:
                log.exception("the reminder scheduler failed; retrying in a minute")
                next_at = None
                await _first(stop.wait(), self._changed.wait(), at_most=60.0)
                continue
            wait = MAX_SLEEP
            if next_at is not None:
                wait = min(MAX_SLEEP, max(0.0, (next_at - self._clock()).total_seconds()))
            await _first(stop.wait(), self._changed.wait(), at_most=wait)

    async def fire_due(self) -> int:
        """Fire every reminder due now; returns how many were queued for delivery."""
        fired = 0
        while True:
            async with self._store.transaction() as tx:
                due = await tx.due_reminders(self._clock(), BATCH)
            for reminder in due:
                try:
                    fired += await self._coach.fire(reminder)
                except Exception:
                    # One broken reminder must not hold back every one due after it.
                    log.exception("reminder %s could not be sent", reminder.id)
                    async with self._store.transaction() as tx:
                        await tx.set_reminder_status(reminder.id, "undeliverable")
            if len(due) < BATCH:
                return fired


async def _first(*waits: object, at_most: float) -> None:
    """Wait until the first of the awaitables finishes, or the timeout passes."""
    tasks = [asyncio.ensure_future(w) for w in waits]  # type: ignore[call-overload]
    try:
        await asyncio.wait(tasks, timeout=at_most, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for t in tasks:
            t.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await t
