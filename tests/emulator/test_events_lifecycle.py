"""Subscription lifecycle on the emulator clock: reminders, expiry, suspension, reactivation."""

from __future__ import annotations

import requests

from tests.emulator.test_events_support import (  # noqa: F401  (fixtures)
    DAY, HOUR, JOINED, LIFECYCLE, STARTED, World, events_client, events_world, expect_error, organizer, subscribe,
    subscription_body, world,
)
from tests.support import MEET_SCOPE

REMINDER, EXPIRED, SUSPENDED = LIFECYCLE + "expirationReminder", LIFECYCLE + "expired", LIFECYCLE + "suspended"


def lifecycle(world: World) -> list[tuple[str, dict, dict]]:
    world.flush()
    return [event for event in world.push.events() if event[0].startswith(LIFECYCLE)]


def test_reminders_12h_and_1h_before_expiry_then_expired_and_deleted(world: World) -> None:
    alice = organizer(world.emulator)
    created = subscribe(alice, [STARTED])  # default: 7 days
    world.advance(7 * DAY - 12 * HOUR - 60)
    assert lifecycle(world) == []
    world.advance(120)
    events = lifecycle(world)
    assert [t for t, _, _ in events] == [REMINDER]
    event_type, data, attributes = events[0]
    assert data["subscription"]["name"] == created["name"] and data["subscription"]["state"] == "ACTIVE"
    assert data["subscription"]["expireTime"] == created["expireTime"]
    source = f"//workspaceevents.googleapis.com/{created['name']}"
    assert attributes["ce-source"] == attributes["ce-subject"] == source
    world.advance(11 * HOUR)
    assert [t for t, _, _ in lifecycle(world)] == [REMINDER, REMINDER]
    assert alice.events.subscriptions().get(name=created["name"]).execute()["state"] == "ACTIVE"
    world.advance(HOUR)
    assert [t for t, _, _ in lifecycle(world)] == [REMINDER, REMINDER, EXPIRED]
    expect_error(alice.events.subscriptions().get(name=created["name"]), 404, "NOT_FOUND")
    # An expired subscription no longer counts as a duplicate, nor gets events.
    world.control("POST", "meet/join", {"space": alice.space["name"], "anonymous": True})
    assert STARTED not in world.push.types()
    subscribe(alice, [STARTED])


def test_one_leap_past_expiry_sends_everything_in_order(world: World) -> None:
    alice = organizer(world.emulator)
    subscribe(alice, [STARTED], ttl=f"{2 * DAY}s")
    world.advance(3 * DAY)
    events = lifecycle(world)
    assert [t for t, _, _ in events] == [REMINDER, REMINDER, EXPIRED]
    times = [a["ce-time"] for _, _, a in events]
    assert times == sorted(times) and len(set(times)) == 3


def test_short_subscriptions_get_only_the_reminders_still_ahead(world: World) -> None:
    alice = organizer(world.emulator)
    subscribe(alice, [STARTED], ttl=f"{2 * HOUR}s")
    world.advance(2 * HOUR)
    assert [t for t, _, _ in lifecycle(world)] == [REMINDER, EXPIRED]


def test_renewal_moves_the_reminders(world: World) -> None:
    alice = organizer(world.emulator)
    created = subscribe(alice, [STARTED], ttl=f"{13 * HOUR}s")
    world.advance(2 * HOUR)
    assert [t for t, _, _ in lifecycle(world)] == [REMINDER]
    alice.events.subscriptions().patch(name=created["name"], updateMask="ttl", body={"ttl": f"{DAY}s"}).execute()
    world.advance(11 * HOUR)  # the old 1 h reminder time: nothing now
    assert [t for t, _, _ in lifecycle(world)] == [REMINDER]
    world.advance(2 * HOUR)  # 12 h before the new expiry
    assert [t for t, _, _ in lifecycle(world)] == [REMINDER, REMINDER]


def test_suspension_stops_events_and_reactivate_resumes_them(world: World) -> None:
    alice = organizer(world.emulator)
    created = subscribe(alice, [STARTED, JOINED])
    suspended = world.control("POST", "events/suspend", {"subscription": created["name"],
                                                         "reason": "ENDPOINT_PERMISSION_DENIED"})
    assert suspended["state"] == "SUSPENDED" and suspended["suspensionReason"] == "ENDPOINT_PERMISSION_DENIED"
    [(event_type, data, _)] = lifecycle(world)
    assert event_type == SUSPENDED
    assert data["subscription"]["suspensionReason"] == "ENDPOINT_PERMISSION_DENIED"
    world.control("POST", "meet/join", {"space": alice.space["name"], "anonymous": "Early"})
    world.flush()
    assert world.push.types() == [SUSPENDED]  # no Meet events while suspended
    got = alice.events.subscriptions().get(name=created["name"]).execute()
    assert got["state"] == "SUSPENDED" and got["suspensionReason"] == "ENDPOINT_PERMISSION_DENIED"
    operation = alice.events.subscriptions().reactivate(name=created["name"], body={}).execute()
    assert operation["metadata"]["@type"].endswith("ReactivateSubscriptionMetadata")
    assert operation["response"]["state"] == "ACTIVE" and "suspensionReason" not in operation["response"]
    world.control("POST", "meet/join", {"space": alice.space["name"], "anonymous": "Late"})
    world.flush()
    assert world.push.types() == [SUSPENDED, JOINED]
    bad = world.control("POST", "events/suspend", {"subscription": created["name"], "reason": "BORED"}, expect=400)
    assert bad["error"]["status"] == "INVALID_ARGUMENT"


def test_revoking_the_grant_suspends_until_the_user_authorizes_again(world: World) -> None:
    alice = organizer(world.emulator)
    created = subscribe(alice, [STARTED])
    revoke = world.emulator.url + "/revoke"
    assert requests.post(revoke, data={"token": alice.creds.refresh_token}, timeout=10).status_code == 200
    world.control("POST", "events/settle")
    [(event_type, data, _)] = lifecycle(world)
    assert event_type == SUSPENDED and data["subscription"]["suspensionReason"] == "USER_SCOPE_REVOKED"
    fresh = world.emulator.authorize("alice@example.com", scopes=[MEET_SCOPE])
    client = events_client(world.emulator, fresh)
    assert client.subscriptions().reactivate(name=created["name"], body={}).execute()["response"]["state"] == "ACTIVE"


def test_reactivate_is_refused_while_the_cause_persists(world: World) -> None:
    alice = organizer(world.emulator)
    bob_user = world.emulator.add_user("bob@example.com")
    meet = world.emulator.meet(alice.creds)
    member = meet.spaces().members().create(parent=alice.space["name"],
                                            body={"email": bob_user["email"], "role": "COHOST"}).execute()
    bob = events_client(world.emulator, world.emulator.authorize("bob@example.com", scopes=[MEET_SCOPE]))
    created = bob.subscriptions().create(body=subscription_body(alice.target, [STARTED])).execute()["response"]
    meet.spaces().members().delete(name=member["name"]).execute()
    got = bob.subscriptions().get(name=created["name"]).execute()
    assert got["state"] == "SUSPENDED" and got["suspensionReason"] == "USER_AUTHORIZATION_FAILURE"
    expect_error(bob.subscriptions().reactivate(name=created["name"], body={}), 400, "FAILED_PRECONDITION")
    meet.spaces().members().create(parent=alice.space["name"],
                                   body={"email": bob_user["email"], "role": "COHOST"}).execute()
    assert bob.subscriptions().reactivate(name=created["name"], body={}).execute()["response"]["state"] == "ACTIVE"


def test_control_plane_lists_every_subscription(world: World) -> None:
    alice = organizer(world.emulator)
    bob = organizer(world.emulator, "bob@example.com")
    names = {subscribe(alice)["name"], subscribe(bob)["name"]}
    listed = world.control("GET", "events/subscriptions")["subscriptions"]
    assert {s["name"] for s in listed} == names
