"""End-to-end fixtures: the real app and the emulator, over real HTTP, started once per session.

Each event format gets its own stack (an emulator speaks one format, as a Chat app
is configured for one). Tests create their own people and spaces, so they share a
stack without seeing each other's data.
"""

from __future__ import annotations

import itertools
import tempfile
from typing import Any, Iterator

import pytest
import requests

from bot.local import LocalStack

UNKNOWN_COMMAND = ("meetpoll", 42)  # registered in Chat, unknown to the app
_ids = itertools.count(1)


class Stack:
    """A running LocalStack plus helpers to play people in Chat."""

    def __init__(self, local: LocalStack) -> None:
        self.local = local
        self.url = local.emulator_url
        self.state = local.emulator_state
        self.storage = local.app.extensions["meetbot"].services.storage

    def control(self, method: str, path: str, body: Any = None, expect: int | None = 200) -> Any:
        response = requests.request(method, f"{self.url}/_emulator/{path.lstrip('/')}", json=body, timeout=60)
        if expect is not None:
            assert response.status_code == expect, response.text
        return response.json()

    def person(self, display_name: str) -> dict[str, Any]:
        email = f"{display_name.split()[0].lower()}{next(_ids)}@example.com"
        return self.control("POST", "users", {"email": email, "displayName": display_name})

    def space(self, *members: dict[str, Any], space_type: str = "SPACE") -> dict[str, Any]:
        return self.control("POST", "chat/spaces", {"displayName": f"Team {next(_ids)}", "spaceType": space_type,
                                                    "members": [m["name"] for m in members]})

    def say(self, space: dict[str, Any], sender: dict[str, Any], text: str) -> dict[str, Any]:
        return self.control("POST", "chat/messages", {"space": space["name"], "sender": sender["name"], "text": text})

    def messages(self, space: dict[str, Any]) -> list[dict[str, Any]]:
        return self.control("GET", f"chat/spaces/{space['name'].split('/', 1)[1]}/messages")["messages"]

    def app_messages(self, space: dict[str, Any]) -> list[dict[str, Any]]:
        return [m for m in self.messages(space) if m["sender"]["type"] == "BOT"]

    def calls(self, method: str) -> list[dict[str, Any]]:
        return [c for c in self.control("GET", "calls")["calls"] if c["method"] == method]

    def fault(self, api: str, method: str, **fields: Any) -> None:
        self.control("POST", "faults", {"api": api, "method": method, **fields})


def _stack(event_format: str) -> Iterator[Stack]:
    directory = tempfile.mkdtemp(prefix=f"meetbot-e2e-{event_format}-")
    local = LocalStack(directory=directory, auto_consent=True, event_format=event_format,
                       extra_commands=dict([UNKNOWN_COMMAND]),
                       extra_env={"MEET_TIMEOUT_SECONDS": "1.5", "SYNC_BUDGET_SECONDS": "4"}).start()
    try:
        yield Stack(local)
    finally:
        local.stop()


@pytest.fixture(scope="session")
def classic_stack() -> Iterator[Stack]:
    yield from _stack("classic")


@pytest.fixture(scope="session")
def addon_stack() -> Iterator[Stack]:
    yield from _stack("addon")


@pytest.fixture(params=["classic", "addon"])
def stack(request: pytest.FixtureRequest) -> Stack:
    """Each test using this runs once per event format, on an emptied emulator.

    A reset also clears armed faults and the call log; the app's cached access tokens
    die with it, so the app exercises its refresh-on-401 path as a matter of course.
    """
    chosen: Stack = request.getfixturevalue(f"{request.param}_stack")
    chosen.control("POST", "reset")
    return chosen
