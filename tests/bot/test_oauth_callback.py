"""The OAuth callback's identity checks, in-process: ``Authorization.finish`` with the real
OAuth client, the emulator's consent page and token endpoint, and a real (SQLite) store.

Google always sends an ID token with a ``sub`` when ``openid`` was granted; the answers
it should never give (no ID token, or one without a subject) are made by a client that
edits the emulator's genuine token response, so only the callback's own rule is tested.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.fernet import Fernet

from bot.authorization import Authorization
from bot.authorization.credentials import OAuthCredentials
from bot.authorization.crypto import TokenCipher
from bot.authorization.google_oauth import GoogleOAuthClient, TokenResponse
from bot.authorization.linking import Linked
from bot.authorization.pages import Page
from bot.authorization.state import StateSigner
from bot.config import Config
from bot.domain import Person
from bot.services import utc_now
from bot.storage import Storage, open_storage
from emulator.signing import GOOGLE_SIGNER
from tests.support import Emulator

CLIENT_ID = "meet-bot-callback.apps.googleusercontent.com"


class EditedAnswers(GoogleOAuthClient):
    """The real client, whose token responses a test may edit before the callback sees them."""

    edit: Any = None

    def exchange_code(self, *args: Any, **kwargs: Any) -> TokenResponse:
        tokens = super().exchange_code(*args, **kwargs)
        return self.edit(tokens) if self.edit else tokens


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[Storage]:
    store = open_storage(f"sqlite:///{tmp_path / 'meetbot.db'}")
    yield store
    store.close()


@pytest.fixture
def linking(emulator: Emulator, storage: Storage) -> tuple[Authorization, EditedAnswers]:
    config = Config.from_env({
        "GOOGLE_API_ENDPOINT": emulator.url, "OAUTH_CLIENT_ID": CLIENT_ID, "OAUTH_CLIENT_SECRET": "secret",
        "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(), "PUBLIC_URL": "http://127.0.0.1:9"})
    cipher = TokenCipher(config.token_encryption_keys)
    oauth = EditedAnswers(config)
    return Authorization(config, storage, oauth, cipher, StateSigner([b"k" * 32]),
                         OAuthCredentials(config, storage, cipher), utc_now), oauth


def consent(emulator: Emulator, authorization: Authorization) -> tuple[Person, dict[str, str]]:
    """Alice's link, consented on the emulator: the callback's query parameters."""
    user = emulator.add_user("alice@example.com", "Alice")
    alice = Person(user["name"], "Alice", "alice@example.com")
    prompt = authorization.begin(alice, None, event_format="classic", config_complete_url=None)
    redirect = authorization.start(parse_qs(urlsplit(prompt).query)["state"][0])
    answer = requests.get(redirect.url, allow_redirects=False, timeout=10)  # type: ignore[union-attr]
    assert answer.status_code == 302, answer.text
    return alice, {name: values[0] for name, values in parse_qs(urlsplit(answer.headers["Location"]).query).items()}


def test_a_genuine_link_stores_the_grant_under_googles_subject(emulator: Emulator, storage: Storage,
                                                               linking: tuple[Authorization, EditedAnswers]) -> None:
    authorization, _ = linking
    alice, callback = consent(emulator, authorization)
    linked = authorization.finish(callback)
    assert isinstance(linked, Linked)
    assert f"users/{linked.grant.google_subject}" == alice.user_name
    assert storage.get_grant(alice.user_name) is not None


def without_id_token(tokens: TokenResponse) -> TokenResponse:
    assert tokens.id_token and "openid" in tokens.scopes  # what Google sent: a token response with identity
    return dataclasses.replace(tokens, id_token=None)


def id_token_without_subject(emulator: Emulator) -> Any:
    def edit(tokens: TokenResponse) -> TokenResponse:
        now = int(time.time())
        claims = {"iss": "https://accounts.google.com", "aud": CLIENT_ID, "email": "alice@example.com",
                  "email_verified": True, "iat": now, "exp": now + 3600}
        return dataclasses.replace(tokens, id_token=emulator.state.keys.key_for(GOOGLE_SIGNER).sign(claims))
    return edit


@pytest.mark.parametrize("answer", ["no ID token", "ID token without sub"])
def test_no_proof_of_identity_stores_nothing(emulator: Emulator, storage: Storage,
                                             linking: tuple[Authorization, EditedAnswers], answer: str) -> None:
    """Which Google account consented is proven by the ID token's ``sub`` alone: without
    one, the grant could be anybody's, so nothing is stored and the tokens are revoked."""
    authorization, oauth = linking
    oauth.edit = without_id_token if answer == "no ID token" else id_token_without_subject(emulator)
    alice, callback = consent(emulator, authorization)
    page = authorization.finish(callback)
    assert isinstance(page, Page) and page.reason in {"unverified_identity", "other_account"}, page
    if answer == "no ID token":
        assert page.reason == "unverified_identity"
    assert storage.get_grant(alice.user_name) is None
    revoked = [c for c in emulator.calls() if c["path"].endswith("/revoke")]
    assert revoked, "the refused tokens are revoked at Google"


def test_another_accounts_id_token_stores_nothing(emulator: Emulator, storage: Storage,
                                                  linking: tuple[Authorization, EditedAnswers]) -> None:
    authorization, oauth = linking
    mallory = emulator.add_user("mallory@example.com", "Mallory")

    def theirs(tokens: TokenResponse) -> TokenResponse:
        now = int(time.time())
        claims = {"iss": "https://accounts.google.com", "aud": CLIENT_ID, "email": "mallory@example.com",
                  "email_verified": True, "sub": mallory["name"].split("/")[-1], "iat": now, "exp": now + 3600}
        return dataclasses.replace(tokens, id_token=emulator.state.keys.key_for(GOOGLE_SIGNER).sign(claims))

    oauth.edit = theirs
    alice, callback = consent(emulator, authorization)
    page = authorization.finish(callback)
    assert isinstance(page, Page) and page.reason == "other_account"
    assert storage.get_grant(alice.user_name) is None
