"""The Flask app factory: ``create_app(config, *, storage=…, meet=…, chat=…, …)``.

Everything the app talks to is built once here (or injected by tests) and shared by
request threads; nothing reaches the network at import time.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from typing import Callable

from flask import Flask, Response, g, jsonify, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException

from .authorization import Authorization, build_authorization
from .config import Config, ConfigError
from .digest import Summarizer
from .google.chat import ChatGateway, app_credentials
from .google.credentials import DelegatedCredentials, ServiceAccounts, UserCredentialsProvider, google_service_accounts
from .google.workspace_events import EventsGateway
from .google.people import PeopleGateway
from .lifecycle.reconcile import PeriodicReconciler
from .lifecycle.service import Lifecycle
from .lifecycle.worker import SyncWorker
from .pubsub import PushVerifier
from .google.meet import MeetGateway
from .log import config_secrets, install_redaction, set_trace
from .retry import request_deadline
from .router import Router
from .services import Services, utc_now
from .storage import Storage, open_storage
from .verification import ChatRequestVerifier

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 1_000_000  # Chat events are a few KB; anything near this is not one


class _BoundedJSONProvider(DefaultJSONProvider):
    """JSON nested deeper than the parser's recursion limit is malformed input (a 400,
    or an acknowledged push), not a RecursionError answered with a 500."""

    def loads(self, s: str | bytes, **kwargs: object) -> object:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


@dataclass(frozen=True)
class MeetBot:
    """What the views reach through ``current_app.extensions["meetbot"]``."""

    config: Config
    services: Services
    router: Router
    verifier: ChatRequestVerifier
    worker: SyncWorker
    push_verifier: PushVerifier | None = None  # None: Pub/Sub is not configured
    reconciler: PeriodicReconciler | None = None  # only when the app reconciles by itself

    def shutdown(self) -> None:
        """Stop the background threads (tests and local mode; gunicorn just exits)."""
        if self.reconciler is not None:
            self.reconciler.stop()
        self.worker.stop()


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


def create_app(
    config: Config,
    *,
    storage: Storage | None = None,
    meet: MeetGateway | None = None,
    chat: ChatGateway | None = None,
    credentials: UserCredentialsProvider | None = None,
    authorization: "Authorization | None" = None,
    verifier: ChatRequestVerifier | None = None,
    clock: Callable[..., object] | None = None,
    summarizer: "Summarizer | None" = None,
    service_accounts: ServiceAccounts | None = None,
) -> Flask:
    """``service_accounts`` builds the app's service-account credentials from their keys:
    google-auth's by default (token endpoint GOOGLE_TOKEN_URI when GOOGLE_API_ENDPOINT is
    set); local mode passes the emulator's."""
    config.check()
    # Before anything can log: every record of every logger is redacted, and the
    # configured secrets are masked by value wherever they appear.
    install_redaction(config_secrets(config))
    from .digest.factory import build_summarizer
    from .handlers import build_router
    from .views import chat as chat_view, health, oauth, pubsub, tasks

    now = clock or utc_now
    if storage is None:
        assert config.database_url is not None  # config.check() refused it unset
        _sqlite_directory(config.database_url)
        # The same clock as everything else: processed-event claims are pruned by age.
        storage = open_storage(config.database_url, clock=now)  # type: ignore[arg-type]
    endpoint = config.google_api_endpoint
    budget = config.sync_budget_seconds
    service_accounts = service_accounts or google_service_accounts(config.token_uri if endpoint else None)
    if credentials is None:
        if config.auth_mode == "oauth":
            authorization = authorization or build_authorization(config, storage, now)  # type: ignore[arg-type]
            credentials = authorization.credentials
        else:
            credentials = _delegation(config, service_accounts)
    services = Services(
        config=config,
        storage=storage,
        meet=meet or MeetGateway(endpoint, timeout_seconds=config.meet_timeout_seconds, budget_seconds=budget),
        chat=chat or ChatGateway(app_credentials(config.chat_credentials_file, service_accounts=service_accounts),
                                 endpoint, timeout_seconds=config.meet_timeout_seconds, budget_seconds=budget),
        credentials=credentials,
        clock=now,  # type: ignore[arg-type]
        authorization=authorization,
        events=EventsGateway(endpoint, timeout_seconds=config.meet_timeout_seconds, budget_seconds=budget),
        people=PeopleGateway(endpoint, timeout_seconds=config.meet_timeout_seconds, budget_seconds=budget),
        lifecycle=Lifecycle(storage),
        summarizer=summarizer or build_summarizer(config, service_accounts=service_accounts),
    )
    worker = SyncWorker(services).start()
    assert services.lifecycle is not None
    services.lifecycle.worker = worker
    push_verifier = None
    if config.pubsub_topic and config.pubsub_audience and config.pubsub_service_account:
        push_verifier = PushVerifier(config.pubsub_audience, config.pubsub_service_account, config.google_certs_url)
    reconciler = None
    if config.reconcile_interval_seconds > 0:
        reconciler = PeriodicReconciler(services, worker, config.reconcile_interval_seconds).start()
    app = Flask(__name__)
    app.json = _BoundedJSONProvider(app)
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.extensions["meetbot"] = MeetBot(config, services, build_router(config), verifier or ChatRequestVerifier(config),
                                        worker, push_verifier, reconciler)

    @app.before_request
    def correlate_trace() -> None:
        set_trace(request.headers.get("X-Cloud-Trace-Context"), config.google_cloud_project)

    @app.before_request
    def start_chat_deadline() -> None:
        # Chat drops an answer after 30 s: every Google call made while answering an
        # interaction event (retries included) shares one budget, not one each.
        if request.method == "POST" and request.path == "/":
            deadline = request_deadline(config.sync_budget_seconds)
            deadline.__enter__()
            g.meetbot_deadline = deadline

    @app.teardown_request
    def end_chat_deadline(_: BaseException | None) -> None:
        deadline = g.pop("meetbot_deadline", None)
        if deadline is not None:
            try:
                deadline.__exit__(None, None, None)
            except ValueError:  # torn down in another context: nothing of ours is left set there
                pass

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response, int]:
        # 404, 405, 413 (body over MAX_REQUEST_BYTES), …: JSON, never an HTML page, with
        # the error's own headers (a 405's Allow).
        response = jsonify({"error": error.name.lower()})
        response.headers.extend((name, value) for name, value in error.get_headers() if name.lower() != "content-type")
        return response, error.code or 500

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[Response, int]:
        log.exception("unhandled error")
        return jsonify({"error": "internal error"}), 500

    app.register_blueprint(chat_view.blueprint)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(oauth.blueprint)
    app.register_blueprint(pubsub.blueprint)
    app.register_blueprint(tasks.blueprint)
    return app
