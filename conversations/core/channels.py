"""Complaint channels: the escalation ladder, what to recommend, and each channel's reply."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from conversations.core.actions import Action
from conversations.core.deadlines import demand_deadline
from conversations.core.model import Case, Channel, PaidWith
from conversations.core.replies import Button, Reply
from conversations.core.textfacts import text_facts
from conversations.core.workdays import BEIJING, Deadline

# The ladder of the seed article: the platform first, then its formal channels, then the
# regulator and public platforms, then mediation.
LADDER: tuple[tuple[Channel, ...], ...] = (
    (Channel.PLATFORM_SUPPORT,),
    (Channel.EMAIL, Channel.PHONE),
    (Channel.PAYMENT,),  # only for a payment by 支付宝 or 微信支付
    (Channel.C12315, Channel.HEIMAO, Channel.JUTOUSU),
    (Channel.MEDIATION,),
)
_PUBLIC = LADDER[3]  # 12315 and the public complaint sites
# Paid with one of these, a payer can complain about the transaction from the bill.
PAYMENT_APPS = frozenset({PaidWith.ALIPAY, PaidWith.WECHAT})
# Every channel with a ready text, in menu order; the follow-up is for any earlier contact.
TEXT_CHANNELS: tuple[str, ...] = (
    Channel.PLATFORM_SUPPORT, Channel.EMAIL, Channel.PHONE, Channel.C12315, Channel.PAYMENT,
    Channel.HEIMAO, Channel.JUTOUSU, Channel.MEDIATION, "followup",
)

# The channels' own sites, as the issue names them.
URLS: dict[str, str] = {
    Channel.C12315: "https://www.12315.cn/",
    Channel.HEIMAO: "https://tousu.sina.com.cn/",
    Channel.JUTOUSU: "https://ts.21cn.com/",
}

# A respondent company (name, 统一社会信用代码, address) is what these forms ask for.
NEEDS_COMPANY: frozenset[str] = frozenset({Channel.C12315, Channel.MEDIATION})

# Practical limits of the channels' forms (characters). The 黑猫 title limit is the issue's;
# the others are our own conservative bounds, since the forms' exact limits are not published.
LIMITS: dict[str, int] = {
    "heimao_title": 30,
    "jutousu_title": 30,
    "c12315_piece": 500,
    "public_body": 1500,
}

FOLLOWUP_HOUR = 18  # "若今日18点前未收到处理结果" (the seed's ultimatum)
FOLLOWUP_MIN_LEAD = timedelta(hours=2)  # leave the platform a real chance to answer


def tried(case: Case) -> set[Channel]:
    """Channels the case's contacts show were already used."""
    return {c.channel for c in case.contacts}


def recommended(case: Case) -> tuple[Channel, str]:
    """The rung above the highest one tried, and the key of the one-line reason. The payment
    platform's rung is climbed only after a payment by 支付宝 or 微信支付, and is offered
    beside 12315 when the user went there first."""
    used = tried(case)
    app = case.paid_with in PAYMENT_APPS
    reached = max((i for i, rung in enumerate(LADDER) if used.intersection(rung)), default=-1)
    if app and Channel.PAYMENT not in used and LADDER[reached] == _PUBLIC:
        return Channel.PAYMENT, "why.payment_beside"
    for i in range(reached + 1, len(LADDER)):
        if LADDER[i] != (Channel.PAYMENT,) or app:
            return LADDER[i][0], f"why.rung{i}"
    return Channel.MEDIATION, "why.all_tried"


def next_after(case: Case) -> Channel:
    """The channel to name as the next step in a follow-up."""
    channel, _ = recommended(case)
    return Channel.C12315 if channel in (Channel.PLATFORM_SUPPORT, Channel.EMAIL) else channel


def followup_deadline(now: datetime) -> datetime:
    """The next 18:00 Beijing time (the platform's working day) at least two hours away."""
    local = now.astimezone(BEIJING)
    at = datetime.combine(local.date(), time(FOLLOWUP_HOUR), tzinfo=BEIJING)
    if at - local < FOLLOWUP_MIN_LEAD:
        at += timedelta(days=1)
    return at


def ultimatum_deadline(case: Case, now: datetime, tz: ZoneInfo) -> Deadline:
    """The follow-up's bottom line: the next 18:00 two hours away, never before the deadline
    the user already demanded."""
    soonest = Deadline(followup_deadline(now))
    demanded = demand_deadline(case, tz, now)
    return soonest if demanded is None or demanded.at <= soonest.at else demanded


def menu(case: Case, wait_until: datetime | None = None, estimate: bool = False) -> Reply:
    """The channel menu of a confirmed case, the recommended step marked; none while an
    answer is still due (`wait_until`)."""
    climb, why = recommended(case)
    best = None if wait_until is not None else climb
    rows: list[tuple[Button, ...]] = []
    for name in TEXT_CHANNELS:
        if name == Channel.PAYMENT and case.paid_with is PaidWith.OTHER:
            continue  # paid another way: the route is not theirs
        label = f"menu.{name}" + (".best" if name == best else "")
        rows.append((Button(Action.TEXT, f"{case.no}.{name}", label=label),))
    rows.append((Button(Action.EVIDENCE, str(case.no), label="menu.evidence"),))
    data = {"case": case, "best": best, "why": why, "until": wait_until, "estimate": estimate}
    return Reply("case_menu", data, tuple(rows))


def channel_reply(
    case: Case, name: str, now: datetime, tz: ZoneInfo, translated: bool = False
) -> Reply:
    """The ready-to-paste text of one channel, with its copy, link and follow-up buttons;
    `translated`: in Chinese for an English-speaking user to submit."""
    # Chinese platforms and regulators count in Beijing time: a user elsewhere gets texts whose
    # times are Beijing's, and says so; the same clock (Hong Kong, Taipei) needs no note.
    beijing = now.astimezone(tz).utcoffset() != now.astimezone(BEIJING).utcoffset()
    data = {
        "case": case,
        "channel": name,
        "beijing": beijing,
        "translated": translated,
        "next": next_after(case),
        "deadline": ultimatum_deadline(case, now, tz),  # a Deadline: its time, estimated or not
        "facts": text_facts(case, now, tz),
    }
    rows: list[tuple[Button, ...]] = []
    # Short pieces the form asks for one by one, each also a copy-to-clipboard button.
    copies: dict[str, tuple[tuple[str, str], ...]] = {
        Channel.PLATFORM_SUPPORT: (("btn.copy_order_no", "copy/order_no"),),
        Channel.EMAIL: (("btn.copy_subject", "copy/email_subject"),),
        Channel.C12315: (
            *((("btn.copy_company", "copy/company_name"),) if case.company_name else ()),
            *((("btn.copy_code", "copy/company_code"),) if case.company_code else ()),
            ("btn.copy_order_no", "copy/order_no"),
        ),
        Channel.HEIMAO: (("btn.copy_title", "copy/heimao_title"),
                         ("btn.copy_order_no", "copy/order_no")),
        Channel.JUTOUSU: (("btn.copy_title", "copy/jutousu_title"),
                          ("btn.copy_order_no", "copy/order_no")),
    }
    for label, template in copies.get(name, ()):
        if template == "copy/order_no" and not case.order_no:
            continue  # the user could not find it: nothing to copy
        rows.append((Button(Action.COPY, label=label, copy_template=template),))
    if name in URLS:
        rows.append((Button(Action.URL, label=f"site.{name}", url=URLS[name]),))
    # The platforms and regulators read Chinese: an English user can have the text in Chinese
    # to submit (the label is empty in Chinese, so Chinese users never see the button).
    rows.append((Button(Action.TEXT_ZH, f"{case.no}.{name}", label="btn.text_zh"),))
    if name == Channel.PHONE:
        rows.append((Button(Action.CALL, str(case.no), label="btn.log_call"),))
    elif name != "followup":
        # Filing starts the channel's window: the bot reminds when it passes.
        rows.append((Button(Action.FILED, f"{case.no}.{name}", label="btn.filed"),))
    if name in NEEDS_COMPANY:
        rows.append((Button(Action.COMPANY, f"{case.no}.{name}", label="btn.edit_company"),))
    return Reply(
        f"channels/{name}", data, tuple(rows), tz=BEIJING.key if beijing else None,
        lang="zh" if translated else None, one_message=True,
    )
