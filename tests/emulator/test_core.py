"""The emulator's shared machinery: errors, auth rules, OAuth, certificates, faults, clock."""

from __future__ import annotations

import pytest
import requests
from google.auth.transport import requests as google_requests
from google.oauth2 import id_token

from emulator.discovery import api_methods, find_method, parse_page_size_limits
from tests.support import MEET_SCOPE, Emulator


def test_unknown_path_is_a_google_shaped_404(emulator: Emulator) -> None:
    response = requests.get(f"{emulator.url}/v2/nothing/here", timeout=5)
    assert response.status_code == 404
    assert response.json()["error"]["status"] == "NOT_FOUND"


def test_missing_token_is_401_unauthenticated(emulator: Emulator) -> None:
    response = requests.get(f"{emulator.url}/v2/spaces/abc", timeout=5)
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["status"] == "UNAUTHENTICATED"
    assert error["details"][0]["reason"] == "CREDENTIALS_MISSING"
    assert "WWW-Authenticate" in response.headers


def test_unknown_token_is_401(emulator: Emulator) -> None:
    response = requests.get(f"{emulator.url}/v2/spaces/abc", headers={"Authorization": "Bearer ya29.forged"}, timeout=5)
    assert response.status_code == 401


def test_token_without_method_scope_is_403(emulator: Emulator) -> None:
    emulator.add_user("alice@example.com")
    creds = emulator.authorize("alice@example.com", scopes=["https://www.googleapis.com/auth/chat.messages"])
    response = requests.post(f"{emulator.url}/v2/spaces", json={}, headers={"Authorization": f"Bearer {creds.token}"},
                             timeout=5)
    assert response.status_code == 403
    assert response.json()["error"]["details"][0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"


def test_refresh_token_grant_and_revocation(emulator: Emulator) -> None:
    emulator.add_user("alice@example.com")
    creds = emulator.authorize("alice@example.com")
    first = creds.token
    creds.refresh(google_requests.Request())
    assert creds.token != first
    assert requests.post(f"{emulator.url}/revoke", data={"token": creds.refresh_token}, timeout=5).status_code == 200
    refreshed = requests.post(f"{emulator.url}/token", data={
        "grant_type": "refresh_token", "refresh_token": creds.refresh_token, "client_id": creds.client_id}, timeout=5)
    assert refreshed.status_code == 400
    assert refreshed.json()["error"] == "invalid_grant"
    # Access tokens of a revoked grant stop working too.
    response = requests.get(f"{emulator.url}/v2/spaces/x", headers={"Authorization": f"Bearer {creds.token}"}, timeout=5)
    assert response.status_code == 401


def test_service_account_jwt_bearer_grant(emulator: Emulator) -> None:
    creds = emulator.app_credentials()
    creds.refresh(google_requests.Request())
    assert creds.token and creds.token.startswith("ya29.")


def test_an_administrator_can_withdraw_and_restore_domain_wide_delegation(emulator: Emulator) -> None:
    from google.auth import exceptions as auth_exceptions

    from emulator.clients import service_account_credentials

    emulator.add_user("alice@example.com")
    info = emulator.service_account_info("delegate@example.iam.gserviceaccount.com")
    acting_as_alice = service_account_credentials(info, [MEET_SCOPE]).with_subject("alice@example.com")
    acting_as_itself = service_account_credentials(info, [MEET_SCOPE])
    path = f"service-accounts/{info['client_email']}/delegation"
    try:
        assert emulator.control("POST", path, {"enabled": False})["domainWideDelegation"] is False
        with pytest.raises(auth_exceptions.RefreshError, match="unauthorized_client"):
            acting_as_alice.refresh(google_requests.Request())
        acting_as_itself.refresh(google_requests.Request())  # only acting as users is withdrawn
        assert acting_as_itself.token
        emulator.control("POST", path, {"enabled": True})
        acting_as_alice.refresh(google_requests.Request())
        assert acting_as_alice.token
    finally:
        emulator.control("POST", path, {"enabled": True})
    unknown = emulator.control("POST", "service-accounts/nobody@example.com/delegation", {"enabled": False},
                               expect=404)
    assert unknown["error"]["status"] == "NOT_FOUND"
    assert emulator.control("POST", path, {"enabled": "no"}, expect=400)["error"]["status"] == "INVALID_ARGUMENT"


def test_google_id_token_verifies_with_google_auth_against_emulator_certs(emulator: Emulator) -> None:
    from emulator.signing import GOOGLE_SIGNER
    import time

    now = int(time.time())
    token = emulator.state.keys.key_for(GOOGLE_SIGNER).sign(
        {"iss": "https://accounts.google.com", "aud": "https://app.example/", "email": "chat@system.gserviceaccount.com",
         "email_verified": True, "iat": now, "exp": now + 600, "sub": "1"})
    claims = id_token.verify_token(token, google_requests.Request(), audience="https://app.example/",
                                   certs_url=f"{emulator.url}/oauth2/v3/certs")
    assert claims["email"] == "chat@system.gserviceaccount.com"


def test_injected_fault_answers_with_status_then_clears(emulator: Emulator) -> None:
    emulator.add_user("alice@example.com")
    creds = emulator.authorize("alice@example.com")
    emulator.control("POST", "faults", {"api": "meet", "method": "spaces.get", "status": 503, "times": 1})
    headers = {"Authorization": f"Bearer {creds.token}"}
    first = requests.get(f"{emulator.url}/v2/spaces/none", headers=headers, timeout=5)
    second = requests.get(f"{emulator.url}/v2/spaces/none", headers=headers, timeout=5)
    assert first.status_code == 503 and first.json()["error"]["status"] == "UNAVAILABLE"
    assert second.status_code != 503
    assert [c["status"] for c in emulator.calls("meet")][:2] == [503, second.status_code]


def test_clock_advance_expires_access_tokens(emulator: Emulator) -> None:
    emulator.add_user("alice@example.com")
    creds = emulator.authorize("alice@example.com")
    emulator.control("POST", "clock", {"advanceSeconds": 3600})
    response = requests.get(f"{emulator.url}/v2/spaces/x", headers={"Authorization": f"Bearer {creds.token}"}, timeout=5)
    assert response.status_code == 401
    assert response.json()["error"]["details"][0]["reason"] == "ACCESS_TOKEN_EXPIRED"


def test_control_plane_rejects_malformed_json(emulator: Emulator) -> None:
    response = requests.post(f"{emulator.url}/_emulator/users", data="{not json", timeout=5,
                             headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["status"] == "INVALID_ARGUMENT"


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data",
                                          None])
def test_the_control_plane_refuses_what_a_cross_origin_page_can_send(emulator: Emulator,
                                                                     content_type: str | None) -> None:
    # A page on another origin may POST a form or text/plain without asking first; a body
    # that is valid JSON in it must still change nothing.
    before = emulator.control("GET", "users")["users"]
    body = '{"email": "mallory@example.com", "displayName": "Mallory"}'
    headers = {"Content-Type": content_type} if content_type else {}
    for path in ("users", "chat/messages", "meet/end", "clock", "faults", "reset", "vertex/responses"):
        response = requests.post(f"{emulator.url}/_emulator/{path}", data=body.encode(), headers=headers, timeout=5)
        if content_type is None:
            # requests sends bytes without a Content-Type: still not JSON, still refused.
            assert "Content-Type" not in response.request.headers
        assert response.status_code == 415, (path, response.text)
        assert response.json()["error"]["code"] == 415
    assert emulator.control("GET", "users")["users"] == before


def test_page_size_limits_read_from_discovery() -> None:
    assert find_method("meet", "conferenceRecords.list").page_size_limits() == (25, 100)
    assert parse_page_size_limits("If unspecified, at most 25 are returned. The maximum value is 100") == (25, 100)
    assert all(m.api == "meet" for m in api_methods("meet"))
    _ = MEET_SCOPE


@pytest.mark.parametrize("timestamp,text", [
    (1764500000.0, "2025-11-30T10:53:20Z"),
    (1764500000.5, "2025-11-30T10:53:20.500Z"),
    (1764500000.128, "2025-11-30T10:53:20.128Z"),
    (1764500000.1281, "2025-11-30T10:53:20.128100Z"),  # never "…20.1281Z"
    (1764500000.128144, "2025-11-30T10:53:20.128144Z"),
])
def test_timestamps_have_0_3_6_or_9_fractional_digits_as_googles_json(timestamp: float, text: str) -> None:
    from emulator.clock import rfc3339

    assert rfc3339(timestamp) == text
