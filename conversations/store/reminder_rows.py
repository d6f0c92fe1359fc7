"""The reminders table: what a case calls for, snoozes, what is due, and what became of it."""

from __future__ import annotations

from datetime import datetime, timedelta

from conversations.core.deadlines import Wanted
from conversations.store.conn import Conn
from conversations.store.rows import DueReminder, User, epoch, from_epoch

# How long a claim on due reminders keeps other instances off them; a claim runs out only
# when its instance died or hangs, and firing stays exactly once either way (see
# Coach._queue_push).
CLAIM_LEASE = timedelta(seconds=30)


class ReminderRows:
    """Reads and writes of reminders, inside the transaction of the `Tx` that inherits them."""

    _c: Conn

    async def sync_reminders(
        self, user: User, case_no: int, wanted: list[Wanted], now: datetime
    ) -> bool:
        """Make the case's reminders what the case calls for; True if any pending one changed.

        New windows get a pending reminder; a moved window moves its pending reminder;
        windows gone, or a resolved case, cancel what is pending, and a cancelled one wanted
        again is re-armed. A sent one is never sent again. A snooze stays until the case is
        resolved.
        """
        rows = await self._c.fetchall(
            "SELECT key, status, due_at FROM reminders WHERE user_id = ? AND case_no = ?",
            (user.user_id, case_no),
        )
        existing = {str(k): (str(s), int(d)) for k, s, d in rows}
        changed = False
        for w in wanted:
            due = epoch(w.due_at)
            deliver = epoch(w.deliver_at or w.due_at)
            old = existing.get(w.key)
            if old is None:
                await self._c.execute(
                    "INSERT INTO reminders (user_id, case_no, key, due_at, deliver_at, estimate, "
                    "status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
                    (user.user_id, case_no, w.key, due, deliver, int(w.estimate), epoch(now)),
                )
                changed = True
            elif old[0] == "cancelled" or (old[0] == "pending" and old[1] != due):
                # A pending one follows its window. A cancelled one wanted again (the case was
                # reopened) is re-armed, and fires at once if its time has passed: counted
                # from now, so it does not claim the bot was down. One already sent stays
                # sent, even if its end moves (a new timezone): a renewed promise is a new
                # contact with a reminder of its own.
                await self._c.execute(
                    "UPDATE reminders SET due_at = ?, deliver_at = ?, estimate = ?, "
                    "status = 'pending', outbox_id = NULL, sent_at = NULL, held_from = NULL, "
                    "claimed_until = NULL, "
                    "created_at = ? WHERE user_id = ? AND case_no = ? AND key = ?",
                    (due, deliver, int(w.estimate), epoch(now), user.user_id, case_no, w.key),
                )
                changed = True
        keep = {w.key for w in wanted}
        stale = [
            k for k, (status, _) in existing.items()
            if status == "pending" and k not in keep and (not wanted or not k.startswith("snooze"))
        ]
        for key in stale:
            await self._c.execute(
                "UPDATE reminders SET status = 'cancelled' WHERE user_id = ? AND case_no = ? "
                "AND key = ?",
                (user.user_id, case_no, key),
            )
        if not wanted:  # resolved or closed: a push still waiting to go out is withdrawn
            await self._withdraw_pushes(user.user_id, case_no)
        return changed or bool(stale)

    async def _withdraw_pushes(self, user_id: int, case_no: int) -> None:
        await self._c.execute(
            "UPDATE outbox SET failure = 'withdrawn: the case was resolved' WHERE chat_id = ? "
            "AND case_no = ? AND sent_at IS NULL AND failure IS NULL",
            (user_id, case_no),
        )
        await self._c.execute(
            "UPDATE reminders SET status = 'cancelled' WHERE user_id = ? AND case_no = ? "
            "AND status = 'queued'",
            (user_id, case_no),
        )

    async def snooze(
        self, user: User, case_no: int, until: datetime, deliver: datetime, now: datetime
    ) -> None:
        """A reminder of the case again at `until`, delivered at `deliver`."""
        row = await self._c.fetchone(
            "SELECT count(*) FROM reminders WHERE user_id = ? AND case_no = ? "
            "AND key LIKE 'snooze:%'",
            (user.user_id, case_no),
        )
        n = int(row[0]) + 1 if row else 1
        await self._c.execute(
            "INSERT INTO reminders (user_id, case_no, key, due_at, deliver_at, manual, status, "
            "created_at) VALUES (?, ?, ?, ?, ?, 1, 'pending', ?)",
            (user.user_id, case_no, f"snooze:{n}", epoch(until), epoch(deliver), epoch(now)),
        )

    async def pending_reminders(self, user_id: int) -> list[tuple[int, datetime]]:
        """A user's pending reminders: their ids and due times."""
        rows = await self._c.fetchall(
            "SELECT id, due_at FROM reminders WHERE user_id = ? AND status = 'pending'",
            (user_id,),
        )
        return [(int(rid), from_epoch(int(due))) for rid, due in rows]

    async def move_delivery(self, reminder_id: int, at: datetime) -> None:
        """Deliver a pending reminder at `at` (its user's timezone or quiet hours changed)."""
        await self._c.execute(
            "UPDATE reminders SET deliver_at = ?, held_from = NULL WHERE id = ?",
            (epoch(at), reminder_id),
        )

    async def next_reminder_at(self) -> datetime | None:
        """When the earliest pending reminder is to be delivered, or an instance's claim on
        one runs out (it may have died holding it)."""
        row = await self._c.fetchone(
            "SELECT min(deliver_at) FROM reminders WHERE status = 'pending' "
            "AND claimed_until IS NULL"
        )
        claimed = await self._c.fetchone(
            "SELECT min(claimed_until) FROM reminders WHERE status = 'pending' "
            "AND claimed_until IS NOT NULL"
        )
        times = [int(r[0]) for r in (row, claimed) if r and r[0] is not None]
        return from_epoch(min(times)) if times else None

    async def due_reminders(self, now: datetime, limit: int) -> list[DueReminder]:
        """Claim pending reminders whose delivery time has come, oldest first, for
        `CLAIM_LEASE`: other instances skip them, and take them over if the claim runs out."""
        rows = await self._c.fetchall(
            "UPDATE reminders SET claimed_until = ? WHERE id IN ("
            "SELECT id FROM reminders WHERE status = 'pending' AND deliver_at <= ? "
            "AND (claimed_until IS NULL OR claimed_until <= ?) "
            "ORDER BY deliver_at, id LIMIT ? FOR UPDATE SKIP LOCKED) "
            "RETURNING id, user_id, case_no, key, due_at, estimate, "
            "coalesce(held_from, deliver_at), created_at, deliver_at",
            (epoch(now + CLAIM_LEASE), epoch(now), epoch(now), limit),
        )
        rows.sort(key=lambda r: (int(r[8]), int(r[0])))  # RETURNING keeps no order
        return [
            DueReminder(int(i), int(u), int(c), str(k), from_epoch(int(d)), bool(e),
                        from_epoch(max(int(deliver), int(created))))
            for i, u, c, k, d, e, deliver, created, _ in rows
        ]

    async def hold_reminder(self, reminder_id: int, until: datetime) -> None:
        """Deliver a pending reminder later (a catch-up that would land in quiet hours)."""
        await self._c.execute(
            "UPDATE reminders SET held_from = coalesce(held_from, deliver_at), deliver_at = ?, "
            "claimed_until = NULL WHERE id = ? AND status = 'pending'",
            (epoch(until), reminder_id),
        )

    async def reminder_status(self, reminder_id: int) -> str | None:
        """A reminder's status."""
        row = await self._c.fetchone(
            "SELECT status FROM reminders WHERE id = ?", (reminder_id,)
        )
        return str(row[0]) if row else None

    async def set_reminder_status(self, reminder_id: int, status: str) -> None:
        """Set a reminder's status directly (a reminder that cannot be built)."""
        await self._c.execute(
            "UPDATE reminders SET status = ? WHERE id = ?", (status, reminder_id)
        )

    async def mark_queued(self, reminder_id: int, outbox_id: int | None) -> None:
        """The reminder's message is in the outbox (or nothing was owed: cancelled)."""
        status = "queued" if outbox_id is not None else "cancelled"
        await self._c.execute(
            "UPDATE reminders SET status = ?, outbox_id = ? WHERE id = ?",
            (status, outbox_id, reminder_id),
        )
