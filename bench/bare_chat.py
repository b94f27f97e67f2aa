"""The peer for the chat-endpoint benchmark: a bare Flask ``POST /`` doing the same token check.

It verifies the bearer token exactly as the app does (same verifier, same cached
certificates) and answers a fixed help message, with no event parsing, routing,
storage or card building: the cost floor of a verified Chat endpoint.
"""

from __future__ import annotations

import os

from flask import Flask, jsonify, request

from bot.config import Config
from bot.verification import ChatRequestVerifier, VerificationError

app = Flask(__name__)
verifier = ChatRequestVerifier(Config.from_env(os.environ))
ANSWER = {"text": "Type /meet to start a meeting."}


@app.post("/")
def answer():  # type: ignore[no-untyped-def]
    try:
        verifier.verify(request.headers.get("Authorization"))
    except VerificationError:
        return jsonify({"error": "unauthenticated"}), 401
    request.get_json(silent=True)
    return jsonify(ANSWER)


@app.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    return jsonify({"status": "ok"})
