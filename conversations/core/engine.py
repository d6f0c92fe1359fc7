"""The conversation engine: a pure step (session, cases, event) → (session, cases, replies)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from conversations.core import channels, deadlines, evidence, lifecycle, model, uscc, workdays
from conversations.core.events import Command, Event, Evidence, Malformed, Press, Text, Unsupported
from conversations.core.model import (
    CLAIM_GROUP,
    DEFAULT_PLATFORM,
    Case,
    Channel,
    Contact,
    DemandAction,
    DoubtKind,
    EvidenceClaim,
    EvidenceGroup,
    EvidenceItem,
    IssueType,
    LogEntry,
    PaidWith,
    TimelineEvent,
    Unknown,
    Window,
    WindowUnit,
    utc,
)
from conversations.core.replies import Button, Reply
from conversations.core.states import EDITABLE, INTAKE_ORDER, State, Target, Trigger, target
from conversations.reading import (
    amounts,
    demands,
    doubts,
    ids,
    issues,
    rules,
    story,
    times,
    unknowns,
    windows,
)

# Input bounds: long enough for real answers, short enough to keep every text under its limits.
MAX_STORY = 3000
MAX_FIELD = {
    State.ASK_PLATFORM: 40,
    State.ASK_ORDER_NO: 40,
    State.ASK_PRODUCT: 80,
    State.ASK_ISSUE_DETAIL: 300,
    State.ASK_EVENTS: 300,
    State.ASK_CONTACT_REF: 60,
    State.ASK_CONTACT_PROMISE: 200,
    State.ASK_DEMAND_ACTION: 150,
    State.ASK_RULE: 300,
    State.ASK_COMPANY_NAME: 100,
    State.ASK_COMPANY_CODE: 40,
    State.ASK_COMPANY_ADDRESS: 200,
    State.ASK_EVIDENCE_NOTE: 200,
}
MAX_SHORT = 200  # any other single answer
MAX_EVENTS = model.MAX_EVENTS
MAX_CONTACTS = 20
MAX_AMOUNT_CENTS = 100_000_000  # 100万元: above that it is a typo, not a card code
REPEAT_WINDOW = timedelta(minutes=1)  # the same text again within this changes nothing
FUTURE_TOLERANCE = timedelta(minutes=2)  # clocks differ a little
# A bare order number as typed: always with a digit, so "dunno" is not taken for one.
_ORDER_TOKEN = re.compile(r"(?=[A-Za-z_-]*\d)[A-Za-z0-9][A-Za-z0-9_-]{3,39}")
_BARE_AMOUNT = re.compile(r"\s*(\d{1,9}(?:\.\d{1,2})?)\s*")  # "98" or "98.5" with no unit
_NO_REASON_RETURN = re.compile(r"无理由|七天退货|7天退货|no[- ]reason", re.IGNORECASE)
_E = TypeVar(
    "_E", IssueType, DemandAction, Channel, EvidenceClaim, EvidenceGroup, State, PaidWith
)
# Windows offered as buttons; their words come from the labels, so they carry no text.
PRESET_WINDOWS = {
    "24h": Window("", 24, WindowUnit.HOURS),
    "48h": Window("", 48, WindowUnit.HOURS),
    "3wd": Window("", 3, WindowUnit.WORKING_DAYS),
}


@dataclass(frozen=True)
class Session:
    """One user's place in the conversation."""

    state: State = State.IDLE
    seq: int = 0  # bumps on every move, so buttons of an older question are recognised as stale
    case_no: int | None = None  # the case being worked on
    pending: Contact | None = None  # the contact being entered
    focus: int | None = None  # the evidence item being described
    inbox: tuple[Evidence, ...] = ()  # evidence sent outside a case, until the user says whose
    albums: tuple[evidence.Album, ...] = ()  # the latest albums' tallies, for their one reply
    last_text: str | None = None  # the user's last text, and when it came: a repeat within
    last_at: datetime | None = None  # REPEAT_WINDOW is the same message delivered twice


@dataclass(frozen=True)
class Ctx:
    """What a step may know about the world: the message's time and the user's settings."""

    now: datetime
    tz: ZoneInfo
    quiet: bool = True  # quiet hours: reminders due at night wait until 08:00


@dataclass(frozen=True)
class Prefs:
    """A user's settings, when a step changes them."""

    tz: str
    quiet: bool


@dataclass(frozen=True)
class Outcome:
    """The result of one step."""

    session: Session
    changed: tuple[Case, ...] = ()
    replies: tuple[Reply, ...] = ()
    notice: Reply | None = None  # a short toast for a button press
    snoozes: tuple[tuple[int, datetime], ...] = ()  # (case number, remind again at)
    prefs: Prefs | None = None  # changed settings
    deleted: tuple[int, ...] = ()  # case numbers to delete, with their files
    exports: tuple[int, ...] = ()  # case numbers to export as a PDF and a ZIP
    erase_files: tuple[str, ...] = ()  # downloaded files of removed evidence (data-relative)
    forget_user: bool = False  # delete everything of this user


def step(session: Session, cases: Mapping[int, Case], event: Event, ctx: Ctx) -> Outcome:
    """Handle one event."""
    case = cases.get(session.case_no) if session.case_no is not None else None
    if session.state is State.ASK_TIMEZONE and isinstance(event, Text):
        return _on_timezone(session, event.text, ctx)
    if session.state not in (State.IDLE, State.ASK_TIMEZONE) and case is None:
        # The case vanished: start over, never crash (evidence waiting for a case stays).
        session = _idle(session, None)
    match event:
        case Command(name=name):
            return _command(name, session, cases, case, ctx)
        case Malformed():
            return Outcome(session, notice=Reply("notice_stale"))
        case Press(seq=None):
            return _global_press(event, session, cases, ctx)
        case Press(seq=seq) if seq != session.seq or case is None:
            return Outcome(session, notice=Reply("notice_stale"))
        case Press():
            assert case is not None
            return _on_answer(session, case, event, ctx)
        case Evidence(kind="text", text=str() as said) if (
            session.state is State.ASK_REPLY and case is not None
        ):
            # A forwarded reply is both evidence (with its own time) and the reply itself.
            filed = _receive_evidence(session, cases, event, ctx)
            logged = _logged(filed.changed[0] if filed.changed else case, ctx, "reply",
                             said[:500], _answering(session))
            new = _move(session, Trigger.ANSWER, logged, pending=session.pending)
            return Outcome(new, (logged,), (*filed.replies, ask(new, logged)))
        case Evidence():
            return _receive_evidence(session, cases, event, ctx)
        case Unsupported(media_group_id=str() as album):
            # Part of an album: counted in the album's one reply, the question not repeated.
            return _album_refused(session, cases, album)
        case Unsupported(kind=kind):
            replies = [Reply("unsupported", {"kind": kind})]
            if case is not None and session.state is not State.IDLE:
                replies.append(ask(session, case))
            return Outcome(session, replies=tuple(replies))
        case Text(text=text) if _repeated(session, text, ctx):
            return Outcome(session, replies=(Reply("repeat_ignored"),))
        case Text(text=text):
            session = replace(session, last_text=text, last_at=ctx.now)
            if session.state is State.IDLE or case is None:
                return Outcome(session, replies=(_idle_hint(cases),))
            limit = MAX_STORY if session.state is State.ASK_STORY else MAX_FIELD.get(
                session.state, MAX_SHORT
            )
            if len(text) > limit:
                too_long = Reply("too_long", {"length": len(text), "limit": limit})
                return Outcome(session, replies=(too_long, ask(session, case)))
            return _on_answer(session, case, event, ctx)
    raise AssertionError(f"unhandled event {event!r}")


# --- commands and case-independent buttons ---------------------------------------------------


def _command(
    name: str, session: Session, cases: Mapping[int, Case], case: Case | None, ctx: Ctx
) -> Outcome:
    if name == "start":
        return Outcome(session, replies=(Reply("start", {"drafts": _drafts(cases)}, _start_kb()),))
    if name == "help":
        return Outcome(session, replies=(Reply("help"),))
    if name == "settings":
        return Outcome(session, replies=(_settings(ctx.tz.key, ctx.quiet),))
    if name == "export":
        current = cases.get(session.case_no) if session.case_no is not None else None
        if current is not None and current.status == "confirmed":
            return Outcome(session, exports=(current.no,), replies=(Reply("exporting"),))
        rows = [(Button("export", str(c.no), text=f"📦 {_case_label(c)}"),)
                for c in sorted(cases.values(), key=lambda c: -c.no)[:20]
                if c.status == "confirmed"]
        return Outcome(session, replies=(Reply("export_choose", {"count": len(rows)},
                                               tuple(rows)),))
    if name == "privacy":
        return Outcome(session, replies=(Reply("privacy"),))
    if name == "delete":
        rows = [(Button("delete", str(c.no), text=f"🗑 {_case_label(c)}"),)
                for c in sorted(cases.values(), key=lambda c: -c.no)[:20]]
        rows.append((Button("delete_all", label="btn.delete_all"),))
        return Outcome(session, replies=(Reply("delete_choose", {"cases": cases}, tuple(rows)),))
    if name == "cases":
        return Outcome(session, replies=(_case_list(cases, ctx),))
    if name == "cancel":
        if session.state is State.IDLE:
            return Outcome(session, replies=(Reply("cancel_nothing"),))
        new = _move(session, Trigger.CANCEL, case, pending=None)
        return Outcome(new, replies=(Reply("cancelled", {"case": case}),))
    if name == "new":
        drafts = _drafts(cases)
        if drafts:
            # Offer the unfinished draft before opening another one.
            return Outcome(session, replies=(_offer_drafts(drafts),))
        return _new_case(session, cases, ctx)
    return Outcome(session, replies=(Reply("unknown_command", {"name": name}),))


def _global_press(press: Press, session: Session, cases: Mapping[int, Case], ctx: Ctx) -> Outcome:
    if press.action == "new":
        return _new_case(session, cases, ctx)
    if press.action in ("quiet", "tz"):
        return _settings_press(press, session, ctx)
    if press.action == "delete_all":
        rows = ((Button("forget", "yes", label="btn.delete_all_yes"),),
                (Button("keep", label="btn.keep"),))
        return Outcome(session, replies=(Reply("delete_all_confirm", {}, rows),))
    if press.action == "forget" and press.value == "yes":
        return Outcome(Session(), forget_user=True, notice=Reply("notice_all_deleted"))
    if press.action == "keep":
        return Outcome(session, notice=Reply("notice_kept"))
    no_s, _, arg = press.value.partition(".")
    case = cases.get(int(no_s)) if no_s.isdigit() else None
    if press.action not in _CASE_ACTIONS:
        return Outcome(session, notice=Reply("notice_stale"))
    if case is None:  # another user's number, a deleted case, or forged data
        return Outcome(session, notice=Reply("notice_not_found"))
    if case.status == "draft" and press.action not in (*_EVIDENCE_ACTIONS, "delete", "erase"):
        # A draft's only other action is to continue it; evidence waiting goes into it.
        idle = replace(_idle(session, case.no), seq=session.seq)
        idle, case, filed = _carry_inbox(idle, case, ctx)
        new = _move(idle, Trigger.RESUME, case, pending=None)
        return Outcome(new, changed=(case,) if filed else (),
                       replies=(*filed, Reply("resumed", {"case": case}), ask(new, case)))
    if press.action in _OPENING and session.inbox:
        # Opening a case is choosing it for the evidence that waits: nothing is left behind.
        carried, case, filed = _carry_inbox(session, case, ctx)
        out = _case_press(press, arg, carried, case, ctx)
        return replace(out, changed=(case, *out.changed) if out.changed else (case,),
                       replies=(*filed, *out.replies))
    out = _case_press(press, arg, session, case, ctx)
    if out.session.inbox and out.replies:
        # Evidence still waits for its case: ask again rather than let it be forgotten.
        out = replace(out, replies=(_which_case(out.session, cases), *out.replies))
    return out


def _case_press(press: Press, arg: str, session: Session, case: Case, ctx: Ctx) -> Outcome:
    """A button of one case, pressed at any time."""
    idle = _idle(session, case.no)
    if press.action == "export":
        return Outcome(session, exports=(case.no,), replies=(Reply("exporting"),))
    if press.action == "delete":
        rows = ((Button("erase", str(case.no), label="btn.delete_yes"),),
                (Button("keep", label="btn.keep"),))
        return Outcome(session, replies=(Reply("delete_confirm", {"case": case}, rows),))
    if press.action == "erase":
        # The session forgets the case too, so nothing points at it afterwards.
        cleared = session if session.case_no != case.no else _idle(session, None)
        return Outcome(cleared, deleted=(case.no,), replies=(Reply("deleted", {"case": case}),))
    if press.action in _EVIDENCE_ACTIONS:
        return _evidence_press(press.action, arg, session, idle, case, ctx)
    if press.action in ("open", "resume"):
        return Outcome(idle, replies=_case_view(case, ctx))
    if press.action == "texts":
        return Outcome(idle, replies=(_menu(case, ctx),))
    if press.action in _FOLLOW_ACTIONS:
        return _follow_press(press.action, arg, session, idle, case, ctx)
    if press.action == "paid":
        return _paid_press(arg, session, idle, case, ctx)
    if arg not in channels.TEXT_CHANNELS:
        return Outcome(session, notice=Reply("notice_stale"))
    if press.action == "company" and arg not in channels.NEEDS_COMPANY:
        return Outcome(session, notice=Reply("notice_stale"))  # forged: no form to fill
    if press.action == "company" or (
        arg in channels.NEEDS_COMPANY and case.company_name is None
    ):
        # The form needs the respondent: ask for it, then send the text (pending names it).
        new = _move(idle, Trigger.COMPANY, case, pending=Contact(Channel(arg)))
        return Outcome(new, replies=(Reply("company_intro"), ask(new, case)))
    if arg == Channel.PAYMENT and case.paid_with is None:
        return Outcome(idle, replies=(_paid_question(case, press.action),))
    text = channels.channel_reply(case, arg, ctx.now, ctx.tz, press.action == "text_zh")
    return Outcome(idle, replies=(text,))


def _paid_question(case: Case, then: str) -> Reply:
    """How the user paid, asked before the payment platform's text (`then`: text, text_zh)."""
    rows = tuple(
        (Button("paid", f"{case.no}.{p.value}.{then}", label=f"pay.{p}"),) for p in PaidWith
    )
    return Reply("ask_paid_with", {"case": case}, rows)


def _paid_press(arg: str, session: Session, idle: Session, case: Case, ctx: Ctx) -> Outcome:
    """How the user paid: 支付宝 or 微信支付 gets the payment platform's text; another way
    is noted, and the menu offers the other channels."""
    method, _, then = arg.partition(".")
    paid = _enum_value(PaidWith, method)
    if paid is None or then not in ("text", "text_zh"):
        return Outcome(session, notice=Reply("notice_stale"))
    noted = case.with_(paid_with=paid)
    if paid is PaidWith.OTHER:
        return Outcome(idle, changed=(noted,),
                       replies=(Reply("paid_other", {"case": noted}), _menu(noted, ctx)))
    text = channels.channel_reply(noted, Channel.PAYMENT, ctx.now, ctx.tz, then == "text_zh")
    return Outcome(idle, changed=(noted,), replies=(text,))


_EVIDENCE_ACTIONS = frozenset({"evidence", "item", "refile", "describe", "remove", "into"})
_OPENING = frozenset({"open", "resume", "evidence"})  # these choose the case for evidence waiting
_FOLLOW_ACTIONS = frozenset(
    {"call", "filed", "log", "resolve", "close", "reopen", "reply", "snooze"}
)
_CASE_ACTIONS = (
    frozenset({"open", "resume", "text", "text_zh", "texts", "company", "delete", "erase",
               "export", "paid"})
    | _EVIDENCE_ACTIONS
    | _FOLLOW_ACTIONS
)
SNOOZE_PRESETS = ("1h", "9am")
TIMEZONE_PRESETS = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Tokyo",
                    "Europe/London", "America/New_York")


def _follow_press(
    action: str, arg: str, session: Session, idle: Session, case: Case, ctx: Ctx
) -> Outcome:
    """Following a confirmed case up: a call or a filing logged, a reply, resolved, snoozed."""
    if action == "log":  # which channel the contact was on, then the usual questions
        return Outcome(idle, replies=(_channel_picker(case, "filed", tuple(Channel),
                                                      "log_choose"),))
    if action in ("call", "filed"):
        channel = Channel.PHONE if action == "call" else _enum_value(Channel, arg)
        if channel is None:
            return Outcome(session, notice=Reply("notice_stale"))
        new = _move(idle, Trigger.LOG_CONTACT, case, pending=Contact(channel))
        return Outcome(new, replies=(ask(new, case),))
    if action == "resolve":
        if case.resolved_at is not None:
            return Outcome(session, notice=Reply("notice_already_resolved"))
        done = _logged(case.with_(resolved_at=utc(ctx.now)), ctx, "resolved")
        return Outcome(idle, changed=(done,), replies=(Reply("resolved", {"case": done}),))
    if action == "close":
        if case.closed_at is not None or case.resolved_at is not None:
            return Outcome(session, notice=Reply("notice_stale"))
        closed = _logged(case.with_(closed_at=utc(ctx.now)), ctx, "closed")
        return Outcome(idle, changed=(closed,), replies=(Reply("closed", {"case": closed}),))
    if action == "reopen":
        if case.closed_at is None and case.resolved_at is None:
            return Outcome(session, notice=Reply("notice_stale"))
        reopened = _logged(case.with_(closed_at=None, resolved_at=None), ctx, "reopened")
        return Outcome(idle, changed=(reopened,), replies=_case_view(reopened, ctx))
    if action == "reply":
        # Which channel answered decides whose window the reply closes or renews.
        named = _enum_value(Channel, arg) if arg else None
        used = list(dict.fromkeys(c.channel for c in reversed(case.contacts)))
        if named is None and len(used) > 1:
            return Outcome(idle, replies=(_channel_picker(case, "reply", tuple(used),
                                                          "reply_which"),))
        channel = named or (used[0] if used else Channel.PLATFORM_SUPPORT)
        new = _move(idle, Trigger.REPLY, case, pending=Contact(channel))
        return Outcome(new, replies=(ask(new, case),))
    # snooze: an hour, tomorrow 09:00, or a time the user types
    if arg == "ask":
        new = _move(idle, Trigger.SNOOZE, case, pending=None)
        return Outcome(new, replies=(ask(new, case),))
    if arg not in SNOOZE_PRESETS:
        return Outcome(session, notice=Reply("notice_stale"))
    local = ctx.now.astimezone(ctx.tz)
    at = (
        local + timedelta(hours=1) if arg == "1h"
        else datetime.combine(local.date() + timedelta(days=1), time(9), tzinfo=ctx.tz)
    )
    return Outcome(session, snoozes=((case.no, utc(at)),),
                   notice=Reply("notice_snoozed", _snoozed(at, ctx)))


def _channel_picker(
    case: Case, action: str, choices: tuple[Channel, ...], template: str
) -> Reply:
    """A question answered by tapping one of the case's channels."""
    picks = [Button(action, f"{case.no}.{c.value}", label=f"channel.{c}") for c in choices]
    return Reply(template, {"case": case}, tuple(_rows(picks)))


def _menu(case: Case, ctx: Ctx) -> Reply:
    """The channel menu, marking the next step unless an answer is still due."""
    advice = lifecycle.advice(case, ctx.now, ctx.tz)
    return channels.menu(case, advice.until, advice.estimate)


def _snoozed(at: datetime, ctx: Ctx) -> dict[str, datetime]:
    """When the user asked to be reminded, and when the push will come (after quiet hours)."""
    return {"at": at, "deliver": deadlines.deliver_at(at, ctx.tz, ctx.quiet)}


def _logged(
    case: Case, ctx: Ctx, kind: str, detail: str | None = None, channel: Channel | None = None
) -> Case:
    """The case with one more entry in its log."""
    return case.with_(log=(*case.log, LogEntry(utc(ctx.now), kind, detail, channel)))


def _answering(session: Session) -> Channel | None:
    """The channel whose reply is being logged (the reply flow's pending contact)."""
    return session.pending.channel if session.pending is not None else None


def _case_view(case: Case, ctx: Ctx) -> tuple[Reply, ...]:
    """A case opened from /cases: where it stands, what happened, and what to do now."""
    data = {
        "case": case,
        "checks": evidence.checklist(case),
        "standing": lifecycle.standing(case, ctx.now, ctx.tz),
        "timeline": lifecycle.timeline(case),
        "advice": lifecycle.advice(case, ctx.now, ctx.tz),
        "windows": [] if case.resolved_at or case.closed_at
        else deadlines.explained(case, ctx.tz, ctx.quiet),
    }
    finished = case.resolved_at is not None or case.closed_at is not None
    rows: tuple[tuple[Button, ...], ...] = (
        (Button("texts", str(case.no), label="btn.texts"),
         Button("evidence", str(case.no), label="menu.evidence")),
        (Button("reply", str(case.no), label="btn.got_reply"),
         Button("log", str(case.no), label="btn.log_contact")),
        (Button("export", str(case.no), label="btn.export"),),
        (Button("reopen", str(case.no), label="btn.reopen"),) if finished else (
            Button("resolve", str(case.no), label="btn.resolved"),
            Button("close", str(case.no), label="btn.close")),
        (Button("delete", str(case.no), label="btn.delete"),),
    )
    return (Reply("case_view", data, rows),)


def _repeated(session: Session, text: str, ctx: Ctx) -> bool:
    """The same text the user sent within the last minute: one message delivered twice."""
    last = session.last_at
    return session.last_text == text and last is not None and ctx.now - last < REPEAT_WINDOW


def _settings(tz: str, quiet: bool) -> Reply:
    rows = (
        (Button("quiet", "off" if quiet else "on",
                label="btn.quiet_off" if quiet else "btn.quiet_on"),),
        *((Button("tz", name, label=f"tz.{name}"),) for name in TIMEZONE_PRESETS),
        (Button("tz", "ask", label="btn.tz_other"),),
    )
    return Reply("settings", {"tz": tz, "quiet": quiet}, rows)


def _on_timezone(session: Session, text: str, ctx: Ctx) -> Outcome:
    """An IANA timezone name such as Asia/Shanghai."""
    name = text.strip()
    try:
        tz = ZoneInfo(name) if 0 < len(name) <= 60 and ".." not in name else None
    except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        tz = None
    if tz is None:
        return Outcome(session, replies=(Reply("reask_timezone"), Reply("ask/ask_timezone")))
    new = _move(session, Trigger.ANSWER, None, pending=None)
    prefs = Prefs(tz.key, ctx.quiet)
    return Outcome(new, replies=(_settings(prefs.tz, prefs.quiet),), prefs=prefs)


def _settings_press(press: Press, session: Session, ctx: Ctx) -> Outcome:
    if press.action == "quiet" and press.value in ("on", "off"):
        prefs = Prefs(ctx.tz.key, press.value == "on")
        return Outcome(session, replies=(_settings(prefs.tz, prefs.quiet),), prefs=prefs)
    if press.action == "tz" and press.value in TIMEZONE_PRESETS:
        prefs = Prefs(press.value, ctx.quiet)
        return Outcome(session, replies=(_settings(prefs.tz, prefs.quiet),), prefs=prefs)
    if press.action == "tz" and press.value == "ask":
        idle = replace(session, state=State.IDLE, pending=None, focus=None)
        new = _move(idle, Trigger.SETTINGS, None, pending=None)
        return Outcome(new, replies=(Reply("ask/ask_timezone"),))
    return Outcome(session, notice=Reply("notice_stale"))


def _new_case(session: Session, cases: Mapping[int, Case], ctx: Ctx) -> Outcome:
    no = max(cases, default=0) + 1
    case = Case(no=no, created_at=utc(ctx.now))
    # Evidence sent before there was a case belongs to the new one.
    moved, case, filed = _carry_inbox(replace(session, case_no=no, pending=None), case, ctx)
    new = _move(moved, Trigger.NEW, case, pending=None)
    return Outcome(new, changed=(case,), replies=(*filed, ask(new, case)))


def _idle(session: Session, case_no: int | None) -> Session:
    """The session at rest on a case (or none); evidence waiting for its case stays."""
    return replace(session, state=State.IDLE, seq=session.seq + 1, case_no=case_no, pending=None,
                   focus=None)


# --- evidence ----------------------------------------------------------------------------------


def _receive_evidence(
    session: Session, cases: Mapping[int, Case], ev: Evidence, ctx: Ctx
) -> Outcome:
    case = cases.get(session.case_no) if session.case_no is not None else None
    if case is None:
        return _to_inbox(session, cases, ev)
    filed = evidence.file(case, (ev,), ctx.now)
    changed = (filed.case,) if filed.case != case else ()
    if ev.media_group_id:
        # One album, one reply: every item counted in it, whatever became of it.
        counts = {"duplicates": len(filed.duplicates), "updated": len(filed.updated),
                  "too_big": filed.too_big, "full": filed.full}
        albums, album = evidence.tallied(session.albums, ev.media_group_id, case.no, counts,
                                         tuple(i.id for i in filed.added))
        kept = replace(session, albums=albums)
        return Outcome(kept, changed, (_album_ack(filed.case, album),))
    if filed.added:
        [item] = filed.added
        refile = _refile_row(case.no, str(item.id))
        ack = Reply("evidence_added", {"case": filed.case, "items": filed.added, "album": None,
                                       "limit": evidence.MAX_ITEMS}, (refile,))
        return Outcome(session, changed, (ack,))
    if filed.duplicates:
        [same] = filed.duplicates
        note = same.description if filed.updated else None
        return Outcome(session, changed, (Reply("evidence_duplicate", {"item": same,
                                                                       "note": note}),))
    if filed.too_big:
        return Outcome(session, replies=(Reply("evidence_too_big", {"size": ev.size}),))
    return Outcome(session, replies=(Reply("evidence_full", {"limit": evidence.MAX_ITEMS,
                                                             "inbox": False}),))


def _album_ack(case: Case, album: evidence.Album) -> Reply:
    """The one message of an album, kept current: what was added, and what was not."""
    items = tuple(i for i in case.evidence if i.id in album.items)
    rows = (_refile_row(case.no, f"a{album.media_group_id}"),) if items else ()
    data = {"case": case, "items": items, "album": album, "limit": evidence.MAX_ITEMS}
    return Reply("evidence_added", data, rows, key=f"album:{album.media_group_id}")


def _refile_row(case_no: int, target: str) -> tuple[Button, ...]:
    return tuple(Button("refile", f"{case_no}.{target}.{g}", label=f"group.{g}")
                 for g in evidence.GROUP_ORDER)


def _to_inbox(session: Session, cases: Mapping[int, Case], ev: Evidence) -> Outcome:
    """Evidence outside a case: kept (once, within the limit) until the user names its case."""
    inbox = session.inbox
    counts = {"waiting": 0, "duplicates": 0, "updated": 0, "too_big": 0, "full": 0}
    same = next((e for e in inbox if evidence.same_evidence(e, ev)), None)
    if evidence.too_big(ev):
        counts["too_big"] = 1
    elif same is not None:
        counts["duplicates"] = 1
        if ev.caption and ev.caption != same.caption:
            counts["updated"] = 1
            inbox = tuple(replace(e, caption=ev.caption) if e is same else e for e in inbox)
    elif len(inbox) >= evidence.MAX_ITEMS:
        counts["full"] = 1
    else:
        counts["waiting"] = 1
        inbox = (*inbox, ev)
    kept = replace(session, inbox=inbox)
    album: evidence.Album | None = None
    if ev.media_group_id:
        albums, album = evidence.tallied(session.albums, ev.media_group_id, None, counts)
        kept = replace(kept, albums=albums)
    elif counts["too_big"]:
        return Outcome(kept, replies=(Reply("evidence_too_big", {"size": ev.size}),))
    elif counts["full"]:
        full = Reply("evidence_full", {"limit": evidence.MAX_ITEMS, "inbox": True})
        return Outcome(kept, replies=(full, _which_case(kept, cases)))
    elif counts["duplicates"]:
        note = ev.caption if counts["updated"] else None
        dup = Reply("evidence_duplicate", {"item": None, "note": note})
        return Outcome(kept, replies=(dup, _which_case(kept, cases)))
    return Outcome(kept, replies=(_which_case(kept, cases, album),))


def _which_case(
    session: Session, cases: Mapping[int, Case], album: evidence.Album | None = None
) -> Reply:
    """Ask which case the evidence waiting outside a case belongs to."""
    choices: list[tuple[Button, ...]] = [
        (Button("into", str(c.no), text=_case_label(c)),)
        for c in sorted(cases.values(), key=lambda c: -c.no)[:10]
    ]
    choices.append((Button("new", label="btn.new_case"),))
    key = f"inbox:{album.media_group_id}" if album else None
    data = {"count": len(session.inbox), "album": album, "limit": evidence.MAX_ITEMS}
    return Reply("evidence_which_case", data, tuple(choices), key=key)


def _album_refused(session: Session, cases: Mapping[int, Case], media_group_id: str) -> Outcome:
    """A kind we cannot take, in an album: counted in the album's reply."""
    case = cases.get(session.case_no) if session.case_no is not None else None
    no = case.no if case is not None else None
    albums, album = evidence.tallied(session.albums, media_group_id, no, {"unsupported": 1})
    kept = replace(session, albums=albums)
    if case is None:
        return Outcome(kept, replies=(_which_case(kept, cases, album),))
    return Outcome(kept, replies=(_album_ack(case, album),))


def _carry_inbox(
    session: Session, case: Case, ctx: Ctx
) -> tuple[Session, Case, tuple[Reply, ...]]:
    """Evidence waiting outside a case filed into `case`, and the reply that says so."""
    if not session.inbox:
        return session, case, ()
    filed = evidence.file(case, session.inbox, ctx.now)
    data = {"case": filed.case, "items": filed.added, "duplicates": len(filed.duplicates),
            "updated": len(filed.updated), "full": filed.full, "limit": evidence.MAX_ITEMS}
    albums = tuple(a for a in session.albums if a.case_no is not None)
    return (replace(session, inbox=(), albums=albums), filed.case,
            (Reply("evidence_filed", data),))


PAGE_SIZE = 10  # evidence items per page of the list, each with its button


def _evidence_list(case: Case, page: int, token: int) -> Reply:
    """One page of a case's evidence, grouped, each item with its button; pages edit in place."""
    ordered = sorted(case.evidence, key=lambda i: (evidence.GROUP_ORDER.index(i.group), i.id))
    pages = max(1, -(-len(ordered) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = ordered[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    buttons = [Button("item", f"{case.no}.{i.id}", text=f"#{i.id}") for i in shown]
    rows = _rows(buttons, 5)
    nav = []
    if page > 0:
        nav.append(Button("evidence", f"{case.no}.{page - 1}.{token}", label="btn.page_prev"))
    if page < pages - 1:
        nav.append(Button("evidence", f"{case.no}.{page + 1}.{token}", label="btn.page_next"))
    if nav:
        rows.append(tuple(nav))
    data = {"case": case, "checks": evidence.checklist(case), "items": shown, "page": page,
            "pages": pages}
    return Reply("evidence_list", data, tuple(rows), key=f"evidence:{case.no}:{token}")


def _evidence_press(
    action: str, arg: str, session: Session, idle: Session, case: Case, ctx: Ctx
) -> Outcome:
    if action == "into":
        if not session.inbox:
            return Outcome(session, notice=Reply("notice_stale"))
        carried, filed, replies = _carry_inbox(idle, case, ctx)
        return Outcome(carried, changed=(filed,), replies=replies)
    if action == "evidence":
        # "<case>" opens the list; "<case>.<page>.<list>" turns a page of an open list.
        page_s, _, token_s = arg.partition(".")
        if not arg:
            return Outcome(idle, replies=(_evidence_list(case, 0, idle.seq),))
        if not (page_s.isdigit() and token_s.isdigit()):
            return Outcome(session, notice=Reply("notice_stale"))
        return Outcome(idle, replies=(_evidence_list(case, int(page_s), int(token_s)),))
    # The rest act on items: "<id>.<...>" or, for a whole album, "a<media_group_id>.<...>".
    target, _, rest = arg.partition(".")
    items = _items(case, target)
    if not items:
        return Outcome(session, notice=Reply("notice_not_found"))
    if action == "item":
        [item] = items[:1]
        item_kb: tuple[tuple[Button, ...], ...] = (
            _refile_row(case.no, str(item.id)),
            (Button("describe", f"{case.no}.{item.id}", label="btn.describe"),
             Button("remove", f"{case.no}.{item.id}", label="btn.remove")),
        )
        view = Reply("evidence_item", {"case": case, "item": item}, item_kb)
        return Outcome(idle, replies=(view,))
    if action == "refile":
        to = _enum_value(EvidenceGroup, rest) or _enum_value(EvidenceClaim, rest)
        if to is None:
            return Outcome(session, notice=Reply("notice_stale"))
        refiled = evidence.refile(case, {i.id for i in items}, to)
        moved = tuple(i for i in refiled.evidence if i.id in {i.id for i in items})
        if isinstance(to, EvidenceClaim):
            notice = Reply("notice_refiled", {"group": CLAIM_GROUP[to], "what": to})
            return Outcome(session, changed=(refiled,), notice=notice)
        # A group, then the kinds within it: one more tap ticks the checklist.
        kinds = tuple(Button("refile", f"{case.no}.{target}.{c}", label=f"claim.{c}")
                      for c in evidence.KINDS_IN[to])
        which = Reply("evidence_refiled", {"case": refiled, "items": moved, "group": to},
                      (kinds,))
        return Outcome(session, changed=(refiled,), replies=(which,),
                       notice=Reply("notice_refiled", {"group": to, "what": None}))
    if action == "remove":
        kept, gone = evidence.remove(case, {i.id for i in items})
        files = tuple(i.local_path for i in gone if i.local_path)
        return Outcome(idle, changed=(kept,), erase_files=files, replies=(
            Reply("evidence_removed", {"case": kept, "items": gone}),
        ))
    # describe: ask for a note on the item
    new = _move(idle, Trigger.DESCRIBE, case, pending=None)
    new = replace(new, focus=items[0].id)
    return Outcome(new, replies=(ask(new, case),))


def _items(case: Case, target: str) -> tuple[EvidenceItem, ...]:
    if target.startswith("a"):
        return tuple(i for i in case.evidence if i.media_group_id == target[1:])
    return tuple(i for i in case.evidence if target.isdigit() and i.id == int(target))


# --- answers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Accepted:
    case: Case
    trigger: Trigger
    replies: tuple[Reply, ...] = ()
    pending: Contact | None = None
    edit: State | None = None  # for Trigger.EDIT: the question to go back to
    snoozes: tuple[tuple[int, datetime], ...] = ()


@dataclass(frozen=True)
class _Rejected:
    reply: Reply


_Result = _Accepted | _Rejected
_Handler = Callable[[Session, Case, Text | Press, Ctx], _Result]


def _on_answer(session: Session, case: Case, event: Text | Press, ctx: Ctx) -> Outcome:
    result = _HANDLERS[session.state](session, case, event, ctx)
    if isinstance(result, _Rejected):
        # Bad input leaves the case unchanged and asks the same question again.
        return Outcome(session, replies=(result.reply, ask(session, case)))
    new = _move(session, result.trigger, result.case, result.pending, result.edit)
    replies = list(result.replies)
    if new.state is State.IDLE:
        return Outcome(new, (result.case,), tuple(replies), snoozes=result.snoozes)
    replies.append(ask(new, result.case))
    changed = (result.case,) if result.case != case else ()
    return Outcome(new, changed, tuple(replies))


def _on_story(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    if isinstance(ev, Press):
        if ev.action == "steps":
            return _Accepted(case, Trigger.STEP_BY_STEP)
        return _Rejected(Reply("use_buttons_or_text"))
    facts = story.extract_story(ev.text, ctx.now, ctx.tz)
    facts_case = case.with_(
        platform=facts.platform or case.platform,
        order_no=facts.order_no or case.order_no,
        product=facts.product or case.product,
        quantity=facts.quantity or case.quantity,
        amount_cents=facts.amount_cents or case.amount_cents,
        purchased_at=facts.purchased_at or case.purchased_at,
        issue_type=facts.issue_type or case.issue_type,
        issue_detail=None,  # "other" is asked for in the user's own words, not cut from the story
        events=(case.events + facts.events)[:MAX_EVENTS],
        events_done=case.events_done or bool(facts.events),
        contacts=(case.contacts + facts.contacts)[:MAX_CONTACTS],
        contacts_done=case.contacts_done or bool(facts.contacts),
        demand_action=facts.demand_action or case.demand_action,
        demand_text=facts.demand_text or case.demand_text,
        # A deadline already past ("今天18点前", pasted at 19:00) is not taken: it is asked.
        demand_deadline=_future(facts.demand_deadline, ctx) or case.demand_deadline,
        # A vague demand is not taken; the demand question explains why, quoting it.
        demand_vague=None if facts.demand_action or case.demand_action else facts.demand_vague,
        rule_citation=facts.rule_citation or case.rule_citation,
        rule_done=case.rule_done or facts.rule_citation is not None,
        paid_with=facts.paid_with or case.paid_with,
        doubts=facts.doubts,
    )
    understood = Reply("story_understood", {"case": facts_case, "found": facts.found})
    return _Accepted(facts_case, Trigger.STORY, (understood,))


# The question a doubt's field would ask: a typed answer to the doubt is read as its answer.
_DOUBT_QUESTION = {
    DoubtKind.DAY: State.ASK_PURCHASE_TIME,
    DoubtKind.WEEKDAY: State.ASK_DEMAND_DEADLINE,
    DoubtKind.AMOUNT: State.ASK_AMOUNT,
}


def _on_doubt(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    doubt, rest = case.doubts[0], case.doubts[1:]
    settled = case.with_(doubts=rest)
    if isinstance(ev, Text):
        typed = _HANDLERS[_DOUBT_QUESTION[doubt.kind]](s, settled, ev, ctx)
        if isinstance(typed, _Rejected):
            return typed
        return _Accepted(typed.case, Trigger.ANSWER, typed.replies)
    if ev.action == "skip":
        return _Accepted(settled, Trigger.SKIP)  # neither: the field's own question asks
    if ev.action != "doubt" or not ev.value.isdigit() or int(ev.value) >= len(doubt.shown):
        return _Rejected(Reply("use_buttons_or_text"))
    i = int(ev.value)
    if doubt.kind is DoubtKind.DAY:
        chosen = settled.with_(purchased_at=utc(doubt.times[i])).known(Unknown.PURCHASE_TIME)
        return _Accepted(chosen, Trigger.ANSWER)
    if doubt.kind is DoubtKind.WEEKDAY:
        return _Accepted(settled.with_(demand_deadline=doubt.windows[i]), Trigger.ANSWER)
    return _Accepted(settled.with_(amount_cents=doubt.amounts[i]).known(Unknown.AMOUNT),
                     Trigger.ANSWER)


def _on_platform(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    if isinstance(ev, Press):
        if ev.action == "platform":
            return _Accepted(case.with_(platform=DEFAULT_PLATFORM), Trigger.ANSWER)
        return _Rejected(Reply("use_buttons_or_text"))
    name = _one_line(ev.text)
    if not name:
        return _Rejected(Reply("reask_platform"))
    return _Accepted(case.with_(platform=name), Trigger.ANSWER)


def _not_known(case: Case, ev: Text | Press, what: Unknown) -> _Result | None:
    """The answer "I can't find / don't remember it", by its button or in words, or None."""
    if (isinstance(ev, Press) and ev.action == "unknown") or (
        isinstance(ev, Text) and unknowns.says_unknown(ev.text)
    ):
        return _Accepted(case.not_known(what), Trigger.SKIP, (Reply("unknown_noted",
                                                                  {"what": what}),))
    return None


def _on_order_no(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    if isinstance(ev, Press):
        return _not_known(case, ev, Unknown.ORDER_NO) or _Rejected(Reply("use_buttons_or_text"))
    text = ev.text.strip()
    order_no = text if _ORDER_TOKEN.fullmatch(text) else ids.parse_order_no(text)
    if not order_no:
        return _not_known(case, ev, Unknown.ORDER_NO) or _Rejected(Reply("reask_order_no"))
    return _Accepted(case.with_(order_no=order_no).known(Unknown.ORDER_NO), Trigger.ANSWER)


def _typed(ev: Text | Press, reask: str, min_length: int) -> str | _Rejected:
    """A typed one-line answer, or the re-ask for a button press or a too-short answer."""
    if isinstance(ev, Press):
        return _Rejected(Reply("use_buttons_or_text"))
    answer = _one_line(ev.text)
    return answer if len(answer) >= min_length else _Rejected(Reply(reask))


def _on_product(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    product = _typed(ev, "reask_product", 2)
    if isinstance(product, _Rejected):
        return product
    return _Accepted(case.with_(product=product), Trigger.ANSWER)


def _on_amount(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    if isinstance(ev, Press):
        return _not_known(case, ev, Unknown.AMOUNT) or _Rejected(Reply("use_buttons_or_text"))
    cents = amounts.parse_amount(ev.text)
    # "88还是79，记不清了": which was paid is asked with one tap each, not guessed.
    doubt = None if s.state is State.ASK_DOUBT or cents is not None else doubts.amount_doubt(
        ev.text, amounts.amount_candidates(ev.text))
    if doubt is not None:  # asked now: no longer "not remembered"
        asked = case.with_(doubts=(doubt, *case.doubts)).known(Unknown.AMOUNT)
        return _Accepted(asked, Trigger.ANSWER)
    if cents is None and amounts.has_foreign_amount(ev.text):
        return _Rejected(Reply("amount_not_yuan", {"text": _one_line(ev.text)}))
    if cents is None:
        bare = _BARE_AMOUNT.fullmatch(ev.text)
        cents = round(float(bare.group(1)) * 100) if bare else None
    if cents is None and (dont_know := _not_known(case, ev, Unknown.AMOUNT)):
        return dont_know
    if cents is None or not 0 < cents <= MAX_AMOUNT_CENTS:
        return _Rejected(Reply("reask_amount"))
    return _Accepted(case.with_(amount_cents=cents).known(Unknown.AMOUNT), Trigger.ANSWER)


def _on_purchase_time(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    if isinstance(ev, Press):
        return (_not_known(case, ev, Unknown.PURCHASE_TIME)
                or _Rejected(Reply("use_buttons_or_text")))
    at = _read_past_time(ev.text, ctx)
    if isinstance(at, _Rejected):
        return _not_known(case, ev, Unknown.PURCHASE_TIME) or at
    # "3号" on the 9th: this month's or last month's? Asked (once), not guessed.
    asking = s.state is not State.ASK_DOUBT
    doubt = doubts.day_doubt(ev.text, at, ctx.now, ctx.tz) if asking else None
    if doubt is not None:  # asked now: no longer "not remembered"
        asked = case.with_(doubts=(doubt, *case.doubts)).known(Unknown.PURCHASE_TIME)
        return _Accepted(asked, Trigger.ANSWER)
    return _Accepted(case.with_(purchased_at=at).known(Unknown.PURCHASE_TIME), Trigger.ANSWER)


def _on_issue_type(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    issue: IssueType | None
    if isinstance(ev, Press):
        issue = _enum_value(IssueType, ev.value) if ev.action == "issue" else None
    else:
        issue = issues.classify_issue(ev.text)
    if issue is None:
        return _Rejected(Reply("reask_issue_type"))
    detail = case.issue_detail if issue is IssueType.OTHER else None
    return _Accepted(case.with_(issue_type=issue, issue_detail=detail), Trigger.ANSWER)


def _on_issue_detail(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    if isinstance(ev, Press):
        return _Rejected(Reply("use_buttons_or_text"))
    detail = ev.text.strip()
    if len(detail) < 4:
        return _Rejected(Reply("reask_issue_detail"))
    return _Accepted(case.with_(issue_detail=detail), Trigger.ANSWER)


def _on_events(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    if isinstance(ev, Press):
        if ev.action == "done":
            if not case.events:
                return _Rejected(Reply("events_need_one"))
            return _Accepted(case.with_(events_done=True), Trigger.DONE)
        if ev.action == "clear":
            return _Accepted(case.with_(events=()), Trigger.CLEAR, (Reply("events_cleared"),))
        if ev.action == "drop":
            return _drop(case, "events", ev.value, "event_removed", "event")
        return _Rejected(Reply("use_buttons_or_text"))
    found = times.find_times(ev.text, ctx.now, ctx.tz)
    if not found:
        return _untimed_event(case, ev.text)
    phrase, at = found[0]
    if case.purchased_at is not None:
        at = times.parse_time(phrase, ctx.now, ctx.tz, after=case.purchased_at) or at
    if at > ctx.now + FUTURE_TOLERANCE:
        return _Rejected(Reply("time_in_future", {"at": at}))
    what = _strip_phrase(ev.text, phrase)
    if len(what) < 2:
        return _Rejected(Reply("reask_event"))
    if len(case.events) >= MAX_EVENTS:
        return _Rejected(Reply("too_many", {"limit": MAX_EVENTS}))
    event = TimelineEvent(at=utc(at), text=what)
    events = model.in_order((*case.events, event))
    added = Reply("event_added", {"event": event})
    return _Accepted(case.with_(events=events), Trigger.ADD, (added,))


def _untimed_event(case: Case, text: str) -> _Result:
    """An event the user gives without a time: kept, its time unknown (never made up)."""
    what = _one_line(text)
    if len(what) < 2:
        return _Rejected(Reply("reask_event"))
    if len(case.events) >= MAX_EVENTS:
        return _Rejected(Reply("too_many", {"limit": MAX_EVENTS}))
    event = TimelineEvent(at=None, text=what)
    added = Reply("event_added", {"event": event})
    return _Accepted(case.with_(events=(*case.events, event)), Trigger.ADD, (added,))


def _drop(case: Case, field: str, value: str, template: str, name: str) -> _Result:
    """Remove the entry of a list field that a 🗑 button names; a stale button changes nothing."""
    entries: tuple[object, ...] = getattr(case, field)
    if not value.isdigit() or int(value) >= len(entries):
        return _Rejected(Reply("notice_stale"))
    index = int(value)
    kept = case.with_(**{field: entries[:index] + entries[index + 1:]})
    return _Accepted(kept, Trigger.DROP, (Reply(template, {name: entries[index]}),))


def _on_contact_channel(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    if isinstance(ev, Press):
        if ev.action == "done":
            return _Accepted(case.with_(contacts_done=True), Trigger.DONE)
        if ev.action == "clear":
            return _Accepted(case.with_(contacts=()), Trigger.CLEAR, (Reply("contacts_cleared"),))
        if ev.action == "drop":
            return _drop(case, "contacts", ev.value, "contact_removed", "contact")
        channel = _enum_value(Channel, ev.value) if ev.action == "channel" else None
        if channel is None:
            return _Rejected(Reply("use_buttons_or_text"))
    else:
        channel = _channel_from_text(ev.text)
        if channel is None:
            return _Rejected(Reply("reask_contact_channel"))
    if len(case.contacts) >= MAX_CONTACTS:
        return _Rejected(Reply("too_many", {"limit": MAX_CONTACTS}))
    return _Accepted(case, Trigger.CHOOSE, pending=Contact(channel=channel))


def _on_contact_time(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    assert s.pending is not None
    if isinstance(ev, Press):
        if ev.action == "skip" and case.status != "confirmed":
            return _Accepted(case, Trigger.SKIP, pending=s.pending)
        if ev.action in ("now", "skip"):  # on a case under way, the time defaults to now
            return _Accepted(case, Trigger.ANSWER, pending=replace(s.pending, at=utc(ctx.now)))
        return _Rejected(Reply("use_buttons_or_text"))
    # "11月5日" for a purchase made 2024-11-03 is 2024-11-05, not this year's.
    at = _read_past_time(ev.text, ctx, after=case.purchased_at)
    if isinstance(at, _Rejected):
        return at
    return _Accepted(case, Trigger.ANSWER, pending=replace(s.pending, at=at))


def _on_contact_ref(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    assert s.pending is not None
    if isinstance(ev, Press):
        if ev.action == "skip":
            return _Accepted(case, Trigger.SKIP, pending=s.pending)
        return _Rejected(Reply("use_buttons_or_text"))
    ref = _one_line(ev.text)  # the user's own words: "工号 8801", "ticket T-12"
    if not ref:
        return _Rejected(Reply("reask_contact_ref"))
    return _Accepted(case, Trigger.ANSWER, pending=replace(s.pending, ref=ref))


def _on_contact_promise(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    assert s.pending is not None
    if isinstance(ev, Press):
        if ev.action == "skip":
            contact = s.pending
        elif ev.action == "window" and ev.value in PRESET_WINDOWS:
            contact = replace(s.pending, window=PRESET_WINDOWS[ev.value])
        else:
            return _Rejected(Reply("use_buttons_or_text"))
    else:
        promise: str | None = ev.text.strip()
        made = s.pending.at or ctx.now
        # "明天下午6点前" is the day after the contact, not after the day it is typed.
        window = windows.promise_window(ev.text.strip(), made, ctx.tz)
        if window is None and times.only_a_time(ev.text):
            # A bare time is when they promised to answer by, not what they promised.
            by = times.parse_future_time(ev.text, made, ctx.tz)
            if by is None or by <= made:
                return _Rejected(Reply("reask_promise_time"))
            promise, window = None, Window(ev.text.strip(), until=by)
        contact = replace(s.pending, promise=promise, window=window)
    saved = case.with_(contacts=(*case.contacts, contact))
    trigger = Trigger.SKIP if contact.promise is None and contact.window is None else Trigger.ANSWER
    return _Accepted(saved, trigger, (_contact_added(saved, contact, ctx),), pending=None)


def _contact_added(case: Case, contact: Contact, ctx: Ctx) -> Reply:
    """The contact as recorded; for a case under way, also when the bot will remind."""
    data: dict[str, object] = {"contact": contact, "deadline": None}
    if case.status == "confirmed":
        end = deadlines.contact_deadline(case, contact, ctx.tz)
        data.update(
            deadline=end.at,
            remind_at=deadlines.deliver_at(end.at, ctx.tz, ctx.quiet),
            estimate=end.estimate,
            counted=deadlines.contact_window(contact),
            promised=contact.window is not None,
            sure=deadlines.default_sureness(contact),
            start=contact.at or case.confirmed_at,
        )
    return Reply("contact_added", data)


def _on_demand_action(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    if isinstance(ev, Press):
        action = _enum_value(DemandAction, ev.value) if ev.action == "demand" else None
        if action is None or action is DemandAction.CUSTOM:
            return _Rejected(Reply("use_buttons_or_text"))
        answered = case.with_(demand_action=action, demand_text=None, demand_vague=None)
        return _Accepted(answered, Trigger.ANSWER)
    text = ev.text.strip()
    if _NO_REASON_RETURN.search(text):
        # Digital codes are excluded from 7-day no-reason returns (消保法第25条): steer away.
        return _Rejected(Reply("no_reason_return"))
    action, custom, deadline = demands.parse_demand(text, ctx.now, ctx.tz)
    if deadline is not None and _future(deadline, ctx) is None:
        return _Rejected(Reply("deadline_in_past"))
    if action is None:
        if demands.is_vague_demand(text) or len(text) < 4:
            return _Rejected(Reply("vague_demand", {"text": text}))
        action, custom = DemandAction.CUSTOM, text
    changed = case.with_(
        demand_action=action,
        demand_text=custom,
        demand_deadline=deadline or case.demand_deadline,
        demand_vague=None,
    )
    return _Accepted(changed, Trigger.ANSWER)


def _read_window(ev: Text | Press, ctx: Ctx, *, promise: bool = False) -> Window | None:
    """A window from a preset button ("24小时内") or from typed words ("3个工作日内"); a
    promise also in words without 内 ("3个工作日给答复")."""
    if isinstance(ev, Press):
        return PRESET_WINDOWS.get(ev.value) if ev.action == "window" else None
    if promise:
        return windows.promise_window(ev.text.strip(), ctx.now, ctx.tz)
    return windows.find_window(ev.text.strip(), ctx.now, ctx.tz)


def _future(window: Window | None, ctx: Ctx) -> Window | None:
    """The window, unless it is a deadline that has already passed."""
    if window is not None and window.until is not None and window.until <= ctx.now:
        return None
    return window


def _on_demand_deadline(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    window = _read_window(ev, ctx)
    if window is None:
        return _Rejected(Reply("reask_deadline"))
    if _future(window, ctx) is None:
        return _Rejected(Reply("deadline_in_past"))
    # "这周五之前" on a Sunday: that Friday has passed; the coming one is confirmed first.
    doubt = None if s.state is State.ASK_DOUBT else doubts.weekday_doubt(
        window.text, window, ctx.now, ctx.tz)
    if doubt is not None:
        return _Accepted(case.with_(doubts=(doubt, *case.doubts)), Trigger.ANSWER)
    return _Accepted(case.with_(demand_deadline=window), Trigger.ANSWER)


def _on_rule(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    if isinstance(ev, Press):
        if ev.action == "skip":
            return _Accepted(case.with_(rule_done=True), Trigger.SKIP)
        return _Rejected(Reply("use_buttons_or_text"))
    rule = _one_line(ev.text)
    if len(rule) < 4 or not rules.looks_like_rule(rule):
        return _Rejected(Reply("reask_rule"))
    return _Accepted(case.with_(rule_citation=rule, rule_done=True), Trigger.ANSWER)


def _on_evidence(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    if isinstance(ev, Text):
        return _Rejected(Reply("evidence_use_buttons"))
    if ev.action == "done":
        return _Accepted(case.with_(evidence_done=True), Trigger.DONE)
    claim = _enum_value(EvidenceClaim, ev.value) if ev.action == "claim" else None
    if claim is None:
        return _Rejected(Reply("evidence_use_buttons"))
    held = case.evidence_claims
    toggled = tuple(c for c in held if c is not claim) if claim in held else (*held, claim)
    ordered = tuple(c for c in EvidenceClaim if c in toggled)
    return _Accepted(case.with_(evidence_claims=ordered), Trigger.TOGGLE)


def _on_company_name(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    name = _typed(ev, "reask_company_name", 4)
    if isinstance(name, _Rejected):
        return name
    return _Accepted(case.with_(company_name=name), Trigger.ANSWER, pending=s.pending)


def _on_company_code(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    if isinstance(ev, Press):
        if ev.action == "skip":
            return _Accepted(case.with_(company_code=None), Trigger.SKIP, pending=s.pending)
        return _Rejected(Reply("use_buttons_or_text"))
    code = uscc.normalise(ev.text)
    if not uscc.is_valid(code):
        return _Rejected(Reply("reask_company_code"))
    return _Accepted(case.with_(company_code=code), Trigger.ANSWER, pending=s.pending)


def _on_company_address(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    assert s.pending is not None
    if isinstance(ev, Press):
        if ev.action != "skip":
            return _Rejected(Reply("use_buttons_or_text"))
        done, trigger = case.with_(company_address=None), Trigger.SKIP
    else:
        address = _one_line(ev.text)
        if len(address) < 4:
            return _Rejected(Reply("reask_company_address"))
        done, trigger = case.with_(company_address=address), Trigger.ANSWER
    text = channels.channel_reply(done, s.pending.channel, ctx.now, ctx.tz)
    return _Accepted(done, trigger, (Reply("company_saved", {"case": done}), text))


def _on_evidence_note(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    if isinstance(ev, Press):
        return _Rejected(Reply("use_buttons_or_text"))
    note = _one_line(ev.text)
    item = next((i for i in case.evidence if i.id == s.focus), None)
    if item is None or not note:
        return _Rejected(Reply("reask_evidence_note"))
    # The note is read too: "支付宝账单" files the item as the payment record.
    noted, described = evidence.describe(case, item.id, note)
    done = Reply("evidence_noted", {"item": described, "note": note,
                                    "refiled": described.what != item.what})
    return _Accepted(noted, Trigger.ANSWER, (done,))


def _on_reply(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    if isinstance(ev, Press):
        return _Rejected(Reply("use_buttons_or_text"))
    said = _one_line(ev.text)
    if not said:
        return _Rejected(Reply("ask/ask_reply", {"case": case}))
    logged = _logged(case, ctx, "reply", said[:500], _answering(s))
    return _Accepted(logged, Trigger.ANSWER, pending=s.pending)


def _on_reply_outcome(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    if isinstance(ev, Text) or ev.action != "outcome":
        return _Rejected(Reply("use_buttons_or_text"))
    if ev.value == "resolved":
        done = _logged(case.with_(resolved_at=utc(ctx.now)), ctx, "resolved")
        return _Accepted(done, Trigger.DONE, (Reply("resolved", {"case": done}),))
    if ev.value == "promise":
        return _Accepted(case, Trigger.CHOOSE, pending=s.pending)
    if ev.value == "refused":
        # A refusal is the moment to climb the ladder: the next channel's text, ready.
        refused = _logged(case, ctx, "refused", None, _answering(s))
        nxt, _ = channels.recommended(refused)
        if nxt in channels.NEEDS_COMPANY and refused.company_name is None:
            # Its form names the respondent: ask for it, then send the text (pending names it).
            said = Reply("refused", {"case": refused, "next": nxt, "ask_company": True})
            return _Accepted(refused, Trigger.COMPANY, (said, Reply("company_intro")),
                             pending=Contact(nxt))
        text = channels.channel_reply(refused, nxt, ctx.now, ctx.tz)
        said = Reply("refused", {"case": refused, "next": nxt, "ask_company": False})
        return _Accepted(refused, Trigger.DONE, (said, text))
    return _Rejected(Reply("use_buttons_or_text"))


def _on_reply_window(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    window = _read_window(ev, ctx, promise=True)
    if window is None:
        return _Rejected(Reply("reask_deadline"))
    channel = _answering(s) or Channel.PLATFORM_SUPPORT
    promise = ev.text.strip() if isinstance(ev, Text) else None
    contact = Contact(channel, utc(ctx.now), None, promise, window)
    saved = case.with_(contacts=(*case.contacts, contact))
    return _Accepted(saved, Trigger.ANSWER, (_contact_added(saved, contact, ctx),))


def _on_snooze(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    if isinstance(ev, Press):
        return _Rejected(Reply("use_buttons_or_text"))
    # A time to remind at lies ahead: "周五下午3点" is the coming Friday, "2天后" two days from
    # now to the minute, and 2月30日 is asked again.
    at = times.parse_future_time(ev.text, ctx.now, ctx.tz)
    if at is None:
        window = windows.find_window(ev.text, ctx.now, ctx.tz)  # "3个工作日内", "by Friday"
        at = workdays.window_end(window, ctx.now, ctx.tz).at if window else None
    if at is None or at <= ctx.now:
        return _Rejected(Reply("reask_snooze"))
    return _Accepted(case, Trigger.ANSWER, (Reply("snoozed", _snoozed(at, ctx)),),
                     snoozes=((case.no, utc(at)),))


def _on_review(s: Session, case: Case, ev: Text | Press, ctx: Ctx) -> _Result:
    if isinstance(ev, Text):
        return _Rejected(Reply("review_use_buttons"))
    if ev.action == "confirm":
        done = case.with_(status="confirmed", confirmed_at=utc(ctx.now))
        return _Accepted(done, Trigger.CONFIRM, _confirmed_texts(done, ctx))
    field = _enum_value(State, ev.value) if ev.action == "edit" else None
    if field is None or field not in EDITABLE:
        return _Rejected(Reply("review_use_buttons"))
    # Lists are re-opened for more items rather than cleared, so an edit loses nothing.
    if field is State.ASK_EVENTS:
        case = case.with_(events_done=False)
    if field is State.ASK_CONTACT_CHANNEL:
        case = case.with_(contacts_done=False)
    return _Accepted(case, Trigger.EDIT, edit=field)


_HANDLERS: dict[State, _Handler] = {
    State.ASK_STORY: _on_story,
    State.ASK_DOUBT: _on_doubt,
    State.ASK_PLATFORM: _on_platform,
    State.ASK_ORDER_NO: _on_order_no,
    State.ASK_PRODUCT: _on_product,
    State.ASK_AMOUNT: _on_amount,
    State.ASK_PURCHASE_TIME: _on_purchase_time,
    State.ASK_ISSUE_TYPE: _on_issue_type,
    State.ASK_ISSUE_DETAIL: _on_issue_detail,
    State.ASK_EVENTS: _on_events,
    State.ASK_CONTACT_CHANNEL: _on_contact_channel,
    State.ASK_CONTACT_TIME: _on_contact_time,
    State.ASK_CONTACT_REF: _on_contact_ref,
    State.ASK_CONTACT_PROMISE: _on_contact_promise,
    State.ASK_DEMAND_ACTION: _on_demand_action,
    State.ASK_DEMAND_DEADLINE: _on_demand_deadline,
    State.ASK_RULE: _on_rule,
    State.ASK_EVIDENCE: _on_evidence,
    State.REVIEW: _on_review,
    State.ASK_COMPANY_NAME: _on_company_name,
    State.ASK_COMPANY_CODE: _on_company_code,
    State.ASK_COMPANY_ADDRESS: _on_company_address,
    State.ASK_EVIDENCE_NOTE: _on_evidence_note,
    State.ASK_REPLY: _on_reply,
    State.ASK_REPLY_OUTCOME: _on_reply_outcome,
    State.ASK_REPLY_WINDOW: _on_reply_window,
    State.ASK_SNOOZE: _on_snooze,
}


# --- moving between states -------------------------------------------------------------------


def _answered(state: State, case: Case) -> bool:
    """Whether the case already answers the question asked in `state`."""
    return {
        State.ASK_DOUBT: not case.doubts,
        State.ASK_PLATFORM: case.platform is not None,
        State.ASK_ORDER_NO: case.order_no is not None or Unknown.ORDER_NO in case.unknown,
        State.ASK_PRODUCT: case.product is not None,
        State.ASK_AMOUNT: case.amount_cents is not None or Unknown.AMOUNT in case.unknown,
        State.ASK_PURCHASE_TIME: (case.purchased_at is not None
                                  or Unknown.PURCHASE_TIME in case.unknown),
        State.ASK_ISSUE_TYPE: case.issue_type is not None,
        State.ASK_ISSUE_DETAIL: case.issue_type is not IssueType.OTHER or bool(case.issue_detail),
        State.ASK_EVENTS: case.events_done,
        State.ASK_CONTACT_CHANNEL: case.contacts_done,
        State.ASK_DEMAND_ACTION: case.demand_action is not None,
        State.ASK_DEMAND_DEADLINE: case.demand_deadline is not None,
        State.ASK_RULE: case.rule_done or case.rule_citation is not None,
        State.ASK_EVIDENCE: case.evidence_done,
    }[state]


def next_question(case: Case) -> State:
    """The first unanswered question, or the review when all are answered."""
    return next((s for s in INTAKE_ORDER if not _answered(s, case)), State.REVIEW)


def _move(
    session: Session,
    trigger: Trigger,
    case: Case | None,
    pending: Contact | None,
    edit: State | None = None,
) -> Session:
    dest = target(session.state, trigger)
    if dest is Target.NEXT:
        assert case is not None
        dest = next_question(case)
    elif dest is Target.EDITED:
        assert edit is not None
        dest = edit
    elif dest is Target.AFTER_CONTACT:
        assert case is not None
        dest = State.ASK_CONTACT_CHANNEL if case.status == "draft" else State.IDLE
    assert isinstance(dest, State)
    case_no = None if dest is State.IDLE and trigger is Trigger.CONFIRM else session.case_no
    focus = session.focus if dest is State.ASK_EVIDENCE_NOTE else None
    return replace(session, state=dest, seq=session.seq + 1, case_no=case_no, pending=pending,
                   focus=focus)


# --- questions -------------------------------------------------------------------------------


DROP_BUTTONS = 10  # removal buttons for the newest entries of a list


def _contact_words(c: Contact) -> str:
    """A contact's own words for a button: its ids or its promise."""
    return " ".join(x for x in (c.ticket, c.agent, c.ref, c.promise) if x)[:24]


# The questions a user may not be able to answer, and the one tap that says so.
_UNKNOWN_BUTTONS = {
    State.ASK_ORDER_NO: "btn.no_order_no",
    State.ASK_AMOUNT: "btn.no_amount",
    State.ASK_PURCHASE_TIME: "btn.no_purchase_time",
}


def ask(session: Session, case: Case) -> Reply:
    """The question for the session's state, with its buttons."""
    state, seq = session.state, session.seq

    def b(label: str, action: str, value: str = "") -> Button:
        return Button(action, value, label=label, seq=seq)

    data = {"case": case, "pending": session.pending, "focus": session.focus}
    rows: list[tuple[Button, ...]] = []
    if state is State.ASK_STORY:
        rows = [(b("btn.step_by_step", "steps"),)]
    elif state is State.ASK_DOUBT and case.doubts:
        rows = [(Button("doubt", str(i), text=shown, seq=seq),)
                for i, shown in enumerate(case.doubts[0].shown)]
        rows.append((b("btn.doubt_neither", "skip"),))
    elif state is State.ASK_PLATFORM:
        rows = [(b("btn.platform_default", "platform"),)]
    elif state in _UNKNOWN_BUTTONS:
        rows = [(b(_UNKNOWN_BUTTONS[state], "unknown"),)]
    elif state is State.ASK_ISSUE_TYPE:
        issue_buttons = [b(f"issue.{i}", "issue", i) for i in IssueType]
        rows = _rows(issue_buttons)
    elif state is State.ASK_EVENTS:
        rows = [(b("btn.events_done", "done"),)] if case.events else []
        # One tap removes a wrong entry; each button names the entry by its own words.
        rows += [(Button("drop", str(i), text=f"🗑 {e.text[:24]}", seq=seq),)
                 for i, e in enumerate(case.events)][-DROP_BUTTONS:]
        if case.events:
            rows.append((b("btn.clear_events", "clear"),))
    elif state is State.ASK_CONTACT_CHANNEL:
        channels = [
            b(f"channel.{c}", "channel", c)
            for c in (Channel.PLATFORM_SUPPORT, Channel.EMAIL, Channel.PHONE, Channel.C12315,
                      Channel.HEIMAO, Channel.JUTOUSU, Channel.PAYMENT, Channel.OTHER)
        ]
        rows = _rows(channels)
        rows.append((b("btn.no_more_contacts" if case.contacts else "btn.no_contacts", "done"),))
        rows += [(Button("drop", str(i), text=f"🗑 {i + 1}. {_contact_words(c)}", seq=seq),)
                 for i, c in enumerate(case.contacts)][-DROP_BUTTONS:]
        if case.contacts:
            rows.append((b("btn.clear_contacts", "clear"),))
    elif state is State.ASK_CONTACT_TIME:
        # A contact logged on a case under way starts a window: its time cannot be unknown.
        confirmed = case.status == "confirmed"
        rows = [(b("btn.just_now", "now"),) if confirmed else
                (b("btn.just_now", "now"), b("btn.skip", "skip"))]
    elif state is State.ASK_CONTACT_REF:
        rows = [(b("btn.skip", "skip"),)]
    elif state is State.ASK_REPLY_OUTCOME:
        rows = [(b(f"outcome.{o}", "outcome", o),) for o in ("resolved", "promise", "refused")]
    elif state is State.ASK_REPLY_WINDOW:
        rows = [(b("window.24h", "window", "24h"), b("window.3wd", "window", "3wd"))]
    elif state is State.ASK_CONTACT_PROMISE:
        rows = [
            (b("window.24h", "window", "24h"), b("window.3wd", "window", "3wd")),
            (b("btn.no_promise", "skip"),),
        ]
    elif state is State.ASK_DEMAND_ACTION:
        concrete = [a for a in DemandAction if a is not DemandAction.CUSTOM]
        actions = [b(f"demand.{a}", "demand", a) for a in concrete]
        rows = _rows(actions)
    elif state is State.ASK_DEMAND_DEADLINE:
        rows = [
            (b("window.24h", "window", "24h"), b("window.48h", "window", "48h")),
            (b("window.3wd", "window", "3wd"),),
        ]
    elif state is State.ASK_RULE:
        rows = [(b("btn.no_rule", "skip"),)]
    elif state is State.ASK_EVIDENCE:
        ticks = [
            Button("claim", c, label=f"claim.{c}" + (".on" if c in case.evidence_claims else ""),
                   seq=seq)
            for c in EvidenceClaim
        ]
        rows = _rows(ticks)
        rows.append((b("btn.evidence_done", "done"),))
    elif state in (State.ASK_COMPANY_CODE, State.ASK_COMPANY_ADDRESS):
        rows = [(b("btn.skip", "skip"),)]
    elif state is State.REVIEW:
        rows = [(b("btn.confirm", "confirm"),)]
        edits = [b(f"edit.{s}", "edit", s) for s in EDITABLE]
        rows += [tuple(edits[i : i + 3]) for i in range(0, len(edits), 3)]
    return Reply(f"ask/{state}", data, tuple(rows))


# --- helpers ---------------------------------------------------------------------------------


def _rows(buttons: list[Button], per_row: int = 2) -> list[tuple[Button, ...]]:
    """Buttons laid out `per_row` to a row."""
    return [tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def _drafts(cases: Mapping[int, Case]) -> list[Case]:
    return sorted((c for c in cases.values() if c.status == "draft"), key=lambda c: -c.no)


def _start_kb() -> tuple[tuple[Button, ...], ...]:
    return ((Button("new", label="btn.new_case"),),)


def _offer_drafts(drafts: list[Case]) -> Reply:
    rows = [(Button("resume", str(c.no), text=_case_label(c)),) for c in drafts[:5]]
    rows.append((Button("new", label="btn.new_case"),))
    return Reply("offer_drafts", {"drafts": drafts}, tuple(rows))


def _case_list(cases: Mapping[int, Case], ctx: Ctx) -> Reply:
    """The user's cases, most urgent first, each with its status and next deadline."""
    ordered = sorted(cases.values(), key=lambda c: lifecycle.urgency(c, ctx.now, ctx.tz))
    rows = [(Button("open", str(c.no), text=_case_label(c)),) for c in ordered[:20]]
    listed = [(c, lifecycle.standing(c, ctx.now, ctx.tz)) for c in ordered]
    return Reply("case_list", {"cases": ordered, "listed": listed}, tuple(rows))


def _case_label(case: Case) -> str:
    parts = [f"#{case.no}", case.platform or "", case.order_no or ""]
    return " · ".join(p for p in parts if p)[:60]


def _idle_hint(cases: Mapping[int, Case]) -> Reply:
    return Reply("idle_hint", {"drafts": _drafts(cases)})


def _confirmed_texts(case: Case, ctx: Ctx) -> tuple[Reply, ...]:
    """After confirming: the summary, the first two texts, and the menu of every channel."""
    return (
        Reply("case_summary", {"case": case, "first": True, "checks": evidence.checklist(case),
                               "windows": deadlines.explained(case, ctx.tz, ctx.quiet)}),
        channels.channel_reply(case, Channel.PLATFORM_SUPPORT, ctx.now, ctx.tz),
        channels.channel_reply(case, Channel.EMAIL, ctx.now, ctx.tz),
        _menu(case, ctx),
    )


def _read_past_time(
    text: str, ctx: Ctx, *, after: datetime | None = None
) -> datetime | _Rejected:
    at = times.parse_time(text, ctx.now, ctx.tz, after=after)
    if at is None:
        return _Rejected(Reply("reask_time"))
    if at > ctx.now + FUTURE_TOLERANCE:
        return _Rejected(Reply("time_in_future", {"at": at}))
    return utc(at)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _strip_phrase(text: str, phrase: str) -> str:
    rest = text.replace(phrase, " ", 1)
    return _one_line(rest).strip(" ,，:：;；。.-—")


def _enum_value(enum: type[_E], value: str) -> _E | None:
    try:
        return enum(value)
    except ValueError:
        return None


_CHANNEL_WORDS: tuple[tuple[Channel, tuple[str, ...]], ...] = (
    (Channel.C12315, ("12315",)),
    (Channel.HEIMAO, ("黑猫", "heimao", "black cat")),
    (Channel.JUTOUSU, ("聚投诉", "jutousu")),
    (Channel.PAYMENT, ("支付宝", "微信支付", "alipay", "wechat pay")),
    (Channel.EMAIL, ("邮件", "邮箱", "email", "e-mail", "mail")),
    (Channel.PHONE, ("电话", "热线", "phone", "call")),
    (Channel.PLATFORM_SUPPORT, ("客服", "在线", "工单", "support", "chat", "ticket")),
)


def _channel_from_text(text: str) -> Channel | None:
    low = text.lower()
    for channel, words in _CHANNEL_WORDS:
        if any(w in low for w in words):
            return channel
    return None
