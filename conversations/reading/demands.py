"""What the user demands: the action, its own words and its deadline."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from conversations.model import (
    DemandAction,
    Window,
)
from conversations.reading.amounts import mentions_amount
from conversations.reading.normalize import Norm, normalise, read
from conversations.reading.spans import Span, trimmed
from conversations.reading.times import SHANGHAI
from conversations.reading.windows import scan_windows

# Money taken twice or too much: what to give back is that part, not the whole price.
_OVERCHARGE = re.compile(
    r"(?:(?:退还|退回|返还|退)(?:给我)?)?多(?:扣|收|付)(?:的|了)?(?:钱|部分|金额|款项?|费用)?"
    r"|refund\s+(?:of\s+)?the\s+(?:extra|duplicate|double|second|over)[-\s]?charge"
    r"|overcharge",
    re.I,
)


_ACTION_PATTERNS: tuple[tuple[DemandAction, re.Pattern[str]], ...] = (
    # The part charged twice is the part to give back: never more than the user asks for.
    (DemandAction.REFUND_DIFFERENCE, re.compile(
        rf"退还差价|退差价|补差价|返还差价|差价|{_OVERCHARGE.pattern}"
        r"|refund\s+(?:of\s+)?the\s+(?:price\s+)?difference|price\s+difference", re.I)),
    (DemandAction.FULL_REFUND, re.compile(
        r"全额退款|退全款|退款|退钱|退费|退还|退回|返还|refund(?:ed)?|money\s+back", re.I)),
    (DemandAction.REISSUE_CODE, re.compile(
        r"补发|重发|重新发|补卡|换一张|换卡|重新发放"
        r"|re-?issue|re-?send|replacement|new\s+code|replace\s+the\s+code", re.I)),
    (DemandAction.COMPENSATION, re.compile(r"赔偿|补偿|赔付|compensat\w*", re.I)),
)  # fmt: skip


_NEGATED = re.compile(r"(?:不要|不需要|不用|不接受|don'?t\s+want|\bnot\s+a|\bno)\s*$", re.I)


VAGUE = re.compile(
    r"必须处理|给(?:我)?个?说法|给(?:我)?个?交代|尽快解决|尽快处理|赶紧处理|赶快处理|马上处理|立即处理"
    r"|处理一下|解决一下|看着办|负责到底|必须解决|给个答复"
    r"|handle\s+it|fix\s+(?:this|it)|sort\s+(?:it|this)\s+out|deal\s+with\s+it|do\s+something"
    r"|resolve\s+(?:this|it)",
    re.I,
)


# Concrete wishes outside the four actions, typed by the user: not vague.
_CONCRETE_OTHER = re.compile(
    r"道歉|解释|说明原因|核实|查明|恢复|解封|开发票|书面|承诺|apolog|explain|investigat|restore",
    re.I,
)


PHRASE_END = re.compile(r"[，,。！？!?；;\n]")


def parse_demand(
    text: str, now: datetime, tz: ZoneInfo = SHANGHAI
) -> tuple[DemandAction | None, str | None, Window | None]:
    """(action, the demand phrase when it names several actions, deadline window)."""
    norm = read(text)
    windows = scan_windows(norm.text, now, tz)
    deadline = replace(windows[0][2], text=norm.quote(*windows[0][:2])) if windows else None
    actions = find_actions(norm.text)
    if not actions:
        return None, None, deadline
    first = actions[0][2]
    phrase = _demand_phrase(norm, actions, [(s, e) for s, e, _ in windows])
    # The user's words are kept when they say more than one action's name: several actions,
    # the sum ("退还差价20元"), or that it is the overcharge ("退还多扣的200元").
    own_words = phrase and (mentions_amount(phrase) or _OVERCHARGE.search(phrase))
    if len({a for _, _, a in actions}) < 2 and not own_words:
        return first, None, deadline
    return first, phrase, deadline


def is_vague_demand(text: str) -> bool:
    """True for a demand with no concrete action: "你们必须处理", "给个说法", "fix this now"."""
    norm = normalise(text)
    if find_actions(norm):
        return False
    return bool(VAGUE.search(norm)) or not _CONCRETE_OTHER.search(norm)


def find_actions(text: str) -> list[tuple[int, int, DemandAction]]:
    """Demanded actions in order of appearance, overlaps and negated ones ("不要补偿") removed."""
    spans = [
        (m.start(), m.end(), action)
        for action, pattern in _ACTION_PATTERNS
        for m in pattern.finditer(text)
        if not _NEGATED.search(text[max(0, m.start() - 12) : m.start()])
    ]
    out: list[tuple[int, int, DemandAction]] = []
    for span in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if not out or span[0] >= out[-1][1]:
            out.append(span)
    return out


def _demand_phrase(
    norm: Norm, actions: list[tuple[int, int, DemandAction]], windows: list[Span]
) -> str | None:
    """From the first action to the end of the clause holding the last, without the deadline;
    in the user's own words."""
    text = norm.text
    start, last_end = actions[0][0], actions[-1][1]
    stop = PHRASE_END.search(text, last_end)
    end = stop.start() if stop else len(text)
    for w_start, _ in windows:
        if last_end <= w_start < end:
            end = w_start  # "…或全额退款 within 48 hours": the deadline is kept apart
    phrase = norm.quote(*trimmed(text, start, end)).strip(" \t，,。.!！?？；;")
    return phrase[:120] or None
