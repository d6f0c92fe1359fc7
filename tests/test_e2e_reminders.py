"""End to end: reminder pushes arrive once, on time, after restarts, and stop when resolved."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

from tests.conftest import BotProcess
from tests.fake_telegram import FakeTelegram, SentMessage
from tests.test_e2e_intake import USER, say, tap

# A promise that ran out yesterday: its reminder is due the moment the case is confirmed.
EXPIRED_STORY = (
    "前天下午3点在未来卡盟买了一张100元的Steam充值卡,订单号WL20240302001,实付98元。"
    "前天晚上8点激活时提示卡密无效。前天晚上9点联系客服(工号8801),说24小时内处理。"
    "要求48小时内补发卡密。"
)


def _reminders(bot: BotProcess) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(bot.db_path)) as db:
        rows = db.execute(
            "SELECT key, status FROM reminders WHERE user_id = ? ORDER BY id", (USER,)
        ).fetchall()
    return [(str(k), str(s)) for k, s in rows]


def _pushes(fake: FakeTelegram) -> list[SentMessage]:
    return [m for m in fake.messages(USER) if m.text.startswith("⏰")]


def _quiet_hours_off(fake: FakeTelegram) -> None:
    """Reminders due at night would wait until 08:00; the tests must not depend on the hour."""
    [settings] = say(fake, "/settings")
    if "🔔 关闭免打扰" in settings.button_texts:
        tap(fake, "关闭免打扰")


def _confirm(fake: FakeTelegram, story: str) -> None:
    say(fake, "/new")
    say(fake, story, 2)
    tap(fake, "没有 / 不确定")
    tap(fake, "选好了")
    tap(fake, "确认", 4)


def test_a_promise_already_broken_is_pushed_at_once_with_the_next_step(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    _quiet_hours_off(fake)
    _confirm(fake, EXPIRED_STORY)
    fake.wait_for(lambda: len(_pushes(fake)) == 1, what="the reminder push")
    [push] = _pushes(fake)
    assert "工号8801" in push.text.replace(" ", "") and "24小时内处理" in push.text
    assert {"✅ 已解决", "💬 收到回复", "⬆️ 升级投诉", "⏰ 1小时后"} <= set(push.button_texts)
    # The next step's ready text is in the same push: the follow-up ultimatum.
    assert any("若" in block and "前未收到处理结果" in block for block in push.pre_blocks)
    fake.wait_for(lambda: ("contact:0", "sent") in _reminders(bot), what="marked sent")


def test_a_two_minute_promise_is_pushed_after_two_minutes(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    _quiet_hours_off(fake)
    _confirm(fake, EXPIRED_STORY)
    fake.wait_for(lambda: len(_pushes(fake)) == 1, what="the first push")
    [first] = _pushes(fake)
    fake.skip_existing(USER)
    tap(fake, "收到回复")
    say(fake, "客服说马上处理")
    tap(fake, "给了新的承诺")
    started = time.monotonic()
    [recorded] = say(fake, "2分钟内")
    assert "期限" in recorded.text
    fake.wait_for(lambda: len(_pushes(fake)) == 2, timeout=200, what="the two-minute push")
    waited = time.monotonic() - started
    assert 115 <= waited <= 135, waited
    assert first.message_id != _pushes(fake)[1].message_id


def test_a_reminder_due_while_the_bot_was_down_goes_out_once_at_start_up_saying_how_late(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    _quiet_hours_off(fake)
    _confirm(fake, EXPIRED_STORY)
    fake.wait_for(lambda: ("contact:0", "sent") in _reminders(bot), what="the first push sent")
    bot.kill()
    # While the bot is down, the demand's deadline passes (we move it back an hour).
    with closing(sqlite3.connect(bot.db_path)) as db, db:
        an_hour_ago = int(time.time()) - 3600
        db.execute(
            "UPDATE reminders SET due_at = ?, deliver_at = ?, created_at = ? WHERE key = 'demand'",
            (an_hour_ago, an_hour_ago, an_hour_ago - 3600),
        )
    bot.start()
    fake.wait_for(lambda: len(_pushes(fake)) == 2, what="the late push")
    late = _pushes(fake)[1]
    assert "晚了" in late.text
    fake.wait_for(lambda: ("demand", "sent") in _reminders(bot), what="the late push marked")
    bot.kill()
    bot.start()
    fake.skip_existing(USER)
    say(fake, "/help")  # anything queued at start-up would have gone out before this reply
    assert len(_pushes(fake)) == 2  # nothing sent twice


def test_killed_while_a_reminder_is_being_sent_it_is_delivered_once_after_restart(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    _quiet_hours_off(fake)
    say(fake, "/new")
    say(fake, EXPIRED_STORY, 2)
    tap(fake, "没有 / 不确定")
    tap(fake, "选好了")
    sends = len(fake.requests_for("sendMessage"))
    fake.hold("sendMessage")
    data = next(b["callback_data"] for m in reversed(fake.messages(USER)) for b in m.buttons
                if "确认" in b.get("text", ""))
    fake.user_presses(USER, data)
    # Confirming queues the summary, texts and menu; the reminder follows in the same breath.
    fake.wait_for(lambda: len(fake.requests_for("sendMessage")) > sends, what="a held send")
    fake.wait_for(lambda: ("contact:0", "queued") in _reminders(bot), what="the push queued")
    bot.kill()
    fake.release("sendMessage")
    bot.start()
    fake.wait_for(lambda: len(_pushes(fake)) == 1, what="the push after restart")
    fake.wait_for(lambda: ("contact:0", "sent") in _reminders(bot), what="marked sent")
    say(fake, "/help")
    assert len(_pushes(fake)) == 1


def test_snooze_schedules_one_more_and_resolving_cancels_every_pending_reminder(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    _quiet_hours_off(fake)
    _confirm(fake, EXPIRED_STORY)
    fake.wait_for(lambda: len(_pushes(fake)) == 1, what="the push")
    data = next(b["callback_data"] for b in _pushes(fake)[0].buttons if "1小时后" in b["text"])
    _, query = fake.user_presses(USER, data)
    assert "再提醒你" in (fake.wait_for_answer(query).answer_text or "")
    fake.wait_for(lambda: ("snooze:1", "pending") in _reminders(bot), what="the snooze")
    data = next(b["callback_data"] for b in _pushes(fake)[0].buttons if "已解决" in b["text"])
    fake.skip_existing(USER)
    fake.user_presses(USER, data)
    [done] = fake.expect(USER)
    assert "已标记为解决" in done.text
    fake.wait_for(lambda: all(s != "pending" for _, s in _reminders(bot)), what="cancelled")
    assert ("snooze:1", "cancelled") in _reminders(bot)
    assert ("demand", "cancelled") in _reminders(bot)


def test_a_user_who_blocked_the_bot_gets_reminders_marked_undeliverable(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    _quiet_hours_off(fake)
    say(fake, "/new")
    say(fake, EXPIRED_STORY, 2)
    tap(fake, "没有 / 不确定")
    tap(fake, "选好了")
    fake.block(USER)
    data = next(b["callback_data"] for m in reversed(fake.messages(USER)) for b in m.buttons
                if "确认" in b.get("text", ""))
    fake.user_presses(USER, data)
    fake.wait_for(lambda: ("contact:0", "undeliverable") in _reminders(bot), what="given up")
    fake.errors.clear()  # the 403s were the point


class StricterTelegram(FakeTelegram):
    """Stricter than the bot's own pacing, so Telegram's "retry after" really comes back."""

    rate_limit_chat_interval = 1.5


def test_a_429_is_waited_out_and_retried_never_dropped(tmp_path: Path) -> None:
    with StricterTelegram(rate_limit=True) as fake:
        bot = BotProcess(fake, tmp_path).start()
        try:
            for command in ("/start", "/help", "/cases", "/settings"):
                fake.user_sends_text(USER, command)
            replies = fake.expect(USER, 4, timeout=30)
            assert fake.count_429 > 0
            assert [m.text.split("\n")[0][:2] for m in replies] == ["你好", "命令", "你还", "设置"]
        finally:
            bot.kill()
        assert fake.errors == []
