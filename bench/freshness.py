"""How fresh the join card is: a participant joins or leaves in Meet, until the card shows it.

The app runs as in the burst benchmark (``gunicorn main:app``, 4 workers × 8 threads,
PostgreSQL, ``AUTH_MODE=delegation``, no reconciler), with Pub/Sub on: the emulator's own
Pub/Sub pushes every Workspace Event to ``POST /pubsub/push`` the moment Meet publishes it
(8 pushes at a time, as a push subscription delivers side by side).

Probe meetings: each created with ``/meet`` in its own Chat space, two people in the call
throughout (so the conference never ends) and a third who joins and leaves in turn, one
event at a time, after a random pause of 0.5 to 2 s (seeded). Each event is timed from
just before the emulator's control plane is asked (``POST /_emulator/meet/join`` or
``/leave``: Meet publishes the event inside that call) until the meeting's join card in
the emulator's Chat says "In the call (n)" with the new n. The card is read from the
emulator's state in this process every 10 ms (no HTTP, so polling costs the app nothing);
the next event waits until the card has shown the last one. An event whose card has not
shown it within 120 s is lost (and its probe stops); a late one is measured as late.

* ``freshness``: 20 probe meetings live, 10 events each (``--quick``: 2 each).
  Goal: p95 ≤ the sync debounce (``SYNC_DEBOUNCE_SECONDS``, the app's default) + 1 s.
* ``freshness_burst``: 10 probe meetings (``--quick``: 4) while the burst of
  ``bench.burst`` runs beside them (200 meetings ending together, 2,000 pushes from 32
  senders; ``--quick``: 20 meetings, 200 pushes). The probes' events start with the
  burst's first push and go on until every burst meeting has settled (ended card and
  summary posted), so they compete with the pushes and then with the syncs they asked
  for. Goal: p95 ≤ 5 s. The burst's own correctness figures are kept (lost, duplicates).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import requests

from bot.config import Config

from . import burst
from .harness import GunicornApp, gunicorn_app, postgres_database

WORKERS, THREADS = 4, 8  # as bench.burst
PUSH_CONCURRENCY = 8  # the emulator's Pub/Sub pushes this many at once
SETTLED_PEOPLE = 2  # always in the call
PAUSE_SECONDS = (0.5, 2.0)  # between a card showing an event and the next event
POLL_SECONDS = 0.01
LOST_AFTER_SECONDS = 120.0  # late is measured (a backlog can take tens of seconds); never is lost
SEED = 20261130


@dataclass
class Probe:
    index: int
    space: str
    code: str
    card_name: str
    settled: list[str]
    mover: str
    mover_in: bool = False

    @property
    def in_call(self) -> int:
        return len(self.settled) + (1 if self.mover_in else 0)


@dataclass
class Samples:
    seconds: list[float] = field(default_factory=list)
    started: list[float] = field(default_factory=list)  # perf_counter() of each measured event, in step
    lost: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, started: float, seconds: float | None) -> None:
        with self.lock:
            if seconds is None:
                self.lost += 1
            else:
                self.seconds.append(seconds)
                self.started.append(started)

    def started_between(self, start: float, end: float) -> list[float]:
        """The times of the events that started within ``[start, end)``."""
        return [seconds for began, seconds in zip(self.started, self.seconds, strict=True) if start <= began < end]


def in_call_label(count: int) -> str:
    """What the join card says when ``count`` people are in the call (cards.join_card)."""
    return f"In the call ({count})"


def card_shows(body: dict[str, Any] | None, count: int) -> bool:
    """Whether a Chat message body is a join card saying ``count`` people are in the call."""
    if not body:
        return False
    return f'"{in_call_label(count)}"' in json.dumps(body.get("cardsV2"), ensure_ascii=False)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0


def set_up_probes(app: GunicornApp, count: int, prefix: str) -> list[Probe]:
    """``count`` meetings, each in its own space, with two people in the call (the emulator
    pushes their joins); returns once every card shows them."""
    people = burst._in_parallel(
        lambda email: app.control("POST", "users", {"email": email, "displayName": email.split("@")[0]})["name"],
        [f"{prefix}{m}p{p}@example.com" for m in range(count) for p in range(SETTLED_PEOPLE + 1)])
    subscribed_before = burst._active_subscriptions(app)

    def create(index: int) -> Probe:
        mine = people[index * (SETTLED_PEOPLE + 1):(index + 1) * (SETTLED_PEOPLE + 1)]
        space = app.control("POST", "chat/spaces", {"displayName": f"Probe {prefix}{index}", "spaceType": "SPACE",
                                                     "members": [mine[0]]})["name"]
        reply = app.control("POST", "chat/messages", {"space": space, "sender": mine[0],
                                                      "text": f"/meet Probe {index}"})["reply"]
        if not reply or burst._card_id(reply) != "meeting":
            raise RuntimeError(f"/meet did not post a join card: {json.dumps(reply)[:300]}")
        code = reply["clientAssignedMessageId"][len("client-meet-"):]
        return Probe(index, space, code, reply["name"], mine[:SETTLED_PEOPLE], mine[SETTLED_PEOPLE])

    probes = burst._in_parallel(create, list(range(count)))
    burst._wait(lambda: burst._active_subscriptions(app) >= subscribed_before + count, 60,
                "every probe meeting subscribed")
    for probe in probes:
        for person in probe.settled:
            app.control("POST", "meet/join", {"space": probe.code, "user": person})
    burst._wait(lambda: all(card_shows(_card_body(app, p), SETTLED_PEOPLE) for p in probes), 60,
                "every probe card showing the people in the call")
    return probes


def _card_body(app: GunicornApp, probe: Probe) -> dict[str, Any] | None:
    """The join card's current body, read from the emulator's state (replaced whole on
    every edit, so reading the reference needs no lock)."""
    message = app.state.chat.messages.get(probe.card_name)
    return message.body if message is not None else None


class Watcher:
    """One thread that polls every awaited card: the drivers wait on it, not on the emulator."""

    def __init__(self, app: GunicornApp) -> None:
        self.app = app
        self._awaited: dict[int, tuple[Probe, int, threading.Event, list[float]]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-card-watcher", daemon=True)

    def __enter__(self) -> "Watcher":
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._stop.set()
        self._thread.join()

    def await_card(self, probe: Probe, count: int) -> tuple[threading.Event, list[float]]:
        seen, when = threading.Event(), list[float]()  # when: the moment the card showed it
        with self._lock:
            self._awaited[probe.index] = (probe, count, seen, when)
        return seen, when

    def forget(self, probe: Probe) -> None:
        with self._lock:
            self._awaited.pop(probe.index, None)

    def _run(self) -> None:
        last_body: dict[int, Any] = {}
        while not self._stop.wait(POLL_SECONDS):
            with self._lock:
                awaited = list(self._awaited.values())
            for probe, count, seen, when in awaited:
                body = _card_body(self.app, probe)
                if body is last_body.get(probe.index):
                    continue  # unchanged since the last look
                last_body[probe.index] = body
                if card_shows(body, count):
                    when.append(time.perf_counter())
                    with self._lock:
                        self._awaited.pop(probe.index, None)
                    seen.set()


def drive(app: GunicornApp, probe: Probe, watcher: Watcher, samples: Samples, *, events: int | None,
          until: threading.Event | None, rng: random.Random) -> None:
    """Move the probe's third person in and out, timing each event until its card shows it:
    ``events`` of them, or (``until``) as many as start before that is set (at least one)."""
    done = 0
    session = requests.Session()
    while events is None or done < events:
        time.sleep(rng.uniform(*PAUSE_SECONDS))
        if until is not None and until.is_set() and done:
            return
        expected = probe.in_call + (-1 if probe.mover_in else 1)
        seen, when = watcher.await_card(probe, expected)
        started = time.perf_counter()
        app.control("POST", "meet/leave" if probe.mover_in else "meet/join", {"space": probe.code,
                                                                               "user": probe.mover}, session=session)
        probe.mover_in = not probe.mover_in
        done += 1
        if seen.wait(LOST_AFTER_SECONDS):
            samples.add(started, when[0] - started)
            continue
        samples.add(started, None)  # lost: this probe's card is stuck, its later events would be too
        watcher.forget(probe)
        return


def run_probes(app: GunicornApp, probes: list[Probe], *, events: int | None = None,
               until: threading.Event | None = None) -> Samples:
    samples = Samples()
    rng = random.Random(SEED)
    seeds = [rng.random() for _ in probes]
    with Watcher(app) as watcher:
        threads = [threading.Thread(target=drive, args=(app, probe, watcher, samples),
                                    kwargs={"events": events, "until": until, "rng": random.Random(seed)},
                                    name=f"bench-probe-{probe.index}", daemon=True)
                   for probe, seed in zip(probes, seeds, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return samples


def _figures(prefix: str, samples: Samples) -> dict[str, Any]:
    return {
        f"{prefix}_p95_seconds": round(percentile(samples.seconds, 0.95), 3),
        f"{prefix}_p50_seconds": round(statistics.median(samples.seconds), 3) if samples.seconds else 0.0,
        f"{prefix}_max_seconds": round(max(samples.seconds, default=0.0), 3),
        f"{prefix}_events": len(samples.seconds) + samples.lost,
        f"{prefix}_lost_events": samples.lost,
    }


def _debounce() -> float:
    """The app's sync debounce: gunicorn_app passes this process's environment on."""
    return float(os.environ.get("SYNC_DEBOUNCE_SECONDS") or Config.sync_debounce_seconds)


def run(quick: bool) -> dict[str, Any]:
    """Both measurements on one app: the probes live alone, then some of them beside the burst."""
    meetings, events = (10, 2) if quick else (20, 10)
    # Quick runs spread their burst over more Chat spaces: Chat's one write a second per
    # space would make 10 meetings in one space take 20 s to settle.
    count, probe_count, per_space = (10, 4, 2) if quick else (200, 10, burst.MEETINGS_PER_SPACE)
    with postgres_database() as database_url, \
            gunicorn_app(workers=WORKERS, threads=THREADS, database_url=database_url, pubsub=True) as app:
        app.control("POST", "pubsub", {"concurrency": PUSH_CONCURRENCY})
        probes = set_up_probes(app, meetings, "fresh")
        time.sleep(1.5)  # trailing syncs of the set-up
        alone = run_probes(app, probes, events=events)

        probes = probes[:probe_count]
        prepared = burst.prepare(app, count, since=len(app.control("GET", "pubsub/messages")["messages"]),
                                 per_space=per_space)
        app.control("POST", "pubsub", {"pushUrl": app.push_url})  # the probes' events: Pub/Sub as usual
        settled = threading.Event()
        outcome: dict[str, Any] = {}
        timeline: dict[str, float] = {}

        def unleash() -> None:
            try:
                outcome.update(burst.unleash(app, prepared, settle_timeout=60 if quick else 240,
                                             settled_event=settled, timeline=timeline))
            finally:
                settled.set()

        burst_thread = threading.Thread(target=unleash, name="bench-burst", daemon=True)
        burst_thread.start()
        beside = run_probes(app, probes, until=settled)
        burst_thread.join()
    if not outcome:
        raise RuntimeError("the burst did not finish")
    return {
        **_figures("freshness", alone), "freshness_meetings": meetings, "freshness_debounce_seconds": _debounce(),
        **_figures("freshness_burst", beside),
        # Where in the burst the slow events were: while its pushes were coming in, or after.
        "freshness_burst_p95_seconds_while_pushing": round(percentile(
            beside.started_between(timeline["started"], timeline["pushed"]), 0.95), 3),
        "freshness_burst_p95_seconds_after_pushes": round(percentile(
            beside.started_between(timeline["pushed"], timeline["settled"]), 0.95), 3),
        "freshness_burst_probe_meetings": probe_count,
        "freshness_burst_lost": outcome["burst_lost"], "freshness_burst_duplicates": outcome["burst_duplicates"],
        "freshness_burst_meetings": outcome["burst_meetings"], "freshness_burst_pushes": outcome["burst_pushes"],
        "freshness_burst_push_seconds": outcome["burst_seconds"],
        "freshness_burst_settle_seconds": outcome["burst_settle_seconds"],
    }
