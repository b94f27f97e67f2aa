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
from typing import Any, Callable, Mapping
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


_UNSET: Any = object()  # no value read and no default: the field keeps its own


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
    # Connections one process keeps open to the database (as many again may be opened at
    # busy moments): with PostgreSQL, workers x instances x twice this must stay within the
    # server's max_connections (docs/capacity.md).
    database_pool_size: int = 5
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
        """Build from environment variables (``SETTINGS``; the README's configuration reference)."""
        problems: list[str] = []
        values: dict[str, Any] = {"command_ids": _command_ids(environ, problems)}
        for setting in SETTINGS:
            raw = next((environ[name] for name in setting.variables if environ.get(name)), None)
            value = _UNSET
            if raw is not None:
                try:
                    value = setting.read(raw)
                except SettingError as error:
                    problems.append(error.message.format(name=setting.variables[0], raw=raw))
            if value is _UNSET or value is None:
                value = setting.default(values) if setting.default is not None else _UNSET
            if value is not _UNSET:
                values[setting.attribute] = value
        config = cls(**values)
        if problems:
            raise ConfigError(problems + config.problems())
        return config

    def problems(self) -> list[str]:
        """Every missing or inconsistent setting, each named (empty when start-up may go on)."""
        return [problem for rule in _RULES for problem in rule(self)]

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


def _chat_problems(config: Config) -> list[str]:
    """How Chat's requests are proven: the app's kind decides which token it sends."""
    number_ok = (config.chat_project_number or "").isdigit()
    if config.chat_event_format is None:
        problems = ["CHAT_EVENT_FORMAT is required: `addon` for a Chat app built as a Google Workspace add-on "
                    "(the Cloud console's default for new Chat apps; needs CHAT_PROJECT_NUMBER and "
                    "CHAT_ENDPOINT_URL) or `classic` for a Chat app receiving Chat interaction events "
                    "(CHAT_AUDIENCE says how it is signed); docs/deploy.md step 6 tells which you have"]
    elif config.chat_event_format not in EVENT_FORMATS:
        problems = [f"CHAT_EVENT_FORMAT must be one of {', '.join(EVENT_FORMATS)}, got {config.chat_event_format!r}"]
    elif config.chat_event_format == "addon":
        problems = _addon_problems(config, number_ok)
    else:
        problems = _classic_problems(config, number_ok)
    if config.chat_project_number and not number_ok:
        if not any(p.startswith("CHAT_PROJECT_NUMBER") for p in problems):
            problems.append("CHAT_PROJECT_NUMBER must be the numeric Google Cloud project number")
    if config.chat_endpoint_url and (problem := url_problem("CHAT_ENDPOINT_URL", config.chat_endpoint_url)):
        problems.append(problem)
    return problems


def _addon_problems(config: Config, number_ok: bool) -> list[str]:
    # Every event is an ID token of service-{number}@gcp-sa-gsuiteaddons with the
    # endpoint URL as audience: without both, each one would be refused with 401.
    problems: list[str] = []
    if not number_ok:
        problems.append("CHAT_PROJECT_NUMBER (the numeric Google Cloud project number; it names the add-ons "
                        "service agent that signs the events) is required when CHAT_EVENT_FORMAT=addon")
    if not config.chat_endpoint_url:
        problems.append("CHAT_ENDPOINT_URL (the HTTP endpoint URL set in the Chat app's configuration, exactly "
                        "as entered there: it is the audience of every add-on event's token) is required "
                        "when CHAT_EVENT_FORMAT=addon")
    return problems


def _classic_problems(config: Config, number_ok: bool) -> list[str]:
    problems: list[str] = []
    if config.chat_audience not in AUDIENCE_TYPES:
        problems.append(f"CHAT_AUDIENCE must be one of {', '.join(AUDIENCE_TYPES)}, got {config.chat_audience!r}")
    if config.chat_audience == "project-number" and not number_ok:
        problems.append("CHAT_PROJECT_NUMBER (the numeric Google Cloud project number) is required when "
                        "CHAT_AUDIENCE=project-number")
    if config.chat_audience == "endpoint-url" and not config.chat_endpoint_url:
        problems.append("CHAT_ENDPOINT_URL is required when CHAT_AUDIENCE=endpoint-url")
    return problems


def _oauth_problems(config: Config) -> list[str]:
    """What per-user linking needs: an OAuth client, encryption keys, a public URL."""
    problems: list[str] = []
    if not config.oauth_client_id:
        problems.append("OAUTH_CLIENT_ID (the OAuth client of type Web application) is required when AUTH_MODE=oauth")
    if not config.oauth_client_secret:
        problems.append("OAUTH_CLIENT_SECRET or OAUTH_CLIENT_SECRET_SECRET (its Secret Manager version) is "
                        "required when AUTH_MODE=oauth")
    if not config.token_encryption_keys:
        problems.append("TOKEN_ENCRYPTION_KEYS (comma-separated Fernet keys; the first encrypts) or "
                        "TOKEN_ENCRYPTION_KEYS_SECRET is required when AUTH_MODE=oauth")
    problems.extend(problem for position, key in enumerate(config.token_encryption_keys, start=1)
                    if (problem := _fernet_key_problem(position, key)))
    if config.state_signing_key is not None and secret_problem("STATE_SIGNING_KEY", config.state_signing_key):
        problems.append(f"{secret_problem('STATE_SIGNING_KEY', config.state_signing_key)} (or leave it unset to "
                        "derive it from TOKEN_ENCRYPTION_KEYS)")
    problems.extend(_public_url_problems(config.public_url))
    problems.extend(problem for name, url in (("GOOGLE_AUTH_URI", config.auth_uri), ("GOOGLE_REVOKE_URI", config.revoke_uri))
                    if (problem := url_problem(name, url)))
    return problems


def _public_url_problems(public_url: str | None) -> list[str]:
    if not public_url:
        return ["PUBLIC_URL (the app's public https:// base URL; {PUBLIC_URL}/oauth2/callback is the "
                "OAuth redirect URI) is required when AUTH_MODE=oauth, unless CHAT_ENDPOINT_URL gives it"]
    if problem := url_problem("PUBLIC_URL", public_url):
        return [problem]
    if urlsplit(public_url).query or urlsplit(public_url).fragment:
        return ["PUBLIC_URL must be an https:// URL without query or fragment"]
    return []


def _auth_problems(config: Config) -> list[str]:
    """Whose credentials create meetings, and what that mode needs."""
    problems: list[str] = []
    if config.auth_mode not in AUTH_MODES:
        problems.append(f"AUTH_MODE must be one of {', '.join(AUTH_MODES)}, got {config.auth_mode!r}")
    if config.auth_mode == "delegation" and not (config.delegation_credentials_file
                                                 or config.delegation_credentials_json):
        problems.append("DELEGATION_CREDENTIALS_FILE or DELEGATION_CREDENTIALS_JSON(_SECRET) (a service account key "
                        "with domain-wide delegation) is required when AUTH_MODE=delegation")
    if config.auth_mode == "oauth":
        problems.extend(_oauth_problems(config))
    if config.delegation_credentials_file and config.delegation_credentials_json:
        problems.append("DELEGATION_CREDENTIALS_FILE and DELEGATION_CREDENTIALS_JSON are both set: use one")
    return problems


def _database_problems(config: Config) -> list[str]:
    if config.database_url is None:
        return ["DATABASE_URL (or DATABASE_URL_SECRET) is required in production: postgresql://… for "
                "Cloud SQL (docs/deploy.md step 3); unset, the data would go to a SQLite file under "
                "./.local/ that every new instance starts without (only local mode uses that)"]
    if not config.database_url.startswith(("sqlite:", "postgresql", "postgres:")):
        return ["DATABASE_URL must be a sqlite:/// or postgresql:// URL"]
    return []


def _google_url_problems(config: Config) -> list[str]:
    """Where the app fetches the keys that prove Google signed a request, and where it
    trades credentials for tokens: nothing on the way may read or change them."""
    urls = (("GOOGLE_API_ENDPOINT", config.google_api_endpoint), ("CHAT_CERTS_URL", config.chat_certs_url),
            ("GOOGLE_CERTS_URL", config.google_certs_url), ("GOOGLE_TOKEN_URI", config.token_uri))
    return [problem for name, url in urls if url and (problem := url_problem(name, url))]


def _plain_problems(config: Config) -> list[str]:
    """Settings checked on their own: the reconcile secret, command ids, the log level."""
    problems: list[str] = []
    if config.reconcile_secret is not None and (problem := secret_problem("RECONCILE_SECRET", config.reconcile_secret)):
        problems.append(problem)
    if len(set(config.command_ids.values())) != len(config.command_ids):
        problems.append("COMMAND_ID_* values must be distinct")
    if config.log_level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        problems.append(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {config.log_level!r}")
    return problems


def _lifecycle_problems(config: Config) -> list[str]:
    """Pub/Sub's settings come together; the sync's timings must nest."""
    problems: list[str] = []
    if config.pubsub_topic and not re.fullmatch(r"projects/[^/]+/topics/[^/]+", config.pubsub_topic):
        problems.append("PUBSUB_TOPIC must look like projects/PROJECT/topics/TOPIC")
    if config.pubsub_topic and not (config.pubsub_audience and config.pubsub_service_account):
        problems.append("PUBSUB_AUDIENCE and PUBSUB_SERVICE_ACCOUNT are required with PUBSUB_TOPIC "
                        "(they pin the push subscription's OIDC token)")
    if config.sync_lease_seconds <= config.meet_timeout_seconds:
        problems.append("SYNC_LEASE_SECONDS must exceed MEET_TIMEOUT_SECONDS")
    if config.reconcile_meetings_per_organizer > config.reconcile_meetings_per_pass:
        problems.append("RECONCILE_MEETINGS_PER_ORGANIZER must not exceed RECONCILE_MEETINGS_PER_PASS")
    if config.meet_timeout_seconds >= config.sync_budget_seconds:
        problems.append("MEET_TIMEOUT_SECONDS must be smaller than SYNC_BUDGET_SECONDS")
    return problems


def summarizer_problems(config: Config) -> list[str]:
    """What the chosen summariser lacks: also all a tool that builds only the summariser checks."""
    if config.summarizer not in SUMMARIZERS:
        return [f"SUMMARIZER must be one of {', '.join(SUMMARIZERS)}, got {config.summarizer!r}"]
    problems: list[str] = []
    if config.summarizer == "gemini" and config.summarizer_budget_seconds >= config.sync_lease_seconds:
        problems.append("SUMMARIZER_BUDGET_SECONDS must be smaller than SYNC_LEASE_SECONDS (a sync holds its "
                        "meeting for the lease; the transcript's summary must be done within it)")
    if config.summarizer == "gemini" and not config.vertex_project:
        problems.append("VERTEX_PROJECT (or GOOGLE_CLOUD_PROJECT) is required when SUMMARIZER=gemini: the Google "
                        "Cloud project whose Vertex AI the app's service account calls")
    return problems


# Every check ``Config.problems`` makes, in the order its message lists them.
_RULES: tuple[Callable[[Config], list[str]], ...] = (
    _chat_problems, _auth_problems, _database_problems, _google_url_problems, _plain_problems,
    _lifecycle_problems, summarizer_problems,
)


# -- reading the environment ---------------------------------------------------------------

class SettingError(Exception):
    """A variable's text cannot be read; ``message`` has ``{name}`` and ``{raw}`` to fill in."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _text(raw: str) -> str:
    return raw


def _lowered(raw: str) -> str | None:
    return raw.strip().lower() or None


def _seconds(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise SettingError("{name} must be a number of seconds, got {raw!r}") from None
    if value <= 0:
        raise SettingError("{name} must be positive, got {raw!r}")
    return value


def _seconds_or_off(raw: str) -> float:
    """Seconds, or "0" for off (the reconciler's own timer)."""
    return 0.0 if raw == "0" else _seconds(raw)


def _whole_seconds(raw: str) -> int:
    return int(_seconds(raw))


def _positive_whole(raw: str) -> int:
    if not raw.strip().isdigit() or int(raw) <= 0:
        raise SettingError("{name} must be a positive whole number, got {raw!r}")
    return int(raw)


def _keys(raw: str) -> tuple[str, ...]:
    return tuple(key.strip() for key in raw.split(",") if key.strip())


def _base_url(raw: str) -> str:
    return raw.rstrip("/")


def _no_trailing_slash(raw: str) -> str | None:
    return raw.rstrip("/") or None


def _google_url(path: str, google: str) -> Callable[[Mapping[str, Any]], str]:
    """A Google URL's default: under GOOGLE_API_ENDPOINT when it is set (the emulator)."""
    return lambda values: f"{values['google_api_endpoint']}{path}" if values.get("google_api_endpoint") else google


@dataclass(frozen=True)
class Setting:
    """One field of ``Config``: the variables it is read from (the first one set wins), how
    its text is read, and its default when none is set (a function of the settings read
    before it; None: the field's own default)."""

    attribute: str
    variables: tuple[str, ...]
    read: Callable[[str], Any] = _text
    default: Callable[[Mapping[str, Any]], Any] | None = None


def _setting(attribute: str, *variables: str, read: Callable[[str], Any] = _text,
             default: Callable[[Mapping[str, Any]], Any] | None = None) -> Setting:
    return Setting(attribute, variables or (attribute.upper(),), read, default)


# Every environment variable the app reads, in the order they are read (a default may use
# the settings above it). COMMAND_ID_* come from the command catalogue (``_command_ids``).
SETTINGS: tuple[Setting, ...] = (
    _setting("local_mode", read=lambda raw: _bool(raw)),
    _setting("database_url", default=lambda values: LOCAL_DATABASE_URL if values.get("local_mode") else None),
    _setting("database_pool_size", read=_positive_whole),
    _setting("chat_event_format", read=_lowered,
             default=lambda values: "classic" if values.get("local_mode") else None),
    _setting("log_level", read=lambda raw: raw.upper()),
    _setting("google_cloud_project"),
    _setting("chat_audience"),
    _setting("chat_project_number"),
    _setting("chat_endpoint_url"),
    _setting("google_api_endpoint", read=_base_url),
    _setting("chat_certs_url", default=_google_url(f"/service_accounts/v1/metadata/x509/{GOOGLE_CHAT_ISSUER}",
                                                   GOOGLE_CHAT_CERTS_URL)),
    _setting("google_certs_url", default=_google_url("/oauth2/v1/certs", GOOGLE_ID_TOKEN_CERTS_URL)),
    _setting("token_uri", "GOOGLE_TOKEN_URI", default=_google_url("/token", GOOGLE_TOKEN_URI)),
    _setting("chat_credentials_file", "CHAT_CREDENTIALS_FILE", "GOOGLE_APPLICATION_CREDENTIALS"),
    _setting("auth_mode"),
    _setting("delegation_credentials_file"),
    _setting("delegation_credentials_json"),
    _setting("meet_timeout_seconds", read=_seconds),
    _setting("oauth_client_id"),
    _setting("oauth_client_secret"),
    _setting("token_encryption_keys", read=_keys),
    _setting("state_signing_key"),
    _setting("public_url", read=_no_trailing_slash, default=lambda values: _origin(values.get("chat_endpoint_url"))),
    _setting("auth_uri", "GOOGLE_AUTH_URI", default=_google_url("/o/oauth2/auth", GOOGLE_AUTH_URI)),
    _setting("revoke_uri", "GOOGLE_REVOKE_URI", default=_google_url("/revoke", GOOGLE_REVOKE_URI)),
    _setting("rate_limit_meetings_per_minute", read=_positive_whole),
    _setting("sync_budget_seconds", read=_seconds),
    _setting("app_name"),
    _setting("pubsub_topic"),
    _setting("pubsub_audience"),
    _setting("pubsub_service_account"),
    _setting("subscription_ttl_seconds", read=_whole_seconds),
    _setting("reconcile_secret"),
    _setting("reconcile_interval_seconds", read=_seconds_or_off),
    _setting("sync_debounce_seconds", read=_seconds),
    _setting("refresh_interval_seconds", read=_seconds),
    _setting("sync_lease_seconds", read=_seconds),
    _setting("sync_threads", read=_positive_whole),
    _setting("dormant_after_seconds", read=_seconds),
    _setting("reconcile_meetings_per_pass", read=_positive_whole),
    _setting("reconcile_meetings_per_organizer", read=_positive_whole),
    _setting("summarizer", read=_lowered),
    _setting("gemini_model"),
    _setting("vertex_project", "VERTEX_PROJECT", "GOOGLE_CLOUD_PROJECT"),
    _setting("vertex_location"),
    _setting("summarizer_budget_seconds", read=_seconds),
)


def _command_ids(environ: Mapping[str, str], problems: list[str]) -> dict[str, int]:
    """Each catalogued command's id: COMMAND_ID_{NAME}, else the catalogue's default."""
    commands = dict(DEFAULT_COMMAND_IDS)
    for name in DEFAULT_COMMAND_IDS:
        variable = f"COMMAND_ID_{name.upper()}"
        raw = environ.get(variable)
        if raw:
            if raw.isdigit() and int(raw) > 0:
                commands[name] = int(raw)
            else:
                problems.append(f"{variable} must be a positive whole number, got {raw!r}")
    return commands
