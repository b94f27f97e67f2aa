"""Faults on the Workspace Events calls that keep a meeting's subscription alive, and
Pub/Sub redelivery of events whose handling failed.

Proven here, on the delegation stack with the emulator's real Pub/Sub push, and with
time moved by the emulator's clock (the app lives in it), never by sleeping:

* ``subscriptions.patch`` (the reconciler's renewal), ``subscriptions.reactivate`` and
  ``subscriptions.get`` (what a lifecycle event reads first) are each put through 429,
  500, 503 and a stall past the timeout.
* A renewal that fails in one reconcile pass is retried with backoff inside the call,
  then reported for that subscription only; the app's record is unchanged and the rest
  of the pass still runs. The next pass renews it: the expireTime moves forward at the
  emulator and in the app's record.
* A suspended subscription whose reactivation fails (in the lifecycle event, then in a
  reconcile pass) is reactivated by the first pass after the outage, and Meet events
  flow again. A reactivation that stalled but landed at Google is recognised as done
  by the next pass (Google refuses to reactivate an active subscription: the app reads
  the subscription instead of reporting a failure).
* A lifecycle event (``expirationReminder``, ``suspended``) whose ``subscriptions.get``
  fails is answered with an error, so Pub/Sub redelivers it (``deliveryAttempt`` counts
  up); the redelivery does the work exactly once (one successful renewal), and a
  duplicate after success does nothing (no Google call at all).
* A suspension only the organizer can cure asks them once, privately, across a failed
  delivery and reconcile passes whose reactivation keeps failing; a prompt whose post
  stalls is not posted twice (it carries a request id) and a prompt whose post failed
  is asked again by the next pass.
* A Meet event whose handling fails (the database away for a moment) is answered 500
  and redelivered; the card and the summary still end up exactly once.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from datetime import datetime
from typing import Any, Iterator

import pytest
import requests

from local.stack import PUSH_PATH, PUSH_SERVICE_ACCOUNT
from bot.storage.errors import StorageUnavailableError
from emulator.clock import parse_rfc3339
from emulator.signing import GOOGLE_SIGNER
from tests.e2e.conftest import Stack
from tests.e2e.test_lifecycle import Meeting
from tests.support import wait_until

from .conftest import FAULTS, OUTAGE, after_stalls, arm, calls_in_flight, clear_faults, reconcile, start_stack, statuses

KINDS = list(FAULTS)
EVENTS = "workspaceevents"
KIND_OF_FAILURE = {"429": "quota", "500": "unavailable", "503": "unavailable", "stall": "timeout"}
HOUR = 3600
# Inside the reconciler's renewal margin (13 h before expiry), before the 12 h reminder.
INTO_RENEWAL_MARGIN = 7 * 24 * HOUR - 12.5 * HOUR
# Past the 12 h expirationReminder (not yet the 1 h one).
PAST_FIRST_REMINDER = 7 * 24 * HOUR - 11.5 * HOUR
REMINDER = "google.workspace.events.subscription.v1.expirationReminder"
SUSPENDED = "google.workspace.events.subscription.v1.suspended"


@pytest.fixture(scope="module")
def subscriptions_stack() -> Iterator[Stack]:
    """A stack of this module's own: its tests move the clock by days, and every meeting
    earlier suites left in a shared stack's database would then be renewed and synced by
    each reconcile pass, against an emulator that was reset since."""
    stack = start_stack(auth_mode="delegation")
    try:
        yield stack
    finally:
        stack.local.stop()


@pytest.fixture
def events(subscriptions_stack: Stack) -> Iterator[Stack]:
    """A fresh emulator, Pub/Sub's redelivery backoff scaled down (10 s -> 50 ms)."""
    stack = subscriptions_stack
    stack.control("POST", "reset")
    stack.control("POST", "pubsub", {"minBackoffSeconds": 0.05, "maxBackoffSeconds": 0.3})
    yield stack
    clear_faults(stack)
    stack.control("POST", "pubsub", {"reset": True})


# -- helpers ---------------------------------------------------------------------------------
def subscribed(stack: Stack) -> tuple[Meeting, dict[str, Any]]:
    meeting = Meeting(stack)
    first = wait_until(lambda: stack.control("GET", "events/subscriptions")["subscriptions"], what="a subscription")[0]
    wait_until(lambda: stack.storage.subscriptions.get_subscription(first["name"]), what="the app to record it")
    return meeting, first


def at_emulator(stack: Stack, name: str) -> dict[str, Any] | None:
    found = [s for s in stack.control("GET", "events/subscriptions")["subscriptions"] if s["name"] == name]
    return found[0] if found else None


def expire_of(stack: Stack, name: str) -> float:
    current = at_emulator(stack, name)
    assert current is not None, f"{name} is gone at the emulator"
    return parse_rfc3339(current["expireTime"])


def epoch(moment: datetime) -> float:
    from datetime import timezone

    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def record_of(stack: Stack, name: str) -> Any:
    record = stack.storage.subscriptions.get_subscription(name)
    assert record is not None
    return record


def errors_for(report: dict[str, Any], name: str) -> list[str]:
    # The app's database outlives the emulator's resets: older tests' records show up too.
    return [e for e in report["errors"] if e.startswith(name + ":")]


def deliveries(stack: Stack, ce_type: str) -> list[dict[str, Any]]:
    return [d for d in stack.control("GET", "pubsub")["deliveries"] if d["ceType"] == ce_type]


def nacked(stack: Stack, ce_type: str) -> list[dict[str, Any]]:
    return [d for d in deliveries(stack, ce_type) if d["outcome"] != "acked"]


def flush(stack: Stack) -> None:
    assert stack.control("POST", "pubsub/flush", {"timeoutSeconds": 20})["idle"], "Pub/Sub did not settle"


def assert_redelivered_until_acked(stack: Stack, ce_type: str) -> dict[str, Any]:
    """One event, pushed until the app acknowledged it: attempts 1, 2, … with errors, then a 204."""
    attempts = deliveries(stack, ce_type)
    assert len({d["ceId"] for d in attempts}) == 1, attempts
    assert [d["deliveryAttempt"] for d in attempts] == list(range(1, len(attempts) + 1)), attempts
    assert len(attempts) >= 2, attempts
    assert all(d["status"] == 500 and d["outcome"] == "nacked" for d in attempts[:-1]), attempts
    assert attempts[-1]["status"] == 204 and attempts[-1]["outcome"] == "acked", attempts
    return attempts[-1]


def push_again(stack: Stack, ce_type: str) -> int:
    """Pub/Sub delivers an already acknowledged message once more (at-least-once)."""
    message = stack.control("GET", f"pubsub/messages?type={ce_type}")["messages"][-1]
    url = stack.local.app_url + PUSH_PATH
    now = int(time.time())
    token = stack.state.keys.key_for(GOOGLE_SIGNER).sign({
        "iss": "https://accounts.google.com", "aud": url, "email": PUSH_SERVICE_ACCOUNT, "email_verified": True,
        "iat": now, "exp": now + 600, "sub": "1"})
    envelope = {"message": {"attributes": message["attributes"], "messageId": message["messageId"],
                            "data": base64.b64encode(json.dumps(message["data"]).encode()).decode()},
                "subscription": "projects/local-project/subscriptions/duplicate", "deliveryAttempt": 1}
    return requests.post(url, json=envelope, headers={"Authorization": f"Bearer {token}"}, timeout=30).status_code


def google_calls(stack: Stack, name: str) -> int:
    """Workspace Events calls about one subscription."""
    return len([c for c in stack.control("GET", "calls")["calls"] if c["api"] == EVENTS and name in c["path"]])


def prompts(meeting: Meeting) -> list[dict[str, Any]]:
    return [m for m in meeting.app_messages() if "live updates" in m.get("text", "")]


# -- subscriptions.patch: the renewal ---------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_a_failed_renewal_is_renewed_by_the_next_pass(events: Stack, kind: str) -> None:
    stack = events
    meeting, first = subscribed(stack)
    name = first["name"]
    stack.control("POST", "clock", {"advanceSeconds": INTO_RENEWAL_MARGIN})
    before, expire_before = record_of(stack, name), expire_of(stack, name)
    messages_before = len(meeting.app_messages())

    arm(stack, EVENTS, "subscriptions.patch", kind, times=OUTAGE)
    failed = reconcile(stack)
    assert errors_for(failed, name) == [f"{name}: {KIND_OF_FAILURE[kind]}"], failed
    seen = statuses(stack, EVENTS, "subscriptions.patch")
    assert len(seen) >= 2, f"retried with backoff inside the pass: {seen}"
    if kind != "stall":
        assert set(seen) == {int(kind)}, seen
        assert expire_of(stack, name) == expire_before  # nothing happened at Google
    assert record_of(stack, name) == before, "a failed renewal changes nothing in the app's record"
    assert len(meeting.app_messages()) == messages_before  # and nothing was posted

    clear_faults(stack)
    stack.control("POST", "clock", {"advanceSeconds": 60})
    calls_before = len(seen)
    renewed = reconcile(stack)
    assert errors_for(renewed, name) == [] and renewed["renewed"] >= 1, renewed
    assert statuses(stack, EVENTS, "subscriptions.patch")[calls_before:][-1] == 200
    expire_after = expire_of(stack, name)
    assert expire_after > expire_before + 12 * HOUR, "renewed for another week"
    after = record_of(stack, name)
    assert after.state == "ACTIVE" and abs(epoch(after.expire_time) - expire_after) < 1
    assert len(meeting.app_messages()) == messages_before


# -- subscriptions.reactivate ------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_a_failed_reactivation_is_reactivated_by_a_later_pass(events: Stack, kind: str) -> None:
    stack = events
    meeting, first = subscribed(stack)
    name = first["name"]
    arm(stack, EVENTS, "subscriptions.reactivate", kind, times=OUTAGE)
    stack.control("POST", "events/suspend", {"subscription": name, "reason": "ENDPOINT_NOT_FOUND"})
    flush(stack)
    # The lifecycle event read the subscription and tried to reactivate it: that failed,
    # the event is acknowledged all the same (the reconciler takes over).
    [suspended] = deliveries(stack, SUSPENDED)
    assert suspended["status"] == 204 and suspended["deliveryAttempt"] == 1, suspended
    assert record_of(stack, name).state == "SUSPENDED"
    assert len(statuses(stack, EVENTS, "subscriptions.reactivate")) >= 2
    if kind != "stall":
        assert set(statuses(stack, EVENTS, "subscriptions.reactivate")) == {int(kind)}
        assert at_emulator(stack, name)["state"] == "SUSPENDED"  # type: ignore[index]

    failed = reconcile(stack)  # still failing
    assert errors_for(failed, name) == [f"{name}: {KIND_OF_FAILURE[kind]}"], failed
    if kind != "stall":  # (a stalled reactivation lands at Google late: the pass's sync then sees it active)
        assert record_of(stack, name).state == "SUSPENDED"

    clear_faults(stack)
    recovered = reconcile(stack)
    # (After a stall, the reactivation had landed: Google refuses a second one, and the app
    # must recognise the subscription as active rather than report a failure.)
    assert errors_for(recovered, name) == [], recovered
    assert record_of(stack, name).state == "ACTIVE"
    assert at_emulator(stack, name)["state"] == "ACTIVE"  # type: ignore[index]

    # Live again: a join reaches the app as an event and the card shows it.
    meeting.join(user=meeting.alice["name"])
    flush(stack)
    joined = [m for m in stack.control("GET", "pubsub/messages?type=google.workspace.meet.participant.v2.joined")[
        "messages"] if m["attributes"]["ce-source"].endswith(name)]
    assert joined, "the reactivated subscription delivers Meet events again"
    wait_until(lambda: "In the call (1)" in meeting.card_text(), what="Alice in the call")


# -- subscriptions.get in a lifecycle event: Pub/Sub redelivery ----------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_a_reminder_whose_read_fails_is_redelivered_and_renews_once(events: Stack, kind: str) -> None:
    stack = events
    meeting, first = subscribed(stack)
    name = first["name"]
    expire_before = expire_of(stack, name)
    arm(stack, EVENTS, "subscriptions.get", kind, times=OUTAGE)
    stack.control("POST", "clock", {"advanceSeconds": PAST_FIRST_REMINDER})  # the 12 h reminder falls
    wait_until(lambda: nacked(stack, REMINDER), timeout=15, what="a failed delivery of the reminder")
    assert statuses(stack, EVENTS, "subscriptions.patch") == [], "nothing is done before the read succeeds"
    assert record_of(stack, name).expire_time is not None and expire_of(stack, name) == expire_before

    clear_faults(stack)
    flush(stack)
    last = assert_redelivered_until_acked(stack, REMINDER)
    got = statuses(stack, EVENTS, "subscriptions.get")
    if kind != "stall":
        assert int(kind) in got, got
    assert got[-1] == 200, got
    assert statuses(stack, EVENTS, "subscriptions.patch") == [200], "renewed exactly once"
    expire_after = expire_of(stack, name)
    assert expire_after > expire_before + 12 * HOUR
    assert abs(epoch(record_of(stack, name).expire_time) - expire_after) < 1

    # The same message once more, after it was acknowledged: nothing at all happens.
    calls = google_calls(stack, name)
    assert push_again(stack, REMINDER) == 204
    assert google_calls(stack, name) == calls, "a duplicate made Google calls"
    assert expire_of(stack, name) == expire_after
    assert last["ceId"] == deliveries(stack, REMINDER)[-1]["ceId"]


@pytest.mark.parametrize("get_kind,reactivate_kind", [("503", "429")])
def test_a_suspension_only_the_organizer_can_cure_asks_once_across_failures(events: Stack, get_kind: str,
                                                                          reactivate_kind: str) -> None:
    stack = events
    meeting, first = subscribed(stack)
    name = first["name"]
    arm(stack, EVENTS, "subscriptions.get", get_kind, times=OUTAGE)
    stack.control("POST", "events/suspend", {"subscription": name, "reason": "USER_SCOPE_REVOKED"})
    wait_until(lambda: nacked(stack, SUSPENDED), timeout=15, what="a failed delivery of the suspension")
    assert prompts(meeting) == [] and record_of(stack, name).state == "ACTIVE"

    clear_faults(stack)
    arm(stack, EVENTS, "subscriptions.reactivate", reactivate_kind, times=OUTAGE)
    flush(stack)
    assert_redelivered_until_acked(stack, SUSPENDED)
    wait_until(lambda: prompts(meeting), what="the organizer's prompt")
    assert record_of(stack, name).state == "AWAITING_ORGANIZER"
    for _ in range(2):  # passes while reactivation keeps failing: quiet
        reconcile(stack)
    assert statuses(stack, EVENTS, "subscriptions.reactivate"), "the passes did try"
    assert push_again(stack, SUSPENDED) == 204  # and a duplicate of the event changes nothing
    assert len(prompts(meeting)) == 1

    clear_faults(stack)
    reconcile(stack)  # the organizer fixed it (here: the cause is gone): reactivated, no prompt
    assert record_of(stack, name).state == "ACTIVE"
    assert at_emulator(stack, name)["state"] == "ACTIVE"  # type: ignore[index]
    [prompt] = prompts(meeting)
    assert prompt["privateMessageViewer"]["name"] == meeting.alice["name"]
    assert prompt["thread"]["name"] == meeting.card()["thread"]["name"]


@pytest.mark.parametrize("kind", ["stall", "503"])
def test_the_organizers_prompt_survives_a_failing_post_exactly_once(events: Stack, kind: str) -> None:
    """The prompt is a Chat post: a stalled one that lands late is not posted again, and
    one that failed is posted by the next pass."""
    stack = events
    meeting, first = subscribed(stack)
    name = first["name"]
    arm(stack, "chat", "spaces.messages.create", kind, times=OUTAGE)
    stack.control("POST", "events/suspend", {"subscription": name, "reason": "USER_AUTHORIZATION_FAILURE"})
    flush(stack)
    assert [d["status"] for d in deliveries(stack, SUSPENDED)] == [204]
    posts = statuses(stack, "chat", "spaces.messages.create")
    assert len(posts) >= 2, posts  # retried inside the call
    assert record_of(stack, name).state == "SUSPENDED", "not marked as asked while the post failed"
    clear_faults(stack)
    if kind == "stall":
        after_stalls(stack)  # the stalled post lands at Chat, in its own (real) time
    retried = reconcile(stack)
    assert errors_for(retried, name) == []
    assert len(prompts(meeting)) == 1, [m["name"] for m in prompts(meeting)]
    assert record_of(stack, name).state != "ACTIVE"
    reconcile(stack)  # (the cause is gone at the emulator: this pass reactivates, quietly)
    assert len(prompts(meeting)) == 1
    assert record_of(stack, name).state == "ACTIVE"




def test_a_stalled_reactivation_that_landed_is_recognised_by_the_next_pass(events: Stack) -> None:
    """For a meeting over and summarised a day ago no sync runs any more, so only the
    reconciler can set the record straight: Google refuses to reactivate an active
    subscription (400), and the app reads it instead of failing at every pass."""
    stack = events
    meeting, first = subscribed(stack)
    name = first["name"]
    meeting.join(user=meeting.alice["name"])
    meeting.end()
    flush(stack)
    wait_until(lambda: meeting.summaries() and "Ended" in meeting.card_text(), what="the summary")
    stack.control("POST", "clock", {"advanceSeconds": 25 * HOUR})
    arm(stack, EVENTS, "subscriptions.reactivate", "stall", times=OUTAGE)
    stack.control("POST", "events/suspend", {"subscription": name, "reason": "ENDPOINT_NOT_FOUND"})
    flush(stack)
    clear_faults(stack)
    after_stalls(stack)  # the stalled reactivation lands at Google, in its own (real) time
    assert at_emulator(stack, name)["state"] == "ACTIVE"  # type: ignore[index]
    assert record_of(stack, name).state == "SUSPENDED"

    report = reconcile(stack)
    assert errors_for(report, name) == [], report
    assert statuses(stack, EVENTS, "subscriptions.reactivate")[-1] == 400  # "it is not suspended"
    assert record_of(stack, name).state == "ACTIVE"
    calls = google_calls(stack, name)
    reconcile(stack)
    assert google_calls(stack, name) == calls, "the next pass has nothing to do for it"


# -- a Meet event whose handling fails ------------------------------------------------------------
JOINED = "google.workspace.meet.participant.v2.joined"
ENDED = "google.workspace.meet.conference.v2.ended"


def test_a_meet_event_whose_handling_fails_is_redelivered_and_acted_on_once(
        events: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    """The database is away while the first delivery of one event is handled: the
    handler's one transaction (claim the event, request the sync) fails, nothing of it
    is kept, and the answer is 500; Pub/Sub's redelivery is then acted on."""
    import bot.pipeline.pushes as pubsub_view

    stack = events
    meeting, _ = subscribed(stack)
    storage = stack.storage
    real_take, real_handle_event = storage.sync_queue.take_meet_event, pubsub_view.handle_event
    to_fail = {JOINED, ENDED}  # the first delivery of each of these fails
    failing = threading.local()

    def take_meet_event(event_id: str, **where: Any) -> str:
        if getattr(failing, "now", False):
            raise StorageUnavailableError("the database is away for a moment")
        return real_take(event_id, **where)

    def handle_event(services: Any, worker: Any, event: Any) -> str:
        failing.now = event.type in to_fail
        to_fail.discard(event.type)
        try:
            return real_handle_event(services, worker, event)
        finally:
            failing.now = False

    monkeypatch.setattr(storage.sync_queue, "take_meet_event", take_meet_event)
    monkeypatch.setattr(pubsub_view, "handle_event", handle_event)

    meeting.join(user=meeting.alice["name"])
    flush(stack)
    assert [(d["deliveryAttempt"], d["status"]) for d in deliveries(stack, JOINED)] == [(1, 500), (2, 204)]
    wait_until(lambda: "In the call (1)" in meeting.card_text(), what="Alice in the call")

    meeting.end()
    flush(stack)
    assert [(d["deliveryAttempt"], d["status"]) for d in deliveries(stack, ENDED)] == [(1, 500), (2, 204)]
    wait_until(lambda: meeting.summaries() and "Ended" in meeting.card_text(), what="the summary")
    assert push_again(stack, ENDED) == 204  # a duplicate after success: claimed already
    flush(stack)
    # The app answered the duplicate already; had it asked for a sync, that sync is done
    # (and any summary it posted is there) once none is pending and no call is in flight.
    wait_until(lambda: stack.storage.sync_queue.meetings_needing_sync() == 0 and not calls_in_flight(stack),
               what="the app to have done whatever the duplicate asked of it")
    assert len(meeting.summaries()) == 1
    creates = [c for c in stack.calls("spaces.messages.create") if "client-summary-" in json.dumps(c)]
    assert len([c for c in creates if c["status"] == 200]) == 1
    cards = [m for m in meeting.app_messages() if (m.get("cardsV2") or [{}])[0].get("cardId") == "meeting"]
    assert len(cards) == 1 and "Ended" in meeting.card_text()
