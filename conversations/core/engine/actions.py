"""The groups of button actions the dispatch tables use."""

from __future__ import annotations

from conversations.core.actions import Action

EVIDENCE_ACTIONS = frozenset({
    Action.EVIDENCE, Action.ITEM, Action.REFILE, Action.DESCRIBE, Action.REMOVE, Action.INTO,
})
# These choose the case for evidence waiting.
OPENING = frozenset({Action.OPEN, Action.RESUME, Action.EVIDENCE})
FOLLOW_ACTIONS = frozenset({
    Action.CALL, Action.FILED, Action.LOG, Action.RESOLVE, Action.CLOSE, Action.REOPEN,
    Action.REPLY, Action.SNOOZE,
})
