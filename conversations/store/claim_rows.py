"""What instances sharing one database hold: updates arriving per user, chats being sent to."""

from __future__ import annotations

from datetime import datetime, timedelta

from conversations.store.conn import Conn
from conversations.store.rows import epoch

# A chat's sender renews its claim with every message; a claim that runs out means its
# instance died or hangs, and another instance takes the chat over.
CHAT_LEASE = timedelta(seconds=60)
ARRIVALS_KEEP = timedelta(days=1)


class ClaimRows:
    """Arrivals and chat claims, inside the transaction of the `Tx` that inherits them."""

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

    async def leave(self, update_id: int) -> None:
        """The update is handled (or was already): it holds up nothing any more."""
        await self._c.execute("DELETE FROM arrivals WHERE update_id = ?", (update_id,))

    async def claim_chat(self, chat_id: int, holder: str, now: datetime) -> bool:
        """Become the one sender of a chat; if another instance is, ask it to look again."""
        row = await self._c.fetchone(
            "INSERT INTO chat_claims (chat_id, holder, until, again) VALUES (?, ?, ?, 0) "
            "ON CONFLICT (chat_id) DO UPDATE SET "
            "again = CASE WHEN chat_claims.until < ? THEN 0 ELSE 1 END, "
            "holder = CASE WHEN chat_claims.until < ? THEN excluded.holder "
            "ELSE chat_claims.holder END, "
            "until = CASE WHEN chat_claims.until < ? THEN excluded.until "
            "ELSE chat_claims.until END "
            "RETURNING holder",
            (chat_id, holder, epoch(now + CHAT_LEASE), epoch(now), epoch(now), epoch(now)),
        )
        return row is not None and row[0] == holder

    async def renew_chat(self, chat_id: int, holder: str, now: datetime) -> None:
        """Keep the claim on a chat while sending to it."""
        await self._c.execute(
            "UPDATE chat_claims SET until = ? WHERE chat_id = ? AND holder = ?",
            (epoch(now + CHAT_LEASE), chat_id, holder),
        )

    async def release_chat(self, chat_id: int, holder: str, force: bool = False) -> bool:
        """Give up the claim; unless forced, False (and the claim kept) when another instance
        queued more meanwhile and asked this one to look again."""
        if await self._c.execute(
            "DELETE FROM chat_claims WHERE chat_id = ? AND holder = ? AND (again = 0 OR ? = 1)",
            (chat_id, holder, int(force)),
        ):
            return True
        changed = await self._c.execute(
            "UPDATE chat_claims SET again = 0 WHERE chat_id = ? AND holder = ?",
            (chat_id, holder),
        )
        return changed == 0  # not ours any more (it ran out): nothing left to release

    async def prune_claims(self, now: datetime) -> None:
        """Forget arrivals that never came to be handled, and claims long run out."""
        await self._c.execute(
            "DELETE FROM arrivals WHERE arrived_at < ?", (epoch(now - ARRIVALS_KEEP),)
        )
        await self._c.execute(
            "DELETE FROM chat_claims WHERE until < ?", (epoch(now - CHAT_LEASE),)
        )
