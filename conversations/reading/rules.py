"""A clause of the platform's own rules, cited by the user."""

from __future__ import annotations

import re

from conversations.reading.normalize import normalise
from conversations.reading.spans import Span

_RULE_NAME = re.compile(
    r"[《“\"「『](?P<name>[^》”\"」』\n]{2,40})[》”\"」』]\s*(?:的)?\s*"
    r"(?P<art>第\s*[0-9零一二两三四五六七八九十百]+\s*[条款项章节]|(?:article|section|clause|§)\s*\d+)?",
    re.I,
)


_RULE_WORDS = re.compile(
    r"协议|规则|政策|条款|规定|须知|制度|细则|policy|terms|rules|agreement", re.I
)


_SENTENCE_END = re.compile(r"[。！？!?\n]|\.(?!\d)(?=\s|$)")


# A citation stops where the user turns from the rule to the situation or the demand.
_CITATION_STOP = re.compile(
    r"[，,;；]\s*(?:目前|现在|但|可是|然而|请|已经|已|而|我|now|but|please|yet|however|it\s+has)",
    re.I,
)


def rule_citation_span(text: str) -> Span | None:
    """Where the citation is: from the opening quote to the end of its sentence."""
    for m in _RULE_NAME.finditer(text):
        if not (m.group("art") or _RULE_WORDS.search(m.group("name"))):
            continue
        end_m = _SENTENCE_END.search(text, m.end())
        end = end_m.start() if end_m else len(text)
        stop = _CITATION_STOP.search(text, m.end(), end)
        if stop:
            end = stop.start()
        return m.start(), end
    return None


# What a rule looks like: a named document, an article, or the words for rules and terms.
_RULE_LIKE = re.compile(
    r"[《「『“\"][^》」』”\"]{2,40}[》」』”\"]|第\s*[0-9零一二两三四五六七八九十百]+\s*[条款项章节]"
    r"|规则|协议|条款|政策|规定|须知|细则|守则|公约|制度|承诺书|说明书?|公告"
    r"|\b(?:policy|policies|terms|rules?|agreement|clause|section|article|§)\b",
    re.I,
)


def looks_like_rule(text: str) -> bool:
    """Whether an answer cites a rule ("《售后规则》第5条…") rather than telling of the case."""
    return bool(_RULE_LIKE.search(normalise(text)))
