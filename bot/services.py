"""What a handler may use, passed explicitly: ``handler(event, services) -> Reply``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Callable

from .config import Config
from .google.chat import ChatGateway
from .google.credentials import UserCredentialsProvider
from .google.meet import MeetGateway
from .storage import Repositories

if TYPE_CHECKING:
    from .authorization import Authorization
    from .digest import Summarizer
    from .google.workspace_events import EventsGateway
    from .google.people import PeopleGateway
    from .lifecycle.service import Lifecycle


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def offline_summarizer() -> "Summarizer":
    """The default summariser: offline and deterministic (imported here, not at module
    import, so building Services stays cheap for code that never summarises)."""
    from .digest.extractive import ExtractiveSummarizer

    return ExtractiveSummarizer()


@dataclass(frozen=True)
class Services:
    config: Config
    storage: Repositories
    meet: MeetGateway
    chat: ChatGateway
    credentials: UserCredentialsProvider
    clock: Callable[[], datetime] = field(default=utc_now)
    # Per-user linking (AUTH_MODE=oauth); None with domain-wide delegation.
    authorization: "Authorization | None" = None
    # The meeting lifecycle (Workspace Events and the sync worker); None in unit tests.
    events: "EventsGateway | None" = None
    # Directory lookups of mentioned people's emails (People API); None: not looked up.
    people: "PeopleGateway | None" = None
    lifecycle: "Lifecycle | None" = None
    # Turns a transcript into next steps, decisions and key points (SUMMARIZER).
    summarizer: "Summarizer" = field(default_factory=offline_summarizer)

    def subscriptions(self) -> "EventsGateway":
        """The Workspace Events gateway (the app always builds one; only unit tests that
        never reach subscriptions leave it out)."""
        if self.events is None:
            raise RuntimeError("Workspace Events are not configured (PUBSUB_TOPIC is unset)")
        return self.events
