"""``python main.py`` (local mode) as a person starts it, in each kind of Chat app and
with domain-wide delegation: a real process, its printed URLs, one /meet through them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_local(**settings: str) -> tuple[subprocess.Popen[str], list[str], int]:
    emulator_port = free_port()
    env = {**os.environ, "PORT": str(free_port()), "EMULATOR_PORT": str(emulator_port), **settings}
    process = subprocess.Popen([sys.executable, str(ROOT / "main.py")], cwd=tempfile.mkdtemp(prefix="meetbot-local-"),
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    printed: list[str] = []
    assert process.stdout is not None
    for line in process.stdout:  # ends when the process does: no clock needed
        printed.append(line)
        if line.startswith("Press Ctrl-C"):
            break
    return process, printed, emulator_port


def stop(process: subprocess.Popen[str]) -> int:
    process.send_signal(signal.SIGINT)  # what Ctrl-C sends; local mode stops cleanly
    try:
        return process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.parametrize("event_format", ["classic", "addon"])
def test_local_mode_runs_each_kind_of_chat_app_with_delegation(event_format: str) -> None:
    process, printed, port = start_local(AUTH_MODE="delegation", CHAT_EVENT_FORMAT=event_format)
    try:
        output = "".join(printed)
        assert f"http://127.0.0.1:{port}/" in output, output
        assert ("add-on" if event_format == "addon" else "classic") in output and "delegation" in output
        emulator = f"http://127.0.0.1:{port}/_emulator"

        def control(method: str, path: str, body: Any = None) -> Any:
            response = requests.request(method, f"{emulator}/{path}", json=body, timeout=60)
            assert response.status_code == 200, response.text
            return response.json()

        space = next(s for s in control("GET", "chat/spaces")["spaces"] if s["displayName"] == "Team")
        alice = next(m["member"]["name"] for m in space["members"] if m["member"].get("type") == "HUMAN")
        answer = control("POST", "chat/messages", {"space": space["name"], "sender": alice, "text": "/meet Kickoff"})
        assert answer["reply"] and answer["reply"]["cardsV2"], answer  # no linking: the service account acts
        event = control("GET", "chat/deliveries")["deliveries"][-1]["event"]
        assert ("appCommandPayload" in event.get("chat", {})) == (event_format == "addon")
        assert (event.get("type") == "MESSAGE") == (event_format == "classic")
    finally:
        assert stop(process) == 0


def test_an_unknown_event_format_stops_local_mode_with_one_message() -> None:
    process, printed, _ = start_local(CHAT_EVENT_FORMAT="carrier-pigeon")
    assert process.wait(timeout=60) != 0
    assert "CHAT_EVENT_FORMAT must be one of classic, addon" in "".join(printed)
