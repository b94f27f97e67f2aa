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
from typing import Any, Callable

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


def control_plane(port: int) -> Callable[..., Any]:
    """A caller of the running emulator's control plane that insists on 200."""
    def control(method: str, path: str, body: Any = None) -> Any:
        response = requests.request(method, f"http://127.0.0.1:{port}/_emulator/{path}", json=body, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()
    return control


def seeded_team(control: Callable[..., Any]) -> tuple[dict[str, Any], str]:
    """Local mode's seeded space "Team" and the first person in it (Alice)."""
    space = next(s for s in control("GET", "chat/spaces")["spaces"] if s["displayName"] == "Team")
    return space, next(m["member"]["name"] for m in space["members"] if m["member"].get("type") == "HUMAN")


@pytest.mark.parametrize("event_format", ["classic", "addon"])
def test_local_mode_runs_each_kind_of_chat_app_with_delegation(event_format: str) -> None:
    process, printed, port = start_local(AUTH_MODE="delegation", CHAT_EVENT_FORMAT=event_format)
    try:
        output = "".join(printed)
        assert f"http://127.0.0.1:{port}/" in output, output
        assert ("add-on" if event_format == "addon" else "classic") in output and "delegation" in output
        control = control_plane(port)
        space, alice = seeded_team(control)
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


@pytest.mark.parametrize("demo", [False, True], ids=["local", "demo"])
@pytest.mark.parametrize("setting", ["PORT", "EMULATOR_PORT"])
def test_a_busy_port_stops_start_up_with_one_line_naming_its_setting(setting: str, demo: bool) -> None:
    with socket.socket() as squatter:  # another program holds the port
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        busy = squatter.getsockname()[1]
        other = "EMULATOR_PORT" if setting == "PORT" else "PORT"
        env = {**os.environ, setting: str(busy), other: str(free_port())}
        finished = subprocess.run([sys.executable, str(ROOT / "main.py"), *(["demo"] if demo else [])],
                                  cwd=tempfile.mkdtemp(prefix="meetbot-local-"), env=env, capture_output=True,
                                  text=True, timeout=120)
    assert finished.returncode == 1, finished.stdout + finished.stderr
    [line] = finished.stderr.strip().splitlines()  # one line: no traceback, no werkzeug message
    assert f"Port {busy} " in line and f"set {setting} to a free port" in line, line
    assert ("the Chat app" if setting == "PORT" else "the Google Workspace emulator") in line, line


@pytest.mark.parametrize("value, problem", [("eighty", "PORT must be a port number"),
                                            ("same", "PORT and EMULATOR_PORT are both")])
def test_an_unusable_port_setting_starts_nothing(value: str, problem: str) -> None:
    port = str(free_port())
    env = {**os.environ, "PORT": port if value == "same" else value, "EMULATOR_PORT": port}
    finished = subprocess.run([sys.executable, str(ROOT / "main.py")], cwd=tempfile.mkdtemp(prefix="meetbot-local-"),
                              env=env, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 2 and problem in finished.stderr, finished.stderr


def test_the_demo_honours_the_port_settings_and_names_people() -> None:
    app_port, emulator_port = free_port(), free_port()
    env = {**os.environ, "PORT": str(app_port), "EMULATOR_PORT": str(emulator_port)}
    finished = subprocess.run([sys.executable, str(ROOT / "main.py"), "demo"], cwd=tempfile.mkdtemp(prefix="meetbot-demo-"),
                              env=env, capture_output=True, text=True, timeout=300)
    output = finished.stdout
    assert finished.returncode == 0, output + finished.stderr
    assert f"http://127.0.0.1:{emulator_port}/" in output and f"http://127.0.0.1:{app_port}/oauth2/start" in output
    assert "(only visible to Alice Anders)" in output  # the authorization prompt, Alice's alone
    assert "@Bob Brown: write the announcement" in output  # the next steps' mentions, as Chat shows them
    assert "users/" not in output, [line for line in output.splitlines() if "users/" in line]
    assert output.rstrip().endswith("Demo finished.")
