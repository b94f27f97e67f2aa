"""The emulator's own throughput for ``spaces.get`` and ``messages.create``.

Later benchmarks of the app run against the emulator; this shows it is not their
bottleneck. Each figure is requests per second through the emulator, beside the same
load against a bare Flask endpoint on the same WSGI server (the ratio is the share of
the server's ceiling that the emulator's routing, auth, validation and state cost).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from google.auth.transport import requests as google_requests

from emulator.clients import service_account_credentials

from .harness import closed_loop, free_port, process, python

MEET_SCOPE = "https://www.googleapis.com/auth/meetings.space.created"
CHAT_BOT_SCOPE = "https://www.googleapis.com/auth/chat.bot"


def _user_token(base: str, email: str) -> str:
    requests.post(f"{base}/_emulator/users", json={"email": email}, timeout=10).raise_for_status()
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    redirect_uri = "http://127.0.0.1:9/cb"
    consent = requests.get(f"{base}/o/oauth2/auth", params={
        "client_id": "bench", "redirect_uri": redirect_uri, "response_type": "code", "scope": MEET_SCOPE,
        "login_hint": email, "code_challenge": challenge, "code_challenge_method": "S256"},
        allow_redirects=False, timeout=10)
    code = parse_qs(urlsplit(consent.headers["Location"]).query)["code"][0]
    reply = requests.post(f"{base}/token", data={"grant_type": "authorization_code", "code": code, "client_id": "bench",
                                                 "redirect_uri": redirect_uri, "code_verifier": verifier}, timeout=10)
    reply.raise_for_status()
    return str(reply.json()["access_token"])


def _app_token(base: str) -> str:
    info = requests.post(f"{base}/_emulator/service-accounts", json={}, timeout=10).json()
    creds = service_account_credentials(info, [CHAT_BOT_SCOPE])
    creds.refresh(google_requests.Request())
    return str(creds.token)


def _measure(base: str, space_name: str, chat_space: str, meet_token: str, chat_token: str, *, total: int,
             concurrency: int) -> dict[str, Any]:
    meet_headers = {"Authorization": f"Bearer {meet_token}"}
    chat_headers = {"Authorization": f"Bearer {chat_token}"}

    def get_space(session: requests.Session, _: int) -> bool:
        return session.get(f"{base}/v2/{space_name}", headers=meet_headers, timeout=30).status_code == 200

    def create_message(session: requests.Session, index: int) -> bool:
        return session.post(f"{base}/v1/{chat_space}/messages", headers=chat_headers,
                            json={"text": f"message {index}"}, timeout=30).status_code == 200

    gets = closed_loop(get_space, total=total, concurrency=concurrency)
    creates = closed_loop(create_message, total=total, concurrency=concurrency)
    return {"get": gets, "create": creates}


def run(quick: bool) -> dict[str, Any]:
    total, concurrency = (300, 4) if quick else (3000, 8)
    emulator_port, bare_port = free_port(), free_port()
    emulator_url, bare_url = f"http://127.0.0.1:{emulator_port}", f"http://127.0.0.1:{bare_port}"
    with process(python("-m", "emulator", "--port", str(emulator_port), "--quotas", "off"),  # measured, not limited
                 f"{emulator_url}/_emulator/clock",
                 env={"EMULATOR_AUTO_CONSENT": "1"}):
        meet_token = _user_token(emulator_url, "bench@example.com")
        space = requests.post(f"{emulator_url}/v2/spaces", json={}, timeout=10,
                              headers={"Authorization": f"Bearer {meet_token}"})
        space.raise_for_status()
        chat_space = requests.post(f"{emulator_url}/_emulator/chat/spaces", timeout=10, json={
            "displayName": "Bench", "spaceType": "SPACE", "members": ["bench@example.com"]})
        chat_space.raise_for_status()
        emulated = _measure(emulator_url, space.json()["name"], chat_space.json()["name"], meet_token,
                            _app_token(emulator_url), total=total, concurrency=concurrency)
    with process(python("-m", "bench.bare_server", "--port", str(bare_port)), f"{bare_url}/v2/spaces/x"):
        bare = _measure(bare_url, "spaces/bench", "spaces/bench", "ya29.bench", "ya29.bench", total=total,
                        concurrency=concurrency)
    return {
        "emulator_spaces_get_rps": round(emulated["get"].per_second, 1),
        "emulator_messages_create_rps": round(emulated["create"].per_second, 1),
        "emulator_spaces_get_p95_ms": round(emulated["get"].p95_ms, 2),
        "emulator_messages_create_p95_ms": round(emulated["create"].p95_ms, 2),
        "emulator_bare_rps": round(bare["get"].per_second, 1),
        "emulator_spaces_get_ratio": round(emulated["get"].per_second / bare["get"].per_second, 3),
        "emulator_messages_create_ratio": round(emulated["create"].per_second / bare["create"].per_second, 3),
        "emulator_errors": emulated["get"].errors + emulated["create"].errors,
    }
