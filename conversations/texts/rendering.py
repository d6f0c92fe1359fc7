"""Turns engine replies into Telegram-safe HTML messages through one Jinja2 environment."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from conversations.core.actions import Action
from conversations.core.model import Lang
from conversations.core.replies import Button, Reply
from conversations.core.timing import Part, RoughTime, Window
from conversations.core.workdays import BEIJING
from conversations.texts.messages import OutButton, OutMessage
from conversations.texts.telegram_html import TEXT_LIMIT, split_html, to_plain, utf16_len

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
COPY_TEXT_LIMIT = 256  # CopyTextButton
BUTTON_TEXT_LIMIT = 64  # longer labels are cut by clients; keep them readable
TIME_FORMAT = "%Y-%m-%d %H:%M"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Keep:
    """How many of each list a channel text shows; the rest is counted, not listed."""

    events: int
    contacts: int
    evidence: int


KEEP_ALL = Keep(1000, 1000, 1000)
# Smaller and smaller lists, tried in turn until a channel text fits in one message.
KEEP_LADDER: tuple[Keep, ...] = (
    Keep(10, 8, 12), Keep(6, 5, 8), Keep(4, 3, 5), Keep(2, 2, 3), Keep(1, 1, 2), Keep(1, 1, 1),
)
DATE_FORMAT = "%Y-%m-%d"  # a time the user gave only to the day (or a part of it)


class Texts:
    """The one Jinja2 environment, and the words for every reply."""

    def __init__(self, root: Path = TEMPLATES_DIR, webapp_url: str | None = None) -> None:
        self._webapp_url = webapp_url  # None: no Mini App, and no button that opens it
        self.env = Environment(
            loader=FileSystemLoader(root),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            finalize=_no_none,
            # Templates do not change under a running bot: no stat of each template (and of
            # every template it includes) on every render.
            auto_reload=False,
        )
        self.env.filters["clip"] = clip
        self.env.filters["fit"] = fit
        self.env.filters["native"] = native
        self.env.filters["plain"] = lambda text: to_plain(str(text))
        self.env.filters["refs"] = refs
        self.env.globals["first_fit"] = first_fit
        self.env.globals["has_cjk"] = has_cjk
        self.env.globals["untranslated"] = untranslated

    def warm(self) -> int:
        """Compile every template now, so no user waits for a first compile; how many."""
        names = self.env.list_templates(extensions=["j2"])
        for name in names:
            self.env.get_template(name)
        return len(names)

    def labels(self, lang: Lang) -> dict[str, str]:
        """The button and field labels of a language."""
        return _labels(self.env, lang)

    def render(self, reply: Reply, lang: Lang, tz: ZoneInfo) -> list[OutMessage]:
        """Render a reply into one or more messages; buttons go on the last one. A button
        whose label is empty in the language is left out there."""
        lang = Lang(reply.lang) if reply.lang else lang
        tz = ZoneInfo(reply.tz) if reply.tz else tz
        data = {**reply.data, "keep": KEEP_ALL} if reply.one_message else reply.data
        body = self.render_html(reply.template, data, lang, tz).strip()
        if reply.one_message:
            # A ready-to-paste text is one message: its lists shrink until it fits.
            for keep in KEEP_LADDER:
                if utf16_len(body) <= TEXT_LIMIT:
                    break
                body = self.render_html(reply.template, {**data, "keep": keep}, lang, tz).strip()
        parts = split_html(body)
        shown = (tuple(b for b in row if self._shown(b, lang)) for row in reply.buttons)
        rows = tuple(
            row for row in (tuple(self._button(b, data, lang, tz) for b in r)
                            for r in shown) if row
        )
        last = len(parts) - 1
        # Only a one-part reply can stand in for an earlier one.
        key = reply.key if last == 0 else None
        return [OutMessage(p, rows if i == last else (), key) for i, p in enumerate(parts)]

    def render_html(
        self, template: str, data: Any, lang: Lang, tz: ZoneInfo
    ) -> str:
        """Render one template to HTML with the shared helpers in its context."""
        tmpl = self.env.get_template(f"{lang}/{template}.j2")
        labels = self.labels(lang)
        return tmpl.render(
            **dict(data),
            L=labels,
            lang=str(lang),
            fmt=_formatter(tz, labels),
            # A text for a Chinese platform inside a message for the user (a reminder's ready
            # text) shows its times in Beijing time.
            fmt_beijing=_formatter(BEIJING, labels),
            yuan=yuan,
            window=lambda w: window_text(w, labels, lang),
        )

    def _shown(self, b: Button, lang: Lang) -> bool:
        """A button is left out where its label is empty, and a page button without a page."""
        return self._label(b, lang) != "" and (b.action != Action.PAGE or bool(self._webapp_url))

    def _label(self, b: Button, lang: Lang) -> str:
        return b.text if b.text is not None else self.labels(lang)[b.label or b.action]

    def _button(self, b: Button, data: Any, lang: Lang, tz: ZoneInfo) -> OutButton:
        text = self._label(b, lang)[:BUTTON_TEXT_LIMIT]
        if b.url:
            return OutButton(text, url=b.url)
        if b.action == Action.PAGE and self._webapp_url:
            joiner = "&" if "?" in self._webapp_url else "?"
            case = urlencode({"case": b.value})
            return OutButton(text, web_app=f"{self._webapp_url}{joiner}{case}")
        if b.copy_template is not None:
            copied = to_plain(self.render_html(b.copy_template, data, lang, tz)).strip()
            return OutButton(text, copy=copied[:COPY_TEXT_LIMIT])
        return OutButton(text, data=b.data())


@cache
def _labels(env: Environment, lang: Lang) -> dict[str, str]:
    module = env.get_template(f"{lang}/labels.j2").module
    labels: dict[str, str] = module.labels  # type: ignore[attr-defined]
    return labels


def _formatter(tz: ZoneInfo, labels: dict[str, str]) -> Callable[..., str]:
    """`fmt` of the templates: a time in `tz`; a deadline counted past the holiday data is an
    estimate wherever it is shown ("约" / "about")."""
    def fmt(dt: datetime | None, estimate: bool = False) -> str:
        prefix = labels["estimate.prefix"] if estimate and dt else ""
        return prefix + fmt_time(dt, tz, labels)

    return fmt


def fmt_time(dt: datetime | None, tz: ZoneInfo, labels: dict[str, str] | None = None) -> str:
    """`YYYY-MM-DD HH:MM` in the user's timezone; a rough time as the day and its part only."""
    if dt is None:
        return ""
    local = dt.astimezone(tz)
    if not isinstance(local, RoughTime):
        return local.strftime(TIME_FORMAT)
    day = local.strftime(DATE_FORMAT)
    if local.part is Part.DAY or labels is None:
        return day
    return f"{day} {labels[f'part.{local.part}']}"


def yuan(cents: int | None) -> str:
    """An amount in 元 with two decimals."""
    if cents is None:
        return ""
    return f"{cents // 100}.{cents % 100:02d}"


def window_text(w: Window | None, labels: dict[str, str], lang: Lang | None = None) -> str:
    """A relative window in the user's own words, or in ours for a preset ("24小时内") and
    for words in the other language than the text's."""
    if w is None:
        return ""
    foreign = lang is not None and has_cjk(w.text) != (lang is Lang.ZH)
    if w.unit is None and w.until is not None and not _BY_WORDS.search(w.text):
        # A promise given only as a time ("2023年10月1日 14:02"): by then.
        return labels["window.by"].replace("T", w.text)
    if w.unit is None or (w.text and not foreign):
        return w.text
    return labels[f"unit.{w.unit}"].replace("N", str(w.amount))


# Words that already make a time a deadline.
_BY_WORDS = re.compile(r"前|为止|以内|之内|内|\b(?:by|before|until|till|within)\b", re.I)


def has_cjk(text: str | None) -> bool:
    """Whether the text has Chinese characters in it."""
    return bool(text and _CJK.search(text))


@pass_context
def untranslated(ctx: Context, text: str | None) -> bool:
    """Whether these are an English-speaking user's own English words inside the Chinese text
    made for them to submit: it leaves them out rather than paste them untranslated."""
    return bool(ctx.get("translated")) and bool(text) and not has_cjk(text)


@pass_context
def native(ctx: Context, text: str) -> str:
    """The user's words, in quotation marks where they are in the other language than the
    text around them, so the two do not run together."""
    zh = ctx.get("lang") == Lang.ZH
    if not text or has_cjk(text) == zh:
        return text
    return f"“{text}”"


def first_fit(candidates: Any, limit: int) -> str:
    """The first candidate that fits in `limit` characters, else the last one cut to fit."""
    options = [" ".join(str(c).split()) for c in candidates if c]
    for option in options:
        if len(option) <= limit:
            return option
    return clip(options[-1], limit) if options else ""


def _no_none(value: Any) -> Any:
    """Python's None is never printed: a missing value is a bug in the template's guard."""
    if value is None:
        raise ValueError("a template printed None; guard the value or use a placeholder")
    return value


ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """Plain text cut to `limit` characters, an ellipsis marking the cut."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def fit(block: str, limit: int) -> Markup:
    """Rendered lines kept whole while they fit in `limit` characters as the reader sees them;
    an ellipsis line marks what was left out."""
    kept: list[str] = []
    used = 0
    for line in str(block).strip("\n").split("\n"):
        size = len(to_plain(line)) + 1
        if used + size > limit - 2:
            if not kept:  # one long line: cut inside it (a <pre> line holds no tags)
                kept.append(str(escape(clip(to_plain(line), limit - 2))))
            kept.append(ELLIPSIS)
            break
        kept.append(line)
        used += size
    return Markup("\n".join(kept))


def refs(contact: Any, labels: dict[str, str]) -> str:
    """A contact's ticket number, agent id and the user's own reference, labelled."""
    parts = [f"{labels['ref.ticket']} {contact.ticket}"] if contact.ticket else []
    parts += [f"{labels['ref.agent']} {contact.agent}"] if contact.agent else []
    parts += [contact.ref] if contact.ref else []
    return ", ".join(parts)
