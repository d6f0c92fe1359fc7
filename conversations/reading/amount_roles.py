"""What a sum of money is, by the words around it: paid, a face value, a balance…"""

from __future__ import annotations

import re
from enum import IntEnum

from conversations.reading.money import Money


class Role(IntEnum):
    """What a sum is; the higher, the surer it is the amount paid."""

    NOT_PAID = -1  # a face value, balance, coupon, difference or compensation
    CARD = 0  # "¥500 Steam card", "100元的卡": the card's value, a price only when alone
    REFUND = 1  # "要求退款98元": the money asked back, the price paid when nothing else says
    PLAIN = 2  # "腾讯视频会员年卡，168元": a sum beside the purchase, said of nothing else
    PRICE = 3  # "价格88", "卖¥88": the listed price, not always what was charged
    UNIT = 4  # "每张50", "¥98 each": a unit price, times the quantity bought
    PAID = 5  # "实付98", "付了50", "paid ¥186"
    TOTAL = 6  # "一共96", "¥196 total"
    ACTUAL = 7  # "实付95", "actually paid 95": said against a price, a total, a discount
    PER_CHARGE = 8  # "每次45", "各¥480", "¥30 twice": one charge of a double charge


# Each cue is read right before the number ("…$") or right after it ("^…"), in its clause.
_FILLER = r"\s*(?:了|咗|的|嘅|嗰|我|是|为|约|大概|就|:)?\s*(?:了|我|是|为|:)?\s*"


def _before(words: str) -> re.Pattern[str]:
    """A cue that ends right before the number, a little filler allowed."""
    return re.compile(rf"(?:{words}){_FILLER}$", re.I)


def _after(words: str) -> re.Pattern[str]:
    """A cue that starts right after the number."""
    return re.compile(rf"^\s*(?:{words})", re.I)


_FACE_BEFORE = _before(r"面值|面额|价值|face\s*value(?:\s+of)?|worth|denomination(?:\s+of)?")
_FACE_AFTER = _after(r"的?\s*(?:面值|面额)|face\s*value|worth\b|denomination")
# Anywhere in the words before: "余额还有236.8元", "里面还有之前充的余额三百二十块".
_BALANCE = re.compile(r"余额|余款|balance", re.I)
_NOT_PAID_BEFORE = _before(
    r"优惠券|优惠|满减|立减|红包|抵扣|抵用券|代金券|减了|返现|coupon|discount|voucher"
    r"|差价|多收了?|多付了?|difference(?:\s+of)?|overcharged(?:\s+me)?(?:\s+by)?"
    r"|赔偿|补偿|赔|compensation(?:\s+of)?|compensate(?:\s+me)?(?:\s+with)?|手续费|fee\s+of"
    r"|原价|original(?:ly)?(?:\s+price)?"
)
_NOT_PAID_AFTER = _after(
    r"的?(?:优惠券|红包|代金券|差价|手续费|赔偿|补偿)|(?:in\s+)?(?:coupon|discount|off|compensation)\b"
)
_PER_CHARGE_BEFORE = _before(
    r"每次(?:都)?(?:扣|付)?|每笔|各|(?:两|二|2)\s*次|(?:两|二|2)\s*笔|each\s+time"
    r"|(?:two|2)\s+(?:payments|charges)\s+of|payments?\s+of|charges?\s+of"
)
_PER_CHARGE_AFTER = _after(r"twice\b|two\s+times|each\s+time|x\s*2\b|×\s*2")
_TOTAL_BEFORE = _before(
    r"(?:一共|总共|共计|合计|总计|总价|总额|共)(?:花了|付了|支付了?|付款|付咗|俾咗|俾|畀咗|扣了|扣咗)?"
    r"|total(?:\s+of)?(?:\s*(?:俾咗|付了|paid))?|in\s+total|altogether|a\s+total\s+of"
)
_TOTAL_AFTER = _after(r"total\b|in\s+total|altogether|总共|一共")
_ACTUAL_BEFORE = _before(
    r"实付(?:金额|款)?|实际(?:支付|付款|扣款|付|扣)了?|实收|actually\s+(?:paid|charged)(?:\s+me)?"
)
_PAID_BEFORE = _before(
    r"付了|付款(?:金额)?|支付(?:金额)?了?|已付|付|花(?:了|咗|费了?)?"
    r"|用了|扣了我?|扣款|扣除了?|被扣了?|扣咗我?|扣|收了我?|收我|charge了我?|俾咗|畀咗|比咗|俾|畀"
    r"|交了|钱是|金额(?:是|为)?|订单金额|成交价|买成|现价|折后价?|到手价|优惠后|"
    r"paid(?:\s+(?:only|just|about|around))?|spent|charged(?:\s+me)?|cost(?:s|ing)?(?:\s+me)?"
    r"|pay(?:ing)?|amount(?:\s+paid)?|price\s+paid|payment\s+of|payment:"
)
# "bought it for ¥186": only with a currency, "for a 100 Q coin top-up" is no price.
_FOR_BEFORE = _before(r"\bfor")
_UNIT_BEFORE = _before(r"每张|每个|每份|每件|一张|一个|单价|per\s+(?:card|code|piece|unit)")
_UNIT_AFTER = _after(
    r"一张|每张|一个|/张|/个|each\b|apiece|a\s+piece|per\s+(?:card|code|piece|unit)"
)
_PRICE_BEFORE = _before(
    r"价格|售价|标价|定价|活动价|卖价|卖|价钱|price(?:\s+(?:is|was|of))?(?:\s*显示)?|priced\s+at"
    r"|listed\s+(?:at|for)|显示|写的|写着|标的"
)
_PRICE_AFTER = _after(r"的?(?:活动价|优惠价|售价|价格|标价)")
_REFUND_BEFORE = _before(
    r"退款|退还|退回|退给我|退返|退|返还|refund(?:\s+of)?|return(?:\s+of)?|多扣|extra|back"
)
_REFUND_AFTER = _after(r"退|back\b|returned|refunded")
# "100元的Steam卡", "¥500 STEAM CARD", "一百块的话费": a card's value. A Chinese noun must
# follow at once: in "网易一卡通 15块 卡密充不进去" the 卡 after the space is another phrase.
_CARD_AFTER = re.compile(
    r"^(?:的(?!钱)|\s*(?:[A-Za-z][\w'&.-]*\s+){0,3}(?:gift\s*)?(?:cards?|codes?|pins?|vouchers?"
    r"|top-?ups?|wallet)\b|[^\s,。;!?]{0,8}?(?:卡(?!密|号|盟)|话费|点券|Q币|会员))",
    re.I,
)
# A bare number after an id's label is that id: "工号 3307", "QQ号12345678", "#2207".
_ID_BEFORE = _before(
    r"工号|编号|单号|订单号?|工单号?|QQ号?|uid|\bid|#|no\.|手机号?|电话|号码|phone|客服|agent"
    r"|ticket|order(?:\s*(?:no\.?|number))?|ref\.?|case"
)
_CARD_BEFORE = _before(r"充值|话费|充")
# "¥460还是¥480", "195还是185", "265 or 285": the user does not know which.
_OR = re.compile(r"^\s*(?:还是|或者|或是|或|定系|定|抑或|or)\s*$", re.I)


def role_of(money: Money, before: str, after: str) -> Role | None:
    """What a sum is, from the words just before and after it in its clause; None for a
    bare number that nothing says is money."""
    if not money.marked and _ID_BEFORE.search(before):
        return None
    if _NOT_PAID_BEFORE.search(before) or _NOT_PAID_AFTER.match(after):
        return Role.NOT_PAID
    if _FACE_BEFORE.search(before) or _FACE_AFTER.match(after):
        return Role.NOT_PAID
    role = _cued(before, after)
    if _BALANCE.search(before) and (role is None or role < Role.PAID):
        return Role.NOT_PAID  # "余额还有88元"; but "用余额付了50" is paid
    if role is not None:
        return role
    if money.marked and _FOR_BEFORE.search(before):
        return Role.PAID
    if money.marked and _CARD_AFTER.match(after):
        return Role.CARD
    if not money.marked and (after.startswith("的") or _CARD_BEFORE.search(before)):
        return Role.CARD  # "Steam充值卡 200的", "话费充值100"
    return Role.PLAIN if money.marked else None


_CUES: tuple[tuple[Role, re.Pattern[str] | None, re.Pattern[str] | None], ...] = (
    (Role.PER_CHARGE, _PER_CHARGE_BEFORE, _PER_CHARGE_AFTER),
    (Role.ACTUAL, _ACTUAL_BEFORE, None),
    (Role.TOTAL, _TOTAL_BEFORE, _TOTAL_AFTER),
    (Role.PAID, _PAID_BEFORE, None),
    (Role.UNIT, _UNIT_BEFORE, _UNIT_AFTER),
    (Role.PRICE, _PRICE_BEFORE, _PRICE_AFTER),
    (Role.REFUND, _REFUND_BEFORE, _REFUND_AFTER),
)


def _cued(before: str, after: str) -> Role | None:
    """The role the nearest cue words give, the surest first."""
    for role, cue_before, cue_after in _CUES:
        if (cue_before is not None and cue_before.search(before)) or (
            cue_after is not None and cue_after.match(after)
        ):
            return role
    return None


def is_alternative(between: str) -> bool:
    """Whether the words between two sums offer a choice ("…还是…", "… or …")."""
    return bool(_OR.match(between))
