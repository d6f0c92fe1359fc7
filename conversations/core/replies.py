"""What the engine answers with: template names and data, never words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from conversations.core.actions import Action, parse_action
from conversations.core.events import Malformed, Press

CALLBACK_DATA_MAX_BYTES = 64  # Telegram's limit
_SEP = "|"
_ANY = "*"  # seq marker for buttons that are not tied to one question


@dataclass(frozen=True)
class Button:
    """An inline button: a label key (or literal text) and what it does."""

    action: Action
    value: str = ""
    label: str | None = None  # key into the labels template
    text: str | None = None  # literal text built from the user's own data
    seq: int | None = None  # None: valid at any time (e.g. "open case #3")
    url: str | None = None  # a link button instead of a callback
    # A copy-to-clipboard button instead of a callback: the template whose plain text it copies,
    # rendered with the reply's data, so the copy is exactly what the message shows.
    copy_template: str | None = None

    def data(self) -> str:
        """Callback data, at most 64 bytes."""
        return encode_press(self.seq, self.action, self.value)


@dataclass(frozen=True)
class Reply:
    """One message to send: a template, its data, and keyboard rows."""

    template: str
    data: Mapping[str, Any] = field(default_factory=dict)
    buttons: tuple[tuple[Button, ...], ...] = ()
    # Replies with the same key replace each other: one message for an album, kept current.
    key: str | None = None
    lang: str | None = None  # rendered in this language, whatever the user's ("zh", "en")
    tz: str | None = None  # times shown in this zone, whatever the user's ("Asia/Shanghai")
    # A ready-to-paste text: one message, its lists shortened by the renderer until it fits.
    one_message: bool = False


def encode_press(seq: int | None, action: Action, value: str = "") -> str:
    """Encode a press as compact callback data."""
    data = _SEP.join((_ANY if seq is None else str(seq), action, value))
    if len(data.encode("utf-8")) > CALLBACK_DATA_MAX_BYTES:
        raise ValueError(f"callback data over {CALLBACK_DATA_MAX_BYTES} bytes: {data!r}")
    return data


def decode_press(data: str | None) -> Press | Malformed:
    """Decode callback data; anything we did not make comes back Malformed."""
    parts = (data or "").split(_SEP)
    if len(parts) != 3 or not parts[1]:
        return Malformed()
    seq_s, named, value = parts
    action = parse_action(named)
    if action is None:
        return Malformed()  # not an action of ours
    if seq_s == _ANY:
        return Press(None, action, value)
    if not seq_s.isdigit():
        return Malformed()
    return Press(int(seq_s), action, value)
