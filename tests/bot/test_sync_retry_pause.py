"""How long a sync that failed for a passing reason waits before its next try
(``bot.lifecycle.worker.retry_pause``): doubling per failure in a row, capped, jittered."""

from __future__ import annotations

import pytest

from bot.lifecycle.worker import RETRY_AT_MOST_SECONDS, RETRY_FIRST_SECONDS, retry_pause


@pytest.mark.parametrize("failures, ceiling", [(0, 2.0), (1, 4.0), (2, 8.0), (3, 16.0), (4, 32.0), (5, 60.0),
                                               (40, 60.0), (10_000, 60.0)])
def test_the_pause_doubles_per_failure_up_to_its_ceiling_and_is_drawn_from_its_upper_half(
        failures: int, ceiling: float) -> None:
    assert RETRY_FIRST_SECONDS == 2.0 and RETRY_AT_MOST_SECONDS == 60.0  # the figures docs/robustness.md gives
    assert retry_pause(failures, draw=lambda: 0.0) == ceiling / 2
    assert retry_pause(failures, draw=lambda: 0.999999) == pytest.approx(ceiling, rel=1e-5)


def test_pauses_drawn_together_are_spread_out() -> None:
    pauses = [retry_pause(3) for _ in range(200)]  # meetings that failed together in an outage
    assert all(8.0 <= pause <= 16.0 for pause in pauses)
    assert max(pauses) - min(pauses) > 4.0
