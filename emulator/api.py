"""Serving Google's APIs: one dispatcher for every method of every emulated API.

A request is matched to its discovery method, logged, subjected to any injected fault,
authenticated and authorised by the method's scopes, and its body parsed against the
method's request schema, before the method's handler runs. Handlers therefore deal only
with the API's semantics.

Which handler serves which method is an :class:`ApiRouter`, one per emulator app: each API
module has a ``routes(router)`` that adds its handlers, and the app factory calls them.
Importing a module registers nothing, so two emulator apps in one process share no handler.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, current_app, request
from werkzeug.datastructures import MultiDict

from . import discovery, fieldmask, schema
from .errors import ApiError, error_info
from .pagination import Page, paginate, query_binding
from .quotas import Caller
from .state import CallRecord, EmulatorState
from .tokens import Principal

Handler = Callable[["ApiContext"], Any]

# Query parameters every Google API accepts besides the method's own.
SYSTEM_PARAMETERS = {
    "$alt", "alt", "fields", "key", "prettyPrint", "quotaUser", "access_token", "upload_protocol",
    "uploadType", "callback", "$.xgafv", "$fields", "$prettyPrint", "oauth_token",
}

EMULATED_APIS = ["meet", "chat", "workspaceevents", "people", "aiplatform", "aiplatform.v1"]


class ApiRouter:
    """The handlers of the Google API methods one emulator app serves, by discovery method."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def add(self, api: str, handlers: Mapping[str, Handler]) -> None:
        """Serve each method of ``api`` named in ``handlers`` (``{"spaces.get": get_space}``)."""
        for method_id, handler in handlers.items():
            method = discovery.find_method(api, method_id)  # a typo fails when the app is built
            if method.full_id in self._handlers:
                raise ValueError(f"{method.full_id} has two handlers")
            if "pageSize" in method.parameters and method.page_size_limits() is None:
                # Every list method pages with the sizes its reference states (ApiContext.page).
                raise ValueError(f"{method.full_id}: no page sizes in its pageSize description")
            self._handlers[method.full_id] = handler

    def handler(self, full_id: str) -> Handler | None:
        return self._handlers.get(full_id)

    def methods(self) -> frozenset[str]:
        """The full ids (``meet.spaces.get``) of the methods served."""
        return frozenset(self._handlers)


@dataclass
class ApiContext:
    state: EmulatorState
    method: discovery.ApiMethod
    path_params: dict[str, str]
    resource: str  # the resource path after the version, without a ":verb" suffix
    query: dict[str, str]
    body: dict[str, Any]
    principal: Principal

    def values(self, name: str) -> list[str]:
        """Every value of a repeated query parameter (``resourceNames=a&resourceNames=b``),
        which ``query`` holds only the first of."""
        args = query_arguments()
        return [value for key in args if key == name or schema.camel(key) == name for value in args.getlist(key)]

    @property
    def name(self) -> str:
        """The ``name`` a get/patch/delete/custom method addresses."""
        return self.resource

    @property
    def parent(self) -> str:
        """The ``parent`` of a create/list method (its collection path minus the collection)."""
        return self.resource.rsplit("/", 1)[0] if "/" in self.resource else ""

    def page(self, items: list[Any]) -> Page[Any]:
        """The page of ``items`` this list request asks for (:mod:`emulator.pagination`): the
        method's page sizes, a token bound to the caller, the resource and the query."""
        limits = self.method.page_size_limits()
        assert limits is not None  # ApiRouter.add serves no list method without them
        principal = self.principal
        binding = [self.method.full_id, principal.kind, principal.email, principal.client_id, self.resource,
                   *query_binding(self.method.parameters, self.query, self.values)]
        return paginate(self.state, items, page_size=self.query.get("pageSize"),
                        page_token=self.query.get("pageToken"), limits=limits, binding=binding)

    def update_mask(self, required: bool = True) -> list[str]:
        raw = self.query.get("updateMask", "")
        paths = [path.strip() for path in raw.split(",") if path.strip()]
        if required and not paths:
            raise ApiError(400, "update_mask is required.", "INVALID_ARGUMENT")
        return [schema.camel(path) if "." not in path else ".".join(schema.camel(p) for p in path.split(".")) for path in paths]


def http_method() -> str:
    """The request's verb. A GET whose URL would be too long is sent as a POST with
    ``X-HTTP-Method-Override: GET`` and its query in a form body (google-api-python-client
    does so past 2,048 characters, e.g. a ``people:batchGet`` of many names); Google's
    front end serves it as the GET, and so does the emulator."""
    override = request.headers.get("X-HTTP-Method-Override", "").upper()
    return "GET" if request.method == "POST" and override == "GET" else request.method


def query_arguments() -> MultiDict[str, str]:
    """The query parameters, including those an overridden GET carries in its body."""
    if http_method() == "GET" and request.method == "POST":
        return MultiDict([*request.args.items(multi=True), *request.form.items(multi=True)])
    return request.args


def _bearer_principal(state: EmulatorState) -> Principal:
    header = request.headers.get("Authorization", "")
    token = query_arguments().get("access_token") or (header[7:].strip() if header[:7].lower() == "bearer " else "")
    if not token:
        raise ApiError(
            401,
            "Request is missing required authentication credential. Expected OAuth 2 access token, "
            "login cookie or other valid authentication credential. "
            "See https://developers.google.com/identity/sign-in/web/devconsole-project.",
            details=[error_info("CREDENTIALS_MISSING")],
            headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'},
        )
    found = state.tokens.lookup(token)
    if found is not None:
        return found.principal
    if token.count(".") == 2:
        principal = state.tokens.self_signed_principal(token)
        if principal is not None:
            return principal
    reason = "ACCESS_TOKEN_EXPIRED" if state.tokens.is_expired(token) else "ACCESS_TOKEN_TYPE_UNSUPPORTED"
    raise ApiError(
        401,
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie "
        "or other valid authentication credential. "
        "See https://developers.google.com/identity/sign-in/web/devconsole-project.",
        details=[error_info(reason)],
        headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"'},
    )


def insufficient_scopes(method: discovery.ApiMethod, scopes: frozenset[str]) -> ApiError:
    """Google's 403 for a token without any of ``scopes`` (what the method needs here)."""
    return ApiError(
        403,
        "Request had insufficient authentication scopes.",
        details=[error_info("ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                            method=f"google.{method.api}.{method.id}", service=f"{method.api}.googleapis.com")],
        headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", error="insufficient_scope", '
                 f'scope="{" ".join(sorted(scopes))}"'},
    )


def _authorise(method: discovery.ApiMethod, principal: Principal) -> None:
    if method.scopes and not (principal.scopes & method.scopes):
        raise insufficient_scopes(method, method.scopes)


def _query(method: discovery.ApiMethod) -> dict[str, str]:
    query: dict[str, str] = {}
    args = query_arguments()
    for key in args:
        name = key if key in method.parameters or key in SYSTEM_PARAMETERS else schema.camel(key)
        if name not in method.parameters and name not in SYSTEM_PARAMETERS:
            raise ApiError(400, f'Invalid JSON payload received. Unknown name "{key}": Cannot bind query parameter. '
                                f"Field '{key}' could not be found in request message.")
        spec = method.parameters.get(name, {})
        value = args.get(key, "")
        if spec.get("type") == "integer" and value and not value.lstrip("-").isdigit():
            raise ApiError(400, f"Invalid value at '{schema.snake(name)}' (TYPE_INT32), \"{value}\"")
        if spec.get("type") == "boolean" and value not in ("", "true", "false", "True", "False", "1", "0"):
            raise ApiError(400, f"Invalid value at '{schema.snake(name)}' (TYPE_BOOL), \"{value}\"")
        if "enum" in spec and value not in spec["enum"] and not value.isdigit():
            raise ApiError(400, f"Invalid value at '{schema.snake(name)}', \"{value}\"")
        if "enum" in spec and value.isdigit() and int(value) < len(spec["enum"]):
            value = spec["enum"][int(value)]
        query[name] = value
    return query


def _body(method: discovery.ApiMethod) -> dict[str, Any]:
    if method.request_schema is None:
        return {}
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        parsed = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "Invalid JSON payload received. Unexpected token.") from None
    if not isinstance(parsed, dict):
        raise ApiError(400, "Invalid JSON payload received. Expected an object.")
    root = schema.snake(method.request_schema)
    return schema.parse_request(method.document or method.api, method.request_schema, parsed, root)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body, indent=2) + "\n", status=status, headers=headers,
                    mimetype="application/json; charset=UTF-8")


def error_response(error: ApiError) -> Response:
    return json_response(error.to_json(), error.code, error.headers)


def dispatch(state: EmulatorState, router: ApiRouter, path: str) -> Response:
    verb = http_method()
    method, path_params, path_known = discovery.match_path(EMULATED_APIS, verb, path)
    if method is None:
        if path_known:
            return error_response(ApiError(405, f"Method {verb} is not allowed for {path}.", "UNIMPLEMENTED"))
        return error_response(ApiError(404, f"The requested URL {path} was not found on this server.", "NOT_FOUND"))

    record = CallRecord(method.api, method.id, verb, path, dict(query_arguments().items()), None,
                        time=state.clock.time())
    with state.lock:
        state.calls.append(record)
    try:
        fault = state.faults.take(method.api, method.id)
        if fault is not None:
            if fault.delay_ms:
                time.sleep(fault.delay_ms / 1000)
            if fault.status:
                raise ApiError(fault.status, fault.message or _FAULT_MESSAGES.get(fault.status, "Injected fault."))
        principal = _bearer_principal(state)
        record.principal = principal.email
        _authorise(method, principal)
        # Quota is charged once the caller is known, before the request is validated (as
        # Google's front end does): a malformed call still spends it.
        space = f"spaces/{path_params['spacesId']}" if path_params.get("spacesId") else None
        state.quotas.charge(method.api, method.id, Caller(principal.client_id, principal.email, space))
        query = _query(method)
        body = _body(method)
        # Checked before the method runs: a bad selection changes nothing.
        selection = _response_selection(method, query)
        handler = router.handler(method.full_id)
        if handler is None:
            raise ApiError(501, f"Method {method.full_id} is not implemented by the emulator.", "UNIMPLEMENTED")
        resource = path.split("/", 2)[2].split(":", 1)[0]
        context = ApiContext(state, method, path_params, resource, query, body, principal)
        with state.lock:
            result = handler(context)
        int_enums = "enum-encoding=int" in query_arguments().get("$alt", "")
        encoded = schema.encode_response(method.document or method.api, method.response_schema, result or {},
                                         int_enums=int_enums)
        encoded = fieldmask.apply(selection, encoded)
        record.status = 200
        return json_response(encoded)
    except ApiError as error:
        record.status = error.code
        return error_response(error)


def _response_selection(method: discovery.ApiMethod, query: dict[str, str]) -> fieldmask.Selection | None:
    """What of the response the caller asked for (``fields`` or ``X-Goog-FieldMask``); None: all."""
    raw = fieldmask.requested_selection(query.get("fields") or query.get("$fields"),
                                        request.headers.get("X-Goog-FieldMask"))
    if raw is None:
        return None
    selection = fieldmask.parse(raw)
    fieldmask.check(selection, schema.schemas(method.document or method.api), method.response_schema)
    return selection


_FAULT_MESSAGES = {
    429: "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute per user'.",
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
    504: "The request timed out.",
}


def create_api_blueprint(router: ApiRouter) -> Blueprint:
    """Google's API paths, served by ``router``'s handlers."""
    blueprint = Blueprint("google_apis", __name__)

    @blueprint.route("/v1/<path:rest>", methods=["GET", "POST", "PATCH", "PUT", "DELETE"])
    @blueprint.route("/v2/<path:rest>", methods=["GET", "POST", "PATCH", "PUT", "DELETE"])
    @blueprint.route("/v1beta1/<path:rest>", methods=["GET", "POST", "PATCH", "PUT", "DELETE"])  # Vertex AI
    def serve(rest: str) -> Response:
        return dispatch(current_app.extensions["emulator"], router, request.path)

    return blueprint
