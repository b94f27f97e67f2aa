"""Initial schema: meetings, installed Chat spaces, space defaults, processed events.

Revision ID: 0001
Revises:
Create Date: 2026-11-24

Migrations are frozen history: column types are written out here rather than imported
from bot.storage.tables, which only describes the newest shape.
"""

from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _json() -> sa.types.TypeEngine:  # type: ignore[type-arg]
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("meet_space", sa.String, nullable=False),
        sa.Column("meeting_code", sa.String, nullable=False),
        sa.Column("meeting_uri", sa.String, nullable=False),
        sa.Column("chat_space", sa.String, nullable=False),
        sa.Column("thread_name", sa.String, nullable=True),
        sa.Column("card_message", sa.String, nullable=True),
        sa.Column("organizer_user_name", sa.String, nullable=False),
        sa.Column("organizer_display_name", sa.String, nullable=False),
        sa.Column("organizer_email", sa.String, nullable=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("settings", _json(), nullable=False),
        sa.Column("access_type", sa.String, nullable=True),
        sa.Column("requested_cohosts", _json(), nullable=False),
        sa.Column("dial_in", _json(), nullable=False),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_meetings"),
        sa.UniqueConstraint("meet_space", name="uq_meetings_meet_space"),
        sa.UniqueConstraint("card_message", name="uq_meetings_card_message"),
    )
    op.create_index("ix_meetings_chat_space_created_at", "meetings", ["chat_space", "created_at"])
    op.create_index("ix_meetings_organizer_user_name_created_at", "meetings", ["organizer_user_name", "created_at"])

    op.create_table(
        "chat_spaces",
        sa.Column("name", sa.String, nullable=False),
        sa.Column("installed", sa.Boolean, nullable=False),
        sa.Column("space_type", sa.String, nullable=True),
        sa.Column("display_name", sa.String, nullable=True),
        sa.Column("installed_at", _timestamp(), nullable=True),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_chat_spaces"),
    )

    op.create_table(
        "space_defaults",
        sa.Column("chat_space", sa.String, nullable=False),
        sa.Column("settings", _json(), nullable=False),
        sa.Column("updated_by", sa.String, nullable=True),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("chat_space", name="pk_space_defaults"),
    )

    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String, nullable=False),
        sa.Column("processed_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_processed_events"),
    )
    op.create_index("ix_processed_events_processed_at", "processed_events", ["processed_at"])


def downgrade() -> None:
    op.drop_table("processed_events")
    op.drop_table("space_defaults")
    op.drop_table("chat_spaces")
    op.drop_index("ix_meetings_organizer_user_name_created_at", table_name="meetings")
    op.drop_index("ix_meetings_chat_space_created_at", table_name="meetings")
    op.drop_table("meetings")
