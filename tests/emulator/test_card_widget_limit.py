"""Chat's 100-widget limit on a card, as ``GoogleAppsCardV1Card`` documents it in the Chat
discovery document: "If a section's widgets push the total count above 100, that entire
section and all following sections are ignored" — card messages and dialogs alike.

Checked on every way a card reaches Chat: ``spaces.messages.create`` and ``patch``
through the discovery client, the app's synchronous answer to an event, and a dialog.
"""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from emulator import EmulatorConfig
from emulator.chat.model import WIDGETS_PER_CARD_LIMIT
from tests.emulator.test_chat_events import FakeChatApp, start
from tests.support import Emulator


def sections(*sizes: int) -> list[dict[str, Any]]:
    return [{"header": f"s{index}", "widgets": [{"textParagraph": {"text": f"s{index} w{i}"}} for i in range(size)]}
            for index, size in enumerate(sizes)]


def card_body(*sizes: int) -> dict[str, Any]:
    return {"header": {"title": "Big"}, "sections": sections(*sizes)}


def headers(card: dict[str, Any]) -> list[str]:
    return [section["header"] for section in card.get("sections", [])]


def test_the_limit_is_googles() -> None:
    assert WIDGETS_PER_CARD_LIMIT == 100


@pytest.fixture
def chat_api(emulator: Emulator) -> tuple[Any, str]:
    emulator.control("POST", "quotas", {"chatSpaceQuotas": False})  # a create and its edit in one second
    state = emulator.state
    with state.lock:
        alice = state.add_user("alice@example.com", "Alice")
        space = state.chat.create_space("Team", "SPACE", [alice])
    return emulator.chat_discovery(emulator.app_credentials()), space.name


def test_create_drops_the_section_that_crosses_the_limit_and_all_after_it(chat_api: tuple[Any, str]) -> None:
    chat, space = chat_api
    body = {"cardsV2": [{"cardId": "c", "card": card_body(60, 30, 20, 5)}]}
    created = chat.spaces().messages().create(parent=space, body=body).execute()
    card = created["cardsV2"][0]["card"]
    # 60 + 30 = 90 stay whole; the third section would make 110: it goes, and the fourth with it
    # (5 more would have fitted under 100, but Chat ignores every section after the crossing one).
    assert headers(card) == ["s0", "s1"]
    assert [len(s["widgets"]) for s in card["sections"]] == [60, 30]
    assert card["header"] == {"title": "Big"}
    fetched = chat.spaces().messages().get(name=created["name"]).execute()
    assert headers(fetched["cardsV2"][0]["card"]) == ["s0", "s1"]


def test_exactly_100_widgets_are_all_kept(chat_api: tuple[Any, str]) -> None:
    chat, space = chat_api
    created = chat.spaces().messages().create(
        parent=space, body={"cardsV2": [{"cardId": "c", "card": card_body(50, 50, 0)}]}).execute()
    assert [len(s.get("widgets", [])) for s in created["cardsV2"][0]["card"]["sections"]] == [50, 50, 0]


def test_a_first_section_past_the_limit_leaves_no_section(chat_api: tuple[Any, str]) -> None:
    chat, space = chat_api
    created = chat.spaces().messages().create(
        parent=space, body={"cardsV2": [{"cardId": "c", "card": card_body(101, 1)}]}).execute()
    card = created["cardsV2"][0]["card"]
    assert card.get("sections", []) == [] and card["header"] == {"title": "Big"}


def test_each_card_of_a_message_counts_on_its_own(chat_api: tuple[Any, str]) -> None:
    chat, space = chat_api
    body = {"cardsV2": [{"cardId": "a", "card": card_body(80)}, {"cardId": "b", "card": card_body(80, 30)}]}
    created = chat.spaces().messages().create(parent=space, body=body).execute()
    assert [headers(c["card"]) for c in created["cardsV2"]] == [["s0"], ["s0"]]


def test_update_applies_the_same_rule(chat_api: tuple[Any, str]) -> None:
    chat, space = chat_api
    created = chat.spaces().messages().create(
        parent=space, body={"cardsV2": [{"cardId": "c", "card": card_body(1)}]}).execute()
    updated = chat.spaces().messages().patch(
        name=created["name"], updateMask="cardsV2",
        body={"cardsV2": [{"cardId": "c", "card": card_body(99, 2, 1)}]}).execute()
    assert headers(updated["cardsV2"][0]["card"]) == ["s0"]


# -- the app's answers: a message and a dialog ----------------------------------------------------
@pytest.fixture(scope="module")
def fake_app() -> Iterator[FakeChatApp]:
    fake = FakeChatApp()
    yield fake
    fake.server.stop()


@pytest.fixture
def delivering(fake_app: FakeChatApp) -> Iterator[tuple[Emulator, dict[str, Any], dict[str, Any]]]:
    emulator, server = start(EmulatorConfig(app_url=fake_app.url))
    try:
        alice = emulator.add_user("alice@example.com", "Alice")
        space = emulator.control("POST", "chat/spaces", {"displayName": "Team", "spaceType": "SPACE",
                                                         "members": [alice["name"]]})
        fake_app.clear()
        yield emulator, alice, space
    finally:
        server.stop()


def test_the_apps_synchronous_answer_follows_the_rule(
        delivering: tuple[Emulator, dict[str, Any], dict[str, Any]], fake_app: FakeChatApp) -> None:
    emulator, alice, space = delivering
    fake_app.answer({"cardsV2": [{"cardId": "c", "card": card_body(40, 40, 40)}]})
    reply = emulator.control("POST", "chat/messages", {"space": space["name"], "sender": alice["name"],
                                                        "text": "/meet"})["reply"]
    assert headers(reply["cardsV2"][0]["card"]) == ["s0", "s1"]
    stored = emulator.control("GET", f"chat/{space['name']}/messages")["messages"]
    assert headers(stored[-1]["cardsV2"][0]["card"]) == ["s0", "s1"]


def test_a_dialog_follows_the_rule(delivering: tuple[Emulator, dict[str, Any], dict[str, Any]],
                                   fake_app: FakeChatApp) -> None:
    emulator, alice, space = delivering
    fake_app.answer({"actionResponse": {"type": "DIALOG", "dialogAction": {"dialog": {"body": card_body(70, 31)}}}})
    reply = emulator.control("POST", "chat/messages", {"space": space["name"], "sender": alice["name"],
                                                        "text": "/meetsettings"})["reply"]
    assert headers(reply["actionResponse"]["dialogAction"]["dialog"]["body"]) == ["s0"]
    (opened,) = emulator.control("GET", "chat/dialogs")["dialogs"]
    assert headers(opened["body"]) == ["s0"]
