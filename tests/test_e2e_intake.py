"""End to end: the real bot process against the fake Bot API, driven as a user would."""

from __future__ import annotations

import sqlite3
import stat
from datetime import UTC, datetime, timedelta

from tests.conftest import BotProcess, button_data
from tests.fake_telegram import FakeTelegram, SentMessage

USER = 4242


def say(
    fake: FakeTelegram, text: str, n_replies: int = 1, user: int = USER, **kw: str
) -> list[SentMessage]:
    """The user sends text; returns the bot's replies."""
    fake.user_sends_text(user, text, **kw)  # type: ignore[arg-type]
    return fake.expect(user, n_replies)


def tap(fake: FakeTelegram, label: str, n_replies: int = 1, user: int = USER) -> list[SentMessage]:
    """The user taps the newest button labelled `label`; returns the bot's replies."""
    data = button_data(fake.messages(user), label)
    _, query_id = fake.user_presses(user, data)
    replies = fake.expect(user, n_replies)
    fake.wait_for_answer(query_id)
    return replies


def test_commands_are_registered_in_both_languages(fake: FakeTelegram, bot: BotProcess) -> None:
    fake.wait_for(lambda: bool(fake.commands("en")), what="setMyCommands en")
    zh = {c["command"]: c["description"] for c in fake.commands("zh")}
    en = {c["command"]: c["description"] for c in fake.commands("en")}
    assert set(zh) == set(en) == {
        "start", "new", "cases", "export", "settings", "privacy", "delete", "cancel", "help"
    }
    assert zh["new"] != en["new"]
    assert fake.commands("") == fake.commands("zh")


def test_start_says_what_the_bot_does_and_stores(fake: FakeTelegram, bot: BotProcess) -> None:
    [reply] = say(fake, "/start")
    assert "投诉" in reply.text and "保存" in reply.text
    [reply] = say(fake, "/start", user=USER + 1, language_code="en")
    assert "complaint" in reply.text.lower() and "store" in reply.text.lower()


def test_a_whole_intake_step_by_step_ends_with_two_ready_texts(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    [ask] = say(fake, "/new")
    assert "一步一步回答" in ask.button_texts
    tap(fake, "一步一步回答")
    tap(fake, "未来卡盟")
    say(fake, "WL20240302001")
    say(fake, "Steam充值卡 100元")
    say(fake, "98")
    say(fake, "2024-03-02 10:15")
    tap(fake, "卡密无效")
    recorded, _ask = say(fake, "2024-03-02 10:20 激活提示卡密无效", 2)
    assert "2024-03-02 10:20" in recorded.text
    tap(fake, "经过已写完")
    tap(fake, "平台内客服")
    say(fake, "2024-03-03 10:12")
    say(fake, "工号 8801")
    saved, _ask = say(fake, "24小时内处理", 2)
    assert "工号 8801" in saved.text
    tap(fake, "没有更多了")
    tap(fake, "补发卡密")
    [rule_question] = tap(fake, "48小时内")
    assert "《" in rule_question.text  # asks for a clause of the platform's own rules
    tap(fake, "没有 / 不确定")
    tap(fake, "订单截图")
    [evidence_question] = tap(fake, "客服聊天记录")
    assert "☑️ 订单截图" in evidence_question.button_texts
    [review] = tap(fake, "选好了")
    for fact in ("WL20240302001", "Steam充值卡 100元", "98.00", "2024-03-02 10:15",
                 "卡密无效", "工号 8801", "补发卡密", "48小时内", "订单截图、客服聊天记录"):
        assert fact in review.text
    summary, platform, email, menu = tap(fake, "确认", 4)
    assert "⭐ 投诉邮件(建议下一步)" in menu.button_texts  # support was contacted already
    assert "WL20240302001" in summary.text
    [support_text] = platform.pre_blocks
    assert support_text.startswith("【投诉】订单号WL20240302001")
    assert "卡密无效" in support_text.splitlines()[0]
    assert "前(48小时内)补发卡密" in support_text  # the absolute deadline, the words in brackets
    subject, body = email.pre_blocks
    assert subject == "投诉订单号WL20240302001-卡密失效问题"
    assert body.index("问题描述") < body.index("证据清单") < body.index("诉求")
    assert fake.unanswered_callbacks() == []


def test_a_user_who_cannot_find_the_order_number_nor_remember_the_rest_gets_through(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    say(fake, "/new")
    tap(fake, "一步一步回答")
    tap(fake, "未来卡盟")
    [noted, _ask] = tap(fake, "🤷 找不到订单号", 2)
    assert "以支付记录为准" in noted.text
    say(fake, "王者荣耀点券卡")
    say(fake, "记不清了", 2)
    tap(fake, "🤷 记不清购买时间", 2)
    tap(fake, "未到账或延迟到账")
    say(fake, "付款后一直没收到卡密", 2)
    tap(fake, "经过已写完")
    tap(fake, "还没有联系过")
    tap(fake, "全额退款")
    tap(fake, "48小时内")
    tap(fake, "没有 / 不确定")
    [review] = tap(fake, "选好了")
    assert "订单号:找不到(以支付记录为准)" in review.text
    assert "金额:记不清(以支付记录为准)" in review.text
    _summary, platform, email, _menu = tap(fake, "确认", 4)
    [support_text] = platform.pre_blocks
    assert support_text.startswith("【投诉】王者荣耀点券卡:") and "None" not in support_text
    assert "复制订单号" not in platform.button_texts
    subject, body = email.pre_blocks
    assert "订单号" not in subject and "本人在未来卡盟购买王者荣耀点券卡," in body


def test_a_pasted_story_is_understood_and_only_missing_fields_are_asked(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    say(fake, "/new")
    now = datetime.now(UTC)
    story = (
        "前天下午3点在未来卡盟买了一张100元的Steam充值卡,订单号 KM2024110300017,实付98元。"
        "昨天晚上8点激活时提示卡密无效。客服(工号8801)说24小时内处理,到现在没消息。"
        "要求48小时内补发卡密或全额退款。"
    )
    understood, next_question = say(fake, story, 2)
    for fact in ("KM2024110300017", "98.00", "卡密无效", "8801", "48小时内"):
        assert fact in understood.text, fact
    two_days_ago = (now + timedelta(hours=8) - timedelta(days=2)).strftime("%Y-%m-%d")
    assert f"{two_days_ago} 15:00" in understood.text
    # Everything the intake requires was in the story: only the optional questions remain.
    assert "没有 / 不确定" in next_question.button_texts


def test_the_database_is_private_and_holds_the_answers(fake: FakeTelegram, bot: BotProcess) -> None:
    say(fake, "/new")
    tap(fake, "一步一步回答")
    tap(fake, "未来卡盟")
    say(fake, "WL-777-ABC")
    mode = stat.S_IMODE(bot.db_path.stat().st_mode)
    assert mode & 0o077 == 0, oct(mode)
    with sqlite3.connect(bot.db_path) as db:
        [(facts,)] = db.execute("SELECT facts FROM cases WHERE user_id = ?", (USER,)).fetchall()
    assert "WL-777-ABC" in facts


def test_the_token_never_appears_in_the_log(fake: FakeTelegram, bot: BotProcess) -> None:
    say(fake, "/start")
    say(fake, "/new")
    bot.stop()
    log = bot.log()
    assert "getUpdates" in log or "ready" in log  # the log is not empty: DEBUG was on
    assert fake.token not in log
    assert fake.token.split(":")[1] not in log
