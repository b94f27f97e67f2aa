"""The playground: a Chat-like web page at the emulator's root where anyone tries the app.

Plain HTML, CSS and JavaScript under ``static/`` (no build step). The page acts through
the ordinary control plane (``/_emulator/chat/…``, ``/_emulator/meet/…``,
``/_emulator/clock``) exactly as a test would, and polls one read-only snapshot,
``GET /_emulator/playground/state``, for everything it shows. The snapshot carries what
the control plane does not return in one call: the REQUEST_CONFIG prompts' URLs, the
registered slash commands, and who is in each meeting's call right now.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Blueprint, Response, request, send_from_directory

from ..api import json_response
from ..state import EmulatorState
from .snapshot import snapshot

STATIC = os.path.join(os.path.dirname(__file__), "static")


# The page loads only its own files and talks only to its own origin; card images
# may come from anywhere on the web (http/https), nothing else may.
_PAGE_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data: http: https:; style-src 'self'; "
                                "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                                "form-action 'self'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-cache",
}


def _state() -> EmulatorState:
    from flask import current_app

    return current_app.extensions["emulator"]


def page() -> Response:
    response = send_from_directory(STATIC, "index.html", max_age=0)
    response.headers.update(_PAGE_HEADERS)
    return response


def favicon() -> Response:
    """What a browser asks every page of this origin for (the consent page, JSON answers
    opened in a tab): the playground's icon, rather than a 404 in the console."""
    response = send_from_directory(STATIC, "favicon.svg", mimetype="image/svg+xml", max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def state() -> Response:
    """Everything the page shows, with the messages of the Chat space ``?space=``.

    Private messages are all included (as the control plane returns them); the page
    shows each only to its viewer.
    """
    body: dict[str, Any] = snapshot(_state(), request.args.get("space") or None)
    response = json_response(body)
    response.headers["Cache-Control"] = "no-store"
    return response


def blueprint() -> Blueprint:
    """The playground page, its files and the state it shows, built afresh for each emulator app."""
    routes = Blueprint("playground", __name__, static_folder=STATIC, static_url_path="/_playground/static")
    routes.add_url_rule("/", view_func=page, methods=["GET"])
    routes.add_url_rule("/favicon.ico", view_func=favicon, methods=["GET"])
    routes.add_url_rule("/_emulator/playground/state", view_func=state, methods=["GET"])
    return routes
