"""Every button action, as callback data carries it."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    """What a button does; its value is what the callback data carries."""

    # Buttons that send no callback: a link, text copied to the clipboard, the Mini App.
    URL = "url"
    COPY = "copy"
    PAGE = "page"  # the case as a page (shown only when the Mini App is set up)
    # Case-independent buttons.
    NEW = "new"  # start a new case
    QUIET = "quiet"  # quiet hours on or off
    TZ = "tz"  # a timezone preset, or "ask" to type one
    DELETE_ALL = "delete_all"  # the confirmation to forget everything
    FORGET = "forget"  # forget everything, confirmed
    KEEP = "keep"  # keep it after all
    # A case's buttons, pressed at any time (value "<case no>.<arg>").
    OPEN = "open"
    RESUME = "resume"
    TEXT = "text"  # a channel's text
    TEXT_ZH = "text_zh"  # a channel's text in Chinese, for an English-speaking user
    TEXTS = "texts"  # the channel menu
    COMPANY = "company"  # edit the respondent company, then the channel's text
    DELETE = "delete"
    ERASE = "erase"  # delete, confirmed
    EXPORT = "export"
    PAID = "paid"  # how the user paid, then the payment platform's text
    # Evidence.
    EVIDENCE = "evidence"
    ITEM = "item"
    REFILE = "refile"
    DESCRIBE = "describe"
    REMOVE = "remove"
    INTO = "into"  # evidence waiting for a case goes into this one
    # Following a confirmed case up.
    CALL = "call"
    FILED = "filed"
    LOG = "log"
    RESOLVE = "resolve"
    CLOSE = "close"
    REOPEN = "reopen"
    REPLY = "reply"
    SNOOZE = "snooze"
    # Answers to the question asked (the press carries the question's sequence number).
    STEPS = "steps"  # answer step by step instead of a story
    DOUBT = "doubt"  # one reading of what the story said two ways
    SKIP = "skip"
    UNKNOWN = "unknown"  # the user cannot find or remember it
    PLATFORM = "platform"
    ISSUE = "issue"
    DONE = "done"
    DROP = "drop"
    CLEAR = "clear"
    CHANNEL = "channel"
    NOW = "now"
    WINDOW = "window"
    OUTCOME = "outcome"
    DEMAND = "demand"
    CLAIM = "claim"
    CONFIRM = "confirm"
    EDIT = "edit"


def parse_action(text: str) -> Action | None:
    """The action callback data names, or None for one we never made."""
    try:
        return Action(text)
    except ValueError:
        return None
