"""The Chat API v1 with app authentication, through google-apps-chat (REST transport).

The app posts and edits its own messages as itself (service account, ``chat.bot``):
that is the only authentication under which Chat accepts cards. Every write to a space
takes the space's next turn first (:mod:`.pacing`, Chat's 1 write per second per space),
and a quota refusal is retried after a turn, within the call's budget.
"""

from __future__ import annotations

import json
from typing import Any, Callable

import google.auth
from google.apps import chat_v1
from google.auth.credentials import Credentials
from google.protobuf import field_mask_pb2, json_format

from ..retry import attempt_timeout
from .credentials import ServiceAccounts, google_service_accounts
from .errors import FailureKind, GoogleApiError, call_with_retries, classify
from .pacing import SpaceWritePacer, space_of
from .resources import ChatMembership, ChatMessage, parse_membership

CHAT_BOT_SCOPE = "https://www.googleapis.com/auth/chat.bot"


def app_credentials(key_file: str | None, scopes: tuple[str, ...] = (CHAT_BOT_SCOPE,), *,
                    service_accounts: ServiceAccounts | None = None) -> Credentials:
    """The app's own credentials (its service account, never a user's) for ``scopes``: a key
    file when given (built by ``service_accounts``), else Application Default Credentials."""
    if key_file:
        with open(key_file, encoding="utf-8") as handle:
            info = json.load(handle)
        return (service_accounts or google_service_accounts())(info, scopes)
    credentials, _ = google.auth.default(scopes=list(scopes))
    return credentials


def _to_dict(message: Any) -> dict[str, Any]:
    return json.loads(type(message).to_json(message, use_integers_for_enums=False, indent=None))


def _written(message: chat_v1.Message) -> ChatMessage:
    """What Chat answered a post or an edit with: the message's name and thread, read from
    the answer's fields. Turning the whole answer into JSON first would convert the cards
    just sent, echoed back (a join card's or a summary's widgets), from protobuf: most of
    the app's own CPU in posting one, for two strings."""
    return ChatMessage(message.name, message.thread.name or None)


# A post or an edit asks Chat to answer with only what ``_written`` reads (the system
# parameter every Google API takes, as a header), not the whole message echoed back: the
# client library would otherwise parse every widget of the card just sent into protobuf.
_WRITTEN_FIELDS = (("x-goog-fieldmask", "name,thread.name"),)


def _message(body: dict[str, Any]) -> chat_v1.Message:
    """A ``Message`` body (JSON as the API takes it) as the client's protobuf message,
    converted straight from the dict (``Message.from_json`` would serialise it and parse
    the text again). Unknown fields are refused, as ``from_json`` does."""
    message = chat_v1.Message()
    json_format.ParseDict(body, chat_v1.Message.pb(message))
    return message


class ChatGateway:
    def __init__(self, credentials: Credentials, endpoint: str | None = None, *, timeout_seconds: float = 8.0,
                 budget_seconds: float = 20.0, sleep: Callable[[float], None] | None = None,
                 pacer: SpaceWritePacer | None = None) -> None:
        options = {"api_endpoint": endpoint} if endpoint else None
        self._client = chat_v1.ChatServiceClient(credentials=credentials, transport="rest", client_options=options)
        self._timeout = timeout_seconds
        self._budget = budget_seconds
        self._sleep = sleep
        self.pacer = pacer or SpaceWritePacer()

    def _call(self, attempt: Callable[[], Any], convert: Callable[[Any], Any] = _to_dict) -> Any:
        return call_with_retries(lambda: convert(attempt()), budget_seconds=self._budget, sleep=self._sleep)

    def _write(self, space: str, attempt: Callable[[], Any]) -> ChatMessage:
        """A write to ``space``: each attempt in the space's turn; a quota refusal moves the
        space's next turn on, so the retry (``call_with_retries``) waits for it."""
        failures: list[GoogleApiError] = []

        def paced() -> Any:
            try:
                turn, _ = self.pacer.take_turn(space)
            except GoogleApiError:
                if failures:  # a retry with no time left for its turn: Chat's own answer stands
                    raise failures[-1] from None
                raise
            try:
                written = attempt()
                self.pacer.finished(space)  # counted by Chat for sure: the next waits a full window
                return written
            except Exception as error:  # noqa: BLE001 - classified, then raised as it was
                failure = classify(error)
                failures.append(failure)
                if failure.kind is FailureKind.QUOTA:
                    self.pacer.refused(space, failure.retry_after)
                elif failure.kind is not FailureKind.TIMEOUT:  # a timed-out write may have landed
                    self.pacer.give_back(space, turn)
                if failure is error:
                    raise
                raise failure from error

        written: ChatMessage = self._call(paced, convert=_written)
        return written

    def create_message(self, space: str, body: dict[str, Any], *, thread_name: str | None = None,
                       message_id: str | None = None, request_id: str | None = None) -> ChatMessage:
        """Post a message; with ``request_id`` a retried post never makes a second message."""
        message = _message(body)
        option = chat_v1.CreateMessageRequest.MessageReplyOption.MESSAGE_REPLY_OPTION_UNSPECIFIED
        if thread_name:
            message.thread = chat_v1.Thread(name=thread_name)
            option = chat_v1.CreateMessageRequest.MessageReplyOption.REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD
        request = chat_v1.CreateMessageRequest(parent=space, message=message, message_reply_option=option,
                                               message_id=message_id or "", request_id=request_id or "")
        return self._write(space, lambda: self._client.create_message(request=request, retry=None,
                                                                      timeout=attempt_timeout(self._timeout),
                                                                      metadata=_WRITTEN_FIELDS))

    def update_message(self, name: str, body: dict[str, Any], fields: list[str]) -> ChatMessage:
        message = _message({**body, "name": name})
        request = chat_v1.UpdateMessageRequest(message=message, update_mask=field_mask_pb2.FieldMask(paths=fields))
        return self._write(space_of(name), lambda: self._client.update_message(
            request=request, retry=None, timeout=attempt_timeout(self._timeout), metadata=_WRITTEN_FIELDS))

    def human_members(self, space: str) -> list[ChatMembership]:
        """The space's people, every page (with app auth Chat lists human members only)."""
        def fetch() -> list[ChatMembership]:
            request = chat_v1.ListMembershipsRequest(parent=space, page_size=1000)
            pager = self._client.list_memberships(request=request, retry=None,
                                                  timeout=attempt_timeout(self._timeout))
            return [parse_membership(_to_dict(membership)) for membership in pager]  # iterating fetches every page

        return self._call(fetch, convert=lambda found: found)
