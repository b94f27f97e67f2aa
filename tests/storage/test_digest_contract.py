"""Next steps' storage, on both backends: a conference's digest (never its transcript),
whether its owners were told, and the time zones people's events carried."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta

import sqlalchemy as sa

from domain import (
    ActionItem,
    Attendance,
    AttendeeKind,
    Digest,
    DigestOutcome,
    Note,
    Person,
    Speaker,
)
from bot.storage import Storage, SummaryRecord
from bot.storage.tables import conference_summaries
from tests.storage.test_store_contract import T0, make_meeting

BOB = Speaker("conferenceRecords/c/participants/2", "Bob Brown", AttendeeKind.SIGNED_IN, "users/2")
GUEST = Speaker("conferenceRecords/c/participants/9", "Maria (Acme) <b>", AttendeeKind.ANONYMOUS)
DIGEST = Digest(
    DigestOutcome.READY,
    (ActionItem(BOB, "draft the release notes", timedelta(minutes=3, seconds=2.5), date(2026, 12, 4)),
     ActionItem(GUEST, "send the signed contract — 週次 🎉", timedelta(minutes=41))),
    (Note("ship behind a flag", timedelta(minutes=12)),),
    (Note("drop-off fell 12%", timedelta(seconds=30)),),
    language="en-US", summarizer="gemini")


def _summary(meeting_id: int, digest: Digest | None, told: bool = False) -> SummaryRecord:
    return SummaryRecord("conferenceRecords/c", meeting_id, "spaces/x/messages/s", "hash", False,
                         Attendance((), 0, frozenset()), T0, T0 + timedelta(hours=1), (), digest, told)


def test_a_digest_and_its_owners_told_round_trip(store: Storage) -> None:
    meeting = store.record_meeting(make_meeting())
    assert meeting.id is not None
    store.save_summary(_summary(meeting.id, None))
    first = store.get_summary("conferenceRecords/c")
    assert first is not None and first.digest is None and not first.owners_told
    store.save_summary(_summary(meeting.id, DIGEST, told=True))
    again = store.get_summary("conferenceRecords/c")
    assert again is not None and again.digest == DIGEST and again.owners_told
    for outcome in (DigestOutcome.UNSUPPORTED_LANGUAGE, DigestOutcome.EMPTY):
        honest = Digest(outcome, language="fr-FR")
        store.save_summary(_summary(meeting.id, honest))
        kept = store.get_summary("conferenceRecords/c")
        assert kept is not None and kept.digest == honest and not kept.owners_told


def test_only_the_digest_is_stored_never_more_of_the_transcript(store: Storage) -> None:
    meeting = store.record_meeting(make_meeting())
    assert meeting.id is not None
    store.save_summary(_summary(meeting.id, DIGEST))
    with store.engine.connect() as connection:
        row = connection.execute(sa.select(conference_summaries.c.digest)).scalar_one()
    stored = row if isinstance(row, dict) else json.loads(row)
    assert set(stored) == {"outcome", "language", "summarizer", "items", "decisions", "keyPoints"}
    assert [item["task"] for item in stored["items"]] == [item.task for item in DIGEST.action_items]


def test_a_persons_time_zone_is_kept_until_another_is_sent(store: Storage) -> None:
    bob = Person("users/2", "Bob Brown", "bob@example.com")
    assert store.time_zone_of(bob.user_name) is None
    store.remember_person(bob)
    assert store.time_zone_of(bob.user_name) is None
    store.remember_person(bob, time_zone="Europe/Paris")
    store.remember_person(dataclasses.replace(bob, email="bob2@example.com"))  # an event without one
    assert store.time_zone_of(bob.user_name) == "Europe/Paris"
    assert store.email_of(bob.user_name) == "bob2@example.com"
    store.remember_person(bob, time_zone="Asia/Tokyo")
    assert store.time_zone_of(bob.user_name) == "Asia/Tokyo"
