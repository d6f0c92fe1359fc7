"""The case file that leaves with the user: one PDF and one ZIP of the original evidence."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import noto_cjk_sans_otc
from fpdf import FPDF

from conversations import channels, evidence, lifecycle
from conversations.model import Case, Lang
from conversations.rendering import Texts, fmt_time, to_plain
from conversations.replies import Reply

UPLOAD_LIMIT = 50 * 1024 * 1024  # what a bot may upload to Telegram
PART_LIMIT = 45 * 1024 * 1024  # ZIP parts stay well under it
_IMAGES = {"image/jpeg", "image/png"}
_SC_FACE = 2  # Noto Sans CJK SC in the collection


@dataclass(frozen=True)
class Export:
    """The files of one export."""

    pdf: Path
    zips: tuple[Path, ...]
    left_out: tuple[str, ...]  # evidence files not on disk (never downloaded)


@cache
def _font() -> Path:
    return Path(noto_cjk_sans_otc.__file__).with_name("NotoSansCJK-Regular.ttc")


def export_case(
    case: Case, texts: Texts, lang: Lang, tz: ZoneInfo, files_dir: Path, out_dir: Path,
    now: datetime,
) -> Export:
    """Write the PDF and the ZIP(s) of a case into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = now.astimezone(tz).strftime("%Y%m%d-%H%M")
    pdf = out_dir / f"case-{case.no}-{stamp}.pdf"
    _write_pdf(case, texts, lang, tz, files_dir, pdf, now)
    zips, left_out = _write_zips(case, texts, lang, tz, files_dir, out_dir, stamp)
    for path in (pdf, *zips):
        path.chmod(0o600)
    return Export(pdf, zips, left_out)


def _sections(case: Case, texts: Texts, lang: Lang, tz: ZoneInfo, now: datetime) -> list[str]:
    """The PDF's text, from the same templates the chat uses."""
    standing = lifecycle.standing(case, now, tz)
    view = Reply("case_view", {
        "case": case,
        "checks": evidence.checklist(case),
        "standing": standing,
        "timeline": lifecycle.timeline(case),
        "advice": channels.recommended(case),
    })
    parts = [to_plain(texts.render_html(view.template, view.data, lang, tz))]
    for name in channels.TEXT_CHANNELS:
        if name in channels.NEEDS_COMPANY and not case.company_name:
            continue
        reply = channels.channel_reply(case, name, now, tz)
        parts.append(to_plain(texts.render_html(reply.template, reply.data, lang, tz)))
    return parts


def _write_pdf(
    case: Case, texts: Texts, lang: Lang, tz: ZoneInfo, files_dir: Path, path: Path,
    now: datetime,
) -> None:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("cjk", fname=str(_font()), collection_font_number=_SC_FACE)
    pdf.set_font("cjk", size=10)
    title = texts.labels(lang)["export.title"].replace("N", str(case.no))
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font_size(14)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font_size(9)
    pdf.multi_cell(0, 5, fmt_time(now, tz), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font_size(10)
    for section in _sections(case, texts, lang, tz, now):
        pdf.ln(3)
        pdf.multi_cell(0, 5.5, _printable(section), new_x="LMARGIN", new_y="NEXT")
    for item in case.evidence:
        if item.local_path is None or item.mime_type not in _IMAGES:
            continue
        file = files_dir / item.local_path
        if not file.is_file():
            continue
        pdf.add_page()
        caption = f"#{item.id} {item.description or ''}".strip()
        pdf.multi_cell(0, 6, _printable(caption), new_x="LMARGIN", new_y="NEXT")
        try:
            pdf.image(str(file), w=pdf.epw)
        except Exception:  # a damaged image must not cost the user the whole case file
            unreadable = texts.labels(lang)["export.unreadable_image"]
            pdf.multi_cell(0, 6, unreadable, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


# Marks the chat draws as emoji, in characters the CJK font has: a checklist must keep them.
_MARKS = str.maketrans({"✅": "[√]", "⬜": "[ ]", "☑": "[√]", "❌": "[×]"})


def _printable(text: str) -> str:
    """Marks the font lacks become ones it has; other emoji are dropped, not drawn as boxes."""
    text = text.translate(_MARKS)
    return "".join(c for c in text if ord(c) < 0x1F000 and not 0xFE00 <= ord(c) <= 0xFE0F
                   and c not in "⏰⬆")


def _write_zips(
    case: Case, texts: Texts, lang: Lang, tz: ZoneInfo, files_dir: Path, out_dir: Path,
    stamp: str,
) -> tuple[tuple[Path, ...], tuple[str, ...]]:
    labels = texts.labels(lang)
    rows: list[list[str]] = []
    files: list[tuple[str, Path]] = []
    left_out: list[str] = []
    for item in case.evidence:
        name = evidence.evidence_file_name(item)
        what = labels[f"claim.{item.what}"] if item.what else labels[f"group.{item.group}"]
        when = fmt_time(item.origin_at or item.received_at, tz)
        source = files_dir / item.local_path if item.local_path else None
        if item.kind == "text":
            name = f"{item.id:02d}-message.txt"
        elif source is None or not source.is_file():
            left_out.append(name)
            name = ""
        rows.append([name, labels[f"group.{item.group}"], what, when, item.sender or "",
                     item.description or item.text or ""])
        if item.kind == "text":
            files.append((name, _text_file(item.text or "", out_dir, name)))
        elif name and source is not None:
            files.append((name, source))
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(labels["export.manifest"].split("|"))
    writer.writerows(rows)
    return _pack(files, manifest.getvalue(), out_dir, f"case-{case.no}-{stamp}-evidence"), tuple(
        left_out
    )


def _text_file(text: str, out_dir: Path, name: str) -> Path:
    path = out_dir / name
    path.write_text(text, encoding="utf-8")
    return path


def _pack(
    files: list[tuple[str, Path]], manifest: str, out_dir: Path, stem: str
) -> tuple[Path, ...]:
    """ZIP parts of at most PART_LIMIT bytes of files, each with the manifest."""
    parts: list[list[tuple[str, Path]]] = [[]]
    size = 0
    for name, path in files:
        length = path.stat().st_size
        if parts[-1] and size + length > PART_LIMIT:
            parts.append([])
            size = 0
        parts[-1].append((name, path))
        size += length
    out = []
    for i, part in enumerate(parts, 1):
        suffix = f"-part{i}" if len(parts) > 1 else ""
        path = out_dir / f"{stem}{suffix}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("manifest.csv", "\ufeff" + manifest)  # a BOM so spreadsheets read UTF-8
            for name, file in part:
                z.write(file, name)
        out.append(path)
    return tuple(out)
