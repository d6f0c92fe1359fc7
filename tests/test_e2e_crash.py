"""SIGKILL at awkward moments, then restart: nothing lost, nothing done twice."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from tests.conftest import BotProcess
from tests.fake_telegram import FakeTelegram
from tests.test_e2e_intake import USER, say, tap


def _case_facts(bot: BotProcess) -> dict[str, object]:
    with sqlite3.connect(bot.db_path) as db:
        [(facts,)] = db.execute("SELECT facts FROM cases WHERE user_id = ?", (USER,)).fetchall()
    loaded: dict[str, object] = json.loads(facts)
    return loaded


def _at_most_the_last_reply_again(fake: FakeTelegram, last_html: str) -> None:
    """After a restart only the reply in flight at the kill may come again (sent, not yet
    marked sent: Telegram has no idempotent send), and nothing else."""
    again = fake.expect(USER, 0)
    assert [m.html for m in again] in ([], [last_html])


def _recorded(fake: FakeTelegram, what: str) -> int:
    return sum(1 for m in fake.messages(USER) if m.text.startswith("已记下") and what in m.text)


def _reply_seen(fake: FakeTelegram, what: str) -> Callable[[], bool]:
    return lambda: _recorded(fake, what) >= 1


def to_events_question(fake: FakeTelegram, user: int = USER) -> None:
    """Take the user through the intake up to the question about what happened."""
    say(fake, "/new", user=user)
    tap(fake, "一步一步回答", user=user)
    tap(fake, "未来卡盟", user=user)
    say(fake, "WL20240302001", user=user)
    say(fake, "Steam充值卡 100元", user=user)
    say(fake, "98", user=user)
    say(fake, "2024-03-02 10:15", user=user)
    tap(fake, "卡密无效", user=user)


def test_killed_mid_intake_the_user_continues_at_the_same_question(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    say(fake, "/new")
    tap(fake, "一步一步回答")
    tap(fake, "未来卡盟")
    [question] = say(fake, "WL20240302001")
    assert "商品" in question.text
    bot.kill()
    bot.start()
    _at_most_the_last_reply_again(fake, question.html)
    [next_question] = say(fake, "Steam充值卡 100元")
    assert "支付" in next_question.text  # the amount question: the product answer was taken
    facts = _case_facts(bot)
    assert facts["order_no"] == "WL20240302001"
    assert facts["product"] == "Steam充值卡 100元"


def test_killed_after_the_answer_was_committed_but_before_the_reply_went_out(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    to_events_question(fake)
    sends = len(fake.requests_for("sendMessage"))
    fake.hold("sendMessage")
    update_id = fake.user_sends_text(USER, "2024-03-02 10:20 激活提示卡密无效")
    # The reply is only sent after the answer is committed: a send in flight proves the commit.
    fake.wait_for(lambda: len(fake.requests_for("sendMessage")) > sends, what="a held send")
    bot.kill()
    fake.release("sendMessage")
    bot.start()
    recorded, question = fake.expect(USER, 2)
    assert "2024-03-02 10:20 激活提示卡密无效" in recorded.text
    assert "✅ 经过已写完" in question.button_texts
    fake.wait_for_offset(update_id)
    events = _case_facts(bot)["events"]
    assert isinstance(events, list) and len(events) == 1  # re-delivered, applied once


def test_killed_the_moment_each_answer_arrives_every_answer_is_applied_exactly_once(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    to_events_question(fake)
    answers = [f"2024-03-0{d} 1{d}:00 第{d}次联系客服无果" for d in range(2, 7)]
    for answer in answers:
        update_id = fake.user_sends_text(USER, answer)
        fake.wait_for_served(update_id)
        bot.kill()  # somewhere in handling: before, during or after the commit
        bot.start()
        fake.wait_for(_reply_seen(fake, answer.split(" ", 2)[2]), 30, f"the reply to {answer!r}")
    for answer in answers:
        # Once, or twice when the kill fell between Telegram's acceptance and our record of it.
        assert 1 <= _recorded(fake, answer.split(" ", 2)[2]) <= 2
    events = _case_facts(bot)["events"]
    assert isinstance(events, list)
    assert [e["text"] for e in events] == [a.split(" ", 2)[2] for a in answers]


def test_a_clean_stop_confirms_what_was_handled(fake: FakeTelegram, bot: BotProcess) -> None:
    say(fake, "/start")
    update_id = fake.user_sends_text(USER, "/help")
    fake.expect(USER, 1)
    assert bot.stop() == 0
    assert fake.confirmed_offset > update_id
    assert fake.pending_updates() == []


def test_a_button_handled_before_a_kill_is_not_answered_again_after_the_restart(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    say(fake, "/new")
    from tests.conftest import button_data

    data = button_data(fake.messages(USER), "一步一步回答")
    answers = len(fake.requests_for("answerCallbackQuery"))
    fake.hold("answerCallbackQuery")
    update_id, _query_id = fake.user_presses(USER, data)
    # The answer is only sent after the press is committed: an answer in flight proves it.
    fake.wait_for(lambda: len(fake.requests_for("answerCallbackQuery")) > answers,
                  what="a held answer")
    bot.kill()
    fake.release("answerCallbackQuery")
    held = len(fake.requests_for("answerCallbackQuery"))
    bot.start()
    fake.wait_for_offset(update_id)  # re-delivered and confirmed
    # A marker: once /help is answered, everything before it has been handled.
    seen = len(fake.messages(USER))
    fake.user_sends_command(USER, "help")
    fake.wait_for(lambda: any("/new" in m.text for m in fake.messages(USER)[seen:]),
                  what="the answer to /help")
    # Handled once already: not answered a second time (Telegram: "query is too old").
    assert len(fake.requests_for("answerCallbackQuery")) == held
