"""The join card never goes backwards.

A sync that outlives its lease (a slow Meet read) finishes after a newer sync did, with
an older reading of Meet; a click's read races a sync's. Every drawing takes the card's
turn (``bot.card_publishing.publish_card``), so one drawn from an older reading is never
written over a newer one. The emulator keeps every body a message had, in the order Chat
applied them (``?revisions=true``), and the tests read the card's whole history.
"""

from __future__ import annotations

import random
import threading
from typing import Any, Iterator

import pytest

from bot.lifecycle.worker import SyncWorker
from cards import buttons
from tests.e2e.conftest import Stack
from tests.e2e.test_controls import click
from tests.e2e.test_lifecycle import Meeting, _lifecycle_stack, reconcile
from tests.support import wait_until

STATUS_RANK = {"Waiting for people to join": 0, "In progress": 1, "Ended": 2}


@pytest.fixture(scope="module")
def slow_meet_stack() -> Iterator[Stack]:
    # Generous timeouts: a delayed Meet read succeeds (late, with what Meet said when it
    # was asked) instead of timing out and being retried fresh.
    yield from _lifecycle_stack(pubsub=True, extra_env={"MEET_TIMEOUT_SECONDS": "10", "SYNC_LEASE_SECONDS": "12",
                                                        "SYNC_BUDGET_SECONDS": "20"})


def card_history(meeting: Meeting) -> list[int]:
    """The status rank of every body the join card had, oldest first."""
    messages = meeting.stack.control("GET", f"chat/spaces/{meeting.space['name'].split('/')[1]}/messages?revisions=true")
    card = next(m for m in messages["messages"] if m["name"] == meeting.card_name)
    return [status_rank(revision) for revision in card["revisions"]]


def status_rank(body: dict[str, Any]) -> int:
    for section in body["cardsV2"][0]["card"]["sections"]:
        for widget in section.get("widgets", []):
            text = widget.get("decoratedText") or {}
            if text.get("topLabel") == "Status":
                return next(rank for words, rank in STATUS_RANK.items() if f"<b>{words}</b>" in text["text"])
    raise AssertionError(f"no status on the card: {body}")


def assert_never_backwards(history: list[int]) -> None:
    assert history == sorted(history), f"the card went backwards: {history}"


def press_refresh(meeting: Meeting, user: dict[str, Any]) -> Any:
    record = meeting.stack.storage.meetings.get_meeting_by_card_message(meeting.card_name)
    assert record is not None and record.id is not None
    return click(meeting.stack, meeting.card_name, user, buttons.REFRESH, meeting=str(record.id))


def alice_in_the_call(stack: Stack) -> Meeting:
    """A fresh meeting, subscribed to its events, whose card shows Alice in the call."""
    stack.control("POST", "reset")
    meeting = Meeting(stack)
    wait_until(lambda: stack.control("GET", "events/subscriptions")["subscriptions"], what="a subscription")
    meeting.join(user=meeting.alice["name"])
    meeting.flush()
    wait_until(lambda: "In the call (1)" in meeting.card_text(), what="Alice in the call")
    return meeting


def participants_list_in_flight(stack: Stack) -> bool:
    return any(c["method"] == "conferenceRecords.participants.list" and not c["status"]
               for c in stack.control("GET", "calls")["calls"])


def test_a_sync_that_outlived_its_lease_does_not_undo_a_newer_card(slow_meet_stack: Stack) -> None:
    stack = slow_meet_stack
    meeting = alice_in_the_call(stack)

    # The next sync reads "a call is running", then waits 4 s for the participants...
    stack.fault("meet", "conferenceRecords.participants.list", delayMs=4000, times=1)
    meeting.join(user=meeting.bob["name"])
    meeting.flush()
    wait_until(lambda: participants_list_in_flight(stack), what="the slow sync to be waiting on Meet")
    # ...while the call ends and its lease runs out: the reconciler's sync draws "Ended".
    meeting.end()
    stack.control("POST", "clock", {"advanceSeconds": 30})
    reconcile(stack)
    assert "Ended" in meeting.card_text()
    assert participants_list_in_flight(stack), "the slow sync must still be waiting (raise its delay)"

    # The slow sync finishes with its older reading, which is not written.
    wait_until(lambda: not participants_list_in_flight(stack), timeout=10, what="the slow sync's read")
    meeting.flush()
    reconcile(stack)
    assert "Ended" in meeting.card_text()
    history = card_history(meeting)
    assert_never_backwards(history)
    assert history[-1] == STATUS_RANK["Ended"]


def test_concurrent_syncs_reconciles_and_clicks_never_move_a_card_backwards(slow_meet_stack: Stack) -> None:
    """Three meetings live through joins, leaves and the end while events are duplicated
    and shuffled, Meet reads are randomly slow, two more sync workers and a reconciler
    loop run alongside, people press Refresh, and the clock jumps past the syncs' leases."""
    stack = slow_meet_stack
    stack.control("POST", "reset")
    stack.control("POST", "pubsub", {"duplicates": 2, "shuffle": True})
    bot = stack.local.app.extensions["meetbot"]
    rng = random.Random(20261130)
    stop = threading.Event()
    failures: list[BaseException] = []

    def loop(step: Any) -> None:
        while not stop.is_set():
            try:
                step()
            except BaseException as error:  # noqa: BLE001 - reported by the test below
                failures.append(error)
                return

    workers = [SyncWorker(bot.services) for _ in range(2)]
    threads = [threading.Thread(target=loop, args=(lambda w=w: (w.run_once(debounce_seconds=0), stop.wait(0.02)),))
               for w in workers]
    threads.append(threading.Thread(target=loop, args=(lambda: (reconcile(stack), stop.wait(0.1)),)))
    try:
        meetings = [Meeting(stack, title=f"Stress {index}") for index in range(3)]
        wait_until(lambda: len(stack.control("GET", "events/subscriptions")["subscriptions"]) == 3,
                   what="three subscriptions")
        for thread in threads:
            thread.start()
        for round_ in range(4):
            for meeting in meetings:
                if rng.random() < 0.6:
                    stack.fault("meet", "conferenceRecords.participants.list", delayMs=rng.randint(200, 1500),
                                times=rng.randint(1, 3))
                who = [meeting.alice, meeting.bob, meeting.carol][round_ % 3]
                meeting.join(user=who["name"])
                if round_ % 2:
                    meeting.leave(user=who["name"])
                if rng.random() < 0.5:
                    press_refresh(meeting, who)
            stack.control("POST", "clock", {"advanceSeconds": 15})  # leases run out mid-sync
            meetings[0].flush()
        for meeting in meetings:
            meeting.end()
        meetings[0].flush()
        stack.control("POST", "clock", {"advanceSeconds": 15})
        for meeting in meetings:
            wait_until(lambda m=meeting: "Ended" in m.card_text(), timeout=60, what=f"{meeting.space['name']} ended")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        stack.control("POST", "pubsub", {"reset": True})
    assert not failures, failures
    for meeting in meetings:
        history = card_history(meeting)
        assert_never_backwards(history)
        assert history[-1] == STATUS_RANK["Ended"]
        assert len(history) >= 3, history  # it went through waiting, in progress and ended


# -- who is in the call, and Refresh --------------------------------------------------------
def meet_reads(stack: Stack) -> int:
    return len([c for c in stack.control("GET", "calls")["calls"] if c["api"] == "meet"])


def test_the_call_lists_people_in_the_order_they_joined_organizer_first(slow_meet_stack: Stack) -> None:
    stack = slow_meet_stack
    stack.control("POST", "reset")
    meeting = Meeting(stack)
    wait_until(lambda: stack.control("GET", "events/subscriptions")["subscriptions"], what="a subscription")
    for who in ({"user": meeting.carol["name"]}, {"phone": "+16505550123"}, {"user": meeting.alice["name"]},
                {"user": meeting.bob["name"]}):
        meeting.join(**who)
        stack.control("POST", "clock", {"advanceSeconds": 1})
    meeting.flush()
    wait_until(lambda: "In the call (4)" in meeting.card_text(), what="four in the call")
    text = meeting.card_text()
    order = [text.index(name) for name in ("Alice Anders", "Carol Chen", "Phone: ", "Bob Brown")]
    assert order == sorted(order), text  # Alice organises; the others as they came


def test_refresh_clicks_share_one_read_of_meet_and_say_when_nothing_changed(slow_meet_stack: Stack) -> None:
    stack = slow_meet_stack
    meeting = alice_in_the_call(stack)
    stack.control("POST", "pubsub", {"paused": True})  # only Refresh reads Meet from now on
    # Every event of the join has been synced (a pending one makes Refresh read Meet).
    stack.wait_for_syncs("no sync pending")
    try:
        # The sync just read Meet: Carol's and Bob's clicks read nothing more.
        reads = meet_reads(stack)
        for person in (meeting.carol, meeting.bob):
            answer = press_refresh(meeting, person)
            assert "Up to date" in str(answer), answer
        assert meet_reads(stack) == reads

        # Later, a click reads Meet again: nothing changed, and it says so.
        stack.control("POST", "clock", {"advanceSeconds": 10})
        answer = press_refresh(meeting, meeting.carol)
        assert "Up to date" in str(answer) and meet_reads(stack) > reads, answer

        # Something changed (no event told the app): the click redraws the card.
        meeting.join(user=meeting.bob["name"])
        stack.control("POST", "clock", {"advanceSeconds": 10})
        press_refresh(meeting, meeting.carol)
        assert "In the call (2)" in meeting.card_text()
    finally:
        stack.control("POST", "pubsub", {"reset": True})
