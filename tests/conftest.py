"""Shared fixtures: the fake Bot API server and the real bot running as its own process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conversations.store.storage import Store
from tests.fake_telegram import FakeTelegram, SentMessage
from tests.postgres import Cluster

COMPLAINT_COACH = str(Path(sys.executable).with_name("complaint-coach"))
START_TIMEOUT = 60.0  # a cold interpreter on a loaded CI machine imports PTB slowly


class BotProcess:
    """`complaint-coach run` against the fake server, in its own working directory."""

    def __init__(self, fake: FakeTelegram, workdir: Path, **env: str) -> None:
        self.fake = fake
        self.workdir = workdir
        self.db_path = workdir / "data" / "coach.sqlite3"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")},
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_URL": fake.url,
            "DATABASE_PATH": str(self.db_path),
            "LOG_LEVEL": "DEBUG",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.proc: subprocess.Popen[bytes] | None = None
        self.runs = 0

    @property
    def log_path(self) -> Path:
        return self.workdir / f"bot-{self.runs}.log"

    def start(self) -> BotProcess:
        """Start and wait until it polls for updates (or, by webhook, has set its webhook)."""
        assert self.proc is None or self.proc.poll() is not None
        self.runs += 1
        method = "setWebhook" if self.env.get("WEBHOOK_URL") else "getUpdates"
        polls_before = len(self.fake.requests_for(method))
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [COMPLAINT_COACH, "run"],
                cwd=self.workdir,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        proc = self.proc
        self.fake.wait_for(
            lambda: len(self.fake.requests_for(method)) > polls_before
            or proc.poll() is not None,
            START_TIMEOUT,
            "the bot to start polling",
        )
        assert proc.poll() is None, f"the bot exited at start-up:\n{self.log()}"
        return self

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> int:
        """SIGTERM and wait for a clean exit."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)
        return self.proc.returncode

    def log(self) -> str:
        """Every run's log, in order."""
        return "\n".join(
            (self.workdir / f"bot-{i}.log").read_text(errors="replace")
            for i in range(1, self.runs + 1)
        )


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    """A fresh fake Bot API server on 127.0.0.1."""
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def bot(fake: FakeTelegram, tmp_path: Path) -> Iterator[BotProcess]:
    """The real bot, started; stopped (or killed) afterwards; Telegram saw no bad request."""
    process = BotProcess(fake, tmp_path).start()
    try:
        yield process
    finally:
        if process.proc is not None and process.proc.poll() is None:
            process.kill()
    assert fake.errors == [], f"Telegram would have rejected: {fake.errors}\n{process.log()}"


def button_data(messages: list[SentMessage], label: str) -> str:
    """The callback data of the newest button whose text contains `label`."""
    for message in reversed(messages):
        for b in message.buttons:
            if label in b.get("text", "") and "callback_data" in b:
                return str(b["callback_data"])
    shown = [b.get("text") for m in messages for b in m.buttons]
    raise AssertionError(f"no button {label!r}; buttons: {shown}")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """One throwaway PostgreSQL server for the whole run, stopped at the end."""
    cluster = Cluster()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", "postgres"])
async def where(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where a store lives: a SQLite file, or a fresh PostgreSQL database (one suite, two
    backends)."""
    if request.param == "sqlite":
        return tmp_path / "db" / "coach.sqlite3"
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    return await cluster.new_database()


async def sql(store: Store, query: str, *args: object) -> list[tuple[Any, ...]]:
    """Rows of a query the tests inspect the store with, on either database."""
    async with store.transaction() as tx:
        return await tx._c.fetchall(query, args)
