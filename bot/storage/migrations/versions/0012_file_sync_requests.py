"""A sync request says what it must look at: the live state, or only some conferences' files.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

``file_sync_requests``: one row per sync request that asked only for a conference's files
to be looked at (a recording, transcript or smart notes ``fileGenerated`` event, which
names its conference), keyed by the meeting and the number the request took
(``meetings.sync_requested`` once it was made). A pending request without a row asks for a
full look at the meeting's live state, as every request did before; so requests pending
at upgrade time (no rows) are served as before, with a full look.
"""

from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: Union[str, Sequence[str], None] = "0011"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "file_sync_requests",
        sa.Column("meeting_id", sa.Integer, nullable=False),
        sa.Column("request", sa.Integer, nullable=False),
        sa.Column("conference_record", sa.String, nullable=False),
        sa.PrimaryKeyConstraint("meeting_id", "request", name="pk_file_sync_requests"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE",
                                name="fk_file_sync_requests_meeting_id_meetings"),
    )


def downgrade() -> None:
    op.drop_table("file_sync_requests")
