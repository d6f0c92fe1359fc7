"""The composition root: builds the Application and registers every handler, in order."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.delivery import TelegramSender
from bot.handlers import Runtime, on_callback, on_command, on_error, on_other, on_text
from bot.logs import configure_logging
from bot.settings import Settings
from conversations.model import Lang
from conversations.outbox import Outbox
from conversations.rendering import Texts
from conversations.service import Coach
from conversations.storage import Store

log = logging.getLogger(__name__)

COMMANDS = ("start", "new", "cases", "cancel", "help")
RETRY_INTERVAL = 15.0  # seconds between retries of replies that could not be delivered yet


def build_application(settings: Settings) -> Application:  # type: ignore[type-arg]
    """The bot, wired: settings → store, texts, outbox, coach → handlers."""
    token = settings.require_token().reveal()
    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{settings.api_url}/bot")
        .base_file_url(f"{settings.api_url}/file/bot")
        .concurrent_updates(True)  # users run concurrently; the coach keeps each user in order
        .post_init(lambda a: _start(a, settings))
        .post_shutdown(_stop)
        .build()
    )
    new_messages = filters.UpdateType.MESSAGE
    app.add_handler(CommandHandler(COMMANDS, on_command, filters=new_messages))
    app.add_handler(MessageHandler(new_messages & filters.COMMAND, on_command))  # unknown ones
    app.add_handler(MessageHandler(new_messages & filters.TEXT, on_text))
    app.add_handler(CallbackQueryHandler(on_callback))
    app.add_handler(MessageHandler(filters.ALL, on_other))  # stickers, voice, edits, ...
    app.add_error_handler(on_error)
    return app


async def _start(app: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    store = await Store.open(settings.database_path)
    texts = Texts()
    outbox = Outbox(store, TelegramSender(app.bot))
    coach = Coach(store, texts, outbox, settings.default_timezone)
    app.bot_data["runtime"] = Runtime(coach, outbox, texts)
    app.bot_data["store"] = store
    await _set_commands(app, texts)
    await coach.prune()
    # Replies committed before a crash go out before anything new is read.
    await outbox.flush_all()
    app.bot_data["retry_task"] = asyncio.create_task(_retry_forever(outbox))
    log.info("ready")


async def _stop(app: Application) -> None:  # type: ignore[type-arg]
    task = app.bot_data.pop("retry_task", None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    store = app.bot_data.pop("store", None)
    if isinstance(store, Store):
        await store.close()


async def _set_commands(app: Application, texts: Texts) -> None:  # type: ignore[type-arg]
    for lang_code, lang in (("", Lang.ZH), ("zh", Lang.ZH), ("en", Lang.EN)):
        labels = texts.labels(lang)
        commands = [BotCommand(c, labels[f"cmd.{c}"]) for c in COMMANDS]
        await app.bot.set_my_commands(commands, language_code=lang_code or None)


async def _retry_forever(outbox: Outbox) -> None:
    while True:
        await asyncio.sleep(RETRY_INTERVAL)  # a retry period, not synchronisation
        try:
            await outbox.flush_all()
        except Exception:
            log.exception("retrying queued replies failed")


def run(settings: Settings) -> None:
    """Long polling until interrupted."""
    configure_logging(settings)
    app = build_application(settings)
    app.run_polling(allowed_updates=Update.ALL_TYPES)
