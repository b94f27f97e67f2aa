"""Ending a call from the playground's Meet panel, in a real browser: the End call dialog.

The emulator alone (no Chat app): Alice owns a meeting space made through the Meet API,
people join through the control plane, and the page's End call dialog ends the
conference with a sample meeting (``emulator/playground/static/transcripts.json``) or
lines typed as ``Name: text``. What Meet recorded is read back through the Meet API,
as the app reads it: ``conferenceRecords.transcripts.entries.list``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator import BackgroundServer, EmulatorConfig, create_emulator
from tests.playground.conftest import watch
from tests.support import Emulator

pytestmark = pytest.mark.browser

SAMPLES_FILE = Path(__file__).resolve().parents[2] / "emulator" / "playground" / "static" / "transcripts.json"


def sample(sample_id: str) -> dict[str, Any]:
    return next(s for s in json.loads(SAMPLES_FILE.read_text(encoding="utf-8"))["samples"] if s["id"] == sample_id)


def expected_lines(sample_id: str, speakers: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(participant, text, languageCode) of each line, speakers mapped round-robin as the page maps them."""
    chosen = sample(sample_id)

    def at(index: int) -> dict[str, Any]:
        return speakers[index % len(speakers)]

    def called(index: int) -> str:
        # A signed-in person is called by their first name; a guest or caller by their whole label.
        speaker = at(index)
        return speaker["displayName"].split()[0] if speaker["signedIn"] else speaker["displayName"]

    return [(at(line["speaker"])["participant"],
             re.sub(r"\{(\d+)\}", lambda m: called(int(m.group(1))), line["text"]),
             chosen["languageCode"]) for line in chosen["lines"]]


class World:
    def __init__(self, emulator: Emulator, page: Any) -> None:
        self.emulator, self.page = emulator, page
        self.errors = watch(page)

    def act_as(self, user: dict[str, Any]) -> None:
        self.page.select_option("#user-switch", user["name"])
        self.page.wait_for_function("(n) => document.body.dataset.viewer === n", arg=user["name"])

    def meeting(self) -> Any:
        """The meeting's section in the Meet panel (no Chat app posted a card for it, nor is there a space)."""
        section = self.page.locator("section.meeting", has=self.page.locator("code", has_text=self.space["meetingCode"]))
        section.wait_for()
        return section

    def start_call(self, *people: dict[str, Any], guest: str | None = None) -> list[dict[str, Any]]:
        """People join, in order; their participants as Meet lists them (with display names)."""
        joined = [self.emulator.control("POST", "meet/join", {"space": self.space["name"], "user": p["name"]})
                  for p in people]
        if guest:
            joined.append(self.emulator.control("POST", "meet/join", {"space": self.space["name"], "anonymous": guest}))
        speakers = []
        for item in joined:
            participant = item["participant"]
            kind = next(k for k in ("signedinUser", "anonymousUser", "phoneUser") if k in participant)
            speakers.append({"participant": participant["name"], "displayName": participant[kind]["displayName"],
                             "signedIn": kind == "signedinUser"})
        self.meeting().locator(".in-call li").nth(len(speakers) - 1).wait_for()
        return speakers

    def open_end_dialog(self) -> Any:
        self.meeting().get_by_role("button", name="End call").click()
        dialog = self.page.get_by_role("dialog", name=re.compile("^End the call"))
        dialog.wait_for()
        return dialog

    def entries(self, conference_record: str) -> list[dict[str, Any]]:
        """The transcript's entries through the Meet API, as the app reads them."""
        records = self.meet.conferenceRecords()
        transcripts = records.transcripts().list(parent=conference_record).execute().get("transcripts", [])
        assert len(transcripts) == 1, transcripts
        return records.transcripts().entries().list(parent=transcripts[0]["name"], pageSize=100).execute()[
            "transcriptEntries"]

    def ended_record(self) -> str:
        """The conference record the dialog just ended (the space has no active conference any more)."""
        self.meeting().locator(".status", has_text="Ended").wait_for()
        records = self.meet.conferenceRecords().list(filter=f'space.name = "{self.space["name"]}"').execute()
        ended = [r for r in records["conferenceRecords"] if "endTime" in r]
        return max(ended, key=lambda r: r["endTime"])["name"]


@pytest.fixture(scope="module")
def world(browser_context: Any) -> Iterator[World]:
    app = create_emulator(EmulatorConfig(auto_consent=True))
    server = BackgroundServer(app).start()
    emulator = Emulator(server.url, app.extensions["emulator"])
    try:
        alice = emulator.add_user("alice@example.com", "Alice Anders")
        credentials = emulator.authorize("alice@example.com")
        page = browser_context.new_page()
        world = World(emulator, page)
        world.alice, world.bob = alice, emulator.add_user("bob@example.com", "Bob Brown")
        world.carol = emulator.add_user("carol@example.com", "Carol Chen")
        world.meet = emulator.meet(credentials)
        world.space = world.meet.spaces().create(body={}).execute()
        page.goto(server.url + "/")
        world.act_as(alice)
        yield world
        page.close()
    finally:
        server.stop()


def test_ending_with_the_planning_sample_transcribes_its_lines_as_the_people_in_the_call(world: World) -> None:
    speakers = world.start_call(world.alice, world.bob)
    dialog = world.open_end_dialog()
    planning = dialog.get_by_role("radio", name=re.compile("^Planning meeting"))
    assert planning.is_checked()  # the first sample is the default
    assert dialog.get_by_role("checkbox", name="Recording").is_checked()
    assert dialog.get_by_role("checkbox", name="Smart notes").is_checked()
    preview = dialog.get_by_role("list", name="Transcript preview")
    expected = expected_lines("planning", speakers)
    assert preview.locator("li").count() == len(expected)
    # Three sample speakers, two people: the third speaker is Alice again; {1} is Bob's first name.
    assert preview.locator("li").nth(2).inner_text().startswith("Alice Anders: ")
    assert preview.locator("li").nth(4).inner_text() == "Alice Anders: Bob, can you update the release notes by Friday?"
    dialog.get_by_role("button", name="End the call").click()
    dialog.wait_for(state="detached")

    record = world.ended_record()
    entries = world.entries(record)
    assert [(e["participant"], e["text"], e["languageCode"]) for e in entries] == expected
    artifacts = world.meet.conferenceRecords()
    assert len(artifacts.recordings().list(parent=record).execute().get("recordings", [])) == 1
    assert len(artifacts.smartNotes().list(parent=record).execute().get("smartNotes", [])) == 1
    calls = [c for c in world.emulator.calls("meet") if c["method"] == "conferenceRecords.transcripts.entries.list"]
    assert calls and calls[-1]["status"] == 200


def test_the_french_sample_is_transcribed_in_french_without_recording(world: World) -> None:
    speakers = world.start_call(world.alice, world.bob, world.carol)
    dialog = world.open_end_dialog()
    dialog.get_by_role("radio", name=re.compile(r"\(French\)")).check()
    dialog.get_by_role("checkbox", name="Recording").uncheck()
    dialog.get_by_role("checkbox", name="Smart notes").uncheck()
    assert dialog.get_by_role("list", name="Transcript preview").locator("li").first.get_attribute("lang") == "fr-FR"
    dialog.get_by_role("button", name="End the call").click()
    dialog.wait_for(state="detached")

    record = world.ended_record()
    entries = world.entries(record)
    assert [(e["participant"], e["text"], e["languageCode"]) for e in entries] == expected_lines("french", speakers)
    assert world.meet.conferenceRecords().recordings().list(parent=record).execute().get("recordings", []) == []


def test_a_guest_in_the_call_speaks_sample_lines_too(world: World) -> None:
    speakers = world.start_call(world.alice, guest="Gus Guest")
    dialog = world.open_end_dialog()
    dialog.get_by_role("radio", name=re.compile("^A request, accepted")).check()
    preview = dialog.get_by_role("list", name="Transcript preview")
    assert preview.locator("li").first.inner_text() == "Alice Anders: Hi Gus Guest, do you have a minute?"
    dialog.get_by_role("button", name="End the call").click()
    dialog.wait_for(state="detached")
    entries = world.entries(world.ended_record())
    assert [(e["participant"], e["text"], e["languageCode"]) for e in entries] == expected_lines("request", speakers)
    assert entries[1]["participant"] == speakers[1]["participant"]  # the guest said "Sure, what's up?"


def test_typed_lines_are_said_by_the_people_they_name(world: World) -> None:
    alice, bob, guest = world.start_call(world.alice, world.bob, guest="Gus Guest")
    world.act_as(world.bob)  # the current person says the lines that name nobody in the call
    dialog = world.open_end_dialog()
    dialog.get_by_role("radio", name=re.compile("^Type your own")).check()
    box = dialog.get_by_role("textbox", name=re.compile("What was said"))
    box.wait_for()
    assert box.evaluate("(el) => el === document.activeElement")
    box.fill("Alice: I'll send the budget to finance by Friday.\n"
             "bob: Thanks, I will review it on Monday.\n"
             "\n"
             "Gus Guest: Can I join the review?\n"
             "Decision: we keep the current vendor.\n"
             "Zed: nobody called Zed is here")
    dialog.get_by_role("combobox", name="Language").select_option("de-DE")
    preview = dialog.get_by_role("list", name="Transcript preview")
    preview.locator("li").nth(4).wait_for()
    assert "2 lines without a known name: said by Bob Brown" in dialog.inner_text()
    dialog.get_by_role("button", name="End the call").click()
    dialog.wait_for(state="detached")

    entries = world.entries(world.ended_record())
    assert [(e["participant"], e["text"], e["languageCode"]) for e in entries] == [
        (alice["participant"], "I'll send the budget to finance by Friday.", "de-DE"),
        (bob["participant"], "Thanks, I will review it on Monday.", "de-DE"),
        (guest["participant"], "Can I join the review?", "de-DE"),
        (bob["participant"], "Decision: we keep the current vendor.", "de-DE"),
        (bob["participant"], "Zed: nobody called Zed is here", "de-DE"),
    ]
    world.act_as(world.alice)


def test_an_empty_typed_transcript_is_refused_and_escape_cancels(world: World) -> None:
    world.start_call(world.alice)
    dialog = world.open_end_dialog()
    dialog.get_by_role("radio", name=re.compile("^Type your own")).check()
    dialog.get_by_role("button", name="End the call").click()
    dialog.get_by_role("alert").filter(has_text="Type at least one line").wait_for()
    world.page.keyboard.press("Escape")
    dialog.wait_for(state="detached")
    end_button = world.meeting().get_by_role("button", name="End call")
    assert end_button.evaluate("(el) => el === document.activeElement")  # focus went back to the button
    assert "In progress" in world.meeting().inner_text()  # nothing ended
    world.open_end_dialog().get_by_role("radio", name="No transcript").check()
    world.page.get_by_role("dialog").get_by_role("button", name="End the call").click()
    record = world.ended_record()
    assert world.meet.conferenceRecords().transcripts().list(parent=record).execute().get("transcripts", []) == []


def test_no_script_errors_on_the_way(world: World) -> None:
    assert list(world.errors) == []
