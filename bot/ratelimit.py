"""Telegram's sending limits: about 30 messages a second overall, one a second per chat."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Protocol

from conversations.store.pace import Pace

GLOBAL_PER_SECOND = 30.0
PER_CHAT_PER_SECOND = 1.0
# Telegram tolerates short bursts in one chat ("we may allow short bursts that go over this
# limit"); a reply of a few messages goes out at once, a stream settles at one a second.
PER_CHAT_BURST = 4.0
SAFETY = 1.02  # a hair under the limits: clocks and networks jitter


class SharedWindow(Protocol):
    """The token's sends of the last second and each chat's pace, counted by every instance."""

    async def reserve_send(
        self, chat_id: int, room: int, pace: Pace, urgent: bool = False, ticket: int = 0,
    ) -> tuple[int, float, int]:
        """A send's id; or 0, how long to wait, and a ticket holding a reply's place."""
        ...

    async def finish_send(self, send_id: int) -> None:
        """The send's answer came back."""
        ...


class RateLimiter:
    """Hands out send slots: 30 a second overall, and per chat a small burst then 1 a second.

    Slots are reserved in order under a lock and waited for outside it, so many chats are
    served at once while the overall rate stays under the limit. PTB's AIORateLimiter covers
    the overall and group limits but not the per-chat one of private chats.
    """

    def __init__(
        self,
        per_second: float = GLOBAL_PER_SECOND,
        per_chat: float = PER_CHAT_PER_SECOND,
        burst: float = PER_CHAT_BURST,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        shared: SharedWindow | None = None,
    ) -> None:
        # Several instances share the token's 30 a second and each chat's pace: both are
        # counted in the database, which then decides alone (this instance's own spacing and
        # window would only hold back sends the shared count already allows).
        self._shared = shared
        # The shared count is exact (a send counts from before it leaves until a second after
        # its answer), so it may fill the limit itself.
        self._room = int(per_second)
        self._gap = SAFETY / per_second
        self._refill = per_chat / SAFETY  # tokens a second
        self._pace = Pace(burst=burst, per_second=self._refill)
        self._burst = burst
        self._clock = clock
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self._next_any = 0.0
        self._chats: dict[int, tuple[float, float]] = {}  # tokens left after a slot, its time
        self._forget_above = 10_000
        self._done: deque[float] = deque()  # when the last second's answered sends came back
        self._in_flight = 0
        self._per_window = max(1, int(per_second) - 1)  # one under the limit: clocks differ

    async def _reserve(self, chat_id: int) -> None:
        """Wait for this chat's next slot."""
        async with self._lock:
            now = self._clock()
            left, stamp = self._chats.get(chat_id, (self._burst, now))
            tokens = min(self._burst, left + (now - stamp) * self._refill)
            ready = now if tokens >= 1 else now + (1 - tokens) / self._refill
            slot = max(ready, self._next_any)
            self._next_any = slot + self._gap
            at_slot = min(self._burst, tokens + (slot - now) * self._refill)
            self._chats[chat_id] = (at_slot - 1, slot)
            if len(self._chats) > self._forget_above:  # forget chats whose bucket has refilled
                full = self._burst / self._refill
                self._chats = {c: v for c, v in self._chats.items() if now - v[1] < full}
                # During a burst every slot is in the future and nothing can be forgotten:
                # the next sweep waits until the table has doubled, so sweeps stay cheap.
                self._forget_above = max(10_000, 2 * len(self._chats))
        delay = slot - now
        if delay > 0:
            await self._sleep(delay)  # waiting for a rate-limit slot, not synchronisation
        await self._within_last_second()

    @asynccontextmanager
    async def slot(self, chat_id: int, urgent: bool = False) -> AsyncIterator[None]:
        """Hold a send slot for the length of one request; a reply is `urgent`."""
        if self._shared is not None:  # the database paces the chat and the token
            send_id = await self._enter_shared(self._shared, chat_id, urgent)
            try:
                yield
            finally:
                await self._shared.finish_send(send_id)
            return
        await self._reserve(chat_id)
        try:
            yield
        finally:
            self._in_flight -= 1
            self._done.append(self._clock())

    async def _enter_shared(self, shared: SharedWindow, chat_id: int, urgent: bool) -> int:
        """Wait for room in the window every instance counts in."""
        ticket = 0
        while True:
            send_id, wait, ticket = await shared.reserve_send(
                chat_id, self._room, self._pace, urgent, ticket)
            if send_id:
                return send_id
            await self._sleep(wait)  # until the oldest send leaves the window

    async def _within_last_second(self) -> None:
        """Reserved slots space sends out, but the server counts a request when it arrives,
        which a busy event loop can delay and bunch. A send counts as in flight until its
        answer comes back, and then by that time, which is never before it arrived: so no
        second at the server holds more sends than this window lets through."""
        while True:
            async with self._lock:
                now = self._clock()
                while self._done and now - self._done[0] >= 1.0:
                    self._done.popleft()
                if self._in_flight + len(self._done) < self._per_window:
                    self._in_flight += 1
                    return
                wait = 1.0 - (now - self._done[0]) + 0.001 if self._done else 0.01
            await self._sleep(wait)  # until the oldest send leaves the window
