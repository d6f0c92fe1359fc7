"""The sending limits: 30 a second overall, per chat a short burst then 1 a second."""

from __future__ import annotations

import itertools

from bot.ratelimit import RateLimiter


class FakeTime:
    """A clock that moves only when the limiter sleeps, so the test runs instantly."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


async def _send_times(chats: list[int]) -> list[float]:
    time = FakeTime()
    limiter = RateLimiter(clock=time.clock, sleep=time.sleep)
    times = []
    for chat in chats:
        async with limiter.slot(chat):
            times.append(time.now)
    return times


async def test_no_second_holds_more_than_thirty_sends() -> None:
    times = await _send_times(list(range(300)))
    for i in range(len(times)):
        in_window = [t for t in times[i:] if t - times[i] < 1.0]
        assert len(in_window) <= 30
    assert times[-1] <= 300 / 30 * 1.1  # and close to the limit, not far under it


async def test_one_chat_gets_a_short_burst_then_one_a_second() -> None:
    times = await _send_times([7] * 10)
    assert times[3] - times[0] < 0.2  # a reply of four goes at once (only 1/30 s apart)
    gaps = [b - a for a, b in itertools.pairwise(times[4:])]  # after the burst
    assert all(gap >= 1.0 for gap in gaps)


async def test_many_chats_in_one_burst_stay_cheap_to_schedule() -> None:
    import time as wall

    started = wall.perf_counter()
    await _send_times(list(range(40_000)))
    assert wall.perf_counter() - started < 10  # quadratic sweeps took minutes here
