"""Chinese time parsers on PyPI against ours, on the time corpus (tests/corpus/times.yaml).

    .venv/bin/python -m bench.timeparsers [--only NAME ...] [--misses]

Every parser reads the same 423 expressions, each in the sense the corpus asks (past: when
something happened; future: when to remind; window: a promised window or a deadline), against
the item's own `now` (Beijing time), and is scored by tests.reading_corpus.score_time against
the corpus's expected values. Ours is called through tests.reading_corpus.read_time, so the
figures are those of the code in the tree. Candidates that are not installed are skipped;
none of them is a project dependency: install them by hand to measure (`.venv/bin/pip install
jionlp duckling-chinese ms-recognizers-text-date-time time-parser-zh chinesetimenlp
chinesedatetimenlp cntime-nlp gggdtparser cn2an`; duckling-chinese needs a JVM).

Each parser runs in a subprocess of its own (`--child NAME`) so memory figures do not mix:
VmRSS (/proc/self/status) before the import, after it, after the first parse and after the
whole corpus. Import time covers everything done once before the first parse (Duckling starts
its JVM then); the first parse is timed on its own; p50 / p99 are over the corpus, one call per
expression, after that first parse. Memory and time of ours cover conversations.reading only:
the scoring harness (tests.reading_corpus, which also loads the engine) is imported between
the import and the first parse in every subprocess and its memory is left out.

An adapter per candidate turns its output into what ours returns: an exact datetime, a
RoughTime (known only to the day or to a part of the day), a Window (relative, or until a
point), or None. The fair reading of each output format:

- The parser's own direction option is set from the sense (JioNLP ret_future, Duckling
  always_in_future / recent_in_future, Time-NLP isPreferFuture, dateparser
  PREFER_DATES_FROM); where it returns several values or a bare clock time (Recognizers-Text),
  the one on the sense's side of `now` is taken.
- Grain: a one-day span, Duckling's grain "Day", a date-only value, 00:00:00 where there is
  no grain (Time-NLP, gggdtparser) is a day, and so is Duckling's instant at now's clock a
  whole number of days away ("两天前"); a minute / second / hour span or grain is exact.
- Parts of the day are calibrated, not guessed: each parser reads 今天凌晨 … 今天深夜 and this
  morning / afternoon / evening once, and whatever it returns for a part word (JioNLP's span,
  Duckling's partOfDay, the Recognizers timex TMO/TAF/TEV/TNI, the clock Time-NLP and
  time-parser-zh give) reads as that part wherever it comes back (the first part word wins when
  two give the same).
- Windows: a duration (JioNLP time_delta, Duckling Duration, Recognizers duration, Time-NLP
  timedelta, time-parser-zh boundary with a duration) is a relative window (weeks as 7 days,
  a range as its end); a span from `now` whose end is `now` plus whole minutes is relative
  too; anything else is a deadline at its end, a whole day ending at 24:00 (also "before" a
  day: Duckling's "Before" a day, Recognizers' Mod "before" a date) and an hour given as
  "18点前" read as 18:00.
- JioNLP's spans for "N小时前/后" are an hour wide: the end nearest `now` is taken.
- Where a parser finds several entities (Duckling, Recognizers), the longest is read, the
  later of equals ("3天——8天" is 8 days).
- Time-NLP answers `now` or the machine's clock when it finds nothing: that reads as nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import yaml

from conversations.core.timing import Part, RoughTime, Window, WindowUnit

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus" / "times.yaml"
BEIJING = ZoneInfo("Asia/Shanghai")
RESULT = "@@timeparsers "  # marks the child's result line among whatever a library prints

Reading = datetime | Window | None
Item = dict[str, Any]

# The words each parser reads once to learn how it says a part of the day.
# The corpus's own words for each part (tests/corpus/README.md), the first of each part first.
PART_WORDS: tuple[tuple[str, Part], ...] = (
    ("今天凌晨", Part.SMALL_HOURS), ("今天早上", Part.EARLY_MORNING), ("今天上午", Part.MORNING),
    ("今天中午", Part.NOON), ("今天下午", Part.AFTERNOON), ("今天傍晚", Part.DUSK),
    ("今天晚上", Part.EVENING), ("今天夜里", Part.NIGHT), ("今天深夜", Part.LATE_NIGHT),
    ("今天清晨", Part.EARLY_MORNING), ("今天早晨", Part.EARLY_MORNING), ("今天夜晚", Part.EVENING),
    ("今天半夜", Part.LATE_NIGHT), ("今日朝早", Part.EARLY_MORNING),
    ("今日下晝", Part.AFTERNOON), ("今日晏晝", Part.AFTERNOON),
    ("this morning", Part.MORNING), ("this afternoon", Part.AFTERNOON),
    ("this evening", Part.EVENING), ("tonight", Part.EVENING), ("at night", Part.NIGHT),
)  # fmt: skip
CALIBRATION_NOW = datetime(2026, 12, 6, 15, 7)  # an odd minute: a parser's "nothing" (now) shows
FIRST_PARSE: Item = {"id": "first", "category": "first", "text": "昨天晚上9点",
                     "now": "2026-12-06 15:00", "sense": "past", "expect": None}  # fmt: skip
UNITS = {"minute": WindowUnit.MINUTES, "hour": WindowUnit.HOURS, "day": WindowUnit.DAYS,
         "workday": WindowUnit.WORKING_DAYS}  # fmt: skip
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


# --- readings in our terms -----------------------------------------------------------------


def wall(item: Item) -> datetime:
    """The item's `now`, naive Beijing wall-clock time (what most parsers take)."""
    return datetime.strptime(str(item["now"]), "%Y-%m-%d %H:%M")


def exact(naive: datetime) -> datetime:
    """An exact time, from Beijing wall-clock time."""
    return naive.replace(tzinfo=BEIJING)


def day(naive: datetime | date) -> RoughTime:
    """A time known only to the day."""
    d = naive.date() if isinstance(naive, datetime) else naive
    return RoughTime.of(datetime(d.year, d.month, d.day, tzinfo=BEIJING), Part.DAY)


def part(naive: datetime, p: Part) -> RoughTime:
    """A time known only to a part of the day."""
    return RoughTime.of(exact(naive), p)


def until(text: str, naive: datetime) -> Window:
    """A deadline at an instant."""
    return Window(text=text, until=exact(naive))


def until_day(text: str, d: datetime | date) -> Window:
    """A deadline at the end of a whole day (24:00)."""
    return Window(text=text, until=day(d).exact() + timedelta(days=1))


def relative(text: str, amounts: dict[str, float]) -> Window | None:
    """A relative window from amounts by unit (minute / hour / day / week / workday); several
    units add up in the smallest one."""
    amounts = {k: v for k, v in amounts.items() if v}
    if "week" in amounts:
        amounts["day"] = amounts.get("day", 0) + 7 * amounts.pop("week")
    if not amounts or set(amounts) - set(UNITS):
        return None
    if "workday" in amounts:
        only = len(amounts) == 1
        return Window(text, int(amounts["workday"]), WindowUnit.WORKING_DAYS) if only else None
    minutes = amounts.get("minute", 0) + 60 * amounts.get("hour", 0) + 1440 * amounts.get("day", 0)
    if minutes <= 0 or minutes != int(minutes):
        return None
    if set(amounts) == {"day"}:
        return Window(text, int(amounts["day"]), WindowUnit.DAYS)
    if minutes % 60 == 0 and "minute" not in amounts:
        return Window(text, int(minutes // 60), WindowUnit.HOURS)
    return Window(text, int(minutes), WindowUnit.MINUTES)


def minutes_from(now: datetime, end: datetime, text: str) -> Window | None:
    """A span from now to now plus whole minutes, as a relative window."""
    minutes = (end - now).total_seconds() / 60
    if minutes <= 0 or minutes != int(minutes):
        return None
    return relative(text, {"hour": minutes / 60} if minutes % 60 == 0 else {"minute": minutes})


def pick(values: list[datetime], now: datetime, sense: str) -> datetime | None:
    """Of several readings, the one on the sense's side of now (else the nearest)."""
    if not values:
        return None
    values = sorted(values)
    if sense == "past":
        before = [v for v in values if v <= now]
        return before[-1] if before else values[0]
    after = [v for v in values if v >= now]
    return after[0] if after else values[-1]


def naive_ts(text: Any) -> datetime | None:
    """'YYYY-MM-DD HH:MM[:SS]' (anything after it ignored), or None for '-inf' and the like."""
    m = re.match(r"(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)", str(text))
    if m is None:
        m2 = re.fullmatch(r"(\d{4}-\d{2}-\d{2})", str(text))
        return datetime.strptime(m2.group(1), "%Y-%m-%d") if m2 else None
    clock = m.group(2) if m.group(2).count(":") == 2 else m.group(2) + ":00"
    return datetime.strptime(f"{m.group(1)} {clock}", "%Y-%m-%d %H:%M:%S")


# --- adapters ------------------------------------------------------------------------------


class Adapter:
    """One candidate: its raw call and the reading of its output in our terms."""

    calibrated = True

    def __init__(self) -> None:
        self.parts: dict[Hashable, Part] = {}
        self.crashes = 0

    def raw(self, text: str, now: datetime, sense: str) -> Any:
        """The library's own output."""
        raise NotImplementedError

    def signature(self, raw: Any) -> Hashable | None:
        """What in the output says a part of the day, if anything."""
        return None

    def read(self, raw: Any, text: str, now: datetime, sense: str) -> Reading:
        """The output in our terms."""
        raise NotImplementedError

    def calibrate(self) -> None:
        """Learn how the library says each part of the day."""
        for text, p in PART_WORDS:
            try:
                sig = self.signature(self.raw(text, CALIBRATION_NOW, "past"))
            except Exception:
                continue
            if sig is not None:
                self.parts.setdefault(sig, p)

    def part_of(self, raw: Any) -> Part | None:
        """The part of the day the output says, as calibrated."""
        sig = self.signature(raw)
        return self.parts.get(sig) if sig is not None else None

    def __call__(self, item: Item) -> Reading:
        text, now, sense = str(item["text"]), wall(item), str(item["sense"])
        try:
            out = self.raw(text, now, sense)
            return self.read(out, text, now, sense) if out is not None else None
        except Exception:
            self.crashes += 1
            return None


class Ours(Adapter):
    """conversations.reading, through tests.reading_corpus.read_time."""

    calibrated = False

    def __init__(self) -> None:
        super().__init__()
        importlib.import_module("conversations.reading.times")
        importlib.import_module("conversations.reading.windows")
        self.read_time: Callable[[Item], Reading] | None = None

    def __call__(self, item: Item) -> Reading:
        if self.read_time is None:
            self.read_time = importlib.import_module("tests.reading_corpus").read_time
        return self.read_time(item)


class JioNLP(Adapter):
    """jio.parse_time: {'type': time_point / time_span / time_delta / time_period, 'time': …}."""

    def __init__(self) -> None:
        super().__init__()
        self.jio = importlib.import_module("jionlp")

    def raw(self, text: str, now: datetime, sense: str) -> Any:
        return self.jio.parse_time(text, time_base=now, ret_future=sense != "past")

    def signature(self, raw: Any) -> Hashable | None:
        if raw.get("definition") != "blur" or raw.get("type") not in ("time_point", "time_span"):
            return None
        s, e = (naive_ts(t) for t in raw["time"])
        if s is None or e is None or s.date() != e.date():
            return None
        return (s.time(), e.time())

    def read(self, raw: Any, text: str, now: datetime, sense: str) -> Reading:
        kind, value = raw.get("type"), raw.get("time")
        if kind == "time_delta":
            delta = value[-1] if isinstance(value, list) else value
            if sense == "window":
                return relative(text, delta)
            return self._moved(delta, now, sense)
        if kind not in ("time_point", "time_span"):
            return None
        s, e = (naive_ts(t) for t in value)
        if sense == "window":
            return self._deadline(s, e, now, text)
        if s is None or e is None:
            return None
        p = self.part_of(raw)
        if p is not None:
            return part(s, p)
        length = (e - s).total_seconds()
        if length in (0, 59, 3599):  # a second, a minute, an hour
            return exact(s)
        if s.time() == datetime.min.time() and e == s + timedelta(days=1, seconds=-1):
            return day(s)
        if length < 86400 and raw.get("definition") != "blur":  # "3小时前": [now-4h, now-3h]
            nearest = min((s, e), key=lambda t: abs((t - now).total_seconds()))
            return exact(nearest.replace(second=0))
        return None

    @staticmethod
    def _moved(delta: dict[str, float], now: datetime, sense: str) -> Reading:
        keys = {k for k, v in delta.items() if v}
        if not keys or keys - {"day", "hour", "minute", "second", "week"}:
            return None
        span = timedelta(
            days=delta.get("day", 0) + 7 * delta.get("week", 0), hours=delta.get("hour", 0),
            minutes=delta.get("minute", 0), seconds=delta.get("second", 0),
        )  # fmt: skip
        at = now - span if sense == "past" else now + span
        return day(at) if keys <= {"day", "week"} else exact(at)

    @staticmethod
    def _deadline(
        s: datetime | None, e: datetime | None, now: datetime, text: str
    ) -> Window | None:
        if e is None:
            return None
        if e.time() == datetime.max.time().replace(microsecond=0):  # 23:59:59: the whole day
            return until_day(text, e)
        if e.minute == 59 and e.second == 59:  # an hour's end: the hour named ("18点前")
            return until(text, e.replace(minute=0, second=0))
        end = e.replace(second=0)
        if s is not None and s.replace(second=0) == now:
            return minutes_from(now, end, text) or until(text, end)
        return until(text, end)


class Duckling(Adapter):
    """duckling-chinese (Xiaomi's Duckling on a JVM): Time and Duration entities with a grain."""

    GRAINS: ClassVar[dict[str, str]] = {
        "Second": "exact", "Minute": "exact", "Hour": "exact", "Day": "day",
    }  # fmt: skip
    DURATION_UNITS: ClassVar[dict[str, str]] = {
        "Minute": "minute", "Hour": "hour", "Day": "day", "Week": "week",
    }  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        mod = importlib.import_module("duckling_chinese")
        self.d = mod.Duckling()
        dims = {mod.DucklingDimension.TIME, mod.DucklingDimension.DURATION}
        self.options = {
            future: self.d.gen_options(targets=dims, time_options=self.d.gen_time_options(
                always_in_future=future, recent_in_future=future))
            for future in (False, True)
        }  # fmt: skip

    def raw(self, text: str, now: datetime, sense: str) -> Any:
        context = self.d.gen_context(reference_time=exact(now))
        found = self.d.parse_entities(text, context=context, options=self.options[sense != "past"])
        return max(found, key=lambda x: (x["end"] - x["start"], x["start"])) if found else None

    def signature(self, raw: Any) -> Hashable | None:
        pod = raw.get("value", {}).get("partOfDay")
        return str(pod) if pod else None

    def read(self, raw: Any, text: str, now: datetime, sense: str) -> Reading:
        value = raw.get("value", {})
        if raw.get("dim") == "Duration":
            amounts = self._duration(value)
            if amounts is None:
                return None
            if sense == "window":
                return relative(text, amounts)
            return JioNLP._moved(amounts, now, sense)
        tv = value.get("timeValue", {})
        if "instant" in tv:
            at, grain = self._point(tv["instant"])
            if sense == "window":
                return self._until_end(at, str(tv["instant"].get("grain")), text)
            if grain == "exact" and at.time() == now.time() and at.date() != now.date():
                return day(at)  # now ± whole days ("两天前", "三个月前"): known to the day
            return None if grain is None else day(at) if grain == "day" else exact(at)
        start, end = tv.get("start"), tv.get("end")
        if sense == "window":
            return self._deadline(start, end, tv.get("direction"), now, text)
        p = self.part_of(raw)
        if p is not None and start is not None:
            return part(self._point(start)[0], p)
        if start is not None and end is None:
            at, grain = self._point(start)
            return None if grain is None else day(at) if grain == "day" else exact(at)
        return None

    def _point(self, v: dict[str, Any]) -> tuple[datetime, str | None]:
        at = naive_ts(v["datetime"])
        if at is None:
            raise ValueError(v)
        return at, self.GRAINS.get(str(v.get("grain")))

    def _duration(self, value: dict[str, Any]) -> dict[str, float] | None:
        unit = self.DURATION_UNITS.get(str(value.get("grain") or value.get("unit")).title())
        amount = value.get("value")
        if unit is None or not isinstance(amount, int | float):
            return None
        return {unit: float(amount)}

    @staticmethod
    def _until_end(at: datetime, grain: str, text: str) -> Window | None:
        """A day, week or month named as a deadline runs to its end; a clock time is itself."""
        if grain == "Day":
            return until_day(text, at)
        if grain == "Week":
            return until(text, at + timedelta(days=7))
        if grain == "Month":
            return until(text, (at.replace(day=1) + timedelta(days=32)).replace(day=1))
        return until(text, at) if grain in ("Second", "Minute", "Hour") else None

    def _deadline(self, start: Any, end: Any, direction: Any, now: datetime, text: str) -> Reading:
        if start is not None and end is not None:
            s, grain = self._point(start)
            e, _ = self._point(end)
            floors = {"Minute": now.replace(second=0), "Hour": now.replace(minute=0, second=0),
                      "Day": now.replace(hour=0, minute=0, second=0)}  # fmt: skip
            floor = floors.get(str(start.get("grain")))
            if floor is not None and s == floor:  # from now: a relative window
                unit = str(start.get("grain")).lower()
                size = {"minute": 60, "hour": 3600, "day": 86400}[unit]
                return relative(text, {unit: (e - s).total_seconds() / size})
            return until(text, e)
        if start is not None and direction == "Before":
            s, grain = self._point(start)
            return until_day(text, s) if grain == "day" else until(text, s)
        return None


class Recognizers(Adapter):
    """Microsoft Recognizers-Text (ms-recognizers-text-date-time), zh-cn or en by the script."""

    TIMEX_PART = re.compile(r"T(MO|MI|AF|EV|NI|DT)$")
    TIMEX_SPAN = re.compile(r"\(.*,P(T?)(\d+(?:\.\d+)?)([DWHM])\)")

    def __init__(self) -> None:
        super().__init__()
        mod = importlib.import_module("ms_recognizers_date_time")
        culture = importlib.import_module("ms_recognizers_text").Culture
        self.models = {
            zh: mod.DateTimeRecognizer(c).get_datetime_model(c)
            for zh, c in ((True, culture.Chinese), (False, culture.English))
        }

    def raw(self, text: str, now: datetime, sense: str) -> Any:
        found = list(enumerate(self.models[bool(CJK.search(text))].parse(text, now)))
        return max(found, key=lambda im: (len(im[1].text), im[0]))[1] if found else None

    def signature(self, raw: Any) -> Hashable | None:
        values = raw.resolution.get("values") or [{}]
        m = self.TIMEX_PART.search(str(values[0].get("timex", "")))
        return m.group(1) if m else None

    def read(self, raw: Any, text: str, now: datetime, sense: str) -> Reading:
        values: list[dict[str, Any]] = raw.resolution.get("values") or []
        if not values:
            return None
        kind, timex = str(values[0].get("type")), str(values[0].get("timex"))
        span = self.TIMEX_SPAN.fullmatch(timex)  # "未来48小时": (now,now+48h,PT48H)
        from_now = span is not None and naive_ts(values[0].get("start")) == now
        if kind == "duration" or (sense == "window" and from_now):
            m = span or re.fullmatch(r"P(T?)(\d+(?:\.\d+)?)([DWHM])", timex)
            if m is None:
                return None
            unit = {"D": "day", "W": "week", "H": "hour", "M": "minute" if m.group(1) else "month"}
            amounts = {unit[m.group(3)]: float(m.group(2))}
            if sense == "window":
                return relative(text, amounts)
            return JioNLP._moved(amounts, now, sense)
        p = self.part_of(raw)
        side = "future" if sense == "window" else sense
        if kind in ("date", "datetime", "time"):
            instants = [self._instants(v, kind, now) for v in values]
            if kind == "time":  # a bare clock time: the nearest on the sense's side
                at = pick([t for ts in instants for t in ts], now, side)
            else:  # alternatives in the library's order (9:08 before 21:08): the first that fits
                firsts = [ts[0] for ts in instants if ts]
                fits = [t for t in firsts if (t <= now if side == "past" else t >= now)]
                at = (fits or firsts)[0] if firsts else None
            if at is None:
                return None
            if sense == "window":
                return until_day(text, at) if kind == "date" else until(text, at)
            return day(at) if kind == "date" else exact(at)
        if kind in ("datetimerange", "timerange", "daterange"):
            starts = [t for v in values for t in self._instants(v, kind, now, "start")]
            ends = [t for v in values for t in self._instants(v, kind, now, "end")]
            if sense == "window":
                end = pick(ends, now, "future")
                if end is None:
                    return None
                before_day = values[0].get("Mod") == "before" and "T" not in timex
                return until_day(text, end) if before_day else until(text, end)  # "by Friday"
            start = pick(starts, now, sense)
            return part(start, p) if p is not None and start is not None else None
        return None

    @staticmethod
    def _instants(
        v: dict[str, Any], kind: str, now: datetime, key: str = "value"
    ) -> list[datetime]:
        raw = v.get(key)
        if raw is None:
            return []
        if kind.startswith("time"):  # a clock time with no day: today, yesterday or tomorrow
            clock = datetime.strptime(str(raw), "%H:%M:%S").time()
            return [datetime.combine(now.date() + timedelta(days=d), clock) for d in (-1, 0, 1)]
        at = naive_ts(raw)
        return [at] if at is not None else []


class TimeNLP(Adapter):
    """Time-NLP ports (ChineseTimeNLP, ChineseDateTimeNLP, cntime-nlp): timestamp / timespan /
    timedelta, no grain."""

    def __init__(self, module: str) -> None:
        super().__init__()
        mod = importlib.import_module(module)
        self.arrow = importlib.import_module("arrow")
        self.tn = {future: mod.TimeNormalizer(isPreferFuture=future) for future in (False, True)}

    def raw(self, text: str, now: datetime, sense: str) -> Any:
        base = self.arrow.get(now, tzinfo="Asia/Shanghai")
        return self.tn[sense != "past"].parse(text, base)

    def signature(self, raw: Any) -> Hashable | None:
        at = naive_ts(raw.get("timestamp")) if raw.get("type") == "timestamp" else None
        return at.time() if at is not None and at.time() != datetime.min.time() else None

    def read(self, raw: Any, text: str, now: datetime, sense: str) -> Reading:
        kind = raw.get("type")
        if kind == "timedelta":
            delta = {k: float(v) for k, v in raw["timedelta"].items() if k != "second"}
            if delta.get("year") or delta.get("month"):
                return None
            if sense == "window":
                return relative(text, delta)
            return JioNLP._moved(delta, now, sense)
        if kind == "timestamp":
            at = naive_ts(raw["timestamp"])
        elif kind == "timespan":
            span = [naive_ts(t) for t in raw["timespan"]]
            at = span[-1] if sense == "window" else span[0]
        else:
            return None
        if at is None or at == now or self._wall_clock(at):  # its answers when it finds nothing
            return None
        midnight = at.time() == datetime.min.time()
        if sense == "window":
            return until_day(text, at) if midnight else until(text, at)
        p = self.part_of(raw)
        return part(at, p) if p is not None else day(at) if midnight else exact(at)

    @staticmethod
    def _wall_clock(at: datetime) -> bool:
        """Time-NLP's answer when it found nothing: the machine's current time."""
        real = datetime.now(BEIJING).replace(tzinfo=None)
        return at.second != 0 and abs((at - real).total_seconds()) < 300


class TimeParserZh(Adapter):
    """time-parser-zh: a point, a relative offset, a date range or a boundary, each its own API."""

    def __init__(self) -> None:
        super().__init__()
        self.t = importlib.import_module("time_parser_zh")

    def raw(self, text: str, now: datetime, sense: str) -> Any:
        calls: dict[str, Callable[[], Any]] = {
            "bd": lambda: self.t.extract_temporal_boundary(text, today=now),
            "rel": lambda: self.t.extract_relative_time(text, anchor=now),
            "pt": lambda: self.t.extract_datetime_point(text, today=now),
            "dr": lambda: self.t.extract_date_range_v2(text, today=now),
        }
        order = ("bd", "rel", "pt", "dr") if sense == "window" else ("pt", "rel", "dr")
        for name in order:
            out = calls[name]()
            if out is not None and getattr(out, "recognition_status", "ok") == "ok":
                return name, out.to_dict()
        return None

    def signature(self, raw: Any) -> Hashable | None:
        name, d = raw
        at = naive_ts(d.get("datetime"))
        return at.time() if name == "pt" and d.get("precision") == "period" and at else None

    def read(self, raw: Any, text: str, now: datetime, sense: str) -> Reading:
        name, d = raw
        if name == "bd":
            dur = d.get("duration")
            if dur and dur.get("value"):
                return relative(text, {str(dur["unit"]): float(dur["value"])})
            at = naive_ts(d.get("value"))
            if at is None:
                return None
            return until_day(text, at) if d.get("value_type") == "date" else until(text, at)
        if name == "rel":
            at = naive_ts(d.get("resolved_at"))
            if at is None:
                return None
            if sense == "window":
                return relative(text, {str(d["unit"]): float(d["value"])})
            return day(at) if d.get("unit") in ("day", "week", "month") else exact(at)
        if name == "pt":
            at = naive_ts(d.get("datetime"))
            if at is None:
                return None
            if sense == "window":
                return until(text, at)
            p = self.part_of(raw)
            return part(at, p) if p is not None else exact(at)
        end = naive_ts(d.get("point") or d.get("end"))
        if sense == "window":
            return until_day(text, end) if end is not None else None
        start = naive_ts(d.get("start"))
        return day(start) if start is not None and d.get("start") == d.get("end") else None


class DateParser(Adapter):
    """dateparser with zh, zh-Hant, yue and en; optionally cn2an first (Chinese numerals to
    digits)."""

    def __init__(self, cn2an: bool = False) -> None:
        super().__init__()
        self.date_data_parser = importlib.import_module("dateparser.date").DateDataParser
        self.cn2an = importlib.import_module("cn2an") if cn2an else None
        self.parsers: dict[tuple[datetime, str], Any] = {}

    def raw(self, text: str, now: datetime, sense: str) -> Any:
        if self.cn2an is not None:
            with contextlib.suppress(Exception):
                text = str(self.cn2an.transform(text, "cn2an"))
        prefer = "past" if sense == "past" else "future"
        parser = self.parsers.get((now, prefer))
        if parser is None:
            parser = self.date_data_parser(
                languages=["zh", "zh-Hant", "yue", "en"],
                settings={"RELATIVE_BASE": now, "PREFER_DATES_FROM": prefer,
                          "RETURN_TIME_AS_PERIOD": True},
            )  # fmt: skip
            self.parsers[(now, prefer)] = parser
        data = parser.get_date_data(text)
        return data if data.date_obj is not None else None

    def signature(self, raw: Any) -> Hashable | None:
        return raw.date_obj.time() if raw.period == "part_of_day" else None

    def read(self, raw: Any, text: str, now: datetime, sense: str) -> Reading:
        at: datetime = raw.date_obj.replace(tzinfo=None)
        if raw.period not in ("time", "day", "part_of_day"):
            return None
        if sense == "window":
            return until_day(text, at) if raw.period == "day" else until(text, at)
        if raw.period == "part_of_day":
            p = self.part_of(raw)
            return part(at, p) if p is not None else exact(at)
        return day(at) if raw.period == "day" else exact(at)


class Gggdtparser(Adapter):
    """gggdtparser (dates on scraped pages): one datetime, no grain, no direction option."""

    calibrated = False

    def __init__(self) -> None:
        super().__init__()
        self.g = importlib.import_module("gggdtparser")

    def raw(self, text: str, now: datetime, sense: str) -> Any:
        return self.g.parse(text, base_datetime=now)

    def read(self, raw: Any, text: str, now: datetime, sense: str) -> Reading:
        at: datetime = raw.replace(tzinfo=None)
        midnight = at.time() == datetime.min.time()
        if sense == "window":
            return until_day(text, at) if midnight else until(text, at)
        return day(at) if midnight else exact(at)


@dataclass(frozen=True)
class Candidate:
    """A parser to measure: how to build its adapter, and where it comes from."""

    name: str
    label: str  # a short column heading
    package: str  # the distribution on PyPI ("" for ours)
    module: str  # importable when installed
    make: Callable[[], Adapter]


CANDIDATES: tuple[Candidate, ...] = (
    Candidate("ours", "ours", "", "conversations.reading.times", Ours),
    Candidate("jionlp", "jionlp", "jionlp", "jionlp", JioNLP),
    Candidate("duckling-chinese", "duckling", "duckling-chinese", "duckling_chinese", Duckling),
    Candidate("recognizers-text", "msrecog", "ms-recognizers-text-date-time",
              "ms_recognizers_date_time", Recognizers),
    Candidate("time-parser-zh", "tpzh", "time-parser-zh", "time_parser_zh", TimeParserZh),
    Candidate("ChineseTimeNLP", "ctnlp", "ChineseTimeNLP", "ChineseTimeNLP",
              lambda: TimeNLP("ChineseTimeNLP")),
    Candidate("ChineseDateTimeNLP", "cdtnlp", "ChineseDateTimeNLP", "ChineseDateTimeNLP",
              lambda: TimeNLP("ChineseDateTimeNLP")),
    Candidate("cntime-nlp", "cntnlp", "cntime-nlp", "cntimenlp", lambda: TimeNLP("cntimenlp")),
    Candidate("gggdtparser", "gggdt", "gggdtparser", "gggdtparser", Gggdtparser),
    Candidate("dateparser", "dparser", "dateparser", "dateparser", DateParser),
    Candidate("cn2an+dateparser", "cn2an+dp", "cn2an", "cn2an", lambda: DateParser(cn2an=True)),
)  # fmt: skip


# --- one parser, in its own process --------------------------------------------------------


def rss_kib() -> int:
    """This process's resident set size (VmRSS), KiB."""
    status = Path("/proc/self/status").read_text()
    m = re.search(r"VmRSS:\s+(\d+)", status)
    return int(m.group(1)) if m else 0


def child(name: str) -> dict[str, Any]:
    """Measure one parser over the corpus; the figures as JSON-able data."""
    items: list[Item] = yaml.safe_load(CORPUS.read_text("utf-8"))
    cand = next(c for c in CANDIDATES if c.name == name)
    rss0 = rss_kib()
    t0 = time.perf_counter()
    adapter = cand.make()
    import_s = time.perf_counter() - t0
    rss1 = rss_kib()
    harness = importlib.import_module("tests.reading_corpus")
    rss1b = rss_kib()
    t0 = time.perf_counter()
    adapter(FIRST_PARSE)
    first_s = time.perf_counter() - t0
    rss2 = rss_kib()
    if adapter.calibrated:
        adapter.calibrate()
    score = harness.Score()
    times: list[float] = []
    ok: dict[str, bool] = {}
    for item in items:
        t0 = time.perf_counter()
        got = adapter(item)
        times.append(time.perf_counter() - t0)
        before = score.right.get("all", 0)
        harness.score_time(item, got, score)
        ok[item["id"]] = score.right.get("all", 0) > before
    rss3 = rss_kib()
    added = (rss1 - rss0) + (rss2 - rss1b)
    return {
        "name": name,
        "right": score.right, "total": score.total, "ok": ok, "misses": score.misses,
        "import_s": import_s, "first_s": first_s,
        "p50_s": statistics.median(times), "p99_s": statistics.quantiles(times, n=100)[98],
        "mean_s": statistics.fmean(times), "total_s": sum(times),
        "rss_before_mib": rss0 / 1024, "import_mib": (rss1 - rss0) / 1024,
        "first_mib": added / 1024, "corpus_mib": (added + rss3 - rss2) / 1024,
        "crashes": adapter.crashes, "parts": len(adapter.parts),
    }  # fmt: skip


def run_child(cand: Candidate) -> dict[str, Any] | str:
    """One parser's figures from its own subprocess, or why there are none."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "bench.timeparsers", "--child", cand.name]
    try:
        proc = subprocess.run(command, cwd=ROOT, env=dict(os.environ, PYTHONPATH=path),
                              capture_output=True, text=True, timeout=900)  # fmt: skip
    except subprocess.TimeoutExpired:
        return "timed out after 900 s"
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT):
            result: dict[str, Any] = json.loads(line.removeprefix(RESULT))
            return result
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
    return f"failed (exit {proc.returncode}): " + " | ".join(tail)


# --- the report ----------------------------------------------------------------------------


def version(cand: Candidate) -> str:
    """The installed version, or our own."""
    try:
        return importlib.metadata.version(cand.package or "complaint-coach")
    except importlib.metadata.PackageNotFoundError:
        return "tree"


def installed(cand: Candidate) -> bool:
    """Whether the candidate's module can be imported (without importing it)."""
    try:
        return importlib.util.find_spec(cand.module) is not None
    except (ImportError, ValueError):
        return False


def our_revision() -> str:
    """The commit ours was measured at, and whether conversations/reading had changes on top."""
    git = ["git", "-C", str(ROOT)]
    try:
        rev = subprocess.run([*git, "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, check=True).stdout  # fmt: skip
        dirty = subprocess.run([*git, "status", "--porcelain", "conversations"],
                               capture_output=True, text=True, check=True).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return rev.strip() + (" with uncommitted changes in conversations/" if dirty.strip() else "")


def pct(right: int, total: int) -> str:
    """A share as a percentage."""
    return f"{right / total:6.1%}" if total else "     -"


def report(
    results: list[tuple[Candidate, dict[str, Any]]], skipped: list[str], misses: bool
) -> None:
    """Print the figures."""
    items: list[Item] = yaml.safe_load(CORPUS.read_text("utf-8"))
    zh = {i["id"] for i in items if CJK.search(str(i["text"]))}
    print(f"Time parsers on {CORPUS.relative_to(ROOT)}: {len(items)} expressions "
          f"({len(zh)} Chinese, {len(items) - len(zh)} English); "
          f"Python {platform.python_version()}, {os.cpu_count()} cores; "
          f"ours at {our_revision()}\n")  # fmt: skip
    print(f"{'parser':19} {'label':9} {'version':10} {'all':>6} {'zh':>6} {'en':>6} "
          f"{'import':>8} {'1st':>8} {'p50':>8} {'p99':>8} {'mean':>8} "
          f"{'+MiB imp':>9} {'+1st':>6} {'+corpus':>7} {'raised':>6}")  # fmt: skip
    for cand, r in results:
        ok = r["ok"]
        zh_right = sum(ok[i] for i in zh)
        en_right = sum(v for k, v in ok.items() if k not in zh)
        ms = {k: r[k] * 1e3 for k in ("first_s", "p50_s", "p99_s", "mean_s")}
        print(f"{cand.name:19} {cand.label:9} {version(cand):10} "
              f"{pct(r['right'].get('all', 0), r['total']['all'])} {pct(zh_right, len(zh))} "
              f"{pct(en_right, len(ok) - len(zh))} {r['import_s']:7.2f}s {ms['first_s']:6.1f}ms "
              f"{ms['p50_s']:6.2f}ms {ms['p99_s']:6.2f}ms {ms['mean_s']:6.2f}ms "
              f"{r['import_mib']:9.1f} {r['first_mib']:6.1f} {r['corpus_mib']:7.1f} "
              f"{r['crashes']:6}")  # fmt: skip
    for note in skipped:
        print(f"skipped: {note}")
    print("\nimport: wall time of everything done once before the first parse; 1st: the first "
          "parse; p50 / p99 / mean: per expression over the corpus after it.\n+MiB: VmRSS "
          "added by the import, by the import and the first parse, and after the whole corpus."
          "\nraised: calls that raised (read as nothing; JioNLP raises when it finds no time)."
          "\n")  # fmt: skip

    categories = sorted({str(i["category"]) for i in items})
    print("Accuracy by category (right / total; the best figure of each row marked *)")
    print(f"{'category':18} {'n':>3} " + " ".join(f"{c.label:>9}" for c, _ in results))
    for cat in [*categories, "all"]:
        total = results[0][1]["total"].get(cat, 0) if results else 0
        rates = [r["right"].get(cat, 0) for _, r in results]
        best = max(rates, default=0)
        cells = [f"{(n / total if total else 0):8.1%}{'*' if n == best else ' '}" for n in rates]
        print(f"{cat:18} {total:3} " + " ".join(cells))

    if not results or results[0][0].name != "ours":
        return
    ours = results[0][1]["ok"]
    by_id = {str(i["id"]): i for i in items}
    print("\nAgainst ours, by category: +N right where ours is wrong, -N wrong where ours is right")
    print(f"{'category':18} " + " ".join(f"{c.label:>9}" for c, _ in results[1:]))
    for cat in categories:
        ids = [k for k, i in by_id.items() if i["category"] == cat]
        cells = []
        for _, r in results[1:]:
            won = sum(r["ok"][k] and not ours[k] for k in ids)
            lost = sum(ours[k] and not r["ok"][k] for k in ids)
            cells.append(f"{f'+{won}/-{lost}':>9}")
        print(f"{cat:18} " + " ".join(cells))
    print("\nExpressions a candidate reads right and ours does not")
    for cand, r in results[1:]:
        wins = [k for k in by_id if r["ok"][k] and not ours[k]]
        print(f"{cand.name} ({len(wins)}):")
        for k in wins:
            i = by_id[k]
            print(f"  {k:26} {i['sense']:7} {str(i['text'])!r:34} want {i['expect']!r}")
    if misses:
        for cand, r in results:
            print(f"\nMisses of {cand.name} ({len(r['misses'])}):")
            for m in r["misses"]:
                print(f"  {m}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.timeparsers", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="these parsers only (ours is always run first)")  # fmt: skip
    parser.add_argument("--misses", action="store_true", help="list every parser's misses")
    parser.add_argument("--child", metavar="NAME", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(RESULT + json.dumps(child(args.child), ensure_ascii=False), flush=True)
        return 0
    wanted = {"ours", *(args.only or [c.name for c in CANDIDATES])}
    results: list[tuple[Candidate, dict[str, Any]]] = []
    skipped: list[str] = []
    for cand in CANDIDATES:
        if cand.name not in wanted:
            continue
        if not installed(cand):
            skipped.append(f"{cand.name} (not installed: pip install {cand.package})")
            continue
        print(f"measuring {cand.name} …", file=sys.stderr, flush=True)
        out = run_child(cand)
        if isinstance(out, str):
            skipped.append(f"{cand.name} ({out})")
        else:
            results.append((cand, out))
    report(results, skipped, args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
