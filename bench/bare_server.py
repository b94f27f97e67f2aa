"""A bare Flask endpoint on the same WSGI server as the emulator: the ceiling to compare with.

It checks a bearer token against a dict and answers a fixed JSON body, which is the
least any emulated API call must do.
"""

from __future__ import annotations

import argparse

from flask import Flask, request

app = Flask(__name__)
TOKENS = {"ya29.bench"}
BODY = {"name": "spaces/bench", "meetingUri": "https://meet.google.com/abc-mnop-xyz", "meetingCode": "abc-mnop-xyz"}


@app.route("/v2/spaces/<space>", methods=["GET"])
@app.route("/v1/spaces/<space>/messages", methods=["POST"])
def answer(space: str = "") -> tuple[dict[str, str], int]:
    header = request.headers.get("Authorization", "")
    if header[7:] not in TOKENS:
        return {"error": "unauthenticated"}, 401
    request.get_data()
    return BODY, 200


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app.run(host="127.0.0.1", port=args.port, threaded=True, use_reloader=False)
