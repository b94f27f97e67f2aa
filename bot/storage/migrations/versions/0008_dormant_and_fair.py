"""Dormant meetings, and a reconciler that is fair to everyone.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

``meetings.dormant_since`` is when a meeting that was never started was left alone: its
card says so, its subscription lapses and the reconciler no longer visits it (NULL: the
meeting is watched). ``meetings.woken_at`` is when Refresh or /meetrecent last woke it
up, from which its quiet time counts again (NULL: from its creation).

Fairness needs no column of its own: the reconciler takes the meetings that have waited
longest since their last sync (``last_synced_at``, else ``created_at``), a bounded number
per organizer, and carries on from there in the next pass.
"""

from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: Union[str, Sequence[str], None] = "0007"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("dormant_since", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("woken_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        for column in ("woken_at", "dormant_since"):
            batch.drop_column(column)
