"""``POST /`` throughput: the app beside a bare endpoint doing the same token check.

Both run on gunicorn with 2 workers. The emulator (in this process) only serves the
certificates; the benchmark signs Chat tokens with its key and sends a ``/meethelp``
slash command (no upstream calls) and a card click to each server.
Key ``chat_endpoint_ratio`` = app requests/s ÷ bare requests/s, the lower of the two kinds (goal ≥ 0.9).

Both servers run side by side and are measured in alternation, ``ROUNDS`` short rounds
each in the order app, bare, bare, app, …: the machine is shared, and its load moves
within seconds, so measuring one server and then the other compared the load as much as
the code (one run measured a click ratio of 0.74, the next 1.25, on the same code).
Each server's rate is its requests over its own rounds' time; the ratio is the median of
the rounds' ratios (each app round over the bare round next to it), which a burst of
someone else's load during a few rounds does not move. The CPU the servers' processes spent
per request (``/proc``, over the same rounds) is reported beside it: what the code costs,
which the machine's load moves far less than it moves a rate.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from contextlib import ExitStack
from typing import Any, Callable

import requests

from emulator import BackgroundServer, EmulatorConfig, create_emulator
from emulator.oauth import register_service_account

from .harness import closed_loop, free_port, gunicorn_command, process, process_tree_cpu_seconds

PROJECT_NUMBER = "123456789012"
CHAT_ISSUER = "chat@system.gserviceaccount.com"
ROUNDS = 20  # alternating rounds per server and kind (quick runs too)


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
        results: dict[str, dict[str, float]] = {"app": {}, "bare": {}, "ratio": {}}
        urls = {name: f"http://127.0.0.1:{free_port()}" for name in ("app", "bare")}
        targets = {"app": "main:app", "bare": "bench.bare_chat:app"}
        with ExitStack() as servers:
            pids = {}
            for name, url in urls.items():
                port = url.rsplit(":", 1)[1]
                pids[name] = servers.enter_context(process(gunicorn_command(targets[name], port=port, workers=2,
                                                                            threads=4), f"{url}/healthz", env=env)).pid
            for kind, body in bodies.items():
                def caller(url: str, body: str = body) -> Callable[[requests.Session, int], bool]:
                    def call(session: requests.Session, _: int) -> bool:
                        return session.post(url + "/", data=body, headers=headers, timeout=30).status_code == 200
                    return call

                for name in urls:  # warm up both workers of both servers
                    closed_loop(caller(urls[name]), total=max(20, total // 10), concurrency=concurrency)
                done = {"app": 0, "bare": 0}
                seconds = {"app": 0.0, "bare": 0.0}
                cpu = {"app": 0.0, "bare": 0.0}
                round_ratios = []
                for round_ in range(ROUNDS):
                    rates = {}
                    for name in (("app", "bare") if round_ % 2 == 0 else ("bare", "app")):
                        cpu_before = process_tree_cpu_seconds(pids[name]) or 0.0
                        measured = closed_loop(caller(urls[name]), total=total // ROUNDS, concurrency=concurrency)
                        cpu[name] += (process_tree_cpu_seconds(pids[name]) or 0.0) - cpu_before
                        done[name] += measured.requests - measured.errors
                        seconds[name] += measured.seconds
                        rates[name] = (measured.requests - measured.errors) / measured.seconds
                    round_ratios.append(rates["app"] / rates["bare"])
                for name in urls:
                    results[name][kind] = done[name] / seconds[name]
                    results[name][kind + "_cpu_us"] = cpu[name] / max(done[name], 1) * 1e6
                results["ratio"][kind] = statistics.median(round_ratios)
    command_ratio = results["ratio"]["command"]
    click_ratio = results["ratio"]["click"]
    return {
        "chat_endpoint_app_command_rps": round(results["app"]["command"], 1),
        "chat_endpoint_bare_command_rps": round(results["bare"]["command"], 1),
        "chat_endpoint_app_click_rps": round(results["app"]["click"], 1),
        "chat_endpoint_bare_click_rps": round(results["bare"]["click"], 1),
        "chat_endpoint_ratio": round(min(command_ratio, click_ratio), 3),
        "chat_endpoint_command_ratio": round(command_ratio, 3),
        "chat_endpoint_click_ratio": round(click_ratio, 3),
        "chat_endpoint_app_command_cpu_us": round(results["app"]["command_cpu_us"]),
        "chat_endpoint_bare_command_cpu_us": round(results["bare"]["command_cpu_us"]),
        "chat_endpoint_app_click_cpu_us": round(results["app"]["click_cpu_us"]),
        "chat_endpoint_bare_click_cpu_us": round(results["bare"]["click_cpu_us"]),
    }
