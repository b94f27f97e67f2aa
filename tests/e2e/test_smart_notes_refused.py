"""A project that may not subscribe to smart notes' (Developer Preview) events still works.

The emulator refuses ``google.workspace.meet.smartNote.v2.fileGenerated`` as Google refuses
a preview type to a project outside the Developer Preview Program. Subscriptions are then
made without it (said once in the log, not once per meeting), and the reconciler brings
the smart notes into the summary from the Meet REST API.
"""

from __future__ import annotations

import json
import logging
from typing import Iterator

import pytest

from tests.e2e.conftest import Stack
from tests.e2e.test_lifecycle import Meeting, _lifecycle_stack, reconcile
from tests.support import wait_until

SMART_NOTE = "google.workspace.meet.smartNote.v2.fileGenerated"


@pytest.fixture(scope="module")
def refusing_stack() -> Iterator[Stack]:
    # Its own app: what a process learnt about smart notes is part of the app's state.
    yield from _lifecycle_stack(pubsub=True)


def subscription_of(stack: Stack, meeting: Meeting) -> dict:  # type: ignore[type-arg]
    space = stack.control("GET", f"meet/spaces/{meeting.code}")["name"]
    found = [s for s in stack.control("GET", "events/subscriptions")["subscriptions"]
             if s["targetResource"] == f"//meet.googleapis.com/{space}"]
    return found[0] if found else {}


def test_subscriptions_go_on_without_smart_notes_and_the_reconciler_brings_them(
        refusing_stack: Stack, caplog: pytest.LogCaptureFixture) -> None:
    stack = refusing_stack
    stack.control("POST", "events/settings", {"refusedEventTypes": [SMART_NOTE]})
    caplog.set_level(logging.WARNING, logger="bot.google.workspace_events")

    first = Meeting(stack, "Planning")
    wait_until(lambda: subscription_of(stack, first), what="the first meeting's subscription")
    types = subscription_of(stack, first)["eventTypes"]
    assert SMART_NOTE not in types and "google.workspace.meet.conference.v2.ended" in types
    creates = stack.calls("subscriptions.create")
    assert [c["status"] for c in creates] == [403, 200]  # refused with smart notes, made without

    second = Meeting(stack, "Retro")
    wait_until(lambda: subscription_of(stack, second), what="the second meeting's subscription")
    assert SMART_NOTE not in subscription_of(stack, second)["eventTypes"]
    # Learnt once: the second meeting's subscription took one call, and the log said it once.
    assert [c["status"] for c in stack.calls("subscriptions.create")] == [403, 200, 200]
    said = [r for r in caplog.records if "smart notes" in r.getMessage()]
    assert len(said) == 1 and said[0].levelno == logging.WARNING

    # A call whose only file is smart notes: no event will ever say they are ready.
    first.join(user=first.alice["name"])
    first.flush()
    wait_until(lambda: "In the call (1)" in first.card_text(), what="Alice in the call")
    first.end(smartNotes=True)
    first.flush()
    wait_until(first.summaries, what="the summary")
    stack.control("POST", "clock", {"advanceSeconds": 600})  # Meet finishes the smart notes
    first.flush()
    assert stack.control("GET", f"pubsub/messages?type={SMART_NOTE}")["messages"] == []
    reconcile(stack)
    wait_until(lambda: "being prepared" not in json.dumps(first.summaries()), what="smart notes in the summary")
    summaries = first.summaries()
    assert len(summaries) == 1 and "docs.google.com" in json.dumps(summaries[0]["cardsV2"])


def test_a_refusal_for_another_reason_is_raised_and_smart_notes_stay_in(emulator) -> None:  # type: ignore[no-untyped-def]
    """Refused without smart notes too, the request's other parts were the problem: that
    answer is raised and nothing is learnt, so the next subscription still asks for them."""
    from bot.google.errors import FailureKind, GoogleApiError
    from bot.google.workspace_events import EventsGateway
    from tests.support import MEET_SCOPE

    emulator.add_user("alice@example.com")
    emulator.add_user("mallory@example.com")
    alice = emulator.authorize("alice@example.com", scopes=[MEET_SCOPE])
    mallory = emulator.authorize("mallory@example.com", scopes=[MEET_SCOPE])
    space = emulator.meet(alice).spaces().create(body={}).execute()["name"]
    gateway = EventsGateway(emulator.url, budget_seconds=5)
    topic = "projects/local-project/topics/meet-events"
    with pytest.raises(GoogleApiError) as refused:
        gateway.subscribe(mallory, space, topic, 3600)  # she cannot see Alice's space
    assert refused.value.kind is FailureKind.PERMISSION and not gateway.smart_notes_refused
    creates = [c for c in emulator.calls("workspaceevents") if c["method"] == "subscriptions.create"]
    assert [c["status"] for c in creates] == [403, 403]  # asked as is, then without smart notes
    subscribed = gateway.subscribe(alice, space, topic, 3600)
    assert subscribed is not None and SMART_NOTE in subscribed.event_types
