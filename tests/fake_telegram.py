"""A fake Telegram Bot API server for end-to-end tests.

The real bot runs as a separate process and talks to :class:`FakeTelegram` exactly as it would
talk to ``api.telegram.org`` (``base_url=f"{fake.url}/bot"``,
``base_file_url=f"{fake.url}/file/bot"``).  Tests play the user through the synchronous,
thread-safe ``user_*`` methods and inspect what the bot sent through :meth:`FakeTelegram.messages`,
:meth:`FakeTelegram.expect` and friends.

The server rejects what Telegram rejects, with Telegram's status codes and error JSON, so that
formatting and protocol bugs in the bot surface in tests.  Every rejection is logged in
:attr:`FakeTelegram.errors` (429 flood-control answers go to :attr:`FakeTelegram.throttled`).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import mimetypes
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from aiohttp import web

JSONDict = dict[str, Any]

DEFAULT_TOKEN = "123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz012"
DEFAULT_BOT_USERNAME = "complaint_coach_test_bot"

MAX_MESSAGE_LENGTH = 4096  # UTF-16 code units, after entity parsing
MAX_CAPTION_LENGTH = 1024  # UTF-16 code units, after entity parsing
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_COPY_TEXT_LENGTH = 256
MAX_INLINE_BUTTONS = 100
MAX_COMMANDS = 100
MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024  # getFile limit
MAX_UPLOAD_SIZE = 50 * 1024 * 1024  # sendDocument limit
MAX_PHOTO_UPLOAD_SIZE = 10 * 1024 * 1024  # sendPhoto limit

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_SCOPE_TYPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
# Update types Telegram does not deliver unless explicitly listed in allowed_updates.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_INLINE_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_URL_RE = re.compile(r"^(?:https?|tg)://\S+$", re.IGNORECASE)
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_LANGUAGE_RE = re.compile(r"^(?:[a-z]{2})?$")
_BOT_COMMAND_IN_TEXT_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")
_INT_RE = re.compile(r"^-?\d+$")

# Form fields that Telegram expects JSON-serialized.
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "scope",
        "link_preview_options",
        "reply_parameters",
        "media",
        "message_ids",
    }
)
_INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "from_chat_id",
        "reply_to_message_id",
        "message_thread_id",
        "cache_time",
        "duration",
        "width",
        "height",
    }
)
_BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
        "allow_paid_broadcast",
    }
)
_TEXT_FIELDS = frozenset({"text", "caption"})


# --------------------------------------------------------------------------------------------
# Errors and records
# --------------------------------------------------------------------------------------------


class TelegramAPIError(Exception):
    """An error answer of the Bot API (``ok: false``)."""

    def __init__(
        self, error_code: int, description: str, parameters: JSONDict | None = None
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def to_json(self) -> JSONDict:
        """Telegram's error JSON."""
        body: JSONDict = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad(description: str) -> TelegramAPIError:
    return TelegramAPIError(400, f"Bad Request: {description}")


@dataclass
class ApiRequest:
    """One Bot API request as received (``params`` decoded; uploads summarised)."""

    method: str
    params: JSONDict
    time: float
    status: int | None = None


@dataclass
class ApiError:
    """One rejected Bot API request."""

    method: str
    params: JSONDict
    description: str
    error_code: int
    note: str = ""


@dataclass
class UploadedFile:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class FileRecord:
    """A file known to the fake (sent by a test user or uploaded by the bot)."""

    file_id: str
    file_unique_id: str
    file_size: int
    file_path: str | None
    content: bytes | None = field(default=None, repr=False)
    file_name: str | None = None
    mime_type: str | None = None

    def data(self) -> bytes:
        """The file's bytes (zero-filled placeholder when the test gave none)."""
        if self.content is not None:
            return self.content
        return b"\0" * self.file_size


@dataclass
class CallbackQueryRecord:
    """A callback query the fake delivered to the bot, and how it was answered."""

    id: str
    user_id: int
    data: str
    message_id: int | None
    update_id: int = 0
    answered: bool = False
    answer_text: str | None = None
    show_alert: bool = False


@dataclass
class Revision:
    """A previous version of an edited bot message."""

    html: str
    text: str
    parse_mode: str | None
    entities: list[JSONDict]
    reply_markup: JSONDict | None
    date: int


@dataclass(eq=False)
class SentMessage:
    """A message the bot sent (``html``: raw text/caption as sent; ``text``: parsed plain text)."""

    message_id: int
    chat_id: int
    html: str
    text: str
    parse_mode: str | None = None
    reply_markup: JSONDict | None = None
    kind: str = "text"  # "text" | "document" | "photo"
    entities: list[JSONDict] = field(default_factory=list)
    date: int = 0
    edit_date: int | None = None
    file_bytes: bytes | None = field(default=None, repr=False)
    filename: str | None = None
    mime_type: str | None = None
    file_id: str | None = None
    reply_to_message_id: int | None = None
    history: list[Revision] = field(default_factory=list)
    deleted: bool = False
    media: Any = field(default=None, repr=False)

    @property
    def caption(self) -> str:
        """Alias of ``text`` (for documents and photos it holds the parsed caption)."""
        return self.text

    @property
    def document(self) -> bytes | None:
        """The uploaded document's bytes, if this is a document message."""
        return self.file_bytes if self.kind == "document" else None

    @property
    def edited(self) -> bool:
        """Whether the message was edited at least once."""
        return bool(self.history)

    @property
    def pre_blocks(self) -> list[str]:
        """Plain text of each ``<pre>`` block, in order."""
        return [
            utf16_slice(self.text, e["offset"], e["length"])
            for e in self.entities
            if e["type"] == "pre"
        ]

    @property
    def code_spans(self) -> list[str]:
        """Plain text of each inline ``<code>`` span, in order."""
        return [
            utf16_slice(self.text, e["offset"], e["length"])
            for e in self.entities
            if e["type"] == "code"
        ]

    @property
    def buttons(self) -> list[JSONDict]:
        """All inline keyboard buttons, row by row."""
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard") or []
        return [button for row in rows for button in row]

    @property
    def button_texts(self) -> list[str]:
        """Texts of all inline keyboard buttons."""
        return [str(b.get("text", "")) for b in self.buttons]

    @property
    def callback_data(self) -> list[str]:
        """callback_data of all inline keyboard buttons that have one."""
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]


@dataclass
class _Chat:
    chat_id: int
    first_name: str
    language_code: str | None
    username: str | None = None


# --------------------------------------------------------------------------------------------
# Telegram's HTML subset (a port of tdlib's parse_html)
# --------------------------------------------------------------------------------------------


class HTMLParseError(ValueError):
    """The text is not valid Telegram HTML; ``str(exc)`` is Telegram's reason."""


@dataclass
class ParsedText:
    """Plain text plus MessageEntity dicts (UTF-16 offsets)."""

    text: str
    entities: list[JSONDict]


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, as Telegram counts."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def utf16_slice(text: str, offset: int, length: int) -> str:
    """Substring of ``text`` addressed in UTF-16 code units."""
    raw = text.encode("utf-16-le", "surrogatepass")
    return raw[2 * offset : 2 * (offset + length)].decode("utf-16-le", "replace")


_ALLOWED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SPACE_BYTES = frozenset(b" \t\r\n\0\v")
_NAMED_ENTITIES = {b"lt": 0x3C, b"gt": 0x3E, b"amp": 0x26, b"quot": 0x22}
_SIMPLE_TAG_TYPES = {
    "i": "italic",
    "em": "italic",
    "b": "bold",
    "strong": "bold",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_AMP, _LT, _GT, _SLASH, _EQ = 0x26, 0x3C, 0x3E, 0x2F, 0x3D


def _is_alpha(c: int) -> bool:
    return 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A


def _is_digit(c: int) -> bool:
    return 0x30 <= c <= 0x39


def _hex_value(c: int) -> int:
    if _is_digit(c):
        return c - 0x30
    if 0x61 <= c <= 0x66:
        return c - 0x61 + 10
    if 0x41 <= c <= 0x46:
        return c - 0x41 + 10
    return -1


def _decode_html_entity(data: bytes, pos: int) -> tuple[int, int]:
    """Decode the entity at ``data[pos] == '&'``; returns (code point or 0, position after)."""
    size = len(data)

    def at(k: int) -> int:
        return data[k] if k < size else 0

    end = pos + 1
    code = 0
    if at(pos + 1) == ord("#"):
        end += 1
        if at(pos + 2) == ord("x"):
            end += 1
            while _hex_value(at(end)) >= 0:
                code = code * 16 + _hex_value(at(end))
                end += 1
                if code >= 0x10FFFF:
                    return 0, pos
        else:
            while _is_digit(at(end)):
                code = code * 10 + at(end) - 0x30
                end += 1
                if code >= 0x10FFFF:
                    return 0, pos
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return 0, pos
    else:
        while _is_alpha(at(end)):
            end += 1
        code = _NAMED_ENTITIES.get(data[pos + 1 : end], 0)
        if code == 0:
            return 0, pos
    if at(end) == ord(";"):
        end += 1
    return code, end


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    out_pos: int


def _checked_link(url: str) -> str | None:
    """Rough equivalent of tdlib's LinkManager::get_checked_link (None: entity dropped)."""
    url = url.strip()
    if not url or any(ch.isspace() for ch in url):
        return None
    scheme, sep, _ = url.partition("://")
    if sep:
        return url if scheme.lower() in {"http", "https", "tg", "ton", "ftp"} else None
    return f"http://{url}" if "." in url and ":" not in url else None


def parse_html(source: str, *, strict_ampersand: bool = True) -> ParsedText:
    """Parse Telegram's HTML subset like tdlib does; raise :class:`HTMLParseError` on failure.

    Byte offsets in error messages are UTF-8 byte offsets, entity offsets are UTF-16 units.
    With ``strict_ampersand`` a ``&`` that does not start an entity is rejected (real Telegram
    keeps it as a literal ``&``); this catches text the bot forgot to escape.
    """
    data = source.encode("utf-8", "surrogatepass")
    size = len(data)

    def at(k: int) -> int:
        return data[k] if k < size else 0

    def is_space(c: int) -> bool:
        return c in _SPACE_BYTES

    out = bytearray()
    utf16 = 0
    entities: list[JSONDict] = []
    stack: list[_OpenTag] = []
    i = 0
    while i < size:
        c = data[i]
        if c == _AMP:
            code, after = _decode_html_entity(data, i)
            if code:
                utf16 += 2 if code > 0xFFFF else 1
                out += chr(code).encode("utf-8", "surrogatepass")
                i = after
                continue
            if strict_ampersand:
                raise HTMLParseError(
                    f'Unescaped "&" at byte offset {i} (strict fake; Telegram would keep it, '
                    "but it means the text was not HTML-escaped)"
                )
        if c != _LT:
            if c & 0xC0 != 0x80:
                utf16 += 2 if c >= 0xF0 else 1
            out.append(c)
            i += 1
            continue

        begin = i
        i += 1
        if at(i) != _SLASH:
            while not is_space(at(i)) and at(i) != _GT:
                i += 1
            if at(i) == 0:
                raise HTMLParseError(f"Unclosed start tag at byte offset {begin}")
            tag = data[begin + 1 : i].lower().decode("utf-8", "replace")
            if tag not in _ALLOWED_TAGS:
                raise HTMLParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
            argument = ""
            while at(i) != _GT:
                while at(i) != 0 and is_space(at(i)):
                    i += 1
                if at(i) == _GT:
                    break
                attr_begin = i
                while not is_space(at(i)) and at(i) not in (_EQ, _GT):
                    i += 1
                attr_name = data[attr_begin:i].decode("utf-8", "replace")
                if not attr_name:
                    raise HTMLParseError(
                        f'Empty attribute name in the tag "{tag}" at byte offset {begin}'
                    )
                while at(i) != 0 and is_space(at(i)):
                    i += 1
                if at(i) != _EQ:
                    if tag == "blockquote" and attr_name == "expandable":
                        argument = "1"
                        continue
                    raise HTMLParseError(
                        "Expected equal sign in declaration of an attribute of the tag "
                        f'"{tag}" at byte offset {begin}'
                    )
                i += 1
                while at(i) != 0 and is_space(at(i)):
                    i += 1
                if at(i) == 0:
                    raise HTMLParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                value = bytearray()
                if at(i) not in (ord("'"), ord('"')):
                    token_begin = i
                    while _is_alpha(at(i)) or _is_digit(at(i)) or at(i) in (ord("."), ord("-")):
                        i += 1
                    value += data[token_begin:i].lower()
                    if not is_space(at(i)) and at(i) != _GT:
                        raise HTMLParseError(
                            f"Unexpected end of name token at byte offset {token_begin}"
                        )
                else:
                    quote = at(i)
                    i += 1
                    while at(i) != quote and at(i) != 0:
                        if at(i) == _AMP:
                            code, after = _decode_html_entity(data, i)
                            if code:
                                value += chr(code).encode("utf-8", "surrogatepass")
                                i = after
                                continue
                        value.append(at(i))
                        i += 1
                    if at(i) == quote:
                        i += 1
                if at(i) == 0:
                    raise HTMLParseError(f"Unclosed start tag at byte offset {begin}")
                attr_value = value.decode("utf-8", "replace")
                if tag == "a" and attr_name == "href":
                    argument = attr_value
                elif tag == "code" and attr_name == "class" and attr_value.startswith("language-"):
                    argument = attr_value[len("language-") :]
                elif tag == "span" and attr_name == "class" and attr_value.startswith("tg-"):
                    argument = attr_value[len("tg-") :]
                elif tag == "tg-emoji" and attr_name == "emoji-id":
                    argument = attr_value
            if tag == "span" and argument != "spoiler":
                raise HTMLParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {begin}'
                )
            stack.append(_OpenTag(tag, argument, utf16, len(out)))
        else:
            if not stack:
                raise HTMLParseError(f"Unexpected end tag at byte offset {begin}")
            while not is_space(at(i)) and at(i) != _GT:
                i += 1
            end_tag = data[begin + 2 : i].lower().decode("utf-8", "replace")
            while is_space(at(i)) and at(i) != 0:
                i += 1
            if at(i) != _GT:
                raise HTMLParseError(f"Unclosed end tag at byte offset {begin}")
            top = stack[-1]
            if end_tag and end_tag != top.name:
                raise HTMLParseError(
                    f'Unmatched end tag at byte offset {begin}, expected "</{top.name}>", '
                    f'found "</{end_tag}>"'
                )
            if utf16 > top.utf16_offset:
                _close_entity(top, utf16, bytes(out), entities)
            stack.pop()
        i += 1  # skip '>'

    if stack:
        raise HTMLParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    try:
        text = out.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTMLParseError(
            "Text contains invalid Unicode characters after decoding HTML entities, check for "
            "unmatched surrogate code units"
        ) from exc
    for entity in entities:
        entity.pop("_code_language", None)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return ParsedText(text, entities)


def _close_entity(top: _OpenTag, utf16: int, out: bytes, entities: list[JSONDict]) -> None:
    """Append the entity for a closed tag (mirrors tdlib, including pre+code merging)."""
    offset, length = top.utf16_offset, utf16 - top.utf16_offset
    tag = top.name
    if tag in _SIMPLE_TAG_TYPES:
        entities.append({"type": _SIMPLE_TAG_TYPES[tag], "offset": offset, "length": length})
    elif tag == "tg-emoji":
        if not _INT_RE.match(top.argument) or int(top.argument) <= 0:
            raise HTMLParseError("Invalid custom emoji identifier specified")
        entities.append(
            {
                "type": "custom_emoji",
                "offset": offset,
                "length": length,
                "custom_emoji_id": top.argument,
            }
        )
    elif tag == "a":
        url = top.argument or out[top.out_pos :].decode("utf-8", "replace")
        checked = _checked_link(url)
        if checked is not None:
            entities.append(
                {"type": "text_link", "offset": offset, "length": length, "url": checked}
            )
    elif tag == "pre":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "code"
            and (last["offset"], last["length"]) == (offset, length)
            and last.get("_code_language")
        ):
            last["type"] = "pre"
            last["language"] = last.pop("_code_language")
        elif (
            last is not None
            and last["type"] == "code"
            and (last["offset"], last["length"]) == (offset, length)
        ):
            last["type"] = "pre"  # <pre><code>..</code></pre> without a language
        else:
            entities.append({"type": "pre", "offset": offset, "length": length})
    elif tag == "code":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "pre"
            and (last["offset"], last["length"]) == (offset, length)
            and top.argument
        ):
            last["language"] = top.argument
        else:
            entity: JSONDict = {"type": "code", "offset": offset, "length": length}
            if top.argument:
                entity["_code_language"] = top.argument
            entities.append(entity)
    elif tag == "blockquote":
        kind = "expandable_blockquote" if top.argument else "blockquote"
        entities.append({"type": kind, "offset": offset, "length": length})


_TRIM_CHARS = " \t\r\n\v\f"


def _trim(parsed: ParsedText) -> ParsedText:
    """Strip leading/trailing whitespace as Telegram does, shifting/clipping entities."""
    left = parsed.text.lstrip(_TRIM_CHARS)
    lead = utf16_len(parsed.text) - utf16_len(left)
    text = left.rstrip(_TRIM_CHARS)
    total = utf16_len(text)
    entities = []
    for entity in parsed.entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return ParsedText(text, entities)


def _is_valid_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _to_unix(date: int | float | datetime | None) -> int:
    if date is None:
        return int(time.time())
    if isinstance(date, datetime):
        return int(date.timestamp())
    return int(date)


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


class FakeTelegram:
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

        self._methods: dict[str, tuple[str, Callable[[JSONDict], Any]]] = {}
        for name, handler in {
            "getMe": self._m_get_me,
            "logOut": self._m_true,
            "close": self._m_true,
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

    async def _async_stop(self) -> None:
        self._closing = True
        self._wake_pollers("closing")
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
            if method == "getUpdates":
                if method in self._held:
                    # Held before its offset is applied: a bot killed now confirmed nothing.
                    await self._wait_released(method)
                    if request.transport is None or request.transport.is_closing():
                        raise _SilentDrop()
                result = await self._get_updates(request, params)
            else:
                if method in self._held:
                    await self._wait_released(method)  # a request that does not end for now
                    if request.transport is None or request.transport.is_closing():
                        raise _SilentDrop()  # its client died waiting: Telegram never got it
                with self._cond:
                    result = known[1](params)
                    self._cond.notify_all()
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

    async def _get_updates(self, request: web.Request, params: JSONDict) -> list[JSONDict]:
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
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad(
                    'Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
                )
            if sum(len(r) for r in rows) > MAX_INLINE_BUTTONS:
                raise _bad("REPLY_MARKUP_TOO_LONG")
            for row in rows:
                for button in row:
                    _validate_inline_button(button)
            if not any(rows):
                return None
            return {"inline_keyboard": rows}
        if inline_only:
            raise _bad("inline keyboard expected")
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('Field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
            for row in rows:
                for button in row:
                    text = button.get("text") if isinstance(button, dict) else button
                    if not isinstance(text, str) or not text:
                        raise _bad("BUTTON_TEXT_INVALID")
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

    # ---------------------------------------------------------------- Bot API methods

    def _m_true(self, params: JSONDict) -> bool:
        return True

    def _m_get_me(self, params: JSONDict) -> JSONDict:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _m_delete_webhook(self, params: JSONDict) -> bool:
        if params.get("drop_pending_updates"):
            self.dropped_updates.extend(self._pending)
            if self._pending:
                self.confirmed_offset = max(
                    self.confirmed_offset, self._pending[-1]["update_id"] + 1
                )
            self._pending = []
        return True

    def _m_get_webhook_info(self, params: JSONDict) -> JSONDict:
        return {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }

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

    def _language_code(self, params: JSONDict) -> str:
        code = params.get("language_code") or ""
        if not isinstance(code, str) or not _LANGUAGE_RE.match(code):
            raise _bad("LANGUAGE_CODE_INVALID")
        return code

    def _m_set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > MAX_COMMANDS:
            raise _bad("too many commands specified")
        cleaned = []
        for command in commands:
            if not isinstance(command, dict):
                raise _bad("can't parse BotCommand")
            name, description = command.get("command"), command.get("description")
            if not isinstance(name, str) or not _COMMAND_RE.match(name):
                raise _bad("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        key = (self._scope_key(params), self._language_code(params))
        if cleaned:
            self._commands[key] = cleaned
        else:
            self._commands.pop(key, None)
        return True

    def _m_get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        key = (self._scope_key(params), self._language_code(params))
        return [dict(c) for c in self._commands.get(key, [])]

    def _m_delete_my_commands(self, params: JSONDict) -> bool:
        self._commands.pop((self._scope_key(params), self._language_code(params)), None)
        return True

    def _m_send_message(self, params: JSONDict) -> JSONDict:
        chat_id = self._chat_id(params)
        if params.get("text") is None or params.get("text") == "":
            raise _bad("message text is empty")
        markup = self._validate_markup(params.get("reply_markup"))
        self._check_chat(chat_id)
        parsed = self._parse_text(
            params["text"],
            params.get("parse_mode"),
            params.get("entities"),
            limit=MAX_MESSAGE_LENGTH,
            empty_error="message text is empty",
            long_error="message is too long",
        )
        reply_to = self._reply_target(chat_id, params)
        self._rate_check("sendMessage", chat_id)
        message = SentMessage(
            message_id=self._next_message_id(chat_id),
            chat_id=chat_id,
            html=str(params["text"]),
            text=parsed.text,
            parse_mode=params.get("parse_mode"),
            reply_markup=markup,
            kind="text",
            entities=parsed.entities,
            date=int(time.time()),
            reply_to_message_id=reply_to,
        )
        return self._message_json(self._store_bot_message(message))

    def _edit_target(self, params: JSONDict) -> tuple[int, int]:
        if params.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")  # the fake has no inline messages
        chat_id = self._chat_id(params)
        message_id = params.get("message_id")
        if not isinstance(message_id, int) or isinstance(message_id, bool):
            raise _bad("message identifier is not specified")
        self._check_chat(chat_id)
        return chat_id, message_id

    def _editable(self, chat_id: int, message_id: int) -> SentMessage:
        message = self._find_bot_message(chat_id, message_id)
        if message is None:
            if message_id in self._user_messages.get(chat_id, {}):
                raise _bad("message can't be edited")
            raise _bad("message to edit not found")
        return message

    def _apply_edit(
        self,
        message: SentMessage,
        *,
        html: str,
        parsed: ParsedText,
        parse_mode: str | None,
        markup: JSONDict | None,
    ) -> JSONDict:
        if (
            message.text == parsed.text
            and message.entities == parsed.entities
            and message.reply_markup == markup
        ):
            raise _bad(NOT_MODIFIED)
        message.history.append(
            Revision(
                html=message.html,
                text=message.text,
                parse_mode=message.parse_mode,
                entities=message.entities,
                reply_markup=message.reply_markup,
                date=message.edit_date or message.date,
            )
        )
        message.html, message.text, message.entities = html, parsed.text, parsed.entities
        message.parse_mode = parse_mode
        message.reply_markup = markup
        message.edit_date = int(time.time())
        return self._message_json(message)

    def _m_edit_message_text(self, params: JSONDict) -> JSONDict:
        chat_id, message_id = self._edit_target(params)
        if params.get("text") is None or params.get("text") == "":
            raise _bad("message text is empty")
        markup = self._validate_markup(params.get("reply_markup"), inline_only=True)
        message = self._editable(chat_id, message_id)
        if message.kind != "text":
            raise _bad("there is no text in the message to edit")
        parsed = self._parse_text(
            params["text"],
            params.get("parse_mode"),
            params.get("entities"),
            limit=MAX_MESSAGE_LENGTH,
            empty_error="message text is empty",
            long_error="message is too long",
        )
        return self._apply_edit(
            message,
            html=str(params["text"]),
            parsed=parsed,
            parse_mode=params.get("parse_mode"),
            markup=markup,
        )

    def _m_edit_message_caption(self, params: JSONDict) -> JSONDict:
        chat_id, message_id = self._edit_target(params)
        markup = self._validate_markup(params.get("reply_markup"), inline_only=True)
        message = self._editable(chat_id, message_id)
        if message.kind == "text":
            raise _bad("there is no caption in the message to edit")
        parsed = self._parse_text(
            params.get("caption"),
            params.get("parse_mode"),
            params.get("caption_entities"),
            limit=MAX_CAPTION_LENGTH,
            empty_error=None,
            long_error="message caption is too long",
        )
        return self._apply_edit(
            message,
            html=str(params.get("caption") or ""),
            parsed=parsed,
            parse_mode=params.get("parse_mode"),
            markup=markup,
        )

    def _m_edit_message_reply_markup(self, params: JSONDict) -> JSONDict:
        chat_id, message_id = self._edit_target(params)
        markup = self._validate_markup(params.get("reply_markup"), inline_only=True)
        message = self._editable(chat_id, message_id)
        return self._apply_edit(
            message,
            html=message.html,
            parsed=ParsedText(message.text, message.entities),
            parse_mode=message.parse_mode,
            markup=markup,
        )

    def _m_delete_message(self, params: JSONDict) -> bool:
        chat_id = self._chat_id(params)
        message_id = params.get("message_id")
        if not isinstance(message_id, int) or isinstance(message_id, bool):
            raise _bad("message identifier is not specified")
        if chat_id not in self._chats:
            raise _bad("chat not found")
        message = self._find_bot_message(chat_id, message_id)
        if message is not None:
            message.deleted = True
            return True
        if self._user_messages.get(chat_id, {}).pop(message_id, None) is not None:
            return True
        raise _bad("message to delete not found")

    def _m_answer_callback_query(self, params: JSONDict) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        record = self._callbacks.get(query_id)
        if record is None or record.answered:
            raise _bad(QUERY_TOO_OLD)
        text = params.get("text")
        if text is not None and utf16_len(str(text)) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad("MESSAGE_TOO_LONG")
        record.answered = True
        record.answer_text = None if text is None else str(text)
        record.show_alert = bool(params.get("show_alert"))
        return True

    def _m_send_chat_action(self, params: JSONDict) -> bool:
        chat_id = self._chat_id(params)
        self._check_chat(chat_id)
        action = params.get("action")
        if action not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        self.chat_actions.append((chat_id, str(action)))
        return True

    def _m_get_file(self, params: JSONDict) -> JSONDict:
        record = self._files.get(str(params.get("file_id") or ""))
        if record is None:
            raise _bad("invalid file_id")
        if record.file_size > MAX_DOWNLOAD_SIZE or record.file_path is None:
            raise _bad("file is too big")
        return {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "file_size": record.file_size,
            "file_path": record.file_path,
        }

    def _media_prologue(
        self, params: JSONDict, name: str
    ) -> tuple[int, JSONDict | None, ParsedText, FileRecord | None, UploadedFile | None]:
        chat_id = self._chat_id(params)
        markup = self._validate_markup(params.get("reply_markup"))
        self._check_chat(chat_id)
        existing, upload = self._input_file(params, name)
        parsed = self._parse_text(
            params.get("caption"),
            params.get("parse_mode"),
            params.get("caption_entities"),
            limit=MAX_CAPTION_LENGTH,
            empty_error=None,
            long_error="message caption is too long",
        )
        return chat_id, markup, parsed, existing, upload

    def _m_send_document(self, params: JSONDict) -> JSONDict:
        chat_id, markup, parsed, existing, upload = self._media_prologue(params, "document")
        if upload is not None:
            if len(upload.data) > MAX_UPLOAD_SIZE:
                raise TelegramAPIError(413, "Request Entity Too Large")
            filename = upload.filename or "document"
            mime = (
                upload.content_type
                if upload.content_type and upload.content_type != "application/octet-stream"
                else mimetypes.guess_type(filename)[0] or "application/octet-stream"
            )
            suffix = "." + filename.rsplit(".", 1)[1] if "." in filename else ""
            file = self._new_file(
                "documents",
                content=upload.data,
                file_size=len(upload.data),
                file_name=filename,
                mime_type=mime,
                extension=suffix,
            )
        else:
            assert existing is not None
            file = existing
        reply_to = self._reply_target(chat_id, params)
        self._rate_check("sendDocument", chat_id)
        media: JSONDict = {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "file_size": file.file_size,
        }
        if file.file_name:
            media["file_name"] = file.file_name
        if file.mime_type:
            media["mime_type"] = file.mime_type
        message = SentMessage(
            message_id=self._next_message_id(chat_id),
            chat_id=chat_id,
            html=str(params.get("caption") or ""),
            text=parsed.text,
            parse_mode=params.get("parse_mode"),
            reply_markup=markup,
            kind="document",
            entities=parsed.entities,
            date=int(time.time()),
            file_bytes=file.content,
            filename=file.file_name,
            mime_type=file.mime_type,
            file_id=file.file_id,
            reply_to_message_id=reply_to,
            media=media,
        )
        return self._message_json(self._store_bot_message(message))

    def _m_send_photo(self, params: JSONDict) -> JSONDict:
        chat_id, markup, parsed, existing, upload = self._media_prologue(params, "photo")
        if upload is not None:
            if len(upload.data) > MAX_PHOTO_UPLOAD_SIZE:
                raise _bad("PHOTO_SAVE_FILE_INVALID")
            if not _looks_like_image(upload.data):
                raise _bad("IMAGE_PROCESS_FAILED")
            file = self._new_file(
                "photos",
                content=upload.data,
                file_size=len(upload.data),
                file_name=upload.filename,
                mime_type="image/jpeg",
                extension=".jpg",
            )
        else:
            assert existing is not None
            file = existing
        reply_to = self._reply_target(chat_id, params)
        self._rate_check("sendPhoto", chat_id)
        sizes = [
            {
                "file_id": file.file_id,
                "file_unique_id": file.file_unique_id,
                "file_size": file.file_size,
                "width": 1280,
                "height": 960,
            }
        ]
        message = SentMessage(
            message_id=self._next_message_id(chat_id),
            chat_id=chat_id,
            html=str(params.get("caption") or ""),
            text=parsed.text,
            parse_mode=params.get("parse_mode"),
            reply_markup=markup,
            kind="photo",
            entities=parsed.entities,
            date=int(time.time()),
            file_bytes=file.content,
            filename=file.file_name,
            mime_type=file.mime_type,
            file_id=file.file_id,
            reply_to_message_id=reply_to,
            media=sizes,
        )
        return self._message_json(self._store_bot_message(message))

    # ---------------------------------------------------------------- test side: users act

    def hold(self, method: str) -> None:
        """Leave every request of `method` unanswered until :meth:`release` (a frozen network)."""
        with self._cond:
            self._held.add(method)
            self._cond.notify_all()

    def release(self, method: str) -> None:
        """Stop holding `method`; held requests are then dropped unanswered.

        A held getUpdates instead goes on as usual, unless its client went away meanwhile.
        """
        with self._cond:
            self._held.discard(method)
            self._cond.notify_all()
        self._wake_threadsafe()

    def serve_updates(self, count: int) -> None:
        """Let a held getUpdates answer once, with at most `count` updates; then hold it again.

        With ``hold("getUpdates")`` first, updates can be queued and handed to the bot in
        exactly the batches a test needs: the bot's next poll, which would confirm the batch,
        waits (its offset not applied) until :meth:`release`.
        """
        with self._cond:
            self._serve_budget = count
            self._held.discard("getUpdates")
            self._cond.notify_all()
        self._wake_threadsafe()

    async def _wait_released(self, method: str) -> None:
        while True:
            with self._cond:
                if method not in self._held or self._closing:
                    return
            await asyncio.sleep(0.05)  # the fake's own loop polls its flag; tests never sleep

    def wait_for_served(self, update_id: int, timeout: float = 10.0) -> None:
        """Wait until a getUpdates answer has handed `update_id` to the bot."""
        self.wait_for(
            lambda: update_id in self.served_update_ids, timeout, f"update {update_id} served"
        )

    def add_chat(
        self,
        chat_id: int,
        *,
        first_name: str = "测试",
        language_code: str | None = "zh-hans",
        username: str | None = None,
    ) -> None:
        """Make a private chat known (as if the user had written to the bot)."""
        with self._cond:
            self._chats[chat_id] = _Chat(chat_id, first_name, language_code, username)
            self._cond.notify_all()

    def block(self, chat_id: int) -> None:
        """The user blocks the bot: further sends answer 403."""
        with self._cond:
            self.blocked_chats.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        """The user unblocks the bot."""
        with self._cond:
            self.blocked_chats.discard(chat_id)

    def push_update(self, update: JSONDict) -> int:
        """Queue a raw update (``update_id`` is assigned); returns the update_id."""
        with self._cond:
            update_id = next(self._update_ids)
            body = {k: v for k, v in update.items() if k != "update_id"}
            body = {"update_id": update_id, **body}
            kinds = [k for k in body if k != "update_id"]
            kind = kinds[0] if kinds else ""
            allowed = self.allowed_updates
            accepted = kind in allowed if allowed else kind not in _OPT_IN_UPDATES
            if accepted:
                self._pending.append(body)
            else:
                self.dropped_updates.append(body)
            self._cond.notify_all()
        self._wake_threadsafe()
        return update_id

    def _user_message(
        self,
        user_id: int,
        content: JSONDict,
        *,
        language_code: str | None,
        first_name: str,
        date: int | float | datetime | None,
    ) -> int:
        with self._cond:
            chat = self._chats.get(user_id)
            if chat is None:
                chat = _Chat(user_id, first_name, language_code)
                self._chats[user_id] = chat
            else:
                chat.first_name, chat.language_code = first_name, language_code
            message_id = self._next_message_id(user_id)
            message: JSONDict = {
                "message_id": message_id,
                "from": self._user_json(chat),
                "chat": self._chat_json(user_id),
                "date": _to_unix(date),
                **content,
            }
            self._user_messages.setdefault(user_id, {})[message_id] = message
            return self.push_update({"message": message})

    def user_sends_text(
        self,
        user_id: int,
        text: str,
        *,
        language_code: str | None = "zh-hans",
        first_name: str = "测试",
        date: int | float | datetime | None = None,
    ) -> int:
        """The user sends a text message (bot_command entities included); returns update_id."""
        content: JSONDict = {"text": text}
        entities = _command_entities(text)
        if entities:
            content["entities"] = entities
        return self._user_message(
            user_id, content, language_code=language_code, first_name=first_name, date=date
        )

    def user_sends_command(
        self,
        user_id: int,
        command: str,
        *,
        language_code: str | None = "zh-hans",
        first_name: str = "测试",
        date: int | float | datetime | None = None,
    ) -> int:
        """The user sends ``/command [args]`` (leading slash optional); returns update_id."""
        text = command if command.startswith("/") else f"/{command}"
        return self.user_sends_text(
            user_id, text, language_code=language_code, first_name=first_name, date=date
        )

    def user_sends_sticker(
        self,
        user_id: int,
        *,
        emoji: str = "😀",
        language_code: str | None = "zh-hans",
        first_name: str = "测试",
    ) -> int:
        """The user sends a (static) sticker; returns update_id."""
        with self._cond:
            file = self._new_file("stickers", content=None, file_size=12_000, extension=".webp")
        sticker = {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": file.file_size,
        }
        return self._user_message(
            user_id,
            {"sticker": sticker},
            language_code=language_code,
            first_name=first_name,
            date=None,
        )

    def user_sends_voice(
        self,
        user_id: int,
        *,
        duration: int = 3,
        file_size: int = 4_000,
        language_code: str | None = "zh-hans",
        first_name: str = "测试",
    ) -> int:
        """The user sends a voice note; returns update_id."""
        with self._cond:
            file = self._new_file(
                "voice", content=None, file_size=file_size, mime_type="audio/ogg", extension=".oga"
            )
        voice = {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": file_size,
        }
        return self._user_message(
            user_id, {"voice": voice}, language_code=language_code, first_name=first_name, date=None
        )

    def user_sends_location(
        self,
        user_id: int,
        *,
        latitude: float = 31.2304,
        longitude: float = 121.4737,
        language_code: str | None = "zh-hans",
        first_name: str = "测试",
    ) -> int:
        """The user shares a location; returns update_id."""
        return self._user_message(
            user_id,
            {"location": {"latitude": latitude, "longitude": longitude}},
            language_code=language_code,
            first_name=first_name,
            date=None,
        )

    def user_sends_photo(
        self,
        user_id: int,
        *,
        file_size: int = 80_000,
        caption: str | None = None,
        media_group_id: str | None = None,
        forward_origin: JSONDict | None = None,
        content: bytes | None = None,
        language_code: str | None = "zh-hans",
        first_name: str = "测试",
        date: int | float | datetime | None = None,
    ) -> int:
        """The user sends a photo (3 PhotoSizes, largest = ``file_size``); returns update_id."""
        if content is not None:
            file_size = len(content)
        sizes = []
        with self._cond:
            for width, height, divisor in ((90, 68, 40), (320, 240, 8), (1280, 960, 1)):
                size = max(file_size // divisor, 1)
                data = content if divisor == 1 else None
                file = self._new_file(
                    "photos", content=data, file_size=size, mime_type="image/jpeg", extension=".jpg"
                )
                sizes.append(
                    {
                        "file_id": file.file_id,
                        "file_unique_id": file.file_unique_id,
                        "file_size": size,
                        "width": width,
                        "height": height,
                    }
                )
        body: JSONDict = {"photo": sizes}
        if caption is not None:
            body["caption"] = caption
        if media_group_id is not None:
            body["media_group_id"] = media_group_id
        if forward_origin is not None:
            body["forward_origin"] = forward_origin
        return self._user_message(
            user_id, body, language_code=language_code, first_name=first_name, date=date
        )

    def user_sends_document(
        self,
        user_id: int,
        *,
        file_name: str = "evidence.pdf",
        mime_type: str = "application/pdf",
        file_size: int | None = None,
        content: bytes | None = None,
        caption: str | None = None,
        language_code: str | None = "zh-hans",
        first_name: str = "测试",
        date: int | float | datetime | None = None,
    ) -> int:
        """The user sends a document (downloadable via getFile when <= 20 MB); returns update_id."""
        if file_size is None:
            file_size = len(content) if content is not None else 1024
        suffix = "." + file_name.rsplit(".", 1)[1] if "." in file_name else ""
        with self._cond:
            file = self._new_file(
                "documents",
                content=content,
                file_size=file_size,
                file_name=file_name,
                mime_type=mime_type,
                extension=suffix,
            )
        document = {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": file_size,
        }
        body: JSONDict = {"document": document}
        if caption is not None:
            body["caption"] = caption
        return self._user_message(
            user_id, body, language_code=language_code, first_name=first_name, date=date
        )

    def user_sends_media(
        self,
        user_id: int,
        kind: str,
        *,
        file_size: int = 500_000,
        mime_type: str | None = None,
        file_name: str | None = None,
        caption: str | None = None,
        media_group_id: str | None = None,
        duration: int = 30,
        language_code: str | None = "zh-hans",
        first_name: str = "测试",
    ) -> int:
        """The user sends an ``audio``, ``video``, ``animation`` or ``video_note``.

        An animation (a GIF, or a video without sound) also carries a ``document``, as
        Telegram sends it for older clients. Returns update_id.
        """
        default_mime = {"audio": "audio/mpeg"}.get(kind, "video/mp4")
        mime = mime_type or (None if kind == "video_note" else default_mime)
        folder = {"audio": "music", "animation": "animations", "video_note": "video_notes"}
        suffix = "." + (mime or "video/mp4").split("/", 1)[1].replace("mpeg", "mp3")
        with self._cond:
            file = self._new_file(folder.get(kind, "videos"), content=None, file_size=file_size,
                                  file_name=file_name, mime_type=mime, extension=suffix)
        media: JSONDict = {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "duration": duration,
            "file_size": file_size,
        }
        if kind == "video_note":
            media["length"] = 240
        elif kind != "audio":
            media.update(width=1280, height=720)
        if mime is not None:
            media["mime_type"] = mime
        if file_name is not None:
            media["file_name"] = file_name
        body: JSONDict = {kind: media}
        if kind == "animation":
            body["document"] = {k: v for k, v in media.items()
                                if k in ("file_id", "file_unique_id", "file_size", "mime_type",
                                         "file_name")}
        if caption is not None:
            body["caption"] = caption
        if media_group_id is not None:
            body["media_group_id"] = media_group_id
        return self._user_message(
            user_id, body, language_code=language_code, first_name=first_name, date=None
        )

    def user_forwards_text(
        self,
        user_id: int,
        text: str,
        *,
        origin_date: int | float | datetime,
        sender_name: str = "客服",
        sender_user_id: int | None = None,
        channel_title: str | None = None,
        language_code: str | None = "zh-hans",
        first_name: str = "测试",
    ) -> int:
        """The user forwards a text; origin ``hidden_user``, ``user`` with ``sender_user_id``,
        or ``channel`` with ``channel_title``."""
        origin: JSONDict
        if channel_title is not None:
            origin = {
                "type": "channel",
                "date": _to_unix(origin_date),
                "chat": {"id": -1001234567890, "type": "channel", "title": channel_title},
                "message_id": 77,
            }
        elif sender_user_id is None:
            origin = {
                "type": "hidden_user",
                "date": _to_unix(origin_date),
                "sender_user_name": sender_name,
            }
        else:
            origin = {
                "type": "user",
                "date": _to_unix(origin_date),
                "sender_user": {"id": sender_user_id, "is_bot": False, "first_name": sender_name},
            }
        return self._user_message(
            user_id,
            {"text": text, "forward_origin": origin},
            language_code=language_code,
            first_name=first_name,
            date=None,
        )

    def user_presses(
        self,
        user_id: int,
        callback_data: str,
        *,
        message_id: int | None = None,
        language_code: str | None = "zh-hans",
        first_name: str = "测试",
    ) -> tuple[int, str]:
        """The user presses an inline button; returns (update_id, callback_query_id).

        The attached message is ``message_id`` if given, else the latest bot message carrying
        ``callback_data``, else (forged data) the latest bot message.
        """
        with self._cond:
            chat = self._chats.get(user_id)
            if chat is None:
                chat = _Chat(user_id, first_name, language_code)
                self._chats[user_id] = chat
            live = [m for m in self._bot_messages.get(user_id, []) if not m.deleted]
            target: SentMessage | None
            if message_id is not None:
                target = self._find_bot_message(user_id, message_id)
            else:
                carrying = [m for m in live if callback_data in m.callback_data]
                candidates = carrying or live
                if not candidates:
                    raise ValueError(f"chat {user_id} has no bot message to press a button on")
                target = candidates[-1]
                message_id = target.message_id
            if target is not None:
                message_json = self._message_json(target)
            else:  # deleted or unknown: InaccessibleMessage
                message_json = {
                    "chat": self._chat_json(user_id),
                    "message_id": message_id,
                    "date": 0,
                }
            query_id = str(4_200_000_000_000_000_000 + next(self._callback_ids))
            record = CallbackQueryRecord(query_id, user_id, callback_data, message_id)
            self._callbacks[query_id] = record
            update = {
                "callback_query": {
                    "id": query_id,
                    "from": self._user_json(chat),
                    "message": message_json,
                    "chat_instance": str((user_id * 7_919_000_003) % 10**18),
                    "data": callback_data,
                }
            }
            record.update_id = self.push_update(update)
            return record.update_id, query_id

    # ---------------------------------------------------------------- test side: inspection

    def messages(self, chat_id: int) -> list[SentMessage]:
        """All bot messages in the chat (live objects; edits/deletes update them)."""
        with self._cond:
            return list(self._bot_messages.get(chat_id, []))

    def commands(self, language_code: str = "", scope: JSONDict | None = None) -> list[JSONDict]:
        """The command list stored by setMyCommands for (scope, language_code)."""
        with self._cond:
            key = self._scope_key({"scope": scope})
            return [dict(c) for c in self._commands.get((key, language_code), [])]

    def callback_queries(self) -> list[CallbackQueryRecord]:
        """Every callback query delivered so far."""
        with self._cond:
            return list(self._callbacks.values())

    def unanswered_callbacks(self) -> list[CallbackQueryRecord]:
        """Callback queries the bot has not answered (yet)."""
        with self._cond:
            return [r for r in self._callbacks.values() if not r.answered]

    def file(self, file_id: str) -> FileRecord:
        """A registered file by id."""
        with self._cond:
            return self._files[file_id]

    def pending_updates(self) -> list[JSONDict]:
        """Updates not yet confirmed by the bot."""
        with self._cond:
            return [dict(u) for u in self._pending]

    def requests_for(self, method: str) -> list[ApiRequest]:
        """Logged requests of one method (case-insensitive)."""
        with self._cond:
            return [r for r in self.requests if r.method.lower() == method.lower()]

    # ---------------------------------------------------------------- test side: waiting

    def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 10.0,
        what: str | None = None,
        *,
        recheck: float | None = None,
    ) -> None:
        """Block until ``predicate()`` is true (re-checked on every state change).

        A predicate on state outside the fake (the bot's database) changes without telling
        the fake: ``recheck`` has it re-checked at least that often (seconds) as well.
        """
        with self._cond:
            deadline = time.monotonic() + timeout
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining > 0:
                    self._cond.wait(remaining if recheck is None else min(recheck, remaining))
                    continue
                raise AssertionError(
                    f"FakeTelegram: timed out after {timeout}s waiting for "
                    f"{what or getattr(predicate, '__name__', 'condition')}\n{self._diagnostics()}"
                )

    def wait_for_messages(
        self, chat_id: int, count: int, timeout: float = 10.0
    ) -> list[SentMessage]:
        """Wait until the chat has >= ``count`` bot messages in total; returns all of them."""
        self.wait_for(
            lambda: len(self._bot_messages.get(chat_id, [])) >= count,
            timeout,
            f"{count} bot message(s) in chat {chat_id}",
        )
        return self.messages(chat_id)

    def next_messages(self, chat_id: int, after: int, timeout: float = 10.0) -> list[SentMessage]:
        """Wait for bot messages beyond the first ``after`` ones; returns those."""
        return self.wait_for_messages(chat_id, after + 1, timeout)[after:]

    def expect(self, chat_id: int, n_new: int = 1, timeout: float = 10.0) -> list[SentMessage]:
        """Wait for >= ``n_new`` messages not yet consumed by ``expect``; return all new ones."""
        with self._cond:
            start = self._consumed.get(chat_id, 0)
            self.wait_for(
                lambda: len(self._bot_messages.get(chat_id, [])) >= start + n_new,
                timeout,
                f"{n_new} new bot message(s) in chat {chat_id} after the first {start}",
            )
            new = list(self._bot_messages[chat_id][start:])
            self._consumed[chat_id] = start + len(new)
            return new

    def skip_existing(self, chat_id: int) -> None:
        """Mark every current bot message of the chat as consumed for :meth:`expect`."""
        with self._cond:
            self._consumed[chat_id] = len(self._bot_messages.get(chat_id, []))

    def wait_for_offset(self, update_id: int, timeout: float = 10.0) -> None:
        """Wait until the bot confirmed ``update_id`` (called getUpdates with offset > it)."""
        self.wait_for(
            lambda: self.confirmed_offset > update_id,
            timeout,
            f"confirmation of update {update_id} (confirmed_offset={self.confirmed_offset})",
        )

    def wait_for_answer(self, callback_query_id: str, timeout: float = 10.0) -> CallbackQueryRecord:
        """Wait until the bot answered the callback query; returns its record."""
        self.wait_for(
            lambda: self._callbacks[callback_query_id].answered,
            timeout,
            f"answerCallbackQuery for {callback_query_id}",
        )
        return self._callbacks[callback_query_id]

    def wait_until_polling(self, timeout: float = 10.0) -> None:
        """Wait until a getUpdates long poll is parked with nothing to deliver."""
        self.wait_for(lambda: self._polls_waiting > 0, timeout, "a parked getUpdates long poll")

    def wait_for_request(
        self, method: str, count: int = 1, timeout: float = 10.0
    ) -> list[ApiRequest]:
        """Wait until >= ``count`` answered requests of ``method`` were logged; returns them."""

        def answered() -> list[ApiRequest]:
            return [r for r in self.requests_for(method) if r.status is not None]

        self.wait_for(lambda: len(answered()) >= count, timeout, f"{count} {method} request(s)")
        return answered()

    def _diagnostics(self) -> str:
        recent = ", ".join(f"{r.method}->{r.status}" for r in self.requests[-8:])
        errors = "; ".join(
            f"{e.method}: {e.description} {e.note}".rstrip() for e in self.errors[-5:]
        )
        return f"  recent requests: [{recent}]\n  errors: [{errors}]"


class _SilentDrop(Exception):
    """Internal: a terminated long poll whose client has already gone away."""


# --------------------------------------------------------------------------------------------
# Module helpers
# --------------------------------------------------------------------------------------------


def _normalize_params(raw: JSONDict) -> JSONDict:
    """Decode form/JSON values into the types the Bot API documents."""
    params: JSONDict = {}
    for key, value in raw.items():
        if isinstance(value, UploadedFile):
            params[key] = value
        elif key in _JSON_FIELDS and isinstance(value, str):
            if value == "":
                params[key] = None
                continue
            try:
                params[key] = json.loads(value)
            except ValueError as exc:
                if key == "reply_markup":
                    raise _bad("can't parse reply keyboard markup JSON object") from exc
                raise _bad(f"can't parse {key} JSON object") from exc
        elif key in _INT_FIELDS and isinstance(value, str) and _INT_RE.match(value.strip()):
            params[key] = int(value.strip())
        elif key in _BOOL_FIELDS and isinstance(value, str):
            params[key] = value.strip().lower() in ("true", "1")
        elif key in _TEXT_FIELDS and isinstance(value, int | float) and not isinstance(value, bool):
            params[key] = str(value)
        else:
            params[key] = value
    return params


def _loggable(params: JSONDict) -> JSONDict:
    return {
        k: (
            {"filename": v.filename, "content_type": v.content_type, "size": len(v.data)}
            if isinstance(v, UploadedFile)
            else v
        )
        for k, v in params.items()
    }


def _opt_int(params: JSONDict, key: str) -> int | None:
    value = params.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise _bad(f"wrong parameter {key}")
    if isinstance(value, int | float):
        return int(value)
    raise _bad(f"wrong parameter {key}")


def _validate_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise _bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    text = button.get("text")
    if not isinstance(text, str):
        raise _bad('can\'t parse inline keyboard button: Field "text" must be of type String')
    if not text.strip():
        raise _bad("BUTTON_TEXT_INVALID")
    actions = [k for k in _INLINE_BUTTON_ACTIONS if button.get(k) is not None]
    if not actions:
        raise _bad(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        raise _bad(
            "can't parse inline keyboard button: exactly one of the optional fields must be "
            f"used, got {actions}"
        )
    action, value = actions[0], button[actions[0]]
    if action == "callback_data":
        if not isinstance(value, str) or not 1 <= len(value.encode("utf-8")) <= (
            MAX_CALLBACK_DATA_BYTES
        ):
            raise _bad("BUTTON_DATA_INVALID")
    elif action == "url":
        if not isinstance(value, str) or not _URL_RE.match(value):
            raise _bad("BUTTON_URL_INVALID")
    elif action == "copy_text":
        copy = value.get("text") if isinstance(value, dict) else None
        if not isinstance(copy, str) or not 1 <= utf16_len(copy) <= MAX_COPY_TEXT_LENGTH:
            raise _bad("COPY_TEXT_INVALID")
    elif action in ("web_app", "login_url"):
        url = value.get("url") if isinstance(value, dict) else None
        if not isinstance(url, str) or not url.lower().startswith("https://"):
            raise _bad("BUTTON_URL_INVALID")
    elif action in ("switch_inline_query", "switch_inline_query_current_chat"):
        if not isinstance(value, str):
            raise _bad(f'can\'t parse inline keyboard button: Field "{action}" must be a String')
    elif action == "pay" and value is not True:
        raise _bad("can't parse inline keyboard button: pay must be True")


def _checked_entities(entities: list[Any], text: str) -> list[JSONDict]:
    """Validate an explicit ``entities`` array against the text (UTF-16 bounds)."""
    total = utf16_len(text)
    checked = []
    for entity in entities:
        if not isinstance(entity, dict) or not isinstance(entity.get("type"), str):
            raise _bad("can't parse entities: MessageEntity must be an Object with a type")
        offset, length = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(length, int) or offset < 0 or length < 0:
            raise _bad("can't parse entities: wrong offset or length of a MessageEntity")
        if offset + length > total:
            raise _bad("can't parse entities: entity ends after the end of the text")
        checked.append(dict(entity))
    return checked


def _command_entities(text: str) -> list[JSONDict]:
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group()),
        }
        for match in _BOT_COMMAND_IN_TEXT_RE.finditer(text)
    ]


def _looks_like_image(data: bytes) -> bool:
    return data.startswith(
        (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM")
    ) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


@contextlib.contextmanager
def fake_telegram(**kwargs: Any) -> Iterator[FakeTelegram]:
    """Run a :class:`FakeTelegram` for the duration of a ``with`` block."""
    fake = FakeTelegram(**kwargs)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
