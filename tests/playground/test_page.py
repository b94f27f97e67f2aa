"""The playground's page and its snapshot endpoint, over HTTP (no browser)."""

from __future__ import annotations

import requests

from tests.support import Emulator


def test_the_page_and_its_assets_are_served_with_a_strict_policy(emulator: Emulator) -> None:
    page = requests.get(emulator.url + "/", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    for asset, kind in (("cards.js", "javascript"), ("playground.js", "javascript"), ("playground.css", "css"),
                        ("favicon.svg", "svg")):
        response = requests.get(f"{emulator.url}/_playground/static/{asset}", timeout=10)
        assert response.status_code == 200 and kind in response.headers["Content-Type"], asset
    assert requests.get(emulator.url + "/_playground/static/../app.py", timeout=10).status_code == 404


def test_every_emulator_page_has_an_icon_to_load(emulator: Emulator) -> None:
    # Browsers ask any page's origin for /favicon.ico unless the page names an icon.
    icon = requests.get(emulator.url + "/favicon.ico", timeout=10)
    assert icon.status_code == 200 and icon.headers["Content-Type"].startswith("image/svg+xml")
    assert icon.content.startswith(b"<svg")
    consent = requests.get(emulator.url + "/o/oauth2/auth", timeout=10, params={
        "client_id": "x", "redirect_uri": "http://127.0.0.1:9/cb", "response_type": "code", "scope": "openid"})
    assert consent.status_code == 200 and '<link rel="icon" href="/favicon.ico">' in consent.text
    page = requests.get(emulator.url + "/", timeout=10).text
    assert '<link rel="icon" href="/_playground/static/favicon.svg"' in page


def test_the_snapshot_has_people_spaces_commands_and_only_the_asked_space_messages(emulator: Emulator) -> None:
    def control(path: str, body: dict) -> dict:
        response = requests.post(f"{emulator.url}/_emulator/{path}", json=body, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    ann = control("users", {"email": "ann@example.com", "displayName": "Ann"})
    space = control("chat/spaces", {"displayName": "Den", "members": [ann["name"]]})
    control("chat/messages", {"space": space["name"], "sender": ann["name"], "text": "hello *there*"})

    state = requests.get(f"{emulator.url}/_emulator/playground/state", params={"space": space["name"]},
                         timeout=10).json()
    assert state["users"] == [ann]
    assert [(s["name"], s["members"], s["appInstalled"]) for s in state["spaces"]] == [(space["name"], [ann["name"]], True)]
    assert [m["text"] for m in state["messages"]] == ["hello *there*"]
    assert [c["name"] for c in state["commands"]][:2] == ["meet", "meethelp"]
    assert all(c["id"].isdigit() for c in state["commands"])
    assert state["meetings"] == [] and state["dialogs"] == [] and state["now"].endswith("Z")

    elsewhere = requests.get(f"{emulator.url}/_emulator/playground/state", params={"space": "spaces/nope"},
                             timeout=10).json()
    assert elsewhere["messages"] == []
