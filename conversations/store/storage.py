"""The store's one interface: transactions of `Tx`, health, figures; SQLite or PostgreSQL."""

from __future__ import annotations

import re
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from importlib import resources
from pathlib import Path

from conversations.store.rows import Figures
from conversations.store.tx import Tx

__all__ = ["Store", "Tx", "migrations", "statements"]

_MIGRATION_NAME = re.compile(r"(\d{3})_[a-z0-9_]+\.sql")


def migrations(dialect: str) -> list[tuple[int, str]]:
    """The numbered migrations of one database ("sqlite" or "postgres"), in order."""
    files = resources.files("conversations.store") / "migrations" / dialect
    found = []
    for f in files.iterdir():
        m = _MIGRATION_NAME.fullmatch(f.name)
        if m:
            found.append((int(m.group(1)), f.read_text(encoding="utf-8")))
    return sorted(found)


def statements(sql: str) -> list[str]:
    """A migration's statements, comments left out."""
    lines = [ln for ln in sql.splitlines() if not ln.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def _is_url(where: Path | str) -> bool:
    return isinstance(where, str) and where.startswith(("postgresql://", "postgres://"))


class Store(ABC):
    """Every write happens in a transaction; several instances may share a PostgreSQL one."""

    def __init__(self) -> None:
        self.instance = uuid.uuid4().hex  # this process, as its claims name it
        # Called with what another instance changed ("reminders", "turn:<user>").
        self.on_notice: Callable[[str], None] = lambda what: None

    @staticmethod
    async def open(where: Path | str) -> Store:
        """Open and migrate: a postgresql:// URL, or the path of a SQLite file."""
        if isinstance(where, str) and _is_url(where):
            from conversations.store.postgres import PgStore  # only when asked for

            return await PgStore.connect(where)
        from conversations.store.sqlite import SqliteStore

        return await SqliteStore.connect(Path(where))

    @property
    @abstractmethod
    def shared(self) -> bool:
        """Whether other instances may use the same database."""

    @abstractmethod
    def transaction(
        self, user: int | None = None, durable: bool = True
    ) -> AbstractAsyncContextManager[Tx]:
        """A write transaction, committed on success and rolled back on any error; with
        `user`, it holds that user against every other instance until it ends. Not `durable`:
        for a record whose loss in a power cut costs at most a repeat (a message's sent mark),
        which the commit need not wait for the disk for."""

    @abstractmethod
    async def claim_chat(self, chat_id: int) -> bool:
        """Become the one sender of a chat among the instances; False if another one is."""

    @abstractmethod
    async def release_chat(self, chat_id: int) -> None:
        """Stop being the chat's sender."""

    @abstractmethod
    async def close(self) -> None:
        """Close the connections."""

    @abstractmethod
    async def ping(self) -> bool:
        """Whether the database answers."""

    async def figures(self, now: datetime) -> Figures:
        """Reminders by status (and how many are due now) and the outbox's backlog."""
        async with self.transaction() as tx:
            return await tx.figures(now)
