"""Local mode's app, as a web page in the developer's browser would try to reach it.

Local mode serves the Chat app behind ``emulator.hostcheck.LoopbackOnly`` (wired in
``local.stack``): a request whose Host is not this machine's loopback name and port (DNS
rebinding) or whose Origin is another site is a 403 before the app sees it. The app
itself checks nothing of the kind: in production it answers its real host name. Local
mode also registers its OAuth client with the emulator, so the emulator checks the
client's secret and redirect URI as Google does.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import requests

from local.stack import LOCAL_OAUTH_CLIENT_ID
from tests.e2e.conftest import Stack

EVIL = "attacker.example"


def test_the_local_app_answers_loopback_names_only(classic_stack: Stack) -> None:
    url = classic_stack.local.app_url
    port = urlsplit(url).port
    assert requests.get(f"{url}/healthz", headers={"Host": f"localhost:{port}"}, timeout=10).status_code == 200
    for host in (f"{EVIL}:{port}", f"127.0.0.1:{port + 1}"):
        refused = requests.get(f"{url}/healthz", headers={"Host": host}, timeout=10)
        assert refused.status_code == 403 and refused.json()["error"]["status"] == "PERMISSION_DENIED", host
    # A cross-origin page posting to the app (an event, a Pub/Sub push) is refused unread.
    for path in ("/", "/pubsub/push"):
        forged = requests.post(f"{url}{path}", data="{}", headers={"Origin": f"https://{EVIL}",
                                                                    "Content-Type": "text/plain"}, timeout=10)
        assert forged.status_code == 403, path


def test_the_app_itself_answers_its_real_host_name(classic_stack: Stack) -> None:
    """The check is local mode's wiring, not the app's: deployed, it serves its own domain."""
    client = classic_stack.local.app.test_client()
    response = client.get("/healthz", base_url="https://meet-bot.example.com")
    assert response.status_code == 200


def test_local_mode_registers_its_oauth_client(classic_stack: Stack) -> None:
    clients = {c["clientId"]: c for c in classic_stack.control("GET", "oauth/clients")["clients"]}
    assert clients[LOCAL_OAUTH_CLIENT_ID]["redirectUris"] == [classic_stack.local.config.redirect_uri]
    refused = requests.post(f"{classic_stack.url}/token", data={
        "grant_type": "refresh_token", "refresh_token": "1//unknown", "client_id": LOCAL_OAUTH_CLIENT_ID,
        "client_secret": "not-the-secret"}, timeout=10)
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
