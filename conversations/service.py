"""The coach: one user's updates in order, each answer committed before the reply goes out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from conversations.engine import Ctx, step
from conversations.events import Event
from conversations.locks import KeyedLocks
from conversations.model import Lang
from conversations.outbox import Outbox
from conversations.rendering import Texts
from conversations.storage import Store, User

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Inbound:
    """One update from a user, as the engine needs it."""

    user_id: int
    chat_id: int
    event: Event
    at: datetime  # when the user sent it: the base for "昨天晚上8点"
    lang_code: str | None = None
    update_id: int | None = None  # Telegram's id, for handling a re-delivery only once


@dataclass(frozen=True)
class Handled:
    """What the front end still has to do itself."""

    notice: str | None = None  # a toast for a button press
    duplicate: bool = False


class Coach:
    """Runs the engine for each inbound event against the store, then flushes the outbox."""

    def __init__(
        self,
        store: Store,
        texts: Texts,
        outbox: Outbox,
        default_tz: ZoneInfo,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        deliver_in_background: bool = False,
    ) -> None:
        self._store = store
        # The bot confirms an update once its replies are committed; sending them in the
        # background keeps one slow chat (a 429 wait) from holding up everyone else.
        self._background = deliver_in_background
        self._deliveries: set[asyncio.Task[int]] = set()
        self._texts = texts
        self._outbox = outbox
        self._default_tz = default_tz
        self._clock = clock
        self._users = KeyedLocks()

    async def handle(self, inbound: Inbound) -> Handled:
        """Handle one event: step, commit state and replies together, then deliver."""
        async with self._users.hold(inbound.user_id):
            handled = await self._commit(inbound)
        delivery = self._outbox.flush(inbound.chat_id)  # per-chat lock keeps the order
        if self._background:
            task = asyncio.ensure_future(delivery)
            self._deliveries.add(task)
            task.add_done_callback(self._deliveries.discard)
        else:
            await delivery
        return handled

    async def drain(self) -> None:
        """Wait for deliveries still under way (at a clean stop)."""
        if self._deliveries:
            await asyncio.gather(*self._deliveries, return_exceptions=True)

    async def prune(self) -> None:
        """Forget bookkeeping that can no longer matter."""
        async with self._store.transaction() as tx:
            await tx.prune(self._clock())

    async def _commit(self, inbound: Inbound) -> Handled:
        now = self._clock()
        async with self._store.transaction() as tx:
            if inbound.update_id is not None and await tx.seen_update(inbound.update_id):
                return Handled(duplicate=True)
            stored = await tx.user(inbound.user_id)
            lang = Lang.from_telegram(inbound.lang_code) if inbound.lang_code else None
            user = User(
                inbound.user_id,
                lang or (stored.lang if stored else Lang.ZH),
                stored.tz if stored else self._default_tz.key,
            )
            if user != stored:
                await tx.save_user(user, now)
            tz = ZoneInfo(user.tz)
            session = await tx.session(user.user_id)
            cases = await tx.cases(user.user_id)
            outcome = step(session, cases, inbound.event, Ctx(inbound.at, tz))
            for case in outcome.changed:
                await tx.save_case(user.user_id, case, now)
            if outcome.session != session:
                await tx.save_session(user.user_id, outcome.session)
            messages = [m for r in outcome.replies for m in self._texts.render(r, user.lang, tz)]
            await tx.enqueue(inbound.chat_id, messages, now)
            if inbound.update_id is not None:
                await tx.mark_update(inbound.update_id, user.user_id, now)
        notice = None
        if outcome.notice is not None:
            notice = self._texts.render(outcome.notice, user.lang, tz)[0].plain
        return Handled(notice=notice)
