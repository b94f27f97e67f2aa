"""The organization's directory, as the People API shows it to one caller.

The directory is the emulator's users, seen per organization: a user of
``example.com`` reading the directory finds the ``example.com`` users, and nobody else
(people of other domains, groups and unknown ids are not in it, as with Google, where
``directory.readonly`` reads the caller's own Workspace directory). A person comes back
as a ``DOMAIN_PROFILE`` with only the ``personFields`` asked for; fields the emulator
keeps nothing for (addresses, birthdays, …) are valid to ask for and come back absent,
as Google omits empty fields.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from ..discovery import find_method
from ..state import EmulatorState, User
from ..tokens import Principal

SOURCE_TYPE = "DOMAIN_PROFILE"
DEFAULT_PHOTO = "https://lh3.googleusercontent.com/a/default-user=s100"


def valid_person_fields() -> frozenset[str]:
    """The personFields paths the discovery document lists ("Valid values are: * addresses …")."""
    description = find_method("people", "people.get").parameters["personFields"]["description"]
    return frozenset(re.findall(r"\*\s+([A-Za-z]+)", description.split("Valid values are:", 1)[1]))


def member_of_directory(state: EmulatorState, caller: Principal, person_id: str) -> User | None:
    """The user ``people/{person_id}`` names, if the caller's directory holds them."""
    if not caller.is_user or caller.user_name is None:
        return None  # a service account acting as itself has no organization to read
    me = state.users.get(caller.user_name)
    if me is None:
        return None
    if person_id == "me":
        return me
    found = state.users.get(f"users/{person_id}")
    return found if found is not None and found.domain == me.domain else None


def _etag(*parts: str) -> str:
    digest = hashlib.sha256("|".join(parts).encode()).digest()[:18]
    return "%" + base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _field_metadata(user: User, *, verified: bool = False) -> dict[str, Any]:
    metadata: dict[str, Any] = {"primary": True, "sourcePrimary": True, "source": {"type": SOURCE_TYPE, "id": user.id}}
    if verified:
        metadata["verified"] = True
    return metadata


def person_json(user: User, fields: frozenset[str]) -> dict[str, Any]:
    """``user``'s directory profile as a ``Person`` with ``fields`` (camelCase paths)."""
    person: dict[str, Any] = {"resourceName": f"people/{user.id}", "etag": _etag(user.name, user.email,
                                                                                  user.display_name, *sorted(fields))}
    if "metadata" in fields:
        person["metadata"] = {"sources": [{"type": SOURCE_TYPE, "id": user.id, "etag": _etag(user.name, user.email)}],
                              "objectType": "PERSON"}
    if "names" in fields:
        given, _, family = user.display_name.partition(" ")
        name: dict[str, Any] = {"metadata": _field_metadata(user), "displayName": user.display_name,
                                "givenName": given, "unstructuredName": user.display_name}
        if family:
            name["familyName"] = family
            name["displayNameLastFirst"] = f"{family}, {given}"
        else:
            name["displayNameLastFirst"] = given
        person["names"] = [name]
    if "emailAddresses" in fields:
        person["emailAddresses"] = [{"metadata": _field_metadata(user, verified=True), "value": user.email}]
    if "photos" in fields:
        person["photos"] = [{"metadata": _field_metadata(user), "url": DEFAULT_PHOTO, "default": True}]
    return person
