"""The meeting lifecycle end to end: live card edits and exactly one complete summary.

Real HTTP all the way: the emulator's Meet produces events, its Workspace Events and
Pub/Sub push them (signed) to the app, the app reads Meet and edits Chat.
"""

from __future__ import annotations

import base64
import json
import tempfile
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import pytest

from bot.lifecycle.worker import SyncWorker
from local.stack import LocalStack
from tests.e2e.conftest import Stack
from tests.support import wait_until

RECONCILE_SECRET = "test-reconcile-secret-R8tY2wE6uI0oP4aS"


def _lifecycle_stack(pubsub: bool, database_url: str | None = None,
                     extra_env: dict[str, str] | None = None) -> Iterator[Stack]:
    directory = tempfile.mkdtemp(prefix="meetbot-lifecycle-")
    local = LocalStack(directory=directory, auto_consent=True, pubsub=pubsub, reconcile_interval=0,
                       database_url=database_url,
                       extra_env={"AUTH_MODE": "delegation", "SYNC_DEBOUNCE_SECONDS": "0.1",
                                  "RECONCILE_SECRET": RECONCILE_SECRET, "MEET_TIMEOUT_SECONDS": "2",
                                  "SYNC_BUDGET_SECONDS": "5", "SYNC_LEASE_SECONDS": "3", **(extra_env or {})}).start()
    try:
        yield Stack(local)
    finally:
        local.stop()


@pytest.fixture(scope="module")
def events_stack() -> Iterator[Stack]:
    yield from _lifecycle_stack(pubsub=True)


@pytest.fixture(scope="module")
def polling_stack() -> Iterator[Stack]:
    yield from _lifecycle_stack(pubsub=False)


class Meeting:
    """A meeting created with /meet in a fresh space, and ways to look at it."""

    def __init__(self, stack: Stack, title: str = "Weekly sync") -> None:
        self.stack = stack
        self.alice, self.bob, self.carol = (stack.person(n) for n in ("Alice Anders", "Bob Brown", "Carol Chen"))
        self.space = stack.space(self.alice, self.bob, self.carol)
        stack.say(self.space, self.alice, f"/meet {title}")
        self.card_name = self.card()["name"]
        self.code = self.card()["clientAssignedMessageId"][len("client-meet-"):]

    def app_messages(self) -> list[dict[str, Any]]:
        return self.stack.app_messages(self.space)

    def card(self) -> dict[str, Any]:
        return next(m for m in self.app_messages() if (m.get("cardsV2") or [{}])[0].get("cardId") == "meeting")

    def summaries(self) -> list[dict[str, Any]]:
        return [m for m in self.app_messages() if (m.get("cardsV2") or [{}])[0].get("cardId") == "summary"]

    def card_text(self) -> str:
        return json.dumps(self.card()["cardsV2"])

    def join(self, **who: Any) -> None:
        self.stack.control("POST", "meet/join", {"space": self.code, **who})

    def leave(self, **who: Any) -> None:
        self.stack.control("POST", "meet/leave", {"space": self.code, **who})

    def end(self, **artifacts: Any) -> None:
        self.stack.control("POST", "meet/end", {"space": self.code, **artifacts})

    def flush(self) -> None:
        self.stack.control("POST", "pubsub/flush", {"timeoutSeconds": 10})


def reconcile(stack: Stack) -> dict[str, Any]:
    import requests

    response = requests.get(stack.local.app_url + "/tasks/reconcile",
                            headers={"Authorization": f"Bearer {RECONCILE_SECRET}"}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def run_whole_meeting(meeting: Meeting, wait: Callable[[], None]) -> None:
    """Join, leave, end with artifacts, files generated; ``wait`` lets the app catch up."""
    meeting.join(user=meeting.alice["name"])
    meeting.join(user=meeting.bob["name"])
    meeting.join(phone="+16505550123")
    wait()
    wait_until(lambda: "In the call (3)" in meeting.card_text(), what="three people in the call")
    meeting.leave(user=meeting.bob["name"])
    wait()
    wait_until(lambda: "In the call (2)" in meeting.card_text(), what="Bob gone from the card")
    meeting.end(recording=True, transcript=[{"user": meeting.alice["name"], "text": "Hello"}])
    wait()
    wait_until(meeting.summaries, what="the summary")
    meeting.stack.control("POST", "clock", {"advanceSeconds": 600})
    wait()
    wait_until(lambda: "being prepared" not in json.dumps(meeting.summaries()), what="artifact links")


def assert_final_state(meeting: Meeting) -> None:
    card = meeting.card_text()
    assert "Ended" in card and "In the call" not in card
    summaries = meeting.summaries()
    assert len(summaries) == 1, [s["name"] for s in summaries]
    summary = json.dumps(summaries[0]["cardsV2"])
    assert "Alice Anders" in summary and "Bob Brown" in summary and "Phone" in summary
    assert "Carol Chen" in summary  # a member who did not join
    assert "drive.google.com" in summary and "docs.google.com" in summary
    assert summaries[0]["thread"]["name"] == meeting.card()["thread"]["name"]  # in the meeting's thread
    # Exactly one summary was ever created (a second create would be a 409 or a new message).
    creates = [c for c in meeting.stack.calls("spaces.messages.create") if "client-summary-" in json.dumps(c)]
    assert len([c for c in creates if c["status"] == 200]) == 1


def test_events_keep_the_card_live_and_post_one_complete_summary(events_stack: Stack) -> None:
    events_stack.control("POST", "reset")
    meeting = Meeting(events_stack)
    wait_until(lambda: events_stack.control("GET", "events/subscriptions")["subscriptions"], what="a subscription")
    run_whole_meeting(meeting, meeting.flush)
    assert_final_state(meeting)
    # google-apps-chat's UpdateMessage is the PUT binding (messages.update) with an update mask.
    card_id = meeting.card_name.split("/")[-1]
    edits = [c for c in events_stack.calls("spaces.messages.update") if c["path"].endswith(card_id)]
    assert len(edits) >= 3, "waiting -> three in the call -> two in the call -> ended, edited in place"
    assert all(c["query"].get("updateMask") == "cardsV2" for c in edits)  # only the card changes


def test_a_kind_of_file_absent_after_the_end_is_not_asked_for_again(events_stack: Stack) -> None:
    events_stack.control("POST", "reset")
    meeting = Meeting(events_stack)
    wait_until(lambda: events_stack.control("GET", "events/subscriptions")["subscriptions"], what="a subscription")
    run_whole_meeting(meeting, meeting.flush)  # a recording and a transcript; nobody took smart notes
    assert_final_state(meeting)
    # The summary was read at the end and once the files were ready (at the end maybe twice:
    # Pub/Sub's push workers run in parallel, so the call's last events may land in two syncs):
    # smart notes were asked for once, the files being prepared at every read.
    reads = len(events_stack.calls("conferenceRecords.recordings.list"))
    assert reads >= 2 and len(events_stack.calls("conferenceRecords.transcripts.list")) == reads
    assert len(events_stack.calls("conferenceRecords.smartNotes.list")) == 1


def test_smart_notes_taken_are_read_until_their_file_is_ready(events_stack: Stack) -> None:
    events_stack.control("POST", "reset")
    meeting = Meeting(events_stack)
    wait_until(lambda: events_stack.control("GET", "events/subscriptions")["subscriptions"], what="a subscription")
    meeting.join(user=meeting.alice["name"])
    meeting.flush()
    wait_until(lambda: "In the call (1)" in meeting.card_text(), what="Alice in the call")
    meeting.end(smartNotes=True)
    meeting.flush()
    wait_until(meeting.summaries, what="the summary")
    assert "being prepared" in json.dumps(meeting.summaries())
    events_stack.control("POST", "clock", {"advanceSeconds": 600})
    meeting.flush()
    wait_until(lambda: "being prepared" not in json.dumps(meeting.summaries()), what="the smart notes' link")
    assert "docs.google.com" in json.dumps(meeting.summaries())
    assert len(events_stack.calls("conferenceRecords.smartNotes.list")) >= 2
    assert len(events_stack.calls("conferenceRecords.recordings.list")) == 1  # none at the end: none ever


def test_the_files_events_sync_reads_only_their_conference(events_stack: Stack) -> None:
    """The files' fileGenerated events name their conference: the sync they ask for brings
    its summary up to date from what is stored of it, without listing the space's
    conferences again (three lists a meeting: after subscribing, in the call, at the end)."""
    events_stack.control("POST", "reset")
    meeting = Meeting(events_stack)
    wait_until(lambda: events_stack.control("GET", "events/subscriptions")["subscriptions"], what="a subscription")
    meeting.join(user=meeting.alice["name"])
    meeting.join(user=meeting.bob["name"])
    meeting.join(phone="+16505550123")
    meeting.flush()
    wait_until(lambda: "In the call (3)" in meeting.card_text(), what="three in the call")
    meeting.end(recording=True, transcript=[{"user": meeting.alice["name"], "text": "Hello"}])
    meeting.flush()
    wait_until(meeting.summaries, what="the summary")
    events_stack.wait_for_syncs("the end's syncs over")
    listed = len(events_stack.calls("conferenceRecords.list"))
    # Read at the end, once or twice: Pub/Sub's push workers run in parallel, so the call's
    # last events may land in one sync or two.
    read_at_end = len(events_stack.calls("conferenceRecords.recordings.list"))
    assert read_at_end >= 1
    events_stack.control("POST", "clock", {"advanceSeconds": 600})  # transcript and recording files generated
    meeting.flush()
    wait_until(lambda: "being prepared" not in json.dumps(meeting.summaries()), what="artifact links")
    events_stack.wait_for_syncs("the files' syncs over")
    assert_final_state(meeting)
    assert len(events_stack.calls("conferenceRecords.list")) == listed
    # The two files' events: one read that completes the summary (a second sync finds it complete).
    assert len(events_stack.calls("conferenceRecords.recordings.list")) == read_at_end + 1


def test_a_file_event_of_a_conference_whose_end_the_app_missed_brings_card_and_summary(events_stack: Stack) -> None:
    """Only a file's event arrives (the conference's other events are held): the app has
    not seen that conference end, so the sync takes the full look and the card and the
    summary come out right all the same."""
    from bot.lifecycle.pushes import handle_event
    from bot.pubsub import parse_push

    with pubsub_paused(events_stack) as meeting:
        meeting.join(user=meeting.alice["name"])
        meeting.end(recording=True)
        events_stack.control("POST", "clock", {"advanceSeconds": 600})
        [published] = events_stack.control(
            "GET", "pubsub/messages?type=google.workspace.meet.recording.v2.fileGenerated")["messages"]
        data = base64.b64encode(json.dumps(published["data"]).encode()).decode()
        file_event = parse_push({"message": {"attributes": published["attributes"], "data": data}})
        bot = events_stack.local.app.extensions["meetbot"]
        assert handle_event(bot.services, bot.worker, file_event) == "sync-requested"
        wait_until(lambda: "drive.google.com" in json.dumps(meeting.summaries()), what="the summary with its link")
        assert "Ended" in meeting.card_text()
        assert len(meeting.summaries()) == 1 and "Alice Anders" in json.dumps(meeting.summaries())


def test_duplicated_and_shuffled_events_change_nothing(events_stack: Stack) -> None:
    events_stack.control("POST", "reset")
    events_stack.control("POST", "pubsub", {"duplicates": 2, "shuffle": True})
    try:
        meeting = Meeting(events_stack)
        wait_until(lambda: events_stack.control("GET", "events/subscriptions")["subscriptions"], what="a subscription")
        run_whole_meeting(meeting, meeting.flush)
        assert_final_state(meeting)
    finally:
        events_stack.control("POST", "pubsub", {"reset": True})


def test_a_burst_of_joins_is_coalesced_into_few_edits(events_stack: Stack) -> None:
    events_stack.control("POST", "reset")
    meeting = Meeting(events_stack)
    wait_until(lambda: events_stack.control("GET", "events/subscriptions")["subscriptions"], what="a subscription")
    for index in range(50):
        meeting.join(anonymous=f"Guest {index}")
    meeting.flush()
    wait_until(lambda: "In the call (50)" in meeting.card_text(), what="all fifty in the card")
    edits = [c for c in events_stack.calls("spaces.messages.update") if c["status"] == 200]
    assert 1 <= len(edits) <= 10, len(edits)


def test_without_pubsub_the_reconciler_alone_gets_it_right(polling_stack: Stack) -> None:
    polling_stack.control("POST", "reset")
    meeting = Meeting(polling_stack)
    run_whole_meeting(meeting, lambda: reconcile(polling_stack))
    assert_final_state(meeting)
    assert polling_stack.control("GET", "events/subscriptions")["subscriptions"] == []


@contextmanager
def pubsub_paused(stack: Stack) -> Iterator[Meeting]:
    """A fresh meeting, its first sync (the one that subscribes) over, with Pub/Sub holding
    every event from then on: only the reconciler brings the app news."""
    stack.control("POST", "reset")
    meeting = Meeting(stack)
    wait_until(lambda: stack.control("GET", "events/subscriptions")["subscriptions"], what="a subscription")
    stack.wait_for_syncs("its first sync over")
    stack.control("POST", "pubsub", {"paused": True})
    try:
        yield meeting
    finally:
        stack.control("POST", "pubsub", {"reset": True})


def test_paused_pubsub_is_caught_up_by_the_reconciler(events_stack: Stack) -> None:
    with pubsub_paused(events_stack) as meeting:
        run_whole_meeting(meeting, lambda: reconcile(events_stack))
        assert_final_state(meeting)


def test_a_reconcile_pass_during_a_sync_that_read_meet_before_a_join_is_followed_up(events_stack: Stack) -> None:
    with pubsub_paused(events_stack) as meeting:
        meeting.join(user=meeting.alice["name"])
        edits_before = len(events_stack.calls("spaces.messages.update"))
        events_stack.fault("chat", "spaces.messages.update", delayMs=2000, times=1)  # the sync's edit is slow...
        first = threading.Thread(target=reconcile, args=(events_stack,))
        first.start()
        wait_until(lambda: len(events_stack.calls("spaces.messages.update")) > edits_before,
                   what="the sync, having read Meet, editing the card")
        meeting.join(user=meeting.bob["name"])  # ...and Bob joins after its read
        reconcile(events_stack)  # a pass while that sync runs
        first.join()
        wait_until(lambda: "In the call (2)" in meeting.card_text(), what="Bob on the card")


def test_app_killed_between_the_end_and_the_summary_loses_nothing(events_stack: Stack) -> None:
    events_stack.control("POST", "reset")
    meeting = Meeting(events_stack)
    wait_until(lambda: events_stack.control("GET", "events/subscriptions")["subscriptions"], what="a subscription")
    bot = events_stack.local.app.extensions["meetbot"]
    meeting.join(user=meeting.alice["name"])
    meeting.flush()
    wait_until(lambda: "In the call (1)" in meeting.card_text(), what="Alice in the call")
    bot.worker.stop()  # the process "dies": events are received and recorded, nothing acts on them
    try:
        meeting.end(recording=True)
        meeting.flush()  # every event pushed and answered: received and recorded
        wait_until(lambda: bot.services.storage.sync_queue.meetings_needing_sync() >= 1, what="the sync request recorded")
        assert meeting.summaries() == []  # with nobody to act on it
    finally:
        restarted = SyncWorker(bot.services).start()  # a new process picks the work up
        bot.services.lifecycle.worker = restarted
        object.__setattr__(bot, "worker", restarted)
    restarted.kick()
    wait_until(meeting.summaries, what="the summary after the restart")
    events_stack.control("POST", "clock", {"advanceSeconds": 600})
    meeting.flush()
    wait_until(lambda: "being prepared" not in json.dumps(meeting.summaries()), what="links")
    assert len(meeting.summaries()) == 1


def test_push_endpoint_refuses_unsigned_and_acknowledges_malformed(events_stack: Stack) -> None:
    import base64

    import requests

    from emulator.signing import GOOGLE_SIGNER

    url = events_stack.local.app_url + "/pubsub/push"
    assert requests.post(url, json={"message": {}}, timeout=10).status_code == 401
    now = int(time.time())
    claims = {"iss": "https://accounts.google.com", "aud": url, "email_verified": True, "iat": now, "exp": now + 600,
              "email": "pubsub-push@local-project.iam.gserviceaccount.com", "sub": "1"}
    keys = events_stack.state.keys.key_for(GOOGLE_SIGNER)
    wrong = keys.sign({**claims, "email": "attacker@example.com"})
    assert requests.post(url, json={}, headers={"Authorization": f"Bearer {wrong}"}, timeout=10).status_code == 401
    good = {"Authorization": f"Bearer {keys.sign(claims)}"}
    malformed = {"message": {"attributes": {"ce-id": "1"}, "data": "%%%"}}
    assert requests.post(url, json=malformed, headers=good, timeout=10).status_code == 204
    unknown = {"message": {"attributes": {"ce-id": "x1", "ce-type": "google.workspace.chat.message.v1.created",
                                          "ce-source": "//workspaceevents.googleapis.com/subscriptions/zz"},
                           "data": base64.b64encode(b"{}").decode()}}
    assert requests.post(url, json=unknown, headers=good, timeout=10).status_code == 204


def test_reconcile_endpoint_refuses_without_the_secret(events_stack: Stack) -> None:
    import requests

    url = events_stack.local.app_url + "/tasks/reconcile"
    assert requests.get(url, timeout=10).status_code == 403
    assert requests.get(url, headers={"X-Appengine-Cron": "true"}, timeout=10).status_code == 403  # not on App Engine
    assert requests.get(url, headers={"Authorization": "Bearer wrong"}, timeout=10).status_code == 403


def test_subscriptions_are_renewed_and_recreated_on_the_emulator_clock(events_stack: Stack) -> None:
    events_stack.control("POST", "reset")
    meeting = Meeting(events_stack)
    first = wait_until(lambda: events_stack.control("GET", "events/subscriptions")["subscriptions"],
                       what="a subscription")[0]
    storage = events_stack.storage
    # Google has it once subscriptions.create answered; the app records it just after.
    recorded = wait_until(lambda: storage.subscriptions.get_subscription(first["name"]), what="the subscription recorded")
    assert recorded.state == "ACTIVE"
    # Six and a half days on (the app lives in the emulator's time): inside the renewal
    # margin, the reconciler renews it.
    events_stack.control("POST", "clock", {"advanceSeconds": 6.5 * 24 * 3600})
    report = reconcile(events_stack)
    assert report["renewed"] == 1, report
    renewed = storage.subscriptions.get_subscription(first["name"])
    assert renewed is not None and renewed.expire_time > recorded.expire_time
    # Suspended for a reason reactivation can cure: the lifecycle event makes the app reactivate it.
    events_stack.control("POST", "events/suspend", {"subscription": first["name"], "reason": "ENDPOINT_NOT_FOUND"})
    meeting.flush()
    wait_until(lambda: (storage.subscriptions.get_subscription(first["name"]) or recorded).state == "ACTIVE", what="reactivation")
    current = [s for s in events_stack.control("GET", "events/subscriptions")["subscriptions"]
               if s["name"] == first["name"]]
    assert current and current[0]["state"] == "ACTIVE"
    # Past its expiry Google deletes it; a meeting still in use (a call is running, so it
    # cannot have gone dormant) gets a new subscription on its next sync.
    meeting.join(user=meeting.alice["name"])
    meeting.flush()
    wait_until(lambda: "In the call (1)" in meeting.card_text(), what="Alice in the call")
    events_stack.control("POST", "clock", {"advanceSeconds": 8 * 24 * 3600})
    meeting.flush()
    reconcile(events_stack)

    def subscriptions() -> set[str]:
        return {s["name"] for s in events_stack.control("GET", "events/subscriptions")["subscriptions"]}

    # The pass asks for the meeting's sync, which subscribes afresh; the app's background
    # worker may be the one that runs it, after the pass has answered.
    wait_until(lambda: subscriptions() - {first["name"]}, what="a new subscription replacing the expired one")
    assert first["name"] not in subscriptions()


def test_a_suspension_only_the_organizer_can_cure_asks_them_once(events_stack: Stack) -> None:
    events_stack.control("POST", "reset")
    meeting = Meeting(events_stack)
    first = wait_until(lambda: events_stack.control("GET", "events/subscriptions")["subscriptions"],
                       what="a subscription")[0]
    events_stack.control("POST", "events/suspend", {"subscription": first["name"], "reason": "USER_SCOPE_REVOKED"})
    meeting.flush()

    def prompts() -> list[dict[str, Any]]:
        return [m for m in meeting.app_messages() if "live updates" in m.get("text", "")]

    wait_until(prompts, what="the organizer's prompt")
    reconcile(events_stack)
    reconcile(events_stack)
    assert len(prompts()) == 1  # asked once, not at every pass
    prompt = prompts()[0]
    assert prompt["privateMessageViewer"]["name"] == meeting.alice["name"]
    assert prompt["thread"]["name"] == meeting.card()["thread"]["name"]
