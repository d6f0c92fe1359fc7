"""Times a case holds: instants in UTC, times known only to a day or a part of it, and windows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Any, SupportsIndex, overload


class Part(StrEnum):
    """How much of a time the user gave: only the day, or the day and a part of it."""

    DAY = "day"  # "3月2日", "上周五", "yesterday"
    SMALL_HOURS = "small_hours"  # 凌晨
    EARLY_MORNING = "early_morning"  # 早上, 清晨
    MORNING = "morning"  # 上午
    NOON = "noon"  # 中午
    AFTERNOON = "afternoon"  # 下午
    DUSK = "dusk"  # 傍晚
    EVENING = "evening"  # 晚上
    NIGHT = "night"  # 夜里, last night
    LATE_NIGHT = "late_night"  # 深夜, 半夜


class RoughTime(datetime):
    """A time the user gave only to the day ("3月2日") or to a part of it ("昨天晚上").

    The instant is a stand-in (the day's 00:00, or the part's usual hour) so that rough times
    sort and compare with exact ones; `part` is what the user said, and texts show only that,
    never the stand-in's clock. Arithmetic on it gives a plain datetime: a deadline counted
    from a rough time is an instant the bot commits to.
    """

    part: Part = Part.DAY

    @classmethod
    def of(cls, dt: datetime, part: Part) -> RoughTime:
        """The same instant as `dt`, marked as known only to `part`."""
        rough = cls(
            dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, dt.microsecond,
            dt.tzinfo, fold=dt.fold,
        )  # fmt: skip
        rough.part = part
        return rough

    def exact(self) -> datetime:
        """The stand-in instant as a plain datetime."""
        return datetime(
            self.year, self.month, self.day, self.hour, self.minute, self.second,
            self.microsecond, self.tzinfo, fold=self.fold,
        )  # fmt: skip

    def day_end(self, tz: tzinfo) -> datetime:
        """The end of the day it names in `tz`: the safe start to count a window from, and
        to measure "more than N hours since" against (it may have been late that day)."""
        local = self.astimezone(tz)
        return datetime(local.year, local.month, local.day, tzinfo=tz) + timedelta(days=1)

    def astimezone(self, tz: tzinfo | None = None) -> RoughTime:
        """The same rough time seen in another timezone."""
        return RoughTime.of(self.exact().astimezone(tz), self.part)

    def replace(self, *args: Any, **kwargs: Any) -> datetime:  # type: ignore[override]
        """Fields set by hand make an exact time."""
        return self.exact().replace(*args, **kwargs)

    def __add__(self, other: timedelta) -> datetime:  # type: ignore[override]
        return self.exact() + other

    __radd__ = __add__  # type: ignore[assignment]

    @overload  # type: ignore[override]
    def __sub__(self, other: timedelta) -> datetime: ...
    @overload
    def __sub__(self, other: datetime) -> timedelta: ...
    def __sub__(self, other: timedelta | datetime) -> datetime | timedelta:
        return self.exact() - other

    def __eq__(self, other: object) -> bool:
        # A rough time is not the exact time of its stand-in: the user said something else.
        if not isinstance(other, datetime):
            return NotImplemented
        same_instant = datetime.__eq__(self.exact(), other) is True
        return same_instant and getattr(other, "part", None) == self.part

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = datetime.__hash__

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[Any, ...]:
        return RoughTime.of, (self.exact(), self.part)

    def __repr__(self) -> str:
        return f"RoughTime.of({self.exact()!r}, {self.part!r})"


class WindowUnit(StrEnum):
    """The unit of a relative response window."""

    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"
    WORKING_DAYS = "working_days"


@dataclass(frozen=True)
class Window:
    """A response window as promised or demanded: "24小时内", "3个工作日内", "明天下午6点前"."""

    text: str  # the user's own words, shown back in texts
    amount: int | None = None  # for a relative window
    unit: WindowUnit | None = None
    until: datetime | None = None  # for an absolute deadline (UTC)

    def to_json(self) -> dict[str, Any]:
        """Serialise for storage."""
        return {
            "text": self.text,
            "amount": self.amount,
            "unit": self.unit.value if self.unit else None,
            "until": dt_out(self.until),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Window:
        """Deserialise from storage."""
        return cls(
            text=d["text"],
            amount=d.get("amount"),
            unit=WindowUnit(d["unit"]) if d.get("unit") else None,
            until=dt_in(d.get("until")),
        )


def utc(dt: datetime) -> datetime:
    """The same instant in UTC; refuses naive datetimes."""
    if dt.tzinfo is None:
        raise ValueError("naive datetime")
    return dt.astimezone(UTC)


def dt_out(dt: datetime | None) -> str | dict[str, str] | None:
    if dt is None:
        return None
    if isinstance(dt, RoughTime):
        return {"at": utc(dt).isoformat(), "part": dt.part.value}
    return utc(dt).isoformat()


def dt_in(s: str | dict[str, str] | None) -> datetime | None:
    if not s:
        return None
    if isinstance(s, dict):
        return RoughTime.of(datetime.fromisoformat(s["at"]), Part(s["part"]))
    return datetime.fromisoformat(s)
