"""The rendered message types: what the outbox stores and the adapters deliver."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conversations.texts.telegram_html import to_plain


@dataclass(frozen=True)
class OutButton:
    """A rendered inline button: exactly one of data, url, copy, web_app."""

    text: str
    data: str | None = None
    url: str | None = None
    copy: str | None = None
    web_app: str | None = None  # the Mini App's https URL, opened inside Telegram


@dataclass(frozen=True)
class OutMessage:
    """A rendered message ready for delivery."""

    html: str
    buttons: tuple[tuple[OutButton, ...], ...] = ()
    key: str | None = None  # replaces the earlier message with the same key
    edit_message_id: int | None = None  # deliver as an edit of this sent message
    document: str | None = None  # a file to send, with `html` as its caption

    def to_json(self) -> dict[str, Any]:
        """Serialise for the outbox."""
        return {
            "html": self.html,
            "buttons": [[b.__dict__ for b in row] for row in self.buttons],
            "key": self.key,
            "edit_message_id": self.edit_message_id,
            "document": self.document,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> OutMessage:
        """Deserialise from the outbox."""
        rows = tuple(tuple(OutButton(**b) for b in row) for row in d.get("buttons", []))
        return cls(d["html"], rows, d.get("key"), d.get("edit_message_id"), d.get("document"))

    @property
    def plain(self) -> str:
        """The text as a reader sees it (for the terminal demo and clipboard)."""
        return to_plain(self.html)
