"""Prometheus metrics: what the bot handled and sent, and what waits in the database.

Counters and the handling-time histogram live in this process; the reminder and outbox
figures are read from the database at each scrape, so they are the same whichever instance
answers.
"""

from __future__ import annotations

from datetime import datetime

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

from conversations.store.storage import Store

UPDATES = Counter("coach_updates_total", "Updates handled, by kind of event", ["kind"])
HANDLING = Histogram("coach_update_seconds", "Time to handle one update and commit it")
REPLIES = Counter("coach_replies_total", "Messages sent, or failed by kind of error", ["result"])
WAITED_429 = Counter("coach_rate_limited_waits_total", "429 answers waited out before a resend")
REMINDERS = Gauge("coach_reminders", "Reminders by status (due: pending and due now)",
                  ["status"])
BACKLOG = Gauge("coach_outbox_backlog", "Messages committed and not yet sent")
CONTENT_TYPE = CONTENT_TYPE_LATEST


async def exposition(store: Store, now: datetime) -> bytes:
    """The metrics in Prometheus's text format, the database's figures read now."""
    figures = await store.figures(now)
    for status, count in figures.reminders.items():
        REMINDERS.labels(status).set(count)
    BACKLOG.set(figures.backlog)
    return generate_latest()
