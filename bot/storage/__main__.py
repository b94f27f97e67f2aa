"""Command line for the schema: ``python -m bot.storage upgrade|current|revision``.

``upgrade`` is what ``open_storage`` does at start-up; run it by hand to migrate before
a deploy. ``revision`` drafts a new migration by comparing ``tables.py`` with the
database at ``--url`` (which should be at head): review the draft before committing.
"""

from __future__ import annotations

import argparse
import os
import sys

from alembic import command

from bot.storage.engine import alembic_config, create_engine, migrate

DEFAULT_URL = "sqlite:///./.local/meetbot.db"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.storage", description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("DATABASE_URL", DEFAULT_URL),
                        help="database URL (default: $DATABASE_URL or %(default)s)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("upgrade", help="migrate to the newest revision")
    commands.add_parser("current", help="show the database's revision")
    revision = commands.add_parser("revision", help="draft a migration from tables.py")
    revision.add_argument("-m", "--message", required=True)
    revision.add_argument("--rev-id", help="revision id; by convention the next number, e.g. 0002")
    args = parser.parse_args(argv)

    engine = create_engine(args.url)
    try:
        if args.command == "upgrade":
            migrate(engine)
        else:
            with engine.begin() as connection:
                config = alembic_config(connection)
                if args.command == "current":
                    command.current(config, verbose=True)
                else:
                    command.revision(config, message=args.message, autogenerate=True, rev_id=args.rev_id)
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
