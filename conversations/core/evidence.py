"""Evidence: filing what the user sends, and the checklist of a traceable (可追溯) case."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any

from conversations.core.events import Evidence
from conversations.core.evidence_kinds import (
    CLAIM_GROUP,
    EvidenceClaim,
    EvidenceGroup,
    EvidenceItem,
)
from conversations.core.model import MAX_EVENTS, Case, TimelineEvent, in_order
from conversations.core.timing import utc

MAX_ITEMS = 50  # per case, and waiting outside a case
MAX_FILE_BYTES = 20 * 1024 * 1024  # what the Bot API's getFile downloads
GROUP_ORDER = (EvidenceGroup.ORDER, EvidenceGroup.PROBLEM, EvidenceGroup.COMMS)
# What a caption, a note or a file name says the item shows; the first match wins.
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
# What each group can show: re-filing offers these, and keeps "what" only where it fits.
KINDS_IN: dict[EvidenceGroup, tuple[EvidenceClaim, ...]] = {
    g: tuple(c for c, cg in CLAIM_GROUP.items() if cg is g) for g in EvidenceGroup
}
# In a forward's timeline line, what stands for an item with no words of its own.
_PLACEHOLDER = {"photo": "📷", "image": "📷", "video": "🎬", "audio": "🎧", "text": ""}


def says(words: str | None) -> EvidenceClaim | None:
    """What a caption, note or file name says the item shows, if it names a kind."""
    return next((c for c, pattern in _WHAT_WORDS if words and pattern.search(words)), None)


def guess(ev: Evidence) -> tuple[EvidenceGroup, EvidenceClaim | None]:
    """The group an item most likely belongs to, and what it shows if its words say."""
    what = says(" ".join(w for w in (ev.caption, ev.file_name) if w))
    if what is not None:
        return CLAIM_GROUP[what], what
    if ev.kind == "audio":
        return EvidenceGroup.COMMS, EvidenceClaim.CALL_RECORDING  # a recorded call
    if ev.origin_at is not None:
        return EvidenceGroup.COMMS, EvidenceClaim.CHAT_LOG  # a forwarded support message
    # An unlabelled screenshot or screen recording most often shows the failure; a document,
    # the order.
    if ev.kind in ("photo", "image", "video"):
        return EvidenceGroup.PROBLEM, None
    return EvidenceGroup.ORDER, None


def too_big(ev: Evidence) -> bool:
    """Whether the file is over what the bot can download."""
    return ev.size is not None and ev.size > MAX_FILE_BYTES


def same_evidence(a: Evidence | EvidenceItem, b: Evidence) -> bool:
    """Whether two are the same file (or the same forwarded text)."""
    if b.file_unique_id and a.file_unique_id == b.file_unique_id:
        return True
    a_at = utc(a.origin_at) if a.origin_at else None
    b_at = utc(b.origin_at) if b.origin_at else None
    return a.kind == b.kind == "text" and (a.text, a_at) == (b.text, b_at)


def duplicate_of(case: Case, ev: Evidence) -> EvidenceItem | None:
    """The item of the case that already holds this file (or this forwarded text)."""
    return next((i for i in case.evidence if same_evidence(i, ev)), None)


def add(case: Case, ev: Evidence, now: datetime) -> tuple[Case, EvidenceItem]:
    """The case with the item filed, and a timeline event for a forwarded message."""
    group, what = guess(ev)
    # A number is never given twice, so a button on an old message never reaches a new item.
    no = _last_number(case) + 1
    item = EvidenceItem(
        id=no,
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
        event = TimelineEvent(item.origin_at, _event_line(item), evidence=item.id)
        events = in_order((*events, event))
    return replace(case, evidence=(*case.evidence, item), events=events, evidence_seq=no), item


def _last_number(case: Case) -> int:
    """The highest item number the case has given (cases stored before the counter: its items')."""
    return max(case.evidence_seq, *(i.id for i in case.evidence), 0)


def _event_line(item: EvidenceItem) -> str:
    said = item.text or item.description or _PLACEHOLDER.get(item.kind, "📄")
    line = f"{item.sender}: {said}" if item.sender else said
    return line[:300]


def describe(case: Case, item_id: int, note: str) -> tuple[Case, EvidenceItem]:
    """The item with a new description; a note that names a kind also files it as that."""
    what = says(note)
    updated: EvidenceItem | None = None
    items = []
    for i in case.evidence:
        if i.id == item_id:
            i = replace(i, description=note)
            if what is not None:
                i = replace(i, what=what, group=CLAIM_GROUP[what])
            updated = i
        items.append(i)
    assert updated is not None, item_id
    return replace(case, evidence=tuple(items)), updated


def refile(case: Case, ids: set[int], to: EvidenceGroup | EvidenceClaim) -> Case:
    """Items moved to a group (keeping what they show where it fits) or marked as one kind."""
    def moved(i: EvidenceItem) -> EvidenceItem:
        if isinstance(to, EvidenceClaim):
            return replace(i, group=CLAIM_GROUP[to], what=to)
        return replace(i, group=to, what=i.what if i.what in KINDS_IN[to] else None)

    return replace(case, evidence=tuple(moved(i) if i.id in ids else i for i in case.evidence))


def remove(case: Case, ids: set[int]) -> tuple[Case, tuple[EvidenceItem, ...]]:
    """The case without the items and the timeline events their forwards made."""
    gone = tuple(i for i in case.evidence if i.id in ids)
    # Events stored before they named their item are found by their time and words.
    unlinked = {(i.origin_at, _event_line(i)) for i in gone if i.origin_at}
    events = tuple(
        e for e in case.events
        if not (e.evidence in ids or (e.evidence is None and (e.at, e.text) in unlinked))
    )
    kept = tuple(i for i in case.evidence if i.id not in ids)
    return replace(case, evidence=kept, events=events, evidence_seq=_last_number(case)), gone


@dataclass(frozen=True)
class Filed:
    """What became of evidence offered to a case."""

    case: Case
    added: tuple[EvidenceItem, ...] = ()
    duplicates: tuple[EvidenceItem, ...] = ()  # already in the case: kept once
    updated: tuple[EvidenceItem, ...] = ()  # duplicates whose new caption became their note
    too_big: int = 0
    full: int = 0  # past the limit of items per case


def file(case: Case, evs: tuple[Evidence, ...], now: datetime) -> Filed:
    """File items into a case; duplicates, files too big and items past the limit stay out."""
    added: list[EvidenceItem] = []
    duplicates: list[EvidenceItem] = []
    updated: list[EvidenceItem] = []
    big = full = 0
    for ev in evs:
        if too_big(ev):
            big += 1
            continue
        same = duplicate_of(case, ev)
        if same is not None:
            if ev.caption and ev.caption != same.description:
                case, same = describe(case, same.id, ev.caption)
                updated.append(same)
            duplicates.append(same)
            continue
        if len(case.evidence) >= MAX_ITEMS:
            full += 1
            continue
        case, item = add(case, ev, now)
        added.append(item)
    return Filed(case, tuple(added), tuple(duplicates), tuple(updated), big, full)


@dataclass(frozen=True)
class Album:
    """What became of one album's items so far: its one acknowledgement counts them all."""

    media_group_id: str
    case_no: int | None  # None: the items wait outside a case
    items: tuple[int, ...] = ()  # numbers of the items filed into the case
    waiting: int = 0  # items kept outside a case
    duplicates: int = 0
    updated: int = 0  # duplicates whose new caption became their description
    too_big: int = 0
    full: int = 0
    unsupported: int = 0

    def plus(self, **counts: int) -> Album:
        """The tally with more counted."""
        return replace(self, **{k: getattr(self, k) + v for k, v in counts.items()})

    def to_json(self) -> dict[str, Any]:
        """Serialise for storage."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["items"] = list(self.items)
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Album:
        """Deserialise from storage."""
        return cls(**{**d, "items": tuple(d.get("items", ()))})


MAX_ALBUMS = 3  # tallies kept: albums arrive one after another, rarely interleaved


def tallied(
    albums: tuple[Album, ...], media_group_id: str, case_no: int | None,
    counts: Mapping[str, int], items: tuple[int, ...] = (),
) -> tuple[tuple[Album, ...], Album]:
    """The albums with one counted further (started if new), and that album."""
    old = next((a for a in albums if (a.media_group_id, a.case_no) == (media_group_id, case_no)),
               Album(media_group_id, case_no))
    new = replace(old.plus(**counts), items=(*old.items, *items))
    rest = tuple(a for a in albums if a is not old)
    return (*rest, new)[-MAX_ALBUMS:], new


_EXTENSIONS = {
    "image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf",
    "video/mp4": ".mp4", "audio/mpeg": ".mp3", "audio/mp4": ".m4a", "audio/x-m4a": ".m4a",
}


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
    ok: bool  # there: a fact recorded, or an item sent that shows it
    claimed: bool = False  # the user ticked it as held, but sent nothing that shows it
    items: tuple[int, ...] = ()  # numbers of the items that show it


def checklist(case: Case) -> list[tuple[str, list[Check]]]:
    """The seed's groups and the demand, each with what is there and what is missing."""
    claims = set(case.evidence_claims)

    def shown(claim: EvidenceClaim) -> Check:
        ids = tuple(i.id for i in case.evidence if i.what is claim)
        return Check(claim.value, bool(ids), not ids and claim in claims, ids)

    said = tuple(i.id for i in case.evidence if i.group is EvidenceGroup.COMMS and i.origin_at)
    contact_ok = bool(said) or any(c.at for c in case.contacts)
    comms_claimed = bool(claims & {EvidenceClaim.CHAT_LOG, EvidenceClaim.CALL_RECORDING,
                                   EvidenceClaim.EMAILS})
    return [
        ("order", [
            Check("order_no", bool(case.order_no)),
            shown(EvidenceClaim.PAYMENT_RECORD),
            shown(EvidenceClaim.CODE_SCREENSHOT),
        ]),
        ("problem", [
            Check("timeline", bool(case.events)),
            shown(EvidenceClaim.FAILURE_SCREENSHOT),
        ]),
        ("comms", [Check("contact", contact_ok, not contact_ok and comms_claimed, said)]),
        ("demand", [Check("demand", bool(case.demand_action and case.demand_deadline))]),
    ]
