"""The platform and the goods a story names."""

from __future__ import annotations

import re
from collections.abc import Callable

from conversations.core.model import DEFAULT_PLATFORM
from conversations.reading.goods import read_goods
from conversations.reading.normalize import Norm, read

# 未来卡盟 in any spelling: traditional characters are simplified by then, and the pinyin
# people type in English ("Weilai Kameng", "weilai", the weilaikameng.com address).
_DEFAULT_PLATFORM = re.compile(
    r"未来\s*卡盟|weilai\s*kameng|(?<![A-Za-z])weilai(?![A-Za-z])", re.IGNORECASE
)


_NAMED_KAMENG = re.compile(r"(?P<name>[\u4e00-\u9fffA-Za-z0-9]{1,12})卡盟")
# "Lucky Star卡盟": a name of several English words before 卡盟.
_LATIN_KAMENG = re.compile(r"(?<![A-Za-z])(?:[A-Z][A-Za-z0-9]*\s){1,3}[A-Za-z0-9]+\s?卡盟")


# Words that end the phrase before a name: "我昨天在星辰卡盟" → "星辰".
_NAME_BOUNDARY = re.compile(r".*[在从于的了去到是个家买和跟向找给过喺咗问搵揾]")


# Fillers before a name: "那个什么星河卡盟", "一个叫金盾卡盟".
_NAME_FILLER = re.compile(r"^(?:那个|这个|什么|一个|一家|叫做|叫|名叫|所谓的?)+")


_PINYIN_KAMENG = re.compile(r"(?<![A-Za-z])(?P<name>[A-Za-z]{2,20})\s+kameng(?![A-Za-z])", re.I)


_IN_PLATFORM = re.compile(
    r"[在从](?P<name>[\u4e00-\u9fffA-Za-z0-9]{1,10}?)"
    r"(?:平台|商城|官网|网站|APP|app|小程序|上(?:买|购买|充值|下单|订购))"
)


# A shop named by what such shops are called: "易卡网", "点卡之家", said where buying is told
# ("在易卡网买的", "易卡网买的", "on 点卡之家", "平台:易卡网").
_SHOP = re.compile(
    r"(?:(?<=[在从于喺:])|(?<=on\s)|(?<=from\s)|(?<=at\s)|(?<=,\s)|(?<=,)|^)\s*"
    r"(?P<name>(?:(?![在从于喺的了给帮我你他她们买咗个张])[\u4e00-\u9fff]){2,6}?"
    r"(?:网|之家|商城|小铺|商店|卡铺))"
    r"(?=\s*(?:买|購|购|充|下单|的|上|申请|,|\.|\)|\s|$))",
    re.M,
)


_EN_PLATFORM = re.compile(
    r"\b(?:on|from|at|via)\s+(?:the\s+)?(?P<name>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,3})\s+"
    r"(?:platform|store|shop|marketplace|website|site|[Aa]pp)\b"
)


# A name the user set in quotes where the buying is told: 在「云朵点卡」买, from "Card Bay".
_QUOTED = re.compile(
    r"(?:[在从于喺]|\b(?:from|on|at|via)\s)\s*[\"“「『](?P<name>[^\"“”「」『』\n]{2,20})[\"”」』]"
    # and the buying told right after it (在“我的订单”里能看到 is a page, not a shop)
    r"(?=\s*(?:[买購购充花订入]|下单|下的单|增值|的订单|上买|上购|\s*[A-Za-z,.!]|$))"
)


# A short name right before the buying verb: 在聚宝阁花648, 在NovaCard买了, a line "果果数码 买的".
_BOUGHT_AT = re.compile(
    r"(?:[在从喺]|^)\s*(?P<name>(?:(?![在从喺])[\u4e00-\u9fff]){2,6}?|[A-Za-z][A-Za-z0-9]{2,19})\s*"
    r"(?=(?:买|購|购|花了?|充值|充了|下单|下的单|订了|增值|入了?)|\s+买的)",
    re.M,
)
# Words for time, place or people that stand where a shop's name would: not names.
_NOT_A_NAME = re.compile(
    r"[周号日月年点晚早午昨今前后天时他她我你们里上这那]|^(?:网|店|群|某|卡盟$)"
)


# An English shop name: one CamelCase word (PixelVault), or capitalised words ending in what
# such shops call themselves (Kaixin Card Mall), after from / on / at, or before "support".
_EN_NAMED = re.compile(
    r"(?:\b(?:from|on|at|via)\s+(?P<name>(?:[A-Z][A-Za-z0-9]*\s+){1,3}(?:Mall|Shop|Store|Cards?|Market)|"
    r"[A-Z][a-z]+(?:[A-Z][a-z0-9]*)+)\b)|"
    r"(?:\b(?:messag|contact|email|call|writ|chas)\w*\s+(?:to\s+)?"
    r"(?P<support>[A-Z][a-z]+(?:[A-Z][a-z0-9]*)+)\s+(?:support|customer service)\b)"
)
# Apps and brands people name in the same places: how they paid or talked, or what they bought.
_EN_NOT_SHOPS = frozenset(
    {"WeChat", "WhatsApp", "AlipayHK", "PayPal", "PlayStation", "AppStore", "GooglePlay",
     "YouTube", "TikTok", "iTunes", "LiveChat", "FaceTime", "WeChatPay", "ApplePay",
     "TeamViewer", "LinkedIn", "OnePlus", "McDonald", "GitHub"}
)


_GENERIC_NAMES = frozenset(
    {
        *("这", "那", "该", "此", "本", "某", "这个", "那个", "这家", "那家", "一个", "一家"),
        *("各", "其他", "别的", "官方", "第三方", "网上", "网络", "网店", "线上", "手机", "电商"),
        *("他们", "你们", "贵", "The", "This", "That", "Their", "Our", "My", "Your"),
        # how people paid, where they were, or the game store the goods are for
        *("微信", "支付宝", "公司", "官网", "学校", "网吧", "家里", "游戏", "游戏里", "淘宝店"),
        *("App", "APP", "app", "Steam", "steam", "Apple", "Google", "Xbox", "PSN"),
        *("some", "a", "the", "this", "that", "their", "another", "any", "one", "other"),
    }
)


def find_platform(text: str | Norm) -> str | None:
    """The platform: 未来卡盟 (also in pinyin), any "XX卡盟", "在XX平台/在XX上买", or
    "on <Name> store", in the user's characters."""
    n = read(text) if isinstance(text, str) else text
    if _DEFAULT_PLATFORM.search(n.text):
        return DEFAULT_PLATFORM
    for finder in _PLATFORM_FINDERS:
        span = finder(n.text)
        if span is not None:
            return n.quote(*span)
    return _named_where_bought(n)


def _quoted(norm: str) -> tuple[int, int] | None:
    m = _QUOTED.search(norm)
    return m.span("name") if m else None


def _latin_kameng(norm: str) -> tuple[int, int] | None:
    m = _LATIN_KAMENG.search(norm)
    return m.span() if m else None


def _named_kameng(norm: str) -> tuple[int, int] | None:
    for m in _NAMED_KAMENG.finditer(norm):
        name = _NAME_FILLER.sub("", _NAME_BOUNDARY.sub("", m.group("name")))[-8:]
        if name and name not in _GENERIC_NAMES:
            return m.end() - len(name) - 2, m.end()
    return None


def _shop(norm: str) -> tuple[int, int] | None:
    for m in _SHOP.finditer(norm):
        if not m.group("name").startswith("网"):  # "网易一卡通" is a product
            return m.span("name")
    return None


def _pinyin_kameng(norm: str) -> tuple[int, int] | None:
    for m in _PINYIN_KAMENG.finditer(norm):
        if m.group("name").lower() not in _GENERIC_NAMES:
            return m.span()
    return None


def _in_platform(norm: str) -> tuple[int, int] | None:
    for pattern in (_IN_PLATFORM, _EN_PLATFORM):
        for m in pattern.finditer(norm):
            name = m.group("name").strip()
            if len(name) >= 2 and name not in _GENERIC_NAMES and not name.endswith("卡盟"):
                return m.start("name"), m.start("name") + len(name)
    return None


# How a story names its shop, most specific first: the first that finds one wins.
_PLATFORM_FINDERS: tuple[Callable[[str], tuple[int, int] | None], ...] = (
    _quoted, _latin_kameng, _named_kameng, _shop, _pinyin_kameng, _in_platform,
)


def _named_where_bought(n: Norm) -> str | None:
    """A shop named by where it stands, not by what it is called: before the buying verb, or
    an English CamelCase or "... Card Mall" name."""
    for m in _EN_NAMED.finditer(n.text):
        span = m.span("name") if m.group("name") else m.span("support")
        if n.text[span[0] : span[1]] not in _EN_NOT_SHOPS:
            return n.quote(*span)
    for m in _BOUGHT_AT.finditer(n.text):
        name = m.group("name")
        if name not in _GENERIC_NAMES and not _NOT_A_NAME.search(name):
            return n.quote(*m.span("name"))
    return None


def find_product(text: str | Norm) -> str | None:
    """The product bought, as the user wrote it: "Steam充值卡", "$50 Google Play gift card"
    → "Google Play gift card"."""
    return read_goods(read(text) if isinstance(text, str) else text).product


def find_quantity(text: str | Norm) -> int | None:
    """How many cards or codes were bought, when the user said: "两张", "×2", "3 codes"."""
    return read_goods(read(text) if isinstance(text, str) else text).quantity
