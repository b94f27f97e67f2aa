"""Meeting controls end to end: the join card's buttons, the settings dialogs, co-hosts
from mentions and /meetrecent, in both event formats, through the emulator.

People click the buttons actually on the card (the emulator refuses a click on a
button that is not there). The attack tests go around Chat, as a modified client or a
replayed event would: they build a genuinely signed interaction event with parameters,
user or space that Chat's own UI would never produce, and deliver it to the app.
"""

from __future__ import annotations

import json
from typing import Any

from domain import AccessType, MeetingSettings
from cards import buttons
from emulator.chat import delivery, interactions as chat_events
from tests.e2e.conftest import Stack
from tests.support import wait_until


# -- helpers -----------------------------------------------------------------------------
def addon(stack: Stack) -> bool:
    return stack.local.event_format == "addon"


def invocation(stack: Stack, action: str, **parameters: str) -> tuple[str, dict[str, str]]:
    """The ``function`` and ``parameters`` a button for ``action`` carries in this format."""
    if addon(stack):  # add-on buttons name the endpoint; the action is a parameter
        return stack.local.app_url + "/", {"action": action, **parameters}
    return action, parameters


def click(stack: Stack, message: str, user: dict[str, Any], action: str, **parameters: str) -> Any:
    function, wanted = invocation(stack, action, **parameters)
    return stack.control("POST", "chat/clicks", {"message": message, "user": user["name"], "function": function,
                                                 "parameters": wanted})


def submit(stack: Stack, user: dict[str, Any], action: str, inputs: dict[str, Any], *,
           parameters: dict[str, str] | None = None, **where: str) -> Any:
    function, wanted = invocation(stack, action, **(parameters or {}))
    return stack.control("POST", "chat/dialogs", {"user": user["name"], "function": function, "parameters": wanted,
                                                  "formInputs": inputs, **where})


def forge_click(stack: Stack, message: str, user: dict[str, Any], action: str, parameters: dict[str, str], *,
                space: str | None = None) -> Any:
    """A signed CARD_CLICKED event Chat's UI would never send (any parameters, any user,
    any space), delivered to the app as Chat delivers events; the answer as recorded."""
    function, wanted = invocation(stack, action, **parameters)
    state = stack.state
    with state.lock:
        stored = state.chat.find_message(message)
        spec = chat_events.EventInput(chat_events.CARD_CLICKED, state.chat.get_space(space or stored.space),
                                      state.find_user(user["name"]), message=stored, function=function,
                                      parameters=wanted)
    return delivery.deliver(state, spec)


def open_dialogs(stack: Stack) -> dict[str, Any]:
    return {d["user"]: d for d in stack.control("GET", "chat/dialogs")["dialogs"]}


class Meeting:
    """A meeting Alice (linked) created with /meet in a space with Bob (and others)."""

    def __init__(self, stack: Stack, *, title: str = "Controls", extra: str = "",
                 members: tuple[dict[str, Any], ...] = (), alice: dict[str, Any] | None = None,
                 defaults: MeetingSettings | None = None) -> None:
        self.stack = stack
        self.alice = alice or stack.linked_person("Alice Anders")
        self.bob = stack.person("Bob Brown")
        self.space = stack.space(self.alice, self.bob, *members)
        if defaults is not None:
            stack.storage.spaces.set_space_defaults(self.space["name"], defaults)
        stack.say(self.space, self.alice, f"/meet {title}{extra}")
        card = self.card()
        self.card_name = card["name"]
        self.code = card["clientAssignedMessageId"][len("client-meet-"):]
        record = stack.storage.meetings.get_meeting_by_card_message(self.card_name)
        assert record is not None and record.id is not None
        self.id = str(record.id)

    def card(self) -> dict[str, Any]:
        return next(m for m in self.stack.app_messages(self.space)
                    if (m.get("cardsV2") or [{}])[0].get("cardId") == "meeting")

    def card_text(self) -> str:
        return json.dumps(self.card()["cardsV2"])

    def meet_space(self) -> dict[str, Any]:
        return self.stack.control("GET", f"meet/spaces/{self.code}")

    def config(self) -> dict[str, Any]:
        with self.stack.state.lock:
            return dict(self.stack.state.meet.find_space(self.code).config)

    def cohost_emails(self) -> set[str]:
        with self.stack.state.lock:
            space = self.stack.state.meet.find_space(self.code)
            return {m.email for m in space.members.values() if m.role == "COHOST"}

    def join(self, user: dict[str, Any]) -> None:
        self.stack.control("POST", "meet/join", {"space": self.code, "user": user["name"]})

    def click(self, user: dict[str, Any], action: str) -> Any:
        return click(self.stack, self.card_name, user, action, meeting=self.id)

    def start_call(self) -> None:
        """Alice joins; after her Refresh the card shows the call in progress (End appears).
        Refresh answers with the redrawn card, or with "Up to date" while a sync's fresh
        reading is on the card (REFRESH_INTERVAL_SECONDS); the join's own sync then draws it."""
        self.join(self.alice)
        answer = self.click(self.alice, buttons.REFRESH)
        assert "In progress" in json.dumps(answer.get("cardsV2")) or "Up to date" in json.dumps(answer), answer
        wait_until(lambda: "In progress" in self.card_text() and "End for everyone" in self.card_text(),
                   what="the card showing the call, with End")


def button_labels(message: dict[str, Any]) -> list[str]:
    found = []
    for action in chat_events.card_actions(message.get("cardsV2")):
        parameters = {p["key"]: p["value"] for p in action.get("parameters") or []}
        found.append(parameters.get("action", action["function"]))
    return found


def notice_text(answer: dict[str, Any]) -> str:
    return json.dumps(answer.get("cardsV2") or answer.get("text"))


# -- the card's buttons ----------------------------------------------------------------------
def test_the_card_carries_the_controls_shaped_for_the_event_format(stack: Stack) -> None:
    meeting = Meeting(stack)
    card = meeting.card()
    assert button_labels(card) == [buttons.LOCK, buttons.SETTINGS, buttons.REFRESH]  # no call yet: no End
    for action in chat_events.card_actions(card["cardsV2"]):
        parameters = {p["key"]: p["value"] for p in action.get("parameters") or []}
        assert parameters["meeting"] == meeting.id
        if addon(stack):
            assert action["function"] == stack.local.app_url + "/" and parameters["action"]
        else:
            assert not action["function"].startswith("http") and "action" not in parameters


def test_the_organizer_ends_the_meeting_for_everyone(stack: Stack) -> None:
    meeting = Meeting(stack)
    meeting.start_call()
    assert "activeConference" in meeting.meet_space()

    answer = meeting.click(meeting.alice, buttons.END)

    assert "activeConference" not in meeting.meet_space()
    ends = stack.calls("spaces.endActiveConference")
    assert len(ends) == 1 and ends[0]["principal"] == meeting.alice["email"]
    assert "Ended" in json.dumps(answer["cardsV2"]) and "Ended" in meeting.card_text()
    assert buttons.END not in button_labels(meeting.card())  # nothing left to end


def test_a_member_who_is_neither_organizer_nor_cohost_cannot_end_it(stack: Stack) -> None:
    meeting = Meeting(stack)
    meeting.start_call()

    answer = meeting.click(meeting.bob, buttons.END)

    assert answer["privateMessageViewer"]["name"] == meeting.bob["name"]
    assert "Only the organizer, Alice Anders, can" in notice_text(answer)
    assert "activeConference" in meeting.meet_space()
    assert stack.calls("spaces.endActiveConference") == []
    assert "In progress" in meeting.card_text()  # the card was not touched


def test_lock_and_unlock_round_trip_to_the_previous_access_type(stack: Stack) -> None:
    alice = stack.linked_person("Alice Anders")
    meeting = Meeting(stack, alice=alice, defaults=MeetingSettings(access_type=AccessType.OPEN))
    assert meeting.config()["accessType"] == "OPEN"

    locked = meeting.click(meeting.alice, buttons.LOCK)
    assert meeting.config()["accessType"] == "RESTRICTED"
    assert button_labels(locked)[:1] == [buttons.UNLOCK] and "Restricted" in json.dumps(locked["cardsV2"])

    meeting.click(meeting.alice, buttons.UNLOCK)
    assert meeting.config()["accessType"] == "OPEN"  # what it was, not some default
    assert buttons.LOCK in button_labels(meeting.card())
    patches = stack.calls("spaces.patch")
    assert len(patches) == 2


def test_bob_cannot_lock_and_a_double_lock_changes_nothing(stack: Stack) -> None:
    meeting = Meeting(stack)
    refused = meeting.click(meeting.bob, buttons.LOCK)
    assert "Only the organizer" in notice_text(refused) and meeting.config()["accessType"] == "TRUSTED"

    meeting.click(meeting.alice, buttons.LOCK)
    # A second click racing the card's update (the old Lock button): already locked.
    again = forge_click(stack, meeting.card_name, meeting.alice, buttons.LOCK, {"meeting": meeting.id})
    assert "Unlock" in json.dumps(again["cardsV2"])
    assert len(stack.calls("spaces.patch")) == 1
    record = stack.storage.meetings.get_meeting_by_card_message(meeting.card_name)
    assert record is not None and record.unlocked_access_type is AccessType.TRUSTED  # not overwritten


# -- the meeting's settings dialog -------------------------------------------------------------
VALID_SETTINGS = {"access_type": "OPEN", "moderation": "ON", "restrictions": ["chat_hosts_only"],
                  "auto": ["recording"]}


def test_the_settings_dialog_validates_and_applies(stack: Stack) -> None:
    meeting = Meeting(stack)
    opened = meeting.click(meeting.alice, buttons.SETTINGS)
    dialog = json.dumps(opened["actionResponse"]["dialogAction"]["dialog"]["body"])
    assert '"name": "access_type"' in dialog and '"name": "auto"' in dialog
    before = meeting.config()

    refused = submit(stack, meeting.alice, buttons.SETTINGS_SAVE,
                     {"access_type": "OPEN", "restrictions": ["chat_hosts_only"]})  # moderation left off
    assert "only apply while moderation is on" in json.dumps(refused)
    if not addon(stack):
        assert refused["actionResponse"]["dialogAction"]["actionStatus"]["statusCode"] == "INVALID_ARGUMENT"
    assert meeting.alice["name"] in open_dialogs(stack)  # still open, showing the error
    assert "only apply while moderation is on" in json.dumps(open_dialogs(stack)[meeting.alice["name"]]["body"])
    assert meeting.config() == before and stack.calls("spaces.patch") == []

    saved = submit(stack, meeting.alice, buttons.SETTINGS_SAVE, VALID_SETTINGS)
    assert meeting.alice["name"] not in open_dialogs(stack)
    assert "Saved" in json.dumps(saved)
    config = meeting.config()
    assert config["accessType"] == "OPEN" and config["moderation"] == "ON"
    assert config["moderationRestrictions"]["chatRestriction"] == "HOSTS_ONLY"
    assert config["artifactConfig"]["recordingConfig"]["autoRecordingGeneration"] == "ON"
    assert config["artifactConfig"]["transcriptionConfig"]["autoTranscriptionGeneration"] == "OFF"
    patch = stack.calls("spaces.patch")
    assert len(patch) == 1 and patch[0]["principal"] == meeting.alice["email"]
    assert "Recording starts automatically" in meeting.card_text()  # the card says so at once


def test_the_settings_dialog_refuses_someone_without_the_right(stack: Stack) -> None:
    meeting = Meeting(stack)
    refused = meeting.click(meeting.bob, buttons.SETTINGS)
    # Told privately, as every other button of the card answers a refusal.
    assert refused["privateMessageViewer"]["name"] == meeting.bob["name"]
    assert "Only the organizer, Alice Anders, can change the settings" in notice_text(refused)
    assert meeting.bob["name"] not in open_dialogs(stack)
    # Bob submits a Save anyway (a forged dialog): checked again, refused, nothing changes.
    forged = submit(stack, meeting.bob, buttons.SETTINGS_SAVE, VALID_SETTINGS, message=meeting.card_name,
                    parameters={"meeting": meeting.id})
    assert "Only the organizer" in json.dumps(forged)
    assert meeting.config()["accessType"] == "TRUSTED" and stack.calls("spaces.patch") == []


# -- space defaults (/meetsettings) -----------------------------------------------------------
SPACE_DEFAULTS = {"access_type": "RESTRICTED", "moderation": "OFF", "auto": ["transcription"],
                  "summary": ["post_summary"]}


def test_space_defaults_are_validated_saved_and_used_by_the_next_meet(stack: Stack) -> None:
    alice, bob = stack.linked_person("Alice Anders"), stack.person("Bob Brown")
    space = stack.space(alice, bob)  # Alice, the first member, manages the space
    opened = stack.say(space, alice, "/meetsettings")
    assert '"name": "summary"' in json.dumps(opened["reply"])

    refused = submit(stack, alice, buttons.SPACE_SETTINGS_SAVE, {**SPACE_DEFAULTS, "summary": ["list_absent"]})
    assert "part of the summary" in json.dumps(refused)
    assert stack.storage.spaces.get_space_defaults(space["name"]) is None

    saved = submit(stack, alice, buttons.SPACE_SETTINGS_SAVE, SPACE_DEFAULTS)
    assert "New meetings in this space" in json.dumps(saved)
    defaults = stack.storage.spaces.get_space_defaults(space["name"])
    assert defaults is not None and defaults.access_type is AccessType.RESTRICTED and not defaults.list_absent

    stack.say(space, alice, "/meet With defaults")
    card = next(m for m in stack.app_messages(space) if (m.get("cardsV2") or [{}])[0].get("cardId") == "meeting")
    code = card["clientAssignedMessageId"][len("client-meet-"):]
    with stack.state.lock:
        config = stack.state.meet.find_space(code).config
    assert config["accessType"] == "RESTRICTED" and config["moderation"] == "OFF"
    assert config["artifactConfig"]["transcriptionConfig"]["autoTranscriptionGeneration"] == "ON"
    assert buttons.UNLOCK in button_labels(card) and "Transcription starts automatically" in json.dumps(card)


def test_only_managers_change_space_defaults(stack: Stack) -> None:
    alice, bob = stack.linked_person("Alice Anders"), stack.person("Bob Brown")
    space = stack.space(alice, bob)
    answer = stack.say(space, bob, "/meetsettings")["reply"]
    assert answer["privateMessageViewer"]["name"] == bob["name"] and "Alice Anders" in notice_text(answer)
    forged = submit(stack, bob, buttons.SPACE_SETTINGS_SAVE, SPACE_DEFAULTS, space=space["name"])
    assert "managers" in json.dumps(forged)
    assert stack.storage.spaces.get_space_defaults(space["name"]) is None


def test_in_a_group_chat_without_managers_any_member_may(classic_stack: Stack) -> None:
    stack = classic_stack
    stack.control("POST", "reset")
    alice, bob = stack.person("Alice Anders"), stack.person("Bob Brown")
    space = stack.space(alice, bob, space_type="GROUP_CHAT")
    assert "dialog" in json.dumps(stack.say(space, bob, "/meetsettings")["reply"])
    submit(stack, bob, buttons.SPACE_SETTINGS_SAVE, SPACE_DEFAULTS)
    assert stack.storage.spaces.get_space_defaults(space["name"]) is not None


# -- co-hosts ----------------------------------------------------------------------------------
def test_a_mentioned_person_becomes_a_cohost_in_meet_and_can_end_the_meeting(stack: Stack) -> None:
    alice = stack.linked_person("Alice Anders")
    carol = stack.person("Carol Chen")
    meeting = Meeting.__new__(Meeting)
    # Bob has used the app before (Chat told it his email); Carol never has.
    bob = stack.person("Bob Brown")
    space = stack.space(alice, bob, carol)
    stack.say(space, bob, "/meethelp")
    stack.say(space, alice, "/meet Review @Bob Brown @Carol Chen")
    meeting.stack, meeting.alice, meeting.bob, meeting.space = stack, alice, bob, space
    card = meeting.card()
    meeting.card_name, meeting.code = card["name"], card["clientAssignedMessageId"][len("client-meet-"):]
    record = stack.storage.meetings.get_meeting_by_card_message(meeting.card_name)
    assert record is not None
    meeting.id = str(record.id)

    assert meeting.cohost_emails() == {bob["email"]}
    assert "Couldn't add Carol Chen as co-host" in meeting.card_text()
    # Carol never has: her email needs the directory, which Alice has not allowed yet.
    assert [c.state.value for c in record.cohosts] == ["ADDED", "NEEDS_DIRECTORY"]  # persisted

    meeting.join(bob)
    meeting.click(bob, buttons.REFRESH)
    # Refresh may answer "Up to date" (a sync's fresh reading is on the card): the join's
    # own sync then draws End, its edit in the space's next write turn (start_call waits alike).
    wait_until(lambda: "End for everyone" in meeting.card_text(), what="the card showing the call, with End")
    answer = meeting.click(bob, buttons.END)
    assert "Ended" in json.dumps(answer["cardsV2"]) and "activeConference" not in meeting.meet_space()

    # Removed as co-host in Meet: the controls go with it (Meet's list is asked each time).
    with stack.state.lock:
        space_record = stack.state.meet.find_space(meeting.code)
        for member_id in list(space_record.members):
            stack.state.meet.remove_member(space_record, member_id)
    refused = meeting.click(bob, buttons.LOCK)
    assert "Only the organizer" in notice_text(refused) and meeting.config()["accessType"] == "TRUSTED"


def test_a_cohost_meet_refuses_is_reported_on_the_card_not_fatal(stack: Stack) -> None:
    alice, bob = stack.linked_person("Alice Anders"), stack.person("Bob Brown")
    space = stack.space(alice, bob)
    stack.say(space, bob, "/meethelp")
    stack.fault("meet", "spaces.members.create", status=403, times=1)  # e.g. outside the domain
    stack.say(space, alice, "/meet Review @Bob Brown")
    card = next(m for m in stack.app_messages(space) if (m.get("cardsV2") or [{}])[0].get("cardId") == "meeting")
    assert "Couldn't add Bob Brown as co-host: Google Meet refused" in json.dumps(card)
    assert buttons.LOCK in button_labels(card)  # the meeting exists and works


# -- attacks -----------------------------------------------------------------------------------
def test_forged_parameters_naming_another_meeting_change_nothing(stack: Stack) -> None:
    target = Meeting(stack, title="Alice's")
    target.start_call()
    # Bob organizes his own meeting elsewhere, then forges its End button to name Alice's.
    stack.link(target.bob)
    own_space = stack.space(target.bob)
    stack.say(own_space, target.bob, "/meet Bob's")
    own_card = next(m for m in stack.app_messages(own_space) if (m.get("cardsV2") or [{}])[0].get("cardId") == "meeting")

    answer = forge_click(stack, own_card["name"], target.bob, buttons.END, {"meeting": target.id})

    assert "out of date" in notice_text(answer)
    assert "activeConference" in target.meet_space()
    assert stack.calls("spaces.endActiveConference") == []


def test_a_click_from_someone_outside_the_space_changes_nothing(stack: Stack) -> None:
    meeting = Meeting(stack)
    meeting.start_call()
    eve = stack.person("Eve Evans")

    forge_click(stack, meeting.card_name, eve, buttons.END, {"meeting": meeting.id})
    # Chat cannot show Eve a private message in a space she is not in; what the app answered:
    answer = stack.control("GET", "chat/deliveries")["deliveries"][-1]["answer"]
    assert "Only the organizer" in json.dumps(answer)

    # The organizer's own click, replayed into another space: not this card's space.
    elsewhere = stack.space(meeting.alice, eve)
    replayed = forge_click(stack, meeting.card_name, meeting.alice, buttons.END, {"meeting": meeting.id},
                           space=elsewhere["name"])
    assert "out of date" in notice_text(replayed)
    assert "activeConference" in meeting.meet_space() and stack.calls("spaces.endActiveConference") == []


def test_a_stale_card_is_answered_gracefully(stack: Stack) -> None:
    meeting = Meeting(stack)
    meeting.start_call()
    meeting.click(meeting.alice, buttons.END)
    # A double click (the End button of the card before it was redrawn): idempotent.
    again = forge_click(stack, meeting.card_name, meeting.alice, buttons.END, {"meeting": meeting.id})
    assert "Ended" in json.dumps(again["cardsV2"])
    assert len(stack.calls("spaces.endActiveConference")) == 1

    record = stack.storage.meetings.get_meeting_by_card_message(meeting.card_name)
    assert record is not None and record.id is not None
    stack.storage.meetings.delete_meeting(record.id)  # the meeting is gone from the app's records
    gone = meeting.click(meeting.alice, buttons.LOCK)
    assert "out of date" in notice_text(gone) and meeting.config()["accessType"] == "TRUSTED"


# -- recent meetings ---------------------------------------------------------------------------
def test_recent_meetings_newest_first_with_status(stack: Stack) -> None:
    alice = stack.linked_person("Alice Anders")
    space = stack.space(alice)
    stack.say(space, alice, "/meet First one")
    stack.say(space, alice, "/meet Second one")
    answer = stack.say(space, alice, "/meetrecent")["reply"]
    text = json.dumps(answer["cardsV2"])
    assert answer["privateMessageViewer"]["name"] == alice["name"]
    assert text.index("Second one") < text.index("First one")
    assert "Waiting for people to join" in text


# -- summary options (/meetsettings) honoured by the lifecycle ---------------------------------
def _ended_meeting(stack: Stack, defaults: MeetingSettings) -> tuple[Meeting, dict[str, Any]]:
    meeting = Meeting(stack, members=(stack.person("Carol Chen"),), defaults=defaults)
    meeting.join(meeting.alice)
    stack.control("POST", "meet/end", {"space": meeting.code})
    record = stack.storage.meetings.get_meeting_by_card_message(meeting.card_name)
    assert record is not None
    from bot.lifecycle.sync import MeetingSync

    outcome = MeetingSync(stack.local.app.extensions["meetbot"].services).sync(record, None)  # the sync, now
    stack.storage.meetings.set_status(record.id or 0, outcome.status)  # as the worker records it
    return meeting, {"id": record.id}


def test_the_summary_options_are_honoured(classic_stack: Stack) -> None:
    stack = classic_stack
    stack.control("POST", "reset")
    silent, record = _ended_meeting(stack, MeetingSettings(post_summary=False, list_absent=False))
    assert not [m for m in stack.app_messages(silent.space) if (m.get("cardsV2") or [{}])[0].get("cardId") == "summary"]
    assert stack.storage.summaries.summaries_of(record["id"]) == []

    quiet, _ = _ended_meeting(stack, MeetingSettings(post_summary=True, list_absent=False))
    summaries = [m for m in stack.app_messages(quiet.space) if (m.get("cardsV2") or [{}])[0].get("cardId") == "summary"]
    assert len(summaries) == 1
    text = json.dumps(summaries[0]["cardsV2"])
    assert "Alice Anders" in text and "Didn't join" not in text and "Carol Chen" not in text
    # /meetrecent reads the duration the summary recorded.
    recent = json.dumps(stack.say(quiet.space, quiet.alice, "/meetrecent")["reply"]["cardsV2"])
    assert "Ended" in recent and "lasted under 1 min" in recent
