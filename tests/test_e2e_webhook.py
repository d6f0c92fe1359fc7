"""End to end: updates by webhook, answered only after they are committed; a forged request
changes nothing; /healthz tells a load balancer the bot can take updates."""

from __future__ import annotations

import json
import re
import sqlite3
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.conftest import BotProcess
from tests.fake_telegram import FakeTelegram
from tests.ports import free_port
from tests.test_e2e_intake import USER, say

SECRET = "s3cret_-token"



@pytest.fixture
def hooked(fake: FakeTelegram, tmp_path: Path) -> Iterator[tuple[BotProcess, str]]:
    """The bot in webhook mode on a free loopback port."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    process = BotProcess(fake, tmp_path, WEBHOOK_URL=url, WEBHOOK_SECRET=SECRET,
                         WEB_HOST="127.0.0.1", WEB_PORT=str(port)).start()
    try:
        yield process, url
    finally:
        if process.proc is not None and process.proc.poll() is None:
            process.kill()
    assert fake.errors == [], f"Telegram would have rejected: {fake.errors}\n{process.log()}"


def _post(url: str, body: bytes, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_updates_arrive_by_webhook_and_each_is_answered_after_its_commit(
    fake: FakeTelegram, hooked: tuple[BotProcess, str]
) -> None:
    bot, url = hooked
    assert fake.webhook_url == url and fake.webhook_secret == SECRET
    [reply] = say(fake, "/start")
    assert "投诉" in reply.text
    # The 200 came after the commit: the update is recorded as handled.
    fake.wait_for(lambda: any(s == 200 for _, s in fake.webhook_deliveries), what="a 200")
    delivered = [u for u, s in fake.webhook_deliveries if s == 200]
    with closing(sqlite3.connect(bot.db_path)) as db:
        handled = {row[0] for row in db.execute("SELECT update_id FROM processed_updates")}
    assert set(delivered) <= handled
    assert fake.requests_for("getUpdates") == []  # no polling beside the webhook


def test_a_request_without_the_secret_is_refused_logged_and_changes_nothing(
    fake: FakeTelegram, hooked: tuple[BotProcess, str]
) -> None:
    bot, url = hooked
    say(fake, "/start")
    sent = len(fake.messages(USER))
    before = sqlite3.connect(bot.db_path).execute("SELECT count(*) FROM cases").fetchone()
    forged = json.dumps({"update_id": 1, "message": {
        "message_id": 1, "date": 1, "chat": {"id": USER, "type": "private"},
        "from": {"id": USER, "is_bot": False, "first_name": "X"}, "text": "/new"}}).encode()
    assert _post(url, forged, None) == 401
    assert _post(url, forged, "wrong-secret") == 401
    after = sqlite3.connect(bot.db_path).execute("SELECT count(*) FROM cases").fetchone()
    assert before == after
    assert "refused a webhook request without the right secret" in bot.log()
    # The next real update is answered, and it is the only thing sent since.
    [marker] = say(fake, "/help")
    assert "/new" in marker.text and len(fake.messages(USER)) == sent + 1


def test_health_answers_while_the_database_does(
    fake: FakeTelegram, hooked: tuple[BotProcess, str]
) -> None:
    _bot, url = hooked
    health = url.rsplit("/telegram/hook", 1)[0] + "/healthz"
    with urllib.request.urlopen(health, timeout=10) as response:
        assert response.status == 200 and response.read() == b"ok"


def test_metrics_show_what_was_handled_sent_and_what_waits(
    fake: FakeTelegram, hooked: tuple[BotProcess, str]
) -> None:
    _bot, url = hooked
    say(fake, "/start")
    say(fake, "/help")
    metrics = url.rsplit("/telegram/hook", 1)[0] + "/metrics"
    with urllib.request.urlopen(metrics, timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/plain")
        text = response.read().decode()
    handled = re.search(r'^coach_updates_total\{kind="Command"\} (\d+)', text, re.M)
    assert handled is not None and float(handled.group(1)) >= 2
    sent = re.search(r'^coach_replies_total\{result="sent"\} (\S+)', text, re.M)
    assert sent is not None and float(sent.group(1)) >= 2
    assert re.search(r"^coach_outbox_backlog 0\.0$", text, re.M)
    assert re.search(r'^coach_reminders\{status="due"\} 0\.0$', text, re.M)
    assert "coach_update_seconds_count" in text and "coach_rate_limited_waits_total" in text
