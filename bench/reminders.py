"""Reminder benchmarks of issue #5, against the fake Bot API on 127.0.0.1.

    .venv/bin/python -m bench.reminders [--scenario all|startup|burst|lateness] [--users N]

Each scenario builds its own database in a temporary folder (opened once through
`Store.open`, so the schema is the real one, then bulk-filled with sqlite3), runs the real bot
(`complaint-coach run`, through tests.conftest.BotProcess) against tests.fake_telegram's
FakeTelegram, and prints figures. Nothing is asserted: the targets and the results live in
docs/PERFORMANCE.md.

- startup: 1,000,000 pending reminders due 1 to 31 days ahead; spawn → first getUpdates
  (= ready), the "ready" log line, VmRSS at ready and after the first reminder (a canary
  due a few seconds after spawn, which proves the scheduler ran over the full table), VmHWM.
  Three runs on the big database and three on an empty one (the baseline), medians.
  `--outbox N` adds N delivered outbox rows younger than 3 days (what prune keeps).
- burst: N users with one reminder each, all due at start-up; FakeTelegram(rate_limit=True)
  enforces 30/s overall and 1/s per chat. Ready → last delivery, rate, 429s, duplicates,
  missing, the reminders' final statuses, and how long an interactive /help waits meanwhile.
- lateness: an idle bot; reminders due one a second, created before the bot starts (the
  scheduler only re-reads the next due time when it wakes); arrival at the fake − due time.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import math
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from conversations.core.evidence_kinds import EvidenceClaim
from conversations.core.model import (
    Case,
    Channel,
    Contact,
    DemandAction,
    IssueType,
    Lang,
    TimelineEvent,
)
from conversations.core.reminders import reminder_replies
from conversations.core.timing import Window, WindowUnit
from conversations.store.storage import Store
from conversations.texts.rendering import Texts
from tests.conftest import BotProcess
from tests.fake_telegram import ApiRequest, FakeTelegram

PUSH_MARK = "⏰"  # a reminder push is one message whose text starts with this
FIRST_USER = 700_000_000  # user ids (= private chat ids) of the generated users
CANARY_USER = 690_000_000  # + run number: one near-due reminder per start-up run
PROBE_USER = 680_000_000  # an interactive user during the burst
TZ = "Asia/Shanghai"
CHUNK = 100_000  # users per bulk-insert transaction
ORDER_MARK = "__ORDER__"


# --------------------------------------------------------------------------------------------
# Building databases
# --------------------------------------------------------------------------------------------


def realistic_case(due: datetime) -> Case:
    """A confirmed case like the intake produces: a platform-support promise expiring at `due`."""
    promised = due - timedelta(hours=24)
    bought = promised - timedelta(hours=3)
    created = promised + timedelta(minutes=20)
    return Case(
        no=1,
        created_at=created,
        status="confirmed",
        platform="未来卡盟",
        order_no=f"WL{ORDER_MARK}",
        product="Steam充值卡 100元",
        amount_cents=9800,
        purchased_at=bought,
        issue_type=IssueType.INVALID_CODE,
        events=(
            TimelineEvent(bought + timedelta(minutes=5), "激活时提示卡密无效"),
            TimelineEvent(promised, "联系平台客服,工号8801,称24小时内处理"),
        ),
        events_done=True,
        contacts=(
            Contact(
                Channel.PLATFORM_SUPPORT,
                promised,
                "工号 8801",
                "24小时内处理",
                Window("24小时内", 24, WindowUnit.HOURS),
            ),
        ),
        contacts_done=True,
        demand_action=DemandAction.REISSUE_CODE,
        demand_text="补发等值卡密或全额退款",
        demand_deadline=Window("48小时内", 48, WindowUnit.HOURS),
        rule_done=True,
        evidence_claims=(EvidenceClaim.ORDER_SCREENSHOT, EvidenceClaim.CHAT_LOG),
        evidence_done=True,
        confirmed_at=created + timedelta(minutes=15),
    )


@dataclass(frozen=True)
class Built:
    """A database ready for the bot."""

    path: Path
    users: int
    reminders: int
    seconds: float
    megabytes: float
    facts_bytes: int


async def _migrate(path: Path) -> None:
    store = await Store.open(path)
    await store.close()


def build_db(
    path: Path,
    user_ids: range,
    keys: Sequence[str],
    deliver: Callable[[int, int], int],
    case_due: datetime,
) -> Built:
    """Users with one confirmed case each and a pending reminder per key; `deliver(i, j)` is
    the unix time the j-th reminder of the i-th user is delivered (and due: quiet hours off)."""
    started = time.perf_counter()
    asyncio.run(_migrate(path))  # the real schema, through the real migrations
    case = realistic_case(case_due)
    facts = json.dumps(case.to_json(), ensure_ascii=False)
    case_created = case.created_at.isoformat()
    now = int(time.time())
    now_iso = datetime.fromtimestamp(now, UTC).isoformat()
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("PRAGMA synchronous=OFF")  # a loader: a crash means building again
        db.execute("PRAGMA cache_size=-262144")  # 256 MB, this connection only
        for lo in range(0, len(user_ids), CHUNK):
            part = user_ids[lo : lo + CHUNK]
            db.execute("BEGIN")
            db.executemany(
                "INSERT INTO users (user_id, lang, tz, created_at, quiet_hours) "
                "VALUES (?, 'zh', ?, ?, 0)",
                ((u, TZ, now_iso) for u in part),
            )
            db.executemany(
                "INSERT INTO cases (user_id, no, status, created_at, updated_at, facts) "
                "VALUES (?, 1, 'confirmed', ?, ?, ?)",
                ((u, case_created, now_iso, facts.replace(ORDER_MARK, f"{u:012d}"))
                 for u in part),
            )
            db.executemany(
                "INSERT INTO reminders (user_id, case_no, key, due_at, deliver_at, status, "
                "created_at) VALUES (?, 1, ?, ?, ?, 'pending', ?)",
                _reminder_rows(part, lo, keys, deliver, now - 3600),
            )
            db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    return Built(path, len(user_ids), len(user_ids) * len(keys),
                 time.perf_counter() - started, size / 1e6, len(facts.encode()))


def _reminder_rows(
    part: range, lo: int, keys: Sequence[str], deliver: Callable[[int, int], int], created: int
) -> Iterator[tuple[int, str, int, int, int]]:
    for i, user in enumerate(part, lo):
        for j, key in enumerate(keys):
            at = deliver(i, j)
            yield user, key, at, at, min(created, at)


def add_user_with_reminder(path: Path, user_id: int, at: int) -> None:
    """One more user, case and pending reminder (the start-up canary), before a run."""
    case = realistic_case(datetime.fromtimestamp(at, UTC))
    facts = json.dumps(case.to_json(), ensure_ascii=False).replace(ORDER_MARK, str(user_id))
    now_iso = datetime.now(UTC).isoformat()
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("BEGIN")
        db.execute("INSERT INTO users (user_id, lang, tz, created_at, quiet_hours) "
                   "VALUES (?, 'zh', ?, ?, 0)", (user_id, TZ, now_iso))
        db.execute("INSERT INTO cases (user_id, no, status, created_at, updated_at, facts) "
                   "VALUES (?, 1, 'confirmed', ?, ?, ?)",
                   (user_id, case.created_at.isoformat(), now_iso, facts))
        db.execute("INSERT INTO reminders (user_id, case_no, key, due_at, deliver_at, status, "
                   "created_at) VALUES (?, 1, 'contact:0', ?, ?, 'pending', ?)",
                   (user_id, at, at, min(at, int(time.time()))))
        db.execute("COMMIT")


def push_payload(due: datetime) -> str:
    """The outbox payload of a rendered reminder push, as Coach.fire stores it."""
    tz = ZoneInfo(TZ)
    case = realistic_case(due)
    replies = reminder_replies(case, "contact:0", due, False, due, tz)
    [message] = [m for r in replies for m in Texts().render(r, Lang.ZH, tz)]
    return json.dumps(message.to_json(), ensure_ascii=False)


def add_delivered_outbox(path: Path, rows: int, chat_ids: range) -> float:
    """Delivered pushes from the last 2.5 days: what the outbox holds between prunes (prune
    drops delivered rows only after 3 days). Returns the seconds it took."""
    started = time.perf_counter()
    now = time.time()
    payload = push_payload(datetime.fromtimestamp(now, UTC))
    span = 2.5 * 86_400

    def row(i: int) -> tuple[int, str, str, str]:
        at = datetime.fromtimestamp(now - span + i * span / rows, UTC)
        chat = chat_ids[i % len(chat_ids)]
        return (chat, payload.replace(ORDER_MARK, f"{chat:012d}"), at.isoformat(),
                (at + timedelta(seconds=1)).isoformat())

    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("PRAGMA synchronous=OFF")
        for lo in range(0, rows, CHUNK):
            db.execute("BEGIN")
            db.executemany(
                "INSERT INTO outbox (chat_id, payload, created_at, sent_at, message_id) "
                "VALUES (?, ?, ?, ?, 1)", (row(i) for i in range(lo, min(rows, lo + CHUNK))))
            db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - started


def status_counts(path: Path) -> dict[str, int]:
    """How many reminders are in each status."""
    with closing(sqlite3.connect(path, timeout=10)) as db:
        rows = db.execute("SELECT status, count(*) FROM reminders GROUP BY status").fetchall()
    return {str(s): int(n) for s, n in rows}


# --------------------------------------------------------------------------------------------
# Observing the bot
# --------------------------------------------------------------------------------------------


def proc_status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of a process, in MB (MiB / 1.048576: the kernel's kB are KiB)."""
    out: dict[str, float] = {}
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return out
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            out[name] = int(value.split()[0]) * 1024 / 1e6
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def log_ready_at(log_path: Path) -> float | None:
    """Wall time of the bot's "ready" log line (asctime: local time, milliseconds)."""
    for line in log_path.read_text(errors="replace").splitlines():
        if line.rstrip().endswith("bot.app: ready"):
            stamp = line[:23]
            return datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").timestamp()
    return None


@dataclass
class Started:
    """A bot started and polling."""

    bot: BotProcess
    pid: int
    spawn_wall: float
    ready_s: float  # spawn → the first getUpdates reached the fake (perf_counter)
    ready_wall: float  # when that getUpdates reached the fake (fake's wall clock)
    log_ready_s: float | None  # spawn → the "ready" log line
    at_ready: dict[str, float]


_STARTED: list[BotProcess] = []  # killed on the way out if a scenario failed midway


def _kill_leftovers() -> None:
    for bot in _STARTED:
        if bot.proc is not None and bot.proc.poll() is None:
            bot.kill()


def start_bot(fake: FakeTelegram, workdir: Path, log_level: str) -> Started:
    """Start `complaint-coach run` and time it until its first getUpdates."""
    bot = BotProcess(fake, workdir, LOG_LEVEL=log_level)
    _STARTED.append(bot)
    polls = len(fake.requests_for("getUpdates"))
    spawn_wall = time.time()
    spawn = time.perf_counter()
    bot.start()  # spawns, then waits (on the fake's condition) for the first getUpdates
    ready_s = time.perf_counter() - spawn
    assert bot.proc is not None
    pid = bot.proc.pid
    at_ready = proc_status(pid)
    ready_wall = fake.requests_for("getUpdates")[polls].time
    logged = log_ready_at(bot.log_path)
    return Started(bot, pid, spawn_wall, ready_s, ready_wall,
                   logged - spawn_wall if logged is not None else None, at_ready)


def sends(fake: FakeTelegram) -> list[ApiRequest]:
    """Every sendMessage the fake accepted."""
    return [r for r in fake.requests_for("sendMessage") if r.status == 200]


def push_times(fake: FakeTelegram) -> dict[int, list[float]]:
    """Arrival times of reminder pushes at the fake, by chat."""
    out: dict[int, list[float]] = {}
    for r in sends(fake):
        if str(r.params.get("text", "")).startswith(PUSH_MARK):
            out.setdefault(int(r.params["chat_id"]), []).append(r.time)
    return out


def pushes_in(fake: FakeTelegram, chat_id: int) -> int:
    return sum(m.text.startswith(PUSH_MARK) for m in fake.messages(chat_id))


def max_in_window(times: Sequence[float], window: float = 1.0) -> int:
    """The most events in any `window`-second interval (what a sliding-window limit sees)."""
    ordered = sorted(times)
    best, lo = 0, 0
    for hi, t in enumerate(ordered):
        while t - ordered[lo] >= window:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


class Sampler:
    """Every `every` seconds, the reminders' statuses and the bot's memory: an observation
    series running beside the benchmark (it synchronises nothing)."""

    def __init__(self, db_path: Path, pid: int, t0: float, every: float = 1.0) -> None:
        self.samples: list[tuple[float, dict[str, int], dict[str, float]]] = []
        self._db_path, self._pid, self._t0, self._every = db_path, pid, t0, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            try:
                counts = status_counts(self._db_path)
            except sqlite3.Error:
                continue
            self.samples.append((time.time() - self._t0, counts, proc_status(self._pid)))

    def first(self, predicate: Callable[[dict[str, int]], bool]) -> float | None:
        return next((t for t, c, _ in self.samples if predicate(c)), None)

    def peak_rss(self) -> float:
        return max((m.get("VmRSS", 0.0) for _, _, m in self.samples), default=0.0)


class GcPauses:
    """This process's garbage-collector pauses: the fake server runs in a thread here, and a
    long pause holds its requests back and hands them on together."""

    def __init__(self) -> None:
        self.pauses: list[float] = []  # seconds
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append(time.perf_counter() - self._started)

    def __enter__(self) -> GcPauses:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)

    def summary(self) -> str:
        if not self.pauses:
            return "none"
        return (f"{len(self.pauses)} collections, longest {max(self.pauses) * 1000:.0f} ms, "
                f"{sum(p > 0.05 for p in self.pauses)} over 50 ms")


def provenance() -> str:
    """The commit measured, and any uncommitted change to tracked files (read-only git)."""
    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", "--no-optional-locks", *args], cwd=root,
                                  capture_output=True, text=True, timeout=30).stdout.strip("\n")
        except (OSError, subprocess.SubprocessError):
            return "?"

    dirty = [line[3:] for line in git("status", "--porcelain", "--untracked-files=no")
             .splitlines() if line]
    load = Path("/proc/loadavg").read_text().split()[:3]
    return (f"commit {git('rev-parse', '--short', 'HEAD')}"
            f"{' + uncommitted: ' + ', '.join(dirty) if dirty else ' (clean)'}; "
            f"load average {' '.join(load)}")


@contextmanager
def fake_server(rate_limit: bool) -> Iterator[FakeTelegram]:
    with FakeTelegram(rate_limit=rate_limit) as fake:
        yield fake


def table(title: str, rows: Sequence[tuple[str, object]]) -> None:
    print(f"\n== {title}")
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        shown = f"{value:,.3f}" if isinstance(value, float) else str(value)
        print(f"  {key.ljust(width)}  {shown}")
    sys.stdout.flush()


# --------------------------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------------------------


@dataclass
class StartupRun:
    ready_s: float
    log_ready_s: float | None
    rss_ready_mb: float
    rss_after_canary_mb: float
    hwm_mb: float
    canary_late_s: float
    exit_code: int


@dataclass
class StartupResult:
    reminders: int
    build: Built | None
    runs: list[StartupRun] = field(default_factory=list)
    outbox: int = 0  # delivered outbox rows added


def built_users(built: Built) -> range:
    return range(FIRST_USER, FIRST_USER + built.users)


CANARY_LEAD = 6  # seconds after spawn the canary is due: after ready


def _startup_runs(path: Path, workdir: Path, runs: int, log_level: str, label: str,
                  result: StartupResult, canary_base: int) -> None:
    for run in range(1, runs + 1):
        canary = canary_base + run
        due = math.ceil(time.time()) + CANARY_LEAD
        add_user_with_reminder(path, canary, due)
        with fake_server(rate_limit=False) as fake:
            fake.add_chat(canary)
            s = start_bot(fake, workdir, log_level)
            # Answered, not only stored: the fake stores a message before it logs the status.
            fake.wait_for(lambda c=canary: c in push_times(fake), 60, "the canary push")  # type: ignore[misc]
            arrived = push_times(fake)[canary][0]
            after = proc_status(s.pid)
            code = s.bot.stop()
        r = StartupRun(s.ready_s, s.log_ready_s, s.at_ready.get("VmRSS", 0.0),
                       after.get("VmRSS", 0.0), after.get("VmHWM", 0.0), arrived - due, code)
        result.runs.append(r)
        table(f"startup {label}, run {run}", [
            ("spawn → first getUpdates (s)", r.ready_s),
            ("spawn → 'ready' logged (s)", r.log_ready_s if r.log_ready_s is not None else "-"),
            ("VmRSS at ready (MB)", r.rss_ready_mb),
            ("VmRSS after canary push (MB)", r.rss_after_canary_mb),
            ("VmHWM (MB)", r.hwm_mb),
            ("canary lateness (s)", r.canary_late_s),
            ("exit code after SIGTERM", r.exit_code),
        ])


def scenario_startup(
    reminders: int, runs: int, log_level: str, outbox: int = 0
) -> list[StartupResult]:
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        # Baseline: the same start-up against an empty database.
        base_dir = Path(tmp) / "empty"
        base_db = base_dir / "data" / "coach.sqlite3"
        asyncio.run(_migrate(base_db))
        baseline = StartupResult(0, None)
        _startup_runs(base_db, base_dir, runs, log_level, "empty database", baseline,
                      CANARY_USER)
        results.append(baseline)

        big_dir = Path(tmp) / "big"
        big_db = big_dir / "data" / "coach.sqlite3"
        keys = ("contact:0", "demand")
        users = reminders // len(keys)
        start = int(time.time()) + 86_400
        spread = 30 * 86_400
        built = build_db(
            big_db, range(FIRST_USER, FIRST_USER + users), keys,
            lambda i, j: start + (i * len(keys) + j) * spread // reminders,
            datetime.fromtimestamp(start, UTC),
        )
        outbox_s = add_delivered_outbox(big_db, outbox, built_users(built)) if outbox else 0.0
        size = sum(p.stat().st_size for p in big_db.parent.glob(big_db.name + "*")) / 1e6
        table("startup database", [
            ("users / cases", built.users), ("pending reminders", built.reminders),
            ("facts JSON per case (bytes)", built.facts_bytes),
            ("build time (s)", built.seconds),
            ("delivered outbox rows (build s)", f"{outbox:,} ({outbox_s:.1f})"),
            ("database size (MB)", size),
        ])
        result = StartupResult(built.reminders, built, outbox=outbox)
        label = f"{built.reminders:,} reminders" + (f" + {outbox:,} outbox rows" if outbox else "")
        _startup_runs(big_db, big_dir, runs, log_level, label, result, CANARY_USER + 100)
        results.append(result)
    for r in results:
        label = f"{r.reminders:,} reminders" if r.reminders else "empty database"
        if r.outbox:
            label += f" + {r.outbox:,} delivered outbox rows"
        table(f"startup summary, {label} (median of {len(r.runs)})", [
            ("spawn → first getUpdates (s)", statistics.median(x.ready_s for x in r.runs)),
            ("each run (s)", ", ".join(f"{x.ready_s:.3f}" for x in r.runs)),
            ("VmRSS at ready (MB)", statistics.median(x.rss_ready_mb for x in r.runs)),
            ("VmRSS after canary (MB)",
             statistics.median(x.rss_after_canary_mb for x in r.runs)),
            ("VmHWM (MB)", statistics.median(x.hwm_mb for x in r.runs)),
            ("VmHWM each run (MB)", ", ".join(f"{x.hwm_mb:.1f}" for x in r.runs)),
            ("canary lateness (s)", statistics.median(x.canary_late_s for x in r.runs)),
        ])
    return results


@dataclass
class BurstResult:
    users: int
    build_s: float
    ready_s: float
    ready_to_first_s: float
    ready_to_last_s: float
    all_fired_s: float | None
    rate: float
    steady_rate: float
    max_per_1s: int
    count_429: int
    other_errors: int
    send_requests: int
    delivered_chats: int
    duplicates: int
    missing: int
    statuses: dict[str, int]
    probe_wait_s: float | None
    peak_rss_mb: float
    hwm_mb: float
    rss_end_mb: float
    cpu_s: float
    exit_code: int
    timed_out: bool
    max_attempts_per_1s: int = 0
    harness_gc: str = ""
    throttled_at: list[float] = field(default_factory=list)  # 429s, s after ready
    throttled_delivered_at: list[float] = field(default_factory=list)  # their pushes, ditto
    gap_ms: dict[str, float] = field(default_factory=dict)  # between accepted sends


def scenario_burst(users: int, log_level: str, timeout: float | None) -> BurstResult:
    limit = timeout or max(600.0, users / 30 * 2 + 120)
    with tempfile.TemporaryDirectory(prefix="bench-burst-") as tmp, \
            fake_server(rate_limit=True) as fake:
        workdir = Path(tmp)
        db_path = workdir / "data" / "coach.sqlite3"
        due = int(time.time())
        ids = range(FIRST_USER, FIRST_USER + users)
        built = build_db(db_path, ids, ("contact:0",), lambda i, j: due,
                         datetime.fromtimestamp(due, UTC))
        for u in ids:
            fake.add_chat(u)
        s = start_bot(fake, workdir, log_level)
        deadline = time.perf_counter() + limit
        probe_wait: float | None = None
        timed_out = False
        with Sampler(db_path, s.pid, s.ready_wall) as sampler, GcPauses() as pauses:
            try:
                # An interactive user writes a third of the way through the burst.
                if users >= 30:
                    fake.wait_for(lambda: fake.sent_count >= users // 3,
                                  deadline - time.perf_counter(), "a third of the burst")
                    asked = time.perf_counter()
                    fake.user_sends_text(PROBE_USER, "/help")
                    fake.wait_for(lambda: len(fake.messages(PROBE_USER)) >= 1,
                                  deadline - time.perf_counter(), "the /help reply")
                    probe_wait = time.perf_counter() - asked
                needed = users
                while True:
                    fake.wait_for(lambda n=needed: fake.sent_count >= n,  # type: ignore[misc]
                                  max(0.0, deadline - time.perf_counter()), "the burst")
                    # Read the count first: a push arriving while we count is then still
                    # awaited rather than missed.
                    seen = fake.sent_count
                    covered = sum(pushes_in(fake, u) >= 1 for u in ids)
                    if covered == users:
                        break
                    needed = seen + (users - covered)
            except AssertionError as exc:
                timed_out = True
                print(f"  timed out: {str(exc).splitlines()[0]}")
            end = proc_status(s.pid)
            cpu = cpu_seconds(s.pid)
        code = s.bot.stop()
        statuses = status_counts(db_path)
        by_chat = push_times(fake)
        per_chat = Counter(len(by_chat.get(u, [])) for u in ids)
        times = sorted(t for u in ids for t in by_chat.get(u, []))
        accepted = sends(fake)
        attempts = fake.requests_for("sendMessage")
        throttled = [r for r in attempts if r.status == 429]
        throttled_chats = {int(r.params["chat_id"]) for r in throttled}
        gaps = [(b.time - a.time) * 1000 for a, b in itertools.pairwise(accepted)]
        first = times[0] if times else s.ready_wall
        last = times[-1] if times else s.ready_wall
        result = BurstResult(
            users=users,
            build_s=built.seconds,
            ready_s=s.ready_s,
            ready_to_first_s=first - s.ready_wall,
            ready_to_last_s=last - s.ready_wall,
            all_fired_s=sampler.first(lambda c: c.get("pending", 0) == 0),
            rate=len(times) / (last - s.ready_wall) if last > s.ready_wall else 0.0,
            steady_rate=(len(times) - 1) / (last - first) if last > first else 0.0,
            max_per_1s=max_in_window([r.time for r in accepted]),
            count_429=fake.count_429,
            other_errors=len(fake.errors),
            send_requests=len(fake.requests_for("sendMessage")),
            delivered_chats=users - per_chat[0],
            duplicates=sum(n for k, n in per_chat.items() if k > 1),
            missing=per_chat[0],
            statuses=statuses,
            probe_wait_s=probe_wait,
            peak_rss_mb=sampler.peak_rss(),
            hwm_mb=end.get("VmHWM", 0.0),
            rss_end_mb=end.get("VmRSS", 0.0),
            cpu_s=cpu,
            exit_code=code,
            timed_out=timed_out,
            max_attempts_per_1s=max_in_window([r.time for r in attempts]),
            harness_gc=pauses.summary(),
            throttled_at=[r.time - s.ready_wall for r in throttled],
            throttled_delivered_at=[
                max(by_chat[c]) - s.ready_wall for c in throttled_chats if c in by_chat
            ],
            gap_ms={"min": min(gaps), "p1": percentile(gaps, 1), "p50": percentile(gaps, 50),
                    "p99": percentile(gaps, 99), "max": max(gaps)} if gaps else {},
        )
    target = users / 30 * 1.1
    table(f"burst: {users:,} reminders due at once, {users:,} users", [
        ("database build (s)", result.build_s),
        ("spawn → ready (s)", result.ready_s),
        ("ready → first push (s)", result.ready_to_first_s),
        ("ready → last push (s)", result.ready_to_last_s),
        ("target: ≤ N/30 × 1.1 (s)", target),
        ("ready → none pending (fired, ±1 s)",
         result.all_fired_s if result.all_fired_s is not None else "-"),
        ("rate, ready → last (msg/s)", result.rate),
        ("rate, first → last push (msg/s)", result.steady_rate),
        ("most sends in any 1 s window", result.max_per_1s),
        ("429 answers", result.count_429),
        ("429s at (s after ready): min/median/max", _spread(result.throttled_at)),
        ("429'd pushes delivered at: min/median/max", _spread(result.throttled_delivered_at)),
        ("sendMessage attempts in any 1 s window", result.max_attempts_per_1s),
        ("gap between sends (ms): min/p1/p50/p99/max",
         " / ".join(f"{v:.1f}" for v in result.gap_ms.values())),
        ("other rejected requests", result.other_errors),
        ("GC in this process (fake server)", result.harness_gc),
        ("sendMessage requests", result.send_requests),
        ("chats with a push", result.delivered_chats),
        ("chats with >1 push (duplicates)", result.duplicates),
        ("chats without a push (missing)", result.missing),
        ("reminder statuses at the end", json.dumps(result.statuses)),
        ("/help wait during the burst (s)",
         result.probe_wait_s if result.probe_wait_s is not None else "-"),
        ("VmRSS peak sampled / at end / VmHWM (MB)",
         f"{result.peak_rss_mb:.1f} / {result.rss_end_mb:.1f} / {result.hwm_mb:.1f}"),
        ("bot CPU time, user+sys (s)", result.cpu_s),
        ("exit code after SIGTERM", result.exit_code),
        ("timed out", result.timed_out),
    ])
    return result


@dataclass
class LatenessResult:
    count: int
    delivered: int
    due_before_ready: int
    lateness: list[float]
    exit_code: int


def scenario_lateness(count: int, lead: int, gap: int, log_level: str) -> LatenessResult:
    with tempfile.TemporaryDirectory(prefix="bench-lateness-") as tmp, \
            fake_server(rate_limit=True) as fake:
        workdir = Path(tmp)
        db_path = workdir / "data" / "coach.sqlite3"
        base = math.ceil(time.time()) + lead
        ids = range(FIRST_USER, FIRST_USER + count)
        build_db(db_path, ids, ("contact:0",), lambda i, j: base + i * gap,
                 datetime.fromtimestamp(base, UTC))
        for u in ids:
            fake.add_chat(u)
        s = start_bot(fake, workdir, log_level)
        fake.wait_for(lambda: len(push_times(fake)) >= count, lead + count * gap + 60,
                      "every reminder")
        code = s.bot.stop()
        by_chat = push_times(fake)
    due = {u: base + i * gap for i, u in enumerate(ids)}
    late = [by_chat[u][0] - due[u] for u in ids if u in by_chat]
    result = LatenessResult(count, len(late), sum(d < s.ready_wall for d in due.values()),
                            late, code)
    table(f"lateness: {count} reminders due {gap} s apart, bot idle", [
        ("spawn → ready (s)", s.ready_s),
        ("first due after ready (s)", base - s.ready_wall),
        ("delivered", f"{result.delivered}/{count}"),
        ("due before the bot was ready", result.due_before_ready),
        ("lateness p50 (s)", percentile(late, 50)),
        ("lateness p90 (s)", percentile(late, 90)),
        ("lateness p99 (s)", percentile(late, 99)),
        ("lateness max (s)", max(late)),
        ("lateness min (s)", min(late)),
        ("exit code after SIGTERM", code),
    ])
    return result


def _spread(values: Sequence[float]) -> str:
    if not values:
        return "-"
    return f"{min(values):.1f} / {statistics.median(values):.1f} / {max(values):.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reminders", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", choices=("all", "startup", "burst", "lateness"),
                        default="all")
    parser.add_argument("--users", type=int, default=10_000, help="burst: users (= reminders)")
    parser.add_argument("--reminders", type=int, default=1_000_000,
                        help="startup: pending reminders (two per user)")
    parser.add_argument("--outbox", type=int, default=0,
                        help="startup: also this many delivered outbox rows (< 3 days old)")
    parser.add_argument("--runs", type=int, default=3, help="startup: runs per database")
    parser.add_argument("--count", type=int, default=60, help="lateness: reminders")
    parser.add_argument("--lead", type=int, default=8,
                        help="lateness: seconds from spawn to the first due time")
    parser.add_argument("--gap", type=int, default=1, help="lateness: seconds between them")
    parser.add_argument("--timeout", type=float, default=None, help="burst: give up after")
    parser.add_argument("--log-level", default="INFO", help="the bot's LOG_LEVEL")
    parser.add_argument("--json", type=Path, default=None, help="also write figures here")
    args = parser.parse_args(argv)
    print(f"bench.reminders {datetime.now(UTC).isoformat(timespec='seconds')} "
          f"python {sys.version.split()[0]}; {provenance()}")
    out: dict[str, Any] = {}
    try:
        if args.scenario in ("all", "startup"):
            out["startup"] = scenario_startup(args.reminders, args.runs, args.log_level,
                                              args.outbox)
        if args.scenario in ("all", "lateness"):
            out["lateness"] = scenario_lateness(args.count, args.lead, args.gap,
                                                args.log_level)
        if args.scenario in ("all", "burst"):
            out["burst"] = scenario_burst(args.users, args.log_level, args.timeout)
    finally:
        _kill_leftovers()
    print(f"\nend: {provenance()}")
    if args.json is not None:
        args.json.write_text(json.dumps(out, default=_plain, ensure_ascii=False, indent=1))
    return 0


def _plain(o: object) -> object:
    if hasattr(o, "__dataclass_fields__"):
        return {k: getattr(o, k) for k in o.__dataclass_fields__}
    return str(o)


if __name__ == "__main__":
    sys.exit(main())
