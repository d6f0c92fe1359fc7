"""The deadline rules a regulator would check, as tables: China's calendar, Beijing time.

Days are counted on China's calendar whatever the user's zone (民法典 第201条: the day a
period starts is not counted; 第203条: a last day off work moves to the next working day, and
the last day ends at 24:00). Hours run from the instant. Past the published holiday data the
end is an estimate from the statutory days of the 2025 rules, and is flagged as one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from conversations.core.deadlines import (
    DEFAULT_WINDOWS,
    Sureness,
    contact_deadline,
    demand_deadline,
)
from conversations.core.model import Case, Channel, Contact
from conversations.core.timing import Part, RoughTime, Window, WindowUnit
from conversations.core.workdays import BEIJING, is_workday, statutory_holidays, window_end

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
WD3 = Window("3个工作日内", 3, WindowUnit.WORKING_DAYS)
WD1 = Window("1个工作日内", 1, WindowUnit.WORKING_DAYS)
D7 = Window("7天内", 7, WindowUnit.DAYS)
D3 = Window("3天内", 3, WindowUnit.DAYS)
H24 = Window("24小时内", 24, WindowUnit.HOURS)
H2 = Window("2小时内", 2, WindowUnit.HOURS)


def at(tz: ZoneInfo, y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    """A wall-clock time in `tz`."""
    return datetime(y, mo, d, h, mi, tzinfo=tz)


def day_only(tz: ZoneInfo, y: int, mo: int, d: int) -> RoughTime:
    """A time the user gave only to the day ("今天找了客服"), in their own zone."""
    return RoughTime.of(at(tz, y, mo, d), Part.DAY)


def bj_end(day: str) -> datetime:
    """The end of `day` in Beijing: where a period in days ends."""
    return datetime.combine(date.fromisoformat(day), time(23, 59), tzinfo=BEIJING)


# (case, window, start, the user's zone, the expected end, estimated)
RULES: list[tuple[str, Window, datetime, ZoneInfo, datetime, bool]] = [
    # The issue's own example: "今天找了客服,说3个工作日内回复", made on Sunday 2026-12-06.
    ("day-only-on-a-sunday", WD3, day_only(SHANGHAI, 2026, 12, 6), SHANGHAI,
     bj_end("2026-12-09"), False),
    ("day-only-on-a-weekday", WD3, day_only(SHANGHAI, 2026, 12, 7), SHANGHAI,
     bj_end("2026-12-10"), False),
    ("instant-on-a-sunday", WD3, at(SHANGHAI, 2026, 12, 6, 15), SHANGHAI,
     bj_end("2026-12-09"), False),
    ("instant-friday-evening", WD1, at(SHANGHAI, 2026, 12, 4, 23, 30), SHANGHAI,
     bj_end("2026-12-07"), False),
    # 调休: 2025-09-28 (Sunday) and 2025-10-11 (Saturday) are working days.
    ("onto-调休-sunday", WD1, at(SHANGHAI, 2025, 9, 26, 10), SHANGHAI,
     bj_end("2025-09-28"), False),
    ("across-国庆-onto-调休-saturday", WD3, at(SHANGHAI, 2025, 9, 30, 10), SHANGHAI,
     bj_end("2025-10-11"), False),
    # A calendar-day period whose last day is a holiday ends on the next working day.
    ("7-days-ending-on-国庆", D7, at(SHANGHAI, 2025, 9, 25, 10), SHANGHAI,
     bj_end("2025-10-09"), False),
    ("3-days-ending-on-a-sunday", D3, at(SHANGHAI, 2026, 12, 3, 10), SHANGHAI,
     bj_end("2026-12-07"), False),
    # Hours run from the instant, across midnight and across a day off alike.
    ("24h-across-midnight", H24, at(SHANGHAI, 2026, 12, 5, 23, 30), SHANGHAI,
     at(SHANGHAI, 2026, 12, 6, 23, 30), False),
    ("2h-across-midnight", H2, at(SHANGHAI, 2026, 12, 6, 23, 15), SHANGHAI,
     at(SHANGHAI, 2026, 12, 7, 1, 15), False),
    # A user in New York: counted on Beijing's calendar. 20:00 Friday in New York is Saturday
    # 09:00 in Beijing, so one working day ends on Monday, not on Monday's next day.
    ("new-york-friday-evening", WD1, at(NEW_YORK, 2026, 12, 4, 20), NEW_YORK,
     bj_end("2026-12-07"), False),
    ("new-york-monday-morning", WD1, at(NEW_YORK, 2026, 12, 7, 9), NEW_YORK,
     bj_end("2026-12-08"), False),
    # A day-only contact in New York may have been on the next Beijing date: the later one.
    ("new-york-day-only-sunday", WD3, day_only(NEW_YORK, 2026, 12, 6), NEW_YORK,
     bj_end("2026-12-10"), False),
    ("new-york-24h", H24, at(NEW_YORK, 2026, 12, 6, 10), NEW_YORK,
     at(NEW_YORK, 2026, 12, 7, 10), False),
    # Beyond the data (2027 is not published): estimated, skipping the statutory days.
    ("into-2027-skips-元旦", WD3, at(SHANGHAI, 2026, 12, 30, 10), SHANGHAI,
     bj_end("2027-01-05"), True),
    ("2027-春节-除夕-to-初三", WD1, at(SHANGHAI, 2027, 2, 4, 10), SHANGHAI,
     bj_end("2027-02-09"), True),
    ("2027-清明", WD1, at(SHANGHAI, 2027, 4, 2, 10), SHANGHAI, bj_end("2027-04-06"), True),
    ("2027-劳动节-5-1-and-5-2", WD1, at(SHANGHAI, 2027, 4, 30, 10), SHANGHAI,
     bj_end("2027-05-03"), True),
    ("2027-端午", WD1, at(SHANGHAI, 2027, 6, 8, 10), SHANGHAI, bj_end("2027-06-10"), True),
    ("2027-中秋", WD1, at(SHANGHAI, 2027, 9, 14, 10), SHANGHAI, bj_end("2027-09-16"), True),
    ("2027-国庆-10-1-to-10-3", WD1, at(SHANGHAI, 2027, 9, 30, 10), SHANGHAI,
     bj_end("2027-10-04"), True),
    ("7-days-ending-on-2027-元旦", D7, at(SHANGHAI, 2026, 12, 25, 10), SHANGHAI,
     bj_end("2027-01-04"), True),
]


@pytest.mark.parametrize(
    ("window", "start", "tz", "expected", "estimate"),
    [pytest.param(*rule[1:], id=rule[0]) for rule in RULES],
)
def test_a_window_ends_where_the_rules_say(
    window: Window, start: datetime, tz: ZoneInfo, expected: datetime, estimate: bool
) -> None:
    end = window_end(window, start, tz)
    assert (end.at, end.estimate) == (expected.astimezone(UTC), estimate)


def test_the_estimate_follows_the_2025_rules_and_the_lunar_calendar() -> None:
    # 2027: 春节 is 2027-02-06, so 除夕 to 初三 is 02-05 to 02-08; 端午 06-09; 中秋 09-15.
    assert statutory_holidays(2027) == frozenset(date.fromisoformat(d) for d in (
        "2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-04-05",
        "2027-05-01", "2027-05-02", "2027-06-09", "2027-09-15", "2027-10-01", "2027-10-02",
        "2027-10-03",
    ))
    # The published years agree with the rules on the statutory days themselves.
    for day in statutory_holidays(2026):
        assert is_workday(day) == (False, True), day
    # 调休 cannot be guessed: a weekend beyond the data is a day off, flagged as estimated.
    assert is_workday(date(2027, 2, 20)) == (False, False)
    assert is_workday(date(2027, 2, 22)) == (True, False)


def test_a_day_only_contact_on_sunday_ends_on_wednesday_and_hours_count_from_its_end() -> None:
    created = at(SHANGHAI, 2026, 12, 6, 9)
    case = Case(no=1, created_at=created, status="confirmed", confirmed_at=created)
    today = day_only(SHANGHAI, 2026, 12, 6)
    promised = Contact(Channel.PLATFORM_SUPPORT, today, promise="3个工作日内回复", window=WD3)
    assert contact_deadline(case, promised, SHANGHAI).at == bj_end("2026-12-09")
    # 24 hours from a time known only to the day: from its end, never too early.
    untimed = Contact(Channel.PLATFORM_SUPPORT, today, window=H24)
    assert contact_deadline(case, untimed, SHANGHAI).at == at(SHANGHAI, 2026, 12, 8)


def test_the_demanded_deadline_is_counted_in_beijing_for_a_user_anywhere() -> None:
    confirmed = at(NEW_YORK, 2026, 12, 4, 20)  # Saturday 09:00 in Beijing
    case = Case(no=1, created_at=confirmed, status="confirmed", confirmed_at=confirmed,
                demand_deadline=WD1)
    end = demand_deadline(case, NEW_YORK)
    assert end is not None and end.at == bj_end("2026-12-07")
    # The user still sees it in their own zone: 10:59 on Monday in New York.
    assert end.at.astimezone(NEW_YORK) == at(NEW_YORK, 2026, 12, 7, 10, 59)


def test_every_default_window_says_its_source_and_how_sure_it_is() -> None:
    assert DEFAULT_WINDOWS[Channel.C12315].sure is Sureness.LAW
    assert DEFAULT_WINDOWS[Channel.C12315].window == Window("", 7, WindowUnit.WORKING_DAYS)
    assert DEFAULT_WINDOWS[Channel.HEIMAO].sure is Sureness.REPORTED
    assert "secondary" in DEFAULT_WINDOWS[Channel.HEIMAO].source
    assert DEFAULT_WINDOWS[Channel.JUTOUSU].sure is Sureness.UNKNOWN
    assert "publishes no" in DEFAULT_WINDOWS[Channel.JUTOUSU].source
    for channel in Channel:
        assert DEFAULT_WINDOWS[channel].source and DEFAULT_WINDOWS[channel].sure
