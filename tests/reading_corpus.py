"""The reading corpus (tests/corpus/*.yaml): loading it and scoring what the bot read.

Shared by tests/test_reading_corpus.py (which asserts the targets) and bench/reading.py
(which prints the figures). Stories run through the engine, as a user's pasted story does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from conversations.core.engine import Ctx, Outcome, Session, step
from conversations.core.events import Command, Text
from conversations.core.model import Case, Contact
from conversations.core.states import State
from conversations.core.timing import RoughTime, Window, WindowUnit
from conversations.reading.normalize import normalise
from conversations.reading.times import parse_future_time, parse_time
from conversations.reading.windows import find_window, promise_window

CORPUS = Path(__file__).parent / "corpus"
STORY_FILES = ("stories_zh_cn.yaml", "stories_zh_tw_en.yaml")
# Written after the reader, by someone who saw neither it nor the corpus: out-of-sample figures.
HOLDOUT_STORIES = ("holdout_stories.yaml",)
HOLDOUT_TIMES = "holdout_times.yaml"
# A second held-out set, written later the same way, after the first had been used for fixes.
HOLDOUT2_STORIES = ("holdout2_stories.yaml",)
BEIJING = ZoneInfo("Asia/Shanghai")
STORY_FIELDS = (
    "platform", "order_no", "product", "quantity", "amount", "purchased_at", "issue_type",
    "demand_action", "demand_deadline", "demand_vague", "ask",
)  # fmt: skip
CONTACT_FIELDS = ("channel", "at", "ticket", "agent", "window")


@dataclass
class Score:
    """Right and wrong answers, by key."""

    right: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def add(self, keys: tuple[str, ...], ok: bool, miss: str) -> None:
        """Count one answer under each key."""
        for key in keys:
            self.total[key] = self.total.get(key, 0) + 1
            self.right[key] = self.right.get(key, 0) + ok
        if not ok:
            self.misses.append(miss)

    def rate(self, key: str) -> float:
        """The share of right answers under a key."""
        return self.right.get(key, 0) / self.total[key] if self.total.get(key) else 1.0


def stories(files: tuple[str, ...] = STORY_FILES) -> Iterator[dict[str, Any]]:
    """Every story of the corpus files that exist."""
    for name in files:
        path = CORPUS / name
        if path.exists():
            yield from yaml.safe_load(path.read_text(encoding="utf-8"))


def time_items(name: str = "times.yaml") -> list[dict[str, Any]]:
    """Every single time expression of a corpus file."""
    items: list[dict[str, Any]] = yaml.safe_load((CORPUS / name).read_text("utf-8"))
    return items


def beijing(text: str) -> datetime:
    """A corpus 'now': Beijing wall-clock time."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=BEIJING)


# --- stories ------------------------------------------------------------------------------


def read_story(story: dict[str, Any]) -> Outcome:
    """The engine's outcome for a story pasted after /new."""
    now = beijing(story["now"])
    ctx = Ctx(now, BEIJING)
    out = step(Session(), {}, Command("new"), ctx)
    cases = {c.no: c for c in out.changed}
    return step(out.session, cases, Text(story["text"]), ctx)


def score_story(story: dict[str, Any], out: Outcome, score: Score) -> None:
    """Score every expected field of one story; keys are the field and the typing style."""
    case = out.changed[0] if out.changed else Case(no=0, created_at=beijing(story["now"]))
    expect: dict[str, Any] = story["expect"]
    style = f"style:{story['style']}"
    asked = asked_about(out)
    for name in STORY_FIELDS:
        if name != "ask" and expect.get("ask") == name:
            continue  # asked about, not guessed: the ask field scores it
        want = expect.get(name)
        got = asked if name == "ask" else story_value(case, name)
        ok = _same(name, want, got)
        score.add((name, style, "all"), ok, f"{story['id']} {name}: want {want!r}, got {got!r}")
    _score_contacts(story, case.contacts, score, style)


def asked_about(out: Outcome) -> str | None:
    """What the bot asked to clarify after the story, if anything."""
    case = out.changed[0] if out.changed else None
    if out.session.state is not State.ASK_DOUBT or case is None or not case.doubts:
        return None
    return case.doubts[0].kind.value


def story_value(case: Case, name: str) -> object:
    """A case field in the corpus's terms."""
    if name == "amount":
        return case.amount_cents / 100 if case.amount_cents is not None else None
    if name == "demand_vague":
        return bool(case.demand_vague)
    return getattr(case, name, None)


def _score_contacts(
    story: dict[str, Any], got: tuple[Contact, ...], score: Score, style: str
) -> None:
    """Each expected contact's fields, in story order; the count is a field of its own."""
    want: list[dict[str, Any]] = story["expect"].get("contacts") or []
    count_ok = len(got) == len(want)
    score.add(("contacts", style, "all"), count_ok,
              f"{story['id']} contacts: want {len(want)}, got {len(got)}")  # fmt: skip
    for i, expected in enumerate(want):
        contact = got[i] if i < len(got) else None
        for name in CONTACT_FIELDS:
            value = getattr(contact, name) if contact is not None else None
            ok = _same(f"contact.{name}", expected.get(name), value)
            score.add((f"contact.{name}", style, "all"), ok,
                      f"{story['id']} contact {i + 1} {name}: want {expected.get(name)!r}, "
                      f"got {value!r}")  # fmt: skip


def _same(name: str, want: Any, got: Any) -> bool:
    """Whether a value read is the expected one, in the corpus's terms."""
    if want is None or got is None:
        return want is None and (got is None or got is False)
    if name in ("purchased_at", "contact.at"):
        return isinstance(got, datetime) and same_time(str(want), got)
    if name in ("demand_deadline", "contact.window"):
        return isinstance(got, Window) and same_window(str(want), got)
    if name == "product":
        options = want if isinstance(want, list) else [want]
        return _plain(str(got)) in {_plain(str(o)) for o in options}
    if name == "amount":
        return abs(float(want) - float(got)) < 0.005
    if name == "platform":
        return _platform(str(want)) == _platform(str(got))
    if name in ("contact.agent", "contact.ticket", "order_no"):
        return _plain(str(want)) == _plain(str(got))
    return str(want) == str(getattr(got, "value", got))


def _platform(name: str) -> str:
    """A shop's name in one spelling: simplified characters; the pinyin of 未来卡盟 is it."""
    plain = _plain(normalise(name))
    return "未来卡盟" if plain == "weilaikameng" else plain


def _plain(s: str) -> str:
    """Without spaces and case, for comparing names as written."""
    return re.sub(r"\s+", "", s).lower()


# --- times and windows --------------------------------------------------------------------

_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})(?: (\d{2}:\d{2}(?::\d{2})?)| ([a-z_]+))?")


def _corpus_time(want: str) -> tuple[str, str | None, str | None]:
    """(day, clock, part of the day) of a corpus time; a malformed one is an error."""
    m = _TIME.fullmatch(want)
    if m is None:
        raise ValueError(f"bad corpus time {want!r}")
    day, clock, part = m.groups()
    return day, clock, part


def same_time(want: str, got: datetime) -> bool:
    """Whether `got` is the corpus time `want`: to the second, the day, or a part of the day."""
    day, clock, part = _corpus_time(want)
    local = got.astimezone(BEIJING)
    if local.date().isoformat() != day:
        return False
    if clock:
        fmt = "%H:%M:%S" if clock.count(":") == 2 else "%H:%M"
        exact = not isinstance(got, RoughTime)
        seconds_ok = clock.count(":") == 2 or local.second == 0
        return exact and local.strftime(fmt) == clock and seconds_ok
    rough = got.part.value if isinstance(got, RoughTime) else None
    return _PART_AS.get(rough, rough) == _PART_AS.get(part or "day", part or "day")


# "last night" is said of the evening as often as of the night: a reader may give either.
_PART_AS: dict[str | None, str | None] = {"night": "evening"}


def same_window(want: str, got: Window) -> bool:
    """Whether a window is the corpus's "48 hours" / "3 working_days" / "until …"."""
    if want.startswith("until "):
        if got.until is None:
            return False
        when = want.removeprefix("until ")
        local = got.until.astimezone(BEIJING)
        if len(when) == 10:  # a whole day: it ends at 24:00 (23:59 is read the same)
            end = local + timedelta(minutes=1) if local.strftime("%H:%M") == "23:59" else local
            day = (end - timedelta(days=1)).date().isoformat()
            return end.strftime("%H:%M") == "00:00" and day == when
        return local.strftime("%Y-%m-%d %H:%M") == when
    amount, unit = want.split()
    units = {"hours": WindowUnit.HOURS, "minutes": WindowUnit.MINUTES, "days": WindowUnit.DAYS,
             "working_days": WindowUnit.WORKING_DAYS}  # fmt: skip
    return got.until is None and got.amount == int(amount) and got.unit is units[unit]


def read_time(item: dict[str, Any]) -> datetime | Window | None:
    """What the bot reads from one expression, in the sense its question needs."""
    now = beijing(item["now"])
    text = str(item["text"])
    if item["sense"] == "past":
        return parse_time(text, now, BEIJING)
    if item["sense"] == "future":
        return parse_future_time(text, now, BEIJING)
    return promise_window(text, now, BEIJING) or find_window(text, now, BEIJING)


def score_time(item: dict[str, Any], got: datetime | Window | None, score: Score) -> None:
    """Score one expression under its category."""
    want = item["expect"]
    if want is None:
        ok = got is None
    elif isinstance(got, Window):
        ok = same_window(str(want), got)
    elif isinstance(got, datetime):
        future = item["sense"] == "future"
        ok = _same_future(str(want), got) if future else same_time(str(want), got)
    else:
        ok = False
    shown = got if not isinstance(got, datetime) else got.astimezone(BEIJING)
    miss = f"{item['id']} {item['text']!r} ({item['sense']}): want {want!r}, got {shown!r}"
    score.add((item["category"], "all"), ok, miss)


def _same_future(want: str, got: datetime) -> bool:
    """A reminder time: to the minute, or only the day when the corpus gives only the day."""
    day, clock, _ = _corpus_time(want)
    local = got.astimezone(BEIJING)
    if clock is None:
        return local.date().isoformat() == day
    fmt = "%Y-%m-%d %H:%M:%S" if clock.count(":") == 2 else "%Y-%m-%d %H:%M"
    return local.strftime(fmt) == f"{day} {clock}"
