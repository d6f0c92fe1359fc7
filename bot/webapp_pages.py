"""The Mini App's pages: the chat's own views, timelines, deadlines and texts, as HTML."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup

from conversations.core import channels, deadlines, evidence, lifecycle
from conversations.core.model import Case, Lang
from conversations.core.replies import Reply
from conversations.texts.rendering import Texts

THUMBNAIL_KINDS = ("photo", "image")


@dataclass(frozen=True)
class View:
    """Who looks, in which language and zone, and when."""

    texts: Texts
    lang: Lang
    tz: ZoneInfo
    quiet: bool
    now: datetime

    def render(self, template: str, data: dict[str, object]) -> str:
        """One of the page's templates, with the helpers every page uses."""
        return self.texts.render_html(
            f"app/{template}", {**data, "epoch": _epoch, "now": self.now}, self.lang, self.tz
        )


@dataclass(frozen=True)
class ChannelText:
    """One channel's ready text as the chat shows it, its copy pieces and its site."""

    channel: str
    html: Markup  # Telegram-safe HTML rendered from our escaped templates
    copies: tuple[tuple[str, str], ...]  # (label, text) of the form's short pieces
    links: tuple[tuple[str, str], ...]  # (label, url)


def list_page(view: View, cases: Mapping[int, Case]) -> str:
    """The user's cases, most urgent first, each with its status and next deadline."""
    ordered = sorted(cases.values(), key=lambda c: lifecycle.urgency(c, view.now, view.tz))
    listed = [(c, lifecycle.standing(c, view.now, view.tz)) for c in ordered]
    return view.render("list", {"listed": listed})


def case_page(view: View, case: Case) -> str:
    """One case: facts, timeline, open windows, evidence, every channel's text, actions."""
    finished = case.resolved_at is not None or case.closed_at is not None
    confirmed = case.status == "confirmed"
    windows = [] if finished or not confirmed else deadlines.explained(case, view.tz, view.quiet)
    data: dict[str, object] = {
        "case": case,
        "standing": lifecycle.standing(case, view.now, view.tz),
        "advice": lifecycle.advice(case, view.now, view.tz),
        "timeline": lifecycle.timeline(case),
        "windows": windows,
        "checks": evidence.checklist(case),
        "items": case.evidence,
        "thumbnail_kinds": THUMBNAIL_KINDS,
        "texts": channel_texts(view, case) if confirmed else [],
        "finished": finished,
        "confirmed": confirmed,
    }
    return view.render("case", data)


def channel_texts(view: View, case: Case) -> list[ChannelText]:
    """Every channel's text of a confirmed case, rendered exactly as the chat sends it."""
    out = []
    for name in channels.TEXT_CHANNELS:
        if name == "payment" and case.paid_with not in channels.PAYMENT_APPS:
            continue  # not paid by 支付宝 or 微信支付: the route is not theirs
        reply: Reply = channels.channel_reply(case, name, view.now, view.tz)
        messages = view.texts.render(reply, view.lang, view.tz)
        buttons = [b for m in messages for row in m.buttons for b in row]
        out.append(ChannelText(
            name,
            Markup("\n".join(m.html for m in messages)),  # our templates, escaped
            tuple((b.text, b.copy) for b in buttons if b.copy),
            tuple((b.text, b.url) for b in buttons if b.url),
        ))
    return out


def _epoch(at: datetime) -> int:
    """Seconds since 1970, for the page's countdowns."""
    return int(at.timestamp())
