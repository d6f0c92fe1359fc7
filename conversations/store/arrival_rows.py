"""Updates announced before they are handled, so each user's are handled in turn."""

from __future__ import annotations

from datetime import datetime, timedelta

from conversations.store.conn import Conn
from conversations.store.rows import epoch

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

    async def known(self, update_id: int) -> bool:
        """Whether an update reached some instance: announced, or already handled."""
        row = await self._c.fetchone(
            "SELECT 1 FROM arrivals WHERE update_id = ? "
            "UNION ALL SELECT 1 FROM processed_updates WHERE update_id = ?",
            (update_id, update_id),
        )
        return row is not None

    async def leave(self, update_id: int) -> None:
        """The update is handled (or was already): it holds up nothing any more."""
        await self._c.execute("DELETE FROM arrivals WHERE update_id = ?", (update_id,))

    async def prune_arrivals(self, now: datetime) -> None:
        """Forget arrivals that never came to be handled."""
        await self._c.execute(
            "DELETE FROM arrivals WHERE arrived_at < ?", (epoch(now - ARRIVALS_KEEP),)
        )
