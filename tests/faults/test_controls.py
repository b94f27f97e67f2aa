"""Faults on the Google calls made while a person waits on a card click or a dialog.

The join card's End (Meet ``spaces.endActiveConference``), Lock and Unlock
(``spaces.patch``), the meeting's Settings dialog (opening: ``spaces.get``; saving:
``spaces.patch``, then Chat ``spaces.messages.update`` for the card), ``/meetsettings``
(Chat ``spaces.members.list``, the manager check, when it opens and when it saves), the
co-host check behind every controlling click (Meet ``spaces.members.list``) and the
co-hosts ``/meet @x`` adds (Meet ``spaces.members.create``). Each is put through 429,
500, 503 and a stall past the timeout:

* once (a brief fault): retried with backoff inside the answer's deadline; the action
  happens exactly once and the card shows it;
* for good (an outage): an honest private answer or dialog error within Chat's deadline
  (a reply, not the emulator's 504); the card claims nothing Meet does not have, nothing
  stored changes, nothing is posted twice; once the outage is over the same click works.

A stalled write is ambiguous: Meet may apply it after the app stopped waiting (the
emulator sleeps, then does the work). The person is then told the change may still
happen, never "nothing was changed".

By default each call gets one fault as a brief fault and another as an outage
(rotating, so all four appear; a write's outage is run both as a stall and as a status
fault); ``FAULT_MATRIX=full`` runs every call with every fault.
"""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass
from typing import Any, Callable

import pytest

from domain import AccessType, CohostState
from cards import buttons
from tests.e2e.conftest import Stack
from tests.support import wait_until

from .conftest import CHAT_DEADLINE, FAULTS, OUTAGE, arm, clear_faults, reconcile, statuses
from .test_background import pause_over
from .conftest import after_stalls
from .test_user_waiting import cards, chat_deadline

KINDS = list(FAULTS)
UNCONFIRMED = "didn't confirm"  # the words of an answer to a write that may still land
SETTINGS_INPUTS = {"access_type": "OPEN", "moderation": "ON", "restrictions": ["chat_hosts_only"],
                   "auto": ["recording"]}
SPACE_DEFAULTS = {"access_type": "RESTRICTED", "moderation": "OFF", "auto": ["transcription"],
                  "summary": ["post_summary"]}


# -- a meeting to act on -------------------------------------------------------------------
@dataclass
class Meeting:
    stack: Stack
    alice: dict[str, Any]
    bob: dict[str, Any]
    space: dict[str, Any]
    carol: dict[str, Any] | None = None
    card_name: str = ""
    code: str = ""
    id: str = ""

    def found(self) -> "Meeting":
        [card] = cards(self.stack, self.space)
        self.card_name = card["name"]
        self.code = card["clientAssignedMessageId"][len("client-meet-"):]
        self.id = str(self.record().id)
        return self

    def record(self) -> Any:
        record = self.stack.storage.meetings.get_meeting_by_card_message(self.card_name)
        assert record is not None and record.id is not None
        return record

    def card_text(self) -> str:
        [card] = cards(self.stack, self.space)
        return html.unescape(json.dumps(card["cardsV2"], sort_keys=True))

    def meet_space(self) -> dict[str, Any]:
        return self.stack.control("GET", f"meet/spaces/{self.code}")

    def access(self) -> str:
        return self.meet_space()["config"]["accessType"]

    def cohost_emails(self) -> set[str]:
        with self.stack.state.lock:
            space = self.stack.state.meet.find_space(self.code)
            return {m.email for m in space.members.values() if m.role == "COHOST"}

    def click(self, user: dict[str, Any], action: str) -> Any:
        return self.stack.control("POST", "chat/clicks", {"message": self.card_name, "user": user["name"],
                                                          "function": action, "parameters": {"meeting": self.id}})

    def submit_settings(self) -> Any:
        return self.stack.control("POST", "chat/dialogs", {
            "user": self.alice["name"], "function": buttons.SETTINGS_SAVE, "parameters": {"meeting": self.id},
            "message": self.card_name, "formInputs": SETTINGS_INPUTS})

    def start_call(self) -> None:
        """Alice joins and presses Refresh: it answers with the redrawn card, or with "Up to
        date" while a sync's fresh reading is on the card; either way the card then shows
        the call in progress (the join's own sync draws it, if the click came first)."""
        self.stack.control("POST", "meet/join", {"space": self.code, "user": self.alice["name"]})
        answer = self.click(self.alice, buttons.REFRESH)
        assert "In progress" in json.dumps(answer.get("cardsV2")) or "Up to date" in json.dumps(answer), answer
        wait_until(lambda: "In progress" in self.card_text(), what="the card showing the call")


def new_meeting(stack: Stack, *, bob_cohost: bool = False) -> Meeting:
    alice, bob = stack.person("Alice Anders"), stack.person("Bob Brown")
    space = stack.space(alice, bob)
    meeting = Meeting(stack, alice, bob, space)
    if bob_cohost:
        stack.say(space, bob, "/meethelp")  # the app learns Bob's email (mentions carry none)
        stack.say(space, alice, "/meet Controls @Bob Brown")
    else:
        stack.say(space, alice, "/meet Controls")
    return meeting.found()


def successes(stack: Stack, api: str, method: str) -> int:
    return statuses(stack, api, method).count(200)


def private_to(answer: Any, person: dict[str, Any]) -> str:
    """The text of a private answer to ``person`` (a notice card or text)."""
    assert answer is not None and "error" not in answer, answer  # a reply, not Chat's "not responding"
    assert answer["privateMessageViewer"]["name"] == person["name"], answer
    return html.unescape(json.dumps(answer.get("cardsV2") or answer.get("text")))


def dialog_status(answer: Any) -> dict[str, Any]:
    assert answer is not None and "error" not in answer, answer
    return answer["actionResponse"]["dialogAction"]["actionStatus"]


def open_dialog_of(stack: Stack, person: dict[str, Any]) -> dict[str, Any] | None:
    return next((d for d in stack.control("GET", "chat/dialogs")["dialogs"] if d["user"] == person["name"]), None)


# -- the calls, each as a scenario --------------------------------------------------------
@dataclass(frozen=True)
class Scenario:
    """One Google call a person waits on: how to set it up, act, and tell done from not done."""

    name: str
    api: str
    method: str
    setup: Callable[[Stack], Meeting]
    act: Callable[[Meeting], Any]
    done: Callable[[Meeting, Any, str], None]
    not_done: Callable[[Meeting, Any, str], None]
    writes: bool  # a stalled call may still land (Meet applies it after the app stopped waiting)


# End for everyone --------------------------------------------------------------------------
def end_setup(stack: Stack) -> Meeting:
    meeting = new_meeting(stack)
    meeting.start_call()
    return meeting


def end_done(meeting: Meeting, answer: Any, fault: str) -> None:
    assert "activeConference" not in meeting.meet_space()
    assert "Ended" in json.dumps(answer["cardsV2"]) and "Ended" in meeting.card_text()
    assert buttons.END not in meeting.card_text()
    if fault in ("429", "500", "503", "again"):  # (a stalled end lands late: 200, changes nothing)
        assert successes(meeting.stack, "meet", "spaces.endActiveConference") == 1
    with meeting.stack.state.lock:
        conferences = [c for c in meeting.stack.state.meet.conferences.values() if c.space.meeting_code == meeting.code]
        assert len(conferences) == 1 and conferences[0].end is not None  # one call, ended once


def end_not_done(meeting: Meeting, answer: Any, fault: str) -> None:
    text = private_to(answer, meeting.alice)
    if fault == "stall":
        assert UNCONFIRMED in text and "nothing was changed" not in text, text
        return  # Meet may well end it when the stalled call lands: the card follows Meet, below
    assert "nothing was changed" in text, text
    assert "activeConference" in meeting.meet_space()
    assert "In progress" in meeting.card_text() and "Ended" not in meeting.card_text()


# Lock / Unlock --------------------------------------------------------------------------------
def lock_done(meeting: Meeting, answer: Any, fault: str) -> None:
    assert meeting.access() == "RESTRICTED"
    assert "Unlock" in json.dumps(answer["cardsV2"]) and buttons.UNLOCK in meeting.card_text()
    record = meeting.record()
    assert record.access_type is AccessType.RESTRICTED and record.unlocked_access_type is AccessType.TRUSTED
    if fault != "again":  # (after an outage of stalls, each stalled call landed by itself)
        # A stalled patch lands too: the same change, twice.
        assert successes(meeting.stack, "meet", "spaces.patch") == (2 if fault == "stall" else 1)


def lock_not_done(meeting: Meeting, answer: Any, fault: str) -> None:
    text = private_to(answer, meeting.alice)
    assert buttons.LOCK in meeting.card_text() and buttons.UNLOCK not in meeting.card_text()
    record = meeting.record()
    assert record.access_type in (None, AccessType.TRUSTED)
    if fault == "stall":
        assert UNCONFIRMED in text and "nothing was changed" not in text, text
    else:
        assert "nothing was changed" in text, text
        assert meeting.access() == "TRUSTED"


def unlock_setup(stack: Stack) -> Meeting:
    meeting = new_meeting(stack)
    meeting.click(meeting.alice, buttons.LOCK)
    assert meeting.access() == "RESTRICTED"
    return meeting


def unlock_done(meeting: Meeting, answer: Any, fault: str) -> None:
    assert meeting.access() == "TRUSTED"  # what it was before Lock
    assert buttons.LOCK in json.dumps(answer["cardsV2"]) and buttons.UNLOCK not in meeting.card_text()
    record = meeting.record()
    assert record.access_type is AccessType.TRUSTED and record.unlocked_access_type is None


def unlock_not_done(meeting: Meeting, answer: Any, fault: str) -> None:
    text = private_to(answer, meeting.alice)
    assert buttons.UNLOCK in meeting.card_text()
    record = meeting.record()
    assert record.access_type is AccessType.RESTRICTED and record.unlocked_access_type is AccessType.TRUSTED
    if fault == "stall":
        assert UNCONFIRMED in text and "nothing was changed" not in text, text
    else:
        assert "nothing was changed" in text, text
        assert meeting.access() == "RESTRICTED"


# The meeting's Settings dialog ------------------------------------------------------------------
def settings_open_done(meeting: Meeting, answer: Any, fault: str) -> None:
    body = json.dumps(answer["actionResponse"]["dialogAction"]["dialog"]["body"])
    assert '"name": "access_type"' in body and '"name": "auto"' in body
    assert open_dialog_of(meeting.stack, meeting.alice) is not None


def settings_open_not_done(meeting: Meeting, answer: Any, fault: str) -> None:
    text = private_to(answer, meeting.alice)  # as every button of the card answers a refusal
    assert "didn't answer" in text, text
    assert open_dialog_of(meeting.stack, meeting.alice) is None
    assert statuses(meeting.stack, "meet", "spaces.patch") == []


def settings_save_setup(stack: Stack) -> Meeting:
    meeting = new_meeting(stack)
    opened = meeting.click(meeting.alice, buttons.SETTINGS)
    assert "dialog" in opened["actionResponse"]["dialogAction"], opened
    return meeting


def settings_saved_in_meet(meeting: Meeting) -> bool:
    config = meeting.meet_space()["config"]
    return config["accessType"] == "OPEN" and config.get("moderation") == "ON" and \
        config["artifactConfig"]["recordingConfig"]["autoRecordingGeneration"] == "ON"


def settings_save_done(meeting: Meeting, answer: Any, fault: str) -> None:
    status = dialog_status(answer)
    # (Once an outage of stalls is over, the stalled saves have landed: nothing left to change.)
    said = ("Saved", "Nothing to change") if fault == "again" else ("Saved",)
    assert status["statusCode"] == "OK" and status["userFacingMessage"].startswith(said), status
    assert open_dialog_of(meeting.stack, meeting.alice) is None
    assert settings_saved_in_meet(meeting)
    record = meeting.record()
    assert record.settings.auto_recording and record.access_type is AccessType.OPEN
    if fault in ("429", "500", "503"):
        assert successes(meeting.stack, "meet", "spaces.patch") == 1


def settings_save_not_done(meeting: Meeting, answer: Any, fault: str) -> None:
    status = dialog_status(answer)
    record = meeting.record()
    assert not record.settings.auto_recording and record.access_type in (None, AccessType.TRUSTED)
    assert "Recording starts automatically" not in meeting.card_text()
    if fault == "stall":
        assert UNCONFIRMED in status["userFacingMessage"], status
        assert "nothing was changed" not in status["userFacingMessage"].lower(), status
    else:
        assert status["statusCode"] == "UNAVAILABLE" and "nothing was changed" in status["userFacingMessage"], status
        assert not settings_saved_in_meet(meeting) and meeting.access() == "TRUSTED"


# The card's redraw after a save (Chat): Meet has the change whatever Chat does --------------------
def redraw_done(meeting: Meeting, answer: Any, fault: str) -> None:
    settings_save_done(meeting, answer, fault)
    assert "Recording starts automatically" in meeting.card_text()  # redrawn now, not by a later sync


def redraw_not_done(meeting: Meeting, answer: Any, fault: str) -> None:
    # Not a failure to the person: Meet saved it, and the answer says so.
    status = dialog_status(answer)
    assert status["statusCode"] == "OK" and "Saved" in status["userFacingMessage"], status
    assert settings_saved_in_meet(meeting)
    assert meeting.record().settings.auto_recording
    assert len(cards(meeting.stack, meeting.space)) == 1
    if fault != "stall":  # (a stalled edit lands by itself)
        assert "Recording starts automatically" not in meeting.card_text()


# /meetsettings: Chat's member list, for the manager check ------------------------------------
def space_settings_setup(stack: Stack) -> Meeting:
    alice, bob = stack.person("Alice Anders"), stack.person("Bob Brown")
    return Meeting(stack, alice, bob, stack.space(alice, bob))  # Alice, the first member, manages it


def space_settings_open(meeting: Meeting) -> Any:
    return meeting.stack.say(meeting.space, meeting.alice, "/meetsettings")["reply"]


def space_settings_open_done(meeting: Meeting, answer: Any, fault: str) -> None:
    assert '"name": "summary"' in json.dumps(answer["actionResponse"]["dialogAction"]["dialog"]["body"])


def space_settings_open_not_done(meeting: Meeting, answer: Any, fault: str) -> None:
    text = private_to(answer, meeting.alice)
    assert "couldn't check with Google Chat" in text, text
    assert open_dialog_of(meeting.stack, meeting.alice) is None


def space_settings_save_setup(stack: Stack) -> Meeting:
    meeting = space_settings_setup(stack)
    assert "dialog" in json.dumps(space_settings_open(meeting))
    return meeting


def space_settings_save(meeting: Meeting) -> Any:
    return meeting.stack.control("POST", "chat/dialogs", {
        "user": meeting.alice["name"], "function": buttons.SPACE_SETTINGS_SAVE, "formInputs": SPACE_DEFAULTS,
        "space": meeting.space["name"]})


def space_settings_save_done(meeting: Meeting, answer: Any, fault: str) -> None:
    status = dialog_status(answer)
    assert status["statusCode"] == "OK" and "New meetings in this space" in status["userFacingMessage"], status
    defaults = meeting.stack.storage.spaces.get_space_defaults(meeting.space["name"])
    assert defaults is not None and defaults.access_type is AccessType.RESTRICTED and defaults.auto_transcription


def space_settings_save_not_done(meeting: Meeting, answer: Any, fault: str) -> None:
    status = dialog_status(answer)
    assert status["statusCode"] == "UNAVAILABLE" and "couldn't check with Google Chat" in \
        status["userFacingMessage"], status
    assert meeting.stack.storage.spaces.get_space_defaults(meeting.space["name"]) is None


# The co-host check: Meet's live member list -------------------------------------------------
def authority_setup(stack: Stack) -> Meeting:
    meeting = new_meeting(stack, bob_cohost=True)
    assert meeting.cohost_emails() == {meeting.bob["email"]}
    return meeting


def authority_done(meeting: Meeting, answer: Any, fault: str) -> None:
    assert meeting.access() == "RESTRICTED" and buttons.UNLOCK in meeting.card_text()
    assert "Unlock" in json.dumps(answer["cardsV2"]) and meeting.record().access_type is AccessType.RESTRICTED
    assert successes(meeting.stack, "meet", "spaces.patch") == 1


def authority_not_done(meeting: Meeting, answer: Any, fault: str) -> None:
    text = private_to(answer, meeting.bob)
    assert "couldn't check with Google Meet who co-hosts" in text, text  # not "only the organizer…"
    assert meeting.access() == "TRUSTED" and buttons.LOCK in meeting.card_text()
    assert statuses(meeting.stack, "meet", "spaces.patch") == []
    assert meeting.record().access_type in (None, AccessType.TRUSTED)


# Co-hosts from mentions (during /meet) ------------------------------------------------------
def cohosts_setup(stack: Stack) -> Meeting:
    alice, bob, carol = stack.person("Alice Anders"), stack.person("Bob Brown"), stack.person("Carol Chen")
    space = stack.space(alice, bob, carol)
    for person in (bob, carol):
        stack.say(space, person, "/meethelp")  # the app learns their emails
    return Meeting(stack, alice, bob, space, carol=carol)


def cohosts_act(meeting: Meeting) -> Any:
    return meeting.stack.say(meeting.space, meeting.alice, "/meet Review @Bob Brown @Carol Chen")["reply"]


def cohosts_done(meeting: Meeting, answer: Any, fault: str) -> None:
    assert answer is None or not answer.get("privateMessageViewer"), answer
    meeting.found()  # exactly one card
    assert meeting.carol is not None and meeting.cohost_emails() == {meeting.bob["email"], meeting.carol["email"]}
    assert "Couldn't add" not in meeting.card_text()
    assert [c.state for c in meeting.record().cohosts] == [CohostState.ADDED, CohostState.ADDED]


def cohosts_not_done(meeting: Meeting, answer: Any, fault: str) -> None:
    # The meeting is made and its card posted at once: the co-hosts' retries leave the card
    # its time. The card says who could not be added, in honest words.
    assert answer is None or not answer.get("privateMessageViewer"), answer
    meeting.found()  # exactly one card, and the meeting is recorded with it
    assert len(meeting.stack.storage.meetings.recent_meetings(meeting.space["name"])) == 1
    assert "/client-" not in meeting.record().card_message  # confirmed by Chat, not left to a sync
    text = meeting.card_text()
    assert "Couldn't add Bob Brown as co-host" in text and "Couldn't add Carol Chen as co-host" in text, text
    assert all(c.state is CohostState.REFUSED for c in meeting.record().cohosts)
    if fault == "stall":  # Meet may add Bob when a stalled call lands: not "refused", not "didn't answer"
        assert UNCONFIRMED in text, text
    else:
        assert UNCONFIRMED not in text and meeting.cohost_emails() == set()


SCENARIOS = [
    Scenario("end", "meet", "spaces.endActiveConference", end_setup,
             lambda m: m.click(m.alice, buttons.END), end_done, end_not_done, writes=True),
    Scenario("lock", "meet", "spaces.patch", new_meeting,
             lambda m: m.click(m.alice, buttons.LOCK), lock_done, lock_not_done, writes=True),
    Scenario("unlock", "meet", "spaces.patch", unlock_setup,
             lambda m: m.click(m.alice, buttons.UNLOCK), unlock_done, unlock_not_done, writes=True),
    Scenario("settings-open", "meet", "spaces.get", new_meeting,
             lambda m: m.click(m.alice, buttons.SETTINGS), settings_open_done, settings_open_not_done, writes=False),
    Scenario("settings-save", "meet", "spaces.patch", settings_save_setup,
             lambda m: m.submit_settings(), settings_save_done, settings_save_not_done, writes=True),
    Scenario("settings-redraw", "chat", "spaces.messages.update", settings_save_setup,
             lambda m: m.submit_settings(), redraw_done, redraw_not_done, writes=True),
    Scenario("meetsettings-open", "chat", "spaces.members.list", space_settings_setup, space_settings_open,
             space_settings_open_done, space_settings_open_not_done, writes=False),
    Scenario("meetsettings-save", "chat", "spaces.members.list", space_settings_save_setup, space_settings_save,
             space_settings_save_done, space_settings_save_not_done, writes=False),
    Scenario("cohost-check", "meet", "spaces.members.list", authority_setup,
             lambda m: m.click(m.bob, buttons.LOCK), authority_done, authority_not_done, writes=False),
    Scenario("cohosts", "meet", "spaces.members.create", cohosts_setup, cohosts_act, cohosts_done,
             cohosts_not_done, writes=True),
]
FULL = os.environ.get("FAULT_MATRIX") == "full"


def cases(offset: int, *, stall_writes: bool = False) -> list[Any]:
    """One fault per call, rotating (all four per call with ``FAULT_MATRIX=full``); with
    ``stall_writes``, a write also gets a stall besides a status fault: the two are
    different stories (a stalled change may land; a refused one did not)."""
    found = []
    for index, scenario in enumerate(SCENARIOS):
        kinds = KINDS if FULL else [KINDS[(index + offset) % len(KINDS)]]
        if not FULL and stall_writes and scenario.writes:
            kinds = [KINDS[(index + offset) % 3], "stall"]
        found += [pytest.param(scenario, kind, id=f"{scenario.name}-{kind}") for kind in kinds]
    return found


# -- the tests -------------------------------------------------------------------------------------
@pytest.mark.parametrize("scenario,fault", cases(0))
def test_a_brief_fault_is_retried_and_the_action_happens_once(stack: Stack, scenario: Scenario, fault: str) -> None:
    meeting = scenario.setup(stack)
    arm(stack, scenario.api, scenario.method, fault)
    answer = scenario.act(meeting)
    assert answer is None or "error" not in answer, answer  # answered within Chat's deadline
    assert stack.control("GET", "faults")["faults"] == []  # the fault was met…
    seen = statuses(stack, scenario.api, scenario.method)
    assert len(seen) >= 2 and 200 in seen, seen  # …and the call retried
    if "status" in FAULTS[fault]:
        assert FAULTS[fault]["status"] in seen
    if fault == "stall":
        after_stalls(stack)  # the stalled call lands: it must not change the outcome
    scenario.done(meeting, answer, fault)


@pytest.mark.parametrize("scenario,fault", cases(2, stall_writes=True))
def test_an_outage_gets_an_honest_answer_in_time_and_changes_nothing_then_the_click_works(
        stack: Stack, scenario: Scenario, fault: str) -> None:
    meeting = scenario.setup(stack)
    card_before = meeting.card_text() if meeting.card_name else None
    messages_before = len(stack.app_messages(meeting.space))
    arm(stack, scenario.api, scenario.method, fault, times=OUTAGE)
    with chat_deadline(stack, CHAT_DEADLINE):
        answer = scenario.act(meeting)  # a reply, not the emulator's 504: within Chat's deadline
    if "status" in FAULTS[fault]:
        assert len(statuses(stack, scenario.api, scenario.method)) >= 2  # retried with backoff first
    if fault == "stall":
        after_stalls(stack)
    scenario.not_done(meeting, answer, fault)
    # Nothing posted twice: at most the one new card (/meet), the one summary of a call an
    # End that landed late did end, and private answers.
    new = [m for m in stack.app_messages(meeting.space)[messages_before:] if not m.get("privateMessageViewer")]
    summaries = [m for m in new if (m.get("cardsV2") or [{}])[0].get("cardId") == "summary"]
    assert len(summaries) <= (1 if scenario.name == "end" and fault == "stall" else 0), summaries
    assert len(new) - len(summaries) <= (1 if scenario.name == "cohosts" else 0), new
    assert len(cards(stack, meeting.space)) <= 1
    if card_before is not None and not (fault == "stall" and scenario.writes) and scenario.name != "settings-redraw":
        assert meeting.card_text() == card_before  # the card claims nothing new

    clear_faults(stack)
    if scenario.name == "cohosts":
        # Nothing to click again: the person's next /meet makes Bob a co-host of that one.
        again = cohosts_act(meeting)
        assert again is None or not again.get("privateMessageViewer"), again
        latest = stack.storage.meetings.recent_meetings(meeting.space["name"])[0]
        assert [c.state for c in latest.cohosts] == [CohostState.ADDED, CohostState.ADDED]
        return
    if scenario.name == "settings-redraw":
        def redrawn() -> bool:  # the sync the save asked for (held back if it failed meanwhile)
            pause_over(stack)
            reconcile(stack)
            return "Recording starts automatically" in meeting.card_text()

        wait_until(redrawn, timeout=20, what="the card redrawn once Chat is back")
        return
    if scenario.name == "end" and fault == "stall" and "activeConference" not in meeting.meet_space():
        # The stalled End landed: the card follows Meet (the sync), and End is gone from it.
        reconcile(stack)
        wait_until(lambda: "Ended" in meeting.card_text(), timeout=10, what="the card Ended, as in Meet")
        return
    if scenario.name == "settings-save":
        meeting.click(meeting.alice, buttons.SETTINGS)  # a refused save closed the dialog; open it again
    scenario.done(meeting, scenario.act(meeting), "again")
