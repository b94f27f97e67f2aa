"""Workspace Events delivered by a Pub/Sub push subscription.

Pub/Sub pushes each message as ``{"message": {"data", "attributes", "messageId",
"publishTime"}, "subscription"}`` with an OIDC token it signs as the push
subscription's service account. Workspace Events are CloudEvents in Pub/Sub's binary
mode: the ``ce-*`` attributes carry id, type, source and subject; ``data`` is the
base64 JSON payload (resource names only).

Verification pins everything: a Google-signed ID token, the configured audience, the
configured service account's ``email``, ``email_verified``. A genuine but malformed
message is acknowledged and logged (redelivering it forever would not fix it).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from .text import has_unstorable_text, untrusted
from .verification import GOOGLE_ISSUERS, CertificateCache, VerificationError, bearer_token, verify_signed_token


# Pub/Sub refuses to publish an attribute value longer than this (bytes), so a longer
# ce-* attribute did not come through Pub/Sub as Google runs it: refused before any of it
# is stored (the event id becomes a processed-event key) or logged.
MAX_ATTRIBUTE_BYTES = 1024
CLOUDEVENT_ATTRIBUTES = ("ce-id", "ce-type", "ce-source", "ce-subject", "ce-time")


class MalformedPush(ValueError):
    pass


@dataclass(frozen=True)
class WorkspaceEvent:
    id: str  # ce-id: unique per event, the deduplication key
    type: str  # ce-type, e.g. google.workspace.meet.participant.v2.joined
    source: str  # ce-source: //workspaceevents.googleapis.com/subscriptions/{id}
    subject: str  # ce-subject: the resource the event is about
    time: str | None
    data: dict[str, Any] = field(default_factory=dict)
    delivery_attempt: int | None = None

    @property
    def subscription(self) -> str | None:
        """``subscriptions/{id}`` from the source."""
        prefix = "//workspaceevents.googleapis.com/"
        return self.source[len(prefix):] if self.source.startswith(prefix) else None

    @property
    def meet_space(self) -> str | None:
        """``spaces/{id}`` when the subject names a Meet space."""
        prefix = "//meet.googleapis.com/"
        if self.subject.startswith(prefix + "spaces/"):
            return "/".join(self.subject[len(prefix):].split("/")[:2])
        return None


class PushVerifier:
    def __init__(self, audience: str, service_account: str, certs_url: str, cache: CertificateCache | None = None
                 ) -> None:
        self.audience = audience
        self.service_account = service_account
        self.certs_url = certs_url
        self.cache = cache or CertificateCache()

    def verify(self, authorization: str | None) -> dict[str, Any]:
        claims = verify_signed_token(bearer_token(authorization), certs_url=self.certs_url, audience=self.audience,
                                     issuers=GOOGLE_ISSUERS, cache=self.cache)
        if claims.get("email") != self.service_account:
            raise VerificationError(f"unexpected push identity {untrusted(claims.get('email'))}")
        if claims.get("email_verified") is not True:
            raise VerificationError("push identity email not verified")
        return claims


def parse_push(body: Any) -> WorkspaceEvent:
    if not isinstance(body, dict) or not isinstance(body.get("message"), dict):
        raise MalformedPush("not a Pub/Sub push envelope")
    message = body["message"]
    attributes = message.get("attributes")
    if not isinstance(attributes, dict):
        raise MalformedPush("the message has no attributes")
    required = {"ce-id", "ce-type", "ce-source"}
    missing = sorted(name for name in required if not isinstance(attributes.get(name), str) or not attributes[name])
    if missing:
        raise MalformedPush(f"missing CloudEvent attributes: {', '.join(missing)}")
    if has_unstorable_text(attributes):
        raise MalformedPush("the attributes contain text that is not valid Unicode, or a NUL")
    for name in CLOUDEVENT_ATTRIBUTES:
        value = attributes.get(name)
        if isinstance(value, str) and (len(value) > MAX_ATTRIBUTE_BYTES or len(value.encode()) > MAX_ATTRIBUTE_BYTES):
            raise MalformedPush(f"the {name} attribute is longer than Pub/Sub allows "
                                f"({len(value.encode())} bytes, at most {MAX_ATTRIBUTE_BYTES})")
    data: dict[str, Any] = {}
    raw = message.get("data")
    if raw:
        if not isinstance(raw, str):
            raise MalformedPush("data must be base64 text")
        try:
            decoded = json.loads(base64.b64decode(raw, validate=True))
        except (binascii.Error, ValueError, UnicodeDecodeError):
            raise MalformedPush("data is not base64-encoded JSON") from None
        if not isinstance(decoded, dict) or has_unstorable_text(decoded):
            raise MalformedPush("data must be a JSON object of valid Unicode text")
        data = decoded
    attempt = body.get("deliveryAttempt")
    return WorkspaceEvent(
        id=attributes["ce-id"], type=attributes["ce-type"], source=attributes["ce-source"],
        subject=str(attributes.get("ce-subject") or ""), time=attributes.get("ce-time"), data=data,
        delivery_attempt=attempt if isinstance(attempt, int) else None,
    )
