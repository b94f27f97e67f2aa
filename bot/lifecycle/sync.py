"""A sync: make Chat show what Meet says about one meeting.

1. Make sure the meeting's space is subscribed to its Meet events (when Pub/Sub is
   configured), with the organizer's credentials; not for a dormant meeting
   (``dormancy``), whose subscription is left to lapse.
2. Read the conference state; redraw the join card; edit it in place only when the
   rendering changed (``messages.patch`` with an update mask). A meeting that may be
   dormant has its state read first: no conference ever, it is (or goes) dormant; one
   found, it wakes up and is subscribed again.
3. For each conference that ended: one summary reply in the meeting's thread, created
   with a ``messageId`` derived from the conference record (so it is one message across
   duplicate deliveries, concurrent workers and restarts) and edited as artifacts
   become ready. Attendance is read once per conference and kept; later syncs only
   re-read the artifacts.

A sync asked for by events that only announced conferences' files (``files_of``, from
the sync's claim) does step 3 alone, for those conferences, from what is stored of them:
nothing else changed (the card does not show files), so the space's conferences are not
read. A conference the app has not summarised yet (its end not seen: that event is late or
lost) gets the full look instead, as does a meeting that is paused, may be dormant, or has
no live subscription.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterator

from cards.digest import next_steps_reply
from cards.join_card import card_title
from cards.summary import summary_message

from ..card_publishing import Published, publish_card, render_hash, render_join_card
from domain import (
    CallState,
    Artifact,
    ArtifactKind,
    Attendance,
    ConferenceRecord,
    ConferenceSummary,
    Digest,
    DigestContext,
    Meeting,
    MeetingStatus,
    Person,
)
from ..google.credentials import NeedsAuthorization
from ..google.errors import FailureKind, GoogleApiError
from ..google.resources import ChatMessage, SubscriptionState
from ..services import Services
from ..storage import AWAITING_ORGANIZER, StorageError, SubscriptionRecord, SummaryRecord
from domain.timezones import known_zone
from .dormancy import may_be_dormant
from .paused import pause, prompt_once, resume_subscription, why_paused
from .reading import read_attendance, read_live_state, read_speakers, read_transcript
from .subscriptions import record_subscription

log = logging.getLogger(__name__)

# Chat allows this many people to be listed in "didn't join" before "and N more".
ABSENT_LISTED = 60


def conference_message_id(kind: str, conference_record: str) -> str:
    """``client-{kind}-…``: the one message of that kind a conference gets, whoever posts it
    and however often (lowercase, at most 63 characters, as Chat requires)."""
    return f"client-{kind}-" + hashlib.sha256(conference_record.encode()).hexdigest()[:40]


def summary_message_id(conference_record: str) -> str:
    """``client-summary-…``: the conference's summary."""
    return conference_message_id("summary", conference_record)


def owners_message_id(conference_record: str) -> str:
    """``client-nextsteps-…``: the reply telling a conference's owners of their next steps."""
    return conference_message_id("nextsteps", conference_record)


def settled_artifact_kinds(known: tuple[Artifact, ...]) -> frozenset[ArtifactKind]:
    """The kinds of file an ended conference will never have, from what a read after its
    end found (``known``): none of that kind then, none ever. A recording, a transcript or
    smart notes exists (STARTED) from the moment it starts, during the conference, and
    only moves on to ENDED and FILE_GENERATED afterwards; so later reads need not ask."""
    present = {artifact.kind for artifact in known}
    return frozenset(kind for kind in ArtifactKind if kind not in present)


def _has_transcript(artifacts: tuple[Artifact, ...]) -> bool:
    return any(artifact.kind is ArtifactKind.TRANSCRIPT for artifact in artifacts)


class OrganizerRefused(GoogleApiError):
    """Google refused a call made with the organizer's credentials as unauthenticated
    (``MeetingSync._as_organizer``): their token is forgotten. Still the same
    ``GoogleApiError`` to whoever does not ask (the worker gives the request up)."""

    def __init__(self, error: GoogleApiError) -> None:
        super().__init__(error.kind, error.status, error.message, error.reason)
        self.may_have_applied, self.retry_after = error.may_have_applied, error.retry_after


def _live(subscription: SubscriptionRecord | None, now: datetime) -> bool:
    """Whether the meeting's Meet events are coming: its subscription is active, unexpired."""
    return subscription is not None and subscription.state == SubscriptionState.ACTIVE \
        and subscription.expire_time > now


@dataclass(frozen=True)
class SyncOutcome:
    status: MeetingStatus
    needs_more: bool  # something is still pending (artifacts not ready): look again later
    dormant: bool | None = None  # what the sync found; None: it could not tell (state unchanged)


class MeetingSync:
    def __init__(self, services: Services) -> None:
        self.services = services

    def sync(self, meeting: Meeting, observed_at: datetime | None = None, *,
             files_of: frozenset[str] | None = None) -> SyncOutcome:
        """``observed_at``: when ``meeting`` was read from storage (the sync's claim); what
        the sync draws is a reading from then on, and never replaces a later one.
        ``files_of``: the sync was asked only to look at these conferences' files (None: a
        full look at the live state)."""
        services = self.services
        observed_at = observed_at or services.clock()
        paused = services.storage.pauses.pause_of(meeting.id) if meeting.id is not None else None
        now = services.clock()
        maybe_dormant = may_be_dormant(meeting, now, services.config.dormant_after_seconds)
        if files_of and paused is None and not maybe_dormant:
            outcome = self._sync_files(meeting, files_of)
            if outcome is not None:
                return outcome
        # A refused access token is first only that token (Google expired it before the app
        # thought, say): forgotten, and the read tried once more with a fresh one. Refused
        # again, or no token to be had, the organizer's authorization is gone: paused.
        for last_try in (False, True):
            try:
                with self._as_organizer(meeting):
                    credentials = services.credentials.for_user(meeting.organizer)
                    if paused is not None:
                        resume_subscription(services, meeting, credentials)
                    if not maybe_dormant:
                        # Subscribed before reading, so a change after the read still brings an event.
                        self._ensure_subscription(meeting, credentials)
                    state = read_live_state(services.meet, credentials, meeting.meet_space,
                                            organizer=meeting.organizer.user_name)
                break
            except NeedsAuthorization:
                return self._paused(meeting, observed_at)
            except OrganizerRefused:
                if last_try:
                    return self._paused(meeting, observed_at)
        dormant = maybe_dormant and state.latest_record is None  # never a conference: never a summary
        if maybe_dormant and not dormant:
            log.info("a conference woke up a meeting", extra={"fields": {"meetSpace": meeting.meet_space}})
            self._ensure_subscription(meeting, credentials)
        shown = meeting.with_changes(status=state.status,
                                     dormant_since=(meeting.dormant_since or now) if dormant else None)
        if meeting.card_message and services.storage.spaces.is_installed(meeting.chat_space):
            meeting = self._draw(meeting, render_join_card(shown, now=services.clock(), config=services.config,
                                                           call=state.call), observed_at)
        pending = False
        for record in state.ended_records:
            pending |= not self._summarise(meeting, record, credentials)
        if paused is not None:  # caught up: the story goes on
            services.storage.pauses.end_pause(paused.meeting_id, paused.since)
        return SyncOutcome(state.status, needs_more=pending, dormant=dormant)

    def _sync_files(self, meeting: Meeting, files_of: frozenset[str]) -> SyncOutcome | None:
        """Bring the summaries of these conferences up to date, their files having been
        announced, without reading the space's conferences: an ended conference's times are
        stored with its summary, and nothing the card shows depends on files. None when a
        full look is needed instead: a conference not summarised yet (the app has not seen
        it end), no live subscription (events may have been missed), or the organizer's
        authorization in doubt (the full look retries with a fresh token, or pauses)."""
        services = self.services
        if meeting.id is None or not self._subscribed(meeting):
            return None
        records = []
        for name in sorted(files_of):
            stored = services.storage.summaries.get_summary(name)
            if stored is None or stored.meeting_id != meeting.id or stored.started_at is None \
                    or stored.ended_at is None:
                return None
            records.append(ConferenceRecord(name, stored.started_at, stored.ended_at))
        pending = False
        try:
            with self._as_organizer(meeting):
                credentials = services.credentials.for_user(meeting.organizer)
            for record in records:
                pending |= not self._summarise(meeting, record, credentials)
        except (NeedsAuthorization, OrganizerRefused):
            # The token was forgotten (``_as_organizer``); the full look tries a fresh one,
            # or pauses. A refusal of the app's own credentials (Chat) is no news about the
            # organizer's: it fails this sync, as it would a full one.
            return None
        return SyncOutcome(meeting.status, needs_more=pending)

    @contextmanager
    def _as_organizer(self, meeting: Meeting) -> Iterator[None]:
        """Calls made with the organizer's credentials, and only those: Google refusing one
        as unauthenticated refuses the organizer's token, which is forgotten
        (``invalidate``) and the refusal raised as ``OrganizerRefused``. The same answer to
        a call made with the app's own credentials (Chat) says nothing of the organizer's."""
        try:
            yield
        except GoogleApiError as error:
            if error.kind is not FailureKind.UNAUTHENTICATED:
                raise
            self.services.credentials.invalidate(meeting.organizer)
            raise OrganizerRefused(error) from error

    def _subscribed(self, meeting: Meeting) -> bool:
        """The meeting's Meet events are coming: its subscription is active and unexpired."""
        services = self.services
        if not services.config.pubsub_topic or meeting.id is None:
            return False
        return _live(services.storage.subscriptions.subscription_of(meeting.id), services.clock())

    def _paused(self, meeting: Meeting, observed_at: datetime) -> SyncOutcome:
        """The organizer's authorization is gone, so Meet cannot be read: redraw the card
        from what is stored (the last known status, labelled so, and why it stopped, never
        a state it cannot know) and ask the organizer once to authorize again."""
        services = self.services
        episode = pause(services, meeting) if meeting.id is not None else None
        if episode is None:
            return SyncOutcome(meeting.status, needs_more=False)
        if meeting.card_message and services.storage.spaces.is_installed(meeting.chat_space):
            meeting = self._draw(meeting, render_join_card(meeting, now=services.clock(), config=services.config,
                                                           call=CallState(paused=why_paused(services))), observed_at)
            prompt_once(services, meeting, episode)
        return SyncOutcome(meeting.status, needs_more=False)

    def _draw(self, meeting: Meeting, body: dict[str, Any], observed_at: datetime) -> Meeting:
        """Put a drawing on the card through its turn (``publish_card``); the meeting as
        recorded afterwards (a card adopted by its client-assigned name is attached)."""
        assert meeting.id is not None
        shown: list[ChatMessage] = []
        published = publish_card(self.services.storage, meeting.id, observed_at, body,
                                 lambda card: shown.append(self._show_card(meeting, card)))
        if published in (Published.SUPERSEDED, Published.BUSY):
            # A later reading is (being) shown; one more sync makes sure the newest state
            # wins, whichever reading that is.
            self.services.storage.sync_queue.request_sync(meeting.id)
        # Recorded after the turn: on PostgreSQL the turn holds the meeting's row, so
        # writing it from inside the turn would wait on itself.
        return self._adopt(meeting, shown[0]) if shown else meeting

    def _show_card(self, meeting: Meeting, body: dict[str, Any]) -> ChatMessage:
        """Edit the join card in place; the message Chat shows. A card whose post timed out
        is known only by its client-assigned name: the edit reaches it by that name, or,
        if the post never landed, posts it now with the same id and request id, so there
        is never a second card."""
        services = self.services
        assert meeting.card_message is not None
        try:
            return services.chat.update_message(meeting.card_message, body, ["cards_v2"])
        except GoogleApiError as error:
            if error.kind is not FailureKind.NOT_FOUND or "/messages/client-" not in meeting.card_message:
                raise
            message_id = meeting.card_message.rsplit("/", 1)[1]
            return services.chat.create_message(meeting.chat_space, body, message_id=message_id,
                                                request_id=message_id)

    def _adopt(self, meeting: Meeting, shown: ChatMessage) -> Meeting:
        """Record the card's real name and thread (for clicks and the summary) when Chat
        named it differently from what the app knew (a post that timed out)."""
        assert meeting.id is not None
        thread = shown.thread or meeting.thread_name
        if shown.name and (shown.name != meeting.card_message or thread != meeting.thread_name):
            return self.services.storage.meetings.attach_card(meeting.id, shown.name, thread)
        return meeting

    # -- subscriptions ---------------------------------------------------------------
    def _ensure_subscription(self, meeting: Meeting, credentials: Any) -> None:
        services, config = self.services, self.services.config
        if not config.pubsub_topic or meeting.id is None:
            return
        existing = services.storage.subscriptions.subscription_of(meeting.id)
        if _live(existing, services.clock()):
            return
        if existing is not None and existing.state in (SubscriptionState.SUSPENDED, AWAITING_ORGANIZER):
            # Still exists at Google; reactivating it (or asking the organizer) is the
            # reconciler's job. Creating afresh would only meet 409 and overwrite our state.
            return
        try:
            subscription = services.events.subscribe(credentials, meeting.meet_space, config.pubsub_topic,
                                                     config.subscription_ttl_seconds)
        except GoogleApiError as error:
            if error.kind is not FailureKind.CONFLICT:
                log.warning("could not subscribe to the meeting's events; syncs still catch up",
                            extra={"fields": {"meetSpace": meeting.meet_space, "kind": error.kind.value}})
                return
            subscription = services.events.find_subscription(credentials, meeting.meet_space)
        if subscription is not None:
            record_subscription(services, meeting.id, subscription)

    # -- summaries -------------------------------------------------------------------
    def _summarise(self, meeting: Meeting, record: ConferenceRecord, credentials: Any) -> bool:
        """Post or update the summary of one ended conference; True once it is complete:
        every file ready, the digest made (when next steps are on) and its owners told."""
        services = self.services
        name = record.name
        if not meeting.settings.post_summary:
            return True  # the space chose no summaries (/meetsettings): nothing to post or wait for
        stored = services.storage.summaries.get_summary(name)
        if stored is not None and stored.complete:
            return True
        if not services.storage.spaces.is_installed(meeting.chat_space):
            return True  # the app was removed: nowhere to post, nothing to wait for
        if stored is not None:
            attendance = stored.attendance  # an ended conference's attendance cannot change
        else:
            with self._as_organizer(meeting):
                attendance = read_attendance(services.meet, credentials, name)
            # Not listing who didn't join (/meetsettings) also spares the members.list call.
            absent, absent_total = self._absent(meeting, attendance) if meeting.settings.list_absent else ((), 0)
            attendance = dataclasses.replace(attendance, absent=absent, absent_total=absent_total)
        started_at = record.started_at or meeting.created_at
        # A kind of file the read after the end did not find will never come (smart notes
        # nobody took, say): not asked for again while the others are prepared. Rows from
        # before the files were kept (no started_at) know nothing of the kinds: all are read.
        settled = settled_artifact_kinds(stored.artifacts) if stored is not None and stored.started_at is not None \
            else frozenset()
        with self._as_organizer(meeting):
            artifacts = services.meet.artifacts(credentials, name, skip=settled)
        # The space's choice as it is now, not as it was when the meeting was made: turning
        # next steps off in /meetsettings stops reading transcripts at once.
        next_steps = self._next_steps_on(meeting)
        meeting = meeting.with_changes(settings=dataclasses.replace(meeting.settings, next_steps=next_steps))
        digest = stored.digest if stored is not None else None
        # Settled: made, or nothing to make (off, no transcript, or one Meet won't let us read).
        digest_settled = digest is not None or not next_steps or not _has_transcript(artifacts)
        if not digest_settled:
            digest, digest_settled = self._digest(meeting, name, credentials, artifacts, started_at)
        summary = ConferenceSummary(
            conference_record=name, meeting=meeting,
            started_at=started_at,
            ended_at=record.ended_at or services.clock(),
            attendees=attendance.attendees, attendees_total=attendance.total,
            absent=attendance.absent, absent_total=attendance.absent_total,
            artifacts=artifacts, digest=digest if next_steps else None,
        )
        body = summary_message(summary, now=services.clock())
        content_hash = render_hash(body)
        message_name = stored.message_name if stored is not None else None
        if message_name is None:
            message_name = self._post_summary(meeting, name, body)
        elif stored is not None and stored.content_hash != content_hash:
            services.chat.update_message(message_name, body, ["cards_v2"])
        complete = summary.complete and digest_settled
        told = stored.owners_told if stored is not None else False
        must_tell = summary.digest is not None and not told
        saved = SummaryRecord(
            conference_record=name, meeting_id=meeting.id or 0, message_name=message_name,
            content_hash=content_hash, complete=complete and not must_tell, attendance=attendance,
            started_at=summary.started_at, ended_at=summary.ended_at, artifacts=summary.artifacts,
            digest=digest, owners_told=told)
        services.storage.summaries.save_summary(saved)
        if must_tell and summary.digest is not None:
            # After the summary shows the items, which the reply points at. Recorded once
            # posted; a failure leaves the summary incomplete, so a later sync tries again.
            self._tell_owners(meeting, name, summary.digest, started_at)
            services.storage.summaries.save_summary(dataclasses.replace(saved, owners_told=True, complete=complete))
        return complete

    def _next_steps_on(self, meeting: Meeting) -> bool:
        defaults = self.services.storage.spaces.get_space_defaults(meeting.chat_space)
        return (defaults or meeting.settings).next_steps

    def _digest(self, meeting: Meeting, record: str, credentials: Any, artifacts: tuple[Artifact, ...],
                started_at: datetime) -> tuple[Digest | None, bool]:
        """Read the transcript once its every file is ready and make the digest. Returns the
        digest and whether the question is settled: (None, False) while a transcript is
        still being prepared, (None, True) when Meet will not let it be read or the
        summariser failed (the summary then goes on without next steps)."""
        transcripts = [a for a in artifacts if a.kind is ArtifactKind.TRANSCRIPT]
        names = [a.name for a in transcripts if a.name]
        if not all(a.ready for a in transcripts) or len(names) != len(transcripts):
            return None, False
        services = self.services
        try:
            speakers = read_speakers(services.meet, credentials, record)
            # As Chat sent it with the /meet, else with the organizer's latest event.
            zone = known_zone(meeting.time_zone) or known_zone(services.storage.people.time_zone_of(
                meeting.organizer.user_name)) or "UTC"
            context = DigestContext(started_at=started_at, time_zone=zone,
                                    participants=tuple(speakers.values()))
            digest = services.summarizer.summarize(
                read_transcript(services.meet, credentials, names, speakers, started_at), context)
        except GoogleApiError as error:
            if error.transient:
                raise  # the sync fails and runs again: the digest is made later, once
            # Not readable (permission, gone): the summary says nothing of next steps
            # rather than waiting for ever.
            log.warning("could not read the transcript", extra={"fields": {"kind": error.kind.value,
                                                                           "conferenceRecord": record}})
            return None, True
        except (NeedsAuthorization, StorageError):
            raise  # not the transcript's fault: the sync's own handling applies
        except Exception as error:  # noqa: BLE001 - a summariser bug must not hold the summary back for ever
            # The type only: an exception's message may quote the transcript.
            log.error("the summariser failed; the summary goes on without next steps",
                      extra={"fields": {"error": type(error).__name__, "conferenceRecord": record}})
            return None, True
        log.info("digest made", extra={"fields": {
            "conferenceRecord": record, "summarizer": digest.summarizer, "outcome": digest.outcome.value,
            "items": len(digest.action_items), "decisions": len(digest.decisions)}})
        return digest, True

    def _tell_owners(self, meeting: Meeting, record: str, digest: Digest, started_at: datetime) -> None:
        """One reply in the meeting's thread mentioning each owner who is a Chat user, once
        per conference: its client-assigned id is derived from the conference, so a second
        worker, a redelivery or a restart meets 409 instead of posting it again."""
        body = next_steps_reply(digest, meeting_title=card_title(meeting), meeting_date=started_at.date())
        if body is None:
            return
        services = self.services
        message_id = owners_message_id(record)
        try:
            services.chat.create_message(meeting.chat_space, body, thread_name=meeting.thread_name,
                                         message_id=message_id, request_id=message_id)
        except GoogleApiError as error:
            if error.kind is FailureKind.CONFLICT:
                return  # posted before: a crash between posting and recording it
            if error.transient:
                raise  # the summary stays incomplete, so a later sync tries again
            # Refused for good (the app lost access to the space, the thread is gone): the
            # items are in the summary; asking again every pass would change nothing.
            log.warning("could not tell the owners of their next steps", extra={"fields": {
                "kind": error.kind.value, "conferenceRecord": record}})

    def _post_summary(self, meeting: Meeting, record: str, body: dict[str, Any]) -> str:
        services = self.services
        message_id = summary_message_id(record)
        try:
            posted = services.chat.create_message(meeting.chat_space, body, thread_name=meeting.thread_name,
                                                  message_id=message_id, request_id=message_id)
            return posted.name
        except GoogleApiError as error:
            if error.kind is not FailureKind.CONFLICT:
                raise
            # Posted before (a crash between posting and recording it): adopt it.
            name = f"{meeting.chat_space}/messages/{message_id}"
            services.chat.update_message(name, body, ["cards_v2"])
            return name

    def _absent(self, meeting: Meeting, attendance: Attendance) -> tuple[tuple[Person, ...], int]:
        try:
            members = self.services.chat.human_members(meeting.chat_space)
        except GoogleApiError as error:
            if error.transient:
                # Attendance is kept once the summary is posted, so a summary posted now
                # would never list who didn't join: fail this sync, retry it later.
                raise
            log.warning("could not list the space's members", extra={"fields": {"kind": error.kind.value}})
            return (), 0
        absent = []
        for membership in members:
            member = membership.person
            if membership.human and member.user_name not in attendance.signed_in:
                absent.append(Person(member.user_name, member.display_name or member.user_name))
        absent.sort(key=lambda person: person.display_name.lower())
        return tuple(absent[:ABSENT_LISTED]), len(absent)


def is_live(meeting: Meeting, now: datetime) -> bool:
    """Meetings worth watching: recent, or not yet ended."""
    return meeting.status is not MeetingStatus.ENDED or now - meeting.created_at < timedelta(days=30)
