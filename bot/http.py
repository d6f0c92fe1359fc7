"""The Bot API's HTTP client: python-telegram-bot's request interface on aiohttp's client."""

from __future__ import annotations

import json

import aiohttp
from aiohttp.helpers import get_env_proxy_for_url
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput, UploadFileDict
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

_Headers = dict[str, str] | None
_JSON = {"Content-Type": "application/json"}
_NO_TYPE = ("Content-Type",)  # aiohttp would label an empty POST (getMe) octet-stream; httpx not


class AiohttpRequest(BaseRequest):
    """python-telegram-bot's requests over aiohttp instead of its default HTTPXRequest.

    The default goes through httpx, httpcore and anyio, all pure Python: request building,
    connection-pool bookkeeping (has_expired, is_socket_readable), a cookie jar and h11's parser
    took about 60% of the bot's busy CPU. aiohttp parses and writes HTTP in C. CPU per request
    of a process sending 1000 sendMessage (1500 Chinese characters, 3 rows of buttons) to
    tests.fake_telegram, medians of 3 runs, 3 sessions: HTTPXRequest 2.7-3.2 ms, this one
    1.75-1.84 ms (34-42% less).

    Timeouts mean what they mean for HTTPXRequest (read: the longest wait for a byte of the
    answer; connect: to open a connection; pool: for a free one), with one exception: aiohttp
    has no write timeout, so an upload is bounded as a whole by the sum of the four instead.
    """

    __slots__ = ("_limit", "_media_write_timeout", "_proxies", "_session", "_timeouts")

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._limit = connection_pool_size
        self._timeouts = (read_timeout, write_timeout, connect_timeout, pool_timeout)
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        # HTTP(S)_PROXY and NO_PROXY, as httpx honours them, looked up once per origin (aiohttp's
        # own trust_env would look them up in a thread at every request).
        self._proxies: dict[str, tuple[URL | None, _Headers, _Headers]] = {}

    @property
    def read_timeout(self) -> float | None:
        """The read timeout of requests that do not give their own."""
        return self._timeouts[0]

    async def initialize(self) -> None:
        """Open the session (aiohttp wants a running loop for it); again after a shutdown."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._limit),
                cookie_jar=aiohttp.DummyCookieJar(),  # Telegram sets none; a jar costs per request
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """One request: the status and the body as they came; BaseRequest reads errors."""
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        read, write, connect, pool = self._timeouts
        if isinstance(write_timeout, DefaultValue):  # uploads get longer, as in HTTPXRequest
            write_timeout = self._media_write_timeout if files else write
        timeout = _timeout(
            read if isinstance(read_timeout, DefaultValue) else read_timeout, write_timeout,
            connect if isinstance(connect_timeout, DefaultValue) else connect_timeout,
            pool if isinstance(pool_timeout, DefaultValue) else pool_timeout, upload=bool(files),
        )
        data: aiohttp.FormData | bytes | None = None
        headers: _Headers = None
        if files:
            data = _multipart(request_data.json_parameters if request_data else {}, files)
        elif request_data is not None and (params := request_data.json_parameters):
            # A JSON body, which the Bot API takes for every method but uploads: json.dumps is
            # C, where urlencode percent-encodes a Chinese text byte by byte in Python (0.2 ms
            # for 700 characters, ten times the JSON).
            data, headers = json.dumps(params, ensure_ascii=False).encode(), _JSON
        proxy, proxy_headers, to_proxy = self._proxy(url)
        if to_proxy:
            headers = {**(headers or {}), **to_proxy}
        try:
            async with session.request(
                method, url, data=data, headers=headers, timeout=timeout, proxy=proxy,
                proxy_headers=proxy_headers, skip_auto_headers=None if data else _NO_TYPE,
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's connect, socket-read and total timeouts alike
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc

    def _proxy(self, url: str) -> tuple[URL | None, _Headers, _Headers]:
        """The proxy for this URL's origin, and its credentials: for an HTTPS tunnel's CONNECT,
        or on a plain HTTP request (aiohttp sends proxy_headers only on a CONNECT)."""
        end = url.find("/", url.find("//") + 2)
        origin = url if end < 0 else url[:end]
        if (route := self._proxies.get(origin)) is not None:
            return route
        try:
            proxy, auth = get_env_proxy_for_url(URL(origin))
        except LookupError:
            route = (None, None, None)
        else:
            login = {"Proxy-Authorization": auth.encode()} if auth else None
            route = (proxy, login, None) if origin.startswith("https:") else (proxy, None, login)
        self._proxies[origin] = route
        return route


def _timeout(
    read: float | None, write: float | None, connect: float | None, pool: float | None, *,
    upload: bool,
) -> aiohttp.ClientTimeout:
    # aiohttp's `connect` covers the wait for a free connection and opening one. With no write
    # timeout, an upload, which can stall while writing, is bounded as a whole; the rest are
    # not (short forms fit the socket's buffer; a download may read for as long as it needs).
    steps = (read, write, connect, pool)
    return aiohttp.ClientTimeout(
        total=sum(s for s in steps if s is not None) if upload and None not in steps else None,
        connect=None if connect is None or pool is None else connect + pool,
        sock_connect=connect,
        sock_read=read,
    )


def _multipart(params: dict[str, str], files: UploadFileDict) -> aiohttp.FormData:
    # Names and filenames as httpx writes them (UTF-8, a quote as %22), not percent-encoded.
    form = aiohttp.FormData(quote_fields=False)
    for name, value in params.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename.replace('"', "%22"), content_type=mimetype)
    return form
