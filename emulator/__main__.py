"""``python -m emulator --port N --app-url URL --push-url URL``"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys

from .app import create_emulator
from .config import DEFAULT_COMMANDS, EmulatorConfig

# Chat's app configuration: a slash command's name starts with "/", its id is 1 to 1000.
SLASH_COMMAND = re.compile(r"^(?P<id>\d+):/?(?P<name>[A-Za-z0-9_-]{1,50})$")


def slash_command(text: str) -> tuple[str, int]:
    """``ID:/name`` (for example ``1:/meet``) as (name, id)."""
    match = SLASH_COMMAND.match(text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not ID:/name (for example 1:/meet)")
    command_id = int(match.group("id"))
    if not 1 <= command_id <= 1000:
        raise argparse.ArgumentTypeError(f"{text!r}: a command id is 1 to 1000")
    return match.group("name").lower(), command_id


def registered_commands(given: list[tuple[str, int]]) -> dict[str, int]:
    """The default commands, with those given added (or given another id)."""
    commands = dict(DEFAULT_COMMANDS)
    for name, command_id in given:
        commands[name] = command_id
    by_id: dict[int, str] = {}
    for name, command_id in commands.items():
        if command_id in by_id:
            raise SystemExit(f"python -m emulator: command id {command_id} is given to both /{by_id[command_id]} "
                             f"and /{name}")
        by_id[command_id] = name
    return commands


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m emulator", description=__doc__ and
                                     "A local Google Workspace for Chat apps: Meet v2, Chat v1, OAuth.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("EMULATOR_PORT", "8085")))
    parser.add_argument("--app-url", help="the Chat app's endpoint, where interaction events are delivered")
    parser.add_argument("--push-url", help="where Pub/Sub pushes Workspace Events")
    parser.add_argument("--chat-audience", choices=["project-number", "endpoint-url"], default="project-number")
    parser.add_argument("--project-number", default="123456789012")
    parser.add_argument("--event-format", choices=["classic", "addon"], default="classic")
    parser.add_argument("--event-time-zone", choices=["every", "clicks"], default="clicks",
                        help="which Chat events carry common.timeZone: every event a person causes, or only "
                             "CARD_CLICKED ones (all the Chat reference promises)")
    parser.add_argument("--access-token-lifetime", type=int, default=3599)
    parser.add_argument("--pubsub-audience", help="audience of Pub/Sub push OIDC tokens (default: the push URL)")
    parser.add_argument("--pubsub-service-account", default="pubsub-push@emulated-project.iam.gserviceaccount.com",
                        help="the email Pub/Sub push OIDC tokens carry")
    parser.add_argument("--slash-command", action="append", type=slash_command, default=[], metavar="ID:/NAME",
                        help="register a slash command with the app's configuration (repeatable, e.g. 6:/standup); "
                             "the default ones (" + ", ".join(f"{i}:/{n}" for n, i in DEFAULT_COMMANDS.items())
                             + ") stay unless given another id")
    parser.add_argument("--quotas", choices=["on", "off"], default="on",
                        help="Google's published rate quotas (429 RESOURCE_EXHAUSTED past them); benchmarks turn them off")
    parser.add_argument("--chat-space-quotas", choices=["on", "off"], default="on",
                        help="count Chat's per-space quotas (1 write, 15 reads per second per space)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = EmulatorConfig(
        app_url=args.app_url,
        push_url=args.push_url,
        chat_audience=args.chat_audience,
        project_number=args.project_number,
        event_format=args.event_format,
        event_time_zone=args.event_time_zone,
        access_token_lifetime=args.access_token_lifetime,
        pubsub_audience=args.pubsub_audience,
        pubsub_service_account=args.pubsub_service_account,
        auto_consent=os.environ.get("EMULATOR_AUTO_CONSENT") == "1",
        commands=registered_commands(args.slash_command),
        quotas=args.quotas == "on",
        chat_space_quotas=args.chat_space_quotas == "on",
    )
    app = create_emulator(config)
    print(f"Google Workspace emulator on http://{args.host}:{args.port}", flush=True)
    app.run(host=args.host, port=args.port, threaded=True, use_reloader=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
