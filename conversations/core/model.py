"""The case model: the facts of one complaint, as plain typed data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

from conversations.core.evidence_kinds import EvidenceClaim, EvidenceItem
from conversations.core.timing import Window, dt_in, dt_out

DEFAULT_PLATFORM = "未来卡盟"
MAX_EVENTS = 30  # a timeline longer than this no longer fits the texts' limits


class Lang(StrEnum):
    """The languages the bot speaks; zh-CN first."""

    ZH = "zh"
    EN = "en"

    @classmethod
    def from_telegram(cls, code: str | None) -> Lang:
        """English for users whose Telegram language is English, Chinese otherwise."""
        return cls.EN if code and code.lower().startswith("en") else cls.ZH


class IssueType(StrEnum):
    """What went wrong, as the intake's buttons name it."""

    INVALID_CODE = "invalid_code"  # 卡密无效
    USED_CODE = "used_code"  # 卡密已被使用
    NOT_DELIVERED = "not_delivered"  # 未到账或延迟到账
    DOUBLE_CHARGE = "double_charge"  # 重复扣款
    SUPPORT_STALLING = "support_stalling"  # 客服推诿或不回复
    AFTERSALES_DELAY = "aftersales_delay"  # 售后拖延
    OTHER = "other"  # 其他


class DemandAction(StrEnum):
    """A concrete action the user demands."""

    REISSUE_CODE = "reissue_code"  # 补发卡密
    FULL_REFUND = "full_refund"  # 全额退款
    REFUND_DIFFERENCE = "refund_difference"  # 退还差价
    COMPENSATION = "compensation"  # 赔偿损失
    CUSTOM = "custom"  # typed by the user


class Unknown(StrEnum):
    """A fact the user told us they cannot find or remember: asked no more, left out of texts."""

    ORDER_NO = "order_no"
    AMOUNT = "amount"
    PURCHASE_TIME = "purchase_time"


# The case's field each unknown fact leaves empty.
class Channel(StrEnum):
    """Where a contact was made or a complaint filed; ordered along the escalation ladder."""

    PLATFORM_SUPPORT = "platform_support"  # 平台内客服
    EMAIL = "email"  # 投诉邮件
    PHONE = "phone"  # 电话
    C12315 = "c12315"  # 全国12315平台
    HEIMAO = "heimao"  # 黑猫投诉
    JUTOUSU = "jutousu"  # 聚投诉
    MEDIATION = "mediation"  # 调解 (12315 / 消协 / 市场监管)
    PAYMENT = "payment"  # 支付宝 / 微信支付: a complaint about the transaction, from the bill
    OTHER = "other"


class PaidWith(StrEnum):
    """How the user paid: 支付宝 and 微信支付 let a payer complain about a transaction."""

    ALIPAY = "alipay"  # 支付宝
    WECHAT = "wechat"  # 微信支付
    OTHER = "other"  # a bank card, a platform balance, …: no such route


class DoubtKind(StrEnum):
    """What a story can say two ways."""

    DAY = "day"  # "3号": this month's or last month's
    WEEKDAY = "weekday"  # "这周五之前" said on a weekend: that Friday has passed
    AMOUNT = "amount"  # two sums, neither said to be the one paid


@dataclass(frozen=True)
class Doubt:
    """A fact a story gives two ways: the bot asks which one was meant instead of guessing."""

    kind: DoubtKind
    said: str  # the user's own words
    shown: tuple[str, ...]  # each option as a button shows it ("2026-12-03", "¥88.00")
    times: tuple[datetime, ...] = ()  # DAY: the purchase time meant
    windows: tuple[Window, ...] = ()  # WEEKDAY: the deadline meant
    amounts: tuple[int, ...] = ()  # AMOUNT: the sum paid, in fen

    def to_json(self) -> dict[str, Any]:
        """Serialise for storage."""
        return {
            "kind": self.kind.value,
            "said": self.said,
            "shown": list(self.shown),
            "times": [dt_out(t) for t in self.times],
            "windows": [w.to_json() for w in self.windows],
            "amounts": list(self.amounts),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Doubt:
        """Deserialise from storage."""
        times = tuple(t for t in (dt_in(x) for x in d.get("times", [])) if t is not None)
        return cls(
            kind=DoubtKind(d["kind"]),
            said=d["said"],
            shown=tuple(d.get("shown", [])),
            times=times,
            windows=tuple(Window.from_json(w) for w in d.get("windows", [])),
            amounts=tuple(int(a) for a in d.get("amounts", [])),
        )


@dataclass(frozen=True)
class TimelineEvent:
    """One thing that happened, with its time when the user knows it."""

    at: datetime | None  # UTC; None when the user does not remember (never made up)
    text: str
    evidence: int | None = None  # the forwarded item this event came from, removed with it

    def to_json(self) -> dict[str, Any]:
        """Serialise for storage."""
        out: dict[str, Any] = {"at": dt_out(self.at), "text": self.text}
        if self.evidence is not None:
            out["evidence"] = self.evidence
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> TimelineEvent:
        """Deserialise from storage."""
        return cls(at=dt_in(d.get("at")), text=d["text"], evidence=d.get("evidence"))


def in_order(events: tuple[TimelineEvent, ...]) -> tuple[TimelineEvent, ...]:
    """Events by time; one without a time stays right after the event told before it."""
    keyed: list[tuple[datetime, int, TimelineEvent]] = []
    last = datetime.min.replace(tzinfo=UTC)
    for i, event in enumerate(events):
        last = event.at if event.at is not None else last
        keyed.append((last, i, event))
    return tuple(e for _, _, e in sorted(keyed, key=lambda k: (k[0], k[1])))


@dataclass(frozen=True)
class Contact:
    """A contact the user already made with the platform or a channel."""

    channel: Channel
    at: datetime | None = None  # UTC
    ref: str | None = None  # a reference in the user's own words ("客服小王 工号 9527")
    promise: str | None = None  # what was promised, in the user's words
    window: Window | None = None  # within what window
    ticket: str | None = None  # a ticket or complaint number read from a story
    agent: str | None = None  # an agent id read from a story

    def to_json(self) -> dict[str, Any]:
        """Serialise for storage."""
        return {
            "channel": self.channel.value,
            "at": dt_out(self.at),
            "ref": self.ref,
            "promise": self.promise,
            "window": self.window.to_json() if self.window else None,
            "ticket": self.ticket,
            "agent": self.agent,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Contact:
        """Deserialise from storage."""
        ref, ticket, agent = d.get("ref"), d.get("ticket"), d.get("agent")
        legacy = _LEGACY_REF.fullmatch(ref) if ref and not (ticket or agent) else None
        if legacy and (legacy.group("ticket") or legacy.group("agent")):
            # Stories used to store the ids with Chinese labels: read them back as ids.
            ref, ticket, agent = None, legacy.group("ticket"), legacy.group("agent")
        return cls(
            channel=Channel(d["channel"]),
            at=dt_in(d.get("at")),
            ref=ref,
            promise=d.get("promise"),
            window=Window.from_json(d["window"]) if d.get("window") else None,
            ticket=ticket,
            agent=agent,
        )


# What stories stored before ids were kept apart: "工单号 T123, 工号 8801".
_LEGACY_REF = re.compile(r"(?:工单号 (?P<ticket>\S+?))?(?:, )?(?:工号 (?P<agent>\S+))?")


@dataclass(frozen=True)
class LogEntry:
    """Something that happened to the case in the bot: a reminder, a reply, an outcome."""

    at: datetime  # UTC
    kind: str  # reminded, reply, refused, resolved, reopened, closed
    detail: str | None = None
    channel: Channel | None = None  # for a reply or refusal: the channel that answered

    def to_json(self) -> dict[str, Any]:
        """Serialise for storage."""
        out = {"at": dt_out(self.at), "kind": self.kind, "detail": self.detail}
        return {**out, "channel": self.channel.value} if self.channel else out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> LogEntry:
        """Deserialise from storage."""
        at = dt_in(d["at"])
        assert at is not None
        channel = Channel(d["channel"]) if d.get("channel") else None
        return cls(at, d["kind"], d.get("detail"), channel)


CaseStatus = Literal["draft", "confirmed"]


@dataclass(frozen=True)
class Case:
    """One complaint case: the facts the texts are built from."""

    no: int  # per-user case number, shown as #no
    created_at: datetime
    status: CaseStatus = "draft"
    platform: str | None = None
    order_no: str | None = None
    product: str | None = None
    quantity: int | None = None  # how many codes or cards, when the user said
    amount_cents: int | None = None
    purchased_at: datetime | None = None
    issue_type: IssueType | None = None
    issue_detail: str | None = None  # the user's words for "其他" or extra detail
    events: tuple[TimelineEvent, ...] = ()
    events_done: bool = False  # the user said the timeline is complete
    contacts: tuple[Contact, ...] = ()
    contacts_done: bool = False  # the user said there are no (more) contacts
    demand_action: DemandAction | None = None
    demand_text: str | None = None  # for CUSTOM, the concrete demand in the user's words
    demand_deadline: Window | None = None
    demand_vague: str | None = None  # a demand too vague to take, from a story, until answered
    rule_citation: str | None = None  # a clause of the platform's own rules, as the user gave it
    rule_done: bool = False  # the user answered or skipped the rule question
    evidence_claims: tuple[EvidenceClaim, ...] = ()
    evidence_done: bool = False
    doubts: tuple[Doubt, ...] = ()  # what a story said two ways, asked before anything else
    unknown: tuple[Unknown, ...] = ()  # facts the user cannot find or remember
    company_name: str | None = None  # the respondent, for 12315 and mediation
    company_code: str | None = None  # 统一社会信用代码
    company_address: str | None = None
    paid_with: PaidWith | None = None  # asked when the payment route is chosen, if unknown
    evidence: tuple[EvidenceItem, ...] = ()
    evidence_seq: int = 0  # the last item number given: numbers are never reused
    confirmed_at: datetime | None = None
    resolved_at: datetime | None = None  # the user marked the case resolved
    closed_at: datetime | None = None  # closed without a resolution
    log: tuple[LogEntry, ...] = ()

    def not_known(self, what: Unknown) -> Case:
        """A copy noting that the user cannot give `what`, and without any value it had."""
        marked = self.unknown if what in self.unknown else (*self.unknown, what)
        if what is Unknown.ORDER_NO:
            return replace(self, unknown=marked, order_no=None)
        if what is Unknown.AMOUNT:
            return replace(self, unknown=marked, amount_cents=None)
        return replace(self, unknown=marked, purchased_at=None)

    def known(self, what: Unknown) -> Case:
        """A copy in which `what` is no longer marked as unknown."""
        return replace(self, unknown=tuple(u for u in self.unknown if u is not what))

    @property
    def claims_sent(self) -> tuple[EvidenceClaim, ...]:
        """The kinds of evidence a real item shows (已发送), in the claims' order."""
        shown = {i.what for i in self.evidence}
        return tuple(c for c in EvidenceClaim if c in shown)

    @property
    def claims_unsent(self) -> tuple[EvidenceClaim, ...]:
        """What the user ticked as held but no item shows yet (你说有、还没发来)."""
        shown = {i.what for i in self.evidence}
        return tuple(c for c in self.evidence_claims if c not in shown)

    def to_json(self) -> dict[str, Any]:
        """Serialise the facts for storage (no, status and times are columns)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name in ("no", "status", "created_at"):
                continue
            if isinstance(v, datetime):
                out[f.name] = dt_out(v)
            elif isinstance(v, tuple):
                out[f.name] = [x.value if isinstance(x, StrEnum) else x.to_json() for x in v]
            elif isinstance(v, Window):
                out[f.name] = v.to_json()
            elif isinstance(v, StrEnum):
                out[f.name] = v.value
            else:
                out[f.name] = v
        return out

    @classmethod
    def from_json(
        cls, no: int, status: CaseStatus, created_at: datetime, d: dict[str, Any]
    ) -> Case:
        """Deserialise from storage."""
        return cls(
            no=no,
            status=status,
            created_at=created_at,
            platform=d.get("platform"),
            order_no=d.get("order_no"),
            product=d.get("product"),
            quantity=d.get("quantity"),
            amount_cents=d.get("amount_cents"),
            purchased_at=dt_in(d.get("purchased_at")),
            issue_type=IssueType(d["issue_type"]) if d.get("issue_type") else None,
            issue_detail=d.get("issue_detail"),
            events=tuple(TimelineEvent.from_json(e) for e in d.get("events", [])),
            events_done=bool(d.get("events_done")),
            contacts=tuple(Contact.from_json(c) for c in d.get("contacts", [])),
            contacts_done=bool(d.get("contacts_done")),
            demand_action=DemandAction(d["demand_action"]) if d.get("demand_action") else None,
            demand_text=d.get("demand_text"),
            demand_deadline=(
                Window.from_json(d["demand_deadline"]) if d.get("demand_deadline") else None
            ),
            demand_vague=d.get("demand_vague"),
            rule_citation=d.get("rule_citation"),
            rule_done=bool(d.get("rule_done")),
            evidence_claims=tuple(EvidenceClaim(e) for e in d.get("evidence_claims", [])),
            evidence_done=bool(d.get("evidence_done")),
            doubts=tuple(Doubt.from_json(x) for x in d.get("doubts", [])),
            unknown=tuple(Unknown(u) for u in d.get("unknown", [])),
            company_name=d.get("company_name"),
            company_code=d.get("company_code"),
            company_address=d.get("company_address"),
            paid_with=PaidWith(d["paid_with"]) if d.get("paid_with") else None,
            evidence=tuple(EvidenceItem.from_json(e) for e in d.get("evidence", [])),
            evidence_seq=int(d.get("evidence_seq") or 0),
            confirmed_at=dt_in(d.get("confirmed_at")),
            resolved_at=dt_in(d.get("resolved_at")),
            closed_at=dt_in(d.get("closed_at")),
            log=tuple(LogEntry.from_json(e) for e in d.get("log", [])),
        )


@dataclass(frozen=True)
class StoryFacts:
    """What the story extractor found in a pasted narrative; None where it found nothing."""

    platform: str | None = None
    order_no: str | None = None
    product: str | None = None
    quantity: int | None = None
    amount_cents: int | None = None
    purchased_at: datetime | None = None
    issue_type: IssueType | None = None
    events: tuple[TimelineEvent, ...] = ()
    contacts: tuple[Contact, ...] = ()  # each with its channel, time, ids and promise
    demand_action: DemandAction | None = None
    demand_text: str | None = None
    demand_deadline: Window | None = None
    demand_vague: str | None = None  # the user's demand when it names no concrete action
    rule_citation: str | None = None
    paid_with: PaidWith | None = None
    doubts: tuple[Doubt, ...] = ()  # facts said two ways, left out above until asked
    found: tuple[str, ...] = field(default_factory=tuple)  # names of the fields found


