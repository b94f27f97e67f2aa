"""What a handler answers, independent of the event format, and how each format says it.

Handlers return one of the reply values below; :func:`render` writes it as the
synchronous HTTP answer in the format of the event being answered:

==================  ==============================================  ===============================================
reply               classic interaction event                       Workspace add-on event
==================  ==============================================  ===============================================
NewMessage          the Message JSON (``privateMessageViewer`` to    ``hostAppDataAction.chatDataAction.
                    show it only to one user)                       createMessageAction.message``
UpdateMessage       Message JSON with ``actionResponse.type``        ``…chatDataAction.updateMessageAction.message``
                    UPDATE_MESSAGE
RequestConfig       ``actionResponse.type`` REQUEST_CONFIG + url     ``basicAuthorizationPrompt`` with the url
OpenDialog          ``actionResponse.type`` DIALOG + dialog body     ``action.navigations[].pushCard``
CloseDialog         DIALOG with ``actionStatus``                     ``action.navigations[].endNavigation`` +
                                                                    ``notification``
DialogError         DIALOG with ``actionStatus`` (an error code and  ``action.navigations[].updateCard`` (the
                    ``userFacingMessage``) and, to keep the dialog   dialog redrawn) + ``notification``
                    open showing the error, the redrawn dialog
NoReply             ``{}``                                           ``{}``
==================  ==============================================  ===============================================

Cards in add-on answers have their buttons reshaped for add-ons (the endpoint URL as
``function``, the action's name as the ``action`` parameter: ``cards.buttons``), so
handlers build every card one way whatever the format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union

from cards.buttons import shape_actions

from .chat_events import ChatEvent, EventFormat


@dataclass(frozen=True)
class NewMessage:
    body: dict[str, Any]  # Message JSON: text, cardsV2, …
    private_to: str | None = None  # users/{id}: visible only to them


@dataclass(frozen=True)
class UpdateMessage:
    body: dict[str, Any]


@dataclass(frozen=True)
class RequestConfig:
    url: str
    resource: str = ""  # add-on prompt: what the user is connecting


@dataclass(frozen=True)
class OpenDialog:
    card: dict[str, Any]  # GoogleAppsCardV1Card


@dataclass(frozen=True)
class CloseDialog:
    notification: str | None = None


@dataclass(frozen=True)
class DialogError:
    """A dialog request or submission refused: ``message`` says why. With ``card`` the
    dialog stays open, redrawn (showing the error and what the person entered)."""

    message: str
    card: dict[str, Any] | None = None
    status_code: str = "INVALID_ARGUMENT"  # google.rpc.Code name, as ActionStatus takes it


@dataclass(frozen=True)
class NoReply:
    pass


Reply = Union[NewMessage, UpdateMessage, RequestConfig, OpenDialog, CloseDialog, DialogError, NoReply]


def _with_viewer(body: dict[str, Any], private_to: str | None) -> dict[str, Any]:
    return {**body, "privateMessageViewer": {"name": private_to}} if private_to else dict(body)


def render(reply: Reply, event: ChatEvent | None, *, endpoint_url: str | None = None) -> dict[str, Any]:
    """The JSON body answering ``event`` (classic format when the event is unknown).

    ``endpoint_url`` is the app's public ``POST /`` URL, which add-on buttons must name.
    """
    if event is not None and event.format is EventFormat.ADDON:
        return shape_actions(_render_addon(reply), event_format=EventFormat.ADDON.value, endpoint_url=endpoint_url)
    return _render_classic(reply)


def _render_classic(reply: Reply) -> dict[str, Any]:
    if isinstance(reply, NewMessage):
        return _with_viewer(reply.body, reply.private_to)
    if isinstance(reply, UpdateMessage):
        return {**reply.body, "actionResponse": {"type": "UPDATE_MESSAGE"}}
    if isinstance(reply, RequestConfig):
        return {"actionResponse": {"type": "REQUEST_CONFIG", "url": reply.url}}
    if isinstance(reply, OpenDialog):
        return {"actionResponse": {"type": "DIALOG", "dialogAction": {"dialog": {"body": reply.card}}}}
    if isinstance(reply, CloseDialog):
        status: dict[str, Any] = {"statusCode": "OK"}
        if reply.notification:
            status["userFacingMessage"] = reply.notification
        return {"actionResponse": {"type": "DIALOG", "dialogAction": {"actionStatus": status}}}
    if isinstance(reply, DialogError):
        dialog_action: dict[str, Any] = {"actionStatus": {"statusCode": reply.status_code,
                                                          "userFacingMessage": reply.message}}
        if reply.card is not None:
            dialog_action["dialog"] = {"body": reply.card}
        return {"actionResponse": {"type": "DIALOG", "dialogAction": dialog_action}}
    return {}


def _render_addon(reply: Reply) -> dict[str, Any]:
    if isinstance(reply, NewMessage):
        message = _with_viewer(reply.body, reply.private_to)
        return {"hostAppDataAction": {"chatDataAction": {"createMessageAction": {"message": message}}}}
    if isinstance(reply, UpdateMessage):
        return {"hostAppDataAction": {"chatDataAction": {"updateMessageAction": {"message": reply.body}}}}
    if isinstance(reply, RequestConfig):
        return {"basicAuthorizationPrompt": {"authorizationUrl": reply.url, "resource": reply.resource}}
    if isinstance(reply, OpenDialog):
        return {"action": {"navigations": [{"pushCard": reply.card}]}}
    if isinstance(reply, CloseDialog):
        action: dict[str, Any] = {"navigations": [{"endNavigation": {"action": "CLOSE_DIALOG"}}]}
        if reply.notification:
            action["notification"] = {"text": reply.notification}
        return {"action": action}
    if isinstance(reply, DialogError):
        refused: dict[str, Any] = {"notification": {"text": reply.message}}
        if reply.card is not None:
            refused["navigations"] = [{"updateCard": reply.card}]
        return {"action": refused}
    return {}
