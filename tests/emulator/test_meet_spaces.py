"""Meet v2 spaces and spaces.members through google-api-python-client and the GAPIC REST client."""

from __future__ import annotations

import re

import pytest
from google.apps import meet_v2
from google.api_core import exceptions as core_exceptions
from google.protobuf import field_mask_pb2

from emulator import schema
from emulator.meet.model import DEFAULT_CONFIG
from tests.emulator.test_meet_support import (
    OTHER_CLIENT, READONLY_SCOPE, SETTINGS_SCOPE, end, expect_error, join, person, raw, validate, walk_enums,
)
from tests.support import MEET_SCOPE, Emulator


@pytest.fixture
def alice(emulator: Emulator):  # type: ignore[no-untyped-def]
    _, creds = person(emulator, "alice@example.com", "Alice Liddell")
    return creds


# -- spaces.create / get -------------------------------------------------------------------
def test_create_returns_a_complete_space_with_google_defaults(emulator: Emulator, alice) -> None:
    space = validate("Space", emulator.meet(alice).spaces().create(body={}).execute(), optional=("gatewaySipAccess",))
    assert re.fullmatch(r"spaces/[A-Za-z0-9]{12}", space["name"])
    assert re.fullmatch(r"[a-z]{3}-[a-z]{4}-[a-z]{3}", space["meetingCode"])
    assert space["meetingUri"] == f"https://meet.google.com/{space['meetingCode']}"
    assert space["config"] == DEFAULT_CONFIG
    assert space["config"]["accessType"] == "TRUSTED" and space["config"]["entryPointAccess"] == "ALL"
    assert not any(str(value).endswith("UNSPECIFIED") for value in walk_enums(space))
    assert "activeConference" not in space
    validate("PhoneAccess", space["phoneAccess"][0], optional=())
    assert space["phoneAccess"][0]["phoneNumber"].startswith("+")


def test_create_keeps_given_config_and_fills_the_rest(emulator: Emulator, alice) -> None:
    body = {"config": {"accessType": "RESTRICTED", "entryPointAccess": "CREATOR_APP_ONLY",
                       "moderation": "ON", "moderationRestrictions": {"chatRestriction": "HOSTS_ONLY"},
                       "attendanceReportGenerationType": "ATTENDANCE_REPORT_GENERATION_TYPE_UNSPECIFIED",
                       "artifactConfig": {"recordingConfig": {"autoRecordingGeneration": "ON"}}},
            "meetingCode": "zzz-zzzz-zzz", "name": "spaces/chosenByMe12"}
    space = emulator.meet(alice).spaces().create(body=body).execute()
    config = space["config"]
    assert config["accessType"] == "RESTRICTED" and config["entryPointAccess"] == "CREATOR_APP_ONLY"
    assert config["moderation"] == "ON"
    assert config["moderationRestrictions"] == {
        "chatRestriction": "HOSTS_ONLY", "reactionRestriction": "NO_RESTRICTION",
        "presentRestriction": "NO_RESTRICTION", "defaultJoinAsViewerType": "OFF"}
    assert config["attendanceReportGenerationType"] == "DO_NOT_GENERATE"  # UNSPECIFIED in -> the default out
    assert config["artifactConfig"]["recordingConfig"] == {"autoRecordingGeneration": "ON"}
    assert config["artifactConfig"]["transcriptionConfig"] == {"autoTranscriptionGeneration": "OFF"}
    # Output-only and immutable fields of the request are ignored.
    assert space["meetingCode"] != "zzz-zzzz-zzz" and space["name"] != "spaces/chosenByMe12"


def test_create_rejects_unknown_fields_and_bad_enums(emulator: Emulator, alice) -> None:
    meet = emulator.meet(alice)
    error = expect_error(meet.spaces().create(body={"config": {"acessType": "OPEN"}}), 400, "INVALID_ARGUMENT")
    assert "acessType" in error["message"]
    expect_error(meet.spaces().create(body={"config": {"accessType": "WIDE_OPEN"}}), 400, "INVALID_ARGUMENT")
    response = raw(emulator, alice, "POST", "spaces", data="{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["error"]["status"] == "INVALID_ARGUMENT"


def test_get_by_name_and_by_meeting_code_in_any_case(emulator: Emulator, alice) -> None:
    meet = emulator.meet(alice)
    space = meet.spaces().create(body={}).execute()
    for name in (space["name"], f"spaces/{space['meetingCode']}", f"spaces/{space['meetingCode'].upper()}"):
        got = validate("Space", meet.spaces().get(name=name).execute(), optional=("gatewaySipAccess",))
        assert got["name"] == space["name"] and got["config"] == space["config"]
    expect_error(meet.spaces().get(name="spaces/nosuchspace1"), 404, "NOT_FOUND")
    expect_error(meet.spaces().get(name="spaces/abc-defg-hij"), 404, "NOT_FOUND")
    # Space ids are case sensitive.
    expect_error(meet.spaces().get(name=space["name"].swapcase().replace("SPACES", "spaces")), 404, "NOT_FOUND")


def test_get_shows_the_active_conference_while_it_runs(emulator: Emulator, alice) -> None:
    meet = emulator.meet(alice)
    space = meet.spaces().create(body={}).execute()
    joined = join(emulator, space["meetingCode"], anonymous="Visitor")
    running = meet.spaces().get(name=space["name"]).execute()
    assert running["activeConference"] == {"conferenceRecord": joined["conferenceRecord"]}
    validate("ActiveConference", running["activeConference"])
    end(emulator, space["name"])
    assert "activeConference" not in meet.spaces().get(name=space["name"]).execute()


# -- spaces.patch -------------------------------------------------------------------------------
def test_patch_with_update_mask_changes_only_the_named_fields(emulator: Emulator, alice) -> None:
    meet = emulator.meet(alice)
    space = meet.spaces().create(body={"config": {"moderation": "ON"}}).execute()
    patched = meet.spaces().patch(name=space["name"], updateMask="config.accessType",
                                  body={"config": {"accessType": "OPEN", "moderation": "OFF"}}).execute()
    validate("Space", patched, optional=("gatewaySipAccess",))
    assert patched["config"]["accessType"] == "OPEN"
    assert patched["config"]["moderation"] == "ON"  # not in the mask: untouched
    snake = meet.spaces().patch(name=space["name"], updateMask="config.artifact_config.recording_config",
                                body={"config": {"artifactConfig": {"recordingConfig": {
                                    "autoRecordingGeneration": "ON"}}}}).execute()
    assert snake["config"]["artifactConfig"]["recordingConfig"]["autoRecordingGeneration"] == "ON"
    assert meet.spaces().get(name=space["name"]).execute()["config"] == snake["config"]


def test_patch_without_mask_updates_provided_fields_and_star_resets_the_rest(emulator: Emulator, alice) -> None:
    meet = emulator.meet(alice)
    space = meet.spaces().create(body={"config": {"accessType": "OPEN", "moderation": "ON"}}).execute()
    merged = meet.spaces().patch(name=space["name"],
                                 body={"config": {"entryPointAccess": "CREATOR_APP_ONLY"}}).execute()
    assert merged["config"]["accessType"] == "OPEN" and merged["config"]["moderation"] == "ON"
    assert merged["config"]["entryPointAccess"] == "CREATOR_APP_ONLY"
    replaced = meet.spaces().patch(name=space["name"], updateMask="*",
                                   body={"config": {"accessType": "RESTRICTED"}}).execute()
    assert replaced["config"] == {**DEFAULT_CONFIG, "accessType": "RESTRICTED"}


def test_moderation_off_resets_moderation_restrictions(emulator: Emulator, alice) -> None:
    meet = emulator.meet(alice)
    space = meet.spaces().create(body={"config": {"moderation": "ON", "moderationRestrictions": {
        "presentRestriction": "HOSTS_ONLY", "defaultJoinAsViewerType": "ON"}}}).execute()
    assert space["config"]["moderationRestrictions"]["presentRestriction"] == "HOSTS_ONLY"
    off = meet.spaces().patch(name=space["name"], updateMask="config.moderation",
                              body={"config": {"moderation": "OFF"}}).execute()
    assert off["config"]["moderationRestrictions"] == DEFAULT_CONFIG["moderationRestrictions"]


@pytest.mark.parametrize("mask", ["meetingCode", "meeting_uri", "name", "active_conference", "config.colour", "bogus"])
def test_patch_rejects_bad_and_immutable_mask_paths(emulator: Emulator, alice, mask: str) -> None:
    meet = emulator.meet(alice)
    space = meet.spaces().create(body={}).execute()
    error = expect_error(meet.spaces().patch(name=space["name"], updateMask=mask, body={"config": {}}),
                         400, "INVALID_ARGUMENT")
    assert "mask" in error["message"]


def test_patch_and_end_take_the_space_id_not_the_meeting_code(emulator: Emulator, alice) -> None:
    meet = emulator.meet(alice)
    space = meet.spaces().create(body={}).execute()
    alias = f"spaces/{space['meetingCode']}"
    expect_error(meet.spaces().patch(name=alias, body={"config": {"accessType": "OPEN"}}), 400, "INVALID_ARGUMENT")
    expect_error(meet.spaces().endActiveConference(name=alias, body={}), 400, "INVALID_ARGUMENT")
    expect_error(meet.spaces().patch(name="spaces/missing12345", body={}), 404, "NOT_FOUND")


# -- spaces.endActiveConference -----------------------------------------------------------------
def test_end_active_conference_ends_it_and_is_harmless_without_one(emulator: Emulator, alice) -> None:
    meet = emulator.meet(alice)
    space = meet.spaces().create(body={}).execute()
    assert meet.spaces().endActiveConference(name=space["name"], body={}).execute() == {}
    record = join(emulator, space["name"], user="alice@example.com")["conferenceRecord"]
    assert meet.spaces().endActiveConference(name=space["name"]).execute() == {}
    ended = validate("ConferenceRecord", meet.conferenceRecords().get(name=record).execute())
    assert ended["endTime"] >= ended["startTime"]
    assert "activeConference" not in meet.spaces().get(name=space["name"]).execute()


# -- enum encodings -----------------------------------------------------------------------------
def test_int_enum_encoding_in_responses_and_requests(emulator: Emulator, alice) -> None:
    query = {"$alt": "json;enum-encoding=int"}
    created = raw(emulator, alice, "POST", "spaces", params=query,
                  json={"config": {"accessType": 3, "moderation": 2, "artifactConfig": {
                      "transcriptionConfig": {"autoTranscriptionGeneration": 1}}}})
    assert created.status_code == 200, created.text
    config = created.json()["config"]
    assert config["accessType"] == 3 and config["entryPointAccess"] == 1 and config["moderation"] == 2
    assert config["artifactConfig"]["transcriptionConfig"]["autoTranscriptionGeneration"] == 1
    assert config["attendanceReportGenerationType"] == 2  # DO_NOT_GENERATE
    name = created.json()["name"]
    named = raw(emulator, alice, "GET", name).json()["config"]
    assert named["accessType"] == "RESTRICTED" and named["moderation"] == "ON"
    assert named["artifactConfig"]["transcriptionConfig"]["autoTranscriptionGeneration"] == "ON"
    bad = raw(emulator, alice, "POST", "spaces", params=query, json={"config": {"accessType": 9}})
    assert bad.status_code == 400 and bad.json()["error"]["status"] == "INVALID_ARGUMENT"


def test_gapic_rest_client_drives_spaces_and_members(emulator: Emulator, alice) -> None:
    person(emulator, "carol@example.com")
    client = meet_v2.SpacesServiceClient(credentials=alice, transport="rest",
                                         client_options={"api_endpoint": emulator.url})
    space = client.create_space(request={"space": {"config": {"access_type": meet_v2.SpaceConfig.AccessType.OPEN}}})
    assert space.config.access_type == meet_v2.SpaceConfig.AccessType.OPEN
    assert space.config.moderation == meet_v2.SpaceConfig.Moderation.OFF
    assert space.meeting_uri.endswith(space.meeting_code)
    fetched = client.get_space(name=f"spaces/{space.meeting_code}")
    assert fetched.name == space.name
    updated = client.update_space(space=meet_v2.Space(name=space.name, config=meet_v2.SpaceConfig(
        access_type=meet_v2.SpaceConfig.AccessType.TRUSTED)), update_mask=field_mask_pb2.FieldMask(
        paths=["config.access_type"]))
    assert updated.config.access_type == meet_v2.SpaceConfig.AccessType.TRUSTED
    member = client.create_member(parent=space.name, member=meet_v2.Member(email="carol@example.com",
                                                                            role=meet_v2.Member.Role.COHOST))
    assert member.role == meet_v2.Member.Role.COHOST and member.name.startswith(space.name + "/members/")
    assert [m.email for m in client.list_members(parent=space.name)] == ["carol@example.com"]
    assert client.get_member(name=member.name).email == "carol@example.com"
    join(emulator, space.name, user="carol@example.com")
    client.end_active_conference(name=space.name)
    assert not client.get_space(name=space.name).active_conference.conference_record
    client.delete_member(name=member.name)
    with pytest.raises(core_exceptions.NotFound):
        client.get_member(name=member.name)


# -- auth rules ---------------------------------------------------------------------------------
def test_created_scope_sees_only_spaces_of_its_own_oauth_client(emulator: Emulator, alice) -> None:
    space = emulator.meet(alice).spaces().create(body={}).execute()
    other_app = emulator.authorize("alice@example.com", client_id=OTHER_CLIENT)
    meet = emulator.meet(other_app)
    for call in (meet.spaces().get(name=space["name"]), meet.spaces().get(name=f"spaces/{space['meetingCode']}"),
                 meet.spaces().patch(name=space["name"], body={"config": {"accessType": "OPEN"}}),
                 meet.spaces().endActiveConference(name=space["name"], body={}),
                 meet.spaces().members().list(parent=space["name"])):
        expect_error(call, 403, "PERMISSION_DENIED")
    # The other app still has its own spaces.
    assert meet.spaces().get(name=meet.spaces().create(body={}).execute()["name"]).execute()


def test_readonly_and_settings_scopes_reach_spaces_of_any_app(emulator: Emulator, alice) -> None:
    space = emulator.meet(alice).spaces().create(body={}).execute()
    reader = emulator.meet(emulator.authorize("alice@example.com", scopes=[READONLY_SCOPE], client_id=OTHER_CLIENT))
    assert reader.spaces().get(name=space["name"]).execute()["config"] == space["config"]
    expect_error(reader.spaces().patch(name=space["name"], body={}), 403, "PERMISSION_DENIED")  # no scope for it
    expect_error(reader.spaces().create(body={}), 403, "PERMISSION_DENIED")
    settings = emulator.meet(emulator.authorize("alice@example.com", scopes=[SETTINGS_SCOPE], client_id=OTHER_CLIENT))
    patched = settings.spaces().patch(name=space["name"], updateMask="config.access_type",
                                      body={"config": {"accessType": "OPEN"}}).execute()
    assert patched["config"]["accessType"] == "OPEN"
    expect_error(settings.spaces().endActiveConference(name=space["name"], body={}), 403, "PERMISSION_DENIED")


def test_only_owner_or_cohost_may_change_a_space(emulator: Emulator, alice) -> None:
    meet = emulator.meet(alice)
    space = meet.spaces().create(body={}).execute()
    _, bob = person(emulator, "bob@example.com")
    _, carol = person(emulator, "carol@example.com")
    meet.spaces().members().create(parent=space["name"],
                                   body={"email": "carol@example.com", "role": "COHOST"}).execute()
    stranger = emulator.meet(bob)
    public = stranger.spaces().get(name=space["name"]).execute()
    assert set(public) == {"name", "meetingUri", "meetingCode", "phoneAccess"}  # no settings for others
    expect_error(stranger.spaces().patch(name=space["name"], body={"config": {"accessType": "OPEN"}}),
                 403, "PERMISSION_DENIED")
    join(emulator, space["name"], user="bob@example.com")
    in_call = stranger.spaces().get(name=space["name"]).execute()
    assert "activeConference" in in_call and "config" not in in_call
    expect_error(stranger.spaces().endActiveConference(name=space["name"], body={}), 403, "PERMISSION_DENIED")
    expect_error(stranger.spaces().members().create(parent=space["name"], body={"email": "x@example.com"}),
                 403, "PERMISSION_DENIED")

    cohost = emulator.meet(carol)
    assert cohost.spaces().get(name=space["name"]).execute()["config"] == space["config"]
    locked = cohost.spaces().patch(name=space["name"], updateMask="config.accessType",
                                   body={"config": {"accessType": "RESTRICTED"}}).execute()
    assert locked["config"]["accessType"] == "RESTRICTED"
    # Co-hosts cannot configure auto artifacts or moderation.
    expect_error(cohost.spaces().patch(name=space["name"], updateMask="config.artifactConfig",
                                       body={"config": {"artifactConfig": {"recordingConfig": {
                                           "autoRecordingGeneration": "ON"}}}}), 403, "PERMISSION_DENIED")
    expect_error(cohost.spaces().patch(name=space["name"], body={"config": {"moderation": "ON"}}),
                 403, "PERMISSION_DENIED")
    assert cohost.spaces().endActiveConference(name=space["name"], body={}).execute() == {}
    assert "activeConference" not in meet.spaces().get(name=space["name"]).execute()


def test_service_accounts_cannot_use_meet(emulator: Emulator) -> None:
    robot = emulator.app_credentials(scopes=[MEET_SCOPE])
    error = expect_error(emulator.meet(robot).spaces().create(body={}), 403, "PERMISSION_DENIED")
    assert "user credentials" in error["message"]


def test_missing_token_and_scope_errors_come_from_the_dispatcher(emulator: Emulator, alice) -> None:
    space = emulator.meet(alice).spaces().create(body={}).execute()
    assert raw(emulator, None, "GET", space["name"]).status_code == 401
    _, reader = person(emulator, "dan@example.com", scopes=[READONLY_SCOPE])
    response = raw(emulator, reader, "POST", f"{space['name']}/members", json={"email": "e@example.com"})
    assert response.status_code == 403
    assert response.json()["error"]["details"][0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"


# -- spaces.members -----------------------------------------------------------------------------
def test_members_create_get_list_patch_delete(emulator: Emulator, alice) -> None:
    meet = emulator.meet(alice)
    space = meet.spaces().create(body={}).execute()
    members = meet.spaces().members()
    cohost = validate("Member", members.create(parent=space["name"], body={"email": "Carol@Example.com",
                                                                           "role": "COHOST"}).execute())
    assert re.fullmatch(re.escape(space["name"]) + r"/members/[A-Za-z0-9]+", cohost["name"])
    assert cohost["email"] == "carol@example.com" and cohost["role"] == "COHOST"
    plain = members.create(parent=space["name"], body={"email": "dave@example.com"}).execute()
    assert "role" not in plain  # ROLE_UNSPECIFIED is the default, left out as proto3 JSON does
    assert members.get(name=cohost["name"]).execute() == cohost
    listed = members.list(parent=space["name"]).execute()
    assert [m["email"] for m in listed["members"]] == ["carol@example.com", "dave@example.com"]
    assert "nextPageToken" not in listed
    validate("ListMembersResponse", listed)
    promoted = members.patch(name=plain["name"], updateMask="role", body={"role": "COHOST"}).execute()
    assert promoted["role"] == "COHOST"
    demoted = members.patch(name=plain["name"], updateMask="*", body={}).execute()
    assert "role" not in demoted
    assert members.delete(name=plain["name"]).execute() == {}
    expect_error(members.get(name=plain["name"]), 404, "NOT_FOUND")
    expect_error(members.delete(name=plain["name"]), 404, "NOT_FOUND")


def test_member_errors(emulator: Emulator, alice) -> None:
    meet = emulator.meet(alice)
    space = meet.spaces().create(body={}).execute()
    members = meet.spaces().members()
    member = members.create(parent=space["name"], body={"email": "carol@example.com"}).execute()
    expect_error(members.create(parent=space["name"], body={"email": "CAROL@example.com"}), 409, "ALREADY_EXISTS")
    expect_error(members.create(parent=space["name"], body={"role": "COHOST"}), 400, "INVALID_ARGUMENT")
    expect_error(members.create(parent=space["name"], body={"email": "not-an-email"}), 400, "INVALID_ARGUMENT")
    expect_error(members.create(parent=space["name"], body={"email": "x@example.com", "role": "BOSS"}),
                 400, "INVALID_ARGUMENT")
    expect_error(members.patch(name=member["name"], updateMask="email", body={"email": "z@example.com"}),
                 400, "INVALID_ARGUMENT")
    expect_error(members.patch(name=member["name"], updateMask="colour", body={}), 400, "INVALID_ARGUMENT")
    expect_error(members.get(name=f"{space['name']}/members/nobody"), 404, "NOT_FOUND")
    expect_error(members.list(parent="spaces/missing12345"), 404, "NOT_FOUND")


def test_members_list_paginates_with_opaque_tokens(emulator: Emulator, alice) -> None:
    meet = emulator.meet(alice)
    space = meet.spaces().create(body={}).execute()
    for index in range(5):
        meet.spaces().members().create(parent=space["name"], body={"email": f"m{index}@example.com"}).execute()
    seen, token = [], None
    while True:
        page = meet.spaces().members().list(parent=space["name"], pageSize=2, pageToken=token).execute()
        assert len(page["members"]) <= 2
        seen += [m["email"] for m in page["members"]]
        token = page.get("nextPageToken")
        if not token:
            break
    assert seen == [f"m{index}@example.com" for index in range(5)]
    expect_error(meet.spaces().members().list(parent=space["name"], pageToken="forged"), 400, "INVALID_ARGUMENT")
    zero = meet.spaces().members().list(parent=space["name"], pageSize=0).execute()
    assert len(zero["members"]) == 5  # 0 means the default (250)


def test_members_are_readable_by_members_but_not_by_strangers(emulator: Emulator, alice) -> None:
    meet = emulator.meet(alice)
    space = meet.spaces().create(body={}).execute()
    _, bob = person(emulator, "bob@example.com")
    _, erin = person(emulator, "erin@example.com")
    meet.spaces().members().create(parent=space["name"], body={"email": "bob@example.com"}).execute()
    as_member = emulator.meet(bob).spaces().members()
    assert len(as_member.list(parent=space["name"]).execute()["members"]) == 1
    expect_error(as_member.create(parent=space["name"], body={"email": "f@example.com"}), 403, "PERMISSION_DENIED")
    expect_error(emulator.meet(erin).spaces().members().list(parent=space["name"]), 403, "PERMISSION_DENIED")


def test_members_batch_update(emulator: Emulator, alice) -> None:
    meet = emulator.meet(alice)
    space = meet.spaces().create(body={}).execute()
    other = meet.spaces().create(body={}).execute()
    members = meet.spaces().members()
    first = members.create(parent=space["name"], body={"email": "a1@example.com"}).execute()
    second = members.create(parent=space["name"], body={"email": "a2@example.com", "role": "COHOST"}).execute()
    outsider = members.create(parent=other["name"], body={"email": "a3@example.com"}).execute()

    done = members.batchUpdate(parent=space["name"], body={"updateMask": "role", "requests": [
        {"member": {"name": first["name"], "role": "COHOST"}},
        {"member": {"name": second["name"]}, "updateMask": "role"}]}).execute()
    validate("BatchUpdateMembersResponse", done)
    assert [(m["name"], m.get("role")) for m in done["members"]] == [(first["name"], "COHOST"), (second["name"], None)]
    # Neither mask: fields not set are cleared.
    cleared = members.batchUpdate(parent=space["name"],
                                  body={"requests": [{"member": {"name": first["name"]}}]}).execute()
    assert "role" not in cleared["members"][0]

    bad_bodies = [
        {"requests": [{"member": {"name": first["name"], "role": "COHOST"}, "updateMask": "role"}]},  # child only
        {"updateMask": "role", "requests": [{"member": {"name": first["name"]}, "updateMask": "*"}]},  # mismatch
        {"updateMask": "role", "requests": [{"member": {"name": outsider["name"], "role": "COHOST"}}]},  # other space
        {"updateMask": "role", "requests": [{"member": {"role": "COHOST"}}]},  # no name
        {"requests": []},
        {"updateMask": "role", "requests": [{"member": {"name": first["name"]}}] * 501},
    ]
    for body in bad_bodies:
        expect_error(members.batchUpdate(parent=space["name"], body=body), 400, "INVALID_ARGUMENT")
    # Nothing was applied by a failing batch (all or nothing).
    mixed = {"updateMask": "role", "requests": [{"member": {"name": first["name"], "role": "COHOST"}},
                                                {"member": {"name": f"{space['name']}/members/nobody"}}]}
    expect_error(members.batchUpdate(parent=space["name"], body=mixed), 404, "NOT_FOUND")
    assert "role" not in members.get(name=first["name"]).execute()


def _documented_paths(schema_name: str, prefix: str = "") -> set[str]:
    """Every field path of a Meet schema, from the discovery document."""
    paths: set[str] = set()
    for name, prop in schema.schemas("meet")[schema_name]["properties"].items():
        path = f"{prefix}.{name}" if prefix else name
        if "$ref" in prop:
            paths |= _documented_paths(prop["$ref"], path)
        else:
            paths.add(path)
    return paths


def _paths(body: dict, prefix: str = "") -> set[str]:
    found: set[str] = set()
    for key, value in body.items():
        path = f"{prefix}.{key}" if prefix else key
        found |= _paths(value, path) if isinstance(value, dict) else {path}
    return found


def test_the_owner_sees_exactly_the_documented_space_config(emulator: Emulator, alice) -> None:
    """Every SpaceConfig field the discovery document names comes back, with the default
    Meet applies (never *_UNSPECIFIED), and nothing else; a field added to the document
    fails here until the emulator models it."""
    space = emulator.meet(alice).spaces().create(body={}).execute()
    assert _paths(space["config"]) == _documented_paths("SpaceConfig")
    # Space itself: documented fields only; gatewaySipAccess ("Can be empty") is an empty
    # repeated field, which proto3 JSON leaves out.
    assert set(space) <= set(schema.schemas("meet")["Space"]["properties"])
    assert "gatewaySipAccess" not in space
