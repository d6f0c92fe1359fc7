"""The contacts with support a story tells of."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from conversations.model import (
    Channel,
    Contact,
    Window,
)
from conversations.reading.ids import parse_ids
from conversations.reading.normalize import Norm
from conversations.reading.sentences import Group, Sentence
from conversations.reading.spans import Span, mask, trimmed
from conversations.reading.windows import promise_window, scan_promises

_EN_CLAUSE_END = re.compile(r"[，,。！？!?；;\n]|\.(?=\s)")


_CONTACT = re.compile(
    r"客服|工单|回复|答复|联系|咨询|反馈|售后|工号|打电话|致电|热线|邮件|邮箱"
    r"|黑猫|聚投诉|12315|投诉了|提交了投诉"
    r"|\b(?:support|customer\s+service|agents?|tickets?|repl(?:y|ied)|answered|contacted"
    r"|reached\s+out|e-?mailed|called|phoned|chat(?:ted)?|hotline|complained|filed\s+a\s+complaint"
    r"|staff|reported)\b",
    re.I,
)


_CHANNELS: tuple[tuple[Channel, re.Pattern[str]], ...] = (
    (Channel.EMAIL, re.compile(r"邮件|邮箱|e-?mail", re.I)),
    (Channel.PHONE, re.compile(
        r"电话|致电|热线|\bphone|\bcalled\b|\bcall(?:ed)?\s+(?:them|the)", re.I)),
    (Channel.C12315, re.compile(r"12315")),
    (Channel.HEIMAO, re.compile(r"黑猫|black\s*cat", re.I)),
    (Channel.JUTOUSU, re.compile(r"聚投诉")),
)  # fmt: skip


# A threat ("否则我将向12315投诉") or a plan ("明天我会再打电话") is not a contact made.
_NOT_DONE = re.compile(
    r"否则|不然|要不然|打算|准备|会再|将会|我将|我会|我要去"
    r"|otherwise|\bI\s+will\b|\bI'll\b|going\s+to|plan\s+to|\bwill\s+(?:call|email|file|report)",
    re.I,
)


_PROMISE_VERB = re.compile(
    r"\b(?:promised|said|told\s+(?:me|us)|assured(?:\s+me)?|stated|replied|answered|will|would)\b",
    re.I,
)


_EN_PROMISE_FILLER = re.compile(
    r"(?:(?:that|they|it|he|she|we|the\s+issue|this)\s+)?(?:(?:would|will)\s+)?(?:be\s+)?"
    r"(?:to\s+)?",
    re.I,
)


_ZH_PROMISE_TAIL = re.compile(
    r"[^\s，,。！？!?；;、]{0,10}?(?=[\s，,。！？!?；;、]|但|可是|却|结果|然而|到现在|至今|$)"
)


# Channels named outright; platform support only by words that say it ("在线客服", not "客服",
# which is also who answers the hotline).
_PLATFORM_SUPPORT = re.compile(
    r"在线客服|人工客服|平台客服|客服聊天|在线聊天|聊天窗口|站内信|工单|"
    r"\b(?:online\s+chat|live\s+chat|chat(?:ted)?|tickets?)\b",
    re.I,
)


# What support said it would do: the verbs a window without 内 is a promise after.
_ZH_PROMISE_VERB = re.compile(r"说|承诺|答应|表示|保证|告知|回复|答复")


@dataclass
class _Cluster:
    """The groups that tell of one contact."""

    groups: list[Group]
    channel: Channel | None  # the channel named outright, if any
    windows: list[tuple[int, int, Window]] = field(default_factory=list)

    @property
    def span(self) -> Span:
        """From the first group's start to the last one's end."""
        return (self.groups[0].start, self.groups[-1].end) if self.groups else (0, 0)


def story_contacts(
    norm: Norm,
    masked: str,
    sentences: list[Sentence],
    windows: list[tuple[int, int, Window]],
    purchase: Group | None,
    now: datetime,
    tz: ZoneInfo,
) -> tuple[Contact, ...]:
    """Each contact with support the story tells of: channel, time, ids and promise.

    A new contact starts where the story names another channel ("10月2日打电话…10月8日在线客服
    …"), a second ticket, or a second promise made at a time of its own.
    """
    # Windows outside the demand and the rule citation are promises.
    promises = [(s, e, w) for s, e, w in windows if masked[s:e].strip()]
    clusters: list[_Cluster] = []
    for group in _contact_groups(masked, sentences):
        channel = _named_channel(masked, group)
        group_windows = [w for w in promises if group.start <= w[0] < group.end]
        current = clusters[-1] if clusters else None
        if current is None or _starts_contact(masked, current, group, channel, group_windows):
            clusters.append(_Cluster([group], channel, group_windows))
            continue
        current.groups.append(group)
        current.channel = current.channel or channel
        current.windows += group_windows
    # Ids told outside every contact group ("Agent ID 7731.") belong to the first contact.
    ticket, agent = parse_ids(mask(masked, [c.span for c in clusters]))
    loose_promises = [w for w in promises if not any(w in c.windows for c in clusters)]
    if not clusters:
        if not (ticket or agent or loose_promises):
            return ()
        clusters.append(_Cluster([], None, loose_promises))
    elif loose_promises and not any(c.windows for c in clusters):
        clusters[0].windows += loose_promises  # a promise told in a sentence of its own
    return tuple(
        _contact_of(norm, masked, c, purchase, now, tz, (ticket, agent) if i == 0 else None)
        for i, c in enumerate(clusters)
    )


def _starts_contact(
    text: str,
    current: _Cluster,
    group: Group,
    channel: Channel | None,
    windows: list[tuple[int, int, Window]],
) -> bool:
    """Whether a contact group tells of a new contact rather than more of the current one."""
    if channel is not None and channel is not (current.channel or Channel.PLATFORM_SUPPORT):
        return True
    current_ids = {parse_ids(text[g.start : g.end])[0] for g in current.groups} - {None}
    ticket = parse_ids(text[group.start : group.end])[0]
    if ticket and current_ids and ticket not in current_ids:
        return True
    return bool(windows and current.windows and group.times)


def _contact_of(
    norm: Norm,
    masked: str,
    cluster: _Cluster,
    purchase: Group | None,
    now: datetime,
    tz: ZoneInfo,
    fallback_ids: tuple[str | None, str | None] | None,
) -> Contact:
    """One contact from its groups; the ids found outside any group go to the first one."""
    at = next((g.times[0][2] for g in cluster.groups if g.times and g is not purchase), None)
    ticket = agent = None
    for g in cluster.groups:
        t, a = parse_ids(masked[g.start : g.end])
        ticket, agent = ticket or t, agent or a
    if fallback_ids:
        ticket, agent = ticket or fallback_ids[0], agent or fallback_ids[1]
    window: Window | None = None
    promise: str | None = None
    if cluster.windows:
        start, end, window = cluster.windows[0]
    else:
        start, end, window = _loose_promise(masked, cluster, at or now, tz) or (0, 0, None)
    if window is not None:
        window = replace(window, text=norm.quote(start, end))
        promise = _promise_text(norm, start, end)
    if window is not None and window.until is not None and at is not None:
        # "客服说明天下午6点前处理": tomorrow from the contact, not from when the story is typed.
        window = promise_window(window.text, at, tz) or window
    return Contact(
        channel=cluster.channel or _channel(masked, cluster.groups),
        at=at,
        promise=promise,
        window=window,
        ticket=ticket,
        agent=agent,
    )


def _loose_promise(
    masked: str, cluster: _Cluster, made_at: datetime, tz: ZoneInfo
) -> tuple[int, int, Window] | None:
    """A window without 内 after what support said: "客服说3个工作日给答复"."""
    for g in cluster.groups:
        verb = _ZH_PROMISE_VERB.search(masked, g.start, g.end) or _PROMISE_VERB.search(
            masked, g.start, g.end
        )
        if not verb:
            continue
        for start, end, window in scan_promises(masked[verb.end() : g.end], made_at, tz):
            return verb.end() + start, verb.end() + end, window
    return None


def _contact_groups(text: str, sentences: list[Sentence]) -> list[Group]:
    """Time groups that tell of a contact already made (not threatened or planned)."""
    return [
        g
        for s in sentences
        for g in s.groups
        if _CONTACT.search(text, g.start, g.end) and not _NOT_DONE.search(text, g.start, g.end)
    ]


def _named_channel(text: str, group: Group) -> Channel | None:
    """The channel a group names outright, platform support included; None if it names none."""
    hits = [
        (m.start(), channel)
        for channel, pattern in (*_CHANNELS, (Channel.PLATFORM_SUPPORT, _PLATFORM_SUPPORT))
        if (m := pattern.search(text, group.start, group.end))
    ]
    return min(hits)[1] if hits else None


def _channel(text: str, groups: list[Group]) -> Channel:
    """The first channel named in the contact groups; platform support when none is."""
    for group in groups:
        hits = [
            (m.start(), channel)
            for channel, pattern in _CHANNELS
            if (m := pattern.search(text, group.start, group.end))
        ]
        if hits:
            return min(hits)[1]
    return Channel.PLATFORM_SUPPORT


def _promise_text(norm: Norm, start: int, end: int) -> str:
    """The promise around a window, in the user's words: "24小时内处理", "reply within 24
    hours"."""
    text = norm.text
    if text[start:end].isascii():
        clause_start = max([0] + [m.end() for m in _EN_CLAUSE_END.finditer(text, 0, start)])
        verbs = list(_PROMISE_VERB.finditer(text, clause_start, start))
        if not verbs:
            return norm.quote(start, end)
        # From the first verb: "said they would reply within…" keeps what was promised.
        phrase_start, _ = trimmed(text, verbs[0].end(), end)
        filler = _EN_PROMISE_FILLER.match(text, phrase_start, end)
        phrase_start = filler.end() if filler and filler.end() < end else phrase_start
        return norm.quote(*trimmed(text, phrase_start, end))
    tail = _ZH_PROMISE_TAIL.match(text, end)
    return norm.quote(start, tail.end() if tail else end)
