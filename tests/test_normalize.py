"""The one normalisation step before any reading, and its way back to the user's words."""

from __future__ import annotations

import pytest

from conversations.reading.normalize import read


@pytest.mark.parametrize(
    ("typed", "read_as"),
    [
        # A Chinese phone keyboard: full-width punctuation, digits and the yuan sign.
        (
            "付款时间２０２４－０５－１２ ２１：０８，金额￥150.00！",
            "付款时间2024-05-12 21:08,金额¥150.00!",
        ),
        ("（订单号：ＷＬ１２３）", "(订单号:WL123)"),
        # Traditional characters, by OpenCC.
        ("兩天前上週二買了點數卡", "两天前上周二买了点数卡"),
        ("上禮拜二三點十五", "上礼拜二三点十五"),
        # Cantonese day and time words.
        ("琴日晏晝三點搵客服", "昨天下午三点揾客服"),
        ("聽日朝早九點", "明天早上九点"),
        # Emoji out, repeated punctuation once, odd spaces one space.
        ("卡密用不了😡😡客服不理人！！！", "卡密用不了 客服不理人!"),
        ("什么情况？？？？", "什么情况?"),
        ("然后。。。。就没了......", "然后。就没了…"),
        ("3天——8天", "3天-8天"),
        ("3～5个工作日", "3~5个工作日"),
        ("订单号\u3000\u3000123", "订单号 123"),
        ("零\u200b宽\ufeff字符", "零宽字符"),
        # Line breaks stay as sentence ends, blank lines and CRLF fold into one.
        ("订单号123\r\n\r\n金额50元\r商品Q币", "订单号123\n金额50元\n商品Q币"),
        ("  前后空白  ", "前后空白"),
        # Plain text is left alone.
        ("I paid 150 yuan on 2/15 at 8pm.", "I paid 150 yuan on 2/15 at 8pm."),
    ],
)
def test_normalised_text(typed: str, read_as: str) -> None:
    assert read(typed).text == read_as


def test_quotes_are_the_users_own_characters() -> None:
    norm = read("琴日晏晝三點，客服話張點數卡用唔到😡")
    start = norm.text.index("客服")
    assert norm.quote(start, len(norm.text)) == "客服話張點數卡用唔到"
    assert norm.quote(0, 4) == "琴日晏晝"  # 昨天下午, as typed


def test_quote_spans_join_pieces_apart_with_one_space() -> None:
    norm = read("１０月２日 打电话 ，说会处理")
    first = norm.text.index("打电话")
    second = norm.text.index("说会处理")
    assert norm.quote_spans([(first, first + 3), (second, second + 4)]) == "打电话 说会处理"


def test_every_character_maps_inside_the_source() -> None:
    typed = "🙏求助！！我在未來卡盟買了２張卡……序號無效\r\n客服：「已轉交技術」"
    norm = read(typed)
    assert len(norm.starts) == len(norm.ends) == len(norm.text)
    for i in range(len(norm.text)):
        assert 0 <= norm.starts[i] < norm.ends[i] <= len(typed)
        assert i == 0 or norm.starts[i] >= norm.starts[i - 1]


def test_source_span_of_a_match() -> None:
    typed = "金额：￥１５０"
    norm = read(typed)
    assert norm.text == "金额:¥150"
    start, end = norm.source_span(3, 7)
    assert typed[start:end] == "￥１５０"
