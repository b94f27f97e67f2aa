"""``POST /``: Chat interaction events, in either format.

Verify first (a 401 before the body is read; then a 401 too if the body is not in the
format the token's signer sends), then parse into a typed event, remember the sender,
route, and render the reply in the event's own format. A handler's failure is logged
and answered with an apology, never a 500: Chat would show the user "not responding".
"""

from __future__ import annotations

import logging

from cards.messages import Problem, error_message

from ..chat_events import ChatEvent, MalformedEvent, format_of, parse_event
from ..config import Config
from ..controls.people import remember
from ..replies import NewMessage, NoReply, Reply, render
from ..retry import request_deadline
from ..router import Router
from ..services import Services
from ..storage import Repositories, StorageError
from ..verification import ChatRequestVerifier, VerificationError
from .chain import EventStep, Handler, Next, Pipeline, RequestStep
from .messages import Rejected, Request, Response

log = logging.getLogger(__name__)


def chat_deadline(budget_seconds: float) -> RequestStep:
    """Chat drops an answer after 30 s: every Google call made while answering an
    interaction event (retries included) shares one budget, not one each."""

    def step(request: Request, next: Next) -> Response:
        with request_deadline(budget_seconds):
            return next()

    return step


def verify_chat_request(verifier: ChatRequestVerifier) -> RequestStep:
    def step(request: Request, next: Next) -> Response:
        try:
            caller = verifier.verify(request.header("Authorization"))
            # The body is read only once the token is Google's.
            event_format = format_of(request.json())
            caller.require_event_format(event_format.value if event_format is not None else None)
        except VerificationError as error:
            log.warning("refused a Chat request", extra={"fields": {"reason": str(error)}})
            raise Rejected(Response.error("unauthenticated", 401)) from None
        return next()

    return step


def parse_chat_event(request: Request) -> ChatEvent:
    try:
        return parse_event(request.json(), raw=request.body)  # the bytes json() decoded
    except MalformedEvent as error:
        log.warning("malformed Chat event", extra={"fields": {"reason": str(error)}})
        raise Rejected(Response.json({"error": f"malformed event: {error}",
                                      **error_message(Problem.MALFORMED_REQUEST)}, 400)) from None


def remember_sender(storage: Repositories) -> EventStep[ChatEvent]:
    """Chat sends the sender's email only with events: keep it, since Meet needs it to
    make this person a co-host when someone mentions them later; and their time zone,
    when the event has one, for the dates they say in meetings."""

    def step(request: Request, event: ChatEvent, next: Next) -> Response:
        try:
            if event.actor is not None:  # a removal may name nobody
                remember(storage, event.actor, time_zone=event.time_zone)
        except StorageError:
            log.warning("could not remember a person's email")
        return next()

    return step


def route_and_render(router: Router, services: Services, config: Config) -> Handler[ChatEvent]:
    def handle(request: Request, event: ChatEvent) -> Response:
        handler = router.route(event)
        try:
            reply = handler(event, services)
        except StorageError:
            # Our database, not Google: say so (work that needs it was not done, or undone).
            log.exception("handler could not reach the database", extra={"fields": {
                "handler": getattr(handler, "__name__", "?"), "event": event.raw_type}})
            reply = _apology(event, Problem.APP_UNAVAILABLE)
        except Exception:  # noqa: BLE001 - the user gets an answer whatever went wrong
            log.exception("handler failed", extra={"fields": {"handler": getattr(handler, "__name__", "?"),
                                                              "event": event.raw_type}})
            reply = _apology(event, Problem.MEET_UNAVAILABLE)
        return Response.json(render(reply, event, endpoint_url=config.chat_endpoint_url))

    return handle


def _apology(event: ChatEvent, problem: Problem) -> Reply:
    """A private apology to whoever caused the event; nothing when nobody did (a removal
    by an administrator, which Chat does not answer anyway)."""
    if event.actor is None:
        return NoReply()
    return NewMessage(error_message(problem), private_to=event.actor.user_name)


def chat_pipeline(config: Config, services: Services, router: Router,
                  verifier: ChatRequestVerifier) -> Pipeline[ChatEvent]:
    return Pipeline(
        # The deadline covers verification too (its certificate fetch is a Google call).
        request_steps=(chat_deadline(config.sync_budget_seconds), verify_chat_request(verifier)),
        parse=parse_chat_event,
        event_steps=(remember_sender(services.storage),),
        handler=route_and_render(router, services, config),
    )

