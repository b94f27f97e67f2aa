"""Session-wide servers: the emulator starts once, on a free port, and is reset per test."""

from __future__ import annotations

from typing import Iterator

import pytest

from emulator import BackgroundServer, EmulatorConfig, create_emulator
from tests.support import Emulator


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[Emulator]:
    app = create_emulator(EmulatorConfig(auto_consent=True))
    server = BackgroundServer(app).start()
    try:
        yield Emulator(server.url, app.extensions["emulator"])
    finally:
        server.stop()


@pytest.fixture
def emulator(emulator_server: Emulator) -> Emulator:
    """The session's emulator, emptied before the test."""
    emulator_server.state.reset()
    return emulator_server
