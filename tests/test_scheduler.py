"""The scheduler over a real SQLite file: quiet hours, exactly once, sleeping until due, waking."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conversations.core.deadlines import Wanted
from conversations.core.events import Command, Press, Text
from conversations.core.model import Channel, Lang
from conversations.shell.outbox import Outbox, TransientFailure
from conversations.shell.scheduler import Scheduler
from conversations.shell.service import Coach, Inbound
from conversations.store.rows import User
from conversations.store.storage import Store
from conversations.texts.messages import OutMessage
from conversations.texts.rendering import Texts
from tests.conftest import sql
from tests.test_service import RecordingSender

SH = ZoneInfo("Asia/Shanghai")
USER = 7


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class SignallingSender(RecordingSender):
    """Records messages and signals when a reminder push goes out."""

    def __init__(self) -> None:
        super().__init__()
        self.pushed = asyncio.Event()

    async def send(
        self, chat_id: int, message: OutMessage, urgent: bool = False
    ) -> int | None:
        sent = await super().send(chat_id, message)
        if message.plain.startswith("⏰"):
            self.pushed.set()
        return sent


class Bot:
    """The coach and scheduler as the bot wires them, with a recording sender."""

    def __init__(
        self, store: Store, where: Path | str, clock: Callable[[], datetime], user: int = USER
    ) -> None:
        self.where = where
        self.user = user
        self.store = store
        self.clock = clock
        self.sender = SignallingSender()
        self.coach = Coach(store, Texts(), Outbox(store, self.sender), SH, clock=clock)
        self.scheduler = Scheduler(store, self.coach, clock=clock)
        self.coach.on_reminders_changed = self.scheduler.wake
        self.update_id = user * 1000  # unique across users, as Telegram's are

    async def send(self, event: Command | Text | Press) -> None:
        self.update_id += 1
        await self.coach.handle(
            Inbound(self.user, self.user, event, self.clock(), "zh-hans", self.update_id)
        )

    async def press(self, action: str, value: str = "") -> None:
        async with self.store.transaction() as tx:
            seq = (await tx.session(self.user)).seq
        await self.send(Press(seq, action, value))

    async def confirm(self, story: str) -> None:
        await self.send(Command("new"))
        await self.send(Text(story))
        await self.press("skip")  # no rule clause
        await self.press("done")  # evidence
        await self.press("confirm")

    async def reminders(self) -> list[tuple[str, str, int]]:
        rows = await sql(self.store, "SELECT key, status, deliver_at FROM reminders ORDER BY id")
        return [(str(k), str(s), int(d)) for k, s, d in rows]

    def pushes(self) -> list[str]:
        return [t for _, t in self.sender.sent if t.startswith("⏰")]


def _story(promised_at: str, window: str) -> str:
    return (
        "11月20日晚上8点在未来卡盟买了一张100元的Steam充值卡,订单号WL20240302001,实付98元。"
        f"激活时提示卡密无效。{promised_at}联系客服(工号8801),说{window}处理。要求3个工作日内补发卡密。"
    )


@pytest.fixture
async def store(where: Path | str) -> AsyncIterator[tuple[Store, Path | str]]:
    opened = await Store.open(where)
    try:
        yield opened, where
    finally:
        await opened.close()


def _local(*args: int) -> datetime:
    year, month, day, hour, minute = args
    return datetime(year, month, day, hour, minute, tzinfo=SH)


async def test_quiet_hours_hold_a_night_reminder_until_eight(
    store: tuple[Store, Path | str],
) -> None:
    bot = Bot(*store, Clock(_local(2026, 11, 25, 22, 40).astimezone(UTC)))
    await bot.confirm(_story("今天晚上10点30分", "30分钟内"))  # due 23:00, in quiet hours
    [(key, status, deliver)] = [r for r in await bot.reminders() if r[0] == "contact:0"]
    assert (key, status) == ("contact:0", "pending")
    assert datetime.fromtimestamp(deliver, SH) == _local(2026, 11, 26, 8, 0)


async def test_quiet_hours_off_keeps_the_due_time(store: tuple[Store, Path | str]) -> None:
    bot = Bot(*store, Clock(_local(2026, 11, 25, 22, 40).astimezone(UTC)))
    await bot.send(Command("settings"))
    await bot.send(Press(None, "quiet", "off"))
    await bot.confirm(_story("今天晚上10点30分", "30分钟内"))
    [deliver] = [d for k, _, d in await bot.reminders() if k == "contact:0"]
    assert datetime.fromtimestamp(deliver, SH) == _local(2026, 11, 25, 23, 0)


async def test_a_due_reminder_fires_exactly_once(store: tuple[Store, Path | str]) -> None:
    clock = Clock(_local(2026, 11, 25, 10, 0).astimezone(UTC))
    bot = Bot(*store, clock)
    await bot.confirm(_story("今天上午9点", "2小时内"))  # due 11:00
    assert await bot.scheduler.fire_due() == 0 and bot.pushes() == []
    clock.now += timedelta(hours=1, minutes=1)
    assert await bot.scheduler.fire_due() == 1
    assert await bot.scheduler.fire_due() == 0
    assert len(bot.pushes()) == 1
    assert ("contact:0", "sent") in [(k, s) for k, s, _ in await bot.reminders()]


async def test_the_scheduler_sleeps_until_the_due_time_and_wakes_for_a_new_deadline(
    store: tuple[Store, Path | str],
) -> None:
    bot = Bot(*store, lambda: datetime.now(UTC))
    await bot.send(Command("settings"))
    await bot.send(Press(None, "quiet", "off"))
    stop = asyncio.Event()
    running = asyncio.create_task(bot.scheduler.run(stop))
    try:
        # Nothing is due: the scheduler sleeps. A promise recorded now wakes it.
        await bot.confirm(_story("前天上午9点", "24小时内"))  # already past: due at once
        await asyncio.wait_for(bot.sender.pushed.wait(), 5)
        assert len(bot.pushes()) == 1
    finally:
        stop.set()
        await asyncio.wait_for(running, 5)


async def test_filing_on_12315_starts_its_seven_working_day_window(
    store: tuple[Store, Path | str],
) -> None:
    clock = Clock(_local(2026, 11, 25, 10, 0).astimezone(UTC))  # a Wednesday
    bot = Bot(*store, clock)
    await bot.confirm(_story("今天上午9点", "2小时内"))
    await bot.send(Press(None, "filed", "1.c12315"))
    await bot.press("now")
    await bot.send(Text("投诉编号 1100202611250001"))
    await bot.press("skip")  # no promise: the channel's default window applies
    [deliver] = [d for k, _, d in await bot.reminders() if k == "contact:1"]
    # 7 working days after Wed 11-25 (the first day not counted): Fri 12-04, end of day,
    # which falls in quiet hours, so the push comes at 08:00 the next morning.
    assert datetime.fromtimestamp(deliver, SH) == _local(2026, 12, 5, 8, 0)


async def test_a_moved_window_moves_its_pending_reminder_but_never_resends_a_sent_one(
    store: tuple[Store, Path | str],
) -> None:
    opened, _ = store
    user = User(USER, Lang.ZH, "Asia/Shanghai", quiet_hours=False)
    t0 = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    async with opened.transaction() as tx:
        await tx.save_user(user, t0)
        assert await tx.sync_reminders(user, 1, [Wanted("contact:0", t0, False)], t0)
        assert not await tx.sync_reminders(user, 1, [Wanted("contact:0", t0, False)], t0)
        later = t0 + timedelta(hours=5)
        assert await tx.sync_reminders(user, 1, [Wanted("contact:0", later, False)], t0)
        [due] = await tx.due_reminders(later, 10)
        ids = await tx.enqueue(USER, [OutMessage("⏰")], t0)
        await tx.mark_queued(due.id, ids[0])
        await tx.mark_sent(ids[0], 99, later)
        assert await tx.reminder_status(due.id) == "sent"
        # Its end moved after it was sent (a new timezone): it is not sent a second time.
        again = later + timedelta(hours=8)
        assert not await tx.sync_reminders(user, 1, [Wanted("contact:0", again, False)], later)
        assert await tx.reminder_status(due.id) == "sent"
        assert await tx.next_reminder_at() is None


class StallingSender(RecordingSender):
    """Holds every reminder push until released; counts how many wait at once."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()
        self.waiting = 0
        self._changed = asyncio.Condition()

    async def send(
        self, chat_id: int, message: OutMessage, urgent: bool = False
    ) -> int | None:
        if message.plain.startswith("⏰"):
            await self._note(1)
            await self.release.wait()
            await self._note(-1)
        sent = await super().send(chat_id, message)
        await self._note(0)
        return sent

    async def _note(self, waiting: int) -> None:
        async with self._changed:
            self.waiting += waiting
            self._changed.notify_all()

    async def until(self, condition: Callable[[], bool]) -> None:
        """Wait until `condition` holds after a send or a stall."""
        async with self._changed:
            await self._changed.wait_for(condition)


async def test_a_burst_of_due_reminders_is_fired_only_as_fast_as_it_is_delivered(
    store: tuple[Store, Path | str],
) -> None:
    from conversations.shell.service import PUSHES_IN_FLIGHT, SHARED_PUSHES_IN_FLIGHT

    opened, _ = store
    clock = Clock(_local(2026, 11, 25, 10, 0).astimezone(UTC))
    sender = StallingSender()
    coach = Coach(opened, Texts(), Outbox(opened, sender), SH, clock=clock,
                  deliver_in_background=True)
    in_flight = SHARED_PUSHES_IN_FLIGHT if store[0].shared else PUSHES_IN_FLIGHT
    users = range(1, in_flight + 11)
    update = itertools.count(1)

    async def send(user: int, event: Command | Text | Press) -> None:
        await coach.handle(Inbound(user, user, event, clock(), "zh-hans", next(update)))

    async def press(user: int, action: str) -> None:
        async with opened.transaction() as tx:
            seq = (await tx.session(user)).seq
        await send(user, Press(seq, action, ""))

    for user in users:
        await send(user, Command("new"))
        await send(user, Text(_story("前天上午9点", "24小时内")))  # already past: due now
        for action in ("skip", "done", "confirm"):
            await press(user, action)
    firing = asyncio.create_task(Scheduler(opened, coach, clock=clock).fire_due())
    try:
        await asyncio.wait_for(sender.until(lambda: sender.waiting == in_flight), 10)
        [(queued,)] = await sql(opened, "SELECT count(*) FROM reminders WHERE status != 'pending'")
        assert queued == in_flight  # the rest wait in the database, not in memory
        assert not firing.done()
        # A user who writes meanwhile is answered at once.
        await send(999, Command("help"))
        await asyncio.wait_for(sender.until(lambda: bool(sender.texts(999))), 5)
    finally:
        sender.release.set()
    assert await asyncio.wait_for(firing, 10) == len(users)
    await coach.drain()
    pushed = [c for c, t in sender.sent if t.startswith("⏰")]
    assert sorted(pushed) == list(users)  # each exactly once



async def _statuses(bot: Bot) -> dict[str, str]:
    return {k: s for k, s, _ in await bot.reminders()}


async def test_reopening_a_case_rearms_its_reminders(store: tuple[Store, Path | str]) -> None:
    clock = Clock(_local(2026, 11, 25, 10, 0).astimezone(UTC))
    bot = Bot(*store, clock)
    await bot.confirm(_story("今天上午9点", "2小时内"))  # due 11:00
    assert (await _statuses(bot))["contact:0"] == "pending"
    await bot.send(Press(None, "resolve", "1"))
    assert set((await _statuses(bot)).values()) == {"cancelled"}
    clock.now += timedelta(hours=50)
    await bot.send(Press(None, "reopen", "1"))
    assert await _statuses(bot) == {"contact:0": "pending", "demand": "pending"}
    # The promise's window passed meanwhile: its push goes now, without claiming the bot
    # had been down (the demand's 3 working days are still running).
    assert await bot.scheduler.fire_due() == 1
    [push] = bot.pushes()
    assert "晚了" not in push


async def test_resolving_withdraws_a_push_that_could_not_go_out_yet(
    store: tuple[Store, Path | str],
) -> None:
    clock = Clock(_local(2026, 11, 25, 12, 0).astimezone(UTC))
    bot = Bot(*store, clock)
    await bot.confirm(_story("今天上午9点", "2小时内"))  # due 11:00: already past
    bot.sender.fail = TransientFailure  # Telegram unreachable: the push stays queued
    assert await bot.scheduler.fire_due() == 1
    assert (await _statuses(bot))["contact:0"] == "queued"
    bot.sender.fail = None
    await bot.send(Press(None, "resolve", "1"))  # the reply to this goes out; the push not
    assert bot.pushes() == []
    assert (await _statuses(bot))["contact:0"] == "cancelled"
    [(withdrawn,)] = await sql(
        bot.store, "SELECT count(*) FROM outbox WHERE failure LIKE 'withdrawn%'"
    )
    assert withdrawn == 1


async def test_a_reminder_missed_while_down_waits_for_morning_at_night(
    store: tuple[Store, Path | str],
) -> None:
    clock = Clock(_local(2026, 11, 25, 10, 0).astimezone(UTC))
    bot = Bot(*store, clock)
    await bot.confirm(_story("今天上午9点", "2小时内"))  # due 11:00
    clock.now = _local(2026, 11, 25, 23, 30).astimezone(UTC)  # the bot comes back at night
    assert await bot.scheduler.fire_due() == 0 and bot.pushes() == []
    [deliver] = [d for k, _, d in await bot.reminders() if k == "contact:0"]
    assert datetime.fromtimestamp(deliver, SH) == _local(2026, 11, 26, 8, 0)
    clock.now = _local(2026, 11, 26, 8, 0).astimezone(UTC)
    assert await bot.scheduler.fire_due() == 1
    [push] = bot.pushes()
    assert "晚了" in push  # it says how late it is


async def test_a_deadline_entered_already_past_fires_at_once_even_at_night(
    store: tuple[Store, Path | str],
) -> None:
    clock = Clock(_local(2026, 11, 25, 23, 30).astimezone(UTC))
    bot = Bot(*store, clock)
    await bot.confirm(_story("今天下午3点", "2小时内"))  # due 17:00, entered at 23:30
    assert await bot.scheduler.fire_due() == 1 and len(bot.pushes()) == 1


async def test_deleting_a_case_leaves_no_copy_of_its_messages(
    store: tuple[Store, Path | str],
) -> None:
    bot = Bot(*store, Clock(_local(2026, 11, 25, 10, 0).astimezone(UTC)))
    await bot.confirm(_story("今天上午9点", "2小时内"))
    await bot.send(Press(None, "erase", "1"))
    payloads = [p for (p,) in await sql(bot.store, "SELECT payload FROM outbox")]
    [reminders] = await sql(bot.store, "SELECT count(*) FROM reminders")
    assert payloads and not any("WL20240302001" in p for p in payloads)
    assert reminders == (0,)


async def test_a_contact_logged_from_the_case_view_starts_now_when_its_time_is_skipped(
    store: tuple[Store, Path | str],
) -> None:
    clock = Clock(_local(2026, 11, 25, 10, 0).astimezone(UTC))
    bot = Bot(*store, clock)
    await bot.confirm(_story("今天上午9点", "2小时内"))
    await bot.send(Press(None, "log", "1"))
    await bot.send(Press(None, "filed", "1.other"))
    clock.now += timedelta(minutes=5)
    await bot.press("skip")  # a stale "skip": on a case under way the time is now
    await bot.press("skip")  # no reference number
    await bot.send(Text("3个工作日内回复"))
    async with bot.store.transaction() as tx:
        case = (await tx.cases(USER))[1]
    other = case.contacts[-1]
    assert (other.channel, other.at) == (Channel.OTHER, clock.now)
    assert other.window is not None and other.window.amount == 3
    assert ("contact:1", "pending") in [(k, s) for k, s, _ in await bot.reminders()]
