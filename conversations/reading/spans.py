"""Offsets into a text: overlaps, trimming and masking."""

from __future__ import annotations

from typing import TypeVar

_T = TypeVar("_T")


def non_overlapping(spans: list[tuple[int, int, _T]]) -> list[tuple[int, int, _T]]:
    """Keep the earliest-starting, then longest, of overlapping spans; in order of position."""
    out: list[tuple[int, int, _T]] = []
    for span in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if not out or span[0] >= out[-1][1]:
            out.append(span)
    return out


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets without the surrounding whitespace a regex may have swallowed."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


Span = tuple[int, int]


def inside(span: Span, spans: list[Span]) -> bool:
    """Whether span overlaps any of spans."""
    return any(span[0] < end and start < span[1] for start, end in spans)


def mask(text: str, spans: list[Span]) -> str:
    """The text with the given spans blanked out (same length, so offsets stay valid)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)
