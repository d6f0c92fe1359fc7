"""Request parameters as the Bot API reads them, and the checks on buttons and entities."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.fake_telegram.entities import utf16_len
from tests.fake_telegram.limits import (
    _BOOL_FIELDS,
    _BOT_COMMAND_IN_TEXT_RE,
    _INLINE_BUTTON_ACTIONS,
    _INT_FIELDS,
    _INT_RE,
    _JSON_FIELDS,
    _TEXT_FIELDS,
    _URL_RE,
    MAX_CALLBACK_DATA_BYTES,
    MAX_COPY_TEXT_LENGTH,
    JSONDict,
)
from tests.fake_telegram.records import UploadedFile, _bad

# --------------------------------------------------------------------------------------------
# Module helpers
# --------------------------------------------------------------------------------------------


def _normalize_params(raw: JSONDict) -> JSONDict:
    """Decode form/JSON values into the types the Bot API documents."""
    params: JSONDict = {}
    for key, value in raw.items():
        if isinstance(value, UploadedFile):
            params[key] = value
        elif key in _JSON_FIELDS and isinstance(value, str):
            if value == "":
                params[key] = None
                continue
            try:
                params[key] = json.loads(value)
            except ValueError as exc:
                if key == "reply_markup":
                    raise _bad("can't parse reply keyboard markup JSON object") from exc
                raise _bad(f"can't parse {key} JSON object") from exc
        elif key in _INT_FIELDS and isinstance(value, str) and _INT_RE.match(value.strip()):
            params[key] = int(value.strip())
        elif key in _BOOL_FIELDS and isinstance(value, str):
            params[key] = value.strip().lower() in ("true", "1")
        elif key in _TEXT_FIELDS and isinstance(value, int | float) and not isinstance(value, bool):
            params[key] = str(value)
        else:
            params[key] = value
    return params


def _loggable(params: JSONDict) -> JSONDict:
    return {
        k: (
            {"filename": v.filename, "content_type": v.content_type, "size": len(v.data)}
            if isinstance(v, UploadedFile)
            else v
        )
        for k, v in params.items()
    }


def _opt_int(params: JSONDict, key: str) -> int | None:
    value = params.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise _bad(f"wrong parameter {key}")
    if isinstance(value, int | float):
        return int(value)
    raise _bad(f"wrong parameter {key}")


def _validate_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise _bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    text = button.get("text")
    if not isinstance(text, str):
        raise _bad('can\'t parse inline keyboard button: Field "text" must be of type String')
    if not text.strip():
        raise _bad("BUTTON_TEXT_INVALID")
    actions = [k for k in _INLINE_BUTTON_ACTIONS if button.get(k) is not None]
    if not actions:
        raise _bad(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        raise _bad(
            "can't parse inline keyboard button: exactly one of the optional fields must be "
            f"used, got {actions}"
        )
    action = actions[0]
    check = _BUTTON_CHECKS.get(action)
    if check is not None:
        check(action, button[action])


def _check_data(action: str, value: Any) -> None:
    if not isinstance(value, str) or not 1 <= len(value.encode("utf-8")) <= (
        MAX_CALLBACK_DATA_BYTES
    ):
        raise _bad("BUTTON_DATA_INVALID")


def _check_url(action: str, value: Any) -> None:
    if not isinstance(value, str) or not _URL_RE.match(value):
        raise _bad("BUTTON_URL_INVALID")


def _check_copy(action: str, value: Any) -> None:
    copy = value.get("text") if isinstance(value, dict) else None
    if not isinstance(copy, str) or not 1 <= utf16_len(copy) <= MAX_COPY_TEXT_LENGTH:
        raise _bad("COPY_TEXT_INVALID")


def _check_https(action: str, value: Any) -> None:
    url = value.get("url") if isinstance(value, dict) else None
    if not isinstance(url, str) or not url.lower().startswith("https://"):
        raise _bad("BUTTON_URL_INVALID")


def _check_inline_query(action: str, value: Any) -> None:
    if not isinstance(value, str):
        raise _bad(f'can\'t parse inline keyboard button: Field "{action}" must be a String')


def _check_pay(action: str, value: Any) -> None:
    if value is not True:
        raise _bad("can't parse inline keyboard button: pay must be True")


# Each kind of inline button, and what Telegram checks of its value.
_BUTTON_CHECKS: dict[str, Callable[[str, Any], None]] = {
    "callback_data": _check_data,
    "url": _check_url,
    "copy_text": _check_copy,
    "web_app": _check_https,
    "login_url": _check_https,
    "switch_inline_query": _check_inline_query,
    "switch_inline_query_current_chat": _check_inline_query,
    "pay": _check_pay,
}


def _checked_entities(entities: list[Any], text: str) -> list[JSONDict]:
    """Validate an explicit ``entities`` array against the text (UTF-16 bounds)."""
    total = utf16_len(text)
    checked = []
    for entity in entities:
        if not isinstance(entity, dict) or not isinstance(entity.get("type"), str):
            raise _bad("can't parse entities: MessageEntity must be an Object with a type")
        offset, length = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(length, int) or offset < 0 or length < 0:
            raise _bad("can't parse entities: wrong offset or length of a MessageEntity")
        if offset + length > total:
            raise _bad("can't parse entities: entity ends after the end of the text")
        checked.append(dict(entity))
    return checked


def _command_entities(text: str) -> list[JSONDict]:
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group()),
        }
        for match in _BOT_COMMAND_IN_TEXT_RE.finditer(text)
    ]


def _looks_like_image(data: bytes) -> bool:
    return data.startswith(
        (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM")
    ) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
