"""Rendered buttons to Telegram inline keyboards."""

from __future__ import annotations

from telegram import CopyTextButton, InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from conversations.texts.messages import OutButton


def button(b: OutButton) -> InlineKeyboardButton:
    """One inline button."""
    if b.url:
        return InlineKeyboardButton(b.text, url=b.url)
    if b.web_app:  # only ever in a private chat, where Telegram allows it
        return InlineKeyboardButton(b.text, web_app=WebAppInfo(b.web_app))
    if b.copy is not None:
        return InlineKeyboardButton(b.text, copy_text=CopyTextButton(b.copy))
    return InlineKeyboardButton(b.text, callback_data=b.data)


def markup(rows: tuple[tuple[OutButton, ...], ...]) -> InlineKeyboardMarkup | None:
    """An inline keyboard, or None for no buttons."""
    if not rows:
        return None
    return InlineKeyboardMarkup([[button(b) for b in row] for row in rows if row])
