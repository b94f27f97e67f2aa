"""End-to-end fixtures: the real app and the emulator, over real HTTP, started once per session.

Each event format gets its own stack (an emulator speaks one format, as a Chat app
is configured for one). Tests create their own people and spaces, so they share a
stack without seeing each other's data.

The app runs as it does by default, with AUTH_MODE=oauth: a person links their Google
account before ``/meet`` works (``stack.linked_person``, or ``stack.link`` which goes
through the real flow: /oauth2/start, the emulator's consent page, /oauth2/callback).
Two more stacks: one with domain-wide delegation instead, and one whose consent page
waits for a person's decision (to untick a scope, or to deny).
"""

from __future__ import annotations

import itertools
import tempfile
from typing import Any, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from domain import Person
from local.stack import LocalStack
from tests.support import wait_until

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

    def wait_for_syncs(self, what: str, timeout: float = 20.0) -> None:
        """Wait until no meeting waits for a sync: the app's work on what happened is done."""
        wait_until(lambda: self.storage.sync_queue.meetings_needing_sync() == 0, timeout=timeout, what=what)

    # -- user authorization -------------------------------------------------------------
    @property
    def authorization(self) -> Any:
        return self.local.app.extensions["meetbot"].services.authorization

    def follow(self, url: str) -> requests.Response:
        """A browser following ``url`` through every redirect (start -> consent -> callback -> Chat)."""
        return requests.get(url, allow_redirects=True, timeout=60)

    def link(self, person: dict[str, Any]) -> None:
        """Link ``person``'s Google account through the real flow, without a pending command."""
        url = self.authorization.begin(Person(person["name"], person["displayName"], person["email"]), None,
                                       event_format=self.local.event_format, config_complete_url=None)
        response = self.follow(url)
        assert response.status_code == 200 and "is linked" in response.text, response.text
        assert self.storage.grants.get_grant(person["name"]) is not None

    def linked_person(self, display_name: str) -> dict[str, Any]:
        person = self.person(display_name)
        self.link(person)
        return person

    def prompt_url(self, answer: dict[str, Any]) -> str:
        """The authorization URL of a configuration prompt, in either event format."""
        reply = answer["reply"]
        assert reply is not None and reply["actionResponse"]["type"] == "REQUEST_CONFIG", reply
        return reply["actionResponse"]["url"]

    def consent_form(self, url: str) -> tuple[str, dict[str, str]]:
        """Follow /oauth2/start to the consent page (manual consent): its URL and form fields."""
        response = requests.get(url, allow_redirects=False, timeout=60)
        assert response.status_code == 302, response.text
        consent = response.headers["Location"]
        return consent, {key: values[0] for key, values in parse_qs(urlsplit(consent).query).items()}


def _stack(event_format: str, *, auth_mode: str = "oauth", auto_consent: bool = True) -> Iterator[Stack]:
    directory = tempfile.mkdtemp(prefix=f"meetbot-e2e-{event_format}-{auth_mode}-")
    local = LocalStack(directory=directory, auto_consent=auto_consent, event_format=event_format, auth_mode=auth_mode,
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


@pytest.fixture(scope="session")
def delegation_session_stack() -> Iterator[Stack]:
    yield from _stack("classic", auth_mode="delegation")


@pytest.fixture(scope="session")
def consent_session_stack() -> Iterator[Stack]:
    yield from _stack("classic", auto_consent=False)


@pytest.fixture
def delegation_stack(delegation_session_stack: Stack) -> Stack:
    """AUTH_MODE=delegation: the service account acts for every user, nobody links."""
    delegation_session_stack.control("POST", "reset")
    return delegation_session_stack


@pytest.fixture
def consent_stack(consent_session_stack: Stack) -> Stack:
    """AUTH_MODE=oauth with a consent page that waits for the person's choice."""
    consent_session_stack.control("POST", "reset")
    return consent_session_stack


@pytest.fixture(params=["classic", "addon"])
def stack(request: pytest.FixtureRequest) -> Stack:
    """Each test using this runs once per event format, on an emptied emulator.

    A reset also clears armed faults and the call log; the app's cached access tokens
    die with it, so the app exercises its refresh-on-401 path as a matter of course.
    """
    chosen: Stack = request.getfixturevalue(f"{request.param}_stack")
    chosen.control("POST", "reset")
    return chosen
