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

from bot.metrics import CONTENT_TYPE
from bot.updates import parse_update

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookServer:
    """The HTTP side: the webhook path, and /healthz for a load balancer."""

    def __init__(
        self,
        app: Application,  # type: ignore[type-arg]
        url: str,
        secret: str,
        failed: set[int],
        healthy: Callable[[], Awaitable[bool]],
        metrics: Callable[[], Awaitable[bytes]],
    ) -> None:
        self._app = app
        self._path = urlsplit(url).path or "/"
        self._secret = secret.encode()
        self._failed = failed  # update ids whose handling raised (the error handler adds them)
        self._healthy = healthy
        self._metrics_text = metrics
        self._runner: web.AppRunner | None = None

    async def start(self, host: str, port: int) -> None:
        """Serve on host:port until `stop`."""
        web_app = web.Application(client_max_size=1024 * 1024)
        web_app.router.add_post(self._path, self._update)
        web_app.router.add_get("/healthz", self._health)
        web_app.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(web_app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        log.info("serving the webhook at %s on %s:%d", self._path, host, port)

    async def stop(self) -> None:
        """Stop taking requests (a request being handled is finished first)."""
        if self._runner is not None:
            await self._runner.cleanup()

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
            return web.Response(status=200)  # confirmed and skipped: never stuck on it
        await self._app.process_update(update)  # errors go to the error handler
        if update.update_id in self._failed:
            self._failed.discard(update.update_id)
            log.debug("update %d failed: answered 500", update.update_id)
            return web.Response(status=500)  # not committed: Telegram delivers it again
        log.debug("update %d handled", update.update_id)
        return web.Response(status=200)

    async def _health(self, request: web.Request) -> web.Response:
        ok = await self._healthy()
        return web.Response(status=200 if ok else 503, text="ok" if ok else "database down")

    async def _metrics(self, request: web.Request) -> web.Response:
        body = await self._metrics_text()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})
