"""``LOG_LEVEL=DEBUG python main.py``: local mode writes the app's, the emulator's and the
libraries' logs to stderr, as readable lines, with every secret redacted as in production.

A real process: a person's /meet, their account linked through the consent page (the
code exchanged, tokens issued, the client secret sent in a Basic header), the meeting
created with those tokens. Its whole output is then searched for the secrets it handled.
"""

from __future__ import annotations

import base64
import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests

from local.stack import LOCAL_OAUTH_CLIENT_ID, LOCAL_OAUTH_CLIENT_SECRET
from tests.e2e.test_local_mode import control_plane, free_port, seeded_team
from tests.support import wait_until

ROOT = Path(__file__).resolve().parents[2]
# What the emulator issues, by shape: none of it may be printed.
ISSUED = {"access token": re.compile(r"ya29\.[A-Za-z0-9_-]{8}"), "refresh token": re.compile(r"1//[A-Za-z0-9_-]{8}"),
          "JWT": re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ"), "Fernet ciphertext": re.compile(r"gAAAAA[A-Za-z0-9_-]{16}")}


def test_log_level_debug_in_local_mode_writes_every_library_to_stderr_redacted() -> None:
    directory = tempfile.mkdtemp(prefix="meetbot-local-logs-")
    output = Path(directory) / "output.txt"
    emulator_port = free_port()
    env = {**os.environ, "PORT": str(free_port()), "EMULATOR_PORT": str(emulator_port), "LOG_LEVEL": "DEBUG",
           "EMULATOR_AUTO_CONSENT": "1", "AUTH_MODE": "oauth"}
    with output.open("w") as sink:  # a file, not a pipe: DEBUG output would fill a pipe and stall the app
        process = subprocess.Popen([sys.executable, str(ROOT / "main.py")], cwd=directory, env=env,
                                   stdout=sink, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until(lambda: "Press Ctrl-C" in output.read_text() or process.poll() is not None, timeout=60,
                   what="local mode to start")
        assert process.poll() is None, output.read_text()[-3000:]
        control = control_plane(emulator_port)
        space, alice = seeded_team(control)
        answer = control("POST", "chat/messages", {"space": space["name"], "sender": alice, "text": "/meet Debugging"})
        consent = requests.get(answer["reply"]["actionResponse"]["url"], allow_redirects=False, timeout=60)
        approved = requests.get(consent.headers["Location"], allow_redirects=False, timeout=60)
        code = parse_qs(urlsplit(approved.headers["Location"]).query)["code"][0]
        assert requests.get(approved.headers["Location"], timeout=60).status_code == 200

        def card_posted() -> bool:
            messages = control("GET", f"chat/spaces/{space['name'].split('/', 1)[1]}/messages")["messages"]
            return any(m.get("cardsV2") and m["sender"]["type"] == "BOT" for m in messages)

        wait_until(card_posted, timeout=60, what="the /meet card after linking")
    finally:
        process.send_signal(signal.SIGINT)
        try:
            assert process.wait(timeout=60) == 0
        finally:
            if process.poll() is None:
                process.kill()
    printed = output.read_text()

    # The libraries' DEBUG lines and the app's own are there, as readable lines.
    for logger in ("requests_oauthlib.oauth2_session", "urllib3.connectionpool", "googleapiclient.discovery",
                   "bot.authorization.linking", "sqlalchemy.engine.Engine", "google.auth.transport.requests"):
        assert re.search(rf" (DEBUG|INFO) {re.escape(logger)}: ", printed), f"nothing from {logger}"
    assert "Obtained token" in printed  # requests-oauthlib's line with the whole token response
    # …and nothing secret.
    basic = base64.b64encode(f"{LOCAL_OAUTH_CLIENT_ID}:{LOCAL_OAUTH_CLIENT_SECRET}".encode()).decode()
    for name, secret in {"authorization code": code, "client secret": LOCAL_OAUTH_CLIENT_SECRET,
                         "Basic credential": basic}.items():
        assert secret not in printed, f"the {name} was printed"
    for name, shape in ISSUED.items():
        found = shape.search(printed)
        assert found is None, f"a {name} was printed: …{printed[max(0, found.start() - 200):found.end() + 20]}"
    assert "[REDACTED]" in printed
