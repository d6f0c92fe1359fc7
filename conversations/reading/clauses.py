"""A story cut into clauses: the smallest pieces that tell one thing.

Phone-typed stories often have no punctuation at all, or one fact per line; so besides
punctuation, a space between Chinese words and the words that start a new step of a story
("然后", "结果", "到现在") end a clause too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from conversations.reading.spans import Span


@dataclass(frozen=True)
class Clause:
    """A clause of a story, and the sentence it is part of."""

    start: int
    end: int
    sentence: int  # clauses of one sentence share this number


# Ends a sentence: Chinese and ASCII full stops, !?;, line breaks; a '.' only where it ends
# an English sentence (not "No.", not "98.5", not "Nov. 3").
_SENTENCE_END = re.compile(
    r"[。!?\n…]|(?<![Nn]o)(?<!\b[A-Za-z])(?<!\b(?:Mr|Ms|Dr|St|vs))\.(?=\s|$)"
)
# Ends a clause inside a sentence.
_CLAUSE_END = re.compile(
    # not a thousands separator ("1,299"); a colon joins a label; "；" parts of one sentence
    r"[,，;]\s*(?!\d{3}\b)"
    r"|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])"
    # "实付98元 10:20 激活失败", but not between a label and its value ("订单号 123")
    r"|(?<=[\u4e00-\u9fff])(?<![号码额付款格品间期台单名])\s+(?=[\dA-Za-z])"
    r"|(?<=[\d%])\s+(?=[\u4e00-\u9fff])"
    r"|(?<=[A-Za-z])\s+(?=[\u4e00-\u9fff])"
)
# Words that begin a new step of a story: a clause starts before them even without a comma.
_STEP = re.compile(
    r"(?<=[\u4e00-\u9fff\w])(?=然后|结果|但是|可是|后来|接着|于是|到现在|至今|直到现在|现在还|"
    r"(?<!错)过了|等了|之后又|后面又|中间又|打了|打过|打电话|发了邮件|发邮件|又找|再找|又联系|联系了"
    r"|第[一二三四五1-5]次)"
    r"|\s(?=(?:and\s+then|but|then|so|which|however)\b)",
    re.I,
)


def split_clauses(text: str, protected: list[Span]) -> list[Clause]:
    """The clauses of a normalised story, in order; no break falls inside a protected span
    (a time such as "Nov. 3, 2024" or a window such as "3天-8天")."""
    def free(pos: int) -> bool:
        return not any(s < pos < e or (s == pos and text[pos : pos + 1] not in "\n。") for s, e in
                       protected)

    hard = sorted({m.start() for m in _SENTENCE_END.finditer(text) if free(m.start())})
    soft = {m.start() for p in (_CLAUSE_END, _STEP) for m in p.finditer(text) if free(m.start())}
    out: list[Clause] = []
    start = 0
    for sentence, end in enumerate([*hard, len(text)]):
        cuts = sorted(c for c in soft if start < c < end)
        piece_start = start
        for cut in [*cuts, end]:
            begin, stop = _stripped(text, piece_start, cut)
            if begin < stop:
                out.append(Clause(begin, stop, sentence))
            piece_start = cut
        start = end + 1
    return out


def _stripped(text: str, start: int, end: int) -> Span:
    """A span without the spaces and punctuation at its edges."""
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return start, end


_EDGE = frozenset(" \t,，:：、")


def clause_at(clauses: list[Clause], pos: int) -> Clause | None:
    """The clause holding a position."""
    return next((c for c in clauses if c.start <= pos < c.end), None)


def clauses_of_sentence(clauses: list[Clause], sentence: int) -> list[Clause]:
    """The clauses of one sentence, in order."""
    return [c for c in clauses if c.sentence == sentence]


def distance(time: Span, word: Span) -> int:
    """How far a time is from a word it may belong to; a time just before its verb ("5.29
    问客服", "前天下的单") is nearer than one the same distance after it."""
    if time[1] <= word[0]:
        return word[0] - time[1]
    if time[0] >= word[1]:
        return time[0] - word[1] + 1
    return 0


def nearest(time: Span, anchors: list[tuple[Span, str]]) -> str | None:
    """The kind of the anchor nearest to a time ("buy", "contact"…), or None without one."""
    if not anchors:
        return None
    return min(anchors, key=lambda a: distance(time, a[0]))[1]
