"""Sends rendered messages through the Bot API, waiting out rate limits."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta
from pathlib import Path

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.api import call
from bot.keyboards import markup
from bot.metrics import REPLIES, WAITED_429
from bot.ratelimit import RateLimiter
from conversations.shell.outbox import PermanentFailure, TransientFailure
from conversations.texts.messages import OutMessage

log = logging.getLogger(__name__)
ATTEMPTS = 5
MAX_BACKOFF = 30.0
_NO_PREVIEW = json.dumps({"is_disabled": True})


class TelegramSender:
    """The outbox's sender for Telegram."""

    def __init__(self, bot: Bot, limiter: RateLimiter | None = None) -> None:
        self._bot = bot
        self._limiter = limiter or RateLimiter()

    async def send(self, chat_id: int, message: OutMessage, urgent: bool = False) -> int | None:
        """Send one message; 429 is waited out, network errors retried with backoff."""
        last: Exception | None = None
        for attempt in range(ATTEMPTS):
            try:
                async with self._limiter.slot(chat_id, urgent):
                    sent = await self._send_once(chat_id, message)
                REPLIES.labels("sent").inc()
                return sent
            except RetryAfter as exc:
                WAITED_429.inc()
                await asyncio.sleep(_seconds(exc.retry_after))  # Telegram says how long to wait
                last = exc
            except (Forbidden, BadRequest) as exc:
                # The user blocked the bot, or Telegram refuses this text: retrying cannot help.
                REPLIES.labels(type(exc).__name__).inc()
                raise PermanentFailure(f"{type(exc).__name__}: {exc.message}") from exc
            except NetworkError as exc:  # also TimedOut
                last = exc
                await asyncio.sleep(min(2.0**attempt, MAX_BACKOFF))
        REPLIES.labels(type(last).__name__).inc()
        raise TransientFailure(f"{type(last).__name__}: {last}")


    async def _send_once(self, chat_id: int, message: OutMessage) -> int:
        if message.edit_message_id is not None:
            return await self._edit(chat_id, message.edit_message_id, message)
        if message.document is not None:
            return await self._document(chat_id, message)
        sent = await call(self._bot, "sendMessage", _text_fields(chat_id, message))
        return int(sent["message_id"])

    async def _document(self, chat_id: int, message: OutMessage) -> int:
        assert message.document is not None
        path = Path(message.document)
        try:
            content = await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise PermanentFailure(f"the export file is gone: {path.name}") from None
        sent = await self._bot.send_document(
            chat_id, content, filename=path.name, caption=message.html,
            parse_mode=ParseMode.HTML, read_timeout=120, write_timeout=120,
        )
        return sent.message_id

    async def _edit(self, chat_id: int, message_id: int, message: OutMessage) -> int:
        fields = {**_text_fields(chat_id, message), "message_id": str(message_id)}
        try:
            await call(self._bot, "editMessageText", fields)
        except BadRequest as exc:
            if "not modified" not in exc.message.lower():  # the same text again is no failure
                raise
        return message_id


def _text_fields(chat_id: int, message: OutMessage) -> dict[str, str]:
    """sendMessage's fields for a rendered message (editMessageText's, with its id)."""
    fields = {"chat_id": str(chat_id), "text": message.html, "parse_mode": ParseMode.HTML.value,
              "link_preview_options": _NO_PREVIEW}
    keyboard = markup(message.buttons, private=chat_id > 0)
    if keyboard is not None:
        fields["reply_markup"] = json.dumps(keyboard)
    return fields


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
