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


def markup(
    rows: tuple[tuple[OutButton, ...], ...], private: bool = True
) -> InlineKeyboardMarkup | None:
    """An inline keyboard, or None for no buttons; outside a private chat without web_app
    buttons, which Telegram refuses there (and with them the whole message)."""
    kept = [[button(b) for b in row if private or not b.web_app] for row in rows]
    kept = [row for row in kept if row]
    return InlineKeyboardMarkup(kept) if kept else None
