"""The emulator's Flask app factory."""

from __future__ import annotations

import logging

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from . import control, oauth, playground, quota_control
from .api import ApiRouter, create_api_blueprint, error_response
from .chat import api as chat_api, control as chat_control
from .config import EmulatorConfig
from .errors import ApiError
from .events import api as events_api, control as events_control
from .hostcheck import LoopbackOnly
from .meet import api as meet_api, control as meet_control
from .people import api as people_api
from .state import EmulatorState
from .vertex import api as vertex_api, control as vertex_control

log = logging.getLogger(__name__)


def google_apis() -> ApiRouter:
    """A router serving every emulated Google API method, built afresh for each app."""
    router = ApiRouter()
    for routes in (meet_api.routes, chat_api.routes, events_api.routes, people_api.routes, vertex_api.routes):
        routes(router)
    return router


def create_emulator(config: EmulatorConfig | None = None) -> Flask:
    config = config or EmulatorConfig()
    app = Flask(__name__, static_folder=None)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    state = EmulatorState(config)
    app.extensions["emulator"] = state

    app.register_blueprint(create_api_blueprint(google_apis()))
    app.register_blueprint(control.blueprint())
    app.register_blueprint(quota_control.blueprint())
    app.register_blueprint(oauth.blueprint())
    app.register_blueprint(meet_control.blueprint())
    app.register_blueprint(chat_control.blueprint())
    app.register_blueprint(events_control.blueprint())
    app.register_blueprint(vertex_control.blueprint())
    app.register_blueprint(playground.blueprint())  # the web page at /

    @app.before_request
    def control_plane_takes_json_only() -> None:
        # A form or text/plain body is what a page on another origin can send without
        # asking (no CORS preflight): refused unread, so a web page in the developer's
        # browser cannot drive the emulator. A POST without any body (reset, flush) is
        # not one of those.
        if not request.path.startswith("/_emulator/") or request.method != "POST":
            return
        if request.mimetype == "application/json" or (not request.mimetype and not request.content_length):
            return
        raise ApiError(415, "The control plane takes JSON only: send Content-Type: application/json.",
                       "INVALID_ARGUMENT")

    @app.errorhandler(ApiError)
    def api_error(error: ApiError) -> Response:
        return error_response(error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        return error_response(ApiError(error.code or 500, error.description or error.name))

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        # Never a traceback to the client: log it, answer as Google does.
        log.exception("emulator error")
        return error_response(ApiError(500, "Internal error encountered."))

    # What a web page in the developer's browser could otherwise drive or read through DNS
    # rebinding or a cross-origin form: the control plane, the playground and the consent
    # page answer loopback names only (Google's API paths are the client libraries', and
    # need a token anyway).
    app.wsgi_app = LoopbackOnly(app.wsgi_app, guarded=local_only_path,  # type: ignore[method-assign]
                                extra_hosts=config.allowed_hosts)

    return app


CONSENT_PATHS = frozenset({"/o/oauth2/auth", "/o/oauth2/v2/auth"})


def local_only_path(path: str) -> bool:
    """The emulator's own surfaces: control plane, playground (page and files), consent page."""
    return path == "/" or path.startswith(("/_emulator/", "/_playground/")) or path in CONSENT_PATHS
