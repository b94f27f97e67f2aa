"""Configuration: built from a plain mapping, every problem named at once."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.config import Config, ConfigError

VALID = {"CHAT_PROJECT_NUMBER": "123456789012", "AUTH_MODE": "delegation", "DELEGATION_CREDENTIALS_FILE": "/k.json"}


def test_valid_production_settings() -> None:
    config = Config.from_env(VALID)
    assert config.problems() == []
    assert config.chat_certs_url.startswith("https://www.googleapis.com/")
    assert config.command_name("1") == "meet" and config.command_name(99) is None


def test_every_problem_is_named_in_one_message() -> None:
    with pytest.raises(ConfigError) as caught:
        Config.from_env({"CHAT_AUDIENCE": "endpoint-url", "AUTH_MODE": "delegation", "COMMAND_ID_MEET": "x",
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
                            env={"PATH": "/usr/bin:/bin", "CHAT_AUDIENCE": "bogus"}, timeout=60)
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
    config = Config.from_env({**resolved, "CHAT_PROJECT_NUMBER": "1"})
    assert config.problems() == [] and "TOP-SECRET-KEY" not in repr(config)  # secrets stay out of logs


def test_bad_secret_references_are_named_together() -> None:
    from bot.secrets import resolve_secrets

    def fetch(name: str) -> str:
        raise RuntimeError("403")

    with pytest.raises(ConfigError) as caught:
        resolve_secrets({"A_SECRET": "not-a-version", "B_SECRET": "projects/p/secrets/b/versions/1", "C": "c",
                         "C_SECRET": "projects/p/secrets/c/versions/1"}, fetch)
    assert len(caught.value.problems) == 3
