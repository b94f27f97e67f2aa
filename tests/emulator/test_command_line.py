"""``python -m emulator`` flags: slash commands and quotas, on the real process."""

from __future__ import annotations

import subprocess
import sys
from typing import Iterator

import pytest
import requests

from bench.harness import free_port, wait_until_up
from emulator.__main__ import parse_args, registered_commands
from emulator.config import DEFAULT_COMMANDS


@pytest.fixture(scope="module")
def emulator_process() -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    child = subprocess.Popen([sys.executable, "-m", "emulator", "--port", str(port), "--slash-command", "6:/standup",
                              "--slash-command", "9:/meetrecent", "--quotas", "off"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"{url}/_emulator/clock")
        yield url
    finally:
        child.terminate()
        child.wait(timeout=10)


def test_slash_commands_from_flags_are_registered_beside_the_defaults(emulator_process: str) -> None:
    url = emulator_process
    requests.post(f"{url}/_emulator/users", json={"email": "alice@example.com"}, timeout=10).raise_for_status()
    space = requests.post(f"{url}/_emulator/chat/spaces", json={"displayName": "Team", "spaceType": "SPACE",
                                                                "members": ["alice@example.com"]}, timeout=10).json()

    def command_of(text: str) -> dict:
        posted = requests.post(f"{url}/_emulator/chat/messages", json={
            "space": space["name"], "sender": "alice@example.com", "text": text}, timeout=10).json()
        return posted["message"].get("slashCommand") or {}

    assert command_of("/standup now") == {"commandId": "6"}
    assert command_of("/meetrecent") == {"commandId": "9"}  # given another id
    assert command_of("/meet Weekly") == {"commandId": "1"}  # the defaults stay
    assert command_of("/unknown") == {}
    quotas = requests.get(f"{url}/_emulator/quotas", timeout=10).json()
    assert quotas["enabled"] is False  # --quotas off


def test_flag_parsing() -> None:
    assert registered_commands([]) == DEFAULT_COMMANDS
    assert parse_args(["--slash-command", "7:poll"]).slash_command == [("poll", 7)]
    for bad in ("meet", "0:/x", "1001:/x", "1:/has space", "x:/meet"):
        with pytest.raises(SystemExit):
            parse_args(["--slash-command", bad])
    with pytest.raises(SystemExit):
        registered_commands([("other", 1)])  # id 1 is /meet's
