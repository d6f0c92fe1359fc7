"""SQLite: one file, one connection, one writer; the default for a single instance."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from conversations.store.conn import SqliteConn
from conversations.store.storage import Store, migrations, statements
from conversations.store.tx import Tx


class SqliteStore(Store):
    """One SQLite file behind one connection; one transaction at a time."""

    def __init__(self, db: sqlite3.Connection) -> None:
        super().__init__()
        self._db = db
        self._lock = asyncio.Lock()  # one connection: one transaction at a time

    @classmethod
    async def connect(cls, path: Path) -> SqliteStore:
        """Open (creating, owner-only) and migrate the database."""
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Create the file owner-only before SQLite does, so it is never world-readable.
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
        os.chmod(path, 0o600)
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")  # an answer acknowledged is an answer kept
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA busy_timeout=5000")
        store = cls(db)
        await asyncio.to_thread(store._migrate)
        # One instance per file: claims left by a killed run of it hold nothing any more.
        db.execute("UPDATE reminders SET claimed_until = NULL WHERE claimed_until IS NOT NULL")
        return store

    @property
    def shared(self) -> bool:
        """A SQLite file serves one instance."""
        return False

    async def claim_chat(self, chat_id: int) -> bool:
        """Always: one instance, whose own per-chat lock keeps its sends in order."""
        return True

    async def release_chat(self, chat_id: int) -> None:
        """Nothing is held in the database."""

    async def close(self) -> None:
        """Close the connection."""
        async with self._lock:
            self._db.close()

    def _migrate(self) -> None:
        row = self._db.execute("PRAGMA user_version").fetchone()
        version = int(row[0]) if row else 0
        for number, sql in migrations("sqlite"):
            if number <= version:
                continue
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for statement in statements(sql):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number}")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    async def ping(self) -> bool:
        """Whether the database answers."""
        try:
            async with self._lock:
                return self._db.execute("SELECT 1").fetchone() is not None
        except Exception:
            return False

    @asynccontextmanager
    async def transaction(self, user: int | None = None, durable: bool = True) -> AsyncIterator[Tx]:
        """A write transaction: committed on success, rolled back on any error."""
        async with self._lock:
            if not durable:
                # Written to the WAL, not synced: kept through a SIGKILL, and made durable by
                # the next synced commit, which syncs the whole WAL.
                self._db.execute("PRAGMA synchronous=NORMAL")
            try:
                async with self._in_transaction(wait_for_disk=durable) as tx:
                    yield tx
            finally:
                if not durable:
                    self._db.execute("PRAGMA synchronous=FULL")

    @asynccontextmanager
    async def _in_transaction(self, wait_for_disk: bool) -> AsyncIterator[Tx]:
        self._db.execute("BEGIN IMMEDIATE")
        changes = self._db.total_changes
        try:
            yield Tx(SqliteConn(self._db))
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        if not wait_for_disk or self._db.total_changes == changes:  # nothing to wait for
            self._db.execute("COMMIT")
            return
        try:
            # The commit waits for the disk (synchronous=FULL): not on the event loop.
            await asyncio.shield(asyncio.to_thread(self._db.execute, "COMMIT"))
        except Exception:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
