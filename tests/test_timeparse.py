"""Time expressions and response windows, zh and en, against a fixed now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conversations.core.model import Lang
from conversations.core.timing import Part, RoughTime, Window, WindowUnit
from conversations.reading.numbers import cn_number
from conversations.reading.times import find_times, parse_future_time, parse_time
from conversations.reading.windows import find_window, promise_window

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 3, 5, 12, 0, tzinfo=TZ)  # a Wednesday


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """A Shanghai wall-clock time."""
    return datetime(year, month, day, hour, minute, second, tzinfo=TZ)


def day(year: int, month: int, d: int) -> datetime:
    """A Shanghai day given without a time: rough, its stand-in is 00:00."""
    return RoughTime.of(local(year, month, d), Part.DAY)


def rough(year: int, month: int, d: int, hour: int, part: Part, minute: int = 0) -> datetime:
    """A part of a Shanghai day given without an hour, with the hour standing in for it."""
    return RoughTime.of(local(year, month, d, hour, minute), part)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # day words, periods and hours
        ("昨天晚上8点", local(2025, 3, 4, 20, 0)),
        # a weekday with its clock keeps the weekday (Wednesday the 5th: last Monday is the 3rd)
        ("周一18:00", local(2025, 3, 3, 18, 0)),
        ("星期一下午6点", local(2025, 3, 3, 18, 0)),
        ("礼拜一10点半", local(2025, 3, 3, 10, 30)),
        # English hours inside Chinese
        ("周一6pm", local(2025, 3, 3, 18, 0)),
        ("昨天9:30am", local(2025, 3, 4, 9, 30)),
        # a masked phone number's last digits are no year
        ("手机号139****2207. 3/1 14:32下的单", local(2025, 3, 1, 14, 32)),
        ("前天下午3点左右", local(2025, 3, 3, 15, 0)),
        ("大前天上午9点", local(2025, 3, 2, 9, 0)),
        ("今天上午10点", local(2025, 3, 5, 10, 0)),
        ("今晚9点半", local(2025, 3, 5, 21, 30)),
        ("昨晚11点", local(2025, 3, 4, 23, 0)),
        ("凌晨1点", local(2025, 3, 5, 1, 0)),
        ("中午12点", local(2025, 3, 5, 12, 0)),
        # a clock without a day is its latest occurrence up to now (12:00): yesterday's
        ("中午1点", local(2025, 3, 4, 13, 0)),
        ("晚上8点", local(2025, 3, 4, 20, 0)),
        ("晚8点", local(2025, 3, 4, 20, 0)),
        ("8点15分", local(2025, 3, 5, 8, 15)),
        ("8:15", local(2025, 3, 5, 8, 15)),
        ("８：１５", local(2025, 3, 5, 8, 15)),
        ("8点多", local(2025, 3, 5, 8, 0)),
        ("下午3点一刻", local(2025, 3, 4, 15, 15)),
        ("3点一刻", local(2025, 3, 5, 3, 15)),  # 15:15 has not come yet; 03:15 has
        ("十点二十", local(2025, 3, 5, 10, 20)),
        ("昨天 20:00", local(2025, 3, 4, 20, 0)),
        ("昨日下午两点", local(2025, 3, 4, 14, 0)),
        ("昨天", day(2025, 3, 4)),
        ("晚上12点", local(2025, 3, 5, 0, 0)),  # the midnight that began today
        ("晚上", rough(2025, 3, 4, 20, Part.EVENING)),  # this evening has not come yet
        # weeks (Monday first; now is Wednesday 2025-03-05)
        ("上周五", day(2025, 2, 28)),
        ("上个星期五", day(2025, 2, 28)),
        ("上礼拜一下午3点", local(2025, 2, 24, 15, 0)),
        ("本周一", day(2025, 3, 3)),
        ("这周五", day(2025, 3, 7)),
        ("周日", day(2025, 3, 2)),
        ("星期五晚上7点", local(2025, 2, 28, 19, 0)),
        ("星期三", day(2025, 2, 26)),  # said on a Wednesday: today would be 今天
        # dates
        ("10月1日下午两点", local(2024, 10, 1, 14, 0)),
        ("3月2日", day(2025, 3, 2)),
        ("3月2号晚上8点", local(2025, 3, 2, 20, 0)),
        ("十月一日", day(2024, 10, 1)),
        ("2024年3月2日 10:15", local(2024, 3, 2, 10, 15)),
        ("二〇二四年十一月二十三日", day(2024, 11, 23)),
        ("2024-03-02 10:15:33", local(2024, 3, 2, 10, 15, 33)),
        ("2024/3/2 10:15", local(2024, 3, 2, 10, 15)),
        ("3.2 10:15", local(2025, 3, 2, 10, 15)),
        ("10-01 14:00", local(2024, 10, 1, 14, 0)),
        # relative
        ("3天前", day(2025, 3, 2)),
        ("三天前下午3点", local(2025, 3, 2, 15, 0)),
        ("2小时前", local(2025, 3, 5, 10, 0)),
        ("半小时前", local(2025, 3, 5, 11, 30)),
        ("刚才", local(2025, 3, 5, 12, 0)),
        ("刚刚", local(2025, 3, 5, 12, 0)),
        # English and numeric forms through dateparser
        ("Nov 3 2024 at 3:40 pm", local(2024, 11, 3, 15, 40)),
        ("yesterday at 8pm", local(2025, 3, 4, 20, 0)),
        ("last Friday", day(2025, 2, 28)),
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
    assert parse_time("12月30日", jan_2, TZ) == day(2024, 12, 30).astimezone(UTC)
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
        ("下午3点", local(2025, 3, 4, 15, 0).astimezone(UTC)),  # 15:00 today is still to come
    ]


def test_find_times_inherit_date() -> None:
    text = "昨天上午10点联系客服，下午3点再问。yesterday at 8pm then at 9pm"
    assert find_times(text, NOW, TZ, inherit_date=True) == [
        ("昨天上午10点", local(2025, 3, 4, 10, 0).astimezone(UTC)),
        ("下午3点", local(2025, 3, 4, 15, 0).astimezone(UTC)),
        ("yesterday at 8pm", local(2025, 3, 4, 20, 0).astimezone(UTC)),
        ("at 9pm", local(2025, 3, 4, 21, 0).astimezone(UTC)),
    ]
    # Without it a bare clock time is its latest occurrence up to now: 15:00 yesterday.
    assert find_times(text, NOW, TZ)[1] == ("下午3点", local(2025, 3, 4, 15, 0).astimezone(UTC))


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
def test_a_whole_answer_reads_as_a_window(text: str, expected: Window) -> None:
    # As the promise question reads an answer: a bare duration ("48 hours") is a window too.
    assert promise_window(text, NOW, TZ) == expected


@pytest.mark.parametrize("text", ["", "尽快", "3天前", "2 hours ago", "你们必须处理"])
def test_an_answer_without_a_window_reads_as_none(text: str) -> None:
    assert promise_window(text, NOW, TZ) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("要求在48小时内补发等值卡密或全额退款", rel("48小时内", 48, H)),
        ("客服承诺3个工作日内给我回复", rel("3个工作日内", 3, WD)),
        ("若今日18点前未收到处理结果，我将投诉", until("今日18点前", 2025, 3, 5, 18, 0)),
        ("please refund me within 48 hours, thanks", rel("within 48 hours", 48, H)),
        ("I expect a new code by tomorrow 6 pm.", until("by tomorrow 6 pm", 2025, 3, 6, 18, 0)),
        ("我要求全额退款, 这周五6pm之前", until("这周五6pm之前", 2025, 3, 7, 18, 0)),
        ("I waited 3 days already", None),
        ("已经超过48小时了", None),
    ],
)
def test_find_window_in_a_sentence(text: str, expected: Window | None) -> None:
    assert find_window(text, NOW, TZ) == expected


# --- The audit's "now": Wednesday 2026-12-02 03:30 in Shanghai --------------------------------

AUDIT_NOW = datetime(2026, 12, 2, 3, 30, tzinfo=TZ)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a part of the day keeps its day, with the part's hour standing in (flagged rough)
        ("昨天晚上", rough(2026, 12, 1, 20, Part.EVENING)),
        ("上周五晚上", rough(2026, 11, 27, 20, Part.EVENING)),
        ("11月30日晚上", rough(2026, 11, 30, 20, Part.EVENING)),
        ("10月2日上午", rough(2026, 10, 2, 10, Part.MORNING)),
        ("昨天上午", rough(2026, 12, 1, 10, Part.MORNING)),
        ("昨晚", rough(2026, 12, 1, 20, Part.EVENING)),
        ("昨夜", rough(2026, 12, 1, 22, Part.NIGHT)),
        ("前天下午", rough(2026, 11, 30, 15, Part.AFTERNOON)),
        ("三天前晚上", rough(2026, 11, 29, 20, Part.EVENING)),
        # 凌晨 has begun at 03:30 and its stand-in (03:00) has passed
        ("今天凌晨", rough(2026, 12, 2, 3, Part.SMALL_HOURS)),
        ("yesterday evening", rough(2026, 12, 1, 20, Part.EVENING)),
        ("yesterday afternoon", rough(2026, 12, 1, 15, Part.AFTERNOON)),
        ("last night", rough(2026, 12, 1, 22, Part.NIGHT)),
        ("Friday morning", rough(2026, 11, 27, 10, Part.MORNING)),
        # a bare date is a date, not midnight
        ("上周五", day(2026, 11, 27)),
        ("3月2日", day(2026, 3, 2)),
        ("yesterday", day(2026, 12, 1)),
        ("Nov 3 2024", day(2024, 11, 3)),
        ("3 days ago", day(2026, 11, 29)),
        ("一周前", day(2026, 11, 25)),
        # an hour given is exact, with or without a part
        ("昨天晚上8点", local(2026, 12, 1, 20)),
        ("yesterday evening at 8pm", local(2026, 12, 1, 20)),
        ("2 hours ago", local(2026, 12, 2, 1, 30)),
        ("2小时前", local(2026, 12, 2, 1, 30)),
        # years: named ones are taken; a bare month-day is the most recent one
        ("明年1月1日", day(2027, 1, 1)),
        ("去年3月2日", day(2025, 3, 2)),
        ("今年1月5日下午3点", local(2026, 1, 5, 15)),
        ("12月5日", day(2025, 12, 5)),
        # a date typed after a label's colon
        ("时间:2024-11-03 21:15:08", local(2024, 11, 3, 21, 15, 8)),
    ],
)
def test_parse_time_without_an_hour(text: str, expected: datetime) -> None:
    got = parse_time(text, AUDIT_NOW, TZ)
    assert got == expected.astimezone(UTC)
    assert getattr(got, "part", None) == getattr(expected, "part", None)


def test_a_part_of_the_day_that_has_begun_is_not_in_the_future() -> None:
    # 下午 has begun at 12:00 but its stand-in, 15:00, is still ahead: now stands in instead.
    assert parse_time("今天下午", NOW, TZ) == rough(2025, 3, 5, 12, Part.AFTERNOON)
    # 晚上 has not begun at noon: it is in the future, and the caller re-asks.
    got = parse_time("今天晚上", NOW, TZ)
    assert got == rough(2025, 3, 5, 20, Part.EVENING) and got > NOW


@pytest.mark.parametrize(
    "text",
    [
        "yesterday at 25:00",
        "yesterday 8:75pm",
        "13pm yesterday",
        "0am today",
        "2024-13-01",
        "2024-02-30 10:00",
        "13/14/2025",
        "昨天25点",
        "昨天8点75分",
        "昨天 24:30",
        "2月30日下午3点",
        "13月2日",
    ],
)
def test_impossible_times_are_none(text: str) -> None:
    assert parse_time(text, AUDIT_NOW, TZ) is None


def test_a_yearless_date_after_the_purchase_is_the_first_one_since() -> None:
    bought = local(2024, 11, 3, 21, 15).astimezone(UTC)
    # Most recent is 2026-11-05; the case is about a 2024 purchase, so its 11-05 is meant.
    assert parse_time("11月5日", AUDIT_NOW, TZ) == day(2026, 11, 5).astimezone(UTC)
    assert parse_time("11月5日", AUDIT_NOW, TZ, after=bought) == day(2024, 11, 5)
    assert parse_time("11月5日上午10点", AUDIT_NOW, TZ, after=bought) == local(2024, 11, 5, 10)
    assert parse_time("Nov 5", AUDIT_NOW, TZ, after=bought) == day(2024, 11, 5)
    # The first one since a recent purchase is still ahead: the most recent one stays.
    recent = local(2026, 11, 20).astimezone(UTC)
    assert parse_time("11月5日", AUDIT_NOW, TZ, after=recent) == day(2026, 11, 5)
    # A named year or a relative day is left alone.
    assert parse_time("2025年11月5日", AUDIT_NOW, TZ, after=bought) == day(2025, 11, 5)
    assert parse_time("昨天", AUDIT_NOW, TZ, after=bought) == day(2026, 12, 1)


def test_find_times_takes_the_year_of_the_date_before() -> None:
    text = "2024年11月3日买的，11月5日联系客服，11月8日又打电话。10:20 再问"
    assert [at for _, at in find_times(text, AUDIT_NOW, TZ, inherit_date=True)] == [
        day(2024, 11, 3).astimezone(UTC),
        day(2024, 11, 5).astimezone(UTC),
        day(2024, 11, 8).astimezone(UTC),
        local(2024, 11, 8, 10, 20).astimezone(UTC),
    ]


def test_rough_times_survive_storage_and_show_without_a_clock() -> None:
    from conversations.core.model import TimelineEvent
    from conversations.texts.rendering import Texts, fmt_time

    evening = parse_time("昨天晚上", AUDIT_NOW, TZ)
    friday = parse_time("上周五", AUDIT_NOW, TZ)
    assert isinstance(evening, RoughTime) and isinstance(friday, RoughTime)
    stored = TimelineEvent(evening, "联系客服").to_json()
    assert TimelineEvent.from_json(stored) == TimelineEvent(evening, "联系客服")
    old = TimelineEvent.from_json({"at": "2026-12-01T12:00:00+00:00", "text": "x"})
    assert not isinstance(old.at, RoughTime)  # stored before: exact, as it was
    zh, en = (Texts().labels(lang) for lang in (Lang.ZH, Lang.EN))
    assert fmt_time(evening, TZ, zh) == "2026-12-01 晚上"
    assert fmt_time(evening, TZ, en) == "2026-12-01 evening"
    assert fmt_time(friday, TZ, zh) == "2026-11-27"
    assert fmt_time(local(2026, 11, 27), TZ, zh) == "2026-11-27 00:00"
    # Arithmetic gives exact instants: a deadline counted from a rough time is one.
    assert not isinstance(friday + timedelta(hours=24), RoughTime)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # read forwards: the coming 3月5日 and Friday
        ("3月5日下午3点", local(2027, 3, 5, 15)),
        ("周五下午3点", local(2026, 12, 4, 15)),
        ("下周一上午10点", local(2026, 12, 7, 10)),
        ("明天上午10点", local(2026, 12, 3, 10)),
        ("tomorrow at 10am", local(2026, 12, 3, 10)),
        ("Friday 3pm", local(2026, 12, 4, 15)),
        # a day without an hour: that morning; a part of a day: its usual hour
        ("30日", local(2026, 12, 30, 9)),
        ("明天", local(2026, 12, 3, 9)),
        ("明天下午", local(2026, 12, 3, 15)),
        # a bare clock time already past today is tomorrow's
        ("凌晨1点", local(2026, 12, 3, 1)),
        ("下午3点", local(2026, 12, 2, 15)),
        # spans from now, to the minute, never rounded to the end of a day
        ("2小时后", local(2026, 12, 2, 5, 30)),
        ("2天后", local(2026, 12, 4, 3, 30)),
        ("半小时后", local(2026, 12, 2, 4, 0)),
        ("3小时内", local(2026, 12, 2, 6, 30)),
        ("in 3 hours", local(2026, 12, 2, 6, 30)),
        ("2 days from now", local(2026, 12, 4, 3, 30)),
    ],
)
def test_parse_future_time(text: str, expected: datetime) -> None:
    assert parse_future_time(text, AUDIT_NOW, TZ) == expected.astimezone(UTC)


@pytest.mark.parametrize("text", ["2月30日下午3点", "2月30日", "25:00", "8:75pm", "嗯", ""])
def test_parse_future_time_refuses_what_cannot_be(text: str) -> None:
    assert parse_future_time(text, AUDIT_NOW, TZ) is None


def test_parse_future_time_of_a_past_day_is_past() -> None:
    # The caller re-asks: a reminder cannot be set in the past.
    at = parse_future_time("昨天下午3点", AUDIT_NOW, TZ)
    assert at is not None and at < AUDIT_NOW


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # from the contact (10-07 15:00), not from when it is typed
        ("客服说明天下午6点前处理", until("明天下午6点前", 2026, 10, 8, 18, 0)),
        ("今天18点前回复", until("今天18点前", 2026, 10, 7, 18, 0)),
        ("24小时内处理", rel("24小时内", 24, H)),
        # wordings without 内
        ("3个工作日给答复", rel("3个工作日", 3, WD)),
        ("48小时后回复", rel("48小时后", 48, H)),
        ("客服说两天给结果", rel("两天", 2, D)),
        ("they said 48 hours", rel("48 hours", 48, H)),
        # time already spent is no promise
        ("已经等了3天", None),
        ("过了48小时了还没消息", None),
        ("我等了2天", None),
        ("尽快处理", None),
    ],
)
def test_promise_window(text: str, expected: Window | None) -> None:
    made_at = local(2026, 10, 7, 15, 0)
    assert promise_window(text, made_at, TZ) == expected


def test_a_bare_day_of_month_is_the_nearest_month_that_has_it() -> None:
    feb = datetime(2026, 2, 10, 9, 0, tzinfo=TZ)
    assert parse_time("30号", feb, TZ) == day(2026, 1, 30).astimezone(UTC)
    assert parse_future_time("30号", feb, TZ) == local(2026, 3, 30, 9).astimezone(UTC)


def test_by_the_end_of_work_is_six_in_the_evening() -> None:
    window = find_window("请在今天下班前补发", NOW, TZ)
    assert window is not None and window.until == local(2025, 3, 5, 18, 0).astimezone(UTC)
