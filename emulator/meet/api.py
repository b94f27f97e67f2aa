"""Meet REST API v2 method handlers.

Every method of ``meet.v2.json`` is served here (:func:`routes`). The dispatcher has already
matched the path, authenticated the bearer token, checked the method's scopes and
parsed the body; these handlers apply Meet's own rules:

* Meet takes user credentials only: a service account acting as itself is refused
  (403 PERMISSION_DENIED); domain-wide delegation (a user principal) works.
* ``meetings.space.created`` reaches only spaces created through the same OAuth
  client; ``meetings.space.readonly`` (reads) and ``meetings.space.settings``
  (``spaces.get``/``spaces.patch``) reach any space. A space out of reach is 403.
* Within reach, the caller's role in the space decides: the owner and ``COHOST``
  members see the settings and may patch the space, end its conference and manage
  members (co-hosts cannot change artifact or moderation settings, as in Meet); plain
  members and current participants also see the active conference; anyone else gets
  the space's public fields (name, meeting code and URI, phone access).
* Conference records (and all below them) are visible to the space's owner and
  members and to signed-in participants of that conference.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from .. import schema
from ..api import ApiContext, ApiRouter
from ..errors import ApiError, invalid_argument, not_found, permission_denied
from ..tokens import SCOPE_PREFIX
from . import filters
from .model import (
    RECORDING, SMART_NOTE, TRANSCRIPT, Artifact, Conference, MeetStore, Participant, Space,
    normalise_config,
)

CREATED = SCOPE_PREFIX + "meetings.space.created"
READONLY = SCOPE_PREFIX + "meetings.space.readonly"
SETTINGS = SCOPE_PREFIX + "meetings.space.settings"

# Space fields a patch may not name in its updateMask.
IMMUTABLE_SPACE_FIELDS = {"name", "meeting_uri", "meeting_code", "active_conference", "phone_access",
                          "gateway_sip_access"}
# Config sections a co-host may not change ("they cannot configure auto artifacts or
# alter moderation settings").
HOST_ONLY_CONFIG = ("artifactConfig", "moderation", "moderationRestrictions")
MAX_BATCH = 500
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# -- helpers ---------------------------------------------------------------------------
def _store(ctx: ApiContext) -> MeetStore:
    store: MeetStore = ctx.state.meet
    store.settle()
    return store


def _require_user(ctx: ApiContext) -> None:
    if ctx.principal.is_app or not ctx.principal.user_name:
        raise permission_denied(
            "The Meet REST API accepts user credentials only; a service account acting as itself cannot call it. "
            "Authorize as a user (OAuth consent or domain-wide delegation).")


def _in_reach(ctx: ApiContext, space: Space) -> bool:
    """Does the token's scope reach this space at all?"""
    scopes, accepted = ctx.principal.scopes, ctx.method.scopes
    for broad in (READONLY, SETTINGS):
        if broad in scopes and broad in accepted:
            return True
    return CREATED in scopes and CREATED in accepted and space.client_id == ctx.principal.client_id


def _denied(kind: str = "Space") -> ApiError:
    return permission_denied(f"Permission denied on resource {kind} (or it might not exist).")


def _space(ctx: ApiContext, reference: str, *, allow_code: bool) -> Space:
    store = _store(ctx)
    space = store.find_space(reference, allow_code=allow_code)
    if space is None:
        if not allow_code and store.find_space(reference, allow_code=True) is not None:
            raise invalid_argument(
                "A meeting code is accepted only by spaces.get; address the space as spaces/{space}.", "name")
        raise not_found()
    if not _in_reach(ctx, space):
        raise _denied()
    return space


def _role(ctx: ApiContext, space: Space) -> str | None:
    return space.role_of(ctx.principal.email)


def _require_host(ctx: ApiContext, space: Space) -> str:
    role = _role(ctx, space)
    if role not in ("owner", "COHOST"):
        raise permission_denied("The caller does not have permission: only the meeting space's owner or a co-host can "
                                "do this.")
    return role  # type: ignore[return-value]


def _participated(ctx: ApiContext, conference: Conference) -> bool:
    return any(p.user_name == ctx.principal.user_name for p in conference.participants.values() if p.user_name)


def _can_see_conference(ctx: ApiContext, conference: Conference) -> bool:
    space = conference.space
    return _in_reach(ctx, space) and (_role(ctx, space) is not None or _participated(ctx, conference))


def _conference(ctx: ApiContext) -> Conference:
    _require_user(ctx)
    conference = _store(ctx).conferences.get(ctx.path_params["conferenceRecordsId"])
    if conference is None:
        raise not_found()
    if not _can_see_conference(ctx, conference):
        raise _denied("ConferenceRecord")
    return conference


def _participant(ctx: ApiContext) -> Participant:
    participant = _conference(ctx).participants.get(ctx.path_params["participantsId"])
    if participant is None:
        raise not_found()
    return participant


def _mask_paths(raw: str | None) -> list[str] | None:
    """updateMask as snake_case dotted paths; None when absent or empty."""
    if raw is None:
        return None
    paths = [".".join(schema.snake(part) for part in path.strip().split(".")) for path in raw.split(",")]
    paths = [path for path in paths if path]
    return paths or None


def _schema_paths(schema_name: str, prefix: str) -> set[str]:
    paths: set[str] = set()
    for name, prop in schema.schemas("meet")[schema_name].get("properties", {}).items():
        path = f"{prefix}.{schema.snake(name)}" if prefix else schema.snake(name)
        paths.add(path)
        if "$ref" in prop:
            paths |= _schema_paths(prop["$ref"], path)
    return paths


CONFIG_PATHS = _schema_paths("SpaceConfig", "config") | {"config"}


def _get_path(body: dict[str, Any], camel_path: list[str]) -> Any:
    value: Any = body
    for part in camel_path:
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _set_path(target: dict[str, Any], camel_path: list[str], value: Any) -> None:
    for part in camel_path[:-1]:
        target = target.setdefault(part, {})
    if value is None:
        target.pop(camel_path[-1], None)
    else:
        target[camel_path[-1]] = copy.deepcopy(value)


def _merge_provided(current: dict[str, Any], provided: dict[str, Any]) -> dict[str, Any]:
    """No updateMask: every field given a (non-default) value in the request is updated."""
    merged = copy.deepcopy(current)
    for key, value in provided.items():
        if isinstance(value, dict):
            merged[key] = _merge_provided(merged.get(key, {}) if isinstance(merged.get(key), dict) else {}, value)
        elif isinstance(value, str) and value.endswith("_UNSPECIFIED"):
            continue
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _space_view(ctx: ApiContext, space: Space) -> dict[str, Any]:
    role = _role(ctx, space)
    store: MeetStore = ctx.state.meet
    conference = store.active_conference(space)
    in_call = conference is not None and any(
        p.user_name == ctx.principal.user_name and p.open_session() is not None
        for p in conference.participants.values() if p.user_name)
    return space.to_json(with_config=role in ("owner", "COHOST"),
                         with_conference=role is not None or in_call)


# -- spaces ----------------------------------------------------------------------------
def create_space(ctx: ApiContext) -> dict[str, Any]:
    _require_user(ctx)
    # Output-only and immutable fields in the request are ignored, as Google does.
    space = _store(ctx).create_space(owner=ctx.principal.user_name or "", owner_email=ctx.principal.email,
                                     client_id=ctx.principal.client_id, config=ctx.body.get("config"))
    return space.to_json()


def get_space(ctx: ApiContext) -> dict[str, Any]:
    _require_user(ctx)
    return _space_view(ctx, _space(ctx, ctx.name, allow_code=True))


def patch_space(ctx: ApiContext) -> dict[str, Any]:
    _require_user(ctx)
    space = _space(ctx, ctx.name, allow_code=False)
    role = _require_host(ctx, space)
    paths = _mask_paths(ctx.query.get("updateMask"))
    provided = ctx.body.get("config") or {}
    if paths is None:
        new_config = normalise_config(_merge_provided(space.config, provided))
    else:
        new_config = copy.deepcopy(space.config)
        for path in paths:
            if path == "*":
                new_config = copy.deepcopy(provided)
                continue
            if path.split(".", 1)[0] in IMMUTABLE_SPACE_FIELDS:
                raise invalid_argument(f"Field '{path}' in update_mask is output only or immutable and cannot be "
                                       "updated.", "update_mask")
            if path not in CONFIG_PATHS:
                raise invalid_argument(f"Invalid field mask path '{path}': no such field in Space.", "update_mask")
            camel_path = [schema.camel(part) for part in path.split(".")][1:]
            if not camel_path:
                new_config = copy.deepcopy(provided)
            else:
                _set_path(new_config, camel_path, _get_path(provided, camel_path))
        new_config = normalise_config(new_config)
    if role == "COHOST":
        changed = [key for key in HOST_ONLY_CONFIG if new_config.get(key) != space.config.get(key)]
        if changed:
            raise permission_denied("The caller does not have permission: co-hosts cannot change "
                                    + ", ".join(f"config.{key}" for key in changed) + ".")
    space.config = new_config
    return _space_view(ctx, space)


def end_active_conference(ctx: ApiContext) -> dict[str, Any]:
    _require_user(ctx)
    space = _space(ctx, ctx.name, allow_code=False)
    _require_host(ctx, space)
    ctx.state.meet.end_conference(space)  # "Ends an active conference (if there's one)."
    return {}


# -- spaces.members --------------------------------------------------------------------
def _member_space(ctx: ApiContext, *, manage: bool) -> Space:
    _require_user(ctx)
    space = _space(ctx, f"spaces/{ctx.path_params['spacesId']}", allow_code=False)
    if manage:
        _require_host(ctx, space)
    elif _role(ctx, space) is None:
        raise permission_denied("The caller does not have permission: only the owner and members of the meeting space "
                                "can read its members.")
    return space


def _member_of(space: Space, member_name: str) -> Any:
    prefix = f"{space.name}/members/"
    member = space.members.get(member_name[len(prefix):]) if member_name.startswith(prefix) else None
    if member is None:
        raise not_found()
    return member


def create_member(ctx: ApiContext) -> dict[str, Any]:
    space = _member_space(ctx, manage=True)
    email = ctx.body.get("email")
    if not email:
        raise invalid_argument("email is required to create a member.", "member.email")
    if not EMAIL.match(email):
        raise invalid_argument(f"Invalid email address: {email!r}.", "member.email")
    member = ctx.state.meet.add_member(space, email, ctx.body.get("role") or "ROLE_UNSPECIFIED")
    return member.to_json()


def get_member(ctx: ApiContext) -> dict[str, Any]:
    space = _member_space(ctx, manage=False)
    return _member_of(space, ctx.name).to_json()


def list_members(ctx: ApiContext) -> dict[str, Any]:
    space = _member_space(ctx, manage=False)
    return ctx.page(list(space.members.values())).body("members", lambda member: member.to_json())


def _updated_member(current: Any, provided: dict[str, Any], paths: list[str] | None, where: str) -> str:
    """The member's new role after applying ``provided`` under ``paths``."""
    if provided.get("email") and provided["email"].lower() != current.email:
        if paths is None or "*" in paths or "email" in paths:
            raise invalid_argument("Field 'email' of a member is immutable.", f"{where}.email")
    if paths is None:
        role = provided.get("role")
        return role if role and role != "ROLE_UNSPECIFIED" else current.role
    role = current.role
    for path in paths:
        if path in ("*", "role"):
            role = provided.get("role") or "ROLE_UNSPECIFIED"
        elif path in ("name", "email"):
            raise invalid_argument(f"Field '{path}' in update_mask is immutable and cannot be updated.", "update_mask")
        else:
            raise invalid_argument(f"Invalid field mask path '{path}': no such field in Member.", "update_mask")
    return role


def patch_member(ctx: ApiContext) -> dict[str, Any]:
    space = _member_space(ctx, manage=True)
    member = _member_of(space, ctx.name)
    member.role = _updated_member(member, ctx.body, _mask_paths(ctx.query.get("updateMask")), "member")
    return member.to_json()


def delete_member(ctx: ApiContext) -> dict[str, Any]:
    space = _member_space(ctx, manage=True)
    ctx.state.meet.remove_member(space, _member_of(space, ctx.name).id)
    return {}


def batch_update_members(ctx: ApiContext) -> dict[str, Any]:
    space = _member_space(ctx, manage=True)
    requests = ctx.body.get("requests") or []
    if not requests:
        raise invalid_argument("requests is required.", "requests")
    if len(requests) > MAX_BATCH:
        raise invalid_argument(f"A maximum of {MAX_BATCH} members can be modified in a batch.", "requests")
    top_mask = _mask_paths(ctx.body.get("updateMask"))
    planned: list[tuple[Any, str]] = []
    seen: set[str] = set()
    for index, request in enumerate(requests):
        where = f"requests[{index}]"
        child_mask = _mask_paths(request.get("updateMask"))
        if child_mask is not None and top_mask is None:
            raise invalid_argument("A child update_mask requires the same top-level update_mask.",
                                   f"{where}.update_mask")
        if child_mask is not None and sorted(child_mask) != sorted(top_mask or []):
            raise invalid_argument("A child update_mask must be the same as the top-level update_mask.",
                                   f"{where}.update_mask")
        provided = request.get("member") or {}
        name = provided.get("name") or ""
        if not name:
            raise invalid_argument("member.name is required.", f"{where}.member.name")
        if not name.startswith(f"{space.name}/members/"):
            raise invalid_argument(f"Member {name} is not in the parent {space.name}.", f"{where}.member.name")
        if name in seen:
            raise invalid_argument(f"Member {name} appears more than once in the batch.", f"{where}.member.name")
        seen.add(name)
        member = _member_of(space, name)
        # Both masks absent: every field is replaced, unset ones cleared.
        paths = top_mask if top_mask is not None else ["*"]
        planned.append((member, _updated_member(member, provided, paths, f"{where}.member")))
    for member, role in planned:  # all or nothing
        member.role = role
    return {"members": [member.to_json() for member, _ in planned]}


# -- conference records -----------------------------------------------------------------
def get_conference_record(ctx: ApiContext) -> dict[str, Any]:
    return _conference(ctx).to_json()


def list_conference_records(ctx: ApiContext) -> dict[str, Any]:
    _require_user(ctx)
    conditions = filters.parse(ctx.query.get("filter"), filters.CONFERENCE_RECORD_FIELDS)
    store = _store(ctx)
    records = [c for c in store.conferences.values()
               if _can_see_conference(ctx, c) and filters.matches(conditions, c.filter_fields())]
    records.sort(key=lambda c: (c.start, c.id), reverse=True)  # start time, descending
    return ctx.page(records).body("conferenceRecords", lambda c: c.to_json())


def get_participant(ctx: ApiContext) -> dict[str, Any]:
    return _participant(ctx).to_json()


def list_participants(ctx: ApiContext) -> dict[str, Any]:
    conference = _conference(ctx)
    conditions = filters.parse(ctx.query.get("filter"), filters.PARTICIPANT_FIELDS)
    items = [p for p in conference.participants.values() if filters.matches(conditions, p.filter_fields())]
    order = {pid: index for index, pid in enumerate(conference.participants)}
    items.sort(key=lambda p: (p.earliest_start, order[p.id]), reverse=True)  # join time, descending
    return ctx.page(items).body("participants", lambda p: p.to_json())


def get_participant_session(ctx: ApiContext) -> dict[str, Any]:
    participant = _participant(ctx)
    session_id = ctx.path_params["participantSessionsId"]
    session = next((s for s in participant.sessions if s.id == session_id), None)
    if session is None:
        raise not_found()
    return session.to_json()


def list_participant_sessions(ctx: ApiContext) -> dict[str, Any]:
    participant = _participant(ctx)
    conditions = filters.parse(ctx.query.get("filter"), filters.PARTICIPANT_SESSION_FIELDS)
    items = [s for s in participant.sessions if filters.matches(conditions, s.filter_fields())]
    order = {id(s): index for index, s in enumerate(participant.sessions)}
    items.sort(key=lambda s: (s.start, order[id(s)]), reverse=True)  # join time, descending
    return ctx.page(items).body("participantSessions", lambda s: s.to_json())


def _artifacts(ctx: ApiContext, kind: str) -> list[Artifact]:
    conference = _conference(ctx)
    items = list(conference.artifacts[kind].values())
    order = {a.id: index for index, a in enumerate(items)}
    items.sort(key=lambda a: (a.start, order[a.id]))  # start time, ascending
    return items


def _artifact(ctx: ApiContext, kind: str, id_param: str) -> Artifact:
    artifact = _conference(ctx).artifacts[kind].get(ctx.path_params[id_param])
    if artifact is None:
        raise not_found()
    return artifact


def _list_artifacts(ctx: ApiContext, kind: str, field: str) -> dict[str, Any]:
    now = ctx.state.meet.now()
    return ctx.page(_artifacts(ctx, kind)).body(field, lambda a: a.to_json(now))


def get_recording(ctx: ApiContext) -> dict[str, Any]:
    return _artifact(ctx, RECORDING, "recordingsId").to_json(ctx.state.meet.now())


def list_recordings(ctx: ApiContext) -> dict[str, Any]:
    return _list_artifacts(ctx, RECORDING, "recordings")


def get_transcript(ctx: ApiContext) -> dict[str, Any]:
    return _artifact(ctx, TRANSCRIPT, "transcriptsId").to_json(ctx.state.meet.now())


def list_transcripts(ctx: ApiContext) -> dict[str, Any]:
    return _list_artifacts(ctx, TRANSCRIPT, "transcripts")


def get_smart_note(ctx: ApiContext) -> dict[str, Any]:
    return _artifact(ctx, SMART_NOTE, "smartNotesId").to_json(ctx.state.meet.now())


def list_smart_notes(ctx: ApiContext) -> dict[str, Any]:
    return _list_artifacts(ctx, SMART_NOTE, "smartNotes")


def _entries(ctx: ApiContext) -> list[Any]:
    transcript = _artifact(ctx, TRANSCRIPT, "transcriptsId")
    if transcript.end is None:  # entries are readable once the transcript has ended
        return []
    return transcript.entries  # kept in start order, ascending, as Meet lists them


def get_transcript_entry(ctx: ApiContext) -> dict[str, Any]:
    entry = next((e for e in _entries(ctx) if e.id == ctx.path_params["entriesId"]), None)
    if entry is None:
        raise not_found()
    return entry.to_json()


def list_transcript_entries(ctx: ApiContext) -> dict[str, Any]:
    return ctx.page(_entries(ctx)).body("transcriptEntries", lambda e: e.to_json())


def routes(router: ApiRouter) -> None:
    """Serve Meet v2's methods with the handlers above."""
    router.add("meet", {
        "spaces.create": create_space,
        "spaces.get": get_space,
        "spaces.patch": patch_space,
        "spaces.endActiveConference": end_active_conference,
        "spaces.members.create": create_member,
        "spaces.members.get": get_member,
        "spaces.members.list": list_members,
        "spaces.members.patch": patch_member,
        "spaces.members.delete": delete_member,
        "spaces.members.batchUpdate": batch_update_members,
        "conferenceRecords.get": get_conference_record,
        "conferenceRecords.list": list_conference_records,
        "conferenceRecords.participants.get": get_participant,
        "conferenceRecords.participants.list": list_participants,
        "conferenceRecords.participants.participantSessions.get": get_participant_session,
        "conferenceRecords.participants.participantSessions.list": list_participant_sessions,
        "conferenceRecords.recordings.get": get_recording,
        "conferenceRecords.recordings.list": list_recordings,
        "conferenceRecords.transcripts.get": get_transcript,
        "conferenceRecords.transcripts.list": list_transcripts,
        "conferenceRecords.smartNotes.get": get_smart_note,
        "conferenceRecords.smartNotes.list": list_smart_notes,
        "conferenceRecords.transcripts.entries.get": get_transcript_entry,
        "conferenceRecords.transcripts.entries.list": list_transcript_entries,
    })
