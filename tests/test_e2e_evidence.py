"""End to end: evidence sent through Telegram is filed, counted once, and listed in the texts."""

from __future__ import annotations

import json
import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.conftest import BotProcess
from tests.fake_telegram import FakeTelegram, SentMessage
from tests.test_e2e_channels import _confirmed_case
from tests.test_e2e_intake import USER, say, tap


def _evidence(bot: BotProcess) -> list[dict[str, Any]]:
    with sqlite3.connect(bot.db_path) as db:
        [(facts,)] = db.execute("SELECT facts FROM cases WHERE user_id = ?", (USER,)).fetchall()
    items: list[dict[str, Any]] = json.loads(facts).get("evidence", [])
    return items


def _acks(fake: FakeTelegram) -> list[SentMessage]:
    return [m for m in fake.messages(USER) if m.text.startswith("📎")]


def _open_case(fake: FakeTelegram) -> None:
    _confirmed_case(fake)
    say(fake, "/cases")
    tap(fake, "#1")  # the case view: status, checklist, timeline and what to do


def test_photos_documents_and_forwards_are_filed_with_their_times(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    _open_case(fake)
    fake.user_sends_photo(USER, caption="支付宝账单截图")
    [ack] = fake.expect(USER)
    assert "支付记录" in ack.text and "订单凭证" in ack.text
    fake.user_sends_document(USER, file_name="订单详情.pdf", mime_type="application/pdf",
                             file_size=120_000, content=b"%PDF-1.4 test")
    fake.expect(USER)
    said = datetime(2025, 3, 3, 2, 12, tzinfo=UTC)
    fake.user_forwards_text(USER, "已提交技术,请耐心等待", origin_date=said, sender_name="客服8801")
    [forward_ack] = fake.expect(USER)
    assert "2025-03-03 10:12" in forward_ack.text and "沟通记录" in forward_ack.text
    items = _evidence(bot)
    assert [i["kind"] for i in items] == ["photo", "pdf", "text"]
    assert items[2]["sender"] == "客服8801"
    # The checklist and the texts show it.
    tap(fake, "📎 证据")
    listing = fake.messages(USER)[-1]
    assert "✅支付记录" in listing.text and "✅带时间的联系记录" in listing.text
    say(fake, "/cases")
    tap(fake, "#1")
    tap(fake, "投诉文本")
    [email] = tap(fake, "投诉邮件")
    body = email.pre_blocks[1]
    assert "支付记录:支付宝账单截图" in body
    assert "2025-03-03 10:12 客服8801" in body


def test_an_album_of_five_is_acknowledged_once_with_all_five(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    _open_case(fake)
    for n in range(5):
        fake.user_sends_photo(USER, media_group_id="album-1", caption="截图" if n == 0 else None)
    fake.wait_for(lambda: len(_evidence(bot)) == 5, what="five items stored")
    fake.wait_for(lambda: any("5 项" in m.text for m in _acks(fake)), what="the ack says 5")
    assert len(_acks(fake)) == 1  # one message, edited or rewritten before it went out


def test_a_duplicate_an_oversize_file_and_a_sticker_store_nothing(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    _open_case(fake)
    fake.user_sends_photo(USER, caption="卡密页面")
    fake.expect(USER)
    [first] = _evidence(bot)
    duplicate = fake.messages(USER)[-1]
    assert duplicate.text.startswith("📎")
    # The same file again: Telegram gives it the same file_unique_id.
    fake.push_update({"message": {
        "message_id": 9001, "date": int(datetime.now(UTC).timestamp()),
        "chat": {"id": USER, "type": "private", "first_name": "测试"},
        "from": {"id": USER, "is_bot": False, "first_name": "测试", "language_code": "zh-hans"},
        "photo": [{"file_id": first["file_id"], "file_unique_id": first["file_unique_id"],
                   "width": 1280, "height": 720, "file_size": first["size"]}],
    }})
    [again] = fake.expect(USER)
    assert "不重复保存" in again.text
    fake.user_sends_document(USER, file_name="录屏.zip", mime_type="application/zip",
                             file_size=25 * 1024 * 1024)
    [too_big] = fake.expect(USER)
    assert "20 MB" in too_big.text
    fake.user_sends_sticker(USER)
    [sticker] = fake.expect(USER)
    assert "截图" in sticker.text and "转发" in sticker.text  # says what is accepted
    assert len(_evidence(bot)) == 1


def test_killed_in_the_middle_of_an_album_loses_and_duplicates_nothing(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    _open_case(fake)
    ids = [fake.user_sends_photo(USER, media_group_id="album-2") for _ in range(3)]
    fake.wait_for_served(ids[1])
    bot.kill()
    ids += [fake.user_sends_photo(USER, media_group_id="album-2") for _ in range(2)]
    bot.start()
    fake.wait_for_offset(ids[-1], timeout=30)
    fake.wait_for(lambda: len(_evidence(bot)) == 5, what="five items stored")
    items = _evidence(bot)
    assert len({i["file_unique_id"] for i in items}) == 5
    fake.wait_for(lambda: any("5 项" in m.text for m in _acks(fake)), what="the ack says 5")


def test_eager_download_keeps_the_file_owner_only_beside_the_database(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    bot = BotProcess(fake, tmp_path, EVIDENCE_DOWNLOAD="eager").start()
    try:
        _open_case(fake)
        content = b"\xff\xd8\xff\xe0 a jpeg screenshot"
        fake.user_sends_photo(USER, caption="卡密页面", content=content)
        fake.wait_for(lambda: bool(_evidence(bot)) and bool(_evidence(bot)[0]["local_path"]),
                      what="the download recorded")
        [item] = _evidence(bot)
        path = bot.db_path.parent / "evidence" / item["local_path"]
        assert path.read_bytes() == content
        for p in (path, path.parent, path.parent.parent, bot.db_path.parent / "evidence"):
            assert stat.S_IMODE(p.stat().st_mode) & 0o077 == 0, p
    finally:
        bot.kill()
    assert fake.errors == []
