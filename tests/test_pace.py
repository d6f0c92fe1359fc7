"""The shared window's rules: the token's last second, a reply's place, a chat's pace."""

from __future__ import annotations

from conversations.store.pace import Pace, SendRow, chat_wait, window_wait

NOW = 1000.0


def _send(i: int, chat: int, started: float, done: float | None = None) -> SendRow:
    return SendRow(i, chat, started, done, waiting=False)


def test_a_send_counts_until_a_second_after_its_answer() -> None:
    rows = [_send(1, 1, NOW - 1.4, NOW - 1.1), _send(2, 2, NOW - 0.5, NOW - 0.4)]
    assert window_wait(rows, NOW, room=2, urgent=False, ticket=0) == 0  # the first has left
    rows.append(_send(3, 3, NOW - 0.1))  # in flight: counts
    assert round(window_wait(rows, NOW, room=2, urgent=False, ticket=0), 3) == 0.601


def test_a_full_window_of_sends_in_flight_is_looked_at_again_soon() -> None:
    rows = [_send(i, i, NOW - 0.1) for i in range(30)]
    assert window_wait(rows, NOW, room=30, urgent=False, ticket=0) == 0.01


def test_a_waiting_reply_holds_a_place_pushes_cannot_take() -> None:
    rows = [_send(1, 1, NOW - 0.5, NOW - 0.4), SendRow(9, 5, NOW - 0.2, None, waiting=True)]
    assert window_wait(rows, NOW, room=2, urgent=False, ticket=0) > 0  # a push waits
    assert window_wait(rows, NOW, room=2, urgent=True, ticket=9) == 0  # the reply goes


def test_a_chat_gets_its_burst_then_one_a_second() -> None:
    pace = Pace(burst=4, per_second=1.0)
    rows = [_send(i, 7, NOW - 0.05, NOW - 0.04) for i in range(3)]
    assert chat_wait(rows, 7, NOW, pace) == 0  # the fourth of a burst goes
    rows.append(_send(3, 7, NOW - 0.03, NOW - 0.02))
    assert 0.9 < chat_wait(rows, 7, NOW, pace) <= 1.0  # the fifth waits a second
    assert chat_wait(rows, 8, NOW, pace) == 0  # another chat does not


def test_a_chat_quiet_for_seconds_has_its_burst_back() -> None:
    pace = Pace(burst=2, per_second=1.0)
    rows = [_send(i, 7, NOW - 2.5, NOW - 2.4) for i in range(2)]
    assert chat_wait(rows, 7, NOW, pace) == 0
