"""``MeetBot``: the app without a web framework, like bolt-python's ``App``.

Each endpoint is a pipeline (``chain.Pipeline``): ``bot.chat(request)`` and
``bot.push(request)`` take a ``Request`` and give a ``Response``, whatever server
carries them (``bot.views`` adapts Flask). Building one starts nothing: ``start()``
starts the background work (the sync worker; the periodic reconciler when configured)
in the calling process, ``stop()`` stops it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config import Config
from ..lifecycle.reconcile import PeriodicReconciler
from ..lifecycle.worker import SyncWorker
from ..pubsub import PushVerifier
from ..router import Router
from ..services import Services
from ..verification import ChatRequestVerifier
from .chat import chat_pipeline
from .messages import Request, Response
from .oauth import oauth_callback_pipeline, oauth_start_pipeline
from .pushes import NOT_CONFIGURED, push_pipeline
from .tasks import reconcile_pipeline


@dataclass(frozen=True)
class MeetBot:
    config: Config
    services: Services
    router: Router
    verifier: ChatRequestVerifier
    worker: SyncWorker
    push_verifier: PushVerifier | None = None  # None: Pub/Sub is not configured
    reconciler: PeriodicReconciler | None = None  # only when the app reconciles by itself

    # -- background work -----------------------------------------------------------------
    def start(self) -> "MeetBot":
        """Start the background threads in this process (once per process: a gunicorn
        worker, local mode, a test's app)."""
        self.worker.start()
        if self.reconciler is not None:
            self.reconciler.start()
        return self

    def stop(self) -> None:
        """Stop the background threads (tests and local mode; gunicorn just exits)."""
        if self.reconciler is not None:
            self.reconciler.stop()
        self.worker.stop()

    # -- endpoints -----------------------------------------------------------------------
    # The pipelines are put together per request from the fields as they are then (cheap:
    # a few closures), so a test that swaps the worker or the configuration is obeyed.
    def chat(self, request: Request) -> Response:
        """A Chat interaction event (``POST /``)."""
        return chat_pipeline(self.config, self.services, self.router, self.verifier)(request)

    def push(self, request: Request) -> Response:
        """A Pub/Sub push of a Workspace Event (``POST /pubsub/push``)."""
        if self.push_verifier is None:
            return NOT_CONFIGURED(request)
        return push_pipeline(self.services, self.worker, self.push_verifier)(request)

    def reconcile(self, request: Request) -> Response:
        """A reconciler pass asked for by cron (``GET /tasks/reconcile``)."""
        return reconcile_pipeline(self.config, self.services, self.worker)(request)

    def oauth_start(self, request: Request) -> Response:
        return oauth_start_pipeline(self.services)(request)

    def oauth_callback(self, request: Request) -> Response:
        return oauth_callback_pipeline(self.services)(request)

    def health(self, request: Request) -> Response:
        """Liveness, cheap and dependency-free."""
        return Response.json({"status": "ok"})
