"""The peer for the push benchmark: a bare Flask ``POST /pubsub/push`` doing the same token
check and one INSERT into PostgreSQL.

It verifies the push's OIDC token exactly as the app does (``bot.pubsub.PushVerifier``,
same cached certificates), reads the CloudEvent id from the envelope and inserts it into
``bench_pushes`` through the app's engine factory (same driver, same pool), then
acknowledges with 204: no envelope validation, no meeting lookup, no sync request, no
log line. The cost floor of a verified push endpoint that remembers what it received.

Configured by environment variables: ``DATABASE_URL`` (the table must exist: the
benchmark creates it, see :data:`CREATE_TABLE`), ``PUBSUB_AUDIENCE``,
``PUBSUB_SERVICE_ACCOUNT``, ``GOOGLE_CERTS_URL``.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import Flask, Response, jsonify, request
from sqlalchemy.dialects.postgresql import insert

from bot.pubsub import PushVerifier
from bot.storage.engine import create_engine
from bot.verification import VerificationError

CREATE_TABLE = "CREATE TABLE bench_pushes (event_id text PRIMARY KEY, received_at timestamptz NOT NULL)"
pushes = sa.table("bench_pushes", sa.column("event_id", sa.Text), sa.column("received_at", sa.DateTime(timezone=True)))

def create_app() -> Flask:
    """The endpoint, configured from the environment (gunicorn ``bench.bare_push:create_app()``)."""
    app = Flask(__name__)
    verifier = PushVerifier(os.environ["PUBSUB_AUDIENCE"], os.environ["PUBSUB_SERVICE_ACCOUNT"],
                            os.environ["GOOGLE_CERTS_URL"])
    engine = create_engine(os.environ["DATABASE_URL"])

    @app.post("/pubsub/push")
    def push():  # type: ignore[no-untyped-def]
        try:
            verifier.verify(request.headers.get("Authorization"))
        except VerificationError:
            return jsonify({"error": "unauthenticated"}), 401
        body = request.get_json(silent=True)
        try:
            event_id = str(body["message"]["attributes"]["ce-id"])
        except (TypeError, KeyError):
            return Response(status=204)
        with engine.begin() as connection:
            connection.execute(insert(pushes).values(event_id=event_id, received_at=datetime.now(timezone.utc))
                               .on_conflict_do_nothing(index_elements=["event_id"]))
        return Response(status=204)

    @app.get("/healthz")
    def healthz():  # type: ignore[no-untyped-def]
        return jsonify({"status": "ok"})

    return app
