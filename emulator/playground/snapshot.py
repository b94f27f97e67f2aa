"""One read-only picture of the emulated world, as the playground page shows it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..chat import delivery
from ..chat.model import APP_USER
from ..clock import rfc3339
from ..meet.model import ARTIFACT_KINDS, COLLECTIONS, Conference, Space
from domain.commands import COMMAND_HINTS

if TYPE_CHECKING:
    from ..state import EmulatorState

# What the composer suggests beside each registered command comes from the app's catalogue;
# commands the emulator is configured with but the catalogue lacks are suggested without one.


def snapshot(world: EmulatorState, space_name: str | None) -> dict[str, Any]:
    with world.lock:
        world.meet.settle()
        chat = world.chat
        now = world.clock.time()
        spaces = []
        for space in chat.spaces.values():
            body = space.to_json()
            body["appInstalled"] = space.app_installed and chat.is_member(space.name, APP_USER)
            body["members"] = [m.member for m in chat.members_of(space.name) if m.member != APP_USER]
            spaces.append(body)
        messages: list[dict[str, Any]] = []
        if space_name and space_name in chat.spaces:
            for stored in chat.messages_in(space_name, include_private=True):
                message = chat.message_json(stored)
                if stored.action_response:  # kept by the emulator for REQUEST_CONFIG prompts
                    message["actionResponse"] = dict(stored.action_response)
                messages.append(message)
        return {
            "now": rfc3339(now),
            "app": {"name": chat.app_user_name, "displayName": chat.app_display_name},
            "commands": [{"name": name, "id": str(command_id), "hint": COMMAND_HINTS.get(name, "")}
                         for name, command_id in sorted(world.config.commands.items(), key=lambda kv: kv[1])],
            "users": [user.to_json() for user in world.users.values()],
            "spaces": spaces,
            "space": space_name,
            "messages": messages,
            "meetings": [_meeting(world, space, now) for space in
                         sorted(world.meet.spaces.values(), key=lambda s: s.created, reverse=True)],
            "dialogs": [{"user": user, "space": d.space, "message": d.message, "body": d.card}
                        for user, d in delivery.open_dialogs(world).items()],
        }


def _meeting(world: EmulatorState, space: Space, now: float) -> dict[str, Any]:
    conferences = world.meet.conferences_of(space)
    active = world.meet.active_conference(space)
    latest: Conference | None = active or (max(conferences, key=lambda c: c.start) if conferences else None)
    title, chat_space = _join_card_of(world, space)
    body: dict[str, Any] = {
        "name": space.name, "meetingCode": space.meeting_code, "meetingUri": space.meeting_uri,
        "owner": space.owner, "ownerEmail": space.owner_email, "title": title, "chatSpace": chat_space,
        "accessType": (space.config or {}).get("accessType"), "active": active is not None,
        "conferences": len(conferences), "inCall": [], "latest": None,
    }
    if active is not None:
        body["inCall"] = [{"participant": p.name, "kind": p.kind, "key": p.key, "displayName": p.display_name,
                           "user": p.user_name}
                          for p in sorted(active.participants.values(), key=lambda p: p.earliest_start)
                          if p.open_session() is not None]
    if latest is not None:
        body["latest"] = {
            "name": latest.name, "startTime": rfc3339(latest.start),
            "endTime": rfc3339(latest.end) if latest.end is not None else None,
            "artifacts": {COLLECTIONS[kind]: [a.state_at(now) for a in latest.artifacts[kind].values()]
                          for kind in ARTIFACT_KINDS},
        }
    return body


def _join_card_of(world: EmulatorState, space: Space) -> tuple[str | None, str | None]:
    """The title and Chat space of the card the app posted for this meeting, if any."""
    code = space.meeting_code
    for stored in world.chat.messages.values():
        if stored.sender != APP_USER or stored.delete_time is not None:
            continue
        if stored.client_assigned_id == f"client-meet-{code}" or (
                stored.body.get("cardsV2") and space.meeting_uri in json.dumps(stored.body)):
            cards = stored.body.get("cardsV2") or []
            header = ((cards[0].get("card") or {}).get("header") or {}) if cards else {}
            return header.get("title"), stored.space
    return None, None
