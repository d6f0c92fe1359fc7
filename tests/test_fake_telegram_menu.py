"""The fake takes the menu button and web_app buttons as Telegram does, and refuses the rest."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
    MenuButtonWebApp,
    WebAppInfo,
)
from telegram.error import BadRequest

from tests.fake_telegram import DEFAULT_TOKEN, FakeTelegram, fake_telegram

USER = 424242
GROUP = -100777
PAGE = "https://coach.example.com/app"


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with fake_telegram() as server:
        server.add_chat(USER)
        server.add_chat(GROUP, first_name="投诉互助群")
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(DEFAULT_TOKEN, base_url=fake.api_url, base_file_url=fake.file_url) as b:
        yield b


def _page_button(url: str = PAGE) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("案件", web_app=WebAppInfo(url))]])


async def test_the_menu_button_opens_a_page_for_one_chat_or_for_all(
    bot: Bot, fake: FakeTelegram
) -> None:
    assert isinstance(await bot.get_chat_menu_button(USER), MenuButtonCommands)
    everyone = MenuButtonWebApp("案件档案", WebAppInfo(PAGE))
    assert await bot.set_chat_menu_button(menu_button=everyone)
    got = await bot.get_chat_menu_button(USER)
    assert isinstance(got, MenuButtonWebApp) and got.web_app.url == PAGE
    assert await bot.set_chat_menu_button(USER, MenuButtonWebApp("Case file", WebAppInfo(PAGE)))
    assert fake.menu_buttons[USER]["text"] == "Case file"
    assert fake.menu_buttons[None]["text"] == "案件档案"


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"menu_button": MenuButtonWebApp("案件", WebAppInfo("http://coach.example.com/app"))},
         "Button_url_invalid"),
        ({"menu_button": MenuButtonWebApp(" ", WebAppInfo(PAGE))}, "Button_text_invalid"),
        ({"chat_id": GROUP, "menu_button": MenuButtonWebApp("案件", WebAppInfo(PAGE))},
         "Peer_id_invalid"),
        ({"chat_id": 999, "menu_button": MenuButtonWebApp("案件", WebAppInfo(PAGE))},
         "Chat not found"),
    ],
)
async def test_a_menu_button_telegram_would_refuse_is_refused(
    bot: Bot, fake: FakeTelegram, kwargs: dict[str, Any], error: str
) -> None:
    with pytest.raises(BadRequest, match=error):
        await bot.set_chat_menu_button(**kwargs)
    assert fake.menu_buttons == {}


def test_a_menu_button_of_an_unknown_type_is_refused(fake: FakeTelegram) -> None:
    answer = httpx.post(f"{fake.url}/bot{DEFAULT_TOKEN}/setChatMenuButton", timeout=5,
                        json={"menu_button": {"type": "game", "text": "x"}})
    assert answer.status_code == 400 and fake.menu_buttons == {}


async def test_a_web_app_button_only_in_a_private_chat_and_only_to_https(
    bot: Bot, fake: FakeTelegram
) -> None:
    sent = await bot.send_message(USER, "案件 #1", reply_markup=_page_button())
    assert sent.reply_markup is not None
    with pytest.raises(BadRequest, match="Button_type_invalid"):
        await bot.send_message(GROUP, "案件 #1", reply_markup=_page_button())
    with pytest.raises(BadRequest, match="Button_url_invalid"):
        await bot.send_message(USER, "案件 #1", reply_markup=_page_button("http://x.example/app"))
    with pytest.raises(BadRequest, match="Button_type_invalid"):
        await bot.edit_message_text("案件 #1", GROUP, 1, reply_markup=_page_button())
