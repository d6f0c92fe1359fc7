"""The terminal demo: the same conversation as the bot, with buttons as numbered choices."""

from __future__ import annotations

import asyncio
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from conversations.core.events import Command, Event, Text
from conversations.core.model import Lang
from conversations.core.replies import decode_press
from conversations.shell.outbox import Outbox
from conversations.shell.service import Coach, Inbound
from conversations.store.storage import Store
from conversations.texts.messages import OutButton, OutMessage
from conversations.texts.rendering import Texts
from conversations.texts.telegram_html import to_plain

log = logging.getLogger(__name__)
DEMO_USER = 1  # one local user; the demo has its own database file
RULE = "─" * 32


class TerminalSender:
    """Prints messages; remembers the latest buttons so a number can press one."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self.choices: list[OutButton] = []
        self._next_id = 1

    async def send(
        self, chat_id: int, message: OutMessage, urgent: bool = False
    ) -> int | None:
        """Print one message with its buttons numbered."""
        text = message.html.replace("<pre>", f"\n{RULE}\n").replace("</pre>", f"\n{RULE}")
        print(f"\n{to_plain(text).strip()}", file=self._out)
        if message.document:
            print(f"📄 {message.document}", file=self._out)  # the demo's export stays on disk
        if message.buttons:
            self.choices = [b for row in message.buttons for b in row]
            for i, b in enumerate(self.choices, 1):
                print(f"  [{i}] {b.text}", file=self._out)
        self._out.flush()
        self._next_id += 1
        return self._next_id


def to_event(line: str, choices: list[OutButton], out: TextIO) -> Event | None:
    """A typed line as an event: a number presses a button, /x is a command, else text.

    A copy or link button has no event: the demo prints what it would copy or open.
    """
    line = line.strip()
    if not line:
        return None
    if line.isdigit() and 1 <= int(line) <= len(choices):
        chosen = choices[int(line) - 1]
        if chosen.data is not None:
            return decode_press(chosen.data)
        print(f"\n{chosen.copy if chosen.copy is not None else chosen.url}", file=out)
        return None
    if line.startswith("/"):
        head, _, args = line.partition(" ")
        return Command(head[1:].lower(), args.strip())
    return Text(line)


async def run_demo(
    db_path: Path,
    tz: ZoneInfo,
    lang: Lang,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> None:
    """Run the conversation in the terminal until end of input."""
    store = await Store.open(db_path)
    sender = TerminalSender(stdout)
    outbox = Outbox(store, sender)
    texts = Texts()
    # Exports are written beside the demo's database; the demo has no Telegram files to fetch.
    coach = Coach(store, texts, outbox, tz, files_dir=db_path.parent / "evidence")
    print(f"complaint-coach demo · {db_path} · Ctrl-D to quit", file=stdout)
    try:
        await outbox.flush_all()
        event: Event | None = Command("start")
        while True:
            if event is not None:
                now = datetime.now(UTC)
                inbound = Inbound(DEMO_USER, DEMO_USER, event, now, lang.value)
                try:
                    handled = await coach.handle(inbound)
                except Exception:  # a bug must not end the session: say so, as the bot does
                    log.exception("error while handling %r", event)
                    print(f"\n{texts.labels(lang)['error']}", file=stdout)
                else:
                    if handled.notice:
                        print(f"\n({handled.notice})", file=stdout)
            print("\n> ", end="", file=stdout, flush=True)
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            event = to_event(line, sender.choices, stdout)
    finally:
        print("", file=stdout)
        await store.close()
