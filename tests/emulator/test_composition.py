"""How the emulator app is composed: every API module's routes added to each app it builds,
nothing registered by importing a module, and two emulators in one process sharing nothing."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any, Iterator

import pytest
from flask import Blueprint

import emulator
from emulator import BackgroundServer, EmulatorConfig, create_emulator
from emulator.api import ApiRouter
from emulator.app import google_apis
from tests.emulator.test_meet_support import expect_error, person
from tests.support import Emulator


def test_importing_a_module_registers_nothing() -> None:
    modules = [importlib.import_module(info.name)
               for info in pkgutil.walk_packages(emulator.__path__, "emulator.") if info.name != "emulator.__main__"]
    assert len(modules) > 30
    held = [f"{module.__name__}.{name}" for module in modules for name, value in vars(module).items()
            if isinstance(value, (Blueprint, ApiRouter))]
    assert held == []  # routes live only in the apps create_emulator builds


def test_each_app_gets_its_own_routes() -> None:
    first, second = create_emulator(), create_emulator()
    rules = [sorted((rule.rule, sorted(rule.methods or ()), rule.endpoint) for rule in app.url_map.iter_rules())
             for app in (first, second)]
    assert rules[0] == rules[1] and len(rules[0]) > 50
    assert first.blueprints["control"] is not second.blueprints["control"]
    assert google_apis() is not google_apis() and google_apis().methods() == google_apis().methods()
    assert "meet.spaces.get" in google_apis().methods()


@pytest.fixture
def second_emulator() -> Iterator[Emulator]:
    app = create_emulator(EmulatorConfig(auto_consent=True))
    with BackgroundServer(app) as server:
        yield Emulator(server.url, app.extensions["emulator"])


def _conferences(emulator: Emulator, count: int) -> Any:
    _, alice = person(emulator, "alice@example.com", "Alice")
    meet = emulator.meet(alice)
    space = meet.spaces().create(body={}).execute()
    state = emulator.state
    with state.lock:
        live, user = state.meet.get_space(space["name"]), state.find_user("alice@example.com")
        for _ in range(count):
            state.meet.join(live, user=user)
            state.clock.advance(1)
            state.meet.end_conference(live)
    return meet


def test_two_emulators_in_one_process_share_nothing(emulator: Emulator, second_emulator: Emulator) -> None:
    first, second = _conferences(emulator, 3), _conferences(second_emulator, 1)
    page = first.conferenceRecords().list(pageSize=1).execute()
    assert len(page["conferenceRecords"]) == 1 and page["nextPageToken"]
    assert len(second.conferenceRecords().list().execute()["conferenceRecords"]) == 1
    # The same user and query on the other emulator: its token means nothing there.
    expect_error(second.conferenceRecords().list(pageToken=page["nextPageToken"]), 400, "INVALID_ARGUMENT")
    rest = first.conferenceRecords().list(pageSize=5, pageToken=page["nextPageToken"]).execute()
    assert len(rest["conferenceRecords"]) == 2 and "nextPageToken" not in rest
