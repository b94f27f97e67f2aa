"""Alembic environment for the bot's database.

Normally run from ``bot.storage.engine.migrate``, which hands over a connection that is
already inside a transaction (and, on PostgreSQL, holds the migration lock). The
command line (``python -m bot.storage``) goes through the same path.
"""

from __future__ import annotations

from alembic import context

from bot.storage.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through bot.storage (migrate() or python -m bot.storage), not bare alembic")

context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite cannot ALTER most things; batch mode rebuilds the table instead, so the
    # same migration scripts work on both backends.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)

with context.begin_transaction():
    context.run_migrations()
