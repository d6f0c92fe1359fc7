"""The case file's page layout: CJK-aware line breaking, headings kept with their text, pictures."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import noto_cjk_sans_otc
from fpdf import FPDF

from conversations.core.evidence_kinds import EvidenceItem
from conversations.texts.telegram_html import to_plain

SC_FACE = 2  # Noto Sans CJK SC in the collection


@cache
def font_path() -> Path:
    return Path(noto_cjk_sans_otc.__file__).with_name("NotoSansCJK-Regular.ttc")


@dataclass(eq=False)  # each picture is itself, however alike two images are
class Picture:
    """An evidence image on its way into the PDF."""

    item: EvidenceItem
    file: Path
    label: str  # how the note on left-out images names it
    caption: list[str]  # wrapped lines
    pixels: tuple[int, int] | None  # upright size; None when the image cannot be read
    size_mm: tuple[float, float] = (0.0, 0.0)  # as placed
    data: bytes | None = None  # the JPEG the PDF embeds


@dataclass(frozen=True)
class _Style:
    size: float  # pt
    line: float  # line height, mm
    before: float  # space above, mm


_STYLES = {
    "h1": _Style(17, 9, 0),
    "h2": _Style(13.5, 7.5, 6),
    "h3": _Style(11.5, 6.5, 4),
    "h4": _Style(10.5, 6, 2),
    "p": _Style(10, 5.5, 0),
    "li": _Style(10, 5.5, 0),
    "pre": _Style(9.5, 5, 1),
}


CAPTION = _Style(9.5, 5, 0)


CAPTION_GAP = 1.5


_PRE_PAD = 2.0


_INDENT = 4.0


_KEEP_WITH_HEADING = 3  # lines that must follow a heading on its page


class PdfDocument(FPDF):
    """An A4 document in the CJK font, laid out left-aligned, page numbers in the footer."""

    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.case_title = title
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(auto=True, margin=16)
        self.add_font("cjk", fname=str(font_path()), collection_font_number=SC_FACE)
        self.set_font("cjk", size=10)
        self.set_title(title)
        self.set_fill_color(242, 242, 242)
        self.set_draw_color(170, 170, 170)
        self.add_page()

    def footer(self) -> None:
        """The case file's title and the page number on every page."""
        self.set_y(-11)
        self.set_font("cjk", size=8)
        self.set_text_color(110)
        self.cell(0, 5, f"{self.case_title} · {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0)

    def draw(self, blocks: list[tuple[str, str]], pictures_follow: bool = False) -> None:
        """Lay out the text blocks, headings in the outline and kept with what follows; the
        last section opens a page when the evidence images follow it."""
        last_h2 = max((i for i, (kind, _) in enumerate(blocks) if kind == "h2"), default=-1)
        opens_page = last_h2 if pictures_follow else -1
        for index, (kind, text) in enumerate(blocks):
            if kind == "gap":
                self.set_y(self.get_y() + 2)
                continue
            style = _STYLES[kind]
            self.set_font_size(style.size)
            at_top = self.get_y() <= self.t_margin + 0.01
            if index == opens_page and not at_top:
                self.add_page()
                at_top = True
            if kind.startswith("h"):
                need = style.before + style.line + _KEEP_WITH_HEADING * _STYLES["p"].line
                if self.get_y() + need > self.page_break_trigger:
                    self.add_page()
                    at_top = True
            if not at_top:
                self.set_y(self.get_y() + style.before)
            if kind in ("h2", "h3"):
                self.start_section(text, level=int(kind[1]) - 2)
            if kind == "pre":
                self._pre(text, style)
                continue
            indent = _INDENT if kind == "li" else 0.0
            hang = _hang(self, text) if kind == "li" or text.startswith("• ") else 0.0
            for i, line in enumerate(self.wrap(text, self.epw - indent, style, hang)):
                self._line(line, self.l_margin + indent + (hang if i else 0.0), style.line)
            if kind == "h2":
                y = self.get_y() + 0.5
                self.line(self.l_margin, y, self.l_margin + self.epw, y)
                self.set_y(y + 1.5)

    def _pre(self, text: str, style: _Style) -> None:
        """A text to paste as it is: shaded, its own line breaks kept."""
        width = self.epw - 2 * _PRE_PAD
        self._line("", self.l_margin, _PRE_PAD / 2, fill=True)
        for raw in text.split("\n"):
            for line in self.wrap(raw, width, style) or [""]:
                self._line(line, self.l_margin, style.line, fill=True)
        self._line("", self.l_margin, _PRE_PAD / 2, fill=True)
        self.set_y(self.get_y() + 1)

    def _line(self, text: str, x: float, height: float, fill: bool = False) -> None:
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()
        y = self.get_y()
        if fill:
            self.rect(self.l_margin, y, self.epw, height, style="F")
            x += _PRE_PAD
        if text:
            self.set_xy(x, y)
            self.cell(text=text, h=height)
        self.set_xy(self.l_margin, y + height)

    def wrap(self, text: str, width: float, style: _Style, hang: float = 0.0) -> list[str]:
        """Break a line of text to `width`, between words and CJK characters, never before
        closing or after opening punctuation; lines after the first are `hang` narrower."""
        self.set_font_size(style.size)
        lines: list[str] = []
        line, used = "", 0.0
        for atom, spaced in _atoms(text):
            room = width - (hang if lines else 0.0)
            sep = " " if spaced and line else ""
            size = self.get_string_width(sep + atom)
            if line and used + size > room:
                lines.append(line)
                line, used, sep = "", 0.0, ""
                room = width - hang
                size = self.get_string_width(atom)
            if size > room:  # one word wider than the line: cut it where it must be cut
                for char in sep + atom:
                    step = self.get_string_width(char)
                    if line and used + step > room:
                        lines.append(line)
                        line, used, room = "", 0.0, width - hang
                    line += char
                    used += step
                continue
            line += sep + atom
            used += size
        if line:
            lines.append(line)
        return lines

    def picture(self, picture: Picture, unreadable: str) -> None:
        """An evidence image under its caption, both on one page."""
        w, h = picture.size_mm if picture.data is not None else (0.0, CAPTION.line)
        need = len(picture.caption) * CAPTION.line + CAPTION_GAP + h
        if self.get_y() + need > self.page_break_trigger:
            self.add_page()
        self.set_font_size(CAPTION.size)
        for line in picture.caption:
            self._line(line, self.l_margin, CAPTION.line)
        y = self.get_y() + CAPTION_GAP
        if picture.data is None:
            self.set_y(y)
            self._line(unreadable, self.l_margin, CAPTION.line)
            self.set_y(self.get_y() + 6)
            return
        self.image(io.BytesIO(picture.data), x=self.l_margin, y=y, w=w, h=h)
        self.set_y(y + h + 6)


def _hang(doc: PdfDocument, text: str) -> float:
    """Lines after the first start under the text after a short lead ("10:15 ", "• ")."""
    lead, space, _ = text.partition(" ")
    if not space or len(lead) > 8:
        return 0.0
    return float(doc.get_string_width(lead + " "))


# No line starts with closing punctuation or ends with opening punctuation (the CJK rule).
_NO_START = set(",。、;:!?)]}」』》〉】〕…—’”%·.,;:!?)]}")


_NO_END = set("(【《〈「『〔‘“([{")


_ATOM = re.compile(r"[!-~\u00a0-\u024f]+|\s+|.", re.DOTALL)


def _atoms(text: str) -> list[tuple[str, bool]]:
    """Unbreakable pieces of a line, each with whether a space comes before it."""
    atoms: list[tuple[str, bool]] = []
    spaced = False
    for token in _ATOM.findall(text):
        if token.isspace():
            spaced = True
            continue
        if atoms and not spaced and (token[0] in _NO_START or atoms[-1][0][-1] in _NO_END):
            atoms[-1] = (atoms[-1][0] + token, atoms[-1][1])
        else:
            atoms.append((token, spaced))
        spaced = False
    return atoms


_TAGGED = re.compile(r"<(h[1-4]|li|pre)>(.*?)</\1>\n?", re.DOTALL)


def blocks(html: str) -> list[tuple[str, str]]:
    """The case file's HTML as (kind, plain text) blocks: headings, list items, shaded texts,
    paragraphs (one a line) and gaps where blank lines were."""
    blocks: list[tuple[str, str]] = []

    def lines(chunk: str) -> None:
        if not chunk:
            return
        for line in chunk.split("\n"):
            text = printable(to_plain(line)).strip()
            kind = "p" if text else "gap"
            if kind == "p" or (blocks and blocks[-1][0] != "gap"):
                blocks.append((kind, text))

    pos = 0
    for m in _TAGGED.finditer(html):
        lines(html[pos:m.start()].strip("\n"))
        blocks.append((m.group(1), printable(to_plain(m.group(2))).strip("\n")))
        pos = m.end()
    lines(html[pos:].strip("\n"))
    return _trim(blocks)


def _trim(blocks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """No gap right before or after a heading (headings have their own space)."""
    out: list[tuple[str, str]] = []
    for kind, text in blocks:
        if kind == "gap" and (not out or out[-1][0].startswith("h") or out[-1][0] == "gap"):
            continue
        if kind.startswith("h") and out and out[-1][0] == "gap":
            out.pop()
        out.append((kind, text))
    return out


# Marks the chat draws as emoji, in characters the CJK font has: a checklist must keep them.
_MARKS = str.maketrans({"✅": "[√]", "⬜": "[ ]", "☑": "[√]", "❌": "[×]"})


def printable(text: str) -> str:
    """Marks the font lacks become ones it has; other emoji are dropped, not drawn as boxes."""
    text = text.translate(_MARKS)
    return "".join(c for c in text if ord(c) < 0x1F000 and not 0xFE00 <= ord(c) <= 0xFE0F
                   and c not in "⏰⬆↩")
