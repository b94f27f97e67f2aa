"""Stacks for fault injection: the real app and the emulator with every deadline scaled down.

Production waits 8 s for one Google call, spends at most 25 s before answering Chat,
and Chat gives up at 30 s. Here the same proportions are kept at a fraction of the
size (1 s, 4 s, 6 s), so a stalled API is "past the timeout" in a second and a test
that would outlive Chat's deadline shows up as Chat's own refusal: the emulator
answers the control-plane call with 504 instead of recording the reply.

What does not shrink with the scale is the fixed cost of each call (real HTTP through
Google's client libraries, a database write, two busy cores shared with other tests'
background syncs) and the retries' backoff (up to 0.25 s). At half this size (0.5 s,
2 s, 3 s) it failed two CI runs. A stalled card post's retry once missed the 2 s budget.
And a token refresh gets a third of the budget and half of that per attempt, so after
one stalled attempt 0.33 s was left for a backoff of up to 0.25 s and the retry's start:
the likeliest reading of a brief token stall in OAuth mode that ended with no card (the
answer was not recorded). Here 0.67 s is left, and a stall still costs a whole timeout
of a budget four times as long.
"""

from __future__ import annotations

import dataclasses
import tempfile
from typing import Any, Iterator

import pytest
import requests

from local.stack import LocalStack
from emulator.state import Faults
from tests.e2e.conftest import Stack
from tests.support import wait_until

MEET_TIMEOUT = 1.0  # MEET_TIMEOUT_SECONDS: one Google call
SYNC_BUDGET = 4.0  # SYNC_BUDGET_SECONDS: everything before Chat's answer
CHAT_DEADLINE = 6.0  # the emulator's Chat drops answers after this (Chat: 30 s)
STALL_MS = 3000  # a stall: three times one call's timeout
RECONCILE_SECRET = "faults-reconcile-secret-7Qm2xZ9pL4vB8nK3"

# The four failures every Google call is put through.
FAULTS: dict[str, dict[str, int]] = {
    "429": {"status": 429},
    "500": {"status": 500},
    "503": {"status": 503},
    "stall": {"delayMs": STALL_MS},
}
OUTAGE = 10_000  # "times" for a fault that lasts until it is cleared


def start_stack(*, auth_mode: str, pubsub: bool = True, database_url: str | None = None,
                extra_env: dict[str, str] | None = None) -> Stack:
    directory = tempfile.mkdtemp(prefix=f"meetbot-faults-{auth_mode}-")
    local = LocalStack(directory=directory, auto_consent=True, auth_mode=auth_mode, pubsub=pubsub,
                       reconcile_interval=0, database_url=database_url,
                       extra_env={"MEET_TIMEOUT_SECONDS": str(MEET_TIMEOUT), "SYNC_BUDGET_SECONDS": str(SYNC_BUDGET),
                                  "SYNC_DEBOUNCE_SECONDS": "0.05", "SYNC_LEASE_SECONDS": "6",
                                  "RECONCILE_SECRET": RECONCILE_SECRET, "LOG_LEVEL": "ERROR",
                                  **(extra_env or {})}).start()
    state = local.emulator_state
    state.config = dataclasses.replace(state.config, chat_deadline_seconds=CHAT_DEADLINE)
    return Stack(local)


@pytest.fixture(scope="package")
def delegation_faults() -> Iterator[Stack]:
    stack = start_stack(auth_mode="delegation")
    try:
        yield stack
    finally:
        stack.local.stop()


@pytest.fixture(scope="package")
def oauth_faults() -> Iterator[Stack]:
    stack = start_stack(auth_mode="oauth", pubsub=False)
    try:
        yield stack
    finally:
        stack.local.stop()


@pytest.fixture
def stack(delegation_faults: Stack) -> Iterator[Stack]:
    delegation_faults.control("POST", "reset")
    yield delegation_faults
    clear_faults(delegation_faults)
    delegation_faults.control("POST", "pubsub", {"reset": True})


@pytest.fixture
def oauth_stack(oauth_faults: Stack) -> Iterator[Stack]:
    oauth_faults.control("POST", "reset")
    yield oauth_faults
    clear_faults(oauth_faults)


def clear_faults(stack: Stack) -> None:
    """The outage is over (the control plane has no call for it; the tests share the process)."""
    stack.state.faults = Faults()


def arm(stack: Stack, api: str, method: str, fault: str, times: int = 1) -> None:
    stack.fault(api, method, times=times, **FAULTS[fault])


def reconcile(stack: Stack) -> dict[str, Any]:
    response = requests.get(stack.local.app_url + "/tasks/reconcile",
                            headers={"Authorization": f"Bearer {RECONCILE_SECRET}"}, timeout=120)
    assert response.status_code == 200, response.text
    return response.json()


def calls_in_flight(stack: Stack) -> list[dict[str, Any]]:
    """Google calls the emulator is still serving: logged when they arrive, with their
    status once answered (a stalled one answers when its stall is over)."""
    return [c for c in stack.control("GET", "calls")["calls"] if not c["status"]]


def after_stalls(stack: Stack) -> None:
    """Wait until every stalled call has landed at Google (the emulator answered it, and
    so did its work): what it changes is then there to be seen, or known not to be."""
    wait_until(lambda: not calls_in_flight(stack), timeout=30, what="every stalled call to land")


def statuses(stack: Stack, api: str, method: str) -> list[int | None]:
    return [c["status"] for c in stack.control("GET", "calls")["calls"] if c["api"] == api and c["method"] == method]
