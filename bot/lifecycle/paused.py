"""When the organizer's authorization is gone: the meeting's story pauses, and resumes.

Every Meet read of a meeting runs with its organizer's credentials. When those are gone
(``/meetlogout``, the app revoked in their Google account, ``invalid_grant``, or in
delegation mode an administrator withdrawing the app's access) nothing can be read:

    unlinked  ``/meetlogout``: the organizer's live meetings are paused at once and a sync
              of each is requested, so every card says so within moments.
    pause     a sync finds the credentials gone: the meeting is paused (one episode, however
              many workers and passes meet it), its card is redrawn from what is stored
              (the last known status, labelled so, and one line saying why it stopped),
              and the organizer is asked once per episode, privately in the meeting's thread.
    linked    the OAuth callback stored a new grant: a sync of each paused meeting of
              theirs is requested at once.
    resume    the first sync with credentials again brings the subscription back (Google
              suspended it when the grant was revoked, or let it lapse), then reads Meet as
              usual: the card, and the summary of a conference that ended meanwhile, catch
              up by themselves. Then the pause ends.
"""

from __future__ import annotations

import hashlib
import logging

from google.auth.credentials import Credentials


from domain import Meeting, MeetingStatus, Person, UpdatesPaused
from ..google.errors import FailureKind, GoogleApiError
from ..google.resources import SubscriptionState
from ..services import Services
from ..storage import PauseRecord
from .reconcile import LIVE_FOR, ORGANIZER_UNLINKED, ask_organizer_to_relink, reactivate
from .subscriptions import EXPIRED, record_subscription

log = logging.getLogger(__name__)


def organizer_unlinked(services: Services, organizer: Person) -> int:
    """``/meetlogout`` went through: pause the organizer's live meetings and have each
    synced (which redraws its card as paused and prompts them). How many there are."""
    paused = services.storage.pauses.pause_organizer_meetings(organizer.user_name,
                                                       live_after=services.clock() - LIVE_FOR)
    if paused:
        _wake_worker(services)
    return len(paused)


def organizer_linked(services: Services, organizer: Person) -> int:
    """A new grant is stored: sync the organizer's paused meetings now rather than at the
    next reconcile pass. How many were paused."""
    resumed = services.storage.pauses.resume_organizer_meetings(organizer.user_name)
    if resumed:
        log.info("organizer linked again; resuming their meetings",
                 extra={"fields": {"user": organizer.user_name, "meetings": len(resumed)}})
        _wake_worker(services)
    return len(resumed)


def why_paused(services: Services) -> UpdatesPaused:
    """What the card says is needed: the organizer's link, or (delegation) the administrator."""
    return UpdatesPaused.LINK if services.authorization.links_accounts else UpdatesPaused.ADMIN


def pause(services: Services, meeting: Meeting) -> PauseRecord | None:
    """Record the meeting as paused (the current episode, if one is under way); None when
    its story is over (ended, every summary complete): nothing is lost by not reading it."""
    assert meeting.id is not None
    if meeting.status is MeetingStatus.ENDED and all(s.complete for s in services.storage.summaries.summaries_of(meeting.id)):
        return None
    found = services.storage.pauses.pause_meeting(meeting.id, meeting.organizer.user_name)
    if not found.prompted:  # logged until the organizer is told, not at every pass after
        log.warning("organizer's authorization is gone; the meeting is paused",
                    extra={"fields": {"meetSpace": meeting.meet_space}})
    return found


def prompt_once(services: Services, meeting: Meeting, episode: PauseRecord) -> None:
    """Ask the organizer to authorize again, once per episode: the request id is derived
    from the meeting and the episode (a second worker, a retry or a stalled post that
    lands late is the same message), and the post is recorded so later passes skip it."""
    if episode.prompted:
        return
    failed = ask_organizer_to_relink(services, meeting, paused_request_id(meeting, episode),
                                     reason=ORGANIZER_UNLINKED)
    if failed is not None and failed.transient:
        return  # not recorded: the next sync of the paused meeting tries again (same id)
    # Posted, or refused for good (the app lost the space): asking again changes nothing.
    services.storage.pauses.mark_pause_prompted(episode.meeting_id, episode.since)


def paused_request_id(meeting: Meeting, episode: PauseRecord) -> str:
    moment = episode.since.replace(tzinfo=None).isoformat(timespec="microseconds")
    digest = hashlib.sha256(f"{meeting.meet_space}|{moment}".encode()).hexdigest()
    return f"paused-{digest[:32]}"


def resume_subscription(services: Services, meeting: Meeting, credentials: Credentials) -> None:
    """Coming back from a pause, with the organizer's credentials again: the stored state
    of the meeting's subscription may be stale (Google suspended it when the grant was
    revoked, and the lifecycle event could not be acted on; or it lapsed). Read it,
    reactivate it if suspended, and record what Google says; gone, it is marked so the
    sync subscribes afresh. Transient failures fail the sync (retried, still paused)."""
    if not services.config.pubsub_topic or meeting.id is None:
        return
    record = services.storage.subscriptions.subscription_of(meeting.id)
    if record is None or record.state in (EXPIRED, SubscriptionState.DELETED):
        return  # the sync subscribes afresh
    try:
        current = services.events.get(credentials, record.name)
    except GoogleApiError as error:
        if error.status != 404:
            raise
        services.storage.subscriptions.record_subscription(record.meeting_id, record.name, record.expire_time,
                                             SubscriptionState.DELETED.value)
        return
    if current.state is SubscriptionState.SUSPENDED:
        try:
            # Still being reactivated (Google's Operation not done): recorded as last read.
            current = reactivate(services, credentials, record.name) or current
        except GoogleApiError as error:
            if error.transient or error.kind is FailureKind.UNAUTHENTICATED:
                raise
            # The cause persists (say the organizer lost the space): the reconciler keeps at it.
            log.warning("could not reactivate the subscription after the organizer came back",
                        extra={"fields": {"meetSpace": meeting.meet_space, "kind": error.kind.value}})
    record_subscription(services, record.meeting_id, current, known=record)


def _wake_worker(services: Services) -> None:
    services.lifecycle.wake_worker()
