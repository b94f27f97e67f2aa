"""Chat's per-space quota (1 write per second per space), on in the emulator as at Google.

The app writes to one space more than once a second in ordinary use; each write takes
the space's next turn (bot.google.pacing), and a 429 is "try again shortly", never a
lost write: a background write refused for good this pass is made by the next one.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

import pytest

from emulator.state import Faults
from tests.e2e.conftest import Stack
from tests.e2e.test_lifecycle import Meeting, _lifecycle_stack, reconcile
from tests.support import wait_until

SPACE_WRITES = "chat.writes.per_space"


@pytest.fixture(scope="module")
def quota_stack() -> Iterator[Stack]:
    yield from _lifecycle_stack(pubsub=True)


@pytest.fixture
def stack(quota_stack: Stack) -> Iterator[Stack]:
    quota_stack.control("POST", "reset")
    active = {q["id"]: q["active"] for q in quota_stack.control("GET", "quotas")["quotas"]}
    assert active[SPACE_WRITES], "the emulator counts Chat's per-space writes by default"
    yield quota_stack
    quota_stack.state.faults = Faults()


def space_writes(stack: Stack, space: dict[str, Any]) -> list[dict[str, Any]]:
    prefix = f"/v1/{space['name']}/"
    return [c for c in stack.control("GET", "calls", None)["calls"]
            if c["api"] == "chat" and c["method"] in ("spaces.messages.create", "spaces.messages.update")
            and (c["path"].startswith(prefix) or c["path"] == f"/v1/{space['name']}/messages")]


def refused(stack: Stack, method: str) -> list[dict[str, Any]]:
    return [c for c in stack.calls(method) if c["status"] == 429]


def held_for_later(stack: Stack, meeting: Meeting) -> bool:
    """The meeting's sync failed for a passing reason: its request is kept (requested
    more often than done) and its claim held back for a while (a pause or a retry's lease)."""
    import sqlalchemy as sa

    from bot.storage.tables import meetings

    now = stack.local.app.extensions["meetbot"].services.clock()
    with stack.storage.engine.begin() as connection:
        row = connection.execute(sa.select(meetings.c.sync_requested, meetings.c.sync_done,
                                           meetings.c.sync_claimed_until, meetings.c.sync_failures)
                                 .where(meetings.c.chat_space == meeting.space["name"])).one()
    return row.sync_requested > row.sync_done and row.sync_failures >= 1 and \
        row.sync_claimed_until is not None and row.sync_claimed_until.replace(tzinfo=now.tzinfo) > now


def next_pass(stack: Stack) -> None:
    """Later: the pause a failed sync is held back for is over (the app's clock is the
    emulator's; a pause is under 60 s, and 31 s covers it after the first few failures)
    and the reconciler runs what is due."""
    stack.control("POST", "clock", {"advanceSeconds": 31})
    reconcile(stack)
    stack.control("POST", "pubsub/flush", {"timeoutSeconds": 10})


def ended_right(meeting: Meeting) -> bool:
    return "Ended" in meeting.card_text() and "In the call" not in meeting.card_text() and len(meeting.summaries()) == 1


def test_a_welcome_and_a_join_card_in_the_same_second_both_land(stack: Stack) -> None:
    alice = stack.person("Alice Anders")
    space = stack.space(alice)
    stack.control("POST", f"chat/spaces/{space['name'].split('/', 1)[1]}/remove-app", {"user": alice["name"]})

    stack.say(space, alice, "/meet Kickoff")  # adds the app: the welcome, then the card, in one answer

    texts = [m.get("text", "") for m in stack.app_messages(space)]
    cards = [m for m in stack.app_messages(space) if m.get("cardsV2")]
    assert sum(text.startswith("Thanks for adding me") for text in texts) == 2  # the first install's, and this one's
    assert len(cards) == 1 and cards[0]["cardsV2"][0]["card"]["header"]["title"] == "Kickoff"
    # Every write the app made there was accepted: the second waited for its turn.
    writes = space_writes(stack, space)
    assert len(writes) >= 2 and all(c["status"] == 200 for c in writes), writes


def test_a_card_edit_refused_for_the_quota_is_made_by_the_next_pass(stack: Stack) -> None:
    meeting = Meeting(stack)
    wait_until(lambda: stack.control("GET", "events/subscriptions")["subscriptions"], what="a subscription")
    stack.control("POST", "quotas", {"limits": {SPACE_WRITES: 0}})  # the space's writes are spent
    meeting.join(user=meeting.alice["name"])
    meeting.end()
    meeting.flush()
    wait_until(lambda: refused(stack, "spaces.messages.update"), what="Chat to refuse the card's edit")
    wait_until(lambda: held_for_later(stack, meeting), what="the sync to be kept for later")
    assert "Ended" not in meeting.card_text() and not meeting.summaries()

    stack.control("POST", "quotas", {"limits": {SPACE_WRITES: 1}})  # Chat's own limit again
    wait_until(lambda: next_pass(stack) or ended_right(meeting), timeout=60, what="the card to end, and a summary")
    creates = [c for c in stack.calls("spaces.messages.create") if "client-summary-" in c["path"] + json.dumps(c)]
    assert len([c for c in creates if c["status"] == 200]) == 1


def test_a_summary_post_refused_with_429_is_posted_exactly_once_later(stack: Stack) -> None:
    meeting = Meeting(stack)
    wait_until(lambda: stack.control("GET", "events/subscriptions")["subscriptions"], what="a subscription")
    meeting.join(user=meeting.alice["name"])
    meeting.flush()
    wait_until(lambda: "In the call (1)" in meeting.card_text(), what="Alice on the card")
    # Chat refuses every create for a while (a busy space: other apps writing in it).
    stack.fault("chat", "spaces.messages.create", status=429, times=10_000)
    meeting.end()
    meeting.flush()
    wait_until(lambda: refused(stack, "spaces.messages.create"), what="Chat to refuse the summary")
    wait_until(lambda: "Ended" in meeting.card_text(), what="the card to end (its edit is not refused)")
    wait_until(lambda: held_for_later(stack, meeting), what="the sync to be kept for later")
    assert not meeting.summaries()

    stack.state.faults = Faults()
    wait_until(lambda: next_pass(stack) or len(meeting.summaries()) == 1, timeout=60, what="the summary")
    next_pass(stack)  # one more pass posts nothing more
    assert len(meeting.summaries()) == 1
    creates = [c for c in stack.calls("spaces.messages.create") if "client-summary-" in json.dumps(c)]
    assert len([c for c in creates if c["status"] == 200]) == 1 and len(creates) > 1
