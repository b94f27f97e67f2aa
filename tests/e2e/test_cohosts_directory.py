"""``/meet Weekly sync @Bob`` makes Bob a co-host the first time, through the emulator.

Chat's mentions carry ``users/{id}`` only; the app finds the email in the organization's
directory (People API, ``directory.readonly``) with the organizer's credentials. In OAuth
mode that scope is granted incrementally, through the real linking flow, the first time a
mention needs it; with domain-wide delegation it is one of the delegated scopes.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

import requests

from domain import CohostState, Person
from local.stack import APP_SERVICE_ACCOUNT
from tests.e2e.conftest import Stack
from tests.support import wait_until

DIRECTORY = "https://www.googleapis.com/auth/directory.readonly"
MEET = "https://www.googleapis.com/auth/meetings.space.created"
GRANT_LINK = re.compile(r"<(http[^|>]+)\|Allow directory lookups>")


def card(stack: Stack, space: dict[str, Any], title: str) -> dict[str, Any]:
    found = [m for m in stack.app_messages(space) if (m.get("cardsV2") or [{}])[0].get("cardId") == "meeting"
             and title in json.dumps(m["cardsV2"])]
    assert len(found) == 1, found
    return found[0]


def card_text(stack: Stack, space: dict[str, Any], title: str) -> str:
    """The card's words as a person reads them (its HTML entities decoded)."""
    return html.unescape(json.dumps(card(stack, space, title)["cardsV2"], ensure_ascii=False))


def record(stack: Stack, space: dict[str, Any], title: str) -> Any:
    meeting = stack.storage.meetings.get_meeting_by_card_message(card(stack, space, title)["name"])
    assert meeting is not None
    return meeting


def cohost_emails(stack: Stack, space: dict[str, Any], title: str) -> set[str]:
    code = card(stack, space, title)["clientAssignedMessageId"][len("client-meet-"):]
    with stack.state.lock:
        meet_space = stack.state.meet.find_space(code)
        return {m.email for m in meet_space.members.values() if m.role == "COHOST"}


def assert_directory_note(stack: Stack, space: dict[str, Any], name: str) -> None:
    """The card says the directory did not answer for ``name``; else what it says instead."""
    text = card_text(stack, space, "Weekly sync")
    note = f"Couldn't add {name} as co-host: Google's directory didn't answer"
    assert note in text, (text[text.find("Co-host") - 40:], [(c["method"], c["status"]) for c in people_calls(stack)],
                          record(stack, space, "Weekly sync").cohosts)


def people_calls(stack: Stack) -> list[dict[str, Any]]:
    return [c for c in stack.control("GET", "calls?api=people")["calls"]]


def grant_prompts(stack: Stack, space: dict[str, Any], person: dict[str, Any]) -> list[str]:
    """The links in the private messages asking ``person`` to allow directory lookups."""
    return [match.group(1) for m in stack.messages(space)
            if (m.get("privateMessageViewer") or {}).get("name") == person["name"]
            for match in [GRANT_LINK.search(m.get("text") or "")] if match]


def allow_directory(stack: Stack, person: dict[str, Any]) -> None:
    """``person`` (linked) allows directory lookups through the real incremental flow."""
    url = stack.authorization.begin_directory(Person(person["name"], person["displayName"], person["email"]),
                                              "spaces/none/messages/none")
    response = stack.follow(url)
    assert response.status_code == 200 and "Directory lookups allowed" in response.text, response.text


def directory_person(stack: Stack, name: str) -> dict[str, Any]:
    alice = stack.linked_person(name)
    allow_directory(stack, alice)
    return alice


# -- the headline: a colleague who never used the app --------------------------------------
def test_a_mentioned_colleague_who_never_used_the_app_becomes_a_cohost(stack: Stack) -> None:
    alice = directory_person(stack, "Alice Anders")
    bob = stack.person("Bob Brown")  # never used the app: it has never seen his email
    space = stack.space(alice, bob)
    assert stack.storage.people.email_of(bob["name"]) is None
    stack.say(space, alice, "/meet Weekly sync @Bob Brown")

    assert cohost_emails(stack, space, "Weekly sync") == {bob["email"]}
    text = card_text(stack, space, "Weekly sync")
    assert "Co-hosts" in text and "Bob Brown" in text and "Couldn't add" not in text
    meeting = record(stack, space, "Weekly sync")
    assert [(c.state, c.person.email) for c in meeting.cohosts] == [(CohostState.ADDED, bob["email"])]
    calls = people_calls(stack)
    assert [(c["method"], c["principal"], c["status"]) for c in calls] == [("people.get", alice["email"], 200)]
    assert calls[0]["path"] == "/v1/people/" + bob["name"].split("/", 1)[1]
    assert grant_prompts(stack, space, alice) == []  # nothing to ask: the grant has the scope

    # Remembered: the next meeting with Bob asks the directory nothing.
    stack.say(space, alice, "/meet Retro @Bob Brown")
    assert cohost_emails(stack, space, "Retro") == {bob["email"]}
    assert len(people_calls(stack)) == 1
    assert stack.storage.people.email_of(bob["name"]) == bob["email"]


def test_several_mentions_are_looked_up_in_one_batch(classic_stack: Stack) -> None:
    stack = classic_stack
    stack.control("POST", "reset")
    alice = directory_person(stack, "Alice Anders")
    bob, carol, dan = stack.person("Bob Brown"), stack.person("Carol Chen"), stack.person("Dan Dunn")
    space = stack.space(alice, bob, carol, dan)
    stack.say(space, dan, "/meethelp")  # Dan has used the app: his email is known already
    stack.say(space, alice, "/meet Planning @Bob Brown @Carol Chen @Dan Dunn")
    assert cohost_emails(stack, space, "Planning") == {bob["email"], carol["email"], dan["email"]}
    calls = people_calls(stack)
    assert [c["method"] for c in calls] == ["people.getBatchGet"]
    wanted = [f"people/{p['name'].split('/', 1)[1]}" for p in (bob, carol)]
    assert calls[0]["query"]["resourceNames"] in wanted  # the call log keeps the first of the repeated names


def test_someone_outside_the_directory_gets_the_honest_note(stack: Stack) -> None:
    alice = directory_person(stack, "Alice Anders")
    olga = stack.control("POST", "users", {"email": "olga@partner.org", "displayName": "Olga Other"})
    bob = stack.person("Bob Brown")
    space = stack.space(alice, olga, bob)
    stack.say(space, alice, "/meet Vendor call @Olga Other @Bob Brown")
    text = card_text(stack, space, "Vendor call")
    assert "Couldn't add Olga Other as co-host: they aren't in your organization's directory" in text
    assert cohost_emails(stack, space, "Vendor call") == {bob["email"]}
    states = [c.state for c in record(stack, space, "Vendor call").cohosts]
    assert states == [CohostState.NO_EMAIL, CohostState.ADDED]
    assert stack.storage.people.email_of(olga["name"]) is None  # nothing remembered for her


# -- OAuth: the scope is granted incrementally when a mention first needs it -----------------
def test_the_organizer_is_asked_for_the_directory_then_the_waiting_cohost_is_added(stack: Stack) -> None:
    alice = stack.linked_person("Alice Anders")  # linked for Meet only
    bob, carol = stack.person("Bob Brown"), stack.person("Carol Chen")
    space = stack.space(alice, bob, carol)
    stack.say(space, alice, "/meet Weekly sync @Bob Brown")

    text = card_text(stack, space, "Weekly sync")
    assert ("Couldn't add Bob Brown as co-host: finding their email address needs Alice Anders's permission to "
            "look people up in the organization's directory") in text
    assert cohost_emails(stack, space, "Weekly sync") == set()
    assert [c.state for c in record(stack, space, "Weekly sync").cohosts] == [CohostState.NEEDS_DIRECTORY]
    assert people_calls(stack) == []  # not asked without the scope
    links = grant_prompts(stack, space, alice)
    assert len(links) == 1  # one private prompt, to Alice only
    prompt = next(m for m in stack.messages(space) if GRANT_LINK.search(m.get("text") or ""))
    assert prompt["thread"]["name"] == card(stack, space, "Weekly sync")["thread"]["name"]  # in the meeting's thread
    assert stack.storage.grants.get_grant(alice["name"]) is not None  # the meeting itself worked

    page = stack.follow(links[0])
    assert page.status_code == 200 and "now a co-host of your meeting" in page.text, page.text
    grant = stack.storage.grants.get_grant(alice["name"])
    assert grant is not None and DIRECTORY in grant.scopes
    assert MEET in grant.scopes  # still linked for Meet
    assert cohost_emails(stack, space, "Weekly sync") == {bob["email"]}
    assert [c.state for c in record(stack, space, "Weekly sync").cohosts] == [CohostState.ADDED]
    wait_until(lambda: "Couldn't add" not in card_text(stack, space, "Weekly sync"), what="the card redrawn")
    assert "Bob Brown" in card_text(stack, space, "Weekly sync")

    # From now on a mention is looked up at once, and nothing is asked again.
    stack.say(space, alice, "/meet Design review @Carol Chen")
    assert cohost_emails(stack, space, "Design review") == {carol["email"]}
    assert len(grant_prompts(stack, space, alice)) == 1
    # The link was single-use.
    again = stack.follow(links[0])
    assert again.status_code == 400


def consent(stack: Stack, url: str, person: dict[str, Any], *scopes: str) -> requests.Response:
    """``person`` on the real consent page, ticking ``scopes`` and pressing Allow."""
    page, params = stack.consent_form(url)
    return requests.post(page.split("?")[0], data=[*params.items(), ("user", person["email"]), ("decision", "allow"),
                                                   *(("scope", scope) for scope in scopes)], timeout=30)


def test_declining_the_directory_keeps_the_link_and_the_meeting(consent_stack: Stack) -> None:
    stack = consent_stack
    alice, bob = stack.person("Alice Anders"), stack.person("Bob Brown")
    linking = stack.authorization.begin(Person(alice["name"], alice["displayName"], alice["email"]), None,
                                        event_format="classic", config_complete_url=None)
    assert "is linked" in consent(stack, linking, alice, "openid", MEET).text
    space = stack.space(alice, bob)
    stack.say(space, alice, "/meet Weekly sync @Bob Brown")
    [link] = grant_prompts(stack, space, alice)
    _, params = stack.consent_form(link)
    # Incremental: only the new scope is asked for, the granted ones are included.
    assert params["scope"].split() == ["openid", DIRECTORY] and params["include_granted_scopes"] == "true"

    declined = consent(stack, link, alice, "openid")  # Alice unticks the directory
    assert declined.status_code == 200 and "did not allow directory lookups" in declined.text, declined.text
    grant = stack.storage.grants.get_grant(alice["name"])
    assert grant is not None and DIRECTORY not in grant.scopes and MEET in grant.scopes
    assert [c.state for c in record(stack, space, "Weekly sync").cohosts] == [CohostState.NEEDS_DIRECTORY]
    stack.say(space, alice, "/meet Still works")  # her link was left intact
    card(stack, space, "Still works")


# -- delegation: the scope is one of the delegated ones -------------------------------------
def test_delegation_looks_people_up_as_the_organizer(delegation_stack: Stack) -> None:
    stack = delegation_stack
    alice, bob = stack.person("Alice Anders"), stack.person("Bob Brown")
    space = stack.space(alice, bob)
    stack.say(space, alice, "/meet Weekly sync @Bob Brown")
    assert cohost_emails(stack, space, "Weekly sync") == {bob["email"]}
    assert [(c["method"], c["principal"]) for c in people_calls(stack)] == [("people.get", alice["email"])]
    assert grant_prompts(stack, space, alice) == []
    # The directory token is its own: Meet's calls never carried the directory scope.
    with stack.state.lock:
        scopes = {scope for token in stack.state.tokens.access_tokens.values()
                  if token.principal.email == alice["email"] for scope in token.principal.scopes}
    assert DIRECTORY in scopes


# -- failures of the People API never block the meeting ------------------------------------
def test_a_directory_outage_is_noted_and_the_meeting_still_made(stack: Stack) -> None:
    alice = directory_person(stack, "Alice Anders")
    # Someone no earlier test of this shared stack made known to the app.
    bob = stack.person("Olu Outage")
    space = stack.space(alice, bob)
    stack.fault("people", "people.get", status=503, times=100)
    stack.say(space, alice, "/meet Weekly sync @Olu Outage")
    assert_directory_note(stack, space, "Olu Outage")  # the meeting exists, its card posted
    assert cohost_emails(stack, space, "Weekly sync") == set()
    assert {c["status"] for c in people_calls(stack)} == {503}
    assert [c.state for c in record(stack, space, "Weekly sync").cohosts] == [CohostState.NO_EMAIL]
    assert stack.storage.people.email_of(bob["name"]) is None

    stack.control("POST", "reset")  # the outage is over (and every fault with it)
    alice = directory_person(stack, "Alice Anders")
    bob = stack.person("Olu Outage")
    space = stack.space(alice, bob)
    stack.say(space, alice, "/meet Next week @Olu Outage")
    assert cohost_emails(stack, space, "Next week") == {bob["email"]}


def test_a_directory_quota_error_is_noted(classic_stack: Stack) -> None:
    stack = classic_stack
    stack.control("POST", "reset")
    alice = directory_person(stack, "Alice Anders")
    bob, carol = stack.person("Quinn Quota"), stack.person("Carol Chen")  # Quinn: unknown to the app
    space = stack.space(alice, bob, carol)
    stack.say(space, carol, "/meethelp")  # Carol's email is known: she is added whatever the directory says
    stack.fault("people", "people.get", status=429, times=100)
    stack.say(space, alice, "/meet Weekly sync @Quinn Quota @Carol Chen")
    assert_directory_note(stack, space, "Quinn Quota")
    assert cohost_emails(stack, space, "Weekly sync") == {carol["email"]}


def test_delegation_without_the_directory_allowed_still_makes_the_meeting(delegation_stack: Stack) -> None:
    """The administrator allowed the Meet scope only: the directory token is refused,
    the meeting is made, and the card says who could allow it."""
    stack = delegation_stack
    account = stack.state.service_accounts[APP_SERVICE_ACCOUNT]
    account.delegated_scopes = frozenset({MEET})
    try:
        alice, bob = stack.person("Alice Anders"), stack.person("Bob Brown")
        space = stack.space(alice, bob)
        stack.say(space, alice, "/meet Weekly sync @Bob Brown")
        text = card_text(stack, space, "Weekly sync")
        assert "Couldn't add Bob Brown as co-host: Google didn't let me look them up" in text
        assert "administrator" in text and cohost_emails(stack, space, "Weekly sync") == set()
        assert people_calls(stack) == []  # no directory token, so no call
        refused = [c for c in stack.calls("token") if c["status"] == 400]
        assert refused, "the directory token was asked for and refused"
    finally:
        account.delegated_scopes = None
