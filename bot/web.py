"""The bot's one web server: /healthz, /metrics, and the webhook and Mini App when set up."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.metrics import CONTENT_TYPE

log = logging.getLogger(__name__)


class WebServer:
    """aiohttp on one port; routes are added before `start`."""

    def __init__(
        self,
        healthy: Callable[[], Awaitable[bool]],
        metrics: Callable[[], Awaitable[bytes]],
    ) -> None:
        self.app = web.Application(client_max_size=1024 * 1024)
        self._healthy = healthy
        self._metrics_text = metrics
        self.app.router.add_get("/healthz", self._health)
        self.app.router.add_get("/metrics", self._metrics)
        self._runner: web.AppRunner | None = None

    async def start(self, host: str, port: int) -> None:
        """Listen on host:port."""
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        log.info("serving HTTP on %s:%d", host, port)

    async def stop(self) -> None:
        """Stop taking requests (a request being handled is finished first)."""
        if self._runner is not None:
            await self._runner.cleanup()

    async def _health(self, request: web.Request) -> web.Response:
        ok = await self._healthy()
        return web.Response(status=200 if ok else 503, text="ok" if ok else "database down")

    async def _metrics(self, request: web.Request) -> web.Response:
        body = await self._metrics_text()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})
