"""End to end: from a confirmed case, every channel's text, its copy and link buttons."""

from __future__ import annotations

import json
import sqlite3

from tests.conftest import BotProcess
from tests.fake_telegram import FakeTelegram, SentMessage
from tests.test_e2e_intake import USER, say, tap

STORY = (
    # Past at any hour the tests run: "今天上午10点" is in the future before 10:00.
    "前天晚上8点在未来卡盟买了一张100元的Steam充值卡,订单号WL20240302001,实付98元。"
    "昨天上午10点激活时提示卡密无效。要求48小时内补发卡密或全额退款。"
)


def _confirmed_case(fake: FakeTelegram) -> SentMessage:
    say(fake, "/new")
    say(fake, STORY, 2)
    tap(fake, "还没有联系过")
    tap(fake, "没有 / 不确定")
    tap(fake, "订单截图")
    tap(fake, "选好了")
    *_, menu = tap(fake, "确认", 4)
    return menu


def test_every_channel_text_arrives_accepted_by_telegram(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    menu = _confirmed_case(fake)
    assert "⭐ 平台内客服(建议先做)" in menu.button_texts  # nothing tried yet
    [intro, ask_name] = tap(fake, "全国12315平台", 2)
    assert "全称" in ask_name.text
    assert "国家企业信用信息公示系统" in intro.text
    say(fake, "某某网络科技有限公司")
    say(fake, "91110000802100433B")
    saved, text_12315 = say(fake, "北京市海淀区某路1号", 2)
    assert "某某网络科技有限公司" in saved.text
    assert "某某网络科技有限公司" in text_12315.pre_blocks
    assert "91110000802100433B" in text_12315.pre_blocks
    copies = [b["copy_text"]["text"] for b in text_12315.buttons if "copy_text" in b]
    assert copies == ["某某网络科技有限公司", "91110000802100433B", "WL20240302001"]
    assert {"text": "🌐 打开全国12315平台", "url": "https://www.12315.cn/"} in (
        text_12315.buttons
    )
    for label in ("平台内客服", "投诉邮件", "电话脚本", "黑猫投诉", "聚投诉", "调解申请",
                  "跟进 / 设定底线"):
        [text] = tap(fake, label)
        assert text.pre_blocks, label
        assert any("WL20240302001" in block for block in text.pre_blocks), label
    heimao = next(m for m in fake.messages(USER) if "黑猫投诉" in m.text and m.pre_blocks)
    title = heimao.pre_blocks[0]
    assert len(title) <= 30 and "未来卡盟" in title
    assert fake.unanswered_callbacks() == []


def test_a_phone_call_is_logged_from_its_script(fake: FakeTelegram, bot: BotProcess) -> None:
    _confirmed_case(fake)
    [script] = tap(fake, "电话脚本")
    assert "为保障沟通效率,本次通话将录音" in script.pre_blocks[0]
    tap(fake, "记录这次通话")
    say(fake, "昨天上午11点")
    say(fake, "工号 9527")
    [logged] = say(fake, "明天下午6点前回电")
    assert "工号 9527" in logged.text
    with sqlite3.connect(bot.db_path) as db:
        [(facts,)] = db.execute("SELECT facts FROM cases WHERE user_id = ?", (USER,)).fetchall()
    [call] = json.loads(facts)["contacts"]
    assert call["channel"] == "phone" and call["window"]["until"]


def test_the_payment_route_asks_how_the_user_paid_and_gives_a_text_to_paste(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    menu = _confirmed_case(fake)
    assert "支付宝/微信支付投诉" in menu.button_texts
    [question] = tap(fake, "支付宝/微信支付投诉")
    assert "付的款" in question.text
    assert question.button_texts == ["支付宝", "微信支付", "其他方式(银行卡、余额等)"]
    [text] = tap(fake, "微信支付")
    assert "投诉商家" in text.text and "不保证结果" in text.text
    complaint, attach = text.pre_blocks
    assert "WL20240302001" in complaint and "补发卡密" in complaint
    assert attach.startswith("1. 支付记录(这笔交易的账单详情)")
    with sqlite3.connect(bot.db_path) as db:
        [(facts,)] = db.execute("SELECT facts FROM cases WHERE user_id = ?", (USER,)).fetchall()
    assert json.loads(facts)["paid_with"] == "wechat"
    # Asked once: the next tap gives the text straight away.
    [again] = tap(fake, "支付宝/微信支付投诉")
    assert again.pre_blocks == text.pre_blocks
    assert fake.unanswered_callbacks() == []
