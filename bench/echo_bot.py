"""A bare python-telegram-bot echo bot: the baseline of bench.cpu_per_update.

    TELEGRAM_BOT_TOKEN=… TELEGRAM_API_URL=… python -m bench.echo_bot

It answers a text with the same text and one button, and a press with an answer and a
message: the same kinds of work per update as the coach, and nothing else.
"""

from __future__ import annotations

import os

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

_KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("again", callback_data="again")]])


async def _text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text, reply_markup=_KEYBOARD)


async def _press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    await query.answer()
    await context.bot.send_message(query.message.chat.id, "pressed", reply_markup=_KEYBOARD)


def main() -> None:
    """Poll the Bot API given in the environment until killed."""
    api = os.environ["TELEGRAM_API_URL"]
    app = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, _text))
    app.add_handler(CallbackQueryHandler(_press))
    app.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
