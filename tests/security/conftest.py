"""Stacks and helpers shared by the hostile-input tests.

Every stack here runs without the app's own reconciler timer, and the ones that watch
for side effects run without Pub/Sub, so nothing happens in the background that a
test did not cause: "no Google call" can be read off the emulator's call log.

(``test_push_and_bodies.py`` keeps its own module ``stack``, which ``test_injection``
imports; the fixtures below have other names.)
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
import time
from types import SimpleNamespace
from typing import Any, Iterator

import pytest
import requests

from bot.chat_events import format_of
from local.stack import LocalStack
from emulator.chat import delivery, interactions as chat_events
from tests.e2e.conftest import Stack
from tests.support import wait_until

RECONCILE_SECRET = "reconcile-secret-for-the-security-suite-0123456789"
# The last part of a Google API method id that means "this changed something".
CHANGING = ("create", "patch", "update", "delete", "endActiveConference", "renew", "reactivate")


def _start(prefix: str, **options: Any) -> LocalStack:
    extra_env = {"LOG_LEVEL": "CRITICAL", **options.pop("extra_env", {})}
    return LocalStack(directory=tempfile.mkdtemp(prefix=f"meetbot-security-{prefix}-"), reconcile_interval=0,
                      extra_env=extra_env, **options).start()


@pytest.fixture(scope="session")
def security_stack() -> Iterator[Stack]:
    """Classic events, domain-wide delegation, Pub/Sub on, a reconcile secret."""
    local = _start("main", auto_consent=True, auth_mode="delegation",
                   extra_env={"RECONCILE_SECRET": RECONCILE_SECRET})
    try:
        yield Stack(local)
    finally:
        local.stop()


@pytest.fixture(scope="session")
def oauth_stack() -> Iterator[Stack]:
    """AUTH_MODE=oauth with a consent page that waits for the person's choice."""
    local = _start("oauth", auto_consent=False, auth_mode="oauth", pubsub=False)
    try:
        yield Stack(local)
    finally:
        local.stop()


def _controls(event_format: str) -> Iterator[Stack]:
    local = _start(f"controls-{event_format}", auto_consent=True, auth_mode="delegation", pubsub=False,
                   event_format=event_format)
    try:
        yield Stack(local)
    finally:
        local.stop()


@pytest.fixture(scope="session")
def classic_controls_stack() -> Iterator[Stack]:
    yield from _controls("classic")


@pytest.fixture(scope="session")
def addon_controls_stack() -> Iterator[Stack]:
    yield from _controls("addon")


@pytest.fixture(params=["classic", "addon"])
def controls_stack(request: pytest.FixtureRequest) -> Stack:
    """Each test using this runs once per event format, on an emptied emulator."""
    chosen: Stack = request.getfixturevalue(f"{request.param}_controls_stack")
    chosen.control("POST", "reset")
    return chosen


# -- helpers ---------------------------------------------------------------------------------
def all_calls(stack: Stack) -> list[dict[str, Any]]:
    return stack.control("GET", "calls")["calls"]


def changing_calls(calls: list[dict[str, Any]]) -> list[str]:
    """The Google API calls in ``calls`` that change something (any create, patch, …)."""
    return [c["method"] for c in calls if c["method"].rsplit(".", 1)[-1] in CHANGING]


def settle(stack: Stack, *, timeout: float = 15.0) -> int:
    """Run the syncs that are due now (rather than after the worker's debounce), then wait
    until the app has finished its work: no sync asked for and not yet done (a sync being
    run counts as not done) and no Google call still being answered. The number of calls
    so far."""
    stack.local.app.extensions["meetbot"].worker.drain(budget_seconds=10)

    def finished() -> bool:
        return stack.storage.sync_queue.meetings_needing_sync() == 0 and all(c["status"] for c in all_calls(stack))

    wait_until(finished, timeout=timeout, what="the app to finish its work")
    return len(all_calls(stack))


_tokens: dict[tuple[int, str], tuple[float, str]] = {}


def chat_token(stack: Stack, url: str, event_format: str | None = None) -> str:
    """Chat's token for a request to ``url`` carrying an event of ``event_format`` (default:
    the stack's): Chat's own token for classic events, the add-on service agent's for
    add-on events. Valid for an hour; signing one takes tens of milliseconds, so it is
    reused for a few minutes, as Chat itself may."""
    event_format = event_format or stack.local.event_format
    key = (id(stack.state), url, event_format)
    cached = _tokens.get(key)
    if cached is None or cached[0] < time.monotonic():
        signer = SimpleNamespace(config=dataclasses.replace(stack.state.config, event_format=event_format),
                                 keys=stack.state.keys)
        cached = (time.monotonic() + 300, delivery.bearer_token(signer, url))  # type: ignore[arg-type]
        _tokens[key] = cached
    return cached[1]


def signed_post(stack: Stack, body: Any, *, raw: bytes | None = None) -> requests.Response:
    """POST ``body`` to the app's ``/`` exactly as Chat would: with a genuine token of the
    kind that sends the body's format (the stack's, for a body in neither), and for
    add-ons the token inside the event too. (A token of the other kind is refused:
    ``test_replayed_clicks``.)"""
    url = stack.local.app_url + "/"
    body_format = format_of(body) if raw is None else None
    token = chat_token(stack, url, body_format.value if body_format is not None else None)
    if isinstance(body, dict) and stack.local.event_format == "addon" and "chat" in body:
        body = {**body, "authorizationEventObject": {"systemIdToken": token}}
    data = raw if raw is not None else json.dumps(body).encode()
    return requests.post(url, data=data, timeout=30, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", "User-Agent": "Google-Dynamite"})


def click_event(stack: Stack, *, message: str | None, user: dict[str, Any], space: str, function: str | None,
                parameters: dict[str, str], form_inputs: dict[str, Any] | None = None,
                dialog_event_type: str | None = None) -> dict[str, Any]:
    """A CARD_CLICKED (or dialog submit) event as Chat builds it, with whatever message,
    user, space, function and parameters the test wants."""
    state = stack.state
    with state.lock:
        spec = chat_events.EventInput(
            chat_events.CARD_CLICKED, state.chat.get_space(space), state.find_user(user["name"]),
            message=state.chat.find_message(message) if message else None, function=function,
            parameters=dict(parameters), form_inputs=chat_events.form_inputs(form_inputs or {}),
            dialog_event_type=dialog_event_type)
        return chat_events.build_event(state, spec)
