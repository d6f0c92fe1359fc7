"""The conversation engine: a pure step (session, cases, event) → (session, cases, replies).

Rooms: `step` dispatches an event; `actions` names every button action; `intake` and
`claims` answer the intake's questions, `answers` the rest and holds the table of every
question's handler; `questions` asks (a table from state to reply) and moves between
states; `followup` follows a confirmed case up; `inbox` files evidence; `views` shows cases.
"""

from conversations.core.engine.questions import ask, next_question
from conversations.core.engine.session import (
    MAX_CONTACTS,
    MAX_EVENTS,
    MAX_FIELD,
    PRESET_WINDOWS,
    SNOOZE_PRESETS,
    TIMEZONE_PRESETS,
    Ctx,
    Outcome,
    Prefs,
    Session,
)
from conversations.core.engine.step import step

__all__ = [
    "MAX_CONTACTS", "MAX_EVENTS", "MAX_FIELD", "PRESET_WINDOWS", "SNOOZE_PRESETS",
    "TIMEZONE_PRESETS", "Ctx", "Outcome", "Prefs", "Session", "ask", "next_question", "step",
]
