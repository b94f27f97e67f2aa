"""Workspace Events API v1 through google-api-python-client: shapes, validation, auth, CRUD."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from emulator.clock import parse_rfc3339, rfc3339
from emulator.discovery import api_methods, find_method
from emulator.errors import ApiError
from emulator.app import google_apis
from emulator.events import filter as list_filter
from tests.emulator.test_events_support import (  # noqa: F401  (fixtures)
    ALL_MEET, DAY, ENDED, JOINED, LEFT, READONLY_SCOPE, SMART_NOTE, STARTED, TOPIC, World, events_client, events_world,
    expect_error, organizer, subscribe, subscription_body, validate, world,
)
from tests.support import MEET_SCOPE

OTHER_CLIENT = "other-app.apps.googleusercontent.com"


def test_every_workspaceevents_method_has_a_handler() -> None:
    ids = {method.id for method in api_methods("workspaceevents")}
    assert ids == {"operations.get", "subscriptions.create", "subscriptions.delete", "subscriptions.get",
                   "subscriptions.list", "subscriptions.patch", "subscriptions.reactivate"}
    assert {f"workspaceevents.{method_id}" for method_id in ids} <= google_apis().methods()
    # "If unspecified or set to `0`, up to 50 subscriptions are returned. The maximum value is 100."
    assert find_method("workspaceevents", "subscriptions.list").page_size_limits() == (50, 100)


# -- create / get / operations.get ---------------------------------------------------------------
def test_create_returns_a_done_operation_with_the_subscription(world: World) -> None:
    alice = organizer(world.emulator)
    before = world.emulator.state.clock.time()
    operation = alice.events.subscriptions().create(body=subscription_body(alice.target, [STARTED, ENDED])).execute()
    validate("Operation", operation)
    assert re.fullmatch(r"operations/[0-9a-f]+", operation["name"])
    assert operation["done"] is True and "error" not in operation
    assert operation["metadata"] == {
        "@type": "type.googleapis.com/google.apps.events.subscriptions.v1.CreateSubscriptionMetadata"}
    subscription = {k: v for k, v in operation["response"].items() if k != "@type"}
    validate("Subscription", subscription)
    assert re.fullmatch(r"subscriptions/[a-z0-9-]+", subscription["name"])
    assert subscription["targetResource"] == alice.target
    assert subscription["eventTypes"] == [STARTED, ENDED]
    assert subscription["notificationEndpoint"] == {"pubsubTopic": TOPIC}
    assert subscription["state"] == "ACTIVE" and "suspensionReason" not in subscription
    assert subscription["authority"] == subscription["userAuthority"] == alice.user["name"]
    assert "ttl" not in subscription  # input only
    # No ttl: the maximum, 7 days.
    assert abs(parse_rfc3339(subscription["expireTime"]) - (before + 7 * DAY)) < 5
    assert subscription["createTime"] == subscription["updateTime"]
    assert alice.events.subscriptions().get(name=subscription["name"]).execute() == subscription
    assert alice.events.operations().get(name=operation["name"]).execute() == operation


def test_validate_only_creates_nothing(world: World) -> None:
    alice = organizer(world.emulator)
    operation = alice.events.subscriptions().create(body=subscription_body(alice.target),
                                                    validateOnly=True).execute()
    assert operation["done"] is True and operation["response"]["targetResource"] == alice.target
    assert "name" not in operation["response"]
    listed = alice.events.subscriptions().list(filter=f'event_types:"{STARTED}"').execute()
    assert listed.get("subscriptions", []) == []
    subscribe(alice)  # and the real one is not a duplicate of the preview


def test_one_subscription_per_target_user_and_app(world: World) -> None:
    alice = organizer(world.emulator)
    first = subscribe(alice, [STARTED])
    error = expect_error(alice.events.subscriptions().create(body=subscription_body(alice.target, [JOINED])),
                         409, "ALREADY_EXISTS")
    assert first["name"] in error["message"]
    # A co-host may subscribe to the same space on their own behalf.
    bob_user = world.emulator.add_user("bob@example.com")
    alice_meet = world.emulator.meet(alice.creds)
    alice_meet.spaces().members().create(parent=alice.space["name"],
                                         body={"email": bob_user["email"], "role": "COHOST"}).execute()
    bob = events_client(world.emulator, world.emulator.authorize("bob@example.com", scopes=[MEET_SCOPE]))
    assert bob.subscriptions().create(body=subscription_body(alice.target)).execute()["done"]
    # Deleting frees the slot.
    alice.events.subscriptions().delete(name=first["name"]).execute()
    subscribe(alice, [JOINED])


@pytest.mark.parametrize("change,field", [
    ({"eventTypes": ["google.workspace.meet.conference.v2.paused"]}, "subscription.event_types"),
    ({"eventTypes": ["google.workspace.events.subscription.v1.expired"]}, "subscription.event_types"),
    ({"eventTypes": []}, "subscription.event_types"),
    ({"targetResource": "spaces/abc"}, "subscription.target_resource"),
    ({"targetResource": "//meet.googleapis.com/spaces/abc/members/x"}, "subscription.target_resource"),
    ({"targetResource": ""}, "subscription.target_resource"),
    ({"notificationEndpoint": {"pubsubTopic": "meet-events"}}, "subscription.notification_endpoint.pubsub_topic"),
    ({"notificationEndpoint": {}}, "subscription.notification_endpoint.pubsub_topic"),
    ({"payloadOptions": {"includeResource": True}}, "subscription.payload_options.include_resource"),
    ({"ttl": "604801s"}, "subscription.ttl"),
    ({"ttl": "1 day"}, "subscription.ttl"),
    ({"ttl": "3600s", "expireTime": "2999-01-01T00:00:00Z"}, "subscription.ttl"),
    ({"expireTime": "2001-01-01T00:00:00Z"}, "subscription.expire_time"),
])
def test_invalid_subscriptions_are_400(world: World, change: dict[str, Any], field: str) -> None:
    alice = organizer(world.emulator)
    error = expect_error(alice.events.subscriptions().create(body={**subscription_body(alice.target), **change}),
                         400, "INVALID_ARGUMENT")
    assert error["details"][0]["fieldViolations"][0]["field"] == field


@pytest.mark.parametrize("topic,reason", [
    ("meet-events", "the format is projects/{project}/topics/{topic}"),
    ("projects/p/topics/meet-events", "a project id has 6 to 30"),  # 1 character
    ("projects/abcde/topics/meet-events", "a project id has 6 to 30"),  # 5
    ("projects/" + "a" * 31 + "/topics/meet-events", "a project id has 6 to 30"),
    ("projects/My-Project/topics/meet-events", "must start with a lowercase letter"),
    ("projects/1project/topics/meet-events", "must start with a lowercase letter"),
    ("projects/my-project-/topics/meet-events", "not ending with a hyphen"),
    ("projects/my_project/topics/meet-events", "only lowercase letters, digits and hyphens"),
    ("projects/my-project/topics/ab", "a topic id has 3 to 255"),
    ("projects/my-project/topics/google-events", 'must not start with "goog"'),
    ("projects/my-project/topics/1events", "must start with a letter"),
])
def test_a_bad_topic_is_refused_for_its_reason(world: World, topic: str, reason: str) -> None:
    alice = organizer(world.emulator)
    body = {**subscription_body(alice.target), "notificationEndpoint": {"pubsubTopic": topic}}
    error = expect_error(alice.events.subscriptions().create(body=body), 400, "INVALID_ARGUMENT")
    assert reason in error["message"], error["message"]
    assert error["details"][0]["fieldViolations"][0]["field"] == "subscription.notification_endpoint.pubsub_topic"


def test_the_shortest_and_longest_project_ids_are_accepted(world: World) -> None:
    alice = organizer(world.emulator)
    for project in ("abcdef", "a" + "b" * 28 + "c"):
        body = {**subscription_body(alice.target), "notificationEndpoint": {
            "pubsubTopic": f"projects/{project}/topics/meet-events"}}
        assert alice.events.subscriptions().create(body=body).execute()["done"]
        alice.events.subscriptions().delete(name=alice.events.subscriptions().list(
            filter=f'event_types:"{STARTED}"').execute()["subscriptions"][0]["name"]).execute()


def test_unknown_fields_and_bad_enums_are_rejected_by_the_parser(world: World) -> None:
    alice = organizer(world.emulator)
    error = expect_error(alice.events.subscriptions().create(body={**subscription_body(alice.target), "colour": 1}),
                         400, "INVALID_ARGUMENT")
    assert "colour" in error["message"]


def test_chat_targets_are_not_emulated(world: World) -> None:
    alice = organizer(world.emulator)
    expect_error(alice.events.subscriptions().create(
        body=subscription_body("//chat.googleapis.com/spaces/AAA", ["google.workspace.chat.message.v1.created"])),
        501, "UNIMPLEMENTED")


def test_ttl_sets_the_expiry_and_zero_means_the_maximum(world: World) -> None:
    alice = organizer(world.emulator)
    now = world.emulator.state.clock.time()
    created = subscribe(alice, ttl="3600s")
    assert abs(parse_rfc3339(created["expireTime"]) - (now + 3600)) < 5
    alice.events.subscriptions().delete(name=created["name"]).execute()
    created = subscribe(alice, ttl="0s")
    assert abs(parse_rfc3339(created["expireTime"]) - (now + 7 * DAY)) < 5
    alice.events.subscriptions().delete(name=created["name"]).execute()
    moment = rfc3339(round(now + 2 * DAY))
    assert subscribe(alice, expireTime=moment)["expireTime"] == moment


# -- who may subscribe ---------------------------------------------------------------------------------
def test_meet_targets_need_user_authentication(world: World) -> None:
    alice = organizer(world.emulator)
    info = world.emulator.service_account_info("robot@emulated-project.iam.gserviceaccount.com")
    from emulator.clients import service_account_credentials

    robot = events_client(world.emulator, service_account_credentials(info, [MEET_SCOPE]))
    error = expect_error(robot.subscriptions().create(body=subscription_body(alice.target)), 403, "PERMISSION_DENIED")
    assert "user" in error["message"]


def test_the_user_must_see_the_space(world: World) -> None:
    alice = organizer(world.emulator)
    mallory = events_client(world.emulator, organizer(world.emulator, "mallory@example.com").creds)
    expect_error(mallory.subscriptions().create(body=subscription_body(alice.target)), 403, "PERMISSION_DENIED")
    # meetings.space.created reaches only spaces created through the same OAuth client.
    alice_elsewhere = events_client(world.emulator, world.emulator.authorize("alice@example.com",
                                                                             client_id=OTHER_CLIENT))
    expect_error(alice_elsewhere.subscriptions().create(body=subscription_body(alice.target)), 403,
                 "PERMISSION_DENIED")
    # meetings.space.readonly reaches any space the user can see.
    alice_readonly = events_client(world.emulator, world.emulator.authorize(
        "alice@example.com", scopes=[READONLY_SCOPE], client_id=OTHER_CLIENT))
    assert alice_readonly.subscriptions().create(body=subscription_body(alice.target)).execute()["done"]
    # A space that does not exist.
    expect_error(alice.events.subscriptions().create(body=subscription_body("//meet.googleapis.com/spaces/nope")),
                 404, "NOT_FOUND")


def test_scopes_and_tokens(world: World) -> None:
    alice = organizer(world.emulator)
    drive_only = events_client(world.emulator, world.emulator.authorize(
        "alice@example.com", scopes=["https://www.googleapis.com/auth/drive.readonly"]))
    error = expect_error(drive_only.subscriptions().create(body=subscription_body(alice.target)), 403,
                         "PERMISSION_DENIED")
    assert error["details"][0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
    anonymous = requests.post(f"{world.emulator.url}/v1/subscriptions", json=subscription_body(alice.target),
                              timeout=10)
    assert anonymous.status_code == 401 and anonymous.json()["error"]["status"] == "UNAUTHENTICATED"


def test_user_targets_are_the_callers_own(world: World) -> None:
    alice = organizer(world.emulator)
    user_id = alice.user["name"].split("/")[1]
    body = subscription_body(f"//cloudidentity.googleapis.com/users/{user_id}", [STARTED])
    created = alice.events.subscriptions().create(body=body).execute()["response"]
    assert created["name"].startswith("subscriptions/meet-users-")
    bob = organizer(world.emulator, "bob@example.com")
    expect_error(bob.events.subscriptions().create(body=body), 403, "PERMISSION_DENIED")


# -- get / list ------------------------------------------------------------------------------------------
def test_others_cannot_read_or_change_a_subscription(world: World) -> None:
    alice = organizer(world.emulator)
    name = subscribe(alice)["name"]
    bob = organizer(world.emulator, "bob@example.com").events.subscriptions()
    expect_error(bob.get(name=name), 403, "PERMISSION_DENIED")
    expect_error(bob.patch(name=name, updateMask="ttl", body={"ttl": "60s"}), 403, "PERMISSION_DENIED")
    expect_error(bob.delete(name=name), 403, "PERMISSION_DENIED")
    expect_error(bob.reactivate(name=name, body={}), 403, "PERMISSION_DENIED")
    expect_error(alice.events.subscriptions().get(name="subscriptions/nope"), 404, "NOT_FOUND")
    expect_error(alice.events.operations().get(name="operations/nope"), 404, "NOT_FOUND")


def test_list_filters_and_pages(world: World) -> None:
    alice = organizer(world.emulator)
    second = world.emulator.meet(alice.creds).spaces().create(body={}).execute()
    third = world.emulator.meet(alice.creds).spaces().create(body={}).execute()
    a = subscribe(alice, [STARTED, ENDED])
    b = alice.events.subscriptions().create(body=subscription_body(
        f"//meet.googleapis.com/{second['name']}", [JOINED])).execute()["response"]
    c = alice.events.subscriptions().create(body=subscription_body(
        f"//meet.googleapis.com/{third['name']}", [LEFT, STARTED])).execute()["response"]
    listing = alice.events.subscriptions()

    def names(query: str, **kwargs: Any) -> list[str]:
        reply = listing.list(filter=query, **kwargs).execute()
        for subscription in reply.get("subscriptions", []):
            validate("Subscription", subscription)
        return [s["name"] for s in reply.get("subscriptions", [])]

    assert names(f'event_types:"{STARTED}"') == [a["name"], c["name"]]
    assert names(f'event_types:"{JOINED}" OR event_types:"{LEFT}"') == [b["name"], c["name"]]
    assert names(f'event_types:"{STARTED}" AND target_resource="{alice.target}"') == [a["name"]]
    assert names(f'(event_types:"{JOINED}" OR event_types:"{STARTED}") AND '
                 f'target_resource="//meet.googleapis.com/{third["name"]}"') == [c["name"]]
    assert names(f'event_types:"{RECORDING_TYPE}"') == []
    first_page = listing.list(filter=f'event_types:"{STARTED}" OR event_types:"{JOINED}"', pageSize=2).execute()
    assert len(first_page["subscriptions"]) == 2 and first_page["nextPageToken"]
    rest = listing.list(filter=f'event_types:"{STARTED}" OR event_types:"{JOINED}"', pageSize=2,
                        pageToken=first_page["nextPageToken"]).execute()
    assert [s["name"] for s in rest["subscriptions"]] == [c["name"]] and "nextPageToken" not in rest
    # Another user sees none of them.
    bob = organizer(world.emulator, "bob@example.com")
    assert bob.events.subscriptions().list(filter=f'event_types:"{STARTED}"').execute().get("subscriptions", []) == []


RECORDING_TYPE = "google.workspace.meet.recording.v2.fileGenerated"


@pytest.mark.parametrize("query", [
    "", 'target_resource="//meet.googleapis.com/spaces/x"', 'event_types="x"', 'event_types:"x" AND',
    'event_types:"x" OR (', 'colour:"red"', 'event_types:"x" NOT target_resource="y"', 'target_resource:"y"',
])
def test_invalid_list_filters_are_400(world: World, query: str) -> None:
    alice = organizer(world.emulator)
    expect_error(alice.events.subscriptions().list(filter=query), 400, "INVALID_ARGUMENT")


def test_filter_precedence_follows_aip_160() -> None:
    # OR binds tighter than AND: a AND b OR c == a AND (b OR c).
    match = list_filter.matcher(list_filter.parse('target_resource="t" AND event_types:"b" OR event_types:"c"'))
    assert match(["c"], "t") and not match(["c"], "u") and not match(["a"], "t")
    with pytest.raises(ApiError):
        list_filter.parse('target_resource="t"')


# -- patch ------------------------------------------------------------------------------------------------
def test_patch_renews_and_changes_event_types(world: World) -> None:
    alice = organizer(world.emulator)
    created = subscribe(alice, [STARTED], ttl="3600s")
    subscriptions = alice.events.subscriptions()
    world.advance(600)
    now = world.emulator.state.clock.time()
    operation = subscriptions.patch(name=created["name"], updateMask="ttl", body={"ttl": "86400s"}).execute()
    validate("Operation", operation)
    assert operation["metadata"]["@type"].endswith("UpdateSubscriptionMetadata")
    renewed = operation["response"]
    assert abs(parse_rfc3339(renewed["expireTime"]) - (now + 86400)) < 5
    assert renewed["updateTime"] != created["updateTime"] and renewed["etag"] != created["etag"]
    moment = rfc3339(round(now + 3 * DAY))
    patched = subscriptions.patch(name=created["name"], updateMask="expire_time,event_types",
                                  body={"expireTime": moment, "eventTypes": [JOINED, LEFT]}).execute()["response"]
    assert patched["expireTime"] == moment and patched["eventTypes"] == [JOINED, LEFT]
    # Without a mask: the fields present. ttl 0s: the maximum.
    patched = subscriptions.patch(name=created["name"], body={"ttl": "0s"}).execute()["response"]
    assert abs(parse_rfc3339(patched["expireTime"]) - (now + 7 * DAY)) < 5
    assert subscriptions.get(name=created["name"]).execute() == {k: v for k, v in patched.items() if k != "@type"}


@pytest.mark.parametrize("mask,body,status,reason", [
    ("target_resource", {"targetResource": "//meet.googleapis.com/spaces/x"}, 400, "INVALID_ARGUMENT"),
    ("notification_endpoint", {"notificationEndpoint": {"pubsubTopic": TOPIC}}, 400, "INVALID_ARGUMENT"),
    ("state", {}, 400, "INVALID_ARGUMENT"),
    ("ttl", {"ttl": "700000s"}, 400, "INVALID_ARGUMENT"),
    ("event_types", {"eventTypes": []}, 400, "INVALID_ARGUMENT"),
    ("event_types", {"eventTypes": ["google.workspace.chat.message.v1.created"]}, 400, "INVALID_ARGUMENT"),
    ("ttl", {"ttl": "60s", "etag": '"stale"'}, 409, "ABORTED"),
    (None, {"targetResource": "//meet.googleapis.com/spaces/other"}, 400, "INVALID_ARGUMENT"),
])
def test_invalid_patches(world: World, mask: str | None, body: dict[str, Any], status: int, reason: str) -> None:
    alice = organizer(world.emulator)
    name = subscribe(alice)["name"]
    kwargs = {"updateMask": mask} if mask else {}
    expect_error(alice.events.subscriptions().patch(name=name, body=body, **kwargs), status, reason)
    assert alice.events.subscriptions().get(name=name).execute()["eventTypes"] == ALL_MEET


def test_patch_with_the_current_etag_and_validate_only(world: World) -> None:
    alice = organizer(world.emulator)
    created = subscribe(alice, [STARTED])
    subscriptions = alice.events.subscriptions()
    preview = subscriptions.patch(name=created["name"], updateMask="event_types", validateOnly=True,
                                  body={"eventTypes": [ENDED]}).execute()["response"]
    assert preview["eventTypes"] == [ENDED]
    assert subscriptions.get(name=created["name"]).execute() == created
    done = subscriptions.patch(name=created["name"], updateMask="event_types",
                               body={"eventTypes": [ENDED], "etag": created["etag"]}).execute()
    assert done["response"]["eventTypes"] == [ENDED]


# -- delete / reactivate ---------------------------------------------------------------------------------------
def test_delete(world: World) -> None:
    alice = organizer(world.emulator)
    created = subscribe(alice)
    subscriptions = alice.events.subscriptions()
    expect_error(subscriptions.delete(name=created["name"], etag='"stale"'), 409, "ABORTED")
    preview = subscriptions.delete(name=created["name"], validateOnly=True).execute()
    assert preview["done"] and subscriptions.get(name=created["name"]).execute()["state"] == "ACTIVE"
    operation = subscriptions.delete(name=created["name"], etag=created["etag"]).execute()
    validate("Operation", operation)
    assert operation["metadata"]["@type"].endswith("DeleteSubscriptionMetadata")
    assert operation["response"] == {"@type": "type.googleapis.com/google.protobuf.Empty"}
    expect_error(subscriptions.get(name=created["name"]), 404, "NOT_FOUND")
    expect_error(subscriptions.delete(name=created["name"]), 404, "NOT_FOUND")
    assert subscriptions.delete(name=created["name"], allowMissing=True).execute()["done"] is True


def test_reactivate_needs_a_suspended_subscription(world: World) -> None:
    alice = organizer(world.emulator)
    created = subscribe(alice)
    error = expect_error(alice.events.subscriptions().reactivate(name=created["name"], body={}), 400,
                         "FAILED_PRECONDITION")
    assert "ACTIVE" in error["message"]


def test_calls_are_logged_and_faults_injectable(world: World) -> None:
    alice = organizer(world.emulator)
    world.control("POST", "faults", {"api": "workspaceevents", "method": "subscriptions.create", "status": 503})
    expect_error(alice.events.subscriptions().create(body=subscription_body(alice.target)), 503, "UNAVAILABLE")
    subscribe(alice)
    calls = [c["method"] for c in world.emulator.calls("workspaceevents")]
    assert calls == ["subscriptions.create", "subscriptions.create"]


# -- event types the project may not use (a preview type outside the Developer Preview Program) ----
def test_a_refused_event_type_is_permission_denied_on_create_and_update_until_allowed(world: World) -> None:
    assert world.control("GET", "events/settings") == {"refusedEventTypes": []}
    assert world.control("POST", "events/settings", {"refusedEventTypes": [SMART_NOTE]}) == {
        "refusedEventTypes": [SMART_NOTE]}
    alice = organizer(world.emulator)
    error = expect_error(alice.events.subscriptions().create(body=subscription_body(alice.target)),
                         403, "PERMISSION_DENIED")
    assert SMART_NOTE in error["message"] and "Developer Preview" in error["message"]
    assert world.control("GET", "events/subscriptions")["subscriptions"] == []  # nothing was made
    without = [t for t in ALL_MEET if t != SMART_NOTE]
    created = subscribe(alice, without)
    assert created["eventTypes"] == without
    expect_error(alice.events.subscriptions().patch(name=created["name"], updateMask="eventTypes",
                                                    body={"eventTypes": ALL_MEET}), 403, "PERMISSION_DENIED")
    world.control("POST", "events/settings", {"refusedEventTypes": []})
    patched = alice.events.subscriptions().patch(name=created["name"], updateMask="eventTypes",
                                                 body={"eventTypes": ALL_MEET}).execute()
    assert patched["response"]["eventTypes"] == ALL_MEET


def test_events_settings_are_checked_and_cleared_by_a_reset(world: World) -> None:
    for body in ({"refusedEventTypes": ["google.workspace.chat.message.v1.created"]}, {"refusedEventTypes": "x"},
                 {"refused": []}):
        assert world.control("POST", "events/settings", body, expect=400)["error"]["status"] == "INVALID_ARGUMENT"
    world.control("POST", "events/settings", {"refusedEventTypes": [SMART_NOTE]})
    world.control("POST", "reset")
    assert world.control("GET", "events/settings") == {"refusedEventTypes": []}
