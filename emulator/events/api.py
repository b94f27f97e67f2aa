"""Workspace Events API v1 method handlers (``workspaceevents.v1.json``).

The dispatcher has matched the path, authenticated the token, checked the method's
scopes and parsed the body against ``Subscription``; the rules applied here are listed
in :mod:`emulator.events.model`. Mutations answer with an Operation that is already
``done``, its ``response`` the Subscription (``google.protobuf.Empty`` for delete) and its
``metadata`` the method's ``…SubscriptionMetadata`` type.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from ..api import ApiContext, ApiRouter
from ..clock import parse_rfc3339, rfc3339
from ..errors import ApiError, error_info, invalid_argument, not_found, permission_denied
from ..meet.model import EVENT_TYPES as MEET_EVENT_TYPES
from . import filter as list_filter
from .model import (
    ACTIVE, CHECKED_REASONS, DELETED, LIFECYCLE_EVENT_TYPES, MAX_TTL_SECONDS, MEET_SCOPES,
    NOT_EMULATED_PREFIXES, STATE_SUSPENDED, TYPE_PREFIX, EventsStore, Subscription,
)
from .topics import check_topic_name

SUBSCRIPTION_TYPE = TYPE_PREFIX + "Subscription"
EMPTY_TYPE = "type.googleapis.com/google.protobuf.Empty"
UPDATABLE = ("expireTime", "ttl", "eventTypes")
IMMUTABLE = ("targetResource", "notificationEndpoint", "payloadOptions", "driveOptions")
OUTPUT_ONLY = ("name", "uid", "state", "suspensionReason", "authority", "userAuthority", "createTime", "updateTime",
               "reconciling", "serviceAccountAuthority")
_DURATION = re.compile(r"^(\d+)(?:\.(\d{1,9}))?s$")
_SPACE_TARGET = re.compile(r"^//meet\.googleapis\.com/spaces/[A-Za-z0-9_-]+$")
_USER_TARGET = re.compile(r"^//cloudidentity\.googleapis\.com/users/[A-Za-z0-9_-]+$")


# -- helpers -------------------------------------------------------------------------------
def _store(ctx: ApiContext) -> EventsStore:
    store: EventsStore = ctx.state.events
    store.settle()
    return store


def _flag(value: str | None) -> bool:
    return (value or "").lower() in ("true", "1")


def _aborted(message: str) -> ApiError:
    return ApiError(409, message, "ABORTED")


def _owned(ctx: ApiContext, subscription: Subscription) -> bool:
    return subscription.email == ctx.principal.email.lower() and subscription.client_id == ctx.principal.client_id


def _subscription(ctx: ApiContext, store: EventsStore) -> Subscription:
    subscription = store.find(ctx.name)
    if subscription is None:
        raise not_found(f"Subscription {ctx.name} not found.")
    if not _owned(ctx, subscription):
        raise permission_denied(f"Permission denied on resource {ctx.name} (or it might not exist).")
    return subscription


def _check_etag(given: str | None, subscription: Subscription) -> None:
    if given and given != subscription.etag and given.strip('"') != subscription.etag.strip('"'):
        raise _aborted(f"The etag {given} does not match the current etag of {subscription.name}.")


def _require_user(ctx: ApiContext) -> None:
    if ctx.principal.is_app or not ctx.principal.user_name:
        raise permission_denied(
            "Subscriptions to Google Meet resources require user authentication; a service account acting as "
            "itself cannot create them. Authorize as a user.")
    if not any(scope in ctx.principal.scopes for scope in MEET_SCOPES):
        raise ApiError(403, "Request had insufficient authentication scopes.", "PERMISSION_DENIED",
                       details=[error_info("ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                                           method="google.apps.events.subscriptions.v1.SubscriptionsService."
                                                  "CreateSubscription",
                                           service="workspaceevents.googleapis.com")])


def _validate_target(target: str) -> None:
    if not target:
        raise invalid_argument("target_resource is required.", "subscription.target_resource")
    if target.startswith(NOT_EMULATED_PREFIXES):
        raise ApiError(501, f"Target resource {target} is not emulated: the emulator serves Google Meet targets "
                            "only.", "UNIMPLEMENTED")
    if not (_SPACE_TARGET.match(target) or _USER_TARGET.match(target)):
        raise invalid_argument(
            f"Invalid target resource: {target}. Use a full resource name such as "
            "//meet.googleapis.com/spaces/{space} or //cloudidentity.googleapis.com/users/{user}.",
            "subscription.target_resource")


def _validate_event_types(event_types: list[str] | None, target: str) -> list[str]:
    if not event_types:
        raise invalid_argument("event_types must contain at least one event type.", "subscription.event_types")
    unique: list[str] = []
    for event_type in event_types:
        if event_type in LIFECYCLE_EVENT_TYPES:
            raise invalid_argument(f"Event type {event_type} is a lifecycle event, which every subscription "
                                   "receives; don't list it.", "subscription.event_types")
        if event_type not in MEET_EVENT_TYPES:
            raise invalid_argument(f"Event type {event_type} is not supported for target resource {target}.",
                                   "subscription.event_types")
        if event_type not in unique:
            unique.append(event_type)
    return unique


def _check_allowed(store: EventsStore, event_types: list[str]) -> None:
    """The project may not use every type (a preview one, outside the Developer Preview Program)."""
    refused = [event_type for event_type in event_types if event_type in store.refused_event_types]
    if refused:
        raise permission_denied(f"This project can't subscribe to event type(s) {', '.join(refused)}: they are "
                                "available only to projects in the Google Workspace Developer Preview Program.")


def _duration(value: str, where: str) -> float:
    match = _DURATION.match(value.strip())
    if not match:
        raise invalid_argument(f"Invalid value at '{where}' (type.googleapis.com/google.protobuf.Duration), "
                               f'"{value}"', where)
    return int(match.group(1)) + float("0." + (match.group(2) or "0"))


def _expiry(now: float, ttl: str | None, expire_time: str | None, where: str) -> float:
    """The expireTime a request asks for (``ttl`` or ``expireTime``; neither or ``0s``: the maximum)."""
    if ttl and expire_time:
        raise invalid_argument("Specify either ttl or expire_time, not both.", f"{where}.ttl")
    if ttl:
        seconds = _duration(ttl, f"{where}.ttl")
        if seconds > MAX_TTL_SECONDS:
            raise invalid_argument(f"ttl must be at most {MAX_TTL_SECONDS}s (7 days) for Google Meet "
                                   "subscriptions.", f"{where}.ttl")
        return now + (seconds or MAX_TTL_SECONDS)
    if expire_time:
        try:
            moment = parse_rfc3339(expire_time)
        except ValueError:
            raise invalid_argument(f"Invalid value at '{where}.expire_time' (type.googleapis.com/"
                                   f'google.protobuf.Timestamp), "{expire_time}"', f"{where}.expire_time") from None
        if moment <= now:
            raise invalid_argument("expire_time must be in the future.", f"{where}.expire_time")
        if moment > now + MAX_TTL_SECONDS + 1:
            raise invalid_argument("expire_time must be at most 7 days from now for Google Meet subscriptions.",
                                   f"{where}.expire_time")
        return moment
    return now + MAX_TTL_SECONDS


def _check_access(ctx: ApiContext, store: EventsStore, target: str) -> None:
    problem = store.target_problem(target=target, user_name=ctx.principal.user_name or "",
                                   email=ctx.principal.email.lower(), client_id=ctx.principal.client_id,
                                   scopes=ctx.principal.scopes, revoked_check=False)
    if problem == "RESOURCE_DELETED":
        raise not_found(f"Target resource {target} not found.")
    if problem is not None:
        raise permission_denied(f"The caller does not have permission to subscribe to {target}: the authorizing "
                                "user must be able to view the target resource.")


# -- subscriptions -------------------------------------------------------------------------
def create_subscription(ctx: ApiContext) -> dict[str, Any]:
    store = _store(ctx)
    body = ctx.body
    target = body.get("targetResource") or ""
    _validate_target(target)
    event_types = _validate_event_types(body.get("eventTypes"), target)
    _check_allowed(store, event_types)
    topic = (body.get("notificationEndpoint") or {}).get("pubsubTopic") or ""
    if not topic:
        raise invalid_argument("notification_endpoint.pubsub_topic is required.",
                               "subscription.notification_endpoint.pubsub_topic")
    check_topic_name(topic, "subscription.notification_endpoint.pubsub_topic")
    payload_options = body.get("payloadOptions") or None
    if payload_options and payload_options.get("includeResource"):
        raise invalid_argument("payload_options.include_resource is not supported for Google Meet events: they "
                               "carry resource names only.", "subscription.payload_options.include_resource")
    if body.get("driveOptions"):
        raise invalid_argument("drive_options are only supported for Google Drive targets.",
                               "subscription.drive_options")
    now = store.now()
    expire = _expiry(now, body.get("ttl"), body.get("expireTime"), "subscription")
    _require_user(ctx)
    _check_access(ctx, store, target)
    email = ctx.principal.email.lower()
    existing = store.duplicate_of(target, email, ctx.principal.client_id)
    if existing is not None:
        raise ApiError(409, f"A subscription for target resource {target} already exists for this user and app: "
                            f"{existing.name}.", "ALREADY_EXISTS",
                       details=[error_info("SUBSCRIPTION_ALREADY_EXISTS", "workspaceevents.googleapis.com",
                                           current_subscription=existing.name)])
    subscription = Subscription(
        id=store.new_subscription_id(target), uid="", target=target, event_types=event_types, topic=topic,
        user_name=ctx.principal.user_name or "", email=email, client_id=ctx.principal.client_id,
        scopes=ctx.principal.scopes, created=now, updated=now, expire=expire, checked=now,
        payload_options=dict(payload_options) if payload_options else None)
    if _flag(ctx.query.get("validateOnly")):
        preview = subscription.to_json()
        for key in ("name", "uid", "etag"):
            preview.pop(key, None)
        return store.new_operation(email, ctx.principal.client_id, "CreateSubscriptionMetadata",
                                   response=preview, response_type=SUBSCRIPTION_TYPE).body
    subscription.uid = str(uuid.uuid4())
    store.subscriptions[subscription.id] = subscription
    return store.new_operation(email, ctx.principal.client_id, "CreateSubscriptionMetadata",
                               response=subscription.to_json(), response_type=SUBSCRIPTION_TYPE).body


def get_subscription(ctx: ApiContext) -> dict[str, Any]:
    return _subscription(ctx, _store(ctx)).to_json()


def list_subscriptions(ctx: ApiContext) -> dict[str, Any]:
    store = _store(ctx)
    raw = ctx.query.get("filter", "")
    matches = list_filter.matcher(list_filter.parse(raw))
    mine = sorted((s for s in store.subscriptions.values() if _owned(ctx, s) and matches(s.event_types, s.target)),
                  key=lambda s: (s.created, s.id))
    return ctx.page(mine).body("subscriptions", lambda s: s.to_json(), keep_empty=True)


def patch_subscription(ctx: ApiContext) -> dict[str, Any]:
    store = _store(ctx)
    subscription = _subscription(ctx, store)
    body = ctx.body
    paths = ctx.update_mask(required=False)
    if paths:
        if "*" in paths:
            paths = list(UPDATABLE)
            if not body.get("ttl") and not body.get("expireTime"):
                paths.remove("ttl")
            elif body.get("ttl"):
                paths.remove("expireTime")
            else:
                paths.remove("ttl")
        for path in paths:
            if path in IMMUTABLE or path in OUTPUT_ONLY or path == "etag":
                raise invalid_argument(f"Field {path} can't be updated: update_mask may name expire_time, ttl or "
                                       "event_types.", "update_mask")
            if path not in UPDATABLE:
                raise invalid_argument(f"Unknown field in update_mask: {path}.", "update_mask")
    else:
        for key in IMMUTABLE:
            if key in body and body[key] not in (None, {}) and body[key] != subscription.to_json().get(key):
                raise invalid_argument(f"Field {key} is immutable.", f"subscription.{key}")
        paths = [key for key in UPDATABLE if body.get(key)]
    _check_etag(body.get("etag"), subscription)
    now = store.now()
    event_types = subscription.event_types
    expire = subscription.expire
    if "eventTypes" in paths:
        event_types = _validate_event_types(body.get("eventTypes"), subscription.target)
        _check_allowed(store, event_types)
    if "ttl" in paths or "expireTime" in paths:
        expire = _expiry(now, body.get("ttl") if "ttl" in paths else None,
                         body.get("expireTime") if "expireTime" in paths else None, "subscription")
    if _flag(ctx.query.get("validateOnly")):
        preview = subscription.to_json()
        preview["eventTypes"] = list(event_types)
        preview["expireTime"] = rfc3339(expire)
        return store.new_operation(subscription.email, subscription.client_id, "UpdateSubscriptionMetadata",
                                   response=preview, response_type=SUBSCRIPTION_TYPE).body
    if paths:
        subscription.event_types = list(event_types)
        if expire != subscription.expire:
            subscription.expire = expire
            subscription.checked = now  # reminders count from the renewal
        subscription.updated = now
    return store.new_operation(subscription.email, subscription.client_id, "UpdateSubscriptionMetadata",
                               response=subscription.to_json(), response_type=SUBSCRIPTION_TYPE).body


def delete_subscription(ctx: ApiContext) -> dict[str, Any]:
    store = _store(ctx)
    email, client = ctx.principal.email.lower(), ctx.principal.client_id
    subscription = store.find(ctx.name)
    if subscription is None:
        if _flag(ctx.query.get("allowMissing")):
            return store.new_operation(email, client, "DeleteSubscriptionMetadata", response=None,
                                       response_type=EMPTY_TYPE).body
        raise not_found(f"Subscription {ctx.name} not found.")
    subscription = _subscription(ctx, store)
    _check_etag(ctx.query.get("etag"), subscription)
    if not _flag(ctx.query.get("validateOnly")):
        subscription.state = DELETED
        store.subscriptions.pop(subscription.id, None)
    return store.new_operation(email, client, "DeleteSubscriptionMetadata", response=None,
                               response_type=EMPTY_TYPE).body


def reactivate_subscription(ctx: ApiContext) -> dict[str, Any]:
    store = _store(ctx)
    subscription = _subscription(ctx, store)
    if subscription.state != STATE_SUSPENDED:
        raise ApiError(400, f"Subscription {subscription.name} is {subscription.state}: only a suspended "
                            "subscription can be reactivated.", "FAILED_PRECONDITION")
    if subscription.suspension_reason in CHECKED_REASONS:
        problem = store.target_problem(target=subscription.target, user_name=subscription.user_name,
                                       email=subscription.email, client_id=subscription.client_id,
                                       scopes=subscription.scopes)
        if problem is not None:
            raise ApiError(400, f"Subscription {subscription.name} can't be reactivated: the error that suspended "
                                f"it ({problem}) hasn't been resolved.", "FAILED_PRECONDITION")
    subscription.state = ACTIVE
    subscription.suspension_reason = None
    subscription.updated = store.now()
    return store.new_operation(subscription.email, subscription.client_id, "ReactivateSubscriptionMetadata",
                               response=subscription.to_json(), response_type=SUBSCRIPTION_TYPE).body


# -- operations ----------------------------------------------------------------------------
def get_operation(ctx: ApiContext) -> dict[str, Any]:
    store = _store(ctx)
    operation = store.operations.get(ctx.name)
    if operation is None or operation.owner != ctx.principal.email.lower() \
            or operation.client_id != ctx.principal.client_id:
        raise not_found(f"Operation {ctx.name} not found.")
    return operation.body


def routes(router: ApiRouter) -> None:
    """Serve Workspace Events v1's methods with the handlers above."""
    router.add("workspaceevents", {
        "subscriptions.create": create_subscription,
        "subscriptions.get": get_subscription,
        "subscriptions.list": list_subscriptions,
        "subscriptions.patch": patch_subscription,
        "subscriptions.delete": delete_subscription,
        "subscriptions.reactivate": reactivate_subscription,
        "operations.get": get_operation,
    })
