"""A case's status, its urgency and its timeline, derived from its history."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from conversations.core.deadlines import wanted
from conversations.core.evidence_kinds import EvidenceGroup, EvidenceItem
from conversations.core.lifecycle import Advice, Status, advice, standing, timeline, urgency
from conversations.core.model import Case, Channel, Contact, LogEntry, TimelineEvent
from conversations.core.timing import Window, WindowUnit

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 4, 0, tzinfo=UTC)  # Wednesday 12:00 in Shanghai
HOUR = timedelta(hours=1)


def _case(*contacts: Contact, **changes: Any) -> Case:
    base = Case(no=1, created_at=NOW - 48 * HOUR, status="confirmed",
                confirmed_at=NOW - 47 * HOUR, purchased_at=NOW - 50 * HOUR,
                contacts=contacts)
    return replace(base, **changes)


def _support(at: datetime, window: Window | None = None) -> Contact:
    return Contact(Channel.PLATFORM_SUPPORT, at, window=window, promise=None)


H24 = Window("", 24, WindowUnit.HOURS)

STATUSES = [
    ("draft", _case(status="draft"), Status.DRAFT, None),
    ("confirmed, nothing filed", _case(), Status.READY, None),
    ("filed, window open", _case(_support(NOW - HOUR)), Status.FILED, Channel.PLATFORM_SUPPORT),
    ("a promise running", _case(_support(NOW - HOUR, H24)), Status.WAITING,
     Channel.PLATFORM_SUPPORT),
    ("the promise lapsed", _case(_support(NOW - 30 * HOUR, H24)), Status.OVERDUE,
     Channel.PLATFORM_SUPPORT),
    ("escalated to 12315", _case(_support(NOW - 30 * HOUR),
                                 Contact(Channel.C12315, NOW - HOUR)), Status.ESCALATED,
     Channel.C12315),
    ("the platform refused", _case(_support(NOW - 3 * HOUR, H24),
                                   log=(LogEntry(NOW - HOUR, "refused"),)), Status.REFUSED,
     Channel.PLATFORM_SUPPORT),
    ("nothing filed, the demanded deadline lapsed",
     _case(demand_deadline=Window("", 24, WindowUnit.HOURS)), Status.OVERDUE, None),
    ("a new promise on the same channel replaces the lapsed one",
     _case(_support(NOW - 30 * HOUR, H24), _support(NOW - HOUR, H24)), Status.WAITING,
     Channel.PLATFORM_SUPPORT),
    ("resolved", _case(_support(NOW - 30 * HOUR), resolved_at=NOW), Status.RESOLVED, None),
    ("closed", _case(_support(NOW - 30 * HOUR), closed_at=NOW), Status.CLOSED, None),
]


@pytest.mark.parametrize(("name", "case", "status", "channel"), STATUSES,
                         ids=[s[0] for s in STATUSES])
def test_the_status_follows_from_the_case(
    name: str, case: Case, status: Status, channel: Channel | None
) -> None:
    s = standing(case, NOW, SH)
    assert (s.status, s.channel) == (status, channel)


def test_the_latest_contact_decides_not_the_nearest_window() -> None:
    # Support had 24 h (still open); a later email promised 3 working days: waiting on email.
    case = _case(_support(NOW - 2 * HOUR),
                 Contact(Channel.EMAIL, NOW - HOUR, window=Window("", 3, WindowUnit.WORKING_DAYS)))
    s = standing(case, NOW, SH)
    assert (s.status, s.channel) == (Status.ESCALATED, Channel.EMAIL)
    assert s.deadline == datetime(2026, 11, 30, 23, 59, tzinfo=SH)  # Mon, 3 working days


def test_cases_sort_overdue_first_then_by_the_nearest_deadline() -> None:
    overdue = replace(_case(_support(NOW - 30 * HOUR, H24)), no=1)
    soon = replace(_case(_support(NOW - 20 * HOUR, H24)), no=2)  # 4 h left
    later = replace(_case(_support(NOW - 2 * HOUR, H24)), no=3)  # 22 h left
    draft = replace(_case(status="draft"), no=4)
    done = replace(_case(resolved_at=NOW), no=5)
    ordered = sorted([done, draft, later, soon, overdue], key=lambda c: urgency(c, NOW, SH))
    assert [c.no for c in ordered] == [1, 2, 3, 4, 5]


def test_the_timeline_holds_everything_newest_last() -> None:
    case = _case(
        _support(NOW - 10 * HOUR),
        events=(TimelineEvent(NOW - 40 * HOUR, "激活失败"),),
        evidence=(EvidenceItem(1, "photo", EvidenceGroup.PROBLEM, NOW - 30 * HOUR),),
        log=(LogEntry(NOW - HOUR, "reminded", "contact:0"), LogEntry(NOW, "resolved")),
    )
    kinds = [e.kind for e in timeline(case)]
    assert kinds == ["purchase", "event", "evidence", "contact", "reminded", "resolved"]
    assert [e.at for e in timeline(case)] == sorted(e.at for e in timeline(case))


def test_a_new_promise_or_a_refusal_retires_the_earlier_window() -> None:
    # The first promise lapsed; the platform then promised again: one reminder, the new one.
    again = _case(_support(NOW - 30 * HOUR, H24), _support(NOW - HOUR, H24))
    assert [w.key for w in wanted(again, SH)] == ["contact:1"]
    refused = replace(again, log=(LogEntry(NOW, "refused"),))
    assert wanted(refused, SH) == []
    # Filing on 12315 after the refusal opens a window of its own.
    filed = replace(refused, contacts=(*refused.contacts, Contact(Channel.C12315, NOW + HOUR)))
    assert [w.key for w in wanted(filed, SH)] == ["contact:2"]


def test_advice_waits_while_an_answer_is_due_then_climbs_the_ladder() -> None:
    running = _case(_support(NOW - HOUR, H24))
    assert advice(running, NOW, SH) == Advice(None, "why.wait", NOW + 23 * HOUR)
    lapsed = _case(_support(NOW - 30 * HOUR, H24))
    assert advice(lapsed, NOW, SH) == Advice(Channel.EMAIL, "why.rung1")
    refused = replace(running, log=(LogEntry(NOW, "refused"),))
    assert advice(refused, NOW, SH).channel is Channel.EMAIL
    assert advice(_case(), NOW, SH).channel is Channel.PLATFORM_SUPPORT


def test_a_contact_without_a_time_stays_on_the_timeline() -> None:
    case = _case(Contact(Channel.HEIMAO, None, ref="投诉编号 17350000001"))
    [entry] = [e for e in timeline(case) if e.kind == "contact"]
    assert entry.undated and entry.at == case.confirmed_at
    assert standing(case, NOW, SH).channel is Channel.HEIMAO
