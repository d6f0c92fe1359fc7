"""End to end: one case from intake to resolution, with its status and advice at each step."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from tests.conftest import BotProcess
from tests.fake_telegram import FakeTelegram, SentMessage
from tests.test_e2e_intake import USER, say, tap
from tests.test_e2e_reminders import EXPIRED_STORY, _confirm, _pushes, _quiet_hours_off


def _case_view(fake: FakeTelegram) -> SentMessage:
    say(fake, "/cases")
    [view] = tap(fake, "#1")
    return view


def _status_line(view: SentMessage) -> str:
    return next(line for line in view.text.splitlines() if line.startswith("状态"))


def _advice_line(view: SentMessage) -> str:
    return next(line for line in view.text.splitlines() if line.startswith("建议下一步"))


def _statuses(bot: BotProcess) -> set[str]:
    with closing(sqlite3.connect(bot.db_path)) as db:
        return {s for (s,) in db.execute("SELECT status FROM reminders WHERE user_id = ?",
                                         (USER,))}


def test_a_case_runs_its_whole_life_always_showing_status_and_next_step(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    _quiet_hours_off(fake)
    _confirm(fake, EXPIRED_STORY)  # support promised 24 hours, the day before yesterday
    fake.wait_for(lambda: len(_pushes(fake)) == 1, what="the overdue promise's push")
    fake.skip_existing(USER)  # the push came on its own, not as a reply

    view = _case_view(fake)
    assert "已逾期(平台内客服)" in _status_line(view)
    assert "投诉邮件" in _advice_line(view)  # support failed: the next rung

    # The platform answers with a new promise: the case waits again, no escalation yet.
    tap(fake, "收到回复")
    say(fake, "客服说已提交技术,请再等24小时")
    tap(fake, "给了新的承诺")
    [added] = tap(fake, "24小时内")
    assert "24小时内" in added.text
    view = _case_view(fake)
    assert "等待答复(平台内客服)" in _status_line(view)
    assert "等待答复" in _advice_line(view)

    # Then it refuses: the case says so, and the next channel's text arrives ready.
    tap(fake, "收到回复")
    say(fake, "客服说卡密已发放,不予处理")
    refused, email = tap(fake, "拒绝处理", 2)
    assert "拒绝" in refused.text
    assert "投诉订单号WL20240302001" in "".join(email.pre_blocks)
    view = _case_view(fake)
    assert "被拒绝(平台内客服)" in _status_line(view)
    assert "客服说卡密已发放,不予处理" in view.text  # the reply is on the timeline

    # Filing on 12315, logged from the case view: escalated, with the regulator's window.
    tap(fake, "记录一次联系")
    tap(fake, "全国12315平台")
    tap(fake, "刚刚")
    say(fake, "投诉编号 1100202611250001")
    [filed] = tap(fake, "没有承诺时限")
    assert "7" in filed.text and "工作日" in filed.text
    view = _case_view(fake)
    assert "已升级(全国12315平台)" in _status_line(view)
    assert "投诉编号 1100202611250001" in view.text
    assert "pending" in _statuses(bot)

    # Resolved: nothing more is owed, and the case says so.
    [done] = tap(fake, "已解决")
    assert "#1" in done.text
    view = _case_view(fake)
    assert "已解决" in _status_line(view)
    assert "pending" not in _statuses(bot)
    assert len(_pushes(fake)) == 1  # exactly the one push, never a second
    assert fake.unanswered_callbacks() == []
