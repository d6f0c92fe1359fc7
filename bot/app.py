"""The composition root: builds the Application, registers every handler in order, runs it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from telegram import BotCommand, MenuButtonWebApp, Update, WebAppInfo
from telegram.error import InvalidToken, NetworkError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.delivery import TelegramSender
from bot.files import TelegramFiles
from bot.handlers import (
    Runtime,
    on_callback,
    on_command,
    on_error,
    on_evidence,
    on_other,
    on_text,
)
from bot.http import AiohttpRequest
from bot.logs import configure_logging
from bot.metrics import exposition
from bot.polling import Poller
from bot.ratelimit import RateLimiter
from bot.settings import Settings, SettingsError
from bot.web import WebServer
from bot.webapp import MiniApp
from bot.webhook import WebhookRoute
from conversations.core.model import Lang
from conversations.shell.outbox import Outbox
from conversations.shell.scheduler import Scheduler
from conversations.shell.service import Coach
from conversations.store.postgres import PgStore
from conversations.store.storage import Store
from conversations.texts.rendering import Texts

log = logging.getLogger(__name__)

COMMANDS = ("start", "new", "cases", "export", "settings", "privacy", "delete", "cancel", "help")
RETRY_INTERVAL = 15.0  # seconds between retries of replies that could not be delivered yet
# With several instances the retry loop also takes over chats a dead instance held.
SHARED_RETRY_INTERVAL = 5.0
PRUNE_INTERVAL = 3600.0  # seconds between sweeps of delivered messages and old update ids
# Connections to the Bot API: the outbox sends to up to 64 chats at once, beside the long poll
# (bot.polling calls getUpdates through this pool too) and evidence downloads.
CONNECTIONS = 256


def build_application(settings: Settings) -> Application:  # type: ignore[type-arg]
    """The bot with every handler registered, in order; polling is ours (see bot.polling)."""
    app = (
        ApplicationBuilder()
        .token(settings.require_token().reveal())
        .base_url(f"{settings.api_url}/bot")
        .base_file_url(f"{settings.api_url}/file/bot")
        # aiohttp's client costs 34-42% less CPU per request than the default httpx one
        # (bot.http). Timeouts: the library's defaults; the long poll and documents pass theirs.
        # bot.polling polls and confirms through bot.api on this request too, so the library's
        # own getUpdates request stays unused.
        .request(AiohttpRequest(connection_pool_size=CONNECTIONS))
        .updater(None)
        .build()
    )
    new_messages = filters.UpdateType.MESSAGE
    app.add_handler(CommandHandler(COMMANDS, on_command, filters=new_messages))
    app.add_handler(MessageHandler(new_messages & filters.COMMAND, on_command))  # unknown ones
    # Voice notes, video notes and stickers are not evidence we take: on_other says what is.
    evidence = (filters.FORWARDED | filters.PHOTO | filters.Document.ALL | filters.AUDIO
                | filters.VIDEO | filters.ANIMATION)
    app.add_handler(MessageHandler(new_messages & evidence, on_evidence))
    app.add_handler(MessageHandler(new_messages & filters.TEXT, on_text))
    app.add_handler(CallbackQueryHandler(on_callback))
    app.add_handler(MessageHandler(filters.ALL, on_other))  # stickers, voice, edits, ...
    app.add_error_handler(on_error)
    return app


def run(settings: Settings) -> None:
    """Run the bot until SIGINT or SIGTERM."""
    configure_logging(settings)
    try:
        asyncio.run(serve(settings))
    except InvalidToken:
        raise SettingsError(
            "Telegram rejected TELEGRAM_BOT_TOKEN. Check it with @BotFather (/token)."
        ) from None
    except NetworkError as exc:  # only at start-up: later, polling retries on its own
        raise SettingsError(
            f"could not reach the Bot API at TELEGRAM_API_URL={settings.api_url} ({exc})"
        ) from None


async def serve(settings: Settings) -> None:
    """Start-up, polling, and a clean stop."""
    app = build_application(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await app.initialize()  # getMe; `async with app` below finds it done
    except BaseException:
        # The library shuts the requests down only after a successful start: a rejected token
        # or an unreachable API would leave aiohttp's session open, which it reports at exit.
        await app.bot.request.shutdown()
        raise
    async with app:  # shutdown on the way out
        store = await Store.open(settings.database)
        texts = Texts(webapp_url=settings.webapp_url)
        texts.warm()  # the first users do not wait for templates to compile
        shared = store if isinstance(store, PgStore) else None  # the token's limit, shared
        outbox = Outbox(store, TelegramSender(app.bot, RateLimiter(shared=shared)))
        coach = Coach(
            store,
            texts,
            outbox,
            settings.default_timezone,
            deliver_in_background=True,
            files=TelegramFiles(app.bot),
            files_dir=settings.files_dir,
            download_eagerly=settings.evidence_download == "eager",
        )
        scheduler = Scheduler(store, coach)
        coach.on_reminders_changed = scheduler.wake  # a new or moved deadline wakes it
        store.on_notice = coach.notice  # what other instances changed
        app.bot_data["runtime"] = Runtime(coach, texts, webapp_url=settings.webapp_url)
        background: list[asyncio.Task[None]] = []
        try:
            await _set_commands(app, texts)
            await coach.prune()
            await outbox.flush_all()  # replies committed before a crash go out first
            background.append(asyncio.create_task(
                _every(SHARED_RETRY_INTERVAL if store.shared else RETRY_INTERVAL,
                       outbox.flush_all, "retrying queued replies")))
            # A bot that runs for weeks must not keep copies of delivered messages for weeks.
            background.append(asyncio.create_task(
                _every(PRUNE_INTERVAL, coach.prune, "pruning delivered messages")))
            # Reminders that fell due while the bot was down go out now, oldest first.
            background.append(asyncio.create_task(scheduler.run(stop)))
            if settings.webapp_url is not None:
                await _set_menu_button(app, texts, settings.webapp_url)
            server = _web_server(app, settings, store, coach, texts)
            log.info("ready")
            await _serve(app, settings, server, stop, coach.settle)
        finally:
            stop.set()
            for task in background:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await coach.drain()
            await store.close()
    log.info("stopped")


async def _set_commands(app: Application, texts: Texts) -> None:  # type: ignore[type-arg]
    for lang_code, lang in (("", Lang.ZH), ("zh", Lang.ZH), ("en", Lang.EN)):
        labels = texts.labels(lang)
        commands = [BotCommand(c, labels[f"cmd.{c}"]) for c in COMMANDS]
        await app.bot.set_my_commands(commands, language_code=lang_code or None)


async def _every(seconds: float, work: Callable[[], Awaitable[object]], what: str) -> None:
    """Run `work` every `seconds` until cancelled; a failure is logged and tried next time."""
    while True:
        await asyncio.sleep(seconds)  # a period, not synchronisation
        try:
            await work()
        except Exception:
            log.exception("%s failed", what)


def _web_server(
    app: Application, settings: Settings, store: Store, coach: Coach,  # type: ignore[type-arg]
    texts: Texts,
) -> WebServer | None:
    """The web server with the routes the settings ask for, or None when none is wanted."""
    if settings.web_address is None:
        return None
    server = WebServer(store.ping, lambda: exposition(store, datetime.now(UTC)))
    if settings.webhook_url is not None and settings.webhook_secret is not None:
        WebhookRoute(app, settings.webhook_url, settings.webhook_secret.reveal(),
                     runtime_failed(app), coach.settle).add_to(server.app)
    MiniApp(store, coach, texts, settings.require_token(), settings.files_dir,
            settings.default_timezone).add_to(server.app)
    return server


async def _serve(
    app: Application, settings: Settings, server: WebServer | None,  # type: ignore[type-arg]
    stop: asyncio.Event, settle: Callable[[int], Awaitable[None]],
) -> None:
    """Take updates until `stop`: by webhook (Telegram is told where only once the server
    listens) or by long polling, with the web server beside either."""
    if server is not None and settings.web_address is not None:
        await server.start(*settings.web_address)
    try:
        if settings.webhook_url is not None and settings.webhook_secret is not None:
            await app.bot.set_webhook(
                settings.webhook_url, secret_token=settings.webhook_secret.reveal(),
                allowed_updates=Update.ALL_TYPES,
            )
            await stop.wait()
        else:
            await Poller(app, settle=settle).run(stop)
    finally:
        if server is not None:
            await server.stop()


async def _set_menu_button(app: Application, texts: Texts, url: str) -> None:  # type: ignore[type-arg]
    """Every private chat's menu button opens the case file (in Chinese; /start sets each
    chat's in its user's language)."""
    label = texts.labels(Lang.ZH)["btn.menu_app"]
    await app.bot.set_chat_menu_button(menu_button=MenuButtonWebApp(label, WebAppInfo(url)))


def runtime_failed(app: Application) -> set[int]:  # type: ignore[type-arg]
    """The runtime's record of updates whose handling failed."""
    failed: set[int] = app.bot_data["runtime"].failed
    return failed
