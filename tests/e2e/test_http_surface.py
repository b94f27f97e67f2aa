"""The app's HTTP surface without Google: health, refusals before parsing, size limit, logs."""

from __future__ import annotations

import io
import json
import logging

import pytest
from flask import Flask

from bot.log import CloudLoggingFormatter, set_trace
from tests.e2e.conftest import Stack


@pytest.fixture
def app(classic_stack: Stack) -> Flask:
    return classic_stack.local.app


def test_healthz(app: Flask) -> None:
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_unsigned_request_is_refused_before_its_body_is_read(app: Flask) -> None:
    client = app.test_client()
    response = client.post("/", data="{this is not json", content_type="application/json")
    assert response.status_code == 401
    response = client.post("/", data="{}", headers={"Authorization": "Bearer not.a.token"})
    assert response.status_code == 401


def test_oversized_body_is_refused(app: Flask) -> None:
    response = app.test_client().post("/", data=b"x" * 2_000_000, headers={"Authorization": "Bearer a.b.c"})
    assert response.status_code in (401, 413)  # refused either way, never parsed


def test_unknown_route_and_method_answer_json(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/nope").status_code == 404 and client.get("/nope").is_json
    assert client.get("/").status_code == 405


def test_logs_are_cloud_logging_json_with_trace_correlation() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(CloudLoggingFormatter())
    logger = logging.getLogger("test.cloudlogging")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        set_trace("0af7651916cd43dd8448eb211c80319c/123;o=1", "my-project")
        logger.warning("meeting created", extra={"fields": {"meetSpace": "spaces/x"}})
        set_trace("not a trace/1", "my-project")
        logger.info("second")
    finally:
        logger.removeHandler(handler)
        set_trace(None, None)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["severity"] == "WARNING" and first["message"] == "meeting created"
    assert first["logging.googleapis.com/trace"] == "projects/my-project/traces/0af7651916cd43dd8448eb211c80319c"
    assert first["logging.googleapis.com/spanId"] == "123" and first["meetSpace"] == "spaces/x"
    assert "logging.googleapis.com/trace" not in second  # a malformed header is not trusted
