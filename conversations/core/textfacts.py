"""The facts a channel text states, derived from the case: deadlines, outcomes, evidence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from conversations.core import deadlines, legal
from conversations.core.evidence_kinds import EvidenceClaim, EvidenceItem
from conversations.core.legal import Citation
from conversations.core.model import (
    Case,
    Channel,
    Contact,
    DemandAction,
    IssueType,
    LogEntry,
    TimelineEvent,
)
from conversations.core.quoted import Rule, region, split_rule
from conversations.core.timeline import ContactView, Due, Step, timeline_steps
from conversations.core.timing import RoughTime
from conversations.reading.demands import find_actions
from conversations.reading.issues import classify_issue
from conversations.reading.normalize import normalise

# Channels where the user talks to the platform; the others are complaints filed in writing.
TALK_CHANNELS = frozenset({Channel.PLATFORM_SUPPORT, Channel.PHONE, Channel.OTHER})
# Complaints to someone other than the business: texts list them as what they were, never as
# negotiation with the business.
THIRD_PARTY = frozenset({Channel.C12315, Channel.HEIMAO, Channel.JUTOUSU, Channel.MEDIATION})
# Issue types about how the platform handles a problem: the texts also name the problem itself.
PROCESS_ISSUES = frozenset({IssueType.SUPPORT_STALLING, IssueType.AFTERSALES_DELAY})
DEFECT_MAX = 60  # a first event longer than this is a story, not the defect in a few words
DESCRIPTION_MAX = 60  # an evidence caption in a list: enough to tell the items apart

# What to prepare when the user holds no evidence yet, by issue type (the seed's 订单凭证 and
# 问题记录 first, then the support chat).
_BASE = (EvidenceClaim.ORDER_SCREENSHOT, EvidenceClaim.PAYMENT_RECORD)
PREPARE: dict[IssueType, tuple[EvidenceClaim, ...]] = {
    IssueType.INVALID_CODE: (*_BASE, EvidenceClaim.CODE_SCREENSHOT,
                             EvidenceClaim.FAILURE_SCREENSHOT, EvidenceClaim.CHAT_LOG),
    IssueType.USED_CODE: (*_BASE, EvidenceClaim.CODE_SCREENSHOT,
                          EvidenceClaim.FAILURE_SCREENSHOT, EvidenceClaim.CHAT_LOG),
    IssueType.NOT_DELIVERED: (*_BASE, EvidenceClaim.CHAT_LOG),
    IssueType.DOUBLE_CHARGE: (EvidenceClaim.PAYMENT_RECORD, EvidenceClaim.ORDER_SCREENSHOT,
                              EvidenceClaim.CHAT_LOG),
    IssueType.SUPPORT_STALLING: (*_BASE, EvidenceClaim.CHAT_LOG),
    IssueType.AFTERSALES_DELAY: (*_BASE, EvidenceClaim.CHAT_LOG),
    IssueType.OTHER: (*_BASE, EvidenceClaim.CHAT_LOG),
}


@dataclass(frozen=True)
class Elapsed:
    """How long the platform has had the problem: since it was first reported, or paid for."""

    since: datetime  # UTC
    anchor: str  # "reported" or "paid"
    hours: int
    first: bool = True  # every contact has a time, so `since` is the first report

    @property
    def days(self) -> int:
        """Whole days, for spans too long to count in hours."""
        return self.hours // 24


@dataclass(frozen=True)
class Listed:
    """One line of an evidence list: an item the user sent, or one they said they hold."""

    item: EvidenceItem | None = None
    claim: EvidenceClaim | None = None  # held but not sent yet (待上传)
    description: str | None = None  # the item's caption, shortened for a list


@dataclass(frozen=True)
class TextFacts:
    """What every channel text of a case draws on, computed once per render."""

    demand_due: Due | None
    contacts: tuple[ContactView, ...]
    latest: ContactView | None  # the contact a follow-up answers
    elapsed: Elapsed | None
    rule: Rule | None
    defect: str | None  # the underlying problem of a stalling complaint
    issue_words: str | None  # an "other" problem in a few words, for titles and subjects
    evidence: tuple[Listed, ...]
    prepare: tuple[EvidenceClaim, ...]  # what to gather when nothing is held yet
    events: tuple[TimelineEvent, ...]  # what happened, less what a contact line says again
    opening: TimelineEvent | None  # the event the first sentence states as the problem
    steps: tuple[Step, ...]  # events and dealings with the business merged in time
    complaints: tuple[ContactView, ...]  # complaints filed with regulators and public sites
    basis: tuple[Citation, ...]  # the law a demand text may cite (at most two lines)
    region: tuple[str, ...] | None  # province, city, district of the company's address
    demand_read: DemandAction | None  # what the user's own demand words ask for, when read
    to_attach: tuple[EvidenceClaim, ...]  # for a payment complaint: the payment record first

    def shown(self, events: int, contacts: int) -> tuple[Step, ...]:
        """The timeline cut to the newest `events` events and, of the `contacts` contacts
        recorded last, those with the business, still in time order: a long case fits in one
        message."""
        kept_events = [s.event for s in self.steps if s.event][-events:]
        kept_views = self.contacts[-contacts:]
        return tuple(
            s for s in self.steps
            if (s.event is not None and any(s.event is e for e in kept_events))
            or (s.contact is not None and any(s.contact is v for v in kept_views))
        )

    def shown_complaints(self, contacts: int) -> tuple[ContactView, ...]:
        """Of the `contacts` contacts recorded last, the complaints filed elsewhere."""
        kept = self.contacts[-contacts:]
        return tuple(v for v in self.complaints if any(v is k for k in kept))


def text_facts(case: Case, now: datetime, tz: ZoneInfo) -> TextFacts:
    """The derived facts of a confirmed case at `now`."""
    views = contact_views(case, now, tz)
    latest = _latest_index(case)
    events = story_events(case)
    first = opening_event(case, events)
    rest = tuple(e for e in events if e is not first)
    return TextFacts(
        demand_due=demand_due(case, now, tz),
        contacts=views,
        latest=views[latest] if latest is not None else None,
        elapsed=elapsed(case, now, tz),
        rule=split_rule(case.rule_citation),
        defect=defect(case),
        issue_words=issue_words(case),
        evidence=evidence_lines(case),
        prepare=_prepare(case),
        events=rest,
        opening=_trimmed(first),
        region=region(case.company_address),
        demand_read=_demand_read(case.demand_text),
        to_attach=_to_attach(case),
        steps=timeline_steps(rest, tuple(v for v in views if v.contact.channel not in THIRD_PARTY)),
        complaints=tuple(v for v in views if v.contact.channel in THIRD_PARTY),
        basis=legal.basis(case.issue_type, defect_type(case)),
    )


def _trimmed(event: TimelineEvent | None) -> TimelineEvent | None:
    """The event as the end of a sentence: its closing punctuation left to the text."""
    if event is None:
        return None
    return TimelineEvent(event.at, event.text.strip().rstrip("。.,，;；!！"))


def _demand_read(text: str | None) -> DemandAction | None:
    """The first action the user's demand asks for ("refund the full 350 yuan" → a refund)."""
    found = find_actions(normalise(text)) if text else []
    return found[0][2] if found else None


def opening_event(case: Case, events: tuple[TimelineEvent, ...]) -> TimelineEvent | None:
    """The first event, when it is the problem itself ("激活提示卡密无效"): the opening sentence
    states it in the user's words and time, and the timeline does not repeat it."""
    if not events or not case.events or events[0] is not case.events[0]:
        return None
    first = events[0]
    short = 0 < len(first.text.strip()) <= DEFECT_MAX and "\n" not in first.text.strip()
    if not short:
        return None
    if case.issue_type in PROCESS_ISSUES:
        return first  # the problem being stalled (see `defect`)
    return first if classify_issue(first.text) is case.issue_type else None


def defect_type(case: Case) -> IssueType | None:
    """For a complaint about stalling, the kind of problem being stalled, when it says."""
    stalled = defect(case)
    return classify_issue(stalled) if stalled else None


def story_events(case: Case) -> tuple[TimelineEvent, ...]:
    """The events a text lists: a story's "联系客服…说24小时内处理" is also a contact, and the
    texts state each contact once, in its own line."""
    def restates(event: TimelineEvent, contact: Contact) -> bool:
        said = [contact.promise, contact.ticket, contact.agent, contact.ref]
        return event.at == contact.at and any(s and s in event.text for s in said)

    return tuple(e for e in case.events if not any(restates(e, c) for c in case.contacts))


def demand_due(case: Case, now: datetime, tz: ZoneInfo) -> Due | None:
    """When the demand's window closes: it opened when the case was confirmed, as the
    reminders and the follow-up count it."""
    end = deadlines.demand_deadline(case, tz, now)
    if end is None or case.demand_deadline is None:
        return None
    return Due(end.at, case.demand_deadline, end.at <= now, end.estimate)


def contact_views(case: Case, now: datetime, tz: ZoneInfo) -> tuple[ContactView, ...]:
    """Every contact with what was said and what came of it, in the order recorded."""
    answers = _answers_by_contact(case)
    views: list[ContactView] = []
    for i, c in enumerate(case.contacts):
        due: Due | None = None
        known_start = c.at is not None or (c.window is not None and c.window.until is not None)
        if known_start and (c.window is not None or c.channel is Channel.C12315):
            # A window promised, or 12315's own: the regulator decides whether to accept.
            # Without the contact's time a relative window has no end the text could state.
            end = deadlines.contact_deadline(case, c, tz)
            window = deadlines.contact_window(c)
            due = Due(end.at, window, end.at <= now, end.estimate)
        got = answers.get(i, _Answers())
        views.append(ContactView(
            contact=c,
            talk=c.channel in TALK_CHANNELS,
            again=any(p.channel is c.channel for p in case.contacts[:i]),
            said=c.promise if c.promise and c.window is None else None,
            rest=_after_window(c),
            due=due,
            replies=got.replies,
            refused_at=got.refused_at,
            refusal=got.refusal,
        ))
    return tuple(views)


@dataclass(frozen=True)
class _Answers:
    replies: tuple[LogEntry, ...] = ()
    refusal: str | None = None
    refused_at: datetime | None = None


def _answers_by_contact(case: Case) -> dict[int, _Answers]:
    """Replies and refusals logged after each contact: each goes to the last contact made
    before it (a contact without a time counts as made with the one before it)."""
    if not case.contacts:
        return {}
    times: list[datetime | None] = []
    for c in case.contacts:
        times.append(c.at or (times[-1] if times else None))
    out: dict[int, _Answers] = {}
    for entry in case.log:
        if entry.kind not in ("reply", "refused"):
            continue
        i = _owner(times, entry, [c.channel for c in case.contacts])
        got = out.get(i, _Answers())
        if entry.kind == "reply" and entry.detail:
            got = _Answers((*got.replies, entry), got.refusal, got.refused_at)
        elif entry.kind == "refused":
            # The refusal's words are the reply logged just before the user marked it one.
            last = got.replies[-1] if got.replies else None
            words = entry.detail or (last.detail if last else None)
            from_reply = last is not None and not entry.detail
            replies = got.replies[:-1] if from_reply else got.replies
            got = _Answers(replies, words, last.at if last and from_reply else entry.at)
        out[i] = got
    return out


def _after_window(c: Contact) -> str | None:
    if not (c.promise and c.window and c.window.text and c.window.until is None):
        return None
    if not c.promise.startswith(c.window.text):
        return None
    return c.promise[len(c.window.text):]


def _owner(times: list[datetime | None], entry: LogEntry, channels: list[Channel]) -> int:
    """The contact an answer belongs to: the last one made before it on the channel that
    answered (older records name no channel: the last one made before it)."""
    owner = None
    for i, at in enumerate(times):
        if (at is None or at <= entry.at) and entry.channel in (None, channels[i]):
            owner = i
    if owner is None and entry.channel is not None:  # that channel's contact came later
        return _owner(times, LogEntry(entry.at, entry.kind, entry.detail), channels)
    return owner or 0


def _latest_index(case: Case) -> int | None:
    """The last contact made (in time; in the order recorded when times are missing)."""
    if not case.contacts:
        return None
    timed = [(c.at, i) for i, c in enumerate(case.contacts) if c.at]
    return max(timed)[1] if timed else len(case.contacts) - 1


def elapsed(case: Case, now: datetime, tz: ZoneInfo) -> Elapsed | None:
    """Since the problem was first reported; for goods never delivered, since payment."""
    reported = [c.at for c in case.contacts if c.at]
    if reported:
        since, anchor = min(reported), "reported"
    elif case.issue_type is IssueType.NOT_DELIVERED and case.purchased_at:
        since, anchor = case.purchased_at, "paid"
    else:
        return None
    # Known only to the day: count from its end, so "more than N hours" is never overstated.
    start = since.day_end(tz) if isinstance(since, RoughTime) else since
    hours = int((now - start) / timedelta(hours=1))
    first = all(c.at for c in case.contacts)
    return Elapsed(since, anchor, hours, first) if hours >= 1 else None


def defect(case: Case) -> str | None:
    """For a complaint about stalling, the problem being stalled: the first event, if short."""
    if case.issue_type not in PROCESS_ISSUES or not case.events:
        return None
    first = case.events[0].text.strip().rstrip("。.,，;；")
    return first if 0 < len(first) <= DEFECT_MAX and "\n" not in first else None


_CLAUSE_END = re.compile(r"[,，。;；:：!！?？\n]|\.\s")
ISSUE_WORDS_MAX = 16


def issue_words(case: Case) -> str | None:
    """The first clause of an "other" problem, when it is short enough for a title."""
    if case.issue_type is not IssueType.OTHER or not case.issue_detail:
        return None
    first = _CLAUSE_END.split(case.issue_detail.strip(), maxsplit=1)[0].strip()
    return first if 2 <= len(first) <= ISSUE_WORDS_MAX else None


def evidence_lines(case: Case) -> tuple[Listed, ...]:
    """The items the user sent, then what they said they hold but have not sent (待上传)."""
    lines = [Listed(item=i, description=_short(i.description)) for i in case.evidence]
    sent = {i.what for i in case.evidence if i.what}
    lines += [Listed(claim=c) for c in case.evidence_claims if c not in sent]
    return tuple(lines)


def _to_attach(case: Case) -> tuple[EvidenceClaim, ...]:
    """What a complaint to the payment platform attaches: the transaction's record, then the
    problem's own evidence."""
    rest = [c for c in PREPARE[case.issue_type or IssueType.OTHER]
            if c is not EvidenceClaim.PAYMENT_RECORD]
    return (EvidenceClaim.PAYMENT_RECORD, *rest)


def _prepare(case: Case) -> tuple[EvidenceClaim, ...]:
    if case.evidence or case.evidence_claims:
        return ()
    wanted = list(PREPARE[case.issue_type or IssueType.OTHER])
    channels = {c.channel for c in case.contacts}
    if Channel.PHONE in channels:
        wanted.append(EvidenceClaim.CALL_RECORDING)
    if Channel.EMAIL in channels:
        wanted.append(EvidenceClaim.EMAILS)
    return tuple(wanted)


def _short(text: str | None) -> str | None:
    if not text:
        return None
    one = " ".join(text.split())
    return one if len(one) <= DESCRIPTION_MAX else one[: DESCRIPTION_MAX - 1] + "…"


