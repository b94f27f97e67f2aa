"""The ``Grants`` contract (``storage.grants``), on SQLite and PostgreSQL: users' grants
(refresh tokens only as ciphertext) and pending authorizations (single-use, one per
person and purpose, even when prompts race).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from bot.authorization.crypto import TokenCipher
from bot.storage import ConflictError, Grants, Storage
from bot.storage.tables import pending_authorizations, user_grants
from domain import MeetRequest, PendingAuthorization, Person, UserGrant
from tests.storage.conftest import FakeClock
from tests.storage.helpers import T0, race

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


def test_grant_round_trips_and_is_found_only_by_its_user(store: Storage, grants: Grants) -> None:
    saved = grants.save_grant(grant())
    assert saved == grant()  # the store's clock is T0 as well
    assert grants.get_grant(ALICE.user_name) == saved
    assert grants.get_grant(BOB.user_name) is None
    assert grants.get_grant("users/100") is None  # no prefix matching


def test_linking_again_replaces_the_grant_but_keeps_its_creation_time(grants: Grants, clock: FakeClock) -> None:
    grants.save_grant(grant())
    clock.advance(hours=1)
    replaced = grants.save_grant(grant(ciphertext="gAAAA-cipher-2", created_at=clock.now, scopes=frozenset({MEET})))
    assert replaced.refresh_token_ciphertext == "gAAAA-cipher-2"
    assert replaced.scopes == frozenset({MEET})
    assert replaced.created_at == T0 and replaced.updated_at == clock.now


def test_delete_grant_only_if_it_is_still_the_one_that_failed(grants: Grants) -> None:
    grants.save_grant(grant(ciphertext="new"))
    assert grants.delete_grant(ALICE.user_name, only_if_ciphertext="old") is False
    assert grants.get_grant(ALICE.user_name) is not None
    assert grants.delete_grant(ALICE.user_name, only_if_ciphertext="new") is True
    assert grants.get_grant(ALICE.user_name) is None
    assert grants.delete_grant(ALICE.user_name) is False


def test_replace_ciphertext_is_a_compare_and_swap(grants: Grants) -> None:
    grants.save_grant(grant(ciphertext="v1"))
    assert grants.replace_grant_ciphertext(ALICE.user_name, "stale", "v2") is False
    assert grants.replace_grant_ciphertext(ALICE.user_name, "v1", "v2") is True
    found = grants.get_grant(ALICE.user_name)
    assert found is not None and found.refresh_token_ciphertext == "v2"


def test_a_stored_refresh_token_is_ciphertext_in_the_raw_row(store: Storage, grants: Grants) -> None:
    cipher = TokenCipher([Fernet.generate_key().decode()])
    refresh_token = "1//0refresh-token-in-the-clear"
    grants.save_grant(grant(ciphertext=cipher.encrypt(refresh_token)))

    with store.engine.connect() as connection:
        row = connection.execute(sa.select(user_grants)).mappings().one()
        raw = " ".join(str(value) for value in row.values())
    assert refresh_token not in raw and "refresh-token" not in raw
    assert row["refresh_token_ciphertext"].startswith("gAAAA")  # a Fernet token
    assert cipher.decrypt(row["refresh_token_ciphertext"]) == refresh_token
    assert set(row.keys()) == {"user_name", "google_subject", "email", "scopes", "refresh_token_ciphertext",
                               "created_at", "updated_at"}  # no access token, no client secret


def test_pending_authorization_round_trips_with_its_command(grants: Grants) -> None:
    grants.add_pending_authorization(pending())
    assert grants.get_pending_authorization("n" * 43) == pending()
    assert grants.get_pending_authorization("n" * 43) == pending()  # looking does not take


def test_pending_authorization_without_a_command(grants: Grants) -> None:
    bare = PendingAuthorization(nonce="b" * 43, user=Person("users/5", "Eve"), request=None, event_format="classic",
                                config_complete_url=None, code_verifier_ciphertext="v", created_at=T0,
                                expires_at=T0 + timedelta(minutes=10))
    grants.add_pending_authorization(bare)
    assert grants.take_pending_authorization("b" * 43) == bare


def test_pending_directory_grant_keeps_its_meeting(grants: Grants) -> None:
    """Asking a linked user for directory lookups: no command, the meeting's card instead."""
    asking = PendingAuthorization(nonce="d" * 43, user=ALICE, request=None, event_format="classic",
                                  config_complete_url=None, code_verifier_ciphertext="v", created_at=T0,
                                  expires_at=T0 + timedelta(minutes=10),
                                  directory_meeting="spaces/CHAT1/messages/client-meet-abc-defg-hij")
    grants.add_pending_authorization(asking)
    assert grants.get_pending_authorization("d" * 43) == asking
    assert grants.take_pending_authorization("d" * 43) == asking
    assert pending().directory_meeting is None and grants.take_pending_authorization("d" * 43) is None


def test_taking_is_single_use(grants: Grants) -> None:
    grants.add_pending_authorization(pending())
    assert grants.take_pending_authorization("n" * 43) == pending()
    assert grants.take_pending_authorization("n" * 43) is None
    assert grants.get_pending_authorization("n" * 43) is None


def test_racing_callbacks_with_one_state_have_exactly_one_winner(grants: Grants) -> None:
    grants.add_pending_authorization(pending())
    results = race(8, lambda _: grants.take_pending_authorization("n" * 43))
    assert sum(result is not None for result in results) == 1


def test_nonces_are_unique(grants: Grants) -> None:
    grants.add_pending_authorization(pending())
    with pytest.raises(ConflictError):
        grants.add_pending_authorization(pending(user=BOB))
    taken = grants.take_pending_authorization("n" * 43)
    assert taken is not None and taken.user == ALICE


def test_prune_removes_only_expired_pending_authorizations(store: Storage, grants: Grants) -> None:
    grants.add_pending_authorization(pending("a" * 43, expires_at=T0 + timedelta(minutes=1)))
    grants.add_pending_authorization(pending("b" * 43, BOB, expires_at=T0 + timedelta(minutes=20)))
    assert grants.prune_pending_authorizations(T0 + timedelta(minutes=5)) == 1
    assert grants.get_pending_authorization("a" * 43) is None
    assert grants.get_pending_authorization("b" * 43) is not None
    with store.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(pending_authorizations)).scalar_one() == 1


def meet_request(user: Person, *, space: str = "spaces/CHAT1", message: str = "M1") -> MeetRequest:
    return MeetRequest(organizer=user, chat_space=space, argument_text=f"Meeting {message}", mentions=(),
                       source_message=f"{space}/messages/{message}", thread_name=None, event_format="classic")


def pending_rows(store: Storage) -> list[sa.Row]:  # type: ignore[type-arg]
    with store.engine.connect() as connection:
        return list(connection.execute(sa.select(pending_authorizations.c.nonce, pending_authorizations.c.user_name,
                                                 pending_authorizations.c.purpose)
                                       .order_by(pending_authorizations.c.purpose)).all())


def test_the_newest_meet_of_a_person_in_a_space_replaces_the_one_before(store: Storage, grants: Grants) -> None:
    for n in range(60):
        grants.add_pending_authorization(pending(f"{n:043d}", request=meet_request(ALICE, message=f"M{n}")))
    assert [(row.nonce, row.purpose) for row in pending_rows(store)] == [(f"{59:043d}", "meet:spaces/CHAT1")]
    assert grants.get_pending_authorization(f"{58:043d}") is None  # the older link leads nowhere now
    newest = grants.take_pending_authorization(f"{59:043d}")
    assert newest is not None and newest.request is not None
    assert newest.request.source_message == "spaces/CHAT1/messages/M59"


def test_pending_authorizations_of_other_spaces_people_and_purposes_stay(store: Storage, grants: Grants) -> None:
    grants.add_pending_authorization(pending("a" * 43, request=meet_request(ALICE)))
    grants.add_pending_authorization(pending("b" * 43, request=meet_request(ALICE, space="spaces/CHAT2")))
    grants.add_pending_authorization(pending("c" * 43, user=BOB, request=meet_request(BOB)))
    bare = PendingAuthorization(nonce="d" * 43, user=ALICE, request=None, event_format="classic",
                                config_complete_url=None, code_verifier_ciphertext="v", created_at=T0,
                                expires_at=T0 + timedelta(minutes=10))
    grants.add_pending_authorization(bare)
    grants.add_pending_authorization(PendingAuthorization(
        nonce="e" * 43, user=ALICE, request=None, event_format="classic", config_complete_url=None,
        code_verifier_ciphertext="v", created_at=T0, expires_at=T0 + timedelta(minutes=10),
        directory_meeting="spaces/CHAT1/messages/client-meet-abc-defg-hij"))
    grants.add_pending_authorization(PendingAuthorization(  # a second bare link replaces the first
        nonce="f" * 43, user=ALICE, request=None, event_format="classic", config_complete_url=None,
        code_verifier_ciphertext="v", created_at=T0, expires_at=T0 + timedelta(minutes=10)))
    assert [(row.nonce[0], row.user_name, row.purpose) for row in pending_rows(store)] == [
        ("e", ALICE.user_name, "directory:spaces/CHAT1/messages/client-meet-abc-defg-hij"),
        ("f", ALICE.user_name, "link"),
        ("a", ALICE.user_name, "meet:spaces/CHAT1"),
        ("c", BOB.user_name, "meet:spaces/CHAT1"),
        ("b", ALICE.user_name, "meet:spaces/CHAT2"),
    ]


def test_simultaneous_prompts_of_one_person_leave_one_pending_authorization(
        store: Storage, grants: Grants, instances: list[Storage]) -> None:
    race(24, lambda i: instances[i % len(instances)].grants.add_pending_authorization(
        pending(f"{i:043d}", request=meet_request(ALICE, message=f"M{i}"))))
    rows = pending_rows(store)
    assert len(rows) == 1
    survivor = grants.get_pending_authorization(rows[0].nonce)
    assert survivor is not None and survivor.request is not None
    assert survivor.request.source_message == f"spaces/CHAT1/messages/M{int(rows[0].nonce)}"
