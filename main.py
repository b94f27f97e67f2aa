"""Entry points.

* ``gunicorn main:app`` — production: the app configured from environment variables.
* ``python main.py`` — local mode: the Google Workspace emulator (with its playground)
  and the app, wired together, no Google account needed.
* ``python main.py demo`` — the same stack, headless: one scripted meeting, printing
  every message the app posted, then exit.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import Any, Mapping


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
    app = create_app(config)
    # Everything built so far (the app, its clients, the discovery documents, the libraries)
    # lives as long as the process: moved out of the garbage collector's sight, so that its
    # full collections walk what requests leave behind, not these ~140,000 objects each time
    # (one such walk every few thousand requests was ~4% of a cheap request's time).
    gc.collect()
    gc.freeze()
    # The background work (the sync worker; the periodic reconciler if configured) runs
    # in the process that serves: gunicorn (without --preload, as app.yaml runs it) looks
    # ``main:app`` up in each worker process after forking it, so each worker builds its
    # own app here and starts its own threads. Threads started before a fork would not
    # survive it, which is why building the app starts nothing by itself.
    app.extensions["meetbot"].start()
    return app


def __getattr__(name: str) -> Any:
    # ``gunicorn main:app`` looks ``app`` up on the module: build it then, so that
    # ``python main.py`` (local mode) never needs production settings.
    if name == "app":
        globals()["app"] = application = production_app()
        return application
    raise AttributeError(name)


# The two ports local mode listens on, the setting that chooses each, and its default
# (``python main.py demo`` takes any free port unless the setting is given).
PORT_SETTINGS = (("PORT", "the Chat app", 8080), ("EMULATOR_PORT", "the Google Workspace emulator", 8085))


class PortSettingError(Exception):
    """A port setting that cannot work, in one line naming the setting."""


def local_ports(environ: Mapping[str, str], *, demo: bool) -> dict[str, int]:
    """``{"PORT": …, "EMULATOR_PORT": …}`` from the environment (0: any free port)."""
    ports: dict[str, int] = {}
    for setting, _, default in PORT_SETTINGS:
        raw = (environ.get(setting) or "").strip()
        if not raw:
            ports[setting] = 0 if demo else default
            continue
        if not raw.isdigit() or not 0 <= int(raw) <= 65535:
            raise PortSettingError(f"{setting} must be a port number from 0 to 65535 (0: any free port), got {raw!r}.")
        ports[setting] = int(raw)
    if ports["PORT"] and ports["PORT"] == ports["EMULATOR_PORT"]:
        raise PortSettingError(f"PORT and EMULATOR_PORT are both {ports['PORT']}: the Chat app and the emulator need "
                               "a port each; set one of them to another port.")
    return ports


def port_in_use_message(busy: int, ports: Mapping[str, int], command: str) -> str:
    """One line naming the setting that chose the busy port, and how to change it."""
    for setting, what, _ in PORT_SETTINGS:
        if ports[setting] == busy:
            how = ("or leave it unset (the demo then takes any free port)" if command.endswith("demo")
                   else f"e.g. {setting}={busy + 1} {command}")
            return (f"Port {busy} (for {what}) is already in use by another program: stop that program, or set "
                    f"{setting} to a free port, {how}.")
    return f"Port {busy} is already in use by another program: set PORT and EMULATOR_PORT to free ports."


def main(argv: list[str]) -> int:
    from emulator import PortInUse
    from local.cli import run_demo, run_local

    demo = argv[:1] == ["demo"]
    if argv and not demo and argv[0] not in ("local",):
        print(f"usage: python main.py [demo]  (unknown argument {argv[0]!r})", file=sys.stderr)
        return 2
    command = "python main.py demo" if demo else "python main.py"
    try:
        ports = local_ports(os.environ, demo=demo)
    except PortSettingError as problem:
        print(problem, file=sys.stderr, flush=True)
        return 2
    run = run_demo if demo else run_local
    try:
        return run(app_port=ports["PORT"], emulator_port=ports["EMULATOR_PORT"])
    except PortInUse as busy:
        print(port_in_use_message(busy.port, ports, command), file=sys.stderr, flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
