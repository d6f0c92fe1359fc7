"""Table-driven dialog tests of the conversation engine, with no Telegram anywhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from conversations.core.engine import MAX_FIELD, Ctx, Outcome, Session, step
from conversations.core.events import Command, Event, Malformed, Press, Text, Unsupported
from conversations.core.evidence_kinds import EvidenceClaim
from conversations.core.model import Case, Channel, DemandAction, IssueType, Lang, PaidWith
from conversations.core.replies import Reply
from conversations.core.states import (
    DIAGRAM_PATH,
    INTAKE_ORDER,
    TRANSITIONS,
    State,
    Target,
    mermaid,
)
from conversations.core.timing import Part, RoughTime, Window, WindowUnit
from conversations.texts.rendering import Texts

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 3, 5, 12, 0, tzinfo=SH)  # a Wednesday


@dataclass
class Dialog:
    """Drives the pure engine the way a user would."""

    session: Session = field(default_factory=Session)
    cases: dict[int, Case] = field(default_factory=dict)
    last: Outcome | None = None
    now: datetime = NOW  # the clock, which moves only when a test moves it

    def send(self, event: Event, now: datetime | None = None) -> Outcome:
        out = step(self.session, self.cases, event, Ctx(now or self.now, SH))
        for c in out.changed:
            self.cases[c.no] = c
        self.session = out.session
        self.last = out
        return out

    def cmd(self, name: str) -> Outcome:
        return self.send(Command(name))

    def text(self, text: str) -> Outcome:
        return self.send(Text(text))

    def press(self, action: str, value: str = "") -> Outcome:
        return self.send(Press(self.session.seq, action, value))

    @property
    def case(self) -> Case:
        assert self.session.case_no is not None
        return self.cases[self.session.case_no]

    def state(self) -> State:
        # A method, not a property: type checkers would narrow a property across steps.
        return self.session.state

    def templates(self) -> list[str]:
        assert self.last is not None
        return [r.template for r in self.last.replies]

    def buttons(self) -> list[str]:
        assert self.last is not None
        ask = self.last.replies[-1]
        return [b.text or b.label or "" for row in ask.buttons for b in row]


def test_step_by_step_intake_collects_every_field_and_ends_with_two_texts() -> None:
    d = Dialog()
    d.cmd("new")
    assert d.state() is State.ASK_STORY
    d.press("steps")
    assert d.state() is State.ASK_PLATFORM
    d.press("platform")
    assert (d.case.platform, d.state()) == ("未来卡盟", State.ASK_ORDER_NO)
    d.text("WL20240302001")
    assert (d.case.order_no, d.state()) == ("WL20240302001", State.ASK_PRODUCT)
    d.text("Steam充值卡 100元")
    d.text("98.5")
    assert d.case.amount_cents == 9850
    d.text("昨天晚上8点")
    assert d.case.purchased_at == datetime(2025, 3, 4, 20, 0, tzinfo=SH)
    assert d.state() is State.ASK_ISSUE_TYPE
    d.press("issue", IssueType.INVALID_CODE)
    assert d.state() is State.ASK_EVENTS
    d.text("今天上午10点 激活提示卡密无效")
    assert d.state() is State.ASK_EVENTS
    assert [e.text for e in d.case.events] == ["激活提示卡密无效"]
    assert d.case.events[0].at == datetime(2025, 3, 5, 10, 0, tzinfo=SH)
    d.press("done")
    assert d.state() is State.ASK_CONTACT_CHANNEL
    d.press("channel", Channel.PLATFORM_SUPPORT)
    assert d.state() is State.ASK_CONTACT_TIME
    d.text("今天上午11点")
    d.text("工号 8801")
    d.text("客服说24小时内处理")
    assert d.state() is State.ASK_CONTACT_CHANNEL
    contact = d.case.contacts[0]
    assert contact.ref == "工号 8801"
    assert contact.window is not None and contact.window.amount == 24
    d.press("done")
    assert d.state() is State.ASK_DEMAND_ACTION
    d.press("demand", DemandAction.REISSUE_CODE)
    assert d.state() is State.ASK_DEMAND_DEADLINE
    d.press("window", "48h")
    assert d.state() is State.ASK_RULE
    assert d.case.demand_deadline is not None and d.case.demand_deadline.amount == 48
    d.text("《虚拟商品售后规则》第5条:卡密失效需在24小时内处理")
    assert d.state() is State.ASK_EVIDENCE
    d.press("claim", "order_screenshot")
    d.press("claim", "chat_log")
    d.press("claim", "order_screenshot")  # a second tap takes it back
    assert d.case.evidence_claims == (EvidenceClaim.CHAT_LOG,)
    d.press("done")
    assert d.state() is State.REVIEW
    d.press("confirm")
    assert d.state() is State.IDLE
    assert d.cases[1].status == "confirmed"
    assert d.templates() == [
        "case_summary", "channels/platform_support", "channels/email", "case_menu"
    ]


def _at(state: State) -> Dialog:
    """A dialog that has reached `state` by answering step by step."""
    d = Dialog()
    d.cmd("new")
    d.press("steps")
    answers: list[tuple[str, str] | str] = [
        ("platform", ""),
        "WL20240302001",
        "Steam充值卡 100元",
        "98",
        "昨天晚上8点",
        ("issue", "invalid_code"),
        "今天上午10点 激活提示卡密无效",
        ("done", ""),
        ("done", ""),
        ("demand", "full_refund"),
        ("window", "24h"),
        ("skip", ""),
        ("done", ""),
    ]
    for answer in answers:
        if d.state() is state:
            return d
        if isinstance(answer, tuple):
            d.press(*answer)
        else:
            d.text(answer)
    assert d.state() is state
    return d


# Bad input: a reply naming the problem, the same question again, nothing changed.
BAD_INPUT = [
    (State.ASK_ORDER_NO, Text("随便吧"), "reask_order_no"),
    (State.ASK_AMOUNT, Text("很多钱"), "reask_amount"),
    (State.ASK_AMOUNT, Text("-5"), "reask_amount"),
    (State.ASK_AMOUNT, Text("99999999999"), "reask_amount"),
    (State.ASK_PURCHASE_TIME, Text("某个时候"), "reask_time"),
    (State.ASK_PURCHASE_TIME, Text("明天晚上8点"), "time_in_future"),
    (State.ASK_PURCHASE_TIME, Text("2月30日 10:00"), "reask_time"),
    (State.ASK_ISSUE_TYPE, Text("说不清"), "reask_issue_type"),
    (State.ASK_EVENTS, Text("明天上午10点 激活失败"), "time_in_future"),
    (State.ASK_DEMAND_ACTION, Text("你们必须处理"), "vague_demand"),
    (State.ASK_DEMAND_ACTION, Text("给个说法"), "vague_demand"),
    (State.ASK_DEMAND_ACTION, Text("我要七天无理由退货"), "no_reason_return"),
    (State.ASK_DEMAND_DEADLINE, Text("尽快"), "reask_deadline"),
    (State.REVIEW, Text("好的"), "review_use_buttons"),
    (State.ASK_PRODUCT, Text("x" * (MAX_FIELD[State.ASK_PRODUCT] + 1)), "too_long"),
    (State.ASK_ORDER_NO, Text("<b>&amp;</b>"), "reask_order_no"),
    (State.ASK_PRODUCT, Unsupported("sticker"), "unsupported"),
    (State.ASK_AMOUNT, Unsupported("voice"), "unsupported"),
    (State.ASK_PURCHASE_TIME, Unsupported("location"), "unsupported"),
]


@pytest.mark.parametrize(("state", "event", "template"), BAD_INPUT)
def test_bad_input_gets_a_short_reply_and_changes_nothing(
    state: State, event: Event, template: str
) -> None:
    d = _at(state)
    before_case, before_state = d.case, d.state()
    out = d.send(event)
    assert out.changed == ()
    assert d.case == before_case
    assert d.state() is before_state
    assert d.templates()[0] == template
    assert d.templates()[-1] == f"ask/{state}"  # the same question again


def test_a_stale_button_changes_nothing() -> None:
    d = _at(State.ASK_ORDER_NO)
    old_seq = d.session.seq - 1  # the platform question's buttons
    before = (d.session, dict(d.cases))
    out = d.send(Press(old_seq, "platform"))
    assert (d.session, d.cases) == before
    assert out.notice is not None and out.notice.template == "notice_stale"
    assert out.replies == ()


def test_forged_callback_data_changes_nothing() -> None:
    d = _at(State.ASK_ISSUE_TYPE)
    before = (d.session, dict(d.cases))
    for event in (Malformed(), Press(d.session.seq, "issue", "nonsense"),
                  Press(None, "open", "999"), Press(None, "open", "abc")):
        d.send(event)
        assert (d.session, d.cases) == before


def test_cancel_keeps_the_draft_and_new_offers_to_resume_it_at_the_same_question() -> None:
    d = _at(State.ASK_PURCHASE_TIME)
    d.cmd("cancel")
    assert d.state() is State.IDLE
    assert d.templates() == ["cancelled"]
    d.cmd("new")
    assert d.templates() == ["offer_drafts"]
    buttons = [b for row in d.last.replies[0].buttons for b in row]  # type: ignore[union-attr]
    assert (buttons[0].action, buttons[0].value) == ("resume", "1")
    d.send(Press(None, "resume", "1"))
    assert d.state() is State.ASK_PURCHASE_TIME
    assert d.case.order_no == "WL20240302001"


def test_new_from_a_draft_offer_opens_a_second_case() -> None:
    d = _at(State.ASK_AMOUNT)
    d.cmd("cancel")
    d.cmd("new")
    d.send(Press(None, "new"))
    assert d.session.case_no == 2
    assert d.state() is State.ASK_STORY
    assert d.cases[1].order_no == "WL20240302001"


def test_cases_lists_every_case_and_opens_a_confirmed_one_with_its_texts() -> None:
    d = _at(State.REVIEW)
    d.press("confirm")
    d.cmd("cases")
    assert d.templates() == ["case_list"]
    d.send(Press(None, "open", "1"))
    assert d.templates() == ["case_view"]
    d.send(Press(None, "texts", "1"))
    assert d.templates() == ["case_menu"]


def test_a_pasted_story_fills_what_it_can_and_asks_only_for_what_is_missing() -> None:
    d = Dialog()
    d.cmd("new")
    d.text(
        "昨天晚上8点在未来卡盟买了100元的Steam充值卡,订单号WL20240302001,实付98元。"
        "今天上午10点激活提示卡密无效。要求48小时内补发卡密。"
    )
    case = d.case
    assert case.platform == "未来卡盟"
    assert case.order_no == "WL20240302001"
    assert case.amount_cents == 9800
    assert case.issue_type is IssueType.INVALID_CODE
    assert case.demand_action is DemandAction.REISSUE_CODE
    assert d.templates()[0] == "story_understood"
    # Nothing about contacts was said: that is the first question left.
    assert d.state() is State.ASK_CONTACT_CHANNEL


def test_a_story_with_nothing_in_it_falls_back_to_step_by_step() -> None:
    d = Dialog()
    d.cmd("new")
    d.text("气死我了")
    assert d.state() is State.ASK_PLATFORM
    assert d.templates() == ["story_understood", "ask/ask_platform"]


def test_editing_from_the_review_returns_to_the_review() -> None:
    d = _at(State.REVIEW)
    d.press("edit", State.ASK_ORDER_NO)
    assert d.state() is State.ASK_ORDER_NO
    d.text("NEW-ORDER-42")
    assert d.state() is State.REVIEW
    assert d.case.order_no == "NEW-ORDER-42"


def test_editing_the_timeline_keeps_earlier_events() -> None:
    d = _at(State.REVIEW)
    d.press("edit", State.ASK_EVENTS)
    assert d.state() is State.ASK_EVENTS
    d.text("今天上午11点 客服说已提交技术")
    d.press("done")
    assert d.state() is State.REVIEW
    assert len(d.case.events) == 2


def test_help_and_unknown_commands_leave_the_question_where_it_was() -> None:
    d = _at(State.ASK_PRODUCT)
    before = d.session
    d.cmd("help")
    assert d.templates() == ["help"] and d.session == before
    d.cmd("frobnicate")
    assert d.templates() == ["unknown_command"] and d.session == before


def test_text_outside_a_case_points_to_new() -> None:
    d = Dialog()
    d.text("你好")
    assert d.templates() == ["idle_hint"]
    assert d.cases == {}


def test_every_question_in_the_intake_has_an_answer_transition() -> None:
    answerable = {src for (src, _trig), _dst in TRANSITIONS.items()}
    assert set(INTAKE_ORDER) <= answerable
    assert all(isinstance(dst, State | Target) for dst in TRANSITIONS.values())


def test_the_diagram_next_to_the_code_is_current() -> None:
    assert DIAGRAM_PATH.read_text(encoding="utf-8") == mermaid()


# --- after the intake: channels, the respondent company, call notes ---------------------------


def _confirmed() -> Dialog:
    d = _at(State.REVIEW)
    d.press("confirm")
    return d


def test_every_channel_text_can_be_pulled_from_a_confirmed_case() -> None:
    d = _confirmed()
    d.send(Press(None, "company", "1.c12315"))
    d.text("某某网络科技有限公司")
    d.text("91110000802100433B")
    d.text("北京市海淀区某路1号")
    for name in ("platform_support", "email", "phone", "c12315", "heimao", "jutousu",
                 "mediation", "followup"):
        d.send(Press(None, "text", f"1.{name}"))
        assert d.templates() == [f"channels/{name}"], name


def test_12315_asks_for_the_company_first_and_checks_the_credit_code() -> None:
    d = _confirmed()
    d.send(Press(None, "text", "1.c12315"))
    assert d.templates() == ["company_intro", "ask/ask_company_name"]
    d.text("某某网络科技有限公司")
    assert d.state() is State.ASK_COMPANY_CODE
    d.text("91110000802100433C")  # one character off: the check digit fails
    assert d.templates() == ["reask_company_code", "ask/ask_company_code"]
    assert d.case.company_code is None
    d.text("9111 0000 8021 0043 3b")  # spaces and lower case are forgiven
    assert d.case.company_code == "91110000802100433B"
    d.press("skip")
    assert d.state() is State.IDLE
    assert d.templates() == ["company_saved", "channels/c12315"]
    d.send(Press(None, "text", "1.c12315"))
    assert d.templates() == ["channels/c12315"]  # asked once, remembered


def test_a_call_is_logged_as_a_contact_of_the_case() -> None:
    d = _confirmed()
    d.send(Press(None, "call", "1"))
    assert d.state() is State.ASK_CONTACT_TIME
    d.text("今天上午11点")
    d.text("客服小王 工号 9527")
    d.text("答应明天下午6点前回电")
    assert d.state() is State.IDLE
    call = d.cases[1].contacts[-1]
    assert call.channel is Channel.PHONE and call.ref == "客服小王 工号 9527"
    assert call.window is not None and call.window.until is not None


def test_the_ladder_recommends_the_platform_first_then_climbs_past_what_was_tried() -> None:
    from conversations.core.channels import recommended

    d = _confirmed()
    assert recommended(d.cases[1])[0] is Channel.PLATFORM_SUPPORT
    d.send(Press(None, "call", "1"))
    d.press("skip")
    d.press("skip")
    d.press("skip")
    assert recommended(d.cases[1])[0] is Channel.C12315  # a call is the second rung


def test_the_payment_route_asks_how_the_user_paid_then_gives_its_text() -> None:
    from conversations.core.channels import recommended

    d = _confirmed()
    assert d.cases[1].paid_with is None
    d.send(Press(None, "text", "1.payment"))
    assert d.templates() == ["ask_paid_with"]
    assert d.cases[1].paid_with is None  # asking changes nothing
    d.send(Press(None, "paid", "1.wechat.text"))
    assert d.templates() == ["channels/payment"] and d.cases[1].paid_with is PaidWith.WECHAT
    # Paid by an app and the platform's formal channels tried: the route comes before 12315.
    d.send(Press(None, "call", "1"))
    d.press("skip")
    d.press("skip")
    d.press("skip")
    assert recommended(d.cases[1]) == (Channel.PAYMENT, "why.rung2")


def test_paid_another_way_the_payment_route_leaves_the_menu() -> None:
    d = _confirmed()
    d.send(Press(None, "text", "1.payment"))
    out = d.send(Press(None, "paid", "1.other.text"))
    assert d.templates() == ["paid_other", "case_menu"] and d.cases[1].paid_with is PaidWith.OTHER
    [_, menu] = out.replies
    assert all(b.value != "1.payment" for row in menu.buttons for b in row)
    # Forged or stale answers change nothing.
    before = dict(d.cases)
    for value in ("1.bitcoin.text", "1.alipay.nonsense", "2.alipay.text", "1"):
        out = d.send(Press(None, "paid", value))
        assert out.replies == () and out.notice is not None, value
    assert d.cases == before


def test_a_story_that_says_how_it_was_paid_sets_the_route() -> None:
    from conversations.reading.payment import paid_with

    assert paid_with("支付宝付了98元,卡密无效") is PaidWith.ALIPAY
    assert paid_with("用微信付的款,一直没到账") is PaidWith.WECHAT
    assert paid_with("paid with WeChat Pay, never delivered") is PaidWith.WECHAT
    assert paid_with("加了客服微信,说明天处理") is None  # WeChat, not WeChat Pay
    assert paid_with("微信支付扣了一次,支付宝又扣了一次") is None  # both: asked


def test_case_buttons_for_a_case_that_is_not_the_users_reveal_nothing() -> None:
    d = _confirmed()
    before = dict(d.cases)
    for value in ("2.c12315", "99.email", "1.nonsense", "x.email", "1"):
        out = d.send(Press(None, "text", value))
        assert out.replies == () and out.notice is not None
    assert d.cases == before


def test_the_follow_up_deadline_is_the_next_18_00_at_least_two_hours_ahead() -> None:
    from conversations.core.channels import followup_deadline

    assert followup_deadline(NOW) == datetime(2025, 3, 5, 18, 0, tzinfo=SH)
    late = datetime(2025, 3, 5, 16, 30, tzinfo=SH)
    assert followup_deadline(late) == datetime(2025, 3, 6, 18, 0, tzinfo=SH)


def test_a_forwarded_reply_is_filed_as_evidence_and_logged_as_the_reply() -> None:
    from conversations.core.events import Evidence

    d = _confirmed()
    d.send(Press(None, "reply", "1"))
    said_at = datetime(2025, 3, 5, 2, 0, tzinfo=UTC)
    d.send(Evidence("text", text="已为您补发,请查收", origin_at=said_at, sender="客服8801"))
    assert d.state() is State.ASK_REPLY_OUTCOME
    case = d.cases[1]
    assert case.evidence[-1].text == "已为您补发,请查收"
    assert case.log[-1].kind == "reply" and case.log[-1].detail == "已为您补发,请查收"
    d.press("outcome", "resolved")
    assert d.cases[1].resolved_at is not None


def test_a_refusal_asks_for_the_company_before_the_12315_text_and_the_text_names_it() -> None:
    from conversations.core.model import Lang
    from conversations.texts.rendering import Texts

    d = _confirmed()
    d.send(Press(None, "call", "1"))  # a call: the ladder's next rung is 12315
    d.text("今天上午11点")
    d.press("skip")
    d.press("skip")
    d.send(Press(None, "reply", "1"))
    d.text("卡密已发出,不予处理")
    d.press("outcome", "refused")
    # 12315's form names the respondent: the company is asked for before the text is sent.
    assert d.templates() == ["refused", "company_intro", "ask/ask_company_name"]
    assert d.state() is State.ASK_COMPANY_NAME
    assert d.cases[1].log[-1].kind == "refused"
    d.text("某某网络科技有限公司")
    d.press("skip")
    d.press("skip")
    assert d.templates() == ["company_saved", "channels/c12315"]
    assert d.last is not None
    [message] = Texts().render(d.last.replies[-1], Lang.ZH, SH)
    assert "None" not in message.html and "某某网络科技有限公司" in message.html
    assert "答复“卡密已发出,不予处理”,拒绝处理" in message.html


# --- times without an hour, impossible times, promises and snoozes (now: 2026-12-02 03:30) -----

AUDIT_NOW = datetime(2026, 12, 2, 3, 30, tzinfo=SH)  # a Wednesday


def _render(reply: Reply, lang: Lang = Lang.ZH) -> str:
    """What the user reads for one reply."""
    return "\n".join(m.plain for m in Texts().render(reply, lang, SH))


def test_a_purchase_time_without_an_hour_keeps_its_day_and_is_shown_without_a_clock() -> None:
    d = _at(State.ASK_PURCHASE_TIME)
    d.send(Text("上周五晚上"), AUDIT_NOW)
    bought = d.case.purchased_at
    assert isinstance(bought, RoughTime) and bought.part is Part.EVENING
    assert bought.astimezone(SH).date() == date(2026, 11, 27)  # Friday, not Saturday 00:00
    summary = _render(Reply("case_summary", {"case": d.case, "first": False}))
    assert "购买时间:2026-11-27 晚上" in summary and "00:00" not in summary
    d = _at(State.ASK_PURCHASE_TIME)
    d.send(Text("3月2日"), AUDIT_NOW)
    summary = _render(Reply("case_summary", {"case": d.case, "first": False}), Lang.EN)
    assert "Purchased: 2026-03-02\n" in summary


@pytest.mark.parametrize(
    "typed", ["yesterday at 25:00", "yesterday 8:75pm", "13pm yesterday", "2024-13-01"]
)
def test_an_impossible_time_is_asked_again(typed: str) -> None:
    d = _at(State.ASK_PURCHASE_TIME)
    before = d.case
    d.send(Text(typed), AUDIT_NOW)
    assert d.templates() == ["reask_time", "ask/ask_purchase_time"]
    assert d.case == before


def test_a_contact_date_without_a_year_follows_the_purchase() -> None:
    d = _at(State.ASK_PURCHASE_TIME)
    d.send(Text("2024年11月3日晚上9点"), AUDIT_NOW)
    d.press("issue", IssueType.INVALID_CODE)
    d.send(Text("2024年11月3日晚上10点 激活失败"), AUDIT_NOW)
    d.press("done")
    d.press("channel", Channel.PHONE)
    d.send(Text("11月5日上午10点"), AUDIT_NOW)
    assert d.session.pending is not None
    assert d.session.pending.at == datetime(2024, 11, 5, 10, tzinfo=SH)


def test_a_promise_is_counted_from_the_contact_and_read_without_nei() -> None:
    typed_on = datetime(2025, 10, 9, 12, 0, tzinfo=SH)  # the purchase was 2025-03-04
    tomorrow_6pm = Window("明天下午6点前", until=datetime(2025, 10, 8, 18, tzinfo=SH))
    for promise, window in [
        ("客服说明天下午6点前处理", tomorrow_6pm),
        ("3个工作日给答复", Window("3个工作日", 3, WindowUnit.WORKING_DAYS)),
        ("48小时后回复", Window("48小时后", 48, WindowUnit.HOURS)),
    ]:
        d = _at(State.ASK_CONTACT_CHANNEL)
        d.press("channel", Channel.PLATFORM_SUPPORT)
        d.send(Text("10月7日下午3点"), typed_on)
        d.press("skip")
        d.send(Text(promise), typed_on)
        assert d.case.contacts[-1].window == window, promise


def test_a_new_promise_after_a_reply_is_read_without_nei() -> None:
    d = _confirmed()
    d.send(Press(None, "reply", "1"))
    d.text("客服回复了")
    d.press("outcome", "promise")
    assert d.state() is State.ASK_REPLY_WINDOW
    d.text("3个工作日给答复")
    assert d.cases[1].contacts[-1].window == Window("3个工作日", 3, WindowUnit.WORKING_DAYS)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("3月5日下午3点", datetime(2027, 3, 5, 15, tzinfo=SH)),
        ("周五下午3点", datetime(2026, 12, 4, 15, tzinfo=SH)),
        ("30日", datetime(2026, 12, 30, 9, tzinfo=SH)),
        ("2天后", datetime(2026, 12, 4, 3, 30, tzinfo=SH)),
        ("2小时后", datetime(2026, 12, 2, 5, 30, tzinfo=SH)),
        ("in 3 hours", datetime(2026, 12, 2, 6, 30, tzinfo=SH)),
        ("3个工作日内", datetime(2026, 12, 7, 23, 59, tzinfo=SH)),
    ],
)
def test_a_typed_snooze_time_is_read_forwards(typed: str, expected: datetime) -> None:
    d = _confirmed()
    d.send(Press(None, "snooze", "1.ask"), AUDIT_NOW)
    assert d.state() is State.ASK_SNOOZE
    out = d.send(Text(typed), AUDIT_NOW)
    assert out.snoozes == ((1, expected.astimezone(UTC)),)
    assert d.state() is State.IDLE


@pytest.mark.parametrize("typed", ["2月30日下午3点", "昨天下午3点", "25:00", "过几天"])
def test_a_snooze_time_that_cannot_be_is_asked_again(typed: str) -> None:
    d = _confirmed()
    d.send(Press(None, "snooze", "1.ask"), AUDIT_NOW)
    out = d.send(Text(typed), AUDIT_NOW)
    assert out.snoozes == ()
    assert d.templates() == ["reask_snooze", "ask/ask_snooze"]


def test_an_amount_in_dollars_is_not_taken_as_yuan() -> None:
    d = _at(State.ASK_AMOUNT)
    before = d.case
    d.text("30 USD")
    assert d.templates() == ["amount_not_yuan", "ask/ask_amount"]
    assert d.case == before


def test_a_vague_demand_in_a_story_is_explained_at_the_demand_question() -> None:
    d = Dialog()
    d.cmd("new")
    d.send(
        Text("前天在未来卡盟买了个月卡，订单号WL20261130002，实付30元，卡密一直用不了，你们必须处理!!!"),
        AUDIT_NOW,
    )
    assert d.case.demand_action is None and d.case.demand_vague == "你们必须处理"
    understood = _render(d.last.replies[0])  # type: ignore[union-attr]
    assert "“你们必须处理”不够具体" in understood
    assert d.state() is State.ASK_EVENTS
    d.send(Text("昨天晚上8点 激活失败"), AUDIT_NOW)
    d.press("done")
    d.press("done")  # no (more) contacts
    assert d.state() is State.ASK_DEMAND_ACTION
    question = d.last.replies[-1]  # type: ignore[union-attr]
    assert question.template == "ask/ask_demand_action"
    shown = _render(question)
    assert "“你们必须处理”不够具体" in shown and "补发卡密" in shown  # why, and what instead
    assert "isn't specific enough" in _render(question, Lang.EN)
    d.press("demand", DemandAction.REISSUE_CODE)
    assert d.case.demand_vague is None


def test_a_story_with_two_contacts_keeps_both() -> None:
    d = Dialog()
    d.cmd("new")
    d.send(
        Text(
            "我9月30日在未来卡盟买了一张Steam卡，订单号WL20260930001，实付50元，卡密无效。"
            "10月2日打电话给客服，说3天内处理。10月8日在线客服聊天，工单号GD-7788，说24小时内回复。"
            "要求补发卡密。"
        ),
        AUDIT_NOW,
    )
    assert [c.channel for c in d.case.contacts] == [Channel.PHONE, Channel.PLATFORM_SUPPORT]
    assert d.case.contacts[1].ticket == "GD-7788"


def test_ids_from_a_story_are_labelled_in_the_users_language() -> None:
    from conversations.core.model import Contact

    contact = Contact(Channel.PLATFORM_SUPPORT, ticket="T-9921", agent="5521")
    case = Case(no=1, created_at=NOW, contacts=(contact,))
    en = _render(Reply("case_summary", {"case": case, "first": False}), Lang.EN)
    zh = _render(Reply("case_summary", {"case": case, "first": False}))
    assert "Platform support (ticket T-9921, agent ID 5521)" in en and "工号" not in en
    assert "平台内客服(工单号 T-9921, 工号 5521)" in zh
    # Cases stored before keep reading: their Chinese-labelled ref becomes the ids.
    old = Contact.from_json({"channel": "platform_support", "ref": "工单号 T-9921, 工号 5521"})
    assert (old.ref, old.ticket, old.agent) == (None, "T-9921", "5521")
    typed = Contact.from_json({"channel": "phone", "ref": "客服小王 工号 9527"})
    assert typed.ref == "客服小王 工号 9527"  # the user's own words stay theirs


def test_an_english_user_can_have_any_channel_text_in_chinese_to_submit() -> None:
    from conversations.core.model import Lang
    from conversations.texts.rendering import Texts

    d = _confirmed()
    d.send(Press(None, "text", "1.heimao"))
    assert d.last is not None
    [reply] = d.last.replies
    [en] = Texts().render(reply, Lang.EN, SH)
    [zh] = Texts().render(reply, Lang.ZH, SH)
    assert any(b.data == "*|text_zh|1.heimao" for row in en.buttons for b in row)
    assert not any(b.data and "text_zh" in b.data for row in zh.buttons for b in row)
    d.send(Press(None, "text_zh", "1.heimao"))
    [chinese] = d.last.replies
    assert chinese.lang == "zh" and chinese.template == "channels/heimao"
    [shown] = Texts().render(chinese, Lang.EN, SH)  # an English user's chat
    assert "投诉内容" in shown.plain and "Complaint:" not in shown.plain


def test_one_wrong_event_or_contact_can_be_removed_from_the_list() -> None:
    d = _at(State.ASK_EVENTS)
    d.text("2025-03-04 20:10 激活提示卡密无效")
    d.text("2025-03-04 20:30 写错的一条")
    assert [e.text for e in d.case.events][-1] == "写错的一条"
    assert d.last is not None
    texts = [b.text for row in d.last.replies[-1].buttons for b in row if b.action == "drop"]
    assert "🗑 写错的一条" in texts
    d.press("drop", str(len(d.case.events) - 1))
    assert "写错的一条" not in [e.text for e in d.case.events]
    assert d.state() is State.ASK_EVENTS and d.templates()[0] == "event_removed"
    before = d.case
    d.press("drop", "99")  # a stale button: nothing changes
    assert d.case == before
    d.press("done")
    d.press("channel", Channel.PLATFORM_SUPPORT)
    d.press("skip")
    d.text("工号 8801")
    d.press("skip")
    d.press("channel", Channel.EMAIL)
    d.press("skip")
    d.press("skip")
    d.press("skip")
    assert [c.channel for c in d.case.contacts] == [Channel.PLATFORM_SUPPORT, Channel.EMAIL]
    d.press("drop", "0")
    assert [c.channel for c in d.case.contacts] == [Channel.EMAIL]
    assert d.state() is State.ASK_CONTACT_CHANNEL


def test_a_reply_is_filed_under_the_channel_that_answered() -> None:
    from conversations.core.deadlines import wanted
    from conversations.core.lifecycle import Status, standing

    d = _confirmed()
    assert not d.cases[1].contacts
    d.send(Press(None, "filed", "1.platform_support"))
    d.press("now")
    d.press("skip")
    d.press("skip")
    d.send(Press(None, "filed", "1.c12315"))
    d.press("now")
    d.text("投诉编号 1100202503050001")
    d.press("skip")
    # Two channels were used: the bot asks which one replied.
    d.send(Press(None, "reply", "1"))
    assert d.templates() == ["reply_which"]
    d.send(Press(None, "reply", "1.platform_support"))
    d.text("客服说无法补发")
    d.press("outcome", "refused")
    case = d.cases[1]
    assert case.log[-1].kind == "refused" and case.log[-1].channel is Channel.PLATFORM_SUPPORT
    # The platform's refusal leaves the regulator's window running, and names no one else.
    keys = {w.key for w in wanted(case, SH)}
    twelve = next(i for i, c in enumerate(case.contacts) if c.channel is Channel.C12315)
    assert f"contact:{twelve}" in keys
    assert standing(case, NOW, SH).status is Status.ESCALATED
    # A new promise from the platform is the platform's, not 12315's.
    d.send(Press(None, "reply", "1.platform_support"))
    d.text("客服又说24小时内补发")
    d.press("outcome", "promise")
    d.press("window", "24h")
    assert d.cases[1].contacts[-1].channel is Channel.PLATFORM_SUPPORT


def test_a_demanded_deadline_already_past_is_not_taken() -> None:
    evening = datetime(2025, 3, 5, 19, 0, tzinfo=SH)
    d = Dialog()
    d.cmd("new")
    d.send(Text("昨天在未来卡盟买了月卡,订单号WL20250304001,实付30元,卡密无效。要求今天18点前全额退款。"),
           evening)
    assert d.case.demand_action is DemandAction.FULL_REFUND
    assert d.case.demand_deadline is None  # asked again, not recorded as already overdue
    d = _at(State.ASK_DEMAND_ACTION)
    before = d.case
    d.send(Text("今天18点前全额退款"), evening)
    assert d.templates()[0] == "deadline_in_past" and d.case == before


@pytest.mark.parametrize("value", ["1.followup", "1.email", "1.nonsense", "1."])
def test_a_forged_company_button_changes_nothing(value: str) -> None:
    d = _confirmed()
    before = (d.session, d.cases[1])
    out = d.send(Press(None, "company", value))
    assert out.notice is not None and out.notice.template == "notice_stale"
    assert (d.session, d.cases[1]) == before
