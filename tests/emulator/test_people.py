"""People API directory lookups: google-api-python-client (people v1, static discovery)
against the emulator, checked against the discovery document."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from googleapiclient import discovery
from googleapiclient.errors import HttpError

from emulator import schema
from emulator.discovery import find_method
from emulator.people.api import MAX_BATCH
from emulator.people.directory import valid_person_fields
from tests.support import MEET_SCOPE, REDIRECT_URI, TEST_CLIENT_ID, Emulator

DIRECTORY = "https://www.googleapis.com/auth/directory.readonly"
PROFILE = "https://www.googleapis.com/auth/userinfo.profile"


def people(emulator: Emulator, credentials: Any) -> Any:
    return discovery.build("people", "v1", credentials=credentials, static_discovery=True,
                           client_options={"api_endpoint": emulator.url}, cache_discovery=False).people()


def error_of(call: Any, status: int, reason: str) -> dict[str, Any]:
    with pytest.raises(HttpError) as raised:
        call.execute()
    body = json.loads(raised.value.content)["error"]
    assert raised.value.resp.status == status and body["code"] == status and body["status"] == reason, body
    return body


@pytest.fixture
def org(emulator: Emulator) -> dict[str, dict[str, Any]]:
    return {"alice": emulator.add_user("alice@example.com", "Alice Anders"),
            "bob": emulator.add_user("bob@example.com", "Bob Brown"),
            "olga": emulator.add_user("olga@partner.org", "Olga Other")}


def person_id(user: dict[str, Any]) -> str:
    return "people/" + user["name"].split("/", 1)[1]


def test_the_documents_methods_and_scopes_are_what_is_served() -> None:
    get, batch = find_method("people", "people.get"), find_method("people", "people.getBatchGet")
    assert (get.http_method, get.flat_path) == ("GET", "v1/people/{peopleId}")
    assert (batch.http_method, batch.flat_path) == ("GET", "v1/people:batchGet")
    assert DIRECTORY in get.scopes and DIRECTORY in batch.scopes and MEET_SCOPE not in get.scopes
    assert f"maximum of {MAX_BATCH} resource names" in batch.parameters["resourceNames"]["description"]
    assert {"emailAddresses", "names", "photos", "metadata", "userDefined"} <= valid_person_fields()


def test_get_finds_a_colleague_with_only_the_fields_asked_for(emulator: Emulator, org: dict[str, Any]) -> None:
    credentials = emulator.authorize("alice@example.com", [DIRECTORY])
    person = people(emulator, credentials).get(resourceName=person_id(org["bob"]),
                                               personFields="emailAddresses").execute()
    schema.validate("people", "Person", person)
    assert person["resourceName"] == person_id(org["bob"]) and person["etag"].startswith("%")
    assert [e["value"] for e in person["emailAddresses"]] == ["bob@example.com"]
    assert person["emailAddresses"][0]["metadata"]["primary"] is True
    assert person["emailAddresses"][0]["metadata"]["source"] == {"type": "DOMAIN_PROFILE",
                                                                  "id": org["bob"]["name"].split("/")[1]}
    assert "names" not in person and "photos" not in person

    both = people(emulator, credentials).get(resourceName=person_id(org["bob"]),
                                             personFields="names,metadata,addresses").execute()
    schema.validate("people", "Person", both)
    assert both["names"][0]["displayName"] == "Bob Brown" and both["names"][0]["familyName"] == "Brown"
    assert both["metadata"]["sources"][0]["type"] == "DOMAIN_PROFILE" and "emailAddresses" not in both
    assert "addresses" not in both  # valid to ask for, nothing kept: omitted as Google omits empty fields


def test_the_directory_holds_the_organization_only(emulator: Emulator, org: dict[str, Any]) -> None:
    client = people(emulator, emulator.authorize("alice@example.com", [DIRECTORY]))
    body = error_of(client.get(resourceName=person_id(org["olga"]), personFields="emailAddresses"), 404, "NOT_FOUND")
    assert body["message"] == "Requested entity was not found."
    error_of(client.get(resourceName="people/123456789", personFields="emailAddresses"), 404, "NOT_FOUND")
    # Olga reads her own organization, which Alice is not part of.
    olga = people(emulator, emulator.authorize("olga@partner.org", [DIRECTORY]))
    error_of(olga.get(resourceName=person_id(org["alice"]), personFields="emailAddresses"), 404, "NOT_FOUND")
    assert olga.get(resourceName="people/me", personFields="emailAddresses").execute()[
        "emailAddresses"][0]["value"] == "olga@partner.org"


def test_batch_get_answers_every_name_in_order(emulator: Emulator, org: dict[str, Any]) -> None:
    client = people(emulator, emulator.authorize("alice@example.com", [DIRECTORY]))
    names = [person_id(org["bob"]), person_id(org["olga"]), "people/me", person_id(org["bob"])]
    answer = client.getBatchGet(resourceNames=names, personFields="emailAddresses").execute()
    schema.validate("people", "GetPeopleResponse", answer)
    responses = answer["responses"]
    assert [r["requestedResourceName"] for r in responses] == names
    assert [r["httpStatusCode"] for r in responses] == [200, 404, 200, 200]
    assert responses[1]["status"] == {"code": 5, "message": "Requested entity was not found."}
    assert "person" not in responses[1] and responses[0]["status"] == {}
    assert [r["person"]["emailAddresses"][0]["value"] for r in responses if "person" in r] == [
        "bob@example.com", "alice@example.com", "bob@example.com"]


def test_batch_get_limits_and_names(emulator: Emulator, org: dict[str, Any]) -> None:
    client = people(emulator, emulator.authorize("alice@example.com", [DIRECTORY]))
    error_of(client.getBatchGet(personFields="emailAddresses"), 400, "INVALID_ARGUMENT")
    error_of(client.getBatchGet(resourceNames=["people/me"] * (MAX_BATCH + 1), personFields="emailAddresses"),
             400, "INVALID_ARGUMENT")
    assert len(client.getBatchGet(resourceNames=["people/me"] * MAX_BATCH,
                                  personFields="emailAddresses").execute()["responses"]) == MAX_BATCH
    error_of(client.getBatchGet(resourceNames=[org["bob"]["name"]], personFields="emailAddresses"),
             400, "INVALID_ARGUMENT")  # users/{id} is Chat's name, not a person's


def test_person_fields_are_required_and_checked(emulator: Emulator, org: dict[str, Any]) -> None:
    client = people(emulator, emulator.authorize("alice@example.com", [DIRECTORY]))
    body = error_of(client.get(resourceName=person_id(org["bob"])), 400, "INVALID_ARGUMENT")
    assert body["message"].startswith("personFields mask is required")
    error_of(client.getBatchGet(resourceNames=[person_id(org["bob"])]), 400, "INVALID_ARGUMENT")
    body = error_of(client.get(resourceName=person_id(org["bob"]), personFields="emailAddresses,shoeSize"),
                    400, "INVALID_ARGUMENT")
    assert 'Invalid personFields mask path: "shoeSize"' in body["message"]
    # The deprecated request mask still works (paths person.<field>).
    legacy = client.get(resourceName=person_id(org["bob"]), requestMask_includeField="person.emailAddresses")
    assert legacy.execute()["emailAddresses"][0]["value"] == "bob@example.com"


def test_sources_without_profiles_find_nobody(emulator: Emulator, org: dict[str, Any]) -> None:
    client = people(emulator, emulator.authorize("alice@example.com", [DIRECTORY]))
    error_of(client.get(resourceName=person_id(org["bob"]), personFields="emailAddresses",
                        sources=["READ_SOURCE_TYPE_CONTACT"]), 404, "NOT_FOUND")
    assert client.get(resourceName=person_id(org["bob"]), personFields="emailAddresses",
                      sources=["READ_SOURCE_TYPE_CONTACT", "READ_SOURCE_TYPE_PROFILE"]).execute()["emailAddresses"]


def test_the_directory_takes_directory_readonly(emulator: Emulator, org: dict[str, Any]) -> None:
    # A Meet-only token is not a People token at all.
    meet_only = people(emulator, emulator.authorize("alice@example.com", [MEET_SCOPE]))
    error_of(meet_only.get(resourceName="people/me", personFields="emailAddresses"), 403, "PERMISSION_DENIED")
    # A profile token reads its owner, never the directory, whoever it asks for.
    profile = people(emulator, emulator.authorize("alice@example.com", [PROFILE]))
    assert profile.get(resourceName="people/me", personFields="names").execute()["names"][0]["displayName"] == \
        "Alice Anders"
    body = error_of(profile.get(resourceName=person_id(org["bob"]), personFields="emailAddresses"),
                    403, "PERMISSION_DENIED")
    assert body["message"] == "Request had insufficient authentication scopes."
    assert body["details"][0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
    error_of(profile.getBatchGet(resourceNames=["people/me", person_id(org["bob"])], personFields="emailAddresses"),
             403, "PERMISSION_DENIED")
    raw = requests.get(f"{emulator.url}/v1/people/{org['bob']['name'].split('/')[1]}",
                       params={"personFields": "emailAddresses"}, timeout=10)
    assert raw.status_code == 401 and raw.json()["error"]["status"] == "UNAUTHENTICATED"


def test_domain_wide_delegation_reads_the_users_directory(emulator: Emulator, org: dict[str, Any]) -> None:
    info = emulator.service_account_info()
    from emulator.clients import service_account_credentials

    base = service_account_credentials(info, [DIRECTORY])
    as_alice = people(emulator, base.with_subject("alice@example.com"))
    assert as_alice.get(resourceName=person_id(org["bob"]), personFields="emailAddresses").execute()[
        "emailAddresses"][0]["value"] == "bob@example.com"
    # The service account as itself belongs to no organization.
    error_of(people(emulator, base).get(resourceName=person_id(org["bob"]), personFields="emailAddresses"),
             404, "NOT_FOUND")


def test_faults_and_the_call_log_name_the_people_methods(emulator: Emulator, org: dict[str, Any]) -> None:
    client = people(emulator, emulator.authorize("alice@example.com", [DIRECTORY]))
    emulator.control("POST", "faults", {"api": "people", "method": "people.getBatchGet", "status": 503, "times": 1})
    error_of(client.getBatchGet(resourceNames=[person_id(org["bob"])], personFields="emailAddresses"),
             503, "UNAVAILABLE")
    assert client.getBatchGet(resourceNames=[person_id(org["bob"])], personFields="emailAddresses").execute()
    emulator.control("POST", "faults", {"api": "people", "method": "people.get", "status": 429, "times": 1})
    error_of(client.get(resourceName=person_id(org["bob"]), personFields="emailAddresses"), 429, "RESOURCE_EXHAUSTED")
    calls = emulator.calls("people")
    assert [(c["method"], c["status"]) for c in calls] == [("people.getBatchGet", 503), ("people.getBatchGet", 200),
                                                            ("people.get", 429)]
    assert calls[1]["principal"] == "alice@example.com" and calls[1]["path"] == "/v1/people:batchGet"
    # Only the two lookups are served: the rest of the People API is not there.
    listed = requests.get(f"{emulator.url}/v1/people:listDirectoryPeople", timeout=10)
    assert listed.status_code == 404


def _consent(emulator: Emulator, scopes: list[str], *, incremental: bool) -> dict[str, Any]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    params = {"client_id": TEST_CLIENT_ID, "redirect_uri": REDIRECT_URI, "response_type": "code",
              "scope": " ".join(scopes), "login_hint": "alice@example.com", "access_type": "offline",
              "code_challenge": challenge, "code_challenge_method": "S256"}
    if incremental:
        params["include_granted_scopes"] = "true"
    consent = requests.get(f"{emulator.url}/o/oauth2/auth", params=params, allow_redirects=False, timeout=10)
    code = parse_qs(urlsplit(consent.headers["Location"]).query)["code"][0]
    return requests.post(f"{emulator.url}/token", data={
        "grant_type": "authorization_code", "code": code, "client_id": TEST_CLIENT_ID, "client_secret": "secret",
        "redirect_uri": REDIRECT_URI, "code_verifier": verifier}, timeout=10).json()


def test_incremental_authorization_adds_the_directory_to_what_was_granted(emulator: Emulator,
                                                                          org: dict[str, Any]) -> None:
    first = _consent(emulator, ["openid", MEET_SCOPE], incremental=True)
    assert set(first["scope"].split()) == {"openid", MEET_SCOPE}
    alone = _consent(emulator, ["openid", DIRECTORY], incremental=False)
    assert set(alone["scope"].split()) == {"openid", DIRECTORY}
    more = _consent(emulator, ["openid", DIRECTORY], incremental=True)
    assert set(more["scope"].split()) == {"openid", MEET_SCOPE, DIRECTORY}
    # Revoked grants no longer count.
    for token in (first["refresh_token"], alone["refresh_token"], more["refresh_token"]):
        requests.post(f"{emulator.url}/revoke", data={"token": token}, timeout=10)
    again = _consent(emulator, ["openid", DIRECTORY], incremental=True)
    assert set(again["scope"].split()) == {"openid", DIRECTORY}


def test_delegation_takes_only_the_scopes_the_administrator_allowed(emulator: Emulator, org: dict[str, Any]) -> None:
    from google.auth import exceptions as auth_exceptions

    from emulator.clients import service_account_credentials

    info = emulator.control("POST", "service-accounts", {"delegatedScopes": [MEET_SCOPE]})
    meet_only = service_account_credentials(info, [MEET_SCOPE]).with_subject("alice@example.com")
    assert emulator.meet(meet_only).spaces().create(body={}).execute()["name"].startswith("spaces/")
    directory = service_account_credentials(info, [DIRECTORY]).with_subject("alice@example.com")
    with pytest.raises(auth_exceptions.RefreshError, match="unauthorized_client"):
        people(emulator, directory).get(resourceName=person_id(org["bob"]), personFields="emailAddresses").execute()
    bad = emulator.control("POST", "service-accounts", {"delegatedScopes": "meetings.space.created"}, expect=400)
    assert bad["error"]["status"] == "INVALID_ARGUMENT"
    bad = emulator.control("POST", "service-accounts", {"delegatedScopes": [7]}, expect=400)
    assert bad["error"]["status"] == "INVALID_ARGUMENT"
