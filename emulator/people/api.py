"""People API v1: ``people.get`` and ``people.getBatchGet``, as directory lookups.

``GET /v1/people/{id}?personFields=…`` and ``GET /v1/people:batchGet?resourceNames=…&personFields=…``
at Google's paths. Calls and faults name them ``api: "people"``, ``method: "people.get"``
or ``"people.getBatchGet"``.

The dispatcher has already authenticated the token and checked that it carries one of
the methods' scopes (``directory.readonly``, ``contacts…``, ``userinfo.profile``, …).
What the People API checks beyond that is applied here:

* ``personFields`` (or the deprecated ``requestMask.includeField``, paths ``person.x``)
  is required and each path must be one the discovery document lists: 400
  INVALID_ARGUMENT otherwise, before anything is looked up.
* ``people/me`` is the caller, with any of the methods' scopes. Anyone else is read from
  the organization's directory, which takes ``directory.readonly``: a token without it is
  403 PERMISSION_DENIED (insufficient scopes), whoever it asks for.
* The directory holds the caller's organization (its domain) only: people of other
  domains, groups and unknown ids are 404 NOT_FOUND (``people.get``) or an entry with
  status NOT_FOUND (``people.getBatchGet``, which answers every name in order).
* ``sources`` without ``READ_SOURCE_TYPE_PROFILE`` excludes profiles (the emulator keeps
  no contacts), so nobody is found.
* ``people.getBatchGet`` takes 1 to 200 resource names, each ``people/{id}``.
"""

from __future__ import annotations

from typing import Any

from ..api import ApiContext, ApiRouter, insufficient_scopes
from ..errors import invalid_argument, not_found
from ..tokens import SCOPE_PREFIX
from .directory import member_of_directory, person_json, valid_person_fields

DIRECTORY_SCOPE = SCOPE_PREFIX + "directory.readonly"
MAX_BATCH = 200  # "There is a maximum of 200 resource names." (the discovery document)
PROFILE_SOURCE = "READ_SOURCE_TYPE_PROFILE"
NOT_FOUND_MESSAGE = "Requested entity was not found."
FIELDS_DOCUMENTED_AT = "https://developers.google.com/people/api/rest/v1/people/get"


def _person_fields(ctx: ApiContext) -> frozenset[str]:
    raw = ctx.query.get("personFields", "")
    paths = [path.strip() for path in raw.split(",") if path.strip()]
    if not paths:  # the deprecated request mask names the same fields as person.<field>
        legacy = ctx.query.get("requestMask.includeField", "")
        paths = [path.strip().removeprefix("person.") for path in legacy.split(",") if path.strip()]
    if not paths:
        raise invalid_argument("personFields mask is required. Please specify one or more valid paths. "
                               f"Valid paths are documented at {FIELDS_DOCUMENTED_AT}.", "person_fields")
    valid = valid_person_fields()
    for path in paths:
        if path not in valid:
            raise invalid_argument(f'Invalid personFields mask path: "{path}". Valid paths are documented at '
                                   f"{FIELDS_DOCUMENTED_AT}.", "person_fields")
    return frozenset(paths)


def _reads_profiles(ctx: ApiContext) -> bool:
    sources = ctx.values("sources")
    spec = ctx.method.parameters["sources"]
    for value in sources:
        if value not in spec["enum"]:
            raise invalid_argument(f"Invalid value at 'sources', \"{value}\"", "sources")
    return not sources or PROFILE_SOURCE in sources


def _require_directory_scope(ctx: ApiContext, names: list[str]) -> None:
    if any(name != "people/me" for name in names) and DIRECTORY_SCOPE not in ctx.principal.scopes:
        raise insufficient_scopes(ctx.method, frozenset({DIRECTORY_SCOPE}))


def _lookup(ctx: ApiContext, name: str, fields: frozenset[str], profiles: bool) -> dict[str, Any] | None:
    user = member_of_directory(ctx.state, ctx.principal, name.split("/", 1)[1]) if profiles else None
    return person_json(user, fields) if user is not None else None


def get_person(ctx: ApiContext) -> dict[str, Any]:
    fields = _person_fields(ctx)
    profiles = _reads_profiles(ctx)
    _require_directory_scope(ctx, [ctx.name])
    person = _lookup(ctx, ctx.name, fields, profiles)
    if person is None:
        raise not_found(NOT_FOUND_MESSAGE)
    return person


def batch_get_people(ctx: ApiContext) -> dict[str, Any]:
    names = ctx.values("resourceNames")
    fields = _person_fields(ctx)
    profiles = _reads_profiles(ctx)
    if not names:
        raise invalid_argument("Must specify at least one resource name.", "resource_names")
    if len(names) > MAX_BATCH:
        raise invalid_argument(f"Too many resource names: at most {MAX_BATCH} may be requested at once.",
                               "resource_names")
    for name in names:
        parts = name.split("/")
        if len(parts) != 2 or parts[0] != "people" or not parts[1]:
            raise invalid_argument(f"Resource name \"{name}\" is not a valid person resource name: it must be "
                                   "people/{id}.", "resource_names")
    _require_directory_scope(ctx, names)
    responses = []
    for name in names:
        person = _lookup(ctx, name, fields, profiles)
        if person is None:
            responses.append({"requestedResourceName": name, "httpStatusCode": 404,
                              "status": {"code": 5, "message": NOT_FOUND_MESSAGE}})
        else:
            responses.append({"requestedResourceName": name, "httpStatusCode": 200, "person": person, "status": {}})
    return {"responses": responses}


def routes(router: ApiRouter) -> None:
    """Serve People v1's methods with the handlers above."""
    router.add("people", {
        "people.get": get_person,
        "people.getBatchGet": batch_get_people,
    })
