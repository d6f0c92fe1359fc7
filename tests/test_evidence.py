"""Evidence in the engine: filing, albums, forwards, limits, the checklist, and the texts."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram import Animation, Audio, Chat, Document, Message, Video, VideoNote, Voice

from bot.handlers import evidence_event
from conversations.core.channels import channel_reply
from conversations.core.events import Command, Evidence, Press, Unsupported
from conversations.core.evidence import MAX_FILE_BYTES, MAX_ITEMS, Album, checklist
from conversations.core.evidence_kinds import EvidenceClaim, EvidenceGroup, EvidenceItem
from conversations.core.model import Case, Lang, TimelineEvent
from conversations.core.replies import Reply
from conversations.core.states import State
from conversations.shell.outbox import Outbox
from conversations.shell.service import Coach, Inbound
from conversations.store.storage import Store
from conversations.texts.messages import OutMessage
from conversations.texts.rendering import Texts
from tests.test_engine import NOW, SH, Dialog, _at, _confirmed


def photo(n: int, caption: str | None = None, album: str | None = None) -> Evidence:
    return Evidence("photo", f"file-{n}", f"uniq-{n}", 80_000, "image/jpeg", caption=caption,
                    media_group_id=album)


def forwarded(text: str, at: datetime, sender: str = "客服(8801)") -> Evidence:
    return Evidence("text", text=text, origin_at=at, sender=sender)


def _unique_ids(d: Dialog) -> list[str | None]:
    return [i.file_unique_id for i in d.cases[1].evidence]


def _checks(d: Dialog) -> dict[str, bool]:
    return {c.key: c.ok for _, group in checklist(d.case) for c in group}


def test_a_photo_during_the_intake_is_filed_and_the_question_stays() -> None:
    d = _at(State.ASK_PRODUCT)
    out = d.send(photo(1, "激活失败的提示"))
    assert d.state() is State.ASK_PRODUCT
    [item] = d.case.evidence
    assert (item.group, item.what, item.description) == (
        EvidenceGroup.PROBLEM, EvidenceClaim.FAILURE_SCREENSHOT, "激活失败的提示"
    )
    assert [r.template for r in out.replies] == ["evidence_added"]


def test_the_same_file_twice_is_kept_once() -> None:
    d = _at(State.ASK_PRODUCT)
    d.send(photo(1))
    out = d.send(photo(1))
    assert len(d.case.evidence) == 1
    assert out.changed == () and [r.template for r in out.replies] == ["evidence_duplicate"]


def test_an_album_is_acknowledged_by_one_message_kept_current() -> None:
    d = _confirmed()
    d.send(Press(None, "open", "1"))
    keys, counts = set(), []
    for n in range(5):
        out = d.send(photo(n, album="album-7"))
        [ack] = out.replies
        keys.add(ack.key)
        counts.append(len(ack.data["items"]))
    assert keys == {"album:album-7"}  # each replaces the one before
    assert counts == [1, 2, 3, 4, 5]
    # One tap re-files the whole album.
    d.send(Press(None, "refile", "1.aalbum-7.order"))
    assert {i.group for i in d.cases[1].evidence} == {EvidenceGroup.ORDER}


def test_a_forwarded_support_message_becomes_a_timeline_event_with_its_own_time() -> None:
    d = _at(State.ASK_PRODUCT)
    said_at = datetime(2025, 3, 3, 2, 12, tzinfo=UTC)
    d.send(forwarded("已提交技术,请耐心等待", said_at))
    [item] = d.case.evidence
    assert (item.group, item.origin_at, item.sender) == (EvidenceGroup.COMMS, said_at,
                                                          "客服(8801)")
    assert any(e.at == said_at and e.text == "客服(8801): 已提交技术,请耐心等待"
               for e in d.case.events)


def test_files_over_20_mb_and_past_50_items_are_refused_with_nothing_stored() -> None:
    d = _at(State.ASK_PRODUCT)
    big = Evidence("pdf", "f", "u", MAX_FILE_BYTES + 1, "application/pdf", "订单.pdf")
    out = d.send(big)
    assert d.case.evidence == () and out.changed == ()
    assert [r.template for r in out.replies] == ["evidence_too_big"]
    for n in range(MAX_ITEMS):
        d.send(photo(n))
    out = d.send(photo(999))
    assert len(d.case.evidence) == MAX_ITEMS
    assert [r.template for r in out.replies] == ["evidence_full"]


def test_evidence_outside_a_case_waits_for_the_user_to_name_its_case() -> None:
    d = _confirmed()  # after confirming, no case is open
    d.send(photo(1))
    d.send(photo(2))
    waiting = d.session.inbox
    assert len(d.cases[1].evidence) == 0 and len(waiting) == 2
    d.send(Press(None, "into", "1"))
    assert _unique_ids(d) == ["uniq-1", "uniq-2"]
    assert len(d.session.inbox) == 0


def test_evidence_sent_before_any_case_goes_into_the_new_case() -> None:
    d = Dialog()
    d.send(photo(1, "订单截图"))
    d.send(Press(None, "new"))
    assert d.state() is State.ASK_STORY
    [item] = d.case.evidence
    assert item.what is EvidenceClaim.ORDER_SCREENSHOT


def test_items_can_be_listed_refiled_described_and_removed() -> None:
    d = _confirmed()
    d.send(Press(None, "open", "1"))
    d.send(photo(1))
    d.send(photo(2))
    out = d.send(Press(None, "evidence", "1"))
    assert [r.template for r in out.replies] == ["evidence_list"]
    d.send(Press(None, "refile", "1.1.comms"))
    assert d.cases[1].evidence[0].group is EvidenceGroup.COMMS
    d.send(Press(None, "describe", "1.2"))
    assert d.state() is State.ASK_EVIDENCE_NOTE
    d.text("支付宝账单截图")
    assert d.cases[1].evidence[1].description == "支付宝账单截图"
    assert d.state() is State.IDLE
    d.send(Press(None, "remove", "1.1"))
    assert [i.id for i in d.cases[1].evidence] == [2]
    out = d.send(Press(None, "remove", "1.1"))  # already gone
    assert out.notice is not None and out.notice.template == "notice_not_found"


def test_the_checklist_fills_as_evidence_arrives() -> None:
    d = _at(State.ASK_PRODUCT)
    assert _checks(d) == {
        "order_no": True, "payment_record": False, "code_screenshot": False,
        "timeline": False, "failure_screenshot": False, "contact": False, "demand": False,
    }
    d.send(photo(1, "支付宝账单"))
    d.send(photo(2, "卡密页面"))
    d.send(photo(3, "兑换失败提示"))
    d.send(forwarded("已提交技术", datetime(2025, 3, 3, 2, 12, tzinfo=UTC)))
    checks = _checks(d)
    assert checks["payment_record"] and checks["code_screenshot"]
    assert checks["failure_screenshot"] and checks["contact"] and checks["timeline"]


def test_the_texts_list_the_real_evidence_with_its_times() -> None:
    d = _confirmed()
    d.send(Press(None, "open", "1"))
    d.send(photo(1, "订单截图"))
    d.send(forwarded("已提交技术", datetime(2025, 3, 3, 2, 12, tzinfo=UTC)))
    case = d.cases[1]
    texts = Texts()
    for name in ("email", "c12315", "mediation"):
        html = "".join(m.html for m in texts.render(channel_reply(
            replace(case, company_name="某某网络科技有限公司"), name, NOW + timedelta(0), SH),
            Lang.ZH, SH))
        assert "订单截图" in html and "2025-03-03 10:12 客服(8801)" in html, name


# --- evidence waiting outside a case is never dropped -----------------------------------------


def test_evidence_waiting_goes_into_the_case_opened_from_the_case_list() -> None:
    d = _confirmed()
    d.send(photo(1, "订单截图"))
    d.cmd("cases")
    out = d.send(Press(None, "open", "1"))
    assert _unique_ids(d) == ["uniq-1"] and d.session.inbox == ()
    assert [r.template for r in out.replies] == ["evidence_filed", "case_view"]
    # The case view shows the case with the item in it.
    assert out.replies[1].data["case"].evidence == d.cases[1].evidence


def test_evidence_waiting_goes_into_a_draft_resumed_from_new() -> None:
    d = _confirmed()
    d.cases[2] = Case(no=2, created_at=NOW)  # a draft the session is not on
    d.send(photo(1))
    out = d.cmd("new")
    assert [r.template for r in out.replies] == ["offer_drafts"]
    out = d.send(Press(None, "resume", "2"))
    assert [i.file_unique_id for i in d.cases[2].evidence] == ["uniq-1"]
    assert d.session.inbox == () and d.state() is State.ASK_PLATFORM
    assert [r.template for r in out.replies] == ["evidence_filed", "resumed", "ask/ask_platform"]


def test_other_case_buttons_keep_the_waiting_evidence_and_ask_again() -> None:
    d = _confirmed()
    d.send(photo(1))
    out = d.send(Press(None, "texts", "1"))
    assert len(d.session.inbox) == 1 and d.cases[1].evidence == ()
    assert [r.template for r in out.replies] == ["evidence_which_case", "case_menu"]
    d.send(Press(None, "into", "1"))
    assert _unique_ids(d) == ["uniq-1"] and len(d.session.inbox) == 0


def test_a_deleted_case_does_not_take_the_waiting_evidence_with_it() -> None:
    d = _confirmed()
    d.send(Press(None, "open", "1"))
    d.cases[2] = Case(no=2, created_at=NOW)
    d.session = replace(d.session, case_no=None)
    d.send(photo(1))
    d.send(Press(None, "erase", "1"))
    del d.cases[1]
    assert len(d.session.inbox) == 1
    d.send(Press(None, "into", "2"))
    assert [i.file_unique_id for i in d.cases[2].evidence] == ["uniq-1"]


# --- an unlabelled screenshot can be made to count ----------------------------------------------


def test_refiling_offers_the_kinds_in_the_group_and_a_kind_ticks_the_checklist() -> None:
    d = _confirmed()
    d.send(Press(None, "open", "1"))
    d.send(photo(1))  # no caption: 问题记录, showing nothing in particular
    assert d.cases[1].evidence[0].what is None
    out = d.send(Press(None, "refile", "1.1.order"))
    [which] = out.replies
    assert which.template == "evidence_refiled"
    assert [b.label for row in which.buttons for b in row] == [
        "claim.order_screenshot", "claim.payment_record", "claim.code_screenshot"
    ]
    assert not _checks(d)["payment_record"]
    d.send(Press(None, "refile", which.buttons[0][1].value))  # 支付记录
    item = d.cases[1].evidence[0]
    assert (item.group, item.what) == (EvidenceGroup.ORDER, EvidenceClaim.PAYMENT_RECORD)
    assert _checks(d)["payment_record"]


def test_a_note_that_names_a_kind_files_the_item_as_that_kind() -> None:
    d = _confirmed()
    d.send(Press(None, "open", "1"))
    d.send(photo(1))
    d.send(Press(None, "describe", "1.1"))
    out = d.text("支付宝账单截图")
    item = d.cases[1].evidence[0]
    assert (item.description, item.group, item.what) == (
        "支付宝账单截图", EvidenceGroup.ORDER, EvidenceClaim.PAYMENT_RECORD
    )
    assert out.replies[0].data["refiled"] is True
    assert _checks(d)["payment_record"]


def test_a_duplicate_with_a_new_caption_updates_the_note_instead_of_only_refusing() -> None:
    d = _at(State.ASK_PRODUCT)
    d.send(photo(1))
    out = d.send(photo(1, "卡密页面"))
    [item] = d.case.evidence
    assert (item.description, item.what) == ("卡密页面", EvidenceClaim.CODE_SCREENSHOT)
    [reply] = out.replies
    assert reply.template == "evidence_duplicate" and reply.data["note"] == "卡密页面"
    assert _checks(d)["code_screenshot"]
    out = d.send(photo(1, "卡密页面"))  # the same caption again changes nothing
    assert out.changed == () and out.replies[0].data["note"] is None


# --- ticking a box is not sending evidence --------------------------------------------------


def test_the_checklist_tells_sent_evidence_from_evidence_only_claimed() -> None:
    d = _at(State.ASK_EVIDENCE)
    d.press("claim", "payment_record")
    d.press("claim", "chat_log")
    d.press("done")
    payment = next(c for _, g in checklist(d.case) for c in g if c.key == "payment_record")
    contact = next(c for _, g in checklist(d.case) for c in g if c.key == "contact")
    assert (payment.ok, payment.claimed) == (False, True)
    assert (contact.ok, contact.claimed) == (False, True)
    assert list(d.case.claims_unsent) == [EvidenceClaim.PAYMENT_RECORD, EvidenceClaim.CHAT_LOG]
    text = _render("case_summary", {"case": d.case, "checks": checklist(d.case)})
    assert "⬜支付记录(你说有、还没发来)" in text
    assert "支付记录(你说有,发来就行):发支付宝" in text
    d.send(photo(1, "支付宝账单"))
    payment = next(c for _, g in checklist(d.case) for c in g if c.key == "payment_record")
    assert (payment.ok, payment.claimed, payment.items) == (True, False, (1,))
    assert list(d.case.claims_sent) == [EvidenceClaim.PAYMENT_RECORD]
    assert list(d.case.claims_unsent) == [EvidenceClaim.CHAT_LOG]
    text = _render("case_summary", {"case": d.case, "checks": checklist(d.case)})
    assert "✅支付记录(#1)" in text and "支付记录(你说有,发来就行)" not in text


# --- the list reaches every item ----------------------------------------------------------------


def test_the_evidence_list_pages_through_every_item_editing_one_message() -> None:
    d = _confirmed()
    d.send(Press(None, "open", "1"))
    for n in range(25):
        d.send(photo(n))
    out = d.send(Press(None, "evidence", "1"))
    reachable: list[str] = []
    keys = set()
    for _ in range(3):
        [listing] = out.replies
        keys.add(listing.key)
        buttons = [b for row in listing.buttons for b in row]
        reachable += [b.text or "" for b in buttons if b.action == "item"]
        nxt = [b for b in buttons if b.label == "btn.page_next"]
        if not nxt:
            break
        out = d.send(Press(None, "evidence", nxt[0].value))
    assert reachable == [f"#{n}" for n in range(1, 26)]
    assert len(keys) == 1  # each page replaces the one before
    prev = [b for row in out.replies[0].buttons for b in row if b.label == "btn.page_prev"]
    assert prev and len(out.replies[0].data["items"]) == 5


# --- removing an item removes all of it -------------------------------------------------------


def test_removing_a_forward_removes_its_timeline_event_and_a_second_forward_adds_one() -> None:
    d = _confirmed()
    d.send(Press(None, "open", "1"))
    said_at = datetime(2025, 3, 3, 2, 12, tzinfo=UTC)
    before = len(d.cases[1].events)
    d.send(forwarded("已提交技术", said_at))
    assert len(d.cases[1].events) == before + 1
    d.send(Press(None, "remove", "1.1"))
    assert len(d.cases[1].events) == before
    d.send(forwarded("已提交技术", said_at))
    assert [e.at for e in d.cases[1].events].count(said_at) == 1


def test_item_numbers_are_never_reused_so_an_old_button_cannot_reach_a_new_item() -> None:
    d = _confirmed()
    d.send(Press(None, "open", "1"))
    for n in range(3):
        d.send(photo(n))
    d.send(Press(None, "remove", "1.3"))
    stored = d.cases[1].to_json()  # the counter survives storage
    d.cases[1] = Case.from_json(1, "confirmed", d.cases[1].created_at, stored)
    d.send(photo(7))
    assert [i.id for i in d.cases[1].evidence] == [1, 2, 4]
    out = d.send(Press(None, "remove", "1.3"))  # a button on the old message
    assert out.notice is not None and out.notice.template == "notice_not_found"
    assert [i.id for i in d.cases[1].evidence] == [1, 2, 4]


def test_removing_a_downloaded_item_asks_for_its_file_to_be_erased() -> None:
    d = _confirmed()
    d.send(Press(None, "open", "1"))
    d.send(photo(1))
    d.cases[1] = replace(d.cases[1], evidence=tuple(
        replace(i, local_path="9/1/01-uniq-1.jpg") for i in d.cases[1].evidence
    ))
    out = d.send(Press(None, "remove", "1.1"))
    assert out.erase_files == ("9/1/01-uniq-1.jpg",)


# --- recordings ------------------------------------------------------------------------------


def test_a_call_recording_and_a_screen_recording_are_filed_where_they_belong() -> None:
    d = _at(State.ASK_PRODUCT)
    d.send(Evidence("audio", "fa", "ua", 900_000, "audio/mpeg", "2024-03-03.mp3"))
    d.send(Evidence("video", "fv", "uv", 5_000_000, "video/mp4"))
    audio, video = d.case.evidence
    assert (audio.group, audio.what) == (EvidenceGroup.COMMS, EvidenceClaim.CALL_RECORDING)
    assert (video.group, video.what) == (EvidenceGroup.PROBLEM, None)
    out = d.send(Evidence("video", "fb", "ub", MAX_FILE_BYTES + 1, "video/mp4"))
    assert [r.template for r in out.replies] == ["evidence_too_big"]


def _message(**content: Any) -> Message:
    chat = Chat(4242, "private")
    return Message(1, datetime(2025, 3, 5, tzinfo=UTC), chat, **content)


def test_telegram_recordings_become_evidence_and_voice_notes_stay_refused() -> None:
    audio = evidence_event(_message(audio=Audio("fa", "ua", 60, mime_type="audio/mp4",
                                                file_size=900_000, file_name="call.m4a")))
    video = evidence_event(_message(video=Video("fv", "uv", 1280, 720, 30, file_size=5_000_000)))
    # A GIF arrives as an animation that also carries a document.
    gif = evidence_event(_message(
        animation=Animation("fg", "ug", 320, 240, 3, mime_type="video/mp4", file_size=90_000),
        document=Document("fg", "ug", mime_type="video/mp4", file_size=90_000),
    ))
    assert audio is not None and (audio.kind, audio.mime_type) == ("audio", "audio/mp4")
    assert video is not None and (video.kind, video.mime_type) == ("video", "video/mp4")
    assert gif is not None and gif.kind == "video"
    assert evidence_event(_message(voice=Voice("fo", "uo", 3))) is None
    assert evidence_event(_message(video_note=VideoNote("fn", "un", 240, 3))) is None


def test_what_is_refused_says_what_is_accepted() -> None:
    for kind in ("sticker", "voice", "video_note"):
        text = _render("unsupported", {"kind": kind})
        assert "截图" in text and "录音" in text and "录屏" in text and "转发" in text, kind
    assert "音频文件发送" in _render("unsupported", {"kind": "voice"})


# --- one album, one reply -----------------------------------------------------------------------


def test_a_re_forwarded_album_gets_one_reply_counting_its_duplicates() -> None:
    d = _confirmed()
    d.send(Press(None, "open", "1"))
    for n in range(3):
        d.send(photo(n, album="first"))
    replies = [d.send(photo(n, album="again")).replies for n in range(3)]
    assert all(len(r) == 1 for r in replies)
    assert {r[0].key for r in replies} == {"album:again"}
    last = replies[-1][0]
    assert last.template == "evidence_added" and last.data["items"] == ()
    assert last.data["album"].duplicates == 3
    assert "3 项已经在案件里" in _render(last.template, last.data)
    assert len(d.cases[1].evidence) == 3


def test_an_album_counts_added_too_big_unsupported_and_over_the_limit_in_one_reply() -> None:
    d = _at(State.ASK_PRODUCT)
    for n in range(MAX_ITEMS - 2):
        d.send(photo(100 + n))
    events: list[Evidence | Unsupported] = [
        photo(1, album="mixed"),
        Evidence("video", "fv", "uv", MAX_FILE_BYTES + 1, "video/mp4", media_group_id="mixed"),
        Unsupported("sticker", "mixed"),
        photo(2, album="mixed"),
        photo(3, album="mixed"),  # the 51st
        photo(4, album="mixed"),
    ]
    for ev in events:
        out = d.send(ev)
        assert [r.key for r in out.replies] == ["album:mixed"]  # no question repeated
    assert d.state() is State.ASK_PRODUCT
    album = out.replies[0].data["album"]
    assert (len(album.items), album.too_big, album.unsupported, album.full) == (2, 1, 1, 2)
    text = _render(out.replies[0].template, out.replies[0].data)
    assert "已收到 2 项" in text and "20 MB" in text and "收不了" in text and "上限" in text
    assert len(d.case.evidence) == MAX_ITEMS


def test_outside_a_case_an_album_counts_each_file_once_and_the_51st_is_refused_aloud() -> None:
    d = _confirmed()
    for n in range(3):
        d.send(photo(n, album="out"))
    out = d.send(photo(1, album="out"))  # the same file again within the album
    [which] = out.replies
    assert which.key == "inbox:out" and which.data["count"] == 3
    assert which.data["album"].duplicates == 1
    for n in range(3, MAX_ITEMS):
        d.send(photo(n))
    out = d.send(photo(999))
    assert [r.template for r in out.replies] == ["evidence_full", "evidence_which_case"]
    assert out.replies[0].data["inbox"] is True and len(d.session.inbox) == MAX_ITEMS
    out = d.send(Press(None, "into", "1"))
    assert [r.template for r in out.replies] == ["evidence_filed"]
    assert len(out.replies[0].data["items"]) == MAX_ITEMS


def test_filing_waiting_evidence_says_what_was_already_there_and_what_did_not_fit() -> None:
    d = _confirmed()
    d.send(Press(None, "open", "1"))
    for n in range(MAX_ITEMS - 1):
        d.send(photo(n))
    d.session = replace(d.session, case_no=None)
    for n in (0, 100, 101):  # one already in the case, one that fits, one past the limit
        d.send(photo(n))
    out = d.send(Press(None, "into", "1"))
    [filed] = out.replies
    assert (len(filed.data["items"]), filed.data["duplicates"], filed.data["full"]) == (1, 1, 1)
    text = _render(filed.template, filed.data)
    assert "1 项已经在案件里" in text and "上限" in text


def test_album_tallies_survive_storage() -> None:
    album = Album("m", 1, (1, 2), waiting=0, duplicates=2, updated=1, too_big=1, full=1)
    assert Album.from_json(json.loads(json.dumps(album.to_json()))) == album
    event = TimelineEvent(datetime(2025, 3, 3, 2, 12, tzinfo=UTC), "客服: 好的", evidence=3)
    assert TimelineEvent.from_json(event.to_json()) == event
    assert "evidence" not in TimelineEvent(event.at, "x").to_json()


def _render(template: str, data: Mapping[str, Any]) -> str:
    return "\n".join(m.plain for m in Texts().render(Reply(template, data), Lang.ZH, SH))


# --- eager download -----------------------------------------------------------------------------


class CountingFiles:
    """A file fetcher that counts its calls and how many run at once; can be held."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.running = 0
        self.most_at_once = 0
        self.hold: dict[str, asyncio.Event] = {}
        self.started = asyncio.Event()

    async def fetch(self, file_id: str, dest: Path) -> None:
        self.calls.append(file_id)
        self.started.set()
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        try:
            await asyncio.sleep(0)  # let other work interleave, as a real download would
            for key in (file_id, "*"):
                if key in self.hold:
                    await self.hold[key].wait()
            await asyncio.to_thread(dest.write_bytes, file_id.encode())
        finally:
            self.running -= 1


class _Sender:
    async def send(
        self, chat_id: int, message: OutMessage, urgent: bool = False
    ) -> int | None:
        return 1


@pytest.fixture
async def eager(tmp_path: Path) -> AsyncIterator[tuple[Coach, Store, CountingFiles, Path]]:
    store = await Store.open(tmp_path / "coach.sqlite3")
    files = CountingFiles()
    folder = tmp_path / "evidence"
    coach = Coach(store, Texts(), Outbox(store, _Sender()), SH, files=files, files_dir=folder,
                  download_eagerly=True)
    try:
        yield coach, store, files, folder
    finally:
        await coach.drain()
        await store.close()


async def _send(coach: Coach, event: Evidence | Command | Press, update_id: int) -> None:
    await coach.handle(Inbound(1, 1, event, NOW, "zh-hans", update_id))


async def _items(store: Store) -> tuple[EvidenceItem, ...]:
    async with store.transaction() as tx:
        return (await tx.cases(1))[1].evidence


async def test_an_eager_album_fetches_each_file_once_one_at_a_time(
    eager: tuple[Coach, Store, CountingFiles, Path],
) -> None:
    coach, store, files, folder = eager
    await _send(coach, Command("new"), 1)
    gate = files.hold["*"] = asyncio.Event()  # downloads take a while: the album goes on
    for n in range(5):
        await _send(coach, photo(n, album="five"), 10 + n)
    gate.set()
    await coach.drain()
    assert sorted(files.calls) == [f"file-{n}" for n in range(5)]
    assert files.most_at_once == 1
    assert all(i.local_path for i in await _items(store))
    # Removing an item removes its file.
    first = (await _items(store))[0]
    assert first.local_path is not None and (folder / first.local_path).is_file()
    await _send(coach, Press(None, "remove", f"1.{first.id}"), 20)
    assert not (folder / first.local_path).exists()


async def test_an_item_removed_while_its_file_downloads_leaves_no_file(
    eager: tuple[Coach, Store, CountingFiles, Path],
) -> None:
    coach, store, files, folder = eager
    files.hold["file-1"] = asyncio.Event()
    await _send(coach, Command("new"), 1)
    await _send(coach, photo(1), 2)
    await asyncio.wait_for(files.started.wait(), 10)  # the download has begun
    await _send(coach, Press(None, "remove", "1.1"), 3)
    files.hold["file-1"].set()
    await coach.drain()
    assert await _items(store) == ()
    assert [p for p in folder.rglob("*") if p.is_file()] == []
