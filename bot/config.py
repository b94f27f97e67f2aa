"""Configuration: one frozen value built from environment variables.

``Config.from_env(os.environ)`` reads everything; ``config.problems()`` lists every
missing or inconsistent setting, and ``create_app`` refuses to start with one message
naming each of them. Tests build a Config from a plain dict, never touching the
process environment.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Mapping
from urllib.parse import urlsplit

from cryptography.fernet import Fernet

from domain.commands import DEFAULT_COMMAND_IDS

GOOGLE_CHAT_ISSUER = "chat@system.gserviceaccount.com"
GOOGLE_CHAT_CERTS_URL = "https://www.googleapis.com/service_accounts/v1/metadata/x509/" + GOOGLE_CHAT_ISSUER
GOOGLE_ID_TOKEN_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/auth"
GOOGLE_REVOKE_URI = "https://oauth2.googleapis.com/revoke"

# Meet's quota for spaces.create ("reduced write requests"): 10 per minute per user per
# project (developers.google.com/workspace/meet/api/guides/limits). The app's own limit
# matches it, so a user hears a friendly answer from the app rather than a 429 from Meet.
MEET_CREATE_QUOTA_PER_USER_PER_MINUTE = 10

AUDIENCE_TYPES = ("project-number", "endpoint-url")
# What kind of Chat app the Cloud console has: "classic" (a Chat app receiving Chat
# interaction events, signed per CHAT_AUDIENCE) or "addon" (a Chat app built as a Google
# Workspace add-on, the console's default for new apps: its events are ID tokens of the
# add-ons service agent with the endpoint URL as audience). Local mode tells its emulated
# Chat the same setting.
EVENT_FORMATS = ("classic", "addon")
# Local mode's database: a throwaway file, never production's (see ``problems``).
LOCAL_DATABASE_URL = "sqlite:///./.local/meetbot.db"
# Shared secrets compared with a request's header: long and varied enough not to be guessed.
MIN_SECRET_CHARACTERS = 32
MIN_SECRET_DISTINCT_CHARACTERS = 10
AUTH_MODES = ("oauth", "delegation")
SUMMARIZERS = ("extractive", "gemini")
DEFAULT_GEMINI_MODEL = "gemini-2.5-flash"


class ConfigError(Exception):
    """Start-up refused: the message names every problem, one per line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("Configuration problems:\n" + "\n".join(f"  - {p}" for p in problems))


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def is_loopback_host(host: str | None) -> bool:
    """``localhost``, 127.0.0.0/8 or ::1: this machine, where plain http cannot be overheard.
    Decided on the parsed host, never on a string prefix (``localhost.evil.example`` is not)."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_problem(name: str, url: str) -> str | None:
    """Why ``url`` may not be used for ``name``, or None: it must be https with a host,
    or plain http to this machine only (local mode and tests)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - a malformed port raises here
    except ValueError:
        return f"{name} is not a valid URL"
    if parts.scheme == "https" and host:
        return None
    if parts.scheme == "http" and is_loopback_host(host):
        return None
    return (f"{name} must be an https:// URL (plain http only to this machine: localhost, 127.0.0.0/8 or [::1]), "
            f"got {url!r}")


def secret_problem(name: str, value: str) -> str | None:
    """Why a shared secret is too weak, without ever echoing it."""
    if len(value) < MIN_SECRET_CHARACTERS or len(set(value)) < MIN_SECRET_DISTINCT_CHARACTERS:
        return (f"{name} is too weak: use at least {MIN_SECRET_CHARACTERS} random characters (e.g. `python3 -c "
                f"'import secrets; print(secrets.token_urlsafe(32))'`); it has {len(value)} characters, "
                f"{len(set(value))} of them distinct")
    return None


def _origin(url: str | None) -> str | None:
    """``https://host[:port]`` of a URL, or None when it has none."""
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def _fernet_key_problem(position: int, key: str) -> str | None:
    """Why a TOKEN_ENCRYPTION_KEYS entry is unusable, without ever echoing the key."""
    try:
        Fernet(key.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return (f"TOKEN_ENCRYPTION_KEYS entry {position} is not a Fernet key (32 url-safe base64-encoded bytes; "
                "make one with `python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`)")
    return None


@dataclass(frozen=True)
class Config:
    # Where the app stands.
    local_mode: bool = False
    # None: not set. Local mode defaults to LOCAL_DATABASE_URL; production must say where.
    database_url: str | None = None
    log_level: str = "INFO"
    google_cloud_project: str | None = None  # for Cloud Logging trace correlation

    # Verifying that requests come from Google Chat.
    chat_event_format: str | None = None  # "classic" or "addon"; required in production
    chat_audience: str = "project-number"  # or "endpoint-url" (classic apps only)
    chat_project_number: str | None = None
    chat_endpoint_url: str | None = None  # the public URL of POST / (endpoint-url and add-on tokens)
    chat_certs_url: str = GOOGLE_CHAT_CERTS_URL
    google_certs_url: str = GOOGLE_ID_TOKEN_CERTS_URL

    # Reaching Google. ``google_api_endpoint`` points every API, OAuth and certificate
    # URL at one base (the emulator in local mode); None means Google's own hosts.
    google_api_endpoint: str | None = None
    token_uri: str = GOOGLE_TOKEN_URI
    chat_credentials_file: str | None = None  # service account for app auth; None = ADC
    auth_mode: str = "oauth"  # "oauth" (each user links their account) or "delegation" (domain-wide)
    delegation_credentials_file: str | None = None  # service account with domain-wide delegation
    delegation_credentials_json: str | None = field(default=None, repr=False)  # the same key, as content
    meet_timeout_seconds: float = 8.0  # one Meet call; several fit in Chat's 30 s deadline

    # Per-user authorization (AUTH_MODE=oauth): the OAuth client of type "Web application",
    # the keys refresh tokens are encrypted with (first encrypts, all decrypt), and the
    # app's public base URL, whose /oauth2/callback is the client's redirect URI.
    oauth_client_id: str | None = None
    oauth_client_secret: str | None = field(default=None, repr=False)
    token_encryption_keys: tuple[str, ...] = field(default=(), repr=False)
    # Optional: without it the state-signing keys are derived from the encryption keys
    # (HKDF, a separate purpose label), so one secret less to manage.
    state_signing_key: str | None = field(default=None, repr=False)
    public_url: str | None = None
    auth_uri: str = GOOGLE_AUTH_URI
    revoke_uri: str = GOOGLE_REVOKE_URI
    rate_limit_meetings_per_minute: int = MEET_CREATE_QUOTA_PER_USER_PER_MINUTE
    sync_budget_seconds: float = 25.0  # all work before the synchronous answer

    # The meeting lifecycle. Without a Pub/Sub topic no subscriptions are made and the
    # reconciler alone keeps cards and summaries right, only later.
    pubsub_topic: str | None = None  # projects/{project}/topics/{topic} Meet events go to
    pubsub_audience: str | None = None  # audience of the push subscription's OIDC token
    pubsub_service_account: str | None = None  # the push subscription's service account
    subscription_ttl_seconds: int = 7 * 24 * 3600
    reconcile_secret: str | None = field(default=None, repr=False)  # besides App Engine cron
    reconcile_interval_seconds: float = 0.0  # > 0: the app runs the reconciler itself (local mode)
    sync_debounce_seconds: float = 1.0  # events within this window share one sync
    # A Refresh this soon after the card's last reading of Meet answers "Up to date" unread.
    refresh_interval_seconds: float = 5.0
    sync_lease_seconds: float = 60.0  # a sync's claim; a dead worker's claim expires after it
    # Syncs one process runs at once: a sync spends most of its time waiting (on Google, and
    # on its Chat space's next write turn), so meetings in other spaces go on meanwhile.
    sync_threads: int = 4
    # A meeting never started for this long goes dormant: its card says so, its subscription
    # lapses and the reconciler leaves it alone until Refresh, /meetrecent or a Meet event.
    dormant_after_seconds: float = 7 * 24 * 3600
    # What one reconciler pass takes on at most: meetings to sync (and subscriptions to
    # maintain) in all, and of any one organizer; the next pass carries on.
    reconcile_meetings_per_pass: int = 500
    reconcile_meetings_per_organizer: int = 50

    # Next steps from transcripts: "extractive" (offline, the default) or "gemini" (Vertex AI,
    # as the app's service account, falling back to extractive on any failure).
    summarizer: str = "extractive"
    gemini_model: str = DEFAULT_GEMINI_MODEL
    vertex_project: str | None = None  # defaults to GOOGLE_CLOUD_PROJECT
    vertex_location: str = "global"  # google-genai's own default: the global endpoint
    # All Gemini calls for one transcript, retries included; within the sync's lease, so no
    # second worker takes the meeting over while the model is still answering.
    summarizer_budget_seconds: float = 40.0

    # Chat app configuration (Google Cloud console -> Chat API -> Configuration).
    command_ids: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_COMMAND_IDS))
    app_name: str = "Meet"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> "Config":
        """Build from environment variables (see the README's configuration reference)."""
        problems: list[str] = []
        commands = dict(DEFAULT_COMMAND_IDS)
        for name in DEFAULT_COMMAND_IDS:
            raw = environ.get(f"COMMAND_ID_{name.upper()}")
            if raw:
                if raw.isdigit() and int(raw) > 0:
                    commands[name] = int(raw)
                else:
                    problems.append(f"COMMAND_ID_{name.upper()} must be a positive whole number, got {raw!r}")

        def number(key: str, default: float) -> float:
            raw = environ.get(key)
            if not raw:
                return default
            try:
                value = float(raw)
            except ValueError:
                problems.append(f"{key} must be a number of seconds, got {raw!r}")
                return default
            if value <= 0:
                problems.append(f"{key} must be positive, got {raw!r}")
                return default
            return value

        def whole(key: str, default: int) -> int:
            raw = environ.get(key)
            if not raw:
                return default
            if not raw.strip().isdigit() or int(raw) <= 0:
                problems.append(f"{key} must be a positive whole number, got {raw!r}")
                return default
            return int(raw)

        endpoint = environ.get("GOOGLE_API_ENDPOINT") or None
        base = endpoint.rstrip("/") if endpoint else None
        endpoint_url = environ.get("CHAT_ENDPOINT_URL") or None
        keys = tuple(key.strip() for key in (environ.get("TOKEN_ENCRYPTION_KEYS") or "").split(",") if key.strip())
        local_mode = _bool(environ.get("LOCAL_MODE"))
        event_format = (environ.get("CHAT_EVENT_FORMAT") or "").strip().lower() or None
        config = cls(
            local_mode=local_mode,
            database_url=environ.get("DATABASE_URL") or (LOCAL_DATABASE_URL if local_mode else None),
            chat_event_format=event_format or ("classic" if local_mode else None),
            log_level=(environ.get("LOG_LEVEL") or "INFO").upper(),
            google_cloud_project=environ.get("GOOGLE_CLOUD_PROJECT") or None,
            chat_audience=environ.get("CHAT_AUDIENCE") or "project-number",
            chat_project_number=environ.get("CHAT_PROJECT_NUMBER") or None,
            chat_endpoint_url=endpoint_url,
            chat_certs_url=environ.get("CHAT_CERTS_URL")
            or (f"{base}/service_accounts/v1/metadata/x509/{GOOGLE_CHAT_ISSUER}" if base else GOOGLE_CHAT_CERTS_URL),
            google_certs_url=environ.get("GOOGLE_CERTS_URL") or (f"{base}/oauth2/v1/certs" if base else GOOGLE_ID_TOKEN_CERTS_URL),
            google_api_endpoint=base,
            token_uri=environ.get("GOOGLE_TOKEN_URI") or (f"{base}/token" if base else GOOGLE_TOKEN_URI),
            chat_credentials_file=environ.get("CHAT_CREDENTIALS_FILE") or environ.get("GOOGLE_APPLICATION_CREDENTIALS") or None,
            auth_mode=environ.get("AUTH_MODE") or cls.auth_mode,
            delegation_credentials_file=environ.get("DELEGATION_CREDENTIALS_FILE") or None,
            delegation_credentials_json=environ.get("DELEGATION_CREDENTIALS_JSON") or None,
            meet_timeout_seconds=number("MEET_TIMEOUT_SECONDS", cls.meet_timeout_seconds),
            oauth_client_id=environ.get("OAUTH_CLIENT_ID") or None,
            oauth_client_secret=environ.get("OAUTH_CLIENT_SECRET") or None,
            token_encryption_keys=keys,
            state_signing_key=environ.get("STATE_SIGNING_KEY") or None,
            public_url=(environ.get("PUBLIC_URL") or _origin(endpoint_url) or "").rstrip("/") or None,
            auth_uri=environ.get("GOOGLE_AUTH_URI") or (f"{base}/o/oauth2/auth" if base else GOOGLE_AUTH_URI),
            revoke_uri=environ.get("GOOGLE_REVOKE_URI") or (f"{base}/revoke" if base else GOOGLE_REVOKE_URI),
            rate_limit_meetings_per_minute=whole("RATE_LIMIT_MEETINGS_PER_MINUTE",
                                                 cls.rate_limit_meetings_per_minute),
            sync_budget_seconds=number("SYNC_BUDGET_SECONDS", cls.sync_budget_seconds),
            command_ids=commands,
            app_name=environ.get("APP_NAME") or "Meet",
            pubsub_topic=environ.get("PUBSUB_TOPIC") or None,
            pubsub_audience=environ.get("PUBSUB_AUDIENCE") or None,
            pubsub_service_account=environ.get("PUBSUB_SERVICE_ACCOUNT") or None,
            subscription_ttl_seconds=int(number("SUBSCRIPTION_TTL_SECONDS", cls.subscription_ttl_seconds)),
            reconcile_secret=environ.get("RECONCILE_SECRET") or None,
            reconcile_interval_seconds=number("RECONCILE_INTERVAL_SECONDS", 0.0) if environ.get(
                "RECONCILE_INTERVAL_SECONDS") not in (None, "", "0") else 0.0,
            sync_debounce_seconds=number("SYNC_DEBOUNCE_SECONDS", cls.sync_debounce_seconds),
            refresh_interval_seconds=number("REFRESH_INTERVAL_SECONDS", cls.refresh_interval_seconds),
            sync_lease_seconds=number("SYNC_LEASE_SECONDS", cls.sync_lease_seconds),
            sync_threads=whole("SYNC_THREADS", cls.sync_threads),
            dormant_after_seconds=number("DORMANT_AFTER_SECONDS", cls.dormant_after_seconds),
            reconcile_meetings_per_pass=whole("RECONCILE_MEETINGS_PER_PASS", cls.reconcile_meetings_per_pass),
            reconcile_meetings_per_organizer=whole("RECONCILE_MEETINGS_PER_ORGANIZER",
                                                   cls.reconcile_meetings_per_organizer),
            summarizer=(environ.get("SUMMARIZER") or cls.summarizer).strip().lower(),
            gemini_model=environ.get("GEMINI_MODEL") or cls.gemini_model,
            vertex_project=environ.get("VERTEX_PROJECT") or environ.get("GOOGLE_CLOUD_PROJECT") or None,
            vertex_location=environ.get("VERTEX_LOCATION") or cls.vertex_location,
            summarizer_budget_seconds=number("SUMMARIZER_BUDGET_SECONDS", cls.summarizer_budget_seconds),
        )
        if problems:
            raise ConfigError(problems + config.problems())
        return config

    def problems(self) -> list[str]:
        """Every missing or inconsistent setting, each named (empty when start-up may go on)."""
        problems: list[str] = self._chat_problems()
        if self.auth_mode not in AUTH_MODES:
            problems.append(f"AUTH_MODE must be one of {', '.join(AUTH_MODES)}, got {self.auth_mode!r}")
        if self.auth_mode == "delegation" and not (self.delegation_credentials_file or self.delegation_credentials_json):
            problems.append("DELEGATION_CREDENTIALS_FILE or DELEGATION_CREDENTIALS_JSON(_SECRET) (a service account key "
                            "with domain-wide delegation) is required when AUTH_MODE=delegation")
        if self.auth_mode == "oauth":
            problems.extend(self._oauth_problems())
        if self.delegation_credentials_file and self.delegation_credentials_json:
            problems.append("DELEGATION_CREDENTIALS_FILE and DELEGATION_CREDENTIALS_JSON are both set: use one")
        if self.database_url is None:
            problems.append("DATABASE_URL (or DATABASE_URL_SECRET) is required in production: postgresql://… for "
                            "Cloud SQL (docs/deploy.md step 3); unset, the data would go to a SQLite file under "
                            "./.local/ that every new instance starts without (only local mode uses that)")
        elif not self.database_url.startswith(("sqlite:", "postgresql", "postgres:")):
            problems.append("DATABASE_URL must be a sqlite:/// or postgresql:// URL")
        # Where the app fetches the keys that prove Google signed a request, and where it
        # trades credentials for tokens: nothing on the way may read or change them.
        for name, url in (("GOOGLE_API_ENDPOINT", self.google_api_endpoint), ("CHAT_CERTS_URL", self.chat_certs_url),
                          ("GOOGLE_CERTS_URL", self.google_certs_url), ("GOOGLE_TOKEN_URI", self.token_uri)):
            problem = url_problem(name, url) if url else None
            if problem:
                problems.append(problem)
        if self.reconcile_secret is not None:
            problem = secret_problem("RECONCILE_SECRET", self.reconcile_secret)
            if problem:
                problems.append(problem)
        if len(set(self.command_ids.values())) != len(self.command_ids):
            problems.append("COMMAND_ID_* values must be distinct")
        if self.log_level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            problems.append(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {self.log_level!r}")
        if self.pubsub_topic and not re.fullmatch(r"projects/[^/]+/topics/[^/]+", self.pubsub_topic):
            problems.append("PUBSUB_TOPIC must look like projects/PROJECT/topics/TOPIC")
        if self.pubsub_topic and not (self.pubsub_audience and self.pubsub_service_account):
            problems.append("PUBSUB_AUDIENCE and PUBSUB_SERVICE_ACCOUNT are required with PUBSUB_TOPIC "
                            "(they pin the push subscription's OIDC token)")
        if self.sync_lease_seconds <= self.meet_timeout_seconds:
            problems.append("SYNC_LEASE_SECONDS must exceed MEET_TIMEOUT_SECONDS")
        if self.reconcile_meetings_per_organizer > self.reconcile_meetings_per_pass:
            problems.append("RECONCILE_MEETINGS_PER_ORGANIZER must not exceed RECONCILE_MEETINGS_PER_PASS")
        if self.meet_timeout_seconds >= self.sync_budget_seconds:
            problems.append("MEET_TIMEOUT_SECONDS must be smaller than SYNC_BUDGET_SECONDS")
        if self.summarizer not in SUMMARIZERS:
            problems.append(f"SUMMARIZER must be one of {', '.join(SUMMARIZERS)}, got {self.summarizer!r}")
        if self.summarizer == "gemini" and self.summarizer_budget_seconds >= self.sync_lease_seconds:
            problems.append("SUMMARIZER_BUDGET_SECONDS must be smaller than SYNC_LEASE_SECONDS (a sync holds its "
                            "meeting for the lease; the transcript's summary must be done within it)")
        if self.summarizer == "gemini" and not self.vertex_project:
            problems.append("VERTEX_PROJECT (or GOOGLE_CLOUD_PROJECT) is required when SUMMARIZER=gemini: the Google "
                            "Cloud project whose Vertex AI the app's service account calls")
        return problems

    def _chat_problems(self) -> list[str]:
        """How Chat's requests are proven: the app's kind decides which token it sends."""
        problems: list[str] = []
        number_ok = (self.chat_project_number or "").isdigit()
        if self.chat_event_format is None:
            problems.append("CHAT_EVENT_FORMAT is required: `addon` for a Chat app built as a Google Workspace add-on "
                            "(the Cloud console's default for new Chat apps; needs CHAT_PROJECT_NUMBER and "
                            "CHAT_ENDPOINT_URL) or `classic` for a Chat app receiving Chat interaction events "
                            "(CHAT_AUDIENCE says how it is signed); docs/deploy.md step 6 tells which you have")
        elif self.chat_event_format not in EVENT_FORMATS:
            problems.append(f"CHAT_EVENT_FORMAT must be one of {', '.join(EVENT_FORMATS)}, "
                            f"got {self.chat_event_format!r}")
        elif self.chat_event_format == "addon":
            # Every event is an ID token of service-{number}@gcp-sa-gsuiteaddons with the
            # endpoint URL as audience: without both, each one would be refused with 401.
            if not number_ok:
                problems.append("CHAT_PROJECT_NUMBER (the numeric Google Cloud project number; it names the add-ons "
                                "service agent that signs the events) is required when CHAT_EVENT_FORMAT=addon")
            if not self.chat_endpoint_url:
                problems.append("CHAT_ENDPOINT_URL (the HTTP endpoint URL set in the Chat app's configuration, exactly "
                                "as entered there: it is the audience of every add-on event's token) is required "
                                "when CHAT_EVENT_FORMAT=addon")
        else:
            if self.chat_audience not in AUDIENCE_TYPES:
                problems.append(f"CHAT_AUDIENCE must be one of {', '.join(AUDIENCE_TYPES)}, "
                                f"got {self.chat_audience!r}")
            if self.chat_audience == "project-number" and not number_ok:
                problems.append("CHAT_PROJECT_NUMBER (the numeric Google Cloud project number) is required when "
                                "CHAT_AUDIENCE=project-number")
            if self.chat_audience == "endpoint-url" and not self.chat_endpoint_url:
                problems.append("CHAT_ENDPOINT_URL is required when CHAT_AUDIENCE=endpoint-url")
        if self.chat_project_number and not number_ok:
            if not any(p.startswith("CHAT_PROJECT_NUMBER") for p in problems):
                problems.append("CHAT_PROJECT_NUMBER must be the numeric Google Cloud project number")
        if self.chat_endpoint_url:
            problem = url_problem("CHAT_ENDPOINT_URL", self.chat_endpoint_url)
            if problem:
                problems.append(problem)
        return problems

    def _oauth_problems(self) -> list[str]:
        """What per-user linking needs: an OAuth client, encryption keys, a public URL."""
        problems: list[str] = []
        if not self.oauth_client_id:
            problems.append("OAUTH_CLIENT_ID (the OAuth client of type Web application) is required when AUTH_MODE=oauth")
        if not self.oauth_client_secret:
            problems.append("OAUTH_CLIENT_SECRET or OAUTH_CLIENT_SECRET_SECRET (its Secret Manager version) is "
                            "required when AUTH_MODE=oauth")
        if not self.token_encryption_keys:
            problems.append("TOKEN_ENCRYPTION_KEYS (comma-separated Fernet keys; the first encrypts) or "
                            "TOKEN_ENCRYPTION_KEYS_SECRET is required when AUTH_MODE=oauth")
        for position, key in enumerate(self.token_encryption_keys, start=1):
            problem = _fernet_key_problem(position, key)
            if problem:
                problems.append(problem)
        if self.state_signing_key is not None and secret_problem("STATE_SIGNING_KEY", self.state_signing_key):
            problems.append(f"{secret_problem('STATE_SIGNING_KEY', self.state_signing_key)} (or leave it unset to "
                            "derive it from TOKEN_ENCRYPTION_KEYS)")
        if not self.public_url:
            problems.append("PUBLIC_URL (the app's public https:// base URL; {PUBLIC_URL}/oauth2/callback is the "
                            "OAuth redirect URI) is required when AUTH_MODE=oauth, unless CHAT_ENDPOINT_URL gives it")
        elif url_problem("PUBLIC_URL", self.public_url):
            problems.append(str(url_problem("PUBLIC_URL", self.public_url)))
        elif urlsplit(self.public_url).query or urlsplit(self.public_url).fragment:
            problems.append("PUBLIC_URL must be an https:// URL without query or fragment")
        for name, url in (("GOOGLE_AUTH_URI", self.auth_uri), ("GOOGLE_REVOKE_URI", self.revoke_uri)):
            problem = url_problem(name, url)
            if problem:
                problems.append(problem)
        return problems

    @property
    def redirect_uri(self) -> str:
        """The OAuth redirect URI registered on the OAuth client."""
        return f"{self.public_url}/oauth2/callback"

    @property
    def emulator_chat_origin(self) -> str | None:
        """In local mode the emulator plays Google Chat, so its configCompleteRedirectUrl
        is legitimate; anywhere else nothing but Google's Chat hosts is."""
        return _origin(self.google_api_endpoint) if self.local_mode else None

    def check(self) -> None:
        problems = self.problems()
        if problems:
            raise ConfigError(problems)

    def command_name(self, command_id: int | str | None) -> str | None:
        """The command's name (``meet``) for the id Chat sends, or None when unknown."""
        for name, known in self.command_ids.items():
            if str(known) == str(command_id):
                return name
        return None
