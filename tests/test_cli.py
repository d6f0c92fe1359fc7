"""The installed `complaint-coach` command: configuration errors, `.env`, the database file."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import COMPLAINT_COACH, START_TIMEOUT, BotProcess
from tests.fake_telegram import DEFAULT_TOKEN, FakeTelegram

SETTINGS = (
    "DATABASE_PATH",
    "DEMO_DATABASE_PATH",
    "DEFAULT_TIMEZONE",
    "LOG_LEVEL",
)
A_TOKEN = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"  # well-formed, belongs to no one


# --- helpers ---------------------------------------------------------------------------------


def _env(**settings: str) -> dict[str, str]:
    """The test's environment without any of the program's settings, plus `settings`."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_") and k not in SETTINGS
    }
    return {**env, **settings}


def _run(cwd: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [COMPLAINT_COACH, *args],
        cwd=cwd,
        env=_env(**settings),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _config_error(result: subprocess.CompletedProcess[str]) -> str:
    """Exit code 2 and one line on stderr, no traceback; returns that line."""
    assert "Traceback" not in result.stderr, result.stderr[-1500:]
    assert result.returncode == 2, (result.returncode, result.stderr[-1500:])
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stdout == ""
    return lines[0]


@pytest.fixture
def refusing_port() -> Iterator[int]:
    """A local port that is bound but not listening: every connection is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


# --- missing and malformed settings ----------------------------------------------------------


def test_run_without_a_token_says_in_one_line_how_to_get_one(tmp_path: Path) -> None:
    line = _config_error(_run(tmp_path, "run"))
    assert "TELEGRAM_BOT_TOKEN" in line
    assert "@BotFather" in line


@pytest.mark.parametrize("token", ["abc", "123:short", "12345:has spaces and-is-long-enough-xyz"])
def test_a_malformed_token_is_refused_without_echoing_it(tmp_path: Path, token: str) -> None:
    line = _config_error(_run(tmp_path, "run", TELEGRAM_BOT_TOKEN=token))
    assert "malformed" in line
    assert token not in line
    assert token.split(":")[-1] not in line


def test_a_token_telegram_rejects_ends_with_one_line(tmp_path: Path) -> None:
    with FakeTelegram(token="111111:SOMEONE-ELSES-TOKEN-abcdefghijklmnopqrstu") as other:
        result = _run(tmp_path, "run", TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN, TELEGRAM_API_URL=other.url)
        assert [e.method for e in other.errors] == ["getMe"]  # it asked, and was turned away
    line = _config_error(result)
    assert "rejected" in line and "@BotFather" in line
    assert DEFAULT_TOKEN not in result.stderr
    assert DEFAULT_TOKEN.split(":")[1] not in result.stderr


def test_an_unknown_timezone_is_named_in_one_line(tmp_path: Path) -> None:
    line = _config_error(
        _run(tmp_path, "run", TELEGRAM_BOT_TOKEN=A_TOKEN, DEFAULT_TIMEZONE="Mars/Olympus")
    )
    assert "DEFAULT_TIMEZONE" in line and "Mars/Olympus" in line


def test_an_unknown_log_level_is_named_in_one_line(tmp_path: Path) -> None:
    line = _config_error(_run(tmp_path, "run", TELEGRAM_BOT_TOKEN=A_TOKEN, LOG_LEVEL="LOUD"))
    assert "LOG_LEVEL" in line and "LOUD" in line


@pytest.mark.parametrize("url", ["ftp://example.com", "api.telegram.org", "not a url"])
def test_a_malformed_api_url_is_named_in_one_line(tmp_path: Path, url: str) -> None:
    line = _config_error(_run(tmp_path, "run", TELEGRAM_BOT_TOKEN=A_TOKEN, TELEGRAM_API_URL=url))
    assert "TELEGRAM_API_URL" in line and url in line


def test_an_api_url_where_nothing_answers_ends_with_one_line(
    tmp_path: Path, refusing_port: int
) -> None:
    url = f"http://127.0.0.1:{refusing_port}"
    line = _config_error(_run(tmp_path, "run", TELEGRAM_BOT_TOKEN=A_TOKEN, TELEGRAM_API_URL=url))
    assert "TELEGRAM_API_URL" in line or url in line
    assert A_TOKEN not in line


# --- .env ------------------------------------------------------------------------------------


def test_dotenv_in_the_working_directory_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DEFAULT_TIMEZONE=Mars/Olympus\n")
    line = _config_error(_run(tmp_path, "run", TELEGRAM_BOT_TOKEN=A_TOKEN))
    assert "Mars/Olympus" in line


def test_the_environment_wins_over_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "TELEGRAM_API_URL=ftp://from-dotenv.example\nDEFAULT_TIMEZONE=Mars/Olympus\n"
    )
    line = _config_error(
        _run(
            tmp_path,
            "run",
            TELEGRAM_BOT_TOKEN=A_TOKEN,
            TELEGRAM_API_URL="gopher://from-env.example",
            DEFAULT_TIMEZONE="Asia/Shanghai",
        )
    )
    assert "gopher://from-env.example" in line
    assert "from-dotenv" not in line


def test_a_token_in_dotenv_starts_the_bot_by_default(fake: FakeTelegram, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"TELEGRAM_BOT_TOKEN={fake.token}\nTELEGRAM_API_URL={fake.url}\n"
    )
    with (tmp_path / "bot.log").open("wb") as log:
        proc = subprocess.Popen(
            [COMPLAINT_COACH], cwd=tmp_path, env=_env(), stdout=log, stderr=subprocess.STDOUT
        )
    try:
        fake.wait_for(
            lambda: bool(fake.requests_for("getUpdates")) or proc.poll() is not None,
            START_TIMEOUT,
            "the bot to poll",
        )
        assert proc.poll() is None, (tmp_path / "bot.log").read_text()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    assert (tmp_path / "data" / "coach.sqlite3").is_file()
    assert fake.errors == []


# --- the database file and the help ----------------------------------------------------------


def test_the_database_folder_is_created_and_the_file_is_owner_only(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    db_path = tmp_path / "deep" / "er" / "coach.sqlite3"
    bot = BotProcess(fake, tmp_path, DATABASE_PATH=str(db_path)).start()
    try:
        fake.wait_for(lambda: bool(fake.commands("en")), what="start-up to finish")
        assert db_path.parent.is_dir()
        assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
        for extra in (db_path.with_name(db_path.name + s) for s in ("-wal", "-shm")):
            if extra.exists():
                assert stat.S_IMODE(extra.stat().st_mode) & 0o077 == 0, extra
        assert bot.stop() == 0
    finally:
        if bot.proc is not None and bot.proc.poll() is None:
            bot.kill()
    assert fake.errors == []


def test_help_names_both_commands(tmp_path: Path) -> None:
    result = _run(tmp_path, "--help")
    assert result.returncode == 0
    assert "run" in result.stdout and "demo" in result.stdout
    assert "Traceback" not in result.stderr
