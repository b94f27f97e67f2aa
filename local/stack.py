"""Local mode: the emulator and the app in one process, wired to each other.

``LocalStack`` starts the Google Workspace emulator, registers the app's service
accounts with it, starts the Chat app configured against it, and seeds a few people
and a Chat space so there is something to try. ``python main.py`` keeps it running
for a person; ``python main.py demo`` scripts a meeting through it; the end-to-end
tests start one per session.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

import requests
from cryptography.fernet import Fernet

from bot.app import create_app
from bot.config import Config
from bot.pipeline import MeetBot
from emulator import BackgroundServer, EmulatorConfig, create_emulator
from emulator.clients import service_account_credentials
from emulator.config import DEFAULT_COMMANDS
from emulator.hostcheck import LoopbackOnly
from emulator.oauth import register_oauth_client, register_service_account

PROJECT_NUMBER = "123456789012"
APP_SERVICE_ACCOUNT = "meet-bot@local-project.iam.gserviceaccount.com"
PUBSUB_TOPIC = "projects/local-project/topics/meet-events"
PUSH_PATH = "/pubsub/push"
PUSH_SERVICE_ACCOUNT = "pubsub-push@local-project.iam.gserviceaccount.com"
# Registered with the emulator at start (its secret checked, its redirect URI the only one).
LOCAL_OAUTH_CLIENT_ID = "meetbot-local.apps.googleusercontent.com"
LOCAL_OAUTH_CLIENT_SECRET = "local-only-client-secret"
SAMPLE_PEOPLE = [("alice@example.com", "Alice Anders"), ("bob@example.com", "Bob Brown"),
                 ("carol@example.com", "Carol Chen")]


def write_app_key(state: Any, emulator_url: str, directory: str) -> str:
    """Register the app's service account with the emulator (domain-wide delegation
    allowed) and write its key file into ``directory``, as a console download would be;
    the file's path."""
    key = register_service_account(state, email=APP_SERVICE_ACCOUNT, project_id="local-project",
                                   token_uri=emulator_url + "/token", delegation=True)
    key_path = os.path.join(directory, "service-account.json")
    with open(key_path, "w", encoding="utf-8") as handle:
        json.dump(key, handle)
    return key_path


@dataclass
class LocalStack:
    directory: str = ".local"
    app_port: int = 0
    emulator_port: int = 0
    database_url: str | None = None
    auto_consent: bool = False
    event_format: str = "classic"
    # "oauth" (each person links their account on the emulator's consent page, as a
    # newcomer should see it) or "delegation" (the service account acts for everyone).
    auth_mode: str = "oauth"
    extra_env: dict[str, str] = field(default_factory=dict)
    extra_commands: dict[str, int] = field(default_factory=dict)  # commands the app does not know (tests)
    pubsub: bool = True  # False: no Workspace Events subscriptions, the reconciler alone
    reconcile_interval: float = 30.0  # the app reconciles by itself (there is no cron locally); 0 = never

    def start(self) -> "LocalStack":
        os.makedirs(self.directory, exist_ok=True)
        # The app's port must be known before the emulator starts (it delivers there),
        # so bind the app's server first and build the app once the emulator is up.
        self._app_server = BackgroundServer(_Deferred(), port=self.app_port)
        self.app_url = self._app_server.url
        self.emulator_app = create_emulator(EmulatorConfig(
            app_url=self.app_url + "/", chat_audience="project-number", project_number=PROJECT_NUMBER,
            event_format=self.event_format, app_service_account=APP_SERVICE_ACCOUNT, auto_consent=self.auto_consent,
            commands={**DEFAULT_COMMANDS, **self.extra_commands},
            push_url=self.app_url + PUSH_PATH, pubsub_audience=self.app_url + PUSH_PATH,
            pubsub_service_account=PUSH_SERVICE_ACCOUNT))
        self.emulator_state = self.emulator_app.extensions["emulator"]
        self._emulator_server = BackgroundServer(self.emulator_app, port=self.emulator_port).start()
        self.emulator_url = self._emulator_server.url

        key_path = write_app_key(self.emulator_state, self.emulator_url, self.directory)
        env = {
            "LOCAL_MODE": "1",
            "CHAT_EVENT_FORMAT": self.event_format,
            "DATABASE_URL": self.database_url or f"sqlite:///{os.path.join(self.directory, 'meetbot.db')}",
            "CHAT_PROJECT_NUMBER": PROJECT_NUMBER,
            # Add-on events are signed for the endpoint URL as audience.
            "CHAT_ENDPOINT_URL": self.app_url + "/",
            "GOOGLE_API_ENDPOINT": self.emulator_url,
            "CHAT_CREDENTIALS_FILE": key_path,
            "VERTEX_PROJECT": "local-project",  # SUMMARIZER=gemini asks the emulator's Vertex AI
            "AUTH_MODE": self.auth_mode,
            "DELEGATION_CREDENTIALS_FILE": key_path,
            "OAUTH_CLIENT_ID": LOCAL_OAUTH_CLIENT_ID,
            "OAUTH_CLIENT_SECRET": LOCAL_OAUTH_CLIENT_SECRET,
            # A fresh key per run: the emulator forgets its grants when it stops, so
            # tokens stored by an earlier run could not be used anyway.
            "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode("ascii"),
            "PUBLIC_URL": self.app_url,
            "RECONCILE_INTERVAL_SECONDS": str(self.reconcile_interval),
            **({"PUBSUB_TOPIC": PUBSUB_TOPIC, "PUBSUB_AUDIENCE": self.app_url + PUSH_PATH,
                "PUBSUB_SERVICE_ACCOUNT": PUSH_SERVICE_ACCOUNT} if self.pubsub else {}),
            **self.extra_env,
        }
        self.config = Config.from_env(env)
        # The app lives in the emulated world's time, so advancing the emulator's clock
        # moves the card's "since" and the summary's durations too.
        token_uri = self.emulator_url + "/token"
        self.app = create_app(self.config, clock=self.emulator_state.clock.now,
                              service_accounts=lambda info, scopes: service_account_credentials(info, scopes, token_uri))
        # The app's OAuth client, registered as in the Cloud console: the emulator checks its
        # secret at /token and redirects its consent page only to the app's callback.
        register_oauth_client(self.emulator_state, client_id=LOCAL_OAUTH_CLIENT_ID,
                              client_secret=LOCAL_OAUTH_CLIENT_SECRET, redirect_uris=[self.config.redirect_uri])
        # Local mode only: the app answers loopback names, so a web page cannot reach it by
        # DNS rebinding (a production app answers its real host name).
        self._app_server.app.target = LoopbackOnly(self.app)
        # Local mode runs the background work in this process, as a gunicorn worker does.
        self.bot.start()
        self._app_server.start()
        return self

    @property
    def bot(self) -> MeetBot:
        """The app itself (services, worker, verifier), behind ``self.app``'s Flask."""
        bot: MeetBot = self.app.extensions["meetbot"]
        return bot

    def seed(self) -> dict[str, Any]:
        """Sample people and a space with the app in it (the app welcomes them)."""
        people = [self.control("POST", "users", {"email": email, "displayName": name}) for email, name in SAMPLE_PEOPLE]
        space = self.control("POST", "chat/spaces", {"displayName": "Team", "spaceType": "SPACE",
                                                      "members": [p["name"] for p in people]})
        return {"people": people, "space": space}

    def control(self, method: str, path: str, body: Any = None) -> Any:
        response = requests.request(method, f"{self.emulator_url}/_emulator/{path}", json=body, timeout=60)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} /_emulator/{path}: {response.status_code} {response.text}")
        return response.json()

    def stop(self) -> None:
        self.emulator_state.close()  # no push reaches an app on its way down
        self.bot.stop()
        self._app_server.stop()
        self._emulator_server.stop()
        self.bot.services.storage.close()

    def __enter__(self) -> "LocalStack":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Deferred:
    """A WSGI app that forwards to ``target`` once it is set (503 until then)."""

    def __init__(self) -> None:
        self.target: Any = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if self.target is None:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"starting"]
        return self.target(environ, start_response)
