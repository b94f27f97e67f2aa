"""The OAuth callback's identity checks, in-process: ``Authorization.finish`` with the real
OAuth client, the emulator's consent page and token endpoint, and a real (SQLite) store.

Google always sends an ID token with a ``sub`` when ``openid`` was granted; the answers
it should never give (no ID token, or one without a subject) are made by a client that
edits the emulator's genuine token response, so only the callback's own rule is tested.
"""

from __future__ import annotations

import dataclasses
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.fernet import Fernet

from bot.authorization import Authorization
from bot.authorization.credentials import OAuthCredentials
from bot.authorization.crypto import TokenCipher
from bot.authorization.google_oauth import DIRECTORY_SCOPE, MEET_SCOPE, GoogleOAuthClient, TokenResponse
from bot.authorization.linking import Linked
from bot.authorization.pages import Page
from bot.authorization.state import StateSigner
from bot.config import Config
from domain import Person
from bot.storage import Storage, StorageError, open_storage
from emulator.signing import GOOGLE_SIGNER
from tests.support import Emulator

CLIENT_ID = "meet-bot-callback.apps.googleusercontent.com"
SIGNER = StateSigner([b"k" * 32])
CHAT_RETURN = "https://chat.google.com/api/bot/config_complete?token=abc"


class Clock:
    """The app's "now" (a pending authorization's expiry is checked against it)."""

    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now


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
def clock() -> Clock:
    return Clock()


def make_linking(emulator: Emulator, storage: Storage, clock: Clock, *, local_mode: bool = False
                 ) -> tuple[Authorization, EditedAnswers]:
    config = Config.from_env({
        "GOOGLE_API_ENDPOINT": emulator.url, "OAUTH_CLIENT_ID": CLIENT_ID, "OAUTH_CLIENT_SECRET": "secret",
        "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(), "PUBLIC_URL": "http://127.0.0.1:9",
        **({"LOCAL_MODE": "1"} if local_mode else {})})
    cipher = TokenCipher(config.token_encryption_keys)
    oauth = EditedAnswers(config)
    return Authorization(config, storage, oauth, cipher, SIGNER, OAuthCredentials(config, storage, cipher),
                         clock), oauth


@pytest.fixture
def linking(emulator: Emulator, storage: Storage, clock: Clock) -> tuple[Authorization, EditedAnswers]:
    return make_linking(emulator, storage, clock)


def alice_in(emulator: Emulator) -> Person:
    found = [u for u in emulator.control("GET", "users")["users"] if u["email"] == "alice@example.com"]
    user = found[0] if found else emulator.add_user("alice@example.com", "Alice")
    return Person(user["name"], "Alice", "alice@example.com")


def consent(emulator: Emulator, authorization: Authorization, *, return_to: str | None = None,
            directory: bool = False) -> tuple[Person, dict[str, str]]:
    """Alice's link (or directory grant), consented on the emulator: the callback's query parameters."""
    alice = alice_in(emulator)
    prompt = authorization.begin_directory(alice, "spaces/S/messages/card") if directory else \
        authorization.begin(alice, None, event_format="classic", config_complete_url=return_to)
    redirect = authorization.start(parse_qs(urlsplit(prompt).query)["state"][0])
    answer = requests.get(redirect.url, allow_redirects=False, timeout=10)  # type: ignore[union-attr]
    assert answer.status_code == 302, answer.text
    return alice, {name: values[0] for name, values in parse_qs(urlsplit(answer.headers["Location"]).query).items()}


def test_a_genuine_link_stores_the_grant_under_googles_subject(emulator: Emulator, storage: Storage, clock: Clock,
                                                               linking: tuple[Authorization, EditedAnswers]) -> None:
    authorization, _ = linking
    alice, callback = consent(emulator, authorization)
    linked = authorization.finish(callback)
    assert isinstance(linked, Linked) and linked.redirect_url is None
    assert f"users/{linked.grant.google_subject}" == alice.user_name
    stored = storage.grants.get_grant(alice.user_name)
    assert stored is not None and stored.google_subject == linked.grant.google_subject
    assert stored.email == "alice@example.com" and {"openid", MEET_SCOPE} <= stored.scopes
    assert stored.created_at == clock.now
    assert authorization.credentials.for_user(alice).token  # the stored refresh token works at Google
    # The state was used up: the same callback again stores nothing new and says so.
    replay = authorization.finish(callback)
    assert isinstance(replay, Page) and replay.reason == "used_state"


def test_a_link_started_from_chat_returns_to_chat(emulator: Emulator,
                                                 linking: tuple[Authorization, EditedAnswers]) -> None:
    authorization, _ = linking
    _, callback = consent(emulator, authorization, return_to=CHAT_RETURN)
    linked = authorization.finish(callback)
    assert isinstance(linked, Linked) and linked.redirect_url == CHAT_RETURN


def revocations(emulator: Emulator) -> int:
    return len([c for c in emulator.calls() if c["path"].endswith("/revoke")])


def refused(authorization: Authorization, callback: dict[str, str], reason: str) -> None:
    page = authorization.finish(callback)
    assert isinstance(page, Page) and page.reason == reason, page
    assert page.status >= 400 or reason in {"access_denied", "directory_declined"}


@pytest.mark.parametrize("change, reason", [
    (lambda callback: {**callback, "state": callback["state"][:-2] + "xx"}, "invalid_state"),
    (lambda callback: {k: v for k, v in callback.items() if k != "state"}, "invalid_state"),
    (lambda callback: {**callback, "error": "access_denied"}, "access_denied"),
    (lambda callback: {**callback, "error": "server_error"}, "oauth_error"),
    (lambda callback: {k: v for k, v in callback.items() if k != "code"}, "missing_code"),
    (lambda callback: {**callback, "code": "not-a-code"}, "exchange_failed"),
], ids=["forged state", "no state", "denied", "google error", "no code", "unknown code"])
def test_a_bad_callback_stores_nothing(emulator: Emulator, storage: Storage,
                                       linking: tuple[Authorization, EditedAnswers], change: Any, reason: str) -> None:
    authorization, _ = linking
    alice, callback = consent(emulator, authorization)
    refused(authorization, change(callback), reason)
    assert storage.grants.get_grant(alice.user_name) is None


def test_an_expired_pending_link_stores_nothing(emulator: Emulator, storage: Storage, clock: Clock,
                                                linking: tuple[Authorization, EditedAnswers]) -> None:
    authorization, _ = linking
    alice, callback = consent(emulator, authorization)
    clock.now += timedelta(seconds=SIGNER.max_age_seconds)  # the pending row's last moment has passed
    refused(authorization, callback, "used_state")
    assert storage.grants.get_grant(alice.user_name) is None


def test_a_state_naming_another_user_stores_nothing(emulator: Emulator, storage: Storage,
                                                    linking: tuple[Authorization, EditedAnswers]) -> None:
    authorization, _ = linking
    alice, callback = consent(emulator, authorization)
    nonce = SIGNER.verify(callback["state"]).nonce
    refused(authorization, {**callback, "state": SIGNER.sign(nonce, "users/999")}, "mismatched_state")
    assert storage.grants.get_grant(alice.user_name) is None and storage.grants.get_grant("users/999") is None


def test_a_return_address_that_is_not_chat_is_never_followed(emulator: Emulator, storage: Storage,
                                                             linking: tuple[Authorization, EditedAnswers]) -> None:
    authorization, _ = linking
    alice = alice_in(emulator)
    prompt = authorization.begin(alice, None, event_format="classic", config_complete_url="https://evil.example/x")
    state = parse_qs(urlsplit(prompt).query)["state"][0]
    page = authorization.start(state)
    assert isinstance(page, Page) and page.reason == "bad_redirect"
    refused(authorization, {"state": state, "code": "any"}, "bad_redirect")
    assert storage.grants.get_grant(alice.user_name) is None


@pytest.mark.parametrize("edit, reason", [
    (lambda tokens: dataclasses.replace(tokens, scopes=tokens.scopes - {MEET_SCOPE}), "partial_scopes"),
    (lambda tokens: dataclasses.replace(tokens, scopes=tokens.scopes - {"openid"}), "partial_scopes"),
    (lambda tokens: dataclasses.replace(tokens, refresh_token=None), "no_refresh_token"),
], ids=["Meet unticked", "openid unticked", "no refresh token"])
def test_an_incomplete_grant_stores_nothing_and_is_revoked(emulator: Emulator, storage: Storage,
                                                           linking: tuple[Authorization, EditedAnswers],
                                                           edit: Any, reason: str) -> None:
    authorization, oauth = linking
    oauth.edit = edit
    alice, callback = consent(emulator, authorization)
    refused(authorization, callback, reason)
    assert storage.grants.get_grant(alice.user_name) is None
    assert revocations(emulator) == 1


def test_a_refused_answer_for_a_linked_account_does_not_revoke_its_link(
        emulator: Emulator, storage: Storage, linking: tuple[Authorization, EditedAnswers]) -> None:
    """Google revokes a client's grant as a whole: revoking the refused tokens would end
    the link the person already has."""
    authorization, oauth = linking
    alice, callback = consent(emulator, authorization)
    assert isinstance(authorization.finish(callback), Linked)
    oauth.edit = lambda tokens: dataclasses.replace(tokens, scopes=tokens.scopes - {MEET_SCOPE})
    _, callback = consent(emulator, authorization)
    refused(authorization, callback, "partial_scopes")
    assert revocations(emulator) == 0
    assert storage.grants.get_grant(alice.user_name) is not None


def test_directory_lookups_declined_keep_the_link_as_it_was(emulator: Emulator, storage: Storage,
                                                            linking: tuple[Authorization, EditedAnswers]) -> None:
    authorization, oauth = linking
    alice, callback = consent(emulator, authorization)
    assert isinstance(authorization.finish(callback), Linked)
    before = storage.grants.get_grant(alice.user_name)
    oauth.edit = lambda tokens: dataclasses.replace(tokens, scopes=tokens.scopes - {DIRECTORY_SCOPE})
    _, callback = consent(emulator, authorization, directory=True)
    refused(authorization, callback, "directory_declined")
    assert storage.grants.get_grant(alice.user_name) == before
    oauth.edit = None
    _, callback = consent(emulator, authorization, directory=True)
    linked = authorization.finish(callback)
    assert isinstance(linked, Linked) and DIRECTORY_SCOPE in storage.grants.get_grant(alice.user_name).scopes  # type: ignore[union-attr]


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
    assert storage.grants.get_grant(alice.user_name) is None
    assert revocations(emulator) == 1, "the refused tokens are revoked at Google"


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
    assert isinstance(page, Page) and page.reason == "other_account" and page.status == 403
    assert storage.grants.get_grant(alice.user_name) is None


def test_the_emulator_may_be_chat_only_in_local_mode(emulator: Emulator, storage: Storage, clock: Clock) -> None:
    """Locally the emulator plays Chat, so its config-complete page is where the browser
    goes back to; anywhere else that address is refused like any other."""
    back = f"{emulator.url}/_emulator/chat/config-complete?token=abc"
    authorization, _ = make_linking(emulator, storage, clock, local_mode=True)
    _, callback = consent(emulator, authorization, return_to=back)
    linked = authorization.finish(callback)
    assert isinstance(linked, Linked) and linked.redirect_url == back
    production, _ = make_linking(emulator, storage, clock)
    prompt = production.begin(alice_in(emulator), None, event_format="classic", config_complete_url=back)
    page = production.start(parse_qs(urlsplit(prompt).query)["state"][0])
    assert isinstance(page, Page) and page.reason == "bad_redirect"


def test_an_expired_state_says_so(emulator: Emulator, storage: Storage,
                                  linking: tuple[Authorization, EditedAnswers]) -> None:
    authorization, _ = linking
    alice, callback = consent(emulator, authorization)
    nonce = SIGNER.verify(callback["state"]).nonce
    long_ago = StateSigner([b"k" * 32], clock=lambda: time.time() - SIGNER.max_age_seconds - 60)
    refused(authorization, {**callback, "state": long_ago.sign(nonce, alice.user_name)}, "expired_state")
    assert storage.grants.get_grant(alice.user_name) is None


def test_a_pending_link_whose_verifier_cannot_be_read_stores_nothing(
        emulator: Emulator, storage: Storage, linking: tuple[Authorization, EditedAnswers]) -> None:
    """A verifier encrypted under a key no longer configured (a key removed mid-link)."""
    authorization, _ = linking
    alice, callback = consent(emulator, authorization)
    pending = storage.grants.take_pending_authorization(SIGNER.verify(callback["state"]).nonce)
    assert pending is not None
    other = TokenCipher([Fernet.generate_key().decode()])
    storage.grants.add_pending_authorization(dataclasses.replace(
        pending, code_verifier_ciphertext=other.encrypt("a-verifier")))
    refused(authorization, callback, "mismatched_state")
    assert storage.grants.get_grant(alice.user_name) is None


def test_an_id_token_that_fails_verification_stores_nothing(
        emulator: Emulator, storage: Storage, linking: tuple[Authorization, EditedAnswers]) -> None:
    authorization, oauth = linking
    oauth.edit = lambda tokens: dataclasses.replace(tokens, id_token="not.a.token")
    alice, callback = consent(emulator, authorization)
    refused(authorization, callback, "unverified_identity")
    assert storage.grants.get_grant(alice.user_name) is None
    assert revocations(emulator) == 1


def test_directory_lookups_declined_by_someone_not_linked_are_revoked(
        emulator: Emulator, storage: Storage, linking: tuple[Authorization, EditedAnswers]) -> None:
    """Unlinked since the prompt was sent (the app's copy deleted while Google could not be
    reached to revoke it): there is no link to keep, so the refused tokens are revoked."""
    authorization, oauth = linking
    alice, callback = consent(emulator, authorization)
    assert isinstance(authorization.finish(callback), Linked)
    storage.grants.delete_grant(alice.user_name)
    oauth.edit = lambda tokens: dataclasses.replace(tokens, scopes=tokens.scopes - {DIRECTORY_SCOPE})
    alice, callback = consent(emulator, authorization, directory=True)
    refused(authorization, callback, "directory_declined")
    assert revocations(emulator) == 1 and storage.grants.get_grant(alice.user_name) is None


def test_a_grant_that_cannot_be_stored_is_revoked(emulator: Emulator, storage: Storage,
                                                  linking: tuple[Authorization, EditedAnswers],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    authorization, _ = linking

    def database_down(grant: Any) -> Any:
        raise StorageError("the database is unavailable")

    monkeypatch.setattr(storage.grants, "save_grant", database_down)
    alice, callback = consent(emulator, authorization)
    refused(authorization, callback, "unavailable")
    assert revocations(emulator) == 1


def test_the_exchanged_access_token_is_used_without_a_refresh(
        emulator: Emulator, linking: tuple[Authorization, EditedAnswers]) -> None:
    authorization, _ = linking
    alice, callback = consent(emulator, authorization)
    assert isinstance(authorization.finish(callback), Linked)
    tokens_before = len([c for c in emulator.calls() if c["path"].endswith("/token")])
    authorization.credentials.for_user(alice)
    assert len([c for c in emulator.calls() if c["path"].endswith("/token")]) == tokens_before
