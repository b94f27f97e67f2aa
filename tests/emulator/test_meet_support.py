"""Helpers shared by the Meet conformance tests (this module holds no tests)."""

from __future__ import annotations

from typing import Any

import requests
from googleapiclient.errors import HttpError

from emulator import schema
from tests.support import MEET_SCOPE, Emulator

SCOPES = "https://www.googleapis.com/auth/"
READONLY_SCOPE = SCOPES + "meetings.space.readonly"
SETTINGS_SCOPE = SCOPES + "meetings.space.settings"
OTHER_CLIENT = "other-app.apps.googleusercontent.com"


def validate(schema_name: str, body: dict[str, Any], *, optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """Valid against the discovery schema, with every output-only field present (but ``optional``)."""
    schema.validate("meet", schema_name, body)
    missing = [name for name in schema.output_only_fields("meet", schema_name)
               if name not in body and name not in optional]
    assert not missing, f"{schema_name} lacks output-only fields {missing}: {body}"
    return body


def error_of(error: HttpError) -> dict[str, Any]:
    import json

    return json.loads(error.content)["error"]


def expect_error(call: Any, status: int, reason: str) -> dict[str, Any]:
    """Run a discovery-client request; assert Google's error shape and status."""
    try:
        call.execute()
    except HttpError as error:
        body = error_of(error)
        assert error.resp.status == status, body
        assert body["code"] == status and body["status"] == reason, body
        assert body["message"]
        return body
    raise AssertionError(f"expected HTTP {status} {reason}")


def raw(emulator: Emulator, creds: Any, method: str, path: str, **kwargs: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {creds.token}"} if creds is not None else {}
    headers.update(kwargs.pop("headers", {}))
    return requests.request(method, f"{emulator.url}/v2/{path.lstrip('/')}", headers=headers, timeout=10, **kwargs)


def person(emulator: Emulator, email: str, name: str | None = None, scopes: list[str] | None = None,
           client_id: str | None = None) -> tuple[dict[str, Any], Any]:
    """A Workspace user and user credentials for them."""
    user = emulator.add_user(email, name)
    kwargs: dict[str, Any] = {"scopes": scopes or [MEET_SCOPE]}
    if client_id:
        kwargs["client_id"] = client_id
    return user, emulator.authorize(email, **kwargs)


def join(emulator: Emulator, space: str, **who: Any) -> dict[str, Any]:
    return emulator.control("POST", "meet/join", {"space": space, **who})


def leave(emulator: Emulator, space: str, **who: Any) -> dict[str, Any]:
    return emulator.control("POST", "meet/leave", {"space": space, **who})


def end(emulator: Emulator, space: str, **options: Any) -> dict[str, Any]:
    return emulator.control("POST", "meet/end", {"space": space, **options})


def advance(emulator: Emulator, seconds: float) -> None:
    emulator.control("POST", "clock", {"advanceSeconds": seconds})


def walk_enums(body: Any) -> list[Any]:
    """Every value under a key that holds an enum in Meet's schemas."""
    found: list[Any] = []
    if isinstance(body, dict):
        for key, value in body.items():
            if isinstance(value, (dict, list)):
                found.extend(walk_enums(value))
            elif key in {"accessType", "entryPointAccess", "moderation", "attendanceReportGenerationType", "state",
                         "role", "chatRestriction", "reactionRestriction", "presentRestriction",
                         "defaultJoinAsViewerType", "autoRecordingGeneration", "autoTranscriptionGeneration",
                         "autoSmartNotesGeneration"}:
                found.append(value)
    elif isinstance(body, list):
        for item in body:
            found.extend(walk_enums(item))
    return found
