"""The benchmarks' own machinery: what they measure must be what they say.

The burst benchmark plays Pub/Sub itself (it needs an exact share of duplicates), so its
pushes are checked here against the emulator's Pub/Sub: the same message body, and a
token the app's push verifier accepts.
"""

from __future__ import annotations

import json
import time
from types import SimpleNamespace
from typing import Iterator

import pytest
import requests

from bench.burst import PubSubPusher
from bench.harness import PUSH_SERVICE_ACCOUNT, CallTimer, union_seconds
from bench.meet_overhead import call_kind
from bot.pubsub import PushVerifier, parse_push
from emulator import BackgroundServer, EmulatorConfig, create_emulator

PUSH_URL = "http://127.0.0.1:9/pubsub/push"  # never reached: the pushes are only built


@pytest.fixture(scope="module")
def timed_emulator() -> Iterator[tuple[str, CallTimer, object]]:
    app = create_emulator(EmulatorConfig(pubsub_service_account=PUSH_SERVICE_ACCOUNT))
    timer = CallTimer(app.wsgi_app)
    app.wsgi_app = timer  # type: ignore[method-assign]
    server = BackgroundServer(app).start()
    try:
        yield server.url, timer, app.extensions["emulator"]
    finally:
        app.extensions["emulator"].events.close()
        server.stop()


def test_union_counts_overlapping_calls_once() -> None:
    assert union_seconds([]) == 0
    assert union_seconds([(0.0, 1.0), (0.5, 1.5), (3.0, 4.0)]) == pytest.approx(2.5)
    assert union_seconds([(2.0, 3.0), (0.0, 10.0)]) == pytest.approx(10.0)


def test_timer_records_google_calls_and_skips_the_control_plane(timed_emulator: tuple[str, CallTimer, object]) -> None:
    url, timer, _ = timed_emulator
    requests.post(f"{url}/_emulator/faults", json={"api": "meet", "method": "spaces.create", "delayMs": 50,
                                                   "times": 1}, timeout=10)
    started = time.perf_counter()
    requests.post(f"{url}/v2/spaces", json={}, timeout=10)  # no token: refused, after the injected delay
    calls = timer.between(started, time.perf_counter())
    assert [(c.method, c.path, c.status) for c in calls] == [("POST", "/v2/spaces", 401)]
    assert calls[0].ms >= 50
    assert call_kind(calls[0]) == "meet.spaces.create"


def test_pushes_are_what_the_emulators_pubsub_pushes(timed_emulator: tuple[str, CallTimer, object]) -> None:
    url, _, state = timed_emulator
    pubsub = state.events.pubsub  # type: ignore[attr-defined]
    message = pubsub.publish("projects/p/topics/t", {"conferenceRecord": {"name": "conferenceRecords/x"}},
                             {"ce-id": "e1", "ce-type": "google.workspace.meet.conference.v2.ended",
                              "ce-source": "//workspaceevents.googleapis.com/subscriptions/s1"})
    published = next(m for m in requests.get(f"{url}/_emulator/pubsub/messages", timeout=10).json()["messages"]
                      if m["messageId"] == message.id)
    pusher = PubSubPusher(SimpleNamespace(state=state, push_url=PUSH_URL))  # type: ignore[arg-type]
    push = pusher.prepare(published)
    envelope = json.loads(push.body)
    assert envelope == {"message": message.to_push_json(), "subscription": "projects/p/subscriptions/t-push",
                        "deliveryAttempt": 1}
    verifier = PushVerifier(PUSH_URL, PUSH_SERVICE_ACCOUNT, f"{url}/oauth2/v1/certs")
    assert verifier.verify(push.headers["Authorization"])["email"] == PUSH_SERVICE_ACCOUNT
    assert parse_push(envelope).id == "e1"


def test_the_minimum_of_calls_gives_a_reason_for_each() -> None:
    from bench.lifecycle import KNOWN_OVERHEAD, MINIMUM_CALLS, MINIMUM_CALLS_WHY

    assert MINIMUM_CALLS == {method: count for method, (count, _) in MINIMUM_CALLS_WHY.items()}
    assert all(count > 0 and len(why) > 10 for count, why in MINIMUM_CALLS_WHY.values())
    # Overhead is what the app makes beyond a needed call: never a method the product needs none of.
    assert set(KNOWN_OVERHEAD) <= set(MINIMUM_CALLS)


@pytest.mark.parametrize("overhead", [
    {},  # none known (as now: the fourth conference list went with migration 0012)
    {"meet.conferenceRecords.list": (1, "a read the product does not need, made for a reason given here")},
], ids=["none known", "one known"])
def test_the_page_names_the_known_overhead_or_says_there_is_none(
        monkeypatch: pytest.MonkeyPatch, overhead: dict[str, tuple[int, str]]) -> None:
    from bench import lifecycle
    from bench.__main__ import render_markdown

    monkeypatch.setattr(lifecycle, "KNOWN_OVERHEAD", overhead)
    minimum = sum(lifecycle.MINIMUM_CALLS.values())
    page = render_markdown({"runs": {"lifecycle": {"measuredAt": "2026-11-30", "size": "full", "machine": "m",
                                                   "figures": {"api_calls_minimum": minimum}}}})
    assert f"`api_calls_minimum` = {minimum}" in page
    for method, (extra, why) in overhead.items():
        assert f"| `{method}` | {extra} | {why} |" in page
    assert ("`KNOWN_OVERHEAD`): none known." in page) is not overhead
    assert ("counted as overhead in `api_calls_ratio`" in page) is bool(overhead)


def test_the_big_meetings_peak_leaves_the_emulators_server_out() -> None:
    """werkzeug's server drains each connection its client has closed with
    ``rfile.read(10_000_000)``, 9.54 MiB for an instant in the server's thread, which
    tracemalloc counted in the app's peak (bench/lifecycle.py): inside the measured window
    it reads nothing, and the emulator's call log keeps nothing until the window ends."""
    import tracemalloc

    from bench.lifecycle import _without_the_emulators_memory

    app = create_emulator(EmulatorConfig())
    state = app.extensions["emulator"]
    server = BackgroundServer(app).start()
    try:
        requests.get(f"{server.url}/v2/spaces/x", timeout=10)
        logged = list(state.calls)
        with _without_the_emulators_memory(state):
            tracemalloc.start()
            try:
                for _ in range(20):
                    requests.get(f"{server.url}/v2/spaces/x", timeout=10)
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
        assert peak < 2 * 2**20
        assert list(state.calls) == logged
        requests.get(f"{server.url}/v2/spaces/x", timeout=10)
        assert len(state.calls) == len(logged) + 1
    finally:
        server.stop()
