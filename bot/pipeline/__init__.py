"""The request path, independent of any web framework (bolt-python's App and middleware).

    messages  ``Request`` in, ``Response`` out (``Rejected``: a step answering itself)
    chain     ``Pipeline``: request steps → parse → event steps → handler
    chat      Chat events: deadline, verify, parse, remember the sender, route, render
    pushes    Pub/Sub pushes: verify (OIDC), parse, act on the Workspace Event
    tasks     the cron-triggered reconciler pass
    oauth     the account-linking browser routes
    app       ``MeetBot``: the endpoints, and ``start()``/``stop()`` of the background work
"""

from __future__ import annotations

from .app import MeetBot
from .chain import Pipeline
from .messages import Html, Json, Rejected, Request, Response

__all__ = ["Html", "Json", "MeetBot", "Pipeline", "Rejected", "Request", "Response"]
