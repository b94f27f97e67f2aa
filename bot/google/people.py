"""The People API v1: a Chat user's email from the organization's directory.

Chat's mentions name a person ``users/{id}`` and nothing more, and Meet adds co-hosts by
email. For a person of the organization the id is also their People API id
(``people/{id}``), so ``people.get`` / ``people.getBatchGet`` with
``personFields=emailAddresses`` and the ``directory.readonly`` scope gives the address.
Someone the directory does not hold (another organization, a group, an id it does not
know) is ``None``; a failure of the call itself is a ``GoogleApiError``.

Built on DiscoveryGateway: one service object, per-call credentials and timeouts, retries.
"""

from __future__ import annotations

from typing import Any, Sequence

from google.auth.credentials import Credentials

from .discovery_gateway import DiscoveryGateway
from .errors import FailureKind, GoogleApiError, kind_for_status

MAX_BATCH = 200  # people.getBatchGet takes at most 200 resource names
NOT_FOUND_CODE = 5  # google.rpc.Code NOT_FOUND, as a batch entry's status says it


def person_name(user_name: str) -> str:
    """``users/{id}`` (Chat) -> ``people/{id}`` (People API): the same id for a person."""
    return "people/" + user_name.split("/", 1)[1]


def primary_email(person: dict[str, Any]) -> str | None:
    """The person's primary address (the first one when none is marked), lowercased."""
    addresses = [a for a in person.get("emailAddresses") or [] if isinstance(a, dict) and a.get("value")]
    primary = [a for a in addresses if (a.get("metadata") or {}).get("primary")]
    chosen = (primary or addresses)[:1]
    return str(chosen[0]["value"]).lower() if chosen else None


class PeopleGateway(DiscoveryGateway):
    API, VERSION = "people", "v1"

    def emails(self, credentials: Credentials, user_names: Sequence[str]) -> dict[str, str | None]:
        """Each Chat user's email as the directory has it, or None when it does not hold them.

        One ``people.get`` for one person, ``people.getBatchGet`` (200 a call) for more.
        """
        wanted = list(dict.fromkeys(user_names))
        if len(wanted) == 1:
            return {wanted[0]: self._one(credentials, wanted[0])}
        found: dict[str, str | None] = {}
        for start in range(0, len(wanted), MAX_BATCH):
            found.update(self._batch(credentials, wanted[start:start + MAX_BATCH]))
        return found

    def _one(self, credentials: Credentials, user_name: str) -> str | None:
        request = self._resource("people").get(resourceName=person_name(user_name), personFields="emailAddresses")
        try:
            return primary_email(self._execute(credentials, request))
        except GoogleApiError as error:
            if error.kind is FailureKind.NOT_FOUND:
                return None
            raise

    def _batch(self, credentials: Credentials, user_names: list[str]) -> dict[str, str | None]:
        by_person = {person_name(name): name for name in user_names}
        request = self._resource("people").getBatchGet(resourceNames=list(by_person), personFields="emailAddresses")
        answer = self._execute(credentials, request)
        found: dict[str, str | None] = {name: None for name in user_names}
        for entry in answer.get("responses") or []:
            user_name = by_person.get(str(entry.get("requestedResourceName")))
            if user_name is None:
                continue
            status = entry.get("status") or {}
            code = int(status.get("code") or 0)
            if code == NOT_FOUND_CODE:
                continue
            if code:  # any other per-person failure fails the lookup: the caller says why
                http = int(entry.get("httpStatusCode") or 500)
                raise GoogleApiError(kind_for_status(http), http, str(status.get("message") or "lookup failed"))
            found[user_name] = primary_email(entry.get("person") or {})
        return found
