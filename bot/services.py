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
    from .authorization import AccountLinking
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
    """Every member is always there: a feature off by configuration is an object that
    says so (``LinkingOff``), never None for each caller to check."""

    config: Config
    storage: Repositories
    meet: MeetGateway
    chat: ChatGateway
    credentials: UserCredentialsProvider
    # Per-user linking: ``Authorization`` (AUTH_MODE=oauth), or ``LinkingOff`` with
    # domain-wide delegation (``links_accounts`` says which).
    authorization: "AccountLinking"
    # Workspace Events subscriptions of meetings' Meet spaces (used when PUBSUB_TOPIC is set).
    events: "EventsGateway"
    # Directory lookups of mentioned people's emails (People API).
    people: "PeopleGateway"
    # The meeting lifecycle: hands new meetings and changes to the sync worker.
    lifecycle: "Lifecycle"
    clock: Callable[[], datetime] = field(default=utc_now)
    # Turns a transcript into next steps, decisions and key points (SUMMARIZER).
    summarizer: "Summarizer" = field(default_factory=offline_summarizer)
