"""Per-user authorization: user grants, pending authorizations; meetings.source_message.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24

``user_grants`` holds each linked user's refresh token, encrypted by the app before it
gets here (never an access token, never a client secret). ``pending_authorizations``
is the server side of an OAuth ``state``: deleted when used, pruned when expired.
``meetings.source_message`` (unique) is the Chat message whose /meet created the
meeting, so a message delivered twice never creates two meetings.
"""

from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: Union[str, Sequence[str], None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _json() -> sa.types.TypeEngine:  # type: ignore[type-arg]
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("source_message", sa.String, nullable=True))
        batch.create_unique_constraint("uq_meetings_source_message", ["source_message"])

    op.create_table(
        "user_grants",
        sa.Column("user_name", sa.String, nullable=False),
        sa.Column("google_subject", sa.String, nullable=False),
        sa.Column("email", sa.String, nullable=True),
        sa.Column("scopes", _json(), nullable=False),
        sa.Column("refresh_token_ciphertext", sa.Text, nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("user_name", name="pk_user_grants"),
    )

    op.create_table(
        "pending_authorizations",
        sa.Column("nonce", sa.String, nullable=False),
        sa.Column("user_name", sa.String, nullable=False),
        sa.Column("user_display_name", sa.String, nullable=False),
        sa.Column("user_email", sa.String, nullable=True),
        sa.Column("command", sa.String, nullable=True),
        sa.Column("chat_space", sa.String, nullable=True),
        sa.Column("thread_name", sa.String, nullable=True),
        sa.Column("source_message", sa.String, nullable=True),
        sa.Column("argument_text", sa.Text, nullable=True),
        sa.Column("mentions", _json(), nullable=False),
        sa.Column("event_format", sa.String, nullable=False),
        sa.Column("config_complete_url", sa.Text, nullable=True),
        sa.Column("code_verifier_ciphertext", sa.Text, nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("expires_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("nonce", name="pk_pending_authorizations"),
    )
    op.create_index("ix_pending_authorizations_expires_at", "pending_authorizations", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_pending_authorizations_expires_at", table_name="pending_authorizations")
    op.drop_table("pending_authorizations")
    op.drop_table("user_grants")
    with op.batch_alter_table("meetings") as batch:
        batch.drop_constraint("uq_meetings_source_message", type_="unique")
        batch.drop_column("source_message")
