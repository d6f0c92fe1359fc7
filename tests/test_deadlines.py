"""The reminders a case calls for, channel defaults, and quiet hours."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from conversations.core.deadlines import DEFAULT_WINDOWS, Wanted, deliver_at, wanted
from conversations.core.model import Case, Channel, Contact
from conversations.core.timing import Window, WindowUnit

SHANGHAI = ZoneInfo("Asia/Shanghai")
LONDON = ZoneInfo("Europe/London")


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Shanghai wall-clock time."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def ldn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A London wall-clock time."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def end_of(day: str) -> datetime:
    """23:59 Shanghai on `day`: where a period in days ends."""
    return datetime.combine(date.fromisoformat(day), time(23, 59), tzinfo=SHANGHAI)


H2 = Window("2小时内", 2, WindowUnit.HOURS)
H48 = Window("48小时内", 48, WindowUnit.HOURS)
WD3 = Window("3个工作日内", 3, WindowUnit.WORKING_DAYS)
DAYS_7 = Window("7天内", 7, WindowUnit.DAYS)

CREATED = sh(2025, 3, 1, 9)
CONFIRMED = sh(2025, 3, 5, 12)  # a Wednesday
CONTACTED = sh(2025, 3, 3, 10)  # the Monday before


def confirmed(
    *contacts: Contact,
    demand: Window | None = None,
    confirmed_at: datetime = CONFIRMED,
    **changes: Any,
) -> Case:
    """A confirmed case with these contacts and demand deadline."""
    case = Case(no=1, created_at=CREATED, contacts=contacts, demand_deadline=demand, **changes)
    return replace(case, status="confirmed", confirmed_at=confirmed_at)


def due(case: Case, tz: ZoneInfo = SHANGHAI) -> dict[str, tuple[datetime, bool]]:
    """The wanted reminders, by key: (due, estimate)."""
    return {w.key: (w.due_at, w.estimate) for w in wanted(case, tz)}


# --- wanted() -------------------------------------------------------------------------------------

# The window each channel falls back to, and where it ends for a contact made on CONTACTED.
CHANNEL_DEFAULT_ENDS: dict[Channel, tuple[str, datetime]] = {
    Channel.PLATFORM_SUPPORT: ("24 h", sh(2025, 3, 4, 10)),
    Channel.EMAIL: ("3 working days", end_of("2025-03-06")),
    Channel.PHONE: ("24 h", sh(2025, 3, 4, 10)),
    Channel.C12315: ("7 working days", end_of("2025-03-12")),
    Channel.HEIMAO: ("48 h", sh(2025, 3, 5, 10)),
    Channel.JUTOUSU: ("48 h", sh(2025, 3, 5, 10)),
    Channel.PAYMENT: ("72 h", sh(2025, 3, 6, 10)),
    Channel.MEDIATION: ("7 working days", end_of("2025-03-12")),
    Channel.OTHER: ("3 working days", end_of("2025-03-06")),
}


def test_the_default_table_above_covers_every_channel() -> None:
    assert set(CHANNEL_DEFAULT_ENDS) == set(Channel)


@pytest.mark.parametrize(
    ("channel", "expected"),
    [pytest.param(c, end, id=f"{c}-{what}") for c, (what, end) in CHANNEL_DEFAULT_ENDS.items()],
)
def test_contact_without_a_promise_gets_the_channel_default(
    channel: Channel, expected: datetime
) -> None:
    case = confirmed(Contact(channel, at=CONTACTED))
    assert due(case) == {"contact:0": (expected, False)}


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        pytest.param(WD3, end_of("2025-03-06"), id="3-working-days"),
        pytest.param(H2, sh(2025, 3, 3, 12), id="2-hours"),
        pytest.param(DAYS_7, end_of("2025-03-10"), id="7-days-ending-sunday"),
        pytest.param(
            Window("明天18点前", until=sh(2025, 3, 4, 18)), sh(2025, 3, 4, 18), id="until"
        ),
    ],
)
def test_a_promised_window_beats_the_channel_default(window: Window, expected: datetime) -> None:
    case = confirmed(Contact(Channel.C12315, at=CONTACTED, promise="会处理", window=window))
    assert due(case) == {"contact:0": (expected, False)}


def test_contact_without_a_time_counts_from_confirmation() -> None:
    case = confirmed(Contact(Channel.HEIMAO), Contact(Channel.EMAIL))
    assert due(case) == {
        "contact:0": (sh(2025, 3, 7, 12), False),  # 48 h after CONFIRMED
        "contact:1": (end_of("2025-03-10"), False),  # 3 working days after Wed 2025-03-05
    }


@pytest.mark.parametrize(
    ("demand", "expected"),
    [
        pytest.param(H48, sh(2025, 3, 7, 12), id="48-hours"),
        pytest.param(WD3, end_of("2025-03-10"), id="3-working-days"),
        pytest.param(DAYS_7, end_of("2025-03-12"), id="7-days"),
        pytest.param(
            Window("今日18点前", until=sh(2025, 3, 5, 18)), sh(2025, 3, 5, 18), id="until"
        ),
    ],
)
def test_demand_deadline_counts_from_confirmation(demand: Window, expected: datetime) -> None:
    assert due(confirmed(demand=demand)) == {"demand": (expected, False)}


def test_keys_are_stable_and_in_order() -> None:
    case = confirmed(
        Contact(Channel.PLATFORM_SUPPORT, at=CONTACTED),
        Contact(Channel.C12315, at=CONTACTED),
        demand=H48,
    )
    keys = [w.key for w in wanted(case, SHANGHAI)]
    assert keys == ["contact:0", "contact:1", "demand"]
    assert [w.key for w in wanted(case, SHANGHAI)] == keys  # asking again changes nothing


def test_due_times_are_utc() -> None:
    case = confirmed(
        Contact(Channel.PLATFORM_SUPPORT, at=CONTACTED),
        Contact(Channel.EMAIL, at=CONTACTED),
        demand=Window("今日18点前", until=sh(2025, 3, 5, 18)),
    )
    assert [w.due_at.tzinfo for w in wanted(case, SHANGHAI)] == [UTC, UTC, UTC]


def test_estimate_when_the_window_crosses_into_2027() -> None:
    case = confirmed(
        Contact(Channel.EMAIL, at=sh(2026, 12, 30, 10)),  # 3 working days: into 2027
        Contact(Channel.OTHER, at=CONTACTED),  # 3 working days too, another channel
        confirmed_at=sh(2026, 12, 30, 12),
        demand=DAYS_7,
    )
    assert due(case) == {
        "contact:0": (end_of("2027-01-05"), True),  # 2027-01-01 skipped as 元旦
        "contact:1": (end_of("2025-03-06"), False),
        "demand": (end_of("2027-01-06"), True),
    }


EMAILED = confirmed(Contact(Channel.EMAIL, at=CONTACTED), demand=H48)


def test_the_open_case_calls_for_reminders() -> None:
    assert [w.key for w in wanted(EMAILED, SHANGHAI)] == ["contact:0", "demand"]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(replace(EMAILED, status="draft", confirmed_at=None), id="draft"),
        pytest.param(replace(EMAILED, resolved_at=sh(2025, 3, 6, 9)), id="resolved"),
        pytest.param(replace(EMAILED, closed_at=sh(2025, 3, 6, 9)), id="closed"),
        pytest.param(confirmed(), id="confirmed-with-nothing-to-wait-for"),
    ],
)
def test_no_reminders(case: Case) -> None:
    assert wanted(case, SHANGHAI) == []


def test_wanted_returns_wanted_records() -> None:
    case = confirmed(Contact(Channel.HEIMAO, at=CONTACTED))
    assert wanted(case, SHANGHAI) == [Wanted("contact:0", sh(2025, 3, 5, 10), False)]


# --- DEFAULT_WINDOWS ------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", list(Channel), ids=[c.value for c in Channel])
def test_every_channel_has_a_sourced_relative_default(channel: Channel) -> None:
    default = DEFAULT_WINDOWS[channel]
    assert default.source.strip()
    assert default.window.until is None
    assert default.window.unit is not None
    assert default.window.amount is not None and default.window.amount > 0


# --- deliver_at -----------------------------------------------------------------------------------

# (id, due, timezone, quiet, delivered)
DELIVERIES: list[tuple[str, datetime, ZoneInfo, bool, datetime]] = [
    ("21:59-stays", sh(2025, 3, 5, 21, 59), SHANGHAI, True, sh(2025, 3, 5, 21, 59)),
    ("22:00-next-morning", sh(2025, 3, 5, 22), SHANGHAI, True, sh(2025, 3, 6, 8)),
    ("23:59-next-morning", sh(2025, 3, 5, 23, 59), SHANGHAI, True, sh(2025, 3, 6, 8)),
    ("00:00-same-morning", sh(2025, 3, 6, 0), SHANGHAI, True, sh(2025, 3, 6, 8)),
    ("03:00-same-morning", sh(2025, 3, 6, 3), SHANGHAI, True, sh(2025, 3, 6, 8)),
    ("07:59-same-morning", sh(2025, 3, 6, 7, 59), SHANGHAI, True, sh(2025, 3, 6, 8)),
    ("08:00-stays", sh(2025, 3, 6, 8), SHANGHAI, True, sh(2025, 3, 6, 8)),
    ("month-end-night", sh(2025, 2, 28, 23), SHANGHAI, True, sh(2025, 3, 1, 8)),
    ("not-quiet-22:00", sh(2025, 3, 5, 22), SHANGHAI, False, sh(2025, 3, 5, 22)),
    ("not-quiet-03:00", sh(2025, 3, 6, 3), SHANGHAI, False, sh(2025, 3, 6, 3)),
    # London's own night: 22:30 BST is 05:30 in Shanghai; 16:00 BST is 23:00 in Shanghai.
    ("london-22:30", ldn(2025, 6, 1, 22, 30), LONDON, True, ldn(2025, 6, 2, 8)),
    ("london-16:00-stays", ldn(2025, 6, 2, 16), LONDON, True, ldn(2025, 6, 2, 16)),
    ("london-night-before-dst", ldn(2025, 3, 29, 23), LONDON, True, ldn(2025, 3, 30, 8)),
]


@pytest.mark.parametrize(
    ("due_at", "tz", "quiet", "expected"),
    [pytest.param(*values, id=name) for name, *values in DELIVERIES],
)
def test_deliver_at(due_at: datetime, tz: ZoneInfo, quiet: bool, expected: datetime) -> None:
    delivered = deliver_at(due_at.astimezone(UTC), tz, quiet)
    assert delivered == expected
    assert delivered.utcoffset() is not None


def test_explained_windows_are_absolute_times_with_their_basis() -> None:
    from conversations.core.deadlines import explained

    case = confirmed(
        Contact(Channel.PLATFORM_SUPPORT, at=CONTACTED, window=Window("24小时内", 24,
                                                                      WindowUnit.HOURS)),
        Contact(Channel.EMAIL, at=CONTACTED),  # no promise: the channel's default
        demand=H48,
    )
    support, email, demand = sorted(explained(case, SHANGHAI, quiet=True),
                                    key=lambda e: (e.contact is None, e.at))
    assert (support.at, support.start, support.promised) == (
        CONTACTED + timedelta(hours=24), CONTACTED, True)
    assert email.promised is False and email.counted.unit is WindowUnit.WORKING_DAYS
    assert demand.contact is None and demand.start == case.confirmed_at
    for w in (support, email, demand):
        assert w.remind_at == deliver_at(w.at, SHANGHAI, True)


def test_a_contact_known_only_to_the_day_counts_from_the_end_of_that_day() -> None:
    from conversations.core.timing import Part, RoughTime

    yesterday = RoughTime.of(sh(2025, 3, 3), Part.DAY)  # "昨天找了客服", no hour
    case = confirmed(Contact(Channel.PLATFORM_SUPPORT, at=yesterday))  # default: 24 hours
    [w] = [w for w in wanted(case, SHANGHAI) if w.key == "contact:0"]
    assert w.due_at == sh(2025, 3, 5).astimezone(UTC)  # never before it could have closed
