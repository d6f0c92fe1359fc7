"""One connection's statements, whatever the database: the SQL the store's rows share."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol

import asyncpg

Row = tuple[Any, ...]
_ROW_LOCKS = " FOR UPDATE SKIP LOCKED"


class Conn(Protocol):
    """Statements inside the current transaction, written with `?` placeholders."""

    async def execute(self, sql: str, args: Sequence[object] = ()) -> int:
        """Run a statement; returns how many rows it changed."""
        ...

    async def fetchone(self, sql: str, args: Sequence[object] = ()) -> Row | None:
        """The first row of a query, if any."""
        ...

    async def fetchall(self, sql: str, args: Sequence[object] = ()) -> list[Row]:
        """Every row of a query."""
        ...

    async def lock(self, key: int) -> None:
        """Hold `key` (a user) until the transaction ends, against every other instance."""
        ...

    async def notify(self, what: str) -> None:
        """Tell every instance, once the transaction commits, that `what` changed."""
        ...


class SqliteConn:
    """The standard library's sqlite3 on the event loop's own thread.

    aiosqlite, which this replaces, hops to its worker thread and back for every statement:
    about forty hops an update, which the CPU profile showed as the largest cost of all.
    Statements here are small and indexed; only the commit, which waits for the disk, goes to
    a thread (see `SqliteStore.transaction`).
    """

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    async def execute(self, sql: str, args: Sequence[object] = ()) -> int:
        """Run a statement; returns how many rows it changed."""
        return self._db.execute(_for_sqlite(sql), args).rowcount

    async def fetchone(self, sql: str, args: Sequence[object] = ()) -> Row | None:
        """The first row of a query, if any."""
        row = self._db.execute(_for_sqlite(sql), args).fetchone()
        return tuple(row) if row is not None else None

    async def fetchall(self, sql: str, args: Sequence[object] = ()) -> list[Row]:
        """Every row of a query."""
        return [tuple(r) for r in self._db.execute(_for_sqlite(sql), args).fetchall()]

    async def lock(self, key: int) -> None:
        """Nothing to do: one SQLite writer at a time already holds the whole database."""

    async def notify(self, what: str) -> None:
        """Nothing to do: a SQLite file has one instance, which wakes itself."""


class PgConn:
    """asyncpg inside a transaction, with the store's `?` placeholders numbered for it."""

    def __init__(self, db: asyncpg.pool.PoolConnectionProxy) -> None:
        self._db = db

    async def execute(self, sql: str, args: Sequence[object] = ()) -> int:
        """Run a statement; returns how many rows it changed."""
        status: str = await self._db.execute(_for_postgres(sql), *args)
        last = status.rsplit(" ", 1)[-1]
        return int(last) if last.isdigit() else 0

    async def fetchone(self, sql: str, args: Sequence[object] = ()) -> Row | None:
        """The first row of a query, if any."""
        row = await self._db.fetchrow(_for_postgres(sql), *args)
        return tuple(row) if row is not None else None

    async def fetchall(self, sql: str, args: Sequence[object] = ()) -> list[Row]:
        """Every row of a query."""
        return [tuple(r) for r in await self._db.fetch(_for_postgres(sql), *args)]

    async def lock(self, key: int) -> None:
        """A transaction-level advisory lock on the key (the one-number key space)."""
        await self._db.execute("SELECT pg_advisory_xact_lock($1)", key)

    async def notify(self, what: str) -> None:
        """NOTIFY on the store's channel; delivered at commit, dropped on rollback."""
        await self._db.execute("SELECT pg_notify($1, $2)", CHANNEL, what)


CHANNEL = "complaint_coach"  # LISTEN/NOTIFY channel every instance listens on


@lru_cache(maxsize=512)
def _for_sqlite(sql: str) -> str:
    return sql.replace(_ROW_LOCKS, "")  # one writer at a time: there is nothing to skip


_PLACEHOLDER = re.compile(r"\?")


@lru_cache(maxsize=512)
def _for_postgres(sql: str) -> str:
    numbers = iter(range(1, 1000))
    return _PLACEHOLDER.sub(lambda _: f"${next(numbers)}", sql)
