"""Chinese working days and window ends, against the State Council's published schedules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from conversations.core.timing import Window, WindowUnit
from conversations.core.workdays import add_working_days, is_workday, window_end

SHANGHAI = ZoneInfo("Asia/Shanghai")
LONDON = ZoneInfo("Europe/London")


def d(text: str) -> date:
    """A date from ISO text, so the tables read like a calendar."""
    return date.fromisoformat(text)


def days(first: str, last: str) -> list[date]:
    """Every date from `first` to `last`, both included."""
    start, end = d(first), d(last)
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Shanghai wall-clock time."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def ldn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A London wall-clock time."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def at_utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A UTC time."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- the official schedules -------------------------------------------------------------------
# (holiday, first day off, last day off, 调休 make-up working days on a weekend)

# 国务院办公厅关于2024年部分节假日安排的通知 (国办发明电〔2023〕7号)
OFFICIAL_2024: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("元旦", "2024-01-01", "2024-01-01", ()),
    ("春节", "2024-02-10", "2024-02-17", ("2024-02-04", "2024-02-18")),
    ("清明节", "2024-04-04", "2024-04-06", ("2024-04-07",)),
    ("劳动节", "2024-05-01", "2024-05-05", ("2024-04-28", "2024-05-11")),
    ("端午节", "2024-06-10", "2024-06-10", ()),
    ("中秋节", "2024-09-15", "2024-09-17", ("2024-09-14",)),
    ("国庆节", "2024-10-01", "2024-10-07", ("2024-09-29", "2024-10-12")),
]

# 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号)
OFFICIAL_2025: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("元旦", "2025-01-01", "2025-01-01", ()),
    ("春节", "2025-01-28", "2025-02-04", ("2025-01-26", "2025-02-08")),
    ("清明节", "2025-04-04", "2025-04-06", ()),
    ("劳动节", "2025-05-01", "2025-05-05", ("2025-04-27",)),
    ("端午节", "2025-05-31", "2025-06-02", ()),
    ("国庆节、中秋节", "2025-10-01", "2025-10-08", ("2025-09-28", "2025-10-11")),
]

OFFICIAL = {2024: OFFICIAL_2024, 2025: OFFICIAL_2025}


def official_days() -> list[Any]:
    """One case per holiday and per make-up day of the official schedules."""
    cases = []
    for schedule in OFFICIAL.values():
        for name, first, last, makeup in schedule:
            for day in days(first, last):
                cases.append(pytest.param(day, False, id=f"{day}-{name}-holiday"))
            for text in makeup:
                cases.append(pytest.param(d(text), True, id=f"{text}-{name}-调休-workday"))
    return cases


@pytest.mark.parametrize(("day", "workday"), official_days())
def test_official_holidays_and_makeup_days(day: date, workday: bool) -> None:
    assert is_workday(day) == (workday, True)


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        pytest.param(d("2024-03-13"), True, id="2024-03-13-Wed"),
        pytest.param(d("2024-07-05"), True, id="2024-07-05-Fri"),
        pytest.param(d("2024-10-08"), True, id="2024-10-08-Tue-after-国庆"),
        pytest.param(d("2024-02-09"), True, id="2024-02-09-Fri-除夕-not-off-in-2024"),
        pytest.param(d("2025-03-05"), True, id="2025-03-05-Wed"),
        pytest.param(d("2025-02-05"), True, id="2025-02-05-Wed-after-春节"),
        pytest.param(d("2025-10-09"), True, id="2025-10-09-Thu-after-国庆"),
        pytest.param(d("2024-03-16"), False, id="2024-03-16-Sat"),
        pytest.param(d("2024-03-17"), False, id="2024-03-17-Sun"),
        pytest.param(d("2024-10-13"), False, id="2024-10-13-Sun-after-调休-Sat"),
        pytest.param(d("2025-03-08"), False, id="2025-03-08-Sat"),
        pytest.param(d("2025-03-09"), False, id="2025-03-09-Sun"),
        pytest.param(d("2025-04-26"), False, id="2025-04-26-Sat-before-调休-Sun"),
    ],
)
def test_ordinary_weekdays_and_weekends(day: date, workday: bool) -> None:
    assert is_workday(day) == (workday, True)


@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_whole_year_matches_the_official_schedule(year: int) -> None:
    """Monday to Friday, minus the official holidays, plus the make-up days: nothing else."""
    holidays = {day for _, first, last, _ in OFFICIAL[year] for day in days(first, last)}
    makeup = {d(text) for *_, extra in OFFICIAL[year] for text in extra}
    wrong = [
        day
        for day in days(f"{year}-01-01", f"{year}-12-31")
        if is_workday(day) != ((day.weekday() < 5 and day not in holidays) or day in makeup, True)
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        pytest.param(d("2027-01-01"), False, id="2027-01-01-元旦"),
        pytest.param(d("2027-01-02"), False, id="2027-01-02-Sat"),
        pytest.param(d("2027-01-04"), True, id="2027-01-04-Mon"),
        pytest.param(d("2030-05-01"), False, id="2030-05-01-劳动节"),
        pytest.param(d("2030-10-02"), False, id="2030-10-02-国庆"),
        pytest.param(d("2030-10-04"), True, id="2030-10-04-Fri"),
    ],
)
def test_beyond_the_data_is_an_estimate(day: date, workday: bool) -> None:
    assert is_workday(day) == (workday, False)


# --- add_working_days ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected", "estimate"),
    [
        pytest.param("2025-03-05", 0, "2025-03-05", False, id="zero-days"),
        pytest.param("2025-03-05", 1, "2025-03-06", False, id="first-day-not-counted"),
        pytest.param("2025-03-07", 1, "2025-03-10", False, id="friday-plus-1-is-monday"),
        pytest.param("2025-03-08", 1, "2025-03-10", False, id="from-a-saturday"),
        pytest.param("2024-09-30", 1, "2024-10-08", False, id="across-国庆-2024"),
        pytest.param("2024-09-27", 1, "2024-09-29", False, id="onto-调休-sunday-2024-09-29"),
        pytest.param("2024-10-11", 1, "2024-10-12", False, id="onto-调休-saturday-2024-10-12"),
        pytest.param("2024-10-03", 1, "2024-10-08", False, id="from-a-holiday-国庆-2024"),
        pytest.param("2025-10-04", 1, "2025-10-09", False, id="from-a-holiday-国庆-2025"),
        pytest.param("2025-01-01", 1, "2025-01-02", False, id="from-元旦-2025"),
        pytest.param("2025-01-27", 1, "2025-02-05", False, id="across-春节-2025"),
        pytest.param("2025-01-24", 1, "2025-01-26", False, id="onto-调休-sunday-2025-01-26"),
        pytest.param("2025-01-27", 5, "2025-02-10", False, id="春节-2025-and-调休-2025-02-08"),
        pytest.param("2024-12-31", 1, "2025-01-02", False, id="year-boundary-2024"),
        pytest.param("2025-12-31", 3, "2026-01-06", False, id="year-boundary-2025-调休-01-04"),
        pytest.param("2026-12-30", 1, "2026-12-31", False, id="last-known-day"),
        pytest.param("2026-12-30", 3, "2027-01-05", True, id="into-2027-skips-元旦"),
        pytest.param("2027-01-04", 5, "2027-01-11", True, id="inside-2027"),
        pytest.param("2030-09-30", 1, "2030-10-04", True, id="2030-skips-国庆-1-to-3"),
        pytest.param("2030-04-30", 1, "2030-05-03", True, id="2030-skips-劳动节-5-1-and-5-2"),
        pytest.param("2030-12-31", 1, "2031-01-02", True, id="2030-skips-元旦-2031"),
    ],
)
def test_add_working_days(start: str, n: int, expected: str, estimate: bool) -> None:
    assert add_working_days(d(start), n) == (d(expected), not estimate)


# --- window_end ---------------------------------------------------------------------------------


def hours(n: int) -> Window:
    """The window "n小时内"."""
    return Window(f"{n}小时内", n, WindowUnit.HOURS)


def minutes(n: int) -> Window:
    """The window "n分钟内"."""
    return Window(f"{n}分钟内", n, WindowUnit.MINUTES)


def wd(n: int) -> Window:
    """The window "n个工作日内"."""
    return Window(f"{n}个工作日内", n, WindowUnit.WORKING_DAYS)


DAYS_7 = Window("7天内", 7, WindowUnit.DAYS)


def cases(rows: list[tuple[Any, ...]]) -> list[Any]:
    """Table rows `(id, *values)` as pytest params."""
    return [pytest.param(*values, id=name) for name, *values in rows]


# (id, window, start, timezone, end): exact elapsed time; midnight and holidays do not matter.
EXACT: list[tuple[str, Window, datetime, ZoneInfo, datetime]] = [
    ("24h", hours(24), sh(2025, 3, 5, 20), SHANGHAI, sh(2025, 3, 6, 20)),
    ("6h-across-midnight", hours(6), sh(2025, 3, 5, 22), SHANGHAI, sh(2025, 3, 6, 4)),
    ("30min-across-midnight", minutes(30), sh(2025, 3, 5, 23, 50), SHANGHAI, sh(2025, 3, 6, 0, 20)),
    ("48h-ignores-国庆", hours(48), sh(2024, 9, 30, 12), SHANGHAI, sh(2024, 10, 2, 12)),
    ("24h-from-utc-start", hours(24), at_utc(2025, 3, 5, 20), SHANGHAI, at_utc(2025, 3, 6, 20)),
    # London's clocks go forward on Sunday 2025-03-30 and back on Sunday 2025-10-26.
    ("24h-london-no-dst", hours(24), ldn(2025, 3, 1, 12), LONDON, at_utc(2025, 3, 2, 12)),
    ("24h-london-spring-forward", hours(24), ldn(2025, 3, 29, 12), LONDON, at_utc(2025, 3, 30, 12)),
    ("24h-london-fall-back", hours(24), ldn(2025, 10, 25, 12), LONDON, at_utc(2025, 10, 26, 11)),
    ("90min-london-gap", minutes(90), ldn(2025, 3, 30, 0, 30), LONDON, at_utc(2025, 3, 30, 2)),
]


@pytest.mark.parametrize(("window", "start", "tz", "expected"), cases(EXACT))
def test_window_end_hours_and_minutes_are_exact(
    window: Window, start: datetime, tz: ZoneInfo, expected: datetime
) -> None:
    assert window.amount is not None
    unit = timedelta(hours=1) if window.unit is WindowUnit.HOURS else timedelta(minutes=1)
    end = window_end(window, start, tz)
    assert end.at - start == window.amount * unit, "elapsed time, whatever the wall clock does"
    assert (end.at, end.estimate) == (expected, False)
    assert end.at.utcoffset() == timedelta(0), "the deadline is kept in UTC"


# (id, window, start, timezone, last day, estimate): periods in days end at 23:59 local.
IN_DAYS: list[tuple[str, Window, datetime, ZoneInfo, str, bool]] = [
    # working days: the first day is not counted
    ("3wd-wed-to-mon", wd(3), sh(2025, 3, 5, 12), SHANGHAI, "2025-03-10", False),
    ("1wd-across-国庆", wd(1), sh(2024, 9, 30, 9), SHANGHAI, "2024-10-08", False),
    ("1wd-from-local-date", wd(1), at_utc(2025, 3, 5, 18), SHANGHAI, "2025-03-07", False),
    ("1wd-london-bst", wd(1), ldn(2025, 3, 28, 10), LONDON, "2025-03-31", False),
    ("3wd-into-2027", wd(3), sh(2026, 12, 30, 10), SHANGHAI, "2027-01-05", True),
    # calendar days ("7天内"): a last day off work moves to the next working day
    ("7d-ordinary", DAYS_7, sh(2025, 3, 5, 12), SHANGHAI, "2025-03-12", False),
    ("7d-ends-sunday", DAYS_7, sh(2025, 3, 2, 12), SHANGHAI, "2025-03-10", False),
    ("7d-ends-in-国庆-2025", DAYS_7, sh(2025, 9, 26, 12), SHANGHAI, "2025-10-09", False),
    ("7d-ends-on-国庆-2024", DAYS_7, sh(2024, 9, 24, 12), SHANGHAI, "2024-10-08", False),
    ("7d-ends-on-调休-sunday", DAYS_7, sh(2025, 9, 21, 12), SHANGHAI, "2025-09-28", False),
    ("7d-ends-in-2027", DAYS_7, sh(2026, 12, 27, 12), SHANGHAI, "2027-01-04", True),
]


@pytest.mark.parametrize(("window", "start", "tz", "last_day", "estimate"), cases(IN_DAYS))
def test_window_end_in_days(
    window: Window, start: datetime, tz: ZoneInfo, last_day: str, estimate: bool
) -> None:
    end = window_end(window, start, tz)
    # Whatever the user's zone, a period in days ends at the end of its last day in Beijing.
    expected = datetime.combine(d(last_day), time(23, 59), tzinfo=SHANGHAI)
    assert (end.at, end.estimate) == (expected, estimate)
    assert end.at.utcoffset() == timedelta(0), "the deadline is kept in UTC"


@pytest.mark.parametrize(
    "until",
    [
        pytest.param(at_utc(2025, 3, 6, 10), id="utc"),
        pytest.param(sh(2025, 3, 6, 18), id="shanghai"),
    ],
)
def test_window_end_absolute_until_is_returned_as_is(until: datetime) -> None:
    window = Window("明天下午6点前", until=until)
    end = window_end(window, sh(2025, 3, 5, 12), LONDON)
    assert (end.at, end.estimate) == (until, False)
    assert end.at.utcoffset() == timedelta(0), "the deadline is kept in UTC"
