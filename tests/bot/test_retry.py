"""Retries: exponential backoff with full jitter inside a budget, and how the gateways'
calls classify failures and remember a timed-out attempt."""

from __future__ import annotations

import socket
from typing import Callable

import pytest

from bot.google.errors import FailureKind, GoogleApiError, call_with_retries
from bot.retry import remaining_seconds, request_deadline, retry_call


class FakeTime:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def failing(*errors: Exception, then: object = "ok") -> Callable[[], object]:
    """A call that raises ``errors`` one by one, then returns ``then``."""
    pending = list(errors)

    def call() -> object:
        if pending:
            raise pending.pop(0)
        return then

    return call


def transient(error: Exception) -> bool:
    return isinstance(error, GoogleApiError) and error.transient


def unavailable(count: int = 1) -> list[GoogleApiError]:
    return [GoogleApiError(FailureKind.UNAVAILABLE, 503, "backend error") for _ in range(count)]


def test_transient_failures_are_retried_with_growing_jittered_pauses() -> None:
    time = FakeTime()
    result = retry_call(failing(*unavailable(3)), is_transient=transient, budget_seconds=60,
                        clock=time.clock, sleep=time.sleep, rand=lambda: 1.0)
    assert result == "ok"
    assert time.sleeps == [0.25, 0.5, 1.0]  # base × 2^n, at the top of the jitter range


def test_full_jitter_draws_each_pause_from_zero_to_the_cap() -> None:
    time = FakeTime()
    retry_call(failing(*unavailable(2)), is_transient=transient, budget_seconds=60,
               clock=time.clock, sleep=time.sleep, rand=lambda: 0.5)
    assert time.sleeps == [0.125, 0.25]


def test_a_permanent_failure_is_raised_at_once() -> None:
    time = FakeTime()
    refused = GoogleApiError(FailureKind.PERMISSION, 403, "no")
    with pytest.raises(GoogleApiError) as caught:
        retry_call(failing(refused), is_transient=transient, budget_seconds=60, clock=time.clock, sleep=time.sleep)
    assert caught.value is refused and time.sleeps == []


def test_no_pause_outlives_the_budget() -> None:
    time = FakeTime()
    with pytest.raises(GoogleApiError):
        retry_call(failing(*unavailable(10)), is_transient=transient, budget_seconds=0.6, attempts=10,
                   clock=time.clock, sleep=time.sleep, rand=lambda: 1.0)
    assert time.sleeps == [0.25]  # the next pause (0.5) would end past 0.6 s


def test_the_request_deadline_caps_every_budget_inside_it() -> None:
    time = FakeTime()
    with request_deadline(0.2):
        left = remaining_seconds()
        assert left is not None and 0 < left <= 0.2
        with pytest.raises(GoogleApiError):
            retry_call(failing(*unavailable(2)), is_transient=transient, budget_seconds=60,
                       clock=time.clock, sleep=time.sleep, rand=lambda: 1.0)
    assert time.sleeps == []  # 0.25 s would not fit in what is left
    assert remaining_seconds() is None


def test_gateway_calls_classify_library_errors_and_retry_the_transient_ones() -> None:
    sleeps: list[float] = []
    assert call_with_retries(failing(socket.timeout("slow")), budget_seconds=60, sleep=sleeps.append) == "ok"
    assert len(sleeps) == 1
    with pytest.raises(GoogleApiError) as caught:
        call_with_retries(failing(ConnectionRefusedError("down"), *[socket.timeout("slow")] * 3),
                          budget_seconds=60, sleep=sleeps.append)
    assert caught.value.kind is FailureKind.TIMEOUT and caught.value.may_have_applied


def test_an_error_after_a_timed_out_attempt_may_have_applied() -> None:
    """The last attempt's 503 alone would say "not done", but the first, which timed out,
    may still have been carried out: callers must not report the change as not made."""
    with pytest.raises(GoogleApiError) as caught:
        call_with_retries(failing(socket.timeout("slow"), *unavailable(3)), budget_seconds=60,
                          sleep=lambda _: None)
    assert caught.value.kind is FailureKind.UNAVAILABLE and caught.value.may_have_applied


def test_errors_without_a_timeout_were_not_applied() -> None:
    for errors in (unavailable(4), [GoogleApiError(FailureKind.INVALID, 400, "bad")]):
        with pytest.raises(GoogleApiError) as caught:
            call_with_retries(failing(*errors), budget_seconds=60, sleep=lambda _: None)
        assert not caught.value.may_have_applied
