"""The schema, as SQLAlchemy Core tables.

Core rather than ORM: the store turns rows into frozen domain values (``domain``)
straight away, so nothing outside ``Storage`` ever holds a session or a lazy row.

Migrations (``migrations/versions``) are written by hand and frozen; this module is the
current shape they must produce. ``tests/storage`` checks the two agree.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timestamp that is timezone-aware UTC going in and coming out.

    PostgreSQL stores ``timestamptz`` and answers in the session's time zone; SQLite
    keeps a naive string. Both come back as UTC here. Naive datetimes are refused on the
    way in: guessing their zone is how off-by-hours bugs are born.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: storage needs timezone-aware times")
        value = value.astimezone(timezone.utc)
        # SQLite would store the "+00:00" suffix inconsistently; store naive UTC there.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def json_type() -> sa.types.TypeEngine[Any]:
    """JSON everywhere, JSONB on PostgreSQL (indexable, compact, compared by value)."""
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


# Deterministic constraint names, so later migrations (and SQLite batch mode, which
# recreates tables) can refer to constraints by name.
metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

# One row per meeting created by /meet. Written only once the Meet space exists; the
# card columns are filled when the join card is posted (or given at insert time when
# the handler already knows the message name).
meetings = sa.Table(
    "meetings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("meet_space", sa.String, nullable=False, unique=True),
    sa.Column("meeting_code", sa.String, nullable=False),
    sa.Column("meeting_uri", sa.String, nullable=False),
    sa.Column("chat_space", sa.String, nullable=False),
    sa.Column("thread_name", sa.String, nullable=True),
    # Unique: a Chat message is the card of at most one meeting (button clicks look the
    # meeting up by it). NULLs do not collide on either backend.
    sa.Column("card_message", sa.String, nullable=True, unique=True),
    sa.Column("organizer_user_name", sa.String, nullable=False),
    sa.Column("organizer_display_name", sa.String, nullable=False),
    sa.Column("organizer_email", sa.String, nullable=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("settings", json_type(), nullable=False),
    sa.Column("access_type", sa.String, nullable=True),
    sa.Column("requested_cohosts", json_type(), nullable=False),
    sa.Column("dial_in", json_type(), nullable=False),
    sa.Column("status", sa.String, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    # The lifecycle's sync requests (bot/storage/sync_queue.py): due while requested > done.
    sa.Column("sync_requested", sa.Integer, nullable=False, server_default="0"),
    sa.Column("sync_done", sa.Integer, nullable=False, server_default="0"),
    sa.Column("sync_claimed_until", UTCDateTime, nullable=True),
    sa.Column("last_synced_at", UTCDateTime, nullable=True),
    # The pending request's place in the queue: claims serve the lowest ticket first (the
    # oldest request), so a fresh event does not wait behind meetings re-requested since.
    sa.Column("sync_ticket", sa.Integer, nullable=False, server_default="0"),
    # Syncs in a row that failed for a passing reason: the next try's pause grows with it.
    sa.Column("sync_failures", sa.Integer, nullable=False, server_default="0"),
    sa.Column("card_hash", sa.String, nullable=True),  # what the join card shows now
    # When the reading of Meet the card shows began: older drawings never replace it.
    sa.Column("card_observed_at", UTCDateTime, nullable=True),
    # The Chat message whose /meet created the meeting: one message, one meeting, however
    # often Chat delivers it. NULLs (meetings from before) do not collide.
    sa.Column("source_message", sa.String, nullable=True, unique=True),
    # Meeting controls: what became of each mentioned co-host (JSON list; NULL = none
    # tried), the access type Unlock restores, and the event format the card's buttons use.
    sa.Column("cohosts", json_type(), nullable=True),
    sa.Column("unlocked_access_type", sa.String, nullable=True),
    sa.Column("event_format", sa.String, nullable=True),  # NULL: classic
    # The organizer's IANA time zone from their /meet (NULL: Chat sent none; read as UTC).
    sa.Column("time_zone", sa.String, nullable=True),
    # Dormancy: since when a meeting never started is left alone (NULL: watched), and when
    # it was last woken up (its quiet time counts from then; NULL: from its creation).
    sa.Column("dormant_since", UTCDateTime, nullable=True),
    sa.Column("woken_at", UTCDateTime, nullable=True),
    # "Recent meetings of this space", newest first.
    sa.Index(None, "chat_space", "created_at"),
    # Per-organizer lookups (/meetlogout clean-up, counting an organizer's meetings).
    sa.Index(None, "organizer_user_name", "created_at"),
    # The next sync ticket is the highest so far plus one.
    sa.Index(None, "sync_ticket"),
)

# Chat spaces the app has been added to. A removed space keeps its row with
# installed = false, so the app knows to stop posting there.
chat_spaces = sa.Table(
    "chat_spaces",
    metadata,
    sa.Column("name", sa.String, primary_key=True),
    sa.Column("installed", sa.Boolean, nullable=False),
    sa.Column("space_type", sa.String, nullable=True),
    sa.Column("display_name", sa.String, nullable=True),
    sa.Column("installed_at", UTCDateTime, nullable=True),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# Per-space meeting defaults chosen in the settings dialog (MeetingSettings JSON).
space_defaults = sa.Table(
    "space_defaults",
    metadata,
    sa.Column("chat_space", sa.String, primary_key=True),
    sa.Column("settings", json_type(), nullable=False),
    sa.Column("updated_by", sa.String, nullable=True),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# Ids of events already handled: the primary key is the deduplication (an insert
# either wins or finds the id taken), so it holds across workers and instances.
processed_events = sa.Table(
    "processed_events",
    metadata,
    sa.Column("event_id", sa.String, primary_key=True),
    sa.Column("processed_at", UTCDateTime, nullable=False),
    sa.Index(None, "processed_at"),  # pruning old ids
)

# -- the meeting lifecycle (sync_queue, card_turns, subscriptions, conference_summaries) ---

# Workspace Events subscriptions of meeting spaces, renewed by the reconciler.
subscriptions = sa.Table(
    "subscriptions",
    metadata,
    sa.Column("name", sa.String, primary_key=True),  # subscriptions/{id}
    sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False),
    sa.Column("expire_time", UTCDateTime, nullable=False),
    sa.Column("state", sa.String, nullable=False),
    sa.Column("suspension_reason", sa.String, nullable=True),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Index(None, "meeting_id"),
)

# Sync requests that asked only for some conferences' files to be looked at (a recording,
# transcript or smart notes fileGenerated event names its conference), one row per request:
# ``request`` is the number the request took (``meetings.sync_requested`` once it was made).
# A pending request with no row here asks for a full look at the meeting's live state, so
# every writer that only bumps the counter (the reconciler, a wake-up, a /meet) asks for
# one; a sync covering requests that all have rows reads only their conferences' files.
# The rows a sync covered are deleted when it finishes (bot/storage/sync_queue.py).
file_sync_requests = sa.Table(
    "file_sync_requests",
    metadata,
    sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("request", sa.Integer, primary_key=True),
    sa.Column("conference_record", sa.String, nullable=False),  # conferenceRecords/{id}
)

# One summary message per conference: where it is, what it showed, whether it is final.
conference_summaries = sa.Table(
    "conference_summaries",
    metadata,
    sa.Column("conference_record", sa.String, primary_key=True),  # conferenceRecords/{id}
    sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False),
    sa.Column("message_name", sa.String, nullable=False),
    sa.Column("content_hash", sa.String, nullable=False),
    sa.Column("complete", sa.Boolean, nullable=False),
    # Attendance is read once, when the conference has ended (it cannot change after).
    sa.Column("attendance", json_type(), nullable=False),
    # For /meetrecent: when the conference ran and its files (NULL for older rows).
    sa.Column("started_at", UTCDateTime, nullable=True),
    sa.Column("ended_at", UTCDateTime, nullable=True),
    sa.Column("artifacts", json_type(), nullable=True),
    # Next steps, decisions and key points read from the transcript (never the transcript
    # itself), made once; and whether the one reply mentioning the owners was posted.
    sa.Column("digest", json_type(), nullable=True),
    sa.Column("owners_told", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Index(None, "meeting_id"),
)

# -- per-user authorization (bot/storage/user_grants.py) -----------------------------------

# One row per linked user. The refresh token is ciphertext (Fernet, encrypted by the
# app); access tokens and client secrets are never stored.
user_grants = sa.Table(
    "user_grants",
    metadata,
    sa.Column("user_name", sa.String, primary_key=True),  # users/{id} of the Chat user
    sa.Column("google_subject", sa.String, nullable=False),  # the ID token's sub at linking
    sa.Column("email", sa.String, nullable=True),
    sa.Column("scopes", json_type(), nullable=False),  # granted scopes, sorted
    sa.Column("refresh_token_ciphertext", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# The server side of an OAuth state: who asked, the command to finish, Chat's
# configCompleteRedirectUrl and the PKCE verifier (encrypted). Deleted when used.
pending_authorizations = sa.Table(
    "pending_authorizations",
    metadata,
    sa.Column("nonce", sa.String, primary_key=True),
    sa.Column("user_name", sa.String, nullable=False),
    sa.Column("user_display_name", sa.String, nullable=False),
    sa.Column("user_email", sa.String, nullable=True),
    sa.Column("command", sa.String, nullable=True),  # "meet", or None for a bare link
    sa.Column("chat_space", sa.String, nullable=True),
    sa.Column("thread_name", sa.String, nullable=True),
    sa.Column("source_message", sa.String, nullable=True),
    sa.Column("argument_text", sa.Text, nullable=True),
    sa.Column("mentions", json_type(), nullable=False),
    sa.Column("event_format", sa.String, nullable=False),
    sa.Column("time_zone", sa.String, nullable=True),
    sa.Column("config_complete_url", sa.Text, nullable=True),
    sa.Column("code_verifier_ciphertext", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    # What the link is for (``meet:{chat space}``, ``directory:{card}`` or ``link``): a
    # person has one pending authorization per purpose, the newest replacing the one
    # before, so however many times someone who never linked types /meet in a space, one
    # row waits (the last request), not one per attempt.
    sa.Column("purpose", sa.String, nullable=False),
    sa.UniqueConstraint("user_name", "purpose"),
    sa.Index(None, "expires_at"),  # pruning
)

# -- people (bot/storage/known_people.py) --------------------------------------------------

# The email Chat sent with a verified event, by Chat user id: Meet adds co-hosts by
# email, and Chat's mentions carry only the user id.
people = sa.Table(
    "people",
    metadata,
    sa.Column("user_name", sa.String, primary_key=True),  # users/{id}
    sa.Column("email", sa.String, nullable=False),
    sa.Column("display_name", sa.String, nullable=True),
    # The IANA time zone last sent with one of their events (spoken dates are read in it).
    sa.Column("time_zone", sa.String, nullable=True),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# -- meetings paused for their organizer (bot/storage/paused_meetings.py) ------------------

# A meeting whose card stopped following Meet because its organizer's authorization is
# gone. ``since`` names the episode (the prompt's request id derives from it);
# ``prompted``: the organizer's private prompt was posted. Deleted on resuming.
paused_meetings = sa.Table(
    "paused_meetings",
    metadata,
    sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("organizer_user_name", sa.String, nullable=False),
    sa.Column("since", UTCDateTime, nullable=False),
    sa.Column("prompted", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index(None, "organizer_user_name"),  # resuming everything of one organizer when they link
)

# -- rate limits (bot/storage/rate_limits.py) ----------------------------------------------

# One row per limited key (``meet:users/…``: a person's /meet). Reserving upserts it first,
# which on PostgreSQL holds the row's lock to the end of the transaction: reservations of
# one key queue there, across workers and instances (SQLite's write transaction runs alone
# anyway). The rows hold nothing else; there is one per person who ever reserved.
rate_limit_keys = sa.Table(
    "rate_limit_keys",
    metadata,
    sa.Column("key", sa.String, primary_key=True),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# The reservations inside each key's sliding window; older ones are deleted as the key
# reserves again.
rate_limit_reservations = sa.Table(
    "rate_limit_reservations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String, sa.ForeignKey("rate_limit_keys.key", ondelete="CASCADE"), nullable=False),
    sa.Column("reserved_at", UTCDateTime, nullable=False),
    sa.Index(None, "key", "reserved_at"),
)
