"""The exported case file: a PDF a regulator can read, within Telegram's limit, and the ZIP."""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image

from conversations.core.evidence_kinds import EvidenceGroup, EvidenceItem
from conversations.core.lifecycle import timeline
from conversations.core.model import Case, Lang
from conversations.core.replies import Reply
from conversations.shell import export, pdf_layout
from conversations.shell.export import UPLOAD_LIMIT, Export, export_case
from conversations.texts.rendering import fmt_time
from tests.test_rendering import ITEMS, NOW, SH, TEXTS, _case

MM = 72 / 25.4  # PDF points per millimetre
RED = (200, 0, 0)


# --- helpers ---------------------------------------------------------------------------------


def _screenshot(path: Path, size: tuple[int, int] = (1080, 2400)) -> Path:
    """A phone screenshot whose bottom band (where the error message is) is red."""
    im = Image.new("RGB", size, (235, 235, 235))
    im.paste(RED, (0, size[1] - size[1] // 12, size[0], size[1]))
    im.save(path, "JPEG", quality=90)
    return path


def _noise(path: Path, size: tuple[int, int], quality: int = 95) -> Path:
    """A photo that barely compresses: random pixels."""
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(
        path, "JPEG", quality=quality
    )
    return path


def _photo(no: int, file: Path, files_dir: Path, caption: str) -> EvidenceItem:
    return EvidenceItem(
        no, "photo", EvidenceGroup.PROBLEM, datetime(2024, 3, 3, 3, no, tzinfo=UTC),
        f"f{no}", f"u{no}", file.stat().st_size, "image/jpeg", None, caption,
        local_path=str(file.relative_to(files_dir)),
    )


def _export(tmp_path: Path, case: Case, lang: Lang = Lang.ZH, **kw: Any) -> Export:
    return export_case(case, TEXTS, lang, SH, tmp_path / "files", tmp_path / "out", NOW, **kw)


def _files(tmp_path: Path) -> Path:
    files = tmp_path / "files"
    files.mkdir(exist_ok=True)
    return files


def _pages(pdf: Path) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    return [page.get_textpage().get_text_range() for page in doc]


def _flat(text: str) -> str:
    return "".join(text.split())


def _images(pdf: Path) -> list[tuple[int, Any]]:
    """(page index, image object) for every image placed in the PDF."""
    doc = pdfium.PdfDocument(pdf)
    return [(i, obj) for i, page in enumerate(doc)
            for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,))]


# --- layout ----------------------------------------------------------------------------------


def test_a_tall_screenshot_is_scaled_to_fit_its_page_with_its_caption(tmp_path: Path) -> None:
    files = _files(tmp_path)
    shot = _photo(1, _screenshot(files / "shot.jpg"), files, "激活失败的提示")
    built = _export(tmp_path, _case(evidence=(shot,)))
    [(page_no, image)] = _images(built.pdf)
    doc = pdfium.PdfDocument(built.pdf)
    page = doc[page_no]
    width, height = page.get_size()
    left, bottom, right, top = image.get_bounds()
    # Inside the printable area (15 mm margins or more), its shape kept.
    assert left >= 15 * MM - 1 and right <= width - 15 * MM + 1
    assert bottom >= 15 * MM - 1 and top <= height - 15 * MM + 1
    assert (top - bottom) / (right - left) == pytest.approx(2400 / 1080, rel=0.01)
    assert top - bottom > 0.8 * (height - 32 * MM)  # scaled to the page, not shrunk to a stamp
    # The caption is on the image's page, above it.
    assert "激活失败的提示" in _flat(_pages(built.pdf)[page_no])
    # The bottom band, where the error message is, is on the page.
    scale = 2
    bitmap = page.render(scale=scale).to_pil().convert("RGB")
    band_y = int((height - bottom) * scale) - 5
    mid_x = int((left + right) / 2 * scale)
    r, g, b = bitmap.getpixel((mid_x, band_y))
    assert r > 150 and g < 60 and b < 60, (r, g, b)


def test_small_images_share_a_page_and_none_is_enlarged_past_screen_size(
    tmp_path: Path,
) -> None:
    files = _files(tmp_path)
    items = tuple(
        _photo(n, _screenshot(files / f"{n}.jpg", (400, 300)), files, f"小图{n}")
        for n in (1, 2)
    )
    built = _export(tmp_path, _case(evidence=items))
    placed = _images(built.pdf)
    assert len(placed) == 2 and placed[0][0] == placed[1][0]
    for _, image in placed:
        left, _, right, _ = image.get_bounds()
        assert right - left == pytest.approx(400 * 25.4 / 96 * MM, rel=0.01)


def test_text_is_left_aligned_and_never_torn_apart(tmp_path: Path) -> None:
    built = _export(tmp_path, _case(evidence=ITEMS))
    doc = pdfium.PdfDocument(built.pdf)
    checked = 0
    for page in doc:
        text = page.get_textpage()
        chars = text.get_text_range()
        glyphs = [i for i in range(text.count_chars()) if not chars[i].isspace()]
        for i, j in itertools.pairwise(glyphs):
            (_, b0, r0, _), (l1, b1, _, _) = (text.get_charbox(k, loose=True) for k in (i, j))
            if abs(b0 - b1) > 0.5 or l1 < r0 - 1:
                continue  # the next line
            # Two neighbours on a line: at most a space apart (a justified line gapes widely).
            size = pdfium_c.FPDFText_GetFontSize(text.raw, i)
            assert l1 - r0 < 0.5 * size, chars[max(0, i - 20):j + 20]
            checked += 1
    assert checked > 1000


def test_lines_break_between_cjk_characters_not_inside_words_or_before_punctuation() -> None:
    doc = pdf_layout.PdfDocument("t")
    style = pdf_layout._STYLES["p"]
    text = "本人于2024-03-02 10:15在未来卡盟购买,订单号WL20240302001。" * 6
    lines = doc.wrap(text, 60, style)
    assert len(lines) > 3 and "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        assert doc.get_string_width(line) <= 60 + 0.01
        assert line[0] not in ",。、)" and line[-1] not in "(“"
    words = re.findall(r"[A-Z]{2}\d+|\d{4}-\d{2}-\d{2}", text)
    assert all(any(w in line for line in lines) for w in words)  # none cut in two


# --- content ---------------------------------------------------------------------------------


def test_the_pdf_has_the_case_file_sections_with_the_timezone_once(tmp_path: Path) -> None:
    built = _export(tmp_path, _case(evidence=ITEMS))
    text = _flat("".join(_pages(built.pdf)))
    order = [text.index(h) for h in
             ("一、案件摘要", "二、证据清单", "三、时间线", "四、投诉文本")]
    assert order == sorted(order)
    assert text.count("Asia/Shanghai") == 1 and "时间均为北京时间(Asia/Shanghai)" in text
    # The evidence list itself, not the chat's advice on what is missing.
    assert "[√]订单号" in text and "[]支付记录" in text
    assert "#1订单凭证·图片:支付宝账单<截图>&订单(收到2024-03-0211:00)" in text
    assert "原消息2024-03-0310:12,发送人客服<8801>;文件02-message.txt" in text
    assert "还缺" not in text


def test_the_pdf_leaves_out_the_chat_coaching(tmp_path: Path) -> None:
    built = _export(tmp_path, _case())
    text = _flat("".join(_pages(built.pdf)))
    for coaching in ("提交后记下工单号", "挂断后点", "通话中记下", "我不收集", "先打开录音",
                     "投诉内容会公开", "建议下一步"):
        assert coaching not in text, coaching
    for name in ("平台内客服", "投诉邮件", "电话", "全国12315平台", "黑猫投诉", "聚投诉", "调解",
                 "跟进/设定底线"):
        assert name in text, name


def test_12315_and_mediation_texts_are_in_the_pdf_when_no_company_is_recorded(
    tmp_path: Path,
) -> None:
    case = _case(company_name=None, company_code=None, company_address=None)
    built = _export(tmp_path, case)
    text = _flat("".join(_pages(built.pdf)))
    placeholder = "待填写:企业全称、统一社会信用代码、地址—在国家企业信用信息公示系统查询"
    assert text.count(placeholder) == 3  # the summary, the 12315 form, the mediation request
    assert f"被投诉企业:{placeholder}" in text and f"被申请人:{placeholder}" in text
    assert "调解申请" in text and "投诉类别" not in text
    assert "None" not in text


def test_with_a_company_its_details_replace_the_placeholder(tmp_path: Path) -> None:
    case = _case(company_name="某某网络科技有限公司", company_code="91110000802100433B")
    text = _flat("".join(_pages(_export(tmp_path, case).pdf)))
    assert "待填写" not in text
    assert "被申请人:某某网络科技有限公司(统一社会信用代码91110000802100433B)" in text


def test_each_timeline_entry_has_its_time_once_under_its_date(tmp_path: Path) -> None:
    case = _case(evidence=ITEMS)
    text = _flat("".join(_pages(_export(tmp_path, case).pdf)))
    part = text[text.index("三、时间线"):text.index("四、投诉文本")]
    for entry in timeline(case):
        if entry.undated:  # a contact recorded without its time says so
            assert "(时间未记录)" + _entry_words(entry) in part
            continue
        day, clock = fmt_time(entry.at, SH).split()
        assert day in part and clock in part
        assert part.index(day) < part.index(clock + _entry_words(entry))
    assert "10:12联系平台内客服(工号8801)" in part  # not "联系 平台内客服 2024-03-03 10:12"
    assert part.count("2024-03-02") == 1 and part.count("2024-03-03") == 2  # + a forward's


def _entry_words(entry: Any) -> str:
    """How the case file's timeline line of an entry starts, after its time."""
    if entry.kind == "event":
        return _flat(entry.data.text)
    if entry.kind == "evidence":
        return f"证据#{entry.data.id}"
    return {"purchase": "在未来卡盟购买", "contact": "联系"}[entry.kind]


def test_chinese_text_is_intact_on_every_page(tmp_path: Path) -> None:
    files = _files(tmp_path)
    shot = _photo(4, _screenshot(files / "shot.jpg"), files, "激活失败的提示")
    case = _case(evidence=(*ITEMS, shot))
    built = _export(tmp_path, case)
    pages = _pages(built.pdf)
    assert len(pages) >= 4
    for n, page in enumerate(pages, 1):
        assert "\ufffd" not in page
        assert f"投诉案件档案 #3 · {n}/{len(pages)}" in page  # the footer, read back whole
    names = export._zip_entries(case, TEXTS, Lang.ZH, SH, files)[0]
    html = export._case_file_html(case, TEXTS, Lang.ZH, SH, NOW, names, True, [])
    # Footers out, each by its exact page number: "…·2/5" then "12:00" must not lose its "12".
    text = "".join(_flat(page).replace(f"投诉案件档案#3·{n}/{len(pages)}", "", 1)
                   for n, page in enumerate(pages, 1))
    for kind, block in pdf_layout.blocks(html):
        assert _flat(block) in text, (kind, block)


def test_the_english_case_file_is_english(tmp_path: Path) -> None:
    text = _flat("".join(_pages(_export(tmp_path, _case(company_name=None), Lang.EN).pdf)))
    assert "1.Casesummary" in text and "3.Timeline" in text and "Tobefilledin" in text
    assert "案件摘要" not in text


# --- size ------------------------------------------------------------------------------------


def test_huge_photos_are_recompressed_so_the_pdf_stays_under_the_upload_limit(
    tmp_path: Path,
) -> None:
    files = _files(tmp_path)
    items = tuple(_photo(n, _noise(files / f"{n}.jpg", (4000, 3000)), files, f"照片{n}")
                  for n in range(1, 5))
    originals = sum(i.size or 0 for i in items)
    assert originals > UPLOAD_LIMIT  # four 14 MB photos
    built = _export(tmp_path, _case(evidence=items))
    assert built.pdf.stat().st_size < export.PDF_LIMIT
    assert built.pdf_left_out == ()
    assert len(_images(built.pdf)) == 4
    # The originals are all in the ZIP, split into parts under the limit.
    assert all(z.stat().st_size < UPLOAD_LIMIT for z in built.zips)
    names = [n for z in built.zips for n in zipfile.ZipFile(z).namelist() if n != "manifest.csv"]
    assert sorted(names) == sorted(f"{n:02d}-u{n}.jpg" for n in range(1, 5))


def test_images_are_made_smaller_step_by_step_to_fit_a_limit(tmp_path: Path) -> None:
    files = _files(tmp_path)
    items = tuple(_photo(n, _noise(files / f"{n}.jpg", (1500, 2000)), files, f"照片{n}")
                  for n in range(1, 5))
    limit = 4 * 1024 * 1024
    assert sum(i.size or 0 for i in items) > 2 * limit
    built = _export(tmp_path, _case(evidence=items), pdf_limit=limit)
    assert built.pdf.stat().st_size <= limit
    assert built.pdf_left_out == () and len(_images(built.pdf)) == 4


def test_images_that_cannot_fit_are_left_out_and_named_in_the_pdf(tmp_path: Path) -> None:
    files = _files(tmp_path)
    items = tuple(_photo(n, _noise(files / f"{n}.jpg", (1500, 2000)), files, f"照片{n}")
                  for n in range(1, 5))
    limit = 512 * 1024  # the text and two of the four at the smallest step
    built = _export(tmp_path, _case(evidence=items), pdf_limit=limit)
    assert built.pdf.stat().st_size <= limit
    kept = len(_images(built.pdf))
    assert 0 < kept < 4 and len(built.pdf_left_out) == 4 - kept
    text = _flat("".join(_pages(built.pdf)))
    note = "以下图片因Telegram单个文件50MB的上限没有放入本PDF,原件在证据压缩包里:"
    assert note + "、".join(built.pdf_left_out) in text
    assert set(built.pdf_left_out) <= {f"{n:02d}-u{n}.jpg" for n in range(1, 5)}
    reply = Reply("exported", {"case": _case(), "left_out": built.left_out,
                               "pdf_left_out": built.pdf_left_out, "folder": "/x"})
    [message] = TEXTS.render(reply, Lang.ZH, SH)
    assert "张图片因 Telegram 50 MB 的文件上限没放进 PDF" in message.html


def test_a_damaged_image_gets_a_note_and_the_rest_is_kept(tmp_path: Path) -> None:
    files = _files(tmp_path)
    broken = files / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    good = _photo(2, _screenshot(files / "good.jpg", (600, 800)), files, "好的截图")
    built = _export(tmp_path, _case(evidence=(_photo(1, broken, files, "坏的"), good)))
    text = _flat("".join(_pages(built.pdf)))
    assert "(这张图片无法嵌入,原件在证据压缩包里)" in text and "好的截图" in text
    assert len(_images(built.pdf)) == 1


# --- the ZIP ---------------------------------------------------------------------------------


def test_the_zip_holds_every_file_and_a_manifest_and_the_folder_nothing_else(
    tmp_path: Path,
) -> None:
    files = _files(tmp_path)
    shot = _photo(4, _screenshot(files / "shot.jpg", (300, 300)), files, "截图说明")
    case = _case(evidence=(*ITEMS, shot))  # item 1 and 3 were never downloaded
    built = _export(tmp_path, case)
    assert built.left_out == ("01-u1.jpg", "03-u3.pdf")
    [archive] = built.zips
    with zipfile.ZipFile(archive) as z:
        assert sorted(z.namelist()) == ["02-message.txt", "04-u4.jpg", "manifest.csv"]
        assert z.read("04-u4.jpg") == (files / "shot.jpg").read_bytes()
        assert z.read("02-message.txt").decode() == ITEMS[1].text
        rows = list(csv.reader(io.StringIO(z.read("manifest.csv").decode("utf-8-sig"))))
    assert rows[0] == ["文件名", "分组", "内容", "时间", "发送人", "说明"]
    assert rows[2][:4] == ["02-message.txt", "沟通记录", "沟通记录", "2024-03-03 10:12"]
    assert rows[4] == ["04-u4.jpg", "问题记录", "问题记录", "2024-03-03 11:04", "", "截图说明"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        [built.pdf.name, archive.name]
    )
