"""Typed settings, read once from the environment and `.env`."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

TOKEN_PATTERN = re.compile(r"\d{5,16}:[A-Za-z0-9_-]{30,64}")
DEFAULT_API_URL = "https://api.telegram.org"
DEFAULT_WEB_PORT = 8080


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line for the user."""


class Secret:
    """A string that never shows itself in logs, reprs or tracebacks."""

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret value, for the one place that needs it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


@dataclass(frozen=True)
class Settings:
    """Everything the bot and the demo can be configured with."""

    token: Secret | None
    api_url: str
    database_path: Path
    demo_database_path: Path
    default_timezone: ZoneInfo
    log_level: str
    evidence_download: str = "lazy"  # "eager": download evidence files as soon as they arrive
    webhook_url: str | None = None  # set: updates arrive by webhook instead of polling
    webhook_secret: Secret | None = None  # required with webhook_url
    web_host: str = "0.0.0.0"
    web_port: int | None = None  # None: not set (8080 for a webhook, no server when polling)
    webapp_url: str | None = None  # the Mini App's public https URL, served at /app
    database_url: Secret | None = None  # postgresql://…: PostgreSQL instead of the SQLite file

    @property
    def web_address(self) -> tuple[str, int] | None:
        """Where the web server listens: always with a webhook, when polling only if WEB_PORT
        is set; None for no web server."""
        if self.webhook_url is not None:
            return self.web_host, self.web_port or DEFAULT_WEB_PORT
        return (self.web_host, self.web_port) if self.web_port is not None else None

    @property
    def database(self) -> Path | str:
        """Where the store is: the PostgreSQL URL when given, else the SQLite file."""
        return self.database_url.reveal() if self.database_url else self.database_path

    @property
    def files_dir(self) -> Path:
        """Where downloaded evidence is kept: beside the database."""
        return self.database_path.parent / "evidence"

    def require_token(self) -> Secret:
        """The token, or a one-line error saying how to get one."""
        if self.token is None:
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather in Telegram "
                "(send /newbot), then put TELEGRAM_BOT_TOKEN=<token> in .env or the environment. "
                "To try the bot without a token: complaint-coach demo"
            )
        if not TOKEN_PATTERN.fullmatch(self.token.reveal()):
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN is malformed: it should look like 123456789:AA... as "
                "@BotFather gives it (send /token to @BotFather to see it again)."
            )
        return self.token


def load_settings(
    environ: Mapping[str, str] | None = None, dotenv_path: Path | None = Path(".env")
) -> Settings:
    """Read settings; the environment wins over `.env`."""
    values: dict[str, str] = {}
    if dotenv_path is not None and dotenv_path.is_file():
        values.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    def get(name: str, default: str) -> str:
        return values.get(name, "").strip() or default

    token = values.get("TELEGRAM_BOT_TOKEN", "").strip()
    given_url = get("TELEGRAM_API_URL", DEFAULT_API_URL)
    api_url = given_url.rstrip("/")
    if not re.fullmatch(r"https?://[^\s/]+(/[^\s]*)?", api_url):
        raise SettingsError(f"TELEGRAM_API_URL must be an http(s) URL, got {given_url!r}")
    tz_name = get("DEFAULT_TIMEZONE", "Asia/Shanghai")
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"DEFAULT_TIMEZONE {tz_name!r} is not a known timezone (e.g. Asia/Shanghai)"
        ) from None
    level = get("LOG_LEVEL", "INFO").upper()
    if not isinstance(logging.getLevelName(level), int):
        raise SettingsError(f"LOG_LEVEL {level!r} is not one of DEBUG, INFO, WARNING, ERROR")
    download = get("EVIDENCE_DOWNLOAD", "lazy").lower()
    if download not in ("lazy", "eager"):
        raise SettingsError(f"EVIDENCE_DOWNLOAD must be lazy or eager, got {download!r}")
    webhook_url, webhook_secret = _webhook(get("WEBHOOK_URL", ""), get("WEBHOOK_SECRET", ""))
    port_text = get("WEB_PORT", "")
    if port_text and (not port_text.isdigit() or not 0 < int(port_text) < 65536):
        raise SettingsError(f"WEB_PORT must be a port number, got {port_text!r}")
    database_url = get("DATABASE_URL", "")
    if database_url and not re.fullmatch(r"postgres(ql)?://\S+", database_url):
        raise SettingsError(
            "DATABASE_URL must be a PostgreSQL URL: postgresql://user:password@host:port/db"
        )
    webapp_url = get("WEBAPP_URL", "") or None
    if webapp_url is not None:
        if not re.fullmatch(r"https://[^\s/]+(/[^\s#]*)?", webapp_url):
            raise SettingsError(f"WEBAPP_URL must be an https URL (Telegram opens only those), "
                                f"got {webapp_url!r}")
        if not port_text and webhook_url is None:
            raise SettingsError("WEBAPP_URL needs the web server: set WEB_PORT (or WEBHOOK_URL)")
    return Settings(
        database_url=Secret(database_url) if database_url else None,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        web_host=get("WEB_HOST", "0.0.0.0"),
        web_port=int(port_text) if port_text else None,
        webapp_url=webapp_url,
        evidence_download=download,
        token=Secret(token) if token else None,
        api_url=api_url,
        database_path=Path(get("DATABASE_PATH", "data/coach.sqlite3")),
        demo_database_path=Path(get("DEMO_DATABASE_PATH", "data/demo.sqlite3")),
        default_timezone=tz,
        log_level=level,
    )


_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram allows in secret_token


def _webhook(url: str, secret: str) -> tuple[str | None, Secret | None]:
    """WEBHOOK_URL and WEBHOOK_SECRET, checked: both or neither."""
    if not url:
        if secret:
            raise SettingsError("WEBHOOK_SECRET is set but WEBHOOK_URL is not")
        return None, None
    if not re.fullmatch(r"https?://[^\s/]+(/[^\s]*)?", url):
        raise SettingsError(f"WEBHOOK_URL must be an http(s) URL, got {url!r}")
    if not _SECRET.fullmatch(secret):
        raise SettingsError(
            "WEBHOOK_SECRET is required with WEBHOOK_URL: 1–256 characters A-Z, a-z, 0-9, _ or -"
        )
    return url, Secret(secret)
