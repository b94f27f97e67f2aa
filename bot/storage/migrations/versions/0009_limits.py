"""Atomic rate limits, and one pending authorization per person and purpose.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30

``rate_limit_keys`` and ``rate_limit_reservations``: /meet's per-person limit is taken
as a reservation inside one write transaction that first upserts the person's key row
(its lock serialises that person's reservations on PostgreSQL, across instances), so a
burst of simultaneous commands can no longer all pass a count made before any of them
created its meeting.

``pending_authorizations.purpose`` (``meet:{chat space}``, ``directory:{card}``, ``link``)
with a unique (user_name, purpose): a newer prompt replaces the older one. Rows pending
at upgrade time get ``legacy:{nonce}``, unique among themselves, so links already shown
keep working until they expire (minutes).
"""

from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: Union[str, Sequence[str], None] = "0008"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_keys",
        sa.Column("key", sa.String, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_rate_limit_keys"),
    )
    op.create_table(
        "rate_limit_reservations",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("key", sa.String, nullable=False),
        sa.Column("reserved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rate_limit_reservations"),
        sa.ForeignKeyConstraint(["key"], ["rate_limit_keys.key"], ondelete="CASCADE",
                                name="fk_rate_limit_reservations_key_rate_limit_keys"),
    )
    op.create_index("ix_rate_limit_reservations_key_reserved_at", "rate_limit_reservations", ["key", "reserved_at"])

    with op.batch_alter_table("pending_authorizations") as batch:
        batch.add_column(sa.Column("purpose", sa.String, nullable=True))
    pending = sa.table("pending_authorizations", sa.column("nonce", sa.String), sa.column("purpose", sa.String))
    op.execute(pending.update().values(purpose=sa.literal("legacy:") + pending.c.nonce))
    with op.batch_alter_table("pending_authorizations") as batch:
        batch.alter_column("purpose", existing_type=sa.String, nullable=False)
        batch.create_unique_constraint("uq_pending_authorizations_user_name_purpose", ["user_name", "purpose"])


def downgrade() -> None:
    with op.batch_alter_table("pending_authorizations") as batch:
        batch.drop_constraint("uq_pending_authorizations_user_name_purpose", type_="unique")
        batch.drop_column("purpose")
    op.drop_index("ix_rate_limit_reservations_key_reserved_at", table_name="rate_limit_reservations")
    op.drop_table("rate_limit_reservations")
    op.drop_table("rate_limit_keys")
