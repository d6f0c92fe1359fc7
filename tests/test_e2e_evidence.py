"""End to end: evidence sent through Telegram is filed, counted once, and listed in the texts."""

from __future__ import annotations

import json
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.conftest import BotProcess, button_data
from tests.fake_telegram import FakeTelegram, JSONDict, SentMessage
from tests.test_e2e_channels import _confirmed_case
from tests.test_e2e_intake import USER, say, tap

SAID = datetime(2025, 3, 3, 2, 12, tzinfo=UTC)  # 2025-03-03 10:12 in Shanghai
# The bot's database changes without the fake hearing of it: waits on it re-check this often.
DB_RECHECK = 0.05


def _facts(bot: BotProcess) -> dict[str, Any]:
    with sqlite3.connect(bot.db_path) as db:
        [(facts,)] = db.execute("SELECT facts FROM cases WHERE user_id = ?", (USER,)).fetchall()
    loaded: dict[str, Any] = json.loads(facts)
    return loaded


def _evidence(bot: BotProcess) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = _facts(bot).get("evidence", [])
    return items


def _unsent(bot: BotProcess) -> int:
    with sqlite3.connect(bot.db_path) as db:
        [(n,)] = db.execute(
            "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failure IS NULL"
        ).fetchall()
    return int(n)


def _hidden(name: str, at: datetime) -> JSONDict:
    return {"type": "hidden_user", "date": int(at.timestamp()), "sender_user_name": name}


def _same_photo(fake: FakeTelegram, item: dict[str, Any], album: str) -> int:
    """The user sends a photo already in the case again (Telegram keeps its file_unique_id)."""
    return fake.push_update({"message": {
        "message_id": 9000 + item["id"], "date": int(datetime.now(UTC).timestamp()),
        "chat": {"id": USER, "type": "private", "first_name": "测试"},
        "from": {"id": USER, "is_bot": False, "first_name": "测试", "language_code": "zh-hans"},
        "media_group_id": album,
        "photo": [{"file_id": item["file_id"], "file_unique_id": item["file_unique_id"],
                   "width": 1280, "height": 720, "file_size": item["size"]}],
    }})


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
    fake.user_sends_media(USER, "audio", file_name="通话.mp3")
    [audio_ack] = fake.expect(USER)
    assert "通话录音" in audio_ack.text and "沟通记录" in audio_ack.text
    fake.user_sends_media(USER, "animation", caption="激活失败录屏")  # a silent screen recording
    [video_ack] = fake.expect(USER)
    assert "激活失败截图" in video_ack.text and "问题记录" in video_ack.text
    items = _evidence(bot)
    assert [i["kind"] for i in items] == ["photo", "pdf", "text", "audio", "video"]
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
    fake.wait_for(lambda: len(_evidence(bot)) == 5, what="five items stored", recheck=DB_RECHECK)
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
    fake.user_sends_voice(USER)
    [voice] = fake.expect(USER)
    assert "录音" in voice.text and "音频文件" in voice.text
    fake.user_sends_media(USER, "video_note")
    [video_note] = fake.expect(USER)
    assert "视频消息" in video_note.text and "录屏" in video_note.text
    assert len(_evidence(bot)) == 1


def test_killed_after_two_of_an_album_of_five_loses_and_duplicates_nothing(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    _open_case(fake)
    events_before = len(_facts(bot)["events"])
    # Five forwarded screenshots of a support chat, queued while the bot may not fetch them.
    fake.hold("getUpdates")
    ids = [
        fake.user_sends_photo(USER, media_group_id="album-2",
                              forward_origin=_hidden("客服8801", SAID + timedelta(minutes=n)))
        for n in range(5)
    ]
    expected = [u["message"]["photo"][-1]["file_unique_id"] for u in fake.pending_updates()
                if u["update_id"] in ids]
    fake.serve_updates(2)  # the bot gets the first two; its next poll would confirm them
    fake.wait_for(lambda: len(_evidence(bot)) == 2, what="two items stored", recheck=DB_RECHECK)
    fake.wait_for(
        lambda: any(r.params.get("offset") == ids[2] for r in fake.requests_for("getUpdates")),
        what="the poll that would confirm the two (held unanswered)",
    )
    fake.wait_for(lambda: _unsent(bot) == 0, what="the acknowledgement recorded as sent",
                  recheck=DB_RECHECK)
    assert any("2 项" in m.text for m in _acks(fake))
    bot.kill()
    assert fake.confirmed_offset <= ids[0]  # nothing confirmed: Telegram re-delivers all five
    fake.release("getUpdates")
    bot.start()
    fake.wait_for_offset(ids[-1], timeout=30)
    fake.wait_for(lambda: any("5 项" in m.text for m in _acks(fake)), what="the ack says 5")
    items = _evidence(bot)
    assert [i["file_unique_id"] for i in items] == expected
    assert [i["id"] for i in items] == [1, 2, 3, 4, 5]
    events = _facts(bot)["events"]
    assert len(events) == events_before + 5
    assert sorted(e["evidence"] for e in events if "evidence" in e) == [1, 2, 3, 4, 5]
    assert len(_acks(fake)) == 1  # one message, edited in place across the restart


def test_a_re_forwarded_album_gets_one_message_counting_what_was_not_saved(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    _open_case(fake)
    for _ in range(3):
        fake.user_sends_photo(USER, media_group_id="first")
    fake.wait_for(lambda: len(_evidence(bot)) == 3, what="three items stored", recheck=DB_RECHECK)
    fake.wait_for(lambda: any("3 项" in m.text for m in _acks(fake)), what="the first ack")
    for item in _evidence(bot):
        _same_photo(fake, item, "again")
    fake.user_sends_media(USER, "video", file_size=25 * 1024 * 1024, media_group_id="again")
    fake.wait_for(
        lambda: any("3 项已经在案件里" in m.text and "20 MB" in m.text for m in _acks(fake)),
        what="one reply counting the duplicates and the oversize video",
    )
    assert len(_acks(fake)) == 2  # one per album
    assert not any("这份证据已经" in m.text for m in fake.messages(USER))
    assert len(_evidence(bot)) == 3


def test_the_checklist_changes_as_evidence_arrives(fake: FakeTelegram, bot: BotProcess) -> None:
    _open_case(fake)
    [listing] = tap(fake, "📎 证据")
    # Ticked in the intake, nothing sent: said as such, not counted.
    assert "你说有、还没发来:订单截图" in listing.text
    assert "⬜支付记录" in listing.text and "⬜带时间的联系记录" in listing.text
    fake.user_sends_photo(USER, caption="支付宝账单截图")
    fake.expect(USER)
    [listing] = tap(fake, "📎 证据")
    assert "✅支付记录(#1)" in listing.text and "⬜带时间的联系记录" in listing.text
    fake.user_forwards_text(USER, "已提交技术", origin_date=SAID, sender_name="客服8801")
    fake.expect(USER)
    [listing] = tap(fake, "📎 证据")
    assert "✅带时间的联系记录(#2)" in listing.text and "⬜失败截图" in listing.text
    # An unlabelled screenshot counts once the user says what it shows: two taps.
    fake.user_sends_photo(USER)
    fake.expect(USER)
    [kinds] = tap(fake, "问题记录")
    assert "激活失败截图" in kinds.button_texts
    _, query = fake.user_presses(USER, button_data(fake.messages(USER), "激活失败截图"))
    assert "激活失败截图" in (fake.wait_for_answer(query).answer_text or "")
    [listing] = tap(fake, "📎 证据")
    assert "✅失败截图(#3)" in listing.text
    say(fake, "/cases")
    [view] = tap(fake, "#1")
    assert "✅支付记录(#1)" in view.text and "✅失败截图(#3)" in view.text


def test_a_forwarded_photo_and_a_channel_post_become_timeline_events(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    _open_case(fake)
    fake.user_sends_photo(USER, caption="客服回复截图", forward_origin=_hidden("客服8801", SAID))
    [photo_ack] = fake.expect(USER)
    assert "2025-03-03 10:12 客服8801" in photo_ack.text and "沟通记录" in photo_ack.text
    fake.user_forwards_text(USER, "系统维护:卡密发放延迟", origin_date=SAID + timedelta(hours=1),
                            channel_title="未来卡盟官方")
    [channel_ack] = fake.expect(USER)
    assert "2025-03-03 11:12 未来卡盟官方" in channel_ack.text
    items = _evidence(bot)
    assert [(i["kind"], i["sender"]) for i in items] == [
        ("photo", "客服8801"), ("text", "未来卡盟官方")
    ]
    texts = [e["text"] for e in _facts(bot)["events"] if "evidence" in e]
    assert texts == ["客服8801: 客服回复截图", "未来卡盟官方: 系统维护:卡密发放延迟"]
    say(fake, "/cases")
    tap(fake, "#1")
    tap(fake, "投诉文本")
    [email] = tap(fake, "投诉邮件")
    assert "2025-03-03 10:12 客服8801" in email.pre_blocks[1]
    assert "2025-03-03 11:12 未来卡盟官方" in email.pre_blocks[1]


def test_eager_download_keeps_the_file_owner_only_beside_the_database(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    bot = BotProcess(fake, tmp_path, EVIDENCE_DOWNLOAD="eager").start()
    try:
        _open_case(fake)
        content = b"\xff\xd8\xff\xe0 a jpeg screenshot"
        fake.user_sends_photo(USER, caption="卡密页面", content=content)
        fake.wait_for(lambda: bool(_evidence(bot)) and bool(_evidence(bot)[0]["local_path"]),
                      what="the download recorded", recheck=DB_RECHECK)
        [item] = _evidence(bot)
        path = bot.db_path.parent / "evidence" / item["local_path"]
        assert path.read_bytes() == content
        for p in (path, path.parent, path.parent.parent, bot.db_path.parent / "evidence"):
            assert stat.S_IMODE(p.stat().st_mode) & 0o077 == 0, p
        # An album: each file fetched once, however many updates asked for a download.
        for n in range(5):
            fake.user_sends_photo(USER, media_group_id="eager", content=b"\xff\xd8" + bytes([n]))
        fake.wait_for(lambda: len(_evidence(bot)) == 6
                      and all(i["local_path"] for i in _evidence(bot)), what="six downloads",
                      recheck=DB_RECHECK)
        assert len(fake.requests_for("getFile")) == 6
        assert [p.name for p in path.parent.iterdir() if p.name.endswith(".part")] == []
    finally:
        bot.kill()
    assert fake.errors == []
