"""Questions: a table from each state to the reply that asks it, and which comes next."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from conversations.core.actions import Action
from conversations.core.engine.session import Session, button_rows
from conversations.core.evidence_kinds import EvidenceClaim
from conversations.core.model import Case, Channel, Contact, DemandAction, IssueType, Unknown
from conversations.core.replies import Button, Reply
from conversations.core.states import EDITABLE, INTAKE_ORDER, State, Target, Trigger, target


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


def move(
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


Rows = list[tuple[Button, ...]]


def ask(session: Session, case: Case) -> Reply:
    """The question for the session's state, with its buttons."""
    data = {"case": case, "pending": session.pending, "focus": session.focus}
    keyboard = _KEYBOARDS.get(session.state)
    rows = keyboard(case, session.seq) if keyboard is not None else []
    return Reply(f"ask/{session.state}", data, tuple(rows))


def _tap(seq: int, label: str, action: Action, value: str = "") -> Button:
    """A button answering the question asked (`seq`), its words from the labels."""
    return Button(action, value, label=label, seq=seq)


def _one(label: str, action: Action, value: str = "") -> Callable[[Case, int], Rows]:
    """A question with one button."""
    return lambda case, seq: [(_tap(seq, label, action, value),)]


def _doubt(case: Case, seq: int) -> Rows:
    if not case.doubts:
        return []
    rows: Rows = [(Button(Action.DOUBT, str(i), text=shown, seq=seq),)
                  for i, shown in enumerate(case.doubts[0].shown)]
    return [*rows, (_tap(seq, "btn.doubt_neither", Action.SKIP),)]


def _issue(case: Case, seq: int) -> Rows:
    return button_rows([_tap(seq, f"issue.{i}", Action.ISSUE, i) for i in IssueType])


def _events(case: Case, seq: int) -> Rows:
    if not case.events:
        return []
    # One tap removes a wrong entry; each button names the entry by its own words.
    drops = [(Button(Action.DROP, str(i), text=f"🗑 {e.text[:24]}", seq=seq),)
             for i, e in enumerate(case.events)][-DROP_BUTTONS:]
    return [(_tap(seq, "btn.events_done", Action.DONE),), *drops,
            (_tap(seq, "btn.clear_events", Action.CLEAR),)]


_CONTACT_CHANNELS = (Channel.PLATFORM_SUPPORT, Channel.EMAIL, Channel.PHONE, Channel.C12315,
                     Channel.HEIMAO, Channel.JUTOUSU, Channel.PAYMENT, Channel.OTHER)


def _contact_channel(case: Case, seq: int) -> Rows:
    rows = button_rows([_tap(seq, f"channel.{c}", Action.CHANNEL, c) for c in _CONTACT_CHANNELS])
    done = "btn.no_more_contacts" if case.contacts else "btn.no_contacts"
    rows.append((_tap(seq, done, Action.DONE),))
    rows += [(Button(Action.DROP, str(i), text=f"🗑 {i + 1}. {_contact_words(c)}", seq=seq),)
             for i, c in enumerate(case.contacts)][-DROP_BUTTONS:]
    if case.contacts:
        rows.append((_tap(seq, "btn.clear_contacts", Action.CLEAR),))
    return rows


def _contact_time(case: Case, seq: int) -> Rows:
    # A contact logged on a case under way starts a window: its time cannot be unknown.
    now = _tap(seq, "btn.just_now", Action.NOW)
    return [(now,) if case.status == "confirmed" else (now, _tap(seq, "btn.skip", Action.SKIP))]


def _windows(*presets: tuple[str, ...]) -> Callable[[Case, int], Rows]:
    """Preset windows, a row per tuple."""
    return lambda case, seq: [
        tuple(_tap(seq, f"window.{w}", Action.WINDOW, w) for w in row) for row in presets
    ]


def _promise(case: Case, seq: int) -> Rows:
    return [*_windows(("24h", "3wd"))(case, seq), (_tap(seq, "btn.no_promise", Action.SKIP),)]


def _outcome(case: Case, seq: int) -> Rows:
    return [(_tap(seq, f"outcome.{o}", Action.OUTCOME, o),)
            for o in ("resolved", "promise", "refused")]


def _demand(case: Case, seq: int) -> Rows:
    concrete = [a for a in DemandAction if a is not DemandAction.CUSTOM]
    return button_rows([_tap(seq, f"demand.{a}", Action.DEMAND, a) for a in concrete])


def _evidence(case: Case, seq: int) -> Rows:
    ticks = [
        Button(Action.CLAIM, c, seq=seq,
               label=f"claim.{c}" + (".on" if c in case.evidence_claims else ""))
        for c in EvidenceClaim
    ]
    return [*button_rows(ticks), (_tap(seq, "btn.evidence_done", Action.DONE),)]


def _review(case: Case, seq: int) -> Rows:
    edits = [_tap(seq, f"edit.{s}", Action.EDIT, s) for s in EDITABLE]
    return [(_tap(seq, "btn.confirm", Action.CONFIRM),),
            *(tuple(edits[i : i + 3]) for i in range(0, len(edits), 3))]


# Each question's buttons; a state not listed asks with none.
_KEYBOARDS: dict[State, Callable[[Case, int], Rows]] = {
    State.ASK_STORY: _one("btn.step_by_step", Action.STEPS),
    State.ASK_DOUBT: _doubt,
    State.ASK_PLATFORM: _one("btn.platform_default", Action.PLATFORM),
    **{state: _one(label, Action.UNKNOWN) for state, label in _UNKNOWN_BUTTONS.items()},
    State.ASK_ISSUE_TYPE: _issue,
    State.ASK_EVENTS: _events,
    State.ASK_CONTACT_CHANNEL: _contact_channel,
    State.ASK_CONTACT_TIME: _contact_time,
    State.ASK_CONTACT_REF: _one("btn.skip", Action.SKIP),
    State.ASK_REPLY_OUTCOME: _outcome,
    State.ASK_REPLY_WINDOW: _windows(("24h", "3wd")),
    State.ASK_CONTACT_PROMISE: _promise,
    State.ASK_DEMAND_ACTION: _demand,
    State.ASK_DEMAND_DEADLINE: _windows(("24h", "48h"), ("3wd",)),
    State.ASK_RULE: _one("btn.no_rule", Action.SKIP),
    State.ASK_EVIDENCE: _evidence,
    State.ASK_COMPANY_CODE: _one("btn.skip", Action.SKIP),
    State.ASK_COMPANY_ADDRESS: _one("btn.skip", Action.SKIP),
    State.REVIEW: _review,
}
