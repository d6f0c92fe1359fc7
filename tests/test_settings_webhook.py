"""Web settings: a webhook and its secret both or neither, a real port, the web server only
when asked for, the Mini App's https URL."""

from __future__ import annotations

import pytest

from bot.settings import Settings, SettingsError, load_settings

TOKEN = "123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz012"


def _load(**env: str) -> Settings:
    return load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, **env}, dotenv_path=None)


def test_polling_by_default() -> None:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN}, dotenv_path=None)
    assert settings.webhook_url is None and settings.webhook_secret is None
    assert settings.web_address is None  # polling without WEB_PORT: no web server
    assert settings.webapp_url is None


def test_a_web_server_in_polling_mode_when_its_port_is_set() -> None:
    settings = _load(WEB_PORT="9001", WEBAPP_URL="https://coach.example.com/app")
    assert settings.webhook_url is None and settings.web_address == ("0.0.0.0", 9001)
    assert settings.webapp_url == "https://coach.example.com/app"


def test_a_webhook_serves_on_8080_unless_told_otherwise() -> None:
    settings = _load(WEBHOOK_URL="https://bot.example.com/hook", WEBHOOK_SECRET="abc")
    assert settings.web_address == ("0.0.0.0", 8080)


def test_a_webhook_with_its_secret_and_port() -> None:
    settings = load_settings({
        "TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_URL": "https://bot.example.com/tg/hook",
        "WEBHOOK_SECRET": "abc_DEF-123", "WEB_PORT": "9000", "WEB_HOST": "127.0.0.1",
    }, dotenv_path=None)
    assert settings.webhook_url == "https://bot.example.com/tg/hook"
    assert settings.webhook_secret is not None
    assert settings.webhook_secret.reveal() == "abc_DEF-123"
    assert "abc_DEF-123" not in repr(settings)  # never logged
    assert settings.web_address == ("127.0.0.1", 9000)


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"WEBHOOK_URL": "https://bot.example.com/hook"}, "WEBHOOK_SECRET is required"),
        ({"WEBHOOK_URL": "https://bot.example.com/hook", "WEBHOOK_SECRET": "has space"},
         "WEBHOOK_SECRET is required"),
        ({"WEBHOOK_URL": "https://bot.example.com/hook", "WEBHOOK_SECRET": "x" * 257},
         "WEBHOOK_SECRET is required"),
        ({"WEBHOOK_SECRET": "abc"}, "WEBHOOK_URL is not"),
        ({"WEBHOOK_URL": "bot.example.com/hook", "WEBHOOK_SECRET": "abc"}, "http(s) URL"),
        ({"WEB_PORT": "70000"}, "WEB_PORT"),
        ({"WEB_PORT": "http"}, "WEB_PORT"),
        ({"WEB_PORT": "9000", "WEBAPP_URL": "http://coach.example.com/app"}, "https URL"),
        ({"WEBAPP_URL": "https://coach.example.com/app"}, "needs the web server"),
    ],
)
def test_a_bad_webhook_setting_is_named(env: dict[str, str], says: str) -> None:
    with pytest.raises(SettingsError, match=says.replace("(", r"\(").replace(")", r"\)")):
        _load(**env)
