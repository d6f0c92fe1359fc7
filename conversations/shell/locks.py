"""Per-key asyncio locks forgotten when unused, and per-key wake-ups."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class KeyedLocks:
    """One lock per key (a user, a chat), created on demand."""

    def __init__(self) -> None:
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}  # lock and how many use it

    @asynccontextmanager
    async def hold(self, key: int) -> AsyncIterator[None]:
        """Hold the key's lock; waiters are served first come, first served."""
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


class Wakeups:
    """Wake whoever waits on a key (a user's turn came); waits time out, so none is stuck."""

    def __init__(self) -> None:
        self._events: dict[int, asyncio.Event] = {}

    async def wait(self, key: int, at_most: float) -> None:
        """Wait until the key is woken, or `at_most` seconds pass."""
        event = self._events.setdefault(key, asyncio.Event())
        try:
            async with asyncio.timeout(at_most):
                await event.wait()
        except TimeoutError:
            pass
        finally:
            if self._events.get(key) is event and event.is_set():
                del self._events[key]

    def wake(self, key: int) -> None:
        """Wake every waiter of the key."""
        event = self._events.pop(key, None)
        if event is not None:
            event.set()
