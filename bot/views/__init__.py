"""The Flask adapter (bolt-python's ``slack_bolt.adapter.flask``): a Flask request
becomes a ``bot.pipeline.Request``, the ``MeetBot`` answers it, and its ``Response``
becomes a Flask response. Routing by path and method, the request size limit and the
error pages stay Flask's (they answer before the app is asked anything).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any

from flask import Flask, current_app, jsonify, request
from flask import Response as FlaskResponse
from werkzeug.datastructures import Headers
from werkzeug.exceptions import HTTPException

from ..log import set_trace
from ..pipeline import Html, Json, MeetBot, Request, Response

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 1_000_000  # Chat events are a few KB; anything near this is not one


def meetbot() -> MeetBot:
    """The app this Flask app serves (looked up per request, so a test may swap it)."""
    bot: MeetBot = current_app.extensions["meetbot"]
    return bot


class _FlaskHeaders(Mapping[str, str]):
    """Flask's request headers as the pipeline's mapping, read where they are (a lookup
    in the WSGI environ, whatever the name's case) instead of copied: a request looks at
    two or three of them."""

    def __init__(self, headers: Headers) -> None:
        self._headers = headers

    def __getitem__(self, name: str) -> str:
        value = self._headers.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def get(self, name: str, default: Any = None) -> Any:
        return self._headers.get(name, default)

    def __iter__(self) -> Iterator[str]:
        return (name.lower() for name, _ in self._headers.items())

    def __len__(self) -> int:
        return len(self._headers)


def core_request() -> Request:
    """The current Flask request as the pipeline's value. The body stays unread until a
    step asks for it: past ``MAX_REQUEST_BYTES`` reading it raises Flask's 413, so a
    request refused on its headers (a 401) never has its body read."""
    return Request(request.method, request.path, _FlaskHeaders(request.headers), request.args.to_dict(),
                   request.get_data)


def flask_response(response: Response) -> FlaskResponse:
    headers = list(response.headers)
    body = response.body
    if isinstance(body, Json):
        answer = jsonify(body.value)  # Flask's own JSON: the bytes the app has always sent
        answer.status_code = response.status
        answer.headers.extend(headers)
        return answer
    if isinstance(body, Html):
        return FlaskResponse(body.text, status=response.status, mimetype="text/html", headers=headers)
    return FlaskResponse(status=response.status, headers=headers)


def flask_app(bot: MeetBot) -> Flask:
    from . import chat, health, oauth, pubsub, tasks

    app = Flask("bot.app")  # the name it has always had (its logger's, too)
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.extensions["meetbot"] = bot

    @app.before_request
    def correlate_trace() -> None:
        set_trace(request.headers.get("X-Cloud-Trace-Context"), bot.config.google_cloud_project)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[FlaskResponse, int]:
        # 404, 405, 413 (body over MAX_REQUEST_BYTES), …: JSON, never an HTML page, with
        # the error's own headers (a 405's Allow).
        response = jsonify({"error": error.name.lower()})
        response.headers.extend((name, value) for name, value in error.get_headers() if name.lower() != "content-type")
        return response, error.code or 500

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[FlaskResponse, int]:
        log.exception("unhandled error")
        return jsonify({"error": "internal error"}), 500

    app.register_blueprint(chat.blueprint)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(oauth.blueprint)
    app.register_blueprint(pubsub.blueprint)
    app.register_blueprint(tasks.blueprint)
    return app
