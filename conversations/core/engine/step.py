"""One event, dispatched: commands, button presses, evidence and answers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from zoneinfo import ZoneInfo

from conversations.core import channels
from conversations.core.actions import Action, parse_action
from conversations.core.engine.actions import (
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
from conversations.core.model import Case, Channel, Contact
from conversations.core.replies import Button, Reply
from conversations.core.states import State, Trigger
from conversations.core.timing import utc


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
        case Evidence():
            return _on_evidence(event, session, cases, case, ctx)
        case Unsupported():
            return _on_unsupported(event, session, cases, case)
        case Text():
            return _on_text(event, session, cases, case, ctx)
    raise AssertionError(f"unhandled event {event!r}")


def _on_evidence(
    event: Evidence, session: Session, cases: Mapping[int, Case], case: Case | None, ctx: Ctx
) -> Outcome:
    if event.kind != "text" or event.text is None or session.state is not State.ASK_REPLY:
        return receive_evidence(session, cases, event, ctx)
    assert case is not None  # a question is asked only of a case
    # A forwarded reply is both evidence (with its own time) and the reply itself.
    filed = receive_evidence(session, cases, event, ctx)
    logged = with_log(filed.changed[0] if filed.changed else case, ctx, "reply",
                      event.text[:500], answering(session))
    new = move(session, Trigger.ANSWER, logged, pending=session.pending)
    return Outcome(new, (logged,), (*filed.replies, ask(new, logged)))


def _on_unsupported(
    event: Unsupported, session: Session, cases: Mapping[int, Case], case: Case | None
) -> Outcome:
    if event.media_group_id is not None:
        # Part of an album: counted in the album's one reply, the question not repeated.
        return album_refused(session, cases, event.media_group_id)
    replies = [Reply("unsupported", {"kind": event.kind})]
    if case is not None and session.state is not State.IDLE:
        replies.append(ask(session, case))
    return Outcome(session, replies=tuple(replies))


def _on_text(
    event: Text, session: Session, cases: Mapping[int, Case], case: Case | None, ctx: Ctx
) -> Outcome:
    if is_repeat(session, event.text, ctx):
        return Outcome(session, replies=(Reply("repeat_ignored"),))
    session = replace(session, last_text=event.text, last_at=ctx.now)
    if session.state is State.IDLE or case is None:
        return Outcome(session, replies=(idle_hint_reply(cases),))
    limit = MAX_STORY if session.state is State.ASK_STORY else MAX_FIELD.get(
        session.state, MAX_SHORT
    )
    if len(event.text) > limit:
        too_long = Reply("too_long", {"length": len(event.text), "limit": limit})
        return Outcome(session, replies=(too_long, ask(session, case)))
    return on_answer(session, case, event, ctx)


def _command(
    name: str, session: Session, cases: Mapping[int, Case], case: Case | None, ctx: Ctx
) -> Outcome:
    handler = _COMMANDS.get(name)
    if handler is None:
        return Outcome(session, replies=(Reply("unknown_command", {"name": name}),))
    return handler(session, cases, case, ctx)


def _reply(template: str) -> CommandHandler:
    """A command answered by one template, whatever the state."""
    return lambda session, cases, case, ctx: Outcome(session, replies=(Reply(template),))


def _start(session: Session, cases: Mapping[int, Case], case: Case | None, ctx: Ctx) -> Outcome:
    return Outcome(session, replies=(Reply("start", {"drafts": drafts_of(cases)}, start_kb()),))


def _settings(session: Session, cases: Mapping[int, Case], case: Case | None, ctx: Ctx) -> Outcome:
    return Outcome(session, replies=(settings_reply(ctx.tz.key, ctx.quiet),))


def _export(session: Session, cases: Mapping[int, Case], case: Case | None, ctx: Ctx) -> Outcome:
    current = cases.get(session.case_no) if session.case_no is not None else None
    if current is not None and current.status == "confirmed":
        return Outcome(session, exports=(current.no,), replies=(Reply("exporting"),))
    rows = [(Button(Action.EXPORT, str(c.no), text=f"📦 {case_label(c)}"),)
            for c in sorted(cases.values(), key=lambda c: -c.no)[:20]
            if c.status == "confirmed"]
    return Outcome(session, replies=(Reply("export_choose", {"count": len(rows)}, tuple(rows)),))


def _delete(session: Session, cases: Mapping[int, Case], case: Case | None, ctx: Ctx) -> Outcome:
    rows = [(Button(Action.DELETE, str(c.no), text=f"🗑 {case_label(c)}"),)
            for c in sorted(cases.values(), key=lambda c: -c.no)[:20]]
    rows.append((Button(Action.DELETE_ALL, label="btn.delete_all"),))
    return Outcome(session, replies=(Reply("delete_choose", {"cases": cases}, tuple(rows)),))


def _cases(session: Session, cases: Mapping[int, Case], case: Case | None, ctx: Ctx) -> Outcome:
    return Outcome(session, replies=(case_list_reply(cases, ctx),))


def _cancel(session: Session, cases: Mapping[int, Case], case: Case | None, ctx: Ctx) -> Outcome:
    if session.state is State.IDLE:
        return Outcome(session, replies=(Reply("cancel_nothing"),))
    new = move(session, Trigger.CANCEL, case, pending=None)
    return Outcome(new, replies=(Reply("cancelled", {"case": case}),))


def _new(session: Session, cases: Mapping[int, Case], case: Case | None, ctx: Ctx) -> Outcome:
    drafts = drafts_of(cases)
    if drafts:
        # Offer the unfinished draft before opening another one.
        return Outcome(session, replies=(offer_drafts_reply(drafts),))
    return _new_case(session, cases, ctx)


CommandHandler = Callable[[Session, Mapping[int, Case], Case | None, Ctx], Outcome]
_COMMANDS: dict[str, CommandHandler] = {
    "start": _start,
    "help": _reply("help"),
    "settings": _settings,
    "export": _export,
    "privacy": _reply("privacy"),
    "delete": _delete,
    "cases": _cases,
    "cancel": _cancel,
    "new": _new,
}


# --- buttons valid at any time: the user's own, then a case's --------------------------------

GlobalHandler = Callable[[Press, Session, Mapping[int, Case], Ctx], Outcome]
CaseHandler = Callable[[Action, str, Session, Case, Ctx], Outcome]


def _global_press(press: Press, session: Session, cases: Mapping[int, Case], ctx: Ctx) -> Outcome:
    action = parse_action(press.action)
    own = _USER_PRESSES.get(action) if action is not None else None
    if own is not None:
        return own(press, session, cases, ctx)
    no_s, _, arg = press.value.partition(".")
    case = cases.get(int(no_s)) if no_s.isdigit() else None
    if action is None or action not in _CASE_PRESSES:
        return Outcome(session, notice=Reply("notice_stale"))
    if case is None:  # another user's number, a deleted case, or forged data
        return Outcome(session, notice=Reply("notice_not_found"))
    if case.status == "draft" and action not in (*EVIDENCE_ACTIONS, Action.DELETE, Action.ERASE):
        # A draft's only other action is to continue it; evidence waiting goes into it.
        idle = replace(idle_session(session, case.no), seq=session.seq)
        idle, case, filed = carry_inbox(idle, case, ctx)
        new = move(idle, Trigger.RESUME, case, pending=None)
        return Outcome(new, changed=(case,) if filed else (),
                       replies=(*filed, Reply("resumed", {"case": case}), ask(new, case)))
    if action in OPENING and session.inbox:
        # Opening a case is choosing it for the evidence that waits: nothing is left behind.
        carried, case, filed = carry_inbox(session, case, ctx)
        out = _CASE_PRESSES[action](action, arg, carried, case, ctx)
        return replace(out, changed=(case, *out.changed) if out.changed else (case,),
                       replies=(*filed, *out.replies))
    out = _CASE_PRESSES[action](action, arg, session, case, ctx)
    if out.session.inbox and out.replies:
        # Evidence still waits for its case: ask again rather than let it be forgotten.
        out = replace(out, replies=(which_case(out.session, cases), *out.replies))
    return out


def _new_press(press: Press, session: Session, cases: Mapping[int, Case], ctx: Ctx) -> Outcome:
    return _new_case(session, cases, ctx)


def _delete_all(press: Press, session: Session, cases: Mapping[int, Case], ctx: Ctx) -> Outcome:
    rows = ((Button(Action.FORGET, "yes", label="btn.delete_all_yes"),),
            (Button(Action.KEEP, label="btn.keep"),))
    return Outcome(session, replies=(Reply("delete_all_confirm", {}, rows),))


def _forget(press: Press, session: Session, cases: Mapping[int, Case], ctx: Ctx) -> Outcome:
    if press.value != "yes":
        return Outcome(session, notice=Reply("notice_stale"))
    return Outcome(Session(), forget_user=True, notice=Reply("notice_all_deleted"))


def _keep(press: Press, session: Session, cases: Mapping[int, Case], ctx: Ctx) -> Outcome:
    return Outcome(session, notice=Reply("notice_kept"))


def _settings_press(
    press: Press, session: Session, cases: Mapping[int, Case], ctx: Ctx
) -> Outcome:
    if press.action == Action.QUIET and press.value in ("on", "off"):
        prefs = Prefs(ctx.tz.key, press.value == "on")
        return Outcome(session, replies=(settings_reply(prefs.tz, prefs.quiet),), prefs=prefs)
    if press.action == Action.TZ and press.value in TIMEZONE_PRESETS:
        prefs = Prefs(press.value, ctx.quiet)
        return Outcome(session, replies=(settings_reply(prefs.tz, prefs.quiet),), prefs=prefs)
    if press.action == Action.TZ and press.value == "ask":
        idle = replace(session, state=State.IDLE, pending=None, focus=None)
        new = move(idle, Trigger.SETTINGS, None, pending=None)
        return Outcome(new, replies=(Reply("ask/ask_timezone"),))
    return Outcome(session, notice=Reply("notice_stale"))


_USER_PRESSES: dict[Action, GlobalHandler] = {
    Action.NEW: _new_press,
    Action.QUIET: _settings_press,
    Action.TZ: _settings_press,
    Action.DELETE_ALL: _delete_all,
    Action.FORGET: _forget,
    Action.KEEP: _keep,
}


def _export_case(action: Action, arg: str, session: Session, case: Case, ctx: Ctx) -> Outcome:
    return Outcome(session, exports=(case.no,), replies=(Reply("exporting"),))


def _delete_case(action: Action, arg: str, session: Session, case: Case, ctx: Ctx) -> Outcome:
    rows = ((Button(Action.ERASE, str(case.no), label="btn.delete_yes"),),
            (Button(Action.KEEP, label="btn.keep"),))
    return Outcome(session, replies=(Reply("delete_confirm", {"case": case}, rows),))


def _erase(action: Action, arg: str, session: Session, case: Case, ctx: Ctx) -> Outcome:
    # The session forgets the case too, so nothing points at it afterwards.
    cleared = session if session.case_no != case.no else idle_session(session, None)
    return Outcome(cleared, deleted=(case.no,), replies=(Reply("deleted", {"case": case}),))


def _open(action: Action, arg: str, session: Session, case: Case, ctx: Ctx) -> Outcome:
    return Outcome(idle_session(session, case.no), replies=case_view_replies(case, ctx))


def _texts(action: Action, arg: str, session: Session, case: Case, ctx: Ctx) -> Outcome:
    return Outcome(idle_session(session, case.no), replies=(menu_reply(case, ctx),))


def _evidence(action: Action, arg: str, session: Session, case: Case, ctx: Ctx) -> Outcome:
    return evidence_press(action, arg, session, idle_session(session, case.no), case, ctx)


def _follow(action: Action, arg: str, session: Session, case: Case, ctx: Ctx) -> Outcome:
    return follow_press(action, arg, session, idle_session(session, case.no), case, ctx)


def _paid(action: Action, arg: str, session: Session, case: Case, ctx: Ctx) -> Outcome:
    return paid_press(arg, session, idle_session(session, case.no), case, ctx)


def _channel_text(action: Action, arg: str, session: Session, case: Case, ctx: Ctx) -> Outcome:
    """A channel's text (in Chinese for an English-speaking user), after what it needs."""
    idle = idle_session(session, case.no)
    if arg not in channels.TEXT_CHANNELS:
        return Outcome(session, notice=Reply("notice_stale"))
    if action is Action.COMPANY and arg not in channels.NEEDS_COMPANY:
        return Outcome(session, notice=Reply("notice_stale"))  # forged: no form to fill
    if action is Action.COMPANY or (
        arg in channels.NEEDS_COMPANY and case.company_name is None
    ):
        # The form needs the respondent: ask for it, then send the text (pending names it).
        new = move(idle, Trigger.COMPANY, case, pending=Contact(Channel(arg)))
        return Outcome(new, replies=(Reply("company_intro"), ask(new, case)))
    if arg == Channel.PAYMENT and case.paid_with is None:
        return Outcome(idle, replies=(paid_question(case, action),))
    text = channels.channel_reply(case, arg, ctx.now, ctx.tz, action is Action.TEXT_ZH)
    return Outcome(idle, replies=(text,))


_CASE_PRESSES: dict[Action, CaseHandler] = {
    Action.EXPORT: _export_case,
    Action.DELETE: _delete_case,
    Action.ERASE: _erase,
    Action.OPEN: _open,
    Action.RESUME: _open,
    Action.TEXTS: _texts,
    Action.PAID: _paid,
    Action.TEXT: _channel_text,
    Action.TEXT_ZH: _channel_text,
    Action.COMPANY: _channel_text,
    **dict.fromkeys(EVIDENCE_ACTIONS, _evidence),
    **dict.fromkeys(FOLLOW_ACTIONS, _follow),
}


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


def _new_case(session: Session, cases: Mapping[int, Case], ctx: Ctx) -> Outcome:
    no = max(cases, default=0) + 1
    case = Case(no=no, created_at=utc(ctx.now))
    # Evidence sent before there was a case belongs to the new one.
    moved, case, filed = carry_inbox(replace(session, case_no=no, pending=None), case, ctx)
    new = move(moved, Trigger.NEW, case, pending=None)
    return Outcome(new, changed=(case,), replies=(*filed, ask(new, case)))
