"""CPU per update of the coach beside a bare python-telegram-bot echo bot, in the same run.

    .venv/bin/python -m bench.cpu_per_update [--users N] [--rounds N]

Both bots poll tests.fake_telegram's FakeTelegram on 127.0.0.1 as separate processes. The
coach gets the intake mix: a new case from a pasted story, the intake's buttons, the
confirmation (which sends its summary and first texts), four channel texts and /cases. The
echo bot gets the same number of texts and presses. The figure is the process's own CPU time
(user + system, /proc) over the run, divided by the updates it handled. Nothing is asserted:
the target and the results live in docs/PERFORMANCE.md. The echo bot's figure moves from
run to run, so the two are run by turns, several times, and the median ratio is printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.reminders import cpu_seconds, provenance
from tests.conftest import BotProcess, button_data
from tests.fake_telegram import FakeTelegram

STORY = (
    "前天晚上8点在未来卡盟买了一张100元的Steam充值卡,订单号WL20240302001,实付98元。"
    "昨天上午10点激活时提示卡密无效。要求48小时内补发卡密或全额退款。"
)
# (kind, what, replies): a text sent, or the newest button with this label pressed.
INTAKE: list[tuple[str, str, int]] = [
    ("text", "/new", 1),
    ("text", STORY, 2),
    ("press", "还没有联系过", 1),
    ("press", "没有 / 不确定", 1),
    ("press", "订单截图", 1),
    ("press", "选好了", 1),
    ("press", "确认", 4),
    ("press", "平台内客服", 1),
    ("press", "投诉邮件", 1),
    ("press", "电话脚本", 1),
    ("press", "黑猫投诉", 1),
    ("text", "/cases", 1),
]


def _act(fake: FakeTelegram, user: int, kind: str, what: str, replies: int) -> None:
    if kind == "text":
        fake.user_sends_text(user, what)
    else:
        fake.user_presses(user, button_data(fake.messages(user), what))
    fake.expect(user, replies, timeout=30)


def run_coach(fake: FakeTelegram, workdir: Path, users: int) -> tuple[float, int]:
    bot = BotProcess(fake, workdir, LOG_LEVEL="WARNING").start()
    assert bot.proc is not None
    try:
        for kind, what, replies in INTAKE:  # warm: imports, compiled templates, first queries
            _act(fake, 1, kind, what, replies)
        before = cpu_seconds(bot.proc.pid)
        for user in range(100, 100 + users):
            for kind, what, replies in INTAKE:
                _act(fake, user, kind, what, replies)
        return cpu_seconds(bot.proc.pid) - before, users * len(INTAKE)
    finally:
        bot.kill()


def run_echo(fake: FakeTelegram, users: int) -> tuple[float, int]:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_URL": fake.url}
    polls = len(fake.requests_for("getUpdates"))
    proc = subprocess.Popen([sys.executable, "-m", "bench.echo_bot"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        fake.wait_for(lambda: len(fake.requests_for("getUpdates")) > polls, 60, "echo polling")
        for _ in INTAKE:  # warm, as the coach is
            _act(fake, 2, "text", "warm", 1)
        before = cpu_seconds(proc.pid)
        for user in range(5000, 5000 + users):
            for kind, what, _replies in INTAKE:
                if kind == "text" or not fake.messages(user):
                    _act(fake, user, "text", what, 1)
                else:
                    _act(fake, user, "press", "again", 1)
        return cpu_seconds(proc.pid) - before, users * len(INTAKE)
    finally:
        proc.kill()
        proc.wait()


def _sent(fake: FakeTelegram) -> int:
    """Messages sent or edited, over the whole run (warm-up included)."""
    methods = ("sendMessage", "editMessageText", "answerCallbackQuery")
    return sum(len(fake.requests_for(m)) for m in methods)


def _round(users: int) -> tuple[float, float, int, int]:
    """One coach run and one echo run: their ms per update and messages sent."""
    with tempfile.TemporaryDirectory() as tmp, FakeTelegram() as fake:
        coach_cpu, coach_n = run_coach(fake, Path(tmp), users)
        coach_sent = _sent(fake)
    with FakeTelegram() as fake:
        echo_cpu, echo_n = run_echo(fake, users)
        echo_sent = _sent(fake)
    return 1000 * coach_cpu / coach_n, 1000 * echo_cpu / echo_n, coach_sent, echo_sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=5, help="coach and echo runs, alternated")
    args = parser.parse_args()
    print(f"# CPU per update, {provenance()}, {time.strftime('%Y-%m-%d')}")
    print(f"# {args.users * len(INTAKE)} updates per run; ms of CPU per update")
    coach, echo = [], []
    for n in range(1, args.rounds + 1):
        coach_ms, echo_ms, coach_sent, echo_sent = _round(args.users)
        coach.append(coach_ms)
        echo.append(echo_ms)
        print(f"round {n}: coach {coach_ms:.2f}, echo {echo_ms:.2f}, "
              f"ratio {coach_ms / echo_ms:.2f}× (messages sent: {coach_sent}, {echo_sent})")
    ratios = [c / e for c, e in zip(coach, echo, strict=True)]
    print(f"median: coach {statistics.median(coach):.2f}, echo {statistics.median(echo):.2f}, "
          f"ratio {statistics.median(ratios):.2f}× (range {min(ratios):.2f}–{max(ratios):.2f}×; "
          "target ≤ 2×)")


if __name__ == "__main__":
    main()
