"""The control plane's core: users, clock, faults, call log, reset, service accounts.

JSON in, JSON out, no token needed: this is how tests and the playground play the
people and the passing of time. Meet- and Chat-specific calls live beside their APIs
(``emulator/meet/control.py``, ``emulator/chat/control.py``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, request

from .api import json_response
from .clock import rfc3339
from .errors import ApiError, invalid_argument
from .state import EmulatorState, Fault


def state() -> EmulatorState:
    return current_app.extensions["emulator"]


def json_body(*required: str) -> dict[str, Any]:
    """The request's JSON object, with a Google-shaped 400 for anything else."""
    body = request.get_json(silent=True, force=True)
    if body is None and not request.get_data().strip():
        body = {}
    if not isinstance(body, dict):
        raise invalid_argument("The request body must be a JSON object.")
    missing = [name for name in required if body.get(name) in (None, "")]
    if missing:
        raise invalid_argument(f"Missing required field(s): {', '.join(missing)}.", missing[0])
    return body


def typed(body: dict[str, Any], key: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
    value = body.get(key, default)
    if value is not None and not isinstance(value, kind) or isinstance(value, bool) and kind in (int, float, (int, float)):
        raise invalid_argument(f"Field '{key}' has the wrong type.", key)
    return value


def create_user() -> Response:
    body = json_body("email")
    # timeZone (IANA id, default UTC) and locale (BCP-47, default "en") are what this
    # person's Chat client reports in every interaction event they cause.
    user = state().add_user(typed(body, "email", str), typed(body, "displayName", str),
                            time_zone=body.get("timeZone"), locale=body.get("locale"))
    return json_response(user.to_json())


def list_users() -> Response:
    with state().lock:
        return json_response({"users": [user.to_json() for user in state().users.values()]})


def advance_clock() -> Response:
    body = json_body("advanceSeconds")
    seconds = typed(body, "advanceSeconds", (int, float))
    if seconds < 0:
        raise invalid_argument("advanceSeconds must not be negative.", "advanceSeconds")
    state().clock.advance(float(seconds))
    return json_response({"now": rfc3339(state().clock.time())})


def read_clock() -> Response:
    return json_response({"now": rfc3339(state().clock.time())})


def add_fault() -> Response:
    body = json_body("api", "method")
    status = typed(body, "status", int)
    delay_ms = typed(body, "delayMs", int, 0)
    times = typed(body, "times", int, 1)
    if status is None and not delay_ms:
        raise invalid_argument("A fault needs a status, a delayMs, or both.", "status")
    if status is not None and not 400 <= status <= 599:
        raise invalid_argument("status must be an HTTP error status (400-599).", "status")
    if times < 1:
        raise invalid_argument("times must be at least 1.", "times")
    state().faults.add(Fault(api=typed(body, "api", str), method=typed(body, "method", str), times=times,
                             status=status, delay_ms=delay_ms, message=typed(body, "message", str)))
    return json_response({"faults": state().faults.pending()})


def list_faults() -> Response:
    return json_response({"faults": state().faults.pending()})


def list_calls() -> Response:
    with state().lock:
        calls = [call.to_json() for call in state().calls]
    api = request.args.get("api")
    if api:
        calls = [call for call in calls if call["api"] == api]
    return json_response({"calls": calls})


def reset() -> Response:
    state().reset()
    return json_response({})


def create_service_account() -> Response:
    """A service account and its key file, in the JSON format the Cloud console downloads.
    ``domainWideDelegation`` (default true) and ``delegatedScopes`` (default: any) say what
    an administrator allowed it to do as the domain's users."""
    from .oauth import register_service_account

    body = json_body()
    scopes = typed(body, "delegatedScopes", list)
    if scopes is not None and not all(isinstance(scope, str) and scope for scope in scopes):
        raise invalid_argument("delegatedScopes must be a list of OAuth scopes.", "delegatedScopes")
    key_file = register_service_account(
        state(),
        email=typed(body, "email", str),
        project_id=typed(body, "projectId", str, "emulated-project"),
        token_uri=request.host_url.rstrip("/") + "/token",
        delegation=typed(body, "domainWideDelegation", bool, True),
        delegated_scopes=scopes,
    )
    return json_response(key_file)


def register_client() -> Response:
    """An OAuth client as the Cloud console's Credentials page creates one (type *Web
    application*): ``{clientId, clientSecret, redirectUris}``. From then on ``/token``
    checks its secret (``401 invalid_client`` otherwise) and its consent page redirects
    only to those URIs (``redirect_uri_mismatch``). Registering the same id again replaces
    it. Answers ``{clientId, redirectUris}``: the secret is never echoed."""
    from .oauth import register_oauth_client

    body = json_body("clientId", "clientSecret", "redirectUris")
    client = register_oauth_client(state(), client_id=body["clientId"], client_secret=body["clientSecret"],
                                   redirect_uris=body["redirectUris"])
    return json_response(client.to_json())


def list_clients() -> Response:
    with state().lock:
        return json_response({"clients": [client.to_json() for client in state().oauth_clients.values()]})


def set_delegation(email: str) -> Response:
    """An administrator grants or removes the service account's domain-wide delegation
    (Admin console > Security > API controls). Removed, its token requests acting as a
    user (``sub``) are refused with ``unauthorized_client``, as Google refuses them; access
    tokens already issued live out their hour, as Google's do."""
    body = json_body("enabled")
    enabled = typed(body, "enabled", bool)
    with state().lock:
        account = state().service_accounts.get(email)
        if account is None:
            raise ApiError(404, f"Service account {email} not found.", "NOT_FOUND")
        account.delegation = enabled
    return json_response({"email": email, "domainWideDelegation": enabled})


def blueprint() -> Blueprint:
    """The control plane's core routes (users, clock, faults, calls, reset, credentials), per app."""
    routes = Blueprint("control", __name__, url_prefix="/_emulator")
    routes.add_url_rule("/users", view_func=create_user, methods=["POST"])
    routes.add_url_rule("/users", view_func=list_users, methods=["GET"])
    routes.add_url_rule("/clock", view_func=advance_clock, methods=["POST"])
    routes.add_url_rule("/clock", view_func=read_clock, methods=["GET"])
    routes.add_url_rule("/faults", view_func=add_fault, methods=["POST"])
    routes.add_url_rule("/faults", view_func=list_faults, methods=["GET"])
    routes.add_url_rule("/calls", view_func=list_calls, methods=["GET"])
    routes.add_url_rule("/reset", view_func=reset, methods=["POST"])
    routes.add_url_rule("/service-accounts", view_func=create_service_account, methods=["POST"])
    routes.add_url_rule("/oauth/clients", view_func=register_client, methods=["POST"])
    routes.add_url_rule("/oauth/clients", view_func=list_clients, methods=["GET"])
    routes.add_url_rule("/service-accounts/<email>/delegation", view_func=set_delegation, methods=["POST"])
    return routes
