"""The intake reads what it is given and never leaves the user stuck: doubts are asked,
events without a time are kept, answers must fit their question, repeats count once."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from conversations.core.channels import TEXT_CHANNELS, channel_reply
from conversations.core.engine import Session, ask
from conversations.core.events import Command
from conversations.core.model import Channel, DemandAction, DoubtKind, IssueType, Lang, Unknown
from conversations.core.quoted import split_rule
from conversations.core.replies import Reply
from conversations.core.states import State
from conversations.core.timing import RoughTime, Window, WindowUnit
from conversations.texts.rendering import Texts
from tests.test_engine import Dialog

SH = ZoneInfo("Asia/Shanghai")
SUNDAY = datetime(2026, 12, 6, 15, 0, tzinfo=SH)
TEXTS = Texts()


def sunday() -> Dialog:
    """A user at the engine on a Sunday afternoon; the clock moves only when a test moves it."""
    return Dialog(now=SUNDAY)


def at_question(state: State, **facts: Any) -> Dialog:
    """A dialog whose draft answers everything before `state`."""
    d = sunday()
    d.send(Command("new"))
    d.press("steps")
    base = replace(d.case,
        platform="未来卡盟", order_no="WL20261201001", product="Steam充值卡", amount_cents=9800,
        purchased_at=datetime(2026, 12, 1, 20, 0, tzinfo=SH), issue_type=IssueType.INVALID_CODE,
        events_done=True, contacts_done=True,
    )  # fmt: skip
    d.cases[base.no] = replace(base, **facts)
    d.session = Session(state, d.session.seq + 1, base.no)
    return d


# --- no dead ends ---------------------------------------------------------------------


def test_an_event_without_a_time_is_kept_with_its_time_unknown() -> None:
    d = at_question(State.ASK_EVENTS, events_done=False)
    d.text("激活的时候提示卡密无效")
    assert d.state() is State.ASK_EVENTS
    assert [(e.at, e.text) for e in d.case.events] == [(None, "激活的时候提示卡密无效")]
    assert d.last is not None
    shown = TEXTS.render(d.last.replies[0], Lang.ZH, SH)[0].plain
    assert "时间未记录" in shown and "不会替你编" in shown


def test_an_event_without_a_time_stays_after_the_event_told_before_it() -> None:
    d = at_question(State.ASK_EVENTS, events_done=False)
    d.text("12月2日上午10点 激活提示卡密无效")
    d.text("换了手机也不行")
    d.text("12月1日晚上9点 收到卡密")
    assert [e.text for e in d.case.events] == ["收到卡密", "激活提示卡密无效", "换了手机也不行"]
    d.press("done")
    assert d.state() is not State.ASK_EVENTS


def test_a_purchase_time_can_be_given_roughly_and_is_never_made_up() -> None:
    d = at_question(State.ASK_PURCHASE_TIME, purchased_at=None)
    d.text("12月1日晚上")
    assert isinstance(d.case.purchased_at, RoughTime)


@pytest.mark.parametrize(
    ("state", "facts", "what"),
    [
        (State.ASK_ORDER_NO, {"order_no": None}, Unknown.ORDER_NO),
        (State.ASK_AMOUNT, {"amount_cents": None}, Unknown.AMOUNT),
        (State.ASK_PURCHASE_TIME, {"purchased_at": None}, Unknown.PURCHASE_TIME),
    ],
)
def test_a_fact_the_user_cannot_find_has_a_one_tap_way_forward(
    state: State, facts: dict[str, object], what: Unknown
) -> None:
    d = at_question(state, **facts)
    [[button]] = ask(d.session, d.case).buttons
    assert button.action == "unknown"
    d.press("unknown")
    assert d.case.unknown == (what,) and d.state() is not state
    assert d.templates()[0] == "unknown_noted"
    assert d.case.order_no is None or what is not Unknown.ORDER_NO


@pytest.mark.parametrize(
    ("state", "facts", "typed"),
    [
        (State.ASK_ORDER_NO, {"order_no": None}, "找不到了，订单记录被我删了"),
        (State.ASK_ORDER_NO, {"order_no": None}, "dunno"),
        (State.ASK_AMOUNT, {"amount_cents": None}, "記不清了"),
        (State.ASK_PURCHASE_TIME, {"purchased_at": None}, "I don’t remember"),
    ],
)
def test_saying_you_cannot_find_it_in_words_counts_as_the_tap(
    state: State, facts: dict[str, object], typed: str
) -> None:
    d = at_question(state, **facts)
    d.text(typed)
    assert len(d.case.unknown) == 1 and d.state() is not state
    assert d.case.order_no != typed


def test_a_rough_answer_with_a_shrug_is_still_read() -> None:
    d = at_question(State.ASK_AMOUNT, amount_cents=None)
    d.text("记不清了，大概100块")
    assert d.case.amount_cents == 10000 and d.case.unknown == ()
    d = at_question(State.ASK_PURCHASE_TIME, purchased_at=None)
    d.text("不记得几点了，反正是12月1日晚上")
    assert d.case.purchased_at is not None and d.case.unknown == ()


def test_a_fact_found_later_replaces_the_shrug() -> None:
    d = at_question(State.ASK_ORDER_NO, order_no=None)
    d.press("unknown")
    assert "找不到" in _summary(d)
    d.session = Session(State.ASK_ORDER_NO, d.session.seq + 1, d.case.no)
    d.text("WL20261201001")
    assert d.case.order_no == "WL20261201001" and d.case.unknown == ()


def test_saying_you_cannot_find_it_when_editing_drops_the_old_value() -> None:
    d = at_question(State.ASK_ORDER_NO)  # the story's order number, the user says it is wrong
    d.press("unknown")
    assert (d.case.order_no, d.case.unknown) == (None, (Unknown.ORDER_NO,))
    d = at_question(State.ASK_AMOUNT)
    d.text("不知道，几十块吧")  # a guess at a sum is no amount
    assert (d.case.amount_cents, d.case.unknown) == (None, (Unknown.AMOUNT,))


def test_an_answer_that_raises_a_doubt_takes_back_the_shrug() -> None:
    d = at_question(State.ASK_AMOUNT, amount_cents=None, unknown=(Unknown.AMOUNT,))
    d.text("88还是79")
    assert d.state() is State.ASK_DOUBT and d.case.unknown == ()
    d.press("doubt", "1")
    assert (d.case.amount_cents, d.case.unknown) == (7900, ())


# Leftovers of a fact left out: an empty slot, a dangling comma, a sentence cut short.
_LEFTOVERS = re.compile(
    r"None|订单号[,,)]|\(,|,\)|,,|\s[,.]|^paid|: ,|实付\s*元|order\s*[,:)]", re.M
)


@pytest.mark.parametrize(
    "missing",
    [subset for n in range(1, 4) for subset in itertools.combinations(tuple(Unknown), n)],
)
def test_texts_leave_out_what_the_user_cannot_give(missing: tuple[Unknown, ...]) -> None:
    d = at_question(State.ASK_DEMAND_ACTION)
    for what in missing:
        d.cases[d.case.no] = d.case.not_known(what)
    case = replace(d.case, demand_action=DemandAction.FULL_REFUND, status="confirmed",
                        demand_deadline=Window("48小时内", 48, WindowUnit.HOURS))
    replies = [channel_reply(case, name, d.now, SH) for name in TEXT_CHANNELS]
    replies += [Reply("case_summary", {"case": case, "first": False}),
                Reply("delete_confirm", {"case": case})]
    for reply in replies:
        for lang in Lang:
            [message] = TEXTS.render(reply, lang, SH)
            assert not _LEFTOVERS.search(message.plain), (lang, reply.template, message.plain)
            copies = [b for row in message.buttons for b in row if b.copy is not None]
            assert all(b.copy and b.copy.strip() for b in copies)
            if Unknown.ORDER_NO in missing:
                assert "订单号" not in str(message.buttons) and "order no" not in str(
                    message.buttons).lower()


def _summary(d: Dialog) -> str:
    return TEXTS.render(Reply("case_summary", {"case": d.case, "first": False}), Lang.ZH,
                        SH)[0].plain


# --- answers must fit their question ----------------------------------------------------


def test_an_account_of_events_is_not_taken_as_a_platform_rule() -> None:
    d = at_question(State.ASK_RULE)
    d.text("10月1日 14:10 激活时提示卡密无效")
    assert d.templates() == ["reask_rule", "ask/ask_rule"]
    assert d.case.rule_citation is None and d.state() is State.ASK_RULE
    d.text("《虚拟商品售后规则》第5条:卡密失效需在24小时内处理")
    assert d.case.rule_citation is not None and d.state() is not State.ASK_RULE


def test_a_text_says_a_rule_was_missed_by_so_long_only_when_the_rule_names_a_time() -> None:
    with_time = split_rule("《虚拟商品售后规则》第5条:卡密失效需在24小时内处理")
    without = split_rule("《用户服务协议》第3条:平台保证卡密真实有效")
    assert with_time is not None and with_time.window
    assert without is not None and not without.window


def test_a_promise_given_only_as_a_time_is_a_deadline() -> None:
    d = at_question(State.ASK_CONTACT_CHANNEL, contacts_done=False)
    d.press("channel", Channel.PLATFORM_SUPPORT)
    d.text("12月2日上午10点")
    d.press("skip")
    d.text("12月3日 18:00")
    contact = d.case.contacts[0]
    assert contact.promise is None
    assert contact.window == Window("12月3日 18:00", until=datetime(2026, 12, 3, 18, 0, tzinfo=SH))


def test_a_promise_time_before_the_contact_is_asked_again() -> None:
    d = at_question(State.ASK_CONTACT_CHANNEL, contacts_done=False)
    d.press("channel", Channel.PLATFORM_SUPPORT)
    d.text("12月2日上午10点")
    d.press("skip")
    d.text("2023年10月1日 14:02")
    assert d.templates() == ["reask_promise_time", "ask/ask_contact_promise"]
    assert d.case.contacts == ()


# --- ambiguity is asked about, not guessed ----------------------------------------------


def test_this_friday_said_on_a_sunday_is_confirmed_before_it_is_taken() -> None:
    d = at_question(State.ASK_DEMAND_DEADLINE, demand_action=DemandAction.FULL_REFUND)
    d.text("这周五之前")
    assert d.state() is State.ASK_DOUBT
    assert d.case.demand_deadline is None
    assert d.buttons()[0] == "2026-12-11"
    d.press("doubt", "0")
    assert d.case.demand_deadline is not None
    assert d.case.demand_deadline.until == datetime(2026, 12, 11, 23, 59, tzinfo=SH)
    assert d.state() is not State.ASK_DOUBT


def test_a_bare_day_of_the_month_that_fits_two_months_is_asked() -> None:
    d = at_question(State.ASK_PURCHASE_TIME, purchased_at=None)
    d.text("1号晚上8点")  # on the 6th: Dec 1 or Nov 1?
    assert d.state() is State.ASK_DOUBT
    assert d.buttons()[:2] == ["2026-12-01 20:00", "2026-11-01 20:00"]
    d.press("doubt", "1")
    assert d.case.purchased_at == datetime(2026, 11, 1, 20, 0, tzinfo=SH)


def test_neither_reading_asks_the_question_itself() -> None:
    d = at_question(State.ASK_PURCHASE_TIME, purchased_at=None)
    d.text("1号晚上8点")
    d.press("skip")
    assert d.state() is State.ASK_PURCHASE_TIME and d.case.doubts == ()


def test_a_typed_answer_to_a_doubt_settles_it() -> None:
    d = at_question(State.ASK_PURCHASE_TIME, purchased_at=None)
    d.text("1号晚上8点")
    d.text("11月1日晚上8点")
    assert d.case.purchased_at == datetime(2026, 11, 1, 20, 0, tzinfo=SH)
    assert d.case.doubts == () and d.state() is not State.ASK_DOUBT


def test_a_recent_bare_day_is_not_asked() -> None:
    d = at_question(State.ASK_PURCHASE_TIME, purchased_at=None)
    d.text("5号晚上8点")  # yesterday: clearly this month's
    assert d.case.purchased_at == datetime(2026, 12, 5, 20, 0, tzinfo=SH)


def test_a_pasted_story_asks_its_doubt_first() -> None:
    d = sunday()
    d.send(Command("new"))
    d.text("1号在未来卡盟买的Steam卡，订单号WL20261101001，实付98元，卡密无效，要求补发")
    assert d.state() is State.ASK_DOUBT
    assert [x.kind for x in d.case.doubts] == [DoubtKind.DAY]
    assert d.case.purchased_at is None


# --- the same message twice -------------------------------------------------------------


def test_the_same_text_twice_within_a_minute_changes_the_case_once() -> None:
    d = at_question(State.ASK_EVENTS, events_done=False)
    d.text("12月2日上午10点 激活提示卡密无效")
    d.now += timedelta(seconds=20)
    d.text("12月2日上午10点 激活提示卡密无效")
    assert d.templates() == ["repeat_ignored"]
    assert len(d.case.events) == 1
    d.now += timedelta(minutes=2)
    d.text("12月2日上午10点 激活提示卡密无效")  # meant again, a while later
    assert len(d.case.events) == 2


def test_a_different_text_is_never_taken_for_a_repeat() -> None:
    d = at_question(State.ASK_EVENTS, events_done=False)
    d.text("12月2日上午10点 激活提示卡密无效")
    d.text("12月2日上午11点 再试还是无效")
    assert len(d.case.events) == 2


def test_a_repeat_notice_renders_in_both_languages() -> None:
    for lang in Lang:
        assert TEXTS.render(Reply("repeat_ignored"), lang, SH)[0].plain


def test_two_amounts_with_nothing_saying_which_was_paid_are_asked() -> None:
    d = at_question(State.ASK_AMOUNT, amount_cents=None)
    d.text("好像是88还是79，记不清了")
    assert d.state() is State.ASK_DOUBT and d.case.amount_cents is None
    assert d.buttons()[:2] == ["¥88.00", "¥79.00"]
    d.press("doubt", "1")
    assert d.case.amount_cents == 7900 and d.state() is not State.ASK_DOUBT


def test_a_story_with_two_competing_amounts_asks_which_was_paid() -> None:
    d = sunday()
    d.send(Command("new"))
    d.text("未来卡盟买的王者荣耀点券，订单号261123110842209，商品页价格写的88，下单时又有个79的"
           "活动价，我也记不清最后扣的是哪个了。卡密提示已被使用，要求补发卡密。")
    assert d.state() is State.ASK_DOUBT
    assert [x.kind for x in d.case.doubts] == [DoubtKind.AMOUNT]
    assert d.case.doubts[0].amounts == (8800, 7900)
