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
4) closed-loop senders, in 2 rounds alternating between the two servers
(ABBA), 2 s apart so that the syncs a round of the app asked for run between rounds rather
than inside the bare endpoint's next round (those asked for in the round's last debounce
are thus not counted against the app); the machine is shared, and its load changes from
one ten seconds to the next. Key ``push_ratio`` = app pushes acknowledged per second ÷
bare (goal ≥ 0.8); ``push_errors`` (answers other than 204) must be 0.

``push_ratio_without_syncs``: the app again, with ``SYNC_DEBOUNCE_SECONDS=3600`` so that its
sync worker never runs during the measurement (the first app server is stopped: it would
run the syncs asked for), beside the bare endpoint again, with other events of the same
meetings: the push endpoint alone (full size only: ``--quick`` leaves it out).
"""

from __future__ import annotations

import random
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import requests
import sqlalchemy as sa

from . import burst
from .bare_push import CREATE_TABLE
from .freshness import set_up_probes
from .harness import (PUSH_SERVICE_ACCOUNT, TimedCall, closed_loop, free_port, gunicorn_app, gunicorn_command,
                      postgres_database, process, process_tree_cpu_seconds)

# Rendered under the figures in docs/benchmarks.md (``bench.__main__.NOTES``): written by
# hand from ``python -m bench.profile_push`` (in-process, cProfile) and the runs above.
WHERE_THE_TIME_GOES = """\
**Where the time goes (push path).** Measured in-process with `python -m bench.profile_push`
(the app's `POST /pubsub/push` through Flask's test client, one thread, PostgreSQL on the same
machine, 1,000 distinct Meet events for 20 subscribed meetings, no syncs), three runs each.
Before (main d0b078c), a push cost PostgreSQL **6 round trips**: the pool's pre-ping, `BEGIN`,
the `processed_events` claim, the subscription lookup, the meeting's sync request and
`COMMIT`: 1.76–1.83 ms CPU and 2.7–3.0 ms wall per push; under cProfile `take_meet_event` was
69% of the time (half of it psycopg waiting on PostgreSQL, the rest SQLAlchemy building,
cache-keying and running three statements), the OIDC check 6%.
Now it costs **1 round trip**: `take_meet_event` is one data-modifying CTE (`INSERT … ON
CONFLICT DO NOTHING RETURNING`, the lookup, `UPDATE meetings` only when this delivery claimed
the id), prebuilt once (no statement building or cache-key walk per push) and sent in
autocommit (the statement is its own transaction: no `BEGIN`/`COMMIT`); and pooled
connections are pinged only after sitting idle 30 s, not at every checkout (the bare peer,
built by the same engine factory, gains that too): 1.02–1.11 ms CPU and 1.4–2.0 ms wall per
push. What is left is mostly the OIDC check (~0.25 ms: the RS256 signature and the
certificate's PEM parse, kept complete), Flask, and the envelope's parse. On gunicorn, three
full runs on the shared machine (load average 3–7) gave `push_ratio` 0.851, 0.762 and 0.917
(the table: the last; before: 0.601) and `push_ratio_without_syncs` 0.942, 0.905 and 0.702: the
throughput ratios swing with the machine's load by more than what separates them. The CPU
per push held: app 2.68 → 1.56–1.65 ms, app with its syncs held back 2.25 → 1.31–1.42 ms, bare
1.39 → 1.25–1.29 ms. The endpoint alone is now within about 0.1 ms of the bare peer; most of
the rest is the app's background syncs (about 0.25 ms CPU per push here, and two Meet reads
per synced meeting), which the push path only asks for.
"""
WORKERS, THREADS = 2, 4  # as bench.chat_endpoint
MEETINGS = 20
ROUND_PAUSE_SECONDS = 2.0  # the app's sync debounce (1 s) and then some
_RESOURCE_ID = re.compile(r"/(conferenceRecords|participants|participantSessions|spaces|messages|subscriptions|"
                          r"recordings|transcripts|entries|members|operations)/[^/:]+")


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
class Target:
    """One server and its pushes; what was measured of it, summed over its rounds."""

    server: Any  # its subprocess.Popen (for its CPU time)
    url: str
    pushes: list[burst.Push]  # the warm-up's first, then the measured ones
    pushed: int = 0
    seconds: float = 0.0
    errors: int = 0  # answers other than 204, warm-up included
    cpu_seconds: float | None = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    windows: list[tuple[float, float]] = field(default_factory=list)  # perf_counter() around each round

    @property
    def per_second(self) -> float:
        return self.pushed / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_push(self) -> float | None:
        return self.cpu_seconds * 1000 / self.pushed if self.cpu_seconds is not None and self.pushed else None

    def send(self, start: int, end: int, concurrency: int, *, measured: bool = True) -> None:
        def call(session: requests.Session, index: int) -> bool:
            push = self.pushes[start + index]
            return session.post(self.url, data=push.body, headers=push.headers, timeout=30).status_code == 204

        cpu_before, began = process_tree_cpu_seconds(self.server.pid), time.perf_counter()
        result = closed_loop(call, total=end - start, concurrency=concurrency)
        cpu_after, ended = process_tree_cpu_seconds(self.server.pid), time.perf_counter()
        self.errors += result.errors
        if not measured:
            return
        self.pushed += result.requests
        self.seconds += result.seconds
        self.latencies_ms += result.latencies_ms
        self.windows.append((began, ended))
        if cpu_before is None or cpu_after is None or self.cpu_seconds is None:
            self.cpu_seconds = None
        else:
            self.cpu_seconds += cpu_after - cpu_before


def _side_by_side(first: Target, second: Target, *, warm_up: int, rounds: int, concurrency: int) -> None:
    """Warm both up, then measure them in alternating rounds (ABBA…), so that a change in
    the machine's load (it is shared) weighs on both alike. After each round the other
    waits ``ROUND_PAUSE_SECONDS``: the syncs a round of the app's pushes asked for (they
    start a debounce later) run then, not inside the next round of the other server."""
    for target in (first, second):
        target.send(0, warm_up, concurrency, measured=False)
    time.sleep(ROUND_PAUSE_SECONDS)
    size = (len(first.pushes) - warm_up) // rounds
    for round_ in range(rounds):
        for target in (first, second) if round_ % 2 == 0 else (second, first):
            target.send(warm_up + round_ * size, warm_up + (round_ + 1) * size, concurrency)
            time.sleep(ROUND_PAUSE_SECONDS)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0


def _call_kind(call: TimedCall) -> str:
    """``GET /v2/conferenceRecords/{id}/participants``: the call without its resource ids."""
    return call.method + " " + _RESOURCE_ID.sub(r"/\1/{id}", call.path)


def run(quick: bool) -> dict[str, Any]:
    total, concurrency, rounds = (400, 4, 2) if quick else (4000, 8, 2)
    warm_up = max(40, total // 10)
    batch = total + warm_up
    with postgres_database() as app_database, postgres_database() as bare_database, \
            gunicorn_app(workers=WORKERS, threads=THREADS, database_url=app_database, pubsub=True,
                         time_calls=True) as app:
        assert app.timer is not None
        probes = set_up_probes(app, MEETINGS, "push")
        app.control("POST", "pubsub", {"pushUrl": None})  # the benchmark pushes
        mark = len(app.control("GET", "pubsub/messages")["messages"])
        batches = 1 if quick else 2
        _publish_events(app, probes, batches * batch)
        messages = app.control("GET", "pubsub/messages")["messages"][mark:mark + batches * batch]
        random.Random(burst.SEED).shuffle(messages)  # meetings interleaved, as many subscriptions' events are
        shared, fresh = messages[:batch], messages[batch:]  # with the app; with the app without syncs
        pusher = burst.PubSubPusher(app)

        def pushes_for(url: str, batch: list[dict[str, Any]]) -> list[burst.Push]:
            pusher.url = url  # the audience of the tokens
            return [pusher.prepare(message) for message in batch]

        engine = sa.create_engine(bare_database, poolclass=sa.pool.NullPool)
        with engine.begin() as connection:
            connection.exec_driver_sql(CREATE_TABLE)
        engine.dispose()
        port = free_port()
        bare_url = f"http://127.0.0.1:{port}"
        bare_env = {"DATABASE_URL": bare_database, "PUBSUB_AUDIENCE": bare_url + "/pubsub/push",
                    "PUBSUB_SERVICE_ACCOUNT": PUSH_SERVICE_ACCOUNT,
                    "GOOGLE_CERTS_URL": app.emulator_url + "/oauth2/v1/certs"}
        with process(gunicorn_command("bench.bare_push:create_app()", port=port, workers=WORKERS, threads=THREADS),
                     bare_url + "/healthz", env=bare_env) as bare_server:
            bare_push_url = bare_url + "/pubsub/push"
            bare = Target(bare_server, bare_push_url, pushes_for(bare_push_url, shared))
            full = Target(app.server, app.push_url, pushes_for(app.push_url, shared))
            _side_by_side(bare, full, warm_up=warm_up, rounds=rounds, concurrency=concurrency)
            sync_calls: dict[str, int] = {}  # only the syncs call Google here
            for began, ended in full.windows:
                for google_call in app.timer.between(began, ended):
                    kind = _call_kind(google_call)
                    sync_calls[kind] = sync_calls.get(kind, 0) + 1

            if quick:  # CI checks the machinery and correctness; one server fewer to start
                return _figures(bare, full, None, None, sync_calls, total, rounds)
            # The endpoint alone: the same app on the same database, with a debounce no
            # sync outlasts (the first server is stopped, or its workers would run the syncs
            # asked for), beside the bare endpoint again, with other events of the meetings.
            app.server.terminate()
            app.server.wait(timeout=30)
            port = free_port()
            alone_url = f"http://127.0.0.1:{port}/pubsub/push"
            env = {**app.env, "PUBSUB_AUDIENCE": alone_url, "SYNC_DEBOUNCE_SECONDS": "3600"}
            with process(gunicorn_command("main:app", port=port, workers=WORKERS, threads=THREADS),
                         f"http://127.0.0.1:{port}/healthz", env=env) as alone_server:
                alone = Target(alone_server, alone_url, pushes_for(alone_url, fresh))
                bare_again = Target(bare_server, bare_push_url, pushes_for(bare_push_url, fresh))
                _side_by_side(bare_again, alone, warm_up=warm_up, rounds=rounds, concurrency=concurrency)
    return _figures(bare, full, alone, bare_again, sync_calls, total, rounds)


def _figures(bare: Target, full: Target, alone: Target | None, bare_again: Target | None, sync_calls: dict[str, int],
             total: int, rounds: int) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "push_ratio": round(full.per_second / bare.per_second, 3),
        "push_app_rps": round(full.per_second, 1),
        "push_bare_rps": round(bare.per_second, 1),
    }
    if alone is not None and bare_again is not None:
        figures.update({
            "push_ratio_without_syncs": round(alone.per_second / bare_again.per_second, 3),
            "push_app_without_syncs_rps": round(alone.per_second, 1),
            "push_bare_again_rps": round(bare_again.per_second, 1),
        })
    figures.update({
        "push_app_p50_ms": round(_percentile(full.latencies_ms, 0.5), 1),
        "push_app_p95_ms": round(_percentile(full.latencies_ms, 0.95), 1),
        "push_bare_p50_ms": round(_percentile(bare.latencies_ms, 0.5), 1),
        "push_bare_p95_ms": round(_percentile(bare.latencies_ms, 0.95), 1),
        "push_app_cpu_ms": _rounded(full.cpu_ms_per_push),
    })
    if alone is not None:
        figures["push_app_without_syncs_cpu_ms"] = _rounded(alone.cpu_ms_per_push)
    figures.update({
        "push_bare_cpu_ms": _rounded(bare.cpu_ms_per_push),
        "push_app_sync_google_calls": sum(sync_calls.values()),
        "push_app_sync_google_calls_by_kind": dict(sorted(sync_calls.items())),
        "push_measured": total,
        "push_rounds": rounds,
        "push_errors": sum(t.errors for t in (bare, full, alone, bare_again) if t is not None),
    })
    return figures


def _rounded(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None
