"""A sync that failed for a passing reason is retried sooner the first time.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

``meetings.sync_failures``: how many syncs of the meeting in a row failed for a passing
reason (a timeout, a 5xx, a quota refusal). The sync worker pauses a failed sync for a
time that doubles with each failure (a blip delays the card by a second or two, an
outage is not hammered); a sync that finishes sets it back to 0. Rows from before start
at 0.
"""

from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: Union[str, Sequence[str], None] = "0010"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("sync_failures", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("sync_failures")
