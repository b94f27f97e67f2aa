"""The ``Spaces`` contract (``storage.spaces``), on SQLite and PostgreSQL: where the app is
installed, and each space's defaults for new meetings.
"""

from __future__ import annotations

import sqlalchemy as sa

from bot.storage import Spaces, Storage
from domain import AccessType, MeetingSettings
from tests.storage.conftest import FakeClock


def test_installed_flag_follows_added_and_removed(spaces: Spaces) -> None:
    assert spaces.is_installed("spaces/CHAT1") is False  # never seen

    spaces.mark_installed("spaces/CHAT1", space_type="SPACE", display_name="Team")
    assert spaces.is_installed("spaces/CHAT1") is True
    spaces.mark_installed("spaces/CHAT1")  # idempotent; keeps the known type and name
    assert spaces.is_installed("spaces/CHAT1") is True

    spaces.mark_uninstalled("spaces/CHAT1")
    assert spaces.is_installed("spaces/CHAT1") is False
    spaces.mark_uninstalled("spaces/CHAT1")
    assert spaces.is_installed("spaces/CHAT1") is False

    spaces.mark_installed("spaces/CHAT1", space_type="SPACE")  # added again
    assert spaces.is_installed("spaces/CHAT1") is True
    assert spaces.is_installed("spaces/OTHER") is False


def test_removal_of_a_space_never_seen_is_recorded(spaces: Spaces) -> None:
    spaces.mark_uninstalled("spaces/UNKNOWN")
    assert spaces.is_installed("spaces/UNKNOWN") is False
    spaces.mark_installed("spaces/UNKNOWN")
    assert spaces.is_installed("spaces/UNKNOWN") is True


def test_reinstalling_keeps_type_and_name_unless_given(store: Storage, spaces: Spaces) -> None:
    from bot.storage.tables import chat_spaces

    spaces.mark_installed("spaces/DM", space_type="DIRECT_MESSAGE", display_name="")
    spaces.mark_uninstalled("spaces/DM")
    spaces.mark_installed("spaces/DM")

    with store.engine.connect() as connection:
        row = connection.execute(sa.select(chat_spaces).where(chat_spaces.c.name == "spaces/DM")).mappings().one()
    assert row["space_type"] == "DIRECT_MESSAGE"
    assert row["installed"] is True


def test_space_defaults_round_trip_and_overwrite(spaces: Spaces) -> None:
    assert spaces.get_space_defaults("spaces/CHAT1") is None

    first = MeetingSettings(access_type=AccessType.OPEN, auto_recording=True, moderation=False)
    spaces.set_space_defaults("spaces/CHAT1", first, updated_by="users/111")
    assert spaces.get_space_defaults("spaces/CHAT1") == first

    second = MeetingSettings(auto_transcription=True, auto_smart_notes=True)
    spaces.set_space_defaults("spaces/CHAT1", second)
    assert spaces.get_space_defaults("spaces/CHAT1") == second
    assert spaces.get_space_defaults("spaces/OTHER") is None


def _space_row(store: Storage, name: str) -> sa.RowMapping:
    from bot.storage.tables import chat_spaces

    with store.engine.connect() as connection:
        return connection.execute(sa.select(chat_spaces).where(chat_spaces.c.name == name)).mappings().one()


def test_marking_an_installed_space_again_with_nothing_new_writes_nothing(
        store: Storage, spaces: Spaces, clock: FakeClock) -> None:
    spaces.mark_installed("spaces/CHAT1", space_type="SPACE", display_name="Team")
    first = _space_row(store, "spaces/CHAT1")
    clock.advance(minutes=5)

    spaces.mark_installed("spaces/CHAT1", space_type="SPACE")  # what every command does
    spaces.mark_installed("spaces/CHAT1")

    assert _space_row(store, "spaces/CHAT1") == first  # not rewritten: updated_at as it was


def test_marking_an_installed_space_with_something_new_writes_it(
        store: Storage, spaces: Spaces, clock: FakeClock) -> None:
    spaces.mark_installed("spaces/CHAT1", space_type="SPACE")
    installed_at = _space_row(store, "spaces/CHAT1")["installed_at"]
    clock.advance(minutes=5)

    spaces.mark_installed("spaces/CHAT1", space_type="SPACE", display_name="Renamed")

    row = _space_row(store, "spaces/CHAT1")
    assert (row["display_name"], row["space_type"]) == ("Renamed", "SPACE")
    assert row["updated_at"] == clock.now and row["installed_at"] == installed_at


def test_marking_a_removed_space_installed_writes_it(store: Storage, spaces: Spaces, clock: FakeClock) -> None:
    spaces.mark_installed("spaces/CHAT1", space_type="SPACE")
    spaces.mark_uninstalled("spaces/CHAT1")
    clock.advance(minutes=5)

    spaces.mark_installed("spaces/CHAT1", space_type="SPACE")  # same type and name, but it was removed

    assert spaces.is_installed("spaces/CHAT1") is True
    assert _space_row(store, "spaces/CHAT1")["installed_at"] == clock.now
