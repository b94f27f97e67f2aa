"""The ``Spaces`` contract (``storage.spaces``), on SQLite and PostgreSQL: where the app is
installed, and each space's defaults for new meetings.
"""

from __future__ import annotations

import sqlalchemy as sa

from bot.storage import Storage
from domain import AccessType, MeetingSettings


def test_installed_flag_follows_added_and_removed(store: Storage) -> None:
    assert store.spaces.is_installed("spaces/CHAT1") is False  # never seen

    store.spaces.mark_installed("spaces/CHAT1", space_type="SPACE", display_name="Team")
    assert store.spaces.is_installed("spaces/CHAT1") is True
    store.spaces.mark_installed("spaces/CHAT1")  # idempotent; keeps the known type and name
    assert store.spaces.is_installed("spaces/CHAT1") is True

    store.spaces.mark_uninstalled("spaces/CHAT1")
    assert store.spaces.is_installed("spaces/CHAT1") is False
    store.spaces.mark_uninstalled("spaces/CHAT1")
    assert store.spaces.is_installed("spaces/CHAT1") is False

    store.spaces.mark_installed("spaces/CHAT1", space_type="SPACE")  # added again
    assert store.spaces.is_installed("spaces/CHAT1") is True
    assert store.spaces.is_installed("spaces/OTHER") is False


def test_removal_of_a_space_never_seen_is_recorded(store: Storage) -> None:
    store.spaces.mark_uninstalled("spaces/UNKNOWN")
    assert store.spaces.is_installed("spaces/UNKNOWN") is False
    store.spaces.mark_installed("spaces/UNKNOWN")
    assert store.spaces.is_installed("spaces/UNKNOWN") is True


def test_reinstalling_keeps_type_and_name_unless_given(store: Storage) -> None:
    from bot.storage.tables import chat_spaces

    store.spaces.mark_installed("spaces/DM", space_type="DIRECT_MESSAGE", display_name="")
    store.spaces.mark_uninstalled("spaces/DM")
    store.spaces.mark_installed("spaces/DM")

    with store.engine.connect() as connection:
        row = connection.execute(sa.select(chat_spaces).where(chat_spaces.c.name == "spaces/DM")).mappings().one()
    assert row["space_type"] == "DIRECT_MESSAGE"
    assert row["installed"] is True


def test_space_defaults_round_trip_and_overwrite(store: Storage) -> None:
    assert store.spaces.get_space_defaults("spaces/CHAT1") is None

    first = MeetingSettings(access_type=AccessType.OPEN, auto_recording=True, moderation=False)
    store.spaces.set_space_defaults("spaces/CHAT1", first, updated_by="users/111")
    assert store.spaces.get_space_defaults("spaces/CHAT1") == first

    second = MeetingSettings(auto_transcription=True, auto_smart_notes=True)
    store.spaces.set_space_defaults("spaces/CHAT1", second)
    assert store.spaces.get_space_defaults("spaces/CHAT1") == second
    assert store.spaces.get_space_defaults("spaces/OTHER") is None
