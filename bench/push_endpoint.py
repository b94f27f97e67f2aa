"""``POST /pubsub/push`` throughput: the app beside a bare endpoint doing the same token check
and one INSERT into PostgreSQL.

Both run on gunicorn with 2 workers × 4 threads (as ``bench.chat_endpoint``), each on a
fresh PostgreSQL database. The app runs as in production (``bench.harness.gunicorn_app``:
``AUTH_MODE=delegation``, Pub/Sub configured, no reconciler); the bare peer is
``bench.bare_push``.

The pushes are real: 20 meetings are created with ``/meet`` and subscribed to Meet's
events by the app; then, with the emulator's pusher switched off, a third person joins and
leaves each meeting over and over in the emulator's Meet, which publishes one Workspace
Event (a CloudEvent in Pub/Sub's binary mode) per join or leave. Every published message
becomes one push, built as Pub/Sub pushes it (``bench.burst.PubSubPusher``: the same
envelope, an OIDC token signed with the emulator's Google key for the push service account
and the receiver's audience, a fresh token per push). Every push is a distinct event, so
the app takes each one (claims its id and asks for its meeting's sync, waking the sync
worker); the app's background syncs, at most one per meeting per debounce, run during the
measurement, as they would in production.

Each server gets the same messages: a warm-up, then the measured ones, from 8 (``--quick``:
4) closed-loop senders. Key ``push_ratio`` = app pushes acknowledged per second ÷ bare
(goal ≥ 0.8); ``push_errors`` (answers other than 204) must be 0.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from typing import Any

import requests
import sqlalchemy as sa

from . import burst
from .bare_push import CREATE_TABLE
from .freshness import set_up_probes
from .harness import (PUSH_SERVICE_ACCOUNT, closed_loop, free_port, gunicorn_app, gunicorn_command,
                      postgres_database, process, process_tree_cpu_seconds)
from .meet_overhead import call_kind

WORKERS, THREADS = 2, 4  # as bench.chat_endpoint
MEETINGS = 20


def _publish_events(app: Any, probes: list[Any], count: int) -> None:
    """At least ``count`` Meet events: each probe's third person joins and leaves in turn."""
    per_meeting = -(-count // len(probes))
    local = threading.local()

    def toggle(probe: Any) -> None:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        for _ in range(per_meeting):
            app.control("POST", "meet/leave" if probe.mover_in else "meet/join",
                        {"space": probe.code, "user": probe.mover}, session=local.session)
            probe.mover_in = not probe.mover_in

    burst._in_parallel(toggle, probes)


@dataclass
class Measured:
    per_second: float
    errors: int  # answers other than 204
    p50_ms: float
    p95_ms: float
    cpu_ms_per_push: float | None  # the server's processes (/proc), the app's background syncs included
    started: float  # perf_counter() around the measured pushes
    ended: float


def _measure(server: Any, url: str, pushes: list[burst.Push], *, warm_up: int, concurrency: int) -> Measured:
    """Push ``pushes[:warm_up]``, then measure ``pushes[warm_up:]``."""
    def call(session: requests.Session, index: int, offset: int = 0) -> bool:
        push = pushes[offset + index]
        return session.post(url, data=push.body, headers=push.headers, timeout=30).status_code == 204

    warm = closed_loop(call, total=warm_up, concurrency=concurrency)
    cpu_before, started = process_tree_cpu_seconds(server.pid), time.perf_counter()
    result = closed_loop(lambda session, index: call(session, index, warm_up), total=len(pushes) - warm_up,
                         concurrency=concurrency)
    cpu_after, ended = process_tree_cpu_seconds(server.pid), time.perf_counter()
    cpu = (cpu_after - cpu_before) * 1000 / result.requests if cpu_before is not None and cpu_after is not None \
        else None
    return Measured(result.per_second, warm.errors + result.errors, result.p50_ms, result.p95_ms, cpu, started, ended)


def run(quick: bool) -> dict[str, Any]:
    total, concurrency = (400, 4) if quick else (4000, 8)
    warm_up = max(40, total // 10)
    batch = total + warm_up
    with postgres_database() as app_database, postgres_database() as bare_database, \
            gunicorn_app(workers=WORKERS, threads=THREADS, database_url=app_database, pubsub=True,
                         time_calls=True) as app:
        probes = set_up_probes(app, MEETINGS, "push")
        app.control("POST", "pubsub", {"pushUrl": None})  # the benchmark pushes
        mark = len(app.control("GET", "pubsub/messages")["messages"])
        _publish_events(app, probes, 2 * batch)
        messages = app.control("GET", "pubsub/messages")["messages"][mark:mark + 2 * batch]
        random.Random(burst.SEED).shuffle(messages)  # meetings interleaved, as many subscriptions' events are
        shared, fresh = messages[:batch], messages[batch:]  # bare and app; the app without syncs
        pusher = burst.PubSubPusher(app)

        engine = sa.create_engine(bare_database, poolclass=sa.pool.NullPool)
        with engine.begin() as connection:
            connection.exec_driver_sql(CREATE_TABLE)
        engine.dispose()
        port = free_port()
        bare_url = f"http://127.0.0.1:{port}"
        pusher.url = bare_url + "/pubsub/push"  # the audience of the bare endpoint's tokens
        bare_env = {"DATABASE_URL": bare_database, "PUBSUB_AUDIENCE": pusher.url,
                    "PUBSUB_SERVICE_ACCOUNT": PUSH_SERVICE_ACCOUNT,
                    "GOOGLE_CERTS_URL": app.emulator_url + "/oauth2/v1/certs"}
        pushes = [pusher.prepare(message) for message in shared]
        with process(gunicorn_command("bench.bare_push:create_app()", port=port, workers=WORKERS, threads=THREADS),
                     bare_url + "/healthz", env=bare_env) as server:
            bare = _measure(server, pusher.url, pushes, warm_up=warm_up, concurrency=concurrency)

        pusher.url = app.push_url
        pushes = [pusher.prepare(message) for message in shared]
        full = _measure(app.server, app.push_url, pushes, warm_up=warm_up, concurrency=concurrency)
        assert app.timer is not None
        sync_calls: dict[str, int] = {}  # only the syncs call Google here
        for google_call in app.timer.between(full.started, full.ended):
            kind = call_kind(google_call)
            sync_calls[kind] = sync_calls.get(kind, 0) + 1

        # The endpoint alone: the same app on the same database, with a debounce no sync
        # outlasts (the first server is stopped, or its workers would run the syncs asked for).
        app.server.terminate()
        app.server.wait(timeout=30)
        port = free_port()
        pusher.url = f"http://127.0.0.1:{port}/pubsub/push"
        pushes = [pusher.prepare(message) for message in fresh]
        env = {**app.env, "PUBSUB_AUDIENCE": pusher.url, "SYNC_DEBOUNCE_SECONDS": "3600"}
        with process(gunicorn_command("main:app", port=port, workers=WORKERS, threads=THREADS),
                     f"http://127.0.0.1:{port}/healthz", env=env) as server:
            alone = _measure(server, pusher.url, pushes, warm_up=warm_up, concurrency=concurrency)
    return {
        "push_ratio": round(full.per_second / bare.per_second, 3),
        "push_app_rps": round(full.per_second, 1),
        "push_bare_rps": round(bare.per_second, 1),
        "push_ratio_without_syncs": round(alone.per_second / bare.per_second, 3),
        "push_app_without_syncs_rps": round(alone.per_second, 1),
        "push_app_p50_ms": round(full.p50_ms, 1),
        "push_app_p95_ms": round(full.p95_ms, 1),
        "push_bare_p50_ms": round(bare.p50_ms, 1),
        "push_bare_p95_ms": round(bare.p95_ms, 1),
        "push_app_cpu_ms": _rounded(full.cpu_ms_per_push),
        "push_app_without_syncs_cpu_ms": _rounded(alone.cpu_ms_per_push),
        "push_bare_cpu_ms": _rounded(bare.cpu_ms_per_push),
        "push_app_sync_google_calls": sum(sync_calls.values()),
        "push_app_sync_google_calls_by_kind": dict(sorted(sync_calls.items())),
        "push_measured": total,
        "push_errors": full.errors + alone.errors + bare.errors,
    }


def _rounded(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None
