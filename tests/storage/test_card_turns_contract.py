"""The ``CardTurns`` contract (``storage.card_turns``), on SQLite and PostgreSQL: one
drawing of a meeting's join card at a time, and never one from an older reading of Meet.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from bot.storage import CardTurns, Storage
from bot.storage import card_turns as card_turns_module
from bot.storage.card_turns import CardBusyError
from domain import MeetingStatus
from tests.storage.helpers import T0, make_meeting, race


def recorded(store: Storage) -> int:
    meeting = store.meetings.record_meeting(make_meeting(1))
    assert meeting.id is not None
    return meeting.id


def test_a_turn_records_the_hash_with_the_time_of_its_reading(store: Storage, card_turns: CardTurns) -> None:
    meeting_id = recorded(store)
    assert card_turns.card_reading(meeting_id) is None
    with card_turns.card_turn(meeting_id, T0) as turn:
        assert not turn.superseded and turn.shown_hash is None
        turn.shown("h1")
    assert card_turns.card_reading(meeting_id) == T0
    with card_turns.card_turn(meeting_id, T0 + timedelta(seconds=5)) as turn:
        assert turn.shown_hash == "h1"


def test_a_reading_is_not_the_newest_once_an_event_asks_for_a_sync(store: Storage, card_turns: CardTurns) -> None:
    meeting_id = recorded(store)
    with card_turns.card_turn(meeting_id, T0) as turn:
        turn.shown("h1")
    store.sync_queue.request_sync(meeting_id)
    assert card_turns.card_reading(meeting_id) is None  # a Refresh now must read Meet
    [claim] = store.sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0)
    with card_turns.card_turn(meeting_id, claim.claimed_at) as turn:
        turn.shown("h2")
    store.sync_queue.finish_sync(claim, status=MeetingStatus.WAITING)
    assert card_turns.card_reading(meeting_id) == claim.claimed_at


def test_an_older_reading_is_superseded_and_cannot_be_recorded(store: Storage, card_turns: CardTurns) -> None:
    meeting_id = recorded(store)
    with card_turns.card_turn(meeting_id, T0 + timedelta(seconds=10)) as turn:
        turn.shown("newer")
    with card_turns.card_turn(meeting_id, T0 + timedelta(seconds=3)) as turn:
        assert turn.superseded
        with pytest.raises(RuntimeError):
            turn.shown("older")
    with card_turns.card_turn(meeting_id, T0 + timedelta(seconds=10)) as turn:  # the same reading's time: not older
        assert not turn.superseded and turn.shown_hash == "newer"


def test_a_failed_write_records_nothing(store: Storage, card_turns: CardTurns) -> None:
    meeting_id = recorded(store)
    with pytest.raises(ConnectionError):
        with card_turns.card_turn(meeting_id, T0) as turn:
            raise ConnectionError("Chat did not take the edit")
    assert card_turns.card_reading(meeting_id) is None
    with card_turns.card_turn(meeting_id, T0) as turn:
        assert turn.shown_hash is None


def test_turns_of_one_meeting_never_overlap(store: Storage, card_turns: CardTurns) -> None:
    meeting_id = recorded(store)
    inside, overlaps = [0], [0]
    guard = threading.Lock()

    def draw(index: int) -> None:
        with card_turns.card_turn(meeting_id, T0 + timedelta(seconds=index)) as turn:
            with guard:
                inside[0] += 1
                overlaps[0] = max(overlaps[0], inside[0])
            time.sleep(0.02)  # a Chat edit in flight
            if not turn.superseded:
                turn.shown(f"h{index}")
            with guard:
                inside[0] -= 1

    race(8, draw)
    assert overlaps[0] == 1
    # Whatever order the turns came in, the newest reading is what the card shows.
    with card_turns.card_turn(meeting_id, T0 + timedelta(seconds=7)) as turn:
        assert turn.shown_hash == "h7"


def test_turns_of_different_meetings_do_not_wait_for_each_other(store: Storage, card_turns: CardTurns) -> None:
    first, second = recorded(store), store.meetings.record_meeting(make_meeting(2)).id
    assert second is not None
    with card_turns.card_turn(first, T0):
        done = threading.Event()

        def other() -> None:
            with card_turns.card_turn(second, T0) as turn:
                turn.shown("x")
            done.set()

        threading.Thread(target=other).start()
        assert done.wait(10)


def test_a_turn_held_too_long_makes_the_next_one_give_up(store: Storage, card_turns: CardTurns, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(card_turns_module, "CARD_TURN_WAIT_SECONDS", 0.2)
    meeting_id = recorded(store)
    outcome: list[BaseException] = []
    with card_turns.card_turn(meeting_id, T0):
        def other() -> None:
            try:
                with card_turns.card_turn(meeting_id, T0 + timedelta(seconds=1)):
                    pass
            except BaseException as error:  # noqa: BLE001 - inspected below
                outcome.append(error)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(10)
    assert len(outcome) == 1 and isinstance(outcome[0], CardBusyError)
