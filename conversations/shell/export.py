"""The case file that leaves with the user: one PDF and one ZIP of the original evidence."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import noto_cjk_sans_otc
from fpdf import FPDF
from markupsafe import Markup
from PIL import Image, ImageOps

from conversations.core import channels, evidence, lifecycle
from conversations.core.model import Case, EvidenceItem, Lang
from conversations.texts.rendering import KEEP_ALL, Texts, clip, fmt_time
from conversations.texts.telegram_html import to_plain

UPLOAD_LIMIT = 50 * 1024 * 1024  # what a bot may upload to Telegram
PART_LIMIT = 45 * 1024 * 1024  # ZIP parts stay well under it
PDF_LIMIT = PART_LIMIT  # and so does the PDF
_PICTURE_KINDS = frozenset({"photo", "image"})
_SC_FACE = 2  # Noto Sans CJK SC in the collection

# Resolution (dots per inch as placed on the page) and JPEG quality, tried in turn until the
# pictures fit the PDF; the originals are in the ZIP, so the PDF only has to stay legible.
QUALITY_STEPS = ((200, 85), (150, 75), (110, 60))
_SCREEN_MM_PER_PX = 25.4 / 96  # a small image is never blown up past its size on a screen
_PER_PICTURE = 4096  # an image object's dictionary and its caption, in bytes
_CAPTION_CHARS = 300


@dataclass(frozen=True)
class Export:
    """The files of one export."""

    pdf: Path
    zips: tuple[Path, ...]
    left_out: tuple[str, ...]  # evidence files not on disk (never downloaded)
    pdf_left_out: tuple[str, ...] = ()  # images too big for the PDF (their originals are zipped)


@cache
def _font() -> Path:
    return Path(noto_cjk_sans_otc.__file__).with_name("NotoSansCJK-Regular.ttc")


def export_case(
    case: Case, texts: Texts, lang: Lang, tz: ZoneInfo, files_dir: Path, out_dir: Path,
    now: datetime, pdf_limit: int = PDF_LIMIT,
) -> Export:
    """Write the PDF and the ZIP(s) of a case into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = now.astimezone(tz).strftime("%Y%m%d-%H%M")
    names, rows, files, left_out = _zip_entries(case, texts, lang, tz, files_dir)
    pdf = out_dir / f"case-{case.no}-{stamp}.pdf"
    pdf_left_out = _write_pdf(case, texts, lang, tz, files_dir, names, pdf, now, pdf_limit)
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(texts.labels(lang)["export.manifest"].split("|"))
    writer.writerows(rows)
    zips = _pack(files, manifest.getvalue(), out_dir, f"case-{case.no}-{stamp}-evidence")
    for path in (pdf, *zips):
        path.chmod(0o600)
    return Export(pdf, zips, left_out, pdf_left_out)


# --- the PDF ---------------------------------------------------------------------------------


@dataclass(eq=False)  # each picture is itself, however alike two images are
class _Picture:
    """An evidence image on its way into the PDF."""

    item: EvidenceItem
    file: Path
    label: str  # how the note on left-out images names it
    caption: list[str]  # wrapped lines
    pixels: tuple[int, int] | None  # upright size; None when the image cannot be read
    size_mm: tuple[float, float] = (0.0, 0.0)  # as placed
    data: bytes | None = None  # the JPEG the PDF embeds


def _case_file_html(
    case: Case, texts: Texts, lang: Lang, tz: ZoneInfo, now: datetime, names: dict[int, str],
    pictures: bool, pictures_left_out: list[str],
) -> str:
    """The PDF's text, from the templates; channel texts leave out the chat's coaching."""
    labels = texts.labels(lang)
    texts_by_channel = []
    for name in channels.TEXT_CHANNELS:
        shown = case
        if name in channels.NEEDS_COMPANY and not case.company_name:
            # The regulator's forms still belong in the file: the gap is marked, not hidden.
            shown = replace(case, company_name=labels["export.company_missing"])
        reply = channels.channel_reply(shown, name, now, tz)
        shown_tz = ZoneInfo(reply.tz) if reply.tz else tz
        html = texts.render_html(
            reply.template, {**reply.data, "keep": KEEP_ALL, "case_file": True}, lang, shown_tz
        )
        texts_by_channel.append((name, Markup(html.strip())))
    return texts.render_html("export/case_file", {
        "case": case,
        "now": now,
        "tz_name": tz.key,
        "standing": lifecycle.standing(case, now, tz),
        "checks": evidence.checklist(case),
        "timeline": lifecycle.timeline(case),
        "names": names,
        "channel_texts": texts_by_channel,
        "pictures": pictures,
        "pictures_left_out": pictures_left_out,
    }, lang, tz)


def _write_pdf(
    case: Case, texts: Texts, lang: Lang, tz: ZoneInfo, files_dir: Path, names: dict[int, str],
    path: Path, now: datetime, limit: int,
) -> tuple[str, ...]:
    """Write the PDF within `limit` bytes; returns the images it had to leave out."""
    title = texts.labels(lang)["export.title"].replace("N", str(case.no))
    unreadable = texts.labels(lang)["export.unreadable_image"]
    pictures = _pictures(case, texts, lang, tz, files_dir, names, _Document(title))

    def build(kept: list[_Picture], left: list[str]) -> bytes:
        html = _case_file_html(case, texts, lang, tz, now, names, bool(pictures), left)
        doc = _Document(title)
        doc.draw(_blocks(html), pictures_follow=bool(pictures))
        for picture in pictures:
            if picture.pixels is None or picture in kept:
                doc.picture(picture, unreadable)
        return bytes(doc.output())

    everything = [p.label for p in pictures if p.pixels is not None]
    budget = limit - len(build([], everything)) - _PER_PICTURE * len(pictures)
    kept = _fit([p for p in pictures if p.pixels is not None], budget)
    while True:
        left = [p.label for p in pictures if p.pixels is not None and p not in kept]
        data = build(kept, left)
        if len(data) <= limit or not kept:
            break
        kept.remove(max(kept, key=lambda p: len(p.data or b"")))  # the estimate was short
    path.write_bytes(data)
    return tuple(left)


def _pictures(
    case: Case, texts: Texts, lang: Lang, tz: ZoneInfo, files_dir: Path, names: dict[int, str],
    doc: _Document,
) -> list[_Picture]:
    """The case's images on disk, each with its caption and its size on the page."""
    out = []
    for item in case.evidence:
        if item.kind not in _PICTURE_KINDS or item.local_path is None:
            continue
        file = files_dir / item.local_path
        if not file.is_file():
            continue
        name = names.get(item.id, "")
        caption = texts.render_html("export/caption", {"item": item, "name": name}, lang, tz)
        lines = doc.wrap(_printable(clip(to_plain(caption), _CAPTION_CHARS)), doc.epw, _CAPTION)
        picture = _Picture(item, file, name or f"#{item.id}", lines, _upright_size(file))
        if picture.pixels is not None:
            box_h = doc.eph - len(lines) * _CAPTION.line - _CAPTION_GAP - 0.5
            picture.size_mm = _fit_box(picture.pixels, doc.epw, box_h)
        out.append(picture)
    return out


def _upright_size(file: Path) -> tuple[int, int] | None:
    """The image's size in pixels as it is meant to be seen, or None if it cannot be read."""
    try:
        with Image.open(file) as im:
            w, h = im.size
            turned = im.getexif().get(0x0112) in (5, 6, 7, 8)  # EXIF orientation: on its side
    except Exception:  # a damaged image must not cost the user the whole case file
        return None
    return (h, w) if turned else (w, h)


def _fit_box(pixels: tuple[int, int], box_w: float, box_h: float) -> tuple[float, float]:
    """The image's size in mm: within the box, its shape kept, never above screen size."""
    w, h = pixels[0] * _SCREEN_MM_PER_PX, pixels[1] * _SCREEN_MM_PER_PX
    scale = min(1.0, box_w / w, box_h / h)
    return w * scale, h * scale


def _fit(pictures: list[_Picture], budget: int) -> list[_Picture]:
    """Encode the pictures, smaller step by step, until they fit; then keep what fits."""
    readable = pictures
    for dpi, quality in QUALITY_STEPS:
        for p in readable:
            p.data = _encode(p, dpi, quality)
            if p.data is None:
                p.pixels = None  # unreadable after all: it gets the note, not a place
        readable = [p for p in readable if p.data is not None]
        if sum(len(p.data or b"") for p in readable) <= budget:
            return readable
    kept: list[_Picture] = []
    used = 0
    for p in readable:
        size = len(p.data or b"")
        if used + size <= budget:
            kept.append(p)
            used += size
    return kept


def _encode(picture: _Picture, dpi: int, quality: int) -> bytes | None:
    """The picture as a JPEG of just the pixels its place on the page needs at `dpi`."""
    assert picture.pixels is not None
    w_mm, h_mm = picture.size_mm
    target = (
        max(1, min(picture.pixels[0], round(w_mm / 25.4 * dpi))),
        max(1, min(picture.pixels[1], round(h_mm / 25.4 * dpi))),
    )
    try:
        with Image.open(picture.file) as im:
            im.draft("RGB", target if im.size == picture.pixels else target[::-1])  # JPEG: fast
            upright = ImageOps.exif_transpose(im)
            if upright.mode in ("RGBA", "LA", "P"):
                rgba = upright.convert("RGBA")
                flat = Image.new("RGB", rgba.size, "white")
                flat.paste(rgba, mask=rgba.getchannel("A"))  # transparency prints as paper
                upright = flat
            upright = upright.convert("RGB")
            if upright.width > target[0] or upright.height > target[1]:
                upright = upright.resize(target, Image.Resampling.LANCZOS)
            out = io.BytesIO()
            upright.save(out, "JPEG", quality=quality, optimize=True)
    except Exception:  # a damaged image must not cost the user the whole case file
        return None
    return out.getvalue()


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
_CAPTION = _Style(9.5, 5, 0)
_CAPTION_GAP = 1.5
_PRE_PAD = 2.0
_INDENT = 4.0
_KEEP_WITH_HEADING = 3  # lines that must follow a heading on its page


class _Document(FPDF):
    """An A4 document in the CJK font, laid out left-aligned, page numbers in the footer."""

    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.case_title = title
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(auto=True, margin=16)
        self.add_font("cjk", fname=str(_font()), collection_font_number=_SC_FACE)
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

    def picture(self, picture: _Picture, unreadable: str) -> None:
        """An evidence image under its caption, both on one page."""
        w, h = picture.size_mm if picture.data is not None else (0.0, _CAPTION.line)
        need = len(picture.caption) * _CAPTION.line + _CAPTION_GAP + h
        if self.get_y() + need > self.page_break_trigger:
            self.add_page()
        self.set_font_size(_CAPTION.size)
        for line in picture.caption:
            self._line(line, self.l_margin, _CAPTION.line)
        y = self.get_y() + _CAPTION_GAP
        if picture.data is None:
            self.set_y(y)
            self._line(unreadable, self.l_margin, _CAPTION.line)
            self.set_y(self.get_y() + 6)
            return
        self.image(io.BytesIO(picture.data), x=self.l_margin, y=y, w=w, h=h)
        self.set_y(y + h + 6)


def _hang(doc: _Document, text: str) -> float:
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


def _blocks(html: str) -> list[tuple[str, str]]:
    """The case file's HTML as (kind, plain text) blocks: headings, list items, shaded texts,
    paragraphs (one a line) and gaps where blank lines were."""
    blocks: list[tuple[str, str]] = []

    def lines(chunk: str) -> None:
        if not chunk:
            return
        for line in chunk.split("\n"):
            text = _printable(to_plain(line)).strip()
            kind = "p" if text else "gap"
            if kind == "p" or (blocks and blocks[-1][0] != "gap"):
                blocks.append((kind, text))

    pos = 0
    for m in _TAGGED.finditer(html):
        lines(html[pos:m.start()].strip("\n"))
        blocks.append((m.group(1), _printable(to_plain(m.group(2))).strip("\n")))
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


def _printable(text: str) -> str:
    """Marks the font lacks become ones it has; other emoji are dropped, not drawn as boxes."""
    text = text.translate(_MARKS)
    return "".join(c for c in text if ord(c) < 0x1F000 and not 0xFE00 <= ord(c) <= 0xFE0F
                   and c not in "⏰⬆↩")


# --- the ZIP ---------------------------------------------------------------------------------


def _zip_entries(
    case: Case, texts: Texts, lang: Lang, tz: ZoneInfo, files_dir: Path
) -> tuple[dict[int, str], list[list[str]], list[tuple[str, Path | bytes]], tuple[str, ...]]:
    """Each item's name in the ZIP, the manifest's rows, the files, and what is not on disk."""
    labels = texts.labels(lang)
    names: dict[int, str] = {}
    rows: list[list[str]] = []
    files: list[tuple[str, Path | bytes]] = []
    left_out: list[str] = []
    for item in case.evidence:
        name = evidence.evidence_file_name(item)
        what = labels[f"claim.{item.what}"] if item.what else labels[f"group.{item.group}"]
        when = fmt_time(item.origin_at or item.received_at, tz)
        source = files_dir / item.local_path if item.local_path else None
        if item.kind == "text":
            name = f"{item.id:02d}-message.txt"
            files.append((name, (item.text or "").encode("utf-8")))
        elif source is None or not source.is_file():
            left_out.append(name)
            name = ""
        else:
            files.append((name, source))
        if name:
            names[item.id] = name
        rows.append([name, labels[f"group.{item.group}"], what, when, item.sender or "",
                     item.description or item.text or ""])
    return names, rows, files, tuple(left_out)


def _pack(
    files: list[tuple[str, Path | bytes]], manifest: str, out_dir: Path, stem: str
) -> tuple[Path, ...]:
    """ZIP parts of at most PART_LIMIT bytes of files, each with the manifest."""
    parts: list[list[tuple[str, Path | bytes]]] = [[]]
    size = 0
    for name, content in files:
        length = len(content) if isinstance(content, bytes) else content.stat().st_size
        if parts[-1] and size + length > PART_LIMIT:
            parts.append([])
            size = 0
        parts[-1].append((name, content))
        size += length
    out = []
    for i, part in enumerate(parts, 1):
        suffix = f"-part{i}" if len(parts) > 1 else ""
        path = out_dir / f"{stem}{suffix}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("manifest.csv", "\ufeff" + manifest)  # a BOM so spreadsheets read UTF-8
            for name, content in part:
                if isinstance(content, bytes):
                    z.writestr(name, content)
                else:
                    z.write(content, name)
        out.append(path)
    return tuple(out)

