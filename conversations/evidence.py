"""Evidence: filing what the user sends, and the checklist of a traceable (可追溯) case."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from conversations.events import Evidence
from conversations.model import (
    CLAIM_GROUP,
    MAX_EVENTS,
    Case,
    EvidenceClaim,
    EvidenceGroup,
    EvidenceItem,
    TimelineEvent,
    utc,
)

MAX_ITEMS = 50  # per case
MAX_FILE_BYTES = 20 * 1024 * 1024  # what the Bot API's getFile downloads
# What a caption or file name says the item shows; the first match wins.
_WHAT_WORDS: tuple[tuple[EvidenceClaim, re.Pattern[str]], ...] = tuple(
    (claim, re.compile(words, re.IGNORECASE))
    for claim, words in (
        (EvidenceClaim.PAYMENT_RECORD, r"支付|付款|账单|扣款|转账|payment|paid|receipt|bill"),
        (EvidenceClaim.CODE_SCREENSHOT, r"卡密|兑换码|激活码|card ?code|redeem code|\bcode\b"),
        (EvidenceClaim.FAILURE_SCREENSHOT, r"失败|错误|无效|失效|报错|提示|error|invalid|fail"),
        (EvidenceClaim.CHAT_LOG, r"聊天|客服|对话|chat|support"),
        (EvidenceClaim.EMAILS, r"邮件|email|e-mail"),
        (EvidenceClaim.CALL_RECORDING, r"录音|通话|recording|call"),
        (EvidenceClaim.ORDER_SCREENSHOT, r"订单|order"),
    )
)


def guess(ev: Evidence) -> tuple[EvidenceGroup, EvidenceClaim | None]:
    """The group an item most likely belongs to, and what it shows if its words say."""
    words = " ".join(w for w in (ev.caption, ev.file_name) if w)
    what = next((claim for claim, pattern in _WHAT_WORDS if pattern.search(words)), None)
    if ev.origin_at is not None and what is None:
        return EvidenceGroup.COMMS, EvidenceClaim.CHAT_LOG  # a forwarded support message
    if what is not None:
        return CLAIM_GROUP[what], what
    # An unlabelled screenshot most often shows the failure; a document, the order.
    return (EvidenceGroup.PROBLEM if ev.kind in ("photo", "image") else EvidenceGroup.ORDER), None


def is_duplicate(case: Case, ev: Evidence) -> bool:
    """Whether the case already holds this file (or this forwarded text)."""
    for item in case.evidence:
        if ev.file_unique_id and item.file_unique_id == ev.file_unique_id:
            return True
        if ev.kind == "text" and item.kind == "text" and (item.text, item.origin_at) == (
            ev.text,
            utc(ev.origin_at) if ev.origin_at else None,
        ):
            return True
    return False


def add(case: Case, ev: Evidence, now: datetime) -> tuple[Case, EvidenceItem]:
    """The case with the item filed, and a timeline event for a forwarded message."""
    group, what = guess(ev)
    item = EvidenceItem(
        id=max((i.id for i in case.evidence), default=0) + 1,
        kind=ev.kind,
        group=group,
        what=what,
        received_at=utc(now),
        file_id=ev.file_id,
        file_unique_id=ev.file_unique_id,
        size=ev.size,
        mime_type=ev.mime_type,
        file_name=ev.file_name,
        description=ev.caption,
        origin_at=utc(ev.origin_at) if ev.origin_at else None,
        sender=ev.sender,
        text=ev.text,
        media_group_id=ev.media_group_id,
    )
    events = case.events
    if item.origin_at is not None and len(events) < MAX_EVENTS:
        # The seed's 沟通记录: who said what, when — from the forward's own date.
        said = item.text or item.description or "📷"
        line = f"{item.sender}: {said}" if item.sender else said
        events = tuple(sorted((*events, TimelineEvent(item.origin_at, line[:300])),
                              key=lambda e: e.at))
    return case.with_(evidence=(*case.evidence, item), events=events), item


_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}


def evidence_file_name(item: EvidenceItem) -> str:
    """A safe file name for a downloaded item: its number, Telegram's unique id, an extension."""
    suffix = _EXTENSIONS.get(item.mime_type or "", "")
    if not suffix and item.file_name and "." in item.file_name:
        suffix = "." + re.sub(r"[^A-Za-z0-9]", "", item.file_name.rsplit(".", 1)[1])[:8]
    unique = re.sub(r"[^A-Za-z0-9_-]", "", item.file_unique_id or "file")[:40]
    return f"{item.id:02d}-{unique}{suffix}"


@dataclass(frozen=True)
class Check:
    """One line of the traceability checklist."""

    key: str  # names the label and the hint in the templates
    ok: bool


def checklist(case: Case) -> list[tuple[str, list[Check]]]:
    """The seed's groups and the demand, each with what is there and what is missing."""
    shows = {i.what for i in case.evidence if i.what} | set(case.evidence_claims)
    comms = any(c.at for c in case.contacts) or any(
        i.group is EvidenceGroup.COMMS and i.origin_at for i in case.evidence
    )
    return [
        ("order", [
            Check("order_no", bool(case.order_no)),
            Check("payment_record", EvidenceClaim.PAYMENT_RECORD in shows),
            Check("code_screenshot", EvidenceClaim.CODE_SCREENSHOT in shows),
        ]),
        ("problem", [
            Check("timeline", bool(case.events)),
            Check("failure_screenshot", EvidenceClaim.FAILURE_SCREENSHOT in shows),
        ]),
        ("comms", [Check("contact", comms)]),
        ("demand", [Check("demand", bool(case.demand_action and case.demand_deadline))]),
    ]
