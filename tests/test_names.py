"""The shop, the product and the count a story names, one rule per case."""

from __future__ import annotations

from datetime import datetime

import pytest

from conversations.reading.agents import contact_ids
from conversations.reading.forms import form_fields
from conversations.reading.goods import Goods, read_goods
from conversations.reading.names import find_platform, find_product, find_quantity
from conversations.reading.normalize import read
from conversations.reading.story import extract_story
from conversations.reading.times import SHANGHAI


@pytest.mark.parametrize(
    ("text", "product", "quantity"),
    [
        # After a buying verb: the count, face value and fillers before the name come off.
        ("我在星河卡盟买了三张200元的沃尔玛购物卡", "沃尔玛购物卡", 3),
        ("在未来卡盟买了面值100的Steam卡", "Steam卡", None),
        ("买了张50块的移动充值卡", "移动充值卡", None),  # 张 without a number is no count
        ("下单了一份爱奇艺黄金会员月卡", "爱奇艺黄金会员月卡", 1),
        ("给我儿子买了那个原神的月卡", "原神的月卡", None),  # 的 after a brand stays
        ("买错了的芒果TV会员，没用过", "芒果TV会员", None),
        ("买了两个月的爱奇艺会员", "爱奇艺会员", None),  # a duration is no count
        ("我之前买过Steam卡", "Steam卡", None),
        # Without a verb: first in its clause, or right after the shop's name.
        ("未来卡盟，英雄联盟点券，订单号123456", "英雄联盟点券", None),
        ("那个未来卡盟的网易云音乐会员是假的", "网易云音乐会员", None),
        ("订单号123456789 商品 Q币 50个", "Q币", None),
        # A count after the name, past a face value or a note; none in the middle of a name.
        ("原神月卡×2，一共60", "原神月卡", 2),
        ("Steam充值卡 两张 一共200", "Steam充值卡", 2),
        ("Apple礼品卡 ¥100 两张", "Apple礼品卡", 2),
        ("买了一张Xbox 3个月会员卡", "Xbox 3个月会员卡", 1),
        ("英雄联盟点卡2张共100元", "英雄联盟点卡", 2),
        # In-game money: a number of it is an amount, never a count of items.
        ("购买了腾讯Q币100个", "腾讯Q币", None),
        ("王者荣耀点券 648点 付了64.8", "王者荣耀点券", None),
        ("充了648点券", "648点券", None),
        ("在星空卡盟买了5张Q币卡", "Q币卡", 5),
        # Traditional and Cantonese typing; the name is quoted as typed.
        ("我在未來卡盟買了兩張MyCard點數卡", "MyCard點數卡", 2),
        ("喺星河卡盟買咗張Steam禮品卡", "Steam禮品卡", None),
        ("買咗三張 Garena 貝殼幣卡", "Garena 貝殼幣卡", 3),
        ("購買了「魔獸世界 月卡」一張", "魔獸世界 月卡", 1),
        # Not a product: no brand, a bank card, the code itself, a replacement asked for.
        ("买了张卡，卡密无效", None, None),
        ("卡密无效，银行卡被扣了两次", None, None),
        ("要求补发一张新卡", None, None),
        ("充值卡无效", None, None),
        # A count said with the verb alone.
        ("我买了两张，都用不了", None, 2),
        ("App Store gift card 500元 买了一张 实付490", "App Store gift card", 1),
        # English: articles, counts and face values before the name; "of" after an amount.
        ("bought two Netflix gift cards on ShopX store", "Netflix gift cards", 2),
        ("I ordered a ¥100 Spotify premium code", "Spotify premium code", None),
        ("Bought 3 Roblox ¥50 cards", "Roblox cards", 3),  # the face value inside comes out
        ("paid 30 for a Free Fire diamond top-up", "Free Fire diamond top-up", None),
        ("I paid 98.5 for a 100 Q coin top-up", "Q coin top-up", None),
        ("took 2 payments for 1 Honor of Kings card", "Honor of Kings card", 1),
        ("order 123456: ¥300 of Xbox cards (3 cards)", "Xbox cards", 3),
        ("Order: Nintendo eShop card x2", "Nintendo eShop card", 2),
        ("I bought 500 diamonds yesterday", "500 diamonds", None),
        ("weilai kameng sold me a used Xbox code", "Xbox code", None),
        ("2 cards ordered yesterday, all invalid", None, 2),
        ("the code was invalid", None, None),
        ("I got a replacement code", None, None),
        # Named without a head word: a title bought, a 《game》 topped up, a brand and price.
        ("I bought Elden Ring Deluxe Edition on Monday", "Elden Ring Deluxe Edition", None),
        ("帮《崩坏：星穹铁道》账号充值了68元", "崩坏：星穹铁道", None),
        ("my order (123456, Razer Gold ¥200) was cancelled", "Razer Gold", None),
    ],
)
def test_product_and_quantity(text: str, product: str | None, quantity: int | None) -> None:
    assert (find_product(text), find_quantity(text)) == (product, quantity)


@pytest.mark.parametrize(
    ("text", "goods"),
    [
        # A 商品: field gives the product directly, without its count or face value.
        ("订单号:KM1\n商品:哔哩哔哩大会员年卡×2\n金额:298", Goods("哔哩哔哩大会员年卡", 2)),
        ("订单号:KM1\n商品:原神月卡(空月祝福) 一张\n金额:30", Goods("原神月卡", 1)),
        ("订单号:KM1\n商品:京東E卡（面值200）\n金额:196", Goods("京東E卡", None)),
        # A value with no head word is the value, cut before its price; 数量: is the count.
        ("订单号:KM1\n商品名称:肯德基电子券 ¥30\n数量:2\n金额:60", Goods("肯德基电子券", 2)),
        ("order: 12345\nproduct: Honor of Kings tokens (点券) ¥60", Goods("Honor of Kings tokens")),
    ],
)
def test_form_field(text: str, goods: Goods) -> None:
    norm = read(text)
    assert read_goods(norm, None, form_fields(norm.text)) == goods


@pytest.mark.parametrize(
    ("text", "platform"),
    [
        ("在未來卡盟買的", "未来卡盟"),  # the one shop has one canonical name
        ("bought on Weilai Kameng yesterday", "未来卡盟"),
        ("weilai support ignores me", "未来卡盟"),
        ("emailed service@weilaikameng.com", "未来卡盟"),
        ("你好我要投诉那个什么星河卡盟", "星河卡盟"),
        ("我喺一個叫「金盾卡盟」嘅網買咗", "金盾卡盟"),
        ("在「速購卡盟」買了一張", "速購卡盟"),  # other names as the user typed them
        ("喺88卡盟買咗", "88卡盟"),
        ("ordered on Xingchen Kameng", "Xingchen Kameng"),
        ("在京东平台买的", "京东"),
        ("from the Card King shop", "Card King"),
        # Generic words are no name.
        ("在一个卡盟网站上买的", None),
        ("在某个卡盟买了点券", None),
        ("卡盟买的网易一卡通", None),
        ("ordered on some kameng site", None),
        ("在网上买的", None),
    ],
)
def test_platform(text: str, platform: str | None) -> None:
    assert find_platform(text) == platform


def test_product_is_quoted_from_the_users_own_characters() -> None:
    norm = read("琴日喺未來卡盟買咗兩張Steam點數卡😡")
    assert "点数卡" in norm.text  # matched on simplified text…
    assert find_product(norm) == "Steam點數卡"  # …quoted as typed


def test_a_story_fills_product_and_quantity() -> None:
    now = datetime(2026, 12, 6, 15, 0, tzinfo=SHANGHAI)
    facts = extract_story("昨天在未来卡盟买了两张100元的京东E卡，卡密无效，要求退款", now)
    assert (facts.platform, facts.product, facts.quantity) == ("未来卡盟", "京东E卡", 2)
    assert "quantity" in facts.found


@pytest.mark.parametrize(
    ("text", "shop"),
    [
        ("易卡网买的网易一卡通50元", "易卡网"),
        ("三个小时前在易卡網買了貝殼幣", "易卡網"),
        ("Bought 10 Xbox gift cards on 点卡之家 for a giveaway", "点卡之家"),
        ("平台:易卡网\n订单号:YK123456", "易卡网"),
        ("我帮细佬喺网上买咗张卡", None),  # 网上 is "online", not a shop
        ("在网易一卡通官网买的", "网易一卡通"),  # its official site: the shop is the brand
        # a shop named only by where it stands: quoted, or just before the buying verb
        ("上周在「星月小站」買了兩張卡", "星月小站"),
        ('昨天在"快乐充"下的单', "快乐充"),
        ("周二在蓝莓坊买的点卡", "蓝莓坊"),
        ("我8号在橙光花98充了钻石", "橙光"),
        ("前天在GameBox买了一张steam卡", "GameBox"),
        ("绿洲数码 买的 京东E卡", "绿洲数码"),
        ("我昨天在网上买的", None),
        ("在他们家买的", None),
        ("上周三在店里买的", None),
        ("ordered from CardNest on Monday", "CardNest"),
        ("bought it on Golden Leaf Card Mall", "Golden Leaf Card Mall"),
        ("paid via Red Panda Card Shop", "Red Panda Card Shop"),
        ("I keep messaging ZapCards support", "ZapCards"),
        ("from Happy Tree卡盟 last week", "Happy Tree卡盟"),
        ("contacted them on WeChat on Monday", None),
        ("在「玩家基地卡盟」买的", "玩家基地卡盟"),  # 家 inside a name is no boundary
        # a page, a payment app, a place or a game store is not the shop
        ("在“我的订单”里能看到订单号", None),
        ("从“客服”那边没有得到答复", None),
        ("在微信买的", None),
        ("在支付宝充值的", None),
        ("在公司买的", None),
        ("今天在Steam买的卡", None),
        ("TeamViewer support helped me", None),
    ],
)
def test_shops_not_called_kameng(text: str, shop: str | None) -> None:
    assert find_platform(text) == shop


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("找了客服“小鹿”，她让我发截图", (None, "小鹿")),
        ("客服李婷说今天18点前回复", (None, "李婷")),
        ("他们的客服小美她说要核实", (None, "小美")),
        ("打了电话\n王小姐说3个工作日给答复", (None, "王小姐")),
        ("Their support (Lily) told me it takes 48 hours", (None, "Lily")),
        ("开了ticket #A77120", ("A77120", None)),
        ("打咗熱線，編號係RG1215-009", ("RG1215-009", None)),
        # not names: an adverb, what support said, someone's else's number
        ("客服马上说会处理", (None, None)),
        ("客服于是说再等等", (None, None)),
        ("客服“已提交技术”就没下文了", (None, None)),
        ("接電話個姐姐話已經報咗上去", (None, None)),
        ("用户编号 10086 的客服说会处理", (None, None)),
        ("會員編號 88213,客服說要等", (None, None)),
    ],
)
def test_agents_and_tickets(text: str, ids: tuple[str | None, str | None]) -> None:
    norm = read(text)
    assert contact_ids(norm, 0, len(norm.text)) == ids
