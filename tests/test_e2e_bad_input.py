"""End to end: bad, odd and hostile input gets a short clear reply and changes nothing.

Every test drives the real bot process against the fake Bot API. To know that a reply is
*all* the reply, the user then sends /help as a marker: the bot delivers a chat's replies in
the order it committed them, so whatever arrives before the help text answers what came before.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from typing import Any

import pytest

from tests.conftest import BotProcess, button_data
from tests.fake_telegram import CallbackQueryRecord, FakeTelegram, SentMessage
from tests.test_e2e_intake import USER, say, tap

OTHER_USER = USER + 1
ORDER_NO = "WL20240302001"

# The words the bot is expected to use (templates/zh), exactly.
ASK_PRODUCT = "买的是什么商品?例如:Steam充值卡 100元、腾讯Q币100个。"
ASK_AMOUNT = "实际支付了多少钱?例如:98 或 98.50元。"
REASK_AMOUNT = "没认出金额。请写实际支付的金额,例如:98 或 98.50元。"
EDITED = "修改过的消息我不会重新读取,请直接发一条新消息。"
NOTICE_STALE = "这个按钮已过期,请回答最新的问题。"
NOTICE_NOT_FOUND = "没有找到这个案件。"
HELP_HEAD = "命令\n/new"

Snapshot = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]


# --- helpers ---------------------------------------------------------------------------------


def _snapshot(bot: BotProcess, user: int = USER) -> Snapshot:
    """The user's cases and session exactly as stored."""
    with closing(sqlite3.connect(bot.db_path)) as db:
        cases = db.execute(
            "SELECT no, status, created_at, updated_at, facts FROM cases WHERE user_id = ?"
            " ORDER BY no",
            (user,),
        ).fetchall()
        session = db.execute(
            "SELECT state, seq, case_no, pending FROM sessions WHERE user_id = ?", (user,)
        ).fetchall()
    return cases, session


def _facts(bot: BotProcess, user: int = USER) -> dict[str, Any]:
    [(_no, _status, _created, _updated, facts)] = _snapshot(bot, user)[0]
    loaded: dict[str, Any] = json.loads(facts)
    return loaded


def _replies(fake: FakeTelegram, user: int = USER) -> list[SentMessage]:
    """Every reply to what the user sent since the last look (see the module docstring)."""
    fake.user_sends_text(user, "/help")
    got = fake.expect(user, 1)
    while not any(m.text.startswith(HELP_HEAD) for m in got):
        got += fake.expect(user, 1)
    assert got[-1].text.startswith(HELP_HEAD), [m.text for m in got]
    return got[:-1]


def _press(fake: FakeTelegram, data: str, user: int = USER) -> tuple[list[SentMessage], str]:
    """Press a button with `data`; returns the replies and the callback's answer text."""
    _, query_id = fake.user_presses(user, data)
    answer = fake.wait_for_answer(query_id)
    return _replies(fake, user), answer.answer_text or ""


def _to_product_question(fake: FakeTelegram, user: int = USER) -> None:
    say(fake, "/new", user=user)
    tap(fake, "一步一步回答", user=user)
    tap(fake, "未来卡盟", user=user)
    [question] = say(fake, ORDER_NO, user=user)
    assert question.text == ASK_PRODUCT


def _to_amount_question(fake: FakeTelegram) -> None:
    _to_product_question(fake)
    [question] = say(fake, "Steam充值卡 100元")
    assert question.text == ASK_AMOUNT


def _edited_message(user: int, text: str) -> dict[str, Any]:
    """An edited_message update as Telegram sends it for the user's first message."""
    now = int(time.time())
    return {
        "edited_message": {
            "message_id": 1,
            "from": {"id": user, "is_bot": False, "first_name": "测试", "language_code": "zh-hans"},
            "chat": {"id": user, "type": "private", "first_name": "测试"},
            "date": now - 60,
            "edit_date": now,
            "text": text,
        }
    }


def _all_answered(fake: FakeTelegram) -> None:
    fake.wait_for(lambda: not fake.unanswered_callbacks(), what="every callback answered")
    assert fake.unanswered_callbacks() == []


# --- messages the intake cannot take ---------------------------------------------------------

ACCEPTED = (
    "我能收:文字、截图或图片、PDF 等文件、录音(音频文件)、录屏(视频),以及转发的客服聊天消息。"
)
# Photos, documents and recordings are evidence, not refused: tests/test_e2e_evidence.py
# covers them.
UNSUPPORTED: dict[str, tuple[Callable[[FakeTelegram], int], str]] = {
    "sticker": (lambda f: f.user_sends_sticker(USER), f"收不了贴纸。{ACCEPTED}"),
    "voice": (lambda f: f.user_sends_voice(USER),
              f"收不了语音。{ACCEPTED}通话录音请作为音频文件发送。"),
    "location": (lambda f: f.user_sends_location(USER), f"收不了位置。{ACCEPTED}"),
}


@pytest.mark.parametrize("kind", list(UNSUPPORTED))
def test_a_message_of_another_kind_is_refused_and_the_question_asked_again(
    fake: FakeTelegram, bot: BotProcess, kind: str
) -> None:
    send, refusal = UNSUPPORTED[kind]
    _to_product_question(fake)
    before = _snapshot(bot)
    send(fake)
    replies = _replies(fake)
    assert [m.text for m in replies] == [refusal, ASK_PRODUCT]
    assert _snapshot(bot) == before
    assert fake.errors == []


def test_an_edited_message_is_not_taken_as_an_answer(fake: FakeTelegram, bot: BotProcess) -> None:
    _to_product_question(fake)
    before = _snapshot(bot)
    fake.push_update(_edited_message(USER, "Steam充值卡 100元"))
    replies = _replies(fake)
    assert [m.text for m in replies] == [EDITED, ASK_PRODUCT]
    assert _snapshot(bot) == before
    assert fake.errors == []


def test_a_10000_character_text_is_refused_with_its_length_and_the_limit(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    _to_product_question(fake)
    before = _snapshot(bot)
    fake.user_sends_text(USER, "卡" * 10_000)
    replies = _replies(fake)
    too_long = "这段文字有 10000 个字,太长了。请精简到 80 字以内再发。"
    assert [m.text for m in replies] == [too_long, ASK_PRODUCT]
    assert _snapshot(bot) == before
    assert fake.errors == []


def test_an_unknown_command_is_named_and_points_to_help(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    _to_product_question(fake)
    before = _snapshot(bot)
    fake.user_sends_text(USER, "/frobnicate")
    replies = _replies(fake)
    assert [m.text for m in replies] == ["不认识 /frobnicate 这个命令。发送 /help 查看可用命令。"]
    assert _snapshot(bot) == before
    assert fake.errors == []


HOSTILE_TEXTS = [
    "<b>bold</b>",
    "&",
    "&amp;",
    "<script>alert('x')</script>",
    "*_[]()~`",
    "'); DROP TABLE cases;--",
    "😀🎮💳🇨🇳",
]


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_markup_or_sql_looking_text_that_is_no_amount_is_refused_safely(
    fake: FakeTelegram, bot: BotProcess, text: str
) -> None:
    _to_amount_question(fake)
    before = _snapshot(bot)
    fake.user_sends_text(USER, text)
    replies = _replies(fake)
    assert [m.text for m in replies] == [REASK_AMOUNT, ASK_AMOUNT]
    assert _snapshot(bot) == before
    assert fake.errors == []


# --- buttons ---------------------------------------------------------------------------------


def test_a_button_of_an_older_question_gets_a_notice_and_changes_nothing(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    _to_product_question(fake)
    stale = button_data(fake.messages(USER), "未来卡盟")  # the platform question's button
    before = _snapshot(bot)
    replies, notice = _press(fake, stale)
    assert replies == []
    assert notice == NOTICE_STALE
    assert _snapshot(bot) == before
    _all_answered(fake)


def test_a_double_press_counts_once_and_the_second_gets_a_notice(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    say(fake, "/new")
    tap(fake, "一步一步回答")
    data = button_data(fake.messages(USER), "未来卡盟")
    [(_state, seq, _no, _pending)] = _snapshot(bot)[1]
    _, first = fake.user_presses(USER, data)
    _, second = fake.user_presses(USER, data)
    replies = _replies(fake)
    assert [m.text for m in replies] == ["订单号是多少?(在订单详情或支付记录里可以找到)"]
    assert fake.wait_for_answer(first).answer_text is None
    assert fake.wait_for_answer(second).answer_text == NOTICE_STALE
    [(state, seq_after, _no, _pending)] = _snapshot(bot)[1]
    assert (state, seq_after) == ("ask_order_no", seq + 1)
    assert _facts(bot)["platform"] == "未来卡盟"
    _all_answered(fake)


FORGED = [
    ("garbage", NOTICE_STALE),
    ("1|x", NOTICE_STALE),
    ("*|frobnicate|1", NOTICE_STALE),
    ("999999|platform|", NOTICE_STALE),  # the current question's button, from the future
    ("*|open|999", NOTICE_NOT_FOUND),
    ("*|resume|abc", NOTICE_NOT_FOUND),
    ("*|open|-1", NOTICE_NOT_FOUND),
]


@pytest.mark.parametrize(("data", "notice"), FORGED)
def test_forged_callback_data_gets_a_short_notice_and_changes_nothing(
    fake: FakeTelegram, bot: BotProcess, data: str, notice: str
) -> None:
    say(fake, "/new")
    tap(fake, "一步一步回答")  # now at the platform question, whose button is "<seq>|platform|"
    before = _snapshot(bot)
    replies, answer = _press(fake, data)
    assert replies == []
    assert answer == notice
    assert _snapshot(bot) == before
    _all_answered(fake)
    assert fake.errors == []


def test_another_users_case_number_is_not_found_and_reveals_nothing(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    _to_product_question(fake)  # user A has case 1
    before = _snapshot(bot)
    say(fake, "/start", user=OTHER_USER)
    for data in ("*|open|1", "*|resume|1"):
        replies, answer = _press(fake, data, user=OTHER_USER)
        assert replies == []
        assert answer == NOTICE_NOT_FOUND
    [case_list] = say(fake, "/cases", user=OTHER_USER)
    assert "#1" not in case_list.text
    shown_to_b = [m.html + json.dumps(m.reply_markup) for m in fake.messages(OTHER_USER)]
    shown_to_b += [q.answer_text or "" for q in fake.callback_queries() if q.user_id == OTHER_USER]
    assert not [s for s in shown_to_b if ORDER_NO in s or "未来卡盟" in s]
    assert _snapshot(bot, OTHER_USER)[0] == []
    assert _snapshot(bot) == before
    _all_answered(fake)


# --- odd text given as a valid answer --------------------------------------------------------

RULE = '《售后规则》第5条 <24h> & "卡密失效" *必须* 处理'
PLATFORM = "'); DROP TABLE cases;-- 卡盟"
PRODUCT = '<b>Steam</b> & "卡" *x*'
EVENT = "<script>alert('x')</script> &amp; _激活_ [失败](x) ~~"
AGENT = "工号 <i>8801</i> & `客服`"


def test_markup_and_sql_looking_answers_are_stored_verbatim_and_shown_intact(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    say(fake, "/new")
    tap(fake, "一步一步回答")
    say(fake, PLATFORM)
    say(fake, ORDER_NO)
    say(fake, PRODUCT)
    say(fake, "98")
    say(fake, "2024-03-02 10:15")
    tap(fake, "卡密无效")
    recorded, _ask = say(fake, f"2024-03-02 10:20 {EVENT}", 2)
    assert EVENT in recorded.text
    tap(fake, "经过已写完")
    tap(fake, "平台内客服")
    say(fake, "2024-03-03 10:12")
    say(fake, AGENT)
    saved, _ask = say(fake, "24小时内处理", 2)
    assert AGENT in saved.text
    tap(fake, "没有更多了")
    tap(fake, "补发卡密")
    tap(fake, "48小时内")
    say(fake, RULE)
    [review] = tap(fake, "选好了")
    facts = _facts(bot)
    assert (facts["platform"], facts["product"]) == (PLATFORM, PRODUCT)
    assert [e["text"] for e in facts["events"]] == [EVENT]
    assert [c["ref"] for c in facts["contacts"]] == [AGENT]
    assert facts["rule_citation"] == RULE
    for value in (PLATFORM, PRODUCT, EVENT, AGENT, RULE):
        assert value in review.text, value
    summary, platform, email, _menu = tap(fake, "确认", 4)
    for value in (PLATFORM, PRODUCT, EVENT, AGENT, RULE):
        assert value in summary.text, value
    [support_text] = platform.pre_blocks
    assert support_text.startswith(f"【投诉】订单号{ORDER_NO}({PRODUCT})")
    # The short support text names the latest contact and the rule; the email tells it all.
    assert AGENT in support_text and RULE in support_text
    _subject, body = email.pre_blocks
    for value in (PLATFORM, PRODUCT, EVENT, AGENT, RULE):
        assert value in body, value
    with closing(sqlite3.connect(bot.db_path)) as db:
        assert db.execute("SELECT count(*) FROM cases").fetchone() == (1,)
    assert fake.errors == []
    _all_answered(fake)


# --- languages and concurrent users ----------------------------------------------------------


def test_an_english_user_gets_english_and_a_chinese_user_chinese(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    [start_en] = say(fake, "/start", user=OTHER_USER, language_code="en")
    [new_en] = say(fake, "/new", user=OTHER_USER, language_code="en")
    assert start_en.text.startswith("Hi, I'm your complaint coach.")
    assert new_en.text.startswith("New complaint #1")
    assert new_en.button_texts == ["Answer step by step"]
    [start_zh] = say(fake, "/start")
    [new_zh] = say(fake, "/new")
    assert start_zh.text.startswith("你好,我是投诉教练。")
    assert new_zh.text.startswith("新的投诉 #1")
    assert new_zh.button_texts == ["一步一步回答"]
    assert "投诉" not in start_en.text + new_en.text


USERS = {
    5001: {
        "order": "AAA-1111",
        "product": "甲的Q币 100个",
        "amount": "11",
        "time": "2024-03-01 09:00",
        "event": "2024-03-01 09:05 甲激活失败",
    },
    5002: {
        "order": "BBB-2222",
        "product": "乙的Steam卡 200元",
        "amount": "22",
        "time": "2024-03-02 20:00",
        "event": "2024-03-02 20:05 乙提示已被使用",
    },
}


def _both_type(fake: FakeTelegram, key: str, n_replies: int = 1) -> None:
    """Both users send their own answer `key` (or the same command) back to back."""
    for user, answers in USERS.items():
        fake.user_sends_text(user, key if key.startswith("/") else answers[key])
    for user in USERS:
        fake.expect(user, n_replies)


def _both_tap(fake: FakeTelegram, label: str) -> list[SentMessage]:
    """Both users tap `label` back to back; returns each user's last reply."""
    queries = [fake.user_presses(u, button_data(fake.messages(u), label))[1] for u in USERS]
    replies = [fake.expect(u, 1)[-1] for u in USERS]
    answers: list[CallbackQueryRecord] = [fake.wait_for_answer(q) for q in queries]
    assert [a.answer_text for a in answers] == [None, None]
    return replies


def test_two_users_interleaving_their_intakes_keep_their_own_cases(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    _both_type(fake, "/new")
    _both_tap(fake, "一步一步回答")
    _both_tap(fake, "未来卡盟")
    _both_type(fake, "order")
    _both_type(fake, "product")
    _both_type(fake, "amount")
    _both_type(fake, "time")
    _both_tap(fake, "卡密无效")
    _both_type(fake, "event", 2)
    _both_tap(fake, "经过已写完")
    _both_tap(fake, "还没有联系过")
    _both_tap(fake, "补发卡密")
    _both_tap(fake, "48小时内")
    _both_tap(fake, "没有 / 不确定")
    reviews = dict(zip(USERS, _both_tap(fake, "选好了"), strict=True))
    for user, mine in USERS.items():
        [theirs] = [a for u, a in USERS.items() if u != user]
        facts = _facts(bot, user)
        assert (facts["order_no"], facts["product"]) == (mine["order"], mine["product"])
        assert [e["text"] for e in facts["events"]] == [mine["event"].split(" ", 2)[2]]
        assert mine["order"] in reviews[user].text and mine["product"] in reviews[user].text
        shown = " ".join(m.text for m in fake.messages(user))
        assert theirs["order"] not in shown and theirs["product"] not in shown
    assert fake.errors == []
    _all_answered(fake)


def test_an_update_the_library_cannot_parse_is_logged_confirmed_and_skipped(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    # A sticker missing the fields the library requires: Bot.get_updates would raise on the
    # whole batch, and Telegram would deliver it again after every restart.
    chat = {"id": USER, "type": "private", "first_name": "Test"}
    broken = fake.push_update({"message": {
        "message_id": 9001, "date": int(time.time()), "chat": chat,
        "from": {"id": USER, "is_bot": False, "first_name": "Test"},
        "sticker": {"file_id": "sticker-without-its-fields"},
    }})
    [reply] = say(fake, "/help")  # the next update is handled as ever
    assert HELP_HEAD in reply.text
    fake.wait_for(lambda: fake.confirmed_offset > broken, what="the bad update confirmed")
    assert bot.proc is not None and bot.proc.poll() is None, bot.log()
    assert "skipped an update the library cannot parse" in bot.log()
    assert "sticker-without-its-fields" in bot.log()  # logged with its raw JSON
    # Restarted, the bot is not handed the bad update again.
    bot.kill()
    bot.start()
    [again] = say(fake, "/help")
    assert HELP_HEAD in again.text
    assert bot.log().count("skipped an update the library cannot parse") == 1
