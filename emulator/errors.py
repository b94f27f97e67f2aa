"""Google's JSON error shape.

Every failure the emulator reports, from a bad page token to an injected fault, goes
through :class:`ApiError`, so clients see exactly what Google sends:
``{"error": {"code": 404, "message": "...", "status": "NOT_FOUND", "details": [...]}}``.
"""

from __future__ import annotations

from typing import Any

# HTTP status -> canonical google.rpc.Code name, as Google's front ends map them.
STATUS_FOR_HTTP: dict[int, str] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    412: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

ERROR_INFO_TYPE = "type.googleapis.com/google.rpc.ErrorInfo"
BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"


class ApiError(Exception):
    """An error answered in Google's JSON error shape."""

    def __init__(
        self,
        code: int,
        message: str,
        status: str | None = None,
        *,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS_FOR_HTTP.get(code, "UNKNOWN")
        self.details = details or []
        self.headers = headers or {}

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            body["details"] = self.details
        return {"error": body}


def invalid_argument(message: str, field: str | None = None) -> ApiError:
    details = []
    if field:
        details.append(
            {"@type": BAD_REQUEST_TYPE, "fieldViolations": [{"field": field, "description": message}]}
        )
    return ApiError(400, message, "INVALID_ARGUMENT", details=details)


def not_found(message: str = "Requested entity was not found.") -> ApiError:
    return ApiError(404, message, "NOT_FOUND")


def permission_denied(message: str = "The caller does not have permission") -> ApiError:
    return ApiError(403, message, "PERMISSION_DENIED")


def failed_precondition(message: str) -> ApiError:
    return ApiError(400, message, "FAILED_PRECONDITION")


def already_exists(message: str) -> ApiError:
    return ApiError(409, message, "ALREADY_EXISTS")


def error_info(reason: str, domain: str = "googleapis.com", **metadata: str) -> dict[str, Any]:
    info: dict[str, Any] = {"@type": ERROR_INFO_TYPE, "reason": reason, "domain": domain}
    if metadata:
        info["metadata"] = metadata
    return info
