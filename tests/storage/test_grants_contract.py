"""The storage contract for per-user authorization, on SQLite and on PostgreSQL.

Grants round-trip as domain values and are keyed by the Chat user alone; refresh
tokens are stored exactly as handed in (ciphertext) and a raw row proves it; pending
authorizations are single-use even when two callbacks race; /meet's idempotency and
rate-limit lookups behave the same on both backends.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from bot.authorization.crypto import TokenCipher
from domain import MeetRequest, PendingAuthorization, Person, UserGrant
from bot.storage import ConflictError, Storage
from bot.storage.tables import pending_authorizations, user_grants
from tests.storage.conftest import FakeClock
from tests.storage.test_store_contract import make_meeting, race

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
ALICE = Person("users/1001", "Alice Anders", "alice@example.com")
BOB = Person("users/1002", "Bob Brown", "bob@example.com")
MEET = "https://www.googleapis.com/auth/meetings.space.created"


def grant(user: Person = ALICE, ciphertext: str = "gAAAA-cipher-1", **changes: object) -> UserGrant:
    values: dict[str, object] = {"user_name": user.user_name, "google_subject": user.user_name.split("/")[1],
                                 "email": user.email, "scopes": frozenset({"openid", MEET}),
                                 "refresh_token_ciphertext": ciphertext, "created_at": T0, "updated_at": T0}
    values.update(changes)
    return UserGrant(**values)  # type: ignore[arg-type]


def pending(nonce: str = "n" * 43, user: Person = ALICE, *, expires_at: datetime = T0 + timedelta(minutes=10),
            request: MeetRequest | None = None) -> PendingAuthorization:
    return PendingAuthorization(
        nonce=nonce, user=user,
        request=request if request is not None else MeetRequest(
            organizer=user, chat_space="spaces/CHAT1", argument_text="Weekly <sync> @Bob Brown", mentions=(BOB,),
            source_message="spaces/CHAT1/messages/M1", thread_name="spaces/CHAT1/threads/T1",
            event_format="addon"),  # a command keeps the format of the event it came in
        event_format="addon", config_complete_url="https://chat.google.com/api/bot_config_complete?token=abc",
        code_verifier_ciphertext="gAAAA-verifier", created_at=T0, expires_at=expires_at)


# -- grants -------------------------------------------------------------------------------

def test_grant_round_trips_and_is_found_only_by_its_user(store: Storage) -> None:
    saved = store.save_grant(grant())
    assert saved == grant()  # the store's clock is T0 as well
    assert store.get_grant(ALICE.user_name) == saved
    assert store.get_grant(BOB.user_name) is None
    assert store.get_grant("users/100") is None  # no prefix matching


def test_linking_again_replaces_the_grant_but_keeps_its_creation_time(store: Storage, clock: FakeClock) -> None:
    store.save_grant(grant())
    clock.advance(hours=1)
    replaced = store.save_grant(grant(ciphertext="gAAAA-cipher-2", created_at=clock.now, scopes=frozenset({MEET})))
    assert replaced.refresh_token_ciphertext == "gAAAA-cipher-2"
    assert replaced.scopes == frozenset({MEET})
    assert replaced.created_at == T0 and replaced.updated_at == clock.now


def test_delete_grant_only_if_it_is_still_the_one_that_failed(store: Storage) -> None:
    store.save_grant(grant(ciphertext="new"))
    assert store.delete_grant(ALICE.user_name, only_if_ciphertext="old") is False
    assert store.get_grant(ALICE.user_name) is not None
    assert store.delete_grant(ALICE.user_name, only_if_ciphertext="new") is True
    assert store.get_grant(ALICE.user_name) is None
    assert store.delete_grant(ALICE.user_name) is False


def test_replace_ciphertext_is_a_compare_and_swap(store: Storage) -> None:
    store.save_grant(grant(ciphertext="v1"))
    assert store.replace_grant_ciphertext(ALICE.user_name, "stale", "v2") is False
    assert store.replace_grant_ciphertext(ALICE.user_name, "v1", "v2") is True
    found = store.get_grant(ALICE.user_name)
    assert found is not None and found.refresh_token_ciphertext == "v2"


def test_a_stored_refresh_token_is_ciphertext_in_the_raw_row(store: Storage) -> None:
    cipher = TokenCipher([Fernet.generate_key().decode()])
    refresh_token = "1//0refresh-token-in-the-clear"
    store.save_grant(grant(ciphertext=cipher.encrypt(refresh_token)))

    with store.engine.connect() as connection:
        row = connection.execute(sa.select(user_grants)).mappings().one()
        raw = " ".join(str(value) for value in row.values())
    assert refresh_token not in raw and "refresh-token" not in raw
    assert row["refresh_token_ciphertext"].startswith("gAAAA")  # a Fernet token
    assert cipher.decrypt(row["refresh_token_ciphertext"]) == refresh_token
    assert set(row.keys()) == {"user_name", "google_subject", "email", "scopes", "refresh_token_ciphertext",
                               "created_at", "updated_at"}  # no access token, no client secret


# -- pending authorizations ---------------------------------------------------------------

def test_pending_authorization_round_trips_with_its_command(store: Storage) -> None:
    store.add_pending_authorization(pending())
    assert store.get_pending_authorization("n" * 43) == pending()
    assert store.get_pending_authorization("n" * 43) == pending()  # looking does not take


def test_pending_authorization_without_a_command(store: Storage) -> None:
    bare = PendingAuthorization(nonce="b" * 43, user=Person("users/5", "Eve"), request=None, event_format="classic",
                                config_complete_url=None, code_verifier_ciphertext="v", created_at=T0,
                                expires_at=T0 + timedelta(minutes=10))
    store.add_pending_authorization(bare)
    assert store.take_pending_authorization("b" * 43) == bare


def test_pending_directory_grant_keeps_its_meeting(store: Storage) -> None:
    """Asking a linked user for directory lookups: no command, the meeting's card instead."""
    asking = PendingAuthorization(nonce="d" * 43, user=ALICE, request=None, event_format="classic",
                                  config_complete_url=None, code_verifier_ciphertext="v", created_at=T0,
                                  expires_at=T0 + timedelta(minutes=10),
                                  directory_meeting="spaces/CHAT1/messages/client-meet-abc-defg-hij")
    store.add_pending_authorization(asking)
    assert store.get_pending_authorization("d" * 43) == asking
    assert store.take_pending_authorization("d" * 43) == asking
    assert pending().directory_meeting is None and store.take_pending_authorization("d" * 43) is None


def test_taking_is_single_use(store: Storage) -> None:
    store.add_pending_authorization(pending())
    assert store.take_pending_authorization("n" * 43) == pending()
    assert store.take_pending_authorization("n" * 43) is None
    assert store.get_pending_authorization("n" * 43) is None


def test_racing_callbacks_with_one_state_have_exactly_one_winner(store: Storage) -> None:
    store.add_pending_authorization(pending())
    results = race(8, lambda _: store.take_pending_authorization("n" * 43))
    assert sum(result is not None for result in results) == 1


def test_nonces_are_unique(store: Storage) -> None:
    store.add_pending_authorization(pending())
    with pytest.raises(ConflictError):
        store.add_pending_authorization(pending(user=BOB))
    taken = store.take_pending_authorization("n" * 43)
    assert taken is not None and taken.user == ALICE


def test_prune_removes_only_expired_pending_authorizations(store: Storage) -> None:
    store.add_pending_authorization(pending("a" * 43, expires_at=T0 + timedelta(minutes=1)))
    store.add_pending_authorization(pending("b" * 43, BOB, expires_at=T0 + timedelta(minutes=20)))
    assert store.prune_pending_authorizations(T0 + timedelta(minutes=5)) == 1
    assert store.get_pending_authorization("a" * 43) is None
    assert store.get_pending_authorization("b" * 43) is not None
    with store.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(pending_authorizations)).scalar_one() == 1


# -- meetings: idempotency and the rate limit ---------------------------------------------

def test_meeting_remembers_the_message_that_created_it(store: Storage) -> None:
    recorded = store.record_meeting(make_meeting(1, source_message="spaces/CHAT1/messages/CMD1"))
    assert recorded.source_message == "spaces/CHAT1/messages/CMD1"
    assert store.get_meeting_by_source_message("spaces/CHAT1/messages/CMD1") == recorded
    assert store.get_meeting_by_source_message("spaces/CHAT1/messages/CMD2") is None


def test_one_message_creates_one_meeting_only(store: Storage) -> None:
    store.record_meeting(make_meeting(1, source_message="spaces/CHAT1/messages/CMD1"))
    with pytest.raises(ConflictError):
        store.record_meeting(make_meeting(2, source_message="spaces/CHAT1/messages/CMD1"))
    # Meetings without a source message never collide.
    store.record_meeting(make_meeting(3))
    store.record_meeting(make_meeting(4))


def test_meetings_are_counted_per_organizer_within_the_window(store: Storage) -> None:
    other = Person("users/999", "Someone Else")
    for n in range(3):
        store.record_meeting(make_meeting(n, created_at=T0 + timedelta(seconds=10 * n)))
    store.record_meeting(make_meeting(10, created_at=T0 + timedelta(seconds=5), organizer=other))
    store.record_meeting(make_meeting(11, created_at=T0 - timedelta(minutes=5)))
    organizer = make_meeting(0).organizer.user_name
    assert store.count_meetings_by_organizer(organizer, since=T0) == 3
    assert store.count_meetings_by_organizer(organizer, since=T0 + timedelta(seconds=15)) == 1
    assert store.count_meetings_by_organizer(other.user_name, since=T0) == 1
    assert store.count_meetings_by_organizer("users/nobody", since=T0) == 0
