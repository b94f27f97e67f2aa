"""The join card never goes backwards: when what it shows was observed.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30

``meetings.card_observed_at`` is the moment the newest reading of Meet that the card shows
began (its sync's claim, a click's read). A drawing based on an older reading is never
written over it (``LifecycleStorage.card_turn``); NULL: nothing recorded yet, any
drawing may be shown.
"""

from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: Union[str, Sequence[str], None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("card_observed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("card_observed_at")
