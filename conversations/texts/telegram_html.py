"""Telegram-safe HTML: plain text of it, its length as Telegram counts, and splitting it.

Telegram takes at most 4096 characters a message (counted in UTF-16 after its entities are
parsed) and rejects HTML whose tags do not close: a cut closes and reopens them.
"""

from __future__ import annotations

import html
import re

TEXT_LIMIT = 4096  # Telegram's message limit, after entity parsing
_TAG = re.compile(r"<[^>]*>")
_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|\n|[^<&\n]+|[<&]")
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z0-9-]+)")
Open = list[tuple[str, str]]  # (name, opening tag) of the tags open at a point


def to_plain(text: str) -> str:
    """Strip tags and decode entities."""
    return html.unescape(_TAG.sub("", text))


def utf16_len(text: str) -> int:
    """Length as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def split_html(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split HTML into parts of at most `limit`, at line ends outside <pre> where possible.

    Tags open at a cut are closed at the end of one part and reopened at the start of the next,
    so each part is valid on its own. Raw length is measured, which bounds the parsed length.
    """
    if utf16_len(text) <= limit:
        return [text]
    splitter = _Splitter(limit)
    for token in _split_long(_TOKEN.findall(text), limit // 2):
        splitter.add(token)
    return [p for p in splitter.finish() if to_plain(p).strip()]


class _Splitter:
    """The parts cut so far and the chunk being filled, with the places it may be cut."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.chunk: list[str] = []
        self.size = 0
        self.stack: Open = []
        # The last line end outside any tag, and the last line end at all: (index, open tags).
        self.cut_outside: tuple[int, Open] | None = None
        self.cut_any: tuple[int, Open] | None = None

    def add(self, token: str) -> None:
        """One token more; the chunk is cut first if it would not fit."""
        while self.chunk and self.size + utf16_len(token) + utf16_len(_closing(self.stack)) > (
            self.limit
        ):
            best = self.cut_outside or self.cut_any
            if best is not None and best[0] > 0:
                self._flush(*best)
            else:
                self._flush(len(self.chunk), list(self.stack))
        self.chunk.append(token)
        self.size += utf16_len(token)
        self._note(token, len(self.chunk), self.stack)

    def finish(self) -> list[str]:
        """Every part, the last one included."""
        if self.chunk:
            self.parts.append("".join(self.chunk))
        return self.parts

    def _note(self, token: str, at: int, stack: Open) -> None:
        """Track open tags, and remember a line end as a place to cut."""
        if token.startswith("<") and len(token) > 1:
            _track(token, stack)
        elif token == "\n":
            self.cut_any = (at, list(stack))
            if not stack:
                self.cut_outside = self.cut_any

    def _flush(self, at: int, st: Open) -> None:
        head, rest = self.chunk[:at], self.chunk[at:]
        while rest and rest[0] == "\n":
            rest = rest[1:]  # the line break itself is not carried over
        self.parts.append("".join(head).rstrip("\n") + _closing(st))
        self.chunk = [opening for _, opening in st] + rest
        self.size = sum(utf16_len(t) for t in self.chunk)
        # The carried-over lines keep their line ends as places to cut next time.
        self.cut_outside = self.cut_any = None
        replay: Open = []
        for i, t in enumerate(self.chunk):
            self._note(t, i + 1, replay)


def _closing(stack: Open) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _track(tag: str, stack: list[tuple[str, str]]) -> None:
    m = _TAG_NAME.match(tag)
    if not m:
        return
    name = m.group(1).lower()
    if tag.startswith("</"):
        for i in range(len(stack) - 1, -1, -1):
            if stack[i][0] == name:
                del stack[i:]
                break
    elif not tag.endswith("/>"):
        stack.append((name, tag))


def _split_long(tokens: list[str], size: int) -> list[str]:
    out: list[str] = []
    for t in tokens:
        if len(t) > size and not t.startswith("<"):
            out += [t[i : i + size] for i in range(0, len(t), size)]
        else:
            out.append(t)
    return out
