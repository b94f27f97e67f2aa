"""Retrying transient failures with exponential backoff and full jitter, within a deadline.

Where a user waits for an answer (Chat drops answers after 30 s), a retry is worth
making only if it can finish in time: each sleep is capped by what is left of the
budget, and no attempt starts once the budget is spent.

Where one answer needs several calls (a token refresh, ``spaces.create``, posting the
card), each call's budget alone would let the whole exceed Chat's deadline, so the
request sets one deadline (:func:`request_deadline`) that every retry loop and every
attempt's timeout inside it shares.
"""

from __future__ import annotations

import random
import time
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable, Iterator, TypeVar

# Jitter from its own generator: drawing from the process's shared one would change what
# everyone else (tests seeding it, libraries) gets next.
_JITTER = random.Random()

T = TypeVar("T")

# time.monotonic() by which the current request must have its answer; None: no one waits.
_deadline: ContextVar[float | None] = ContextVar("request_deadline", default=None)
MIN_ATTEMPT_SECONDS = 0.05


@contextmanager
def request_deadline(seconds: float) -> Iterator[None]:
    """Every Google call inside the block (retries included) finishes within ``seconds``."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining_seconds() -> float | None:
    """What is left of the current request's deadline (None outside one)."""
    deadline = _deadline.get()
    return None if deadline is None else max(0.0, deadline - time.monotonic())


def attempt_timeout(timeout: float) -> float:
    """One attempt's timeout, cut to what is left of the request's deadline."""
    left = remaining_seconds()
    return timeout if left is None else max(MIN_ATTEMPT_SECONDS, min(timeout, left))


def retry_call(
    call: Callable[[], T],
    *,
    is_transient: Callable[[Exception], bool],
    budget_seconds: float,
    attempts: int = 4,
    base_delay: float = 0.25,
    max_delay: float = 4.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    rand: Callable[[], float] = _JITTER.random,
) -> T:
    left = remaining_seconds()
    if left is not None:
        budget_seconds = min(budget_seconds, left)
    deadline = clock() + budget_seconds
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except Exception as error:  # noqa: BLE001 - classified by is_transient
            if attempt == attempts or not is_transient(error):
                raise
            delay = rand() * min(max_delay, base_delay * 2 ** (attempt - 1))  # "full jitter"
            if clock() + delay >= deadline:
                raise
            sleep(delay)
    raise AssertionError("unreachable")
