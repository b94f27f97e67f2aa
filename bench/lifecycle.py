"""The meeting lifecycle: Google API calls per meeting, and one very large meeting.

* ``api_calls_ratio``: every Meet, Chat and Workspace Events call the app made for one
  meeting (10 participants, a recording and a transcript, events through Pub/Sub),
  counted from the emulator's call log, over the fewest calls any implementation of the
  product needs (``MINIMUM_CALLS`` says why each is needed). OAuth token calls are not
  counted. Goal ≤ 1.2. The meeting's transcript holds one commitment, so the calls
  include reading the entries and the reply that tells its owner.
* ``big_meeting_*``: summarising a meeting with 1,000 participants, 3,000 sessions and
  20,000 transcript entries: time, peak Python memory (tracemalloc), card size. The
  same meeting with 1% of the transcript gives the ratio showing memory does not grow
  with entries. Both are measured alike, after a throwaway sync, without what the
  emulator's own threads hold meanwhile (``_without_the_emulators_memory``).
"""

from __future__ import annotations

import itertools
import json
import selectors
import shutil
import tempfile
import threading
import time
import tracemalloc
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any, Callable, Iterator
from unittest import mock

import werkzeug.serving

from local.stack import LocalStack

# The fewest calls the product needs for one meeting of 10 people with a recording and a
# transcript, each with why it cannot be spared (rendered into docs/benchmarks.md). A call
# the app makes that is not here is overhead, and ``KNOWN_OVERHEAD`` says why it is made.
MINIMUM_CALLS_WHY: dict[str, tuple[int, str]] = {
    "meet.spaces.create": (1, "the meeting itself"),
    "workspaceevents.subscriptions.create": (1, "Meet's events for the space (else only polling would see it)"),
    "chat.spaces.messages.create": (3, "the join card, the summary, the reply telling the owners of next steps"),
    "chat.spaces.messages.update": (3, "the card: in progress, then ended; the summary once the files exist (both "
                                       "files' events may arrive together, so one edit can carry both links)"),
    "meet.conferenceRecords.list": (3, "the state of the space's conferences: (1) right after subscribing, as a "
                                       "conference that began before the subscription existed sends no event "
                                       "(people may join the moment the card is posted); (2) for the in-progress "
                                       "card; (3) for the ended card and the summary. Not a fourth when the "
                                       "files are ready: their events name their conference, and the sync they "
                                       "ask for reads only that conference's files"),
    "meet.conferenceRecords.participants.list": (3, "who is in the call; who attended; who spoke, once the transcript "
                                                    "is ready (the attendance read keeps only the first 60 people, so "
                                                    "a speaker would otherwise cost a participants.get each)"),
    "meet.conferenceRecords.participants.participantSessions.list": (10, "sessions per attendee (10 attendees)"),
    "meet.conferenceRecords.recordings.list": (2, "after the end, to show it is being prepared; then, once its file "
                                                  "is generated, to learn its link (the event names the recording, "
                                                  "not its URL)"),
    "meet.conferenceRecords.transcripts.list": (2, "the same for the transcript"),
    "meet.conferenceRecords.smartNotes.list": (1, "after the end, to know there are none; not again: a kind of file "
                                                  "absent after the end never comes (a file exists from when it "
                                                  "starts, during the call)"),
    "meet.conferenceRecords.transcripts.entries.list": (1, "the entries, for next steps (one page here)"),
    "chat.spaces.members.list": (1, "who did not join"),
}
MINIMUM_CALLS = {method: count for method, (count, _) in MINIMUM_CALLS_WHY.items()}

# Calls the app makes beyond the minimum, and why: counted in api_calls_ratio, not excused.
# None now: the fourth ``meet.conferenceRecords.list``, in the sync the files' events asked
# for, went once sync requests recorded what they must look at (migration 0012).
KNOWN_OVERHEAD: dict[str, tuple[int, str]] = {}


def minimum_calls_markdown() -> str:
    """The table of MINIMUM_CALLS with each call's reason, and the known overhead, for
    docs/benchmarks.md."""
    lines = ["### Why the minimum is what it is", "",
             f"`api_calls_minimum` = {sum(MINIMUM_CALLS.values())} (bench/lifecycle.py `MINIMUM_CALLS_WHY`):", "",
             "| call | count | why the product needs it |", "|---|---|---|"]
    lines += [f"| `{method}` | {count} | {why} |" for method, (count, why) in MINIMUM_CALLS_WHY.items()]
    if not KNOWN_OVERHEAD:
        lines += ["", "Calls made beyond the minimum (bench/lifecycle.py `KNOWN_OVERHEAD`): none known."]
        return "\n".join(lines) + "\n"
    lines += ["", "Calls made beyond the minimum (bench/lifecycle.py `KNOWN_OVERHEAD`), counted as overhead in "
              "`api_calls_ratio`:", "", "| call | extra | why it is made |", "|---|---|---|"]
    lines += [f"| `{method}` | {count} | {why} |" for method, (count, why) in KNOWN_OVERHEAD.items()]
    return "\n".join(lines) + "\n"


def _wait(condition: Callable[[], Any], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not catch up in time")
        time.sleep(0.1)


def _stack(**options: Any) -> tuple[LocalStack, str]:
    directory = tempfile.mkdtemp(prefix="meetbot-bench-lifecycle-")
    env = {"AUTH_MODE": "delegation", "LOG_LEVEL": "WARNING", **options.pop("env", {})}
    stack = LocalStack(directory=directory, auto_consent=True, reconcile_interval=0, extra_env=env, **options).start()
    # Chat's per-space quotas off, as before they were on by default: this counts calls and
    # times reads, and bench/quota_end.py measures living within them.
    stack.control("POST", "quotas", {"chatSpaceQuotas": False})
    return stack, directory


def _messages(stack: LocalStack, space: str) -> list[dict[str, Any]]:
    return stack.control("GET", f"chat/spaces/{space.split('/')[1]}/messages")["messages"]


def _card(stack: LocalStack, space: str, card_id: str) -> list[dict[str, Any]]:
    return [m for m in _messages(stack, space) if (m.get("cardsV2") or [{}])[0].get("cardId") == card_id]


def measure_api_calls() -> dict[str, Any]:
    stack, directory = _stack(env={"SYNC_DEBOUNCE_SECONDS": "1.0"})
    try:
        people = [stack.control("POST", "users", {"email": f"p{i}@example.com", "displayName": f"Person {i}"})
                  for i in range(10)]
        space = stack.control("POST", "chat/spaces", {"displayName": "Bench", "spaceType": "SPACE",
                                                      "members": [p["name"] for p in people]})["name"]
        stack.control("POST", "chat/messages", {"space": space, "sender": people[0]["name"], "text": "/meet Bench"})
        code = _card(stack, space, "meeting")[0]["clientAssignedMessageId"][len("client-meet-"):]
        flush = lambda: stack.control("POST", "pubsub/flush", {"timeoutSeconds": 20})  # noqa: E731
        _wait(lambda: stack.control("GET", "events/subscriptions")["subscriptions"])
        for person in people:
            stack.control("POST", "meet/join", {"space": code, "user": person["name"]})
        flush()
        _wait(lambda: "In the call (10)" in json.dumps(_card(stack, space, "meeting")))
        stack.control("POST", "meet/end", {"space": code, "recording": True,
                                           "transcript": [
                                               {"user": people[0]["name"], "text": "Hello everyone."},
                                               {"user": people[1]["name"], "text": "I'll send the notes by Friday."}]})
        flush()
        _wait(lambda: _card(stack, space, "summary"))
        stack.control("POST", "clock", {"advanceSeconds": 600})
        flush()
        _wait(lambda: _card(stack, space, "summary") and "being prepared" not in json.dumps(_card(stack, space, "summary"))
              and any(m.get("clientAssignedMessageId", "").startswith("client-nextsteps-")
                      for m in _messages(stack, space)))
        time.sleep(2)  # let any trailing sync finish before counting
        calls = [c for c in stack.control("GET", "calls")["calls"] if c["api"] != "oauth2"]
    finally:
        stack.stop()
        shutil.rmtree(directory, ignore_errors=True)
    counted: dict[str, int] = {}
    for call in calls:
        key = f"{call['api']}.{call['method']}"
        counted[key] = counted.get(key, 0) + 1
    minimum = sum(MINIMUM_CALLS.values())
    return {"api_calls_per_meeting": len(calls), "api_calls_minimum": minimum,
            "api_calls_ratio": round(len(calls) / minimum, 3), "api_calls_by_method": counted}


_SELECTS_LOCK = threading.Lock()


class _NothingLeftToRead:
    """werkzeug.serving's ``selectors.DefaultSelector`` while a sync is measured: no
    connection has anything left to read once answered (``select`` finds none), so the
    server's drain of it (``_without_the_emulators_memory``) reads nothing. Counts its
    ``select`` calls, to show the drain still goes through here."""

    selects = 0

    def register(self, *args: Any) -> None:
        pass

    def select(self, timeout: float | None = None) -> list[Any]:
        with _SELECTS_LOCK:
            _NothingLeftToRead.selects += 1
        return []

    def close(self) -> None:
        pass


class _Unlogged(list[Any]):
    """The emulator's call log while a sync is measured: keeps nothing."""

    def append(self, item: Any) -> None:
        pass


@contextmanager
def _without_the_emulators_memory(state: Any) -> Iterator[None]:
    """tracemalloc counts every thread of the process, and the emulator serves the app's
    calls from threads of this one. Two things of theirs, which the app never pays against
    Google, made most of the peak, and made it differ between two equal runs:

    * werkzeug's development server, after each answer, drains the connection with
      ``rfile.read(10_000_000)`` once the client has closed it, and CPython allocates the
      10,000,000 bytes before finding nothing to read: 9.54 MiB for an instant, after each
      of the sync's calls (413 at 20,000 entries, 215 at 200). The peak held one such
      buffer (11.3-11.5 and 10.8-11.0 MiB), or two when two server threads' drains
      overlapped (19.5 MiB, seen in a 200-entry run on a loaded machine): the 200-entry
      run's ≈ 19.9 MiB behind the ratio 0.57. Here the server finds nothing left to read
      (the app's clients never send more than their request), so allocates nothing.
    * the emulator's call log keeps a record of every call, one more per page of 100
      entries: without the drains the peak grew with entries for it alone (1.56 / 1.81 /
      2.18 MiB at 2,000 / 20,000 / 60,000 entries; 1.49 / 1.58 / 1.54 without the log)."""
    with state.lock:
        log, state.calls = state.calls, _Unlogged()
    _NothingLeftToRead.selects = 0
    try:
        # A stand-in for the ``selectors`` module werkzeug.serving imported (it fails
        # loudly if werkzeug no longer does); every werkzeug server in the process.
        with mock.patch.object(werkzeug.serving, "selectors",
                               SimpleNamespace(DefaultSelector=_NothingLeftToRead, EVENT_READ=selectors.EVENT_READ)):
            # A drain begun before (the setup's last call, a moment ago) could still
            # allocate its buffer inside the window: its thread is let finish first.
            for thread in threading.enumerate():
                if thread.name.endswith("(process_request_thread)"):
                    thread.join(timeout=5)
            yield
    finally:
        with state.lock:
            state.calls = log
    if not _NothingLeftToRead.selects:
        raise RuntimeError("werkzeug's server no longer drains through selectors.DefaultSelector: the big "
                           "meeting's peak may count its drain again (see _without_the_emulators_memory)")


_MEETING_NUMBERS = itertools.count(1)


def _big_meeting(stack: LocalStack, participants: int, sessions_each: int, entries: int) -> dict[str, Any]:
    state = stack.emulator_state
    # Each meeting's people are named apart from any other meeting's in this process, as
    # in life: the digest compiles a pattern of the participants' names (bot/digest/
    # names.py), the peak of the sync (1.15 MiB for 1,000 names), and ``re`` caches it: a
    # later meeting of the same names (the 200-entry one) paid 0.19 MiB for it instead.
    meeting_number = next(_MEETING_NUMBERS)
    owner = stack.control("POST", "users", {"email": "owner@example.com", "displayName": "Owner"})
    space = stack.control("POST", "chat/spaces", {"displayName": "Big", "spaceType": "SPACE",
                                                  "members": [owner["name"]]})["name"]
    stack.control("POST", "chat/messages", {"space": space, "sender": owner["name"], "text": "/meet All hands"})
    code = _card(stack, space, "meeting")[0]["clientAssignedMessageId"][len("client-meet-"):]
    # One sync is measured: the app's own worker must not read the same meeting meanwhile
    # (it would, once the conference ends, and the two would share the two cores).
    bot = stack.app.extensions["meetbot"]
    bot.worker.stop()
    meet = state.meet
    with state.lock:
        room = meet.find_space(code)
        people = []
        for index in range(participants):
            if index % 10 == 8:
                people.append({"anonymous": f"Guest {index}"})
            elif index % 10 == 9:
                people.append({"phone": f"+1650555{index:04d}"})
            else:
                people.append({"user": state.add_user(f"u{index}@example.com", f"User {index} {meeting_number}")})
        speaker = None
        for round_ in range(sessions_each):
            for who in people:
                participant, _ = meet.join(room, **who)
                speaker = speaker or participant
            if round_ < sessions_each - 1:
                for who in people:
                    meet.leave(room, meet.participant_for(meet.active_conference(room), **who))
        meet.end_conference(room, recording=True,
                            transcript=[{"participant": speaker, "text": f"Line {i}"} for i in range(entries)])
    state.clock.advance(900)
    meeting = bot.services.storage.meetings.get_meeting_by_meet_space(room.name)
    with _without_the_emulators_memory(state):
        tracemalloc.start()
        started = time.perf_counter()
        bot.worker.sync.sync(meeting, None)
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    summary = _card(stack, space, "summary")[0]
    return {"seconds": seconds, "peak_mb": peak / 2**20,
            "card_bytes": len(json.dumps({k: summary[k] for k in ("cardsV2", "fallbackText") if k in summary}))}


def _big_meeting_on_a_fresh_stack(participants: int, sessions_each: int, entries: int) -> dict[str, Any]:
    stack, directory = _stack(pubsub=False)
    try:
        return _big_meeting(stack, participants, sessions_each, entries)
    finally:
        stack.stop()
        shutil.rmtree(directory, ignore_errors=True)


def measure_big_meeting(quick: bool) -> dict[str, Any]:
    participants, sessions_each, entries = (100, 3, 2_000) if quick else (1_000, 3, 20_000)
    # A throwaway sync first: the first in a process pays once for what is imported and
    # compiled on first use, which landed in whichever measured run went first (the big
    # one): 0.5 MiB more when the 1,000 names' pattern was not the peak, 0.1 MiB now.
    _big_meeting_on_a_fresh_stack(10, 1, 10)
    big, small = (_big_meeting_on_a_fresh_stack(participants, sessions_each, transcript_entries)
                  for transcript_entries in (entries, entries // 100))
    return {"big_meeting_participants": participants, "big_meeting_sessions": participants * sessions_each,
            "big_meeting_transcript_entries": entries,
            "big_meeting_seconds": round(big["seconds"], 2), "big_meeting_peak_mb": round(big["peak_mb"], 2),
            "big_meeting_card_bytes": big["card_bytes"],
            "big_meeting_peak_ratio_100x_entries": round(big["peak_mb"] / small["peak_mb"], 3),
            "big_meeting_card_within_limits": int(big["card_bytes"] <= 32_000)}


def run(quick: bool) -> dict[str, Any]:
    return {**measure_api_calls(), **measure_big_meeting(quick)}
