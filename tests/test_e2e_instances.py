"""End to end on PostgreSQL: one instance by webhook, and three behind a round-robin load
balancer, one of them SIGKILLed mid-way; reminders due while three run go out once each."""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from conversations.store.storage import Store
from tests.conftest import BotProcess
from tests.fake_telegram import FakeTelegram
from tests.ports import free_port
from tests.postgres import Cluster
from tests.proxy import RoundRobin
from tests.test_e2e_crash import to_events_question
from tests.test_scheduler import Bot, _story

SECRET = "several_instances-1"
SLOW = 60.0  # a dead instance's claims run out first (10 s), then a survivor's retry loop



def _rows(url: str, query: str, *args: object) -> list[tuple[Any, ...]]:
    async def run() -> list[tuple[Any, ...]]:
        db = await asyncpg.connect(url)
        try:
            return [tuple(r) for r in await db.fetch(query, *args)]
        finally:
            await db.close()

    return asyncio.run(run())


class Fleet:
    """Instances of the bot on one PostgreSQL database, each serving the webhook on its own
    port; Telegram is given the load balancer's URL."""

    def __init__(self, fake: FakeTelegram, root: Path, database_url: str, hook: str) -> None:
        self.database_url = database_url
        self.bots: list[BotProcess] = []
        self._fake = fake
        self._root = root
        self._hook = hook

    def start(self, port: int) -> BotProcess:
        workdir = self._root / f"instance-{len(self.bots) + 1}"
        workdir.mkdir()
        bot = BotProcess(
            self._fake, workdir, DATABASE_URL=self.database_url, WEBHOOK_URL=self._hook,
            WEBHOOK_SECRET=SECRET, WEB_HOST="127.0.0.1", WEB_PORT=str(port),
        ).start()
        self.bots.append(bot)
        return bot

    def logs(self) -> str:
        return "\n".join(f"--- instance {i + 1}\n{b.log()}" for i, b in enumerate(self.bots))

    def stop(self) -> None:
        for bot in self.bots:
            if bot.proc is not None and bot.proc.poll() is None:
                bot.kill()


@pytest.fixture
def fleet_of_three(
    fake: FakeTelegram, pg_cluster: Cluster, tmp_path: Path
) -> Iterator[tuple[Fleet, RoundRobin]]:
    """Three instances behind a round-robin proxy, on a fresh database."""
    url = asyncio.run(pg_cluster.new_database())
    ports = [free_port() for _ in range(3)]
    with RoundRobin([f"http://127.0.0.1:{p}" for p in ports]) as proxy:
        fleet = Fleet(fake, tmp_path, url, f"{proxy.url}/telegram/hook")
        try:
            for port in ports:
                fleet.start(port)
            yield fleet, proxy
        finally:
            fleet.stop()
    assert fake.errors == [], f"Telegram would have rejected: {fake.errors}\n{fleet.logs()}"


def _acknowledged(fake: FakeTelegram, user: int) -> list[str]:
    """The events the bot said it recorded, in the order it said so."""
    return [m.text for m in fake.messages(user) if m.text.startswith("已记下")]


def _events(url: str, user: int) -> list[str]:
    [(facts,)] = _rows(url, "SELECT facts FROM cases WHERE user_id = $1", user)
    return [e["text"] for e in json.loads(facts)["events"]]


def test_one_instance_by_webhook_on_postgresql_resumes_after_a_kill(
    fake: FakeTelegram, pg_cluster: Cluster, tmp_path: Path
) -> None:
    url = asyncio.run(pg_cluster.new_database())
    port = free_port()
    fleet = Fleet(fake, tmp_path, url, f"http://127.0.0.1:{port}/telegram/hook")
    try:
        bot = fleet.start(port)
        to_events_question(fake, 501)
        bot.kill()
        fleet.bots.clear()
        (tmp_path / "instance-1").rename(tmp_path / "killed")
        before = [m.text for m in fake.messages(501)]
        fleet.start(port)
        fake.user_sends_text(501, "2024-03-03 11:00 第二次联系客服无果")
        fake.wait_for(lambda: len(_acknowledged(fake, 501)) == 1, 10, "the acknowledgement")
        after = [m.text for m in fake.messages(501)][len(before):]
        # Only the reply in flight at the kill may come again (Telegram has no idempotent send).
        assert after[:-1] in ([], [before[-1]]) and "第二次联系客服无果" in after[-1]
        assert _events(url, 501) == ["第二次联系客服无果"]
        handled = {r[0] for r in _rows(url, "SELECT update_id FROM processed_updates")}
        assert {u for u, s in fake.webhook_deliveries if s == 200} <= handled
        # A load balancer's health check, and the metrics, read PostgreSQL.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as r:
            assert r.status == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
            assert re.search(r"^coach_outbox_backlog \d", r.read().decode(), re.M)
    finally:
        fleet.stop()
    assert fake.errors == [], f"Telegram would have rejected: {fake.errors}\n{fleet.logs()}"


def test_polling_on_postgresql_records_updates_that_reach_no_case(
    fake: FakeTelegram, pg_cluster: Cluster, tmp_path: Path
) -> None:
    url = asyncio.run(pg_cluster.new_database())
    bot = BotProcess(fake, tmp_path, DATABASE_URL=url).start()
    try:
        chat = {"id": 502, "type": "private", "first_name": "测试"}
        person = {"id": 502, "is_bot": False, "first_name": "测试"}
        member = {"user": person, "status": "member"}
        blocked = fake.push_update({"my_chat_member": {  # no handler takes it
            "chat": chat, "from": person, "date": int(time.time()),
            "old_chat_member": member, "new_chat_member": {**member, "status": "kicked"},
        }})
        broken = fake.push_update({"message": {  # the library cannot parse it
            "message_id": 9001, "date": int(time.time()), "chat": chat, "from": person,
            "sticker": {"file_id": "sticker-without-its-fields"},
        }})
        fake.user_sends_text(502, "/help")
        fake.expect(502, 1, timeout=30)
        # Recorded, so an update numbered after them does not wait to see whether they come.
        recorded = _rows(url, "SELECT update_id FROM processed_updates WHERE user_id IS NULL")
        assert {blocked, broken} <= {r[0] for r in recorded}
    finally:
        bot.kill()
    assert fake.errors == [], f"Telegram would have rejected: {fake.errors}\n{bot.log()}"


def _answers(first: int, last: int) -> list[str]:
    return [f"2024-03-{d:02} 1{d % 10}:00 第{d}次联系客服无果" for d in range(first, last + 1)]


def _recorded(fake: FakeTelegram, user: int, answers: list[str]) -> list[str]:
    """Which of `answers` the bot acknowledged, in the order it first did."""
    wanted = [a.split(" ", 2)[2] for a in answers]
    acks = dict.fromkeys(_acknowledged(fake, user))
    return [w for a in acks for w in wanted if a.endswith(" " + w)]


def test_three_instances_keep_each_users_order_lose_nothing_and_double_nothing(
    fake: FakeTelegram, fleet_of_three: tuple[Fleet, RoundRobin]
) -> None:
    fleet, proxy = fleet_of_three
    users = [601, 602, 603, 604]
    for user in users:
        to_events_question(fake, user)
    assert len(proxy.served) == 3  # the balancer spread the updates over all three

    # Each user sends five answers without waiting: Telegram delivers them at once, and the
    # balancer hands them to different instances; each is handled once, in the user's order.
    first = _answers(3, 7)
    for user in users:
        for answer in first:
            fake.user_sends_text(user, answer)
    fake.wait_for(lambda: all(len(_recorded(fake, u, first)) == 5 for u in users), SLOW,
                  "every answer acknowledged")
    for user in users:
        assert _recorded(fake, user, first) == [a.split(" ", 2)[2] for a in first]
        assert _events(fleet.database_url, user) == [a.split(" ", 2)[2] for a in first]

    # Again, and one instance dies while they are handled. An update it had not announced
    # yet is delivered again by Telegram, to a survivor, and may then come after the user's
    # next one; but none is lost and none is applied twice.
    second = _answers(11, 14)
    for i, user in enumerate(users):
        for answer in second:
            fake.user_sends_text(user, answer)
        if i == 0:
            fleet.bots[1].kill()
    fake.wait_for(lambda: all(len(_recorded(fake, u, second)) == 4 for u in users), SLOW,
                  "every answer acknowledged after the kill")
    everything = [a.split(" ", 2)[2] for a in first + second]
    for user in users:
        assert _events(fleet.database_url, user) == everything, fleet.logs()
    # A reply the dead instance had sent but not yet recorded may come once more (Telegram
    # has no idempotent send); nothing else twice.
    repeats = sum(n - 1 for u in users for n in Counter(_acknowledged(fake, u)).values())
    assert repeats <= 1

    # The survivors go on serving everyone.
    last = _answers(19, 19)
    for user in users:
        fake.user_sends_text(user, last[0])
    fake.wait_for(lambda: all(_recorded(fake, u, last) for u in users), 30, "the survivors")


def test_reminders_due_while_three_instances_run_are_each_pushed_once(
    fake: FakeTelegram, fleet_of_three: tuple[Fleet, RoundRobin]
) -> None:
    fleet, _ = fleet_of_three
    users = range(701, 741)

    async def make_cases() -> None:
        store = await Store.open(fleet.database_url)
        try:
            # Telegram numbers updates one after another: these made-up ones do too, so none
            # waits for a predecessor that never comes.
            next_update = 10_000
            for user in users:
                bot = Bot(store, fleet.database_url, lambda: datetime.now(UTC), user)
                bot.update_id = next_update
                # Nothing is due yet: no instance pushes while these are being made. Yesterday:
                # "today 9 am" is in the future before 9 am Beijing time, and makes no case.
                await bot.confirm(_story("昨天上午9点", "30天内"))
                next_update = bot.update_id
        finally:
            await store.close()

    for user in users:
        fake.add_chat(user)
    asyncio.run(make_cases())
    # Whatever the hour, every reminder of theirs falls due in two seconds, and the instances
    # are told (as a new deadline tells them).
    due = int(datetime.now(UTC).timestamp()) + 2
    _rows(fleet.database_url,
          "WITH moved AS (UPDATE reminders SET due_at = $1, deliver_at = $1 "
          "WHERE status = 'pending' RETURNING 1) "
          "SELECT pg_notify('complaint_coach', 'reminders') FROM moved LIMIT 1", due)
    expected = Counter(u for (u,) in _rows(fleet.database_url, "SELECT user_id FROM reminders"))
    assert set(expected) == set(users) and sum(expected.values()) >= len(users)

    def pushes() -> Counter[int]:
        return Counter(u for u in users for m in fake.messages(u) if m.text.startswith("⏰"))

    fake.wait_for(lambda: pushes() == expected, SLOW, f"every push\n{fleet.logs()}")

    def statuses() -> dict[str, int]:
        rows = _rows(fleet.database_url, "SELECT status, count(*) FROM reminders GROUP BY 1")
        return {str(s): int(n) for s, n in rows}

    # Each push is recorded as sent right after Telegram accepted it.
    fake.wait_for(lambda: statuses() == {"sent": sum(expected.values())}, 10,
                  "every reminder recorded as sent", recheck=0.2)
    fake.wait_for(lambda: all("ready" in b.log() for b in fleet.bots), 5, "logs")
    assert pushes() == expected  # and none came twice later
