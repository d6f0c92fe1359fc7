"""Tests for the fake Telegram Bot API server, driven by PTB's own ``Bot`` and raw httpx."""

from __future__ import annotations

import asyncio
import html
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter

from tests.fake_telegram import (
    DEFAULT_TOKEN,
    FakeTelegram,
    HTMLParseError,
    fake_telegram,
    parse_html,
    utf16_len,
)

USER = 424242


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with fake_telegram() as server:
        server.add_chat(USER)
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(DEFAULT_TOKEN, base_url=fake.api_url, base_file_url=fake.file_url) as b:
        yield b


def api(fake: FakeTelegram, method: str, token: str = DEFAULT_TOKEN, **kw: Any) -> httpx.Response:
    """A raw synchronous Bot API call."""
    return httpx.post(f"{fake.url}/bot{token}/{method}", timeout=5, **kw)


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d)] for d in data])


# ----------------------------------------------------------------------------- plumbing


async def test_get_me(bot: Bot, fake: FakeTelegram) -> None:
    me = await bot.get_me()
    assert me.id == 123456
    assert me.is_bot
    assert me.username == "complaint_coach_test_bot"
    assert fake.requests_for("getMe")
    assert fake.errors == []


def test_token_method_and_body_encodings(fake: FakeTelegram) -> None:
    wrong = api(fake, "getMe", token="999:nope")
    assert wrong.status_code == 401
    assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}

    unknown = api(fake, "sendTelepathy")
    assert unknown.status_code == 404
    assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found"}

    assert api(fake, "GETME").json()["result"]["username"] == fake.bot_username

    as_json = api(fake, "sendMessage", json={"chat_id": USER, "text": "json"})
    as_form = api(fake, "sendmessage", data={"chat_id": str(USER), "text": "form"})
    assert as_json.json()["ok"] and as_form.json()["ok"]
    message = as_form.json()["result"]
    assert message["chat"] == {"id": USER, "type": "private", "first_name": "测试"}
    assert message["from"]["is_bot"] is True
    assert isinstance(message["date"], int)
    assert [m.text for m in fake.messages(USER)] == ["json", "form"]
    assert fake.requests_for("sendMessage")[-1].params["chat_id"] == USER
    assert [e.description for e in fake.errors] == ["Unauthorized", "Not Found"]


# ----------------------------------------------------------------------------- getUpdates


async def test_long_poll_wakes_on_injected_update(bot: Bot, fake: FakeTelegram) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.to_thread(fake.wait_until_polling, 5)
    started = time.monotonic()
    update_id = fake.user_sends_command(USER, "/new hello")
    updates = await poll
    assert time.monotonic() - started < 1.0
    assert [u.update_id for u in updates] == [update_id]
    message = updates[0].message
    assert message is not None
    assert message.text == "/new hello"
    assert message.from_user is not None
    assert message.from_user.language_code == "zh-hans"
    assert message.entities[0].type == "bot_command"
    assert (message.entities[0].offset, message.entities[0].length) == (0, 4)


async def test_updates_redelivered_until_confirmed(bot: Bot, fake: FakeTelegram) -> None:
    first = fake.user_sends_text(USER, "one")
    second = fake.user_sends_text(USER, "two")
    for _ in range(2):  # e.g. a bot killed before confirming gets them again
        assert [u.update_id for u in await bot.get_updates(timeout=0)] == [first, second]
    assert [u.update_id for u in await bot.get_updates(offset=second, timeout=0)] == [second]
    assert fake.confirmed_offset == second
    assert await bot.get_updates(offset=second + 1, timeout=0) == ()
    fake.wait_for_offset(second, timeout=0.1)
    assert fake.pending_updates() == []


async def test_long_poll_times_out_empty(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 <= time.monotonic() - started < 3


async def test_concurrent_get_updates_conflict(bot: Bot, fake: FakeTelegram) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.to_thread(fake.wait_until_polling, 5)
    async with Bot(DEFAULT_TOKEN, base_url=fake.api_url) as second_instance:
        await second_instance.get_updates(timeout=0)
    with pytest.raises(Conflict, match="terminated by other getUpdates"):
        await first
    assert fake.conflict_count == 1


async def test_delete_webhook_drops_pending(bot: Bot, fake: FakeTelegram) -> None:
    update_id = fake.user_sends_text(USER, "stale")
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates(timeout=0) == ()
    assert fake.confirmed_offset == update_id + 1


async def test_user_media_updates_parse(bot: Bot, fake: FakeTelegram) -> None:
    fake.user_sends_photo(USER, caption="截图", media_group_id="g1")
    fake.user_sends_document(USER, file_name="a.pdf", mime_type="application/pdf", content=b"%PDF")
    fake.user_sends_sticker(USER)
    fake.user_sends_voice(USER)
    fake.user_sends_location(USER)
    fake.user_forwards_text(USER, "转发", origin_date=1_700_000_000)
    fake.user_forwards_text(USER, "转发2", origin_date=1_700_000_000, sender_user_id=77)
    updates = await bot.get_updates(timeout=0)
    messages = [u.message for u in updates if u.message is not None]
    assert len(messages) == 7
    photo, document, sticker, voice, location, hidden, visible = messages
    assert len(photo.photo) == 3 and photo.caption == "截图" and photo.media_group_id == "g1"
    assert document.document is not None and document.document.file_size == 4
    assert sticker.sticker is not None and voice.voice is not None
    assert location.location is not None
    assert hidden.forward_origin is not None and hidden.forward_origin.type == "hidden_user"
    assert visible.forward_origin is not None and visible.forward_origin.type == "user"


async def test_recordings_animations_and_channel_forwards_parse(
    bot: Bot, fake: FakeTelegram
) -> None:
    fake.user_sends_media(USER, "audio", file_name="call.mp3", media_group_id="g2")
    fake.user_sends_media(USER, "video", caption="录屏")
    fake.user_sends_media(USER, "animation")
    fake.user_sends_media(USER, "video_note")
    fake.user_forwards_text(USER, "公告", origin_date=1_700_000_000, channel_title="官方频道")
    audio, video, gif, note, channel = [
        u.message for u in await bot.get_updates(timeout=0) if u.message is not None
    ]
    assert audio.audio is not None and audio.audio.file_name == "call.mp3"
    assert audio.media_group_id == "g2"
    assert video.video is not None and video.caption == "录屏"
    assert gif.animation is not None and gif.document is not None  # as Telegram sends it
    assert gif.document.file_unique_id == gif.animation.file_unique_id
    assert note.video_note is not None
    origin = channel.forward_origin
    assert origin is not None and origin.type == "channel"
    assert origin.chat.title == "官方频道"  # type: ignore[attr-defined]


async def test_held_get_updates_serves_exact_batches_and_confirms_nothing_meanwhile(
    bot: Bot, fake: FakeTelegram
) -> None:
    fake.hold("getUpdates")
    ids = [fake.user_sends_text(USER, str(n)) for n in range(3)]
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.to_thread(fake.wait_for, lambda: bool(fake.requests_for("getUpdates")), 5)
    fake.serve_updates(2)
    assert [u.update_id for u in await poll] == ids[:2]
    # The next poll, which would confirm the two, waits with its offset not applied.
    confirming = asyncio.create_task(bot.get_updates(offset=ids[2], timeout=0))
    await asyncio.to_thread(fake.wait_for, lambda: len(fake.requests_for("getUpdates")) == 2, 5)
    assert fake.confirmed_offset == 0 and not confirming.done()
    fake.release("getUpdates")
    assert [u.update_id for u in await confirming] == ids[2:]
    assert fake.confirmed_offset == ids[2]


# ----------------------------------------------------------------------------- sendMessage


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("hi <foo>", 'Unsupported start tag "foo" at byte offset 3'),
        ("中文 <foo>", 'Unsupported start tag "foo" at byte offset 7'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("Tom & Jerry", 'Unescaped "&" at byte offset 4'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", "Unmatched end tag at byte offset 4"),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler"'),
    ],
)
def test_parse_html_rejects(text: str, error: str) -> None:
    with pytest.raises(HTMLParseError) as info:
        parse_html(text)
    assert error in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<foo>", "Can't parse entities: unsupported start tag"),
        ("a & b", "Can't parse entities: unescaped"),
        ("<b>unclosed", "Can't parse entities: can't find end tag"),
        ("x" * 4097, "Message is too long"),
        ("😀" * 2049, "Message is too long"),  # 2049 characters but 4098 UTF-16 units
        ("<b> </b>", "Message text is empty"),
    ],
)
async def test_send_message_rejects_bad_text(
    bot: Bot, fake: FakeTelegram, text: str, expected: str
) -> None:
    with pytest.raises(BadRequest) as info:
        await bot.send_message(USER, text, parse_mode=ParseMode.HTML)
    assert info.value.message.startswith(expected)
    assert fake.messages(USER) == []
    assert [e.method for e in fake.errors] == ["sendMessage"]
    assert fake.errors[0].description.startswith("Bad Request: ")


async def test_send_message_rejects_bad_markup_and_chat(bot: Bot, fake: FakeTelegram) -> None:
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(USER, "x", reply_markup=keyboard("é" * 33))  # 33 chars, 66 bytes
    with pytest.raises(BadRequest, match="Button_url_invalid"):
        await bot.send_message(
            USER, "x", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("u", "ftp://x")]])
        )
    text_only = {"inline_keyboard": [[{"text": "t"}]]}
    answer = api(
        fake, "sendMessage", json={"chat_id": USER, "text": "x", "reply_markup": text_only}
    )
    assert answer.status_code == 400
    assert "Text buttons are unallowed" in answer.json()["description"]
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(USER + 1, "hello")
    assert len(fake.errors) == 4
    await bot.send_message(USER, "ok", reply_markup=keyboard("d" * 64))  # 64 bytes is fine


async def test_send_message_accepts_valid_html(bot: Bot, fake: FakeTelegram) -> None:
    user_text = "<script>alert('x')</script> & 5 > 3 😀"
    text = (
        "<b>标题</b> <i>i</i> <u>u</u> <s>s</s> <tg-spoiler>sp</tg-spoiler>\n"
        '<a href="https://example.com/?a=1&amp;b=2">link</a> <code>c</code>\n'
        f"<pre>{html.escape(user_text)}</pre>\n"
        '<pre><code class="language-python">x = 1</code></pre>\n'
        "<blockquote expandable>quote</blockquote> 5 > 3"
    )
    sent = await bot.send_message(
        USER, text, parse_mode=ParseMode.HTML, reply_markup=keyboard("a", "b")
    )
    stored = fake.messages(USER)[0]
    assert sent.text == stored.text
    assert stored.html == text
    assert stored.pre_blocks == [user_text, "x = 1"]
    assert stored.callback_data == ["a", "b"]
    assert sent.reply_markup == keyboard("a", "b")
    types = {e.type for e in sent.entities}
    assert {"bold", "italic", "text_link", "pre", "code", "expandable_blockquote"} <= types
    assert fake.errors == []

    long_text = "&lt;" * 4096  # 16384 bytes raw, 4096 characters after parsing
    long_message = await bot.send_message(USER, long_text, parse_mode=ParseMode.HTML)
    assert long_message.text == "<" * 4096
    assert utf16_len(fake.messages(USER)[1].text) == 4096
    assert fake.sent_count == 2


# ----------------------------------------------------------------------------- edits & callbacks


async def test_edit_message_text(bot: Bot, fake: FakeTelegram) -> None:
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=999)
    sent = await bot.send_message(USER, "<b>v1</b>", parse_mode="HTML", reply_markup=keyboard("k"))
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "<strong>v1</strong>",
            chat_id=USER,
            message_id=sent.message_id,
            parse_mode="HTML",
            reply_markup=keyboard("k"),
        )
    edited = await bot.edit_message_text("v2", chat_id=USER, message_id=sent.message_id)
    assert isinstance(edited, Message)
    assert edited.text == "v2"
    assert edited.edit_date is not None
    stored = fake.messages(USER)[0]
    assert stored.text == "v2"
    assert stored.reply_markup is None  # omitted reply_markup removes the keyboard
    assert [r.text for r in stored.history] == ["v1"]
    await bot.edit_message_reply_markup(
        chat_id=USER, message_id=sent.message_id, reply_markup=keyboard("z")
    )
    assert stored.callback_data == ["z"]
    assert len(fake.errors) == 2


async def test_callback_query_answered_once(bot: Bot, fake: FakeTelegram) -> None:
    await bot.send_message(USER, "pick", reply_markup=keyboard("yes", "no"))
    update_id, query_id = fake.user_presses(USER, "no")
    (update,) = await bot.get_updates(timeout=0)
    assert update.update_id == update_id
    query = update.callback_query
    assert query is not None and query.id == query_id and query.data == "no"
    assert query.message is not None and query.message.message_id == 1
    assert [r.id for r in fake.unanswered_callbacks()] == [query_id]

    assert await bot.answer_callback_query(query_id, text="好")
    assert fake.unanswered_callbacks() == []
    assert fake.wait_for_answer(query_id, timeout=0.1).answer_text == "好"
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("12345")


# ----------------------------------------------------------------------------- commands


async def test_set_my_commands(bot: Bot, fake: FakeTelegram) -> None:
    zh = [BotCommand("new", "新的投诉"), BotCommand("help", "帮助")]
    en = [BotCommand("new", "New complaint")]
    assert await bot.set_my_commands(zh, language_code="zh")
    assert await bot.set_my_commands(en, language_code="en")
    assert await bot.set_my_commands(en, scope=BotCommandScopeChat(USER))
    assert fake.commands("zh") == [
        {"command": "new", "description": "新的投诉"},
        {"command": "help", "description": "帮助"},
    ]
    assert fake.commands("en") == [{"command": "new", "description": "New complaint"}]
    assert fake.commands("") == []
    assert fake.commands(scope={"type": "chat", "chat_id": USER}) == fake.commands("en")
    assert [c.command for c in await bot.get_my_commands(language_code="zh")] == ["new", "help"]

    with pytest.raises(BadRequest, match="Language_code_invalid"):
        await bot.set_my_commands(zh, language_code="zh-hans")
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("New", "bad")])
    assert await bot.delete_my_commands(language_code="en")
    assert fake.commands("en") == []


# ----------------------------------------------------------------------------- files


async def test_get_file_and_download(bot: Bot, fake: FakeTelegram) -> None:
    content = "投诉证据".encode() * 10
    fake.user_sends_document(USER, file_name="证据.txt", mime_type="text/plain", content=content)
    fake.user_sends_document(
        USER, file_name="big.zip", mime_type="application/zip", file_size=21 * 1024 * 1024
    )
    small, big = [u.message.document for u in await bot.get_updates(timeout=0) if u.message]
    assert small is not None and big is not None
    file = await bot.get_file(small.file_id)
    assert file.file_size == len(content)
    assert bytes(await file.download_as_bytearray()) == content
    with pytest.raises(BadRequest, match="File is too big"):
        await bot.get_file(big.file_id)
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("nonsense")


async def test_send_document_upload(bot: Bot, fake: FakeTelegram) -> None:
    data = b"%PDF-1.4 complaint letter"
    sent = await bot.send_document(
        USER, data, filename="投诉信.pdf", caption="<b>投诉信</b>", parse_mode="HTML"
    )
    assert sent.document is not None and sent.document.file_name == "投诉信.pdf"
    stored = fake.messages(USER)[0]
    assert stored.kind == "document"
    assert stored.document == data
    assert stored.filename == "投诉信.pdf"
    assert stored.caption == "投诉信"
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_document(USER, data, filename="a.pdf", caption="x" * 1025)
    resent = await bot.send_document(USER, sent.document.file_id)
    assert resent.document is not None and resent.document.file_id == sent.document.file_id
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(USER, b"not an image")
    photo = await bot.send_photo(USER, b"\x89PNG\r\n\x1a\n" + b"\0" * 32, caption="图")
    assert photo.photo and photo.caption == "图"


# ----------------------------------------------------------------------------- limits & blocks


def test_rate_limit_per_chat() -> None:
    with fake_telegram(rate_limit=True) as fake:
        fake.add_chat(USER)
        assert api(fake, "sendMessage", json={"chat_id": USER, "text": "1"}).status_code == 200
        second = api(fake, "sendMessage", json={"chat_id": USER, "text": "2"})
        assert second.status_code == 429
        assert second.json() == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        }
        assert fake.count_429 == 1
        assert fake.errors == []  # flood control is logged in fake.throttled instead
        assert len(fake.throttled) == 1


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_rate_limit_raises_retry_after_in_ptb() -> None:
    with fake_telegram(rate_limit=True) as fake:
        fake.add_chat(USER)
        async with Bot(DEFAULT_TOKEN, base_url=fake.api_url, base_file_url=fake.file_url) as b:
            await b.send_message(USER, "1")
            with pytest.raises(RetryAfter):
                await b.send_message(USER, "2")


async def test_blocked_chat_forbidden() -> None:
    with fake_telegram(blocked_chats={USER}) as fake:
        fake.add_chat(USER)
        async with Bot(DEFAULT_TOKEN, base_url=fake.api_url, base_file_url=fake.file_url) as b:
            with pytest.raises(Forbidden, match="bot was blocked by the user"):
                await b.send_message(USER, "hi")
        assert fake.errors[0].error_code == 403


async def test_wrong_token_in_ptb(fake: FakeTelegram) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("1:wrong", base_url=fake.api_url):
            pass


# ----------------------------------------------------------------------------- test-side API


def test_expect_and_wait_helpers(fake: FakeTelegram) -> None:
    for text in ("a", "b"):
        api(fake, "sendMessage", json={"chat_id": USER, "text": text})
    assert [m.text for m in fake.expect(USER, 2)] == ["a", "b"]
    api(fake, "sendMessage", json={"chat_id": USER, "text": "c"})
    assert [m.text for m in fake.expect(USER)] == ["c"]
    assert [m.text for m in fake.next_messages(USER, after=1)] == ["b", "c"]
    with pytest.raises(AssertionError, match="timed out"):
        fake.expect(USER, timeout=0.05)
    update_id = fake.user_sends_text(USER, "x")
    with pytest.raises(AssertionError, match="confirmation"):
        fake.wait_for_offset(update_id, timeout=0.05)
