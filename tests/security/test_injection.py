"""Markup and link injection through what people type and what Google reports.

A meeting title, a person's display name and an anonymous guest's name all end up in
cards; Chat renders ``textParagraph`` and ``decoratedText`` text as HTML-ish markup
(``<a href>``, ``<b>``, ``<font>``). None of it may arrive in a card unescaped.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

import pytest

from tests.e2e.conftest import Stack
from tests.e2e.test_lifecycle import Meeting
from tests.support import wait_until

from .test_push_and_bodies import stack  # noqa: F401 - the module's stack fixture

PAYLOADS = ['<a href="https://evil.example.com">click</a>', "<b>bold</b><font color=\"#ff0000\">x</font>",
            "<script>alert(1)</script>", "<https://evil.example.com|phish>"]


def rendered_texts(node: Any) -> Iterator[str]:
    """Every string Chat renders as markup in a card."""
    if isinstance(node, dict):
        for key, value in node.items():
            # (a card header's title and subtitle are plain text: Chat shows tags as typed)
            if key in ("text", "topLabel", "bottomLabel") and isinstance(value, str):
                yield value
            else:
                yield from rendered_texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from rendered_texts(item)


def assert_no_live_markup(message: dict[str, Any]) -> None:
    for text in rendered_texts(message.get("cardsV2") or []):
        for needle in ("<a href=\"https://evil", "<b>bold", "<script", "<font color"):
            assert needle not in text, text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_injected_titles_and_names_are_escaped_in_the_card_and_summary(stack: Stack, payload: str) -> None:  # noqa: F811
    stack.control("POST", "reset")
    stack.control("POST", "pubsub", {"paused": True})
    try:
        meeting = Meeting(stack, title=payload)
        assert_no_live_markup(meeting.card())
        meeting.join(user=meeting.alice["name"])
        meeting.join(anonymous=payload)
        meeting.end()
        bot = stack.local.app.extensions["meetbot"]
        stored = bot.services.storage.meetings.get_meeting_by_meet_space(
            "spaces/" + stack.control("GET", f"meet/spaces/{meeting.code}")["name"].split("/")[-1])
        assert stored is not None
        bot.worker.sync.sync(stored, None)
        wait_until(meeting.summaries, what="the summary")
        for message in [meeting.card(), *meeting.summaries()]:
            assert_no_live_markup(message)
        assert "&lt;" in json.dumps(meeting.summaries())  # the guest's name is there, as text
    finally:
        stack.control("POST", "pubsub", {"reset": True})
