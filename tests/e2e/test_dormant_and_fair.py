"""Meetings nobody uses stop costing, and the reconciler is fair, end to end.

The app lives in the emulator's time, so moving the emulator's clock (``POST
/_emulator/clock``) ages meetings and subscriptions. A meeting never started for a week
goes dormant: its card says so once, its subscription lapses, the reconciler stops
visiting it (no Google call at all), and Refresh, /meetrecent or a conference wakes it.
One person's hundreds of meetings cannot keep another's card from being caught up.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

import pytest

from bench.reconciler import seed_meetings
from domain import Meeting as StoredMeeting
from tests.e2e.conftest import Stack
from tests.e2e.test_controls import click
from tests.e2e.test_lifecycle import Meeting, _lifecycle_stack
from tests.e2e.test_lifecycle import reconcile as reconcile_once
from tests.support import wait_until

DAY = 24 * 3600


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    yield from _lifecycle_stack(pubsub=True)


def reconcile(stack: Stack) -> dict[str, Any]:
    """A reconciler pass, and then every sync it asked for done: the app's background
    worker may have taken some of them, and the tests move the emulator's clock next (a
    sync still running across a jump of days would read the clock on both sides of it)."""
    report = reconcile_once(stack)
    stack.wait_for_syncs("the pass's syncs done")
    return report


def stored(stack: Stack, meeting: Meeting) -> StoredMeeting:
    found = stack.storage.meetings.get_meeting_by_card_message(meeting.card_name)
    assert found is not None and found.id is not None
    return found


def subscriptions(stack: Stack, meeting: Meeting) -> list[dict[str, Any]]:
    """The meeting space's subscriptions as Google has them."""
    space = stored(stack, meeting).meet_space
    return [s for s in stack.control("GET", "events/subscriptions")["subscriptions"]
            if s["targetResource"].endswith(space)]


def subscribed(stack: Stack, meeting: Meeting) -> dict[str, Any]:
    """The meeting's subscription, once the sync that made it is over: Google has it as
    soon as subscriptions.create answered, the app records it just after (and renews only
    what it has recorded), and a clock moved on in the middle of that sync would be read
    by half of it."""
    first: dict[str, Any] = wait_until(lambda: subscriptions(stack, meeting), what="a subscription")[0]
    wait_until(lambda: stack.storage.subscriptions.get_subscription(first["name"])
               and stack.storage.sync_queue.meetings_needing_sync() == 0, what="the subscription recorded")
    return first


def card_edits(stack: Stack, meeting: Meeting) -> int:
    card_id = meeting.card_name.rsplit("/", 1)[1]
    return len([c for c in stack.calls("spaces.messages.update") if c["path"].endswith(card_id)])


def google_calls_about(stack: Stack, meeting: Meeting, subscription_names: set[str]) -> list[dict[str, Any]]:
    """Every Google call made with the organizer's credentials or about this meeting's
    Chat space, Meet space or subscriptions (token calls aside)."""
    space = stored(stack, meeting).meet_space
    marks = [meeting.space["name"], space, *subscription_names]
    return [c for c in stack.control("GET", "calls")["calls"] if c["api"] != "oauth2" and (
        c["principal"] == meeting.alice["email"] or any(m in c["path"] or m in json.dumps(c["query"]) for m in marks))]


def go_dormant(stack: Stack, meeting: Meeting) -> dict[str, Any]:
    """A week and a half of nobody starting the meeting, with the reconciler passing on
    the way (it renews the subscription at six and a half days); the subscription."""
    first = subscribed(stack, meeting)
    stack.control("POST", "clock", {"advanceSeconds": 6.5 * DAY})
    reconcile(stack)
    # Google's expiration reminder for it is pushed now, not after the next jump, when the
    # meeting (not yet dormant) would be renewed again by it.
    meeting.flush()
    renewed = stack.storage.subscriptions.get_subscription(first["name"])
    assert renewed is not None and renewed.expire_time.timestamp() > _expiry(first)  # still watched: renewed
    stack.control("POST", "clock", {"advanceSeconds": 1 * DAY})
    reconcile(stack)
    return first


def _expiry(subscription: dict[str, Any]) -> float:
    from bot.google.timestamps import parse_time

    moment = parse_time(subscription["expireTime"])
    assert moment is not None
    return moment.timestamp()


def test_a_meeting_nobody_starts_goes_dormant_once_stops_costing_and_refresh_wakes_it(stack: Stack) -> None:
    stack.control("POST", "reset")
    meeting = Meeting(stack)
    edits_at_start = card_edits(stack, meeting)
    subscription = go_dormant(stack, meeting)

    card = meeting.card_text()
    assert "Never started" in card and "join any time; press Refresh to see who is in" in card
    assert "Waiting for people to join" not in card
    assert card_edits(stack, meeting) == edits_at_start + 1  # the card was edited once
    assert stored(stack, meeting).dormant
    assert meeting.summaries() == []  # dormancy never posts a summary

    # Into the renewal margin, then past the expiry: Google's reminders arrive, passes run,
    # and nothing is asked of Google about this meeting; the subscription lapses.
    before = google_calls_about(stack, meeting, {subscription["name"]})
    stack.control("POST", "clock", {"advanceSeconds": 5.6 * DAY})
    meeting.flush()
    reconcile(stack)
    reconcile(stack)
    stack.control("POST", "clock", {"advanceSeconds": 1 * DAY})
    meeting.flush()
    reconcile(stack)
    assert google_calls_about(stack, meeting, {subscription["name"]}) == before
    assert subscriptions(stack, meeting) == []  # not renewed: Google let it expire
    assert card_edits(stack, meeting) == edits_at_start + 1 and "Never started" in meeting.card_text()
    assert meeting.summaries() == []

    # Refresh wakes it: the card is live again at once, and it is subscribed again.
    answer = click(stack, meeting.card_name, meeting.bob, "meeting_refresh", meeting=str(stored(stack, meeting).id))
    shown = json.dumps(answer)
    assert "Waiting for people to join" in shown and "Never started" not in shown, shown
    assert not stored(stack, meeting).dormant
    wait_until(lambda: subscriptions(stack, meeting), what="a new subscription")
    wait_until(lambda: "Waiting for people to join" in meeting.card_text(), what="the live card")
    meeting.join(user=meeting.alice["name"])
    meeting.flush()
    wait_until(lambda: "In the call (1)" in meeting.card_text(), what="the call on the card, through events")


def test_a_conference_wakes_a_dormant_meeting_and_its_summary_comes_as_usual(stack: Stack) -> None:
    stack.control("POST", "reset")
    meeting = Meeting(stack)
    go_dormant(stack, meeting)
    assert "Never started" in meeting.card_text()

    # The link still works: people join, Meet's event (the subscription still lasts) wakes it.
    meeting.join(user=meeting.alice["name"])
    meeting.join(user=meeting.bob["name"])
    meeting.flush()
    wait_until(lambda: "In the call (2)" in meeting.card_text(), what="the call on the card")
    # The sync draws the card first and records the wake-up after it: wait for the record.
    wait_until(lambda: not stored(stack, meeting).dormant, what="the meeting recorded awake")
    assert "Never started" not in meeting.card_text()
    meeting.end(recording=True)
    meeting.flush()
    wait_until(meeting.summaries, what="the summary")
    stack.control("POST", "clock", {"advanceSeconds": 600})
    meeting.flush()
    wait_until(lambda: "being prepared" not in json.dumps(meeting.summaries()), what="the recording's link")
    assert len(meeting.summaries()) == 1
    assert "Ended" in meeting.card_text()
    # Used: no longer a candidate for dormancy, however long it now sits.
    stack.control("POST", "clock", {"advanceSeconds": 8 * DAY})
    reconcile(stack)
    assert not stored(stack, meeting).dormant and "Never started" not in meeting.card_text()


def test_meetrecent_wakes_a_dormant_meeting_whose_subscription_lapsed(stack: Stack) -> None:
    stack.control("POST", "reset")
    meeting = Meeting(stack)
    subscribed(stack, meeting)
    stack.control("POST", "clock", {"advanceSeconds": 7.5 * DAY})  # no pass meanwhile: it expired
    reconcile(stack)
    assert stored(stack, meeting).dormant and "Never started" in meeting.card_text()
    assert subscriptions(stack, meeting) == []

    answer = stack.say(meeting.space, meeting.bob, "/meetrecent")
    assert "Weekly sync" in json.dumps(answer["reply"])
    wait_until(lambda: subscriptions(stack, meeting), what="subscribed again")
    wait_until(lambda: "Waiting for people to join" in meeting.card_text(), what="the live card")
    wait_until(lambda: not stored(stack, meeting).dormant, what="the meeting recorded awake")
    meeting.join(user=meeting.carol["name"])
    meeting.flush()
    wait_until(lambda: "In the call (1)" in meeting.card_text(), what="the call on the card, through events")


def test_one_persons_hundreds_of_meetings_do_not_starve_anothers(stack: Stack) -> None:
    """600 meetings by one person, made after another person's meeting whose call is
    running while Pub/Sub holds every event: that card is right within two passes."""
    stack.control("POST", "reset")
    meeting = Meeting(stack)
    subscribed(stack, meeting)
    stack.control("POST", "pubsub", {"paused": True})
    try:
        zed = stack.person("Zed Zimmer")
        team = stack.space(zed)
        seeded = seed_meetings(stack.local, [zed], team["name"], 600, created_at=stack.state.clock.now(),
                               title="Zed's")
        assert len(seeded) == 600
        meeting.join(user=meeting.alice["name"])
        meeting.join(user=meeting.bob["name"])

        first = reconcile(stack)
        second = reconcile(stack)
        assert "In the call (2)" in meeting.card_text(), (first, second)
        # Bounded: Zed's meetings are taken a share at a time, not all 600 in a pass.
        assert first["syncs_requested"] < 600 and second["syncs_requested"] < 600
    finally:
        stack.control("POST", "pubsub", {"reset": True})
