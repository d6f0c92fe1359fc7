"""A fake Telegram Bot API server for end-to-end tests.

The real bot runs as a separate process and talks to :class:`FakeTelegram` exactly as it would
talk to ``api.telegram.org`` (``base_url=f"{fake.url}/bot"``,
``base_file_url=f"{fake.url}/file/bot"``).  Tests play the user through the synchronous,
thread-safe ``user_*`` methods and inspect what the bot sent through :meth:`FakeTelegram.messages`,
:meth:`FakeTelegram.expect` and friends.

The server rejects what Telegram rejects, with Telegram's status codes and error JSON, so that
formatting and protocol bugs in the bot surface in tests.  Every rejection is logged in
:attr:`FakeTelegram.errors` (429 flood-control answers go to :attr:`FakeTelegram.throttled`).

Rooms: `limits` (what Telegram allows), `records` (what the fake records), `entities` (the
HTML parse mode), `params` (request parameters and their checks), `state` (the shared state),
`methods` (the Bot API methods), `users` (what a user does), `watching` (inspection and
waiting), `server` (HTTP, dispatch and long polling).
"""

from tests.fake_telegram.entities import (
    HTMLParseError,
    ParsedText,
    parse_html,
    utf16_len,
    utf16_slice,
)
from tests.fake_telegram.limits import DEFAULT_BOT_USERNAME, DEFAULT_TOKEN, JSONDict
from tests.fake_telegram.records import (
    ApiError,
    ApiRequest,
    CallbackQueryRecord,
    FileRecord,
    SentMessage,
    TelegramAPIError,
)
from tests.fake_telegram.server import FakeTelegram, fake_telegram

__all__ = [
    "DEFAULT_BOT_USERNAME", "DEFAULT_TOKEN", "ApiError", "ApiRequest", "CallbackQueryRecord",
    "FakeTelegram", "FileRecord", "HTMLParseError", "JSONDict", "ParsedText", "SentMessage",
    "TelegramAPIError", "fake_telegram", "parse_html", "utf16_len", "utf16_slice",
]
