"""One event, dispatched: commands, button presses, evidence and answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from zoneinfo import ZoneInfo

from conversations.core import channels
from conversations.core.engine.actions import (
    CASE_ACTIONS,
    EVIDENCE_ACTIONS,
    FOLLOW_ACTIONS,
    OPENING,
)
from conversations.core.engine.answers import on_answer
from conversations.core.engine.followup import (
    answering,
    follow_press,
    paid_press,
    paid_question,
)
from conversations.core.engine.inbox import (
    album_refused,
    carry_inbox,
    evidence_press,
    receive_evidence,
    which_case,
)
from conversations.core.engine.questions import ask, move
from conversations.core.engine.session import (
    MAX_FIELD,
    MAX_SHORT,
    MAX_STORY,
    TIMEZONE_PRESETS,
    Ctx,
    Outcome,
    Prefs,
    Session,
    idle_session,
    is_repeat,
    with_log,
)
from conversations.core.engine.views import (
    case_label,
    case_list_reply,
    case_view_replies,
    drafts_of,
    idle_hint_reply,
    menu_reply,
    offer_drafts_reply,
    settings_reply,
    start_kb,
)
from conversations.core.events import Command, Event, Evidence, Malformed, Press, Text, Unsupported
from conversations.core.model import (
    Case,
    Channel,
    Contact,
    utc,
)
from conversations.core.replies import Button, Reply
from conversations.core.states import State, Trigger


def step(session: Session, cases: Mapping[int, Case], event: Event, ctx: Ctx) -> Outcome:
    """Handle one event."""
    case = cases.get(session.case_no) if session.case_no is not None else None
    if session.state is State.ASK_TIMEZONE and isinstance(event, Text):
        return _on_timezone(session, event.text, ctx)
    if session.state not in (State.IDLE, State.ASK_TIMEZONE) and case is None:
        # The case vanished: start over, never crash (evidence waiting for a case stays).
        session = idle_session(session, None)
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
            return on_answer(session, case, event, ctx)
        case Evidence(kind="text", text=str() as said) if (
            session.state is State.ASK_REPLY and case is not None
        ):
            # A forwarded reply is both evidence (with its own time) and the reply itself.
            filed = receive_evidence(session, cases, event, ctx)
            logged = with_log(filed.changed[0] if filed.changed else case, ctx, "reply",
                             said[:500], answering(session))
            new = move(session, Trigger.ANSWER, logged, pending=session.pending)
            return Outcome(new, (logged,), (*filed.replies, ask(new, logged)))
        case Evidence():
            return receive_evidence(session, cases, event, ctx)
        case Unsupported(media_group_id=str() as album):
            # Part of an album: counted in the album's one reply, the question not repeated.
            return album_refused(session, cases, album)
        case Unsupported(kind=kind):
            replies = [Reply("unsupported", {"kind": kind})]
            if case is not None and session.state is not State.IDLE:
                replies.append(ask(session, case))
            return Outcome(session, replies=tuple(replies))
        case Text(text=text) if is_repeat(session, text, ctx):
            return Outcome(session, replies=(Reply("repeat_ignored"),))
        case Text(text=text):
            session = replace(session, last_text=text, last_at=ctx.now)
            if session.state is State.IDLE or case is None:
                return Outcome(session, replies=(idle_hint_reply(cases),))
            limit = MAX_STORY if session.state is State.ASK_STORY else MAX_FIELD.get(
                session.state, MAX_SHORT
            )
            if len(text) > limit:
                too_long = Reply("too_long", {"length": len(text), "limit": limit})
                return Outcome(session, replies=(too_long, ask(session, case)))
            return on_answer(session, case, event, ctx)
    raise AssertionError(f"unhandled event {event!r}")


def _command(
    name: str, session: Session, cases: Mapping[int, Case], case: Case | None, ctx: Ctx
) -> Outcome:
    if name == "start":
        return Outcome(session, replies=(Reply("start", {"drafts": drafts_of(cases)}, start_kb()),))
    if name == "help":
        return Outcome(session, replies=(Reply("help"),))
    if name == "settings":
        return Outcome(session, replies=(settings_reply(ctx.tz.key, ctx.quiet),))
    if name == "export":
        current = cases.get(session.case_no) if session.case_no is not None else None
        if current is not None and current.status == "confirmed":
            return Outcome(session, exports=(current.no,), replies=(Reply("exporting"),))
        rows = [(Button("export", str(c.no), text=f"📦 {case_label(c)}"),)
                for c in sorted(cases.values(), key=lambda c: -c.no)[:20]
                if c.status == "confirmed"]
        return Outcome(session, replies=(Reply("export_choose", {"count": len(rows)},
                                               tuple(rows)),))
    if name == "privacy":
        return Outcome(session, replies=(Reply("privacy"),))
    if name == "delete":
        rows = [(Button("delete", str(c.no), text=f"🗑 {case_label(c)}"),)
                for c in sorted(cases.values(), key=lambda c: -c.no)[:20]]
        rows.append((Button("delete_all", label="btn.delete_all"),))
        return Outcome(session, replies=(Reply("delete_choose", {"cases": cases}, tuple(rows)),))
    if name == "cases":
        return Outcome(session, replies=(case_list_reply(cases, ctx),))
    if name == "cancel":
        if session.state is State.IDLE:
            return Outcome(session, replies=(Reply("cancel_nothing"),))
        new = move(session, Trigger.CANCEL, case, pending=None)
        return Outcome(new, replies=(Reply("cancelled", {"case": case}),))
    if name == "new":
        drafts = drafts_of(cases)
        if drafts:
            # Offer the unfinished draft before opening another one.
            return Outcome(session, replies=(offer_drafts_reply(drafts),))
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
    if press.action not in CASE_ACTIONS:
        return Outcome(session, notice=Reply("notice_stale"))
    if case is None:  # another user's number, a deleted case, or forged data
        return Outcome(session, notice=Reply("notice_not_found"))
    if case.status == "draft" and press.action not in (*EVIDENCE_ACTIONS, "delete", "erase"):
        # A draft's only other action is to continue it; evidence waiting goes into it.
        idle = replace(idle_session(session, case.no), seq=session.seq)
        idle, case, filed = carry_inbox(idle, case, ctx)
        new = move(idle, Trigger.RESUME, case, pending=None)
        return Outcome(new, changed=(case,) if filed else (),
                       replies=(*filed, Reply("resumed", {"case": case}), ask(new, case)))
    if press.action in OPENING and session.inbox:
        # Opening a case is choosing it for the evidence that waits: nothing is left behind.
        carried, case, filed = carry_inbox(session, case, ctx)
        out = _case_press(press, arg, carried, case, ctx)
        return replace(out, changed=(case, *out.changed) if out.changed else (case,),
                       replies=(*filed, *out.replies))
    out = _case_press(press, arg, session, case, ctx)
    if out.session.inbox and out.replies:
        # Evidence still waits for its case: ask again rather than let it be forgotten.
        out = replace(out, replies=(which_case(out.session, cases), *out.replies))
    return out


def _case_press(press: Press, arg: str, session: Session, case: Case, ctx: Ctx) -> Outcome:
    """A button of one case, pressed at any time."""
    idle = idle_session(session, case.no)
    if press.action == "export":
        return Outcome(session, exports=(case.no,), replies=(Reply("exporting"),))
    if press.action == "delete":
        rows = ((Button("erase", str(case.no), label="btn.delete_yes"),),
                (Button("keep", label="btn.keep"),))
        return Outcome(session, replies=(Reply("delete_confirm", {"case": case}, rows),))
    if press.action == "erase":
        # The session forgets the case too, so nothing points at it afterwards.
        cleared = session if session.case_no != case.no else idle_session(session, None)
        return Outcome(cleared, deleted=(case.no,), replies=(Reply("deleted", {"case": case}),))
    if press.action in EVIDENCE_ACTIONS:
        return evidence_press(press.action, arg, session, idle, case, ctx)
    if press.action in ("open", "resume"):
        return Outcome(idle, replies=case_view_replies(case, ctx))
    if press.action == "texts":
        return Outcome(idle, replies=(menu_reply(case, ctx),))
    if press.action in FOLLOW_ACTIONS:
        return follow_press(press.action, arg, session, idle, case, ctx)
    if press.action == "paid":
        return paid_press(arg, session, idle, case, ctx)
    if arg not in channels.TEXT_CHANNELS:
        return Outcome(session, notice=Reply("notice_stale"))
    if press.action == "company" and arg not in channels.NEEDS_COMPANY:
        return Outcome(session, notice=Reply("notice_stale"))  # forged: no form to fill
    if press.action == "company" or (
        arg in channels.NEEDS_COMPANY and case.company_name is None
    ):
        # The form needs the respondent: ask for it, then send the text (pending names it).
        new = move(idle, Trigger.COMPANY, case, pending=Contact(Channel(arg)))
        return Outcome(new, replies=(Reply("company_intro"), ask(new, case)))
    if arg == Channel.PAYMENT and case.paid_with is None:
        return Outcome(idle, replies=(paid_question(case, press.action),))
    text = channels.channel_reply(case, arg, ctx.now, ctx.tz, press.action == "text_zh")
    return Outcome(idle, replies=(text,))


def _on_timezone(session: Session, text: str, ctx: Ctx) -> Outcome:
    """An IANA timezone name such as Asia/Shanghai."""
    name = text.strip()
    try:
        tz = ZoneInfo(name) if 0 < len(name) <= 60 and ".." not in name else None
    except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        tz = None
    if tz is None:
        return Outcome(session, replies=(Reply("reask_timezone"), Reply("ask/ask_timezone")))
    new = move(session, Trigger.ANSWER, None, pending=None)
    prefs = Prefs(tz.key, ctx.quiet)
    return Outcome(new, replies=(settings_reply(prefs.tz, prefs.quiet),), prefs=prefs)


def _settings_press(press: Press, session: Session, ctx: Ctx) -> Outcome:
    if press.action == "quiet" and press.value in ("on", "off"):
        prefs = Prefs(ctx.tz.key, press.value == "on")
        return Outcome(session, replies=(settings_reply(prefs.tz, prefs.quiet),), prefs=prefs)
    if press.action == "tz" and press.value in TIMEZONE_PRESETS:
        prefs = Prefs(press.value, ctx.quiet)
        return Outcome(session, replies=(settings_reply(prefs.tz, prefs.quiet),), prefs=prefs)
    if press.action == "tz" and press.value == "ask":
        idle = replace(session, state=State.IDLE, pending=None, focus=None)
        new = move(idle, Trigger.SETTINGS, None, pending=None)
        return Outcome(new, replies=(Reply("ask/ask_timezone"),))
    return Outcome(session, notice=Reply("notice_stale"))


def _new_case(session: Session, cases: Mapping[int, Case], ctx: Ctx) -> Outcome:
    no = max(cases, default=0) + 1
    case = Case(no=no, created_at=utc(ctx.now))
    # Evidence sent before there was a case belongs to the new one.
    moved, case, filed = carry_inbox(replace(session, case_no=no, pending=None), case, ctx)
    new = move(moved, Trigger.NEW, case, pending=None)
    return Outcome(new, changed=(case,), replies=(*filed, ask(new, case)))
