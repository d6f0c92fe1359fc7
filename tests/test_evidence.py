"""Evidence in the engine: filing, albums, forwards, limits, the checklist, and the texts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conversations.channels import channel_reply
from conversations.events import Evidence, Press
from conversations.evidence import MAX_FILE_BYTES, MAX_ITEMS, checklist
from conversations.model import EvidenceClaim, EvidenceGroup, Lang
from conversations.rendering import Texts
from conversations.states import State
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
            case.with_(company_name="某某网络科技有限公司"), name, NOW + timedelta(0), SH),
            Lang.ZH, SH))
        assert "订单截图" in html and "2025-03-03 10:12 客服(8801)" in html, name
