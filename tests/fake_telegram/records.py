"""What the fake records: requests, errors, files, callback queries, messages and chats."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.fake_telegram.entities import utf16_slice
from tests.fake_telegram.limits import JSONDict

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
