"""Meetings paused because their organizer's authorization is gone.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

One ``paused_meetings`` row per meeting whose card stopped following Meet because the
organizer unlinked (``/meetlogout``), revoked the app, or Google refused the grant. Its
``since`` names the episode (the organizer's private prompt is derived from it, so a
later episode may prompt again); ``prompted`` records that the prompt was posted. The
row is deleted when a sync with the organizer's credentials succeeds again.
"""

from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: Union[str, Sequence[str], None] = "0006"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _timestamp() -> sa.types.TypeEngine:  # type: ignore[type-arg]
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "paused_meetings",
        sa.Column("meeting_id", sa.Integer, nullable=False),
        sa.Column("organizer_user_name", sa.String, nullable=False),
        sa.Column("since", _timestamp(), nullable=False),
        sa.Column("prompted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("meeting_id", name="pk_paused_meetings"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE",
                                name="fk_paused_meetings_meeting_id_meetings"),
    )
    op.create_index("ix_paused_meetings_organizer_user_name", "paused_meetings", ["organizer_user_name"])


def downgrade() -> None:
    op.drop_index("ix_paused_meetings_organizer_user_name", table_name="paused_meetings")
    op.drop_table("paused_meetings")
