"""Sync requests served in the order they were made.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30

``meetings.sync_ticket``: the place of a meeting's pending sync request in the queue,
handed out when the request is made (the highest ticket so far plus one), so claims are
served oldest request first rather than "synced longest ago first", which put a quiet
meeting's fresh event behind every meeting re-requested meanwhile. Indexed: the next
ticket is read as the highest one. Rows from before get 0: whatever they had pending is
served first, in the old order.
"""

from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: Union[str, Sequence[str], None] = "0009"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("sync_ticket", sa.Integer, nullable=False, server_default="0"))
    op.create_index("ix_meetings_sync_ticket", "meetings", ["sync_ticket"])


def downgrade() -> None:
    op.drop_index("ix_meetings_sync_ticket", table_name="meetings")
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("sync_ticket")
