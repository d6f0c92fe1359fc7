"""Questions: a table from each state to the reply that asks it, and which comes next."""

from __future__ import annotations

from dataclasses import replace

from conversations.core.engine.session import Session, button_rows
from conversations.core.model import (
    Case,
    Channel,
    Contact,
    DemandAction,
    EvidenceClaim,
    IssueType,
    Unknown,
)
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
        rows = button_rows(issue_buttons)
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
        rows = button_rows(channels)
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
        rows = button_rows(actions)
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
        rows = button_rows(ticks)
        rows.append((b("btn.evidence_done", "done"),))
    elif state in (State.ASK_COMPANY_CODE, State.ASK_COMPANY_ADDRESS):
        rows = [(b("btn.skip", "skip"),)]
    elif state is State.REVIEW:
        rows = [(b("btn.confirm", "confirm"),)]
        edits = [b(f"edit.{s}", "edit", s) for s in EDITABLE]
        rows += [tuple(edits[i : i + 3]) for i in range(0, len(edits), 3)]
    return Reply(f"ask/{state}", data, tuple(rows))
