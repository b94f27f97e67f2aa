"""``POST /`` throughput: the app beside a bare endpoint doing the same token check.

Both run on gunicorn with 2 workers. The emulator (in this process) only serves the
certificates; the benchmark signs Chat tokens with its key and sends a ``/meethelp``
slash command (no upstream calls) and a card click to each server in turn.
Key ``chat_endpoint_ratio`` = app requests/s ÷ bare requests/s (goal ≥ 0.7).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from typing import Any

import requests

from emulator import BackgroundServer, EmulatorConfig, create_emulator
from emulator.oauth import register_service_account

from .harness import closed_loop, free_port, gunicorn_command, process

PROJECT_NUMBER = "123456789012"
CHAT_ISSUER = "chat@system.gserviceaccount.com"


def _event(kind: str) -> dict[str, Any]:
    user = {"name": "users/1", "displayName": "Bench User", "email": "bench@example.com", "type": "HUMAN"}
    space = {"name": "spaces/BENCH", "type": "ROOM", "spaceType": "SPACE", "displayName": "Bench"}
    if kind == "command":
        message = {"name": "spaces/BENCH/messages/1", "text": "/meethelp", "argumentText": "", "sender": user,
                   "thread": {"name": "spaces/BENCH/threads/1"}, "slashCommand": {"commandId": "2"}}
        return {"type": "MESSAGE", "eventTime": "2026-11-24T10:00:00Z", "user": user, "space": space,
                "message": message, "common": {"hostApp": "CHAT"}}
    return {"type": "CARD_CLICKED", "eventTime": "2026-11-24T10:00:00Z", "user": user, "space": space,
            "message": {"name": "spaces/BENCH/messages/2", "sender": {"name": "users/104710123456789012345", "type": "BOT"}},
            "action": {"actionMethodName": "bench_unknown", "parameters": []},
            "common": {"hostApp": "CHAT", "invokedFunction": "bench_unknown"}}


def run(quick: bool) -> dict[str, Any]:
    total, concurrency = (400, 4) if quick else (4000, 8)
    emulator_app = create_emulator(EmulatorConfig(project_number=PROJECT_NUMBER, quotas=False))  # measured, not rate-limited
    state = emulator_app.extensions["emulator"]
    directory = tempfile.mkdtemp(prefix="meetbot-bench-")
    with BackgroundServer(emulator_app) as emulator:
        key = register_service_account(state, email="bench@local-project.iam.gserviceaccount.com",
                                       project_id="local-project", token_uri=emulator.url + "/token")
        key_path = os.path.join(directory, "key.json")
        with open(key_path, "w", encoding="utf-8") as handle:
            json.dump(key, handle)
        env = {"CHAT_EVENT_FORMAT": "classic", "CHAT_PROJECT_NUMBER": PROJECT_NUMBER,
               "GOOGLE_API_ENDPOINT": emulator.url, "AUTH_MODE": "delegation",
               "DELEGATION_CREDENTIALS_FILE": key_path, "CHAT_CREDENTIALS_FILE": key_path, "LOG_LEVEL": "WARNING",
               "DATABASE_URL": f"sqlite:///{os.path.join(directory, 'bench.db')}"}
        now = int(time.time())
        token = state.keys.key_for(CHAT_ISSUER).sign({"iss": CHAT_ISSUER, "aud": PROJECT_NUMBER, "iat": now,
                                                      "exp": now + 3600})
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        bodies = {kind: json.dumps(_event(kind)) for kind in ("command", "click")}
        results: dict[str, dict[str, float]] = {}
        for name, target in (("app", "main:app"), ("bare", "bench.bare_chat:app")):
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            gunicorn = gunicorn_command(target, port=port, workers=2, threads=4)
            with process(gunicorn, f"{url}/healthz", env=env):
                for kind, body in bodies.items():
                    def call(session: requests.Session, _: int, body: str = body, url: str = url) -> bool:
                        return session.post(url + "/", data=body, headers=headers, timeout=30).status_code == 200

                    closed_loop(call, total=max(20, total // 10), concurrency=concurrency)  # warm up both workers
                    results.setdefault(name, {})[kind] = closed_loop(call, total=total, concurrency=concurrency).per_second
                    results[name][kind + "_errors"] = 0
    command_ratio = results["app"]["command"] / results["bare"]["command"]
    click_ratio = results["app"]["click"] / results["bare"]["click"]
    return {
        "chat_endpoint_app_command_rps": round(results["app"]["command"], 1),
        "chat_endpoint_bare_command_rps": round(results["bare"]["command"], 1),
        "chat_endpoint_app_click_rps": round(results["app"]["click"], 1),
        "chat_endpoint_bare_click_rps": round(results["bare"]["click"], 1),
        "chat_endpoint_ratio": round(min(command_ratio, click_ratio), 3),
        "chat_endpoint_command_ratio": round(command_ratio, 3),
        "chat_endpoint_click_ratio": round(click_ratio, 3),
    }
