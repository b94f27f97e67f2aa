"""Next steps from the transcript: the organizer's time zone, each conference's digest and
whether its owners were told.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

``meetings.time_zone`` and ``pending_authorizations.time_zone`` keep the IANA time zone
Chat sent with the organizer's ``/meet`` (a "by Friday" in the transcript is Friday where
they are); ``people.time_zone`` the one last sent with any of a person's events (Chat
documents it only for card clicks and dialogs, so the command may lack it). ``conference_summaries.digest`` is the digest shown in the summary (items,
decisions, key points: never the transcript itself), made once per conference;
``owners_told`` records that the one reply mentioning the owners was posted.
"""

from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: Union[str, Sequence[str], None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _json() -> sa.types.TypeEngine:  # type: ignore[type-arg]
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("time_zone", sa.String, nullable=True))
    with op.batch_alter_table("pending_authorizations") as batch:
        batch.add_column(sa.Column("time_zone", sa.String, nullable=True))
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("time_zone", sa.String, nullable=True))
    with op.batch_alter_table("conference_summaries") as batch:
        batch.add_column(sa.Column("digest", _json(), nullable=True))
        batch.add_column(sa.Column("owners_told", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("conference_summaries") as batch:
        for column in ("owners_told", "digest"):
            batch.drop_column(column)
    with op.batch_alter_table("people") as batch:
        batch.drop_column("time_zone")
    with op.batch_alter_table("pending_authorizations") as batch:
        batch.drop_column("time_zone")
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("time_zone")
