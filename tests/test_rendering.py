"""Every template renders into HTML Telegram accepts; long texts split safely."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from conversations.core.channels import TEXT_CHANNELS, channel_reply, menu
from conversations.core.deadlines import explained
from conversations.core.engine import PRESET_WINDOWS, Ctx, Session, ask
from conversations.core.engine.views import (
    case_list_reply,
    case_view_replies,
    contact_added_reply,
)
from conversations.core.evidence import Album, checklist
from conversations.core.evidence_kinds import EvidenceClaim, EvidenceGroup, EvidenceItem
from conversations.core.model import (
    Case,
    Channel,
    Contact,
    DemandAction,
    Doubt,
    DoubtKind,
    IssueType,
    Lang,
    TimelineEvent,
    Unknown,
)
from conversations.core.reminders import reminder_replies
from conversations.core.replies import Reply
from conversations.core.states import State
from conversations.core.timing import Window, WindowUnit
from conversations.texts.messages import OutMessage
from conversations.texts.rendering import TEMPLATES_DIR, Texts
from conversations.texts.telegram_html import TEXT_LIMIT, split_html, to_plain
from tests.fake_telegram import HTMLParseError, parse_html

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2024, 3, 5, 4, 0, tzinfo=UTC)
TEXTS = Texts()
NASTY = 'a<b>&amp;"quote" \'x\' 🙂 *md* _x_ `c` [l](u)'


def _case(**changes: Any) -> Case:
    base = Case(
        no=3,
        created_at=datetime(2024, 3, 2, 2, 0, tzinfo=UTC),
        platform="未来卡盟",
        order_no="WL20240302001",
        product="Steam充值卡 100元",
        amount_cents=9850,
        purchased_at=datetime(2024, 3, 2, 2, 15, tzinfo=UTC),
        issue_type=IssueType.INVALID_CODE,
        events=(
            TimelineEvent(datetime(2024, 3, 2, 2, 20, tzinfo=UTC), "激活提示卡密无效"),
            TimelineEvent(datetime(2024, 3, 3, 2, 12, tzinfo=UTC), "客服回复:已提交技术"),
            TimelineEvent(None, "换了一台手机再试,还是提示无效"),  # the time not remembered
        ),
        events_done=True,
        contacts=(
            Contact(
                Channel.PLATFORM_SUPPORT,
                datetime(2024, 3, 3, 2, 12, tzinfo=UTC),
                "工号 8801",
                "24小时内处理",
                Window("24小时内", 24, WindowUnit.HOURS),
            ),
            Contact(Channel.EMAIL, None, None, None, PRESET_WINDOWS["3wd"]),
        ),
        contacts_done=True,
        demand_action=DemandAction.REISSUE_CODE,
        demand_text="补发等值卡密或全额退款",
        demand_deadline=PRESET_WINDOWS["48h"],
        rule_citation="《虚拟商品售后规则》第5条:卡密失效需在24小时内处理",
        status="confirmed",
        confirmed_at=datetime(2024, 3, 2, 3, 0, tzinfo=UTC),
    )
    return replace(base, **changes)


CASES = {
    "full": _case(),
    "nasty": _case(order_no="A<1>&B", product=NASTY, platform=NASTY, events=(
        TimelineEvent(datetime(2024, 3, 2, 2, 20, tzinfo=UTC), NASTY),), rule_citation=NASTY,
        demand_text=NASTY),
    "other_absolute": _case(
        issue_type=IssueType.OTHER, issue_detail="充值到了别人的账号", contacts=(),
        demand_action=DemandAction.FULL_REFUND, demand_text=None, rule_citation=None,
        demand_deadline=Window("明天下午6点前", until=datetime(2024, 3, 4, 10, 0, tzinfo=UTC)),
    ),
    "draft_empty": Case(no=1, created_at=datetime(2024, 3, 2, tzinfo=UTC)),
    # The user could not find the order number nor remember the amount or the purchase time.
    "unknowns": _case(order_no=None, amount_cents=None, purchased_at=None,
                      unknown=tuple(Unknown)),
    # What a story said two ways, asked about before anything else; one draft per kind.
    **{
        f"doubt_{d.kind}": Case(no=1, created_at=datetime(2024, 3, 2, tzinfo=UTC), doubts=(d,))
        for d in (
            Doubt(DoubtKind.DAY, "3号" + NASTY, ("2024-03-03", "2024-02-03"), times=(
                datetime(2024, 3, 2, 16, 0, tzinfo=UTC), datetime(2024, 2, 2, 16, 0, tzinfo=UTC))),
            Doubt(DoubtKind.WEEKDAY, "这周五之前", ("2024-03-08",), windows=(
                Window("这周五之前", until=datetime(2024, 3, 8, 15, 59, tzinfo=UTC)),)),
            Doubt(DoubtKind.AMOUNT, "88还是79", ("¥88.00", "¥79.00"), amounts=(8800, 7900)),
        )
    },
}
ITEMS = (
    EvidenceItem(1, "photo", EvidenceGroup.ORDER, datetime(2024, 3, 2, 3, 0, tzinfo=UTC),
                 "f1", "u1", 80_000, "image/jpeg", None, "支付宝账单 <截图> & 订单"),
    EvidenceItem(2, "text", EvidenceGroup.COMMS, datetime(2024, 3, 3, 3, 0, tzinfo=UTC),
                 origin_at=datetime(2024, 3, 3, 2, 12, tzinfo=UTC), sender="客服<8801>",
                 text=NASTY),
    EvidenceItem(3, "pdf", EvidenceGroup.PROBLEM, datetime(2024, 3, 3, 4, 0, tzinfo=UTC),
                 "f3", "u3", 120_000, "application/pdf", "err&or.pdf"),
)
ALBUMS = (
    Album("a1", 1, (1, 2), duplicates=2, updated=1, too_big=1, full=1, unsupported=1),
    Album("a2", None, waiting=3, duplicates=1, too_big=1, full=2),
    Album("a3", 1),
)
EVENT = TimelineEvent(datetime(2024, 3, 2, 2, 20, tzinfo=UTC), NASTY)
CONTACT = CASES["full"].contacts[0]


def _data(name: str, case: Case) -> list[dict[str, Any]]:
    """Realistic data for one template; a few variants where the template branches."""
    complete = case.no != 1
    by_name: dict[str, list[dict[str, Any]]] = {
        "start": [{"drafts": []}, {"drafts": [case]}],
        "help": [{}],
        "cancelled": [{"case": case}],
        "cancel_nothing": [{}],
        "unknown_command": [{"name": "frob<nicate>"}],
        "notice_stale": [{}],
        "notice_not_found": [{}],
        "unsupported": [{"kind": k} for k in ("sticker", "photo", "edited", "weird")],
        "too_long": [{"length": 10000, "limit": 3000}],
        "idle_hint": [{"drafts": []}, {"drafts": [case]}],
        "offer_drafts": [{"drafts": [case]}],
        "resumed": [{"case": case}],
        "case_list": [
            dict(case_list_reply({}, Ctx(NOW, SH)).data),
            dict(case_list_reply(
                {c.no: c for c in (CASES["draft_empty"], case)}, Ctx(NOW, SH)
            ).data),
        ],
        "case_view": (
            [dict(r.data) for r in case_view_replies(case, Ctx(NOW, SH))] if complete else []
        ),
        "closed": [{"case": case}],
        "delete_choose": [{"cases": {}}, {"cases": {case.no: case}}],
        "delete_confirm": [{"case": case}],
        "deleted": [{"case": case}],
        "export_choose": [{"count": 0}, {"count": 2}],
        "exported": [{"case": case, "left_out": (), "pdf_left_out": (), "folder": "/x"},
                     {"case": case, "left_out": ("01-a.jpg", "02-b.pdf"),
                      "pdf_left_out": ("03-c.jpg",), "folder": "/x"}],
        "story_understood": [{"case": case, "found": ("order_no",)}, {"case": case, "found": ()}],
        "time_in_future": [{"at": datetime(2030, 1, 1, tzinfo=UTC)}],
        "event_added": [{"event": EVENT}],
        "event_removed": [{"event": EVENT}],
        "contact_removed": [{"contact": c} for c in CASES["full"].contacts],
        "too_many": [{"limit": 30}],
        "contact_added": [{"contact": c, "deadline": None} for c in CASES["full"].contacts]
        + ([dict(contact_added_reply(case, c, Ctx(NOW, SH)).data) for c in case.contacts]
           if complete and case.confirmed_at else []),
        "vague_demand": [{"text": "你们必须处理<&>"}],
        "amount_not_yuan": [{"text": "30 USD<&>"}],
        "unknown_noted": [{"what": u} for u in Unknown],
        "case_summary": [{"case": case, "first": True}, {"case": case, "first": False},
                         {"case": case, "first": True, "checks": checklist(case),
                          "windows": explained(case, SH, True)}],
        "company_saved": [{"case": case}],
        "evidence_added": [
            {"case": case, "items": list(items), "album": album, "limit": 50}
            for items in (ITEMS, ITEMS[:1], ()) for album in (None, *ALBUMS)
        ],
        "evidence_filed": [{"case": case, "items": list(ITEMS), "duplicates": d, "updated": u,
                            "full": f, "limit": 50} for d, u, f in ((0, 0, 0), (2, 1, 3))],
        "evidence_which_case": [{"count": n, "album": album, "limit": 50}
                                for n in (1, 3) for album in (None, *ALBUMS)],
        "evidence_full": [{"limit": 50, "inbox": inbox} for inbox in (True, False)],
        "evidence_duplicate": [{"item": item, "note": note} for item in (None, *ITEMS)
                               for note in (None, NASTY)],
        "evidence_too_big": [{"size": 25 * 1024 * 1024}],
        "evidence_list": [
            {"case": c, "checks": checklist(c), "items": list(c.evidence[:2]), "page": p,
             "pages": pages}
            for c in (replace(case, evidence=ITEMS), replace(case, evidence=()))
            for p, pages in ((0, 1), (1, 3))
        ],
        "evidence_item": [{"case": case, "item": i} for i in ITEMS],
        "evidence_removed": [{"case": case, "items": ITEMS[:2]}],
        "evidence_noted": [{"item": i, "note": NASTY, "refiled": r} for i in ITEMS
                           for r in (True, False)],
        "evidence_refiled": [{"case": case, "items": ITEMS[:2], "group": g} for g in EvidenceGroup],
        "notice_refiled": [{"group": g, "what": w} for g in EvidenceGroup
                           for w in (None, EvidenceClaim.PAYMENT_RECORD)],
        "resolved": [{"case": case}],
        "refused": [{"case": case, "next": Channel.C12315, "ask_company": ask}
                    for ask in (True, False)],
        "snoozed": [{"at": NOW, "deliver": NOW},
                    {"at": NOW, "deliver": NOW + timedelta(hours=9)}],
        "notice_snoozed": [{"at": NOW, "deliver": NOW}],
        "settings": [{"tz": "Asia/Shanghai", "quiet": q} for q in (True, False)],
        "reminder": [dict(r.data) for r in (
            reminder_replies(case, key, NOW, estimate, NOW + late, SH, late)[0]
            for key in ("contact:0", "demand", "snooze:1")
            for estimate, late in ((False, timedelta(0)), (True, timedelta(hours=5)))
        )] if complete and case.contacts else [],
        "case_menu": [dict(menu(case).data)] if complete else [],
    }
    return by_name.get(name, [{}])


def _top_level_templates(lang: Lang) -> list[str]:
    root = TEMPLATES_DIR / lang.value
    return sorted(
        p.stem for p in root.glob("*.j2") if not p.name.startswith("_") and p.stem != "labels"
    )


def _assert_telegram_accepts(html: str) -> str:
    try:
        parsed = parse_html(html)
    except HTMLParseError as exc:  # pragma: no cover - the failure message is the point
        pytest.fail(f"Telegram would reject this HTML ({exc}):\n{html}")
    assert 0 < len(parsed.text) <= TEXT_LIMIT
    return parsed.text


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("case_name", list(CASES))
def test_every_template_renders_into_html_telegram_accepts(lang: Lang, case_name: str) -> None:
    case = CASES[case_name]
    rendered = 0
    for name in _top_level_templates(lang):
        for data in _data(name, case):
            rendered += _accepted(TEXTS.render(Reply(name, data), lang, SH))
    if case.no != 1:  # a complete case: every channel's text, and its buttons
        for name in TEXT_CHANNELS:
            rendered += _accepted(TEXTS.render(channel_reply(case, name, NOW, SH), lang, SH))
    for state in State:
        if state is not State.IDLE:
            session = Session(state, 7, case.no, Contact(Channel.PHONE))
            rendered += _accepted(TEXTS.render(ask(session, case), lang, SH))
    assert rendered > 40


def _accepted(messages: list[OutMessage]) -> int:
    """Each message as Telegram would accept it, buttons within their limits; how many."""
    for message in messages:
        _assert_telegram_accepts(message.html)
        for b in (b for row in message.buttons for b in row):
            assert b.text and (b.data is None or len(b.data.encode()) <= 64)
            assert b.copy is None or 0 < len(b.copy) <= 256
    return len(messages)


def test_zh_and_en_have_the_same_templates_and_labels() -> None:
    def files(lang: str) -> set[Path]:
        root = TEMPLATES_DIR / lang
        return {p.relative_to(root) for p in root.rglob("*.j2")}

    assert files("zh") == files("en")
    assert set(TEXTS.labels(Lang.ZH)) == set(TEXTS.labels(Lang.EN))


@pytest.mark.parametrize("lang", list(Lang))
def test_user_text_comes_out_intact(lang: Lang) -> None:
    case = CASES["nasty"]
    for channel in (Channel.PLATFORM_SUPPORT, Channel.EMAIL):
        [message] = TEXTS.render(channel_reply(case, channel, NOW, SH), lang, SH)
        text = _assert_telegram_accepts(message.html)
        assert NASTY in text
        assert "A<1>&B" in text


def test_the_platform_support_text_puts_the_complaint_and_problem_first() -> None:
    case = CASES["full"]
    [message] = TEXTS.render(channel_reply(case, Channel.PLATFORM_SUPPORT, NOW, SH), Lang.ZH, SH)
    pre = _pre_blocks(message.html)[0]
    first = pre.splitlines()[0]
    assert first.startswith("【投诉】订单号WL20240302001")
    assert "卡密无效" in first and "48小时内" in first and "补发等值卡密或全额退款" in first
    assert "2024-03-02 10:15" in pre  # purchase time in the user's timezone
    # The latest dealing with the platform and its own rule; no more than five lines, since
    # the agent needs the problem, the order and the demand, not the regulators.
    assert "发送投诉邮件" in pre and "《虚拟商品售后规则》第5条" in pre
    assert len(pre.splitlines()) <= 5
    assert "12315" not in pre and "无理由" not in pre


def test_the_email_has_a_subject_and_three_parts_built_from_the_case() -> None:
    case = CASES["full"]
    [message] = TEXTS.render(channel_reply(case, Channel.EMAIL, NOW, SH), Lang.ZH, SH)
    subject, body = _pre_blocks(message.html)
    assert subject == "投诉订单号WL20240302001-卡密失效问题"
    parts = [body.index(h) for h in ("一、问题描述", "二、证据清单", "三、诉求")]
    assert parts == sorted(parts)
    assert "98.50" in body and "2024-03-03 10:12" in body and "48小时内" in body


def test_an_absolute_deadline_is_shown_as_a_time_not_as_relative_words() -> None:
    case = CASES["other_absolute"]
    [message] = TEXTS.render(channel_reply(case, Channel.PLATFORM_SUPPORT, NOW, SH), Lang.ZH, SH)
    assert "2024-03-04 18:00前" in to_plain(message.html)
    assert "明天" not in to_plain(message.html)


def _pre_blocks(html: str) -> list[str]:
    parsed = parse_html(html)
    blocks = []
    for e in parsed.entities:
        if e["type"] == "pre":
            raw = parsed.text.encode("utf-16-le")
            start, end = e["offset"] * 2, (e["offset"] + e["length"]) * 2
            blocks.append(raw[start:end].decode("utf-16-le"))
    return blocks


# --- splitting -------------------------------------------------------------------------------


def _long_html(lines: int, pre_every: int) -> str:
    out = []
    for i in range(lines):
        if i % pre_every == 0:
            out.append(f"<pre>块 {i} 🙂 &lt;x&gt;\n" + "内容行 &amp; 更多\n" * 3 + "</pre>")
        else:
            out.append(f"<b>第 {i} 行</b> 普通文字 &amp; 🙂 " + "字" * (i % 50))
    return "\n".join(out)


@pytest.mark.parametrize(("lines", "pre_every"), [(50, 5), (400, 7), (1200, 3), (300, 1)])
def test_split_parts_are_valid_within_the_limit_and_lose_nothing(
    lines: int, pre_every: int
) -> None:
    html = _long_html(lines, pre_every)
    parts = split_html(html)
    assert len(parts) > 1 or len(html) <= TEXT_LIMIT
    for part in parts:
        text = _assert_telegram_accepts(part)
        assert len(text.encode("utf-16-le")) // 2 <= TEXT_LIMIT
    joined = "".join(to_plain(p) for p in parts).replace("\n", "")
    assert joined == to_plain(html).replace("\n", "")


def test_split_prefers_line_ends_outside_pre_blocks() -> None:
    html = _long_html(400, 7)
    for part in split_html(html):
        assert part.count("<pre>") == part.count("</pre>")
    # No pre block was cut in two: each block's first line still has its three content lines.
    assert all(p.count("<pre>块") == p.count("内容行 &amp; 更多\n内容行 &amp; 更多\n内容行")
               for p in split_html(html))


def test_one_huge_pre_block_is_split_into_valid_pre_blocks() -> None:
    html = "<pre>" + "\n".join(f"行 {i} " + "字" * 60 for i in range(300)) + "</pre>"
    parts = split_html(html)
    assert len(parts) > 1
    for part in parts:
        _assert_telegram_accepts(part)
        assert part.startswith("<pre>") and part.endswith("</pre>")


# --- what the channel texts say (issue 3's audit) --------------------------------------------


def _texts(case_name: str, channel: str, lang: Lang = Lang.ZH) -> tuple[str, list[str]]:
    """A golden case's channel text as the reader sees it, and its <pre> blocks."""
    from tests.test_golden import CASES as GOLDEN
    from tests.test_golden import NOW as GOLDEN_NOW

    # An English user's case in Chinese is the text made for them to submit.
    english = case_name == "aftersales_delay_english" and lang is Lang.ZH
    reply = channel_reply(GOLDEN[case_name], channel, GOLDEN_NOW, SH, english)
    [message] = TEXTS.render(reply, lang, SH)
    return parse_html(message.html).text, _pre_blocks(message.html)


def test_a_stalling_answer_is_not_a_promise_and_12315_only_decides_acceptance() -> None:
    text, _ = _texts("support_stalling_to_mediation", Channel.EMAIL)
    assert "对方答复“已提交技术”,未给出处理时限" in text
    assert "承诺“已提交技术”" not in text
    assert "市场监管部门应在7个工作日内(即2024-03-11 23:59前)决定是否受理" in text
    assert "承诺7个工作日内处理" not in text
    summary = TEXTS.render_html("contact_added", {
        "contact": Contact(Channel.PLATFORM_SUPPORT, None, None, "已提交技术"),
        "deadline": None}, Lang.ZH, SH)
    assert "答复“已提交技术”" in summary and "承诺" not in summary


def test_a_logged_refusal_and_a_renewed_promise_are_told_with_their_times() -> None:
    text, _ = _texts("used_code_escalated", Channel.C12315)
    assert "2024-03-04 10:00答复“经核查卡密已于发货后被兑换,不予退款”,拒绝处理" in text
    text, _ = _texts("double_charge_markup", Channel.EMAIL)
    assert "2024-03-05 09:00答复“已提交财务 <3天> & 请耐心等待”" in text
    assert "对方再次承诺24小时内(即2024-03-06 09:01前)处理" in text


def test_the_follow_up_names_the_broken_promise_or_claims_no_contact() -> None:
    _, [pre] = _texts("invalid_code_full", "followup")
    assert "2024-03-03 10:12 我已通过平台内客服(工号 8801)反映" in pre
    assert "对方承诺24小时内(即2024-03-04 10:12前)处理,现已逾期" in pre
    _, [pre] = _texts("not_delivered_absolute", "followup")
    for claim in ("此前", "反映", "再次"):
        assert claim not in pre, claim
    assert "2024-03-06 18:00前" in pre


def test_deadlines_are_times_with_the_users_words_and_agree_between_texts() -> None:
    for channel in (Channel.PLATFORM_SUPPORT, Channel.HEIMAO, Channel.MEDIATION, "followup"):
        text, _ = _texts("invalid_code_full", channel)
        assert "2024-03-07 09:00前(48小时内)补发等值卡密或全额退款" in text, channel
        assert "于48小时内" not in text, channel
    # The regulator works to its own time limits: 12315's demand sets the merchant none.
    _, pres = _texts("invalid_code_full", Channel.C12315)
    assert "请被投诉方补发等值卡密或全额退款。" in pres
    text, _ = _texts("other_wrong_account", Channel.PHONE)
    assert "承诺“明天下午6点前回电”(即2024-03-05 18:00前)" in text


def test_an_english_case_in_chinese_keeps_its_words_apart_and_titles_whole() -> None:
    text, pres = _texts("aftersales_delay_english", Channel.HEIMAO)
    # A Chinese text holds no English: the demand typed in English is said in our words, and
    # notes typed in English stay out (names such as the product's are kept as written).
    assert "(5天内)全额退款350.00元" in text
    names = ("GiftCardHub", "Apple Gift Card", "US", "GCH", "AS", "case")
    words = set(re.findall(r"[A-Za-z]{2,}", text)) - {w for n in names for w in n.split()}
    assert not words, words
    assert pres[0] == "GiftCardHub售后拖延问题"
    titles = {
        "double_charge_markup": "A&B卡盟 <旗舰店>重复扣款问题,要求退还重复扣款",
        "other_wrong_account": "快充小店点券充值到了别人的游戏账号问题",
        "support_stalling_to_mediation": "未来卡盟客服推诿不处理问题,要求赔偿损失",
    }
    for case_name, title in titles.items():
        for channel in (Channel.HEIMAO, Channel.JUTOUSU):
            _, pres = _texts(case_name, channel)
            assert pres[0] == title and len(title) <= 30


def test_the_phone_script_and_email_threaten_the_next_rung_not_one_already_used() -> None:
    for channel in (Channel.PHONE, Channel.EMAIL):
        text, _ = _texts("support_stalling_to_mediation", channel)  # 12315 already filed
        assert "我将申请调解" in text or "本人将申请调解" in text, channel
        assert "将通过全国12315平台" not in text, channel


def test_evidence_lists_are_the_cases_items_with_their_times() -> None:
    text, pres = _texts("support_stalling_to_mediation", Channel.C12315)
    upload = pres[-1]
    for restated in ("订单记录:", "问题经过:", "沟通记录:"):
        assert restated not in upload
    assert "客服聊天记录(转发的消息,2024-02-21 10:00 未来卡盟客服)" in upload
    assert "支付记录(PDF,支付宝账单.pdf)" in upload
    assert "订单截图(待上传)" in upload and "通话录音(待上传)" in upload
    for channel in (Channel.HEIMAO, Channel.JUTOUSU):
        text, _ = _texts("support_stalling_to_mediation", channel)
        assert "证据:\n1. 问题记录:充值记录页面" in text
    text, pres = _texts("not_delivered_absolute", Channel.C12315)
    assert "先准备订单截图、支付记录、客服聊天记录" in text


def test_rules_demands_and_signatures_read_as_a_consumer_would_write_them() -> None:
    text, _ = _texts("invalid_code_full", Channel.PLATFORM_SUPPORT)
    assert ("根据贵平台《虚拟商品售后规则》第5条“卡密失效需在24小时内处理”,现已超过54小时,"
            "请按规则处理") in text
    assert "通过平台内客服(工号 8801)反映" in text
    assert "如需核查,本人可提供订单截图、支付记录、卡密截图等记录" in text
    text, _ = _texts("invalid_code_full", Channel.HEIMAO)
    assert "依据该平台《虚拟商品售后规则》第5条规定:卡密失效需在24小时内处理" in text
    text, _ = _texts("invalid_code_full", Channel.MEDIATION)
    assert "申请人:______(姓名、联系电话由本人填写)" in text
    text, [_, body] = _texts("invalid_code_full", Channel.EMAIL)
    assert body.endswith("投诉人:______\n平台账号:______\n联系电话:______")
    text, _ = _texts("not_delivered_absolute", Channel.PLATFORM_SUPPORT)
    assert "全额退款100.00元" in text
    assert "自2024-03-05 10:23付款至今已超过6小时,商品仍未到账" in text
    text, [pre, *_] = _texts("support_stalling_to_mediation", Channel.PLATFORM_SUPPORT)
    assert pre.startswith("【投诉】订单号WL20240220088(原神 创世结晶 6480):充值未到账,")
    assert "赔偿损失,金额为订单实付的648.00元" in pre


def test_public_complaints_name_the_brand_the_amount_and_hide_private_details() -> None:
    for channel in (Channel.HEIMAO, Channel.JUTOUSU):
        text, pres = _texts("invalid_code_full", channel)
        assert "未来卡盟" in pres and "98.00" in pres
        assert "涉诉金额" in text and "遮挡卡密" in text
    text, _ = _texts("invalid_code_full", Channel.C12315)
    assert "遮挡卡密" in text


def test_a_story_sentence_that_is_also_a_contact_is_stated_once_in_the_texts() -> None:
    from conversations.core.textfacts import story_events

    at = datetime(2024, 3, 3, 10, 12, tzinfo=UTC)
    restated = TimelineEvent(at, "联系客服(工号8801),说24小时内处理")
    other = TimelineEvent(at, "客服开了售后工单")  # the same minute, but news of its own
    failed = TimelineEvent(at - timedelta(hours=1), "激活提示卡密无效")
    case = replace(_case(), events=(failed, restated, other), contacts=(
        Contact(Channel.PLATFORM_SUPPORT, at, agent="8801", promise="24小时内处理"),
    ))
    assert story_events(case) == (failed, other)


def test_time_since_a_contact_known_only_to_the_day_is_never_overstated() -> None:
    from conversations.core.textfacts import elapsed
    from conversations.core.timing import Part, RoughTime

    day = RoughTime.of(datetime(2025, 3, 4, tzinfo=SH), Part.DAY)
    case = replace(_case(), contacts=(Contact(Channel.PLATFORM_SUPPORT, day),))
    since = elapsed(case, datetime(2025, 3, 5, 13, 30, tzinfo=SH), SH)
    assert since is not None and since.hours == 13  # from the end of 03-04, not its 00:00


def test_warming_compiles_every_template_once_so_no_user_waits_for_it() -> None:
    texts = Texts()
    assert texts.warm() == len(list(TEMPLATES_DIR.rglob("*.j2")))
    # Compiled and cached: asking again gives the very same template object.
    name = "zh/channels/c12315.j2"
    assert texts.env.get_template(name) is texts.env.get_template(name)
