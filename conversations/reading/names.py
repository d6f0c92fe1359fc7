"""The platform and the product a story names."""

from __future__ import annotations

import re

from conversations.model import (
    DEFAULT_PLATFORM,
)
from conversations.reading.normalize import normalise

_DEFAULT_PLATFORM = re.compile(r"未来\s*卡盟")


_NAMED_KAMENG = re.compile(r"(?P<name>[\u4e00-\u9fffA-Za-z0-9]{1,12})卡盟")


# Words that end the phrase before a name: "我昨天在星辰卡盟" → "星辰".
_NAME_BOUNDARY = re.compile(r".*[在从于的了去到是个家买和跟向找给过]")


_IN_PLATFORM = re.compile(
    r"[在从](?P<name>[\u4e00-\u9fffA-Za-z0-9]{1,10}?)"
    r"(?:平台|商城|官网|网站|APP|app|小程序|上(?:买|购买|充值|下单|订购))"
)


_EN_PLATFORM = re.compile(
    r"\b(?:on|from|at|via)\s+(?:the\s+)?(?P<name>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,3})\s+"
    r"(?:[Pp]latform|[Ss]tore|[Ss]hop|[Mm]arketplace|[Ww]ebsite|[Ss]ite|[Aa]pp)\b"
)


_GENERIC_NAMES = frozenset(
    {
        *("这", "那", "该", "此", "本", "某", "这个", "那个", "这家", "那家", "一个", "一家"),
        *("各", "其他", "别的", "官方", "第三方", "网上", "网络", "网店", "线上", "手机", "电商"),
        *("他们", "你们", "贵", "The", "This", "That", "Their", "Our", "My", "Your"),
    }
)


def find_platform(text: str) -> str | None:
    """The platform: 未来卡盟, any "XX卡盟", "在XX平台/在XX上买", or "on <Name> store"."""
    norm = normalise(text)
    if _DEFAULT_PLATFORM.search(norm):
        return DEFAULT_PLATFORM
    for m in _NAMED_KAMENG.finditer(norm):
        name = _NAME_BOUNDARY.sub("", m.group("name"))[-8:]
        if name and name not in _GENERIC_NAMES:
            return f"{name}卡盟"
    for pattern in (_IN_PLATFORM, _EN_PLATFORM):
        for m in pattern.finditer(norm):
            name = m.group("name").strip()
            if len(name) >= 2 and name not in _GENERIC_NAMES:
                return name
    return None


_BUY_VERB = re.compile(
    r"(?:下单购买了|购买了|购买|买了|买到|买|充值了(?!卡)|充值(?!卡)|下单了|下单|订购了|订购|拍下了"
    r"|入手了)(?!时间|日期|记录|金额|渠道|平台|商品)"
)


_PRODUCT_WORD = re.compile(
    r"充值卡|礼品卡|购物卡|游戏卡|点卡|月卡|季卡|年卡|周卡|卡密|会员|Q币|点券|钻石|金币|激活码|兑换码"
    r"|CDK|卡(?!盟)",
    re.I,
)


_QUANTITY_AFTER = re.compile(
    r"\s*(?:\d+|[一二两三四五六七八九十百千万]+)\s*[个张点枚颗份](?![\u4e00-\u9fff])"
)


_LEADING_FILLER = re.compile(r"^[了的\s]*(?:[一二两三四五六七八九十\d]*\s*[张个份件套枚])?\s*")


_EN_BUY_VERB = re.compile(
    r"\b(?:bought|purchased|ordered|buy|purchase|paid\s+for|topped\s+up)\s+", re.I
)


_EN_PRODUCT_WORD = re.compile(
    r"\b(?:gift\s+cards?|top-?ups?|cards?|codes?|vouchers?|credits?|memberships?|subscriptions?"
    r"|points|diamonds|coins|keys?|pins?)\b",
    re.I,
)


_EN_LEADING_FILLER = re.compile(r"^(?:(?:a|an|one|the|some|my)\s+)+", re.I)


_EN_PHRASE_END = re.compile(r"[,;!?\n]|\.(?!\d)")


# A space between two Chinese words ends a clause too ("下单 订单 WL… 实付98元").
_PRODUCT_STOP = re.compile(r"[，,。！？!?；;\n]|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


def find_product(text: str) -> str | None:
    """The product bought: "100元的Steam充值卡", "腾讯Q币100个", "$50 Google Play gift card"."""
    norm = normalise(text)
    for m in _BUY_VERB.finditer(norm):
        product = _zh_product_after(norm, m.end())
        if product:
            return product
    for m in _EN_BUY_VERB.finditer(norm):
        product = _en_product_after(norm, m.end())
        if product:
            return product
    return None


def _zh_product_after(text: str, start: int) -> str | None:
    """The noun phrase after a Chinese buying verb, ending at its product word (+ quantity)."""
    stop = _PRODUCT_STOP.search(text, start)
    segment = text[start : stop.start() if stop else len(text)][:40]
    word = _PRODUCT_WORD.search(segment)
    if not word:
        return None
    end = word.end()
    # "一卡通点卡": a product word right after another one belongs to the same name.
    while (more := _PRODUCT_WORD.search(segment, end)) and more.start() - end <= 2:
        end = more.end()
    quantity = _QUANTITY_AFTER.match(segment, end)
    if quantity:
        end = quantity.end()
    phrase = _LEADING_FILLER.sub("", segment[:end])
    platform = _DEFAULT_PLATFORM.match(phrase) or _NAMED_KAMENG.match(phrase)
    if platform and phrase[platform.end() : platform.end() + 1] == "的":
        phrase = phrase[platform.end() + 1 :]  # "未来卡盟的Steam卡": the shop is not the product
    phrase = phrase.strip()
    return phrase if 2 <= len(phrase) <= 40 else None


def _en_product_after(text: str, start: int) -> str | None:
    """The noun phrase after an English buying verb, ending at its product word."""
    stop = _EN_PHRASE_END.search(text, start)
    segment = text[start : stop.start() if stop else len(text)]
    word = _EN_PRODUCT_WORD.search(segment)
    if not word or len(segment[: word.start()].split()) > 6:
        return None
    phrase = _EN_LEADING_FILLER.sub("", segment[: word.end()]).strip()
    return phrase if 2 <= len(phrase) <= 60 else None
