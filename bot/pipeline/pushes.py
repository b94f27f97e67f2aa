"""``POST /pubsub/push``: Workspace Events from the Pub/Sub push subscription.

Verify (401 before reading the body), decode, act, answer fast. A genuine message that
cannot be decoded is acknowledged (204) and logged: redelivery would never fix it.
"""

from __future__ import annotations

import logging

from ..lifecycle.pushes import handle_event
from ..lifecycle.worker import SyncWorker
from ..pubsub import MalformedPush, PushVerifier, WorkspaceEvent, parse_push
from ..services import Services
from ..verification import VerificationError
from .chain import Handler, Next, Pipeline, RequestStep, no_event
from .messages import Rejected, Request, Response

log = logging.getLogger(__name__)


def verify_push(verifier: PushVerifier) -> RequestStep:
    """Pub/Sub's OIDC token, for our audience and push service account."""

    def step(request: Request, next: Next) -> Response:
        try:
            verifier.verify(request.header("Authorization"))
        except VerificationError as error:
            log.warning("refused a push", extra={"fields": {"reason": str(error)}})
            raise Rejected(Response.error("unauthenticated", 401)) from None
        return next()

    return step


def parse_workspace_event(request: Request) -> WorkspaceEvent:
    try:
        return parse_push(request.json())
    except MalformedPush as error:
        log.error("acknowledged a malformed push message", extra={"fields": {"reason": str(error)}})
        raise Rejected(Response(204)) from None


def act_on_event(services: Services, worker: SyncWorker) -> Handler[WorkspaceEvent]:
    def handle(request: Request, event: WorkspaceEvent) -> Response:
        outcome = handle_event(services, worker, event)
        log.info("workspace event", extra={"fields": {"type": event.type, "id": event.id, "outcome": outcome}})
        return Response(204)

    return handle


def push_pipeline(services: Services, worker: SyncWorker, verifier: PushVerifier) -> Pipeline[WorkspaceEvent]:
    return Pipeline(request_steps=(verify_push(verifier),), parse=parse_workspace_event,
                    handler=act_on_event(services, worker))


def pushes_not_configured(request: Request, event: None) -> Response:
    return Response.error("Pub/Sub push is not configured", 404)


NOT_CONFIGURED: Pipeline[None] = Pipeline(parse=no_event, handler=pushes_not_configured)
