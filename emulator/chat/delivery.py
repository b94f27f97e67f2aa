"""The emulator as Google Chat towards the app: signed delivery of interaction events and
the recording of the app's synchronous answer.

Signing (Google's "Verify requests from Google Chat"):

* audience "project-number": a JWT whose issuer is ``chat@system.gserviceaccount.com``
  and whose audience is the Cloud project number, signed by that service account's key
  (certificates at ``/service_accounts/v1/metadata/x509/chat@system.gserviceaccount.com``);
* audience "endpoint-url": a Google-signed OIDC ID token (issuer
  ``https://accounts.google.com``) whose audience is the endpoint URL and whose
  ``email`` is ``chat@system.gserviceaccount.com`` (``email_verified`` true);
* add-on format: the same kind of ID token, ``email`` being the add-on service agent
  ``service-{project number}@gcp-sa-gsuiteaddons.iam.gserviceaccount.com``, also sent
  in the body as ``authorizationEventObject.systemIdToken``.

The answer is read as Chat reads it: within the deadline (30 s by default; later answers
are dropped), 2xx, JSON. Classic answers are a ``Message`` (``actionResponse.type``
NEW_MESSAGE, UPDATE_MESSAGE, UPDATE_USER_MESSAGE_CARDS, REQUEST_CONFIG, DIALOG);
add-on answers are ``hostAppDataAction.chatDataAction.{create,update}MessageAction``,
``action.navigations`` (``pushCard``/``updateCard`` open a dialog, ``endNavigation``
closes it) or ``basicAuthorizationPrompt``. Both are validated against the Chat
discovery schemas, so an unknown field is reported like ``messages.create`` reports it.

``state.lock`` is never held while the app is being waited for: the app calls the
emulator's APIs back while it handles an event.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import requests

from .. import schema
from ..errors import ApiError, error_info
from ..signing import GOOGLE_SIGNER
from . import interactions
from .interactions import CARD_CLICKED, MESSAGE, REMOVED_FROM_SPACE, EventInput
from .model import APP_USER, StoredMessage, drop_sections_past_widget_limit

if TYPE_CHECKING:
    from ..state import EmulatorState, User

log = logging.getLogger(__name__)

CHAT_ISSUER = "chat@system.gserviceaccount.com"
GOOGLE_ISSUER = "https://accounts.google.com"
# The numeric id Google ID tokens carry as ``sub``/``azp`` for Chat's service account.
CHAT_SERVICE_ACCOUNT_ID = "113614745425117925126"
TOKEN_LIFETIME = 3600
USER_AGENT = "Google-Dynamite"

ADDON_RESPONSE_KEYS = {"hostAppDataAction", "action", "renderActions", "basicAuthorizationPrompt"}


def addon_service_account(project_number: str) -> str:
    return f"service-{project_number}@gcp-sa-gsuiteaddons.iam.gserviceaccount.com"


# -- signing ------------------------------------------------------------------------------
def bearer_token(state: "EmulatorState", endpoint: str) -> str:
    """The token Chat puts in ``Authorization: Bearer …`` for a request to ``endpoint``."""
    config = state.config
    now = int(time.time())  # real time: verifiers check it against their own clock
    if config.event_format == "addon":
        email = addon_service_account(config.project_number)
        return state.keys.key_for(GOOGLE_SIGNER).sign({
            "iss": GOOGLE_ISSUER, "aud": config.chat_audience_url or endpoint, "azp": CHAT_SERVICE_ACCOUNT_ID,
            "sub": CHAT_SERVICE_ACCOUNT_ID, "email": email, "email_verified": True, "iat": now,
            "exp": now + TOKEN_LIFETIME,
        })
    if config.chat_audience == "endpoint-url":
        return state.keys.key_for(GOOGLE_SIGNER).sign({
            "iss": GOOGLE_ISSUER, "aud": config.chat_audience_url or endpoint, "azp": CHAT_SERVICE_ACCOUNT_ID,
            "sub": CHAT_SERVICE_ACCOUNT_ID, "email": CHAT_ISSUER, "email_verified": True, "iat": now,
            "exp": now + TOKEN_LIFETIME,
        })
    return state.keys.key_for(CHAT_ISSUER).sign({
        "iss": CHAT_ISSUER, "aud": config.project_number, "iat": now, "exp": now + TOKEN_LIFETIME,
    })


# -- bookkeeping kept beside the Chat model (emptied with it on reset) -------------------------
@dataclass
class Delivery:
    id: int
    kind: str
    url: str
    event: dict[str, Any]
    http_status: int | None = None
    answer: Any = None
    outcome: str = "pending"  # recorded | none | ignored | error
    error: dict[str, Any] | None = None
    reply: Any = None
    elapsed_ms: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "eventType": self.kind, "url": self.url, "event": self.event,
                "httpStatus": self.http_status, "answer": self.answer, "outcome": self.outcome,
                "error": self.error, "reply": self.reply, "elapsedMs": self.elapsed_ms}


@dataclass
class OpenDialog:
    space: str
    message: str | None
    thread: str | None
    card: dict[str, Any] = field(default_factory=dict)


def _extras(state: "EmulatorState") -> dict[str, Any]:
    store = state.chat.__dict__
    if "_delivery_extras" not in store:
        store["_delivery_extras"] = {"deliveries": [], "dialogs": {}}
    return store["_delivery_extras"]


def deliveries(state: "EmulatorState") -> list[Delivery]:
    return _extras(state)["deliveries"]


def open_dialogs(state: "EmulatorState") -> dict[str, OpenDialog]:
    """The dialog each user has open, by user name."""
    return _extras(state)["dialogs"]


# -- configuration completion ("configCompleteRedirectUrl") ---------------------------------------
def config_complete_url(state: "EmulatorState", base_url: str, space: str, user: str,
                        message: str | None) -> str:
    token = state.seal("|".join(["cc", space, user, message or ""]))
    return f"{base_url.rstrip('/')}/_emulator/chat/config-complete?token={quote(token)}"


def read_config_complete_token(state: "EmulatorState", token: str) -> tuple[str, str, str | None] | None:
    payload = state.unseal(token)
    if payload is None:
        return None
    parts = payload.split("|")
    if len(parts) != 4 or parts[0] != "cc":
        return None
    return parts[1], parts[2], parts[3] or None


# -- delivery -------------------------------------------------------------------------------
def _target(state: "EmulatorState", spec: EventInput) -> str | None:
    """Where the event goes: the app URL, or for an HTTP add-on a button's own endpoint URL."""
    if state.config.event_format == "addon" and spec.function and spec.function.startswith(("http://", "https://")):
        return spec.function
    return state.config.app_url


def deliver(state: "EmulatorState", spec: EventInput) -> Any:
    """Send one interaction event and record the app's answer; the answer as recorded.

    Call without ``state.lock``: it is taken only to read and write the model.
    """
    with state.lock:
        url = _target(state, spec)
        if not url:
            return None
        event = interactions.build_event(state, spec)
        extras = _extras(state)
        record = Delivery(id=len(extras["deliveries"]) + 1, kind=spec.kind, url=url, event=event)
        extras["deliveries"].append(record)
        messages_before = len(state.chat.messages)
    token = bearer_token(state, url)
    if state.config.event_format == "addon":
        event["authorizationEventObject"] = {"systemIdToken": token}
    deadline = state.config.chat_deadline_seconds
    started = time.monotonic()
    failure: ApiError | None = None
    answer: Any = None
    try:
        response = requests.post(
            url, data=json.dumps(event), timeout=(min(deadline, 10.0), deadline),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                     "User-Agent": USER_AGENT})
        elapsed = time.monotonic() - started
        record.http_status = response.status_code
        if elapsed > deadline:
            failure = _not_responding(state, f"no answer within {deadline:g} s; the late answer is dropped",
                                      504, "DEADLINE_EXCEEDED", "DEADLINE_EXCEEDED")
        elif not 200 <= response.status_code < 300:
            failure = _not_responding(state, f"the app answered HTTP {response.status_code}", 502, "UNAVAILABLE",
                                      "APP_HTTP_ERROR", httpStatus=str(response.status_code))
        elif response.content.strip():
            try:
                answer = response.json()
            except ValueError:
                failure = _not_responding(state, "the app's answer is not JSON", 502, "UNAVAILABLE",
                                          "APP_ANSWER_UNPARSEABLE")
            else:
                record.answer = answer
    except requests.Timeout:
        failure = _not_responding(state, f"no answer within {deadline:g} s; the late answer is dropped", 504,
                                  "DEADLINE_EXCEEDED", "DEADLINE_EXCEEDED")
    except requests.RequestException as error:
        failure = _not_responding(state, f"could not reach the app ({type(error).__name__})", 503, "UNAVAILABLE",
                                  "APP_UNREACHABLE")
    record.elapsed_ms = int((time.monotonic() - started) * 1000)

    with state.lock:
        if failure is None:
            try:
                record.reply = _record_answer(state, spec, answer)
                record.outcome = "none" if record.reply is None else "recorded"
                if record.reply is None and spec.kind != REMOVED_FROM_SPACE:
                    record.reply = _posted_while_handling(state, spec, messages_before)
                    record.outcome = "none" if record.reply is None else "posted-via-api"
                if spec.kind == REMOVED_FROM_SPACE:
                    record.outcome = "ignored"
            except ApiError as error:
                failure = error
        if failure is not None:
            record.outcome = "error"
            record.error = failure.to_json()
            record.reply = record.error
            log.info("chat event %s: %s", spec.kind, failure.message)
        return record.reply


def _posted_while_handling(state: "EmulatorState", spec: EventInput, messages_before: int) -> Any:
    """The first message the app posted into the space through the Chat API while it was
    handling the event, when its synchronous answer was empty.

    Not something Chat reports: a convenience of the control plane, so ``reply`` shows
    what the person saw appear, whether the app answered synchronously or (as an app
    must, to edit its message later) through ``spaces.messages.create``.
    """
    for message in list(state.chat.messages.values())[messages_before:]:
        if message.space == spec.space.name and message.sender == APP_USER:
            return state.chat.message_json(message)
    return None


def _not_responding(state: "EmulatorState", why: str, code: int, status: str, reason: str,
                    **metadata: str) -> ApiError:
    # What the person sees in Chat: "<app> not responding".
    return ApiError(code, f"{state.chat.app_display_name} not responding: {why}.", status,
                    details=[error_info(reason, "chat.googleapis.com", **metadata)])


def invalid_answer(message: str, field_path: str | None = None) -> ApiError:
    details = [error_info("INVALID_APP_RESPONSE", "chat.googleapis.com")]
    if field_path:
        details.append({"@type": "type.googleapis.com/google.rpc.BadRequest",
                        "fieldViolations": [{"field": field_path, "description": message}]})
    return ApiError(400, message, "INVALID_ARGUMENT", details=details)


# -- reading the answer --------------------------------------------------------------------------
def _record_answer(state: "EmulatorState", spec: EventInput, answer: Any) -> Any:
    if answer is None:
        return None
    if not isinstance(answer, dict):
        raise invalid_answer("The app's answer must be a JSON object.")
    if spec.kind == REMOVED_FROM_SPACE:
        return None  # the app is gone: Chat ignores whatever it says
    if state.config.event_format == "addon":
        return _record_addon_answer(state, spec, answer)
    return _record_classic_answer(state, spec, answer)


def _parse_message(body: Any, root: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise invalid_answer(f"Invalid value at '{root}', expected a Message object.", root)
    return schema.parse_request("chat", "Message", body, root)


def _record_classic_answer(state: "EmulatorState", spec: EventInput, answer: dict[str, Any]) -> Any:
    message = _parse_message(answer, "message")
    action = message.get("actionResponse") or {}
    kind = action.get("type", "TYPE_UNSPECIFIED")
    if kind == "REQUEST_CONFIG":
        if not action.get("url"):
            raise invalid_answer("A REQUEST_CONFIG answer needs actionResponse.url.", "message.action_response.url")
        return _request_config(state, spec, action["url"], {"type": "REQUEST_CONFIG", "url": action["url"]})
    if kind == "DIALOG":
        return _dialog(state, spec, action.get("dialogAction") or {})
    if kind == "UPDATE_WIDGET":
        raise invalid_answer("UPDATE_WIDGET answers only apply to WIDGET_UPDATED events.",
                             "message.action_response.type")
    if kind == "UPDATE_MESSAGE":
        return _update_app_message(state, spec, message)
    if kind == "UPDATE_USER_MESSAGE_CARDS":
        return _update_user_message_cards(state, spec, message)
    return _new_message(state, spec, message)  # NEW_MESSAGE, or TYPE_UNSPECIFIED handled as NEW_MESSAGE


def _record_addon_answer(state: "EmulatorState", spec: EventInput, answer: dict[str, Any]) -> Any:
    normal = {schema.camel(key): value for key, value in answer.items()}
    unknown = [key for key in normal if key not in ADDON_RESPONSE_KEYS]
    if unknown:
        raise invalid_answer(f'Invalid JSON payload received. Unknown name "{unknown[0]}": Cannot find field.',
                             schema.snake(unknown[0]))
    render = normal.get("renderActions")
    if isinstance(render, dict):
        normal.setdefault("action", render.get("action"))
        normal.setdefault("hostAppDataAction", render.get("hostAppAction") or render.get("hostAppDataAction"))
    prompt = normal.get("basicAuthorizationPrompt")
    if prompt is not None:
        prompt = {schema.camel(k): v for k, v in prompt.items()} if isinstance(prompt, dict) else {}
        url = prompt.get("authorizationUrl")
        if not isinstance(url, str) or not url:
            raise invalid_answer("basicAuthorizationPrompt needs an authorizationUrl.",
                                 "basic_authorization_prompt.authorization_url")
        return _request_config(state, spec, url, {"type": "REQUEST_CONFIG", "url": url,
                                                  "resource": prompt.get("resource")})
    data = normal.get("hostAppDataAction")
    if data is not None:
        chat_action = _camel_dict(_camel_dict(data, "host_app_data_action").get("chatDataAction"),
                                  "host_app_data_action.chat_data_action")
        if "createMessageAction" in chat_action:
            root = "host_app_data_action.chat_data_action.create_message_action.message"
            create = _camel_dict(chat_action["createMessageAction"], root.rsplit(".", 1)[0])
            return _new_message(state, spec, _parse_message(create.get("message"), root))
        if "updateMessageAction" in chat_action:
            root = "host_app_data_action.chat_data_action.update_message_action.message"
            update = _camel_dict(chat_action["updateMessageAction"], root.rsplit(".", 1)[0])
            message = _parse_message(update.get("message"), root)
            target = spec.message
            if target is not None and target.sender != APP_USER:
                return _update_user_message_cards(state, spec, message)
            return _update_app_message(state, spec, message)
        raise invalid_answer("chatDataAction needs createMessageAction or updateMessageAction.",
                             "host_app_data_action.chat_data_action")
    action = normal.get("action")
    if action is not None:
        action = _camel_dict(action, "action")
        navigations = action.get("navigations") or []
        if not isinstance(navigations, list):
            raise invalid_answer("action.navigations must be a list.", "action.navigations")
        for index, navigation in enumerate(navigations):
            navigation = _camel_dict(navigation, f"action.navigations[{index}]")
            card = navigation.get("pushCard") or navigation.get("updateCard")
            if card is not None:
                where = f"action.navigations[{index}].{'push_card' if 'pushCard' in navigation else 'update_card'}"
                body = schema.parse_request("chat", "GoogleAppsCardV1Card", card, where)
                reply = _dialog(state, spec, {"dialog": {"body": body}})
                if action.get("notification"):
                    reply["notification"] = action["notification"]
                return reply
            if "endNavigation" in navigation or "popToRoot" in navigation or "pop" in navigation:
                reply = _dialog(state, spec, {"actionStatus": {"statusCode": "OK"}})
                if action.get("notification"):
                    reply["notification"] = action["notification"]
                return reply
        if action.get("notification"):
            return {"notification": action["notification"]}
        return None
    return None


def _camel_dict(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid_answer(f"Invalid value at '{where}', expected an object.", where)
    return {schema.camel(key): item for key, item in value.items()}


# -- what an answer becomes ------------------------------------------------------------------------
def _person(spec: EventInput) -> User:
    """Who the answered event came from. Only removals name nobody, and Chat ignores
    their answers (``_record_answer``), so an answer always has someone to go to."""
    if spec.user is None:
        raise invalid_answer("An event without a user cannot be answered.")
    return spec.user


def _thread_of_trigger(state: "EmulatorState", spec: EventInput) -> str | None:
    """The thread an answer goes to: the triggering message's (or the dialog's origin's)."""
    if spec.message is not None:
        return spec.message.thread_name
    dialog = open_dialogs(state).get(_person(spec).name)
    if spec.dialog_event_type and dialog is not None and dialog.space == spec.space.name:
        return dialog.thread
    return None


def _new_message(state: "EmulatorState", spec: EventInput, message: dict[str, Any]) -> Any:
    chat = state.chat
    content_keys = ("text", "cardsV2", "cards", "attachment")
    if not any(message.get(key) for key in content_keys):
        if spec.dialog_event_type in (interactions.SUBMIT_DIALOG, interactions.CANCEL_DIALOG):
            open_dialogs(state).pop(_person(spec).name, None)
        return None  # "{}": the app chose not to answer
    if not spec.space.app_installed:
        raise invalid_answer("The app is not a member of this space.")
    private_viewer = None
    viewer = message.get("privateMessageViewer")
    if isinstance(viewer, dict) and viewer.get("name"):
        private_viewer = state.find_user(viewer["name"]).name
    thread = _thread_of_trigger(state, spec)
    stored = chat.create_message(
        spec.space.name, APP_USER, message, app_auth=True,
        thread_name=thread, reply_option="REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD" if thread else
        "MESSAGE_REPLY_OPTION_UNSPECIFIED", private_viewer=private_viewer)
    if spec.dialog_event_type in (interactions.SUBMIT_DIALOG, interactions.CANCEL_DIALOG):
        open_dialogs(state).pop(_person(spec).name, None)  # a message answer closes the dialog
    return chat.message_json(stored)


def _update_app_message(state: "EmulatorState", spec: EventInput, message: dict[str, Any]) -> Any:
    target = spec.message
    if spec.kind != CARD_CLICKED or target is None or target.sender != APP_USER:
        raise invalid_answer("UPDATE_MESSAGE is only permitted on a CARD_CLICKED event on a message the app sent.",
                             "message.action_response.type")
    changes = {key: message.get(key) for key in ("text", "cardsV2", "cards", "accessoryWidgets")}
    state.chat.update_message(target, changes, ["text", "cardsV2", "cards", "accessoryWidgets"], app_auth=True)
    return state.chat.message_json(target)


def _update_user_message_cards(state: "EmulatorState", spec: EventInput, message: dict[str, Any]) -> Any:
    target = spec.message
    if spec.kind != CARD_CLICKED or target is None or target.sender == APP_USER:
        raise invalid_answer(
            "UPDATE_USER_MESSAGE_CARDS is only permitted on a CARD_CLICKED event on a person's message "
            "(or a MESSAGE event with a matched URL).", "message.action_response.type")
    state.chat.update_message(target, {"cardsV2": message.get("cardsV2"), "cards": message.get("cards")},
                              ["cardsV2", "cards"], app_auth=True)  # text is ignored
    return state.chat.message_json(target)


def _request_config(state: "EmulatorState", spec: EventInput, url: str, action: dict[str, Any]) -> Any:
    """A private prompt to the user; the triggering message stays private until configured."""
    chat = state.chat
    thread = _thread_of_trigger(state, spec)
    text = f"{chat.app_display_name} needs your permission to respond. Configure: {url}"
    stored = chat.create_message(
        spec.space.name, APP_USER, {"text": text}, app_auth=True, thread_name=thread,
        reply_option="REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD" if thread else "MESSAGE_REPLY_OPTION_UNSPECIFIED",
        private_viewer=_person(spec).name)
    stored.action_response = {k: v for k, v in action.items() if v is not None}
    if (spec.kind in (MESSAGE, interactions.ADDED_TO_SPACE) and spec.message is not None
            and spec.message.sender == _person(spec).name):
        # "Convert the original message to public" happens only once configuration completes.
        spec.message.private_viewer = _person(spec).name
    reply = chat.message_json(stored)
    reply["actionResponse"] = {"type": "REQUEST_CONFIG", "url": url}
    return reply


def _dialog(state: "EmulatorState", spec: EventInput, dialog_action: dict[str, Any]) -> Any:
    if not (spec.dialog_event_type or spec.is_command):
        raise invalid_answer("A DIALOG answer is only permitted on a dialog interaction (a button with "
                             "interaction OPEN_DIALOG, a dialog submission) or a slash command.",
                             "message.action_response.type")
    dialogs = open_dialogs(state)
    if "dialog" in dialog_action:
        body = (dialog_action.get("dialog") or {}).get("body")
        if not body:
            raise invalid_answer("A dialog needs a body card.", "message.action_response.dialog_action.dialog.body")
        drop_sections_past_widget_limit(body)  # the limit applies to dialogs too
        previous = dialogs.get(_person(spec).name)
        origin = spec.message or (state.chat.messages.get(previous.message) if previous and previous.message else None)
        dialogs[_person(spec).name] = OpenDialog(
            space=spec.space.name, message=origin.name if origin else None,
            thread=origin.thread_name if origin else (previous.thread if previous else None), card=body)
    elif ((dialog_action.get("actionStatus") or {}).get("statusCode") or "OK") == "OK":
        dialogs.pop(_person(spec).name, None)  # closed (with a message shown, if it gave one)
    # else: a refusal ("statusCode": "INVALID_ARGUMENT" and a userFacingMessage) leaves the
    # dialog open, showing the message, as Chat does: the person corrects the form
    return {"actionResponse": {"type": "DIALOG", "dialogAction": dialog_action}}


def complete_configuration(state: "EmulatorState", space_name: str, user_name: str,
                           message_name: str | None) -> StoredMessage | None:
    """Visiting configCompleteRedirectUrl: erase the prompts, make the message public.

    Returns the message to dispatch a second time (None if there is none). Call with the lock held.
    """
    chat = state.chat
    for name, stored in list(chat.messages.items()):
        if stored.space == space_name and stored.sender == APP_USER and stored.private_viewer == user_name and (
                (stored.action_response or {}).get("type") == "REQUEST_CONFIG"):
            del chat.messages[name]
    if not message_name:
        return None
    original = chat.messages.get(message_name)
    if original is None or original.delete_time is not None:
        return None
    if original.private_viewer == user_name and original.sender == user_name:
        original.private_viewer = None
    return original
