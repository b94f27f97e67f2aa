"""``GET /tasks/reconcile``: the reconciler, for App Engine cron (``cron.yaml``).

Accepted only from App Engine cron (the ``X-Appengine-Cron`` header, which App Engine
removes from outside requests, and only when running on App Engine) or with the
configured secret as a bearer token. Anything else is refused: fail closed.
"""

from __future__ import annotations

import dataclasses
import hmac
import logging
import os

from ..config import Config
from ..lifecycle.reconcile import reconcile
from ..lifecycle.worker import SyncWorker
from ..services import Services
from .chain import Handler, Next, Pipeline, RequestStep, no_event
from .messages import Rejected, Request, Response

log = logging.getLogger(__name__)


def cron_or_secret(config: Config) -> RequestStep:
    def step(request: Request, next: Next) -> Response:
        if not _allowed(config, request):
            raise Rejected(Response.error("forbidden", 403))
        return next()

    return step


def _allowed(config: Config, request: Request) -> bool:
    if os.environ.get("GAE_APPLICATION") and request.header("X-Appengine-Cron") == "true":
        return True
    secret = config.reconcile_secret
    header = request.header("Authorization") or ""
    return bool(secret) and hmac.compare_digest(header.encode(), f"Bearer {secret}".encode())


def run_reconciler(services: Services, worker: SyncWorker) -> Handler[None]:
    def handle(request: Request, event: None) -> Response:
        report = reconcile(services, worker)
        log.info("reconciled", extra={"fields": dataclasses.asdict(report)})
        return Response.json(dataclasses.asdict(report))

    return handle


def reconcile_pipeline(config: Config, services: Services, worker: SyncWorker) -> Pipeline[None]:
    return Pipeline(request_steps=(cron_or_secret(config),), parse=no_event, handler=run_reconciler(services, worker))
