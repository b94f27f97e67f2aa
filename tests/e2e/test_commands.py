"""The Chat app core, end to end: people type in Chat, the app answers, Meet has the meeting.

Everything goes over real HTTP: the emulator delivers signed events to the app, the app
calls Meet (google-api-python-client) and Chat (google-apps-chat) back on the emulator.
Organizers have linked their Google account first (the app's default AUTH_MODE=oauth);
tests/e2e/test_authorization.py covers linking itself, and domain-wide delegation.
"""

from __future__ import annotations

import json

from tests.e2e.conftest import Stack


def card_of(message: dict) -> dict:
    return message["cardsV2"][0]["card"]


def card_text(message: dict) -> str:
    return json.dumps(card_of(message))


def test_meet_posts_a_join_card_and_the_meet_space_exists(stack: Stack) -> None:
    alice = stack.linked_person("Alice Anders")
    space = stack.space(alice)
    answer = stack.say(space, alice, "/meet Weekly sync")

    cards = [m for m in stack.app_messages(space) if m.get("cardsV2")]
    assert len(cards) == 1
    card = cards[0]
    assert card_of(card)["header"]["title"] == "Weekly sync"
    assert answer["reply"]["name"] == card["name"]  # what Alice saw appear
    assert card["clientAssignedMessageId"].startswith("client-meet-")
    # The card starts a thread of its own, not a reply to Alice's command.
    assert card["thread"]["name"] != answer["message"]["thread"]["name"]

    code = card["clientAssignedMessageId"][len("client-meet-"):]
    meet_space = stack.control("GET", f"meet/spaces/{code}")
    assert meet_space["meetingUri"] == f"https://meet.google.com/{code}"
    assert meet_space["meetingUri"] in card_text(card)

    recorded = stack.storage.meetings.get_meeting_by_meet_space(meet_space["name"])
    assert recorded is not None and recorded.card_message == card["name"]
    assert recorded.organizer.user_name == alice["name"] and recorded.title == "Weekly sync"
    assert recorded.thread_name == card["thread"]["name"]


def test_meet_created_with_the_organizers_own_credentials(stack: Stack) -> None:
    alice = stack.linked_person("Alice Anders")
    space = stack.space(alice)
    stack.say(space, alice, "/meet Planning")
    creates = stack.calls("spaces.create")
    assert len(creates) == 1 and creates[0]["principal"] == alice["email"]
    posts = stack.calls("spaces.messages.create")
    assert posts[0]["principal"].startswith("meet-bot@")  # the card is posted as the app


def test_mentions_become_requested_cohosts_not_part_of_the_title(stack: Stack) -> None:
    alice, bob = stack.linked_person("Alice Anders"), stack.person("Bob Brown")
    space = stack.space(alice, bob)
    stack.say(space, alice, "/meet Design review @Bob Brown")
    card = next(m for m in stack.app_messages(space) if m.get("cardsV2"))
    assert card_of(card)["header"]["title"] == "Design review"
    meeting = stack.storage.meetings.get_meeting_by_card_message(card["name"])
    assert meeting is not None and [p.user_name for p in meeting.requested_cohosts] == [bob["name"]]


def test_the_apps_own_mention_is_neither_a_cohost_nor_in_the_title(stack: Stack) -> None:
    """Chat names the app by a numeric user id like anyone's (type BOT), in the mention and
    the slash command's annotation alike; the app must know itself by that, not by a name."""
    alice, bob = stack.linked_person("Alice Anders"), stack.person("Bob Brown")
    space = stack.space(alice, bob)
    app = stack.control("GET", "chat/app")
    assert app["type"] == "BOT" and app["name"].split("/", 1)[1].isdigit()
    answer = stack.say(space, alice, "/meet Design review @Meet @Bob Brown")
    annotations = answer["message"]["annotations"]
    app_mentions = [a for a in annotations if a["type"] == "USER_MENTION" and a["userMention"]["user"]["type"] == "BOT"]
    assert [a["userMention"]["user"]["name"] for a in app_mentions] == [app["name"]]
    slash = next(a for a in annotations if a["type"] == "SLASH_COMMAND")
    assert slash["slashCommand"]["bot"]["name"] == app["name"]
    card = next(m for m in stack.app_messages(space) if m.get("cardsV2"))
    assert card["sender"]["name"] == app["name"] and card["sender"]["type"] == "BOT"
    assert card_of(card)["header"]["title"] == "Design review"
    meeting = stack.storage.meetings.get_meeting_by_card_message(card["name"])
    assert meeting is not None and [p.user_name for p in meeting.requested_cohosts] == [bob["name"]]


def html_fields(card: dict) -> list[str]:
    """The card texts Chat renders as HTML (the header title is plain text)."""
    found = []
    for section in card.get("sections", []):
        found.append(section.get("header", ""))
        for widget in section.get("widgets", []):
            found.append(widget.get("decoratedText", {}).get("text", ""))
            found.append(widget.get("textParagraph", {}).get("text", ""))
    return found


def test_title_markup_is_shown_literally(stack: Stack) -> None:
    alice = stack.linked_person("Alice Anders")
    space = stack.space(alice)
    # Long enough that the card repeats the whole title in its (HTML) body.
    title = '<a href="https://evil.example">click</a> & <b>bold</b> and a long agenda to discuss today'
    stack.say(space, alice, "/meet " + title)
    card = card_of(next(m for m in stack.app_messages(space) if m.get("cardsV2")))
    assert title.startswith(card["header"]["title"].rstrip("…"))  # plain text: as typed
    assert any("&lt;a href=&quot;https://evil.example&quot;&gt;" in text for text in html_fields(card))
    for text in html_fields(card):
        assert "<a href=\"https://evil" not in text and "<b>bold</b>" not in text


def test_meet_without_a_title_names_the_organizer(stack: Stack) -> None:
    alice = stack.linked_person("Alice Anders")
    space = stack.space(alice)
    stack.say(space, alice, "/meet")
    card = next(m for m in stack.app_messages(space) if m.get("cardsV2"))
    assert card_of(card)["header"]["title"] == "Alice Anders's meeting"


def test_meethelp_lists_every_command(stack: Stack) -> None:
    alice = stack.linked_person("Alice Anders")
    space = stack.space(alice)
    reply = stack.say(space, alice, "/meethelp")["reply"]
    text = json.dumps(reply)
    for command in ("/meet", "/meethelp", "/meetsettings", "/meetlogout", "/meetrecent"):
        assert command in text


def test_welcome_differs_between_a_dm_and_a_space(stack: Stack) -> None:
    alice = stack.linked_person("Alice Anders")
    room = stack.space(alice)
    direct = stack.space(alice, space_type="DIRECT_MESSAGE")
    room_welcome = stack.app_messages(room)[0]["text"]
    dm_welcome = stack.app_messages(direct)[0]["text"]
    assert room_welcome != dm_welcome and "/meet" in room_welcome and "/meet" in dm_welcome
    assert stack.storage.spaces.is_installed(room["name"]) and stack.storage.spaces.is_installed(direct["name"])


def test_plain_message_in_a_dm_gets_help(stack: Stack) -> None:
    alice = stack.person("Alice Anders")
    direct = stack.space(alice, space_type="DIRECT_MESSAGE")
    reply = stack.say(direct, alice, "hello there")["reply"]
    assert "/meethelp" in json.dumps(reply)


def test_removed_from_space_is_remembered(stack: Stack) -> None:
    alice = stack.person("Alice Anders")
    space = stack.space(alice)
    stack.control("POST", f"chat/spaces/{space['name'].split('/')[1]}/remove-app", {"user": alice["name"]})
    assert not stack.storage.spaces.is_installed(space["name"])


def test_unknown_command_gets_a_clear_private_answer(stack: Stack) -> None:
    alice = stack.person("Alice Anders")
    space = stack.space(alice)
    reply = stack.say(space, alice, "/meetpoll lunch?")["reply"]
    assert "don't know" in reply["text"] and "/meethelp" in reply["text"]
    assert reply["privateMessageViewer"]["name"] == alice["name"]


# -- Meet API failures ------------------------------------------------------------------
def test_permission_denied_is_explained_privately_and_nothing_is_recorded(stack: Stack) -> None:
    alice = stack.linked_person("Alice Anders")
    space = stack.space(alice)
    stack.fault("meet", "spaces.create", status=403, times=1)
    reply = stack.say(space, alice, "/meet Weekly sync")["reply"]
    assert "permission" in reply["text"].lower()
    assert reply["privateMessageViewer"]["name"] == alice["name"]
    assert stack.storage.meetings.recent_meetings(space["name"]) == []
    assert len(stack.calls("spaces.create")) == 1  # a refusal is not retried


def test_quota_error_is_retried_with_backoff_and_succeeds(stack: Stack) -> None:
    alice = stack.linked_person("Alice Anders")
    space = stack.space(alice)
    stack.fault("meet", "spaces.create", status=429, times=1)
    stack.say(space, alice, "/meet Weekly sync")
    assert [c["status"] for c in stack.calls("spaces.create")] == [429, 200]
    assert len([m for m in stack.app_messages(space) if m.get("cardsV2")]) == 1


def test_meets_own_quota_refusal_gets_a_clear_answer_and_records_nothing(stack: Stack) -> None:
    """Not an injected fault: the emulator's model of Meet's per-user quota on spaces.create
    (set to 1 a minute here), answered as Google answers it (429 RESOURCE_EXHAUSTED)."""
    alice = stack.linked_person("Alice Anders")
    bob = stack.linked_person("Bob Berg")
    space = stack.space(alice, bob)
    stack.control("POST", "quotas", {"limits": {"meet.reduced_write_requests.per_user": 1}})
    stack.say(space, alice, "/meet First")
    reply = stack.say(space, alice, "/meet Second")["reply"]
    assert "quota exceeded" in reply["text"] and "again in a minute" in reply["text"]
    assert reply["privateMessageViewer"]["name"] == alice["name"]
    statuses = [c["status"] for c in stack.calls("spaces.create")]
    assert statuses[0] == 200 and statuses[1:] and set(statuses[1:]) == {429}
    assert [m.title for m in stack.storage.meetings.recent_meetings(space["name"])] == ["First"]
    stack.say(space, bob, "/meet Third")  # the quota is per user: Bob's is untouched
    assert [m.title for m in stack.storage.meetings.recent_meetings(space["name"])] == ["Third", "First"]


def test_persistent_outage_gets_an_honest_answer_within_the_deadline(stack: Stack) -> None:
    alice = stack.linked_person("Alice Anders")
    space = stack.space(alice)
    stack.fault("meet", "spaces.create", status=503, times=50)
    reply = stack.say(space, alice, "/meet Weekly sync")["reply"]
    assert "try" in reply["text"].lower() and reply["privateMessageViewer"]["name"] == alice["name"]
    assert 2 <= len(stack.calls("spaces.create")) <= 4
    assert stack.storage.meetings.recent_meetings(space["name"]) == []


def test_a_stalled_meet_call_times_out_with_an_answer(stack: Stack) -> None:
    alice = stack.linked_person("Alice Anders")
    space = stack.space(alice)
    stack.fault("meet", "spaces.create", delayMs=2500, times=50)
    reply = stack.say(space, alice, "/meet Weekly sync")["reply"]
    assert "didn't answer in time" in reply["text"]


def test_card_that_cannot_be_posted_leaves_no_meeting_recorded(stack: Stack) -> None:
    alice = stack.linked_person("Alice Anders")
    space = stack.space(alice)
    stack.fault("chat", "spaces.messages.create", status=500, times=50)
    reply = stack.say(space, alice, "/meet Weekly sync")["reply"]
    assert reply["privateMessageViewer"]["name"] == alice["name"]
    assert stack.storage.meetings.recent_meetings(space["name"]) == []


def test_a_dialog_closed_without_an_action_just_closes(stack: Stack) -> None:
    from bot.chat_events import EventFormat, EventKind, parse_event
    from bot.handlers.help import fallback
    from bot.replies import CloseDialog

    event = parse_event({"type": "CARD_CLICKED", "user": {"name": "users/1"}, "space": {"name": "spaces/A"},
                         "isDialogEvent": True, "dialogEventType": "CANCEL_DIALOG", "common": {}})
    assert event.kind is EventKind.ACTION and event.format is EventFormat.CLASSIC
    assert isinstance(fallback(event, stack.local.app.extensions["meetbot"].services), CloseDialog)
