"""bot.http's AiohttpRequest over real HTTP: the fake Bot API, and small servers that misbehave."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator

import pytest
from aiohttp import ServerTimeoutError, web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.api import call
from bot.http import AiohttpRequest
from tests.fake_telegram import FakeTelegram
from tests.ports import free_port

USER = 424242


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        server.add_chat(USER)
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    request = AiohttpRequest()
    async with Bot(fake.token, base_url=fake.api_url, base_file_url=fake.file_url,
                   request=request) as b:
        yield b


async def test_send_message(bot: Bot, fake: FakeTelegram) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("确认", callback_data="ok")]])
    text = "<b>投诉摘要</b>\n" + "订单号WL20240302001,实付98元。" * 40
    sent = await bot.send_message(USER, text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
    stored = fake.messages(USER)
    assert [m.message_id for m in stored] == [sent.message_id]
    assert stored[0].text == text.replace("<b>", "").replace("</b>", "")
    assert stored[0].callback_data == ["ok"]
    assert (await bot.get_me()).username == fake.bot_username  # a POST without a body
    assert fake.errors == []


async def test_a_rejection_surfaces_as_the_library_raises_it(bot: Bot, fake: FakeTelegram) -> None:
    with pytest.raises(BadRequest, match="parse entities"):
        await bot.send_message(USER, "<b>unclosed", parse_mode=ParseMode.HTML)
    assert [e.error_code for e in fake.errors] == [400]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's, on 429
async def test_429_is_retry_after() -> None:
    with FakeTelegram(rate_limit=True) as fake:
        fake.add_chat(USER)
        async with Bot(fake.token, base_url=fake.api_url, request=AiohttpRequest()) as bot:
            await bot.send_message(USER, "一")
            with pytest.raises(RetryAfter):
                await bot.send_message(USER, "二")
        assert fake.count_429 == 1


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's, on 429
async def test_a_lean_call_sends_the_fields_and_raises_as_the_library_does(
    bot: Bot, fake: FakeTelegram
) -> None:
    keyboard = '{"inline_keyboard": [[{"text": "确认", "callback_data": "ok"}]]}'
    sent = await call(bot, "sendMessage", {"chat_id": str(USER), "text": "<b>摘要</b> 1 &lt; 2",
                                           "parse_mode": "HTML", "reply_markup": keyboard})
    [stored] = fake.messages(USER)
    assert (sent["message_id"], stored.text, stored.callback_data) == (
        stored.message_id, "摘要 1 < 2", ["ok"])
    with pytest.raises(BadRequest, match="parse entities"):
        await call(bot, "sendMessage", {"chat_id": str(USER), "text": "<b>unclosed",
                                        "parse_mode": "HTML"})
    assert len(fake.messages(USER)) == 1
    with FakeTelegram(rate_limit=True) as limited:
        limited.add_chat(USER)
        async with Bot(limited.token, base_url=limited.api_url, request=AiohttpRequest()) as b:
            await call(b, "sendMessage", {"chat_id": str(USER), "text": "一"})
            with pytest.raises(RetryAfter):
                await call(b, "sendMessage", {"chat_id": str(USER), "text": "二"})


async def test_document_upload(bot: Bot, fake: FakeTelegram) -> None:
    data = b"%PDF-1.4 complaint letter " * 1000
    sent = await bot.send_document(
        USER, data, filename="投诉信.pdf", caption="<b>投诉信</b>", parse_mode=ParseMode.HTML,
        read_timeout=120, write_timeout=120,
    )
    assert sent.document is not None and sent.document.file_name == "投诉信.pdf"
    stored = fake.messages(USER)[0]
    assert (stored.kind, stored.document, stored.caption) == ("document", data, "投诉信")
    assert sent.document.mime_type == "application/pdf"
    file = await bot.get_file(sent.document.file_id)  # and back, by GET
    assert bytes(await file.download_as_bytearray()) == data


@pytest.fixture
async def silent() -> AsyncIterator[tuple[str, asyncio.Event]]:
    """A server that takes requests and never answers (nor reads their bodies): its URL, and
    an event set once a request arrived."""
    arrived, release = asyncio.Event(), asyncio.Event()

    async def hang(request: web.Request) -> web.Response:
        arrived.set()
        await release.wait()
        return web.Response()

    app = web.Application()
    app.router.add_post("/{path:.*}", hang)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}", arrived
    finally:
        release.set()
        await runner.cleanup()


async def test_an_answer_that_never_comes_times_out(silent: tuple[str, asyncio.Event]) -> None:
    url, arrived = silent
    request = AiohttpRequest(read_timeout=0.2)
    await request.initialize()
    try:
        with pytest.raises(TimedOut) as caught:
            await request.post(f"{url}/bot1:x/getMe")
        assert arrived.is_set()  # connected and sent: the answer is what never came
        assert isinstance(caught.value.__cause__, ServerTimeoutError)  # the read timeout
    finally:
        await request.shutdown()


async def test_an_upload_nobody_reads_times_out(silent: tuple[str, asyncio.Event]) -> None:
    url, arrived = silent
    request = AiohttpRequest()
    await request.initialize()
    bot = Bot("1:x", base_url=f"{url}/bot", request=request)  # no getMe: it would hang too
    try:
        with pytest.raises(TimedOut) as caught:  # the whole request's bound: no write timeout
            await bot.send_document(1, b"%PDF" * 4_000_000, filename="big.pdf", read_timeout=0.2,
                                    write_timeout=0.2, connect_timeout=0.2, pool_timeout=0.2)
        assert arrived.is_set()
        assert type(caught.value.__cause__) is TimeoutError  # the whole's, not the read's
    finally:
        await request.shutdown()


async def test_a_refused_connection_is_a_network_error() -> None:
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as caught:
            await request.post(f"http://127.0.0.1:{free_port()}/bot1:x/getMe")
        assert not isinstance(caught.value, TimedOut)
        assert "aiohttp.ClientConnectorError" in caught.value.message
    finally:
        await request.shutdown()


async def test_shutdown_closes_the_connections_and_initialize_reopens() -> None:
    closed: list[asyncio.Event] = []  # one per connection, set when the client closes it
    answer = b'{"ok":true,"result":true}'

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        closed.append(asyncio.Event())
        try:
            while True:  # requests without a body, each answered, the connection kept open
                await reader.readuntil(b"\r\n\r\n")
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(answer), answer))
                await writer.drain()
        except asyncio.IncompleteReadError:  # the client hung up
            closed[-1].set()
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/bot1:x/close"
    request = AiohttpRequest()
    try:
        await request.initialize()
        assert await request.post(url) is True
        assert await request.post(url) is True
        assert len(closed) == 1 and not closed[0].is_set()  # one connection, kept alive
        await request.shutdown()
        await asyncio.wait_for(closed[0].wait(), 10)
        with pytest.raises(RuntimeError, match="not initialized"):
            await request.do_request(url, "POST")
        await request.initialize()  # as PTB does when an Application is started again
        assert await request.post(url) is True
        assert len(closed) == 2
    finally:
        await request.shutdown()
        server.close()
        await server.wait_closed()


async def test_the_proxy_in_the_environment_is_used_as_httpx_uses_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    heads: list[list[bytes]] = []  # the request lines and headers the server got
    answer = b'{"ok":true,"result":true}'

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                heads.append((await reader.readuntil(b"\r\n\r\n")).split(b"\r\n"))
                if heads[-1][0].startswith(b"CONNECT"):  # a tunnel, refused after a look
                    writer.write(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                                 b"Content-Length: 0\r\n\r\n")
                    continue
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(answer), answer))
                await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    here = f"127.0.0.1:{server.sockets[0].getsockname()[1]}"
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://u:p@{here}")
    monkeypatch.setenv("HTTPS_PROXY", f"http://u:p@{here}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    request = AiohttpRequest()
    try:
        await request.initialize()
        for _ in range(2):
            assert await request.post("http://api.telegram.invalid/bot1:x/close") is True
        assert await request.post(f"http://{here}/bot1:x/close") is True  # NO_PROXY: direct
        assert [head[0] for head in heads] == [
            b"POST http://api.telegram.invalid/bot1:x/close HTTP/1.1"] * 2 + [
            b"POST /bot1:x/close HTTP/1.1"]
        assert b"Proxy-Authorization: Basic dTpw" in heads[0]  # u:p
        assert not any(h.startswith(b"Proxy-Authorization") for h in heads[2])
        with pytest.raises(NetworkError, match="407"):
            await request.post("https://api.telegram.invalid/bot1:x/close")
        assert heads[3][0] == b"CONNECT api.telegram.invalid:443 HTTP/1.1"
        assert b"Proxy-Authorization: Basic dTpw" in heads[3]
    finally:
        await request.shutdown()
        server.close()
        await server.wait_closed()
