"""Normalise what users type before any reading, keeping the way back to their own words.

One step, run once per message: full-width forms to ASCII, traditional to simplified Chinese
(OpenCC), Cantonese day and time words to Mandarin ones, emoji and zero-width characters out,
runs of punctuation and spaces collapsed, line breaks kept as sentence ends. Every character
of the result remembers the span of the user's text it came from, so quoted words (an event,
a promise, a product) are the user's own characters, traditional ones included.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import opencc

_Piece = tuple[str, int, int]  # normalised characters and the source span they came from


@dataclass(frozen=True)
class Norm:
    """A user's text normalised for reading, with the source span of every character."""

    text: str
    source: str
    starts: tuple[int, ...]  # starts[i]: where text[i] begins in source
    ends: tuple[int, ...]  # ends[i]: where it ends

    def quote(self, start: int, end: int) -> str:
        """The user's own characters behind text[start:end]."""
        if start >= end:
            return ""
        return self.source[self.starts[start] : self.ends[end - 1]]

    def quote_spans(self, spans: list[tuple[int, int]]) -> str:
        """The user's characters behind several pieces of the text, joined by single spaces
        where the pieces were apart."""
        out: list[str] = []
        last_end: int | None = None
        for start, end in spans:
            piece = self.quote(start, end)
            if not piece:
                continue
            if last_end is not None and self.starts[start] > last_end:
                out.append(" ")
            out.append(piece)
            last_end = self.ends[end - 1]
        return " ".join("".join(out).split())

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Where text[start:end] lies in the source."""
        if start >= end:
            at = self.starts[start] if start < len(self.starts) else len(self.source)
            return at, at
        return self.starts[start], self.ends[end - 1]


def normalise(text: str) -> str:
    """The normalised text alone (see `read`)."""
    return read(text).text


@lru_cache(maxsize=256)
def read(text: str) -> Norm:
    """The text normalised for reading; cached, since one message is read by several readers."""
    pieces = _per_character(text)
    pieces = _simplified(pieces)
    pieces = _replace_words(pieces, _CANTONESE)
    pieces = _collapsed(pieces)
    return Norm(
        text="".join(c for c, _, _ in pieces),
        source=text,
        starts=tuple(s for _, s, _ in pieces),
        ends=tuple(e for _, _, e in pieces),
    )


# --- one character at a time --------------------------------------------------------------

_SPACES = frozenset("\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
                    "\u2009\u200a\u202f\u205f\u3000\t\f\v")  # fmt: skip
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\ufe0e\ufe0f\u00ad")
# Dashes typed between numbers ("3天——8天", "2024—05—12") and wave dashes ("3～5天").
_DASHES = {"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
           "\u2015": "-", "\u2212": "-", "\u301c": "~", "\u3030": "~"}  # fmt: skip


def _per_character(text: str) -> list[_Piece]:
    """Full-width forms to ASCII, odd spaces to one kind, emoji to a space, invisibles out."""
    out: list[_Piece] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\r":
            out.append(("\n", i, i + 1))
            i += 2 if text[i + 1 : i + 2] == "\n" else 1
            continue
        i += 1
        if c in _INVISIBLE or _is_modifier(c):
            continue
        if c in _SPACES:
            out.append((" ", i - 1, i))
        elif c in _DASHES:
            out.append((_DASHES[c], i - 1, i))
        elif _is_fullwidth(c):
            out.extend((n, i - 1, i) for n in unicodedata.normalize("NFKC", c))
        elif _is_emoji(c):
            out.append((" ", i - 1, i))
        else:
            out.append((c, i - 1, i))
    return out


def _is_fullwidth(c: str) -> bool:
    """Full-width ASCII forms (！１Ａ￥), circled digits (①) and the ideographic space."""
    o = ord(c)
    return 0xFF01 <= o <= 0xFF5E or 0xFFE0 <= o <= 0xFFE6 or 0x2460 <= o <= 0x2473


def _is_emoji(c: str) -> bool:
    """Pictographs, symbols and dingbats: feelings, not facts."""
    o = ord(c)
    return (
        0x1F000 <= o <= 0x1FAFF
        or 0x2600 <= o <= 0x27BF
        or 0x2B00 <= o <= 0x2BFF
        or 0x1F1E6 <= o <= 0x1F1FF
        or o in (0x203C, 0x2049, 0x2122, 0x2139, 0x231A, 0x231B, 0x2328, 0x23CF)
        or 0x23E9 <= o <= 0x23FA
    )


def _is_modifier(c: str) -> bool:
    """Skin tones and tag characters that only dress an emoji."""
    o = ord(c)
    return 0x1F3FB <= o <= 0x1F3FF or 0xE0020 <= o <= 0xE007F


# --- traditional to simplified ------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    """OpenCC's Taiwan-variant converter (it also reads Hong Kong text well enough here)."""
    return opencc.OpenCC("tw2s.json")


def _simplified(pieces: list[_Piece]) -> list[_Piece]:
    """Traditional characters to simplified, each output character keeping its source span."""
    before = "".join(c for c, _, _ in pieces)
    if not _CJK.search(before):
        return pieces
    after: str = _converter().convert(before)
    if after == before:
        return pieces
    if len(after) == len(before):
        return [(a, s, e) for a, (_, s, e) in zip(after, pieces, strict=True)]
    return _aligned(pieces, after)


def _aligned(pieces: list[_Piece], after: str) -> list[_Piece]:
    """Map a converted text whose length changed back onto the pieces' spans."""
    before = "".join(c for c, _, _ in pieces)
    out: list[_Piece] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.extend((after[j1 + k], *pieces[i1 + k][1:]) for k in range(i2 - i1))
        elif j2 > j1:
            start = pieces[i1][1] if i1 < i2 else (pieces[i1 - 1][2] if i1 else 0)
            end = pieces[i2 - 1][2] if i1 < i2 else start
            out.extend((c, start, end) for c in after[j1:j2])
    return out


# --- Cantonese day and time words ---------------------------------------------------------

# Written Cantonese words for days and parts of days, to the Mandarin words the readers know.
# Longer words first. OpenCC converts characters, not dialect words, so these are ours.
_CANTONESE: tuple[tuple[str, str], ...] = (
    ("寻日晚", "昨天晚"), ("琴日晚", "昨天晚"), ("噚日", "昨天"), ("寻日", "昨天"),
    ("琴日", "昨天"), ("琴晚", "昨晚"), ("寻晚", "昨晚"), ("听日", "明天"), ("听朝", "明早"),
    ("听晚", "明晚"), ("今朝", "今早"), ("朝早", "早上"), ("晏昼", "下午"), ("下昼", "下午"),
    ("上昼", "上午"), ("挨晚", "傍晚"), ("夜晚", "晚上"), ("成日", "一直"), ("前晚黑", "前晚"),
    ("今晚黑", "今晚"), ("琴晚黑", "昨晚"), ("夜晚黑", "晚上"), ("晚黑", "晚上"),
    ("呢个礼拜", "这个礼拜"), ("今个礼拜", "这个礼拜"), ("呢个星期", "这个星期"),
    ("今个星期", "这个星期"), ("呢个月", "这个月"), ("今个月", "这个月"), ("个几钟", "一个多小时"),
    ("月尾", "月底"),
)  # fmt: skip


def _replace_words(pieces: list[_Piece], table: tuple[tuple[str, str], ...]) -> list[_Piece]:
    """Replace whole words; a replacement's characters share the replaced word's span."""
    text = "".join(c for c, _, _ in pieces)
    if not any(old in text for old, _ in table):
        return pieces
    pattern = re.compile("|".join(re.escape(old) for old, _ in table))
    words = dict(table)
    out: list[_Piece] = []
    pos = 0
    for m in pattern.finditer(text):
        out.extend(pieces[pos : m.start()])
        new, span = words[m.group(0)], pieces[m.start() : m.end()]
        if len(new) == len(span):
            out.extend((c, s, e) for c, (_, s, e) in zip(new, span, strict=True))
        else:
            out.extend((c, span[0][1], span[-1][2]) for c in new)
        pos = m.end()
    out.extend(pieces[pos:])
    return out


# --- collapsing runs ----------------------------------------------------------------------

_RUNS = re.compile(r"[ ]{2,}|[!?]{2,}|。{2,}|,{2,}|-{2,}|~{2,}|…+|\.{3,}|\n[\s]*\n[\s\n]*| \n|\n ")


def _collapsed(pieces: list[_Piece]) -> list[_Piece]:
    """Runs of spaces, of !? and of the same punctuation become one character; '...' is '…'."""
    text = "".join(c for c, _, _ in pieces)
    if not _RUNS.search(text):
        return _trimmed(pieces)
    out: list[_Piece] = []
    pos = 0
    for m in _RUNS.finditer(text):
        out.extend(pieces[pos : m.start()])
        run = m.group(0)
        keep = "…" if run[0] in ".…" else "\n" if "\n" in run else run[0]
        out.append((keep, pieces[m.start()][1], pieces[m.end() - 1][2]))
        pos = m.end()
    out.extend(pieces[pos:])
    return _trimmed(out)


def _trimmed(pieces: list[_Piece]) -> list[_Piece]:
    """Without leading and trailing whitespace."""
    start, end = 0, len(pieces)
    while start < end and pieces[start][0].isspace():
        start += 1
    while end > start and pieces[end - 1][0].isspace():
        end -= 1
    return pieces[start:end]
