"""The meeting lifecycle: sync requests on meetings, subscriptions, conference summaries.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _json() -> sa.types.TypeEngine:  # type: ignore[type-arg]
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("sync_requested", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("sync_done", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("sync_claimed_until", _timestamp(), nullable=True))
        batch.add_column(sa.Column("last_synced_at", _timestamp(), nullable=True))
        batch.add_column(sa.Column("card_hash", sa.String, nullable=True))
    op.create_table(
        "subscriptions",
        sa.Column("name", sa.String, nullable=False),
        sa.Column("meeting_id", sa.Integer, nullable=False),
        sa.Column("expire_time", _timestamp(), nullable=False),
        sa.Column("state", sa.String, nullable=False),
        sa.Column("suspension_reason", sa.String, nullable=True),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_subscriptions"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE",
                                name="fk_subscriptions_meeting_id_meetings"),
    )
    op.create_index("ix_subscriptions_meeting_id", "subscriptions", ["meeting_id"])
    op.create_table(
        "conference_summaries",
        sa.Column("conference_record", sa.String, nullable=False),
        sa.Column("meeting_id", sa.Integer, nullable=False),
        sa.Column("message_name", sa.String, nullable=False),
        sa.Column("content_hash", sa.String, nullable=False),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.Column("attendance", _json(), nullable=False),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("conference_record", name="pk_conference_summaries"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE",
                                name="fk_conference_summaries_meeting_id_meetings"),
    )
    op.create_index("ix_conference_summaries_meeting_id", "conference_summaries", ["meeting_id"])


def downgrade() -> None:
    op.drop_index("ix_conference_summaries_meeting_id", "conference_summaries")
    op.drop_table("conference_summaries")
    op.drop_index("ix_subscriptions_meeting_id", "subscriptions")
    op.drop_table("subscriptions")
    with op.batch_alter_table("meetings") as batch:
        for column in ("card_hash", "last_synced_at", "sync_claimed_until", "sync_done", "sync_requested"):
            batch.drop_column(column)
