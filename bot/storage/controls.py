"""Storage for the meeting controls: co-host outcomes, lock state, a meeting's settings,
people's emails, and what /meetrecent shows.

Each write is one short statement on the meeting's row, so two people clicking at once
never interleave half-updates; the last complete write wins, which is what they saw.
"""

from __future__ import annotations

from typing import Sequence

import sqlalchemy as sa

from domain import AccessType, Cohost, Meeting, MeetingSettings, Person
from bot.storage.errors import translate_errors
from bot.storage.tables import people


class ControlsStorage:
    """Mixed into ``Storage``; uses its engine, clock and transaction helpers."""

    @translate_errors
    def set_cohosts(self, meeting_id: int, cohosts: Sequence[Cohost]) -> Meeting:
        """Record what became of the meeting's mentioned co-hosts."""
        from bot.storage.store import _cohost_to_json

        return self._update(meeting_id, cohosts=[_cohost_to_json(c) for c in cohosts] or None)  # type: ignore[attr-defined]

    @translate_errors
    def set_access(self, meeting_id: int, access_type: AccessType | None,
                   unlocked_access_type: AccessType | None) -> Meeting:
        """The meeting's access type as Meet now reports it, and what Unlock restores."""
        return self._update(meeting_id, access_type=access_type.value if access_type else None,  # type: ignore[attr-defined]
                            unlocked_access_type=unlocked_access_type.value if unlocked_access_type else None)

    @translate_errors
    def set_meeting_settings(self, meeting_id: int, settings: MeetingSettings) -> Meeting:
        """The meeting's settings after a Settings dialog was applied in Meet."""
        return self._update(meeting_id, settings=settings.to_json(),  # type: ignore[attr-defined]
                            access_type=settings.access_type.value if settings.access_type else None)

    # -- people ----------------------------------------------------------------------------
    @translate_errors
    def remember_person(self, person: Person, *, time_zone: str | None = None) -> None:
        """Keep the email (and time zone, when sent) Chat gave for ``person`` with a verified
        event (no-op without an email). A later event without a time zone keeps the known one."""
        from bot.storage.store import _dialect_insert

        if not person.email:
            return
        values = {"user_name": person.user_name, "email": person.email.lower(),
                  "display_name": person.display_name, "time_zone": time_zone,
                  "updated_at": self._clock()}  # type: ignore[attr-defined]
        insert = _dialect_insert(self._engine, people).values(values)  # type: ignore[attr-defined]
        insert = insert.on_conflict_do_update(index_elements=["user_name"], set_={
            **{key: insert.excluded[key] for key in ("email", "display_name", "updated_at")},
            "time_zone": sa.func.coalesce(insert.excluded.time_zone, people.c.time_zone)})
        with self._writing() as connection:  # type: ignore[attr-defined]
            connection.execute(insert)

    @translate_errors
    def time_zone_of(self, user_name: str) -> str | None:
        """The time zone last sent with one of the person's events, or None."""
        with self._reading() as connection:  # type: ignore[attr-defined]
            return connection.execute(sa.select(people.c.time_zone).where(people.c.user_name == user_name)
                                      ).scalar_one_or_none()

    @translate_errors
    def email_of(self, user_name: str) -> str | None:
        """The email last seen for a Chat user id, or None."""
        with self._reading() as connection:  # type: ignore[attr-defined]
            return connection.execute(sa.select(people.c.email).where(people.c.user_name == user_name)
                                      ).scalar_one_or_none()
