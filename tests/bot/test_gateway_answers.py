"""What the gateways spend per call on our side: discovery resources built once per
gateway, and Chat's answer to a post or an edit read without converting the cards it
echoes back."""

from __future__ import annotations

import json

from google.apps import chat_v1

from bot.google.chat import _written
from bot.google.meet import MeetGateway
from bot.google.resources import ChatMessage
from bot.google.workspace_events import EventsGateway
from cards.help import help_message


def test_a_resource_is_built_once_and_lists_what_its_path_names() -> None:
    gateway = MeetGateway("http://127.0.0.1:9/")
    notes = gateway._resource("conferenceRecords", "smartNotes")

    assert gateway._resource("conferenceRecords", "smartNotes") is notes  # not built again
    assert gateway._resource("conferenceRecords", "transcripts") is not notes
    request = notes.list(parent="conferenceRecords/c1", pageSize=100)
    assert request.uri.startswith("http://127.0.0.1:9/v2/conferenceRecords/c1/smartNotes?")
    members = gateway._resource("spaces", "members").create(parent="spaces/s1", body={"email": "a@example.com"})
    assert members.uri.startswith("http://127.0.0.1:9/v2/spaces/s1/members") and members.method == "POST"


def test_gateways_do_not_share_resources() -> None:
    meet, events = MeetGateway("http://127.0.0.1:9/"), EventsGateway("http://127.0.0.1:9/")
    assert meet._resource("spaces") is not MeetGateway("http://127.0.0.1:9/")._resource("spaces")
    assert events._resource("subscriptions").get(name="subscriptions/x").uri.startswith(
        "http://127.0.0.1:9/v1/subscriptions/x")


def test_a_posted_card_answer_gives_its_name_and_thread() -> None:
    body = {**help_message(), "name": "spaces/S/messages/M", "thread": {"name": "spaces/S/threads/T"}}
    answer = chat_v1.Message.from_json(json.dumps(body))

    assert _written(answer) == ChatMessage("spaces/S/messages/M", "spaces/S/threads/T")


def test_an_answer_without_a_thread_has_none() -> None:
    answer = chat_v1.Message(name="spaces/S/messages/M", text="hello")
    assert _written(answer) == ChatMessage("spaces/S/messages/M", None)


def test_a_post_and_an_edit_ask_chat_for_only_what_they_read() -> None:
    """Chat would echo the whole card back, which the client library parses widget by
    widget; the gateway asks (X-Goog-FieldMask) for the two fields ``_written`` reads."""
    from google.auth.credentials import AnonymousCredentials

    from bot.google.chat import ChatGateway

    sent: list[tuple[str, object]] = []
    gateway = ChatGateway(AnonymousCredentials(), "http://127.0.0.1:9")

    def create_message(*, request: object, metadata: object, **_: object) -> chat_v1.Message:
        sent.append(("create", metadata))
        return chat_v1.Message(name="spaces/S/messages/M", thread=chat_v1.Thread(name="spaces/S/threads/T"))

    def update_message(*, request: object, metadata: object, **_: object) -> chat_v1.Message:
        sent.append(("update", metadata))
        return chat_v1.Message(name="spaces/S/messages/M")

    gateway._client.create_message = create_message  # type: ignore[method-assign]
    gateway._client.update_message = update_message  # type: ignore[method-assign]
    assert gateway.create_message("spaces/S", help_message()) == ChatMessage("spaces/S/messages/M", "spaces/S/threads/T")
    assert gateway.update_message("spaces/S/messages/M", help_message(), ["text"]).name == "spaces/S/messages/M"
    assert sent == [("create", (("x-goog-fieldmask", "name,thread.name"),)),
                    ("update", (("x-goog-fieldmask", "name,thread.name"),))]
