"""Process-level faults: a worker killed mid-sync, PostgreSQL restarted mid-meeting, the
SQLite file locked by another process.

Everything goes through the emulator over real HTTP. The rule is the same as for API
faults: nothing is posted twice or lost, the person gets an honest answer in time, a
push that could not be recorded is refused (non-2xx) so Pub/Sub delivers it again.
Deadlines are scaled down as in ``conftest.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from typing import Any, Iterator

import pytest
import requests

from tests.e2e.conftest import Stack
from tests.e2e.test_lifecycle import Meeting
from tests.faults.conftest import RECONCILE_SECRET, clear_faults, reconcile, start_stack
from tests.faults.processes import (GunicornStack, PrivatePostgres, SqliteLockHolder, pid_with_connection,
                                   private_postgres)
from tests.support import wait_until

# -- 1. a gunicorn worker SIGKILLed while it is inside a meeting's sync ---------------------------
STALL_MS = 2000  # the call the worker is stuck in; shorter than its timeout, so it is still waiting
# The workers' own loop (not the reconciler) finishes the syncs: nothing else takes over.
GUNICORN_ENV = {"MEET_TIMEOUT_SECONDS": "3", "SYNC_BUDGET_SECONDS": "6", "SYNC_LEASE_SECONDS": "4",
                "SYNC_DEBOUNCE_SECONDS": "0.05", "RECONCILE_SECRET": RECONCILE_SECRET}


@pytest.fixture(scope="module")
def gunicorn_stack() -> Iterator[GunicornStack]:
    stack = GunicornStack(workers=2, env=GUNICORN_ENV, chat_deadline=10.0)
    try:
        yield stack
    finally:
        stack.stop()


def two_in_the_call(stack: Stack) -> Meeting:
    """A meeting whose space is subscribed to Meet's events, with Alice and Bob in the call."""
    meeting = Meeting(stack)
    wait_until(lambda: stack.control("GET", "events/subscriptions")["subscriptions"], what="a subscription")
    meeting.join(user=meeting.alice["name"])
    meeting.join(user=meeting.bob["name"])
    meeting.flush()
    wait_until(lambda: "In the call (2)" in meeting.card_text(), what="two people in the call")
    return meeting


def assert_final_state_without_artifacts(meeting: Meeting) -> None:
    """The card says Ended, and exactly one summary, complete, in the meeting's thread."""
    card = meeting.card_text()
    assert "Ended" in card and "In the call" not in card
    summaries = meeting.summaries()
    assert len(summaries) == 1, [s["name"] for s in summaries]
    text = json.dumps(summaries[0]["cardsV2"])
    assert "Alice Anders" in text and "Bob Brown" in text and "Carol Chen" in text  # Carol: didn't join
    assert summaries[0]["thread"]["name"] == meeting.card()["thread"]["name"]


@pytest.mark.parametrize("stuck_in", ["summary post", "card edit"])
def test_a_worker_killed_mid_sync_is_replaced_and_the_meeting_ends_with_one_summary(
        gunicorn_stack: GunicornStack, stuck_in: str) -> None:
    stack = gunicorn_stack
    stack.control("POST", "reset")
    meeting = two_in_the_call(stack)

    card_id = meeting.card_name.rsplit("/", 1)[1]
    if stuck_in == "summary post":
        stack.fault("chat", "spaces.messages.create", delayMs=STALL_MS, times=1)
        stuck = lambda call: call["method"] == "POST" and "messageId=client-summary-" in call["query"]  # noqa: E731
    else:
        stack.fault("chat", "spaces.messages.update", delayMs=STALL_MS, times=1)
        stuck = lambda call: call["method"] in ("PUT", "PATCH") and call["path"].endswith(card_id)  # noqa: E731
    calls_before = len(stack.control("GET", "calls")["calls"])
    meeting.end()
    call = wait_until(lambda: stack.in_flight.find(stuck), timeout=15, what=f"a worker stuck in the {stuck_in}")
    workers = stack.workers()
    victim = wait_until(lambda: pid_with_connection(workers, call["port"], stack.emulator_port), timeout=5,
                        what="the stuck worker's pid")
    os.kill(victim, signal.SIGKILL)

    # gunicorn notices and starts a new worker in its place.
    wait_until(lambda: victim not in stack.workers() and len(stack.workers()) == 2, timeout=20,
               what="gunicorn to replace the killed worker")
    assert requests.get(stack.app_url + "/healthz", timeout=5).status_code == 200
    # The dead worker's claim expires (SYNC_LEASE_SECONDS) and another worker finishes the sync.
    wait_until(lambda: meeting.summaries() and "Ended" in meeting.card_text(), timeout=30,
               what="the card Ended and the summary, after the kill")
    # Let everything still due run out (the lease of the dead worker's claim, late events):
    # only then could a second summary appear.
    stack.control("POST", "pubsub/flush", {"timeoutSeconds": 10})
    wait_until(lambda: stack.storage().sync_queue.meetings_needing_sync() == 0, timeout=20, what="no sync left to do")

    assert_final_state_without_artifacts(meeting)
    # The stuck call was made again by the worker that took over: the work was redone, not lost.
    redone = [c for c in stack.control("GET", "calls")["calls"][calls_before:]
              if stuck({"method": c["httpMethod"], "path": c["path"],
                        "query": "&".join(f"{k}={v}" for k, v in c["query"].items())})]
    assert len(redone) >= 2, redone


def reconcile_gunicorn(stack: GunicornStack) -> dict[str, Any]:
    response = requests.get(stack.app_url + "/tasks/reconcile",
                            headers={"Authorization": f"Bearer {RECONCILE_SECRET}"}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("post", ["lands", "never lands"])
def test_a_worker_killed_while_posting_the_join_card_leaves_one_live_card(
        gunicorn_stack: GunicornStack, post: str) -> None:
    """/meet: Meet created the space and the meeting is recorded with its card's
    client-assigned name; the worker dies inside the card's post. Chat's answer is lost,
    but the reconciler adopts the card (the stalled post landed) or posts it with the same
    id (it did not): one card, kept live."""
    stack = gunicorn_stack
    stack.control("POST", "reset")
    alice = stack.person("Alice Anders")
    space = stack.space(alice)
    # The post stalls (under the workers' 3 s call timeout: the worker sits waiting), then
    # either Chat creates the card or fails the call.
    stack.fault("chat", "spaces.messages.create", delayMs=STALL_MS, times=1,
                **({"status": 503} if post == "never lands" else {}))
    answers: list[dict[str, Any]] = []
    asking = threading.Thread(target=lambda: answers.append(stack.say(space, alice, "/meet Retro")))
    asking.start()
    try:
        call = wait_until(lambda: stack.in_flight.find(
            lambda c: c["method"] == "POST" and "messageId=client-meet-" in c["query"]), timeout=15,
            what="a worker posting the join card")
        workers = stack.workers()
        victim = wait_until(lambda: pid_with_connection(workers, call["port"], stack.emulator_port), timeout=5,
                            what="the posting worker's pid")
        os.kill(victim, signal.SIGKILL)
    finally:
        asking.join(timeout=30)
    [answer] = answers
    # Chat's answer is lost with the worker: the person sees "not responding", nothing else.
    error = answer["reply"]["error"]
    assert error["code"] == 503 and error["status"] == "UNAVAILABLE", error  # the connection died, not a 504
    assert "could not reach the app" in error["message"], error
    wait_until(lambda: victim not in stack.workers() and len(stack.workers()) == 2, timeout=20,
               what="gunicorn to replace the killed worker")
    # The meeting was recorded before the post, with the card's name known in advance.
    [meeting] = stack.storage().meetings.recent_meetings(space["name"])
    assert meeting.card_message == f"{space['name']}/messages/client-meet-{meeting.meeting_code}"
    wait_until(lambda: stack.control("GET", "faults")["faults"] == [] and
               stack.in_flight.find(lambda c: "messageId=client-meet-" in c["query"]) is None,
               timeout=10, what="the stalled post to finish")
    assert len(meeting_cards(stack, space)) == (1 if post == "lands" else 0)

    def adopted() -> bool:
        reconcile_gunicorn(stack)
        [now] = stack.storage().meetings.recent_meetings(space["name"])
        return bool(now.card_message and "/client-" not in now.card_message and now.thread_name)

    wait_until(adopted, timeout=30, what="the reconciler to adopt or post the card")
    [meeting] = stack.storage().meetings.recent_meetings(space["name"])
    [card] = meeting_cards(stack, space)
    assert card["name"] == meeting.card_message and card["thread"]["name"] == meeting.thread_name
    assert card["clientAssignedMessageId"] == f"client-meet-{meeting.meeting_code}"
    created = [c for c in stack.control("GET", "calls")["calls"] if c["method"] == "spaces.create"]
    assert len(created) == 1  # one meeting: nothing asked Meet again

    stack.control("POST", "meet/join", {"space": meeting.meeting_code, "user": alice["name"]})

    def live() -> bool:
        stack.control("POST", "pubsub/flush", {"timeoutSeconds": 10})
        reconcile_gunicorn(stack)
        return "In the call (1)" in json.dumps(meeting_cards(stack, space))

    wait_until(live, timeout=30, what="the card kept live")
    assert len(meeting_cards(stack, space)) == 1


# -- 2. PostgreSQL restarted under a running meeting ----------------------------------------------
# A cluster of this module's own: the machine's shared one serves other test runs.
CARD_STALL_MS = 1000  # under the stack's 1.5 s call timeout: the post succeeds, late


@pytest.fixture(scope="module")
def postgres() -> Iterator[PrivatePostgres]:
    try:
        server_iter = private_postgres()
        server = next(server_iter)
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:
        reason = f"cannot run a private PostgreSQL cluster here: {error}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    try:
        yield server
    finally:
        server_iter.close()  # stops the cluster and removes its directory


@pytest.fixture(scope="module")
def postgres_stack(postgres: PrivatePostgres) -> Iterator[Stack]:
    # One Google call may take 1.5 s here (not 0.5 s), so a stalled card post leaves time to stop
    # the server under it; the answer's budget still ends before Chat's deadline.
    stack = start_stack(auth_mode="delegation", database_url=postgres.url,
                        extra_env={"MEET_TIMEOUT_SECONDS": "1.5", "SYNC_BUDGET_SECONDS": "2.5"})
    try:
        yield stack
    finally:
        stack.local.stop()
        shutil.rmtree(stack.local.directory, ignore_errors=True)


@pytest.mark.postgres
def test_postgres_restarted_mid_meeting_refuses_cleanly_and_the_meeting_still_ends_once(
        postgres_stack: Stack, postgres: PrivatePostgres) -> None:
    stack = postgres_stack
    stack.control("POST", "reset")
    stack.control("POST", "pubsub", {"minBackoffSeconds": 0.05, "maxBackoffSeconds": 0.3})
    try:
        meeting = two_in_the_call(stack)
        elsewhere = stack.space(meeting.carol)

        postgres.stop()  # every pooled connection dies with it
        try:
            # A person waiting: an honest private answer within Chat's deadline, nothing created.
            reply = stack.say(elsewhere, meeting.carol, "/meet Planning")["reply"]
            assert reply is not None and "error" not in reply, reply
            assert reply["privateMessageViewer"]["name"] == meeting.carol["name"]
            assert "can't save anything right now" in reply["text"], reply["text"]  # the database, not Meet
            # Events nobody waits for: refused, so Pub/Sub keeps them.
            meeting.leave(user=meeting.bob["name"])
            meeting.end()
            refused = wait_until(lambda: [d for d in stack.control("GET", "pubsub")["deliveries"]
                                          if d["outcome"] != "acked"], timeout=10, what="a refused push")
            assert all(d["status"] is None or d["status"] >= 500 for d in refused), refused
            assert "Ended" not in meeting.card_text()
        finally:
            postgres.start()

        # The pool recovers by itself; the redelivered events end the meeting.
        meeting.flush()
        wait_until(lambda: meeting.summaries() and "Ended" in meeting.card_text(), timeout=30,
                   what="the card Ended and the summary after the restart")
        meeting.flush()
        stack.wait_for_syncs("no sync left to do")
        assert_final_state_without_artifacts(meeting)
        deliveries = stack.control("GET", "pubsub")["deliveries"]
        for ce_id in {d["ceId"] for d in deliveries}:
            assert len([d for d in deliveries if d["ceId"] == ce_id and d["outcome"] == "acked"]) == 1, ce_id
        # Carol's /meet during the outage left nothing behind; asked again, it works.
        assert stack.storage.meetings.recent_meetings(elsewhere["name"]) == []
        assert len([c for c in stack.calls("spaces.create") if c["status"] == 200]) == 1
        stack.say(elsewhere, meeting.carol, "/meet Planning")
        assert len(meeting_cards(stack, elsewhere)) == 1
    finally:
        stack.control("POST", "pubsub", {"reset": True})


@pytest.mark.postgres
def test_postgres_lost_while_the_join_card_is_posted_keeps_one_live_card(
        postgres_stack: Stack, postgres: PrivatePostgres) -> None:
    stack = postgres_stack
    stack.control("POST", "reset")
    alice = stack.person("Alice Anders")
    space = stack.space(alice)
    stack.fault("chat", "spaces.messages.create", delayMs=CARD_STALL_MS, times=1)
    answers: list[dict[str, Any]] = []
    asking = threading.Thread(target=lambda: answers.append(stack.say(space, alice, "/meet Retro")))
    asking.start()
    try:
        wait_until(lambda: [c for c in list(stack.state.calls) if c.method == "spaces.messages.create"
                            and c.status == 0 and "client-meet-" in c.query.get("messageId", "")],
                   timeout=10, what="the join card's post in flight")
        postgres.stop()  # Meet created the space and the meeting is recorded; the card is on its way
        asking.join(timeout=30)
    finally:
        if not postgres.running():
            postgres.start()
        asking.join(timeout=30)
    [answer] = answers
    assert len(meeting_cards(stack, space)) == 1  # Chat did create the card
    reply = answer["reply"]
    # Honest: the card is there, so "try /meet again" (which would make a second meeting) is wrong.
    assert reply is not None and "no need to type `/meet` again" in reply["text"], reply
    stack.control("POST", "meet/join", {"space": meeting_cards(stack, space)[0]["clientAssignedMessageId"]
                                        [len("client-meet-"):], "user": alice["name"]})
    # A card never recorded as shown is left to its /meet for the answer's budget (2.5 s
    # here): the reconciler adopts it once that is over.
    stack.control("POST", "clock", {"advanceSeconds": 3})
    reconcile(stack)
    stack.control("POST", "pubsub/flush", {"timeoutSeconds": 10})
    wait_until(lambda: "In the call (1)" in json.dumps(meeting_cards(stack, space)), timeout=10,
               what="the card kept live once the database is back")
    assert len(meeting_cards(stack, space)) == 1


# -- 3. the SQLite file locked by a second process ------------------------------------------------
# SQLite's busy timeout, scaled down like every other deadline (production: engine.py's
# default, which must leave room for two waits inside Chat's 30 s).
SQLITE_BUSY_SECONDS = 0.5


@pytest.fixture(scope="module")
def sqlite_stack() -> Iterator[Stack]:
    directory = tempfile.mkdtemp(prefix="meetbot-sqlite-lock-")
    path = os.path.join(directory, "meetbot.db")
    stack = start_stack(auth_mode="delegation", database_url=f"sqlite:///{path}?timeout={SQLITE_BUSY_SECONDS}")
    stack.database_path = path  # type: ignore[attr-defined]
    try:
        yield stack
    finally:
        stack.local.stop()
        shutil.rmtree(stack.local.directory, ignore_errors=True)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def locked_stack(sqlite_stack: Stack) -> Iterator[Stack]:
    sqlite_stack.control("POST", "reset")
    # Redeliveries close together, so a refused push comes back soon after the lock is gone.
    sqlite_stack.control("POST", "pubsub", {"minBackoffSeconds": 0.05, "maxBackoffSeconds": 0.3})
    yield sqlite_stack
    clear_faults(sqlite_stack)
    sqlite_stack.control("POST", "pubsub", {"reset": True})


def meeting_cards(stack: Stack, space: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in stack.app_messages(space) if (m.get("cardsV2") or [{}])[0].get("cardId") == "meeting"]


def deliveries_of(stack: Stack, ce_type_part: str) -> list[dict[str, Any]]:
    return [d for d in stack.control("GET", "pubsub")["deliveries"] if ce_type_part in (d.get("ceType") or "")]


def test_meet_while_the_database_is_locked_answers_honestly_and_a_retry_creates_one_meeting(
        locked_stack: Stack) -> None:
    stack = locked_stack
    alice = stack.person("Alice Anders")
    space = stack.space(alice)
    with SqliteLockHolder(stack.database_path) as lock:  # type: ignore[attr-defined]
        answer = stack.say(space, alice, "/meet Standup")
        reply = answer["reply"]
        assert reply is not None and "error" not in reply, reply  # answered before Chat's deadline
        assert reply["privateMessageViewer"]["name"] == alice["name"]
        assert "can't save anything right now" in reply["text"], reply["text"]  # the database, not Meet
        lock.release()
    # Nothing half-done: no Meet space was created, no card posted, no meeting recorded.
    assert stack.calls("spaces.create") == []
    assert meeting_cards(stack, space) == []
    assert stack.storage.meetings.recent_meetings(space["name"]) == []
    assert stack.storage.sync_queue.meetings_needing_sync() == 0

    answer = stack.say(space, alice, "/meet Standup")  # the person tries again: it works, once
    assert answer["reply"] is None or not answer["reply"].get("privateMessageViewer"), answer["reply"]
    assert len(meeting_cards(stack, space)) == 1
    assert len(stack.storage.meetings.recent_meetings(space["name"])) == 1
    assert len([c for c in stack.calls("spaces.create") if c["status"] == 200]) == 1


def test_a_push_while_the_database_is_locked_is_refused_and_redelivered_once_it_is_free(
        locked_stack: Stack) -> None:
    stack = locked_stack
    meeting = Meeting(stack)
    wait_until(lambda: stack.control("GET", "events/subscriptions")["subscriptions"], what="a subscription")
    stack.control("POST", "pubsub/flush", {"timeoutSeconds": 10})
    with SqliteLockHolder(stack.database_path) as lock:  # type: ignore[attr-defined]
        meeting.join(user=meeting.alice["name"])
        refused = wait_until(lambda: [d for d in deliveries_of(stack, "participant") if d["outcome"] != "acked"],
                             timeout=10, what="a refused push")
        assert all(d["status"] is None or d["status"] >= 500 for d in refused), refused
        assert "In the call" not in meeting.card_text()
        lock.release()
    stack.control("POST", "pubsub/flush", {"timeoutSeconds": 10})
    wait_until(lambda: "In the call (1)" in meeting.card_text(), what="the redelivered join on the card")
    for ce_id in {d["ceId"] for d in stack.control("GET", "pubsub")["deliveries"]}:
        acked = [d for d in stack.control("GET", "pubsub")["deliveries"] if d["ceId"] == ce_id
                 and d["outcome"] == "acked"]
        assert len(acked) == 1, acked  # each event taken in exactly once
    meeting.end()
    meeting.flush()
    wait_until(meeting.summaries, what="the summary")
    assert len(meeting.summaries()) == 1 and "Ended" in meeting.card_text()
