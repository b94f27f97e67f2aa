"""Structured JSON logs on stdout, in the shape Cloud Logging reads.

Each line is one JSON object with ``severity``, ``message`` and, inside a request that
carried ``X-Cloud-Trace-Context``, ``logging.googleapis.com/trace`` so the log lines of
one request are grouped under its trace in the Cloud console.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import time
from typing import Any

_trace: contextvars.ContextVar[tuple[str, str | None] | None] = contextvars.ContextVar("trace", default=None)

TRACE_KEY = "logging.googleapis.com/trace"
SPAN_KEY = "logging.googleapis.com/spanId"


def set_trace(header: str | None, project: str | None) -> None:
    """Remember the request's trace (``TRACE_ID/SPAN_ID;o=1``) for the lines it logs."""
    if not header or not project:
        _trace.set(None)
        return
    trace_id, _, rest = header.partition("/")
    span = rest.split(";", 1)[0] or None
    if trace_id and all(c in "0123456789abcdefABCDEF" for c in trace_id):
        _trace.set((f"projects/{project}/traces/{trace_id}", span))
    else:
        _trace.set(None)


class CloudLoggingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "severity": record.levelname if record.levelname != "WARNING" else "WARNING",
            "message": record.getMessage(),
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "logger": record.name,
        }
        trace = _trace.get()
        if trace:
            entry[TRACE_KEY] = trace[0]
            if trace[1]:
                entry[SPAN_KEY] = trace[1]
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["stack_trace"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(CloudLoggingFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("werkzeug").setLevel("WARNING")
