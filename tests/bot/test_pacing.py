"""The per-space write pacer (bot.google.pacing), on a clock the test moves."""

from __future__ import annotations

import pytest

from bot.google.errors import FailureKind, GoogleApiError
from bot.google.pacing import SpaceWritePacer, space_of
from bot.retry import request_deadline


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def pacer(time: FakeTime, **options: float) -> SpaceWritePacer:
    return SpaceWritePacer(interval=1.1, clock=time.clock, sleep=time.sleep, **options)  # type: ignore[arg-type]


def test_writes_to_one_space_are_spaced_and_other_spaces_do_not_wait() -> None:
    time = FakeTime()
    paced = pacer(time)
    starts = []
    for _ in range(3):
        paced.take_turn("spaces/A")
        starts.append(time.now)
    assert starts == pytest.approx([100.0, 101.1, 102.2])
    assert paced.take_turn("spaces/B")[1] == 0  # its own turns


def test_the_next_write_starts_a_full_window_after_the_last_came_back() -> None:
    time = FakeTime()
    paced = pacer(time)
    paced.take_turn("spaces/A")
    time.now += 0.9  # a slow write: it may have reached Chat just now
    paced.finished("spaces/A")
    assert paced.take_turn("spaces/A")[1] == pytest.approx(1.0)


def test_a_write_failed_otherwise_gives_its_turn_back_unless_another_took_the_next() -> None:
    time = FakeTime()
    paced = pacer(time)
    turn, _ = paced.take_turn("spaces/A")
    paced.give_back("spaces/A", turn)  # a 500: the retry goes at once
    assert paced.take_turn("spaces/A")[1] == 0
    turn, _ = paced.take_turn("spaces/A")  # 1.1 s later
    paced.take_turn("spaces/A")  # someone else's turn, 1.1 s after that
    paced.give_back("spaces/A", turn)  # too late to give back: the next is taken
    assert paced.take_turn("spaces/A")[1] == pytest.approx(1.1)


def test_a_refusal_moves_the_next_turn_past_it_or_past_retry_after() -> None:
    time = FakeTime()
    paced = pacer(time)
    paced.take_turn("spaces/A")
    time.now += 5  # long after: no wait
    paced.refused("spaces/A")
    assert paced.take_turn("spaces/A")[1] == pytest.approx(1.1)
    paced.refused("spaces/A", retry_after=3)
    assert paced.take_turn("spaces/A")[1] == pytest.approx(3)


def test_a_turn_beyond_what_the_caller_can_wait_is_refused_at_once_and_takes_no_turn() -> None:
    time = FakeTime()
    paced = pacer(time, max_wait_seconds=5)
    paced.take_turn("spaces/A")
    paced.refused("spaces/A", retry_after=8)
    with pytest.raises(GoogleApiError) as refused:
        paced.take_turn("spaces/A")  # 8 s away, more than a background write waits
    assert refused.value.kind is FailureKind.QUOTA and refused.value.transient
    assert refused.value.retry_after == pytest.approx(8)  # the sync is held until the turn
    assert time.slept == []
    with request_deadline(10):  # someone waits, and has the time
        assert paced.take_turn("spaces/A")[1] == pytest.approx(8)
    with request_deadline(0.5):
        paced.refused("spaces/B")
        with pytest.raises(GoogleApiError):
            paced.take_turn("spaces/B")  # 1.1 s away, 0.5 s left


def test_space_of_a_message_name() -> None:
    assert space_of("spaces/AAA/messages/client-x") == "spaces/AAA"
    assert space_of("spaces/AAA") == "spaces/AAA"
