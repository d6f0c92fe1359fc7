"""What reaches the engine from a user: commands, texts, button presses, other kinds."""

from __future__ import annotations

from dataclasses import dataclass


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


@dataclass(frozen=True)
class Malformed:
    """A button press whose callback data we cannot decode (forged or from an old version)."""


Event = Command | Text | Press | Unsupported | Malformed
