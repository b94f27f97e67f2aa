"""Building the app: ``build_bot(config, *, storage=…, meet=…, chat=…, …)`` gives the
framework-independent ``MeetBot``; ``create_app`` puts it behind Flask.

Everything the app talks to is built once here (or injected by tests) and shared by
request threads; nothing reaches the network at import time, and nothing starts: the
background work starts with ``MeetBot.start()`` (``main.py`` for gunicorn, ``LocalStack``,
the tests that need it).
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from typing import Callable

from flask import Flask

from .authorization import AccountLinking, Authorization, LinkingOff, build_authorization
from .config import Config, ConfigError
from .digest import Summarizer
from .google.chat import ChatGateway, app_credentials
from .google.credentials import DelegatedCredentials, ServiceAccounts, UserCredentialsProvider, google_service_accounts
from .google.workspace_events import EventsGateway
from .google.people import PeopleGateway
from .lifecycle.reconcile import PeriodicReconciler
from .lifecycle.service import Lifecycle
from .lifecycle.worker import SyncWorker
from .pipeline import MeetBot
from .pubsub import PushVerifier
from .google.meet import MeetGateway
from .log import config_secrets, install_redaction
from .services import Services, utc_now
from .storage import Storage, open_storage
from .verification import ChatRequestVerifier


def _sqlite_directory(url: str) -> None:
    """Local mode's SQLite file lives under ./.local/, which may not exist yet."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        directory = os.path.dirname(url[len("sqlite:///"):])
        if directory:
            os.makedirs(directory, exist_ok=True)


def _delegation(config: Config, service_accounts: ServiceAccounts) -> UserCredentialsProvider:
    if config.delegation_credentials_json:
        key = json.loads(config.delegation_credentials_json)
    elif config.delegation_credentials_file:
        with open(config.delegation_credentials_file, encoding="utf-8") as handle:
            key = json.load(handle)
    else:
        raise ConfigError(["DELEGATION_CREDENTIALS_FILE or DELEGATION_CREDENTIALS_JSON is required "
                           "when AUTH_MODE=delegation"])
    return DelegatedCredentials(key, service_accounts)


def build_bot(
    config: Config,
    *,
    storage: Storage | None = None,
    meet: MeetGateway | None = None,
    chat: ChatGateway | None = None,
    credentials: UserCredentialsProvider | None = None,
    authorization: "Authorization | None" = None,
    verifier: ChatRequestVerifier | None = None,
    clock: Callable[[], datetime] | None = None,
    summarizer: "Summarizer | None" = None,
    service_accounts: ServiceAccounts | None = None,
) -> MeetBot:
    """``service_accounts`` builds the app's service-account credentials from their keys:
    google-auth's by default (token endpoint GOOGLE_TOKEN_URI when GOOGLE_API_ENDPOINT is
    set); local mode passes the emulator's. No thread starts here (``MeetBot.start``)."""
    config.check()
    # Before anything can log: every record of every logger is redacted, and the
    # configured secrets are masked by value wherever they appear.
    install_redaction(config_secrets(config))
    from .digest.factory import build_summarizer
    from .handlers import build_router

    now = clock or utc_now
    if storage is None:
        assert config.database_url is not None  # config.check() refused it unset
        _sqlite_directory(config.database_url)
        # The same clock as everything else: processed-event claims are pruned by age.
        storage = open_storage(config.database_url, pool_size=config.database_pool_size,
                               clock=now)
    endpoint = config.google_api_endpoint
    budget = config.sync_budget_seconds
    service_accounts = service_accounts or google_service_accounts(config.token_uri if endpoint else None)
    linking: AccountLinking
    if config.auth_mode == "oauth":
        oauth = authorization or build_authorization(config, storage, now)  # type: ignore[arg-type]
        linking, credentials = oauth, credentials or oauth.credentials
    else:  # domain-wide delegation: the service account acts for everyone, nobody links
        linking, credentials = LinkingOff(), credentials or _delegation(config, service_accounts)
    lifecycle = Lifecycle(storage)
    services = Services(
        config=config,
        storage=storage,
        meet=meet or MeetGateway(endpoint, timeout_seconds=config.meet_timeout_seconds, budget_seconds=budget),
        chat=chat or ChatGateway(app_credentials(config.chat_credentials_file, service_accounts=service_accounts),
                                 endpoint, timeout_seconds=config.meet_timeout_seconds, budget_seconds=budget),
        credentials=credentials,
        clock=now,
        authorization=linking,
        events=EventsGateway(endpoint, timeout_seconds=config.meet_timeout_seconds, budget_seconds=budget),
        people=PeopleGateway(endpoint, timeout_seconds=config.meet_timeout_seconds, budget_seconds=budget),
        lifecycle=lifecycle,
        summarizer=summarizer or build_summarizer(config, service_accounts=service_accounts),
    )
    # Built, not started: until start(), a kick only marks the worker as having work.
    worker = SyncWorker(services)
    lifecycle.worker = worker
    push_verifier = None
    if config.pubsub_topic and config.pubsub_audience and config.pubsub_service_account:
        push_verifier = PushVerifier(config.pubsub_audience, config.pubsub_service_account, config.google_certs_url)
    reconciler = None
    if config.reconcile_interval_seconds > 0:
        reconciler = PeriodicReconciler(services, worker, config.reconcile_interval_seconds)
    return MeetBot(config, services, build_router(config), verifier or ChatRequestVerifier(config), worker,
                   push_verifier, reconciler)


def create_app(
    config: Config,
    *,
    storage: Storage | None = None,
    meet: MeetGateway | None = None,
    chat: ChatGateway | None = None,
    credentials: UserCredentialsProvider | None = None,
    authorization: "Authorization | None" = None,
    verifier: ChatRequestVerifier | None = None,
    clock: Callable[[], datetime] | None = None,
    summarizer: "Summarizer | None" = None,
    service_accounts: ServiceAccounts | None = None,
) -> Flask:
    """The Flask app serving ``build_bot``'s ``MeetBot`` (``app.extensions["meetbot"]``:
    call its ``start()`` where background work should run)."""
    from .views import flask_app

    return flask_app(build_bot(config, storage=storage, meet=meet, chat=chat, credentials=credentials,
                               authorization=authorization, verifier=verifier, clock=clock, summarizer=summarizer,
                               service_accounts=service_accounts))
