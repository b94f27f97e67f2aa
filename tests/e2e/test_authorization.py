"""User authorization, end to end: people link their Google account on the emulator's
consent page, and every way that can go wrong stores nothing and says so.

The emulator is Google here: its consent page (/o/oauth2/auth), token endpoint (with
PKCE and ID tokens whose ``sub`` is the Chat user id), /revoke and its call log, its
clock for token expiry, and Chat's configCompleteRedirectUrl which erases the prompt
and delivers the original message to the app again.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
import sqlalchemy as sa

from bot.authorization.crypto import derive_state_keys
from bot.authorization.state import StateSigner
from bot.storage.tables import pending_authorizations, user_grants
from tests.e2e.conftest import Stack

MEET_SCOPE = "https://www.googleapis.com/auth/meetings.space.created"


def cards(stack: Stack, space: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in stack.app_messages(space) if m.get("cardsV2")]


def prompts(stack: Stack, space: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in stack.app_messages(space) if "needs your permission" in m.get("text", "")]


def emulator_grants(stack: Stack, person: dict[str, Any]) -> list[Any]:
    with stack.state.lock:
        return [g for g in stack.state.tokens.grants.values() if g.user_name == person["name"]]


def access_tokens_of(stack: Stack, person: dict[str, Any]) -> int:
    with stack.state.lock:
        return sum(1 for t in stack.state.tokens.access_tokens.values()
                   if t.grant is not None and t.grant.user_name == person["name"])


def codes_exchanged(stack: Stack) -> int:
    """Authorization codes redeemed at /token (other token calls are the app's own)."""
    with stack.state.lock:
        return sum(1 for code in stack.state.tokens.codes.values() if code.used)


def nonce_of(stack: Stack, url: str) -> str:
    state = parse_qs(urlsplit(url).query)["state"][0]
    return StateSigner(derive_state_keys(stack.local.config.token_encryption_keys)).verify(state).nonce


def callback_url(stack: Stack, **params: str) -> str:
    return f"{stack.local.app_url}/oauth2/callback?{urlencode(params)}"


def assert_nothing_stored(stack: Stack, *people: dict[str, Any]) -> None:
    for person in people:
        assert stack.storage.grants.get_grant(person["name"]) is None


def assert_never_left_for(response: requests.Response, host: str) -> None:
    for hop in [*response.history, response]:
        assert host not in hop.headers.get("Location", "") and host not in hop.url


# -- linking, and the command finishing by itself -------------------------------------------
def test_first_meet_prompts_privately_then_the_card_appears_without_retyping(stack: Stack) -> None:
    alice, bob = stack.person("Alice Anders"), stack.person("Bob Brown")
    space = stack.space(alice, bob)
    answer = stack.say(space, alice, "/meet Weekly sync @Bob Brown")

    url = stack.prompt_url(answer)
    assert url.startswith(f"{stack.local.app_url}/oauth2/start?state=")
    [prompt] = prompts(stack, space)
    assert prompt["privateMessageViewer"]["name"] == alice["name"]  # only Alice sees it
    assert cards(stack, space) == [] and stack.calls("spaces.create") == []

    # Alice clicks it: start -> consent (auto) -> callback -> Chat's config-complete URL.
    response = stack.follow(url)
    hops = [urlsplit(hop.url).path for hop in response.history]
    assert hops == ["/oauth2/start", "/o/oauth2/auth", "/oauth2/callback"]
    assert urlsplit(response.url).path == "/_emulator/chat/config-complete" and response.json()["configured"]

    [card] = cards(stack, space)  # exactly one, although Chat delivered the message twice
    assert card["cardsV2"][0]["card"]["header"]["title"] == "Weekly sync"
    assert prompts(stack, space) == []  # Chat erased the prompt
    creates = stack.calls("spaces.create")
    assert len(creates) == 1 and creates[0]["principal"] == alice["email"]
    meeting = stack.storage.meetings.get_meeting_by_card_message(card["name"])
    assert meeting is not None and meeting.source_message == answer["message"]["name"]
    assert [p.user_name for p in meeting.requested_cohosts] == [bob["name"]]
    grant = stack.storage.grants.get_grant(alice["name"])
    assert grant is not None and grant.google_subject == alice["name"].split("/")[1]
    assert MEET_SCOPE in grant.scopes and "openid" in grant.scopes

    # Another delivery of the same message (a retry, another redirect) changes nothing.
    stack.follow(response.url)
    assert len(cards(stack, space)) == 1 and len(stack.calls("spaces.create")) == 1

    # Linked now: the next /meet needs no prompt.
    stack.say(space, alice, "/meet Retro")
    assert len(cards(stack, space)) == 2 and prompts(stack, space) == []


def test_the_stored_refresh_token_is_ciphertext(stack: Stack) -> None:
    alice = stack.linked_person("Alice Anders")
    [issued] = emulator_grants(stack, alice)
    with stack.storage.engine.connect() as connection:
        row = connection.execute(sa.select(user_grants).where(user_grants.c.user_name == alice["name"])).mappings().one()
    raw = " ".join(str(value) for value in row.values())
    assert issued.refresh_token not in raw and issued.refresh_token[3:20] not in raw
    assert row["refresh_token_ciphertext"].startswith("gAAAA")


def test_pkce_and_offline_access_are_requested_with_the_minimum_scopes(stack: Stack) -> None:
    alice = stack.person("Alice Anders")
    space = stack.space(alice)
    url = stack.prompt_url(stack.say(space, alice, "/meet"))
    consent, params = stack.consent_form(url)
    assert consent.startswith(stack.url + "/o/oauth2/auth?")
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert params["access_type"] == "offline" and params["prompt"] == "consent"
    assert params["include_granted_scopes"] == "true" and params["login_hint"] == alice["email"]
    assert set(params["scope"].split()) == {"openid", MEET_SCOPE}
    assert params["redirect_uri"] == f"{stack.local.app_url}/oauth2/callback"
    with stack.storage.engine.connect() as connection:
        row = connection.execute(sa.select(pending_authorizations).where(
            pending_authorizations.c.user_name == alice["name"])).mappings().one()
    assert params["code_challenge"] not in str(dict(row))  # the verifier is kept, encrypted


# -- /meetlogout ------------------------------------------------------------------------------
def test_meetlogout_revokes_at_google_and_the_next_meet_prompts_again(stack: Stack) -> None:
    alice = stack.linked_person("Alice Anders")
    space = stack.space(alice)
    [issued] = emulator_grants(stack, alice)

    reply = stack.say(space, alice, "/meetlogout")["reply"]
    assert "revoked" in reply["text"] and reply["privateMessageViewer"]["name"] == alice["name"]
    assert [call["status"] for call in stack.calls("revoke")] == [200]
    assert issued.revoked
    assert_nothing_stored(stack, alice)

    answer = stack.say(space, alice, "/meet")
    assert stack.prompt_url(answer) and stack.calls("spaces.create") == []

    reply = stack.say(space, alice, "/meetlogout")["reply"]
    assert "nothing to unlink" in reply["text"] and len(stack.calls("revoke")) == 1


def test_meetlogout_when_google_cannot_be_reached_still_deletes_and_says_so(stack: Stack) -> None:
    alice = stack.linked_person("Alice Anders")
    space = stack.space(alice)
    stack.fault("oauth2", "revoke", status=503, times=50)
    reply = stack.say(space, alice, "/meetlogout")["reply"]
    assert "didn't confirm" in reply["text"] and "myaccount.google.com" in reply["text"]
    assert_nothing_stored(stack, alice)


# -- refresh and revocation ---------------------------------------------------------------------
def test_an_expired_access_token_is_refreshed_transparently(stack: Stack) -> None:
    alice = stack.linked_person("Alice Anders")
    space = stack.space(alice)
    assert access_tokens_of(stack, alice) == 1  # from the code exchange
    stack.control("POST", "clock", {"advanceSeconds": 3700})  # past the access token's lifetime

    answer = stack.say(space, alice, "/meet After lunch")
    assert answer["reply"] is None or answer["reply"].get("cardsV2")
    assert len(cards(stack, space)) == 1
    assert access_tokens_of(stack, alice) == 2  # a refresh_token grant issued a new one
    assert [c["status"] for c in stack.calls("spaces.create")] == [401, 200]
    assert stack.storage.grants.get_grant(alice["name"]) is not None


def test_a_revoked_grant_becomes_a_private_relink_prompt_and_is_deleted(stack: Stack) -> None:
    alice = stack.linked_person("Alice Anders")
    space = stack.space(alice)
    [issued] = emulator_grants(stack, alice)
    # Alice removes the app in her Google account (the revoke endpoint, directly).
    assert requests.post(f"{stack.url}/revoke", data={"token": issued.refresh_token}, timeout=10).status_code == 200

    answer = stack.say(space, alice, "/meet")
    stack.prompt_url(answer)
    [prompt] = prompts(stack, space)
    assert prompt["privateMessageViewer"]["name"] == alice["name"]
    assert_nothing_stored(stack, alice)
    assert cards(stack, space) == [] and stack.storage.meetings.recent_meetings(space["name"]) == []


def test_a_token_endpoint_hiccup_is_retried_not_taken_for_revocation(stack: Stack) -> None:
    alice = stack.linked_person("Alice Anders")
    space = stack.space(alice)
    stack.authorization.credentials.forget_cached(alice["name"])  # a new instance: it must refresh
    stack.fault("oauth2", "token", status=503, times=1)
    stack.say(space, alice, "/meet")
    # (The exact retry sequence is asserted in tests/bot/test_oauth_credentials.py; here
    # background work of the app may also call the token endpoint.)
    assert 503 in [c["status"] for c in stack.calls("token")]
    assert len(cards(stack, space)) == 1 and stack.storage.grants.get_grant(alice["name"]) is not None


def test_a_token_endpoint_outage_gets_an_honest_answer_and_keeps_the_grant(stack: Stack) -> None:
    alice = stack.linked_person("Alice Anders")
    space = stack.space(alice)
    stack.authorization.credentials.forget_cached(alice["name"])
    stack.fault("oauth2", "token", status=503, times=50)
    reply = stack.say(space, alice, "/meet")["reply"]
    assert "try" in reply["text"].lower() and reply["privateMessageViewer"]["name"] == alice["name"]
    assert stack.storage.grants.get_grant(alice["name"]) is not None  # not a revocation
    assert stack.calls("spaces.create") == [] and prompts(stack, space) == []


# -- abuse ----------------------------------------------------------------------------------------
def test_nobody_acts_with_another_persons_grant(stack: Stack) -> None:
    alice, bob = stack.linked_person("Alice Anders"), stack.person("Bob Brown")
    space = stack.space(alice, bob)
    answer = stack.say(space, bob, "/meet")
    stack.prompt_url(answer)  # Bob is asked to link his own account
    assert prompts(stack, space)[0]["privateMessageViewer"]["name"] == bob["name"]
    assert stack.calls("spaces.create") == []
    reply = stack.say(space, bob, "/meetlogout")["reply"]
    assert "nothing to unlink" in reply["text"]
    assert stack.storage.grants.get_grant(alice["name"]) is not None and stack.calls("revoke") == []


def test_meeting_creation_is_rate_limited_per_user_with_a_friendly_answer(classic_stack: Stack) -> None:
    stack = classic_stack
    stack.control("POST", "reset")
    alice, bob = stack.linked_person("Alice Anders"), stack.linked_person("Bob Brown")
    space = stack.space(alice, bob)
    limit = stack.local.config.rate_limit_meetings_per_minute
    assert limit == 10
    for n in range(limit):
        stack.say(space, alice, f"/meet Meeting {n}")
    reply = stack.say(space, alice, "/meet One too many")["reply"]
    assert "wait a minute" in reply["text"] and reply["privateMessageViewer"]["name"] == alice["name"]
    assert len(stack.calls("spaces.create")) == limit
    stack.say(space, bob, "/meet Bob's own")  # per user: Bob is not limited by Alice
    assert len(cards(stack, space)) == limit + 1


# -- attacks on the callback: each stores nothing and answers with a page --------------------------
def test_a_forged_state_is_refused(stack: Stack) -> None:
    for url in (callback_url(stack, state="forged.state.value", code="4/abc"),
                f"{stack.local.app_url}/oauth2/start?state=forged", callback_url(stack, code="4/abc")):
        response = requests.get(url, allow_redirects=False, timeout=10)
        assert response.status_code == 400 and "not valid" in response.text
        assert response.headers["Content-Type"].startswith("text/html")
        assert response.headers["Cache-Control"] == "no-store" and "Location" not in response.headers
    assert codes_exchanged(stack) == 0


def test_an_expired_state_is_refused(stack: Stack) -> None:
    alice = stack.person("Alice Anders")
    space = stack.space(alice)
    nonce = nonce_of(stack, stack.prompt_url(stack.say(space, alice, "/meet")))
    keys = derive_state_keys(stack.local.config.token_encryption_keys)
    old = StateSigner(keys, clock=lambda: time.time() - 3600).sign(nonce, alice["name"])
    response = requests.get(callback_url(stack, state=old, code="4/abc"), timeout=10)
    assert response.status_code == 400 and "expired" in response.text
    assert_nothing_stored(stack, alice)
    assert codes_exchanged(stack) == 0


def test_a_replayed_callback_finds_nothing(stack: Stack) -> None:
    alice = stack.person("Alice Anders")
    space = stack.space(alice)
    response = stack.follow(stack.prompt_url(stack.say(space, alice, "/meet")))
    callback = next(hop for hop in response.history if urlsplit(hop.url).path == "/oauth2/callback")
    stack.control("POST", "chat/messages", {"space": space["name"], "sender": alice["name"], "text": "/meetlogout"})
    assert_nothing_stored(stack, alice)

    replay = requests.get(callback.url, allow_redirects=False, timeout=10)
    assert replay.status_code == 400 and "already used" in replay.text
    assert_nothing_stored(stack, alice)
    assert len(cards(stack, space)) == 1


def test_a_state_whose_user_does_not_match_its_pending_authorization_is_refused(stack: Stack) -> None:
    alice, mallory = stack.person("Alice Anders"), stack.person("Mallory Moe")
    space = stack.space(alice, mallory)
    nonce = nonce_of(stack, stack.prompt_url(stack.say(space, alice, "/meet")))
    signer = StateSigner(derive_state_keys(stack.local.config.token_encryption_keys))
    response = requests.get(callback_url(stack, state=signer.sign(nonce, mallory["name"]), code="4/abc"), timeout=10)
    assert response.status_code == 400 and "does not belong" in response.text
    assert_nothing_stored(stack, alice, mallory)


def test_a_foreign_return_address_is_never_followed(stack: Stack) -> None:
    alice = stack.person("Alice Anders")
    space = stack.space(alice)
    url = stack.prompt_url(stack.say(space, alice, "/meet"))
    consent, _ = stack.consent_form(url)  # start accepted the genuine Chat URL
    with stack.storage.engine.begin() as connection:  # someone tampers with the stored return address
        connection.execute(sa.update(pending_authorizations).values(
            config_complete_url="https://evil.example/_emulator/chat/config-complete?token=x"))

    response = stack.follow(consent)
    assert response.status_code == 400 and "not Google Chat" in response.text
    assert_never_left_for(response, "evil.example")
    assert_nothing_stored(stack, alice)
    assert codes_exchanged(stack) == 0 and cards(stack, space) == []


def test_start_refuses_a_foreign_return_address_too(stack: Stack) -> None:
    alice = stack.person("Alice Anders")
    from domain import Person

    url = stack.authorization.begin(Person(alice["name"], alice["displayName"], alice["email"]), None,
                                    event_format="classic", config_complete_url="https://chat.google.com.evil.example/x")
    response = stack.follow(url)
    assert response.status_code == 400 and "not Google Chat" in response.text and not response.history
    assert_nothing_stored(stack, alice)


def test_a_callback_for_another_google_account_stores_nothing(stack: Stack) -> None:
    alice, bob = stack.person("Alice Anders"), stack.person("Bob Brown")
    space = stack.space(alice, bob)
    consent, _ = stack.consent_form(stack.prompt_url(stack.say(space, alice, "/meet")))
    # Bob got hold of Alice's link and signs in as himself.
    forwarded = consent.replace(urlencode({"login_hint": alice["email"]}), urlencode({"login_hint": bob["email"]}))
    assert forwarded != consent
    response = stack.follow(forwarded)
    assert response.status_code == 403 and "different Google account" in response.text
    assert_nothing_stored(stack, alice, bob)
    assert cards(stack, space) == [] and stack.calls("spaces.create") == []
    [bobs] = emulator_grants(stack, bob)
    assert bobs.revoked  # the tokens the app refused were revoked, not left behind


def test_access_denied_stores_nothing_and_says_so(consent_stack: Stack) -> None:
    stack = consent_stack
    alice = stack.person("Alice Anders")
    space = stack.space(alice)
    consent, params = stack.consent_form(stack.prompt_url(stack.say(space, alice, "/meet")))
    response = requests.post(consent.split("?")[0], data={**params, "user": alice["email"], "decision": "deny"},
                             timeout=30)
    assert urlsplit(response.url).path == "/oauth2/callback" and "error=access_denied" in response.url
    assert "did not allow access" in response.text
    assert_nothing_stored(stack, alice)
    assert codes_exchanged(stack) == 0


def test_after_cancel_on_the_consent_page_the_same_prompt_links_and_the_meet_completes(consent_stack: Stack) -> None:
    stack = consent_stack
    alice = stack.person("Alice Anders")
    space = stack.space(alice)
    prompt = stack.prompt_url(stack.say(space, alice, "/meet Retro"))
    consent, params = stack.consent_form(prompt)
    denied = requests.post(consent.split("?")[0], data={**params, "user": alice["email"], "decision": "deny"},
                           timeout=30)  # Cancel: Google sends the browser back with error=access_denied
    assert urlsplit(denied.url).path == "/oauth2/callback" and "error=access_denied" in denied.url
    assert "click Configure" in denied.text and "more minute" in denied.text  # says the link still works
    assert_nothing_stored(stack, alice)
    [still_there] = prompts(stack, space)  # Chat keeps the prompt until configuration completes
    assert prompt in still_there["text"] and cards(stack, space) == []

    # Alice changes her mind: Configure on the same prompt, and Allow this time.
    consent, params = stack.consent_form(prompt)
    allowed = requests.post(consent.split("?")[0], data=[*params.items(), ("user", alice["email"]),
                                                         ("decision", "allow"), ("scope", "openid"),
                                                         ("scope", MEET_SCOPE)], timeout=30)
    assert urlsplit(allowed.url).path == "/_emulator/chat/config-complete", allowed.url
    assert stack.storage.grants.get_grant(alice["name"]) is not None
    [card] = cards(stack, space)  # the pending /meet went through, with its title
    assert "Retro" in json.dumps(card["cardsV2"]) and prompts(stack, space) == []
    # Now that it has served, the link is spent.
    assert "already used" in requests.get(prompt, timeout=30).text


def test_a_missing_code_stores_nothing_and_uses_up_the_state(consent_stack: Stack) -> None:
    stack = consent_stack
    alice = stack.person("Alice Anders")
    space = stack.space(alice)
    _, params = stack.consent_form(stack.prompt_url(stack.say(space, alice, "/meet")))
    response = requests.get(callback_url(stack, state=params["state"]), timeout=10)
    assert response.status_code == 400 and "did not send an authorization code" in response.text
    again = requests.get(callback_url(stack, state=params["state"], code="4/late"), timeout=10)
    assert "already used" in again.text
    assert_nothing_stored(stack, alice)


def test_partial_scopes_are_detected_explained_and_not_stored(consent_stack: Stack) -> None:
    stack = consent_stack
    alice = stack.person("Alice Anders")
    space = stack.space(alice)
    consent, params = stack.consent_form(stack.prompt_url(stack.say(space, alice, "/meet")))
    page = requests.get(consent, timeout=10)
    assert MEET_SCOPE in page.text and 'name="scope"' in page.text  # the real consent page
    # Alice unticks "create Meet meetings" and allows the rest.
    response = requests.post(consent.split("?")[0], data=[*params.items(), ("user", alice["email"]),
                                                          ("decision", "allow"), ("scope", "openid")], timeout=30)
    assert urlsplit(response.url).path == "/oauth2/callback"
    assert response.status_code == 400 and "Some permissions were not granted" in response.text
    assert_nothing_stored(stack, alice)
    [partial] = emulator_grants(stack, alice)
    assert partial.revoked and [c["status"] for c in stack.calls("revoke")] == [200]
    assert stack.calls("spaces.create") == [] and cards(stack, space) == []


def test_a_person_allowing_everything_on_the_real_consent_page_is_linked(consent_stack: Stack) -> None:
    stack = consent_stack
    alice = stack.person("Alice Anders")
    space = stack.space(alice)
    consent, params = stack.consent_form(stack.prompt_url(stack.say(space, alice, "/meet Planning")))
    response = requests.post(consent.split("?")[0], data=[*params.items(), ("user", alice["email"]),
                                                          ("decision", "allow"), ("scope", "openid"),
                                                          ("scope", MEET_SCOPE)], timeout=30)
    assert urlsplit(response.url).path == "/_emulator/chat/config-complete"
    assert len(cards(stack, space)) == 1 and stack.storage.grants.get_grant(alice["name"]) is not None


# -- domain-wide delegation, the other mode -----------------------------------------------------------
def test_delegation_needs_no_linking(delegation_stack: Stack) -> None:
    stack = delegation_stack
    alice = stack.person("Alice Anders")
    space = stack.space(alice)
    stack.say(space, alice, "/meet Weekly sync")
    assert len(cards(stack, space)) == 1
    assert stack.calls("spaces.create")[0]["principal"] == alice["email"]
    assert stack.storage.grants.get_grant(alice["name"]) is None


def test_delegation_logout_is_honest_and_linking_is_off(delegation_stack: Stack) -> None:
    stack = delegation_stack
    alice = stack.person("Alice Anders")
    space = stack.space(alice)
    reply = stack.say(space, alice, "/meetlogout")["reply"]
    assert "administrator" in reply["text"] and reply["privateMessageViewer"]["name"] == alice["name"]
    assert stack.calls("revoke") == []
    response = requests.get(f"{stack.local.app_url}/oauth2/start?state=x", timeout=10)
    assert response.status_code == 404 and "without linking" in response.text


@pytest.mark.parametrize("path", ["/oauth2/start", "/oauth2/callback"])
def test_oauth_pages_cannot_be_framed_or_cached(stack: Stack, path: str) -> None:
    response = requests.get(f"{stack.local.app_url}{path}", timeout=10)
    assert response.headers["X-Frame-Options"] == "DENY" and response.headers["Referrer-Policy"] == "no-referrer"
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy
    # Its icon is inline (the app serves no /favicon.ico): allowed as a data: image, nothing else.
    assert '<link rel="icon" href="data:image/svg+xml,' in response.text and "img-src data:;" in policy
