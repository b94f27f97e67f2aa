"""What meetings nobody uses cost the reconciler: Google calls per pass, dormant or not.

Two worlds, each its own stack (in-process app and emulator, ``AUTH_MODE=delegation``,
Workspace Events subscriptions on, Pub/Sub held so that every call counted is one the
reconciler made):

* *busy*: 1,000 meetings, of which 950 were made over a week ago and never started
  (they go dormant at their first pass: one read and one card edit each, counted
  apart) and 50 are in use;
* *lean*: the same 50 meetings in use and nothing else.

Each world then runs the same passes over six and a half days of the emulator's clock
(the last one inside the subscriptions' renewal margin, so each of the 50 is renewed
once), and every Google API call the app makes is counted from the emulator's call log
(OAuth token calls excluded).

* ``dormant_cost_ratio``: Google calls per pass in the busy world ÷ in the lean one.
  Goal ≤ 1.2: dormant meetings cost (next to) nothing. Without dormancy (run with
  ``DORMANT_AFTER_SECONDS`` out of reach) every one of them is read each pass and its
  subscription renewed: the quick size's ratio is then about 13.
* ``dormant_*_per_pass``: for each world, calls, syncs run and subscriptions renewed
  per pass.
* ``dormant_transition_calls_per_meeting``: what going dormant cost each of the 950,
  once.

``--quick``: 100 meetings of which 95 dormant, against 5; fewer passes.

The meetings are seeded directly (a Meet space, a join card posted through the Chat
API's store, the meeting recorded as ``/meet`` records it), as typing 1,000 ``/meet``
commands would only measure the command path, which ``meet_overhead`` already does.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime, timedelta
from typing import Any

from bot.card_publishing import render_join_card
from domain import Meeting, Person
from bot.lifecycle.reconcile import reconcile
from bot.lifecycle.sync import render_hash
from local.stack import APP_SERVICE_ACCOUNT, LocalStack
from emulator.chat.model import APP_USER

ORGANIZERS = 20  # the meetings are spread over this many people (10 per Chat space)
IDLE_DAYS = 8  # how old the never-started meetings are (dormancy comes after 7 days)
TRANSITION_PASSES_AT_MOST = 5  # 950 meetings need two passes of 500
MEASURED_DAYS = 6.5  # the passes measured span this much of the clock: inside the renewal margin at the end


def seed_meetings(local: LocalStack, organizers: list[dict[str, Any]], chat_space: str, count: int, *,
                  created_at: datetime, title: str = "Planning") -> list[int]:
    """``count`` meetings as ``/meet`` leaves them, round-robin over ``organizers`` (emulator
    users), in ``chat_space`` (the app must be installed there): each a Meet space owned by
    its organizer and made through the app's client, a join card posted by the app and
    the meeting recorded with that card. Much faster than typing ``/meet``; needs
    ``AUTH_MODE=delegation`` (the spaces belong to the app's service account client).
    Returns the meetings' ids."""
    state = local.emulator_state
    bot = local.app.extensions["meetbot"]
    storage, config = bot.services.storage, bot.services.config
    client_id = state.service_accounts[APP_SERVICE_ACCOUNT].client_id
    ids: list[int] = []
    for index in range(count):
        organizer = organizers[index % len(organizers)]
        space = state.meet.create_space(owner=organizer["name"], owner_email=organizer["email"], client_id=client_id)
        meeting = storage.meetings.record_meeting(Meeting(
            meet_space=f"spaces/{space.id}", meeting_code=space.meeting_code, meeting_uri=space.meeting_uri,
            chat_space=chat_space, organizer=Person(organizer["name"], organizer["displayName"], organizer["email"]),
            title=f"{title} {index + 1}", created_at=created_at))
        assert meeting.id is not None
        card = render_join_card(meeting, now=created_at, config=config)
        with state.lock:
            posted = state.chat.create_message(chat_space, APP_USER, card, app_auth=True)
        storage.meetings.attach_card(meeting.id, posted.name, posted.thread_name)
        storage.card_turns.note_card(meeting.id, render_hash(card))
        ids.append(meeting.id)
    return ids


def _google_calls(local: LocalStack) -> int:
    return sum(1 for call in local.control("GET", "calls")["calls"] if call["api"] != "oauth2")


def _world(live: int, dormant: int, passes: int, env: dict[str, str] | None = None) -> dict[str, float]:
    directory = tempfile.mkdtemp(prefix="meetbot-bench-reconciler-")
    local = LocalStack(directory=directory, auto_consent=True, reconcile_interval=0,
                       extra_env={"AUTH_MODE": "delegation", "LOG_LEVEL": "WARNING", **(env or {})}).start()
    try:
        # Chat's per-space quotas off (bench/quota_end.py measures them): 950 dormant cards
        # edited in two spaces would measure Chat's 1 write a second, not the reconciler.
        local.control("POST", "quotas", {"chatSpaceQuotas": False})
        local.control("POST", "pubsub", {"paused": True})  # every call counted is the reconciler's
        bot = local.app.extensions["meetbot"]
        bot.worker.stop()  # the passes drain what they request, nothing else runs meanwhile
        clock = local.emulator_state.clock
        people = [local.control("POST", "users", {"email": f"organizer{i}@example.com",
                                                  "displayName": f"Organizer {i}"}) for i in range(ORGANIZERS)]
        spaces = [local.control("POST", "chat/spaces", {"displayName": f"Team {i}", "spaceType": "SPACE",
                                                        "members": [p["name"] for p in people[i:i + 10]]})["name"]
                  for i in range(0, ORGANIZERS, 10)]

        def seed(count: int, created_at: datetime, title: str) -> None:
            share = -(-count // len(spaces))
            for index, space in enumerate(spaces):
                seed_meetings(local, people[index * 10:(index + 1) * 10], space,
                              min(share, count - index * share), created_at=created_at, title=title)

        def run_pass() -> Any:
            return reconcile(bot.services, bot.worker, budget_seconds=600)

        figures: dict[str, float] = {}
        if dormant:
            seed(dormant, clock.now() - timedelta(days=IDLE_DAYS), "Never started")
            before, transition_passes = _google_calls(local), 0
            # Until nothing is left to look at (bounded: with dormancy off, that is never).
            while transition_passes < TRANSITION_PASSES_AT_MOST and run_pass().syncs_requested:
                transition_passes += 1
            figures["transition_calls_per_meeting"] = (_google_calls(local) - before) / dormant
            figures["transition_passes"] = transition_passes
        seed(live, clock.now(), "In use")
        run_pass()  # their first sync (subscribed, as after /meet): not measured
        before = _google_calls(local)
        syncs = renewed = 0
        for _ in range(passes):
            clock.advance(MEASURED_DAYS * 24 * 3600 / passes)
            report = run_pass()
            syncs += report.syncs_run
            renewed += report.renewed
        figures.update(calls=(_google_calls(local) - before) / passes, syncs=syncs / passes, renewed=renewed / passes)
        return figures
    finally:
        local.stop()
        shutil.rmtree(directory, ignore_errors=True)


def run(quick: bool) -> dict[str, Any]:
    live, dormant, passes = (5, 95, 4) if quick else (50, 950, 13)
    busy = _world(live, dormant, passes)
    lean = _world(live, 0, passes)
    return {
        "dormant_meetings": dormant, "dormant_live_meetings": live, "dormant_passes": passes,
        "dormant_cost_ratio": round(busy["calls"] / lean["calls"], 3),
        "dormant_busy_calls_per_pass": round(busy["calls"], 2),
        "dormant_lean_calls_per_pass": round(lean["calls"], 2),
        "dormant_busy_syncs_per_pass": round(busy["syncs"], 2),
        "dormant_lean_syncs_per_pass": round(lean["syncs"], 2),
        "dormant_busy_renewals_per_pass": round(busy["renewed"], 2),
        "dormant_lean_renewals_per_pass": round(lean["renewed"], 2),
        "dormant_transition_calls_per_meeting": round(busy["transition_calls_per_meeting"], 2),
    }
