"""Per-user authorization: grants, and pending authorizations (one per person and purpose).

Refresh tokens arrive here already encrypted (``bot.authorization.crypto``): storage
never holds one in the clear, nor any access token or client secret. Pending
authorizations are taken with one ``DELETE … RETURNING``, so of two concurrent
callbacks with the same state exactly one gets the row: the state is single-use
across workers and instances.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from domain import MeetRequest, PendingAuthorization, Person, UserGrant
from bot.storage.database import Database, require_aware
from bot.storage.errors import translate_errors
from bot.storage.tables import pending_authorizations, user_grants

# The ``command`` of a pending authorization that asks for directory lookups for a meeting
# ("meet" is a /meet waiting for the link, None a bare link).
DIRECTORY_COMMAND = "directory"


class SqlGrants:
    """``Grants`` over SQLite or PostgreSQL."""

    def __init__(self, database: Database) -> None:
        self._db = database

    # -- grants ---------------------------------------------------------------------------
    @translate_errors
    def save_grant(self, grant: UserGrant) -> UserGrant:
        """Store (or replace, when the user links again) a user's grant."""
        require_aware(grant.created_at)
        values = _grant_to_row(grant) | {"updated_at": self._db.now()}
        insert = self._db.insert(user_grants).values(values)
        insert = insert.on_conflict_do_update(
            index_elements=["user_name"],
            set_={column: insert.excluded[column] for column in
                  ("google_subject", "email", "scopes", "refresh_token_ciphertext", "updated_at")},
        ).returning(*user_grants.c)
        with self._db.writing() as connection:
            row = connection.execute(insert).mappings().one()
        return _row_to_grant(row)

    @translate_errors
    def get_grant(self, user_name: str) -> UserGrant | None:
        with self._db.reading(one_statement=True) as connection:
            row = connection.execute(sa.select(user_grants).where(user_grants.c.user_name == user_name)) \
                .mappings().one_or_none()
        return _row_to_grant(row) if row is not None else None

    @translate_errors
    def delete_grant(self, user_name: str, *, only_if_ciphertext: str | None = None) -> bool:
        """Forget a user's grant. With ``only_if_ciphertext``, only if it is still that one
        (a grant found invalid must not take a newer link of the same user with it)."""
        delete = sa.delete(user_grants).where(user_grants.c.user_name == user_name)
        if only_if_ciphertext is not None:
            delete = delete.where(user_grants.c.refresh_token_ciphertext == only_if_ciphertext)
        with self._db.writing() as connection:
            return connection.execute(delete).rowcount > 0

    @translate_errors
    def replace_grant_ciphertext(self, user_name: str, old: str, new: str) -> bool:
        """Re-encryption under a newer key (compare-and-swap: False if the row changed)."""
        update = (sa.update(user_grants)
                  .where(user_grants.c.user_name == user_name, user_grants.c.refresh_token_ciphertext == old)
                  .values(refresh_token_ciphertext=new, updated_at=self._db.now()))
        with self._db.writing() as connection:
            return connection.execute(update).rowcount > 0

    # -- pending authorizations -----------------------------------------------------------
    @translate_errors
    def add_pending_authorization(self, pending: PendingAuthorization) -> None:
        """Store it, replacing the person's pending authorization for the same purpose
        (``purpose_of``): of one person's prompts for one space (or meeting), only the
        newest link works, and only its command is carried out once they link. One
        upsert, so concurrent prompts of one person leave exactly one row either way."""
        require_aware(pending.created_at)
        require_aware(pending.expires_at)
        row = _pending_to_row(pending)
        insert = self._db.insert(pending_authorizations).values(row)
        insert = insert.on_conflict_do_update(
            index_elements=["user_name", "purpose"],
            set_={column: insert.excluded[column] for column in row if column not in ("user_name", "purpose")})
        with self._db.writing() as connection:
            connection.execute(insert)

    @translate_errors
    def get_pending_authorization(self, nonce: str) -> PendingAuthorization | None:
        """Look without taking (``/oauth2/start``); expired rows are returned too."""
        with self._db.reading(one_statement=True) as connection:
            row = connection.execute(sa.select(pending_authorizations)
                                     .where(pending_authorizations.c.nonce == nonce)).mappings().one_or_none()
        return _row_to_pending(row) if row is not None else None

    @translate_errors
    def take_pending_authorization(self, nonce: str) -> PendingAuthorization | None:
        """Delete and return it, atomically: only one caller ever gets a given row.
        Expired rows are returned too (and deleted); the caller checks ``expires_at``."""
        delete = (sa.delete(pending_authorizations).where(pending_authorizations.c.nonce == nonce)
                  .returning(*pending_authorizations.c))
        with self._db.writing() as connection:
            row = connection.execute(delete).mappings().one_or_none()
        return _row_to_pending(row) if row is not None else None

    @translate_errors
    def prune_pending_authorizations(self, now: datetime) -> int:
        """Delete pending authorizations that expired (links nobody followed in time)."""
        require_aware(now)
        delete = sa.delete(pending_authorizations).where(pending_authorizations.c.expires_at <= now)
        with self._db.writing() as connection:
            return connection.execute(delete).rowcount


# -- rows <-> domain values ----------------------------------------------------------------

def _grant_to_row(grant: UserGrant) -> dict[str, Any]:
    return {
        "user_name": grant.user_name,
        "google_subject": grant.google_subject,
        "email": grant.email,
        "scopes": sorted(grant.scopes),
        "refresh_token_ciphertext": grant.refresh_token_ciphertext,
        "created_at": grant.created_at,
    }


def _row_to_grant(row: sa.RowMapping) -> UserGrant:
    return UserGrant(
        user_name=row["user_name"],
        google_subject=row["google_subject"],
        email=row["email"],
        scopes=frozenset(row["scopes"]),
        refresh_token_ciphertext=row["refresh_token_ciphertext"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def purpose_of(pending: PendingAuthorization) -> str:
    """What a pending authorization is for; a person has at most one per purpose."""
    if pending.request is not None:
        return f"meet:{pending.request.chat_space}"
    if pending.directory_meeting is not None:
        return f"{DIRECTORY_COMMAND}:{pending.directory_meeting}"
    return "link"


def _pending_to_row(pending: PendingAuthorization) -> dict[str, Any]:
    request = pending.request
    return {
        "purpose": purpose_of(pending),
        "nonce": pending.nonce,
        "user_name": pending.user.user_name,
        "user_display_name": pending.user.display_name,
        "user_email": pending.user.email,
        "command": "meet" if request is not None else (DIRECTORY_COMMAND if pending.directory_meeting else None),
        "chat_space": request.chat_space if request else None,
        "thread_name": request.thread_name if request else None,
        # A directory grant keeps its meeting's card name where a command keeps its message.
        "source_message": request.source_message if request else pending.directory_meeting,
        "argument_text": request.argument_text if request else None,
        "mentions": [p.to_json() for p in request.mentions] if request else [],
        "event_format": pending.event_format,
        "time_zone": request.time_zone if request else None,
        "config_complete_url": pending.config_complete_url,
        "code_verifier_ciphertext": pending.code_verifier_ciphertext,
        "created_at": pending.created_at,
        "expires_at": pending.expires_at,
    }


def _row_to_pending(row: sa.RowMapping) -> PendingAuthorization:
    user = Person(row["user_name"], row["user_display_name"], row["user_email"])
    request = None
    if row["command"] == "meet" and row["chat_space"]:
        request = MeetRequest(organizer=user, chat_space=row["chat_space"], argument_text=row["argument_text"] or "",
                              mentions=tuple(Person.from_json(item) for item in row["mentions"] or []),
                              source_message=row["source_message"], thread_name=row["thread_name"],
                              event_format=row["event_format"], time_zone=row["time_zone"])
    return PendingAuthorization(
        nonce=row["nonce"], user=user, request=request, event_format=row["event_format"],
        config_complete_url=row["config_complete_url"], code_verifier_ciphertext=row["code_verifier_ciphertext"],
        created_at=row["created_at"], expires_at=row["expires_at"],
        directory_meeting=row["source_message"] if row["command"] == DIRECTORY_COMMAND else None)
