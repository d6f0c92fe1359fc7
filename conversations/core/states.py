"""Named conversation states, triggers and the explicit transition table."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path


class State(StrEnum):
    """Where the user is in the conversation."""

    IDLE = "idle"
    ASK_STORY = "ask_story"
    ASK_DOUBT = "ask_doubt"  # which of two readings of the story was meant
    ASK_PLATFORM = "ask_platform"
    ASK_ORDER_NO = "ask_order_no"
    ASK_PRODUCT = "ask_product"
    ASK_AMOUNT = "ask_amount"
    ASK_PURCHASE_TIME = "ask_purchase_time"
    ASK_ISSUE_TYPE = "ask_issue_type"
    ASK_ISSUE_DETAIL = "ask_issue_detail"
    ASK_EVENTS = "ask_events"
    ASK_CONTACT_CHANNEL = "ask_contact_channel"
    ASK_CONTACT_TIME = "ask_contact_time"
    ASK_CONTACT_REF = "ask_contact_ref"
    ASK_CONTACT_PROMISE = "ask_contact_promise"
    ASK_DEMAND_ACTION = "ask_demand_action"
    ASK_DEMAND_DEADLINE = "ask_demand_deadline"
    ASK_RULE = "ask_rule"
    ASK_EVIDENCE = "ask_evidence"
    REVIEW = "review"
    ASK_COMPANY_NAME = "ask_company_name"
    ASK_COMPANY_CODE = "ask_company_code"
    ASK_COMPANY_ADDRESS = "ask_company_address"
    ASK_EVIDENCE_NOTE = "ask_evidence_note"
    ASK_REPLY = "ask_reply"
    ASK_REPLY_OUTCOME = "ask_reply_outcome"
    ASK_REPLY_WINDOW = "ask_reply_window"
    ASK_SNOOZE = "ask_snooze"
    ASK_TIMEZONE = "ask_timezone"


class Trigger(StrEnum):
    """What moved the conversation."""

    NEW = "new"  # /new
    RESUME = "resume"  # continue a draft
    STORY = "story"  # a pasted narrative
    STEP_BY_STEP = "step_by_step"
    ANSWER = "answer"  # a valid answer to the current question
    SKIP = "skip"  # "I don't have it" / "no promise"
    ADD = "add"  # one more item of a list (timeline event)
    DONE = "done"  # the list is complete
    CLEAR = "clear"  # empty the list and start it again
    DROP = "drop"  # remove one entry of the list
    CHOOSE = "choose"  # a contact channel was chosen
    TOGGLE = "toggle"  # tick or untick one item of a multiple choice
    EDIT = "edit"  # edit a field from the review
    COMPANY = "company"  # the respondent's details are needed for a channel's text
    LOG_CONTACT = "log_contact"  # record a call just made, or a complaint just filed
    DESCRIBE = "describe"  # write a note on an evidence item
    REPLY = "reply"  # log a reply the platform or a channel sent
    SNOOZE = "snooze"  # remind me later, at a time the user types
    SETTINGS = "settings"  # change the timezone
    CONFIRM = "confirm"
    CANCEL = "cancel"


class Target(StrEnum):
    """Pseudo-targets resolved by the engine against the case."""

    NEXT = "next"  # the first unanswered question in INTAKE_ORDER, or REVIEW
    EDITED = "edited"  # the question of the field the user chose to edit
    AFTER_CONTACT = "after_contact"  # more contacts in an intake; back to idle after a call log


# The intake asks these in order; NEXT skips the ones the case already answers.
INTAKE_ORDER: tuple[State, ...] = (
    State.ASK_DOUBT,
    State.ASK_PLATFORM,
    State.ASK_ORDER_NO,
    State.ASK_PRODUCT,
    State.ASK_AMOUNT,
    State.ASK_PURCHASE_TIME,
    State.ASK_ISSUE_TYPE,
    State.ASK_ISSUE_DETAIL,
    State.ASK_EVENTS,
    State.ASK_CONTACT_CHANNEL,
    State.ASK_DEMAND_ACTION,
    State.ASK_DEMAND_DEADLINE,
    State.ASK_RULE,
    State.ASK_EVIDENCE,
)

# Questions the review can send the user back to.
EDITABLE: tuple[State, ...] = tuple(
    s for s in INTAKE_ORDER if s not in (State.ASK_DOUBT, State.ASK_ISSUE_DETAIL)
)

# Every state other than IDLE asks a question that /cancel or /new can leave.
_ASKING: tuple[State, ...] = tuple(s for s in State if s is not State.IDLE)

_S = State
_T = Trigger
TRANSITIONS: dict[tuple[State, Trigger], State | Target] = {
    (_S.IDLE, _T.NEW): _S.ASK_STORY,
    (_S.IDLE, _T.RESUME): Target.NEXT,
    (_S.ASK_STORY, _T.STORY): Target.NEXT,
    (_S.ASK_STORY, _T.STEP_BY_STEP): Target.NEXT,
    (_S.ASK_DOUBT, _T.ANSWER): Target.NEXT,
    (_S.ASK_DOUBT, _T.SKIP): Target.NEXT,
    (_S.ASK_PLATFORM, _T.ANSWER): Target.NEXT,
    (_S.ASK_ORDER_NO, _T.ANSWER): Target.NEXT,
    (_S.ASK_ORDER_NO, _T.SKIP): Target.NEXT,
    (_S.ASK_PRODUCT, _T.ANSWER): Target.NEXT,
    (_S.ASK_AMOUNT, _T.ANSWER): Target.NEXT,
    (_S.ASK_AMOUNT, _T.SKIP): Target.NEXT,
    (_S.ASK_PURCHASE_TIME, _T.ANSWER): Target.NEXT,
    (_S.ASK_PURCHASE_TIME, _T.SKIP): Target.NEXT,
    (_S.ASK_ISSUE_TYPE, _T.ANSWER): Target.NEXT,
    (_S.ASK_ISSUE_DETAIL, _T.ANSWER): Target.NEXT,
    (_S.ASK_EVENTS, _T.ADD): _S.ASK_EVENTS,
    (_S.ASK_EVENTS, _T.DONE): Target.NEXT,
    (_S.ASK_EVENTS, _T.CLEAR): _S.ASK_EVENTS,
    (_S.ASK_EVENTS, _T.DROP): _S.ASK_EVENTS,
    (_S.ASK_CONTACT_CHANNEL, _T.CLEAR): _S.ASK_CONTACT_CHANNEL,
    (_S.ASK_CONTACT_CHANNEL, _T.DROP): _S.ASK_CONTACT_CHANNEL,
    (_S.ASK_CONTACT_CHANNEL, _T.CHOOSE): _S.ASK_CONTACT_TIME,
    (_S.ASK_CONTACT_CHANNEL, _T.DONE): Target.NEXT,
    (_S.ASK_CONTACT_TIME, _T.ANSWER): _S.ASK_CONTACT_REF,
    (_S.ASK_CONTACT_TIME, _T.SKIP): _S.ASK_CONTACT_REF,
    (_S.ASK_CONTACT_REF, _T.ANSWER): _S.ASK_CONTACT_PROMISE,
    (_S.ASK_CONTACT_REF, _T.SKIP): _S.ASK_CONTACT_PROMISE,
    (_S.ASK_CONTACT_PROMISE, _T.ANSWER): Target.AFTER_CONTACT,
    (_S.ASK_CONTACT_PROMISE, _T.SKIP): Target.AFTER_CONTACT,
    (_S.ASK_DEMAND_ACTION, _T.ANSWER): Target.NEXT,
    (_S.ASK_DEMAND_DEADLINE, _T.ANSWER): Target.NEXT,
    (_S.ASK_RULE, _T.ANSWER): Target.NEXT,
    (_S.ASK_RULE, _T.SKIP): Target.NEXT,
    (_S.ASK_EVIDENCE, _T.TOGGLE): _S.ASK_EVIDENCE,
    (_S.ASK_EVIDENCE, _T.DONE): Target.NEXT,
    (_S.REVIEW, _T.EDIT): Target.EDITED,
    (_S.REVIEW, _T.CONFIRM): _S.IDLE,
    # After the intake: the respondent's details before a 12315 or mediation text ...
    (_S.IDLE, _T.COMPANY): _S.ASK_COMPANY_NAME,
    (_S.ASK_COMPANY_NAME, _T.ANSWER): _S.ASK_COMPANY_CODE,
    (_S.ASK_COMPANY_CODE, _T.ANSWER): _S.ASK_COMPANY_ADDRESS,
    (_S.ASK_COMPANY_CODE, _T.SKIP): _S.ASK_COMPANY_ADDRESS,
    (_S.ASK_COMPANY_ADDRESS, _T.ANSWER): _S.IDLE,
    (_S.ASK_COMPANY_ADDRESS, _T.SKIP): _S.IDLE,
    # ... and the notes of a phone call, through the intake's contact questions.
    (_S.IDLE, _T.LOG_CONTACT): _S.ASK_CONTACT_TIME,
    # ... and a note on an evidence item.
    (_S.IDLE, _T.DESCRIBE): _S.ASK_EVIDENCE_NOTE,
    (_S.ASK_EVIDENCE_NOTE, _T.ANSWER): _S.IDLE,
    # A reply received: what it said, then whether it resolved, promised or refused.
    (_S.IDLE, _T.REPLY): _S.ASK_REPLY,
    (_S.ASK_REPLY, _T.ANSWER): _S.ASK_REPLY_OUTCOME,
    (_S.ASK_REPLY_OUTCOME, _T.DONE): _S.IDLE,
    (_S.ASK_REPLY_OUTCOME, _T.CHOOSE): _S.ASK_REPLY_WINDOW,
    # A refusal climbs the ladder; a 12315 or mediation text first needs the respondent.
    (_S.ASK_REPLY_OUTCOME, _T.COMPANY): _S.ASK_COMPANY_NAME,
    (_S.ASK_REPLY_WINDOW, _T.ANSWER): _S.IDLE,
    # Remind me later at a typed time; the timezone from /settings.
    (_S.IDLE, _T.SNOOZE): _S.ASK_SNOOZE,
    (_S.ASK_SNOOZE, _T.ANSWER): _S.IDLE,
    (_S.IDLE, _T.SETTINGS): _S.ASK_TIMEZONE,
    (_S.ASK_TIMEZONE, _T.ANSWER): _S.IDLE,
    # /cancel leaves any question; the draft stays.
    **{(s, _T.CANCEL): _S.IDLE for s in _ASKING},
    # /new in the middle of an intake starts the story question again (the old draft stays).
    **{(s, _T.NEW): _S.ASK_STORY for s in _ASKING},
}


class TransitionError(RuntimeError):
    """The engine tried a move the table does not allow: a bug, never user input."""


def target(state: State, trigger: Trigger) -> State | Target:
    """Where the table sends `trigger` in `state`."""
    try:
        return TRANSITIONS[(state, trigger)]
    except KeyError:
        raise TransitionError(f"{trigger} is not allowed in {state}") from None


def mermaid() -> str:
    """The state diagram, generated from the table."""
    lines = ["stateDiagram-v2", "    [*] --> idle", "    state next <<choice>>"]
    for (src, trig), dst in TRANSITIONS.items():
        if trig is Trigger.CANCEL or (trig is Trigger.NEW and src is not State.IDLE):
            continue  # drawn once below, to keep the picture readable
        if dst is Target.EDITED:
            lines += [f"    {src} --> {s} : edit" for s in EDITABLE]
        elif dst is Target.AFTER_CONTACT:
            lines.append(f"    {src} --> ask_contact_channel : {trig} (intake)")
            lines.append(f"    {src} --> idle : {trig} (call log)")
        else:
            lines.append(f"    {src} --> {dst} : {trig}")
    lines += [f"    next --> {s}" for s in (*INTAKE_ORDER, State.REVIEW)]
    lines.append("    note right of next : first unanswered question in intake order")
    lines.append("    note left of idle : /cancel from any question returns here; /new restarts")
    return "\n".join(lines) + "\n"


DIAGRAM_PATH = Path(__file__).with_name("states.mmd")

if __name__ == "__main__":
    DIAGRAM_PATH.write_text(mermaid(), encoding="utf-8")
    print(f"wrote {DIAGRAM_PATH}")
