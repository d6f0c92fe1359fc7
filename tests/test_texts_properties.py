"""Properties every channel text keeps, over many generated cases, in both languages.

The cases come from a seeded generator (no hypothesis in this project): field values up to the
engine's input limits, HTML and Markdown characters, quotes, emoji, Chinese, and every optional
field sometimes empty. Each failure names the seed and case index, so it can be replayed with
`_case(random.Random(SEED + index), index)`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conversations.core import channels
from conversations.core.engine import MAX_CONTACTS, MAX_EVENTS, MAX_FIELD, PRESET_WINDOWS
from conversations.core.evidence_kinds import EvidenceClaim, EvidenceGroup, EvidenceItem
from conversations.core.model import (
    Case,
    Channel,
    Contact,
    DemandAction,
    IssueType,
    Lang,
    TimelineEvent,
    in_order,
)
from conversations.core.quoted import split_rule
from conversations.core.replies import Reply
from conversations.core.states import State
from conversations.core.textfacts import text_facts
from conversations.core.timing import Window, WindowUnit
from conversations.texts.messages import OutMessage
from conversations.texts.rendering import ELLIPSIS, Texts, fmt_time
from conversations.texts.telegram_html import TEXT_LIMIT
from tests.fake_telegram import HTMLParseError, ParsedText, parse_html, utf16_len, utf16_slice

SEED = 20240305
CASES = 100  # each renders 9 replies in 2 languages; one in ten is at the limits everywhere
TZ = ZoneInfo("Asia/Shanghai")
TEXTS = Texts()
COPY_LIMIT = 256  # CopyTextButton
CALLBACK_LIMIT = 64  # bytes
CAPTION_LIMIT = 1024  # a photo's caption becomes an evidence item's description
MAX_EVIDENCE = 50
# The engine never accepts a demand for a no-reason return, and no text may suggest one.
NO_REASON = re.compile(r"无理由|no[- ]reason", re.IGNORECASE)

_ASCII = "abcdefghijklmopqrstuvwxyzABCDEFGHIJKLMOPQRSTUVWXYZ0123456789"  # no n/N: "None" leaks
_CHINESE = "卡密激活失败客服已提交技术处理订单号充值退款补发点券账号游戏平台工单重复扣款售后拖延"
_MARKUP = ["<", ">", "&", '"', "'", "&amp;", "&lt;", "<b>", "</pre>", "<pre>", "&#39;", "*",
           "_", "`", "[", "]", "(", ")", "~", "#", "|", "\\", "{{", "}}", "{%", "%}"]
_EMOJI = ["🙂", "🎮", "💳", "😡", "👍🏻", "👨‍👩‍👧", "🇨🇳", "✅", "〰️", "\u200b", "«»", "“”"]


def _text(rng: random.Random, limit: int, *, lines: bool = False, least: int = 1) -> str:
    """User text of `least`..`limit` characters; at the limit a third of the time."""
    size = limit if rng.random() < 0.35 else rng.randint(least, max(least, limit))
    out: list[str] = []
    length = 0
    while length < size:
        pick = rng.random()
        if pick < 0.35:
            piece = rng.choice(_CHINESE)
        elif pick < 0.6:
            piece = rng.choice(_ASCII)
        elif pick < 0.75:
            piece = rng.choice(_MARKUP)
        elif pick < 0.85:
            piece = rng.choice(_EMOJI)
        else:
            piece = "\n" if lines and rng.random() < 0.3 else " "
        out.append(piece)
        length += len(piece)
    text = "".join(out)[:size]
    text = text.strip() if lines else " ".join(text.split())  # as the engine stores them
    return text.ljust(least, "x")


def _maybe(rng: random.Random, p: float = 0.5) -> bool:
    return rng.random() < p


def _window(rng: random.Random, now: datetime, *, future: bool) -> Window:
    pick = rng.random()
    if pick < 0.4:
        return rng.choice(list(PRESET_WINDOWS.values()))
    if pick < 0.7:
        unit = rng.choice(list(WindowUnit))
        return Window(_text(rng, 60), rng.randint(1, 99), unit)
    hours = rng.randint(1, 24 * 60)
    until = now + timedelta(hours=hours) if future else now - timedelta(hours=hours)
    return Window(_text(rng, 60), until=until)


def _case(rng: random.Random, index: int) -> tuple[Case, datetime]:
    """A confirmed case as the engine could hold it, and the moment it is looked at."""
    now = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
    full = index % 10 == 0  # every limit reached at once

    def past() -> datetime:
        return now - timedelta(minutes=rng.randint(1, 400 * 24 * 60))

    def field(state: State, least: int = 1, *, lines: bool = False) -> str:
        limit = MAX_FIELD[state]
        return _text(rng, limit, lines=lines, least=limit if full else least)

    issue = rng.choice(list(IssueType))
    action = rng.choice(list(DemandAction))
    n_events = MAX_EVENTS if full else rng.choice([0, 1, 2, 5, rng.randint(0, MAX_EVENTS)])
    events = in_order(
        tuple(TimelineEvent(past(), field(State.ASK_EVENTS, 2)) for _ in range(n_events))
    )
    n_contacts = MAX_CONTACTS if full else rng.choice([0, 0, 1, 2, rng.randint(0, MAX_CONTACTS)])
    contacts = tuple(
        Contact(
            rng.choice(list(Channel)),
            past() if full or _maybe(rng) else None,
            field(State.ASK_CONTACT_REF) if full or _maybe(rng) else None,
            field(State.ASK_CONTACT_PROMISE, lines=True) if full or _maybe(rng) else None,
            _window(rng, now, future=_maybe(rng)) if full or _maybe(rng) else None,
        )
        for _ in range(n_contacts)
    )
    has_company = full or _maybe(rng)
    n_evidence = MAX_EVIDENCE if full else rng.choice([0, 0, 0, 1, 3, rng.randint(0, 12)])
    evidence = tuple(
        EvidenceItem(
            id=i + 1,
            kind=rng.choice(["photo", "image", "pdf", "document", "text"]),
            group=rng.choice(list(EvidenceGroup)),
            received_at=past(),
            what=rng.choice([None, *EvidenceClaim]),
            description=_text(rng, CAPTION_LIMIT, lines=True) if full or _maybe(rng) else None,
            origin_at=past() if full or _maybe(rng, 0.3) else None,
            sender=_text(rng, 64) if full or _maybe(rng, 0.3) else None,
        )
        for i in range(n_evidence)
    )
    order_no = "".join(
        rng.choice(_ASCII + "-_") for _ in range(40 if full else rng.randint(4, 40))
    )
    if _maybe(rng, 0.1):
        order_no = order_no[:30] + "<&>'\""  # forged or pasted oddly: still shown verbatim
    case = Case(
        no=rng.randint(1, 999_999),
        created_at=past(),
        status="confirmed",
        platform=field(State.ASK_PLATFORM),
        order_no=order_no,
        product=field(State.ASK_PRODUCT, 2),
        amount_cents=100_000_000 if full else rng.randint(1, 100_000_000),
        purchased_at=past(),
        issue_type=issue,
        issue_detail=(
            field(State.ASK_ISSUE_DETAIL, 4, lines=True) if issue is IssueType.OTHER else None
        ),
        events=events,
        events_done=True,
        contacts=contacts,
        contacts_done=True,
        demand_action=action,
        demand_text=(
            field(State.ASK_DEMAND_ACTION, 4, lines=True)
            if action is DemandAction.CUSTOM or full or _maybe(rng, 0.3)
            else None
        ),
        demand_deadline=_window(rng, now, future=True) if full or _maybe(rng, 0.95) else None,
        rule_citation=field(State.ASK_RULE, 4) if full or _maybe(rng) else None,
        rule_done=True,
        evidence_claims=tuple(c for c in EvidenceClaim if full or _maybe(rng, 0.3)),
        evidence_done=True,
        evidence=evidence,
        company_name=field(State.ASK_COMPANY_NAME, 4) if has_company else None,
        company_code=(
            "".join(rng.choice("0123456789ABCDEFGHJKLMPQRTUWXY") for _ in range(18))
            if has_company and (full or _maybe(rng))
            else None
        ),
        company_address=(
            field(State.ASK_COMPANY_ADDRESS, 4) if has_company and (full or _maybe(rng)) else None
        ),
        confirmed_at=now,
    )
    return case, now


@dataclass(frozen=True)
class Rendered:
    """One reply as Telegram would show it."""

    case: Case
    name: str  # a channel, or "menu"
    lang: Lang
    messages: list[OutMessage]
    parsed: list[ParsedText]

    @property
    def plain(self) -> str:
        """The messages' texts run together: a line cut between two messages stays whole."""
        return "".join(p.text for p in self.parsed)

    @property
    def pre_blocks(self) -> list[str]:
        return [
            utf16_slice(p.text, e["offset"], e["length"])
            for p in self.parsed
            for e in p.entities
            if e["type"] == "pre"
        ]

    @property
    def copies(self) -> list[str]:
        return [b.copy for m in self.messages for row in m.buttons for b in row if b.copy]

    def where(self) -> str:
        return f"case #{self.case.no} {self.name} [{self.lang}]"


def _render(case: Case, name: str, lang: Lang, now: datetime) -> Rendered:
    reply: Reply = (
        channels.menu(case) if name == "menu" else channels.channel_reply(case, name, now, TZ)
    )
    messages = TEXTS.render(reply, lang, TZ)  # StrictUndefined: a missing variable raises
    parsed = []
    for m in messages:
        try:
            parsed.append(parse_html(m.html))
        except HTMLParseError as exc:  # pragma: no cover - the message is the point
            pytest.fail(f"Telegram would reject {case.no} {name} [{lang}] ({exc}):\n{m.html}")
    return Rendered(case, name, lang, messages, parsed)


def _all_rendered() -> Iterator[tuple[int, Rendered]]:
    for index in range(CASES):
        case, now = _case(random.Random(SEED + index), index)
        for lang in Lang:
            for name in (*channels.TEXT_CHANNELS, "menu"):
                yield index, _render(case, name, lang, now)


@pytest.fixture(scope="module")
def rendered() -> list[tuple[int, Rendered]]:
    return list(_all_rendered())


def test_the_generator_reaches_the_limits_and_the_gaps() -> None:
    cases = [_case(random.Random(SEED + i), i)[0] for i in range(CASES)]
    assert any(len(c.events) == MAX_EVENTS for c in cases)
    assert any(len(c.contacts) == MAX_CONTACTS for c in cases)
    assert any(not c.contacts for c in cases) and any(not c.events for c in cases)
    assert any(c.company_name is None for c in cases)
    assert any(c.rule_citation is None for c in cases) and any(c.rule_citation for c in cases)
    assert any(c.evidence for c in cases) and any(not c.evidence for c in cases)
    assert {c.issue_type for c in cases} == set(IssueType)
    assert {c.demand_action for c in cases} == set(DemandAction)
    for c in cases:
        assert c.platform and len(c.platform) <= MAX_FIELD[State.ASK_PLATFORM]
        assert c.product and len(c.product) <= MAX_FIELD[State.ASK_PRODUCT]
        assert all(len(e.text) <= MAX_FIELD[State.ASK_EVENTS] for e in c.events)
        assert not NO_REASON.search(repr(c))


def test_every_message_is_valid_telegram_html_within_the_limit(
    rendered: list[tuple[int, Rendered]],
) -> None:
    for index, r in rendered:
        assert r.messages, r.where()
        for p in r.parsed:
            assert 0 < utf16_len(p.text) <= TEXT_LIMIT, (index, r.where(), utf16_len(p.text))


def test_buttons_fit_telegram(rendered: list[tuple[int, Rendered]]) -> None:
    for index, r in rendered:
        for m in r.messages:
            for b in (b for row in m.buttons for b in row):
                assert b.text, (index, r.where())
                assert (b.data, b.url, b.copy).count(None) == 2, (index, r.where(), b)
                if b.copy is not None:
                    assert 1 <= len(b.copy) <= COPY_LIMIT, (index, r.where(), b.copy)
                if b.data is not None:
                    assert len(b.data.encode()) <= CALLBACK_LIMIT, (index, r.where(), b.data)


def test_public_titles_fit_and_match_their_copy_buttons(
    rendered: list[tuple[int, Rendered]],
) -> None:
    for index, r in rendered:
        if r.name not in (Channel.HEIMAO, Channel.JUTOUSU):
            continue
        title, order_no = r.copies
        assert 1 <= len(title) <= channels.LIMITS[f"{r.name}_title"], (index, r.where(), title)
        assert r.pre_blocks[0] == title, (index, r.where())
        # Whole words: a piece that does not fit is left out, never cut off.
        assert not title.endswith(ELLIPSIS), (index, r.where(), title)
        assert order_no == r.case.order_no, (index, r.where())


def test_form_pieces_fit_their_fields(rendered: list[tuple[int, Rendered]]) -> None:
    limits = {
        Channel.C12315: channels.LIMITS["c12315_piece"],
        Channel.HEIMAO: channels.LIMITS["public_body"],
        Channel.JUTOUSU: channels.LIMITS["public_body"],
    }
    for index, r in rendered:
        if r.name in limits:
            assert len(r.messages) == 1, (index, r.where())  # one message, pasted piece by piece
            for block in r.pre_blocks:
                assert len(block) <= limits[Channel(r.name)], (index, r.where(), len(block))


def _shown_whole(words: str | None, text: str) -> bool:
    """Whether the user's words appear unchanged; a line break of theirs may become the cut
    between two messages, which drops it."""
    if words is None:
        return True
    return words in text if "\n" not in words else words.replace("\n", "") in text.replace(
        "\n", ""
    )


def test_user_text_comes_out_whole(
    rendered: list[tuple[int, Rendered]],
) -> None:
    # The platform-support text is kept short (its history is capped); the email holds the
    # rest, its lists cut to the newest entries so that it stays one message.
    emails = {(index, r.lang): r for index, r in rendered if r.name == Channel.EMAIL}
    for index, r in rendered:
        if r.name != Channel.PLATFORM_SUPPORT:
            continue
        c = r.case
        # The complaint opens the first <pre> block: order, product, problem and demand first.
        head = r.pre_blocks[0].split("\n")[0]
        assert f"{c.order_no} ({c.product})" in head or f"{c.order_no}({c.product})" in head, (
            index, r.where())
        assert len(r.messages) == 1, (index, r.where())  # short: one message, one copy block
        # At most five lines: the problem, the order and the demand, not the regulators (a
        # line break inside the user's own words does not count).
        block = r.pre_blocks[0]
        theirs = [c.demand_text, c.rule_citation, c.issue_detail, c.platform, c.product]
        theirs += [w for x in c.contacts for w in (x.promise, x.ref, x.ticket, x.agent)]
        theirs += [e.detail for e in c.log] + [e.text for e in c.events]
        for own in sorted((w for w in theirs if w and "\n" in w), key=len, reverse=True):
            block = block.replace(own, own.replace("\n", " "))
        assert len(block.split("\n")) <= 5, (index, r.where(), block)
        email = emails[(index, r.lang)]
        whole = email.plain
        rule = split_rule(c.rule_citation)
        shown = [c.demand_text, c.issue_detail, rule.source if rule else None]
        shown += [rule.clause if rule and rule.clause else None]
        shown += [e.text for e in c.events[-1:]]  # the newest event is always there
        shown += [w for contact in c.contacts[-1:] for w in (contact.ref, contact.promise)]
        for words in shown:
            assert _shown_whole(words, whole), (index, r.where(), words)
        # Each event is shown whole or not at all, and a cut list says how long it is (the
        # first event may open the text as the problem itself, outside the list).
        assert c.confirmed_at is not None
        timeline = text_facts(c, c.confirmed_at, TZ).events
        listed = [e for e in timeline if _shown_whole(e.text, whole)]
        if len(listed) < len(timeline):
            n = len(timeline)
            note = f"共{n}条" if r.lang is Lang.ZH else f"{n} events"
            assert note in whole, (index, email.where())


def test_copy_buttons_copy_what_the_text_shows(rendered: list[tuple[int, Rendered]]) -> None:
    for index, r in rendered:
        c = r.case
        assert c.order_no is not None
        if r.name == Channel.PLATFORM_SUPPORT:
            assert r.copies == [c.order_no], (index, r.where())
        if r.name == Channel.EMAIL:
            [subject] = r.copies
            assert c.order_no in subject and subject == r.pre_blocks[0], (index, r.where())
        if r.name == Channel.C12315:
            # The form's short fields, one button each: company, credit code, order number.
            expected = [x for x in (c.company_name, c.company_code) if x] + [c.order_no]
            assert r.copies == expected, (index, r.where())
            for piece in expected[:-1]:
                assert piece in r.pre_blocks, (index, r.where(), piece)
            assert f"订单号:{c.order_no}" in r.plain or f"Order no.: {c.order_no}" in r.plain


def test_every_text_names_its_order_and_never_a_no_reason_return(
    rendered: list[tuple[int, Rendered]],
) -> None:
    for index, r in rendered:
        words = r.plain + "\n".join(r.copies)
        assert not NO_REASON.search(words), (index, r.where())
        if r.name != "menu":
            assert r.case.order_no is not None and r.case.order_no in r.plain, (index, r.where())


def test_python_none_never_reaches_a_text(rendered: list[tuple[int, Rendered]]) -> None:
    # The generator's user text has no "n" or "N", so any "None" is Python's, leaked. The
    # 12315 and mediation texts of a case without its company show a placeholder instead.
    for index, r in rendered:
        words = r.plain + "\n".join(r.copies)
        assert "None" not in words, (index, r.where())
        if r.name in channels.NEEDS_COMPANY and not r.case.company_name:
            assert "待填写" in r.plain or "To fill in" in r.plain, (index, r.where())


def test_every_ready_text_is_one_message(rendered: list[tuple[int, Rendered]]) -> None:
    # A text to paste arrives whole, in one message, however long the case's lists are.
    for index, r in rendered:
        if r.name != "menu":
            assert len(r.messages) == 1, (index, r.where(), [len(m.html) for m in r.messages])
            assert utf16_len(r.messages[0].html) <= TEXT_LIMIT, (index, r.where())


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("name", [Channel.EMAIL, Channel.PHONE, Channel.MEDIATION])
def test_a_long_timeline_keeps_the_text_in_one_message(lang: Lang, name: Channel) -> None:
    now = datetime(2024, 3, 5, 8, 30, tzinfo=UTC)
    events = tuple(
        TimelineEvent(
            now - timedelta(hours=40 - i),
            f"第{i}条" + "客服说已提交技术处理" * 14 + " & " + "请耐心等待不要重复提交" * 13,
        )
        for i in range(MAX_EVENTS)
    )
    contacts = tuple(
        Contact(Channel.PLATFORM_SUPPORT, now - timedelta(hours=30 - i), f"工号 {i:04d} <&>",
                "已提交技术," * 30, None)
        for i in range(MAX_CONTACTS)
    )
    case, _ = _case(random.Random(SEED), 1)
    case = replace(case, events=events, contacts=contacts, evidence=(), evidence_claims=(),
                      company_name="某某网络科技有限公司")
    r = _render(case, name, lang, now)
    assert len(r.messages) == 1 and utf16_len(r.messages[0].html) <= TEXT_LIMIT
    for e in events:
        assert len(e.text) <= MAX_FIELD[State.ASK_EVENTS]
    assert contacts[-1].ref is not None and contacts[-1].ref in r.plain
    assert contacts[0].ref is not None and contacts[0].ref not in r.plain
    if name is Channel.PHONE:  # a call script names the contacts, not the timeline
        assert f"{MAX_CONTACTS}次" in r.plain or f"{MAX_CONTACTS} times" in r.plain
        return
    # The newest events are listed whole, the oldest left out, and the text says so.
    assert events[-1].text in r.plain
    assert events[0].text not in r.plain
    kept = [e for e in events if e.text in r.plain]
    assert kept == list(events[-len(kept):])
    assert f"共{MAX_EVENTS}条" in r.plain or f"{MAX_EVENTS} events in all" in r.plain


_RELATIVE_AFTER_YU = re.compile(r"于\d+(?:分钟|小时|天|个工作日)内")


def test_deadlines_are_times_and_the_next_step_is_the_ladders(
    rendered: list[tuple[int, Rendered]],
) -> None:
    for index, r in rendered:
        if r.name == "menu":
            continue
        c = r.case
        assert c.confirmed_at is not None  # the generator's "now"
        facts = text_facts(c, c.confirmed_at, TZ)
        # A deadline is a time ("2024-03-07 09:00前(48小时内)"), never a bare span after 于.
        assert not _RELATIVE_AFTER_YU.search(r.plain), (index, r.where())
        # Every contact is told with its own outcome, not one boilerplate ending.
        assert "至今未解决" not in r.plain and "; still not resolved" not in r.plain, (
            index, r.where())
        due = facts.demand_due
        # 12315's demand sets no merchant deadline: the regulator works to its own.
        if due is not None and not due.passed and r.name != Channel.C12315:
            assert fmt_time(due.at, TZ) in r.plain, (index, r.where())
        if r.name in (Channel.EMAIL, Channel.PHONE):
            threat = TEXTS.labels(r.lang)[f"ultimatum.{channels.next_after(c)}"]
            assert threat in r.plain, (index, r.where())
