"""Helpers shared by the test suites: real Google clients pointed at the emulator."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

import requests
from google.apps import chat_v1
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account
from googleapiclient import discovery

from emulator.clients import service_account_credentials
from emulator.state import EmulatorState

MEET_SCOPE = "https://www.googleapis.com/auth/meetings.space.created"
CHAT_BOT_SCOPE = "https://www.googleapis.com/auth/chat.bot"
TEST_CLIENT_ID = "test-client.apps.googleusercontent.com"
REDIRECT_URI = "http://127.0.0.1:9/oauth2/callback"  # never contacted: the code is read off the redirect


def wait_until(condition: Callable[[], Any], timeout: float = 20.0, what: str = "condition",
               interval: float = 0.05) -> Any:
    """Poll ``condition`` until it is truthy (its value is returned), failing after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


@dataclass
class Emulator:
    """A running emulator: its URL and its in-memory state."""

    url: str
    state: EmulatorState

    def control(self, method: str, path: str, json: Any = None, expect: int | None = 200) -> Any:
        response = requests.request(method, f"{self.url}/_emulator/{path.lstrip('/')}", json=json, timeout=30)
        if expect is not None:
            assert response.status_code == expect, response.text
        return response.json()

    def add_user(self, email: str, display_name: str | None = None) -> dict[str, Any]:
        return self.control("POST", "users", {"email": email, "displayName": display_name})

    def authorize(self, email: str, scopes: list[str] | None = None, client_id: str = TEST_CLIENT_ID,
                  ) -> user_credentials.Credentials:
        """User credentials obtained through the real consent flow (auto-consent) and /token."""
        scopes = scopes or [MEET_SCOPE]
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        consent = requests.get(f"{self.url}/o/oauth2/auth", params={
            "client_id": client_id, "redirect_uri": REDIRECT_URI, "response_type": "code", "scope": " ".join(scopes),
            "login_hint": email, "access_type": "offline", "state": "xyz", "code_challenge": challenge,
            "code_challenge_method": "S256"}, allow_redirects=False, timeout=10)
        assert consent.status_code == 302, consent.text
        query = parse_qs(urlsplit(consent.headers["Location"]).query)
        exchanged = requests.post(f"{self.url}/token", data={
            "grant_type": "authorization_code", "code": query["code"][0], "client_id": client_id,
            "client_secret": "secret", "redirect_uri": REDIRECT_URI, "code_verifier": verifier}, timeout=10)
        assert exchanged.status_code == 200, exchanged.text
        reply = exchanged.json()
        return user_credentials.Credentials(
            token=reply["access_token"], refresh_token=reply["refresh_token"], token_uri=f"{self.url}/token",
            client_id=client_id, client_secret="secret", scopes=reply["scope"].split())

    def service_account_info(self, email: str | None = None) -> dict[str, Any]:
        return self.control("POST", "service-accounts", {"email": email} if email else {})

    def app_credentials(self, scopes: list[str] | None = None) -> service_account.Credentials:
        info = self.service_account_info(self.state.config.app_service_account)
        return service_account_credentials(info, scopes or [CHAT_BOT_SCOPE])

    def meet(self, credentials: Any) -> Any:
        return discovery.build("meet", "v2", credentials=credentials, static_discovery=True,
                               client_options={"api_endpoint": self.url}, cache_discovery=False)

    def chat(self, credentials: Any) -> chat_v1.ChatServiceClient:
        return chat_v1.ChatServiceClient(credentials=credentials, transport="rest",
                                         client_options={"api_endpoint": self.url})

    def chat_discovery(self, credentials: Any) -> Any:
        return discovery.build("chat", "v1", credentials=credentials, static_discovery=True,
                               client_options={"api_endpoint": self.url}, cache_discovery=False)

    def calls(self, api: str | None = None) -> list[dict[str, Any]]:
        return self.control("GET", "calls" + (f"?api={api}" if api else ""))["calls"]
