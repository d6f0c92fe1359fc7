"""Three instances on one PostgreSQL under overload: a burst of due reminders while users write.

    .venv/bin/python -m bench.instances [--users 10000] [--instances 3]

A throwaway PostgreSQL cluster (tests.postgres.Cluster) gets N users, each with a confirmed
case and one reminder, all due a few seconds after the instances are ready. The instances run
`complaint-coach run` by webhook behind the tests' round-robin proxy, against
FakeTelegram(rate_limit=True), which answers 429 past 30 sends a second or one a second per
chat. While the pushes go out, a user writes /help every few seconds and the wait for each
reply is timed. Printed: the send rate (pushes and replies) against the 30/s cap, 429s,
duplicates, missing pushes, the busiest second, and the replies' waits. Nothing is asserted:
the targets and the results live in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from bench.reminders import (
    FIRST_USER,
    ORDER_MARK,
    PUSH_MARK,
    TZ,
    max_in_window,
    percentile,
    provenance,
    realistic_case,
    table,
)
from conversations.store.storage import Store
from tests.conftest import BotProcess
from tests.fake_telegram import FakeTelegram
from tests.ports import free_port
from tests.postgres import Cluster
from tests.proxy import RoundRobin

PROBE_USER = 680_000_000
SECRET = "bench_instances"
LEAD = 8  # seconds between the last instance ready and the reminders falling due



async def build(url: str, users: range, due: int) -> None:
    """Users with one confirmed case and one pending reminder each, through COPY."""
    store = await Store.open(url)  # the real schema, through the real migrations
    await store.close()
    case = realistic_case(datetime.fromtimestamp(due, UTC))
    facts = json.dumps(case.to_json(), ensure_ascii=False)
    now = datetime.now(UTC).isoformat()
    db = await asyncpg.connect(url)
    try:
        await db.copy_records_to_table(
            "users", columns=["user_id", "lang", "tz", "created_at", "quiet_hours"],
            records=[(u, "zh", TZ, now, 0) for u in users])
        await db.copy_records_to_table(
            "cases", columns=["user_id", "no", "status", "created_at", "updated_at", "facts"],
            records=[(u, 1, "confirmed", case.created_at.isoformat(), now,
                      facts.replace(ORDER_MARK, f"{u:012d}")) for u in users])
        await db.copy_records_to_table(
            "reminders", columns=["user_id", "case_no", "key", "due_at", "deliver_at",
                                  "status", "created_at"],
            records=[(u, 1, "contact:0", due, due, "pending", due - 3600) for u in users])
        await db.execute("ANALYZE")
    finally:
        await db.close()


def run(users: int, instances: int) -> None:
    cluster = Cluster()
    bots: list[BotProcess] = []
    try:
        url = asyncio.run(cluster.new_database())
        ids = range(FIRST_USER, FIRST_USER + users)
        ports = [free_port() for _ in range(instances)]
        with FakeTelegram(rate_limit=True) as fake, \
                RoundRobin([f"http://127.0.0.1:{p}" for p in ports]) as proxy, \
                tempfile.TemporaryDirectory(prefix="bench-instances-") as tmp:
            for u in ids:
                fake.add_chat(u)
            due = int(time.time()) + 3600  # moved to just after start-up below
            started = time.perf_counter()
            asyncio.run(build(url, ids, due))
            build_s = time.perf_counter() - started
            for i, port in enumerate(ports):
                workdir = Path(tmp) / f"instance-{i + 1}"
                workdir.mkdir()
                bots.append(BotProcess(
                    fake, workdir, DATABASE_URL=url, WEBHOOK_URL=f"{proxy.url}/hook",
                    WEBHOOK_SECRET=SECRET, WEB_HOST="127.0.0.1", WEB_PORT=str(port),
                    LOG_LEVEL="WARNING",
                ).start())
            due = int(time.time()) + LEAD
            asyncio.run(_move_and_notify(url, due))
            waits = _write_during_burst(fake, ids, due)
            _wait_for_all(fake, ids, due + users / 30 * 2 + 120)
            end = time.time()
            result = _figures(fake, ids, waits, due, end, build_s, instances)
        for bot in bots:
            bot.stop()
        table(f"{instances} instances on PostgreSQL: {users:,} reminders due at once, "
              f"a user writing meanwhile", result)
        print(provenance())
    finally:
        for bot in bots:
            if bot.proc is not None and bot.proc.poll() is None:
                bot.kill()
        cluster.stop()


async def _move_and_notify(url: str, due: int) -> None:
    db = await asyncpg.connect(url)
    try:
        await db.execute("UPDATE reminders SET due_at = $1, deliver_at = $1", due)
        await db.execute("SELECT pg_notify('complaint_coach', 'reminders')")
    finally:
        await db.close()


def _pushes(fake: FakeTelegram) -> list[tuple[int, float]]:
    return [(int(r.params["chat_id"]), r.time) for r in fake.requests_for("sendMessage")
            if r.status == 200 and str(r.params.get("text", "")).startswith(PUSH_MARK)]


def _write_during_burst(fake: FakeTelegram, ids: range, due: int) -> list[float]:
    """A user sends /help every few seconds while pushes go out; the wait for each reply."""
    waits: list[float] = []
    fake.wait_for(lambda: len(_pushes(fake)) >= 30, LEAD + 60, "the burst to start")
    n = 0
    while len({c for c, _ in _pushes(fake)}) < len(ids) * 0.9:
        n += 1
        asked = time.perf_counter()
        before = len(fake.messages(PROBE_USER))
        fake.user_sends_text(PROBE_USER, "/help")
        fake.wait_for(lambda b=before: len(fake.messages(PROBE_USER)) > b,  # type: ignore[misc]
                      60, "the /help reply")
        waits.append(time.perf_counter() - asked)
        time.sleep(max(0.0, 3.0 - (time.perf_counter() - asked)))  # pacing the writer
    return waits


def _wait_for_all(fake: FakeTelegram, ids: range, deadline_wall: float) -> None:
    fake.wait_for(lambda: len({c for c, _ in _pushes(fake)}) >= len(ids),
                  max(1.0, deadline_wall - time.time()), "every push", recheck=1.0)


def _figures(
    fake: FakeTelegram, ids: range, waits: list[float], due: int, end: float,
    build_s: float, instances: int,
) -> list[tuple[str, object]]:
    pushes = _pushes(fake)
    per_chat = Counter(c for c, _ in pushes)
    accepted = sorted(r.time for r in fake.requests_for("sendMessage") if r.status == 200)
    first, last = accepted[0], accepted[-1]
    rate = (len(accepted) - 1) / (last - first) if last > first else 0.0
    return [
        ("instances", instances),
        ("database build, COPY (s)", build_s),
        ("due → first push (s)", min(t for _, t in pushes) - due),
        ("due → last push (s)", max(t for _, t in pushes) - due),
        ("sends accepted (pushes + replies)", len(accepted)),
        ("rate, first → last send (msg/s)", rate),
        ("of the 30/s cap (%)", rate / 30 * 100),
        ("most sends in any 1 s window", max_in_window(accepted)),
        ("429 answers", fake.count_429),
        ("other rejected requests", len(fake.errors)),
        ("chats with >1 push (duplicates)", sum(1 for n in per_chat.values() if n > 1)),
        ("chats without a push (missing)", sum(1 for u in ids if per_chat[u] == 0)),
        ("/help replies timed during the burst", len(waits)),
        ("/help wait (s): median / p90 / max",
         " / ".join(f"{v:.2f}" for v in (percentile(waits, 50), percentile(waits, 90),
                                         max(waits))) if waits else "-"),
        ("wall time of the run (s)", end - due),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--instances", type=int, default=3)
    args = parser.parse_args()
    run(args.users, args.instances)


if __name__ == "__main__":
    main()
