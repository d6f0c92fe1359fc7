"""Rendered buttons to the Bot API's inline keyboards, as the JSON it takes."""

from __future__ import annotations

from typing import Any

from conversations.texts.messages import OutButton

Keyboard = dict[str, list[list[dict[str, Any]]]]


def button(b: OutButton) -> dict[str, Any]:
    """One inline button (an InlineKeyboardButton's JSON)."""
    if b.url:
        return {"text": b.text, "url": b.url}
    if b.web_app:  # only ever in a private chat, where Telegram allows it
        return {"text": b.text, "web_app": {"url": b.web_app}}
    if b.copy is not None:
        return {"text": b.text, "copy_text": {"text": b.copy}}
    return {"text": b.text, "callback_data": b.data}


def markup(rows: tuple[tuple[OutButton, ...], ...], private: bool = True) -> Keyboard | None:
    """An inline keyboard, or None for no buttons; outside a private chat without web_app
    buttons, which Telegram refuses there (and with them the whole message)."""
    kept = [[button(b) for b in row if private or not b.web_app] for row in rows]
    kept = [row for row in kept if row]
    return {"inline_keyboard": kept} if kept else None
