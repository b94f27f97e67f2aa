"""Chat API v1 method handlers: spaces.get, spaces.members and spaces.messages.

The dispatcher (``emulator.api``) has already matched the path, authenticated the
caller, checked the method's scopes from the discovery document and parsed the body
against the request schema (so card errors name their field). What is left here is
Chat's own semantics, as its reference documentation states them:

* App authentication (a service account with ``chat.bot``) works only in spaces the
  app is a member of; elsewhere the space does not exist for it (404). User
  authentication works only in spaces the user is a member of (403, as Chat answers a
  person asking about a space they cannot see, 404 when the space does not exist).
* An app may update or delete only the messages it created; a person only their own,
  except that a space manager may delete other members' messages in a named space.
* ``spaces.messages.get`` with ``chat.bot`` returns only messages the app has access
  to: its own, direct messages, and messages that invoke it (slash commands, mentions).
* Private messages are visible to their viewer and the app only.
"""

from __future__ import annotations

import re
from typing import Any

from ..api import ApiContext, ApiRouter
from ..clock import parse_rfc3339, rfc3339
from ..errors import ApiError, failed_precondition, invalid_argument, not_found, permission_denied
from .model import (APP_MEMBER_ID, APP_USER, APP_VIEW, USER_VIEW, ChatSpace, ChatStore, Membership,
                    StoredMessage)

NOT_FOUND_MESSAGE = "Requested entity was not found."
NO_PERMISSION_MESSAGE = "The caller does not have permission"
APP_MESSAGES_READONLY = "https://www.googleapis.com/auth/chat.app.messages.readonly"
_TRUE = ("true", "True", "1")


# -- who is calling ----------------------------------------------------------------------
def _caller(ctx: ApiContext) -> str:
    """The Chat member the caller acts as: APP_USER for app auth, the user otherwise."""
    if ctx.principal.is_app:
        return APP_USER
    if not ctx.principal.user_name:
        raise permission_denied(NO_PERMISSION_MESSAGE)
    return ctx.principal.user_name


def _flag(ctx: ApiContext, name: str) -> bool:
    return ctx.query.get(name, "") in _TRUE


def _store(ctx: ApiContext) -> ChatStore:
    return ctx.state.chat


def _space(ctx: ApiContext, space_name: str) -> ChatSpace:
    """The space, if the caller may act in it (see the module docstring for the errors)."""
    space = _store(ctx).spaces.get(space_name)
    if space is None:
        raise not_found(NOT_FOUND_MESSAGE)
    caller = _caller(ctx)
    if not _store(ctx).is_member(space_name, caller):
        if ctx.principal.is_app:
            raise not_found(NOT_FOUND_MESSAGE)
        raise permission_denied(NO_PERMISSION_MESSAGE)
    return space


def _space_of(name: str) -> str:
    return "/".join(name.split("/")[:2])


# -- views -------------------------------------------------------------------------------
def _view(ctx: ApiContext) -> str:
    return USER_VIEW if ctx.principal.is_user else APP_VIEW


def _message_view(ctx: ApiContext, message: StoredMessage) -> dict[str, Any]:
    body = _store(ctx).message_json(message, _view(ctx))
    if ctx.principal.is_user:
        # With user authentication Chat populates only the space's name.
        body["space"] = {"name": message.space}
    return body


def _membership_view(ctx: ApiContext, membership: Membership) -> dict[str, Any]:
    return _store(ctx).membership_json(membership, _view(ctx))


def _app_can_read(ctx: ApiContext, message: StoredMessage, space: ChatSpace) -> bool:
    """What ``chat.bot`` lets an app read: its own messages, DMs, and messages invoking it."""
    if message.sender == APP_USER or space.space_type == "DIRECT_MESSAGE":
        return True
    if message.slash_command:
        return True
    for annotation in message.annotations:
        user = (annotation.get("userMention") or {}).get("user") or {}
        if user.get("name") == APP_USER:  # stored annotations name the app internally
            return True
    # chat.app.messages.readonly (with administrator approval) reads every public message.
    return APP_MESSAGES_READONLY in ctx.principal.scopes and not message.private_viewer


def _visible(ctx: ApiContext, message: StoredMessage) -> bool:
    if not message.private_viewer:
        return True
    return ctx.principal.is_app or message.private_viewer == ctx.principal.user_name


def _message_for_read(ctx: ApiContext, name: str) -> StoredMessage:
    space = _space(ctx, _space_of(name))
    try:
        message = _store(ctx).find_message(name)
    except ApiError:
        raise not_found(NOT_FOUND_MESSAGE) from None
    if not _visible(ctx, message) or (ctx.principal.is_app and not _app_can_read(ctx, message, space)):
        raise not_found(NOT_FOUND_MESSAGE)
    return message


# -- spaces ------------------------------------------------------------------------------
def get_space(ctx: ApiContext) -> dict[str, Any]:
    return _space(ctx, ctx.name).to_json()


# -- members -----------------------------------------------------------------------------
_MEMBER_CLAUSE = re.compile(r'^\s*(role|member\.type)\s*(=|!=)\s*"?([A-Z_]+)"?\s*$')
_MEMBER_VALUES = {"role": {"ROLE_MEMBER", "ROLE_MANAGER"}, "member.type": {"HUMAN", "BOT"}}


def _member_filter(text: str) -> list[tuple[str, str, str]] | None:
    """Parse ``spaces.members.list``'s filter into clauses joined by one operator.

    Returns None for no filter; raises INVALID_ARGUMENT for the queries the reference
    calls invalid (``role = A AND role = B``, ``member.type = X AND member.type = Y``,
    ``!=`` on role, mixed AND/OR, anything else it does not describe).
    """
    if not text.strip():
        return None

    def invalid() -> ApiError:
        return invalid_argument(f"Invalid filter: {text}", "filter")

    operators = set(re.findall(r"\s(AND|OR)\s", f" {text} "))
    if len(operators) > 1:
        raise invalid()
    joiner = operators.pop() if operators else "AND"
    clauses = []
    for part in re.split(rf"\s{joiner}\s", f" {text} "):
        match = _MEMBER_CLAUSE.match(part)
        if not match:
            raise invalid()
        field, op, value = match.groups()
        if value not in _MEMBER_VALUES[field] or (field == "role" and op == "!="):
            raise invalid()
        clauses.append((field, op, value))
    if joiner == "AND":
        fields = [field for field, op, _ in clauses if op == "="]
        if len(fields) != len(set(fields)):
            raise invalid()
    clauses.insert(0, ("", joiner, ""))
    return clauses


def _member_matches(clauses: list[tuple[str, str, str]], membership: Membership) -> bool:
    joiner = clauses[0][1]
    values = {"role": membership.role, "member.type": "BOT" if membership.member == APP_USER else "HUMAN"}
    results = [(values[field] == value) == (op == "=") for field, op, value in clauses[1:]]
    return any(results) if joiner == "OR" else all(results)


def list_members(ctx: ApiContext) -> dict[str, Any]:
    space = _space(ctx, ctx.parent)
    clauses = _member_filter(ctx.query.get("filter", ""))
    show_invited = _flag(ctx, "showInvited") and ctx.principal.is_user
    members = []
    for membership in _store(ctx).members_of(space.name):
        if ctx.principal.is_app and membership.member == APP_USER:
            continue  # app authentication never lists app memberships, its own included
        if membership.state == "INVITED" and not show_invited:
            continue
        if clauses and not _member_matches(clauses, membership):
            continue
        members.append(membership)
    return ctx.page(members).body("memberships", lambda m: _membership_view(ctx, m))


def get_member(ctx: ApiContext) -> dict[str, Any]:
    space = _space(ctx, _space_of(ctx.name))
    member_id = ctx.name.split("/members/", 1)[1]
    store = _store(ctx)
    if member_id == APP_MEMBER_ID or f"users/{member_id}" == store.app_user_name:
        # ``spaces/{space}/members/app`` is Chat's alias for the app's own membership.
        membership = store.membership_of(space.name, APP_USER)
    else:
        try:
            user = ctx.state.find_user(member_id if "@" in member_id else f"users/{member_id}")
        except ApiError:
            raise not_found(NOT_FOUND_MESSAGE) from None
        membership = store.membership_of(space.name, user.name)
    if membership is None:
        raise not_found(NOT_FOUND_MESSAGE)
    return _membership_view(ctx, membership)


# -- messages: create --------------------------------------------------------------------
def _create(ctx: ApiContext, space: ChatSpace, body: dict[str, Any], *, message_id: str | None,
            request_id: str | None) -> StoredMessage:
    store = _store(ctx)
    sender = _caller(ctx)
    if request_id:
        for (space_name, other, rid), _ in store.request_ids.items():
            if space_name == space.name and rid == request_id and other != sender:
                raise invalid_argument(
                    f"Request ID {request_id} was already used by a different authenticated caller.", "request_id")
    thread = body.get("thread") or {}
    thread_key = ctx.query.get("threadKey") or thread.get("threadKey") or None
    thread_name = thread.get("name") or None
    if thread_name and not thread_name.startswith(space.name + "/threads/"):
        raise invalid_argument(f"Invalid thread name: {thread_name}", "message.thread.name")
    viewer = (body.get("privateMessageViewer") or {}).get("name") or None
    if viewer is not None:
        if not ctx.principal.is_app:
            raise invalid_argument("Private messages can only be created with app authentication.",
                                   "message.private_message_viewer")
        try:
            viewer = ctx.state.find_user(viewer).name  # users/{email} is an alias
        except ApiError:
            raise invalid_argument(f"Invalid private message viewer: {viewer}",
                                   "message.private_message_viewer") from None
        if body.get("attachment"):
            raise invalid_argument("Private messages cannot have attachments.", "message.attachment")
    reply_option = ctx.query.get("messageReplyOption") or "MESSAGE_REPLY_OPTION_UNSPECIFIED"
    if reply_option not in ctx.method.parameters.get("messageReplyOption", {}).get("enum", [reply_option]):
        # An integer beyond the enum's numbers: Google's parser refuses it.
        raise invalid_argument(f"Invalid value at 'message_reply_option', {reply_option}", "message_reply_option")
    return store.create_message(
        space.name, sender, body, app_auth=ctx.principal.is_app,
        thread_name=thread_name, thread_key=thread_key,
        reply_option=reply_option,
        request_id=request_id, message_id=message_id, private_viewer=viewer,
    )


def create_message(ctx: ApiContext) -> dict[str, Any]:
    space = _space(ctx, ctx.parent)
    message = _create(ctx, space, ctx.body, message_id=ctx.query.get("messageId") or None,
                      request_id=ctx.query.get("requestId") or None)
    return _message_view(ctx, message)


# -- messages: get and list --------------------------------------------------------------
def get_message(ctx: ApiContext) -> dict[str, Any]:
    return _message_view(ctx, _message_for_read(ctx, ctx.name))


_TIME_CLAUSE = re.compile(r'^create_time\s*(>=|<=|>|<)\s*"([^"]+)"$')
_THREAD_CLAUSE = re.compile(r'^thread\.name\s*=\s*"?(spaces/[^/"\s]+/threads/[^/"\s]+)"?$')


def _message_filter(text: str) -> tuple[list[tuple[str, float]], str | None]:
    """(create_time comparisons, thread name) from ``spaces.messages.list``'s filter."""
    times: list[tuple[str, float]] = []
    thread: str | None = None
    if not text.strip():
        return times, thread

    def invalid(reason: str = "") -> ApiError:
        return invalid_argument(f"Invalid filter: {text}" + (f" ({reason})" if reason else ""), "filter")

    for part in re.split(r"\s+AND\s+", text.strip()):
        part = part.strip()
        time_match = _TIME_CLAUSE.match(part)
        thread_match = _THREAD_CLAUSE.match(part)
        if time_match:
            try:
                times.append((time_match.group(1), parse_rfc3339(time_match.group(2))))
            except ValueError:
                raise invalid("create_time must be an RFC 3339 timestamp in double quotes") from None
        elif thread_match:
            if thread is not None:
                raise invalid("only one thread.name per query")
            thread = thread_match.group(1)
        else:
            raise invalid()
    return times, thread


def _order(text: str) -> bool:
    """True for descending order."""
    normalized = " ".join(text.split()).lower()
    if normalized in ("", "asc", "create_time", "create_time asc"):
        return False
    if normalized in ("desc", "create_time desc"):
        return True
    raise invalid_argument(f"Invalid order by: {text}", "order_by")


def _visible_time(timestamp: float) -> float:
    """A time as clients see it (microseconds), so a filter on a returned createTime is exact."""
    return parse_rfc3339(rfc3339(timestamp))


_COMPARE = {">": float.__gt__, "<": float.__lt__, ">=": float.__ge__, "<=": float.__le__}


def list_messages(ctx: ApiContext) -> dict[str, Any]:
    space = _space(ctx, ctx.parent)
    times, thread = _message_filter(ctx.query.get("filter", ""))
    descending = _order(ctx.query.get("orderBy", ""))
    show_deleted = _flag(ctx, "showDeleted")
    store = _store(ctx)
    messages = [
        m for m in store.messages_in(space.name, viewer=ctx.principal.user_name, show_deleted=show_deleted)
        if (thread is None or m.thread_name == thread)
        and all(_COMPARE[op](_visible_time(m.create_time), moment) for op, moment in times)
        and not (ctx.principal.is_app and m.private_viewer)  # app auth lists public messages only
    ]
    messages.sort(key=lambda m: m.create_time, reverse=descending)
    return ctx.page(messages).body("messages", lambda m: _message_view(ctx, m))


# -- messages: update and delete ---------------------------------------------------------
def _own(ctx: ApiContext, message: StoredMessage) -> None:
    if message.sender != _caller(ctx):
        raise permission_denied(NO_PERMISSION_MESSAGE)


def _update(ctx: ApiContext) -> dict[str, Any]:
    space = _space(ctx, _space_of(ctx.name))
    store = _store(ctx)
    try:
        message = store.find_message(ctx.name)
    except ApiError:
        message = None
    if message is not None and not _visible(ctx, message):
        message = None
    if message is None:
        message_id = ctx.name.split("/messages/", 1)[1]
        if not _flag(ctx, "allowMissing") or not message_id.startswith("client-"):
            raise not_found(NOT_FOUND_MESSAGE)
        # allowMissing with a client-assigned id creates the message; updateMask is ignored.
        created = _create(ctx, space, ctx.body, message_id=message_id, request_id=None)
        return _message_view(ctx, created)
    mask = ctx.update_mask()
    _own(ctx, message)
    if "quotedMessageMetadata" in mask and ctx.body.get("quotedMessageMetadata"):
        raise invalid_argument("quoted_message_metadata can only be removed by an update.", "update_mask")
    store.update_message(message, ctx.body, mask, app_auth=ctx.principal.is_app)
    return _message_view(ctx, message)


def patch_message(ctx: ApiContext) -> dict[str, Any]:
    return _update(ctx)


def update_message(ctx: ApiContext) -> dict[str, Any]:
    return _update(ctx)


def delete_message(ctx: ApiContext) -> dict[str, Any]:
    space = _space(ctx, _space_of(ctx.name))
    store = _store(ctx)
    try:
        message = store.find_message(ctx.name)
    except ApiError:
        raise not_found(NOT_FOUND_MESSAGE) from None
    if not _visible(ctx, message):
        raise not_found(NOT_FOUND_MESSAGE)
    caller = _caller(ctx)
    deletion_type = "CREATOR"
    if message.sender != caller:
        membership = store.membership_of(space.name, caller)
        is_manager = membership is not None and membership.role == "ROLE_MANAGER"
        if ctx.principal.is_app or not is_manager or space.space_type != "SPACE":
            raise permission_denied(NO_PERMISSION_MESSAGE)
        deletion_type = "SPACE_OWNER"  # a space manager removing a member's message
    replies = store.thread_replies(message)
    if ctx.principal.is_app:
        store.delete_message(message, deletion_type)  # force has no effect with app authentication
    else:
        if replies and not _flag(ctx, "force"):
            raise failed_precondition(
                "Message has threaded replies. Set force to true to delete the message and its replies.")
        store.delete_message(message, deletion_type, with_replies=True)
    return {}


def routes(router: ApiRouter) -> None:
    """Serve Chat v1's methods with the handlers above."""
    router.add("chat", {
        "spaces.get": get_space,
        "spaces.members.list": list_members,
        "spaces.members.get": get_member,
        "spaces.messages.create": create_message,
        "spaces.messages.get": get_message,
        "spaces.messages.list": list_messages,
        "spaces.messages.patch": patch_message,
        "spaces.messages.update": update_message,
        "spaces.messages.delete": delete_message,
    })
