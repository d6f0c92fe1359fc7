"""What the user demands: the action, its own words and its deadline."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from conversations.core.model import DemandAction
from conversations.core.timing import RoughTime, Window
from conversations.reading.amounts import mentions_amount
from conversations.reading.normalize import Norm, normalise, read
from conversations.reading.spans import Span, trimmed
from conversations.reading.times import SHANGHAI, scan_times
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
        rf"退还差价|退差价|补差价|返还差价|差价|{_OVERCHARGE.pattern}|退返多扣|多扣嗰"
        r"|refund\s+(?:of\s+)?the\s+(?:price\s+)?difference|price\s+difference"
        r"|(?:refund|return)\s+(?:of\s+)?the\s+(?:extra|duplicate|double|second)"
        r"|the\s+(?:extra|duplicate|double|second)\s+(?:charge\s+|payment\s+|[¥$]?\d+\s+)?"
        r"(?:back|refunded|returned)", re.I)),
    (DemandAction.FULL_REFUND, re.compile(
        r"全额退款|退全款|退款|退钱|退费|退还|退回|返还|退返|(?<![撤后])退(?=到|给|我|了|回|款|钱|晒|返|俾)"
        r"|refund(?:ed)?|money\s+back|return\s+(?:the|my)\s+[¥$]\s?\d+|(?:my|the|full)\s+(?:money|payment|[¥$]?\d+(?:\.\d+)?)"
        r"\s+(?:returned|back)|pay\s+me\s+back|reimburse"
        r"|want\s+(?:my|the)\s+[¥$]\d+(?:\.\d+)?|want\s+(?:my\s+|the\s+)?[¥$]?\d+(?:\.\d+)?\s+back"
        r"|want\s+(?:it|the\s+refund|my\s+money)\s+(?:paid|refunded|back|returned)", re.I)),
    (DemandAction.REISSUE_CODE, re.compile(
        r"补发|重发|重新发|补卡|换一张|换卡|重新发放|补返|补回|补一张|补给我|再发|发卡密|发个新|"
        r"发张新|换个新|换张新|给我新的|新的卡密|新卡密|(?:卡密|码|卡)\S{0,3}发给我|发给我|发卡(?!盟)"
        r"|发下来|发货|补返|补番"
        r"|re-?issue|re-?send|replacement|new\s+(?:code|card|pin|key)s?"
        r"|replace\s+the\s+(?:code|card)|(?:working|valid|right|correct|new)\s+(?:\S+\s+)?codes?"
        r"|send\s+(?:me\s+)?(?:it|them|the|a|my)\b|delivered|deliver\s+(?:it|them|the)"
        r"|\breplac(?:e|ed|ement)\b|\bnew\s+one\b", re.I)),
    (DemandAction.COMPENSATION, re.compile(r"赔偿|补偿|赔付|赔钱|compensat\w*", re.I)),
)  # fmt: skip


_NEGATED = re.compile(r"(?:不要|不需要|不用|不接受|don'?t\s+want|\bnot\s+a|\bno)\s*$", re.I)


VAGUE = re.compile(
    r"必须(?:给我)?(?:处理|解决|负责)|给我(?:处理|解决)|给(?:我)?个?说法|给(?:我)?个?交代|尽快解决|尽快处理"
    r"|赶紧处理|赶快处理|马上处理|立即处理"
    r"|处理一下|解决一下|看着办|负责到底|必须解决|给个答复"
    r"|handle\s+it|fix\s+(?:this|it)|sort\s+(?:it|this)\s+out|deal\s+with\s+it|do\s+something"
    r"|resolve\s+(?:this|it)",
    re.I,
)


# Concrete wishes outside the four actions, typed by the user: not vague.
CONCRETE_OTHER = re.compile(
    r"道歉|解释|说明原因|核实|查明|恢复|解封|解冻|提现|开发票|发票|书面|承诺|取消|撤销|提供|出示|发货|到账"
    r"|回电|打电话给我|回我电话|证明|换成|换到"
    r"|apolog|explain|investigat|restore|unfreeze|unlock|withdraw|invoice|provide|cancel"
    r"|records?\b|deliver|call\s+me|call\s+back|written|letter|certificate|fapiao",
    re.I,
)


PHRASE_END = re.compile(r"[，,。！？!?；;\n]")


def parse_demand(
    text: str, now: datetime, tz: ZoneInfo = SHANGHAI
) -> tuple[DemandAction | None, str | None, Window | None]:
    """(action, the demand phrase when it names several actions, deadline window)."""
    norm = read(text)
    windows = scan_windows(norm.text, now, tz) or _said_day(norm.text, now, tz)
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


def _said_day(text: str, now: datetime, tz: ZoneInfo) -> list[tuple[int, int, Window]]:
    """A day or time said in a demand without 前 / by ("要求今天给我开发票", "want them
    delivered today"): it is the deadline, to the end of that day (or that hour)."""
    for start, end, at in scan_times(text, now, tz, forwards=True):
        local = at.astimezone(tz)
        if local < now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0):
            continue  # a day already past is no deadline
        if isinstance(local, RoughTime) or (local.hour, local.minute) == (0, 0):
            local = local.replace(hour=23, minute=59, second=0, microsecond=0)
        return [(start, end, Window(text[start:end], until=local.astimezone(UTC)))]
    return []


def is_vague_demand(text: str) -> bool:
    """True for a demand with no concrete action: "你们必须处理", "给个说法", "fix this now"."""
    norm = normalise(text)
    if find_actions(norm):
        return False
    return bool(VAGUE.search(norm)) or not CONCRETE_OTHER.search(norm)


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
