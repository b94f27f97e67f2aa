"""The request path without a web framework: ``bot.pipeline``'s values, its chain of steps,
and ``MeetBot`` built (nothing started), started and stopped.

The HTTP behaviour itself (every status, body and header) is pinned through Flask and
real HTTP by tests/e2e and tests/security; these check what those cannot see.
"""

from __future__ import annotations

import json
import pathlib
import threading
from typing import Iterator

import pytest

from bot.app import build_bot
from bot.authorization import LinkingOff, Redirect
from bot.authorization.linking import LinkingIsOff
from bot.config import Config
from bot.pipeline import Json, MeetBot, Pipeline, Rejected, Request, Response
from bot.pipeline.chain import Next
from domain import Person
from tests.support import Emulator

BACKGROUND = {"meeting-sync", "reconciler"}


# -- Request -----------------------------------------------------------------------------------
def test_headers_are_found_whatever_their_case_and_the_first_of_repeated_ones_counts() -> None:
    request = Request.of("POST", "/", [("Authorization", "Bearer a"), ("AUTHORIZATION", "Bearer b"),
                                       ("X-Cloud-Trace-Context", "abc/1")])
    assert request.header("authorization") == "Bearer a"
    assert request.header("x-cloud-trace-context") == "abc/1"
    assert request.header("Content-Type") is None


def test_the_flask_adapter_reads_headers_in_place_whatever_their_case() -> None:
    from flask import Flask

    from bot.views import core_request

    with Flask(__name__).test_request_context("/?a=1&a=2", method="POST", data=b"{}", headers=[
            ("Authorization", "Bearer x"), ("X-Cloud-Trace-Context", "abc/1"), ("Content-Type", "application/json")]):
        adapted = core_request()
        assert adapted.header("authorization") == adapted.header("AUTHORIZATION") == "Bearer x"
        assert adapted.header("x-cloud-trace-context") == "abc/1" and adapted.header("X-Missing") is None
        assert {"authorization", "x-cloud-trace-context", "content-type"} <= set(adapted.headers)
        assert adapted.headers["Content-Type"] == "application/json" and "x-missing" not in adapted.headers
        assert adapted.query == {"a": "1"} and adapted.json() == {}


def test_the_body_is_read_only_when_asked_and_only_once() -> None:
    reads: list[int] = []

    def read() -> bytes:
        reads.append(1)
        return b'{"a": 1}'

    request = Request.of("POST", "/", {"Content-Type": "application/json"}, body=read)
    assert reads == []
    assert request.json() == {"a": 1}
    assert request.body == b'{"a": 1}'
    assert reads == [1]


def test_the_body_is_parsed_once_however_many_steps_read_it() -> None:
    request = Request.of("POST", "/", {"Content-Type": "application/json"}, body=b'{"a": [1]}')
    first = request.json()
    assert first == {"a": [1]} and request.json() is first  # the token check and the parser share it
    refused = Request.of("POST", "/", {"Content-Type": "application/json"}, body=b'{"a": ')
    assert refused.json() is None and refused.json() is None  # a failed parse is remembered too


@pytest.mark.parametrize("content_type, body, expected", [
    ("application/json", b'{"a": [1]}', {"a": [1]}),
    ("application/json; charset=utf-8", b'[1]', [1]),
    ("application/cloudevents+json", b'{"b": 2}', {"b": 2}),
    (None, b'{"a": 1}', None),  # not declared as JSON: not read as JSON
    ("text/plain", b'{"a": 1}', None),
    ("application/json", b'{"a": ', None),  # does not parse
    ("application/json", b"\xff\xfe\xfa", None),  # not text at all
    ("application/json", b"[" * 100_000 + b"]" * 100_000, None),  # deeper than the parser recurses
])
def test_a_body_is_json_only_when_declared_so_and_well_formed(content_type: str | None, body: bytes,
                                                              expected: object) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    assert Request.of("POST", "/", headers, body=body).json() == expected


# -- Pipeline ----------------------------------------------------------------------------------
def test_steps_run_in_order_around_the_parse_and_the_handler() -> None:
    seen: list[str] = []

    def outer(request: Request, next: Next) -> Response:
        seen.append("outer in")
        response = next()
        seen.append(f"outer out {response.status}")
        return response

    def inner(request: Request, next: Next) -> Response:
        seen.append("inner")
        return next()

    def parse(request: Request) -> int:
        seen.append("parse")
        return len(request.path)

    def event_step(request: Request, event: int, next: Next) -> Response:
        seen.append(f"event step {event}")
        return next()

    def handler(request: Request, event: int) -> Response:
        seen.append(f"handler {event}")
        return Response.json({"length": event}, 201)

    pipeline = Pipeline(request_steps=(outer, inner), parse=parse, event_steps=(event_step,), handler=handler)
    assert pipeline(Request.of("GET", "/abc", {})) == Response(201, Json({"length": 4}))
    assert seen == ["outer in", "inner", "parse", "event step 4", "handler 4", "outer out 201"]


def test_a_step_that_rejects_answers_and_nothing_after_it_runs() -> None:
    ran: list[str] = []

    def guard(request: Request, next: Next) -> Response:
        if request.header("Authorization") is None:
            raise Rejected(Response.error("unauthenticated", 401))
        return next()

    def parse(request: Request) -> str:
        ran.append("parse")
        if request.path != "/":
            raise Rejected(Response(204))
        return "event"

    def handler(request: Request, event: str) -> Response:
        ran.append("handler")
        return Response.json({"ok": True})

    pipeline = Pipeline(request_steps=(guard,), parse=parse, handler=handler)
    assert pipeline(Request.of("POST", "/", {})) == Response(401, Json({"error": "unauthenticated"}))
    assert ran == []
    assert pipeline(Request.of("POST", "/other", {"Authorization": "x"})) == Response(204)
    assert ran == ["parse"]
    assert pipeline(Request.of("POST", "/", {"Authorization": "x"})).status == 200
    assert ran == ["parse", "parse", "handler"]


# -- MeetBot -----------------------------------------------------------------------------------
@pytest.fixture
def config(tmp_path: pathlib.Path, emulator: Emulator) -> Config:
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(emulator.service_account_info()), encoding="utf-8")
    return Config.from_env({
        "CHAT_EVENT_FORMAT": "classic", "CHAT_PROJECT_NUMBER": "123456789012", "AUTH_MODE": "delegation",
        "DELEGATION_CREDENTIALS_FILE": str(key_file), "CHAT_CREDENTIALS_FILE": str(key_file),
        "GOOGLE_API_ENDPOINT": emulator.url, "DATABASE_URL": f"sqlite:///{tmp_path / 'meetbot.db'}",
        "RECONCILE_INTERVAL_SECONDS": "30", "LOG_LEVEL": "WARNING"})


@pytest.fixture
def built(config: Config) -> Iterator[MeetBot]:
    bot = build_bot(config)
    try:
        yield bot
    finally:
        bot.stop()
        bot.services.storage.close()


def background_threads() -> set[str]:
    return {thread.name for thread in threading.enumerate() if thread.name in BACKGROUND}


def test_building_starts_nothing_and_start_and_stop_do(built: MeetBot) -> None:
    assert background_threads() == set()
    built.start()
    assert background_threads() == BACKGROUND
    built.stop()
    assert background_threads() == set()


def test_a_refused_chat_request_never_has_its_body_read(built: MeetBot) -> None:
    def read() -> bytes:
        raise AssertionError("the body of an unauthenticated request was read")

    response = built.chat(Request.of("POST", "/", {"Content-Type": "application/json"}, body=read))
    assert response == Response(401, Json({"error": "unauthenticated"}))


def test_pushes_are_refused_as_not_configured_when_pub_sub_is_not(built: MeetBot) -> None:
    response = built.push(Request.of("POST", "/pubsub/push", {"Authorization": "Bearer x"}))
    assert response == Response(404, Json({"error": "Pub/Sub push is not configured"}))


def test_with_delegation_linking_is_off_and_says_so(built: MeetBot) -> None:
    linking = built.services.authorization
    assert isinstance(linking, LinkingOff) and not linking.links_accounts
    for answer in (linking.start("anything"), linking.finish({"state": "s", "code": "c"})):
        assert not isinstance(answer, Redirect) and answer.status == 404 and answer.reason == "disabled"
    with pytest.raises(LinkingIsOff):
        linking.begin(Person("users/1", "Alice", "alice@example.com"), None, event_format="classic",
                      config_complete_url=None)
    page = built.oauth_start(Request.of("GET", "/oauth2/start", {}, query={"state": "x"}))
    assert page.status == 404 and ("Cache-Control", "no-store") in page.headers
