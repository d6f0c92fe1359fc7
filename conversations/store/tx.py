"""Reads and writes inside one transaction: users, sessions, cases, updates and the outbox."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timedelta

from conversations.core.engine import Session
from conversations.core.events import Evidence
from conversations.core.evidence import Album
from conversations.core.model import Case, Contact, Lang
from conversations.core.states import State
from conversations.core.timing import utc
from conversations.store.arrival_rows import ArrivalRows
from conversations.store.conn import Conn
from conversations.store.reminder_rows import ReminderRows
from conversations.store.rows import Figures, Pending, User, epoch
from conversations.texts.messages import OutMessage

PROCESSED_UPDATES_KEEP = timedelta(days=3)  # Telegram keeps unconfirmed updates for 24 hours


class Tx(ReminderRows, ArrivalRows):
    """Reads and writes inside one transaction, the same SQL on either database."""

    def __init__(self, conn: Conn) -> None:
        self._c = conn

    async def notify(self, what: str) -> None:
        """Tell every instance, once this commits, that `what` changed."""
        await self._c.notify(what)

    async def seen_update(self, update_id: int) -> bool:
        """Whether this Telegram update was already handled."""
        row = await self._c.fetchone(
            "SELECT 1 FROM processed_updates WHERE update_id = ?", (update_id,)
        )
        return row is not None

    async def mark_update(self, update_id: int, user_id: int | None, now: datetime) -> None:
        """Record that an update was handled; it no longer holds up the user's later ones."""
        await self._c.execute(
            "INSERT INTO processed_updates (update_id, user_id, processed_at) VALUES (?, ?, ?)",
            (update_id, user_id, utc(now).isoformat()),
        )
        await self.leave(update_id)

    async def prune(self, now: datetime) -> None:
        """Drop records of updates Telegram can no longer re-deliver, and delivered replies."""
        cutoff = utc(now - PROCESSED_UPDATES_KEEP).isoformat()
        await self._c.execute("DELETE FROM processed_updates WHERE processed_at < ?", (cutoff,))
        await self._c.execute(
            "DELETE FROM outbox WHERE (sent_at IS NOT NULL OR failure IS NOT NULL) "
            "AND created_at < ?",
            (cutoff,),
        )
        await self.prune_arrivals(now)

    async def figures(self, now: datetime) -> Figures:
        """Reminders by status (and how many are due now) and the outbox's backlog."""
        rows = await self._c.fetchall("SELECT status, count(*) FROM reminders GROUP BY status")
        reminders = {str(s): int(n) for s, n in rows}
        due = await self._c.fetchone(
            "SELECT count(*) FROM reminders WHERE status = 'pending' AND deliver_at <= ?",
            (epoch(now),),
        )
        reminders["due"] = int(due[0]) if due else 0
        backlog = await self._c.fetchone(
            "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failure IS NULL"
        )
        return Figures(reminders, int(backlog[0]) if backlog else 0)

    async def user(self, user_id: int) -> User | None:
        """A stored user."""
        row = await self._c.fetchone(
            "SELECT lang, tz, quiet_hours FROM users WHERE user_id = ?", (user_id,)
        )
        return User(user_id, Lang(row[0]), str(row[1]), bool(row[2])) if row else None

    async def save_user(self, user: User, now: datetime) -> None:
        """Create or update a user."""
        await self._c.execute(
            "INSERT INTO users (user_id, lang, tz, quiet_hours, created_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET lang = excluded.lang, tz = excluded.tz, "
            "quiet_hours = excluded.quiet_hours",
            (user.user_id, user.lang.value, user.tz, int(user.quiet_hours), utc(now).isoformat()),
        )

    async def session(self, user_id: int) -> Session:
        """A user's session; a fresh one if none is stored."""
        row = await self._c.fetchone(
            "SELECT state, seq, case_no, pending, focus, inbox, albums, last_text, last_at "
            "FROM sessions WHERE user_id = ?",
            (user_id,),
        )
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
        await self._c.execute(
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
        rows = await self._c.fetchall(
            "SELECT no, status, created_at, facts FROM cases WHERE user_id = ?", (user_id,)
        )
        return {
            int(no): Case.from_json(
                int(no), status, datetime.fromisoformat(created), json.loads(facts)
            )
            for no, status, created, facts in rows
        }

    async def save_case(self, user_id: int, case: Case, now: datetime) -> None:
        """Create or update a case."""
        facts = json.dumps(case.to_json(), ensure_ascii=False)
        await self._c.execute(
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
            row = await self._c.fetchone(
                "INSERT INTO outbox (chat_id, payload, created_at, coalesce_key, case_no) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                (chat_id, json.dumps(m.to_json(), ensure_ascii=False), utc(now).isoformat(),
                 m.key, case_no),
            )
            assert row is not None
            ids.append(int(row[0]))
        return ids

    async def sent_message_id(self, chat_id: int, key: str) -> int | None:
        """The message last delivered under `key`, which a newer one with the key edits."""
        row = await self._c.fetchone(
            "SELECT message_id FROM outbox WHERE chat_id = ? AND coalesce_key = ? "
            "AND sent_at IS NOT NULL AND message_id IS NOT NULL ORDER BY id DESC LIMIT 1",
            (chat_id, key),
        )
        return int(row[0]) if row else None

    async def unsent(self, chat_id: int | None = None, limit: int = 1000) -> list[Pending]:
        """Undelivered messages, oldest first; for one chat or all."""
        where = "sent_at IS NULL AND failure IS NULL"
        args: tuple[int, ...] = ()
        if chat_id is not None:
            where += " AND chat_id = ?"
            args = (chat_id,)
        rows = await self._c.fetchall(
            f"SELECT id, chat_id, payload FROM outbox WHERE {where} ORDER BY id LIMIT {limit}",
            args,
        )
        return [Pending(int(i), int(c), OutMessage.from_json(json.loads(p))) for i, c, p in rows]

    async def unsent_chats(self, limit: int = 1000) -> list[int]:
        """Chats with undelivered messages."""
        rows = await self._c.fetchall(
            "SELECT DISTINCT chat_id FROM outbox WHERE sent_at IS NULL AND failure IS NULL "
            f"ORDER BY chat_id LIMIT {limit}"
        )
        return [int(r[0]) for r in rows]

    async def mark_sent(self, outbox_id: int, message_id: int | None, now: datetime) -> None:
        """Record a delivered message."""
        await self._c.execute(
            "UPDATE outbox SET sent_at = ?, message_id = ? WHERE id = ?",
            (utc(now).isoformat(), message_id, outbox_id),
        )
        # A reminder counts as sent in the same transaction that records its message.
        await self._c.execute(
            "UPDATE reminders SET status = 'sent', sent_at = ? "
            "WHERE outbox_id = ? AND status = 'queued'",
            (epoch(now), outbox_id),
        )

    async def mark_failed(self, outbox_id: int, reason: str) -> None:
        """Record a message that can never be delivered, so it is not retried forever."""
        await self._c.execute(
            "UPDATE outbox SET failure = ? WHERE id = ?", (reason[:500], outbox_id)
        )
        await self._c.execute(
            "UPDATE reminders SET status = 'undeliverable' WHERE outbox_id = ? "
            "AND status = 'queued'",
            (outbox_id,),
        )

    async def delete_case(self, user_id: int, case_no: int) -> None:
        """Remove a case, its reminders, its pushes not yet sent, and every delivered message
        of the chat (they quote the case's facts; only unsent replies are still needed)."""
        await self._c.execute(
            "DELETE FROM reminders WHERE user_id = ? AND case_no = ?", (user_id, case_no)
        )
        await self._c.execute(
            "DELETE FROM outbox WHERE chat_id = ? AND (case_no = ? OR sent_at IS NOT NULL "
            "OR failure IS NOT NULL)",
            (user_id, case_no),
        )
        await self._c.execute(
            "DELETE FROM cases WHERE user_id = ? AND no = ?", (user_id, case_no)
        )

    async def forget_user(self, user_id: int) -> None:
        """Remove every row of a user: cases, reminders, session, settings, queued and sent
        replies (in a private chat the chat id is the user id), processed updates."""
        for table, column in (
            ("reminders", "user_id"), ("cases", "user_id"), ("sessions", "user_id"),
            ("users", "user_id"), ("outbox", "chat_id"), ("processed_updates", "user_id"),
        ):
            await self._c.execute(f"DELETE FROM {table} WHERE {column} = ?", (user_id,))


def _evidence_out(e: Evidence) -> dict[str, object]:
    d = asdict(e)
    d["origin_at"] = utc(e.origin_at).isoformat() if e.origin_at else None
    return d


def _evidence_in(d: dict[str, object]) -> Evidence:
    origin = d.get("origin_at")
    return Evidence(**{**d, "origin_at": datetime.fromisoformat(origin) if isinstance(origin, str)
                       else None})  # type: ignore[arg-type]
