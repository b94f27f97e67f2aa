"""Workspace Events subscriptions, their operations and lifecycle, and the Meet event feed.

Rules, as Google's Workspace Events API applies them to Meet targets
--------------------------------------------------------------------
* Targets: ``//meet.googleapis.com/spaces/{space}`` (a meeting space) or
  ``//cloudidentity.googleapis.com/users/{user}`` (every space the user owns; only the
  caller themself). Chat and Drive targets are not emulated (501).
* Event types: Meet's (``emulator.meet.model.EVENT_TYPES``); anything else (lifecycle types included: they
  come without asking) is 400 INVALID_ARGUMENT. Types the project may not use (``refused_event_types``,
  set through ``POST /_emulator/events/settings``: a project outside the Developer Preview Program
  asking for a preview type such as smart notes' ``fileGenerated``) are 403 PERMISSION_DENIED, on
  create and on an ``eventTypes`` update alike.
* User authentication only: a service account acting as itself is 403. The token needs
  ``meetings.space.created`` (spaces created through the same OAuth client) or
  ``meetings.space.readonly``, and the user must be able to see the space (its owner, a
  co-host or a member), else 403.
* One subscription per target per user and OAuth client: another is 409 ALREADY_EXISTS.
* Meet events carry resource names only (``payloadOptions.includeResource`` is for Chat
  and Drive: 400). Expiry: at most :data:`MAX_TTL_SECONDS` (7 days) ahead, which is also
  the default (``ttl`` unset or ``0s``).
* Lifecycle, on the emulator's clock: ``expirationReminder`` 12 h and 1 h before
  ``expireTime`` (for thresholds crossed after the subscription was created or renewed),
  ``expired`` at ``expireTime`` after which the subscription is deleted (404), and
  ``suspended`` (data ``{"subscription": {…, "state": "SUSPENDED", "suspensionReason"}}``)
  when the authorizing user's grant is revoked (USER_SCOPE_REVOKED), the user loses
  access to the space (USER_AUTHORIZATION_FAILURE), or the control plane says so.
  A suspended subscription receives no events until ``subscriptions.reactivate``, which
  re-checks the cause (400 FAILED_PRECONDITION while it persists).

Every mutation returns a long-running Operation that is already ``done``; ``operations.get``
reads it back.
"""

from __future__ import annotations

import hashlib
import heapq
import logging
import secrets
import uuid
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from ..clock import rfc3339
from ..errors import ApiError
from ..tokens import SCOPE_PREFIX
from .pubsub import PubSub

if TYPE_CHECKING:
    from ..state import EmulatorState

log = logging.getLogger(__name__)

SERVICE = "//workspaceevents.googleapis.com/"
MEET_SPACE_PREFIX = "//meet.googleapis.com/spaces/"
USER_PREFIX = "//cloudidentity.googleapis.com/users/"
NOT_EMULATED_PREFIXES = ("//chat.googleapis.com/", "//drive.googleapis.com/", "//admin.googleapis.com/")

LIFECYCLE_PREFIX = "google.workspace.events.subscription.v1."
EXPIRATION_REMINDER = LIFECYCLE_PREFIX + "expirationReminder"
EXPIRED = LIFECYCLE_PREFIX + "expired"
SUSPENDED = LIFECYCLE_PREFIX + "suspended"
LIFECYCLE_EVENT_TYPES = (EXPIRATION_REMINDER, EXPIRED, SUSPENDED)

MAX_TTL_SECONDS = 7 * 24 * 3600
REMINDER_OFFSETS = (12 * 3600, 3600)  # expirationReminder this long before expireTime

ACTIVE, STATE_SUSPENDED, DELETED = "ACTIVE", "SUSPENDED", "DELETED"
SUSPENSION_REASONS = ("USER_SCOPE_REVOKED", "APP_SCOPE_REVOKED", "RESOURCE_DELETED", "USER_AUTHORIZATION_FAILURE",
                      "APP_AUTHORIZATION_FAILURE", "ENDPOINT_PERMISSION_DENIED", "ENDPOINT_NOT_FOUND",
                      "ENDPOINT_RESOURCE_EXHAUSTED", "OTHER")
# Causes the emulator watches itself (reactivate re-checks them); others come from the control plane.
CHECKED_REASONS = ("USER_SCOPE_REVOKED", "RESOURCE_DELETED", "USER_AUTHORIZATION_FAILURE")

CREATED_SCOPE = SCOPE_PREFIX + "meetings.space.created"
READONLY_SCOPE = SCOPE_PREFIX + "meetings.space.readonly"
MEET_SCOPES = (CREATED_SCOPE, READONLY_SCOPE)

TYPE_PREFIX = "type.googleapis.com/google.apps.events.subscriptions.v1."
@dataclass(eq=False)
class Subscription:
    id: str
    uid: str
    target: str
    event_types: list[str]
    topic: str
    user_name: str  # users/{id}
    email: str
    client_id: str
    scopes: frozenset[str]
    created: float
    updated: float
    expire: float
    checked: float  # lifecycle thresholds up to this time have been handled
    payload_options: dict[str, Any] | None = None
    state: str = ACTIVE
    suspension_reason: str | None = None

    @property
    def name(self) -> str:
        return f"subscriptions/{self.id}"

    @property
    def full_name(self) -> str:
        return SERVICE + self.name

    @property
    def etag(self) -> str:
        digest = hashlib.sha256(f"{self.uid}|{self.updated}|{self.state}|{self.expire}".encode()).hexdigest()
        return f'"{digest[:27]}"'

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": self.name, "uid": self.uid, "targetResource": self.target, "eventTypes": list(self.event_types),
        }
        if self.payload_options:
            body["payloadOptions"] = dict(self.payload_options)
        body["notificationEndpoint"] = {"pubsubTopic": self.topic}
        body["state"] = self.state
        if self.suspension_reason:
            body["suspensionReason"] = self.suspension_reason
        body["authority"] = self.user_name
        body["userAuthority"] = self.user_name
        body["createTime"] = rfc3339(self.created)
        body["updateTime"] = rfc3339(self.updated)
        body["etag"] = self.etag
        body["expireTime"] = rfc3339(self.expire)
        return body


@dataclass
class Operation:
    name: str
    owner: str  # the caller's email: operations are theirs to read
    client_id: str
    body: dict[str, Any] = field(default_factory=dict)


def _hooked_listener(state_ref: "weakref.ref[EmulatorState]") -> Callable[[], None]:
    def settle_after_advance() -> None:
        state = state_ref()
        store = getattr(state, "events", None) if state is not None else None
        if store is not None:
            store.settle()
    return settle_after_advance


_HOOKED_CLOCKS: "weakref.WeakKeyDictionary[Any, bool]" = weakref.WeakKeyDictionary()


class EventsStore:
    """Subscriptions and operations of the emulated world. Mutators expect ``state.lock`` held."""

    def __init__(self, state: "EmulatorState") -> None:
        previous = getattr(state, "events", None)
        if isinstance(previous, EventsStore):
            previous.close()  # a reset: stop the old pushes before the new world starts
        self.state = state
        self.subscriptions: dict[str, Subscription] = {}
        self.operations: dict[str, Operation] = {}
        # Event types this project may not subscribe to (the control plane's setting; empty:
        # every Meet type, as for a project in the Developer Preview Program).
        self.refused_event_types: frozenset[str] = frozenset()
        self.pubsub = PubSub(state.config, state.keys, state.clock, tick=self._tick)
        self._closed = False
        state.meet.add_listener(self._on_meet_event)
        if state.clock not in _HOOKED_CLOCKS:
            _HOOKED_CLOCKS[state.clock] = True
            state.clock.on_advance(_hooked_listener(weakref.ref(state)))

    def close(self) -> None:
        self._closed = True
        self.pubsub.close()

    def now(self) -> float:
        return round(self.state.clock.time(), 6)

    # -- ids -----------------------------------------------------------------------------
    def new_subscription_id(self, target: str) -> str:
        kind = "meet-spaces" if target.startswith(MEET_SPACE_PREFIX) else "meet-users"
        while True:
            candidate = f"{kind}-{self.state.new_id(24).lower()}"
            if candidate not in self.subscriptions:
                return candidate

    def new_operation(self, owner: str, client_id: str, metadata_type: str, *, response: dict[str, Any] | None,
                      response_type: str) -> Operation:
        name = f"operations/{secrets.token_hex(12)}"
        body: dict[str, Any] = {"name": name, "metadata": {"@type": TYPE_PREFIX + metadata_type}, "done": True,
                                "response": {"@type": response_type, **(response or {})}}
        operation = Operation(name, owner, client_id, body)
        self.operations[name] = operation
        return operation

    # -- access to a target --------------------------------------------------------------
    def target_problem(self, *, target: str, user_name: str, email: str, client_id: str,
                       scopes: frozenset[str], revoked_check: bool = True) -> str | None:
        """Why this user may (no longer) follow the target: a suspension reason, or None."""
        if revoked_check and self._grant_revoked(email, client_id):
            return "USER_SCOPE_REVOKED"
        if target.startswith(MEET_SPACE_PREFIX):
            space = self.state.meet.find_space(target[len(MEET_SPACE_PREFIX):], allow_code=False)
            if space is None:
                return "RESOURCE_DELETED"
            in_reach = READONLY_SCOPE in scopes or (CREATED_SCOPE in scopes and space.client_id == client_id)
            if not in_reach or space.role_of(email) is None:
                return "USER_AUTHORIZATION_FAILURE"
            return None
        if target.startswith(USER_PREFIX):
            if f"users/{target[len(USER_PREFIX):]}" != user_name or user_name not in self.state.users:
                return "USER_AUTHORIZATION_FAILURE"
            return None
        return "OTHER"

    def _grant_revoked(self, email: str, client_id: str) -> bool:
        grants = [g for g in list(self.state.tokens.grants.values())
                  if g.email == email and g.client_id == client_id]
        return bool(grants) and all(g.revoked for g in grants)

    # -- lifecycle -----------------------------------------------------------------------
    def settle(self) -> None:
        """Bring subscriptions up to the clock: suspensions, reminders, expiry, in time order."""
        if self._closed:
            return
        with self.state.lock:
            now = self.now()
            due: list[tuple[float, int, str, Subscription]] = []
            for order, subscription in enumerate(list(self.subscriptions.values())):
                if subscription.state == ACTIVE:
                    reason = self.target_problem(target=subscription.target, user_name=subscription.user_name,
                                                 email=subscription.email, client_id=subscription.client_id,
                                                 scopes=subscription.scopes)
                    if reason is not None:
                        self.suspend(subscription, reason)
                for offset in REMINDER_OFFSETS:
                    moment = subscription.expire - offset
                    if subscription.checked < moment <= now:
                        due.append((moment, order, EXPIRATION_REMINDER, subscription))
                if subscription.expire <= now:
                    due.append((subscription.expire, order, EXPIRED, subscription))
                subscription.checked = now
            heapq.heapify(due)
            while due:
                moment, _, event_type, subscription = heapq.heappop(due)
                self._lifecycle(subscription, event_type, moment)
                if event_type == EXPIRED:
                    subscription.state = DELETED
                    self.subscriptions.pop(subscription.id, None)

    def _tick(self) -> None:
        self.settle()

    def suspend(self, subscription: Subscription, reason: str) -> None:
        if subscription.state != ACTIVE:
            return
        subscription.state = STATE_SUSPENDED
        subscription.suspension_reason = reason
        subscription.updated = self.now()
        self._lifecycle(subscription, SUSPENDED, subscription.updated)

    def _lifecycle(self, subscription: Subscription, event_type: str, moment: float) -> None:
        self._publish(subscription, event_type, {"subscription": subscription.to_json()},
                      subject=subscription.full_name, moment=moment)

    # -- the Meet feed ---------------------------------------------------------------------
    def _on_meet_event(self, event_type: str, data: dict[str, Any], space_name: str) -> None:
        if self._closed:
            return
        self.settle()
        space = self.state.meet.find_space(space_name, allow_code=False)
        if space is None:
            return
        for subscription in list(self.subscriptions.values()):
            if subscription.state != ACTIVE or event_type not in subscription.event_types:
                continue
            if subscription.target == MEET_SPACE_PREFIX + space.id:
                pass
            elif subscription.target.startswith(USER_PREFIX) and space.owner == "users/" + subscription.target[
                    len(USER_PREFIX):] and (READONLY_SCOPE in subscription.scopes
                                           or space.client_id == subscription.client_id):
                pass
            else:
                continue
            self._publish(subscription, event_type, data, subject=MEET_SPACE_PREFIX + space.id, moment=self.now())

    def _publish(self, subscription: Subscription, event_type: str, data: dict[str, Any], *, subject: str,
                 moment: float) -> None:
        attributes = {
            "ce-id": uuid.uuid4().hex,
            "ce-source": subscription.full_name,
            "ce-specversion": "1.0",
            "ce-type": event_type,
            "ce-time": rfc3339(round(moment, 6)),
            "ce-subject": subject,
            "ce-datacontenttype": "application/json",
        }
        self.pubsub.publish(subscription.topic, data, attributes, ordering_key=subscription.full_name)

    # -- lookups -------------------------------------------------------------------------
    def find(self, name: str) -> Subscription | None:
        subscription_id = name.split("/", 1)[1] if name.startswith("subscriptions/") else name
        return self.subscriptions.get(subscription_id)

    def duplicate_of(self, target: str, email: str, client_id: str, *, besides: Subscription | None = None
                     ) -> Subscription | None:
        for subscription in self.subscriptions.values():
            if subscription is not besides and subscription.target == target and subscription.email == email \
                    and subscription.client_id == client_id:
                return subscription
        return None


def ensure(condition: bool, error: ApiError) -> None:
    if not condition:
        raise error
