"""Long polling that confirms an update to Telegram only after it was handled and committed."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from telegram import Update
from telegram.error import InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from bot.api import call
from bot.updates import parse_update

log = logging.getLogger(__name__)

POLL_TIMEOUT = 30  # seconds a getUpdates long poll may wait for news
MAX_BACKOFF = 30.0
READ_MARGIN = 10  # seconds beyond the long poll's own before a read gives up
_ALL_TYPES = json.dumps(list(Update.ALL_TYPES))


class Poller:
    """Fetches batches of updates and handles each batch before asking for the next.

    PTB's own Updater confirms a batch (by polling with a higher offset) before its handlers
    run, so a SIGKILL mid-handling would lose those updates. Here the offset advances only
    after the batch is handled; after a crash Telegram re-delivers it and the coach's record
    of processed update ids makes the second delivery change nothing.
    """

    def __init__(
        self,
        app: Application,  # type: ignore[type-arg]
        poll_timeout: int = POLL_TIMEOUT,
        settle: Callable[[int], Awaitable[None]] | None = None,
    ) -> None:
        self._app = app
        self._settle = settle  # records an update that reached no case (see Coach.settle)
        self._poll_timeout = poll_timeout
        self._offset: int | None = None
        self._skip_to: int | None = None  # past updates that could not be parsed

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set; a batch being handled is finished first."""
        backoff = 1.0
        while not stop.is_set():
            fetch = asyncio.ensure_future(self._fetch())
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if not fetch.done():  # asked to stop while waiting for news: nothing is lost
                fetch.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await fetch
                break
            try:
                updates = fetch.result()
            except InvalidToken:
                raise
            except RetryAfter as exc:
                await asyncio.sleep(_seconds(exc.retry_after))  # Telegram says how long
                continue
            except TimedOut:
                continue
            except NetworkError as exc:
                log.warning("getUpdates failed: %s; retrying in %.0f s", exc, backoff)
                with contextlib.suppress(TimeoutError):  # a back-off that a stop cuts short
                    await asyncio.wait_for(stop.wait(), backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            backoff = 1.0
            if updates:
                await self.handle(updates)
                self._offset = updates[-1].update_id + 1
            if self._skip_to is not None:  # confirmed with the next poll, never handled
                self._offset = max(self._offset or 0, self._skip_to)
                self._skip_to = None
        await self._confirm()

    async def handle(self, updates: Sequence[Update]) -> None:
        """Handle a batch: different users concurrently, each user's updates in order."""
        by_user: dict[int | None, list[Update]] = {}
        for update in updates:
            user = update.effective_user
            by_user.setdefault(user.id if user else None, []).append(update)
        await asyncio.gather(*(self._in_order(batch) for batch in by_user.values()))

    async def _in_order(self, updates: list[Update]) -> None:
        for update in updates:
            await self._app.process_update(update)  # errors go to the error handler
            if self._settle is not None:  # so the next update does not wait for this one
                await self._settle(update.update_id)

    async def _fetch(self) -> tuple[Update, ...]:
        """The next batch; an update the library cannot parse is logged with its JSON and
        skipped, and the offset moves past it, so one bad update never stops the others.

        Bot.get_updates parses the whole batch at once and raises on one bad update, which
        Telegram then delivers again for as long as it keeps it; so the batch is fetched raw
        and each update parsed on its own.
        """
        fields = {"timeout": str(self._poll_timeout), "allowed_updates": _ALL_TYPES}
        if self._offset is not None:
            fields["offset"] = str(self._offset)
        raw = await call(
            self._app.bot, "getUpdates", fields, read_timeout=self._poll_timeout + READ_MARGIN
        )
        updates: list[Update] = []
        for item in raw if isinstance(raw, list) else []:
            update = parse_update(item, self._app.bot)
            if update is not None:
                updates.append(update)
            else:
                update_id = int(item.get("update_id", 0))
                self._skip_to = max(self._skip_to or 0, update_id + 1)
                if self._settle is not None:
                    await self._settle(update_id)
        return tuple(updates)

    async def _confirm(self) -> None:
        """Tell Telegram what was handled, so a clean restart gets nothing twice."""
        if self._offset is None:
            return
        with contextlib.suppress(NetworkError):  # raw, as polled: nothing to parse here
            await call(self._app.bot, "getUpdates",
                       {"offset": str(self._offset), "timeout": "0", "limit": "1"})


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
