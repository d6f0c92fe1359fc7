"""'I can't find it' / 'I don't remember': an answer that says the fact is not to be had."""

from __future__ import annotations

import re

from conversations.reading.normalize import normalise

# Words for not having a fact, in the forms people type; a short answer that is mostly these.
_DONT_KNOW = re.compile(
    r"不记得|记不清|记不得|记不住|想不起|忘了|忘记|找不到|找不着|没找到|查不到|不知道|不清楚|"
    r"没有(?:订单号?|单号|记录|截图)?了?$|没了|删了|不见了|"
    r"don['’]?t (?:know|remember|have)|do not (?:know|remember|have)|"
    r"can['’]?t (?:find|remember|recall)|cannot (?:find|remember|recall)|"
    r"not sure|no idea|forgot|dunno|lost (?:it|the)",
    re.IGNORECASE,
)
_MAX_LENGTH = 40  # a longer answer says something else as well; it is read, not waved through


def says_unknown(text: str) -> bool:
    """Whether a short answer says the user cannot find or remember what was asked."""
    plain = normalise(text).strip()
    return 0 < len(plain) <= _MAX_LENGTH and _DONT_KNOW.search(plain) is not None
