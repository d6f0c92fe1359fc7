"""The coach: one user's updates in order, each answer committed before the reply goes out."""

from __future__ import annotations

import asyncio
import html
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from conversations.core import deadlines
from conversations.core.engine import Ctx, Outcome, step
from conversations.core.events import Event
from conversations.core.model import Lang, LogEntry
from conversations.core.reminders import LATE_AFTER, reminder_replies
from conversations.core.replies import Reply
from conversations.core.timing import utc
from conversations.shell.evidence_files import EvidenceFiles, FileFetcher, private_dirs
from conversations.shell.export import export_case
from conversations.shell.locks import KeyedLocks, Wakeups
from conversations.shell.outbox import Outbox
from conversations.store.rows import DueReminder, User
from conversations.store.storage import Store, Tx
from conversations.texts.messages import OutMessage
from conversations.texts.rendering import Texts

log = logging.getLogger(__name__)

# Reminder pushes on their way at once. A burst of due reminders is fired only as fast as it
# is delivered: memory stays flat, and a reply to a user who writes meanwhile queues behind
# at most this many sends (about a second at 30/s), not behind the whole burst.
PUSHES_IN_FLIGHT = 30
# With several instances sharing the token's 30 a second, each keeps fewer on their way, so
# that all of them together still hold about a second's worth.
SHARED_PUSHES_IN_FLIGHT = 10
# An update waits for an earlier one of its user only this long after that one arrived: an
# instance that died holding it never answered Telegram, which delivers it again later.
TURN_WAIT = timedelta(seconds=5)
TURN_POLL = 0.25  # seconds between looks while waiting, should a wake-up be missed
GAP_WAIT = 1.0  # seconds an update waits for those numbered before it to be announced
ARRIVALS = 0  # the wake-up key of "an update was announced" (user ids are positive)
RECORDED_KEPT = 1000


@dataclass(frozen=True)
class Inbound:
    """One update from a user, as the engine needs it."""

    user_id: int
    chat_id: int
    event: Event
    at: datetime  # when the user sent it: the base for "昨天晚上8点"
    lang_code: str | None = None
    update_id: int | None = None  # Telegram's id, for handling a re-delivery only once


class Wait(Enum):
    """Why an update cannot be handled yet."""

    EARLIER = "an earlier update of the user is not handled yet"
    GAP = "an update numbered before it is not announced yet"


@dataclass(frozen=True)
class Handled:
    """What the front end still has to do itself."""

    notice: str | None = None  # a toast for a button press
    duplicate: bool = False
    new_files: bool = False  # evidence files arrived that are not downloaded yet
    exports: tuple[int, ...] = ()  # cases to export after the commit
    reminders_changed: bool = False


class Coach(EvidenceFiles):
    """Runs the engine for each inbound event against the store, then flushes the outbox."""

    def __init__(
        self,
        store: Store,
        texts: Texts,
        outbox: Outbox,
        default_tz: ZoneInfo,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        deliver_in_background: bool = False,
        files: FileFetcher | None = None,
        files_dir: Path | None = None,
        download_eagerly: bool = False,
    ) -> None:
        self._store = store
        # The bot confirms an update once its replies are committed; sending them in the
        # background keeps one slow chat (a 429 wait) from holding up everyone else.
        self._background = deliver_in_background
        self._deliveries: set[asyncio.Task[Any]] = set()
        self._files = files
        self._files_dir = files_dir
        self._eager = download_eagerly and files is not None and files_dir is not None
        # Set by whoever schedules reminders, to be woken when one is added or moved.
        self.on_reminders_changed: Callable[[], None] = lambda: None
        self._texts = texts
        self._outbox = outbox
        self._default_tz = default_tz
        self._clock = clock
        self._users = KeyedLocks()
        self._turns = Wakeups()  # users whose waiting update may now have its turn
        self._recorded: dict[int, None] = {}  # update ids this instance recorded, in order
        # One download run per user at a time: an album's updates each ask for one, and two
        # runs would fetch the same files twice, into the same partial file.
        self._downloads = KeyedLocks()
        self._pushes = asyncio.Semaphore(
            SHARED_PUSHES_IN_FLIGHT if store.shared else PUSHES_IN_FLIGHT
        )

    async def handle(self, inbound: Inbound) -> Handled:
        """Handle one event: step, commit state and replies together, then deliver."""
        handled = await self._in_turn(inbound)
        if handled.reminders_changed:
            self.on_reminders_changed()
        delivery = self._outbox.flush(inbound.chat_id, urgent=True)  # the chat lock keeps order
        if self._background:
            self._in_background(delivery)
        else:
            await delivery
        if self._eager and handled.new_files:
            self._in_background(self._download_or_log(inbound.user_id))
        for case_no in handled.exports:
            work = self._export_or_say_so(inbound.user_id, inbound.chat_id, case_no)
            if self._background:
                self._in_background(work)
            else:
                await work
        return handled

    async def _export_or_say_so(self, user_id: int, chat_id: int, case_no: int) -> None:
        try:
            await self.export(user_id, chat_id, case_no)
        except Exception:
            log.exception("export of case %s failed", case_no)
            async with self._store.transaction() as tx:
                user = await tx.user(user_id)
                lang = user.lang if user else Lang.ZH
                error = OutMessage(html.escape(self._texts.labels(lang)["error"]))
                await tx.enqueue(chat_id, [error], self._clock())
            await self._outbox.flush(chat_id)

    async def export(self, user_id: int, chat_id: int, case_no: int) -> None:
        """Download what is missing, build the PDF and ZIP, and send them."""
        if self._files_dir is None:
            return
        await self.download(user_id, case_no)
        async with self._store.transaction() as tx:
            user = await tx.user(user_id)
            case = (await tx.cases(user_id)).get(case_no)
        if user is None or case is None:
            return
        tz = ZoneInfo(user.tz)
        now = self._clock()
        out_dir = self._files_dir / str(user_id) / str(case_no) / "export"
        private_dirs(self._files_dir, out_dir.relative_to(self._files_dir))
        built = await asyncio.to_thread(
            export_case, case, self._texts, user.lang, tz, self._files_dir, out_dir, now
        )
        labels = self._texts.labels(user.lang)
        messages = [OutMessage(html.escape(labels["export.pdf"]), document=str(built.pdf))]
        messages += [
            OutMessage(html.escape(labels["export.zip"]), document=str(z)) for z in built.zips
        ]
        reply = Reply("exported", {"case": case, "left_out": built.left_out,
                                   "pdf_left_out": built.pdf_left_out, "folder": str(out_dir)})
        messages += self._texts.render(reply, user.lang, tz)
        async with self._users.hold(user_id), self._store.transaction(user=user_id) as tx:
            await tx.enqueue(chat_id, messages, now)
        await self._outbox.flush(chat_id)

    def _in_background(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(work)
        self._deliveries.add(task)
        task.add_done_callback(self._deliveries.discard)

    async def _download_or_log(self, user_id: int) -> None:
        try:
            await self.download(user_id)
        except Exception:
            log.exception("downloading the evidence of user %s failed", user_id)

    async def drain(self) -> None:
        """Wait for deliveries still under way (at a clean stop)."""
        if self._deliveries:
            await asyncio.gather(*self._deliveries, return_exceptions=True)

    async def prune(self) -> None:
        """Forget bookkeeping that can no longer matter."""
        async with self._store.transaction() as tx:
            await tx.prune(self._clock())

    async def _in_turn(self, inbound: Inbound) -> Handled:
        """Commit the update once every earlier update of the user, wherever it arrived, is
        handled: announced first, it holds up the user's later updates in turn."""
        update_id = inbound.update_id
        if update_id is None or not self._store.shared:
            # One instance takes a user's updates in the order they arrive (its per-user lock
            # is first come, first served); polling hands them over in Telegram's order.
            async with self._users.hold(inbound.user_id):
                handled = await self._commit(inbound)
            assert isinstance(handled, Handled)  # alone, nothing makes it wait
            return handled
        async with self._store.transaction() as tx:
            await tx.arrive(update_id, inbound.user_id, self._clock())
            await tx.notify("arrived")  # updates waiting for those before them look again
        self._turns.wake(ARRIVALS)
        # Telegram numbers updates one after another. With several instances, the updates
        # before this one may be on their way to other instances at this very moment: wait a
        # moment for them to be announced, so that any of the same user's goes first.
        gap_until = time.monotonic() + GAP_WAIT
        try:
            while True:
                async with self._users.hold(inbound.user_id):
                    turn = await self._commit(inbound, gap_until)
                if not isinstance(turn, Wait):
                    self._turns.wake(inbound.user_id)
                    self._recorded[update_id] = None  # nothing for settle() to record
                    if len(self._recorded) > RECORDED_KEPT:
                        del self._recorded[next(iter(self._recorded))]
                    return turn
                log.debug("update %d waits: %s", update_id, turn.value)
                # Woken when the user's turn comes, or when another update is announced.
                key = inbound.user_id if turn is Wait.EARLIER else ARRIVALS
                await self._turns.wait(key, TURN_POLL)
        except BaseException:
            async with self._store.transaction() as tx:
                await tx.leave(update_id)  # a failed update does not hold up the next ones
            raise

    async def settle(self, update_id: int) -> None:
        """An update that reached no case, or could not be read: with several instances it is
        recorded, so that updates numbered after it do not wait for it."""
        if self._store.shared and update_id not in self._recorded:
            async with self._store.transaction() as tx:
                await tx.settle(update_id, self._clock())

    def notice(self, what: str) -> None:
        """Another instance changed something: a user's turn came, or reminders moved."""
        kind, _, key = what.partition(":")
        if kind == "turn" and key.isdigit():
            self._turns.wake(int(key))
        elif kind == "arrived":
            self._turns.wake(ARRIVALS)
        elif kind == "reminders":
            self.on_reminders_changed()

    async def _commit(self, inbound: Inbound, gap_until: float = 0.0) -> Handled | Wait:
        """Step and commit, or say why the update must wait."""
        now = self._clock()
        async with self._store.transaction(user=inbound.user_id) as tx:
            if (update_id := inbound.update_id) is not None:
                if await tx.seen_update(update_id):
                    await tx.leave(update_id)
                    return Handled(duplicate=True)
                if self._store.shared:
                    # In this order: once every earlier update is known, an earlier one of the
                    # user is surely seen (each statement sees what was committed before it).
                    if time.monotonic() < gap_until and not await tx.all_before_known(update_id):
                        return Wait.GAP
                    if await tx.earlier_arrival(inbound.user_id, update_id, now - TURN_WAIT):
                        return Wait.EARLIER
            user = await self._user(tx, inbound, now)
            session = await tx.session(user.user_id)
            cases = await tx.cases(user.user_id)
            ctx = Ctx(inbound.at, ZoneInfo(user.tz), user.quiet_hours)
            outcome = step(session, cases, inbound.event, ctx)
            user, reminders_changed = await self._apply(tx, user, outcome, now)
            tz = ZoneInfo(user.tz)
            if outcome.forget_user:
                # Nothing of theirs stays: not even the record that this update was theirs.
                await tx.forget_user(user.user_id)
                if inbound.update_id is not None:
                    await tx.mark_update(inbound.update_id, None, now)
                self._erase_files(user.user_id)
                return Handled(notice=self._notice(outcome, user, tz), reminders_changed=True)
            if outcome.session != session:
                await tx.save_session(user.user_id, outcome.session)
            for case_no in outcome.deleted:
                self._erase_files(user.user_id, case_no)
            messages = [m for r in outcome.replies for m in self._texts.render(r, user.lang, tz)]
            await tx.enqueue(inbound.chat_id, messages, now)
            if inbound.update_id is not None:
                await tx.mark_update(inbound.update_id, user.user_id, now)
                await tx.notify(f"turn:{user.user_id}")
            if reminders_changed:
                await tx.notify("reminders")  # every instance's scheduler looks again
        self._erase_evidence(outcome.erase_files)  # once the items are gone from the record
        new_files = any(
            i.file_id and i.local_path is None for c in outcome.changed for i in c.evidence
        )
        return Handled(notice=self._notice(outcome, user, tz), new_files=new_files,
                       reminders_changed=reminders_changed, exports=outcome.exports)

    async def _user(self, tx: Tx, inbound: Inbound, now: datetime) -> User:
        """The user the update is from; their settings carry over, and only the language
        follows their Telegram client."""
        stored = await tx.user(inbound.user_id)
        lang = Lang.from_telegram(inbound.lang_code) if inbound.lang_code else None
        user = stored or User(inbound.user_id, Lang.ZH, self._default_tz.key)
        if lang is not None:
            user = replace(user, lang=lang)
        if user != stored:
            await tx.save_user(user, now)
        return user

    async def _apply(
        self, tx: Tx, user: User, outcome: Outcome, now: datetime
    ) -> tuple[User, bool]:
        """Store what a step changed: settings, cases with their reminders, snoozes, deletes;
        the user as they now are, and whether any reminder changed."""
        reminders_changed = False
        if outcome.prefs is not None:
            user = replace(user, tz=outcome.prefs.tz, quiet_hours=outcome.prefs.quiet)
            await tx.save_user(user, now)
            # Delivery times follow the new timezone or quiet hours.
            for reminder_id, due in await tx.pending_reminders(user.user_id):
                at = deadlines.deliver_at(due, ZoneInfo(user.tz), user.quiet_hours)
                await tx.move_delivery(reminder_id, at)
            reminders_changed = True
        tz = ZoneInfo(user.tz)
        for case in outcome.changed:
            await tx.save_case(user.user_id, case, now)
            # Reminders follow the case in the same transaction: never one without the other.
            wanted = deadlines.wanted(case, tz, user.quiet_hours)
            reminders_changed |= await tx.sync_reminders(user, case.no, wanted, now)
        for case_no, at in outcome.snoozes:
            deliver = deadlines.deliver_at(at, tz, user.quiet_hours)
            await tx.snooze(user, case_no, at, deliver, now)
            reminders_changed = True
        for case_no in outcome.deleted:
            await tx.delete_case(user.user_id, case_no)
        return user, reminders_changed

    def _notice(self, outcome: Outcome, user: User, tz: ZoneInfo) -> str | None:
        """The toast a button press shows, as plain text."""
        if outcome.notice is None:
            return None
        return self._texts.render(outcome.notice, user.lang, tz)[0].plain

    async def fire(self, due: DueReminder) -> bool:
        """Queue a due reminder's push and deliver it; waits while too many are on their way."""
        await self._pushes.acquire()
        try:
            queued = await self._queue_push(due)
        except BaseException:
            self._pushes.release()
            raise
        if not queued:
            self._pushes.release()
            return False
        delivery = self._released_after(self._outbox.flush(due.user_id))
        if self._background:
            self._in_background(delivery)
        else:
            await delivery
        return True

    async def _released_after(self, delivery: Coroutine[Any, Any, Any]) -> None:
        try:
            await delivery
        finally:
            self._pushes.release()

    async def _queue_push(self, due: DueReminder) -> bool:
        """Enqueue the push; marked queued in the same transaction, so exactly once."""
        now = self._clock()
        async with (
            self._users.hold(due.user_id), self._store.transaction(user=due.user_id) as tx,
        ):
            if await tx.reminder_status(due.id) != "pending":
                return False  # fired already, or cancelled meanwhile
            user = await tx.user(due.user_id)
            case = (await tx.cases(due.user_id)).get(due.case_no)
            if user is None or case is None or case.resolved_at or case.closed_at:
                await tx.mark_queued(due.id, None)
                return False
            tz = ZoneInfo(user.tz)
            late = now - due.sendable_at
            morning = deadlines.deliver_at(now, tz, user.quiet_hours)
            if late > LATE_AFTER and morning > now:
                # Fell due while the bot was down and comes back at night: quiet hours
                # still hold. (One entered already past goes at once: the user is there.)
                await tx.hold_reminder(due.id, morning)
                return False
            replies = reminder_replies(case, due.key, due.due_at, due.estimate, now, tz, late=late)
            messages = [m for r in replies for m in self._texts.render(r, user.lang, tz)]
            # In a private chat the chat id is the user id.
            ids = await tx.enqueue(due.user_id, messages, now, case_no=due.case_no)
            await tx.mark_queued(due.id, ids[0])
            # The case's timeline shows the push, recorded with it.
            reminded = replace(case, log=(*case.log, LogEntry(utc(now), "reminded", due.key)))
            await tx.save_case(due.user_id, reminded, now)
        return True

