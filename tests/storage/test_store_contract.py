"""The storage contract: every test runs against SQLite and against PostgreSQL.

What a handler relies on — round trips into domain values, uniqueness reported as a
domain error, exactly-once event claims under concurrency, repeatable migrations, UTC
timestamps — must hold identically on both backends.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Callable, TypeVar

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from domain import AccessType, DialIn, Meeting, MeetingSettings, MeetingStatus, Person
from bot.storage import (
    ConflictError,
    DuplicateMeetingError,
    MeetingNotFoundError,
    Storage,
    normalise_url,
    open_storage,
)
from bot.storage.engine import alembic_config
from bot.storage.tables import metadata
from tests.storage.conftest import FakeClock, FreshDatabase

T = TypeVar("T")

ORGANIZER = Person("users/111", "Ada Lovelace", "ada@example.com")
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)


def make_meeting(n: int = 1, *, chat_space: str = "spaces/CHAT1", created_at: datetime = T0,
                 **changes: object) -> Meeting:
    meeting = Meeting(
        meet_space=f"spaces/meet{n}",
        meeting_code=f"abc-defg-{n:03d}",
        meeting_uri=f"https://meet.google.com/abc-defg-{n:03d}",
        chat_space=chat_space,
        organizer=ORGANIZER,
        title=f"Weekly sync #{n}",
        created_at=created_at,
    )
    return meeting.with_changes(**changes)


def full_meeting() -> Meeting:
    """A meeting with every optional field set, including awkward text."""
    return make_meeting(
        7,
        title="Café <b>&</b> \"quotes\" — 週次 🎉",
        settings=MeetingSettings(access_type=AccessType.TRUSTED, auto_recording=True, auto_transcription=True,
                                 auto_smart_notes=False, moderation=True),
        access_type=AccessType.RESTRICTED,
        requested_cohosts=(Person("users/222", "Grace Hopper", "grace@example.com"), Person("users/333", "Alan", None)),
        dial_in=(DialIn("US", "+1 555-0100", "123456789#"), DialIn("SIP", "sip:123@meet.example", None)),
        thread_name="spaces/CHAT1/threads/T7",
        card_message="spaces/CHAT1/messages/M7",
        status=MeetingStatus.IN_PROGRESS,
        time_zone="America/Argentina/Buenos_Aires",
    )


def race(workers: int, action: Callable[[int], T]) -> list[T]:
    """Run ``action(i)`` on ``workers`` threads released at the same instant."""
    barrier = threading.Barrier(workers)

    def run(i: int) -> T:
        barrier.wait()
        return action(i)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, range(workers)))


# -- meetings -----------------------------------------------------------------------------

def test_record_meeting_round_trips_every_field(store: Storage) -> None:
    meeting = full_meeting()

    recorded = store.record_meeting(meeting)

    assert recorded.id is not None
    assert recorded == meeting.with_changes(id=recorded.id)
    assert store.get_meeting(recorded.id) == recorded
    assert store.get_meeting_by_meet_space("spaces/meet7") == recorded
    assert store.get_meeting_by_card_message("spaces/CHAT1/messages/M7") == recorded


def test_minimal_meeting_round_trips_with_defaults(store: Storage) -> None:
    recorded = store.record_meeting(make_meeting(organizer=Person("users/9", "No Email")))

    loaded = store.get_meeting(recorded.id or 0)
    assert loaded == recorded
    assert loaded is not None
    assert loaded.settings == MeetingSettings()
    assert loaded.access_type is None
    assert loaded.requested_cohosts == () and loaded.dial_in == ()
    assert loaded.card_message is None and loaded.thread_name is None
    assert loaded.status is MeetingStatus.WAITING


def test_ids_are_distinct(store: Storage) -> None:
    ids = {store.record_meeting(make_meeting(n)).id for n in range(5)}
    assert len(ids) == 5


def test_lookups_of_unknown_meetings_return_none(store: Storage) -> None:
    assert store.get_meeting(12345) is None
    assert store.get_meeting_by_meet_space("spaces/nope") is None
    assert store.get_meeting_by_card_message("spaces/CHAT1/messages/nope") is None


def test_duplicate_meet_space_is_a_domain_error_and_keeps_the_first(store: Storage) -> None:
    first = store.record_meeting(make_meeting(1))

    with pytest.raises(DuplicateMeetingError) as raised:
        store.record_meeting(make_meeting(1, title="Impostor", chat_space="spaces/OTHER"))

    assert raised.value.meet_space == "spaces/meet1"
    assert isinstance(raised.value, ConflictError)
    assert store.get_meeting_by_meet_space("spaces/meet1") == first
    # The store is still usable after the refused write (no poisoned transaction).
    assert store.record_meeting(make_meeting(2)).id is not None


def test_attach_card_after_posting(store: Storage, clock: FakeClock) -> None:
    recorded = store.record_meeting(make_meeting(1))

    attached = store.attach_card(recorded.id or 0, "spaces/CHAT1/messages/M1", "spaces/CHAT1/threads/T1")

    assert attached == recorded.with_changes(card_message="spaces/CHAT1/messages/M1",
                                             thread_name="spaces/CHAT1/threads/T1")
    assert store.get_meeting_by_card_message("spaces/CHAT1/messages/M1") == attached
    assert store.get_meeting(recorded.id or 0) == attached


def test_attach_card_to_a_missing_meeting_raises(store: Storage) -> None:
    with pytest.raises(MeetingNotFoundError):
        store.attach_card(999, "spaces/CHAT1/messages/M1", None)


def test_one_message_is_the_card_of_one_meeting_only(store: Storage) -> None:
    first = store.record_meeting(make_meeting(1, card_message="spaces/CHAT1/messages/M"))
    second = store.record_meeting(make_meeting(2))

    with pytest.raises(ConflictError):
        store.attach_card(second.id or 0, "spaces/CHAT1/messages/M", None)

    assert store.get_meeting_by_card_message("spaces/CHAT1/messages/M") == first
    assert store.get_meeting(second.id or 0) == second


def test_set_status(store: Storage) -> None:
    recorded = store.record_meeting(make_meeting(1))

    for status in (MeetingStatus.IN_PROGRESS, MeetingStatus.ENDED):
        updated = store.set_status(recorded.id or 0, status)
        assert updated == recorded.with_changes(status=status)
        assert store.get_meeting(recorded.id or 0) == updated

    with pytest.raises(MeetingNotFoundError):
        store.set_status(999, MeetingStatus.ENDED)


def test_delete_meeting_whose_card_could_not_be_posted(store: Storage) -> None:
    recorded = store.record_meeting(make_meeting(1))
    other = store.record_meeting(make_meeting(2))

    assert store.delete_meeting(recorded.id or 0) is True

    assert store.get_meeting(recorded.id or 0) is None
    assert store.get_meeting_by_meet_space("spaces/meet1") is None
    assert store.recent_meetings("spaces/CHAT1") == [other]
    assert store.delete_meeting(recorded.id or 0) is False
    # Deleting frees the Meet space: a retry of the same creation can be recorded.
    assert store.record_meeting(make_meeting(1)).id != recorded.id


def test_recent_meetings_newest_first_limited_and_per_space(store: Storage) -> None:
    for n in range(6):
        store.record_meeting(make_meeting(n, created_at=T0 + timedelta(minutes=n)))
    store.record_meeting(make_meeting(100, chat_space="spaces/OTHER", created_at=T0 + timedelta(hours=1)))
    # Recorded last but created earliest: ordering is by creation time, not insertion.
    store.record_meeting(make_meeting(50, created_at=T0 - timedelta(days=1)))

    recent = store.recent_meetings("spaces/CHAT1", limit=3)

    assert [m.meet_space for m in recent] == ["spaces/meet5", "spaces/meet4", "spaces/meet3"]
    everything = store.recent_meetings("spaces/CHAT1", limit=100)
    assert [m.meet_space for m in everything][-1] == "spaces/meet50"
    assert len(everything) == 7
    assert [m.meet_space for m in store.recent_meetings("spaces/OTHER")] == ["spaces/meet100"]
    assert store.recent_meetings("spaces/EMPTY") == []
    assert store.recent_meetings("spaces/CHAT1", limit=0) == []


def test_recent_meetings_break_ties_by_recording_order(store: Storage) -> None:
    first = store.record_meeting(make_meeting(1))
    second = store.record_meeting(make_meeting(2))  # same created_at

    assert store.recent_meetings("spaces/CHAT1") == [second, first]


def test_concurrent_recording_from_many_threads(store: Storage) -> None:
    recorded = race(8, lambda i: store.record_meeting(make_meeting(i)))

    assert len({m.id for m in recorded}) == 8
    assert len(store.recent_meetings("spaces/CHAT1", limit=50)) == 8


def test_concurrent_duplicates_have_exactly_one_winner(store: Storage) -> None:
    def attempt(_: int) -> bool:
        try:
            store.record_meeting(make_meeting(1))
            return True
        except DuplicateMeetingError:
            return False

    assert sorted(race(8, attempt)) == [False] * 7 + [True]


# -- time ---------------------------------------------------------------------------------

def test_timestamps_come_back_as_the_same_instant_in_utc(store: Storage) -> None:
    ist = timezone(timedelta(hours=5, minutes=30))
    created = datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=ist)

    recorded = store.record_meeting(make_meeting(1, created_at=created))
    loaded = store.get_meeting(recorded.id or 0)

    assert loaded is not None
    assert loaded.created_at == created
    assert loaded.created_at.utcoffset() == timedelta(0)
    assert loaded.created_at == datetime(2026, 3, 28, 20, 0, 15, 123456, tzinfo=timezone.utc)
    assert recorded.created_at.utcoffset() == timedelta(0)
    assert recorded == loaded


def test_naive_datetimes_are_refused(store: Storage) -> None:
    with pytest.raises(ValueError, match="naive"):
        store.record_meeting(make_meeting(1, created_at=datetime(2026, 1, 1, 12, 0)))
    with pytest.raises(ValueError, match="naive"):
        store.prune_processed(datetime(2026, 1, 1))
    assert store.get_meeting_by_meet_space("spaces/meet1") is None


def test_ordering_uses_instants_across_time_zones(store: Storage) -> None:
    # 10:00 in UTC-05:00 is later than 12:00 in UTC+01:00.
    store.record_meeting(make_meeting(1, created_at=datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=1)))))
    store.record_meeting(make_meeting(2, created_at=datetime(2026, 6, 1, 10, 0, tzinfo=timezone(timedelta(hours=-5)))))

    assert [m.meet_space for m in store.recent_meetings("spaces/CHAT1")] == ["spaces/meet2", "spaces/meet1"]


# -- installed Chat spaces ----------------------------------------------------------------

def test_installed_flag_follows_added_and_removed(store: Storage) -> None:
    assert store.is_installed("spaces/CHAT1") is False  # never seen

    store.mark_installed("spaces/CHAT1", space_type="SPACE", display_name="Team")
    assert store.is_installed("spaces/CHAT1") is True
    store.mark_installed("spaces/CHAT1")  # idempotent; keeps the known type and name
    assert store.is_installed("spaces/CHAT1") is True

    store.mark_uninstalled("spaces/CHAT1")
    assert store.is_installed("spaces/CHAT1") is False
    store.mark_uninstalled("spaces/CHAT1")
    assert store.is_installed("spaces/CHAT1") is False

    store.mark_installed("spaces/CHAT1", space_type="SPACE")  # added again
    assert store.is_installed("spaces/CHAT1") is True
    assert store.is_installed("spaces/OTHER") is False


def test_removal_of_a_space_never_seen_is_recorded(store: Storage) -> None:
    store.mark_uninstalled("spaces/UNKNOWN")
    assert store.is_installed("spaces/UNKNOWN") is False
    store.mark_installed("spaces/UNKNOWN")
    assert store.is_installed("spaces/UNKNOWN") is True


def test_reinstalling_keeps_type_and_name_unless_given(store: Storage) -> None:
    from bot.storage.tables import chat_spaces

    store.mark_installed("spaces/DM", space_type="DIRECT_MESSAGE", display_name="")
    store.mark_uninstalled("spaces/DM")
    store.mark_installed("spaces/DM")

    with store.engine.connect() as connection:
        row = connection.execute(sa.select(chat_spaces).where(chat_spaces.c.name == "spaces/DM")).mappings().one()
    assert row["space_type"] == "DIRECT_MESSAGE"
    assert row["installed"] is True


# -- space defaults -----------------------------------------------------------------------

def test_space_defaults_round_trip_and_overwrite(store: Storage) -> None:
    assert store.get_space_defaults("spaces/CHAT1") is None

    first = MeetingSettings(access_type=AccessType.OPEN, auto_recording=True, moderation=False)
    store.set_space_defaults("spaces/CHAT1", first, updated_by="users/111")
    assert store.get_space_defaults("spaces/CHAT1") == first

    second = MeetingSettings(auto_transcription=True, auto_smart_notes=True)
    store.set_space_defaults("spaces/CHAT1", second)
    assert store.get_space_defaults("spaces/CHAT1") == second
    assert store.get_space_defaults("spaces/OTHER") is None


# -- processed events ---------------------------------------------------------------------

def test_mark_processed_claims_once(store: Storage) -> None:
    assert store.mark_processed("event-1") is True
    assert store.mark_processed("event-1") is False
    assert store.mark_processed("event-2") is True


def test_forget_processed_allows_a_redelivery(store: Storage) -> None:
    assert store.mark_processed("event-1") is True
    store.forget_processed("event-1")
    store.forget_processed("never-seen")  # no error
    assert store.mark_processed("event-1") is True
    assert store.mark_processed("event-1") is False


def test_take_meet_event_claims_once_and_requests_one_sync(store: Storage) -> None:
    meeting = store.record_meeting(make_meeting(1))
    assert meeting.id is not None
    store.record_subscription(meeting.id, "subscriptions/s1", T0 + timedelta(days=7), "ACTIVE")

    assert store.take_meet_event("e1", subscription="subscriptions/s1", meet_space=None) == "sync-requested"
    assert store.take_meet_event("e1", subscription="subscriptions/s1", meet_space=None) == "duplicate"
    # No subscription known (an event of another subscription): found by its Meet space.
    assert store.take_meet_event("e2", subscription="subscriptions/other", meet_space="spaces/meet1") == "sync-requested"
    assert store.take_meet_event("e3", subscription=None, meet_space="spaces/unknown") == "unknown-meeting"
    assert store.take_meet_event("e3", subscription=None, meet_space="spaces/unknown") == "duplicate"
    assert store.meetings_needing_sync() == 1
    [claim] = store.claim_syncs(lease_seconds=60, debounce_seconds=0)
    assert claim.meeting.id == meeting.id and claim.requested == 2


def test_take_meet_event_keeps_no_claim_when_its_sync_request_fails(store: Storage) -> None:
    """One transaction: a claim kept without its sync request would make the redelivery
    a "duplicate" and lose the event."""
    meeting = store.record_meeting(make_meeting(1))
    engine = store._engine  # noqa: SLF001 - the failure must happen inside the transaction

    def fail_the_update(conn, cursor, statement: str, *args: object) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("UPDATE MEETINGS"):
            raise RuntimeError("the database went away between the two statements")

    sa.event.listen(engine, "before_cursor_execute", fail_the_update)
    try:
        with pytest.raises(Exception, match="the database went away"):
            store.take_meet_event("e1", subscription=None, meet_space=meeting.meet_space)
    finally:
        sa.event.remove(engine, "before_cursor_execute", fail_the_update)
    assert store.meetings_needing_sync() == 0
    assert store.take_meet_event("e1", subscription=None, meet_space=meeting.meet_space) == "sync-requested"
    assert store.meetings_needing_sync() == 1


def test_prune_processed_forgets_only_old_claims(store: Storage, clock: FakeClock) -> None:
    store.mark_processed("old")
    clock.advance(days=8)
    store.mark_processed("new")

    assert store.prune_processed(clock.now - timedelta(days=7)) == 1

    assert store.mark_processed("old") is True
    assert store.mark_processed("new") is False


def test_racing_claims_of_one_event_have_exactly_one_winner(store: Storage) -> None:
    for round_ in range(3):
        results = race(12, lambda _, round_=round_: store.mark_processed(f"event-{round_}"))
        assert results.count(True) == 1, results


def test_racing_claims_of_different_events_all_win(store: Storage) -> None:
    assert race(12, lambda i: store.mark_processed(f"event-{i}")) == [True] * 12


# -- migrations and opening ---------------------------------------------------------------

def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(storage: Storage) -> str | None:
    with storage.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_opening_twice_migrates_once_and_keeps_data(fresh_database: FreshDatabase) -> None:
    url = fresh_database()
    first = open_storage(url)
    try:
        recorded = first.record_meeting(make_meeting(1))
        first.mark_processed("event-1")
        assert current_revision(first) == head_revision()
    finally:
        first.close()

    second = open_storage(url)
    try:
        assert current_revision(second) == head_revision()
        assert second.get_meeting(recorded.id or 0) == recorded
        assert second.mark_processed("event-1") is False
    finally:
        second.close()


def test_instances_starting_together_on_a_fresh_database(fresh_database: FreshDatabase) -> None:
    url = fresh_database()

    stores = race(4, lambda _: open_storage(url))
    try:
        for storage in stores:
            assert current_revision(storage) == head_revision()
        stores[0].record_meeting(make_meeting(1))
        assert stores[-1].get_meeting_by_meet_space("spaces/meet1") is not None
    finally:
        for storage in stores:
            storage.close()


def test_migrations_produce_exactly_the_declared_tables(store: Storage) -> None:
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


# -- URLs and backend settings ------------------------------------------------------------

@pytest.mark.parametrize(("given", "expected"), [
    ("postgres://u:p@db.example:5432/app", "postgresql+psycopg://u:p@db.example:5432/app"),
    ("postgresql://u@/app?host=/cloudsql/p:r:i", "postgresql+psycopg://u@/app?host=%2Fcloudsql%2Fp%3Ar%3Ai"),
    ("postgresql+psycopg://u@localhost/app", "postgresql+psycopg://u@localhost/app"),
    ("sqlite:///./.local/meetbot.db", "sqlite:///./.local/meetbot.db"),
])
def test_database_urls_are_normalised_to_psycopg(given: str, expected: str) -> None:
    assert normalise_url(given).render_as_string(hide_password=False) == expected


def test_unsupported_database_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        open_storage("mysql://u@localhost/app")


def test_sqlite_file_settings(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "not" / "yet" / "there" / "meetbot.db"
    storage = open_storage(f"sqlite:///{path}")
    try:
        assert path.exists()  # parent directories created: local mode needs no setup
        with storage.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    finally:
        storage.close()


def test_in_memory_sqlite_is_one_shared_database() -> None:
    storage = open_storage("sqlite://")
    try:
        # Every checkout must see the same data (migrations included); in-memory is for
        # single-threaded unit tests, so no threads here.
        for n in range(3):
            storage.record_meeting(make_meeting(n))
        assert len(storage.recent_meetings("spaces/CHAT1")) == 3
    finally:
        storage.close()
