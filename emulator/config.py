"""The emulator's settings: one frozen value, built from the command line or by tests."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_COMMANDS = {"meet": 1, "meethelp": 2, "meetsettings": 3, "meetlogout": 4, "meetrecent": 5}


@dataclass(frozen=True)
class EmulatorConfig:
    app_url: str | None = None  # where Chat interaction events are delivered
    push_url: str | None = None  # where Pub/Sub pushes Workspace Events
    # Audience of the tokens Chat signs towards the app: "project-number" (the token's
    # audience is project_number, issuer chat@system…) or "endpoint-url" (a Google ID
    # token whose audience is chat_audience_url, defaulting to app_url).
    chat_audience: str = "project-number"
    chat_audience_url: str | None = None
    project_number: str = "123456789012"
    event_format: str = "classic"  # or "addon" (Workspace add-on event format)
    # Which interaction events carry common.timeZone: only "clicks" (CARD_CLICKED, dialogs
    # included), as Chat's reference documents TimeZone ("Only supported for the event
    # types CARD_CLICKED and SUBMIT_DIALOG"), or "every" event a person causes.
    event_time_zone: str = "clicks"
    app_service_account: str = "meet-bot@emulated-project.iam.gserviceaccount.com"
    commands: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_COMMANDS))
    access_token_lifetime: int = 3599
    auto_consent: bool = False
    chat_deadline_seconds: float = 30.0  # Chat drops an app's answer after this
    pubsub_audience: str | None = None
    pubsub_service_account: str = "pubsub-push@emulated-project.iam.gserviceaccount.com"
    # Pub/Sub push retry backoff (Pub/Sub's own: 10 s doubling to 600 s), scaled down for
    # local runs and tests, and how long a push may take before it counts as a nack.
    pubsub_min_backoff: float = 0.5
    pubsub_max_backoff: float = 30.0
    pubsub_ack_deadline: float = 10.0
    # Google's published rate quotas (emulator/quotas.py): on, as with Google; benchmarks
    # turn them off. The Chat per-space ones (1 write, 15 reads per second per space) too:
    # the app paces its writes to a space and takes a 429 as "try again shortly".
    quotas: bool = True
    chat_space_quotas: bool = True

    def __post_init__(self) -> None:
        if self.chat_audience not in {"project-number", "endpoint-url"}:
            raise ValueError("chat_audience must be 'project-number' or 'endpoint-url'")
        if self.event_format not in {"classic", "addon"}:
            raise ValueError("event_format must be 'classic' or 'addon'")
        if self.event_time_zone not in {"every", "clicks"}:
            raise ValueError("event_time_zone must be 'every' or 'clicks'")
