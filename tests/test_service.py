"""The coach over a real SQLite file: dedup, commit-then-deliver, ordering, delivery failures."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conversations.core.engine import Session
from conversations.core.events import Command, Press, Text
from conversations.core.model import Case
from conversations.core.states import State
from conversations.shell.outbox import Outbox, PermanentFailure, TransientFailure
from conversations.shell.service import Coach, Handled, Inbound
from conversations.store.storage import Store
from conversations.texts.messages import OutMessage
from conversations.texts.rendering import Texts

SH = ZoneInfo("Asia/Shanghai")
AT = datetime(2025, 3, 5, 4, 0, tzinfo=UTC)


class RecordingSender:
    """Records what would be sent; can be told to fail."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []
        self.fail: type[Exception] | None = None
        self.blocked: set[int] = set()

    async def send(
        self, chat_id: int, message: OutMessage, urgent: bool = False
    ) -> int | None:
        if chat_id in self.blocked:
            raise PermanentFailure("Forbidden: bot was blocked by the user")
        if self.fail is not None:
            raise self.fail("network down")
        self.sent.append((chat_id, message.plain))
        await asyncio.sleep(0)  # let other users' tasks interleave, as a real send would
        return len(self.sent)

    def texts(self, chat_id: int) -> list[str]:
        return [t for c, t in self.sent if c == chat_id]


class Env:
    def __init__(self, store: Store, sender: RecordingSender) -> None:
        self.store = store
        self.sender = sender
        self.outbox = Outbox(store, sender)
        self.coach = Coach(store, Texts(), self.outbox, SH)
        self._update_id = 0

    async def send(
        self, user: int, event: Command | Text | Press, update_id: int | None = None
    ) -> Handled:
        if update_id is None:
            self._update_id += 1
            update_id = self._update_id
        return await self.coach.handle(Inbound(user, user, event, AT, "zh-hans", update_id))

    async def session(self, user: int) -> Session:
        async with self.store.transaction() as tx:
            return await tx.session(user)

    async def cases(self, user: int) -> dict[int, Case]:
        async with self.store.transaction() as tx:
            return await tx.cases(user)


@pytest.fixture
async def env(where: Path | str) -> AsyncIterator[Env]:
    store = await Store.open(where)
    try:
        yield Env(store, RecordingSender())
    finally:
        await store.close()


async def _to_events(env: Env, user: int) -> None:
    await env.send(user, Command("new"))
    s = await env.session(user)
    await env.send(user, Press(s.seq, "steps"))
    await env.send(user, Press(s.seq + 1, "platform"))
    for answer in ("WL20240302001", "Steam充值卡 100元", "98", "2025-03-02 10:15"):
        await env.send(user, Text(answer))
    s = await env.session(user)
    await env.send(user, Press(s.seq, "issue", "invalid_code"))
    assert (await env.session(user)).state is State.ASK_EVENTS


async def test_an_update_handled_twice_changes_nothing_twice(env: Env) -> None:
    await _to_events(env, 1)
    first = await env.send(1, Text("2025-03-03 10:00 激活失败"), update_id=500)
    sent = len(env.sender.sent)
    again = await env.send(1, Text("2025-03-03 10:00 激活失败"), update_id=500)
    assert not first.duplicate and again.duplicate
    assert len(env.sender.sent) == sent
    assert len((await env.cases(1))[1].events) == 1


async def test_replies_are_committed_first_and_survive_a_failed_delivery(env: Env) -> None:
    await env.send(1, Command("start"))
    env.sender.fail = TransientFailure
    await env.send(1, Command("help"))
    await env.send(1, Command("new"))
    assert len(env.sender.sent) == 1  # only /start's reply went out
    env.sender.fail = None
    assert await env.outbox.flush_all() == 2
    texts = env.sender.texts(1)
    assert "/new" in texts[1] and "新的投诉" in texts[2]  # help, then the story question, in order


async def test_a_user_who_blocked_the_bot_is_not_retried_forever(env: Env) -> None:
    env.sender.blocked.add(7)
    await env.send(7, Command("start"))
    await env.send(8, Command("start"))
    assert await env.outbox.flush_all() == 0
    async with env.store.transaction() as tx:
        assert await tx.unsent() == []
    assert env.sender.texts(8) and not env.sender.texts(7)


async def test_one_users_updates_stay_in_order_and_users_run_concurrently(env: Env) -> None:
    for user in (1, 2, 3):
        await _to_events(env, user)
    answers = [f"2025-03-0{d} 1{d}:00 第{d}次" for d in range(1, 5)]
    await asyncio.gather(*(
        env.send(user, Text(a)) for a in answers for user in (1, 2, 3)
    ))
    for user in (1, 2, 3):
        events = (await env.cases(user))[1].events
        assert [e.text for e in events] == [a.split(" ", 2)[2] for a in answers]
        added = [t for t in env.sender.texts(user) if t.startswith("已记下")]
        assert [t.split(" ", 2)[2] for t in added] == [a.split(" ", 2)[2] for a in answers]
    assert len(env.coach._users) == 0  # no lock left behind


async def test_reopening_the_database_keeps_everything_and_migrates_once(
    where: Path | str,
) -> None:
    store = await Store.open(where)
    env = Env(store, RecordingSender())
    await _to_events(env, 1)
    await store.close()
    store = await Store.open(where)
    try:
        async with store.transaction() as tx:
            assert (await tx.session(1)).state is State.ASK_EVENTS
            assert (await tx.cases(1))[1].order_no == "WL20240302001"
    finally:
        await store.close()
    if not isinstance(where, Path):
        return
    path = where
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] >= 1
    assert path.stat().st_mode & 0o077 == 0


async def test_sent_marks_are_kept_across_a_reopen(where: Path | str) -> None:
    store = await Store.open(where)
    env = Env(store, RecordingSender())
    await env.send(1, Command("new"))
    with pytest.raises(RuntimeError):
        async with store.transaction(durable=False) as tx:
            await tx.mark_sent(1, 99, AT)
            raise RuntimeError("rolled back")
    await store.close()
    store = await Store.open(where)
    try:
        async with store.transaction() as tx:
            assert env.sender.texts(1) and await tx.unsent(1) == []
            [(message_id,)] = await tx._c.fetchall("SELECT message_id FROM outbox WHERE id = 1")
            assert message_id == 1  # the flush's mark, not the rolled-back one
    finally:
        await store.close()


async def test_only_a_sent_mark_commits_without_syncing(tmp_path: Path) -> None:
    from conversations.store.sqlite import SqliteStore

    store = await SqliteStore.connect(tmp_path / "coach.sqlite3")
    try:
        def synchronous() -> int:
            return int(store._db.execute("PRAGMA synchronous").fetchone()[0])

        async with store.transaction(durable=False):
            assert synchronous() == 1  # NORMAL: written to the WAL, synced by the next commit
        with pytest.raises(RuntimeError):
            async with store.transaction(durable=False):
                raise RuntimeError("rolled back")
        async with store.transaction():
            assert synchronous() == 2  # FULL again, after a commit and after a rollback
    finally:
        await store.close()
