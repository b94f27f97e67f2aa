"""Configuration: built from a plain mapping, every problem named at once."""

from __future__ import annotations

import pathlib
import subprocess
import sys

from pathlib import Path

import pytest

from bot.config import SETTINGS, Config, ConfigError
from domain.commands import COMMANDS

ROOT = pathlib.Path(__file__).resolve().parents[2]

# What every production configuration says: the Chat app's kind and where its data lives.
BASE = {"CHAT_EVENT_FORMAT": "classic", "DATABASE_URL": "postgresql://meetbot@/meetbot?host=/cloudsql/p:r:i"}
VALID = {**BASE, "CHAT_PROJECT_NUMBER": "123456789012", "AUTH_MODE": "delegation",
         "DELEGATION_CREDENTIALS_FILE": "/k.json"}


def test_valid_production_settings() -> None:
    config = Config.from_env(VALID)
    assert config.problems() == []
    assert config.chat_certs_url.startswith("https://www.googleapis.com/")
    assert config.command_name("1") == "meet" and config.command_name(99) is None


def test_every_problem_is_named_in_one_message() -> None:
    with pytest.raises(ConfigError) as caught:
        Config.from_env({"CHAT_EVENT_FORMAT": "classic", "CHAT_AUDIENCE": "endpoint-url", "AUTH_MODE": "delegation",
                         "COMMAND_ID_MEET": "x",
                         "DATABASE_URL": "mysql://db", "LOG_LEVEL": "chatty"})
    message = str(caught.value)
    for name in ("COMMAND_ID_MEET", "CHAT_ENDPOINT_URL", "DELEGATION_CREDENTIALS_FILE", "DATABASE_URL", "LOG_LEVEL"):
        assert name in message
    assert len(caught.value.problems) == 5


def test_project_number_must_be_numeric() -> None:
    assert any("CHAT_PROJECT_NUMBER" in p for p in Config.from_env({**VALID, "CHAT_PROJECT_NUMBER": "my-project"}).problems())


def test_duplicate_command_ids_are_refused() -> None:
    assert any("distinct" in p for p in Config.from_env({**VALID, "COMMAND_ID_MEETHELP": "1"}).problems())


def test_emulator_endpoint_points_every_google_url_at_it() -> None:
    config = Config.from_env({**VALID, "GOOGLE_API_ENDPOINT": "http://127.0.0.1:8085/"})
    assert config.token_uri == "http://127.0.0.1:8085/token"
    assert config.google_certs_url == "http://127.0.0.1:8085/oauth2/v1/certs"
    assert config.chat_certs_url.startswith("http://127.0.0.1:8085/service_accounts/v1/metadata/x509/")


def test_gunicorn_entry_refuses_to_start_half_configured() -> None:
    result = subprocess.run([sys.executable, "-c", "import main; main.app"], capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "CHAT_EVENT_FORMAT": "classic", "CHAT_AUDIENCE": "bogus"}, timeout=60)
    assert result.returncode == 1
    assert "CHAT_AUDIENCE" in result.stderr and "Traceback" not in result.stderr


def test_secret_references_resolve_into_their_variables() -> None:
    from bot.secrets import resolve_secrets

    asked: list[str] = []

    def fetch(name: str) -> str:
        asked.append(name)
        return '{"private_key": "TOP-SECRET-KEY"}'

    resolved = resolve_secrets({"DELEGATION_CREDENTIALS_JSON_SECRET": "projects/p/secrets/key/versions/latest",
                                "OTHER": "x"}, fetch)
    assert resolved["DELEGATION_CREDENTIALS_JSON"] == '{"private_key": "TOP-SECRET-KEY"}'
    assert asked == ["projects/p/secrets/key/versions/latest"]
    config = Config.from_env({**BASE, **resolved, "CHAT_PROJECT_NUMBER": "1", "AUTH_MODE": "delegation"})
    assert config.problems() == [] and "TOP-SECRET-KEY" not in repr(config)  # secrets stay out of logs


def test_bad_secret_references_are_named_together() -> None:
    from bot.secrets import resolve_secrets

    def fetch(name: str) -> str:
        raise RuntimeError("403")

    with pytest.raises(ConfigError) as caught:
        resolve_secrets({"A_SECRET": "not-a-version", "B_SECRET": "projects/p/secrets/b/versions/1", "C": "c",
                         "C_SECRET": "projects/p/secrets/c/versions/1"}, fetch)
    assert len(caught.value.problems) == 3


def test_settings_named_secret_hold_values_and_take_references_with_one_more_suffix() -> None:
    from bot.secrets import resolve_secrets

    resolved = resolve_secrets({"RECONCILE_SECRET": "a-plain-shared-secret",
                                "OAUTH_CLIENT_SECRET_SECRET": "projects/p/secrets/client/versions/2"},
                               lambda name: "GOCSPX-from-secret-manager")
    assert resolved["RECONCILE_SECRET"] == "a-plain-shared-secret"
    assert resolved["OAUTH_CLIENT_SECRET"] == "GOCSPX-from-secret-manager"
    config = Config.from_env({**resolved, "CHAT_PROJECT_NUMBER": "1", "AUTH_MODE": "delegation"})
    assert config.reconcile_secret == "a-plain-shared-secret"


# -- AUTH_MODE=oauth (the default) --------------------------------------------------------------
FERNET_KEY = "8Yx7c6QeVt0m0Kk3bqfK0cU6P7S7bS1s2v4m9yN3JqA="
OAUTH = {**BASE, "CHAT_PROJECT_NUMBER": "123456789012", "OAUTH_CLIENT_ID": "123-abc.apps.googleusercontent.com",
         "OAUTH_CLIENT_SECRET": "GOCSPX-client-secret", "TOKEN_ENCRYPTION_KEYS": FERNET_KEY,
         "PUBLIC_URL": "https://meet-bot.example.com"}


def test_oauth_is_the_default_and_valid_with_its_settings() -> None:
    config = Config.from_env(OAUTH)
    assert config.auth_mode == "oauth" and config.problems() == []
    assert config.redirect_uri == "https://meet-bot.example.com/oauth2/callback"
    assert config.auth_uri == "https://accounts.google.com/o/oauth2/auth"
    assert config.revoke_uri == "https://oauth2.googleapis.com/revoke"
    assert config.rate_limit_meetings_per_minute == 10  # Meet's spaces.create quota per user
    assert config.emulator_chat_origin is None


def test_oauth_names_everything_it_lacks() -> None:
    problems = Config.from_env({**BASE, "CHAT_PROJECT_NUMBER": "1"}).problems()
    for name in ("OAUTH_CLIENT_ID", "OAUTH_CLIENT_SECRET", "TOKEN_ENCRYPTION_KEYS", "PUBLIC_URL"):
        assert any(name in problem for problem in problems), name
    assert not any("DELEGATION" in problem for problem in problems)


def test_encryption_keys_must_be_fernet_keys_and_are_never_echoed() -> None:
    problems = Config.from_env({**OAUTH, "TOKEN_ENCRYPTION_KEYS": f"{FERNET_KEY}, not-a-key-s3cr3t"}).problems()
    assert len(problems) == 1 and "entry 2" in problems[0] and "s3cr3t" not in problems[0]


def test_several_keys_are_read_in_order_and_stay_out_of_repr() -> None:
    other = "m3Jb5q2XWJ9cXw0vJX2Y8c0m1qv4tJ0p9h6x3sBv0cU="
    config = Config.from_env({**OAUTH, "TOKEN_ENCRYPTION_KEYS": f" {other} ,{FERNET_KEY},"})
    assert config.token_encryption_keys == (other, FERNET_KEY) and config.problems() == []
    assert FERNET_KEY not in repr(config) and "GOCSPX" not in repr(config)


def test_public_url_defaults_to_the_chat_endpoints_origin_and_must_be_https() -> None:
    base = {key: value for key, value in OAUTH.items() if key != "PUBLIC_URL"}
    config = Config.from_env({**base, "CHAT_ENDPOINT_URL": "https://bot.example.com/chat?x=1"})
    assert config.public_url == "https://bot.example.com"
    assert any("PUBLIC_URL" in p for p in Config.from_env({**OAUTH, "PUBLIC_URL": "http://bot.example.com"}).problems())


def test_oauth_endpoints_follow_the_emulator_and_local_mode_trusts_its_chat() -> None:
    config = Config.from_env({**OAUTH, "GOOGLE_API_ENDPOINT": "http://127.0.0.1:8085", "LOCAL_MODE": "1",
                              "PUBLIC_URL": "http://127.0.0.1:8080"})
    assert config.problems() == []
    assert (config.auth_uri, config.token_uri, config.revoke_uri) == (
        "http://127.0.0.1:8085/o/oauth2/auth", "http://127.0.0.1:8085/token", "http://127.0.0.1:8085/revoke")
    assert config.emulator_chat_origin == "http://127.0.0.1:8085"


def test_rate_limit_and_state_key_are_checked() -> None:
    assert Config.from_env({**OAUTH, "RATE_LIMIT_MEETINGS_PER_MINUTE": "3"}).rate_limit_meetings_per_minute == 3
    with pytest.raises(ConfigError) as caught:
        Config.from_env({**OAUTH, "RATE_LIMIT_MEETINGS_PER_MINUTE": "0"})
    assert "RATE_LIMIT_MEETINGS_PER_MINUTE" in str(caught.value)
    assert any("STATE_SIGNING_KEY" in p for p in Config.from_env({**OAUTH, "STATE_SIGNING_KEY": "short"}).problems())


def test_delegation_needs_no_oauth_settings() -> None:
    assert Config.from_env(VALID).problems() == []


# -- the summariser (SUMMARIZER, GEMINI_MODEL, VERTEX_*) ---------------------------------------
def test_summarizer_defaults_to_extractive_and_gemini_to_a_flash_model() -> None:
    config = Config.from_env(VALID)
    assert config.summarizer == "extractive" and config.problems() == []
    assert config.gemini_model.startswith("gemini-") and "flash" in config.gemini_model
    assert config.vertex_location == "global" and config.summarizer_budget_seconds == 40.0
    assert config.vertex_project is None


def test_gemini_summarizer_settings_are_read() -> None:
    config = Config.from_env({**VALID, "SUMMARIZER": "Gemini", "GEMINI_MODEL": "gemini-2.0-flash-001",
                              "VERTEX_PROJECT": "my-ai-project", "GOOGLE_CLOUD_PROJECT": "my-app",
                              "VERTEX_LOCATION": "europe-west4", "SUMMARIZER_BUDGET_SECONDS": "45"})
    assert (config.summarizer, config.gemini_model, config.vertex_project, config.vertex_location,
            config.summarizer_budget_seconds) == ("gemini", "gemini-2.0-flash-001", "my-ai-project", "europe-west4", 45.0)
    assert config.problems() == []


def test_vertex_project_defaults_to_the_apps_project() -> None:
    config = Config.from_env({**VALID, "SUMMARIZER": "gemini", "GOOGLE_CLOUD_PROJECT": "my-app"})
    assert config.vertex_project == "my-app" and config.problems() == []


def test_unknown_summarizer_and_gemini_without_a_project_are_named() -> None:
    assert any("SUMMARIZER must be one of extractive, gemini" in p
               for p in Config.from_env({**VALID, "SUMMARIZER": "gpt"}).problems())
    problems = Config.from_env({**VALID, "SUMMARIZER": "gemini"}).problems()
    assert len(problems) == 1 and "VERTEX_PROJECT" in problems[0]
    with pytest.raises(ConfigError) as caught:
        Config.from_env({**VALID, "SUMMARIZER": "gemini", "SUMMARIZER_BUDGET_SECONDS": "soon"})
    assert "SUMMARIZER_BUDGET_SECONDS" in str(caught.value) and "VERTEX_PROJECT" in str(caught.value)


def test_the_gemini_budget_must_fit_in_the_syncs_lease() -> None:
    settings = {**VALID, "SUMMARIZER": "gemini", "VERTEX_PROJECT": "p", "SYNC_LEASE_SECONDS": "30"}
    problems = Config.from_env({**settings, "SUMMARIZER_BUDGET_SECONDS": "30"}).problems()
    assert len(problems) == 1 and "SUMMARIZER_BUDGET_SECONDS must be smaller than SYNC_LEASE_SECONDS" in problems[0]
    assert Config.from_env({**settings, "SUMMARIZER_BUDGET_SECONDS": "29"}).problems() == []
    # The offline summariser has no budget to fit.
    assert Config.from_env({**VALID, "SYNC_LEASE_SECONDS": "30", "SUMMARIZER_BUDGET_SECONDS": "50"}).problems() == []


def test_dormancy_and_the_reconcilers_shares_default_and_are_read() -> None:
    default = Config.from_env(VALID)
    assert default.dormant_after_seconds == 7 * 24 * 3600
    assert (default.reconcile_meetings_per_pass, default.reconcile_meetings_per_organizer) == (500, 50)
    config = Config.from_env({**VALID, "DORMANT_AFTER_SECONDS": "3600", "RECONCILE_MEETINGS_PER_PASS": "100",
                              "RECONCILE_MEETINGS_PER_ORGANIZER": "10"})
    assert (config.dormant_after_seconds, config.reconcile_meetings_per_pass,
            config.reconcile_meetings_per_organizer) == (3600, 100, 10)


def test_bad_dormancy_and_reconciler_shares_are_named() -> None:
    with pytest.raises(ConfigError) as caught:
        Config.from_env({**VALID, "DORMANT_AFTER_SECONDS": "0", "RECONCILE_MEETINGS_PER_PASS": "many",
                         "RECONCILE_MEETINGS_PER_ORGANIZER": "-3"})
    message = str(caught.value)
    for name in ("DORMANT_AFTER_SECONDS", "RECONCILE_MEETINGS_PER_PASS", "RECONCILE_MEETINGS_PER_ORGANIZER"):
        assert name in message
    shares = Config.from_env({**VALID, "RECONCILE_MEETINGS_PER_PASS": "10", "RECONCILE_MEETINGS_PER_ORGANIZER": "20"})
    assert any("must not exceed RECONCILE_MEETINGS_PER_PASS" in p for p in shares.problems())


# -- the Chat app's kind (CHAT_EVENT_FORMAT) -----------------------------------------------------
ADDON = {**VALID, "CHAT_EVENT_FORMAT": "addon", "CHAT_ENDPOINT_URL": "https://meet-bot.example.com/"}


def test_production_must_say_what_kind_of_chat_app_it_is() -> None:
    unsaid = {key: value for key, value in VALID.items() if key != "CHAT_EVENT_FORMAT"}
    problems = Config.from_env(unsaid).problems()
    assert len(problems) == 1 and problems[0].startswith("CHAT_EVENT_FORMAT is required")
    assert "addon" in problems[0] and "classic" in problems[0]
    assert any("CHAT_EVENT_FORMAT must be one of classic, addon" in p
               for p in Config.from_env({**VALID, "CHAT_EVENT_FORMAT": "workspace"}).problems())
    # Local mode keeps its default (its emulated Chat sends classic events unless told otherwise).
    assert Config.from_env({**unsaid, "LOCAL_MODE": "1"}).chat_event_format == "classic"


def test_an_addon_without_its_endpoint_url_stops_start_up_instead_of_refusing_every_event() -> None:
    # app.yaml's classic settings on an add-on app: every event would be a 401 in production.
    lacking = {key: value for key, value in ADDON.items() if key != "CHAT_ENDPOINT_URL"}
    problems = Config.from_env(lacking).problems()
    assert len(problems) == 1 and problems[0].startswith("CHAT_ENDPOINT_URL")
    assert "CHAT_EVENT_FORMAT=addon" in problems[0]
    no_number = {key: value for key, value in ADDON.items() if key != "CHAT_PROJECT_NUMBER"}
    assert [p.split(" ")[0] for p in Config.from_env(no_number).problems()] == ["CHAT_PROJECT_NUMBER"]
    assert Config.from_env(ADDON).problems() == []
    # An add-on's tokens always carry the endpoint URL as audience: CHAT_AUDIENCE plays no part.
    assert Config.from_env({**ADDON, "CHAT_AUDIENCE": "endpoint-url"}).problems() == []


def test_a_configured_addon_accepts_its_service_agents_tokens(emulator) -> None:  # type: ignore[no-untyped-def]
    """What start-up demands is what verification needs: an add-on configured as the check
    allows verifies an add-on event's token (signed by the emulator's Google key)."""
    import time

    from bot.verification import ChatRequestVerifier
    from emulator.signing import GOOGLE_SIGNER

    config = Config.from_env({**ADDON, "GOOGLE_API_ENDPOINT": emulator.url})
    assert config.problems() == []
    now = int(time.time())
    token = emulator.state.keys.key_for(GOOGLE_SIGNER).sign({
        "iss": "https://accounts.google.com", "aud": ADDON["CHAT_ENDPOINT_URL"], "email_verified": True,
        "email": f"service-{ADDON['CHAT_PROJECT_NUMBER']}@gcp-sa-gsuiteaddons.iam.gserviceaccount.com",
        "sub": "1", "iat": now, "exp": now + 3600})
    assert ChatRequestVerifier(config).verify(f"Bearer {token}").kind == "addon"


# -- where the data lives (DATABASE_URL) ---------------------------------------------------------
def test_production_never_falls_back_to_a_throwaway_sqlite_file() -> None:
    unset = {key: value for key, value in VALID.items() if key != "DATABASE_URL"}
    config = Config.from_env(unset)
    assert config.database_url is None
    problems = config.problems()
    assert len(problems) == 1 and problems[0].startswith("DATABASE_URL") and "required in production" in problems[0]
    # Local mode keeps its SQLite file; a database named explicitly is taken as given.
    local = Config.from_env({**unset, "LOCAL_MODE": "1"})
    assert local.database_url == "sqlite:///./.local/meetbot.db" and local.problems() == []
    assert Config.from_env({**unset, "DATABASE_URL": "sqlite:////srv/meetbot.db"}).problems() == []


def test_gunicorn_entry_without_a_database_names_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {"PATH": "/usr/bin:/bin", "CHAT_EVENT_FORMAT": "classic", "CHAT_PROJECT_NUMBER": "1",
           "AUTH_MODE": "delegation", "DELEGATION_CREDENTIALS_FILE": "/k.json"}
    result = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); import main; main.app"],
                            capture_output=True, text=True, env=env, timeout=60, cwd=tmp_path)
    assert result.returncode == 1
    assert "DATABASE_URL" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / ".local").exists()  # nothing was created on the way


# -- URLs and shared secrets ---------------------------------------------------------------------
@pytest.mark.parametrize("url", ["http://localhost.evil.example/", "http://127.0.0.1.evil.example/",
                                 "http://localhost@evil.example/", "http://evil.example/", "ftp://127.0.0.1/",
                                 "https:///no-host", "http://[::2]/", "http://10.0.0.1/"])
@pytest.mark.parametrize("name", ["CHAT_ENDPOINT_URL", "PUBLIC_URL", "GOOGLE_TOKEN_URI", "GOOGLE_AUTH_URI",
                                  "CHAT_CERTS_URL", "GOOGLE_CERTS_URL", "GOOGLE_API_ENDPOINT"])
def test_urls_are_https_or_loopback_by_their_parsed_host(name: str, url: str) -> None:
    problems = Config.from_env({**OAUTH, name: url}).problems()
    assert any(p.startswith(f"{name} must be an https:// URL") for p in problems), problems


@pytest.mark.parametrize("url", ["http://localhost:8080/", "http://127.0.0.1:8085", "http://127.9.8.7/",
                                 "http://[::1]:9000/", "https://meet-bot.example.com/"])
def test_loopback_http_and_https_urls_are_accepted(url: str) -> None:
    settings = {**OAUTH, "CHAT_ENDPOINT_URL": url, "GOOGLE_CERTS_URL": url.rstrip("/") + "/certs",
                "CHAT_CERTS_URL": url.rstrip("/") + "/x509",
                "GOOGLE_API_ENDPOINT": url}
    assert Config.from_env(settings).problems() == []


def test_certificate_urls_over_plain_http_are_refused() -> None:
    # The keys that prove a request came from Google, fetched where anyone on the path could swap them.
    problems = Config.from_env({**VALID, "GOOGLE_CERTS_URL": "http://www.googleapis.com/oauth2/v1/certs"}).problems()
    assert len(problems) == 1 and problems[0].startswith("GOOGLE_CERTS_URL must be an https:// URL")


@pytest.mark.parametrize("secret", ["a", "short-secret", "a" * 40, "ab" * 20, "0123456789abcdefghijklmnopqrstu"])
def test_a_weak_reconcile_secret_is_refused_without_being_echoed(secret: str) -> None:
    problems = Config.from_env({**VALID, "RECONCILE_SECRET": secret}).problems()
    assert len(problems) == 1 and problems[0].startswith("RECONCILE_SECRET is too weak")
    assert "32" in problems[0] and (len(secret) < 4 or secret not in problems[0])


def test_a_random_reconcile_secret_is_accepted() -> None:
    import secrets

    assert Config.from_env({**VALID, "RECONCILE_SECRET": secrets.token_urlsafe(32)}).problems() == []
    assert Config.from_env({**VALID, "RECONCILE_SECRET": secrets.token_hex(16)}).problems() == []


def test_the_readme_documents_every_setting_the_app_reads() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Configuration"):readme.index("### Logs and secrets")]
    variables = {name for setting in SETTINGS for name in setting.variables}
    variables |= {f"COMMAND_ID_{command.name.upper()}" for command in COMMANDS}
    assert {name for name in variables if f"`{name}`" not in table} == set()
