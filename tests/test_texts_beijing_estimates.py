"""Texts for Chinese platforms state Beijing time for a user elsewhere; estimated deadlines
say so wherever they are shown: the case view, the channel menu, reminders and every text."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from conversations.core import channels, deadlines, lifecycle
from conversations.core.model import Case, Channel, Contact, IssueType, Lang
from conversations.core.reminders import reminder_replies
from conversations.core.replies import Reply
from conversations.core.timing import Window, WindowUnit
from conversations.texts.rendering import Texts
from conversations.texts.telegram_html import to_plain

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
TEXTS = Texts()
WD3 = Window("3个工作日内", 3, WindowUnit.WORKING_DAYS)


def _case(confirmed: datetime, **changes: Any) -> Case:
    base = Case(
        no=4, created_at=confirmed, status="confirmed", confirmed_at=confirmed,
        platform="未来卡盟", order_no="WL1234567", product="Steam充值卡 100元",
        amount_cents=9800, purchased_at=datetime(2026, 12, 4, 12, 5, tzinfo=UTC),
        issue_type=IssueType.INVALID_CODE, demand_text="补发等值卡密", demand_deadline=WD3,
        events_done=True, contacts_done=True, rule_done=True, evidence_done=True,
    )
    return replace(base, **changes)


def _plain(reply: Reply, lang: Lang, tz: ZoneInfo) -> str:
    return "\n".join(to_plain(m.html) for m in TEXTS.render(reply, lang, tz))


@pytest.mark.parametrize("name", channels.TEXT_CHANNELS)
def test_a_user_in_new_york_gets_texts_in_beijing_time_and_told_so(name: str) -> None:
    now = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)  # 22:00 Friday in New York
    case = _case(now, company_name="杭州未来网络科技有限公司")
    reply = channels.channel_reply(case, name, now, NEW_YORK)
    assert reply.tz == "Asia/Shanghai"
    zh, en = _plain(reply, Lang.ZH, NEW_YORK), _plain(reply, Lang.EN, NEW_YORK)
    assert "文中时间均为北京时间" in zh and "Beijing time" in en
    if name in (Channel.C12315, Channel.EMAIL, Channel.HEIMAO):
        assert "2026-12-04 20:05" in zh  # bought at 12:05 UTC: 20:05 in Beijing
        assert "2026-12-04 07:05" not in zh  # never the New York clock in a Chinese text
    # The same case for a user in Shanghai needs no note.
    here = channels.channel_reply(case, name, now, SHANGHAI)
    assert here.tz is None and "北京时间" not in _plain(here, Lang.ZH, SHANGHAI)


def test_the_case_view_keeps_the_users_own_zone() -> None:
    now = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
    case = _case(now)
    [w] = deadlines.explained(case, NEW_YORK, quiet=False)
    # Three working days from Saturday in Beijing end on Wednesday 23:59 Beijing time,
    # which the New York user sees as 10:59 that morning.
    assert w.at == datetime(2026, 12, 9, 23, 59, tzinfo=SHANGHAI)
    text = _plain(Reply("case_view", {
        "case": case, "checks": (), "standing": lifecycle.standing(case, now, NEW_YORK),
        "timeline": lifecycle.timeline(case), "advice": lifecycle.advice(case, now, NEW_YORK),
        "windows": [w],
    }), Lang.ZH, NEW_YORK)
    assert "2026-12-09 10:59" in text


def test_an_estimated_deadline_says_so_in_the_texts_the_menu_and_the_reminder() -> None:
    now = datetime(2026, 12, 30, 2, 0, tzinfo=UTC)  # 10:00 in Beijing; 2027 is not published
    contact = Contact(Channel.EMAIL, now, promise="3个工作日内回复", window=WD3)
    case = _case(now, contacts=(contact,))
    end = deadlines.contact_deadline(case, contact, SHANGHAI)
    assert end.estimate and end.at == datetime(2027, 1, 5, 23, 59, tzinfo=SHANGHAI)
    for name in (Channel.EMAIL, Channel.PLATFORM_SUPPORT, "followup"):
        zh = _plain(channels.channel_reply(case, name, now, SHANGHAI), Lang.ZH, SHANGHAI)
        en = _plain(channels.channel_reply(case, name, now, SHANGHAI), Lang.EN, SHANGHAI)
        assert "约2027-01-05 23:59" in zh, name
        assert "about 2027-01-05 23:59" in en, name
        assert "2027-01-05 23:59" not in zh.replace("约2027-01-05 23:59", ""), name
    advice = lifecycle.advice(case, now, SHANGHAI)
    assert advice.estimate
    menu = _plain(channels.menu(case, advice.until, advice.estimate), Lang.ZH, SHANGHAI)
    assert "约2027-01-05 23:59" in menu
    view = _plain(Reply("case_view", {
        "case": case, "checks": (), "standing": lifecycle.standing(case, now, SHANGHAI),
        "timeline": lifecycle.timeline(case), "advice": advice,
        "windows": deadlines.explained(case, SHANGHAI, quiet=False),
    }), Lang.ZH, SHANGHAI)
    assert "约2027-01-05 23:59" in view and "调休未知" in view
    later = datetime(2027, 1, 6, 2, 0, tzinfo=UTC)
    replies = reminder_replies(case, "contact:0", end.at, end.estimate, later, SHANGHAI)
    reminder = _plain(replies[0], Lang.ZH, SHANGHAI)
    assert "约2027-01-05 23:59" in reminder and "调休未知" in reminder
    english = _plain(replies[0], Lang.EN, SHANGHAI)
    assert "about 2027-01-05 23:59" in english
    assert "make-up working days are not yet known" in english


def test_a_reminders_ready_text_is_in_beijing_time_and_the_reminder_in_the_users() -> None:
    now = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
    contact = Contact(Channel.PLATFORM_SUPPORT, now, promise="24小时内处理",
                      window=Window("24小时内", 24, WindowUnit.HOURS))
    case = _case(now, contacts=(contact,))
    end = deadlines.contact_deadline(case, contact, NEW_YORK)
    later = datetime(2026, 12, 6, 4, 0, tzinfo=UTC)
    [reply] = reminder_replies(case, "contact:0", end.at, end.estimate, later, NEW_YORK)
    assert reply.one_message  # the ready text fits in the push
    text = _plain(reply, Lang.ZH, NEW_YORK)
    # The reminder itself: New York's clock (due 03:00 UTC on the 6th is 22:00 on the 5th).
    assert "已于 2026-12-05 22:00 到期" in text
    # The text to paste, inside it: Beijing's clock, and it says so.
    assert "文中时间均为北京时间" in text and "2026-12-04 20:05" in text
