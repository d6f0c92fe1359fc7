"""The chat menu button and web_app buttons, as Telegram takes them.

A web_app button opens an https page inside Telegram, and only in a private chat between a
user and the bot; the menu button is set for one private chat or, without a chat, for all.
"""

from __future__ import annotations

from typing import Any

from tests.fake_telegram.limits import JSONDict
from tests.fake_telegram.records import _bad
from tests.fake_telegram.state import FakeState

MENU_BUTTON_TYPES = ("commands", "web_app", "default")


def _https(url: Any) -> bool:
    return isinstance(url, str) and url.lower().startswith("https://") and len(url) > 8


def has_web_app(markup: JSONDict | None) -> bool:
    """Whether an inline keyboard holds a web_app button."""
    rows = (markup or {}).get("inline_keyboard") or []
    return any("web_app" in button for row in rows for button in row)


class MenuMethods(FakeState):
    """setChatMenuButton and getChatMenuButton."""

    def _menu_chat(self, params: JSONDict) -> int | None:
        if params.get("chat_id") in (None, ""):
            return None  # the default button of every private chat
        chat_id = self._chat_id(params)
        self._check_chat(chat_id)
        if chat_id < 0:
            raise _bad("PEER_ID_INVALID")  # only a private chat has a menu button of its own
        return chat_id

    def _m_set_chat_menu_button(self, params: JSONDict) -> bool:
        chat = self._menu_chat(params)
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in MENU_BUTTON_TYPES:
            raise _bad("can't parse menu button JSON object")
        if button["type"] == "web_app":
            text = button.get("text")
            if not isinstance(text, str) or not text.strip():
                raise _bad("BUTTON_TEXT_INVALID")
            web_app = button.get("web_app")
            if not isinstance(web_app, dict) or not _https(web_app.get("url")):
                raise _bad("BUTTON_URL_INVALID")
        self.menu_buttons[chat] = dict(button)
        return True

    def _m_get_chat_menu_button(self, params: JSONDict) -> JSONDict:
        chat = self._menu_chat(params)
        return dict(self.menu_buttons.get(chat) or self.menu_buttons.get(None)
                    or {"type": "commands"})

    def _private_only(self, chat_id: int, markup: JSONDict | None) -> None:
        """A web_app button is allowed only in a private chat with the bot."""
        if chat_id < 0 and has_web_app(markup):
            raise _bad("BUTTON_TYPE_INVALID")
