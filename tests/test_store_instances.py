"""What several instances share on one PostgreSQL database: migrations started together, chat
claims freed when an instance goes, due reminders split, the shared send window."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from conversations.core.deadlines import Wanted
from conversations.core.model import Lang
from conversations.store.pace import Pace
from conversations.store.postgres import PgStore
from conversations.store.rows import User
from conversations.store.storage import Store
from tests.conftest import sql
from tests.postgres import Cluster

PACE = Pace()

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


async def _three(url: str) -> list[Store]:
    return list(await asyncio.gather(*(Store.open(url) for _ in range(3))))


async def test_instances_starting_together_migrate_once(pg_cluster: Cluster) -> None:
    url = await pg_cluster.new_database()
    stores = await _three(url)
    try:
        versions = await sql(stores[0], "SELECT version FROM schema_version ORDER BY version")
        assert [v for (v,) in versions] == sorted({v for (v,) in versions})  # each once
        assert all(s.shared for s in stores)
    finally:
        for s in stores:
            await s.close()


async def test_a_chat_has_one_sender_and_is_free_the_moment_it_goes(pg_cluster: Cluster) -> None:
    url = await pg_cluster.new_database()
    a, b = await Store.open(url), await Store.open(url)
    try:
        assert await a.claim_chat(42)
        assert not await b.claim_chat(42)  # held by a
        assert await b.claim_chat(43)  # another chat is free
        await a.close()  # an instance gone (a SIGKILL closes its connection the same way)
        assert await b.claim_chat(42)
        await b.release_chat(42)
        await b.release_chat(43)
    finally:
        await b.close()


async def test_due_reminders_are_split_between_instances(pg_cluster: Cluster) -> None:
    url = await pg_cluster.new_database()
    a, b = await Store.open(url), await Store.open(url)
    try:
        async with a.transaction() as tx:
            for user_id in range(1, 11):
                user = User(user_id, Lang.ZH, "Asia/Shanghai")
                await tx.save_user(user, NOW)
                due = NOW - timedelta(minutes=user_id)
                await tx.sync_reminders(user, 1, [Wanted("demand", due, False, due)], NOW)
        async with a.transaction() as tx:
            first = await tx.due_reminders(NOW, 6)
        async with b.transaction() as tx:
            second = await tx.due_reminders(NOW, 6)
            assert await tx.due_reminders(NOW, 6) == []  # all claimed
            # A claim runs out: an instance that died holding it is taken over.
            later = await tx.due_reminders(NOW + timedelta(minutes=1), 20)
        assert len(first) == 6 and len(second) == 4
        assert not {r.id for r in first} & {r.id for r in second}
        assert [r.user_id for r in first] == [10, 9, 8, 7, 6, 5]  # oldest first
        assert {r.id for r in later} == {r.id for r in first + second}
    finally:
        await a.close()
        await b.close()


@pytest.fixture
async def two(pg_cluster: Cluster) -> AsyncIterator[tuple[PgStore, PgStore]]:
    """Two instances' stores on one fresh database."""
    url = await pg_cluster.new_database()
    a, b = await Store.open(url), await Store.open(url)
    assert isinstance(a, PgStore) and isinstance(b, PgStore)
    try:
        yield a, b
    finally:
        await a.close()
        await b.close()


async def test_the_tokens_last_second_is_counted_across_instances(
    two: tuple[PgStore, PgStore],
) -> None:
    a, b = two
    ids = [await a.reserve_send(1, 3, PACE), await b.reserve_send(2, 3, PACE),
           await a.reserve_send(3, 3, PACE)]
    assert all(send_id for send_id, _, _ in ids)
    full, wait, ticket = await b.reserve_send(4, 3, PACE)
    assert full == 0 and ticket == 0 and 0 < wait <= 0.02  # in flight: look again soon
    await a.finish_send(ids[0][0])  # answered: counts one more second from now
    full, wait, _ = await b.reserve_send(4, 3, PACE)
    assert full == 0 and 0.9 < wait <= 1.01  # until the answered one leaves the window


async def test_a_waiting_reply_goes_before_waiting_pushes(two: tuple[PgStore, PgStore]) -> None:
    a, b = two
    first = await a.reserve_send(1, 2, PACE)
    await a.reserve_send(2, 2, PACE)
    no, _, ticket = await b.reserve_send(3, 2, PACE, urgent=True)  # a reply: full
    assert no == 0 and ticket
    await a.finish_send(first[0])
    await sql(a, "UPDATE sends SET done = done - 1.5 WHERE id = ?", first[0])  # it left
    assert (await a.reserve_send(4, 2, PACE))[0] == 0  # a push: the reply's place is held
    reply, _, left = await b.reserve_send(3, 2, PACE, urgent=True, ticket=ticket)
    assert reply and left == 0
    assert await sql(a, "SELECT count(*) FROM sends WHERE waiting") == [(0,)]


async def test_a_chats_pace_holds_whichever_instance_sends(two: tuple[PgStore, PgStore]) -> None:
    a, b = two
    pace = Pace(burst=2, per_second=1.0)
    for store in (a, b):  # a burst of two, from two instances
        send_id, _, _ = await store.reserve_send(7, 30, pace)
        await store.finish_send(send_id)
    no, wait, _ = await a.reserve_send(7, 30, pace)
    assert no == 0 and 0.9 < wait <= 1.0  # the third waits for the bucket to refill
    assert (await b.reserve_send(8, 30, pace))[0]  # another chat does not


async def test_an_update_is_known_once_announced_or_handled(pg_cluster: Cluster) -> None:
    url = await pg_cluster.new_database()
    store = await Store.open(url)
    try:
        async with store.transaction() as tx:
            await tx.arrive(100, 7, NOW)
            await tx.mark_update(99, 7, NOW)
        async with store.transaction() as tx:
            assert await tx.all_before_known(101)  # 99 handled, 100 announced
            assert not await tx.all_before_known(103)  # 101 and 102 are on their way
            assert await tx.earlier_arrival(7, 101, NOW - timedelta(seconds=5))
            assert not await tx.earlier_arrival(7, 100, NOW - timedelta(seconds=5))
            assert not await tx.earlier_arrival(8, 101, NOW - timedelta(seconds=5))
            # An announcement from an instance that died long ago holds nothing up.
            assert not await tx.earlier_arrival(7, 101, NOW + timedelta(seconds=1))
            await tx.mark_update(100, 7, NOW)
        async with store.transaction() as tx:
            assert not await tx.earlier_arrival(7, 101, NOW - timedelta(seconds=5))
    finally:
        await store.close()
