"""The test's side: what the bot sent, and waiting for it with timeouts."""

from __future__ import annotations

import time
from collections.abc import Callable

from tests.fake_telegram.limits import JSONDict
from tests.fake_telegram.records import ApiRequest, CallbackQueryRecord, FileRecord, SentMessage
from tests.fake_telegram.state import FakeState


class Watching(FakeState):
    """Inspecting and waiting on what the bot did."""

    # ---------------------------------------------------------------- test side: inspection

    def messages(self, chat_id: int) -> list[SentMessage]:
        """All bot messages in the chat (live objects; edits/deletes update them)."""
        with self._cond:
            return list(self._bot_messages.get(chat_id, []))

    def commands(self, language_code: str = "", scope: JSONDict | None = None) -> list[JSONDict]:
        """The command list stored by setMyCommands for (scope, language_code)."""
        with self._cond:
            key = self._scope_key({"scope": scope})
            return [dict(c) for c in self._commands.get((key, language_code), [])]

    def callback_queries(self) -> list[CallbackQueryRecord]:
        """Every callback query delivered so far."""
        with self._cond:
            return list(self._callbacks.values())

    def unanswered_callbacks(self) -> list[CallbackQueryRecord]:
        """Callback queries the bot has not answered (yet)."""
        with self._cond:
            return [r for r in self._callbacks.values() if not r.answered]

    def file(self, file_id: str) -> FileRecord:
        """A registered file by id."""
        with self._cond:
            return self._files[file_id]

    def pending_updates(self) -> list[JSONDict]:
        """Updates not yet confirmed by the bot."""
        with self._cond:
            return [dict(u) for u in self._pending]

    def requests_for(self, method: str) -> list[ApiRequest]:
        """Logged requests of one method (case-insensitive)."""
        with self._cond:
            return [r for r in self.requests if r.method.lower() == method.lower()]

    # ---------------------------------------------------------------- test side: waiting

    def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 10.0,
        what: str | None = None,
        *,
        recheck: float | None = None,
    ) -> None:
        """Block until ``predicate()`` is true (re-checked on every state change).

        A predicate on state outside the fake (the bot's database) changes without telling
        the fake: ``recheck`` has it re-checked at least that often (seconds) as well.
        """
        with self._cond:
            deadline = time.monotonic() + timeout
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining > 0:
                    self._cond.wait(remaining if recheck is None else min(recheck, remaining))
                    continue
                raise AssertionError(
                    f"FakeTelegram: timed out after {timeout}s waiting for "
                    f"{what or getattr(predicate, '__name__', 'condition')}\n{self._diagnostics()}"
                )

    def wait_for_messages(
        self, chat_id: int, count: int, timeout: float = 10.0
    ) -> list[SentMessage]:
        """Wait until the chat has >= ``count`` bot messages in total; returns all of them."""
        self.wait_for(
            lambda: len(self._bot_messages.get(chat_id, [])) >= count,
            timeout,
            f"{count} bot message(s) in chat {chat_id}",
        )
        return self.messages(chat_id)

    def next_messages(self, chat_id: int, after: int, timeout: float = 10.0) -> list[SentMessage]:
        """Wait for bot messages beyond the first ``after`` ones; returns those."""
        return self.wait_for_messages(chat_id, after + 1, timeout)[after:]

    def expect(self, chat_id: int, n_new: int = 1, timeout: float = 10.0) -> list[SentMessage]:
        """Wait for >= ``n_new`` messages not yet consumed by ``expect``; return all new ones."""
        with self._cond:
            start = self._consumed.get(chat_id, 0)
            self.wait_for(
                lambda: len(self._bot_messages.get(chat_id, [])) >= start + n_new,
                timeout,
                f"{n_new} new bot message(s) in chat {chat_id} after the first {start}",
            )
            new = list(self._bot_messages[chat_id][start:])
            self._consumed[chat_id] = start + len(new)
            return new

    def skip_existing(self, chat_id: int) -> None:
        """Mark every current bot message of the chat as consumed for :meth:`expect`."""
        with self._cond:
            self._consumed[chat_id] = len(self._bot_messages.get(chat_id, []))

    def wait_for_offset(self, update_id: int, timeout: float = 10.0) -> None:
        """Wait until the bot confirmed ``update_id`` (called getUpdates with offset > it)."""
        self.wait_for(
            lambda: self.confirmed_offset > update_id,
            timeout,
            f"confirmation of update {update_id} (confirmed_offset={self.confirmed_offset})",
        )

    def wait_for_answer(self, callback_query_id: str, timeout: float = 10.0) -> CallbackQueryRecord:
        """Wait until the bot answered the callback query; returns its record."""
        self.wait_for(
            lambda: self._callbacks[callback_query_id].answered,
            timeout,
            f"answerCallbackQuery for {callback_query_id}",
        )
        return self._callbacks[callback_query_id]

    def wait_until_polling(self, timeout: float = 10.0) -> None:
        """Wait until a getUpdates long poll is parked with nothing to deliver."""
        self.wait_for(lambda: self._polls_waiting > 0, timeout, "a parked getUpdates long poll")

    def wait_for_request(
        self, method: str, count: int = 1, timeout: float = 10.0
    ) -> list[ApiRequest]:
        """Wait until >= ``count`` answered requests of ``method`` were logged; returns them."""

        def answered() -> list[ApiRequest]:
            return [r for r in self.requests_for(method) if r.status is not None]

        self.wait_for(lambda: len(answered()) >= count, timeout, f"{count} {method} request(s)")
        return answered()

    def _diagnostics(self) -> str:
        recent = ", ".join(f"{r.method}->{r.status}" for r in self.requests[-8:])
        errors = "; ".join(
            f"{e.method}: {e.description} {e.note}".rstrip() for e in self.errors[-5:]
        )
        return f"  recent requests: [{recent}]\n  errors: [{errors}]"
