"""The amount paid, the issue type and the order number, one rule per case."""

from __future__ import annotations

import pytest

from conversations.core.model import IssueType
from conversations.reading.amounts import (
    amount_candidates,
    has_foreign_amount,
    mentions_amount,
    parse_amount,
    read_amount,
)
from conversations.reading.ids import parse_order_no
from conversations.reading.issues import classify_issue

# --- the amount paid -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        # paid words, with or without a currency
        ("实付88元", 8800),
        ("付了￥１２０，卡密还没发", 12000),
        ("昨天买的点卡 付了75 一直没到", 7500),
        ("花了36块钱买的月卡", 3600),
        ("钱是45", 4500),
        ("it cost me ¥60 and the code is dead", 6000),
        ("paid 45.5 rmb for it", 4550),
        ("bought the card for ¥210 last night", 21000),
        ("佢話收咗我¥66", 6600),
        ("俾咗 ¥120，張卡用唔到", 12000),
        # spoken numbers
        ("付了二百三", 23000),
        ("一共花了六十六块五", 6650),
        ("五十八块，然后卡密就不行了", 5800),
        ("花了一千二", 120000),
        # a face value, a balance, a coupon, a difference, compensation: not what was paid
        ("京东卡面值50元", None),
        ("50元面值，实付48", 4800),
        ("¥300 Steam card, paid ¥285", 28500),
        ("100块的话费，付了97.5", 9750),
        ("账户余额还有88元提不出来", None),
        ("用余额付了50", 5000),
        ("用了5元优惠券，实付95元", 9500),
        ("付了98，要求退差价10元", 9800),
        ("实付60，要求赔偿30元", 6000),
        ("paid 70, I want ¥20 compensation", 7000),
        # a card's value alone is the price people mean
        ("买了一张200元的京东卡，卡密无效", 20000),
        ("an ¥880 Apple gift card, never delivered", 88000),
        # not money: phones, QQ and order numbers, dates, times, counts, points
        ("手机号138****1234，付了30", 3000),
        ("QQ号 12345678，花了10块", 1000),
        ("工号 3307 说再等等，实付15", 1500),
        ("订单号 250101123456789 付款50", 5000),
        ("2026.5.28 买的，等了48小时，付了66", 6600),
        ("买了648点券，付了64.8", 6480),
        ("3月5号晚上8点买了两张", None),
        ("打了12345和12315, 都没用", None),
        ("每张40，等了三个多礼拜", 4000),
        # a unit price times the quantity; a total wins over a unit price
        ("每张30，买了三张", 9000),
        ("3 cards at ¥20 each", 6000),
        ("一张¥25，买了4张", 10000),
        ("每张50，一共付了95", 9500),
        ("(¥48 each, ¥96 total)", 9600),
        # a double charge counts one charge
        ("扣了两次，每次66元", 6600),
        ("charged twice, ¥88 each time", 8800),
        ("微信扣了两次七十二", 7200),
        ("被扣了两次，共240元", 12000),
        ("¥35 twice for one card", 3500),
        # a listed price loses to what was charged
        ("价格显示80，实际扣了85", 8500),
        ("订单金额 100.00 元 优惠 -5.00 实付 95.00", 9500),
        ("我花100买了面值120的卡", 10000),
        ("原价¥100，现价¥90", 9000),
        ("卖¥60，结果扣咗¥66", 6600),
        # a refund asked names the price when nothing else does
        ("卡密无效，要求全额退款120元", 12000),
        ("I want the ¥45 back", 4500),
        # dollars are not yuan
        ("50 USD", None),
        ("HK$100 card", None),
        ("面额20美金，付了¥142", 14200),
        # commas are Chinese commas read as ASCII ones, not thousands
        ("付了50,100元面值的卡", 5000),
        ("￥1,299.00", 129900),
        # a bare number standing alone as an item
        ("（王者荣耀点券，128）", 12800),
        # one sum and nothing else: a form's value or a one-word answer
        ("58.00", 5800),
        ("¥ 98", 9800),
        # a guess at a sum is none
        ("几十块吧", None),
        ("十几块", None),
        ("一百多块", None),
    ],
)
def test_parse_amount(text: str, cents: int | None) -> None:
    assert parse_amount(text) == cents


@pytest.mark.parametrize(
    ("text", "candidates"),
    [
        # the user offers a choice
        ("付多少不记得了，好像是¥60还是¥66", [6000, 6600]),
        ("最后是128还是138记不清了", [12800, 13800]),
        ("not sure if I paid 90 or 95", [9000, 9500]),
        ("唔记得俾咗 ¥45 定 ¥48", [4500, 4800]),
        # two sums of the same standing, neither said to be the one paid
        ("一张80一张40", [8000, 4000]),
        ("页面价格88，活动价79", [8800, 7900]),
        ("Steam卡 ¥120，月卡 ¥30", [12000, 3000]),
        # nothing to choose: one sum is said to be paid, or only one is given
        ("面值100，实付98", []),
        ("实付98元", []),
        ("没有金额", []),
        # a dollar price is no yuan candidate
        ("USD 10 or ¥70", []),
    ],
)
def test_amount_candidates(text: str, candidates: list[int]) -> None:
    assert amount_candidates(text) == candidates
    if candidates:
        assert parse_amount(text) is None  # competing sums are asked about, not guessed
        assert read_amount(text).paid is None


@pytest.mark.parametrize(
    ("text", "mentioned"),
    [("退还差价20元", True), ("赔偿我50块", True), ("实付98", True), ("补发卡密", False)],
)
def test_mentions_amount(text: str, mentioned: bool) -> None:
    assert mentions_amount(text) is mentioned


@pytest.mark.parametrize(
    ("text", "foreign"),
    [("$25", True), ("30 USD", True), ("NT$300", True), ("HK$100", True), ("¥98", False)],
)
def test_has_foreign_amount(text: str, foreign: bool) -> None:
    assert has_foreign_amount(text) is foreign


# --- the issue type ------------------------------------------------------------------------

INVALID, USED, UNDELIVERED = IssueType.INVALID_CODE, IssueType.USED_CODE, IssueType.NOT_DELIVERED
DOUBLE, STALLING = IssueType.DOUBLE_CHARGE, IssueType.SUPPORT_STALLING
AFTERSALES, OTHER = IssueType.AFTERSALES_DELAY, IssueType.OTHER


@pytest.mark.parametrize(
    ("text", "issue"),
    [
        # invalid code
        ("充值的时候提示卡密无效", INVALID),
        ("這張卡的序號輸入後顯示錯誤", INVALID),
        ("卡号密码对不上，提示不匹配", INVALID),
        ("张卡入唔到", INVALID),
        ("the PIN won't redeem", INVALID),
        ("code is not working at all", INVALID),
        ("卡密充值提示该卡不存在", INVALID),
        ("code says expired", INVALID),
        # used code
        ("卡密已經被人用過了", USED),
        ("绑卡的时候说已被绑定", USED),
        ("入卡密話已經俾人用咗", USED),
        ("the code had already been claimed", USED),
        ("it was redeemed by someone else", USED),
        ("卡密被盗用了", USED),
        # not delivered
        ("Q币到现在还没到账", UNDELIVERED),
        ("話費充咗三個鐘都未到", UNDELIVERED),
        ("張卡密一直冇發", UNDELIVERED),
        ("页面一直显示待发货", UNDELIVERED),
        ("the top-up never came through", UNDELIVERED),
        ("paid at noon and still nothing in my account", UNDELIVERED),
        ("order stuck at processing for 2 days", UNDELIVERED),
        ("等咗成日都未有卡密", UNDELIVERED),
        # double charge
        ("支付宝扣了两笔", DOUBLE),
        ("扣咗兩次錢", DOUBLE),
        ("付款失败又付了一次，结果两次都扣了", DOUBLE),
        ("I was billed twice for one order", DOUBLE),
        # support stalling
        ("客服一直踢皮球", STALLING),
        ("客服已讀不回", STALLING),
        ("support never replied to my emails", STALLING),
        ("客服只会说已转交技术", STALLING),
        ("客服话帮我跟进之后就冇下文", STALLING),
        ("support just keeps sending the same template", STALLING),
        # after-sales delay: a refund or replacement agreed, under review, late
        ("客服同意退款，说3个工作日原路退回，到现在还没收到", AFTERSALES),
        ("售后单一直在审核中", AFTERSALES),
        ("they approved my refund two weeks ago and it still hasn't arrived", AFTERSALES),
        ("退款拖了二十天", AFTERSALES),
        ("they said they will refund in 3 days but nothing", AFTERSALES),
        ("售后一直拖着不处理", AFTERSALES),
        # other, by a cue of its own
        ("账号被冻结了，不给解冻", OTHER),
        ("余额提现一直不到账", OTHER),
        ("发给我的是月卡不是季卡", OTHER),
        ("the card only works in the US region", OTHER),
        ("没经过我同意自动续费扣了25元", OTHER),
        ("页面价格和扣的钱不一样，多收了8块", OTHER),
        ("商家跑路了", OTHER),
        # a concrete problem wins over how support behaved
        ("卡密无效，客服一直推诿", INVALID),
        ("客服说已提交技术，一直没到账", UNDELIVERED),
        ("来回拖了一周，客服推诿", STALLING),
        ("售后拖延，一直没到账", UNDELIVERED),
        # words taken back, or that only date something, do not count
        ("没到账，不对，是到账了但是充错号了，客服不回", STALLING),
        ("还没到账前就申请取消，客服不理", STALLING),
        ("想取消一个还没发货的订单，客服一直不回", STALLING),
        ("我的账号用不了了", None),
        ("跟客服沟通无效，一直不回", STALLING),
        ("客服不回消息，要求3天内原路退回", STALLING),
        ("客服一直没发票给我，也不回", STALLING),
        ("钱一直退不回来，客服推诿", STALLING),
        ("Instead of replying they closed my ticket", None),
        ("the code was only valid for a day", None),
        # the goods are not what was bought: that is why the code "does not work"
        ("结果发过来的是美服的卡密, 根本用不了", IssueType.OTHER),
        ("it's region-locked and doesn't work in my country", IssueType.OTHER),
        ("100元面额的Q币卡，储值进去只有50个Q币", IssueType.OTHER),
        # late or failed deliveries
        ("付了389元，结果过了三天才到帐", IssueType.NOT_DELIVERED),
        ("The code came 6 days late, on Sep 3", IssueType.NOT_DELIVERED),
        ("paid 30 rmb, still not in my account", IssueType.NOT_DELIVERED),
        ("the site took my money but shows 'order failed'. No code, no refund.",
         IssueType.NOT_DELIVERED),
        ("页面显示库存不足，订单取消，钱却没退回来", IssueType.NOT_DELIVERED),
        # less than paid for, a price changed, a fee never agreed to, a shut account, a leak
        ("选的面值200 结果绑上去只有100块", IssueType.OTHER),
        ("下单的时候价格被改了, 多扣了5块", IssueType.OTHER),
        ("they added a hidden service fee at checkout", IssueType.OTHER),
        ("儲值完帳號就被停權了", IssueType.OTHER),
        ("ever since, scam calls quote my order number", IssueType.OTHER),
        ("客服话唔开发票", IssueType.OTHER),
        ("问客服开发票, 一直没人回", IssueType.SUPPORT_STALLING),  # silence is the complaint
        # a refund agreed or asked for, and late; silence; a membership never switched on
        ("售后说五天之内给我退, 现在还没退", IssueType.AFTERSALES_DELAY),
        ("the agent said the money would be back in 3 days", IssueType.AFTERSALES_DELAY),
        ("申请了退款, 到现在都没动静", IssueType.SUPPORT_STALLING),
        ("申请了退款, 到现在还没退", IssueType.AFTERSALES_DELAY),
        ("each reply says it's with the tech team", IssueType.SUPPORT_STALLING),
        ("nobody ever answers, just bots", IssueType.SUPPORT_STALLING),
        ("付了钱会员一直没开通", IssueType.NOT_DELIVERED),
        # a word for fraud, a leak or an invoice gives way to a concrete problem
        ("I paid and never received the code, this is a scam.", IssueType.NOT_DELIVERED),
        ("付款后一直没到账,怕个人信息泄露", IssueType.NOT_DELIVERED),
        ("客服一直拖着不给退款,发票也没开", IssueType.AFTERSALES_DELAY),
        ("只到了50块,另外50没到账", IssueType.NOT_DELIVERED),
        # nothing fits: no guess
        ("你好", None),
        ("我想咨询一下", None),
        ("我不理解这个规定", None),
        ("the listing said it never expires", None),
    ],
)
def test_classify_issue(text: str, issue: IssueType | None) -> None:
    assert classify_issue(text) == issue


# --- the order number ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "order_no"),
    [
        ("订单号是二五零一零一一二三四五六", "250101123456"),
        ("投诉订单号20250101123456-卡密问题", "20250101123456"),
        ("订单号 KM-2025-0101-88", "KM-2025-0101-88"),
        ("售后单号SH250120008", None),  # an after-sales ticket, not the order
        ("工单号T2025010100", None),
    ],
)
def test_parse_order_no(text: str, order_no: str | None) -> None:
    assert parse_order_no(text) == order_no
