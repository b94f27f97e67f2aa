"""The emulator's own safety against a web page in the developer's browser.

* The control plane takes JSON only (a form or text/plain, what a cross-origin page may
  send without asking, is a 415 and changes nothing).
* DNS rebinding: the control plane, the playground and the consent page answer only a
  ``Host`` that names this server on loopback, and only an ``Origin`` (when sent) that is
  this server; Google's API paths answer as before, whatever the Host.
* Auto-consent hands a code only to a loopback redirect URI or to one registered for
  the client (``POST /_emulator/oauth/clients``); elsewhere a person clicks Allow.
* A registered client's secret is checked at ``/token`` as Google checks a web client's
  (``401 invalid_client``), through google-auth-oauthlib's real flow.
"""

from __future__ import annotations

import base64
import itertools
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from google.auth.transport import requests as google_requests
from google_auth_oauthlib.flow import Flow
from oauthlib.oauth2.rfc6749.errors import InvalidClientError

from emulator import BackgroundServer, EmulatorConfig, create_emulator
from emulator.hostcheck import split_host
from tests.support import MEET_SCOPE, Emulator

_ids = itertools.count(1)
EVIL = "attacker.example"


def port_of(emulator: Emulator) -> int:
    return int(urlsplit(emulator.url).port or 80)


def new_client_id() -> str:
    # Registered clients outlive a reset (they are configuration): a fresh id per test.
    return f"safety-{next(_ids)}-{id(object())}.apps.googleusercontent.com"


# -- (a) JSON only -------------------------------------------------------------------------
@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data"])
def test_new_control_calls_take_json_only(emulator: Emulator, content_type: str) -> None:
    client_id = new_client_id()
    for path, body in (("oauth/clients", f'{{"clientId": "{client_id}", "clientSecret": "s", '
                                         '"redirectUris": ["https://evil.example/cb"]}'),
                       ("chat/app", '{"userId": "42"}')):
        response = requests.post(f"{emulator.url}/_emulator/{path}", data=body.encode(), timeout=5,
                                 headers={"Content-Type": content_type})
        assert response.status_code == 415, response.text
    assert client_id not in emulator.state.oauth_clients
    assert emulator.control("GET", "chat/app")["name"] != "users/42"


# -- (b) Host and Origin -------------------------------------------------------------------
def test_split_host() -> None:
    assert split_host("LOCALHOST:8085") == ("localhost", "8085")
    assert split_host("[::1]:8085") == ("[::1]", "8085")
    assert split_host("[::1]") == ("[::1]", None)
    assert split_host("127.0.0.1") == ("127.0.0.1", None)


def test_loopback_names_with_this_port_reach_the_control_plane(emulator: Emulator) -> None:
    port = port_of(emulator)
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", f"LocalHost:{port}"):
        response = requests.get(f"{emulator.url}/_emulator/users", headers={"Host": host}, timeout=5)
        assert response.status_code == 200, (host, response.text)


@pytest.mark.parametrize("path", ["/_emulator/users", "/_emulator/calls", "/_emulator/playground/state", "/",
                                  "/_playground/static/playground.js", "/o/oauth2/auth"])
def test_another_host_name_is_refused_everywhere_the_browser_goes(emulator: Emulator, path: str) -> None:
    port = port_of(emulator)
    for host in (f"{EVIL}:{port}", f"127.0.0.1:{port + 1}", "localhost", f"localhost.:{port}", f"127.0.0.2:{port}"):
        response = requests.get(f"{emulator.url}{path}", headers={"Host": host}, timeout=5)
        assert response.status_code == 403, (host, path, response.text)
        error = response.json()["error"]
        assert error["code"] == 403 and error["status"] == "PERMISSION_DENIED" and "Host" in error["message"]


def test_a_rebound_page_changes_nothing(emulator: Emulator) -> None:
    port = port_of(emulator)
    before = emulator.control("GET", "users")["users"]
    response = requests.post(f"{emulator.url}/_emulator/users", json={"email": "mallory@example.com"},
                             headers={"Host": f"{EVIL}:{port}"}, timeout=5)
    assert response.status_code == 403
    response = requests.post(f"{emulator.url}/_emulator/reset", headers={"Host": f"{EVIL}:{port}"}, timeout=5)
    assert response.status_code == 403
    assert emulator.control("GET", "users")["users"] == before


def test_origin_must_be_this_server(emulator: Emulator) -> None:
    port = port_of(emulator)
    for origin in (f"http://{EVIL}", f"http://{EVIL}:{port}", "null", f"http://127.0.0.1:{port + 1}",
                   f"file://{EVIL}"):
        response = requests.post(f"{emulator.url}/_emulator/users", json={"email": "mallory@example.com"},
                                 headers={"Origin": origin}, timeout=5)
        assert response.status_code == 403, (origin, response.text)
        assert "Origin" in response.json()["error"]["message"]
    assert all(u["email"] != "mallory@example.com" for u in emulator.control("GET", "users")["users"])
    for origin in (f"http://127.0.0.1:{port}", f"http://localhost:{port}", f"http://[::1]:{port}"):
        response = requests.post(f"{emulator.url}/_emulator/users", json={"email": "dana@example.com"},
                                 headers={"Origin": origin}, timeout=5)
        assert response.status_code == 200, (origin, response.text)


def test_googles_api_paths_answer_whatever_the_host(emulator: Emulator) -> None:
    """The client libraries call them with Host 127.0.0.1:port; a token guards them anyway."""
    port = port_of(emulator)
    response = requests.get(f"{emulator.url}/oauth2/v3/certs", headers={"Host": f"{EVIL}:{port}"}, timeout=5)
    assert response.status_code == 200 and response.json()["keys"]
    emulator.add_user("erin@example.com")
    creds = emulator.authorize("erin@example.com")  # consent, /token, then the Meet API
    space = emulator.meet(creds).spaces().create(body={}).execute()
    assert space["name"].startswith("spaces/")


def test_a_cross_origin_form_cannot_click_allow(emulator: Emulator) -> None:
    """Without auto-consent a page could post the consent form itself: its Origin gives it away."""
    app = create_emulator(EmulatorConfig())  # a person clicks Allow
    server = BackgroundServer(app).start()
    try:
        requests.post(f"{server.url}/_emulator/users", json={"email": "frank@example.com"}, timeout=5)
        form = {"client_id": "x", "redirect_uri": "http://127.0.0.1:9/cb", "response_type": "code",
                "scope": MEET_SCOPE, "user": "frank@example.com", "decision": "allow", "login_hint": "frank@example.com"}
        forged = requests.post(f"{server.url}/o/oauth2/auth", data=form, headers={"Origin": f"https://{EVIL}"},
                               allow_redirects=False, timeout=5)
        assert forged.status_code == 403 and "Location" not in forged.headers
        assert app.extensions["emulator"].tokens.codes == {}
        own = requests.post(f"{server.url}/o/oauth2/auth", data=form, headers={"Origin": server.url},
                            allow_redirects=False, timeout=5)
        assert own.status_code == 302 and "code=" in own.headers["Location"]
    finally:
        server.stop()


def test_extra_host_names_can_be_allowed() -> None:
    app = create_emulator(EmulatorConfig(allowed_hosts=("emulator.internal",)))
    server = BackgroundServer(app).start()
    try:
        ok = requests.get(f"{server.url}/_emulator/users", headers={"Host": f"emulator.internal:{server.port}"},
                          timeout=5)
        assert ok.status_code == 200
        refused = requests.get(f"{server.url}/_emulator/users", headers={"Host": f"{EVIL}:{server.port}"}, timeout=5)
        assert refused.status_code == 403
    finally:
        server.stop()


# -- (c) auto-consent's redirects ----------------------------------------------------------
def consent(emulator: Emulator, client_id: str, redirect_uri: str, **extra: str) -> requests.Response:
    return requests.get(f"{emulator.url}/o/oauth2/auth", params={
        "client_id": client_id, "redirect_uri": redirect_uri, "response_type": "code", "scope": MEET_SCOPE,
        "login_hint": "grace@example.com", **extra}, allow_redirects=False, timeout=10)


def test_auto_consent_redirects_an_unregistered_client_only_to_loopback(emulator: Emulator) -> None:
    emulator.add_user("grace@example.com")
    for uri in ("http://127.0.0.1:9/cb", "http://localhost:8080/oauth2/callback", "http://[::1]:7/x"):
        response = consent(emulator, "any-client", uri)  # as today: any client id, loopback redirect
        assert response.status_code == 302 and response.headers["Location"].startswith(uri), uri
        assert "code=" in response.headers["Location"]
    before = len(emulator.state.tokens.codes)
    for uri in ("https://attacker.example/cb", "http://127.0.0.1.attacker.example/cb", "http://localhost@evil.example/"):
        page = consent(emulator, "any-client", uri)
        assert page.status_code == 200 and "Location" not in page.headers, uri
        assert "Allow" in page.text and "Auto-consent approves only" in page.text
    assert len(emulator.state.tokens.codes) == before  # no code went anywhere
    # A person who reads the page and clicks Allow still can.
    clicked = requests.post(f"{emulator.url}/o/oauth2/auth", data={
        "client_id": "any-client", "redirect_uri": "https://partner.example/cb", "response_type": "code",
        "scope": MEET_SCOPE, "user": "grace@example.com", "decision": "allow", "login_hint": "grace@example.com"},
        allow_redirects=False, timeout=10)
    assert clicked.status_code == 302 and clicked.headers["Location"].startswith("https://partner.example/cb?code=")


def test_a_registered_client_redirects_only_to_its_registered_uris(emulator: Emulator) -> None:
    emulator.add_user("grace@example.com")
    client_id = new_client_id()
    registered = emulator.control("POST", "oauth/clients", {"clientId": client_id, "clientSecret": "s3cret",
                                                            "redirectUris": ["https://app.example/oauth2/callback"]})
    assert registered == {"clientId": client_id, "redirectUris": ["https://app.example/oauth2/callback"]}
    listed = emulator.control("GET", "oauth/clients")["clients"]
    assert {"clientId": client_id, "redirectUris": ["https://app.example/oauth2/callback"]} in listed
    assert "s3cret" not in str(listed)
    ok = consent(emulator, client_id, "https://app.example/oauth2/callback", state="st")
    assert ok.status_code == 302
    assert parse_qs(urlsplit(ok.headers["Location"]).query)["state"] == ["st"]
    for uri in ("https://app.example/other", "http://127.0.0.1:9/cb"):
        refused = consent(emulator, client_id, uri)
        assert refused.status_code == 400 and "redirect_uri_mismatch" in refused.text, uri
        assert "Location" not in refused.headers
    for bad in ({"clientId": "", "clientSecret": "s", "redirectUris": ["https://a.example/"]},
                {"clientId": "c", "clientSecret": "s", "redirectUris": []},
                {"clientId": "c", "clientSecret": "s", "redirectUris": ["ftp://a.example/"]},
                {"clientId": "c", "clientSecret": "s", "redirectUris": ["https://a.example/#x"]},
                {"clientId": "c", "redirectUris": ["https://a.example/"]}):
        emulator.control("POST", "oauth/clients", bad, expect=400)


# -- (d) the client secret at /token, through google-auth-oauthlib -----------------------------
@pytest.fixture(autouse=True)
def plain_http_token_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    """oauthlib refuses a plain-http token endpoint unless told (as the app tells it for the emulator)."""
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


def flow(emulator: Emulator, client_id: str, secret: str, redirect_uri: str) -> Flow:
    config = {"web": {"client_id": client_id, "client_secret": secret, "auth_uri": f"{emulator.url}/o/oauth2/auth",
                      "token_uri": f"{emulator.url}/token", "redirect_uris": [redirect_uri]}}
    return Flow.from_client_config(config, scopes=[MEET_SCOPE], redirect_uri=redirect_uri)


def code_for(emulator: Emulator, chosen: Flow) -> str:
    url, _ = chosen.authorization_url(access_type="offline", login_hint="heidi@example.com", prompt="consent")
    response = requests.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    return parse_qs(urlsplit(response.headers["Location"]).query)["code"][0]


@pytest.fixture
def registered(emulator: Emulator) -> tuple[str, str]:
    emulator.add_user("heidi@example.com")
    client_id, redirect = new_client_id(), "https://app.example/oauth2/callback"
    emulator.control("POST", "oauth/clients", {"clientId": client_id, "clientSecret": "right-secret",
                                               "redirectUris": [redirect]})
    return client_id, redirect


def test_the_right_secret_gets_tokens_and_refreshes(emulator: Emulator, registered: tuple[str, str]) -> None:
    client_id, redirect = registered
    good = flow(emulator, client_id, "right-secret", redirect)
    good.fetch_token(code=code_for(emulator, good))
    credentials = good.credentials
    assert credentials.token and credentials.refresh_token
    credentials.refresh(google_requests.Request())  # google-auth sends the secret again
    assert credentials.valid


def test_a_wrong_secret_is_invalid_client_and_spends_no_code(emulator: Emulator, registered: tuple[str, str]) -> None:
    client_id, redirect = registered
    wrong = flow(emulator, client_id, "wrong-secret", redirect)
    code = code_for(emulator, wrong)
    with pytest.raises(InvalidClientError):
        wrong.fetch_token(code=code)
    verifier = wrong.code_verifier
    raw = requests.post(f"{emulator.url}/token", data={
        "grant_type": "authorization_code", "code": code, "client_id": client_id, "client_secret": "wrong-secret",
        "redirect_uri": redirect, "code_verifier": verifier}, timeout=10)
    assert raw.status_code == 401
    assert raw.json() == {"error": "invalid_client", "error_description": "Unauthorized"}
    missing = requests.post(f"{emulator.url}/token", data={
        "grant_type": "authorization_code", "code": code, "client_id": client_id, "redirect_uri": redirect,
        "code_verifier": verifier}, timeout=10)
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
    nameless = requests.post(f"{emulator.url}/token", data={
        "grant_type": "authorization_code", "code": code_for(emulator, wrong), "redirect_uri": redirect,
        "code_verifier": wrong.code_verifier}, timeout=10)
    assert nameless.status_code == 400 and nameless.json()["error"] == "invalid_request"
    # The refused attempts spent nothing: the right secret (in HTTP Basic this time) still works.
    basic = base64.b64encode(f"{client_id}:right-secret".encode()).decode()
    ok = requests.post(f"{emulator.url}/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect, "code_verifier": verifier},
        headers={"Authorization": f"Basic {basic}"}, timeout=10)
    assert ok.status_code == 200, ok.text
    refresh = ok.json()["refresh_token"]
    refused = requests.post(f"{emulator.url}/token", data={
        "grant_type": "refresh_token", "refresh_token": refresh, "client_id": client_id,
        "client_secret": "wrong-secret"}, timeout=10)
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"


def test_an_unregistered_client_keeps_working_with_any_secret(emulator: Emulator) -> None:
    emulator.add_user("heidi@example.com")
    anyone = flow(emulator, "unregistered.apps.googleusercontent.com", "whatever", "http://127.0.0.1:9/cb")
    anyone.fetch_token(code=code_for(emulator, anyone))
    assert anyone.credentials.token
