"""Every timestamp the emulator writes is RFC 3339 as Google's JSON mapping writes a
``Timestamp``: UTC with a ``Z`` and 0, 3, 6 or 9 fractional digits.

A whole meeting runs through local mode (the real app, the real client libraries): the
emulator's every JSON response is recorded on its way out (Meet, Chat, Workspace
Events, Vertex AI, OAuth and the control plane, the playground's snapshot included), and
every request the emulator makes of the app (Chat interaction events, Pub/Sub pushes
with their CloudEvents attributes and decoded payloads) on its way in. Each timestamp in
them — any string that starts like a date-time, and any field named like a time — must
have Google's form.
"""

from __future__ import annotations

import base64
import io
import json
import re
import tempfile
import threading
from typing import Any, Callable, Iterator

import requests

from local.cli import app_messages, demo_transcript, link_alice, wait_for
from local.stack import LocalStack

GOOGLE_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6}|\.\d{9})?Z")
LOOKS_LIKE_A_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
TIME_KEYS = {"time", "now", "ce-time", "publish_time"}


def time_key(key: str) -> bool:
    return key in TIME_KEYS or key.endswith("Time")


def timestamps(value: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """(path, value) of every timestamp-like value in a decoded JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{where}.{key}"
            if time_key(str(key)) and item is not None and not isinstance(item, (dict, list)):
                yield path, item
            else:
                yield from timestamps(item, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from timestamps(item, f"{where}[{index}]")
    elif isinstance(value, str) and LOOKS_LIKE_A_TIME.match(value):
        yield where, value


def bad_timestamps(document: Any) -> list[tuple[str, Any]]:
    return [(path, value) for path, value in timestamps(document)
            if not (isinstance(value, str) and GOOGLE_TIMESTAMP.fullmatch(value))]


def test_the_checker_tells_googles_form_from_others() -> None:
    good = {"createTime": "2024-05-01T10:00:00Z", "a": ["2024-05-01T10:00:00.120Z", "2024-05-01T10:00:00.123456Z"],
            "ce-time": "2024-05-01T10:00:00.123456789Z", "timeZone": {"id": "UTC", "offset": 0}, "endTime": None}
    assert bad_timestamps(good) == []
    for wrong in ("2024-05-01T10:00:00.12Z", "2024-05-01T10:00:00.1234Z", "2024-05-01T10:00:00+00:00",
                  "2024-05-01T10:00:00", "2024-05-01 10:00:00Z", 1714557600.0):
        assert bad_timestamps({"startTime": wrong}), wrong
    assert bad_timestamps({"time": 1714557600.25}) and bad_timestamps({"note": "2024-05-01T10:00:00.5Z"})


class ResponseRecorder:
    """WSGI middleware keeping (path, JSON body) of every JSON response."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app, self.lock, self.seen = app, threading.Lock(), []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        kind: dict[str, str] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            kind["type"] = dict((k.lower(), v) for k, v in headers).get("content-type", "")
            return start_response(status, headers, exc_info)

        body = b"".join(self.app(environ, capture))
        if "json" in kind.get("type", "") and body.strip():
            with self.lock:
                self.seen.append((environ["PATH_INFO"], json.loads(body)))
        return [body]


class RequestRecorder:
    """WSGI middleware keeping (path, JSON body) of every request the app receives."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app, self.lock, self.seen = app, threading.Lock(), []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(raw)
        if raw and "json" in environ.get("CONTENT_TYPE", ""):
            with self.lock:
                self.seen.append((environ["PATH_INFO"], json.loads(raw)))
        return self.app(environ, start_response)


def test_every_timestamp_the_emulator_writes_has_googles_form() -> None:
    directory = tempfile.mkdtemp(prefix="meetbot-timestamps-")
    # Gemini as summariser, so Vertex AI's generateContent answers are among the responses.
    stack = LocalStack(directory=directory, auto_consent=True, extra_env={"SUMMARIZER": "gemini"}).start()
    emulator = ResponseRecorder(stack.emulator_app.wsgi_app)
    stack.emulator_app.wsgi_app = emulator  # type: ignore[method-assign]
    app = RequestRecorder(stack.app.wsgi_app)
    stack.app.wsgi_app = app  # type: ignore[method-assign]
    try:
        seeded = stack.seed()
        space = seeded["space"]["name"]
        alice, bob = seeded["people"][0], seeded["people"][1]
        answer = stack.control("POST", "chat/messages", {"space": space, "sender": alice["name"],
                                                         "text": "/meet Weekly sync @Bob Brown"})
        link_alice(stack, answer)
        wait_for(lambda: any(m.get("cardsV2") for m in app_messages(stack, space)))
        card = next(m for m in app_messages(stack, space) if m.get("cardsV2"))
        code = card["clientAssignedMessageId"][len("client-meet-"):]
        stack.control("POST", "meet/join", {"space": code, "user": alice["name"]})
        stack.control("POST", "meet/join", {"space": code, "user": bob["name"]})
        stack.control("POST", "clock", {"advanceSeconds": 1200.123})  # fractional: milliseconds in every time
        stack.control("POST", "meet/leave", {"space": code, "user": bob["name"]})
        stack.control("POST", "chat/clicks", {"message": card["name"], "user": alice["name"], "function": "meeting_refresh"})
        stack.control("POST", "meet/end", {"space": code, "recording": True, "smartNotes": True,
                                           "transcript": demo_transcript(alice["name"], bob["name"])})
        wait_for(lambda: "Meeting summary" in json.dumps(app_messages(stack, space)))
        stack.control("POST", "clock", {"advanceSeconds": 600.0005})
        wait_for(lambda: json.dumps(app_messages(stack, space)).count("being prepared") == 0, timeout=60)
        stack.control("POST", "pubsub/flush", {"timeoutSeconds": 30})
        space_id = space.split("/", 1)[1]
        for path in ("clock", "calls", "pubsub", "pubsub/messages", f"chat/spaces/{space_id}/messages",
                     "chat/deliveries", "events/subscriptions", f"meet/spaces/{code}", "users",
                     f"playground/state?space={space}"):
            requests.get(f"{stack.emulator_url}/_emulator/{path}", timeout=30).raise_for_status()
    finally:
        stack.stop()

    with emulator.lock:
        responses = list(emulator.seen)
    with app.lock:
        requests_in = list(app.seen)
    documents: list[tuple[str, Any]] = list(responses)
    for path, body in requests_in:
        documents.append((path, body))
        message = body.get("message") if path.endswith("/pubsub/push") else None
        if isinstance(message, dict) and message.get("data"):
            documents.append((path + " data", json.loads(base64.b64decode(message["data"]))))

    problems = [(path, where, value) for path, document in documents for where, value in bad_timestamps(document)]
    assert problems == [], problems[:20]

    # Every surface was seen, and each wrote timestamps that were checked.
    checked: dict[str, int] = {}
    surfaces = {
        "Meet conference records": "/v2/conferenceRecords",
        "Chat API": "/v1/spaces", "Workspace Events": "/v1/subscriptions", "Vertex AI": "/v1beta1/projects/",
        "control plane clock": "/_emulator/clock", "control plane calls": "/_emulator/calls",
        "Pub/Sub control": "/_emulator/pubsub", "Chat control": "/_emulator/chat/",
        "playground": "/_emulator/playground/state", "Chat events": "/", "Pub/Sub pushes": "/pubsub/push",
    }
    for surface, prefix in surfaces.items():
        matching = [d for p, d in (documents if surface in ("Chat events", "Pub/Sub pushes") else responses)
                    if (p == prefix if prefix == "/" else p.startswith(prefix))]
        checked[surface] = sum(1 for d in matching for _ in timestamps(d))
    assert all(checked.values()), checked
    kinds = {body.get("type") for path, body in requests_in if path == "/"}
    assert {"ADDED_TO_SPACE", "MESSAGE", "CARD_CLICKED"} <= kinds, kinds
