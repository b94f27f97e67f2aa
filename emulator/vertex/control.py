"""Control-plane calls for Vertex AI: what "Gemini" answers next, and what it was asked.

JSON in (``Content-Type: application/json``; anything else is 415 and changes
nothing), JSON out, no token.

* ``POST /_emulator/vertex/responses`` ``{responses: [item, …]}`` (or one bare item) —
  queue answers for the next ``generateContent`` calls, first in first out. An item is
  one of:

  - ``{"text": "…"}`` — one candidate whose one part is that text, ``finishReason: STOP``;
  - ``{"json": <any JSON>}`` — the same, the text being the value serialised;
  - ``{"finishReason": "MAX_TOKENS", "text": "…truncated"}`` — any finish reason of the
    discovery document (``SAFETY``, ``RECITATION``, …), with or without text (a
    ``SAFETY`` finish carries a blocking safety rating and no content unless text is given);
  - ``{"blockReason": "SAFETY"}`` — the prompt is blocked: ``promptFeedback.blockReason``
    and no candidates.

  A call that fails before reaching the model (fault, bad token, bad request) does not
  consume an answer. Returns ``{pending: [...]}``. ``GET`` lists what is still queued.

  With the queue empty the answer is the **default**: when the request sets
  ``generationConfig.responseSchema``, ``responseJsonSchema`` or a ``responseFormat``
  text ``schema``, a JSON text that matches it with every array empty, every string
  empty, numbers at their minimum, nullable values null and every declared property
  present (so a summariser run without queued answers yields an empty digest); with
  ``responseMimeType: application/json`` (or ``responseFormat`` text ``mimeType:
  APPLICATION_JSON``) and no schema ``{}``; otherwise a short fixed text
  (:data:`.model.DEFAULT_TEXT`).
* ``GET /_emulator/vertex/requests`` — ``{requests: [{model, apiVersion, principal,
  request, answer, time}, …]}``: every request that reached the model, in order, with its
  body as parsed (camelCase) and the answer it got (``answer.queued`` false for the default).

``POST /_emulator/reset`` empties both. Faults use ``{"api": "aiplatform", "method":
"projects.locations.publishers.models.generateContent", …}``; calls are listed by
``GET /_emulator/calls?api=aiplatform``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from ..api import json_response
from ..control import json_body, state
from ..errors import invalid_argument
from .model import ANSWER_FIELDS, ScriptedAnswer, VertexStore


def _store() -> VertexStore:
    store: VertexStore = state().vertex
    return store


def queue_responses() -> Response:
    body = json_body()
    if any(key in body for key in ANSWER_FIELDS):
        items: Any = [body]  # one bare item
    else:
        unknown = [key for key in body if key != "responses"]
        if unknown:
            raise invalid_argument(f"Unknown field(s): {', '.join(unknown)}. Send {{responses: [...]}} or one item "
                                   f"with {', '.join(ANSWER_FIELDS)}.", unknown[0])
        items = body.get("responses")
    if not isinstance(items, list) or not items:
        raise invalid_argument("responses must be a non-empty list of answers.", "responses")
    answers = [ScriptedAnswer.from_json(item, position) for position, item in enumerate(items)]
    _store().enqueue(answers)  # all or nothing: every item was valid
    return json_response({"pending": _store().pending()})


def pending_responses() -> Response:
    return json_response({"pending": _store().pending()})


def received_requests() -> Response:
    return json_response({"requests": _store().requests()})


def blueprint() -> Blueprint:
    """The control plane's Vertex AI routes, built afresh for each emulator app."""
    routes = Blueprint("vertex_control", __name__, url_prefix="/_emulator/vertex")
    routes.add_url_rule("/responses", view_func=queue_responses, methods=["POST"])
    routes.add_url_rule("/responses", view_func=pending_responses, methods=["GET"])
    routes.add_url_rule("/requests", view_func=received_requests, methods=["GET"])
    return routes
