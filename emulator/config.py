"""The emulator's settings: one frozen value, built from the command line or by tests."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from domain.commands import DEFAULT_COMMAND_IDS

# The app's commands as its Chat configuration registers them by default (the app's own
# catalogue, so local mode and the app can never disagree); --slash-command adds more.
DEFAULT_COMMANDS = DEFAULT_COMMAND_IDS


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
    # The app as Chat names it in responses and events: a user id of digits like any
    # user's (``users/{app_user_id}``, type BOT); ``users/app`` is only an alias callers
    # may use. None: derived from app_service_account, so each app has its own, stable id.
    app_user_id: str | None = None
    app_display_name: str = "Meet"
    # The avatar set in the Chat app's configuration (Google's sample avatar by default).
    app_avatar_url: str = "https://developers.google.com/chat/images/quickstart-app-avatar.png"
    commands: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_COMMANDS))
    access_token_lifetime: int = 3599
    # Host names (``name`` or ``name:port``) besides loopback ones under which the control
    # plane, the playground and the consent page answer (emulator.hostcheck): for an
    # emulator deliberately reached by another name, e.g. a container's.
    allowed_hosts: tuple[str, ...] = ()
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
        if self.app_user_id is not None and not (self.app_user_id.isascii() and self.app_user_id.isdigit()):
            raise ValueError("app_user_id must be digits, as Chat's user ids are")

    @property
    def app_user_name(self) -> str:
        """``users/{digits}``: the configured id, else one derived from the app's service account."""
        if self.app_user_id:
            return f"users/{self.app_user_id}"
        digest = hashlib.sha256(self.app_service_account.encode()).digest()
        return f"users/{10**20 + int.from_bytes(digest[:8], 'big') % 10**20}"
