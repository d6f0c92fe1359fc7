"""Turns engine replies into Telegram-safe HTML messages through one Jinja2 environment."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from conversations.core.model import Lang, Part, RoughTime, Window
from conversations.core.replies import Button, Reply

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
TEXT_LIMIT = 4096  # Telegram's message limit, after entity parsing
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


@dataclass(frozen=True)
class OutButton:
    """A rendered inline button: exactly one of data, url, copy."""

    text: str
    data: str | None = None
    url: str | None = None
    copy: str | None = None


@dataclass(frozen=True)
class OutMessage:
    """A rendered message ready for delivery."""

    html: str
    buttons: tuple[tuple[OutButton, ...], ...] = ()
    key: str | None = None  # replaces the earlier message with the same key
    edit_message_id: int | None = None  # deliver as an edit of this sent message
    document: str | None = None  # a file to send, with `html` as its caption

    def to_json(self) -> dict[str, Any]:
        """Serialise for the outbox."""
        return {
            "html": self.html,
            "buttons": [[b.__dict__ for b in row] for row in self.buttons],
            "key": self.key,
            "edit_message_id": self.edit_message_id,
            "document": self.document,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> OutMessage:
        """Deserialise from the outbox."""
        rows = tuple(tuple(OutButton(**b) for b in row) for row in d.get("buttons", []))
        return cls(d["html"], rows, d.get("key"), d.get("edit_message_id"), d.get("document"))

    @property
    def plain(self) -> str:
        """The text as a reader sees it (for the terminal demo and clipboard)."""
        return to_plain(self.html)


class Texts:
    """The one Jinja2 environment, and the words for every reply."""

    def __init__(self, root: Path = TEMPLATES_DIR) -> None:
        self.env = Environment(
            loader=FileSystemLoader(root),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            finalize=_no_none,
        )
        self.env.filters["clip"] = clip
        self.env.filters["fit"] = fit
        self.env.filters["native"] = native
        self.env.filters["plain"] = lambda text: to_plain(str(text))
        self.env.filters["refs"] = refs
        self.env.globals["first_fit"] = first_fit
        self.env.globals["has_cjk"] = has_cjk
        self.env.globals["untranslated"] = untranslated

    def labels(self, lang: Lang) -> dict[str, str]:
        """The button and field labels of a language."""
        return _labels(self.env, lang)

    def render(self, reply: Reply, lang: Lang, tz: ZoneInfo) -> list[OutMessage]:
        """Render a reply into one or more messages; buttons go on the last one. A button
        whose label is empty in the language is left out there."""
        lang = Lang(reply.lang) if reply.lang else lang
        tz = ZoneInfo(reply.tz) if reply.tz else tz
        body = self.render_html(reply.template, reply.data, lang, tz).strip()
        if isinstance(reply.data.get("keep"), Keep):
            # A ready-to-paste text is one message: its lists shrink until it fits.
            for keep in KEEP_LADDER:
                if utf16_len(body) <= TEXT_LIMIT:
                    break
                data = {**reply.data, "keep": keep}
                body = self.render_html(reply.template, data, lang, tz).strip()
        parts = split_html(body)
        shown = (tuple(b for b in row if self._label(b, lang) != "") for row in reply.buttons)
        rows = tuple(
            row for row in (tuple(self._button(b, reply.data, lang, tz) for b in r)
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
            # A deadline counted past the holiday data is an estimate wherever it is shown.
            fmt=lambda dt, estimate=False: (
                labels["estimate.prefix"] if estimate and dt else ""
            ) + fmt_time(dt, tz, labels),
            yuan=yuan,
            window=lambda w: window_text(w, labels, lang),
        )

    def _label(self, b: Button, lang: Lang) -> str:
        return b.text if b.text is not None else self.labels(lang)[b.label or b.action]

    def _button(self, b: Button, data: Any, lang: Lang, tz: ZoneInfo) -> OutButton:
        text = self._label(b, lang)[:BUTTON_TEXT_LIMIT]
        if b.url:
            return OutButton(text, url=b.url)
        if b.copy_template is not None:
            copied = to_plain(self.render_html(b.copy_template, data, lang, tz)).strip()
            return OutButton(text, copy=copied[:COPY_TEXT_LIMIT])
        return OutButton(text, data=b.data())


@cache
def _labels(env: Environment, lang: Lang) -> dict[str, str]:
    module = env.get_template(f"{lang}/labels.j2").module
    labels: dict[str, str] = module.labels  # type: ignore[attr-defined]
    return labels


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


# --- HTML helpers ----------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]*>")
_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|\n|[^<&\n]+|[<&]")
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z0-9-]+)")


def to_plain(text: str) -> str:
    """Strip tags and decode entities."""
    return html.unescape(_TAG.sub("", text))


def utf16_len(text: str) -> int:
    """Length as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def split_html(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split HTML into parts of at most `limit`, at line ends outside <pre> where possible.

    Tags open at a cut are closed at the end of one part and reopened at the start of the next,
    so each part is valid on its own. Raw length is measured, which bounds the parsed length.
    """
    if utf16_len(text) <= limit:
        return [text]
    parts: list[str] = []
    chunk: list[str] = []
    size = 0
    stack: list[tuple[str, str]] = []  # (name, opening tag) of the tags open here
    # The last line end outside any tag, and the last line end at all: (index in chunk, stack).
    cut_outside: tuple[int, list[tuple[str, str]]] | None = None
    cut_any: tuple[int, list[tuple[str, str]]] | None = None

    def closing(st: list[tuple[str, str]]) -> str:
        return "".join(f"</{name}>" for name, _ in reversed(st))

    def flush(at: int, st: list[tuple[str, str]]) -> None:
        nonlocal chunk, size, cut_outside, cut_any
        head, rest = chunk[:at], chunk[at:]
        while rest and rest[0] == "\n":
            rest = rest[1:]  # the line break itself is not carried over
        parts.append("".join(head).rstrip("\n") + closing(st))
        chunk = [opening for _, opening in st] + rest
        size = sum(utf16_len(t) for t in chunk)
        # The carried-over lines keep their line ends as places to cut next time.
        cut_outside = cut_any = None
        replay: list[tuple[str, str]] = []
        for i, t in enumerate(chunk):
            if t.startswith("<") and len(t) > 1:
                _track(t, replay)
            elif t == "\n":
                cut_any = (i + 1, list(replay))
                if not replay:
                    cut_outside = cut_any

    for token in _split_long(_TOKEN.findall(text), limit // 2):
        while chunk and size + utf16_len(token) + utf16_len(closing(stack)) > limit:
            best = cut_outside or cut_any
            if best is not None and best[0] > 0:
                flush(*best)
            else:
                flush(len(chunk), list(stack))
        chunk.append(token)
        size += utf16_len(token)
        if token.startswith("<") and len(token) > 1:
            _track(token, stack)
        elif token == "\n":
            cut_any = (len(chunk), list(stack))
            if not stack:
                cut_outside = cut_any
    if chunk:
        parts.append("".join(chunk))
    return [p for p in parts if to_plain(p).strip()]


def _track(tag: str, stack: list[tuple[str, str]]) -> None:
    m = _TAG_NAME.match(tag)
    if not m:
        return
    name = m.group(1).lower()
    if tag.startswith("</"):
        for i in range(len(stack) - 1, -1, -1):
            if stack[i][0] == name:
                del stack[i:]
                break
    elif not tag.endswith("/>"):
        stack.append((name, tag))


def _split_long(tokens: list[str], size: int) -> list[str]:
    out: list[str] = []
    for t in tokens:
        if len(t) > size and not t.startswith("<"):
            out += [t[i : i + size] for i in range(0, len(t), size)]
        else:
            out.append(t)
    return out


def refs(contact: Any, labels: dict[str, str]) -> str:
    """A contact's ticket number, agent id and the user's own reference, labelled."""
    parts = [f"{labels['ref.ticket']} {contact.ticket}"] if contact.ticket else []
    parts += [f"{labels['ref.agent']} {contact.agent}"] if contact.agent else []
    parts += [contact.ref] if contact.ref else []
    return ", ".join(parts)
