"""Replies that show a case or the list of cases: its view, its menu, its texts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from conversations.core import channels, deadlines, evidence, lifecycle
from conversations.core.actions import Action
from conversations.core.engine.session import TIMEZONE_PRESETS, Ctx, button_rows
from conversations.core.model import Case, Channel, Contact
from conversations.core.replies import Button, Reply


def channel_picker(
    case: Case, action: Action, choices: tuple[Channel, ...], template: str
) -> Reply:
    """A question answered by tapping one of the case's channels."""
    picks = [Button(action, f"{case.no}.{c.value}", label=f"channel.{c}") for c in choices]
    return Reply(template, {"case": case}, tuple(button_rows(picks)))


def menu_reply(case: Case, ctx: Ctx) -> Reply:
    """The channel menu, marking the next step unless an answer is still due."""
    advice = lifecycle.advice(case, ctx.now, ctx.tz)
    return channels.menu(case, advice.until, advice.estimate)


def snoozed_data(at: datetime, ctx: Ctx) -> dict[str, datetime]:
    """When the user asked to be reminded, and when the push will come (after quiet hours)."""
    return {"at": at, "deliver": deadlines.deliver_at(at, ctx.tz, ctx.quiet)}


def case_view_replies(case: Case, ctx: Ctx) -> tuple[Reply, ...]:
    """A case opened from /cases: where it stands, what happened, and what to do now."""
    data = {
        "case": case,
        "checks": evidence.checklist(case),
        "standing": lifecycle.standing(case, ctx.now, ctx.tz),
        "timeline": lifecycle.timeline(case),
        "advice": lifecycle.advice(case, ctx.now, ctx.tz),
        "windows": [] if case.resolved_at or case.closed_at
        else deadlines.explained(case, ctx.tz, ctx.quiet),
    }
    finished = case.resolved_at is not None or case.closed_at is not None
    rows: tuple[tuple[Button, ...], ...] = (
        (Button(Action.PAGE, str(case.no), label="btn.page"),),
        (Button(Action.TEXTS, str(case.no), label="btn.texts"),
         Button(Action.EVIDENCE, str(case.no), label="menu.evidence")),
        (Button(Action.REPLY, str(case.no), label="btn.got_reply"),
         Button(Action.LOG, str(case.no), label="btn.log_contact")),
        (Button(Action.EXPORT, str(case.no), label="btn.export"),),
        (Button(Action.REOPEN, str(case.no), label="btn.reopen"),) if finished else (
            Button(Action.RESOLVE, str(case.no), label="btn.resolved"),
            Button(Action.CLOSE, str(case.no), label="btn.close")),
        (Button(Action.DELETE, str(case.no), label="btn.delete"),),
    )
    return (Reply("case_view", data, rows),)


def settings_reply(tz: str, quiet: bool) -> Reply:
    rows = (
        (Button(Action.QUIET, "off" if quiet else "on",
                label="btn.quiet_off" if quiet else "btn.quiet_on"),),
        *((Button(Action.TZ, name, label=f"tz.{name}"),) for name in TIMEZONE_PRESETS),
        (Button(Action.TZ, "ask", label="btn.tz_other"),),
    )
    return Reply("settings", {"tz": tz, "quiet": quiet}, rows)


def contact_added_reply(case: Case, contact: Contact, ctx: Ctx) -> Reply:
    """The contact as recorded; for a case under way, also when the bot will remind."""
    data: dict[str, object] = {"contact": contact, "deadline": None}
    if case.status == "confirmed":
        end = deadlines.contact_deadline(case, contact, ctx.tz)
        data.update(
            deadline=end.at,
            remind_at=deadlines.deliver_at(end.at, ctx.tz, ctx.quiet),
            estimate=end.estimate,
            counted=deadlines.contact_window(contact),
            promised=contact.window is not None,
            sure=deadlines.default_sureness(contact),
            start=contact.at or case.confirmed_at,
        )
    return Reply("contact_added", data)


def drafts_of(cases: Mapping[int, Case]) -> list[Case]:
    return sorted((c for c in cases.values() if c.status == "draft"), key=lambda c: -c.no)


def start_kb() -> tuple[tuple[Button, ...], ...]:
    return ((Button(Action.NEW, label="btn.new_case"),),)


def offer_drafts_reply(drafts: list[Case]) -> Reply:
    rows = [(Button(Action.RESUME, str(c.no), text=case_label(c)),) for c in drafts[:5]]
    rows.append((Button(Action.NEW, label="btn.new_case"),))
    return Reply("offer_drafts", {"drafts": drafts}, tuple(rows))


def case_list_reply(cases: Mapping[int, Case], ctx: Ctx) -> Reply:
    """The user's cases, most urgent first, each with its status and next deadline."""
    ordered = sorted(cases.values(), key=lambda c: lifecycle.urgency(c, ctx.now, ctx.tz))
    rows = [(Button(Action.OPEN, str(c.no), text=case_label(c)),) for c in ordered[:20]]
    listed = [(c, lifecycle.standing(c, ctx.now, ctx.tz)) for c in ordered]
    return Reply("case_list", {"cases": ordered, "listed": listed}, tuple(rows))


def case_label(case: Case) -> str:
    parts = [f"#{case.no}", case.platform or "", case.order_no or ""]
    return " · ".join(p for p in parts if p)[:60]


def idle_hint_reply(cases: Mapping[int, Case]) -> Reply:
    return Reply("idle_hint", {"drafts": drafts_of(cases)})


def confirmed_texts(case: Case, ctx: Ctx) -> tuple[Reply, ...]:
    """After confirming: the summary, the first two texts, and the menu of every channel."""
    return (
        Reply("case_summary", {"case": case, "first": True, "checks": evidence.checklist(case),
                               "windows": deadlines.explained(case, ctx.tz, ctx.quiet)}),
        channels.channel_reply(case, Channel.PLATFORM_SUPPORT, ctx.now, ctx.tz),
        channels.channel_reply(case, Channel.EMAIL, ctx.now, ctx.tz),
        menu_reply(case, ctx),
    )
