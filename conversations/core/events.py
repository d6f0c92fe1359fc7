"""What reaches the engine from a user: commands, texts, button presses, other kinds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Command:
    """A slash command such as /new."""

    name: str  # without the slash, lower case
    args: str = ""


@dataclass(frozen=True)
class Text:
    """A plain text message."""

    text: str


@dataclass(frozen=True)
class Press:
    """A button press, decoded from its callback data."""

    seq: int | None  # the question it belongs to; None for buttons valid at any time
    action: str
    value: str = ""


@dataclass(frozen=True)
class Unsupported:
    """A message of a kind the current step cannot take (sticker, voice, photo, ...)."""

    kind: str
    media_group_id: str | None = None  # the album it came in: counted in the album's reply


@dataclass(frozen=True)
class Evidence:
    """A photo, file or forwarded message offered as evidence."""

    kind: str  # photo, image, pdf, document, audio, video, text
    file_id: str | None = None
    file_unique_id: str | None = None
    size: int | None = None
    mime_type: str | None = None
    file_name: str | None = None
    caption: str | None = None
    text: str | None = None  # a forwarded text message
    origin_at: datetime | None = None  # forward_origin.date
    sender: str | None = None  # forward_origin's sender, as a name
    media_group_id: str | None = None


@dataclass(frozen=True)
class Malformed:
    """A button press whose callback data we cannot decode (forged or from an old version)."""


Event = Command | Text | Press | Unsupported | Evidence | Malformed
