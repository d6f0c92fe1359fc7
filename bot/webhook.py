"""Updates by webhook: each request is answered 200 only after its update is committed.

python-telegram-bot's own webhook server answers Telegram as soon as an update is queued, so
an update lost in a crash would not be delivered again; here the answer waits for the
handler, and an update whose handling failed is answered 500 for Telegram to retry.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web
from telegram.ext import Application

from bot.updates import parse_update

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookRoute:
    """The webhook path of the web server (bot.web)."""

    def __init__(
        self,
        app: Application,  # type: ignore[type-arg]
        url: str,
        secret: str,
        failed: set[int],
        settle: Callable[[int], Awaitable[None]],
    ) -> None:
        self._app = app
        self._settle = settle  # records an update that reached no case
        self.path = urlsplit(url).path or "/"
        self._secret = secret.encode()
        self._failed = failed  # update ids whose handling raised (the error handler adds them)

    def add_to(self, web_app: web.Application) -> None:
        """Register the webhook's POST route."""
        web_app.router.add_post(self.path, self._update)

    async def _update(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning("refused a webhook request without the right secret from %s",
                        request.remote)
            return web.Response(status=401)
        try:
            data = await request.json()
        except ValueError:
            log.warning("refused a webhook request whose body is not JSON")
            return web.Response(status=400)
        update = parse_update(data, self._app.bot)
        if update is None:
            raw_id = data.get("update_id") if isinstance(data, dict) else None
            if isinstance(raw_id, int):
                await self._settle(raw_id)
            return web.Response(status=200)  # confirmed and skipped: never stuck on it
        await self._app.process_update(update)  # errors go to the error handler
        if update.update_id in self._failed:
            self._failed.discard(update.update_id)
            log.debug("update %d failed: answered 500", update.update_id)
            return web.Response(status=500)  # not committed: Telegram delivers it again
        await self._settle(update.update_id)  # a no-op for updates the coach recorded
        log.debug("update %d handled", update.update_id)
        return web.Response(status=200)
