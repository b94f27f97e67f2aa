"""Meetings ending together under Google's quotas: Chat's 1 write per second per space on.

Every other benchmark turns the emulator's quota models off (they measure the code);
this one turns them all on, Chat's per-space limits included (1 write and 15 reads per
second per space, https://developers.google.com/workspace/chat/limits), and asks
whether the product lives within them and loses nothing when Chat answers 429.

One stack, in process (the app and the emulator, ``AUTH_MODE=delegation``, Workspace
Events through Pub/Sub push, no periodic reconciler). Set-up (not measured): 50
meetings in one Chat space and 200 spread over ten more, each with its own organizer,
seeded as ``/meet`` leaves them (``bench.reconciler.seed_meetings``), subscribed by a
first reconciler pass; each organizer joins their call and the benchmark waits until
every card says "In the call (1)" (those card edits already go through the quota).

The measure: every conference ends at once (emulator control plane, concurrently). Each
ending is a card edit and a summary post in the meeting's space, so the busy space
needs at least 100 writes, which Chat lets through at one per second.

* ``quota_end_lost``: meetings whose card does not say Ended or that have no summary
  at the deadline. Must be 0.
* ``quota_end_duplicates``: messages the app posted during and after the ending beyond
  one summary per meeting (a second summary, a re-posted card, a stray note). Must be 0.
* ``quota_end_errors``: error log lines the app wrote (an unhandled 429 would be one).
  Must be 0.
* ``quota_end_chat_429s``: Chat calls the emulator answered 429 during the ending
  (each is retried: the call's own retries, else the meeting's sync is put back).
* ``quota_end_max_writes_per_second``: the most Chat writes accepted in any one-second
  window in any one space (``quota_end_within_space_limit`` is 1 when that is ≤ 1, as
  the quota requires); ``quota_end_max_write_attempts_per_second`` counts the refused
  ones too (how polite the app is, not only how lucky).
* ``quota_end_settle_seconds``: from the ends to the last summary right (card Ended,
  summary naming who came); ``…_busy_space`` and ``…_spread_spaces`` for each group.
  ``quota_end_floor_seconds``: what the quota alone makes the busy space take (its
  writes during the ending, one per second).

``--quick``: 10 meetings in one space and 20 over four spaces.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from bot.lifecycle.reconcile import reconcile
from emulator.clock import parse_rfc3339
from local.stack import LocalStack

from .reconciler import seed_meetings

CHAT_WRITES = frozenset({"spaces.messages.create", "spaces.messages.update", "spaces.messages.patch",
                         "spaces.messages.delete"})
CONTROL_WORKERS = 8


class _LogCounter(logging.Handler):
    """Counts the app's log records: errors, and syncs put back for a passing failure."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.errors: list[str] = []
        self.put_back = 0
        self._lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        with self._lock:
            if record.levelno >= logging.ERROR:
                self.errors.append(f"{record.name}: {record.getMessage()}")
            elif "transient error; retried later" in record.getMessage():
                self.put_back += 1


def _in_parallel(work: Callable[[Any], Any], items: list[Any]) -> list[Any]:
    with ThreadPoolExecutor(CONTROL_WORKERS) as pool:
        return list(pool.map(work, items))


def _wait(condition: Callable[[], Any], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"quota_end set-up: {what} did not happen within {timeout:g}s")
        time.sleep(0.25)


def _card_id(message: dict[str, Any]) -> str | None:
    return (message.get("cardsV2") or [{}])[0].get("cardId")


class _World:
    def __init__(self, local: LocalStack, groups: list[tuple[str, list[int]]]) -> None:
        self.local = local
        self.groups = groups  # (group name, meeting ids)
        storage = local.app.extensions["meetbot"].services.storage
        self.meetings = {meeting_id: storage.meetings.get_meeting(meeting_id) for _, ids in groups for meeting_id in ids}
        self.spaces = sorted({m.chat_space for m in self.meetings.values()})

    def messages(self) -> dict[str, list[dict[str, Any]]]:
        return {space: [m for m in self.local.control("GET", f"chat/spaces/{space.split('/')[1]}/messages")["messages"]
                        if (m.get("sender") or {}).get("type") == "BOT"] for space in self.spaces}

    def states(self) -> dict[int, tuple[str, list[str]]]:
        """Meeting id -> (its card's text, the texts of the summaries in its thread)."""
        by_space = self.messages()
        result = {}
        for meeting_id, meeting in self.meetings.items():
            messages = by_space[meeting.chat_space]
            card = next((json.dumps(m.get("cardsV2")) for m in messages if m["name"] == meeting.card_message), "")
            thread = meeting.thread_name
            summaries = [json.dumps(m.get("cardsV2")) for m in messages
                         if _card_id(m) == "summary" and (m.get("thread") or {}).get("name") == thread]
            result[meeting_id] = (card, summaries)
        return result

    def right(self, meeting_id: int, state: tuple[str, list[str]]) -> bool:
        card, summaries = state
        organizer = self.meetings[meeting_id].organizer.display_name
        return "Ended" in card and "In the call" not in card and len(summaries) >= 1 and organizer in summaries[0]


def _max_in_one_second(times: list[float]) -> int:
    """The most events in any window [t, t + 1 s)."""
    ordered, best, start = sorted(times), 0, 0
    for end, at in enumerate(ordered):
        while ordered[start] <= at - 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def measure(local: LocalStack, busy: int, spread: int, spread_spaces: int, *, settle_timeout: float) -> dict[str, Any]:
    bot = local.app.extensions["meetbot"]
    clock = local.emulator_state.clock
    local.control("POST", "quotas", {"enabled": True, "chatSpaceQuotas": True, "reset": True})
    active = {q["id"] for q in local.control("GET", "quotas")["quotas"] if q["active"]}
    assert {"chat.writes.per_space", "chat.reads.per_space"} <= active, active
    counter = _LogCounter()
    logging.getLogger().addHandler(counter)
    try:
        sizes = [("busy_space", [busy]), ("spread_spaces", [spread // spread_spaces] * spread_spaces)]
        groups: list[tuple[str, list[int]]] = []
        for group, per_space in sizes:
            ids: list[int] = []
            for index, count in enumerate(per_space):
                organizers = [local.control("POST", "users", {"email": f"{group}{index}-{n}@example.com",
                                                              "displayName": f"Organizer {group} {index}.{n}"})
                              for n in range(count)]
                space = local.control("POST", "chat/spaces", {"displayName": f"{group} {index}", "spaceType": "SPACE",
                                                              "members": [p["name"] for p in organizers]})["name"]
                ids += seed_meetings(local, organizers, space, count, created_at=clock.now(), title=group)
            groups.append((group, ids))
        world = _World(local, groups)
        total = len(world.meetings)
        reconcile(bot.services, bot.worker, budget_seconds=600)  # their first sync: subscribed, as after /meet
        _wait(lambda: sum(s["state"] == "ACTIVE" for s in local.control("GET", "events/subscriptions")["subscriptions"])
              >= total, 120, "every meeting space subscribed")
        _in_parallel(lambda m: local.control("POST", "meet/join", {"space": m.meeting_code,
                                                                   "user": m.organizer.user_name}),
                     list(world.meetings.values()))
        _wait(lambda: all("In the call (1)" in card for card, _ in world.states().values()), settle_timeout,
              "every card showing its organizer in the call")
        _wait(lambda: bot.services.storage.sync_queue.meetings_needing_sync() == 0, 60, "the set-up's syncs")
        posted_before = sum(len(messages) for messages in world.messages().values())  # welcomes and cards
        setup_calls = local.control("GET", "calls")["calls"]
        mark = len(setup_calls)

        started = time.perf_counter()
        _in_parallel(lambda m: local.control("POST", "meet/end", {"space": m.meeting_code}),
                     list(world.meetings.values()))
        settled: dict[str, float] = {}
        deadline = time.monotonic() + settle_timeout
        states = world.states()
        while time.monotonic() < deadline and len(settled) < len(groups):
            states = world.states()
            for group, ids in groups:
                if group not in settled and all(world.right(i, states[i]) for i in ids):
                    settled[group] = time.perf_counter() - started
            if len(settled) < len(groups):
                time.sleep(0.25)
        # Anything late (a second summary would be) lands before counting.
        _wait(lambda: bot.services.storage.sync_queue.meetings_needing_sync() == 0, 30, "the last syncs")
        time.sleep(2.0)
        states = world.states()
        lost = sum(1 for meeting_id, state in states.items() if not world.right(meeting_id, state))
        posted = sum(len(messages) for messages in world.messages().values()) - posted_before
        duplicates = posted - total  # one summary per meeting, nothing else
        calls = local.control("GET", "calls")["calls"]
        ending = calls[mark:]
        writes: dict[str, list[float]] = {}
        attempts: dict[str, list[float]] = {}
        for call in calls:
            if call["api"] == "chat" and call["method"] in CHAT_WRITES:
                space = "/".join(call["path"].split("/")[2:4])
                attempts.setdefault(space, []).append(parse_rfc3339(call["time"]))
                if call["status"] == 200:
                    writes.setdefault(space, []).append(parse_rfc3339(call["time"]))
        busy_space = world.meetings[groups[0][1][0]].chat_space
        busy_writes = [c for c in ending if c["api"] == "chat" and c["method"] in CHAT_WRITES
                       and c["status"] == 200 and c["path"].startswith(f"/v1/{busy_space}/")]
        max_writes = max((_max_in_one_second(t) for t in writes.values()), default=0)
        return {
            "quota_end_meetings": total,
            "quota_end_spaces": len(world.spaces),
            "quota_end_lost": lost,
            "quota_end_duplicates": duplicates,
            "quota_end_errors": len(counter.errors),
            "quota_end_chat_429s": sum(1 for c in ending if c["api"] == "chat" and c["status"] == 429),
            "quota_end_meet_429s": sum(1 for c in ending if c["api"] == "meet" and c["status"] == 429),
            "quota_end_setup_chat_429s": sum(1 for c in setup_calls if c["api"] == "chat" and c["status"] == 429),
            "quota_end_syncs_put_back": counter.put_back,
            "quota_end_max_writes_per_second": max_writes,
            "quota_end_within_space_limit": int(max_writes <= 1),
            "quota_end_max_write_attempts_per_second": max((_max_in_one_second(t) for t in attempts.values()),
                                                           default=0),
            "quota_end_settle_seconds": round(max(settled.values()), 2) if len(settled) == len(groups) else None,
            "quota_end_settle_seconds_busy_space": round(settled["busy_space"], 2) if "busy_space" in settled
            else None,
            "quota_end_settle_seconds_spread_spaces": round(settled["spread_spaces"], 2)
            if "spread_spaces" in settled else None,
            "quota_end_busy_space_writes": len(busy_writes),
            "quota_end_floor_seconds": max(len(busy_writes) - 1, 0),
            "quota_end_error_lines": counter.errors[:5],
        }
    finally:
        logging.getLogger().removeHandler(counter)


def run(quick: bool) -> dict[str, Any]:
    busy, spread, spread_spaces = (10, 20, 4) if quick else (50, 200, 10)
    directory = tempfile.mkdtemp(prefix="meetbot-bench-quota-")
    local = LocalStack(directory=directory, auto_consent=True, reconcile_interval=0,
                       extra_env={"AUTH_MODE": "delegation", "LOG_LEVEL": "WARNING"}).start()
    try:
        return measure(local, busy, spread, spread_spaces, settle_timeout=120 if quick else 600)
    finally:
        local.stop()
        shutil.rmtree(directory, ignore_errors=True)
