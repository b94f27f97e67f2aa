"""Configuration: one frozen value built from environment variables.

``Config.from_env(os.environ)`` reads everything; ``config.problems()`` lists every
missing or inconsistent setting, and ``create_app`` refuses to start with one message
naming each of them. Tests build a Config from a plain dict, never touching the
process environment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

GOOGLE_CHAT_ISSUER = "chat@system.gserviceaccount.com"
GOOGLE_CHAT_CERTS_URL = "https://www.googleapis.com/service_accounts/v1/metadata/x509/" + GOOGLE_CHAT_ISSUER
GOOGLE_ID_TOKEN_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"

# Slash command name -> default command id (the ids are set in the Chat app's
# configuration in the Google Cloud console; these defaults match docs/deploy.md).
DEFAULT_COMMAND_IDS = {"meet": 1, "meethelp": 2, "meetsettings": 3, "meetlogout": 4, "meetrecent": 5}

AUDIENCE_TYPES = ("project-number", "endpoint-url")
AUTH_MODES = ("oauth", "delegation")


class ConfigError(Exception):
    """Start-up refused: the message names every problem, one per line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("Configuration problems:\n" + "\n".join(f"  - {p}" for p in problems))


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Config:
    # Where the app stands.
    local_mode: bool = False
    database_url: str = "sqlite:///./.local/meetbot.db"
    log_level: str = "INFO"
    google_cloud_project: str | None = None  # for Cloud Logging trace correlation

    # Verifying that requests come from Google Chat.
    chat_audience: str = "project-number"  # or "endpoint-url"
    chat_project_number: str | None = None
    chat_endpoint_url: str | None = None  # the public URL of POST / (endpoint-url and add-on tokens)
    chat_certs_url: str = GOOGLE_CHAT_CERTS_URL
    google_certs_url: str = GOOGLE_ID_TOKEN_CERTS_URL

    # Reaching Google. ``google_api_endpoint`` points every API, OAuth and certificate
    # URL at one base (the emulator in local mode); None means Google's own hosts.
    google_api_endpoint: str | None = None
    token_uri: str = GOOGLE_TOKEN_URI
    chat_credentials_file: str | None = None  # service account for app auth; None = ADC
    auth_mode: str = "delegation"  # "oauth" (per-user linking) arrives with the authorization issue
    delegation_credentials_file: str | None = None  # service account with domain-wide delegation
    delegation_credentials_json: str | None = field(default=None, repr=False)  # the same key, as content
    meet_timeout_seconds: float = 8.0  # one Meet call; several fit in Chat's 30 s deadline
    sync_budget_seconds: float = 25.0  # all work before the synchronous answer

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

        endpoint = environ.get("GOOGLE_API_ENDPOINT") or None
        base = endpoint.rstrip("/") if endpoint else None
        config = cls(
            local_mode=_bool(environ.get("LOCAL_MODE")),
            database_url=environ.get("DATABASE_URL") or cls.database_url,
            log_level=(environ.get("LOG_LEVEL") or "INFO").upper(),
            google_cloud_project=environ.get("GOOGLE_CLOUD_PROJECT") or None,
            chat_audience=environ.get("CHAT_AUDIENCE") or "project-number",
            chat_project_number=environ.get("CHAT_PROJECT_NUMBER") or None,
            chat_endpoint_url=environ.get("CHAT_ENDPOINT_URL") or None,
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
            sync_budget_seconds=number("SYNC_BUDGET_SECONDS", cls.sync_budget_seconds),
            command_ids=commands,
            app_name=environ.get("APP_NAME") or "Meet",
        )
        if problems:
            raise ConfigError(problems + config.problems())
        return config

    def problems(self) -> list[str]:
        """Every missing or inconsistent setting, each named (empty when start-up may go on)."""
        problems: list[str] = []
        if self.chat_audience not in AUDIENCE_TYPES:
            problems.append(f"CHAT_AUDIENCE must be one of {', '.join(AUDIENCE_TYPES)}, got {self.chat_audience!r}")
        if self.chat_audience == "project-number" and not (self.chat_project_number or "").isdigit():
            problems.append("CHAT_PROJECT_NUMBER (the numeric Google Cloud project number) is required when "
                            "CHAT_AUDIENCE=project-number")
        if self.chat_audience == "endpoint-url" and not self.chat_endpoint_url:
            problems.append("CHAT_ENDPOINT_URL is required when CHAT_AUDIENCE=endpoint-url")
        if self.chat_endpoint_url and not self.chat_endpoint_url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            problems.append("CHAT_ENDPOINT_URL must be an https:// URL")
        if self.auth_mode not in AUTH_MODES:
            problems.append(f"AUTH_MODE must be one of {', '.join(AUTH_MODES)}, got {self.auth_mode!r}")
        if self.auth_mode == "delegation" and not (self.delegation_credentials_file or self.delegation_credentials_json):
            problems.append("DELEGATION_CREDENTIALS_FILE or DELEGATION_CREDENTIALS_JSON(_SECRET) (a service account key "
                            "with domain-wide delegation) is required when AUTH_MODE=delegation")
        if self.delegation_credentials_file and self.delegation_credentials_json:
            problems.append("DELEGATION_CREDENTIALS_FILE and DELEGATION_CREDENTIALS_JSON are both set: use one")
        if not self.database_url.startswith(("sqlite:", "postgresql", "postgres:")):
            problems.append("DATABASE_URL must be a sqlite:/// or postgresql:// URL")
        if len(set(self.command_ids.values())) != len(self.command_ids):
            problems.append("COMMAND_ID_* values must be distinct")
        if self.log_level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            problems.append(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {self.log_level!r}")
        if self.meet_timeout_seconds >= self.sync_budget_seconds:
            problems.append("MEET_TIMEOUT_SECONDS must be smaller than SYNC_BUDGET_SECONDS")
        return problems

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
