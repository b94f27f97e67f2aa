"""In-memory Chat resources: spaces, memberships, threads and messages.

Both ways a message comes to exist go through :meth:`ChatStore.create_message`: the
Chat API's ``spaces.messages.create`` and the app's synchronous answer to an
interaction event. So idempotency (``requestId``), client-assigned ids, threading,
size limits and the card rules are the same for both, as they are in Chat.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import schema
from ..clock import rfc3339
from ..errors import ApiError, already_exists, invalid_argument, not_found, permission_denied

if TYPE_CHECKING:
    from ..state import EmulatorState, User

# ``users/app`` is Chat's alias for the calling app in requests ("users/app can be used as
# an alias for the calling app bot user"); here it is also how the model refers to the app
# internally. What Chat *returns* names the app by its numeric user id like any user
# (``ChatStore.app_user_name``), with type BOT: senders, memberships, annotations, events.
APP_USER = "users/app"
APP_MEMBER_ID = "app"  # spaces/{space}/members/app: the alias of the app's membership
# Who a resource is drawn for: the fields Chat fills differ (see ``ChatStore.user_json``).
APP_VIEW, USER_VIEW, EVENT_VIEW = "app", "user", "event"
MESSAGE_BYTES_LIMIT = 32_000  # Chat refuses larger messages
# Chat's card limit, as GoogleAppsCardV1Card documents it: "If a section's widgets push
# the total count above 100, that entire section and all following sections are ignored"
# (card messages and dialogs alike), silently.
WIDGETS_PER_CARD_LIMIT = 100
SPACE_TYPES = {"SPACE", "GROUP_CHAT", "DIRECT_MESSAGE"}
MAX_REVISIONS_KEPT = 500  # per message: a long-lived card's history stays bounded


@dataclass
class ChatSpace:
    name: str
    display_name: str
    space_type: str
    create_time: float
    single_user_bot_dm: bool = False
    external_user_allowed: bool = False
    app_installed: bool = True
    # Kept by ChatStore as members come and go and messages are posted: Space's
    # output-only membershipCount and lastActiveTime ("Timestamp of the last message").
    joined_humans: int = 0
    last_active_time: float | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": self.name,
            "type": "DM" if self.space_type == "DIRECT_MESSAGE" else "ROOM",
            "spaceType": self.space_type,
            "singleUserBotDm": self.single_user_bot_dm,
            "threaded": self.space_type == "SPACE",
            "spaceThreadingState": "THREADED_MESSAGES" if self.space_type == "SPACE" else "UNTHREADED_MESSAGES",
            "spaceHistoryState": "HISTORY_ON",
            "externalUserAllowed": self.external_user_allowed,
            "createTime": rfc3339(self.create_time),
            "spaceUri": f"https://mail.google.com/chat/u/0/#chat/space/{self.name.split('/', 1)[1]}",
        }
        if self.space_type != "DIRECT_MESSAGE":
            body["displayName"] = self.display_name
        if self.last_active_time is not None:
            body["lastActiveTime"] = rfc3339(self.last_active_time)
        # "Populated when the space_type is SPACE, DIRECT_MESSAGE or GROUP_CHAT" (every
        # type here). The emulator has no Google Groups: joinedGroupCount is 0, which
        # proto3 JSON leaves out, as it leaves out a zero human count.
        counts = {"joinedDirectHumanUserCount": self.joined_humans} if self.joined_humans else {}
        body["membershipCount"] = counts
        return body


@dataclass
class Membership:
    name: str  # spaces/{space}/members/{member}
    member: str  # users/{id}, or APP_USER for the app
    role: str
    create_time: float
    state: str = "JOINED"


@dataclass
class StoredMessage:
    name: str
    space: str
    sender: str  # users/{id}, or APP_USER for the app
    body: dict[str, Any]  # text, cardsV2, accessoryWidgets, fallbackText, ...
    thread_name: str
    thread_key: str | None
    create_time: float
    thread_reply: bool = False
    last_update_time: float | None = None
    private_viewer: str | None = None
    client_assigned_id: str | None = None
    request_id: str | None = None
    delete_time: float | None = None
    deletion_type: str | None = None  # DeletionMetadata.deletionType once deleted
    # As parsed, each user in them ({"name"}) an internal reference (APP_USER for the app),
    # drawn in full as Chat shows it by ``message_json``.
    annotations: list[dict[str, Any]] = field(default_factory=list)
    argument_text: str | None = None
    slash_command: dict[str, Any] | None = None
    action_response: dict[str, Any] | None = None  # kept for the playground (dialogs, REQUEST_CONFIG)
    # Every body the message had, in the order Chat applied them (the control plane's
    # ``?revisions=true``): tests check that a card never went backwards.
    revisions: list[dict[str, Any]] = field(default_factory=list)


def drop_sections_past_widget_limit(card: dict[str, Any]) -> None:
    """Chat's widget limit, in place: the section whose widgets take the card's count past
    ``WIDGETS_PER_CARD_LIMIT`` goes, with every section after it; the sections before stay
    whole (a section is never cut in the middle). The count is of each section's widgets."""
    sections = card.get("sections")
    if not isinstance(sections, list):
        return
    count = 0
    for index, section in enumerate(sections):
        widgets = section.get("widgets") if isinstance(section, dict) else None
        count += len(widgets) if isinstance(widgets, list) else 0
        if count > WIDGETS_PER_CARD_LIMIT:
            del sections[index:]
            return


class ChatStore:
    def __init__(self, state: "EmulatorState") -> None:
        self.state = state
        config = state.config
        self.app_user_name = config.app_user_name  # users/{digits}: the app as Chat names it
        self.app_display_name = config.app_display_name
        self.app_avatar_url = config.app_avatar_url
        self.spaces: dict[str, ChatSpace] = {}
        self.memberships: dict[str, Membership] = {}  # by membership name
        self.messages: dict[str, StoredMessage] = {}  # by name, in creation order
        self.request_ids: dict[tuple[str, str, str], str] = {}  # (space, caller, requestId) -> message name
        self.client_ids: dict[tuple[str, str], str] = {}  # (space, client id) -> message name
        self.thread_keys: dict[tuple[str, str], str] = {}  # (space, key) -> thread name

    # -- spaces and members ----------------------------------------------------------
    def create_space(self, display_name: str, space_type: str, members: list["User"]) -> ChatSpace:
        if space_type not in SPACE_TYPES:
            raise invalid_argument(f"Invalid spaceType {space_type!r}.", "spaceType")
        if space_type == "DIRECT_MESSAGE" and len(members) != 1:
            raise invalid_argument("A direct message with the app has exactly one human member.", "members")
        if space_type != "DIRECT_MESSAGE" and not display_name.strip():
            raise invalid_argument("A space needs a displayName.", "displayName")
        now = self.state.clock.time()
        space = ChatSpace(
            name=f"spaces/{self.state.new_id(11)}",
            display_name=display_name,
            space_type=space_type,
            create_time=now,
            single_user_bot_dm=space_type == "DIRECT_MESSAGE",
        )
        self.spaces[space.name] = space
        for index, user in enumerate(members):
            role = "ROLE_MANAGER" if index == 0 and space_type == "SPACE" else "ROLE_MEMBER"
            self.add_member(space, user.name, role)
        self.add_member(space, APP_USER, "ROLE_MEMBER")
        return space

    def add_member(self, space: ChatSpace, member: str, role: str = "ROLE_MEMBER") -> Membership:
        member = self.internal_member(member)
        membership = Membership(f"{space.name}/members/{self._member_id(member)}", member, role,
                                self.state.clock.time())
        if member != APP_USER and membership.name not in self.memberships:
            space.joined_humans += 1
        self.memberships[membership.name] = membership
        return membership

    def remove_member(self, space: ChatSpace, member: str) -> Membership:
        member = self.internal_member(member)
        membership = self.membership_of(space.name, member)
        if membership is None:
            raise not_found(f"Membership of {member} in {space.name} not found.")
        del self.memberships[membership.name]
        if member == APP_USER:
            space.app_installed = False
        else:
            space.joined_humans -= 1
        return membership

    def get_space(self, name: str) -> ChatSpace:
        space = self.spaces.get(name)
        if space is None:
            raise not_found(f"Space {name} not found.")
        return space

    def members_of(self, space_name: str) -> list[Membership]:
        prefix = space_name + "/members/"
        return [m for m in self.memberships.values() if m.name.startswith(prefix)]

    def membership_of(self, space_name: str, member: str) -> Membership | None:
        member_id = self._member_id(self.internal_member(member))
        return self.memberships.get(f"{space_name}/members/{member_id}")

    def is_member(self, space_name: str, member: str) -> bool:
        return self.membership_of(space_name, member) is not None

    # -- the app's identity ----------------------------------------------------------
    def internal_member(self, name: str) -> str:
        """APP_USER for the app under any of its names (``users/app``, its numeric id)."""
        return APP_USER if name in (APP_USER, self.app_user_name) else name

    @staticmethod
    def _member_id(member: str) -> str:
        return APP_MEMBER_ID if member == APP_USER else member.split("/", 1)[-1]

    def public_membership_name(self, membership: Membership) -> str:
        if membership.member != APP_USER:
            return membership.name
        return membership.name.rsplit("/", 1)[0] + "/" + self.app_user_name.split("/", 1)[1]

    def set_app_identity(self, *, user_id: str | None = None, display_name: str | None = None,
                         avatar_url: str | None = None) -> None:
        """Change how Chat names the app (the control plane's ``POST /_emulator/chat/app``).
        Everything is checked before anything changes."""
        if user_id is not None:
            if not (user_id.isascii() and user_id.isdigit()) or len(user_id) > 40:
                raise invalid_argument("userId must be the app's numeric Chat user id (digits only).", "userId")
            if f"users/{user_id}" in self.state.users:
                raise already_exists(f"users/{user_id} is a person's id.")
        if display_name is not None and not display_name.strip():
            raise invalid_argument("displayName must not be empty.", "displayName")
        if user_id is not None:
            self.app_user_name = f"users/{user_id}"
        if display_name is not None:
            self.app_display_name = display_name
        if avatar_url is not None:
            self.app_avatar_url = avatar_url

    def app_json(self) -> dict[str, Any]:
        return {"name": self.app_user_name, "displayName": self.app_display_name, "type": "BOT",
                "avatarUrl": self.app_avatar_url}

    # -- users as Chat shows them ----------------------------------------------------
    def user_json(self, member: str, *, avatar: bool = False, email: bool = False) -> dict[str, Any]:
        """A ``User`` as Chat shows it. ``avatar``: with ``avatarUrl`` (interaction events, and
        the API with user authentication, as the discovery document's ``User`` says);
        ``email``: with the email (the person of an interaction event and its sender)."""
        if self.internal_member(member) == APP_USER:
            body: dict[str, Any] = {"name": self.app_user_name, "displayName": self.app_display_name, "type": "BOT"}
            if avatar:
                body["avatarUrl"] = self.app_avatar_url
            return body
        user = self.state.find_user(member)
        body = {"name": user.name, "displayName": user.display_name, "type": "HUMAN", "domainId": user.domain}
        if avatar:
            body["avatarUrl"] = user.avatar_url
        if email:
            body["email"] = user.email
        return body

    def membership_json(self, membership: Membership, view: str = APP_VIEW) -> dict[str, Any]:
        return {
            "name": self.public_membership_name(membership),
            "state": membership.state,
            "role": membership.role,
            "member": self.user_json(membership.member, avatar=view != APP_VIEW),
            "createTime": rfc3339(membership.create_time),
        }

    def _annotation_json(self, annotation: dict[str, Any], view: str) -> dict[str, Any]:
        """A stored annotation with its user drawn as Chat shows users (never an email in one)."""
        drawn = json.loads(json.dumps(annotation))
        for holder, key in (("userMention", "user"), ("slashCommand", "bot")):
            inner = drawn.get(holder)
            if isinstance(inner, dict) and isinstance(inner.get(key), dict) and inner[key].get("name"):
                inner[key] = self.user_json(inner[key]["name"], avatar=view != APP_VIEW)
        return drawn

    # -- messages --------------------------------------------------------------------
    def prepare_body(self, body: dict[str, Any], *, app_auth: bool) -> dict[str, Any]:
        """Chat's rules for message content: cards need app auth, size and widget limits."""
        content = {k: v for k, v in body.items() if k in (
            "text", "cardsV2", "cards", "accessoryWidgets", "fallbackText", "attachment", "quotedMessageMetadata")}
        if (content.get("cardsV2") or content.get("cards") or content.get("accessoryWidgets")) and not app_auth:
            raise ApiError(400, "Message cannot have cards for requests carrying human credentials.",
                           "INVALID_ARGUMENT")
        if not any(content.get(k) for k in ("text", "cardsV2", "cards", "attachment")):
            raise invalid_argument("Message cannot be empty. Discarding an empty message.", "message")
        for card in content.get("cardsV2") or []:
            drop_sections_past_widget_limit(card.get("card") or {})
        size = len(json.dumps(content, separators=(",", ":")).encode())
        if size > MESSAGE_BYTES_LIMIT:
            raise invalid_argument(
                f"Message too large: {size} bytes exceeds the limit of {MESSAGE_BYTES_LIMIT} bytes.", "message")
        return content

    def create_message(
        self,
        space_name: str,
        sender: str,
        body: dict[str, Any],
        *,
        app_auth: bool,
        thread_name: str | None = None,
        thread_key: str | None = None,
        reply_option: str = "MESSAGE_REPLY_OPTION_UNSPECIFIED",
        request_id: str | None = None,
        message_id: str | None = None,
        private_viewer: str | None = None,
        annotations: list[dict[str, Any]] | None = None,
        argument_text: str | None = None,
        slash_command: dict[str, Any] | None = None,
    ) -> StoredMessage:
        space = self.get_space(space_name)
        sender = self.internal_member(sender)
        if request_id:
            existing = self.request_ids.get((space_name, sender, request_id))
            if existing:
                return self.messages[existing]  # the same request id returns the same message
        if message_id is not None:
            if not message_id.startswith("client-") or len(message_id) > 63 or not all(
                    c.isalnum() or c == "-" for c in message_id) or message_id != message_id.lower():
                raise invalid_argument(
                    "messageId must begin with 'client-' and contain only lowercase letters, numbers and hyphens "
                    "(at most 63 characters).", "message_id")
            if (space_name, message_id) in self.client_ids:
                raise already_exists(f"Message with client-assigned ID {message_id} already exists.")
        if private_viewer is not None:
            if sender != APP_USER:
                raise permission_denied("Only Chat apps can send private messages.")
            if not self.is_member(space_name, private_viewer):
                raise invalid_argument(f"{private_viewer} is not a member of {space_name}.", "private_message_viewer")
        content = self.prepare_body(body, app_auth=app_auth)
        thread, key, is_reply = self._thread_for(space, thread_name, thread_key, reply_option)
        now = self.state.clock.time()
        message = StoredMessage(
            name=f"{space_name}/messages/{self.state.new_id(11)}.{self.state.new_id(11)}",
            space=space_name,
            sender=sender,
            body=content,
            thread_name=thread,
            thread_key=key,
            create_time=now,
            thread_reply=is_reply,
            private_viewer=private_viewer,
            client_assigned_id=message_id,
            request_id=request_id,
            annotations=annotations or [],
            argument_text=argument_text,
            slash_command=slash_command,
        )
        message.revisions.append(content)
        self.messages[message.name] = message
        space.last_active_time = now
        if request_id:
            self.request_ids[(space_name, sender, request_id)] = message.name
        if message_id:
            self.client_ids[(space_name, message_id)] = message.name
        return message

    def _thread_for(self, space: ChatSpace, thread_name: str | None, thread_key: str | None,
                    reply_option: str) -> tuple[str, str | None, bool]:
        """(thread name, thread key, is a reply) as Chat threads a new message."""
        wants_reply = reply_option in ("REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD", "REPLY_MESSAGE_OR_FAIL")
        if wants_reply and (thread_name or thread_key):
            existing = None
            if thread_name and thread_name.startswith(space.name + "/threads/") and any(
                    m.thread_name == thread_name for m in self.messages.values()):
                existing = thread_name
            elif thread_key:
                existing = self.thread_keys.get((space.name, thread_key))
            if existing:
                return existing, thread_key, True
            if reply_option == "REPLY_MESSAGE_OR_FAIL":
                raise not_found("Thread not found.")
        new_thread = f"{space.name}/threads/{self.state.new_id(11)}"
        key = thread_key if wants_reply else None
        if key:
            self.thread_keys[(space.name, key)] = new_thread
        return new_thread, key, False

    def reply_in_thread(self, thread_name: str) -> bool:
        return any(m.thread_name == thread_name for m in self.messages.values())

    def find_message(self, name: str, *, include_deleted: bool = False) -> StoredMessage:
        """A message by its name or by ``spaces/{space}/messages/client-…``."""
        message = self.messages.get(name)
        if message is None and "/messages/client-" in name:
            space, client_id = name.split("/messages/", 1)
            found = self.client_ids.get((space, client_id))
            message = self.messages.get(found) if found else None
        if message is None or (message.delete_time is not None and not include_deleted):
            raise not_found(f"Message {name} not found.")
        return message

    def thread_replies(self, message: StoredMessage) -> list[StoredMessage]:
        """The live replies in the thread ``message`` starts (none when it is itself a reply)."""
        if message.thread_reply:
            return []
        return [m for m in self.messages.values() if m.thread_name == message.thread_name and m.thread_reply
                and m.delete_time is None and m.name != message.name]

    def delete_message(self, message: StoredMessage, deletion_type: str = "CREATOR", *,
                       with_replies: bool = False) -> list[StoredMessage]:
        """Mark ``message`` (and, when asked, its thread's replies) deleted; Chat keeps a tombstone."""
        now = self.state.clock.time()
        deleted = [message] + (self.thread_replies(message) if with_replies else [])
        for item in deleted:
            item.delete_time = now
            item.deletion_type = deletion_type
        return deleted

    def messages_in(self, space_name: str, *, viewer: str | None = None, include_private: bool = False,
                    show_deleted: bool = False) -> list[StoredMessage]:
        """The space's messages, oldest first; private ones only for their viewer (or all)."""
        found = []
        for message in self.messages.values():
            if message.space != space_name:
                continue
            if message.delete_time is not None and not show_deleted:
                continue
            if message.private_viewer and not include_private and message.private_viewer != viewer:
                continue
            found.append(message)
        return found

    def message_json(self, message: StoredMessage, view: str = APP_VIEW) -> dict[str, Any]:
        """The ``Message`` as Chat shows it to ``view``: APP_VIEW (app authentication and the
        control plane), USER_VIEW (user authentication) or EVENT_VIEW (interaction events)."""
        body: dict[str, Any] = {
            "name": message.name,
            "sender": self.user_json(message.sender, avatar=view != APP_VIEW, email=view == EVENT_VIEW),
            "createTime": rfc3339(message.create_time),
            "thread": {"name": message.thread_name},
            "space": self.get_space(message.space).to_json(),
        }
        if message.thread_key:
            body["thread"]["threadKey"] = message.thread_key
        if message.delete_time is not None:
            body["deleteTime"] = rfc3339(message.delete_time)
            body["deletionMetadata"] = {"deletionType": message.deletion_type or "CREATOR"}
            return body
        body.update(message.body)
        if "text" in message.body:
            body["formattedText"] = message.body["text"]
        if message.last_update_time is not None:
            body["lastUpdateTime"] = rfc3339(message.last_update_time)
        if message.thread_reply:
            body["threadReply"] = True
        if message.private_viewer:
            body["privateMessageViewer"] = {"name": message.private_viewer}
        if message.client_assigned_id:
            body["clientAssignedMessageId"] = message.client_assigned_id
        if message.annotations:
            body["annotations"] = [self._annotation_json(a, view) for a in message.annotations]
        if message.argument_text is not None:
            body["argumentText"] = message.argument_text
        elif "text" in message.body:
            body["argumentText"] = message.body["text"]  # Chat sends it for every text message
        if message.slash_command:
            body["slashCommand"] = message.slash_command
        return body

    def update_message(self, message: StoredMessage, changes: dict[str, Any], mask: list[str], *,
                       app_auth: bool) -> StoredMessage:
        allowed = {"text", "attachment", "cards", "cardsV2", "accessoryWidgets", "quotedMessageMetadata"}
        paths = sorted(allowed) if mask == ["*"] else mask
        unknown = [path for path in paths if path not in allowed]
        if unknown:
            raise invalid_argument(f"Invalid field mask path(s): {', '.join(schema.snake(p) for p in unknown)}.",
                                   "update_mask")
        merged = dict(message.body)
        for path in paths:
            if changes.get(path) in (None, "", []):
                merged.pop(path, None)
            else:
                merged[path] = changes[path]
        message.body = self.prepare_body(merged, app_auth=app_auth)
        message.last_update_time = self.state.clock.time()
        message.revisions.append(message.body)
        del message.revisions[:-MAX_REVISIONS_KEPT]
        return message
