"""Updates announced before they are handled, so each user's are handled in turn."""

from __future__ import annotations

from datetime import datetime, timedelta

from conversations.core.timing import utc
from conversations.store.conn import Conn
from conversations.store.rows import epoch

IN_FLIGHT = 64  # updates Telegram may have on their way at once (max_connections is 40)
ARRIVALS_KEEP = timedelta(days=1)  # an arrival this old was never handled: forget it


class ArrivalRows:
    """Arrivals, inside the transaction of the `Tx` that inherits them."""

    _c: Conn

    async def arrive(self, update_id: int, user_id: int, now: datetime) -> None:
        """Announce an update before it is handled, so a later one of the user waits for it."""
        await self._c.execute(
            "INSERT INTO arrivals (update_id, user_id, arrived_at) VALUES (?, ?, ?) "
            "ON CONFLICT (update_id) DO NOTHING",
            (update_id, user_id, epoch(now)),
        )

    async def earlier_arrival(self, user_id: int, update_id: int, since: datetime) -> bool:
        """Whether an earlier update of the user, announced since `since`, is unhandled."""
        row = await self._c.fetchone(
            "SELECT 1 FROM arrivals WHERE user_id = ? AND update_id < ? AND arrived_at >= ? "
            "LIMIT 1",
            (user_id, update_id, epoch(since)),
        )
        return row is not None

    async def all_before_known(self, update_id: int) -> bool:
        """Whether every update numbered before this one (looking back at most `IN_FLIGHT`,
        and not before the first one recorded) reached some instance: announced, or handled.
        Telegram numbers updates one after another, so a missing number is one on its way."""
        row = await self._c.fetchone("SELECT min(update_id) FROM processed_updates")
        first = int(row[0]) if row and row[0] is not None else update_id
        lo = max(update_id - IN_FLIGHT, first)
        if lo >= update_id:
            return True
        handled = await self._c.fetchone(
            "SELECT count(*) FROM processed_updates WHERE update_id >= ? AND update_id < ?",
            (lo, update_id),
        )
        arrived = await self._c.fetchone(
            "SELECT count(*) FROM arrivals WHERE update_id >= ? AND update_id < ?",
            (lo, update_id),
        )
        known = (int(handled[0]) if handled else 0) + (int(arrived[0]) if arrived else 0)
        return known >= update_id - lo

    async def settle(self, update_id: int, now: datetime) -> None:
        """Record an update that reached no case (not a user's message, or unreadable), so
        that later ones do not wait for it."""
        await self._c.execute(
            "INSERT INTO processed_updates (update_id, user_id, processed_at) "
            "VALUES (?, NULL, ?) ON CONFLICT (update_id) DO NOTHING",
            (update_id, utc(now).isoformat()),
        )
        await self.leave(update_id)

    async def leave(self, update_id: int) -> None:
        """The update is handled (or was already): it holds up nothing any more."""
        await self._c.execute("DELETE FROM arrivals WHERE update_id = ?", (update_id,))

    async def prune_arrivals(self, now: datetime) -> None:
        """Forget arrivals that never came to be handled."""
        await self._c.execute(
            "DELETE FROM arrivals WHERE arrived_at < ?", (epoch(now - ARRIVALS_KEEP),)
        )
