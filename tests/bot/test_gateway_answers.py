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
