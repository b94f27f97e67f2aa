"""A sync asked only to look at some conferences' files (``MeetingSync.sync(files_of=…)``),
and when it takes the full look instead.

Through the emulator, in one process: a linked organizer's meeting ended with a
recording, its summary posted, then Pub/Sub holding every event and the recording's file
generated. Each test runs the sync itself and tells the two apart by what Google saw:
the full look reads the space's conferences (``conferenceRecords.list``), the files'
look only the conference's files.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Iterator

import pytest

from bot.google.errors import FailureKind, GoogleApiError
from bot.lifecycle.sync import MeetingSync, SyncOutcome
from domain import Meeting
from tests.e2e.conftest import Stack
from tests.e2e.test_lifecycle import _lifecycle_stack
from tests.e2e.test_organizer_paused import PAUSED_LINE, LinkedMeeting, subscriptions
from tests.support import wait_until

FULL_LOOK = "conferenceRecords.list"
# A call refused with 401 is tried twice more, each time with a refreshed token (google-auth's
# authorized transport), before the refusal reaches the app.
REFUSED_ATTEMPTS = 3


@pytest.fixture(scope="module")
def oauth_stack() -> Iterator[Stack]:
    yield from _lifecycle_stack(pubsub=True, extra_env={"AUTH_MODE": "oauth"})


@dataclass
class Ended:
    """A meeting whose conference ended with a recording: summarised (the recording still
    being prepared), its file generated since, nobody told (Pub/Sub holds the event)."""

    stack: Stack
    linked: LinkedMeeting
    record: str

    @property
    def services(self) -> Any:
        return self.stack.local.app.extensions["meetbot"].services

    @property
    def meeting(self) -> Meeting:
        found = self.stack.storage.meetings.get_meeting_by_card_message(self.linked.card_name)
        assert found is not None and found.id is not None
        return found

    @property
    def meeting_id(self) -> int:
        assert self.meeting.id is not None
        return self.meeting.id

    def sync(self, meeting: Meeting | None = None, files_of: frozenset[str] | None = None) -> SyncOutcome:
        return MeetingSync(self.services).sync(meeting or self.meeting, files_of=files_of or frozenset({self.record}))

    def full_looks(self) -> int:
        return len(self.stack.calls(FULL_LOOK))

    def summary_text(self) -> str:
        [summary] = self.linked.summaries()
        return json.dumps(summary["cardsV2"])

    def grant_kept(self) -> bool:
        return self.stack.storage.grants.get_grant(self.linked.alice["name"]) is not None


@pytest.fixture
def ended(oauth_stack: Stack) -> Iterator[Ended]:
    stack = oauth_stack
    stack.control("POST", "reset")
    linked = LinkedMeeting(stack)
    wait_until(lambda: subscriptions(stack), what="a subscription")
    linked.join(user=linked.alice["name"])
    linked.flush()
    wait_until(lambda: "In the call (1)" in linked.card_text(), what="Alice in the call")
    linked.end(recording=True)
    linked.flush()
    wait_until(linked.summaries, what="the summary")
    stack.wait_for_syncs("the end's syncs over")
    stack.control("POST", "pubsub", {"paused": True})
    try:
        stack.control("POST", "clock", {"advanceSeconds": 600})  # the recording's file is generated
        found = stack.storage.meetings.get_meeting_by_card_message(linked.card_name)
        [record] = [c.name for c in stack.state.meet.conferences.values() if c.space.name == found.meet_space]
        done = Ended(stack, linked, record)
        assert "being prepared" in done.summary_text()
        yield done
    finally:
        stack.control("POST", "pubsub", {"reset": True})


def test_a_summarised_conference_has_its_files_read_without_a_full_look(ended: Ended) -> None:
    before = ended.full_looks()
    outcome = ended.sync()
    assert outcome.needs_more is False
    assert ended.full_looks() == before
    assert "being prepared" not in ended.summary_text() and "drive.google.com" in ended.summary_text()


def test_a_paused_meeting_gets_the_full_look_which_ends_the_pause(ended: Ended) -> None:
    ended.services.storage.pauses.pause_meeting(ended.meeting_id, ended.linked.alice["name"])
    before = ended.full_looks()
    ended.sync()
    assert ended.full_looks() == before + 1
    assert ended.services.storage.pauses.pause_of(ended.meeting_id) is None


def test_a_meeting_that_may_be_dormant_gets_the_full_look(ended: Ended) -> None:
    before = ended.full_looks()
    outcome = ended.sync(ended.meeting.with_changes(dormant_since=ended.services.clock()))
    assert ended.full_looks() == before + 1
    assert outcome.dormant is False  # the full look found the conference: awake


@pytest.mark.parametrize("subscription", ["suspended", "deleted", "expired"])
def test_a_meeting_whose_events_may_be_missed_gets_the_full_look(ended: Ended, subscription: str) -> None:
    storage, now = ended.services.storage, ended.services.clock()
    existing = storage.subscriptions.subscription_of(ended.meeting_id)
    assert existing is not None and existing.state == "ACTIVE"
    if subscription == "expired":
        storage.subscriptions.record_subscription(ended.meeting_id, existing.name, now - timedelta(seconds=1), "ACTIVE")
    else:
        storage.subscriptions.record_subscription(ended.meeting_id, existing.name, existing.expire_time,
                                                  subscription.upper())
    before = ended.full_looks()
    ended.sync()
    assert ended.full_looks() == before + 1


@pytest.mark.parametrize("stored", ["never summarised", "no start kept", "no end kept"])
def test_a_conference_the_app_knows_too_little_of_gets_the_full_look(ended: Ended, stored: str) -> None:
    summaries, files_of = ended.services.storage.summaries, frozenset({ended.record})
    if stored == "never summarised":
        files_of = frozenset({ended.record, "conferenceRecords/never-seen"})
    else:
        kept = summaries.get_summary(ended.record)
        assert kept is not None
        field = "started_at" if stored == "no start kept" else "ended_at"
        summaries.save_summary(dataclasses.replace(kept, **{field: None}))
    before = ended.full_looks()
    ended.sync(files_of=files_of)
    assert ended.full_looks() == before + 1
    assert "drive.google.com" in ended.summary_text()  # the full look brought the summary up to date


def test_a_conference_of_another_meeting_gets_the_full_look_not_a_summary_here(ended: Ended) -> None:
    stack, linked = ended.stack, ended.linked
    stack.say(linked.space, linked.alice, "/meet Another")
    stack.wait_for_syncs("its first sync over")
    [other] = [m for m in stack.storage.meetings.recent_meetings(linked.space["name"]) if m.id != ended.meeting_id]
    before, posted = ended.full_looks(), len(stack.calls("spaces.messages.create"))
    ended.sync(other)  # asked to look at the first meeting's conference: not its own
    assert ended.full_looks() == before + 1
    assert len(stack.calls("spaces.messages.create")) == posted
    assert "being prepared" in ended.summary_text()  # the other meeting's summary is not this sync's


def test_an_organizer_without_authorization_gets_the_full_look_which_pauses(ended: Ended) -> None:
    alice = ended.linked.alice["name"]
    ended.services.storage.grants.delete_grant(alice)  # /meetlogout in another instance, say
    ended.sync()
    assert ended.services.storage.pauses.pause_of(ended.meeting_id) is not None
    wait_until(lambda: PAUSED_LINE in ended.linked.card_text(), what="the card paused")


def test_meet_refusing_the_organizers_token_forgets_it_and_takes_the_full_look(ended: Ended) -> None:
    ended.stack.fault("meet", "conferenceRecords.recordings.list", status=401, times=REFUSED_ATTEMPTS)
    ended.sync()
    assert [c["status"] for c in ended.stack.calls("conferenceRecords.recordings.list")][-1] == 401
    assert not ended.grant_kept()  # refused: forgotten
    # The full look, with no authorization left, pauses the meeting and says so on its card.
    assert ended.services.storage.pauses.pause_of(ended.meeting_id) is not None
    wait_until(lambda: PAUSED_LINE in ended.linked.card_text(), what="the card paused")


def test_chat_refusing_the_apps_credentials_leaves_the_organizers_alone(ended: Ended) -> None:
    """The summary's edit is made with the app's credentials: Chat's 401 says nothing of
    the organizer's, so her authorization stays and the sync fails as a full one would."""
    ended.stack.fault("chat", "spaces.messages.update", status=401, times=REFUSED_ATTEMPTS)
    before = ended.full_looks()
    with pytest.raises(GoogleApiError) as refused:
        ended.sync()
    assert refused.value.kind is FailureKind.UNAUTHENTICATED
    assert ended.grant_kept()
    assert ended.full_looks() == before
    assert ended.services.storage.pauses.pause_of(ended.meeting_id) is None
