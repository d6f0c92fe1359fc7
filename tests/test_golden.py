"""Golden texts: every channel's text and the channel menu of realistic cases, in zh and en.

Each expected file, tests/golden/<case>/<lang>/<channel>.txt, holds what the user receives for
one reply: each message's HTML, then its buttons (text → copy / url / data). A change to a
template or to the code that feeds it shows up as a readable diff of these files in review.

Rewrite the files after a reviewed change with:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from conversations.core import channels
from conversations.core.engine import PRESET_WINDOWS
from conversations.core.evidence_kinds import EvidenceClaim, EvidenceGroup, EvidenceItem
from conversations.core.model import (
    Case,
    Channel,
    Contact,
    DemandAction,
    IssueType,
    Lang,
    LogEntry,
    PaidWith,
    TimelineEvent,
    Unknown,
)
from conversations.core.replies import Reply
from conversations.core.timing import Window, WindowUnit
from conversations.texts.messages import OutMessage
from conversations.texts.rendering import Texts

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
TZ = ZoneInfo("Asia/Shanghai")
# 16:30 in Shanghai: the follow-up's 18:00 is under two hours away, so it moves to tomorrow.
NOW = datetime(2024, 3, 5, 8, 30, tzinfo=UTC)
TEXTS = Texts()
MENU = "menu"
CASES_IN_ENGLISH = "GiftCardHub"  # the platform of the one case an English-speaking user made
REPLIES: tuple[str, ...] = (*channels.TEXT_CHANNELS, MENU)


def _sh(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A 2024 time as the user typed it in Shanghai, stored in UTC like the engine does."""
    return datetime(2024, month, day, hour, minute, tzinfo=TZ).astimezone(UTC)


def _case(no: int, **facts: Any) -> Case:
    return replace(Case(
        no=no,
        created_at=_sh(3, 4, 9),
        status="confirmed",
        events_done=True,
        contacts_done=True,
        rule_done=True,
        evidence_done=True,
        confirmed_at=_sh(3, 5, 9),
    ), **facts)


CASES: dict[str, Case] = {
    # The seed's own story: support promised 24 hours, a rule of the platform, all the evidence
    # and the company looked up in the 公示系统; the user typed their own demand.
    "invalid_code_full": _case(
        3,
        platform="未来卡盟",
        order_no="WL20240302001",
        product="Steam充值卡 100元",
        amount_cents=9800,
        purchased_at=_sh(3, 1, 20, 5),
        issue_type=IssueType.INVALID_CODE,
        events=(
            TimelineEvent(_sh(3, 2, 10, 20), "激活提示卡密无效"),
            TimelineEvent(_sh(3, 3, 10, 12), "客服回复:已提交技术"),
        ),
        contacts=(
            Contact(
                Channel.PLATFORM_SUPPORT,
                _sh(3, 3, 10, 12),
                "工号 8801",
                "24小时内处理",
                Window("24小时内", 24, WindowUnit.HOURS),
            ),
        ),
        demand_action=DemandAction.REISSUE_CODE,
        demand_text="补发等值卡密或全额退款",
        demand_deadline=PRESET_WINDOWS["48h"],
        rule_citation="《虚拟商品售后规则》第5条:卡密失效需在24小时内处理",
        evidence_claims=(
            EvidenceClaim.ORDER_SCREENSHOT,
            EvidenceClaim.PAYMENT_RECORD,
            EvidenceClaim.CODE_SCREENSHOT,
            EvidenceClaim.FAILURE_SCREENSHOT,
            EvidenceClaim.CHAT_LOG,
        ),
        company_name="杭州未来网络科技有限公司",
        company_code="91330106MA2H0XKQ2P",
        company_address="浙江省杭州市西湖区文三路100号",
    ),
    # Another platform; support and email both tried (a ticket with a preset window, an email
    # whose promise carries its own window): the ladder now recommends 12315. Company name only.
    "used_code_escalated": _case(
        12,
        platform="星辰游戏商城",
        order_no="XC-88213370",
        product="网易一卡通 50元",
        amount_cents=4850,
        purchased_at=_sh(2, 27, 21, 40),
        issue_type=IssueType.USED_CODE,
        events=(
            TimelineEvent(_sh(2, 27, 21, 45), "充值时提示该卡已被使用"),
            TimelineEvent(_sh(2, 28, 9, 30), "提交工单,附上卡密截图"),
            TimelineEvent(_sh(3, 2, 14, 0), "客服说卡密是正常发出的,不予处理"),
        ),
        contacts=(
            Contact(Channel.PLATFORM_SUPPORT, None, "工单 T-2024-0311", None,
                    PRESET_WINDOWS["24h"]),
            Contact(Channel.EMAIL, _sh(3, 3, 8, 15), None, "3个工作日内回复",
                    Window("3个工作日内", 3, WindowUnit.WORKING_DAYS)),
        ),
        demand_action=DemandAction.FULL_REFUND,
        demand_deadline=PRESET_WINDOWS["3wd"],
        evidence_claims=(EvidenceClaim.PAYMENT_RECORD, EvidenceClaim.EMAILS),
        company_name="深圳星辰互娱科技有限公司",
        paid_with=PaidWith.WECHAT,
        # The email was answered with a refusal, logged through “收到回复” → “拒绝处理”.
        log=(
            LogEntry(_sh(3, 4, 10, 0), "reply", "经核查卡密已于发货后被兑换,不予退款"),
            LogEntry(_sh(3, 4, 10, 1), "refused"),
        ),
    ),
    # Nothing tried yet, an absolute deadline the user typed, no rule, no evidence, no company.
    "not_delivered_absolute": _case(
        1,
        platform="未来卡盟",
        order_no="202403051023456789",
        product="腾讯Q币 100个",
        amount_cents=10000,
        purchased_at=_sh(3, 5, 10, 23),
        issue_type=IssueType.NOT_DELIVERED,
        events=(TimelineEvent(_sh(3, 5, 11, 0), "付款成功,订单一直显示“处理中”"),),
        demand_action=DemandAction.FULL_REFUND,
        demand_deadline=Window("明天下午6点前", until=_sh(3, 6, 18)),
    ),
    # The user cannot find the order number nor remember the amount or the time of purchase:
    # the texts leave those out or point to the payment record, never a blank or "None".
    "not_delivered_unknowns": _case(
        10,
        platform="易卡网",
        product="网易一卡通 2张",
        unknown=(Unknown.ORDER_NO, Unknown.AMOUNT, Unknown.PURCHASE_TIME),
        issue_type=IssueType.NOT_DELIVERED,
        events=(TimelineEvent(None, "付款后一直没收到卡密"),),
        contacts=(Contact(Channel.PLATFORM_SUPPORT, _sh(3, 4, 20, 0), None, None, None),),
        demand_action=DemandAction.FULL_REFUND,
        demand_deadline=PRESET_WINDOWS["24h"],
    ),
    # Everything the user typed is full of HTML and Markdown characters, quotes and emoji.
    "double_charge_markup": _case(
        7,
        platform="A&B卡盟 <旗舰店>",
        order_no="DC_2024-0305-77",
        product='"王者荣耀" 点券 <648> & 礼包 🎮',
        amount_cents=64800,
        purchased_at=_sh(3, 4, 22, 10),
        issue_type=IssueType.DOUBLE_CHARGE,
        events=(
            TimelineEvent(_sh(3, 4, 22, 11), "支付宝扣了两次 648 元 💸 <b>没到账</b> & 没退"),
            TimelineEvent(_sh(3, 4, 23, 0), "客服说 *稍等* _马上_ 处理 [链接](http://x.y) `code`"),
        ),
        contacts=(
            Contact(Channel.PLATFORM_SUPPORT, _sh(3, 4, 23, 0), '工号 <8801> & "小王"',
                    "“尽快”退 😡 <明天>", None),
            # A reply that came with a new promise (“收到回复” → “给了新的承诺” → 24小时内).
            Contact(Channel.PLATFORM_SUPPORT, _sh(3, 5, 9, 1), None, None, PRESET_WINDOWS["24h"]),
        ),
        log=(LogEntry(_sh(3, 5, 9, 0), "reply", "已提交财务 <3天> & 请耐心等待"),),
        demand_action=DemandAction.REFUND_DIFFERENCE,
        demand_text="退还重复扣除的 648 元 & 说明原因 <尽快>",
        paid_with=PaidWith.ALIPAY,
        demand_deadline=PRESET_WINDOWS["24h"],
        rule_citation="《充值规则》第3条 \"重复扣款 24 小时内原路退回\" <官网 & App>",
        evidence_claims=(EvidenceClaim.PAYMENT_RECORD, EvidenceClaim.CHAT_LOG),
        company_name="A&B <网络> 科技有限公司",
        company_code="91440300MA5G8B9X08",
        company_address='广东省深圳市南山区 "科技园" <A座> & 3楼',
    ),
    # Support stalled; a call, a 12315 complaint and a public 黑猫 complaint already made:
    # mediation is next. The phone contact has a time only.
    "support_stalling_to_mediation": _case(
        5,
        platform="未来卡盟",
        order_no="WL20240220088",
        product="原神 创世结晶 6480",
        amount_cents=64800,
        purchased_at=_sh(2, 20, 13, 0),
        issue_type=IssueType.SUPPORT_STALLING,
        events=(
            TimelineEvent(_sh(2, 20, 13, 5), "充值未到账"),
            TimelineEvent(_sh(2, 21, 10, 0), "在线客服只回复“已提交技术”"),
            TimelineEvent(_sh(2, 26, 10, 0), "客服不再回复"),
        ),
        contacts=(
            Contact(Channel.PLATFORM_SUPPORT, _sh(2, 21, 10, 0), None, "已提交技术", None),
            Contact(Channel.PHONE, _sh(2, 27, 15, 30)),
            Contact(Channel.C12315, _sh(2, 29, 9, 0), "投诉编号 1100202402290001", None,
                    Window("7个工作日内", 7, WindowUnit.WORKING_DAYS)),
            Contact(Channel.HEIMAO, _sh(3, 1, 9, 0), "17352xxxx", None, None),
        ),
        demand_action=DemandAction.COMPENSATION,
        demand_deadline=PRESET_WINDOWS["3wd"],
        rule_citation="《用户服务协议》第8.2条:客服应在48小时内答复",
        evidence_claims=(EvidenceClaim.ORDER_SCREENSHOT, EvidenceClaim.CHAT_LOG,
                         EvidenceClaim.CALL_RECORDING),
        # Files the user sent: once there are any, the texts list them instead of the claims.
        evidence=(
            EvidenceItem(1, "photo", EvidenceGroup.PROBLEM, _sh(3, 1, 9, 30),
                         description="充值记录页面,一直显示“充值中”"),
            EvidenceItem(2, "text", EvidenceGroup.COMMS, _sh(3, 1, 9, 31),
                         what=EvidenceClaim.CHAT_LOG, origin_at=_sh(2, 21, 10, 0),
                         sender="未来卡盟客服", text="已提交技术,请耐心等待"),
            EvidenceItem(3, "pdf", EvidenceGroup.ORDER, _sh(3, 1, 9, 40),
                         what=EvidenceClaim.PAYMENT_RECORD, file_name="支付宝账单.pdf"),
        ),
        company_name="杭州未来网络科技有限公司",
        company_code="91330106MA2H0XKQ2P",
    ),
    # An English-speaking user on a third platform: their own words, their own relative windows
    # and a demand they typed themselves.
    "aftersales_delay_english": _case(
        2,
        platform="GiftCardHub",
        order_no="GCH-5530192",
        product="Apple Gift Card $50 (US)",
        amount_cents=35000,
        purchased_at=_sh(2, 25, 19, 30),
        issue_type=IssueType.AFTERSALES_DELAY,
        events=(
            TimelineEvent(_sh(2, 25, 19, 40), "Redeem page said the card was already redeemed"),
            TimelineEvent(_sh(2, 26, 9, 0), "Support opened an after-sales case"),
            TimelineEvent(_sh(3, 1, 9, 0), "Still “under review”, no new information"),
        ),
        contacts=(
            Contact(Channel.EMAIL, _sh(2, 26, 9, 0), "case #AS-7781",
                    "reply within 3 working days",
                    Window("within 3 working days", 3, WindowUnit.WORKING_DAYS)),
        ),
        demand_action=DemandAction.CUSTOM,
        demand_text="refund the full 350 yuan to my Alipay account",
        demand_deadline=Window("within 5 days", 5, WindowUnit.DAYS),
        evidence_claims=(EvidenceClaim.ORDER_SCREENSHOT, EvidenceClaim.EMAILS),
    ),
    # "Other", in the user's own words; a contact through another channel with only a reference,
    # a demand they typed and an absolute deadline; the company without its code.
    "other_wrong_account": _case(
        9,
        platform="快充小店",
        order_no="KC0099812",
        product="和平精英 660点券",
        amount_cents=6000,
        purchased_at=_sh(3, 3, 12, 0),
        issue_type=IssueType.OTHER,
        issue_detail="点券充值到了别人的游戏账号,不是我下单时填写的账号",
        events=(
            TimelineEvent(_sh(3, 3, 12, 30), "游戏里没有收到点券"),
            TimelineEvent(_sh(3, 3, 14, 0), "订单详情里的账号不是我填写的 12345678"),
        ),
        contacts=(
            Contact(Channel.OTHER, None, "店铺微信客服 kc-kefu01", None, None),
            Contact(Channel.PHONE, _sh(3, 4, 9, 0), None, "明天下午6点前回电",
                    Window("明天下午6点前", until=_sh(3, 5, 18))),
        ),
        demand_action=DemandAction.CUSTOM,
        demand_text="把660点券重新充值到我的账号 12345678",
        demand_deadline=Window("3月8日中午12点前", until=_sh(3, 8, 12)),
        company_name="成都快充电子商务有限公司",
        company_address="四川省成都市高新区天府大道 1 号",
    ),
}


def reply_for(case: Case, name: str, lang: Lang = Lang.ZH) -> Reply:
    """The reply a user gets for one channel, or the channel menu; an English-speaking user's
    case in Chinese is the text made for them to submit (“This text in Chinese”)."""
    if name == MENU:
        return channels.menu(case)
    translated = lang is Lang.ZH and case.platform == CASES_IN_ENGLISH
    return channels.channel_reply(case, name, NOW, TZ, translated)


def show(messages: list[OutMessage]) -> str:
    """The messages as the golden files hold them: HTML, then buttons, for each message."""
    out: list[str] = []
    for i, message in enumerate(messages, 1):
        out.append(f"=== message {i} of {len(messages)} ===")
        out.append(message.html)
        if message.buttons:
            out.append("--- buttons ---")
        for r, row in enumerate(message.buttons, 1):
            for b in row:
                if b.copy is not None:
                    what = "copy: " + b.copy.replace("\n", "\\n")
                elif b.url is not None:
                    what = f"url: {b.url}"
                else:
                    what = f"data: {b.data}"
                out.append(f"[{r}] {b.text} → {what}")
    return "\n".join(out) + "\n"


def golden_path(case: str, lang: Lang, name: str) -> Path:
    return GOLDEN_DIR / case / lang.value / f"{name}.txt"


def _check(path: Path, actual: str) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != actual:
            path.write_text(actual, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8") if path.exists() else ""
    if actual != expected:
        rel = path.relative_to(GOLDEN_DIR.parent.parent)
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"{rel} (expected{'' if path.exists() else ', missing'})",
                tofile=f"{rel} (rendered)",
            )
        )
        pytest.fail(
            f"{rel} differs from the rendered text; review the diff, then rewrite the golden "
            f"files with UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py\n{diff}",
            pytrace=False,
        )


@pytest.mark.parametrize("name", REPLIES)
@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("case_name", list(CASES))
def test_rendered_text_matches_its_golden_file(case_name: str, lang: Lang, name: str) -> None:
    messages = TEXTS.render(reply_for(CASES[case_name], name, lang), lang, TZ)
    _check(golden_path(case_name, lang, name), show(messages))


def test_no_golden_file_is_left_over() -> None:
    expected = {golden_path(c, lang, n) for c in CASES for lang in Lang for n in REPLIES}
    present = set(GOLDEN_DIR.rglob("*.txt"))
    stale = sorted(present - expected)
    if UPDATE:
        for path in stale:
            path.unlink()
        return
    assert not stale, f"golden files no test renders (delete them, or UPDATE_GOLDEN=1): {stale}"


def test_the_cases_cover_what_the_texts_branch_on() -> None:
    cases = list(CASES.values())
    assert {c.issue_type for c in cases} == set(IssueType)
    assert {c.demand_action for c in cases} == set(DemandAction)
    assert any(c.platform != "未来卡盟" for c in cases)
    branches: list[Callable[[Case], bool]] = [
        lambda c: bool(c.contacts),
        lambda c: any(x.ref for x in c.contacts),
        lambda c: bool(c.rule_citation),
        lambda c: bool(c.evidence_claims),
        lambda c: bool(c.evidence),
        lambda c: bool(c.company_name),
        lambda c: bool(c.company_code),
        lambda c: bool(c.demand_text),
        lambda c: bool(c.demand_deadline and c.demand_deadline.until),
        lambda c: c.demand_deadline in PRESET_WINDOWS.values(),
        lambda c: any(e.kind == "refused" for e in c.log),
        lambda c: bool(c.unknown),
    ]
    for has in branches:
        assert any(has(c) for c in cases) and not all(has(c) for c in cases)
    rungs = {channels.recommended(c)[1] for c in cases}
    assert {"why.rung0", "why.rung1", "why.rung2", "why.rung3", "why.rung4"} <= rungs
