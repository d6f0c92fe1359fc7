"""The terminal demo: the same conversation on stdin/stdout, its own database, no network."""

from __future__ import annotations

import codecs
import os
import re
import socket
import sqlite3
import subprocess
import threading
import zipfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from tests.conftest import COMPLAINT_COACH

PROMPT = "\n> "
CHOICE = re.compile(r"^\s*\[(\d+)\] (.*)$", re.MULTILINE)
ORDER_NO = "WL20240302001"
STORY = (
    "前天下午3点在未来卡盟买了一张100元的Steam充值卡,订单号 KM2024110300017,实付98元。"
    "昨天晚上8点激活时提示卡密无效。客服(工号8801)说24小时内处理,到现在没消息。"
    "要求48小时内补发卡密或全额退款。"
)
SETTINGS = ("DATABASE_PATH", "DEMO_DATABASE_PATH", "DEFAULT_TIMEZONE", "LOG_LEVEL")
TIMEOUT = 60.0


# --- helpers ---------------------------------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A listening local socket: any connection made to it waits in its backlog."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        sock.setblocking(False)
        yield sock


def _env(listener: socket.socket, **settings: str) -> dict[str, str]:
    """A clean environment whose Bot API URL points at `listener`, plus `settings`."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_") and k not in SETTINGS
    }
    port = listener.getsockname()[1]
    return {**env, "TELEGRAM_API_URL": f"http://127.0.0.1:{port}", **settings}


def _nobody_connected(listener: socket.socket) -> bool:
    try:
        conn, _ = listener.accept()
    except BlockingIOError:
        return True
    conn.close()
    return False


def _demo(
    cwd: Path, lines: list[str], env: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    """Run `complaint-coach demo` with `lines` piped in, to the end of input."""
    return subprocess.run(
        [COMPLAINT_COACH, "demo", *args],
        cwd=cwd,
        env=env,
        input="".join(f"{line}\n" for line in lines),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


class Terminal:
    """A demo process driven line by line: each line typed is answered up to the next prompt."""

    def __init__(self, args: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [COMPLAINT_COACH, *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._cond = threading.Condition()
        self._text = ""
        self._prompts = 0  # prompts expected so far
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.last = self._until_prompt()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        decoder = codecs.getincrementaldecoder("utf-8")()
        while chunk := os.read(self.proc.stdout.fileno(), 65536):
            with self._cond:
                self._text += decoder.decode(chunk)
                self._cond.notify_all()
        with self._cond:
            self._text += decoder.decode(b"", final=True)
            self._cond.notify_all()

    def _until_prompt(self) -> str:
        """The output between the previous prompt and the next one."""
        self._prompts += 1
        with self._cond:
            ok = self._cond.wait_for(
                lambda: self._text.count(PROMPT) >= self._prompts or self.proc.poll() is not None,
                TIMEOUT,
            )
            assert ok and self._text.count(PROMPT) >= self._prompts, self._text[-3000:]
            return self._text.split(PROMPT)[self._prompts - 1]

    def type(self, line: str) -> str:
        """Type a line; returns what the demo printed in answer."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{line}\n".encode())
        self.proc.stdin.flush()
        self.last = self._until_prompt()
        return self.last

    def choose(self, label: str) -> str:
        """Type the number the last answer printed for the choice labelled `label`."""
        numbers = [n for n, text in CHOICE.findall(self.last) if label in text]
        assert numbers, f"no choice {label!r} in:\n{self.last}"
        return self.type(numbers[-1])

    def end_of_input(self) -> tuple[int, str, str]:
        """Close stdin; returns the exit code, all output and stderr."""
        assert self.proc.stdin is not None and self.proc.stderr is not None
        self.proc.stdin.close()
        code = self.proc.wait(timeout=TIMEOUT)
        self._reader.join(TIMEOUT)
        return code, self._text, self.proc.stderr.read().decode()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


def _whole_intake(term: Terminal) -> str:
    """A step-by-step intake to the confirmed texts; returns what the confirmation printed."""
    term.type("/new")
    term.choose("一步一步回答")
    term.choose("未来卡盟")
    term.type(ORDER_NO)
    term.type("Steam充值卡 100元")
    term.type("98")
    term.type("2024-03-02 10:15")
    term.choose("卡密无效")
    assert "已记下" in term.type("2024-03-02 10:20 激活提示卡密无效")
    term.choose("经过已写完")
    term.choose("平台内客服")
    term.type("2024-03-03 10:12")
    term.type("工号 8801")
    term.type("24小时内处理")
    term.choose("没有更多了")
    term.choose("补发卡密")
    term.choose("48小时内")
    term.choose("没有 / 不确定")
    term.choose("订单截图")
    review = term.choose("选好了")
    assert ORDER_NO in review and "98.00" in review and "订单截图" in review
    return term.choose("确认")


# --- tests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["demo"], []], ids=["demo", "no-command-no-token"])
def test_a_whole_intake_in_the_terminal_prints_both_texts_and_uses_no_network(
    tmp_path: Path, listener: socket.socket, args: list[str]
) -> None:
    term = Terminal(args, tmp_path, _env(listener))
    try:
        assert "[1]" in term.last and "complaint-coach demo" in term.last
        texts = _whole_intake(term)
        code, _output, stderr = term.end_of_input()
    finally:
        term.kill()
    lines = texts.splitlines()
    assert any(line.startswith(f"【投诉】订单号{ORDER_NO}") for line in lines), texts
    assert f"投诉订单号{ORDER_NO}-卡密失效问题" in lines, texts
    assert "前(48小时内)补发卡密" in texts  # the absolute deadline, the words in brackets
    assert code == 0, stderr
    assert "Traceback" not in stderr
    with closing(sqlite3.connect(tmp_path / "data" / "demo.sqlite3")) as db:
        [(status, facts)] = db.execute("SELECT status, facts FROM cases").fetchall()
    assert status == "confirmed" and ORDER_NO in facts
    assert not (tmp_path / "data" / "coach.sqlite3").exists()  # the bot's file is not touched
    assert _nobody_connected(listener)


def test_the_demo_ignores_a_token_and_the_network(tmp_path: Path, listener: socket.socket) -> None:
    env = _env(listener, TELEGRAM_BOT_TOKEN="987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0")
    result = _demo(tmp_path, ["/new"], env)
    assert result.returncode == 0, result.stderr
    assert "新的投诉 #1" in result.stdout
    assert _nobody_connected(listener)


def test_the_demo_database_goes_where_demo_database_path_says(
    tmp_path: Path, listener: socket.socket
) -> None:
    db_path = tmp_path / "elsewhere" / "mine.sqlite3"
    result = _demo(tmp_path, ["/new"], _env(listener, DEMO_DATABASE_PATH=str(db_path)))
    assert result.returncode == 0, result.stderr
    with closing(sqlite3.connect(db_path)) as db:
        assert db.execute("SELECT no, status FROM cases").fetchall() == [(1, "draft")]
    assert not (tmp_path / "data").exists()


def test_the_demo_in_english_speaks_english(tmp_path: Path, listener: socket.socket) -> None:
    result = _demo(tmp_path, ["/new"], _env(listener), "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "Hi, I'm your complaint coach." in result.stdout
    assert "New complaint #1" in result.stdout
    assert re.search(r"^\s*\[1\] Answer step by step$", result.stdout, re.MULTILINE)
    assert "你好" not in result.stdout and "新的投诉" not in result.stdout


def test_an_unknown_demo_language_is_a_usage_error(tmp_path: Path, listener: socket.socket) -> None:
    result = _demo(tmp_path, [], _env(listener), "--lang", "fr")
    assert result.returncode == 2
    assert "--lang" in result.stderr and "Traceback" not in result.stderr


def test_a_pasted_story_in_the_demo_is_understood(tmp_path: Path, listener: socket.socket) -> None:
    result = _demo(tmp_path, ["/new", STORY], _env(listener))
    assert result.returncode == 0, result.stderr
    understood = result.stdout.split("我从你的描述里读到了")
    assert len(understood) == 2, result.stdout
    for fact in ("KM2024110300017", "98.00", "卡密无效", "8801", "48小时内", "补发卡密"):
        assert fact in understood[1], fact
    # Everything the intake requires was in it: only the optional questions follow.
    assert "没有 / 不确定" in understood[1]


def test_the_demo_export_writes_the_case_file_to_a_folder(
    tmp_path: Path, listener: socket.socket
) -> None:
    term = Terminal(["demo"], tmp_path, _env(listener))
    try:
        _whole_intake(term)
        assert "导出哪个案件" in term.type("/export")
        out = term.choose(f"#1 · 未来卡盟 · {ORDER_NO}")
        code, _output, stderr = term.end_of_input()
    finally:
        term.kill()
    assert code == 0 and "Traceback" not in stderr, stderr
    assert "档案已发送" in out
    written = [tmp_path / p for p in re.findall(r"^📄 (.+\.(?:pdf|zip))$", out, re.MULTILINE)]
    folder = tmp_path / "data" / "evidence" / "1" / "1" / "export"
    assert sorted(folder.iterdir()) == sorted(written)  # the PDF and the ZIP, nothing else
    [pdf] = [p for p in written if p.suffix == ".pdf"]
    [archive] = [p for p in written if p.suffix == ".zip"]
    doc = pdfium.PdfDocument(pdf)
    text = "".join("".join(page.get_textpage().get_text_range() for page in doc).split())
    timeline = text[text.index("三、时间线"):text.index("四、投诉文本")]
    assert ORDER_NO in text
    for line in ("2024-03-02", "10:15在未来卡盟购买Steam充值卡", "10:20激活提示卡密无效",
                 "2024-03-03", "10:12联系平台内客服(工号8801),承诺“24小时内处理”"):
        assert line in timeline, line
    with zipfile.ZipFile(archive) as z:
        assert z.namelist() == ["manifest.csv"]  # the demo's evidence is what the user said
