"""The meeting controls on the join card, and the one place button shapes follow the
Chat app's event format.

:func:`control_actions` decides which buttons a meeting shows; every place that draws
the join card (its creation, each sync, a Refresh) goes through
:func:`bot.card_publishing.render_join_card`, which uses it, so the buttons can never
differ between drawings.

Button parameters carry only the meeting id: what the button is *about*. Handlers find
the meeting from the clicked message and check the parameter agrees; who may act is
decided from the app's records and Meet's member list, never from a parameter.
"""

from __future__ import annotations

from typing import Any

from domain import AccessType, Meeting, MeetingStatus

from .widgets import CardAction, Json

# Invoked function names (classic ``invokedFunction``; the add-on ``action`` parameter).
END = "meeting_end"
LOCK = "meeting_lock"
UNLOCK = "meeting_unlock"
SETTINGS = "meeting_settings"  # opens the meeting settings dialog
SETTINGS_SAVE = "meeting_settings_save"  # the dialog's Save
REFRESH = "meeting_refresh"
SPACE_SETTINGS_SAVE = "space_settings_save"  # /meetsettings' Save

MEETING_PARAMETER = "meeting"  # the meeting id, as a string
ADDON_ACTION_PARAMETER = "action"  # add-on buttons name the endpoint; the action travels here

CONTROLLING = frozenset({END, LOCK, UNLOCK, SETTINGS, SETTINGS_SAVE})  # organizer and co-hosts only


def control_actions(meeting: Meeting) -> list[CardAction]:
    """The buttons after Join for ``meeting`` as it stands, in order.

    End only while a call runs (there is nothing to end otherwise); Lock or Unlock by
    the current access type; Settings and Refresh always (a meeting link stays usable
    after a call, so its settings still matter).
    """
    if meeting.id is None:
        return []
    target = {MEETING_PARAMETER: str(meeting.id)}
    actions: list[CardAction] = []
    if meeting.status is MeetingStatus.IN_PROGRESS:
        actions.append(CardAction.invoke("End for everyone", END, target, icon="call_end"))
    if (meeting.access_type or meeting.settings.access_type) is AccessType.RESTRICTED:
        actions.append(CardAction.invoke("Unlock", UNLOCK, target, icon="lock_open"))
    else:
        actions.append(CardAction.invoke("Lock", LOCK, target, icon="lock"))
    actions.append(CardAction.invoke("Settings", SETTINGS, target, icon="settings", opens_dialog=True))
    actions.append(CardAction.invoke("Refresh", REFRESH, target, icon="refresh"))
    return actions


def shape_actions(body: Json, *, event_format: str, endpoint_url: str | None) -> Json:
    """``body`` (a message or a card) with every button shaped for the app's event format.

    Builders always write classic actions (``function`` = the action's name). A Chat
    app built as a Workspace add-on must instead name its HTTP endpoint as every
    action's ``function``; the action's name then travels as the ``action`` parameter
    (``bot.chat_events`` reads it back from there). Returns a new structure; ``body`` is
    not modified. Without an endpoint URL nothing can be rewritten, so the names stay.
    """
    if event_format != "addon" or not endpoint_url:
        return body
    return _rewrite(body, endpoint_url)


def _rewrite(value: Any, endpoint_url: str) -> Any:
    if isinstance(value, list):
        return [_rewrite(item, endpoint_url) for item in value]
    if not isinstance(value, dict):
        return value
    result: dict[str, Any] = {}
    for key, item in value.items():
        if key in ("action", "onChangeAction") and isinstance(item, dict) and isinstance(item.get("function"), str):
            result[key] = _addon_action(item, endpoint_url)
        else:
            result[key] = _rewrite(item, endpoint_url)
    return result


def _addon_action(action: dict[str, Any], endpoint_url: str) -> dict[str, Any]:
    name = action["function"]
    if name.startswith(("https://", "http://")):
        return dict(action)  # already an endpoint
    parameters = [p for p in action.get("parameters") or [] if p.get("key") != ADDON_ACTION_PARAMETER]
    return {**action, "function": endpoint_url,
            "parameters": [{"key": ADDON_ACTION_PARAMETER, "value": name}, *parameters]}


def notice_message(text: str) -> Json:
    """A short answer as a one-paragraph card (often private to one person).

    A card rather than ``Message.text``: these answers name people (the organizer,
    co-hosts), and Chat's text syntax cannot escape a display name such as
    ``<users/all>``; a card's HTML field can.
    """
    from .markup import escape
    from .widgets import card, card_message, card_with_id, section, text_paragraph

    entry = card_with_id("notice", card("Google Meet", [section([text_paragraph(escape(text))])]))
    return card_message(entry, "A note about a Google Meet meeting")
