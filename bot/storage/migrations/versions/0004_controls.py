"""Meeting controls: co-host outcomes, the access type to unlock to, the card's event
format; conference times and artifact links kept with summaries; people's emails.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

``meetings.cohosts`` is what became of each person @mentioned in /meet (JSON list).
``meetings.unlocked_access_type`` is the access type before Lock, which Unlock restores.
``meetings.event_format`` is the Chat app's event format when the meeting was made:
the join card's buttons are shaped for it whenever the card is redrawn.
``conference_summaries.started_at/ended_at/artifacts`` let /meetrecent show durations
and links without asking Meet. ``people`` maps Chat user ids to the emails Chat sent
with verified events, which Meet needs to make a mentioned person a co-host.
"""

from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: Union[str, Sequence[str], None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _json() -> sa.types.TypeEngine:  # type: ignore[type-arg]
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("cohosts", _json(), nullable=True))
        batch.add_column(sa.Column("unlocked_access_type", sa.String, nullable=True))
        batch.add_column(sa.Column("event_format", sa.String, nullable=True))
    with op.batch_alter_table("conference_summaries") as batch:
        batch.add_column(sa.Column("started_at", _timestamp(), nullable=True))
        batch.add_column(sa.Column("ended_at", _timestamp(), nullable=True))
        batch.add_column(sa.Column("artifacts", _json(), nullable=True))
    op.create_table(
        "people",
        sa.Column("user_name", sa.String, nullable=False),
        sa.Column("email", sa.String, nullable=False),
        sa.Column("display_name", sa.String, nullable=True),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("user_name", name="pk_people"),
    )


def downgrade() -> None:
    op.drop_table("people")
    with op.batch_alter_table("conference_summaries") as batch:
        for column in ("artifacts", "ended_at", "started_at"):
            batch.drop_column(column)
    with op.batch_alter_table("meetings") as batch:
        for column in ("event_format", "unlocked_access_type", "cohosts"):
            batch.drop_column(column)
