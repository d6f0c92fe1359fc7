"""The kinds of evidence a case holds: claims, their groups, and the items the user sent."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum
from typing import Any

from conversations.core.timing import dt_in, dt_out


class EvidenceClaim(StrEnum):
    """Evidence the user says they hold, in the seed's three groups (until files arrive)."""

    ORDER_SCREENSHOT = "order_screenshot"  # 订单凭证
    PAYMENT_RECORD = "payment_record"  # 订单凭证
    CODE_SCREENSHOT = "code_screenshot"  # 订单凭证
    FAILURE_SCREENSHOT = "failure_screenshot"  # 问题记录
    CHAT_LOG = "chat_log"  # 沟通记录
    CALL_RECORDING = "call_recording"  # 沟通记录
    EMAILS = "emails"  # 沟通记录


class EvidenceGroup(StrEnum):
    """The seed's material groups an evidence item is filed under."""

    ORDER = "order"  # 订单凭证: order, payment record, card-code screenshot
    PROBLEM = "problem"  # 问题记录: activation failure, error screens
    COMMS = "comms"  # 沟通记录: support chats, emails, call notes


# What each kind of evidence proves, by group.
CLAIM_GROUP: dict[EvidenceClaim, EvidenceGroup] = {
    EvidenceClaim.ORDER_SCREENSHOT: EvidenceGroup.ORDER,
    EvidenceClaim.PAYMENT_RECORD: EvidenceGroup.ORDER,
    EvidenceClaim.CODE_SCREENSHOT: EvidenceGroup.ORDER,
    EvidenceClaim.FAILURE_SCREENSHOT: EvidenceGroup.PROBLEM,
    EvidenceClaim.CHAT_LOG: EvidenceGroup.COMMS,
    EvidenceClaim.CALL_RECORDING: EvidenceGroup.COMMS,
    EvidenceClaim.EMAILS: EvidenceGroup.COMMS,
}


@dataclass(frozen=True)
class EvidenceItem:
    """A file or forwarded message the user sent as evidence."""

    id: int  # per case, from 1, never reused
    kind: str  # photo, image, pdf, document, audio, video, text
    group: EvidenceGroup
    received_at: datetime  # UTC
    file_id: str | None = None
    file_unique_id: str | None = None  # the same file sent twice is kept once
    size: int | None = None
    mime_type: str | None = None
    file_name: str | None = None
    description: str | None = None  # the caption, or the user's note
    what: EvidenceClaim | None = None  # what it shows, when known
    origin_at: datetime | None = None  # a forward's original time (UTC)
    sender: str | None = None  # a forward's original sender
    text: str | None = None  # a forwarded text message
    media_group_id: str | None = None  # the album it came in
    local_path: str | None = None  # where it was downloaded, relative to the data folder

    def to_json(self) -> dict[str, Any]:
        """Serialise for storage."""
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            out[f.name] = dt_out(v) if isinstance(v, datetime) else v
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> EvidenceItem:
        """Deserialise from storage."""
        received = dt_in(d["received_at"])
        assert received is not None
        return cls(
            **{
                **d,
                "group": EvidenceGroup(d["group"]),
                "what": EvidenceClaim(d["what"]) if d.get("what") else None,
                "received_at": received,
                "origin_at": dt_in(d.get("origin_at")),
            }
        )
