"""``/meet`` latency: the app's own time beside the Google calls it waits for.

The app runs as in production (``gunicorn main:app``, 2 workers × 8 threads, PostgreSQL
in a fresh database on the local server, ``AUTH_MODE=delegation`` so nobody has to link
an account) against the emulator, with
Meet's ``spaces.create`` stalled by 300 ms through the emulator's fault injection
(``delayMs``), a realistic time for Meet to create a meeting space. The benchmark plays
Google Chat: for each command a different person posts ``/meet Bench N`` as a new
message (so the app's once-per-message claim never short-circuits), the emulator builds
and signs the interaction event exactly as it delivers it, and the benchmark posts it
to the app and times the synchronous answer, one command at a time. The commands take
turns over ``SPACES`` Chat spaces: Chat takes 1 write a second per space, and the app
waits for a space's next write turn before posting a join card there
(``bot/google/pacing.py``), so three commands a second in one space would measure that
wait (about 0.8 s a command), not the app. With 8 spaces a space's previous card is
2.5 s old when its next command comes.

Everything the app waits for on that path is Google's time, and it is taken out:
the emulator is wrapped in a timer that records each request it serves (from its
arrival in the emulator's app to its answer, the injected 300 ms included), and the
Google time of a command is the time covered by the calls that began while its answer
was awaited: Meet ``spaces.create``, the Chat ``messages.create`` that posts the join
card (the card is posted through the Chat API so that it can be edited later), the
delegated user's OAuth token and any certificate fetch. What remains is the app's own
time: verifying Chat's token, parsing, storage (PostgreSQL), rendering the card, its HTTP
clients, and the loopback transfer of every request (counted against the app).

Nothing else talks to the emulator while a command is on the clock: the background
sync each new meeting asks for (it subscribes the space to Meet's events) is held back
with ``SYNC_DEBOUNCE_SECONDS`` longer than the run, as it is not part of the answer.

* ``meet_overhead_ratio`` = median app's own time ÷ median Meet ``spaces.create`` time.
  Goal < 0.05: the app adds less than 5% to what Meet itself takes.
* ``meet_overhead_total_ratio`` = median answer time ÷ median Meet time, for a view of
  what a person waits in all (it includes the Chat post and the token).
* ``meet_overhead_app_cpu_ms``: the CPU (user + system) all gunicorn processes spent
  per command, from ``/proc``; a cross-check of the wall-clock figure.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from typing import Any

import requests

from emulator.chat.model import APP_USER

from .harness import (CallTimer, GunicornApp, TimedCall, gunicorn_app, postgres_database, process_tree_cpu_seconds,
                      union_seconds)

MEET_DELAY_MS = 300
SPACES = 8  # Chat spaces the commands take turns over (Chat's 1 write a second per space)
# Commands before measuring: both workers load their clients and fetch certificates, and
# each space is marked installed by its first command (later ones find it so).
WARM_UP = SPACES

# Which Google call an emulator path is (for the per-command breakdown).
_CALL_KINDS = [
    ("meet.spaces.create", "POST", re.compile(r"^/v2/spaces$")),
    ("chat.spaces.messages.create", "POST", re.compile(r"^/v1/spaces/[^/]+/messages$")),
    ("chat.spaces.members.create", "POST", re.compile(r"^/v2/spaces/[^/]+/members$")),
    ("oauth2.token", "POST", re.compile(r"^/token$")),
    ("certificates", "GET", re.compile(r"^/(service_accounts|oauth2)/")),
]


def call_kind(call: TimedCall) -> str:
    for name, method, pattern in _CALL_KINDS:
        if call.method == method and pattern.match(call.path):
            return name
    return f"{call.method} {call.path}"


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def _chat_space(app: GunicornApp, people: list[dict[str, Any]], index: int) -> str:
    space = app.control("POST", "chat/spaces", {"displayName": f"Bench {index}", "spaceType": "SPACE",
                                                 "members": [p["name"] for p in people]})
    return space["name"]


def _signed_meet_event(app: GunicornApp, space_name: str, user_name: str, text: str) -> tuple[str, str]:
    """A person posts ``text`` (a ``/meet`` slash command): the event Chat would deliver
    for it, and Chat's bearer token, built by the emulator's own code."""
    from emulator.chat import delivery, interactions
    from emulator.chat.interactions import MESSAGE, EventInput

    state: Any = app.state
    with state.lock:
        space = state.chat.get_space(space_name)
        sender = state.find_user(user_name)
        parsed = interactions.parse_text(state, space, text)
        message = state.chat.create_message(space.name, sender.name, {"text": text}, app_auth=False,
                                            annotations=parsed.annotations, argument_text=parsed.argument_text,
                                            slash_command=parsed.slash_command)
        event = interactions.build_event(state, EventInput(MESSAGE, space, sender, message=message))
    return json.dumps(event), delivery.bearer_token(state, app.app_url + "/")


def _join_card_posted(app: GunicornApp, space_name: str, before: int) -> bool:
    """Whether the app posted a join card in the space since it had ``before`` messages."""
    state: Any = app.state
    with state.lock:
        new = state.chat.messages_in(space_name, include_private=True)[before:]
        return any(m.sender == APP_USER and (m.client_assigned_id or "").startswith("client-meet-") for m in new)


def _message_count(app: GunicornApp, space_name: str) -> int:
    state: Any = app.state
    with state.lock:
        return len(list(state.chat.messages_in(space_name, include_private=True)))


def measure(app: GunicornApp, commands: int) -> dict[str, Any]:
    assert app.timer is not None
    timer: CallTimer = app.timer
    people = [app.control("POST", "users", {"email": f"organizer{i}@example.com", "displayName": f"Organizer {i}"})
              for i in range(WARM_UP + commands)]
    spaces = [_chat_space(app, people, index) for index in range(SPACES)]
    app.control("POST", "faults", {"api": "meet", "method": "spaces.create", "delayMs": MEET_DELAY_MS,
                                   "times": 100_000})
    session = requests.Session()
    totals, own, meet, other_google, errors = [], [], [], [], 0
    calls_by_kind: dict[str, int] = {}
    cpu_before: float | None = None
    for index, person in enumerate(people):
        measured = index >= WARM_UP
        if index == WARM_UP:
            time.sleep(0.2)  # let the warm-up's stragglers finish
            cpu_before = process_tree_cpu_seconds(app.server.pid)
        space = spaces[index % SPACES]
        body, token = _signed_meet_event(app, space, person["name"], f"/meet Bench {index}")
        before = _message_count(app, space)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                   "User-Agent": "Google-Dynamite"}
        started = time.perf_counter()
        response = session.post(app.app_url + "/", data=body, headers=headers, timeout=30)
        ended = time.perf_counter()
        ok = response.status_code == 200 and _join_card_posted(app, space, before)
        if not measured:
            continue
        if not ok:
            errors += 1
            continue
        calls = timer.between(started, ended)
        google = union_seconds([(c.started, min(c.ended, ended)) for c in calls])
        meet_calls = [c for c in calls if call_kind(c) == "meet.spaces.create"]
        meet_seconds = union_seconds([(c.started, c.ended) for c in meet_calls])
        for call in calls:
            kind = call_kind(call)
            calls_by_kind[kind] = calls_by_kind.get(kind, 0) + 1
        totals.append((ended - started) * 1000)
        own.append((ended - started - google) * 1000)
        meet.append(meet_seconds * 1000)
        other_google.append((google - meet_seconds) * 1000)
    cpu_after = process_tree_cpu_seconds(app.server.pid)
    measured_count = len(totals)
    if not measured_count:
        raise RuntimeError(f"no /meet command succeeded ({errors} failed)")
    meet_p50 = statistics.median(meet)
    return {
        "meet_overhead_ratio": round(statistics.median(own) / meet_p50, 4),
        "meet_overhead_total_ratio": round(statistics.median(totals) / meet_p50, 3),
        "meet_overhead_commands": measured_count,
        "meet_overhead_errors": errors,
        "meet_overhead_injected_delay_ms": MEET_DELAY_MS,
        "meet_overhead_spaces": SPACES,
        "meet_overhead_total_p50_ms": round(statistics.median(totals), 1),
        "meet_overhead_total_p95_ms": round(_percentile(totals, 0.95), 1),
        "meet_overhead_meet_p50_ms": round(meet_p50, 1),
        "meet_overhead_other_google_p50_ms": round(statistics.median(other_google), 1),
        "meet_overhead_app_p50_ms": round(statistics.median(own), 1),
        "meet_overhead_app_p95_ms": round(_percentile(own, 0.95), 1),
        "meet_overhead_app_cpu_ms": round((cpu_after - cpu_before) * 1000 / measured_count, 1)
        if cpu_before is not None and cpu_after is not None else None,
        "meet_overhead_google_calls_per_command": {kind: round(count / measured_count, 2)
                                                   for kind, count in sorted(calls_by_kind.items())},
    }


def run(quick: bool) -> dict[str, Any]:
    commands = 20 if quick else 200
    # The debounce holds each new meeting's background sync back past the end of the run.
    with postgres_database() as database_url, \
            gunicorn_app(workers=2, threads=8, time_calls=True, database_url=database_url,
                         env={"SYNC_DEBOUNCE_SECONDS": "3600", "SYNC_LEASE_SECONDS": "3700"}) as app:
        return measure(app, commands)
