"""SQLite storage: migrations, users, sessions, cases, processed updates and the outbox."""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path

import aiosqlite

from conversations.core.engine import Session
from conversations.core.events import Evidence
from conversations.core.evidence import Album
from conversations.core.model import Case, Contact, Lang
from conversations.core.states import State
from conversations.core.timing import utc
from conversations.store.reminder_rows import ReminderRows
from conversations.store.rows import Figures, Pending, User, epoch
from conversations.texts.messages import OutMessage

_MIGRATION_NAME = re.compile(r"(\d{3})_[a-z0-9_]+\.sql")
PROCESSED_UPDATES_KEEP = timedelta(days=3)  # Telegram keeps unconfirmed updates for 24 hours


def _migrations() -> list[tuple[int, str]]:
    files = resources.files("conversations.store") / "migrations"
    found = []
    for f in files.iterdir():
        m = _MIGRATION_NAME.fullmatch(f.name)
        if m:
            found.append((int(m.group(1)), f.read_text(encoding="utf-8")))
    return sorted(found)


class Store:
    """One SQLite file behind one connection; every write happens in a transaction."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        self._lock = asyncio.Lock()  # one connection: one transaction at a time

    @classmethod
    async def open(cls, path: Path) -> Store:
        """Open (creating, owner-only) and migrate the database."""
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Create the file owner-only before SQLite does, so it is never world-readable.
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
        os.chmod(path, 0o600)
        db = await aiosqlite.connect(path, isolation_level=None)
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA synchronous=FULL")  # an answer acknowledged is an answer kept
        await db.execute("PRAGMA foreign_keys=ON")
        await db.execute("PRAGMA busy_timeout=5000")
        store = cls(db)
        await store._migrate()
        return store

    async def close(self) -> None:
        """Close the connection."""
        await self._db.close()

    async def _migrate(self) -> None:
        async with self._db.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        version = int(row[0]) if row else 0
        for number, sql in _migrations():
            if number <= version:
                continue
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                for statement in _statements(sql):
                    await self._db.execute(statement)
                await self._db.execute(f"PRAGMA user_version = {number}")
                await self._db.execute("COMMIT")
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise

    async def figures(self, now: datetime) -> Figures:
        """Reminders by status (and how many are due now) and the outbox's backlog."""
        async with self._db.execute(
            "SELECT status, count(*) FROM reminders GROUP BY status"
        ) as cur:
            reminders = {str(s): int(n) for s, n in await cur.fetchall()}
        async with self._db.execute(
            "SELECT count(*) FROM reminders WHERE status = 'pending' AND deliver_at <= ?",
            (epoch(now),),
        ) as cur:
            row = await cur.fetchone()
        reminders["due"] = int(row[0]) if row else 0
        async with self._db.execute(
            "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failure IS NULL"
        ) as cur:
            row = await cur.fetchone()
        return Figures(reminders, int(row[0]) if row else 0)

    async def ping(self) -> bool:
        """Whether the database answers."""
        try:
            async with self._db.execute("SELECT 1") as cur:
                return await cur.fetchone() is not None
        except Exception:
            return False

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """A write transaction: committed on success, rolled back on any error."""
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(self._db)
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            await self._db.execute("COMMIT")


class Tx(ReminderRows):
    """Reads and writes inside one transaction."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def seen_update(self, update_id: int) -> bool:
        """Whether this Telegram update was already handled."""
        async with self._db.execute(
            "SELECT 1 FROM processed_updates WHERE update_id = ?", (update_id,)
        ) as cur:
            return await cur.fetchone() is not None

    async def mark_update(self, update_id: int, user_id: int | None, now: datetime) -> None:
        """Record that an update was handled."""
        await self._db.execute(
            "INSERT INTO processed_updates (update_id, user_id, processed_at) VALUES (?, ?, ?)",
            (update_id, user_id, utc(now).isoformat()),
        )

    async def prune(self, now: datetime) -> None:
        """Drop records of updates Telegram can no longer re-deliver, and delivered replies."""
        cutoff = utc(now - PROCESSED_UPDATES_KEEP).isoformat()
        await self._db.execute("DELETE FROM processed_updates WHERE processed_at < ?", (cutoff,))
        await self._db.execute(
            "DELETE FROM outbox WHERE (sent_at IS NOT NULL OR failure IS NOT NULL) "
            "AND created_at < ?",
            (cutoff,),
        )

    async def user(self, user_id: int) -> User | None:
        """A stored user."""
        async with self._db.execute(
            "SELECT lang, tz, quiet_hours FROM users WHERE user_id = ?", (user_id,)
        ) as cur:
            row = await cur.fetchone()
        return User(user_id, Lang(row[0]), str(row[1]), bool(row[2])) if row else None

    async def save_user(self, user: User, now: datetime) -> None:
        """Create or update a user."""
        await self._db.execute(
            "INSERT INTO users (user_id, lang, tz, quiet_hours, created_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET lang = excluded.lang, tz = excluded.tz, "
            "quiet_hours = excluded.quiet_hours",
            (user.user_id, user.lang.value, user.tz, int(user.quiet_hours), utc(now).isoformat()),
        )

    async def session(self, user_id: int) -> Session:
        """A user's session; a fresh one if none is stored."""
        async with self._db.execute(
            "SELECT state, seq, case_no, pending, focus, inbox, albums, last_text, last_at "
            "FROM sessions "
            "WHERE user_id = ?",
            (user_id,),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return Session()
        pending = Contact.from_json(json.loads(row[3])) if row[3] else None
        inbox = tuple(_evidence_in(e) for e in json.loads(row[5])) if row[5] else ()
        albums = tuple(Album.from_json(a) for a in json.loads(row[6])) if row[6] else ()
        last_at = datetime.fromisoformat(row[8]) if row[8] else None
        return Session(
            State(row[0]), int(row[1]), row[2], pending, row[4], inbox, albums, row[7], last_at
        )

    async def save_session(self, user_id: int, s: Session) -> None:
        """Store a user's session."""
        pending = json.dumps(s.pending.to_json(), ensure_ascii=False) if s.pending else None
        inbox = json.dumps([_evidence_out(e) for e in s.inbox], ensure_ascii=False)
        albums = json.dumps([a.to_json() for a in s.albums], ensure_ascii=False)
        await self._db.execute(
            "INSERT INTO sessions (user_id, state, seq, case_no, pending, focus, inbox, albums, "
            "last_text, last_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET state = excluded.state, seq = excluded.seq, "
            "case_no = excluded.case_no, pending = excluded.pending, focus = excluded.focus, "
            "inbox = excluded.inbox, albums = excluded.albums, last_text = excluded.last_text, "
            "last_at = excluded.last_at",
            (user_id, s.state.value, s.seq, s.case_no, pending, s.focus,
             inbox if s.inbox else None, albums if s.albums else None, s.last_text,
             utc(s.last_at).isoformat() if s.last_at else None),
        )

    async def cases(self, user_id: int) -> dict[int, Case]:
        """All of a user's cases by number."""
        async with self._db.execute(
            "SELECT no, status, created_at, facts FROM cases WHERE user_id = ?", (user_id,)
        ) as cur:
            rows = await cur.fetchall()
        return {
            int(no): Case.from_json(
                int(no), status, datetime.fromisoformat(created), json.loads(facts)
            )
            for no, status, created, facts in rows
        }

    async def save_case(self, user_id: int, case: Case, now: datetime) -> None:
        """Create or update a case."""
        facts = json.dumps(case.to_json(), ensure_ascii=False)
        await self._db.execute(
            "INSERT INTO cases (user_id, no, status, created_at, updated_at, facts) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, no) DO UPDATE SET "
            "status = excluded.status, updated_at = excluded.updated_at, facts = excluded.facts",
            (user_id, case.no, case.status, utc(case.created_at).isoformat(),
             utc(now).isoformat(), facts),
        )

    async def enqueue(
        self, chat_id: int, messages: list[OutMessage], now: datetime, case_no: int | None = None
    ) -> list[int]:
        """Queue messages for delivery, in order; returns their outbox ids. A reminder push
        names its case, so that resolving or deleting the case withdraws it."""
        ids = []
        for m in messages:
            cur = await self._db.execute(
                "INSERT INTO outbox (chat_id, payload, created_at, coalesce_key, case_no) "
                "VALUES (?, ?, ?, ?, ?)",
                (chat_id, json.dumps(m.to_json(), ensure_ascii=False), utc(now).isoformat(),
                 m.key, case_no),
            )
            assert cur.lastrowid is not None
            ids.append(cur.lastrowid)
        return ids

    async def sent_message_id(self, chat_id: int, key: str) -> int | None:
        """The message last delivered under `key`, which a newer one with the key edits."""
        async with self._db.execute(
            "SELECT message_id FROM outbox WHERE chat_id = ? AND coalesce_key = ? "
            "AND sent_at IS NOT NULL AND message_id IS NOT NULL ORDER BY id DESC LIMIT 1",
            (chat_id, key),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else None

    async def unsent(self, chat_id: int | None = None, limit: int = 1000) -> list[Pending]:
        """Undelivered messages, oldest first; for one chat or all."""
        where = "sent_at IS NULL AND failure IS NULL"
        args: tuple[int, ...] = ()
        if chat_id is not None:
            where += " AND chat_id = ?"
            args = (chat_id,)
        async with self._db.execute(
            f"SELECT id, chat_id, payload FROM outbox WHERE {where} ORDER BY id LIMIT {limit}",
            args,
        ) as cur:
            rows = await cur.fetchall()
        return [Pending(int(i), int(c), OutMessage.from_json(json.loads(p))) for i, c, p in rows]

    async def mark_sent(self, outbox_id: int, message_id: int | None, now: datetime) -> None:
        """Record a delivered message."""
        await self._db.execute(
            "UPDATE outbox SET sent_at = ?, message_id = ? WHERE id = ?",
            (utc(now).isoformat(), message_id, outbox_id),
        )
        # A reminder counts as sent in the same transaction that records its message.
        await self._db.execute(
            "UPDATE reminders SET status = 'sent', sent_at = ? "
            "WHERE outbox_id = ? AND status = 'queued'",
            (epoch(now), outbox_id),
        )

    async def mark_failed(self, outbox_id: int, reason: str) -> None:
        """Record a message that can never be delivered, so it is not retried forever."""
        await self._db.execute(
            "UPDATE outbox SET failure = ? WHERE id = ?", (reason[:500], outbox_id)
        )
        await self._db.execute(
            "UPDATE reminders SET status = 'undeliverable' WHERE outbox_id = ? "
            "AND status = 'queued'",
            (outbox_id,),
        )

    async def delete_case(self, user_id: int, case_no: int) -> None:
        """Remove a case, its reminders, its pushes not yet sent, and every delivered message
        of the chat (they quote the case's facts; only unsent replies are still needed)."""
        await self._db.execute(
            "DELETE FROM reminders WHERE user_id = ? AND case_no = ?", (user_id, case_no)
        )
        await self._db.execute(
            "DELETE FROM outbox WHERE chat_id = ? AND (case_no = ? OR sent_at IS NOT NULL "
            "OR failure IS NOT NULL)",
            (user_id, case_no),
        )
        await self._db.execute(
            "DELETE FROM cases WHERE user_id = ? AND no = ?", (user_id, case_no)
        )

    async def forget_user(self, user_id: int) -> None:
        """Remove every row of a user: cases, reminders, session, settings, queued and sent
        replies (in a private chat the chat id is the user id), processed updates."""
        for table, column in (
            ("reminders", "user_id"), ("cases", "user_id"), ("sessions", "user_id"),
            ("users", "user_id"), ("outbox", "chat_id"), ("processed_updates", "user_id"),
        ):
            await self._db.execute(f"DELETE FROM {table} WHERE {column} = ?", (user_id,))


def _evidence_out(e: Evidence) -> dict[str, object]:
    d = asdict(e)
    d["origin_at"] = utc(e.origin_at).isoformat() if e.origin_at else None
    return d


def _evidence_in(d: dict[str, object]) -> Evidence:
    origin = d.get("origin_at")
    return Evidence(**{**d, "origin_at": datetime.fromisoformat(origin) if isinstance(origin, str)
                       else None})  # type: ignore[arg-type]


def _statements(sql: str) -> list[str]:
    lines = [ln for ln in sql.splitlines() if not ln.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
