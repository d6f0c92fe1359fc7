"""Fact extraction from user text: tables per parser, then whole stories."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from conversations.core.model import (
    Channel,
    Contact,
    DemandAction,
    IssueType,
    StoryFacts,
    TimelineEvent,
)
from conversations.core.timing import Part, RoughTime, Window, WindowUnit
from conversations.reading.amounts import parse_amount
from conversations.reading.demands import is_vague_demand, parse_demand
from conversations.reading.ids import parse_ids, parse_order_no
from conversations.reading.issues import classify_issue
from conversations.reading.names import find_platform, find_product
from conversations.reading.normalize import read
from conversations.reading.rules import rule_citation_span
from conversations.reading.story import extract_story

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 3, 5, 12, 0, tzinfo=TZ)  # a Wednesday

H, D, WD = WindowUnit.HOURS, WindowUnit.DAYS, WindowUnit.WORKING_DAYS
REISSUE, REFUND = DemandAction.REISSUE_CODE, DemandAction.FULL_REFUND
DIFFERENCE, COMPENSATION = DemandAction.REFUND_DIFFERENCE, DemandAction.COMPENSATION


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """A Shanghai wall-clock time, in UTC as the parsers return it."""
    return datetime(year, month, day, hour, minute, second, tzinfo=TZ).astimezone(UTC)


def day(year: int, month: int, d: int) -> datetime:
    """A Shanghai day given without a time (rough, 00:00 stands in), in UTC."""
    return RoughTime.of(datetime(year, month, d, tzinfo=TZ), Part.DAY).astimezone(UTC)


def rough(year: int, month: int, d: int, hour: int, part: Part) -> datetime:
    """A part of a Shanghai day given without an hour, `hour` standing in for it, in UTC."""
    return RoughTime.of(datetime(year, month, d, hour, tzinfo=TZ), part).astimezone(UTC)


def rel(text: str, amount: int, unit: WindowUnit) -> Window:
    """A relative window."""
    return Window(text=text, amount=amount, unit=unit)


def until(text: str, year: int, month: int, d: int, hour: int, minute: int) -> Window:
    """A window that ends at a Shanghai wall-clock time."""
    return Window(text=text, until=at(year, month, d, hour, minute))


def ev(when: datetime, text: str) -> TimelineEvent:
    """A timeline event."""
    return TimelineEvent(at=when, text=text)


# --- parse_amount --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("98元", 9800),
        ("98.5元", 9850),
        ("¥98", 9800),
        ("￥ 1,299.00", 129900),
        ("RMB 50", 5000),
        ("50 CNY", 5000),
        ("50块", 5000),
        ("一百二十块钱", 12000),
        ("五十元", 5000),
        ("花了八十八元", 8800),
        ("paid 98 yuan", 9800),
        # dollars are not yuan: left out rather than recorded as yuan
        ("$25", None),
        ("I paid 30 USD", None),
        ("25 dollars", None),
        ("1.5元", 150),
        # the paid amount wins over a face value, ¥ over $
        ("面值100元，实付98元", 9800),
        ("100元的Steam卡，花了95元", 9500),
        ("USD 10 or ¥70", 7000),
        ("扣款两次，每次30元", 3000),
        # no amount
        ("订单号WL20240302001", None),
        ("没有金额", None),
        ("买了3张卡", None),
    ],
)
def test_parse_amount(text: str, cents: int | None) -> None:
    assert parse_amount(text) == cents


# --- parse_order_no ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "order_no"),
    [
        ("订单号：WL20240302001", "WL20240302001"),
        ("订单编号 XC-20250301-7781", "XC-20250301-7781"),
        ("单号#12345678", "12345678"),
        ("order no. 99887766", "99887766"),
        ("Order number is AB-12345", "AB-12345"),
        ("order #CK9988776655", "CK9988776655"),
        ("order id: pt_77120931", "pt_77120931"),
        # bare tokens that cannot be much else
        ("WL20240302001", "WL20240302001"),
        ("202503041400123456", "202503041400123456"),
        # a phone number loses to a keyworded order number; alone after 订单号 it is taken
        ("手机13812345678，订单号 20250301888", "20250301888"),
        ("订单号13812345678", "13812345678"),
        # never a date, an amount, a ticket / agent id, or a short number
        ("我的订单2024-03-02买的", None),
        ("订单 98元", None),
        ("订单金额98元", None),
        ("工单号T2025030100", None),
        ("工号 8801", None),
        ("电话13812345678", None),
        ("订单号123", None),
        ("the order was placed", None),
        ("20250301", None),
    ],
)
def test_parse_order_no(text: str, order_no: str | None) -> None:
    assert parse_order_no(text) == order_no


# --- classify_issue ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "issue"),
    [
        ("卡密无效", IssueType.INVALID_CODE),
        ("激活失败", IssueType.INVALID_CODE),
        ("The code is invalid", IssueType.INVALID_CODE),
        ("提示卡密已被使用", IssueType.USED_CODE),
        ("卡密无效，提示已被兑换", IssueType.USED_CODE),
        ("卡密被人用了", IssueType.USED_CODE),
        ("already redeemed", IssueType.USED_CODE),
        ("一直没到账", IssueType.NOT_DELIVERED),
        ("付款后迟迟不到", IssueType.NOT_DELIVERED),
        ("never received the code", IssueType.NOT_DELIVERED),
        ("被重复扣款", IssueType.DOUBLE_CHARGE),
        ("扣了两次钱", IssueType.DOUBLE_CHARGE),
        ("I was charged twice", IssueType.DOUBLE_CHARGE),
        ("客服一直推诿", IssueType.SUPPORT_STALLING),
        ("客服只说已提交技术", IssueType.SUPPORT_STALLING),
        ("no reply from support", IssueType.SUPPORT_STALLING),
        ("售后一直拖着", IssueType.AFTERSALES_DELAY),
        ("they keep delaying", IssueType.AFTERSALES_DELAY),
        # the concrete problem wins over support behaviour
        ("客服不回复，卡密无效", IssueType.INVALID_CODE),
        ("售后拖延，一直没到账", IssueType.NOT_DELIVERED),
        ("hello", None),
        ("我不理解", None),
    ],
)
def test_classify_issue(text: str, issue: IssueType | None) -> None:
    assert classify_issue(text) == issue


# --- parse_demand / is_vague_demand --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("补发卡密", (REISSUE, None, None)),
        ("全额退款", (REFUND, None, None)),
        ("退差价", (DIFFERENCE, None, None)),
        ("赔偿损失", (COMPENSATION, None, None)),
        (
            "要求在48小时内补发等值卡密或全额退款",
            (REISSUE, "补发等值卡密或全额退款", rel("48小时内", 48, H)),
        ),
        ("退还差价20元并赔偿", (DIFFERENCE, "退还差价20元并赔偿", None)),
        ("不要补偿，只要退款", (REFUND, None, None)),
        (
            "重发卡密，今日18点前",
            (REISSUE, None, Window("今日18点前", until=at(2025, 3, 5, 18))),
        ),
        ("refund within 48 hours", (REFUND, None, rel("within 48 hours", 48, H))),
        (
            "I want a refund or a replacement code by tomorrow 6 pm",
            (
                REFUND,
                "refund or a replacement code",
                Window("by tomorrow 6 pm", until=at(2025, 3, 6, 18)),
            ),
        ),
        ("你们必须处理", (None, None, None)),
        ("尽快处理，3个工作日内", (None, None, rel("3个工作日内", 3, WD))),
    ],
)
def test_parse_demand(
    text: str, expected: tuple[DemandAction | None, str | None, Window | None]
) -> None:
    assert parse_demand(text, NOW, TZ) == expected


@pytest.mark.parametrize(
    ("text", "vague"),
    [
        ("你们必须处理", True),
        ("给个说法", True),
        ("尽快解决", True),
        ("赶紧处理！", True),
        ("handle it", True),
        ("fix this now", True),
        ("嗯", True),
        ("补发卡密", False),
        ("48小时内全额退款", False),
        ("please refund me", False),
        ("要求书面道歉", False),
    ],
)
def test_is_vague_demand(text: str, vague: bool) -> None:
    assert is_vague_demand(text) is vague


# --- parse_ids -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("工单号：T123456", ("T123456", None)),
        ("工单 20250301001", ("20250301001", None)),
        ("ticket #A-5521", ("A-5521", None)),
        ("case id C-4471", ("C-4471", None)),
        ("工号8801", (None, "8801")),
        ("客服(8801)", (None, "8801")),
        ("客服（工号：KF01）", (None, "KF01")),
        ("客服8801号说", (None, "8801")),
        ("agent id 7731", (None, "7731")),
        ("staff ID: S-22", (None, "S-22")),
        ("工单号T99，工号8801", ("T99", "8801")),
        ("客服说24小时内处理", (None, None)),
        ("客服100元", (None, None)),
        ("我的工单已提交", (None, None)),
    ],
)
def test_parse_ids(text: str, ids: tuple[str | None, str | None]) -> None:
    assert parse_ids(text) == ids


# --- find_platform / find_product / find_rule_citation ---------------------------------


@pytest.mark.parametrize(
    ("text", "platform"),
    [
        ("在未来卡盟买的", "未来卡盟"),
        ("未来 卡盟", "未来卡盟"),
        ("未来卡盟平台", "未来卡盟"),
        ("我昨天在星辰卡盟买了卡", "星辰卡盟"),
        ("在淘宝上买的", "淘宝"),
        ("在拼多多平台下单", "拼多多"),
        ("bought it on GameHub store", "GameHub"),
        ("from the Card King shop", "Card King"),
        ("这个卡盟不靠谱", None),
        ("在网上买的", None),
        ("在这个平台买的", None),
        ("通过12315平台投诉", None),
        ("hello", None),
    ],
)
def test_find_platform(text: str, platform: str | None) -> None:
    assert find_platform(text) == platform


@pytest.mark.parametrize(
    ("text", "product"),
    [
        # Face values and amounts are not part of the name, as the corpus reads them.
        ("在未来卡盟买了一张100元的Steam充值卡", "Steam充值卡"),
        ("购买了腾讯Q币100个", "腾讯Q币"),
        ("昨天买了两张50元的京东E卡，结果无效", "京东E卡"),
        ("前天在风云卡盟买了个月卡", "月卡"),
        ("买了一张50元的网易一卡通点卡", "网易一卡通点卡"),
        ("我买了一张100元的Steam充值卡后发现卡密无效", "Steam充值卡"),
        ("bought a $50 Google Play gift card", "Google Play gift card"),
        ("I purchased 500 diamonds yesterday", "500 diamonds"),
        ("purchased an Xbox Live membership for 3 months", "Xbox Live membership"),
        ("买了一张卡", None),
        ("买了个东西", None),
        ("充值卡无效", None),
        ("hello", None),
    ],
)
def test_find_product(text: str, product: str | None) -> None:
    assert find_product(text) == product


@pytest.mark.parametrize(
    ("text", "citation"),
    [
        (
            "根据贵平台《虚拟商品售后规则》第5条，卡密失效需在24小时内处理，目前已超过48小时，请优先处理。",
            "《虚拟商品售后规则》第5条，卡密失效需在24小时内处理",
        ),
        ("按《售后政策》，未到账可全额退款。", "《售后政策》，未到账可全额退款"),
        (
            'Per the "Terms of Service" article 7, codes must work. Please fix it.',
            '"Terms of Service" article 7, codes must work',
        ),
        ("客服只回复“已提交技术”。", None),
        ("没有规则", None),
    ],
)
def test_find_rule_citation(text: str, citation: str | None) -> None:
    norm = read(text)  # as the story reader quotes it: in the user's own characters
    span = rule_citation_span(norm.text)
    assert (norm.quote(*span).strip() if span else None) == citation


# --- extract_story -------------------------------------------------------------------------


def facts(**values: Any) -> StoryFacts:
    """StoryFacts with `found` listing the given non-empty fields in field order."""
    names = tuple(
        f.name
        for f in fields(StoryFacts)
        if f.name != "found" and values.get(f.name) not in (None, ())
    )
    return StoryFacts(**values, found=names)


STORIES: list[tuple[str, StoryFacts]] = [
    (  # the seed's example: invalid code, agent id, promise, rule citation, double demand
        "昨天晚上8点在未来卡盟买了一张100元的Steam充值卡，订单号WL20240302001，实付98元，"
        "兑换时提示卡密无效。今天上午10点联系客服，客服工号8801说24小时内处理，到现在没有回复。"
        "根据贵平台《虚拟商品售后规则》第5条，卡密失效需在24小时内处理，目前已超过48小时，请优先处理。"
        "我要求在48小时内补发等值卡密或全额退款。",
        facts(
            platform="未来卡盟",
            order_no="WL20240302001",
            product="Steam充值卡",  # the face value is not the name (as the corpus reads it)
            quantity=1,
            amount_cents=9800,
            purchased_at=at(2025, 3, 4, 20),
            issue_type=IssueType.INVALID_CODE,
            events=(
                ev(
                    at(2025, 3, 5, 10),
                    "联系客服，客服工号8801说24小时内处理，到现在没有回复",
                ),
            ),
            contacts=(Contact(
                Channel.PLATFORM_SUPPORT,
                at=at(2025, 3, 5, 10),
                agent="8801",
                promise="24小时内处理",
                window=rel("24小时内", 24, H),
            ),),
            demand_action=REISSUE,
            demand_text="补发等值卡密或全额退款",
            demand_deadline=rel("48小时内", 48, H),
            rule_citation="《虚拟商品售后规则》第5条，卡密失效需在24小时内处理",
        ),
    ),
    (  # English, used code, ticket, business-day promise, absolute deadline
        "On March 3rd at 10am I bought a $50 Google Play gift card on GameHub store, order number "
        "GH-88812345. The code was already redeemed. I contacted support yesterday at 8pm, ticket "
        "#T55821, and the agent said they would reply within 3 business days. I want a full refund "
        "by tomorrow 6 pm.",
        facts(
            platform="GameHub",
            order_no="GH-88812345",
            product="Google Play gift card",  # $50 is its face value, not part of the name
            purchased_at=at(2025, 3, 3, 10),
            issue_type=IssueType.USED_CODE,
            events=(
                ev(
                    at(2025, 3, 4, 20),
                    "I contacted support, ticket #T55821, and the agent said "
                    "they would reply within 3 business days",
                ),
            ),
            contacts=(Contact(
                Channel.PLATFORM_SUPPORT,
                at=at(2025, 3, 4, 20),
                ticket="T55821",
                promise="reply within 3 business days",
                window=rel("within 3 business days", 3, WD),
            ),),
            demand_action=REFUND,
            demand_deadline=Window("by tomorrow 6 pm", until=at(2025, 3, 6, 18)),
        ),
    ),
    (  # another 卡盟, 订单编号 with dashes, ¥, not delivered, threat of 12315 is no contact
        "我3月1日下午3点在星辰卡盟购买了腾讯Q币100个，订单编号：XC-20250301-7781，支付¥100.00，"
        "到现在都没到账。3月2日上午联系在线客服，客服说已提交技术，让我等3个工作日内回复。"
        "希望尽快补发Q币，否则我将向12315投诉。",
        facts(
            platform="星辰卡盟",
            order_no="XC-20250301-7781",
            product="腾讯Q币",  # 100个 Q币 is an amount of Q币, not a count of items
            amount_cents=10000,
            purchased_at=at(2025, 3, 1, 15),
            issue_type=IssueType.NOT_DELIVERED,
            events=(
                ev(
                    rough(2025, 3, 2, 10, Part.MORNING),
                    "联系在线客服，客服说已提交技术，让我等3个工作日内回复",
                ),
            ),
            contacts=(Contact(
                Channel.PLATFORM_SUPPORT,
                at=rough(2025, 3, 2, 10, Part.MORNING),
                promise="3个工作日内回复",
                window=rel("3个工作日内", 3, WD),
            ),),
            demand_action=REISSUE,
        ),
    ),
    (  # double charge over a year boundary, phone contact, 客服编号, deadline today 18:00
        "2024年12月20日 14:30在未来卡盟充值王者荣耀点券，订单号 2024122014300088，被扣款两次，"
        "每次￥ 1,299.00。12月21日打电话给客服热线，客服编号A1023说3天内退还多扣的钱。"
        "要求今日18点前退还多扣的1299元。",
        facts(
            platform="未来卡盟",
            order_no="2024122014300088",
            product="王者荣耀点券",
            amount_cents=129900,
            purchased_at=at(2024, 12, 20, 14, 30),
            issue_type=IssueType.DOUBLE_CHARGE,
            events=(
                ev(day(2024, 12, 21), "打电话给客服热线，客服编号A1023说3天内退还多扣的钱"),
            ),
            contacts=(Contact(
                Channel.PHONE,
                at=day(2024, 12, 21),
                agent="A1023",
                promise="3天内退还多扣的钱",
                window=rel("3天内", 3, D),
            ),),
            demand_action=DIFFERENCE,  # the part charged twice, not the whole price
            demand_text="退还多扣的1299元",
            demand_deadline=Window("今日18点前", until=at(2025, 3, 5, 18)),
        ),
    ),
    (  # a vague demand is not a demand: it is kept apart, to be explained at the question
        "前天在未来卡盟买了个月卡，订单号WL20250303002，卡密一直用不了，客服一直推诿，你们必须处理！",
        facts(
            platform="未来卡盟",
            order_no="WL20250303002",
            product="月卡",
            purchased_at=day(2025, 3, 3),
            issue_type=IssueType.INVALID_CODE,
            contacts=(Contact(Channel.PLATFORM_SUPPORT),),
            demand_vague="你们必须处理",
        ),
    ),
    (  # used code, ticket, 7-day promise, refund and compensation
        "上周五在风云卡盟买了一张50元的网易一卡通点卡，花了48元，订单号：FY2025022811，卡密被人用了。"
        "售后拖了一个星期都没结果，工单号 T2025030100，客服说7天内处理。要求退款并赔偿损失。",
        facts(
            platform="风云卡盟",
            order_no="FY2025022811",
            product="网易一卡通点卡",
            quantity=1,
            amount_cents=4800,
            purchased_at=day(2025, 2, 28),
            issue_type=IssueType.USED_CODE,
            contacts=(Contact(
                Channel.PLATFORM_SUPPORT,
                ticket="T2025030100",
                promise="7天内处理",
                window=rel("7天内", 7, D),
            ),),
            demand_action=REFUND,
            demand_text="退款并赔偿损失",
        ),
    ),
    (  # English, email contact with a case id, yuan amount
        "I purchased 500 diamonds on PixelTop platform yesterday, order id PT-77120931, paid 98 "
        "yuan. The top-up never arrived. I emailed their support at 9:30 this morning, case ID "
        "C-4471, no reply so far. Please resend the diamonds within 24 hours.",
        facts(
            platform="PixelTop",
            order_no="PT-77120931",
            product="500 diamonds",
            amount_cents=9800,
            purchased_at=day(2025, 3, 4),
            issue_type=IssueType.NOT_DELIVERED,
            events=(
                ev(
                    at(2025, 3, 5, 9, 30),
                    "I emailed their support, case ID C-4471, no reply so far",
                ),
            ),
            contacts=(Contact(Channel.EMAIL, at=at(2025, 3, 5, 9, 30), ticket="C-4471"),),
            demand_action=REISSUE,
            demand_deadline=rel("within 24 hours", 24, H),
        ),
    ),
    (  # English, support stalling, agent id, two actions
        "Bought a 100 CNY Razer Gold card on Feb 28 2025 at 11pm from CardKing shop "
        "(order #CK9988776655). Support keeps saying it was passed to the tech team and ignored "
        "my messages. Agent ID 7731. I'd like a refund or a new code.",
        facts(
            platform="CardKing",
            order_no="CK9988776655",
            product="Razer Gold card",
            amount_cents=10000,
            purchased_at=at(2025, 2, 28, 23),
            issue_type=IssueType.SUPPORT_STALLING,
            contacts=(Contact(Channel.PLATFORM_SUPPORT, agent="7731"),),
            demand_action=REFUND,
            demand_text="refund or a new code",
        ),
    ),
    (  # RMB amount, 黑猫 complaint already filed, refund of the difference
        "3月1日在未来卡盟买了爱奇艺会员年卡，订单号：WL20250301555，金额RMB 198。卡密提示已被兑换。"
        "3月2日晚上9点我在黑猫投诉提交了投诉，至今商家没有回应。要求退还差价50元。",
        facts(
            platform="未来卡盟",
            order_no="WL20250301555",
            product="爱奇艺会员年卡",
            amount_cents=19800,
            purchased_at=day(2025, 3, 1),
            issue_type=IssueType.USED_CODE,
            events=(
                ev(at(2025, 3, 2, 21), "我在黑猫投诉提交了投诉，至今商家没有回应"),
            ),
            contacts=(Contact(Channel.HEIMAO, at=at(2025, 3, 2, 21)),),
            demand_action=DIFFERENCE,
            demand_text="退还差价50元",
        ),
    ),
    (  # no platform named, a phone number beside the order number, 12315 contact
        "2月20日下单的50元京东E卡，订单 JD-550012345678，手机13812345678，卡密失效。"
        "2月22日向12315平台投诉，工单号12315-2025-0001，说7个工作日内反馈。希望赔偿损失，给个说法。",
        facts(
            order_no="JD-550012345678",
            product="京东E卡",
            amount_cents=5000,
            purchased_at=day(2025, 2, 20),
            issue_type=IssueType.INVALID_CODE,
            events=(
                ev(
                    day(2025, 2, 22),
                    "向12315平台投诉，工单号12315-2025-0001，说7个工作日内反馈",
                ),
            ),
            contacts=(Contact(
                Channel.C12315,
                at=day(2025, 2, 22),
                ticket="12315-2025-0001",
                promise="7个工作日内反馈",
                window=rel("7个工作日内", 7, WD),
            ),),
            demand_action=COMPENSATION,
        ),
    ),
    (  # 在淘宝上买, bare 18-digit order number, 客服(8801)
        "我昨天下午2点在淘宝上买了一张Apple礼品卡，花了￥500，订单号202503041400123456，卡密无效。"
        "客服(8801)说48小时内处理。",
        facts(
            platform="淘宝",
            order_no="202503041400123456",
            product="Apple礼品卡",
            quantity=1,  # 买了一张: a count said
            amount_cents=50000,
            purchased_at=at(2025, 3, 4, 14),
            issue_type=IssueType.INVALID_CODE,
            contacts=(Contact(
                Channel.PLATFORM_SUPPORT,
                agent="8801",
                promise="48小时内处理",
                window=rel("48小时内", 48, H),
            ),),
        ),
    ),
    (  # 刚才 is now; 50块
        "刚才在未来卡盟买的点卡没到账，订单号WL20250305001，50块。",
        facts(
            platform="未来卡盟",
            order_no="WL20250305001",
            product="点卡",
            amount_cents=5000,
            purchased_at=at(2025, 3, 5, 12),
            issue_type=IssueType.NOT_DELIVERED,
        ),
    ),
    (  # English double charge, hotline, rule citation in quotes, deadline by a weekday
        "Hi, I was double charged for order no. 99887766 on Feb 27 2025 at 5:12 pm — ¥30 twice "
        "for a Steam code. Called their hotline on March 1 at 9am, agent #A55 promised a refund "
        'within 2 business days. Nothing yet. According to the platform\'s "After-sales Policy" '
        "section 4, duplicate charges are refunded within 24 hours, but it has been days. "
        "I demand a refund of the duplicate charge by Friday.",
        facts(
            order_no="99887766",
            product="Steam code",  # "¥30 twice for a Steam code": the corpus reads these
            amount_cents=3000,
            purchased_at=at(2025, 2, 27, 17, 12),  # the double charge is the payment
            issue_type=IssueType.DOUBLE_CHARGE,
            events=(
                ev(
                    at(2025, 3, 1, 9),
                    "Called their hotline, agent #A55 promised a refund "
                    "within 2 business days",
                ),
            ),
            contacts=(Contact(
                Channel.PHONE,
                at=at(2025, 3, 1, 9),
                agent="A55",
                promise="a refund within 2 business days",
                window=rel("within 2 business days", 2, WD),
            ),),
            demand_action=DIFFERENCE,
            demand_text="refund of the duplicate charge",
            demand_deadline=Window("by Friday", until=at(2025, 3, 7, 23, 59)),
            rule_citation=(
                '"After-sales Policy" section 4, duplicate charges are refunded within 24 hours'
            ),
        ),
    ),
    (  # after-sales delay, 客服8801号, a plan to call tomorrow is neither event nor channel
        "1月15日在未来卡盟购买了网易游戏点卡，订单号WL20250115009，至今售后一直拖着不给处理，"
        "客服8801号每次都说在处理。明天下午我会再打电话。",
        facts(
            platform="未来卡盟",
            order_no="WL20250115009",
            product="网易游戏点卡",
            purchased_at=day(2025, 1, 15),
            issue_type=IssueType.AFTERSALES_DELAY,
            contacts=(Contact(Channel.PLATFORM_SUPPORT, agent="8801"),),
        ),
    ),
    (  # several contacts; a bare 下午3点 takes the day before it (the same contact), 今天上午又问
        # is another; vague demand with deadline
        "前天晚上11点半在未来卡盟充值了原神创世结晶，订单号WL20250303777，付款68元，一直没到账。"
        "昨天上午10点联系客服，客服说2小时内到账，下午3点再问，客服说已提交技术，今天上午又问，"
        "还是没有回复。根据《未来卡盟用户服务协议》第12条，充值未到账应在2小时内处理。"
        "请在今天18:00之前处理完毕。",
        facts(
            platform="未来卡盟",
            order_no="WL20250303777",
            product="原神创世结晶",  # 充值了原神创世结晶: what was topped up
            amount_cents=6800,
            purchased_at=at(2025, 3, 3, 23, 30),
            issue_type=IssueType.NOT_DELIVERED,
            events=(
                ev(at(2025, 3, 4, 10), "联系客服，客服说2小时内到账"),
                ev(at(2025, 3, 4, 15), "再问，客服说已提交技术"),
                ev(rough(2025, 3, 5, 10, Part.MORNING), "又问，还是没有回复"),
            ),
            contacts=(
                Contact(
                    Channel.PLATFORM_SUPPORT,
                    at=at(2025, 3, 4, 10),
                    promise="2小时内到账",
                    window=rel("2小时内", 2, H),
                ),
                Contact(Channel.PLATFORM_SUPPORT, at=rough(2025, 3, 5, 10, Part.MORNING)),
            ),
            demand_deadline=Window("今天18:00之前", until=at(2025, 3, 5, 18)),
            demand_vague="请在今天18:00之前处理完毕",
            rule_citation="《未来卡盟用户服务协议》第12条，充值未到账应在2小时内处理",
        ),
    ),
    (  # 上周三, two cards, 实付 wins over the face value
        "上周三在星耀卡盟买了两张100元话费充值卡，订单号XY88001234，卡密都是无效的，实付196元。"
        "要求补发两张卡密。",
        facts(
            platform="星耀卡盟",
            order_no="XY88001234",
            product="话费充值卡",
            quantity=2,
            amount_cents=19600,
            purchased_at=day(2025, 2, 26),
            issue_type=IssueType.INVALID_CODE,
            demand_action=REISSUE,
        ),
    ),
    (  # English, dollars (not recorded as yuan), vague demand, no platform
        "I bought a Netflix gift card last Friday for 25 dollars, order 77881234abcd. "
        "Customer service doesn't reply. Fix this now!",
        facts(
            order_no="77881234abcd",
            product="Netflix gift card",
            purchased_at=day(2025, 2, 28),
            issue_type=IssueType.SUPPORT_STALLING,
            contacts=(Contact(Channel.PLATFORM_SUPPORT),),
            demand_vague="Fix this now",
        ),
    ),
    (  # minutes in the purchase time, 客服编号：KF-3301, negated compensation, 今天之内
        "今天上午9点15分在未来卡盟下单购买了QQ会员月卡，订单号：WL20250305100，支付30元，"
        "提示卡密已使用。10点20分联系客服，客服编号：KF-3301，答复说3个工作日内处理。"
        "要求在今天之内补卡，不要补偿。",
        facts(
            platform="未来卡盟",
            order_no="WL20250305100",
            product="QQ会员月卡",
            amount_cents=3000,
            purchased_at=at(2025, 3, 5, 9, 15),
            issue_type=IssueType.USED_CODE,
            events=(
                ev(
                    at(2025, 3, 5, 10, 20),
                    "联系客服，客服编号：KF-3301，答复说3个工作日内处理",
                ),
            ),
            contacts=(Contact(
                Channel.PLATFORM_SUPPORT,
                at=at(2025, 3, 5, 10, 20),
                agent="KF-3301",
                promise="3个工作日内处理",
                window=rel("3个工作日内", 3, WD),
            ),),
            demand_action=REISSUE,
            demand_deadline=Window("今天之内", until=at(2025, 3, 5, 23, 59)),
        ),
    ),
    (  # ISO timestamp with seconds, decimal amount
        "2025-03-01 10:15:33 在未来卡盟买了一张30元Steam充值卡，订单号WL20250301033，实付29.5元，"
        "卡密激活失败。",
        facts(
            platform="未来卡盟",
            order_no="WL20250301033",
            product="Steam充值卡",
            quantity=1,
            amount_cents=2950,
            purchased_at=at(2025, 3, 1, 10, 15, 33),
            issue_type=IssueType.INVALID_CODE,
        ),
    ),
    (  # a promise with an absolute deadline
        "今天上午10点在未来卡盟买了一张50元的网易点卡，订单号WL20250305008，一直没到账，"
        "客服说明天上午10点前处理。",
        facts(
            platform="未来卡盟",
            order_no="WL20250305008",
            product="网易点卡",
            quantity=1,
            amount_cents=5000,
            purchased_at=at(2025, 3, 5, 10),
            issue_type=IssueType.NOT_DELIVERED,
            contacts=(Contact(
                Channel.PLATFORM_SUPPORT,
                promise="明天上午10点前处理",
                window=Window("明天上午10点前", until=at(2025, 3, 6, 10)),
            ),),
        ),
    ),
    (  # face value vs paid, refund of the difference, no issue keyword
        "上周一在未来卡盟买了一张面值100元的Steam卡，实付95元，订单号WL20250224001。"
        "第二天同样的卡降价到80元，客服答应补偿但一直没兑现。要求退差价15元。",
        facts(
            platform="未来卡盟",
            order_no="WL20250224001",
            product="Steam卡",
            quantity=1,
            amount_cents=9500,
            purchased_at=day(2025, 2, 24),
            # 第二天 is counted from the purchase
            events=(ev(day(2025, 2, 25), "同样的卡降价到80元，客服答应补偿但一直没兑现"),),
            contacts=(Contact(Channel.PLATFORM_SUPPORT),),
            demand_action=DIFFERENCE,
            demand_text="退差价15元",
        ),
    ),
    (  # English, website, RMB after the number, staff id, "in 2 working days"
        "I ordered a 30-day Spotify premium code from TuneMart website on Feb 25 2025, order ID "
        "TM-20250225-443, 88 RMB. It said the code was invalid. I reported it the same day. "
        "On Feb 26 at 11:00 the staff ID: S-22 said a new code would come in 2 working days. "
        "Please reissue the code or refund me.",
        facts(
            platform="TuneMart",
            order_no="TM-20250225-443",
            product="30-day Spotify premium code",
            amount_cents=8800,
            purchased_at=day(2025, 2, 25),
            issue_type=IssueType.INVALID_CODE,
            events=(
                ev(day(2025, 2, 25), "I reported it"),  # "the same day": the purchase's
                ev(
                    at(2025, 2, 26, 11),
                    "the staff ID: S-22 said a new code would come in 2 "
                    "working days",
                ),
            ),
            contacts=(
                Contact(Channel.PLATFORM_SUPPORT, at=day(2025, 2, 25)),
                # a promise made on a later day counts from then: a contact of its own
                Contact(
                    Channel.PLATFORM_SUPPORT,
                    at=at(2025, 2, 26, 11),
                    agent="S-22",
                    promise="a new code would come in 2 working days",
                    window=rel("in 2 working days", 2, WD),
                ),
            ),
            demand_action=REISSUE,
            demand_text="reissue the code or refund me",
        ),
    ),
    (  # a timed contact with support, and a 12315 complaint already made: two contacts
        "我3月3日在云端卡盟买了100元话费充值卡，订单号YD2025030388，卡密提示错误。"
        "3月3日晚上7点联系客服，3月4日上午9点客服回复已提交技术，然后就没消息了。我已经在12315投诉了。",
        facts(
            platform="云端卡盟",
            order_no="YD2025030388",
            product="话费充值卡",
            amount_cents=10000,
            purchased_at=day(2025, 3, 3),
            issue_type=IssueType.INVALID_CODE,
            events=(
                ev(at(2025, 3, 3, 19), "联系客服"),
                ev(at(2025, 3, 4, 9), "客服回复已提交技术，然后就没消息了"),
            ),
            contacts=(
                Contact(Channel.PLATFORM_SUPPORT, at=at(2025, 3, 3, 19)),
                Contact(Channel.C12315),
            ),
        ),
    ),
    (  # nothing to find
        "嗯",
        facts(),
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), STORIES, ids=[f"story{i}" for i in range(len(STORIES))]
)
def test_extract_story(text: str, expected: StoryFacts) -> None:
    assert extract_story(text, NOW, TZ) == expected


def test_found_lists_the_filled_fields_in_order() -> None:
    got = extract_story("昨天在未来卡盟买的点卡没到账，实付50元。", NOW, TZ)
    assert got.found == ("platform", "product", "amount_cents", "purchased_at", "issue_type")


def test_future_times_are_dropped() -> None:
    got = extract_story("明天晚上8点在未来卡盟买了点卡，后天上午联系客服。", NOW, TZ)
    assert got.purchased_at is None
    assert got.events == ()
    assert got.contacts == (Contact(Channel.PLATFORM_SUPPORT),)


def test_abbreviated_month_is_not_a_sentence_end() -> None:
    got = extract_story(
        "I bought a Steam card on Nov. 3, 2024 at 3:40 pm and paid with WeChat Pay. "
        "I contacted support on Nov. 4 at 9am.",
        NOW,
        TZ,
    )
    assert got.purchased_at == at(2024, 11, 3, 15, 40)
    assert got.events == (ev(at(2024, 11, 4, 9), "I contacted support"),)
    assert got.contacts == (Contact(Channel.PLATFORM_SUPPORT, at=at(2024, 11, 4, 9)),)


def test_event_text_is_capped() -> None:
    got = extract_story("昨天上午10点联系客服，" + "客服一直说在处理" * 40, NOW, TZ)
    assert len(got.events) == 1
    assert len(got.events[0].text) == 200
    assert got.events[0].text.endswith("…")


# --- Stories the audit found wrong, and more like them (now: Wed 2026-12-02 03:30) ------------

AUDIT_NOW = datetime(2026, 12, 2, 3, 30, tzinfo=TZ)

AUDIT_STORIES: list[tuple[str, StoryFacts]] = [
    (  # a form-style paste: each label's value, not a phrase across labels
        "订单号:KM-20241103-0007 金额:¥49.9 商品:网易一卡通50点 购买时间:2024-11-03 21:15:08 "
        "问题:卡密无效 诉求:补发卡密,2天内",
        facts(
            order_no="KM-20241103-0007",
            product="网易一卡通",  # 50点 is its face value (the corpus prefers the name alone)
            amount_cents=4990,
            purchased_at=at(2024, 11, 3, 21, 15, 8),
            issue_type=IssueType.INVALID_CODE,
            demand_action=REISSUE,
            demand_deadline=rel("2天内", 2, D),
        ),
    ),
    (  # a form one field a line, full-width colons, a yearless purchase time
        "平台：星辰卡盟\n订单号：XC-20261128-0042\n商品：Steam充值卡 100元\n实付：95元\n"
        "下单时间：11月28日 20:05\n问题：提示卡密已被使用\n诉求：补发卡密",
        facts(
            platform="星辰卡盟",
            order_no="XC-20261128-0042",
            product="Steam充值卡",
            amount_cents=9500,
            purchased_at=at(2026, 11, 28, 20, 5),
            issue_type=IssueType.USED_CODE,
            demand_action=REISSUE,
        ),
    ),
    (  # charged twice: the issue is the double charge, the demand only the part taken twice
        "11月28日晚上9点在未来卡盟充值了200元话费，订单号WL20261128021，结果一共扣了我两次钱，"
        "共400元，客服推诿说系统正常。我要求退还多扣的200元。",
        facts(
            platform="未来卡盟",
            order_no="WL20261128021",
            product="话费",  # 充值了200元话费
            amount_cents=20000,
            purchased_at=at(2026, 11, 28, 21),
            issue_type=IssueType.DOUBLE_CHARGE,
            contacts=(Contact(Channel.PLATFORM_SUPPORT),),
            demand_action=DIFFERENCE,
            demand_text="退还多扣的200元",
        ),
    ),
    (  # two contacts: a call, then an online chat with its own ticket and promise
        "我9月30日在未来卡盟买了一张Steam卡，订单号WL20260930001，卡密无效。"
        "10月2日打电话给客服，说3天内处理。10月8日在线客服聊天，工单号GD-7788，说24小时内回复。"
        "要求补发卡密。",
        facts(
            platform="未来卡盟",
            order_no="WL20260930001",
            product="Steam卡",
            quantity=1,
            purchased_at=day(2026, 9, 30),
            issue_type=IssueType.INVALID_CODE,
            events=(
                ev(day(2026, 10, 2), "打电话给客服，说3天内处理"),
                ev(day(2026, 10, 8), "在线客服聊天，工单号GD-7788，说24小时内回复"),
            ),
            contacts=(
                Contact(
                    Channel.PHONE,
                    at=day(2026, 10, 2),
                    promise="3天内处理",
                    window=rel("3天内", 3, D),
                ),
                Contact(
                    Channel.PLATFORM_SUPPORT,
                    at=day(2026, 10, 8),
                    promise="24小时内回复",
                    window=rel("24小时内", 24, H),
                    ticket="GD-7788",
                ),
            ),
            demand_action=REISSUE,
        ),
    ),
    (  # the time first, a PIN, and dollars that are not yuan
        "yesterday at 8pm I bought a Razer Gold pin on CardKing shop, order CK12345678901. "
        "I paid 30 USD. The pin was invalid.",
        facts(
            platform="CardKing",
            order_no="CK12345678901",
            product="Razer Gold pin",
            purchased_at=at(2026, 12, 1, 20),
            issue_type=IssueType.INVALID_CODE,
        ),
    ),
    (  # no punctuation at all: bare clock times are that day's, each its own event
        "2024年3月2日 10:15:33 下单 订单 WL20240302001 实付98元 10:20 激活失败 提示卡密错误 "
        "11:00 联系客服 客服说24小时内处理 要求补发卡密",
        facts(
            order_no="WL20240302001",
            amount_cents=9800,
            purchased_at=at(2024, 3, 2, 10, 15, 33),
            issue_type=IssueType.INVALID_CODE,
            events=(
                ev(at(2024, 3, 2, 10, 20), "激活失败 提示卡密错误"),
                ev(at(2024, 3, 2, 11), "联系客服 客服说24小时内处理"),
            ),
            contacts=(
                Contact(
                    Channel.PLATFORM_SUPPORT,
                    at=at(2024, 3, 2, 11),
                    promise="24小时内处理",
                    window=rel("24小时内", 24, H),
                ),
            ),
            demand_action=REISSUE,
        ),
    ),
    (  # a vague demand with no 要求 before it is kept, to be explained
        "前天在未来卡盟买了个月卡，订单号WL20261130002，卡密一直用不了，你们必须处理!!!",
        facts(
            platform="未来卡盟",
            order_no="WL20261130002",
            product="月卡",
            purchased_at=day(2026, 11, 30),
            issue_type=IssueType.INVALID_CODE,
            demand_vague="你们必须处理",
        ),
    ),
    (  # "明天下午6点前" counts from the contact, and is already past
        "10月7日下午3点联系了客服，客服说明天下午6点前处理，到现在也没处理。",
        facts(
            events=(
                ev(at(2026, 10, 7, 15), "联系了客服，客服说明天下午6点前处理，到现在也没处理"),
            ),
            contacts=(
                Contact(
                    Channel.PLATFORM_SUPPORT,
                    at=at(2026, 10, 7, 15),
                    promise="明天下午6点前处理",
                    window=Window("明天下午6点前", until=at(2026, 10, 8, 18)),
                ),
            ),
        ),
    ),
    (  # a promise without 内; parts of days that keep their day
        "昨天晚上在未来卡盟买了Q币，订单号WL20261201009，一直没到账。"
        "今天凌晨联系客服，客服说3个工作日给答复。",
        facts(
            platform="未来卡盟",
            order_no="WL20261201009",
            product="Q币",
            purchased_at=rough(2026, 12, 1, 20, Part.EVENING),
            issue_type=IssueType.NOT_DELIVERED,
            events=(
                ev(rough(2026, 12, 2, 3, Part.SMALL_HOURS), "联系客服，客服说3个工作日给答复"),
            ),
            contacts=(
                Contact(
                    Channel.PLATFORM_SUPPORT,
                    at=rough(2026, 12, 2, 3, Part.SMALL_HOURS),
                    promise="3个工作日给答复",
                    window=rel("3个工作日", 3, WD),
                ),
            ),
        ),
    ),
    (  # a yearless contact date takes the year of the purchase before it
        "2024年11月3日在未来卡盟买的点卡，订单号WL20241103007，卡密无效。"
        "11月5日联系客服，说48小时内处理。",
        facts(
            platform="未来卡盟",
            order_no="WL20241103007",
            product="点卡",
            purchased_at=day(2024, 11, 3),
            issue_type=IssueType.INVALID_CODE,
            events=(ev(day(2024, 11, 5), "联系客服，说48小时内处理"),),
            contacts=(
                Contact(
                    Channel.PLATFORM_SUPPORT,
                    at=day(2024, 11, 5),
                    promise="48小时内处理",
                    window=rel("48小时内", 48, H),
                ),
            ),
        ),
    ),
    (  # English: a live chat with ids, then a call; ids are data, not Chinese labels
        "I bought a Steam code on Nov 20 on GameHub store, order GH-20261120. It was already "
        "redeemed. On Nov 22 I used their live chat, ticket T-9921, agent ID 5521 said they "
        "would fix it within 24 hours. On Nov 25 I called their hotline. Please refund me.",
        facts(
            platform="GameHub",
            order_no="GH-20261120",
            product="Steam code",
            purchased_at=day(2026, 11, 20),
            issue_type=IssueType.USED_CODE,
            events=(
                ev(
                    day(2026, 11, 22),
                    "I used their live chat, ticket T-9921, agent ID 5521 said they would fix "
                    "it within 24 hours",
                ),
                ev(day(2026, 11, 25), "I called their hotline"),
            ),
            contacts=(
                Contact(
                    Channel.PLATFORM_SUPPORT,
                    at=day(2026, 11, 22),
                    promise="fix it within 24 hours",
                    window=rel("within 24 hours", 24, H),
                    ticket="T-9921",
                    agent="5521",
                ),
                Contact(Channel.PHONE, at=day(2026, 11, 25)),
            ),
            demand_action=REFUND,
        ),
    ),
    (  # an English form, one field a line
        "Order no: GH-88812345\nProduct: Google Play gift card\nAmount: 98 yuan\n"
        "Purchase time: Nov 3 2024 3:40 pm\nIssue: the code is invalid\n"
        "Demand: refund within 48 hours",
        facts(
            order_no="GH-88812345",
            product="Google Play gift card",
            amount_cents=9800,
            purchased_at=at(2024, 11, 3, 15, 40),
            issue_type=IssueType.INVALID_CODE,
            demand_action=REFUND,
            demand_deadline=rel("within 48 hours", 48, H),
        ),
    ),
    (  # an impossible time is no purchase time
        "昨天25点在未来卡盟买了点卡，订单号WL20261201777，一直没到账。",
        facts(
            platform="未来卡盟",
            order_no="WL20261201777",
            product="点卡",
            issue_type=IssueType.NOT_DELIVERED,
        ),
    ),
    (  # what support said it would do soon is not the user's vague demand
        "上周五在未来卡盟买了50元点卡，订单号WL20261127001，卡密无效。客服说会尽快处理。",
        facts(
            platform="未来卡盟",
            order_no="WL20261127001",
            product="点卡",
            amount_cents=5000,
            purchased_at=day(2026, 11, 27),
            issue_type=IssueType.INVALID_CODE,
            contacts=(Contact(Channel.PLATFORM_SUPPORT),),
        ),
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    AUDIT_STORIES,
    ids=[f"audit{i}" for i in range(len(AUDIT_STORIES))],
)
def test_extract_story_audit(text: str, expected: StoryFacts) -> None:
    got = extract_story(text, AUDIT_NOW, TZ)
    assert got == expected
    # A rough time is not equal to its stand-in, but check the flag outright all the same.
    assert getattr(got.purchased_at, "part", None) == getattr(expected.purchased_at, "part", None)


def test_the_day_before_yesterday_is_a_time_not_a_deadline_and_an_agent_keeps_its_number() -> None:
    facts = extract_story(
        "The day before yesterday at 8pm I bought a Razer Gold PIN on 未来卡盟, order no. "
        "WL20250303007, paid 50 yuan. Yesterday at 11am support (agent 5521) said they would "
        "handle it within 24 hours.",
        NOW,
        TZ,
    )
    assert facts.purchased_at == datetime(2025, 3, 3, 20, 0, tzinfo=TZ)
    [contact] = facts.contacts
    assert contact.agent == "5521" and contact.window is not None
    assert contact.window.until is None and contact.window.amount == 24


def test_contacts_told_as_people_tell_them() -> None:
    now = datetime(2026, 3, 10, 21, 40, tzinfo=TZ)
    story = extract_story(
        "3月8号晚上7点多在未来卡盟买的点券卡。当晚就找了在线客服，一位林小姐说24小时内给答复。",
        now, TZ,
    )
    [contact] = story.contacts
    assert contact.agent == "林小姐"
    assert contact.at == RoughTime.of(datetime(2026, 3, 8, 20, 0, tzinfo=TZ), Part.EVENING)
    called = extract_story(
        "我打了他们那个客服电话两次第一次是一个叫小陈的说七十二小时内到账第二次那个人就说让我再等等",
        now, TZ,
    )
    assert [(c.channel, c.agent) for c in called.contacts] == [
        (Channel.PHONE, "小陈"), (Channel.PHONE, None)
    ]
    english = extract_story(
        "On Mar 7 at 10:40pm I bought a card on Weilai Kameng. I opened a ticket the same "
        "morning; an agent called Sunny replied they'd look into it within 72 hours.",
        now, TZ,
    )
    [ticket] = english.contacts
    assert ticket.agent == "Sunny" and ticket.window == Window("within 72 hours", 72, H)


@pytest.mark.parametrize(
    ("text", "action", "deadline"),
    [
        # an order with no "要求": 必须, 给我, 就, "…内退给我"; the deadline said just before it
        ("卡密无效。明天中午12点前给我补一张新的!!", DemandAction.REISSUE_CODE,
         until("明天中午12点前", 2025, 3, 6, 12, 0)),
        ("没到账。周五18点前必须退到我支付宝", DemandAction.FULL_REFUND,
         until("周五18点前", 2025, 3, 7, 18, 0)),
        ("一直没到账 明天上午十点前不到账就全额退款", DemandAction.FULL_REFUND,
         until("明天上午十点前", 2025, 3, 6, 10, 0)),
        ("扣了两次 多扣的30三天内退给我", DemandAction.REFUND_DIFFERENCE, rel("三天内", 3, D)),
        # "不然就…" is the fallback, not the demand
        ("要求明天中午12点前给我补发一个能用的, 不然就全额退款", DemandAction.REISSUE_CODE,
         until("明天中午12点前", 2025, 3, 6, 12, 0)),
        # a part of the price asked back is the difference, not a full refund
        ("Paid ¥118 but ¥30 of it was a fee I never chose. Return the ¥30 within 48 hours.",
         DemandAction.REFUND_DIFFERENCE, rel("within 48 hours", 48, H)),
        # what support did before is no demand: "后来给我换了一张"
        ("昨天买的卡无效, 后来客服给我换了一张, 还是不行", None, None),
        # nor what support promised
        ("客服说48小时内给我补发,现在已经过期了", None, None),
        ("客服答应今晚8点前给我退款,现在9点了还没到账", None, None),
        ("客服说已经在审核中,7天之内给我退", None, None),
        ("工作人员说下午5点前直接全额退款", None, None),
        # "要求今天给我全额退款": 给我 inside the demand does not cut its deadline off
        ("客服何时给我回复都不知道,要求今天给我全额退款", DemandAction.FULL_REFUND,
         until("今天", 2025, 3, 5, 23, 59)),
        # the user's own "如果…的话" and "我想说" are no one else speaking
        ("我就想说你们今天下午五点之前要是还不到的话就把钱全部退给我", DemandAction.FULL_REFUND,
         until("今天下午五点之前", 2025, 3, 5, 17, 0)),
    ],
)
def test_a_demand_without_a_demand_word(
    text: str, action: DemandAction | None, deadline: Window | None
) -> None:
    facts = extract_story(text, NOW, TZ)
    assert (facts.demand_action, facts.demand_deadline) == (action, deadline)
