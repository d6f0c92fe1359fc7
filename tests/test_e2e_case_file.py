"""End to end: a case through its life, its export as a PDF and a ZIP, and deletion."""

from __future__ import annotations

import asyncio
import csv
import io
import sqlite3
import zipfile
from contextlib import closing
from pathlib import Path
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from conversations.core import lifecycle
from conversations.core.model import Case
from conversations.store.storage import Store
from conversations.texts.rendering import fmt_time
from tests.conftest import BotProcess
from tests.fake_telegram import FakeTelegram, SentMessage
from tests.test_e2e_channels import _confirmed_case
from tests.test_e2e_intake import USER, say, tap
from tests.test_export import _entry_words

OTHER = 777
SH = ZoneInfo("Asia/Shanghai")  # the bot's default timezone


def _pdf_pages(data: bytes) -> list[str]:
    """Each page's text as pdfium reads it (pypdf garbles this CJK font past page 1)."""
    doc = pdfium.PdfDocument(data)
    return [page.get_textpage().get_text_range() for page in doc]


def _pdf_images(data: bytes) -> int:
    """How many images the PDF places."""
    doc = pdfium.PdfDocument(data)
    return sum(len(list(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,))))
               for page in doc)


def _jpeg(size: tuple[int, int] = (40, 20)) -> bytes:
    """A real screenshot, so the PDF can embed it."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def _stored_case(bot: BotProcess, user: int, no: int) -> Case:
    """The case as the bot stored it."""
    async def read() -> Case:
        store = await Store.open(bot.db_path)
        try:
            async with store.transaction() as tx:
                return (await tx.cases(user))[no]
        finally:
            await store.close()

    return asyncio.run(read())


def _documents(fake: FakeTelegram, user: int = USER) -> list[SentMessage]:
    return [m for m in fake.messages(user) if m.kind == "document"]


def _rows_of(bot: BotProcess, user: int) -> dict[str, int]:
    with closing(sqlite3.connect(bot.db_path)) as db:
        return {
            table: db.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?",
                              (user,)).fetchone()[0]
            for table, column in (("users", "user_id"), ("sessions", "user_id"),
                                  ("cases", "user_id"), ("reminders", "user_id"),
                                  ("outbox", "chat_id"), ("processed_updates", "user_id"))
        }


def test_export_sends_a_pdf_with_the_whole_case_and_a_zip_of_every_file(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    bot = BotProcess(fake, tmp_path, EVIDENCE_DOWNLOAD="eager").start()
    try:
        _confirmed_case(fake)
        say(fake, "/cases")
        tap(fake, "#1")
        screenshot, tall = _jpeg(), _jpeg((1080, 2400))
        fake.user_sends_photo(USER, caption="激活失败截图", content=screenshot)
        fake.expect(USER)
        fake.user_sends_photo(USER, caption="卡密页面长截图", content=tall)
        fake.expect(USER)
        fake.user_sends_document(USER, file_name="订单.pdf", mime_type="application/pdf",
                                 file_size=20, content=b"%PDF-1.4 order")
        fake.expect(USER)
        say(fake, "/export")
        fake.wait_for(lambda: len(_documents(fake)) == 2, timeout=60, what="the PDF and ZIP")
        pdf, archive = _documents(fake)
        assert pdf.filename and pdf.filename.endswith(".pdf")
        assert pdf.document is not None and archive.document is not None
        case = _stored_case(bot, USER, 1)
    finally:
        bot.kill()
    assert fake.errors == []
    pages = _pdf_pages(pdf.document)
    for n, page in enumerate(pages, 1):  # the Chinese footer is read back whole on every page
        assert "\ufffd" not in page and f"投诉案件档案 #1 · {n}/{len(pages)}" in page
    text = "".join("".join(pages).split())
    for fact in ("WL20240302001", "未来卡盟", "激活时提示卡密无效", "投诉订单号WL20240302001",
                 "【投诉】", "二、证据清单", "时间均为北京时间(Asia/Shanghai)"):
        assert fact in text, fact
    timeline = text[text.index("三、时间线"):text.index("四、投诉文本")]
    entries = lifecycle.timeline(case)
    assert {e.kind for e in entries} == {"purchase", "event", "evidence"}
    for entry in entries:
        day, clock = fmt_time(entry.at, SH).split()
        words = _entry_words(entry)
        assert day in timeline and clock + words in timeline, (clock, words)
    lines = [line.strip() for page in pages for line in page.splitlines()]
    texts = lines[lines.index("四、投诉文本"):]
    headings = [texts.index(h) for h in ("平台内客服", "投诉邮件", "电话", "全国12315平台",
                                         "黑猫投诉", "聚投诉", "调解", "跟进 / 设定底线")]
    assert headings == sorted(headings)  # each channel's heading, a line of its own, in order
    assert text.count("待填写:企业全称") == 3  # 12315 and mediation are there without a company
    assert _pdf_images(pdf.document) == 2  # both photos; the PDF document stays in the ZIP
    with zipfile.ZipFile(io.BytesIO(archive.document)) as z:
        names = z.namelist()
        assert "manifest.csv" in names and len(names) == 4
        photos = [n for n in names if n.endswith(".jpg")]
        assert sorted(z.read(n) for n in photos) == sorted([screenshot, tall])
        assert any(n.endswith(".pdf") and z.read(n) == b"%PDF-1.4 order" for n in names)
        manifest = list(csv.reader(io.StringIO(z.read("manifest.csv").decode("utf-8-sig"))))
    assert manifest[0][:4] == ["文件名", "分组", "内容", "时间"] and manifest[0][-1] == "说明"
    rows = {row[0]: row for row in manifest[1:]}
    assert set(rows) == set(names) - {"manifest.csv"}
    for item in case.evidence:
        row = next(r for n, r in rows.items() if n.startswith(f"{item.id:02d}-"))
        assert row[3] == fmt_time(item.received_at, SH) and row[1] in ("订单凭证", "问题记录")
        assert row[-1] == (item.description or "")


def test_deleting_all_data_leaves_nothing_of_the_user(fake: FakeTelegram, tmp_path: Path) -> None:
    bot = BotProcess(fake, tmp_path, EVIDENCE_DOWNLOAD="eager").start()
    try:
        _confirmed_case(fake)
        say(fake, "/cases")
        tap(fake, "#1")
        fake.user_sends_photo(USER, caption="卡密页面", content=b"\xff\xd8\xff\xe0 x")
        fake.expect(USER)
        files = bot.db_path.parent / "evidence" / str(USER)
        fake.wait_for(lambda: any(files.rglob("*.jpg")), what="the file downloaded")
        # Another user's data must survive.
        fake.user_sends_text(OTHER, "/new")
        fake.expect(OTHER)
        say(fake, "/delete")
        tap(fake, "删除我的全部数据")
        data = next(b["callback_data"] for b in fake.messages(USER)[-1].buttons
                    if "全部删除" in b["text"])
        _, query = fake.user_presses(USER, data)
        assert "已删除" in (fake.wait_for_answer(query).answer_text or "")
        fake.wait_for(lambda: sum(_rows_of(bot, USER).values()) == 0, what="no rows left")
        assert not files.exists()
        assert _rows_of(bot, OTHER)["cases"] == 1
    finally:
        bot.kill()


def test_deleting_one_case_removes_its_rows_reminders_and_files(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    _confirmed_case(fake)
    say(fake, "/new")  # a second case, left as a draft
    say(fake, "/delete")
    tap(fake, "🗑 #1")
    tap(fake, "确定删除")
    with closing(sqlite3.connect(bot.db_path)) as db:
        cases = [n for (n,) in db.execute("SELECT no FROM cases WHERE user_id = ?", (USER,))]
        reminders = db.execute("SELECT count(*) FROM reminders WHERE case_no = 1").fetchone()[0]
    assert cases == [2] and reminders == 0


def test_a_case_runs_from_intake_to_resolution_with_its_status_at_each_step(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    _confirmed_case(fake)  # no contact yet
    say(fake, "/cases")
    assert "已整理,未投诉" in fake.messages(USER)[-1].text
    [view] = tap(fake, "#1")
    assert "建议下一步:平台内客服" in view.text
    tap(fake, "投诉文本")
    tap(fake, "平台内客服")
    tap(fake, "我已提交")  # filed on platform support
    tap(fake, "刚刚")
    tap(fake, "跳过")
    tap(fake, "没有承诺时限")
    say(fake, "/cases")
    assert "已投诉(平台内客服)" in fake.messages(USER)[-1].text
    [view] = tap(fake, "#1")
    # Support's 24 hours are still running: wait for the answer, do not escalate yet.
    assert "建议下一步:等待答复" in view.text
    tap(fake, "收到回复")
    say(fake, "客服说三个工作日内处理")
    tap(fake, "给了新的承诺")
    say(fake, "3个工作日内")
    say(fake, "/cases")
    assert "等待答复" in fake.messages(USER)[-1].text
    [view] = tap(fake, "#1")
    assert "💬 收到回复:客服说三个工作日内处理" in view.text
    tap(fake, "已解决")
    say(fake, "/cases")
    assert "已解决" in fake.messages(USER)[-1].text
    [view] = tap(fake, "#1")
    assert "✅ 标记为已解决" in view.text and "↩️ 重新打开" in view.button_texts
