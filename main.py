"""Entry points.

* ``gunicorn main:app`` — production: the app configured from environment variables.
* ``python main.py`` — local mode: the Google Workspace emulator (with its playground)
  and the app, wired together, no Google account needed.
* ``python main.py demo`` — the same stack, headless: one scripted meeting, printing
  every message the app posted, then exit.
"""

from __future__ import annotations

import os
import sys
from typing import Any


def production_app() -> Any:
    from bot import Config, ConfigError, create_app
    from bot.log import configure_logging
    from bot.secrets import resolve_secrets

    try:
        config = Config.from_env(resolve_secrets(os.environ))
        config.check()
    except ConfigError as error:
        # One message naming every problem, then stop: never start half-configured.
        print(str(error), file=sys.stderr, flush=True)
        raise SystemExit(1) from None
    configure_logging(config.log_level)
    return create_app(config)


def __getattr__(name: str) -> Any:
    # ``gunicorn main:app`` looks ``app`` up on the module: build it then, so that
    # ``python main.py`` (local mode) never needs production settings.
    if name == "app":
        globals()["app"] = application = production_app()
        return application
    raise AttributeError(name)


def main(argv: list[str]) -> int:
    from local.cli import run_demo, run_local

    if argv[:1] == ["demo"]:
        return run_demo()
    if argv and argv[0] not in ("local",):
        print(f"usage: python main.py [demo]  (unknown argument {argv[0]!r})", file=sys.stderr)
        return 2
    return run_local()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
