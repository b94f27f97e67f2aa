"""Retrying transient failures with exponential backoff and full jitter, within a deadline.

Where a user waits for an answer (Chat drops answers after 30 s), a retry is worth
making only if it can finish in time: each sleep is capped by what is left of the
budget, and no attempt starts once the budget is spent.
"""

from __future__ import annotations

import random
import time
from typing import Callable, TypeVar

T = TypeVar("T")


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
    rand: Callable[[], float] = random.random,
) -> T:
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
