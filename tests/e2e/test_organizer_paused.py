"""When the organizer's authorization is gone, people are told, and the story resumes.

End to end through the emulator: /meetlogout mid-call, a grant revoked at Google (the
app's cached access token dies with it, so Meet answers 401 and the refresh meets
``invalid_grant``), and ``invalid_grant`` at the token endpoint itself (no cached token),
then the organizer linking again; and domain-wide delegation withdrawn by an
administrator. Each time: the card says "Updates paused" on its next sync with its last
known status (never a state it cannot know), the organizer gets exactly one private
prompt across reconcile passes and duplicated events, and once access is back the card
and the summary catch up by themselves, with exactly one summary.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from local.stack import APP_SERVICE_ACCOUNT
from tests.e2e.conftest import Stack
from tests.e2e.test_lifecycle import Meeting, _lifecycle_stack, reconcile
from tests.support import wait_until

PAUSED_LINE = "Updates paused: Alice Anders needs to link their account"
ADMIN_LINE = "Updates paused: an administrator needs to restore this app"


@pytest.fixture(scope="module")
def oauth_stack() -> Iterator[Stack]:
    """Pub/Sub on, the reconciler run by the tests, and people who link their accounts."""
    yield from _lifecycle_stack(pubsub=True, extra_env={"AUTH_MODE": "oauth"})


@pytest.fixture(scope="module")
def delegation_stack() -> Iterator[Stack]:
    yield from _lifecycle_stack(pubsub=True)


class LinkedMeeting(Meeting):
    """A meeting whose organizer linked her account first (AUTH_MODE=oauth)."""

    def __init__(self, stack: Stack, title: str = "Weekly sync") -> None:
        self.stack = stack
        self.alice = stack.linked_person("Alice Anders")
        self.bob, self.carol = stack.person("Bob Brown"), stack.person("Carol Chen")
        self.space = stack.space(self.alice, self.bob, self.carol)
        stack.say(self.space, self.alice, f"/meet {title}")
        self.card_name = self.card()["name"]
        self.code = self.card()["clientAssignedMessageId"][len("client-meet-"):]


def prompts(meeting: Meeting) -> list[dict[str, Any]]:
    return [m for m in meeting.app_messages() if "stopped updating" in m.get("text", "")]


def subscriptions(stack: Stack) -> list[dict[str, Any]]:
    return stack.control("GET", "events/subscriptions")["subscriptions"]


def summary_creates(stack: Stack) -> list[dict[str, Any]]:
    return [c for c in stack.calls("spaces.messages.create")
            if "client-summary-" in json.dumps(c) and c["status"] == 200]


def started(meeting: Meeting, stack: Stack) -> None:
    """Subscribed, and Alice and Bob in the call, as the card shows."""
    wait_until(lambda: subscriptions(stack), what="a subscription")
    meeting.join(user=meeting.alice["name"])
    meeting.join(user=meeting.bob["name"])
    meeting.flush()
    wait_until(lambda: "In the call (2)" in meeting.card_text(), what="two people in the call")


def assert_paused(meeting: Meeting, line: str, last_known: str) -> None:
    card = meeting.card_text()
    assert line in card
    assert '"topLabel": "Last known status"' in card and last_known in card
    assert "In the call" not in card  # who is in the call now is not known
    assert "Waiting for people to join" not in card  # never a fresh claim it cannot know


def assert_one_prompt(meeting: Meeting, *, link: bool) -> dict[str, Any]:
    [prompt] = prompts(meeting)
    assert prompt["privateMessageViewer"]["name"] == meeting.alice["name"]  # only Alice sees it
    assert prompt["thread"]["name"] == meeting.card()["thread"]["name"]  # in the meeting's thread
    assert ("/oauth2/start?state=" in prompt["text"]) is link
    assert ("administrator" in prompt["text"]) is not link
    return prompt


def test_meetlogout_mid_call_pauses_the_card_asks_once_and_linking_again_catches_up(oauth_stack: Stack) -> None:
    stack = oauth_stack
    stack.control("POST", "reset")
    meeting = LinkedMeeting(stack)
    started(meeting, stack)

    reply = stack.say(meeting.space, meeting.alice, "/meetlogout")["reply"]
    assert reply["privateMessageViewer"]["name"] == meeting.alice["name"]
    assert "card of your meeting still in use stops updating" in reply["text"]
    assert "keep working" not in reply["text"]

    # /meetlogout requested a sync: the card says so at once, with no Meet read.
    wait_until(lambda: PAUSED_LINE in meeting.card_text(), what="the paused line")
    assert_paused(meeting, PAUSED_LINE, "In progress")
    wait_until(lambda: prompts(meeting), what="the organizer's prompt")

    # More happens in the call, its events delivered three times each (the revoked grant
    # also suspends the subscription: that lifecycle event arrives three times too), and
    # the reconciler passes again and again: one prompt, the card still paused.
    stack.control("POST", "pubsub", {"duplicates": 2})
    try:
        meeting.join(phone="+16505550123")
        meeting.flush()
        for _ in range(3):
            reconcile(stack)
    finally:
        stack.control("POST", "pubsub", {"reset": True})
    assert_one_prompt(meeting, link=True)
    assert_paused(meeting, PAUSED_LINE, "In progress")
    assert [s["state"] for s in subscriptions(stack)] == ["SUSPENDED"]

    # Alice links again: her meeting catches up by itself, its subscription back.
    stack.link(meeting.alice)
    wait_until(lambda: "In the call (3)" in meeting.card_text(), what="the card caught up with the call")
    assert PAUSED_LINE not in meeting.card_text() and "Last known status" not in meeting.card_text()
    assert [s["state"] for s in subscriptions(stack)] == ["ACTIVE"]
    meeting_id = stack.storage.meetings.get_meeting_by_card_message(meeting.card_name).id
    wait_until(lambda: stack.storage.pauses.pause_of(meeting_id) is None, what="the pause ended")

    # Events flow again: the end reaches the card and one summary without a reconcile pass.
    meeting.end(recording=True)
    meeting.flush()
    wait_until(meeting.summaries, what="the summary")
    wait_until(lambda: "Ended" in meeting.card_text(), what="the card ended")
    assert len(meeting.summaries()) == 1 and len(summary_creates(stack)) == 1
    assert len(prompts(meeting)) == 1


@pytest.mark.parametrize("how", ["revoked", "invalid_grant"])
def test_a_grant_revoked_at_google_pauses_and_the_ended_call_is_summarised_after_linking(
        oauth_stack: Stack, how: str) -> None:
    stack = oauth_stack
    stack.control("POST", "reset")
    meeting = LinkedMeeting(stack)
    started(meeting, stack)

    # Alice removes the app in her Google account (the revoke endpoint, directly).
    with stack.state.lock:
        [issued] = [g for g in stack.state.tokens.grants.values() if g.user_name == meeting.alice["name"]]
    assert requests.post(f"{stack.url}/revoke", data={"token": issued.refresh_token}, timeout=10).status_code == 200
    if how == "invalid_grant":
        # A process with no cached token: its first refresh meets invalid_grant at /token.
        stack.authorization.credentials.forget_cached(meeting.alice["name"])
    reconcile(stack)
    wait_until(lambda: PAUSED_LINE in meeting.card_text(), what="the paused line")  # (or the worker's sync)
    assert_paused(meeting, PAUSED_LINE, "In progress")
    assert stack.storage.grants.get_grant(meeting.alice["name"]) is None  # the refused grant is forgotten
    space = stack.storage.meetings.get_meeting_by_card_message(meeting.card_name).meet_space
    reads = [c["status"] for c in stack.calls("conferenceRecords.list") if space in json.dumps(c)]
    # Revoked under a live access token, Meet refused it (then the refresh met invalid_grant);
    # with no cached token, the refresh met invalid_grant before any Meet call.
    assert (401 in reads) is (how == "revoked")

    # The call ends while nobody can read it: the card does not pretend to know.
    meeting.end(recording=True, transcript=[{"user": meeting.alice["name"], "text": "Hello"}])
    meeting.flush()
    reconcile(stack)
    reconcile(stack)
    assert_paused(meeting, PAUSED_LINE, "In progress")
    assert meeting.summaries() == []
    wait_until(lambda: prompts(meeting), what="the organizer's prompt")
    assert_one_prompt(meeting, link=True)

    # She follows the prompt's own link: the card ends and the summary arrives by themselves.
    prompt = prompts(meeting)[0]
    url = prompt["text"].split("<", 1)[1].split("|", 1)[0]
    response = stack.follow(url)
    assert response.status_code == 200 and "is linked" in response.text
    wait_until(lambda: "Ended" in meeting.card_text(), what="the card caught up with the end")
    assert PAUSED_LINE not in meeting.card_text()
    wait_until(meeting.summaries, what="the summary of the call that ended while paused")
    summary = json.dumps(meeting.summaries()[0]["cardsV2"])
    assert "Alice Anders" in summary and "Bob Brown" in summary and "Carol Chen" in summary
    stack.control("POST", "clock", {"advanceSeconds": 600})
    reconcile(stack)
    wait_until(lambda: "being prepared" not in json.dumps(meeting.summaries()), what="the recording's link")
    reconcile(stack)
    assert len(meeting.summaries()) == 1 and len(summary_creates(stack)) == 1
    assert len(prompts(meeting)) == 1


def test_a_later_logout_is_a_new_episode_and_prompts_again(oauth_stack: Stack) -> None:
    stack = oauth_stack
    stack.control("POST", "reset")
    meeting = LinkedMeeting(stack)
    started(meeting, stack)
    stack.say(meeting.space, meeting.alice, "/meetlogout")
    wait_until(lambda: prompts(meeting), what="the first prompt")
    stack.link(meeting.alice)
    wait_until(lambda: PAUSED_LINE not in meeting.card_text(), what="resumed")
    reply = stack.say(meeting.space, meeting.alice, "/meetlogout")["reply"]
    assert "stops updating" in reply["text"]
    wait_until(lambda: len(prompts(meeting)) == 2, what="the second episode's prompt")
    reconcile(stack)
    assert len(prompts(meeting)) == 2


def test_meetlogout_without_live_meetings_claims_nothing_about_cards(oauth_stack: Stack) -> None:
    stack = oauth_stack
    stack.control("POST", "reset")
    alice = stack.linked_person("Alice Anders")
    space = stack.space(alice)
    reply = stack.say(space, alice, "/meetlogout")["reply"]
    assert "revoked" in reply["text"] and "stop" not in reply["text"] and "keep working" not in reply["text"]


def test_delegation_withdrawn_by_an_administrator_pauses_and_its_return_resumes(delegation_stack: Stack) -> None:
    stack = delegation_stack
    stack.control("POST", "reset")
    meeting = Meeting(stack)
    started(meeting, stack)
    stack.control("POST", f"service-accounts/{APP_SERVICE_ACCOUNT}/delegation", {"enabled": False})
    try:
        stack.control("POST", "clock", {"advanceSeconds": 3700})  # the access tokens already issued expire
        reconcile(stack)
        wait_until(lambda: ADMIN_LINE in meeting.card_text(), what="the paused line")
        assert_paused(meeting, ADMIN_LINE, "In progress")
        meeting.join(user=meeting.carol["name"])
        meeting.flush()
        reconcile(stack)
        reconcile(stack)
        wait_until(lambda: prompts(meeting), what="the organizer's prompt")
        prompt = assert_one_prompt(meeting, link=False)
        assert "Ask your administrator to restore it" in prompt["text"]
        assert "Updates paused" in meeting.card_text()
    finally:
        stack.control("POST", f"service-accounts/{APP_SERVICE_ACCOUNT}/delegation", {"enabled": True})
    reconcile(stack)
    wait_until(lambda: "In the call (3)" in meeting.card_text(), what="the card caught up")
    assert "Updates paused" not in meeting.card_text()
    assert len(prompts(meeting)) == 1
