"""A Mini App's launch data (initData), checked exactly as Telegram documents it.

python-telegram-bot has no initData check (aiogram has one, but it is a second bot framework
to pull in for twenty lines), so this is ours: https://core.telegram.org/bots/webapps
#validating-data-received-via-the-mini-app
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl

MAX_AGE = timedelta(hours=24)  # older launch data is refused: a leaked copy stops working
CLOCK_SKEW = timedelta(minutes=5)  # a signature "from the future" beyond this is refused


@dataclass(frozen=True)
class WebAppUser:
    """Who opened the Mini App, as Telegram signed it."""

    id: int
    language_code: str | None
    auth_date: datetime


def signed_by(init_data: str, token: str) -> dict[str, str] | None:
    """The fields of `init_data` when its hash is the bot's signature of them, else None."""
    # The secret key is HMAC-SHA256(key="WebAppData", msg=token); the hash is the hex
    # HMAC-SHA256, with that key, of every field but `hash`, sorted, as key=value lines.
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        return None  # a field given twice: which one was signed is ambiguous
    given = fields.pop("hash", "")
    if not given.isascii() or len(given) != 64:
        return None
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    expected = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return fields if hmac.compare_digest(expected, given.lower()) else None


def check_init_data(init_data: str, token: str, now: datetime) -> WebAppUser | None:
    """The signed-in user; None if unsigned, older than a day, or without a user."""
    fields = signed_by(init_data, token)
    if fields is None:
        return None
    try:
        auth_date = datetime.fromtimestamp(int(fields["auth_date"]), UTC)
        user = json.loads(fields["user"])
        user_id = user["id"]
    except (KeyError, ValueError, TypeError, OverflowError, OSError):
        return None
    if not isinstance(user_id, int) or isinstance(user_id, bool) or user_id <= 0:
        return None
    if not now - MAX_AGE <= auth_date <= now + CLOCK_SKEW:
        return None
    code = user.get("language_code")
    return WebAppUser(user_id, code if isinstance(code, str) else None, auth_date)

