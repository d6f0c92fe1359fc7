"""Mini App launch data: signed as Telegram signs it, checked against independent vectors."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from bot.initdata import MAX_AGE, check_init_data, signed_by

# Vectors from aiogram's own test suite (tests/test_utils/test_web_app.py, aiogram/aiogram,
# MIT): launch data signed with the token "42:TEST" by an independent implementation.
AIOGRAM_TOKEN = "42:TEST"
AIOGRAM_VECTORS = [
    (
        "42:TEST",
        "auth_date=1650385342"
        "&user=%7B%22id%22%3A42%2C%22first_name%22%3A%22Test%22%7D"
        "&query_id=test"
        "&hash=46d2ea5e32911ec8d30999b56247654460c0d20949b6277af519e76271182803",
        True,
    ),
    (
        "42:TEST",
        "auth_date=1650385342"
        "&user=%7B%22id%22%3A+%22123456789%22%2C+%22first_name%22%3A+%22PlaceholderFirstName%22"
        "%2C+%22last_name%22%3A+%22PlaceholderLastName+%5Cud83c%5Cuddfa%5Cud83c%5Cudde6%22%2C+"
        "%22username%22%3A+%22Latand%22%2C+%22language_code%22%3A+%22en%22%2C+%22is_premium%22"
        "%3A+%22true%22%2C+%22allows_write_to_pm%22%3A+%22true%22%7D"
        "&query_id=test"
        "&hash=b3c8b293f14ad0f7f0abcf769aea1209a72295d30a87eb0e74df855d32e53bfe",
        True,
    ),
    (
        "42:INVALID",
        "auth_date=1650385342"
        "&user=%7B%22id%22%3A42%2C%22first_name%22%3A%22Test%22%7D"
        "&query_id=test"
        "&hash=46d2ea5e32911ec8d30999b56247654460c0d20949b6277af519e76271182803",
        False,
    ),
    ("42:TEST", "user=%7B%22id%22%3A42%2C%22first_name%22%3A%22Test%22%7D&query_id=test&hash=test",
     False),
    ("42:TEST", "user=%7B%22id%22%3A42%2C%22first_name%22%3A%22Test%22%7D&query_id=test", False),
    ("42:TEST", "", False),
    ("42:TEST", "test&foo=bar=baz", False),
    ("42:TEST", "user=%7B%22id%22%3A42%2C%22first_name%22%3A%22Test%22%7D"
                "&query_id=test&hash=%C3%A9%C3%A9%C3%A9", False),
]
SIGNED_AT = datetime.fromtimestamp(1650385342, UTC)
TOKEN = "123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz012"


@pytest.mark.parametrize(("token", "init_data", "valid"), AIOGRAM_VECTORS)
def test_aiograms_vectors(token: str, init_data: str, valid: bool) -> None:
    assert (signed_by(init_data, token) is not None) is valid
    # Within a day of signing, the first vector's user is who it says (the second's id is a
    # string, which Telegram never sends: refused as a user, though signed).
    user = check_init_data(init_data, token, SIGNED_AT + timedelta(hours=1))
    if valid and "%22id%22%3A42" in init_data:
        assert user is not None and user.id == 42 and user.auth_date == SIGNED_AT
    else:
        assert user is None


def sign(fields: dict[str, str], token: str = TOKEN) -> str:
    """The launch data as Telegram builds it (written from the documentation, not our code)."""
    check = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    key = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    return urlencode({**fields, "hash": hmac.new(key, check.encode(), hashlib.sha256).hexdigest()})


NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


def _fields(age: timedelta = timedelta(minutes=1), **user: object) -> dict[str, str]:
    person = {"id": 5001, "first_name": "小王", "language_code": "zh-hans", **user}
    return {
        "query_id": "AAH1",
        "user": json.dumps(person, ensure_ascii=False, separators=(",", ":")),
        "auth_date": str(int((NOW - age).timestamp())),
        "signature": "ed25519-signature-for-third-parties",  # signed like any other field
    }


def test_fresh_launch_data_names_the_user_and_their_language() -> None:
    user = check_init_data(sign(_fields(language_code="en")), TOKEN, NOW)
    assert user is not None and (user.id, user.language_code) == (5001, "en")


@pytest.mark.parametrize("age", [MAX_AGE + timedelta(seconds=1), -timedelta(hours=1)])
def test_launch_data_older_than_a_day_or_from_the_future_is_refused(age: timedelta) -> None:
    assert check_init_data(sign(_fields(age)), TOKEN, NOW) is None
    assert check_init_data(sign(_fields(MAX_AGE - timedelta(seconds=5))), TOKEN, NOW)


def test_a_changed_field_another_bots_key_or_a_repeated_field_is_refused() -> None:
    good = sign(_fields())
    assert check_init_data(good, TOKEN, NOW) is not None
    assert check_init_data(good.replace("5001", "5002"), TOKEN, NOW) is None
    assert check_init_data(good, "654321:OTHER-TOKEN-abcdefghijklmnopqrstuvwxyz0", NOW) is None
    assert check_init_data(good + "&auth_date=1", TOKEN, NOW) is None
    assert check_init_data(sign({"auth_date": str(int(NOW.timestamp()))}), TOKEN, NOW) is None
