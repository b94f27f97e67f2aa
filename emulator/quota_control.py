"""Control-plane switches for Google's quotas (see :mod:`emulator.quotas`).

* ``GET /_emulator/quotas`` — ``{enabled, quotas: [{id, api, methods, metric, limit,
  limitName, unit, windowSeconds, active}]}``.
* ``POST /_emulator/quotas`` ``{enabled?: bool, limits?: {quotaId: int}, chatSpaceQuotas?:
  bool, reset?: bool}`` — turn the model off (benchmarks) or on, set limits (a test sets a
  small one; setting a limit also makes that quota count), count the Chat per-space
  quotas or not, forget what was used. Returns what ``GET`` returns. ``POST
  /_emulator/reset`` goes back to the emulator's start-up settings.
"""

from __future__ import annotations

from flask import Blueprint, Response

from .api import json_response
from .control import json_body, state, typed
from .errors import invalid_argument


def read_quotas() -> Response:
    return json_response(state().quotas.to_json())


def set_quotas() -> Response:
    body = json_body()
    unknown = sorted(set(body) - {"enabled", "limits", "chatSpaceQuotas", "reset"})
    if unknown:
        raise invalid_argument(f"Unknown field(s): {', '.join(unknown)}.", unknown[0])
    book = state().quotas
    limits = typed(body, "limits", dict) or {}
    for quota_id, limit in limits.items():
        if quota_id not in book.quotas:
            raise invalid_argument(f"Unknown quota {quota_id!r}; the quotas are {', '.join(sorted(book.quotas))}.",
                                   f"limits.{quota_id}")
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
            raise invalid_argument(f"The limit of {quota_id} must be a whole number, 0 or more.", f"limits.{quota_id}")
    book.configure(enabled=typed(body, "enabled", bool), limits=limits,
                   chat_space_quotas=typed(body, "chatSpaceQuotas", bool), reset=bool(typed(body, "reset", bool)))
    return json_response(book.to_json())


def blueprint() -> Blueprint:
    """The control plane's quota routes, built afresh for each emulator app."""
    routes = Blueprint("quotas", __name__, url_prefix="/_emulator")
    routes.add_url_rule("/quotas", view_func=read_quotas, methods=["GET"])
    routes.add_url_rule("/quotas", view_func=set_quotas, methods=["POST"])
    return routes
