"""Helpers shared by the Workspace Events / Pub/Sub tests (this module holds no tests).

Each test module gets its own emulator whose ``--push-url`` points at a tiny fake push
endpoint (a Flask app on a free port) that records every push and answers from a
script; the ``world`` fixture empties both before each test.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Iterator

import pytest
from flask import Flask, Response, request
from googleapiclient import discovery
from googleapiclient.errors import HttpError

from emulator import BackgroundServer, EmulatorConfig, create_emulator, schema
from tests.support import MEET_SCOPE, Emulator

TOPIC = "projects/emulated-project/topics/meet-events"
PUSH_SUBSCRIPTION = "projects/emulated-project/subscriptions/meet-events-push"
PUSH_ACCOUNT = "pubsub-push@emulated-project.iam.gserviceaccount.com"
READONLY_SCOPE = "https://www.googleapis.com/auth/meetings.space.readonly"
MEET = "google.workspace.meet."
STARTED, ENDED = MEET + "conference.v2.started", MEET + "conference.v2.ended"
JOINED, LEFT = MEET + "participant.v2.joined", MEET + "participant.v2.left"
RECORDING, TRANSCRIPT, SMART_NOTE = (MEET + "recording.v2.fileGenerated", MEET + "transcript.v2.fileGenerated",
                                     MEET + "smartNote.v2.fileGenerated")
ALL_MEET = [STARTED, ENDED, JOINED, LEFT, RECORDING, TRANSCRIPT, SMART_NOTE]
LIFECYCLE = "google.workspace.events.subscription.v1."
HOUR = 3600
DAY = 24 * HOUR


class PushEndpoint:
    """Records every push; answers with the next scripted status (200 when none is scripted)."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.statuses: deque[int] = deque()
        self.lock = threading.Lock()
        self.app = Flask("fake-push-endpoint")

        @self.app.post("/push")
        def push() -> Response:
            with self.lock:
                self.received.append({"headers": dict(request.headers), "body": request.get_json(force=True),
                                      "at": time.monotonic()})
                status = self.statuses.popleft() if self.statuses else 200
            return Response("", status=status)

        self.server = BackgroundServer(self.app)

    @property
    def url(self) -> str:
        return f"{self.server.url}/push"

    def clear(self) -> None:
        with self.lock:
            self.received.clear()
            self.statuses.clear()

    def envelopes(self) -> list[dict[str, Any]]:
        with self.lock:
            return [entry["body"] for entry in self.received]

    def events(self) -> list[tuple[str, dict[str, Any], dict[str, str]]]:
        """(ce-type, decoded data, attributes) of every push received, in arrival order."""
        return [(e["message"]["attributes"]["ce-type"], decode(e), e["message"]["attributes"])
                for e in self.envelopes()]

    def types(self) -> list[str]:
        return [event_type for event_type, _, _ in self.events()]


def decode(envelope: dict[str, Any]) -> dict[str, Any]:
    return json.loads(base64.b64decode(envelope["message"]["data"]))


@dataclass
class World:
    emulator: Emulator
    push: PushEndpoint

    def control(self, method: str, path: str, body: Any = None, expect: int | None = 200) -> Any:
        return self.emulator.control(method, path, body, expect=expect)

    def flush(self, timeout: float = 10.0) -> dict[str, Any]:
        result = self.control("POST", "pubsub/flush", {"timeoutSeconds": timeout})
        assert result["idle"], result["stats"]
        return result

    def advance(self, seconds: float) -> None:
        self.control("POST", "clock", {"advanceSeconds": seconds})

    def published(self, event_type: str | None = None) -> list[dict[str, Any]]:
        suffix = f"?type={event_type}" if event_type else ""
        return self.control("GET", f"pubsub/messages{suffix}")["messages"]


@pytest.fixture(scope="module")
def events_world() -> Iterator[World]:
    push = PushEndpoint()
    push.server.start()
    app = create_emulator(EmulatorConfig(auto_consent=True, push_url=push.url, pubsub_min_backoff=0.02,
                                         pubsub_max_backoff=0.2, pubsub_ack_deadline=5.0))
    server = BackgroundServer(app).start()
    try:
        yield World(Emulator(server.url, app.extensions["emulator"]), push)
    finally:
        app.extensions["emulator"].events.close()
        server.stop()
        push.server.stop()


@pytest.fixture
def world(events_world: World) -> World:
    events_world.emulator.state.reset()
    events_world.push.clear()
    return events_world


def events_client(emulator: Emulator, credentials: Any) -> Any:
    return discovery.build("workspaceevents", "v1", credentials=credentials, static_discovery=True,
                           client_options={"api_endpoint": emulator.url}, cache_discovery=False)


@dataclass
class Organizer:
    user: dict[str, Any]
    creds: Any
    space: dict[str, Any]
    events: Any  # the Workspace Events discovery client with the organizer's credentials

    @property
    def target(self) -> str:
        return f"//meet.googleapis.com/{self.space['name']}"


def organizer(emulator: Emulator, email: str = "alice@example.com", scopes: list[str] | None = None,
              client_id: str | None = None) -> Organizer:
    """A user, their credentials, and a meeting space they created."""
    user = emulator.add_user(email)
    kwargs: dict[str, Any] = {"scopes": scopes or [MEET_SCOPE]}
    if client_id:
        kwargs["client_id"] = client_id
    creds = emulator.authorize(email, **kwargs)
    space = emulator.meet(creds).spaces().create(body={}).execute()
    return Organizer(user, creds, space, events_client(emulator, creds))


def subscription_body(target: str, event_types: list[str] | None = None, topic: str = TOPIC,
                      **extra: Any) -> dict[str, Any]:
    return {"targetResource": target, "eventTypes": event_types or list(ALL_MEET),
            "notificationEndpoint": {"pubsubTopic": topic}, **extra}


def subscribe(who: Organizer, event_types: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    """Create a subscription on the organizer's space; the Subscription from the done Operation."""
    operation = who.events.subscriptions().create(body=subscription_body(who.target, event_types, **extra)).execute()
    assert operation["done"] is True, operation
    response = dict(operation["response"])
    assert response.pop("@type") == "type.googleapis.com/google.apps.events.subscriptions.v1.Subscription"
    return response


def validate(schema_name: str, body: dict[str, Any]) -> dict[str, Any]:
    schema.validate("workspaceevents", schema_name, body)
    return body


def expect_error(call: Any, status: int, reason: str) -> dict[str, Any]:
    try:
        call.execute()
    except HttpError as error:
        body = json.loads(error.content)["error"]
        assert error.resp.status == status, body
        assert body["code"] == status and body["status"] == reason and body["message"], body
        return body
    raise AssertionError(f"expected HTTP {status} {reason}")


def wait_for(predicate: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.01)
