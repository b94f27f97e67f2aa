"""Hostile requests against ``GET /tasks/reconcile``.

It is accepted only with ``Authorization: Bearer <RECONCILE_SECRET>``, or from App
Engine cron (the ``X-Appengine-Cron`` header, trusted only when the app runs on App
Engine, which strips it from outside requests). Everything else is a 403 (405 for
other methods) before anything happens: no Google call, no sync requested, no
subscription touched.
"""

from __future__ import annotations

import dataclasses
import tempfile
from typing import Any, Iterator

import pytest
import requests
import sqlalchemy as sa

from local.stack import LocalStack
from bot.storage.tables import meetings
from tests.e2e.conftest import Stack

from .conftest import RECONCILE_SECRET, all_calls, settle

PATH = "/tasks/reconcile"


@pytest.fixture
def stack(security_stack: Stack) -> Iterator[Stack]:
    """A space with two meetings (not over, so a reconcile would sync them)."""
    stack = security_stack
    stack.control("POST", "reset")
    alice = stack.person("Alice Anders")
    space = stack.space(alice)
    for title in ("One", "Two"):
        stack.say(space, alice, f"/meet {title}")
    yield stack


def snapshot(stack: Stack) -> tuple[Any, ...]:
    settle(stack)
    with stack.storage.engine.connect() as connection:
        rows = connection.execute(sa.select(meetings.c.id, meetings.c.sync_requested, meetings.c.status)).all()
    return sorted(map(tuple, rows)), len(all_calls(stack))


def get(stack: Stack, headers: dict[str, str] | None = None, method: str = "GET") -> requests.Response:
    return requests.request(method, stack.local.app_url + PATH, headers=headers or {}, timeout=30)


REFUSED_HEADERS: dict[str, dict[str, str]] = {
    "no header": {},
    "wrong secret": {"Authorization": "Bearer not-the-secret"},
    "prefix of the secret": {"Authorization": f"Bearer {RECONCILE_SECRET[:-1]}"},
    "secret plus a suffix": {"Authorization": f"Bearer {RECONCILE_SECRET}x"},
    "secret plus whitespace": {"Authorization": f"Bearer {RECONCILE_SECRET} "},
    "empty bearer": {"Authorization": "Bearer "},
    "secret without scheme": {"Authorization": RECONCILE_SECRET},
    "basic scheme": {"Authorization": f"Basic {RECONCILE_SECRET}"},
    "secret twice": {"Authorization": f"Bearer {RECONCILE_SECRET}, Bearer {RECONCILE_SECRET}"},
    "secret in another header": {"X-Reconcile-Secret": RECONCILE_SECRET, "Authorization": "Bearer x"},
    "huge": {"Authorization": "Bearer " + "A" * 7000},
    "non-ascii": {"Authorization": "Bearer \u00e9\u00e8".encode("utf-8").decode("latin-1")},
    "cron header from outside": {"X-Appengine-Cron": "true"},
    "cron header, other casing": {"x-appengine-cron": "TRUE"},
    "cron header and a wrong secret": {"X-Appengine-Cron": "true", "Authorization": "Bearer nope"},
}


def test_requests_without_the_secret_are_refused_before_anything_happens(stack: Stack) -> None:
    before = snapshot(stack)
    for name, headers in REFUSED_HEADERS.items():
        response = get(stack, headers)
        assert response.status_code == 403, (name, response.status_code, response.text)
        assert response.json() == {"error": "forbidden"}, name
    # HEAD runs the same check (Flask answers HEAD with the GET view).
    assert get(stack, {}, method="HEAD").status_code == 403
    assert snapshot(stack) == before

    # Positive control: the secret is accepted, and a pass does show in what was compared.
    response = get(stack, {"Authorization": f"Bearer {RECONCILE_SECRET}"})
    assert response.status_code == 200 and response.json()["syncs_run"] >= 1, response.text
    assert snapshot(stack) != before


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_other_methods_are_not_allowed_even_with_the_secret(stack: Stack, method: str) -> None:
    before = snapshot(stack)
    response = get(stack, {"Authorization": f"Bearer {RECONCILE_SECRET}"}, method=method)
    assert response.status_code == 405 and response.json() == {"error": "method not allowed"}
    assert snapshot(stack) == before


def test_a_405_says_which_methods_are_allowed(security_stack: Stack) -> None:
    response = get(security_stack, {}, method="POST")
    assert response.status_code == 405 and "GET" in response.headers.get("Allow", "")


def test_the_cron_header_counts_only_on_app_engine(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only on App Engine (which removes the header from outside requests) is it trusted;
    and then only its exact value."""
    before = snapshot(stack)
    monkeypatch.setenv("GAE_APPLICATION", "s~local-project")
    for value in ("false", "1", "yes", ""):
        assert get(stack, {"X-Appengine-Cron": value}).status_code == 403, value
    assert snapshot(stack) == before
    assert get(stack, {"X-Appengine-Cron": "true"}).status_code == 200  # what App Engine cron sends


@pytest.fixture
def no_secret_stack() -> Iterator[Stack]:
    """An app configured with an empty RECONCILE_SECRET (as a blank variable in app.yaml)."""
    local = LocalStack(directory=tempfile.mkdtemp(prefix="meetbot-security-nosecret-"), auto_consent=True,
                       auth_mode="delegation", reconcile_interval=0, pubsub=False,
                       extra_env={"LOG_LEVEL": "CRITICAL", "RECONCILE_SECRET": ""}).start()
    try:
        yield Stack(local)
    finally:
        local.stop()


def test_an_empty_secret_accepts_nothing(no_secret_stack: Stack) -> None:
    stack = no_secret_stack
    alice = stack.person("Alice Anders")
    stack.say(stack.space(alice), alice, "/meet One")
    before = snapshot(stack)
    attempts = [{}, {"Authorization": "Bearer "}, {"Authorization": "Bearer"}, {"Authorization": "Bearer None"},
                {"Authorization": ""}, {"Authorization": "Bearer null"}, {"X-Appengine-Cron": "true"}]
    for headers in attempts:
        assert get(stack, headers).status_code == 403, headers
    # The same with the setting present but empty in the configuration object itself
    # (not only as the environment maps it): the view must not compare against "".
    bot = stack.local.app.extensions["meetbot"]
    stack.local.app.extensions["meetbot"] = dataclasses.replace(bot, config=dataclasses.replace(
        bot.config, reconcile_secret=""))
    try:
        for headers in attempts:
            assert get(stack, headers).status_code == 403, headers
    finally:
        stack.local.app.extensions["meetbot"] = bot
    assert snapshot(stack) == before
