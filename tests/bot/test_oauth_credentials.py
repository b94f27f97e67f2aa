"""``OAuthCredentials`` against the emulator's token endpoint, with no app around it:
refresh, transient failures retried (not revocation), invalid_grant deleting the grant,
and key rotation re-encrypting rows as they are used."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.authorization.credentials import OAuthCredentials
from bot.authorization.crypto import TokenCipher
from bot.config import Config
from domain import Person, UserGrant
from bot.google.credentials import NeedsAuthorization
from bot.google.errors import FailureKind, GoogleApiError
from bot.storage import Storage, open_storage
from tests.support import MEET_SCOPE, TEST_CLIENT_ID, Emulator

OLD_KEY, NEW_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)


def config_for(emulator: Emulator, keys: tuple[str, ...]) -> Config:
    return Config(google_api_endpoint=emulator.url, token_uri=f"{emulator.url}/token", oauth_client_id=TEST_CLIENT_ID,
                  oauth_client_secret="secret", token_encryption_keys=keys, meet_timeout_seconds=2,
                  sync_budget_seconds=6)


@pytest.fixture
def storage(tmp_path: Path) -> Storage:
    store = open_storage(f"sqlite:///{tmp_path / 'grants.db'}")
    yield store  # type: ignore[misc]
    store.close()


def linked(emulator: Emulator, storage: Storage, keys: tuple[str, ...]) -> tuple[Person, str]:
    user = emulator.add_user("alice@example.com", "Alice")
    refresh_token = emulator.authorize(user["email"], ["openid", MEET_SCOPE]).refresh_token
    person = Person(user["name"], "Alice", user["email"])
    storage.grants.save_grant(UserGrant(person.user_name, user["name"].split("/")[1], person.email,
                                 frozenset({"openid", MEET_SCOPE}), TokenCipher(keys).encrypt(refresh_token),
                                 NOW, NOW))
    return person, refresh_token


def token_statuses(emulator: Emulator) -> list[int]:
    return [c["status"] for c in emulator.control("GET", "calls")["calls"] if c["method"] == "token"]


def test_refreshes_and_caches_the_access_token(emulator: Emulator, storage: Storage) -> None:
    person, _ = linked(emulator, storage, (OLD_KEY,))
    provider = OAuthCredentials(config_for(emulator, (OLD_KEY,)), storage, TokenCipher([OLD_KEY]))
    before = len(token_statuses(emulator))
    first = provider.for_user(person)
    assert first.valid and first.token
    assert provider.for_user(person) is first  # cached in memory: no second refresh
    assert token_statuses(emulator)[before:] == [200]


def test_nobody_without_a_grant_gets_credentials(emulator: Emulator, storage: Storage) -> None:
    linked(emulator, storage, (OLD_KEY,))
    provider = OAuthCredentials(config_for(emulator, (OLD_KEY,)), storage, TokenCipher([OLD_KEY]))
    with pytest.raises(NeedsAuthorization):
        provider.for_user(Person("users/someone-else", "Mallory", "alice@example.com"))  # same email, other user


def test_a_transient_token_error_is_retried_with_backoff(emulator: Emulator, storage: Storage) -> None:
    person, _ = linked(emulator, storage, (OLD_KEY,))
    provider = OAuthCredentials(config_for(emulator, (OLD_KEY,)), storage, TokenCipher([OLD_KEY]))
    emulator.control("POST", "faults", {"api": "oauth2", "method": "token", "status": 503, "times": 1})
    assert provider.for_user(person).valid
    assert token_statuses(emulator)[-2:] == [503, 200]


def test_a_token_endpoint_outage_is_unavailable_not_revocation(emulator: Emulator, storage: Storage) -> None:
    person, _ = linked(emulator, storage, (OLD_KEY,))
    slept: list[float] = []
    provider = OAuthCredentials(config_for(emulator, (OLD_KEY,)), storage, TokenCipher([OLD_KEY]), sleep=slept.append)
    emulator.control("POST", "faults", {"api": "oauth2", "method": "token", "status": 500, "times": 100})
    with pytest.raises(GoogleApiError) as raised:
        provider.for_user(person)
    assert raised.value.kind is FailureKind.UNAVAILABLE
    assert storage.grants.get_grant(person.user_name) is not None


def test_invalid_grant_deletes_the_stored_grant(emulator: Emulator, storage: Storage) -> None:
    person, refresh_token = linked(emulator, storage, (OLD_KEY,))
    emulator.state.tokens.revoke(refresh_token)
    provider = OAuthCredentials(config_for(emulator, (OLD_KEY,)), storage, TokenCipher([OLD_KEY]))
    with pytest.raises(NeedsAuthorization):
        provider.for_user(person)
    assert storage.grants.get_grant(person.user_name) is None


def test_rows_under_the_old_key_work_after_rotation_and_are_re_encrypted(emulator: Emulator, storage: Storage) -> None:
    person, refresh_token = linked(emulator, storage, (OLD_KEY,))
    rotated = (NEW_KEY, OLD_KEY)  # a new key prepended
    provider = OAuthCredentials(config_for(emulator, rotated), storage, TokenCipher(list(rotated)))
    assert provider.for_user(person).valid
    grant = storage.grants.get_grant(person.user_name)
    assert grant is not None
    assert TokenCipher([NEW_KEY]).decrypt(grant.refresh_token_ciphertext) == refresh_token  # old key now droppable


def test_a_grant_whose_key_was_removed_asks_the_user_again(emulator: Emulator, storage: Storage) -> None:
    person, _ = linked(emulator, storage, (OLD_KEY,))
    provider = OAuthCredentials(config_for(emulator, (NEW_KEY,)), storage, TokenCipher([NEW_KEY]))
    with pytest.raises(NeedsAuthorization):
        provider.for_user(person)
    assert storage.grants.get_grant(person.user_name) is None
