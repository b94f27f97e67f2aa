"""A request's way through the app, the same for Chat events and Pub/Sub pushes:

    request → request steps (verify, deadline, …) → parse → event steps (remember the
    sender, …) → handler → response

A step is a function that gets what the request has become so far and ``next`` (the rest
of the way): it returns ``next()``'s response, or its own (by returning it or raising
``Rejected``), and may wrap ``next()`` (a deadline around everything after it). The
parser turns the verified request into the typed event the later steps and the handler
take, so nothing after it sees raw JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Generic, Sequence, TypeVar

from .messages import Rejected, Request, Response

E = TypeVar("E")
Next = Callable[[], Response]
RequestStep = Callable[[Request, Next], Response]
EventStep = Callable[[Request, E, Next], Response]
Handler = Callable[[Request, E], Response]


def no_event(request: Request) -> None:
    """The parser of an endpoint whose handler needs nothing but the request."""
    return None


@dataclass(frozen=True)
class Pipeline(Generic[E]):
    parse: Callable[[Request], E]
    handler: Handler[E]
    request_steps: Sequence[RequestStep] = ()
    event_steps: Sequence[EventStep[E]] = ()

    def __call__(self, request: Request) -> Response:
        try:
            return self._request_step(0, request)
        except Rejected as rejected:
            return rejected.response

    def _request_step(self, index: int, request: Request) -> Response:
        if index == len(self.request_steps):
            return self._event_step(0, request, self.parse(request))
        return self.request_steps[index](request, lambda: self._request_step(index + 1, request))

    def _event_step(self, index: int, request: Request, event: E) -> Response:
        if index == len(self.event_steps):
            return self.handler(request, event)
        return self.event_steps[index](request, event, lambda: self._event_step(index + 1, request, event))
