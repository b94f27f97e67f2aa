"""Helpers for the card tests: sample meetings, schema checks, and reading card HTML."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html.parser import HTMLParser
from typing import Any, Iterator

from domain import Meeting, MeetingSettings, Person
from emulator.schema import validate

NOW = datetime(2024, 5, 6, 14, 17, tzinfo=timezone.utc)
EVIL = '<a href="https://evil">x</a> & <b>'


def make_meeting(**changes: Any) -> Meeting:
    meeting = Meeting(
        meet_space="spaces/abc123",
        meeting_code="abc-defg-hij",
        meeting_uri="https://meet.google.com/abc-defg-hij",
        chat_space="spaces/AAAA",
        organizer=Person("users/1", "Ada Lovelace", "ada@example.com"),
        title="Weekly sync",
        created_at=datetime(2024, 5, 6, 14, 0, tzinfo=timezone.utc),
        settings=MeetingSettings(),
    )
    return meeting.with_changes(**changes)


def assert_valid_message(message: dict[str, Any]) -> None:
    """Valid against the Chat discovery document's Message, each card against its schema."""
    validate("chat", "Message", message)
    for entry in message.get("cardsV2", []):
        validate("chat", "CardWithId", entry)
        validate("chat", "GoogleAppsCardV1Card", entry["card"])
        assert entry["card"]["header"]["title"], "a card header title is required"


def size_in_bytes(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False).encode("utf-8"))


def widgets(card: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for section in card["sections"]:
        yield from section["widgets"]


def html_fields(card: dict[str, Any]) -> Iterator[str]:
    """Every string of the card that Chat renders as HTML."""
    for section in card["sections"]:
        if "header" in section:
            yield section["header"]
        for widget in section["widgets"]:
            if "decoratedText" in widget:
                yield widget["decoratedText"]["text"]
            if "textParagraph" in widget:
                yield widget["textParagraph"]["text"]


def visible_text(card: dict[str, Any]) -> str:
    """All rendered text of a card, markup removed and entities decoded, in order."""
    parts = [card["header"]["title"], card["header"].get("subtitle", "")]
    for section in card["sections"]:
        for widget in section["widgets"]:
            label = widget.get("decoratedText", {}).get("topLabel")
            if label:
                parts.append(label)
        # (HTML fields decoded below, in card order of sections)
    parts.extend(parse_html(text).text for text in html_fields(card))
    return "\n".join(parts)


@dataclass
class ParsedHtml:
    tags: list[str] = field(default_factory=list)
    hrefs: list[str] = field(default_factory=list)
    text: str = ""


def parse_html(fragment: str) -> ParsedHtml:
    """The tags, link targets and decoded text of one HTML card field."""
    parsed = ParsedHtml()

    class _Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            parsed.tags.append(tag)
            parsed.hrefs.extend(value or "" for name, value in attrs if name == "href")
            if tag == "br":
                parsed.text += "\n"

        def handle_data(self, data: str) -> None:
            parsed.text += data

    parser = _Parser(convert_charrefs=True)
    parser.feed(fragment)
    parser.close()
    return parsed
