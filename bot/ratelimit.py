"""Telegram's sending limits: about 30 messages a second overall, one a second per chat."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

GLOBAL_PER_SECOND = 30.0
PER_CHAT_INTERVAL = 1.0
SAFETY = 1.02  # a hair under the limits: clocks and networks jitter


class RateLimiter:
    """Hands out send slots: spaced 1/30 s apart overall and 1 s apart in one chat.

    Slots are reserved in order under a lock and then waited for outside it, so many chats
    are served at once while the overall rate stays under the limit. PTB's AIORateLimiter
    covers the overall and group limits but not one message a second per private chat.
    """

    def __init__(
        self,
        per_second: float = GLOBAL_PER_SECOND,
        per_chat: float = PER_CHAT_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._gap = SAFETY / per_second
        self._per_chat = per_chat * SAFETY
        self._clock = clock
        self._lock = asyncio.Lock()
        self._next_any = 0.0
        self._next_in_chat: dict[int, float] = {}

    async def wait(self, chat_id: int) -> None:
        """Wait for this chat's next slot."""
        async with self._lock:
            now = self._clock()
            slot = max(now, self._next_any, self._next_in_chat.get(chat_id, 0.0))
            self._next_any = slot + self._gap
            self._next_in_chat[chat_id] = slot + self._per_chat
            if len(self._next_in_chat) > 10_000:  # forget chats whose slot has passed
                self._next_in_chat = {c: t for c, t in self._next_in_chat.items() if t > now}
        delay = slot - now
        if delay > 0:
            await asyncio.sleep(delay)  # waiting for a rate-limit slot, not synchronisation
