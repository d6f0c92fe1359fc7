"""Bot API calls with fields as the API reads them, through the bot's own request object."""

from __future__ import annotations

from typing import Any

from telegram import Bot
from telegram.request import BaseRequest, RequestData
from telegram.request._requestparameter import RequestParameter


async def call(
    bot: Bot, method: str, fields: dict[str, str], read_timeout: float | None = None
) -> Any:
    """A Bot API method's result; failures raise as the library raises them (its errors, its
    timeouts, unless `read_timeout` is given).

    Bot's methods build a RequestParameter per argument and parse the answer into objects (a
    sent message into a Message with its User and Chat), of which we keep a number at most.
    The fields here are already the strings the Bot API reads (RequestParameter, which says it
    is internal, is the only way RequestData takes them).
    """
    data = RequestData([RequestParameter(name, value, None) for name, value in fields.items()])
    timeout = BaseRequest.DEFAULT_NONE if read_timeout is None else read_timeout
    return await bot.request.post(f"{bot.base_url}/{method}", data, read_timeout=timeout)
