"""The fake's state and the helpers every side of it shares, under its one lock."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import math
import socket
import threading
import time
from collections import deque
from typing import Any, ClassVar

from aiohttp import web

from tests.fake_telegram.entities import (
    HTMLParseError,
    ParsedText,
    _is_valid_unicode,
    _trim,
    parse_html,
    utf16_len,
)
from tests.fake_telegram.limits import (
    _SCOPE_TYPES,
    DEFAULT_BOT_USERNAME,
    DEFAULT_TOKEN,
    MAX_DOWNLOAD_SIZE,
    MAX_INLINE_BUTTONS,
    JSONDict,
)
from tests.fake_telegram.params import _checked_entities, _validate_inline_button
from tests.fake_telegram.records import (
    ApiError,
    ApiRequest,
    CallbackQueryRecord,
    FileRecord,
    SentMessage,
    TelegramAPIError,
    UploadedFile,
    _bad,
    _Chat,
)


class FakeState:
    """A Telegram Bot API look-alike served by aiohttp from a background thread.

    Use as a context manager (or call :meth:`start`/:meth:`stop`).  All public methods are
    synchronous and thread-safe; call them from test code, never from the fake's own loop.
    """

    rate_limit_global_per_second: ClassVar[int] = 30
    rate_limit_chat_interval: ClassVar[float] = 1.0
    rate_limited_methods: ClassVar[frozenset[str]] = frozenset(
        {"sendMessage", "sendDocument", "sendPhoto"}
    )

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = DEFAULT_BOT_USERNAME,
        *,
        rate_limit: bool = False,
        blocked_chats: set[int] | None = None,
        strict_html: bool = True,
        bot_first_name: str = "Complaint Coach (test)",
        first_update_id: int = 100_000,
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.bot_id = int(token.split(":", 1)[0])
        self.rate_limit = rate_limit
        self.blocked_chats: set[int] = set(blocked_chats or ())
        self.strict_html = strict_html

        self._cond = threading.Condition(threading.RLock())
        self.requests: list[ApiRequest] = []
        self.errors: list[ApiError] = []
        self.served_update_ids: set[int] = set()  # every update a getUpdates answer carried
        self._held: set[str] = set()  # methods whose requests wait until released
        self._serve_budget: int | None = None  # see serve_updates
        self.throttled: list[ApiError] = []
        self.count_429 = 0
        self.sent_count = 0
        self.conflict_count = 0
        self.chat_actions: list[tuple[int, str]] = []
        self.confirmed_offset = 0
        self.allowed_updates: list[str] | None = None
        self.dropped_updates: list[JSONDict] = []

        self._pending: list[JSONDict] = []
        self._update_ids = itertools.count(first_update_id)
        self._callback_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._chats: dict[int, _Chat] = {}
        self._bot_messages: dict[int, list[SentMessage]] = {}
        self._user_messages: dict[int, dict[int, JSONDict]] = {}
        self._last_message_id: dict[int, int] = {}
        self._callbacks: dict[str, CallbackQueryRecord] = {}
        self._files: dict[str, FileRecord] = {}
        self._files_by_path: dict[str, FileRecord] = {}
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.menu_buttons: dict[int | None, JSONDict] = {}  # None: every private chat's
        self._consumed: dict[int, int] = {}
        self._chat_last_send: dict[int, float] = {}
        self._global_sends: deque[float] = deque()
        self._polls_waiting = 0

        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._sock: socket.socket | None = None
        self._started = threading.Event()
        self._start_error: BaseException | None = None
        self._closing = False
        self._pollers: set[asyncio.Future[str]] = set()  # loop thread only
        self.port = 0
        # A webhook, as setWebhook set it: updates are POSTed there and getUpdates answers 409.
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.webhook_max_connections = 40
        self.webhook_deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status or 0)
        self._in_flight: set[int] = set()
        self._delivery: asyncio.Future[None] | None = None

    def _wake_pollers(self, reason: str) -> None:
        """Loop thread: resolve every waiting getUpdates with ``reason``."""
        for future in list(self._pollers):
            if not future.done():
                future.set_result(reason)

    def _wake_threadsafe(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._wake_pollers, "update")

    # ---------------------------------------------------------------- helpers (lock held)

    def _bot_user(self) -> JSONDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _chat_json(self, chat_id: int) -> JSONDict:
        chat = self._chats.get(chat_id) or _Chat(chat_id, "测试", None)
        if chat_id < 0:  # a group: Telegram's group ids are negative
            return {"id": chat_id, "type": "group", "title": chat.first_name}
        body: JSONDict = {"id": chat_id, "type": "private", "first_name": chat.first_name}
        if chat.username:
            body["username"] = chat.username
        return body

    def _user_json(self, chat: _Chat) -> JSONDict:
        body: JSONDict = {"id": chat.chat_id, "is_bot": False, "first_name": chat.first_name}
        if chat.username:
            body["username"] = chat.username
        if chat.language_code:
            body["language_code"] = chat.language_code
        return body

    def _next_message_id(self, chat_id: int) -> int:
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def _chat_id(self, params: JSONDict) -> int:
        value = params.get("chat_id")
        if value is None or value == "":
            raise _bad("chat_id is empty")
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad("chat not found")
        return value

    def _check_chat(self, chat_id: int) -> None:
        if chat_id in self.blocked_chats:
            raise TelegramAPIError(403, "Forbidden: bot was blocked by the user")
        if chat_id not in self._chats:
            raise _bad("chat not found")

    def _find_bot_message(self, chat_id: int, message_id: int) -> SentMessage | None:
        for message in self._bot_messages.get(chat_id, []):
            if message.message_id == message_id and not message.deleted:
                return message
        return None

    def _rate_check(self, method: str, chat_id: int) -> None:
        if not self.rate_limit or method not in self.rate_limited_methods:
            return
        now = time.monotonic()
        while self._global_sends and now - self._global_sends[0] >= 1.0:
            self._global_sends.popleft()
        last = self._chat_last_send.get(chat_id)
        retry = 0
        if last is not None and now - last < self.rate_limit_chat_interval:
            retry = max(1, math.ceil(self.rate_limit_chat_interval - (now - last)))
        elif len(self._global_sends) >= self.rate_limit_global_per_second:
            retry = 1
        if retry:
            raise TelegramAPIError(
                429, f"Too Many Requests: retry after {retry}", {"retry_after": retry}
            )
        self._global_sends.append(now)
        self._chat_last_send[chat_id] = now

    def _parse_text(
        self,
        raw: Any,
        parse_mode: Any,
        explicit_entities: Any,
        *,
        limit: int,
        empty_error: str | None,
        long_error: str,
    ) -> ParsedText:
        text = "" if raw is None else str(raw)
        if not _is_valid_unicode(text):
            raise _bad("text must be encoded in UTF-8")
        mode = str(parse_mode or "").lower()
        if isinstance(explicit_entities, list) and explicit_entities:
            parsed = ParsedText(text, _checked_entities(explicit_entities, text))
        elif mode == "html":
            try:
                parsed = parse_html(text, strict_ampersand=self.strict_html)
            except HTMLParseError as exc:
                raise _bad(f"can't parse entities: {exc}") from exc
        elif mode in ("", "markdown", "markdownv2"):
            parsed = ParsedText(text, [])  # Markdown is passed through unvalidated
        else:
            raise _bad("unsupported parse_mode")
        parsed = _trim(parsed)
        if not parsed.text and empty_error is not None:
            raise _bad(empty_error)
        if utf16_len(parsed.text) > limit:
            raise _bad(long_error)
        return parsed

    def _validate_markup(self, markup: Any, *, inline_only: bool = False) -> JSONDict | None:
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            return _inline_keyboard(markup["inline_keyboard"])
        if inline_only:
            raise _bad("inline keyboard expected")
        if "keyboard" in markup:
            _reply_keyboard(markup["keyboard"])
            return markup
        if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
            return markup
        raise _bad("can't parse reply keyboard markup JSON object")

    def _reply_target(self, chat_id: int, params: JSONDict) -> int | None:
        reply = params.get("reply_parameters")
        message_id: int | None = None
        allow_missing = bool(params.get("allow_sending_without_reply"))
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow_missing = allow_missing or bool(reply.get("allow_sending_without_reply"))
        elif params.get("reply_to_message_id") is not None:
            message_id = params["reply_to_message_id"]
        if message_id is None:
            return None
        exists = self._find_bot_message(chat_id, message_id) is not None or (
            message_id in self._user_messages.get(chat_id, {})
        )
        if not exists:
            if allow_missing:
                return None
            raise _bad("message to be replied not found")
        return message_id

    def _message_json(self, message: SentMessage, *, nested: bool = True) -> JSONDict:
        body: JSONDict = {
            "message_id": message.message_id,
            "from": self._bot_user(),
            "chat": self._chat_json(message.chat_id),
            "date": message.date,
        }
        if message.edit_date is not None:
            body["edit_date"] = message.edit_date
        if message.kind == "text":
            body["text"] = message.text
            if message.entities:
                body["entities"] = message.entities
        else:
            if message.text:
                body["caption"] = message.text
                if message.entities:
                    body["caption_entities"] = message.entities
            body[message.kind] = message.media
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            body["reply_markup"] = message.reply_markup
        if nested and message.reply_to_message_id is not None:
            target = self._find_bot_message(message.chat_id, message.reply_to_message_id)
            if target is not None:
                body["reply_to_message"] = self._message_json(target, nested=False)
            else:
                user_message = self._user_messages.get(message.chat_id, {}).get(
                    message.reply_to_message_id
                )
                if user_message is not None:
                    body["reply_to_message"] = user_message
        return body

    def _new_file(
        self,
        kind: str,
        *,
        content: bytes | None,
        file_size: int,
        file_name: str | None = None,
        mime_type: str | None = None,
        extension: str = "",
    ) -> FileRecord:
        n = next(self._file_ids)
        prefix = {
            "documents": "BQACAgIAAxkBAAI",
            "photos": "AgACAgIAAxkBAAI",
            "voice": "AwACAgIAAxkBAAI",
            "stickers": "CAACAgIAAxkBAAI",
        }.get(kind, "BQACAgIAAxkBAAI")
        file_id = f"{prefix}{n:06d}x{self.bot_id}"
        path = f"{kind}/file_{n}{extension}" if file_size <= MAX_DOWNLOAD_SIZE else None
        record = FileRecord(
            file_id=file_id,
            file_unique_id=f"AgAD{n:06d}",
            file_size=file_size,
            file_path=path,
            content=content,
            file_name=file_name,
            mime_type=mime_type,
        )
        self._files[file_id] = record
        if path is not None:
            self._files_by_path[path] = record
        return record

    def _input_file(
        self, params: JSONDict, name: str
    ) -> tuple[FileRecord | None, UploadedFile | None]:
        value = params.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value[len("attach://") :])
            if value is None:
                raise _bad(f"wrong {name} attachment reference")
        if isinstance(value, UploadedFile):
            if not value.data:
                raise _bad("file must be non-empty")
            return None, value
        if value is None or value == "":
            raise _bad(f"there is no {name} in the request")
        if isinstance(value, str):
            if value.lower().startswith(("http://", "https://")):
                raise _bad("failed to get HTTP URL content")
            existing = self._files.get(value)
            if existing is None:
                raise _bad("wrong file identifier/HTTP URL specified")
            return existing, None
        raise _bad(f"wrong type of the {name}")

    def _store_bot_message(self, message: SentMessage) -> SentMessage:
        self._bot_messages.setdefault(message.chat_id, []).append(message)
        self.sent_count += 1
        return message

    def _scope_key(self, params: JSONDict) -> str:
        scope = params.get("scope")
        if scope is None or scope == "":
            return "default"
        if not isinstance(scope, dict) or scope.get("type") not in _SCOPE_TYPES:
            raise _bad("BOT_COMMAND_SCOPE_INVALID")
        key = str(scope["type"])
        if "chat_id" in scope:
            key += f":{scope['chat_id']}"
        if "user_id" in scope:
            key += f":{scope['user_id']}"
        return key


def _inline_keyboard(rows: Any) -> JSONDict | None:
    """An inline keyboard as Telegram checks it; None when it has no button."""
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise _bad('Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
    if sum(len(r) for r in rows) > MAX_INLINE_BUTTONS:
        raise _bad("REPLY_MARKUP_TOO_LONG")
    for row in rows:
        for button in row:
            _validate_inline_button(button)
    return {"inline_keyboard": rows} if any(rows) else None


def _reply_keyboard(rows: Any) -> None:
    """A reply keyboard as Telegram checks it."""
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise _bad('Field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
    for row in rows:
        for button in row:
            text = button.get("text") if isinstance(button, dict) else button
            if not isinstance(text, str) or not text:
                raise _bad("BUTTON_TEXT_INVALID")
