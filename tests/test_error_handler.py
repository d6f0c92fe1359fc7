"""An exception in a handler is logged with its update, and the user is told."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from telegram import Update
from telegram.ext import CallbackContext

from bot.app import build_application
from bot.handlers import Runtime, on_error
from bot.settings import load_settings
from conversations.core.model import Lang
from conversations.shell.outbox import Outbox
from conversations.shell.service import Coach
from conversations.store.storage import Store
from conversations.texts.messages import OutMessage
from conversations.texts.rendering import Texts
from tests.fake_telegram import FakeTelegram


async def test_an_error_is_logged_with_its_update_and_the_user_is_told(
    fake: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_URL": fake.url,
            "DATABASE_PATH": str(tmp_path / "coach.sqlite3"),
        },
        dotenv_path=None,
    )
    app = build_application(settings)
    store = await Store.open(settings.database_path)
    texts = Texts()
    outbox = Outbox(store, _NoSender())
    coach = Coach(store, texts, outbox, settings.default_timezone)
    app.bot_data["runtime"] = Runtime(coach, texts)
    fake.user_sends_text(77, "/new", language_code="en")
    [raw] = fake.pending_updates()
    async with app:
        update = Update.de_json(raw, app.bot)
        context = CallbackContext.from_error(update, RuntimeError("boom"), app)
        with caplog.at_level(logging.ERROR):
            await on_error(update, context)
    await store.close()
    [told] = fake.messages(77)
    assert told.text == texts.labels(Lang.EN)["error"]
    [record] = [r for r in caplog.records if r.name == "bot.handlers"]
    assert "boom" in caplog.text and str(raw["update_id"]) in record.getMessage()


class _NoSender:
    async def send(
        self, chat_id: int, message: OutMessage, urgent: bool = False
    ) -> int | None:
        raise AssertionError("nothing should go through the outbox here")
