"""The words a product phrase is made of: head words, the words that end a phrase before its
name, and the counts and face values around it. Patterns run on normalised text."""

from __future__ import annotations

import re

# Letters around an English word: Python's \b sees no edge between "买" and "a".
_NO_LETTER_BEFORE = r"(?<![A-Za-z])"
_NO_LETTER_AFTER = r"(?![A-Za-z])"


# The word a product phrase ends with. Longer words first, so "充值卡" wins over "卡".
# "卡" alone is never 卡密 (the code), 卡号, 卡盟 (the shop), 卡住/卡了 (stuck) or a bank card.
_ZH_HEADS = (
    r"话费充值卡|话费充值|话费|充值卡|礼品卡|礼物卡|购物卡|游戏卡|点数卡|储值卡|钱包卡|兑换卡|点卡"
    r"|月卡|季卡|年卡|周卡|E卡|一卡通|会员|Q币|点券|钻石|金币|创世结晶|贝壳币|兑换码|激活码|CDK"
    r"|(?<!银行)(?<!信用)(?<!储蓄)(?<!借记)卡(?![密号盟住了顿里])"
)
_EN_HEADS = (
    r"gift\s+cards?|wallet\s+codes?|e-cards?|cards?(?!\s*(?:number|no\b|#))|codes?|pins?|keys?"
    r"|vouchers?|top[\s-]?ups?|memberships?|subscriptions?|tokens|points|coins?|credits"
    r"|diamonds|crystals|v-?bucks|(?-i:UC|RP)"
)
HEAD = re.compile(
    rf"(?:{_ZH_HEADS})|{_NO_LETTER_BEFORE}(?:{_EN_HEADS}){_NO_LETTER_AFTER}", re.IGNORECASE
)


# In-game money and points: "100 Q币" or "648点券" is an amount of it, never a count of items.
CURRENCY_HEAD = re.compile(
    r"(?:Q币|点券|钻石|金币|创世结晶|贝壳币|话费|话费充值|tokens|points|coins?|credits|diamonds"
    r"|crystals|v-?bucks|UC|RP)",
    re.IGNORECASE,
)


# Heads that name nothing without a brand before them: "买了一张卡", "a code".
NEEDS_BRAND = re.compile(
    r"(?:卡|cards?|codes?|pins?|keys?|vouchers?|top[\s-]?ups?|兑换码|激活码|CDK|会员|E卡"
    r"|e-cards?)",
    re.IGNORECASE,
)


# Heads that are a product even with nothing before them, wherever they stand.
SPECIFIC_HEAD = re.compile(r"(?:话费充值卡?|话费|Q币卡?)", re.IGNORECASE)


# Words before a head that are no brand: "新卡", "银行卡", "the same code".
GENERIC_NAMES = frozenset(
    {
        *("新", "新的", "该", "此", "这", "那", "这张", "那张", "张", "旧", "假", "真", "好", "坏"),
        *("错", "同", "一样的", "银行", "信用", "储蓄", "借记", "手机", "电话", "绑", "补发"),
        *("这个", "那个", "身份", "会员", "实体", "虚拟", "别人的", "我的", "你们的", "他们的"),
        *("new", "the", "a", "an", "replacement", "working", "bad", "right", "same", "another"),
        *("valid", "invalid", "wrong", "that", "this", "credit", "bank", "debit", "sim", "phone"),
        *("my", "your", "their", "extra", "other", "actual", "original", "digital", "used"),
        *("fake", "real", "physical", "virtual", "whole", "each", "every", "both", "all"),
    }
)


# --- where a product's name begins -------------------------------------------------------

# Buying: the verb a product phrase follows ("买了", "下单买", "top up咗", "paid for").
_ZH_BUY = (
    r"购买了?|购入|买错了?|买成|买了|买过|买的|买咗|买嘅|买|下单了?|落单|订购了?|拍下了?|入手了?|抢了?"
    r"|抢的|代充|充值了?|充了?|充的|充|储值|增值|续了?|续费|兑换了?"
)
_EN_BUY = (
    r"bought|buy(?:ing)?|purchased?|ordered|got|get|grabbed|picked\s+up|paid\s+for|for"
    r"|top(?:ped)?\s*up"
)
BUY_BEFORE = re.compile(
    rf"(?:(?:{_ZH_BUY})|{_NO_LETTER_BEFORE}(?:{_EN_BUY}))\s*(?:了|咗|的|嘅|过)?\s*$", re.IGNORECASE
)


# The shop's name or a label just before the product: "未来卡盟的京东E卡", "商品是原神月卡".
SHOP_BEFORE = re.compile(
    r"(?:卡盟|平台|商城|官网|网站|网店|店铺|小程序|商品|产品|商品是|商品为|产品是"
    rf"|{_NO_LETTER_BEFORE}(?:kameng|store|shop|app){_NO_LETTER_AFTER})\s*$",
    re.IGNORECASE,
)


# How long a membership lasts, said before its name: "两个月的爱奇艺会员".
_DURATION = r"(?:\d+|[一二两三四五六七八九十]+)\s*个?(?:月|天|年|季度)(?:的|嘅)"


# A word that ends the phrase before a product's name: the name starts after the last one.
# "的" ends it only after a number, a verb or a pronoun ("100元的Steam卡", "我的"); after a
# brand it is part of the name ("原神的月卡", "英雄联盟的点券").
BOUNDARY = re.compile(
    rf"(?:{_ZH_BUY})"
    r"|卡盟|平台|商城|官网|网站|网店|店铺|小程序|商品|产品|订单编号|订单号|订单|单号|[A-Za-z]*\d{5,}"
    rf"|{_DURATION}"
    r"|在|喺|于|给|帮|替|为|是|了|咗|把|我|你|他|她|们|吧|啊|呢|嗯|喂|哦|就是|然后|结果|还有"
    r"|那个|这个|那种|这种|一个叫|叫做|叫|什么|时候|发现|显示|提示|收到|见到|看到|(?<!传)说"
    r"|(?:同样|一样|新|旧|别|其他|另一张|另外)的|要求|补发|希望|想要|需要"
    r"|话(?!费)|俾|揾"  # Cantonese: said, gave, looked for
    r"|(?:\d+|[一二两三四五六七八九十几]+)\s*[张个份组套枚](?!月)"
    r"|(?<=[0-9元块钱蚊了咗我你他她们买充错值种个一二两三四五六七八九十百千万])(?:的|嘅)"
    rf"|{_NO_LETTER_BEFORE}(?:a|an|the|my|your|their|his|her|our|this|that|these|those|some|any"
    r"|another|on|from|at|in|with|to|via|by|and|or|off|is|was|are|were|i|it|me|you|we|they"
    r"|paid|pay|said|says|say|told|asked|called"
    rf"|kameng|{_EN_BUY}){_NO_LETTER_AFTER}"
    r"|(?:\d|rmb|yuan|dollars?)\s+of(?![A-Za-z])",
    re.IGNORECASE,
)


# What ends a clause: the product's name never runs across it. A space between two Chinese
# words ends a clause too ("未来卡盟 网易一卡通"), except inside quotes ("「魔獸世界 月卡」").
PUNCT_STOP = re.compile(
    r"[,，。!！?？;；:：、()\[\]【】「」『』\"“”‘’'\n|•]|(?<!\d)\.|\.(?!\d)"
    r"|(?:^|(?<=\s))[-–*](?=\s)"
)
SPACE_STOP = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
OPEN_QUOTES = frozenset("「『“‘\"'")


# --- counts and face values --------------------------------------------------------------

_CN_NUM = r"[一二两三四五六七八九十几]+"
_EN_NUM = r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
EN_NUMBERS = {w: i + 1 for i, w in enumerate(_EN_NUM.split("|"))}  # "one" → 1 … "twelve" → 12
# Latin units end at a word's end: "100 yuan", not the "Y" of "100 Yuanshen".
_UNIT = r"(?:元|块钱?|蚊|美金|美元|港币|(?:rmb|cny|yuan|usd|hkd)(?![A-Za-z]))"
_FACE = (
    rf"(?:每张|面值|面额)?\s*[¥$￥]\s*\d[\d,.]*\s*{_UNIT}?\s*(?:面值|面额)?(?:的|嘅)?"
    rf"|\d[\d,.]*\s*{_UNIT}\s*(?:面值|面额)?(?:的|嘅)?"
    rf"|(?:面值|面额)\s*\d[\d,.]*\s*{_UNIT}?(?:的|嘅)?"
    r"|\d+\s*(?:的|嘅)"
    r"|[一二两三四五六七八九十百千]+\s*(?:元|块钱?|蚊)(?:的|嘅)?"
)
_CLASSIFIER = r"[张个份组套枚](?!月)"


# One piece of what may stand between a buying verb and a product's name: a count, a face
# value, an article or a filler ("两张", "100元的", "a ¥500", "那个").
LEAD_TOKEN = re.compile(
    rf"\s+|(?P<count>\d+|{_CN_NUM})\s*(?P<cl>{_CLASSIFIER})|[张个]|(?P<face>{_FACE})"
    rf"|(?<![A-Za-z0-9])(?P<en>{_EN_NUM}|\d{{1,3}})\s*(?P<x>[x×])?{_NO_LETTER_AFTER}(?![\d.,-])"
    rf"|{_NO_LETTER_BEFORE}(?P<article>a|an|the|my|some){_NO_LETTER_AFTER}"
    rf"|{_NO_LETTER_BEFORE}(?:used|new|fake|invalid|valid|working|replacement){_NO_LETTER_AFTER}"
    rf"|{_DURATION}|(?:那|这)(?:个|种)|了|的|咗|嘅",
    re.IGNORECASE,
)


# A face value inside an English name, left out of it: "Steam ¥20 codes" → "Steam codes".
INNER_FACE = re.compile(rf"(?<=\s)[¥$￥]\s*\d[\d,.]*\s*{_UNIT}?\s+", re.IGNORECASE)


# A count right after the product, past a face value or a note in brackets: "2张", "×2",
# "x3", "¥100 两张", "（空月祝福）一张", "(12 cards)".
TRAIL_COUNT = re.compile(
    rf"[ \t]*[」』”\"'》]?[ \t]*(?:[(（][^()（）\n]{{1,20}}[)）])?"
    rf"[ \t]*(?:\(?[ \t]*(?:{_FACE})[ \t]*\)?[ \t]*)?"
    rf"(?:[x×*][ \t]*(?P<x>\d+)(?![\d.])"
    rf"|(?:共|一共|总共)?(?P<count>\d+|{_CN_NUM})[ \t]*(?P<cl>{_CLASSIFIER})"
    r"|\([ \t]*(?P<en>\d+)[ \t]+(?:cards?|codes?|pins?)(?![A-Za-z]))",
    re.IGNORECASE,
)


# A count said with a buying verb but no product after it: "买了一张", "2 cards ordered".
BARE_COUNT = re.compile(
    rf"(?:买了?|买咗|购买了?|抢了?)(?P<count>\d+|{_CN_NUM})\s*(?P<cl>{_CLASSIFIER})(?:卡(?!密))?"
    r"(?=\s*(?:[,，。!！?？;；\n]|$)|\s+(?=[\u4e00-\u9fff]))"
    rf"|{_NO_LETTER_BEFORE}(?P<en>{_EN_NUM}|\d+)\s+(?:cards?|codes?|pins?)\s+"
    r"(?:ordered|bought|purchased)",
    re.IGNORECASE,
)


# A count given as a form field: "数量：1", "qty: 2".
FORM_COUNT = re.compile(r"(?:数量|件数|张数|quantity|qty)\s*[:：]\s*(?P<count>\d+)", re.IGNORECASE)


# Where a 商品: value without a head word ends: its face value, count or a bracket.
FORM_CUT = re.compile(r"\s*(?:[(（]|[x×*]\s*\d|[¥$￥]|\d+\s*[张个份]|\s\d)", re.IGNORECASE)


# --- products named without a head word ------------------------------------------------------

# A game title in 《》 topped up: "幫《傳說對決》帳號儲值" → 傳說對決.
TITLE_TOPUP = re.compile(
    r"《(?P<name>[^《》\n]{1,20})》(?:的)?(?:游戏)?(?:帐号|账号|账户)?(?:里)?"
    r"(?:充值|储值|代充|增值|top\s*up)",
    re.IGNORECASE,
)


# A title-case name right after an English buying verb: "bought Blessing of the Welkin Moon
# for Genshin". Small words inside a title stay ("of the").
EN_TITLE_BOUGHT = re.compile(
    r"(?<![A-Za-z])(?:bought|purchased|ordered)\s+(?:(?:a|an|the)\s+)?"
    r"(?P<name>[A-Z][\w'&-]*(?:\s+(?:of|the|and|[A-Z][\w'&-]*)){0,5}?)"
    r"(?=\s+(?:for|on|from|at|in|via|with)(?![A-Za-z])|\s*[,.;!?()]|\s*$)"
)


# Top-up brands that name a product on their own when a price follows ("Razer Gold ¥200",
# "steam 50 each"): only read when no phrase with a head word was found.
BRAND_PRICED = re.compile(
    r"(?<![A-Za-z])(?P<name>razer\s+gold|mycard|steam|google\s+play|app\s+store|itunes|psn"
    r"|playstation|xbox|nintendo\s+eshop|roblox|v-?bucks|garena|beanfun)"
    r"\s*(?=[¥$￥]?\s*\d)",
    re.IGNORECASE,
)
