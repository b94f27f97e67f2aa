"""Pub/Sub push of Meet events: envelope, OIDC token, retries, duplicates, shuffle, pause, reset."""

from __future__ import annotations

import base64
import itertools
import json
import threading

import pytest
from flask import Flask

from google.auth.transport import requests as google_requests
from google.oauth2 import id_token

from emulator import BackgroundServer, EmulatorConfig, create_emulator
from tests.emulator.test_events_support import (  # noqa: F401  (fixtures)
    ALL_MEET, ENDED, JOINED, LEFT, PUSH_ACCOUNT, PUSH_SUBSCRIPTION, RECORDING, SMART_NOTE, STARTED, TOPIC,
    TRANSCRIPT, World, events_world, organizer, subscribe, wait_for, world,
)

CE_ATTRIBUTES = {"ce-id", "ce-source", "ce-specversion", "ce-type", "ce-time", "ce-subject", "ce-datacontenttype"}


def join(world: World, space: str, **who: object) -> dict:
    return world.control("POST", "meet/join", {"space": space, **who})


def test_push_envelope_and_oidc_token(world: World) -> None:
    alice = organizer(world.emulator)
    subscription = subscribe(alice, [STARTED])
    joined = join(world, alice.space["name"], user="alice@example.com")
    world.flush()
    [received] = world.push.received
    envelope = received["body"]
    # No dead-letter policy, no message ordering: no deliveryAttempt, no orderingKey.
    assert set(envelope) == {"message", "subscription"}
    assert envelope["subscription"] == PUSH_SUBSCRIPTION
    message = envelope["message"]
    assert set(message) == {"attributes", "data", "messageId", "message_id", "publishTime", "publish_time"}
    assert message["messageId"] == message["message_id"] and message["messageId"].isdigit()
    assert message["publishTime"] == message["publish_time"] and message["publishTime"].endswith("Z")
    assert json.loads(base64.b64decode(message["data"])) == {"conferenceRecord": {"name": joined["conferenceRecord"]}}
    attributes = message["attributes"]
    assert set(attributes) == CE_ATTRIBUTES
    assert attributes["ce-type"] == STARTED and attributes["ce-specversion"] == "1.0"
    assert attributes["ce-source"] == f"//workspaceevents.googleapis.com/{subscription['name']}"
    assert attributes["ce-subject"] == alice.target
    assert attributes["ce-datacontenttype"] == "application/json"
    # The OIDC token, verified as the app verifies it.
    headers = received["headers"]
    assert headers["Content-Type"] == "application/json" and headers["User-Agent"].startswith("APIs-Google")
    token = headers["Authorization"].removeprefix("Bearer ")
    claims = id_token.verify_token(token, google_requests.Request(), audience=world.push.url,
                                   certs_url=f"{world.emulator.url}/oauth2/v1/certs")
    assert claims["iss"] == "https://accounts.google.com"
    assert claims["email"] == PUSH_ACCOUNT and claims["email_verified"] is True
    assert claims["sub"].isdigit() and claims["azp"] == claims["sub"]
    # The same token verifies against the JWKS endpoint too.
    id_token.verify_token(token, google_requests.Request(), audience=world.push.url,
                          certs_url=f"{world.emulator.url}/oauth2/v3/certs")
    # And the control plane saw the same.
    [published] = world.published()
    assert published["messageId"] == message["messageId"] and published["topic"] == TOPIC
    stats = world.control("GET", "pubsub")["stats"]
    assert stats["published"] == 1 and stats["delivered"] == 1 and stats["pending"] == 0
    assert stats["topics"] == [{"name": TOPIC, "published": 1}]


def test_configured_audience_and_service_account(world: World) -> None:
    alice = organizer(world.emulator)
    subscribe(alice, [STARTED])
    world.control("POST", "pubsub", {"audience": "https://bot.example.com/pubsub/push",
                                     "serviceAccount": "other@p.iam.gserviceaccount.com"})
    join(world, alice.space["name"], anonymous=True)
    world.flush()
    token = world.push.received[0]["headers"]["Authorization"][7:]
    claims = id_token.verify_token(token, google_requests.Request(), audience="https://bot.example.com/pubsub/push",
                                   certs_url=f"{world.emulator.url}/oauth2/v1/certs")
    assert claims["email"] == "other@p.iam.gserviceaccount.com"


def test_dead_letter_policy_and_ordering_add_their_fields(world: World) -> None:
    alice = organizer(world.emulator)
    subscribe(alice, [STARTED])
    settings = world.control("POST", "pubsub", {"deadLetterTopic": "projects/emulated-project/topics/dead-letters",
                                                "messageOrdering": True})["settings"]
    assert settings["deadLetterTopic"] == "projects/emulated-project/topics/dead-letters"
    assert settings["maxDeliveryAttempts"] == 0  # Pub/Sub's default applies: 5
    join(world, alice.space["name"], anonymous=True)
    world.flush()
    envelope = world.push.received[0]["body"]
    assert set(envelope) == {"message", "subscription", "deliveryAttempt"} and envelope["deliveryAttempt"] == 1
    assert envelope["message"]["orderingKey"] == envelope["message"]["attributes"]["ce-source"]


@pytest.mark.parametrize("body,field", [
    ({"maxDeliveryAttempts": 5}, "maxDeliveryAttempts"),  # without a dead-letter topic
    ({"deadLetterTopic": "projects/p/topics/dead", "maxDeliveryAttempts": 5}, "deadLetterTopic"),  # project id short
    ({"deadLetterTopic": "projects/emulated-project/topics/dead", "maxDeliveryAttempts": 4}, "maxDeliveryAttempts"),
    ({"deadLetterTopic": "projects/emulated-project/topics/dead", "maxDeliveryAttempts": 101}, "maxDeliveryAttempts"),
    ({"messageOrdering": "yes"}, "messageOrdering"),
])
def test_dead_letter_policy_is_checked(world: World, body: dict, field: str) -> None:
    reply = world.control("POST", "pubsub", body, expect=400)
    assert reply["error"]["details"][0]["fieldViolations"][0]["field"] == field


def test_non_2xx_is_retried_with_backoff_and_increasing_delivery_attempt(world: World) -> None:
    alice = organizer(world.emulator)
    subscribe(alice, [STARTED])
    world.control("POST", "pubsub", {"deadLetterTopic": "projects/emulated-project/topics/dead-letters"})
    world.push.statuses.extend([500, 503, 429])
    join(world, alice.space["name"], anonymous=True)
    world.flush()
    received = world.push.received
    assert [r["body"]["deliveryAttempt"] for r in received] == [1, 2, 3, 4]
    assert len({r["body"]["message"]["messageId"] for r in received}) == 1
    gaps = [b["at"] - a["at"] for a, b in itertools.pairwise(received)]
    assert gaps[0] >= 0.015 and gaps[1] >= 0.035 and gaps[2] >= 0.075  # 0.02 s doubling
    overview = world.control("GET", "pubsub")
    assert overview["stats"]["attempts"] == 4 and overview["stats"]["failedAttempts"] == 3
    assert overview["stats"]["delivered"] == 1
    assert [(d["status"], d["outcome"]) for d in overview["deliveries"]] == [
        (500, "nacked"), (503, "nacked"), (429, "nacked"), (200, "acked")]


def test_unreachable_endpoint_and_max_delivery_attempts(world: World) -> None:
    alice = organizer(world.emulator)
    subscribe(alice, [STARTED])
    dead = "projects/emulated-project/topics/dead-letters"
    world.control("POST", "pubsub", {"pushUrl": "http://127.0.0.1:9/push", "deadLetterTopic": dead,
                                     "maxDeliveryAttempts": 5})
    join(world, alice.space["name"], anonymous=True)
    world.flush()
    deliveries = world.control("GET", "pubsub")["deliveries"]
    assert [d["outcome"] for d in deliveries] == ["nacked"] * 4 + ["deadLettered"]
    assert deliveries[-1]["deadLetterTopic"] == dead
    assert deliveries[0]["status"] is None and "Connection" in deliveries[0]["error"]
    stats = world.control("GET", "pubsub")["stats"]
    assert stats["deadLettered"] == 1 and {"name": dead, "published": 1} in stats["topics"]


def test_duplicates_repeat_each_message_with_its_message_id(world: World) -> None:
    alice = organizer(world.emulator)
    subscribe(alice, [STARTED, JOINED])
    world.control("POST", "pubsub", {"duplicates": 2})
    join(world, alice.space["name"], anonymous=True)
    world.flush()
    ids = [e["message"]["messageId"] for e in world.push.envelopes()]
    assert len(ids) == 6 and len(set(ids)) == 2 and all(ids.count(i) == 3 for i in ids)
    assert world.control("GET", "pubsub")["stats"]["published"] == 2


def test_pause_holds_and_unpause_releases_in_order(world: World) -> None:
    alice = organizer(world.emulator)
    subscribe(alice, [STARTED, JOINED])
    world.control("POST", "pubsub", {"paused": True})
    join(world, alice.space["name"], anonymous="Guest A")
    join(world, alice.space["name"], anonymous="Guest B")
    flushed = world.control("POST", "pubsub/flush", {"timeoutSeconds": 0.3})
    assert flushed["idle"] is False and flushed["stats"]["held"] == 3
    assert world.push.received == []
    world.control("POST", "pubsub", {"paused": False})
    world.flush()
    assert world.push.types() == [STARTED, JOINED, JOINED]


def test_shuffle_delivers_out_of_order(world: World) -> None:
    alice = organizer(world.emulator)
    subscribe(alice, [JOINED])
    world.control("POST", "pubsub", {"paused": True})
    for index in range(8):
        join(world, alice.space["name"], anonymous=f"Guest {index}")
    published = [m["messageId"] for m in world.published()]
    world.control("POST", "pubsub", {"shuffle": True, "seed": 7, "paused": False})
    world.flush()
    delivered = [e["message"]["messageId"] for e in world.push.envelopes()]
    assert sorted(delivered) == sorted(published) and delivered != published


def test_reset_drops_pending_deliveries(world: World) -> None:
    alice = organizer(world.emulator)
    subscribe(alice, [STARTED])
    world.control("POST", "pubsub", {"paused": True})
    join(world, alice.space["name"], anonymous=True)
    world.control("POST", "reset")
    overview = world.control("GET", "pubsub")
    assert overview["settings"]["paused"] is False and overview["stats"]["pending"] == 0
    assert overview["stats"]["published"] == 0
    world.flush()
    assert world.push.received == []


def test_only_matching_active_subscriptions_get_events(world: World) -> None:
    alice = organizer(world.emulator)
    other_space = world.emulator.meet(alice.creds).spaces().create(body={}).execute()
    subscribe(alice, [JOINED])  # not STARTED
    join(world, alice.space["name"], anonymous=True)
    join(world, other_space["name"], anonymous=True)  # no subscription there
    world.flush()
    assert world.push.types() == [JOINED]


def test_meet_lifecycle_end_to_end(world: World) -> None:
    alice = organizer(world.emulator)
    subscription = subscribe(alice, list(ALL_MEET))
    space = alice.space["meetingCode"]
    alice_joined = join(world, space, user="alice@example.com")
    guest = join(world, space, anonymous="Guest")
    world.control("POST", "meet/leave", {"space": space, "anonymous": "Guest"})
    ended = world.control("POST", "meet/end", {"space": space, "recording": True, "smartNotes": True,
                                               "transcript": [{"user": "alice@example.com", "text": "Hello"}]})
    world.advance(10 * 60)  # transcript +2 min, recording +5, smart notes +8
    world.flush()
    record = alice_joined["conferenceRecord"]
    expected = [
        (STARTED, {"conferenceRecord": {"name": record}}),
        (JOINED, {"participantSession": {"name": alice_joined["participantSession"]["name"]}}),
        (JOINED, {"participantSession": {"name": guest["participantSession"]["name"]}}),
        (LEFT, {"participantSession": {"name": guest["participantSession"]["name"]}}),
        (LEFT, {"participantSession": {"name": alice_joined["participantSession"]["name"]}}),
        (ENDED, {"conferenceRecord": {"name": record}}),
        (TRANSCRIPT, {"transcript": {"name": ended["transcripts"][0]["name"]}}),
        (RECORDING, {"recording": {"name": ended["recordings"][0]["name"]}}),
        (SMART_NOTE, {"smartNote": {"name": ended["smartNotes"][0]["name"]}}),
    ]
    assert [(t, d) for t, d, _ in world.push.events()] == expected
    attributes = [a for _, _, a in world.push.events()]
    assert len({a["ce-id"] for a in attributes}) == len(expected)
    assert {a["ce-source"] for a in attributes} == {f"//workspaceevents.googleapis.com/{subscription['name']}"}
    times = [a["ce-time"] for a in attributes]
    assert times == sorted(times)


def test_user_target_gets_events_of_owned_spaces(world: World) -> None:
    alice = organizer(world.emulator)
    user_id = alice.user["name"].split("/")[1]
    alice.events.subscriptions().create(body={
        "targetResource": f"//cloudidentity.googleapis.com/users/{user_id}", "eventTypes": [STARTED],
        "notificationEndpoint": {"pubsubTopic": TOPIC}}).execute()
    bob = organizer(world.emulator, "bob@example.com")
    join(world, alice.space["name"], anonymous=True)
    join(world, bob.space["name"], anonymous=True)
    world.flush()
    assert [a["ce-subject"] for _, _, a in world.push.events()] == [alice.target]


def test_no_push_url_publishes_without_pushing(world: World) -> None:
    alice = organizer(world.emulator)
    subscribe(alice, [STARTED])
    world.control("POST", "pubsub", {"pushUrl": None})
    join(world, alice.space["name"], anonymous=True)
    world.flush()
    assert world.push.received == [] and len(world.published(STARTED)) == 1
    world.control("POST", "pubsub", {"reset": True})
    assert world.control("GET", "pubsub")["settings"]["pushUrl"] == world.push.url


def test_control_plane_rejects_bad_settings(world: World) -> None:
    for body in ({"duplicates": -1}, {"shuffle": "yes"}, {"colour": 1}, {"concurrency": 0}, {"paused": None}):
        error = world.control("POST", "pubsub", body, expect=400)["error"]
        assert error["status"] == "INVALID_ARGUMENT"


def test_concurrent_pushes(world: World) -> None:
    alice = organizer(world.emulator)
    subscribe(alice, [JOINED])
    world.control("POST", "pubsub", {"concurrency": 4, "duplicates": 3})
    join(world, alice.space["name"], anonymous=True)
    world.flush()
    wait_for(lambda: len(world.push.received) == 4)
    assert len({e["message"]["messageId"] for e in world.push.envelopes()}) == 1


def test_stopping_the_server_waits_for_pushes_in_flight_and_leaves_no_worker_running() -> None:
    # A worker left running at exit, signing a push's token, aborts the whole process.
    arrived, answer, answered = threading.Event(), threading.Event(), []
    endpoint = Flask("slow-push-endpoint")

    @endpoint.post("/push")
    def push() -> tuple[str, int]:
        arrived.set()
        answer.wait(10)
        answered.append(True)
        return "", 204

    push_server = BackgroundServer(endpoint).start()
    emulator = create_emulator(EmulatorConfig(push_url=push_server.url + "/push"))
    server = BackgroundServer(emulator).start()
    state = emulator.extensions["emulator"]
    try:
        first = state.events.pubsub
        first.publish(TOPIC, {"n": 1}, {"ce-id": "1"})
        assert arrived.wait(10)
        state.reset()  # the first world's Pub/Sub is closed with its push still in flight...
        assert first.closed and not first.join(0)
        threading.Timer(0.3, answer.set).start()
        server.stop()  # ...and stopping the server waits for it, and for the new world's workers
        assert answered == [True]
        assert first.join(0) and state.events.pubsub.join(0)
    finally:
        answer.set()
        push_server.stop()
