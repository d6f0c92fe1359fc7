"""Thin handlers: a Telegram update becomes an engine event; the coach does the rest."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from telegram import (
    MenuButtonWebApp,
    Message,
    MessageOrigin,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    Update,
    WebAppInfo,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.api import call
from bot.metrics import HANDLING, UPDATES
from conversations.core.events import Command, Event, Evidence, Text, Unsupported
from conversations.core.model import Lang
from conversations.core.replies import decode_press
from conversations.shell.service import Coach, Handled, Inbound
from conversations.texts.rendering import Texts

log = logging.getLogger(__name__)

# Message attributes checked in order to name what kind of message arrived.
_KINDS = (
    "sticker", "voice", "video_note", "video", "audio", "animation", "location", "venue",
    "contact", "poll", "dice", "photo", "document",
)


@dataclass
class Runtime:
    """What handlers need, built once at start-up by the composition root."""

    coach: Coach
    texts: Texts
    # Updates whose handling raised: a webhook answers them 500, for Telegram to retry.
    failed: set[int] = field(default_factory=set)
    webapp_url: str | None = None  # the Mini App, opened from each chat's menu button


def runtime(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    """The runtime stored in bot_data at start-up."""
    rt = context.bot_data["runtime"]
    assert isinstance(rt, Runtime)
    return rt


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start, /help, /new, /cancel, /cases and unknown commands."""
    msg = update.effective_message
    assert msg is not None and msg.text is not None
    head, _, args = msg.text.partition(" ")
    name = head[1:].split("@", 1)[0].lower()
    await _handle(update, context, Command(name, args.strip()), msg.date)
    if name == "start":
        await _menu_button(update, context)


async def _menu_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The chat's menu button opens the case file, labelled in the user's language."""
    rt, chat, user = runtime(context), update.effective_chat, update.effective_user
    if rt.webapp_url is None or chat is None or chat.type != ChatType.PRIVATE:
        return
    lang = Lang.from_telegram(user.language_code if user else None)
    button = MenuButtonWebApp(rt.texts.labels(lang)["btn.menu_app"], WebAppInfo(rt.webapp_url))
    try:
        await context.bot.set_chat_menu_button(chat.id, button)
    except TelegramError:  # the default menu button, set at start-up, still opens the page
        log.exception("could not set the menu button of chat %s", chat.id)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A text answer."""
    msg = update.effective_message
    assert msg is not None and msg.text is not None
    await _handle(update, context, Text(msg.text), msg.date)


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any message the intake cannot take: sticker, voice, location, photo, an edit..."""
    msg = update.effective_message
    if msg is None:
        return
    kind = "edited" if update.edited_message else _kind(msg)
    await _handle(update, context, Unsupported(kind, msg.media_group_id), msg.date)


async def on_evidence(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A photo, a file, a recording, or a forwarded message: evidence for the case."""
    msg = update.effective_message
    assert msg is not None
    event = evidence_event(msg)
    await _handle(update, context, event or Unsupported(_kind(msg), msg.media_group_id),
                  msg.date)


def evidence_event(msg: Message) -> Evidence | None:
    """The evidence a message carries, or None for kinds we do not take."""
    origin = msg.forward_origin
    common: dict[str, Any] = {
        "caption": msg.caption,
        "media_group_id": msg.media_group_id,
        "origin_at": origin.date if origin else None,
        "sender": _sender(origin) if origin else None,
    }
    if msg.photo:
        best = msg.photo[-1]  # the largest size
        return Evidence("photo", best.file_id, best.file_unique_id, best.file_size, "image/jpeg",
                        **common)
    # A video without sound (a silent screen recording) arrives as an animation, and an
    # animation also carries a document: it is taken as the video it is, before the document.
    media = msg.animation or msg.video or msg.audio
    if media is not None:
        kind = "audio" if media is msg.audio else "video"
        mime = media.mime_type or ("audio/mpeg" if kind == "audio" else "video/mp4")
        return Evidence(kind, media.file_id, media.file_unique_id, media.file_size, mime,
                        media.file_name, **common)
    if msg.document:
        doc = msg.document
        mime = doc.mime_type or ""
        kind = (
            "image" if mime.startswith("image/") else "pdf" if mime == "application/pdf"
            else "video" if mime.startswith("video/") else "audio" if mime.startswith("audio/")
            else "document"
        )
        return Evidence(kind, doc.file_id, doc.file_unique_id, doc.file_size, doc.mime_type,
                        doc.file_name, **common)
    if origin is not None and msg.text:
        return Evidence("text", text=msg.text, **common)
    return None


def _sender(origin: MessageOrigin) -> str | None:
    if isinstance(origin, MessageOriginUser):
        return origin.sender_user.full_name
    if isinstance(origin, MessageOriginHiddenUser):
        return origin.sender_user_name
    if isinstance(origin, MessageOriginChat):
        return origin.sender_chat.title
    if isinstance(origin, MessageOriginChannel):
        return origin.chat.title
    return None


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press; each query is answered once, a stale or forged one with a notice."""
    query = update.callback_query
    assert query is not None
    handled = await _handle(update, context, decode_press(query.data), datetime.now(UTC))
    if handled.duplicate:
        # Handled before a restart, and answered then or too late now: Telegram would refuse
        # a second answer ("query is too old").
        return
    answer = {"callback_query_id": query.id}
    if handled.notice:
        answer["text"] = handled.notice
    await call(context.bot, "answerCallbackQuery", answer)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log every exception with its update and tell the user something went wrong."""
    log.error("error while handling %r", update, exc_info=context.error)
    if isinstance(update, Update):
        runtime(context).failed.add(update.update_id)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    user = update.effective_user
    lang = Lang.from_telegram(user.language_code if user else None)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
        await context.bot.send_message(
            update.effective_chat.id, runtime(context).texts.labels(lang)["error"],
            parse_mode=ParseMode.HTML,
        )
    except Exception:  # the error report must never raise in turn
        log.exception("could not tell the user about the error")


async def _handle(
    update: Update, context: ContextTypes.DEFAULT_TYPE, event: Event, at: datetime
) -> Handled:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return Handled()
    inbound = Inbound(
        user_id=user.id,
        chat_id=chat.id,
        event=event,
        at=at,
        lang_code=user.language_code,
        update_id=update.update_id,
    )
    UPDATES.labels(type(event).__name__).inc()
    with HANDLING.time():
        return await runtime(context).coach.handle(inbound)


def _kind(msg: Message) -> str:
    return next((k for k in _KINDS if getattr(msg, k, None)), "other")
