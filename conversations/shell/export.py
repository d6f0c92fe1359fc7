"""The case file that leaves with the user: one PDF and one ZIP of the original evidence."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from markupsafe import Markup
from PIL import Image, ImageOps

from conversations.core import channels, evidence, lifecycle
from conversations.core.model import Case, Lang
from conversations.shell.pdf_layout import (
    CAPTION,
    CAPTION_GAP,
    PdfDocument,
    Picture,
    blocks,
    printable,
)
from conversations.texts.rendering import KEEP_ALL, Texts, clip, fmt_time
from conversations.texts.telegram_html import to_plain

UPLOAD_LIMIT = 50 * 1024 * 1024  # what a bot may upload to Telegram
PART_LIMIT = 45 * 1024 * 1024  # ZIP parts stay well under it
PDF_LIMIT = PART_LIMIT  # and so does the PDF
_PICTURE_KINDS = frozenset({"photo", "image"})

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
    pictures = _pictures(case, texts, lang, tz, files_dir, names, PdfDocument(title))

    def build(kept: list[Picture], left: list[str]) -> bytes:
        html = _case_file_html(case, texts, lang, tz, now, names, bool(pictures), left)
        doc = PdfDocument(title)
        doc.draw(blocks(html), pictures_follow=bool(pictures))
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
    doc: PdfDocument,
) -> list[Picture]:
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
        lines = doc.wrap(printable(clip(to_plain(caption), _CAPTION_CHARS)), doc.epw, CAPTION)
        picture = Picture(item, file, name or f"#{item.id}", lines, _upright_size(file))
        if picture.pixels is not None:
            box_h = doc.eph - len(lines) * CAPTION.line - CAPTION_GAP - 0.5
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


def _fit(pictures: list[Picture], budget: int) -> list[Picture]:
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
    kept: list[Picture] = []
    used = 0
    for p in readable:
        size = len(p.data or b"")
        if used + size <= budget:
            kept.append(p)
            used += size
    return kept


def _encode(picture: Picture, dpi: int, quality: int) -> bytes | None:
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

