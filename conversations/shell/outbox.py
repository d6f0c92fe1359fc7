"""Delivers committed replies in order, through whatever sender the front end provides."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Protocol

from conversations.shell.locks import KeyedLocks
from conversations.store.rows import Pending
from conversations.store.storage import Store
from conversations.texts.messages import OutMessage

log = logging.getLogger(__name__)


class PermanentFailure(Exception):
    """This message can never be delivered (chat gone, user blocked the bot, rejected text)."""


class TransientFailure(Exception):
    """Delivery failed for now (network, server); the message stays queued."""


class Sender(Protocol):
    """Sends one rendered message to a chat and returns its message id."""

    async def send(self, chat_id: int, message: OutMessage, urgent: bool = False) -> int | None:
        """Send, or raise PermanentFailure / TransientFailure; a reply to the user is urgent."""
        ...


class Outbox:
    """Flushes the outbox: each message is marked sent right after it is delivered."""

    def __init__(
        self,
        store: Store,
        sender: Sender,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = store
        self._sender = sender
        self._clock = clock
        self._chats = KeyedLocks()  # two flushes of one chat would send its messages twice

    async def flush_all(self, concurrency: int = 64) -> int:
        """Deliver everything queued, many chats at once (the sender keeps to the limits)."""
        gate = asyncio.Semaphore(concurrency)

        async def one(chat_id: int) -> int:
            async with gate:
                return await self.flush(chat_id)

        total = 0
        while True:
            async with self._store.transaction() as tx:
                chats = await tx.unsent_chats()
            if not chats:
                return total
            sent = sum(await asyncio.gather(*(one(c) for c in chats)))
            total += sent
            if sent == 0:
                return total  # stalled, or other instances' to send: the retry loop comes back

    async def flush(self, chat_id: int, urgent: bool = False) -> int:
        """Deliver what is queued for one chat, in order; returns how many were sent. A flush
        right after the user wrote is `urgent`: its sends go ahead of pushes waiting for a slot.

        One instance at a time sends to a chat. Another that queues more meanwhile leaves it
        to the sender, which looks once more after letting the chat go.
        """
        sent = 0
        async with self._chats.hold(chat_id):
            while await self._store.claim_chat(chat_id):
                try:
                    async with self._store.transaction() as tx:
                        pending = await tx.unsent(chat_id)
                    count, stalled = await self._send(pending, urgent)
                    sent += count
                finally:
                    await self._store.release_chat(chat_id)
                if stalled or not self._store.shared:
                    break  # stalled: the retry loop comes back; alone: nothing came unseen
                async with self._store.transaction() as tx:
                    if not await tx.unsent(chat_id, limit=1):
                        break
        return sent

    async def _send(self, pending: list[Pending], urgent: bool) -> tuple[int, bool]:
        """Send a chat's queued messages in order: how many went, and whether one stalled."""
        # A keyed message superseded by a later one with its key is not sent at all.
        last = {p.message.key: p.id for p in pending if p.message.key}
        sent = 0
        for item in pending:
            key = item.message.key
            if key is not None and last[key] != item.id:
                await self._record(item, None)
                continue
            if not await self._deliver(item, urgent):
                return sent, True  # keep the chat's order: nothing after a stalled message
            sent += 1
        return sent, False

    async def _deliver(self, item: Pending, urgent: bool) -> bool:
        """Send one message and record the result; False when it must wait for a retry."""
        message = item.message
        if message.key is not None:
            async with self._store.transaction() as tx:
                earlier = await tx.sent_message_id(item.chat_id, message.key)
            if earlier is not None:  # keep one message current instead of adding another
                message = replace(message, edit_message_id=earlier)
        try:
            message_id = await self._sender.send(item.chat_id, message, urgent)
        except PermanentFailure as exc:
            log.warning("message %s to chat %s undeliverable: %s", item.id, item.chat_id, exc)
            async with self._store.transaction() as tx:
                await tx.mark_failed(item.id, str(exc))
            return True
        except TransientFailure as exc:
            log.warning("message %s to chat %s delayed: %s", item.id, item.chat_id, exc)
            return False
        await self._record(item, message_id)
        return True

    async def _record(self, item: Pending, message_id: int | None) -> None:
        # Lost in a power cut, a mark costs one message sent again, as a crash between the
        # send and the mark does: not worth a wait for the disk per message.
        async with self._store.transaction(durable=False) as tx:
            await tx.mark_sent(item.id, message_id, self._clock())
