"""A small round-robin HTTP load balancer for the tests: each request to the next instance."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections import Counter
from itertools import count

from aiohttp import ClientError, ClientSession, ClientTimeout, web


class RoundRobin:
    """Forwards each request to the next backend in turn, as a load balancer without health
    checks does: a dead backend's turn answers 502, and Telegram delivers the update again."""

    def __init__(self, backends: list[str]) -> None:
        self._backends = backends
        self._turn = count()
        self.served: Counter[str] = Counter()  # backend -> requests it answered
        self.failed = 0  # requests whose backend could not be reached
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self.port = int(self._sock.getsockname()[1])
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self._http: ClientSession | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> RoundRobin:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    def __exit__(self, *exc_info: object) -> None:
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    async def _start(self) -> None:
        self._http = ClientSession(timeout=ClientTimeout(total=60))
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_route("*", "/{path:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.SockSite(self._runner, self._sock).start()

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.close()

    async def _forward(self, request: web.Request) -> web.Response:
        backend = self._backends[next(self._turn) % len(self._backends)]
        body = await request.read()
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() not in ("host", "content-length")}
        assert self._http is not None
        try:
            async with self._http.request(
                request.method, backend + request.path_qs, data=body, headers=headers
            ) as response:
                payload = await response.read()
                self.served[backend] += 1
                return web.Response(status=response.status, body=payload)
        except (ClientError, TimeoutError):
            self.failed += 1
            return web.Response(status=502)
