"""Reading one update's JSON, tolerantly: one the library cannot parse is logged and skipped."""

from __future__ import annotations

import json
import logging
from typing import Any

from telegram import Bot, Update

log = logging.getLogger(__name__)


def parse_update(data: Any, bot: Bot) -> Update | None:
    """The update, or None (logged with its raw JSON) when the library cannot parse it:
    Telegram then gets it confirmed, so it is not delivered again and again."""
    try:
        return Update.de_json(data, bot)
    except Exception:
        log.error("skipped an update the library cannot parse: %s", json.dumps(data),
                  exc_info=True)
        return None
