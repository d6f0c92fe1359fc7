"""Time expressions and response windows, zh and en, against a fixed now."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from conversations.model import Window, WindowUnit
from conversations.timeparse import (
    cn_number,
    find_times,
    find_window,
    parse_time,
    parse_window,
)

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 3, 5, 12, 0, tzinfo=TZ)  # a Wednesday


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """A Shanghai wall-clock time."""
    return datetime(year, month, day, hour, minute, second, tzinfo=TZ)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # day words, periods and hours
        ("昨天晚上8点", local(2025, 3, 4, 20, 0)),
        ("前天下午3点左右", local(2025, 3, 3, 15, 0)),
        ("大前天上午9点", local(2025, 3, 2, 9, 0)),
        ("今天上午10点", local(2025, 3, 5, 10, 0)),
        ("今晚9点半", local(2025, 3, 5, 21, 30)),
        ("昨晚11点", local(2025, 3, 4, 23, 0)),
        ("凌晨1点", local(2025, 3, 5, 1, 0)),
        ("中午12点", local(2025, 3, 5, 12, 0)),
        ("中午1点", local(2025, 3, 5, 13, 0)),
        ("晚上8点", local(2025, 3, 5, 20, 0)),
        ("晚8点", local(2025, 3, 5, 20, 0)),
        ("8点15分", local(2025, 3, 5, 8, 15)),
        ("8:15", local(2025, 3, 5, 8, 15)),
        ("８：１５", local(2025, 3, 5, 8, 15)),
        ("8点多", local(2025, 3, 5, 8, 0)),
        ("下午3点一刻", local(2025, 3, 5, 15, 15)),
        ("十点二十", local(2025, 3, 5, 10, 20)),
        ("昨天 20:00", local(2025, 3, 4, 20, 0)),
        ("昨日下午两点", local(2025, 3, 4, 14, 0)),
        ("昨天", local(2025, 3, 4, 0, 0)),
        ("晚上12点", local(2025, 3, 6, 0, 0)),
        # weeks (Monday first; now is Wednesday 2025-03-05)
        ("上周五", local(2025, 2, 28, 0, 0)),
        ("上个星期五", local(2025, 2, 28, 0, 0)),
        ("上礼拜一下午3点", local(2025, 2, 24, 15, 0)),
        ("本周一", local(2025, 3, 3, 0, 0)),
        ("这周五", local(2025, 3, 7, 0, 0)),
        ("周日", local(2025, 3, 2, 0, 0)),
        ("星期五晚上7点", local(2025, 2, 28, 19, 0)),
        ("星期三", local(2025, 3, 5, 0, 0)),
        # dates
        ("10月1日下午两点", local(2024, 10, 1, 14, 0)),
        ("3月2日", local(2025, 3, 2, 0, 0)),
        ("3月2号晚上8点", local(2025, 3, 2, 20, 0)),
        ("十月一日", local(2024, 10, 1, 0, 0)),
        ("2024年3月2日 10:15", local(2024, 3, 2, 10, 15)),
        ("二〇二四年十一月二十三日", local(2024, 11, 23, 0, 0)),
        ("2024-03-02 10:15:33", local(2024, 3, 2, 10, 15, 33)),
        ("2024/3/2 10:15", local(2024, 3, 2, 10, 15)),
        ("3.2 10:15", local(2025, 3, 2, 10, 15)),
        ("10-01 14:00", local(2024, 10, 1, 14, 0)),
        # relative
        ("3天前", local(2025, 3, 2, 12, 0)),
        ("三天前下午3点", local(2025, 3, 2, 15, 0)),
        ("2小时前", local(2025, 3, 5, 10, 0)),
        ("半小时前", local(2025, 3, 5, 11, 30)),
        ("刚才", local(2025, 3, 5, 12, 0)),
        ("刚刚", local(2025, 3, 5, 12, 0)),
        # English and numeric forms through dateparser
        ("Nov 3 2024 at 3:40 pm", local(2024, 11, 3, 15, 40)),
        ("yesterday at 8pm", local(2025, 3, 4, 20, 0)),
        ("last Friday", local(2025, 2, 28, 0, 0)),
        ("2 hours ago", local(2025, 3, 5, 10, 0)),
        ("March 3rd at 10am", local(2025, 3, 3, 10, 0)),
        ("just now", local(2025, 3, 5, 12, 0)),
        ("2025-03-01T10:00:00+00:00", local(2025, 3, 1, 18, 0)),
        # the future is returned: the caller decides
        ("明天下午6点", local(2025, 3, 6, 18, 0)),
        ("今天晚上10点", local(2025, 3, 5, 22, 0)),
        # a time inside a short answer
        ("昨天晚上8点买的", local(2025, 3, 4, 20, 0)),
    ],
)
def test_parse_time(text: str, expected: datetime) -> None:
    assert parse_time(text, NOW, TZ) == expected.astimezone(UTC)


def test_parse_time_returns_utc() -> None:
    at = parse_time("昨天晚上8点", NOW, TZ)
    assert at is not None
    assert at.tzinfo is UTC
    assert at == datetime(2025, 3, 4, 12, 0, tzinfo=UTC)


def test_year_boundary_picks_last_year() -> None:
    jan_2 = datetime(2025, 1, 2, 9, 0, tzinfo=TZ)
    assert parse_time("12月30日", jan_2, TZ) == local(2024, 12, 30, 0, 0).astimezone(UTC)
    assert parse_time("12-30 18:00", jan_2, TZ) == local(2024, 12, 30, 18, 0).astimezone(UTC)


def test_relative_to_now_seen_in_the_users_timezone() -> None:
    # 2025-03-04 20:00 UTC is already 03-05 04:00 in Shanghai: 昨天 is 03-04 there.
    now_utc = datetime(2025, 3, 4, 20, 0, tzinfo=UTC)
    assert parse_time("昨天晚上8点", now_utc, TZ) == local(2025, 3, 4, 20, 0).astimezone(UTC)
    berlin = ZoneInfo("Europe/Berlin")
    expected = datetime(2025, 3, 3, 20, 0, tzinfo=berlin).astimezone(UTC)
    assert parse_time("昨天晚上8点", now_utc, berlin) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "hello world",
        "卡密无效",
        "快一点",
        "98",
        "晚上",
        "13月40日",
        "2月30日",
        "2月30日 10:00",
    ],
)
def test_unreadable_is_none(text: str) -> None:
    assert parse_time(text, NOW, TZ) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("十一", 11),
        ("二十三", 23),
        ("两", 2),
        ("十", 10),
        ("一百零五", 105),
        ("一千二百九十九", 1299),
        ("二〇二四", 2024),
        ("42", 42),
        ("abc", None),
    ],
)
def test_cn_number(text: str, expected: int | None) -> None:
    assert cn_number(text) == expected


def test_find_times_in_a_story() -> None:
    text = (
        "昨天晚上8点在未来卡盟买了一张100元的卡，订单号WL20240302001，实付98.5元，"
        "今天上午10点联系客服，客服说24小时内处理。On March 3rd at 10am I emailed them."
    )
    assert find_times(text, NOW, TZ) == [
        ("昨天晚上8点", local(2025, 3, 4, 20, 0).astimezone(UTC)),
        ("今天上午10点", local(2025, 3, 5, 10, 0).astimezone(UTC)),
        ("March 3rd at 10am", local(2025, 3, 3, 10, 0).astimezone(UTC)),
    ]


def test_find_times_ignores_numbers_that_are_not_times() -> None:
    text = "订单号20240302101533001，金额1.5元，工号8801，客服说快一点处理，第5条"
    assert find_times(text, NOW, TZ) == []


def test_find_times_does_not_read_counts_as_minutes() -> None:
    assert find_times("昨天8点一直没到账，下午3点两次扣款", NOW, TZ) == [
        ("昨天8点", local(2025, 3, 4, 8, 0).astimezone(UTC)),
        ("下午3点", local(2025, 3, 5, 15, 0).astimezone(UTC)),
    ]


def test_find_times_inherit_date() -> None:
    text = "昨天上午10点联系客服，下午3点再问。yesterday at 8pm then at 9pm"
    assert find_times(text, NOW, TZ, inherit_date=True) == [
        ("昨天上午10点", local(2025, 3, 4, 10, 0).astimezone(UTC)),
        ("下午3点", local(2025, 3, 4, 15, 0).astimezone(UTC)),
        ("yesterday at 8pm", local(2025, 3, 4, 20, 0).astimezone(UTC)),
        ("at 9pm", local(2025, 3, 4, 21, 0).astimezone(UTC)),
    ]
    # Without it a bare clock time is today's.
    assert find_times(text, NOW, TZ)[1] == ("下午3点", local(2025, 3, 5, 15, 0).astimezone(UTC))


def test_find_times_keeps_an_english_date_with_a_comma_whole() -> None:
    assert find_times("I paid on Nov 3, 2024 at 3:40 pm.", NOW, TZ) == [
        ("Nov 3, 2024 at 3:40 pm", local(2024, 11, 3, 15, 40).astimezone(UTC))
    ]


def rel(text: str, amount: int, unit: WindowUnit) -> Window:
    """A relative window."""
    return Window(text=text, amount=amount, unit=unit)


def until(text: str, year: int, month: int, day: int, hour: int, minute: int) -> Window:
    """An absolute window ending at a Shanghai wall-clock time."""
    return Window(text=text, until=local(year, month, day, hour, minute).astimezone(UTC))


H, D, M, WD = WindowUnit.HOURS, WindowUnit.DAYS, WindowUnit.MINUTES, WindowUnit.WORKING_DAYS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24小时内", rel("24小时内", 24, H)),
        ("48小时内处理", rel("48小时内", 48, H)),
        ("3个工作日内", rel("3个工作日内", 3, WD)),
        ("三个工作日内回复", rel("三个工作日内", 3, WD)),
        ("2分钟内", rel("2分钟内", 2, M)),
        ("7天内", rel("7天内", 7, D)),
        ("7日内", rel("7日内", 7, D)),
        ("一周内", rel("一周内", 7, D)),
        ("半小时内", rel("半小时内", 30, M)),
        ("48小时", rel("48小时", 48, H)),
        ("明天下午6点前", until("明天下午6点前", 2025, 3, 6, 18, 0)),
        ("今日18点前", until("今日18点前", 2025, 3, 5, 18, 0)),
        ("今天18:00之前", until("今天18:00之前", 2025, 3, 5, 18, 0)),
        ("周五前", until("周五前", 2025, 3, 7, 23, 59)),
        ("3月10日前", until("3月10日前", 2025, 3, 10, 23, 59)),
        ("within 24 hours", rel("within 24 hours", 24, H)),
        ("48 hours", rel("48 hours", 48, H)),
        ("3 working days", rel("3 working days", 3, WD)),
        ("3 business days", rel("3 business days", 3, WD)),
        ("2 minutes", rel("2 minutes", 2, M)),
        ("within a week", rel("within a week", 7, D)),
        ("by tomorrow 6 pm", until("by tomorrow 6 pm", 2025, 3, 6, 18, 0)),
        ("before 18:00 today", until("before 18:00 today", 2025, 3, 5, 18, 0)),
        ("by Friday", until("by Friday", 2025, 3, 7, 23, 59)),
        ("by end of day", until("by end of day", 2025, 3, 5, 23, 59)),
    ],
)
def test_parse_window(text: str, expected: Window) -> None:
    assert parse_window(text, NOW, TZ) == expected


@pytest.mark.parametrize("text", ["", "尽快", "3天前", "2 hours ago", "你们必须处理"])
def test_parse_window_none(text: str) -> None:
    assert parse_window(text, NOW, TZ) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("要求在48小时内补发等值卡密或全额退款", rel("48小时内", 48, H)),
        ("客服承诺3个工作日内给我回复", rel("3个工作日内", 3, WD)),
        ("若今日18点前未收到处理结果，我将投诉", until("今日18点前", 2025, 3, 5, 18, 0)),
        ("please refund me within 48 hours, thanks", rel("within 48 hours", 48, H)),
        ("I expect a new code by tomorrow 6 pm.", until("by tomorrow 6 pm", 2025, 3, 6, 18, 0)),
        ("I waited 3 days already", None),
        ("已经超过48小时了", None),
    ],
)
def test_find_window_in_a_sentence(text: str, expected: Window | None) -> None:
    assert find_window(text, NOW, TZ) == expected
