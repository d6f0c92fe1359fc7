"""Evidence arriving: filed into a case, held for one, albums, the list and its buttons."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from conversations.core import evidence
from conversations.core.actions import Action
from conversations.core.engine.questions import ask, move
from conversations.core.engine.session import Ctx, Outcome, Session, button_rows, enum_value
from conversations.core.engine.views import case_label
from conversations.core.events import Evidence
from conversations.core.evidence_kinds import (
    CLAIM_GROUP,
    EvidenceClaim,
    EvidenceGroup,
    EvidenceItem,
)
from conversations.core.model import Case
from conversations.core.replies import Button, Reply
from conversations.core.states import Trigger


def receive_evidence(
    session: Session, cases: Mapping[int, Case], ev: Evidence, ctx: Ctx
) -> Outcome:
    case = cases.get(session.case_no) if session.case_no is not None else None
    if case is None:
        return _to_inbox(session, cases, ev)
    filed = evidence.file(case, (ev,), ctx.now)
    changed = (filed.case,) if filed.case != case else ()
    if ev.media_group_id:
        # One album, one reply: every item counted in it, whatever became of it.
        counts = {"duplicates": len(filed.duplicates), "updated": len(filed.updated),
                  "too_big": filed.too_big, "full": filed.full}
        albums, album = evidence.tallied(session.albums, ev.media_group_id, case.no, counts,
                                         tuple(i.id for i in filed.added))
        kept = replace(session, albums=albums)
        return Outcome(kept, changed, (_album_ack(filed.case, album),))
    if filed.added:
        [item] = filed.added
        refile = _refile_row(case.no, str(item.id))
        ack = Reply("evidence_added", {"case": filed.case, "items": filed.added, "album": None,
                                       "limit": evidence.MAX_ITEMS}, (refile,))
        return Outcome(session, changed, (ack,))
    if filed.duplicates:
        [same] = filed.duplicates
        note = same.description if filed.updated else None
        return Outcome(session, changed, (Reply("evidence_duplicate", {"item": same,
                                                                       "note": note}),))
    if filed.too_big:
        return Outcome(session, replies=(Reply("evidence_too_big", {"size": ev.size}),))
    return Outcome(session, replies=(Reply("evidence_full", {"limit": evidence.MAX_ITEMS,
                                                             "inbox": False}),))


def _album_ack(case: Case, album: evidence.Album) -> Reply:
    """The one message of an album, kept current: what was added, and what was not."""
    items = tuple(i for i in case.evidence if i.id in album.items)
    rows = (_refile_row(case.no, f"a{album.media_group_id}"),) if items else ()
    data = {"case": case, "items": items, "album": album, "limit": evidence.MAX_ITEMS}
    return Reply("evidence_added", data, rows, key=f"album:{album.media_group_id}")


def _refile_row(case_no: int, target: str) -> tuple[Button, ...]:
    return tuple(Button(Action.REFILE, f"{case_no}.{target}.{g}", label=f"group.{g}")
                 for g in evidence.GROUP_ORDER)


def _to_inbox(session: Session, cases: Mapping[int, Case], ev: Evidence) -> Outcome:
    """Evidence outside a case: kept (once, within the limit) until the user names its case."""
    inbox = session.inbox
    counts = {"waiting": 0, "duplicates": 0, "updated": 0, "too_big": 0, "full": 0}
    same = next((e for e in inbox if evidence.same_evidence(e, ev)), None)
    if evidence.too_big(ev):
        counts["too_big"] = 1
    elif same is not None:
        counts["duplicates"] = 1
        if ev.caption and ev.caption != same.caption:
            counts["updated"] = 1
            inbox = tuple(replace(e, caption=ev.caption) if e is same else e for e in inbox)
    elif len(inbox) >= evidence.MAX_ITEMS:
        counts["full"] = 1
    else:
        counts["waiting"] = 1
        inbox = (*inbox, ev)
    kept = replace(session, inbox=inbox)
    album: evidence.Album | None = None
    if ev.media_group_id:
        albums, album = evidence.tallied(session.albums, ev.media_group_id, None, counts)
        kept = replace(kept, albums=albums)
    elif counts["too_big"]:
        return Outcome(kept, replies=(Reply("evidence_too_big", {"size": ev.size}),))
    elif counts["full"]:
        full = Reply("evidence_full", {"limit": evidence.MAX_ITEMS, "inbox": True})
        return Outcome(kept, replies=(full, which_case(kept, cases)))
    elif counts["duplicates"]:
        note = ev.caption if counts["updated"] else None
        dup = Reply("evidence_duplicate", {"item": None, "note": note})
        return Outcome(kept, replies=(dup, which_case(kept, cases)))
    return Outcome(kept, replies=(which_case(kept, cases, album),))


def which_case(
    session: Session, cases: Mapping[int, Case], album: evidence.Album | None = None
) -> Reply:
    """Ask which case the evidence waiting outside a case belongs to."""
    choices: list[tuple[Button, ...]] = [
        (Button(Action.INTO, str(c.no), text=case_label(c)),)
        for c in sorted(cases.values(), key=lambda c: -c.no)[:10]
    ]
    choices.append((Button(Action.NEW, label="btn.new_case"),))
    key = f"inbox:{album.media_group_id}" if album else None
    data = {"count": len(session.inbox), "album": album, "limit": evidence.MAX_ITEMS}
    return Reply("evidence_which_case", data, tuple(choices), key=key)


def album_refused(session: Session, cases: Mapping[int, Case], media_group_id: str) -> Outcome:
    """A kind we cannot take, in an album: counted in the album's reply."""
    case = cases.get(session.case_no) if session.case_no is not None else None
    no = case.no if case is not None else None
    albums, album = evidence.tallied(session.albums, media_group_id, no, {"unsupported": 1})
    kept = replace(session, albums=albums)
    if case is None:
        return Outcome(kept, replies=(which_case(kept, cases, album),))
    return Outcome(kept, replies=(_album_ack(case, album),))


def carry_inbox(
    session: Session, case: Case, ctx: Ctx
) -> tuple[Session, Case, tuple[Reply, ...]]:
    """Evidence waiting outside a case filed into `case`, and the reply that says so."""
    if not session.inbox:
        return session, case, ()
    filed = evidence.file(case, session.inbox, ctx.now)
    data = {"case": filed.case, "items": filed.added, "duplicates": len(filed.duplicates),
            "updated": len(filed.updated), "full": filed.full, "limit": evidence.MAX_ITEMS}
    albums = tuple(a for a in session.albums if a.case_no is not None)
    return (replace(session, inbox=(), albums=albums), filed.case,
            (Reply("evidence_filed", data),))


PAGE_SIZE = 10  # evidence items per page of the list, each with its button


def _evidence_list(case: Case, page: int, token: int) -> Reply:
    """One page of a case's evidence, grouped, each item with its button; pages edit in place."""
    ordered = sorted(case.evidence, key=lambda i: (evidence.GROUP_ORDER.index(i.group), i.id))
    pages = max(1, -(-len(ordered) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = ordered[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    buttons = [Button(Action.ITEM, f"{case.no}.{i.id}", text=f"#{i.id}") for i in shown]
    rows = button_rows(buttons, 5)
    nav = []
    if page > 0:
        nav.append(Button(Action.EVIDENCE, f"{case.no}.{page - 1}.{token}", label="btn.page_prev"))
    if page < pages - 1:
        nav.append(Button(Action.EVIDENCE, f"{case.no}.{page + 1}.{token}", label="btn.page_next"))
    if nav:
        rows.append(tuple(nav))
    data = {"case": case, "checks": evidence.checklist(case), "items": shown, "page": page,
            "pages": pages}
    return Reply("evidence_list", data, tuple(rows), key=f"evidence:{case.no}:{token}")


def evidence_press(
    action: Action, arg: str, session: Session, idle: Session, case: Case, ctx: Ctx
) -> Outcome:
    if action == Action.INTO:
        if not session.inbox:
            return Outcome(session, notice=Reply("notice_stale"))
        carried, filed, replies = carry_inbox(idle, case, ctx)
        return Outcome(carried, changed=(filed,), replies=replies)
    if action == Action.EVIDENCE:
        # "<case>" opens the list; "<case>.<page>.<list>" turns a page of an open list.
        page_s, _, token_s = arg.partition(".")
        if not arg:
            return Outcome(idle, replies=(_evidence_list(case, 0, idle.seq),))
        if not (page_s.isdigit() and token_s.isdigit()):
            return Outcome(session, notice=Reply("notice_stale"))
        return Outcome(idle, replies=(_evidence_list(case, int(page_s), int(token_s)),))
    # The rest act on items: "<id>.<...>" or, for a whole album, "a<media_group_id>.<...>".
    target, _, rest = arg.partition(".")
    items = _items(case, target)
    if not items:
        return Outcome(session, notice=Reply("notice_not_found"))
    if action == Action.ITEM:
        [item] = items[:1]
        item_kb: tuple[tuple[Button, ...], ...] = (
            _refile_row(case.no, str(item.id)),
            (Button(Action.DESCRIBE, f"{case.no}.{item.id}", label="btn.describe"),
             Button(Action.REMOVE, f"{case.no}.{item.id}", label="btn.remove")),
        )
        view = Reply("evidence_item", {"case": case, "item": item}, item_kb)
        return Outcome(idle, replies=(view,))
    if action == Action.REFILE:
        to = enum_value(EvidenceGroup, rest) or enum_value(EvidenceClaim, rest)
        if to is None:
            return Outcome(session, notice=Reply("notice_stale"))
        refiled = evidence.refile(case, {i.id for i in items}, to)
        moved = tuple(i for i in refiled.evidence if i.id in {i.id for i in items})
        if isinstance(to, EvidenceClaim):
            notice = Reply("notice_refiled", {"group": CLAIM_GROUP[to], "what": to})
            return Outcome(session, changed=(refiled,), notice=notice)
        # A group, then the kinds within it: one more tap ticks the checklist.
        kinds = tuple(Button(Action.REFILE, f"{case.no}.{target}.{c}", label=f"claim.{c}")
                      for c in evidence.KINDS_IN[to])
        which = Reply("evidence_refiled", {"case": refiled, "items": moved, "group": to},
                      (kinds,))
        return Outcome(session, changed=(refiled,), replies=(which,),
                       notice=Reply("notice_refiled", {"group": to, "what": None}))
    if action == Action.REMOVE:
        kept, gone = evidence.remove(case, {i.id for i in items})
        files = tuple(i.local_path for i in gone if i.local_path)
        return Outcome(idle, changed=(kept,), erase_files=files, replies=(
            Reply("evidence_removed", {"case": kept, "items": gone}),
        ))
    # describe: ask for a note on the item
    new = move(idle, Trigger.DESCRIBE, case, pending=None)
    new = replace(new, focus=items[0].id)
    return Outcome(new, replies=(ask(new, case),))


def _items(case: Case, target: str) -> tuple[EvidenceItem, ...]:
    if target.startswith("a"):
        return tuple(i for i in case.evidence if i.media_group_id == target[1:])
    return tuple(i for i in case.evidence if target.isdigit() and i.id == int(target))
