"""The HTTP server: lifecycle on a background thread, the API dispatch, long polling."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout, web

from tests.fake_telegram.limits import MAX_UPLOAD_SIZE, JSONDict
from tests.fake_telegram.methods import BotApiMethods
from tests.fake_telegram.params import _loggable, _normalize_params, _opt_int
from tests.fake_telegram.records import ApiError, ApiRequest, TelegramAPIError, UploadedFile, _bad
from tests.fake_telegram.users import UserActions


class FakeTelegram(BotApiMethods, UserActions):
    """A Telegram Bot API look-alike served by aiohttp from a background thread.

    Use as a context manager (or call :meth:`start`/:meth:`stop`).  All public methods are
    synchronous and thread-safe; call them from test code, never from the fake's own loop.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._methods: dict[str, tuple[str, Callable[[JSONDict], Any]]] = {}
        for name, handler in {
            "getMe": self._m_get_me,
            "logOut": self._m_true,
            "close": self._m_true,
            "setWebhook": self._m_set_webhook,
            "deleteWebhook": self._m_delete_webhook,
            "getWebhookInfo": self._m_get_webhook_info,
            "setMyCommands": self._m_set_my_commands,
            "getMyCommands": self._m_get_my_commands,
            "deleteMyCommands": self._m_delete_my_commands,
            "sendMessage": self._m_send_message,
            "editMessageText": self._m_edit_message_text,
            "editMessageCaption": self._m_edit_message_caption,
            "editMessageReplyMarkup": self._m_edit_message_reply_markup,
            "deleteMessage": self._m_delete_message,
            "answerCallbackQuery": self._m_answer_callback_query,
            "sendChatAction": self._m_send_chat_action,
            "getFile": self._m_get_file,
            "setChatMenuButton": self._m_set_chat_menu_button,
            "getChatMenuButton": self._m_get_chat_menu_button,
            "sendDocument": self._m_send_document,
            "sendPhoto": self._m_send_photo,
            "getUpdates": self._m_true,  # served by _get_updates (async)
        }.items():
            self._methods[name.lower()] = (name, handler)

    # ---------------------------------------------------------------- lifecycle

    @property
    def url(self) -> str:
        """Base URL of the server, e.g. ``http://127.0.0.1:41234``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """``base_url`` for PTB (``Bot(token, base_url=fake.api_url)``)."""
        return f"{self.url}/bot"

    @property
    def file_url(self) -> str:
        """``base_file_url`` for PTB."""
        return f"{self.url}/file/bot"

    def start(self) -> FakeTelegram:
        """Start serving; returns once the socket is listening."""
        if self._thread is not None:
            return self
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self._sock = sock
        self.port = sock.getsockname()[1]
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="fake-telegram", daemon=True)
        self._thread.start()
        self._started.wait(10)
        if self._start_error is not None:
            self._thread = None
            raise RuntimeError("FakeTelegram failed to start") from self._start_error
        if not self._started.is_set():
            raise RuntimeError("FakeTelegram did not start within 10 s")
        return self

    def stop(self) -> None:
        """Stop serving (pending long polls are answered with no updates)."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        future = asyncio.run_coroutine_threadsafe(self._async_stop(), loop)
        with contextlib.suppress(Exception):
            future.result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        self._thread = None
        self._loop = None
        self._started.clear()

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            loop.run_until_complete(self._async_start())
        except BaseException as exc:
            self._start_error = exc
            self._started.set()
            loop.close()
            return
        self._started.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _async_start(self) -> None:
        app = web.Application(client_max_size=MAX_UPLOAD_SIZE + 2 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        assert self._sock is not None
        await web.SockSite(runner, self._sock).start()
        self._runner = runner
        self._delivery = asyncio.ensure_future(self._deliver_by_webhook())

    async def _async_stop(self) -> None:
        self._closing = True
        self._wake_pollers("closing")
        if self._delivery is not None:
            self._delivery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._delivery
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # ---------------------------------------------------------------- HTTP plumbing

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        received = time.time()
        method_raw = request.match_info["method"]
        known = self._methods.get(method_raw.lower())
        method = known[0] if known else method_raw
        try:
            params = await self._read_params(request)
        except TelegramAPIError as exc:
            record = self._log_request(method, {}, received)
            return self._reject(record, exc)
        except web.HTTPRequestEntityTooLarge:
            record = self._log_request(method, {}, received)
            return self._reject(record, TelegramAPIError(413, "Request Entity Too Large"))
        record = self._log_request(method, params, received)
        try:
            if request.match_info["token"] != self.token:
                raise TelegramAPIError(401, "Unauthorized")
            if known is None:
                record_note = f"{method_raw!r} is not implemented by FakeTelegram"
                return self._reject(record, TelegramAPIError(404, "Not Found"), record_note)
            result = await self._call(request, method, known[1], params)
        except TelegramAPIError as exc:
            return self._reject(record, exc)
        except _SilentDrop:
            record.status = 409
            return web.Response(status=409)
        except Exception as exc:  # a bug in the fake: make it loud
            return self._reject(
                record, TelegramAPIError(500, f"Internal Server Error (fake): {exc!r}")
            )
        with self._cond:
            record.status = 200
            self._cond.notify_all()
        return self._json({"ok": True, "result": result}, 200)

    async def _call(
        self, request: web.Request, method: str, handler: Callable[[JSONDict], Any],
        params: JSONDict,
    ) -> Any:
        """Answer one known method; a held one waits first (getUpdates before its offset is
        applied, so a bot killed then confirmed nothing)."""
        if method in self._held:
            await self._wait_released(method)  # a request that does not end for now
            if request.transport is None or request.transport.is_closing():
                raise _SilentDrop()  # its client died waiting: Telegram never got it
        if method == "getUpdates":
            return await self._get_updates(request, params)
        with self._cond:
            result = handler(params)
            self._cond.notify_all()
        return result

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        record = self._log_request("downloadFile", {"file_path": path}, time.time())
        with self._cond:
            file = self._files_by_path.get(path)
        if request.match_info["token"] != self.token or file is None:
            return self._reject(record, TelegramAPIError(404, "Not Found"))
        with self._cond:
            record.status = 200
            self._cond.notify_all()
        return web.Response(body=file.data(), content_type="application/octet-stream")

    @staticmethod
    def _json(body: JSONDict, status: int) -> web.Response:
        return web.Response(
            text=json.dumps(body, ensure_ascii=False),
            status=status,
            content_type="application/json",
        )

    def _log_request(self, method: str, params: JSONDict, received: float) -> ApiRequest:
        record = ApiRequest(method, _loggable(params), received)
        with self._cond:
            self.requests.append(record)
            self._cond.notify_all()
        return record

    def _reject(self, record: ApiRequest, exc: TelegramAPIError, note: str = "") -> web.Response:
        error = ApiError(record.method, record.params, exc.description, exc.error_code, note)
        with self._cond:
            record.status = exc.error_code
            if exc.error_code == 429:
                self.count_429 += 1
                self.throttled.append(error)
            else:
                self.errors.append(error)
            self._cond.notify_all()
        return self._json(exc.to_json(), exc.error_code)

    async def _read_params(self, request: web.Request) -> JSONDict:
        raw: JSONDict = dict(request.query)
        if request.method == "POST" and request.body_exists:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError as exc:
                    raise _bad("can't parse JSON encoded request body") from exc
                if not isinstance(body, dict):
                    raise _bad("JSON object expected as request body")
                raw.update(body)
            elif request.content_type in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            ):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        raw[key] = UploadedFile(
                            value.filename, value.content_type, value.file.read()
                        )
                    else:
                        raw[key] = value
        return _normalize_params(raw)

    # ---------------------------------------------------------------- long polling

    async def _get_updates(self, request: web.Request, params: JSONDict) -> list[JSONDict]:
        if self.webhook_url is not None:
            raise TelegramAPIError(
                409, "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = _opt_int(params, "offset")
        limit = min(max(_opt_int(params, "limit") or 100, 1), 100)
        timeout = max(_opt_int(params, "timeout") or 0, 0)
        allowed = params.get("allowed_updates")
        loop = asyncio.get_running_loop()
        # Telegram terminates an older concurrent getUpdates with 409.
        self._wake_pollers("conflict")
        with self._cond:
            if isinstance(allowed, list):
                self.allowed_updates = [str(a) for a in allowed]
            if offset is not None:
                if offset < 0:
                    self._pending = self._pending[offset:]
                    if self._pending:
                        self.confirmed_offset = max(
                            self.confirmed_offset, self._pending[0]["update_id"]
                        )
                elif offset > 0:
                    self._pending = [u for u in self._pending if u["update_id"] >= offset]
                    self.confirmed_offset = max(self.confirmed_offset, offset)
            self._cond.notify_all()
        deadline = loop.time() + timeout
        while True:
            future: asyncio.Future[str] = loop.create_future()
            self._pollers.add(future)
            try:
                with self._cond:
                    held = "getUpdates" in self._held and not self._closing
                    budget = limit if self._serve_budget is None else self._serve_budget
                    batch = [] if held else [dict(u) for u in self._pending[:min(limit, budget)]]
                    if batch and self._serve_budget is not None:
                        self._serve_budget = None
                        self._held.add("getUpdates")  # one answer served: held again
                    self.served_update_ids.update(u["update_id"] for u in batch)
                    self._cond.notify_all()
                remaining = deadline - loop.time()
                if batch or remaining <= 0 or self._closing:
                    return batch
                with self._cond:
                    self._polls_waiting += 1
                    self._cond.notify_all()
                try:
                    reason = await asyncio.wait_for(future, remaining)
                except TimeoutError:
                    return []
                finally:
                    with self._cond:
                        self._polls_waiting -= 1
                        self._cond.notify_all()
            finally:
                self._pollers.discard(future)
            if reason == "conflict":
                await self._conflict(request)

    # ---------------------------------------------------------------- webhook delivery

    async def _deliver_by_webhook(self) -> None:
        """While a webhook is set, POST each pending update to it, several at once, and
        retry one answered other than 200 (or not at all) until it is."""
        posting: set[asyncio.Future[None]] = set()  # kept until done, so none is collected
        async with ClientSession() as http:
            while not self._closing:
                with self._cond:
                    url, secret = self.webhook_url, self.webhook_secret
                    room = self.webhook_max_connections - len(self._in_flight)
                    batch = [] if url is None else [
                        dict(u) for u in self._pending if u["update_id"] not in self._in_flight
                    ][:max(room, 0)]
                    self._in_flight.update(u["update_id"] for u in batch)
                for update in batch:
                    assert url is not None
                    task = asyncio.ensure_future(self._post_update(http, url, secret, update))
                    posting.add(task)
                    task.add_done_callback(posting.discard)
                await asyncio.sleep(0.02)

    async def _post_update(
        self, http: ClientSession, url: str, secret: str | None, update: JSONDict
    ) -> None:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        status = 0
        try:
            async with http.post(url, json=update, headers=headers,
                                 timeout=ClientTimeout(total=60)) as response:
                status = response.status
        except (ClientError, TimeoutError):
            status = 0
        with self._cond:
            self.webhook_deliveries.append((update["update_id"], status))
            self.served_update_ids.add(update["update_id"])
            if status == 200:
                self._pending = [u for u in self._pending if u["update_id"] != update["update_id"]]
                self.confirmed_offset = max(self.confirmed_offset, update["update_id"] + 1)
            self._cond.notify_all()
        if status != 200:
            await asyncio.sleep(0.2)  # Telegram retries later; sooner here
        with self._cond:
            self._in_flight.discard(update["update_id"])

    async def _conflict(self, request: web.Request) -> None:
        """Answer 409 unless the client already went away (e.g. a killed bot process)."""
        with self._cond:
            self.conflict_count += 1
        for _ in range(20):  # give a dead client's FIN a moment to be noticed
            if request.transport is None or request.transport.is_closing():
                raise _SilentDrop()
            await asyncio.sleep(0.01)
        raise TelegramAPIError(
            409,
            "Conflict: terminated by other getUpdates request; make sure that only one bot "
            "instance is running",
        )



class _SilentDrop(Exception):
    """Internal: a terminated long poll whose client has already gone away."""



@contextlib.contextmanager
def fake_telegram(**kwargs: Any) -> Iterator[FakeTelegram]:
    """Run a :class:`FakeTelegram` for the duration of a ``with`` block."""
    fake = FakeTelegram(**kwargs)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
