"""Limits on what one person can make the app do, end to end through the emulator.

* A burst of 40 simultaneous ``/meet`` from one person creates exactly the limit's 10
  meetings (the other 30 are told to slow down), on SQLite and on PostgreSQL; the limit
  is per minute of the app's clock (the emulator's, which tests move).
* Someone who never linked their account can type ``/meet`` as often as they like: one
  authorization waits per person and space, the newest, and linking carries out exactly
  that request.
"""

from __future__ import annotations

import tempfile
import threading
from typing import Any, Iterator

import pytest
import sqlalchemy as sa

from bot.storage.tables import pending_authorizations
from emulator.clock import parse_rfc3339
from local.stack import LocalStack
from tests.e2e.conftest import Stack
from tests.e2e.test_authorization import cards, prompts
from tests.postgres import PostgresServer, postgres_server  # noqa: F401 - a fixture
from tests.support import wait_until

BURST = 40
SLOW_DOWN = "wait a minute"


@pytest.fixture(scope="module")
def postgres_stack(request: pytest.FixtureRequest) -> Iterator[Stack]:
    server: PostgresServer = request.getfixturevalue("postgres_server")
    local = LocalStack(directory=tempfile.mkdtemp(prefix="meetbot-e2e-limits-pg-"), auto_consent=True,
                       database_url=server.create_database(), reconcile_interval=0,
                       extra_env={"MEET_TIMEOUT_SECONDS": "3", "SYNC_BUDGET_SECONDS": "8"}).start()
    try:
        yield Stack(local)
    finally:
        local.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_database_stack(request: pytest.FixtureRequest) -> Stack:
    chosen: Stack = request.getfixturevalue("classic_stack" if request.param == "sqlite" else "postgres_stack")
    chosen.control("POST", "reset")
    return chosen


def burst(stack: Stack, space: dict[str, Any], person: dict[str, Any], count: int) -> list[dict[str, Any] | None]:
    """``count`` people's worth of /meet from one person, sent at the same instant; the
    app's answers."""
    barrier = threading.Barrier(count)
    answers: list[dict[str, Any] | None] = [None] * count
    errors: list[BaseException] = []

    def send(n: int) -> None:
        try:
            barrier.wait()
            answers[n] = stack.say(space, person, f"/meet Burst {n}")["reply"]
        except BaseException as error:  # noqa: BLE001 - reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return answers


def test_a_burst_of_simultaneous_meets_creates_exactly_the_limit(any_database_stack: Stack) -> None:
    stack = any_database_stack
    alice, bob = stack.linked_person("Alice Anders"), stack.linked_person("Bob Brown")
    space = stack.space(alice, bob)
    limit = stack.local.config.rate_limit_meetings_per_minute
    assert limit == 10

    burst(stack, space, alice, BURST)

    # (What the emulator reports as each answer is unreliable here: for a command answered
    # through the API it reports any app message posted meanwhile. The space is the truth.)
    refused = [m for m in stack.app_messages(space) if SLOW_DOWN in m.get("text", "")]
    assert len(refused) == BURST - limit
    assert all(m["privateMessageViewer"]["name"] == alice["name"] for m in refused)
    assert len(stack.calls("spaces.create")) == limit
    # Chat takes one write a second in a space: the cards its quota held past an answer's
    # deadline are posted by the meetings' syncs ("it will appear here in a moment").
    wait_until(lambda: len(cards(stack, space)) >= limit, timeout=60, what="every join card")
    assert len(cards(stack, space)) == limit
    stack.say(space, bob, "/meet Bob's own")  # per person: Bob is not limited by Alice's burst
    assert len(cards(stack, space)) == limit + 1


def test_the_limit_is_per_minute_of_the_apps_clock(classic_stack: Stack) -> None:
    stack = classic_stack
    stack.control("POST", "reset")
    alice = stack.linked_person("Alice Anders")
    space = stack.space(alice)
    limit = stack.local.config.rate_limit_meetings_per_minute
    for n in range(limit):
        assert stack.say(space, alice, f"/meet Meeting {n}")["reply"]["cardsV2"]  # its join card
    # 59 s of the app's clock after the first of them (the ten took a while: their cards
    # are posted one a second, Chat's write quota in a space).
    first = parse_rfc3339(stack.calls("spaces.create")[0]["time"])
    stack.control("POST", "clock", {"advanceSeconds": 59 - (stack.state.clock.time() - first)})
    reply = stack.say(space, alice, "/meet Still too soon")["reply"]
    assert SLOW_DOWN in reply["text"] and reply["privateMessageViewer"]["name"] == alice["name"]
    assert len(cards(stack, space)) == limit
    stack.control("POST", "clock", {"advanceSeconds": 2})  # a minute and a second after the ten
    assert "A minute later" in str(stack.say(space, alice, "/meet A minute later")["reply"]["cardsV2"])
    assert len(cards(stack, space)) == limit + 1


def pending_of(stack: Stack, person: dict[str, Any]) -> list[sa.Row]:  # type: ignore[type-arg]
    with stack.storage.engine.connect() as connection:
        return list(connection.execute(sa.select(pending_authorizations)
                                       .where(pending_authorizations.c.user_name == person["name"])).all())


def test_an_unlinked_person_leaves_one_pending_request_per_space_and_the_newest_is_carried_out(
        classic_stack: Stack) -> None:
    stack = classic_stack
    stack.control("POST", "reset")
    mallory, alice = stack.person("Mallory Moe"), stack.linked_person("Alice Anders")
    space, other = stack.space(mallory, alice), stack.space(mallory)
    urls = [stack.prompt_url(stack.say(space, mallory, f"/meet Try {n}")) for n in range(60)]
    stack.prompt_url(stack.say(other, mallory, "/meet Elsewhere"))

    rows = pending_of(stack, mallory)
    assert sorted((row.chat_space, row.argument_text) for row in rows) == sorted([
        (other["name"], "Elsewhere"), (space["name"], "Try 59")])
    assert len(prompts(stack, space)) == 60  # each was answered (privately), none was stored twice

    stale = stack.follow(urls[0])  # an older link leads nowhere now
    assert stale.status_code == 400 and "replaced" in stale.text
    response = stack.follow(urls[-1])
    assert response.status_code == 200, response.text
    created = cards(stack, space)
    assert len(created) == 1 and "Try 59" in str(created[0]["cardsV2"])
    assert len(stack.calls("spaces.create")) == 1
    assert [(row.chat_space, row.argument_text) for row in pending_of(stack, mallory)] == [(other["name"], "Elsewhere")]
    assert cards(stack, other) == []
