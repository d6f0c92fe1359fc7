"""Every button action, and which actions belong to a case."""

from __future__ import annotations

EVIDENCE_ACTIONS = frozenset({"evidence", "item", "refile", "describe", "remove", "into"})


OPENING = frozenset({"open", "resume", "evidence"})  # these choose the case for evidence waiting


FOLLOW_ACTIONS = frozenset(
    {"call", "filed", "log", "resolve", "close", "reopen", "reply", "snooze"}
)


CASE_ACTIONS = (
    frozenset({"open", "resume", "text", "text_zh", "texts", "company", "delete", "erase",
               "export", "paid"})
    | EVIDENCE_ACTIONS
    | FOLLOW_ACTIONS
)
