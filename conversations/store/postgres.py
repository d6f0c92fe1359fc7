"""PostgreSQL: one database shared by any number of instances, through asyncpg."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from conversations.store.conn import CHANNEL, PgConn
from conversations.store.pace import (
    KEEP,
    STALE,
    WAITING_STALE,
    Pace,
    SendRow,
    chat_wait,
    window_wait,
)
from conversations.store.storage import Store, migrations, statements
from conversations.store.tx import Tx

log = logging.getLogger(__name__)
DbConn = asyncpg.Connection | asyncpg.pool.PoolConnectionProxy

POOL_SIZE = 10
_MIGRATION_LOCK = (0x636F, 0x6163)  # the two-number key space: never a user's lock
_CHAT_LOCKS = 1  # the first number of a chat's lock; the second is the chat (hashed to 32 bits)


class PgStore(Store):
    """A pool of connections, and one more that listens for what other instances changed."""

    def __init__(self, pool: asyncpg.Pool, listener: asyncpg.Connection, url: str) -> None:
        super().__init__()
        self._pool = pool
        self._url = url
        # The listener's session also holds the chats this instance sends to: a session-level
        # advisory lock, which PostgreSQL drops the moment the instance's connection dies, so
        # no other instance waits out a lease after a SIGKILL.
        self._listener = listener
        self._session = asyncio.Lock()  # one statement at a time on that connection

    @classmethod
    async def connect(cls, url: str) -> PgStore:
        """Connect, migrate (one instance at a time), and listen."""
        pool = await asyncpg.create_pool(url, min_size=1, max_size=POOL_SIZE)
        assert pool is not None
        async with pool.acquire() as db:
            await _migrate(db)
        listener = await asyncpg.connect(url)
        store = cls(pool, listener, url)
        await listener.add_listener(CHANNEL, store._heard)
        return store

    async def _listening(self) -> asyncpg.Connection:
        """The listening session, connected again if it was lost (its chat locks went with
        it, and a flush under way may overlap another instance's once)."""
        if self._listener.is_closed():
            log.warning("the listening connection was lost; connecting again")
            self._listener = await asyncpg.connect(self._url)
            await self._listener.add_listener(CHANNEL, self._heard)
            self.on_notice("reminders")  # a wake-up may have been missed meanwhile
        return self._listener

    async def claim_chat(self, chat_id: int) -> bool:
        """Hold the chat's advisory lock (the two-number key space) if nobody else does."""
        async with self._session:
            db = await self._listening()
            got = await db.fetchval(
                "SELECT pg_try_advisory_lock($1, $2)", _CHAT_LOCKS, _int4(chat_id)
            )
        return bool(got)

    async def release_chat(self, chat_id: int) -> None:
        """Let the chat's advisory lock go."""
        async with self._session:
            db = await self._listening()
            await db.execute("SELECT pg_advisory_unlock($1, $2)", _CHAT_LOCKS, _int4(chat_id))

    def _heard(self, conn: object, pid: int, channel: str, payload: object) -> None:
        self.on_notice(str(payload))

    @property
    def shared(self) -> bool:
        """Any number of instances may share the database."""
        return True

    async def close(self) -> None:
        """Close the listener and the pool."""
        await self._listener.close()
        await self._pool.close()

    async def ping(self) -> bool:
        """Whether the database answers within two seconds."""
        try:
            async with asyncio.timeout(2.0):
                return bool(await self._pool.fetchval("SELECT 1"))
        except Exception:
            return False

    @asynccontextmanager
    async def transaction(self, user: int | None = None, durable: bool = True) -> AsyncIterator[Tx]:
        """A transaction on a pooled connection; with `user`, that user's advisory lock. Every
        commit is durable: the server waits for its disk, not this process's CPU."""
        async with self._pool.acquire() as db, db.transaction():
            conn = PgConn(db)
            if user is not None:
                await conn.lock(user)
            yield Tx(conn)

    async def reserve_send(
        self, chat_id: int, room: int, pace: Pace, urgent: bool = False, ticket: int = 0,
    ) -> tuple[int, float, int]:
        """Take a send slot in the token's window, across every instance: (row id, 0, 0), or
        (0, how long to wait, a ticket to pass back). An urgent send (a reply) that finds the
        window full gets a ticket that holds its place ahead of pushes."""
        async with self._pool.acquire() as db, db.transaction():
            await db.execute("SELECT pg_advisory_xact_lock(0, 1)")  # one counter at a time
            # One clock for every instance: the database's.
            now = float(await db.fetchval("SELECT extract(epoch FROM clock_timestamp())"))
            await db.execute(
                "DELETE FROM sends WHERE done < $1 OR started < $2 OR (waiting AND started < $3)",
                now - KEEP, now - STALE, now - WAITING_STALE,
            )
            rows = [SendRow(*r) for r in await db.fetch(
                "SELECT id, chat_id, started, done, waiting FROM sends")]
            full = window_wait(rows, now, room, urgent, ticket)
            wait = max(chat_wait(rows, chat_id, now, pace), full)
            if wait > 0:
                if urgent and full and not ticket:
                    ticket = await db.fetchval(
                        "INSERT INTO sends (started, chat_id, waiting) VALUES ($1, $2, true) "
                        "RETURNING id", now, chat_id)
                elif ticket:  # still waiting: keep the place from going stale
                    await db.execute("UPDATE sends SET started = $1 WHERE id = $2", now, ticket)
                return 0, wait, ticket
            if ticket:
                await db.execute("DELETE FROM sends WHERE id = $1", ticket)
            send_id = await db.fetchval(
                "INSERT INTO sends (started, chat_id) VALUES ($1, $2) RETURNING id", now, chat_id)
            return int(send_id), 0.0, 0

    async def finish_send(self, send_id: int) -> None:
        """The send's answer came back: it counts for one more second from now."""
        await self._pool.execute(
            "UPDATE sends SET done = extract(epoch FROM clock_timestamp()) WHERE id = $1", send_id)


async def _migrate(db: DbConn) -> None:
    """Apply what is missing; instances starting together take turns on an advisory lock."""
    async with db.transaction():
        await db.execute("SELECT pg_advisory_xact_lock($1, $2)", *_MIGRATION_LOCK)
        await db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        version = await db.fetchval("SELECT max(version) FROM schema_version") or 0
        for number, sql in migrations("postgres"):
            if number <= version:
                continue
            for statement in statements(sql):
                await db.execute(statement)
            await db.execute("INSERT INTO schema_version (version) VALUES ($1)", number)
            log.info("database migrated to version %d", number)


def _int4(chat_id: int) -> int:
    """A chat id as the second number of a two-number lock key (chats sharing one only
    take turns)."""
    folded = (chat_id ^ (chat_id >> 32)) & 0xFFFFFFFF
    return folded - (1 << 32) if folded >= 1 << 31 else folded
