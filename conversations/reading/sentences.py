"""A story cut into sentences and time groups."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from conversations.reading.spans import Span

# A space between Chinese words or numbers ends a clause ("实付98元 10:20 激活失败").
_SOFT_BREAK = re.compile(
    r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff\d])|(?<=\d)\s+(?=[\u4e00-\u9fff])"
)


@dataclass
class Group:
    """Clauses of one sentence that belong to one time: the unit a timeline event is made of."""

    start: int
    end: int
    times: list[tuple[int, int, datetime]] = field(default_factory=list)


@dataclass
class Sentence:
    """A sentence with its time groups."""

    start: int
    end: int
    groups: list[Group]


_SENTENCE_BREAK = re.compile(r"[。！？!?；;\n]|(?<![Nn]o)(?<!\b[A-Za-z])\.(?=\s|$)")


_COMMA = re.compile(r"[，,]")


def split_sentences(
    text: str, times: list[tuple[int, int, datetime]], labels: list[Span] | None = None
) -> list[Sentence]:
    """Sentences split into time groups; punctuation inside a time ("Nov. 3, 2024") stays.

    Each label of a form-style paste starts a sentence of its own.
    """
    breaks = [
        m.start()
        for m in _SENTENCE_BREAK.finditer(text)
        if not any(s <= m.start() < e for s, e, _ in times)  # "Nov. 3" is one time
    ]
    # A label's break is the space before it (each break swallows one character).
    breaks += [start - 1 for start, _ in labels or [] if start > 0]
    out: list[Sentence] = []
    start = 0
    for end in [*sorted(set(breaks)), len(text)]:
        if end < start:
            continue
        if text[start:end].strip():
            out.append(Sentence(start, end, _groups(text, start, end, times)))
        start = end + 1
    return out


def _groups(
    text: str, start: int, end: int, times: list[tuple[int, int, datetime]]
) -> list[Group]:
    """A clause with a time starts a group; clauses without one join the group before."""
    inside = [t for t in times if start <= t[0] < end]
    cuts = sorted(
        m.start()
        for pattern in (_COMMA, _SOFT_BREAK)
        for m in pattern.finditer(text, start, end)
        if not any(s <= m.start() < e for s, e, _ in inside)
    )
    groups: list[Group] = []
    clause_start = start
    for clause_end in [*cuts, end]:
        clause_times = [t for t in inside if clause_start <= t[0] < clause_end]
        if not groups or (clause_times and groups[-1].times):
            groups.append(Group(clause_start, clause_end, clause_times))
        else:
            groups[-1].end = clause_end
            groups[-1].times.extend(clause_times)
        clause_start = clause_end + 1
    return groups


def clause_start_of(text: str, start: int, pos: int) -> int:
    """Where the clause holding `pos` begins: after the last comma or clause-ending space."""
    # One character past pos, so that a break's lookahead sees the clause's first character.
    found = (m for p in (_COMMA, _SOFT_BREAK) for m in p.finditer(text, start, pos + 1))
    cuts = [m.end() for m in found if m.end() <= pos]
    return max([start, *cuts])
