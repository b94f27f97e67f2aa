"""The two settings dialogs: one meeting's Meet settings, and a Chat space's defaults.

Pure builders; ``bot.controls.forms`` reads the submitted values back using the input
names defined here. A dialog redrawn after a refused submission shows what the person
chose (not what was saved) and the error at the top, so nothing they entered is lost.
"""

from __future__ import annotations

from typing import Sequence

from domain import AccessType, Meeting, MeetingSettings, ModerationRestrictions, Restriction

from .buttons import MEETING_PARAMETER, SETTINGS_SAVE, SPACE_SETTINGS_SAVE
from .join_card import card_title
from .markup import bold, clip, escape, lines
from .widgets import (
    CardAction,
    Choice,
    Json,
    button_list,
    decorated_text,
    dialog_card,
    section,
    selection_input,
    text_paragraph,
)

# Form input names (the keys of ``formInputs``).
ACCESS = "access_type"
MODERATION = "moderation"
RESTRICTIONS = "restrictions"
AUTO = "auto"
SUMMARY = "summary"

# Values.
DEFAULT = "DEFAULT"  # "leave it to the organizer's Workspace defaults" (space defaults only)
ON, OFF = "ON", "OFF"
CHAT_HOSTS_ONLY = "chat_hosts_only"
REACTIONS_HOSTS_ONLY = "reactions_hosts_only"
PRESENTING_HOSTS_ONLY = "presenting_hosts_only"
JOIN_AS_VIEWER = "join_as_viewer"
RECORDING, TRANSCRIPTION, SMART_NOTES = "recording", "transcription", "smart_notes"
POST_SUMMARY, LIST_ABSENT, NEXT_STEPS = "post_summary", "list_absent", "next_steps"

ACCESS_CHOICES: dict[AccessType, str] = {
    AccessType.OPEN: "Open: anyone with the link joins without asking",
    AccessType.TRUSTED: "Trusted: your organization and invited guests join without asking",
    AccessType.RESTRICTED: "Restricted: only invited people join without asking",
}
RESTRICTION_CHOICES = (
    (CHAT_HOSTS_ONLY, "Only hosts can send chat messages"),
    (REACTIONS_HOSTS_ONLY, "Only hosts can send reactions"),
    (PRESENTING_HOSTS_ONLY, "Only hosts can present"),
    (JOIN_AS_VIEWER, "People join as viewers"),
)
AUTO_CHOICES = (
    (RECORDING, "Record automatically"),
    (TRANSCRIPTION, "Transcribe automatically"),
    (SMART_NOTES, "Take smart notes automatically"),
)
SUMMARY_CHOICES = (
    (POST_SUMMARY, "Post a summary in the meeting's thread when a call ends"),
    (LIST_ABSENT, "List space members who didn't join in the summary"),
    (NEXT_STEPS, "Next steps from the transcript: who does what, decisions and key points "
                 "(the transcript itself is never kept)"),
)
HOST_ONLY_NOTE = ("Only the organizer can change moderation and automatic recording, transcription and "
                  "smart notes (Google Meet's rule for co-hosts).")
ERROR_COLOR = "#d93025"


def restriction_values(restrictions: ModerationRestrictions) -> set[str]:
    """The restriction switches that are on."""
    values = set()
    if restrictions.chat is Restriction.HOSTS_ONLY:
        values.add(CHAT_HOSTS_ONLY)
    if restrictions.reactions is Restriction.HOSTS_ONLY:
        values.add(REACTIONS_HOSTS_ONLY)
    if restrictions.presenting is Restriction.HOSTS_ONLY:
        values.add(PRESENTING_HOSTS_ONLY)
    if restrictions.join_as_viewer:
        values.add(JOIN_AS_VIEWER)
    return values


def auto_values(settings: MeetingSettings) -> set[str]:
    return {value for value, on in ((RECORDING, settings.auto_recording), (TRANSCRIPTION, settings.auto_transcription),
                                    (SMART_NOTES, settings.auto_smart_notes)) if on}


def error_widgets(error: str | None) -> list[Json]:
    """The reason a submission was refused, in red at the top of the dialog."""
    if not error:
        return []
    return [text_paragraph(f'<font color="{ERROR_COLOR}">{bold(escape(error))}</font>')]


def _switches(name: str, label: str, choices: Sequence[tuple[str, str]], on: set[str]) -> Json:
    return selection_input(name, label, [Choice(text, value, value in on) for value, text in choices], kind="SWITCH")


def meeting_settings_dialog(meeting: Meeting, current: MeetingSettings, *, may_change_host_only: bool,
                            error: str | None = None) -> Json:
    """The Settings dialog of one meeting, showing ``current`` (as Meet reports it).

    Co-hosts see moderation and automatic artifacts but cannot change them: Meet does
    not let co-hosts change those, and the app does not lend them the organizer's power.
    """
    access = current.access_type or AccessType.TRUSTED
    sections: list[Json] = [
        section([*error_widgets(error), text_paragraph(bold(escape(clip(card_title(meeting), 120))))]),
        section([selection_input(ACCESS, "Who can join without asking", [
            Choice(text, kind.value, kind is access) for kind, text in ACCESS_CHOICES.items()], kind="RADIO_BUTTON")],
            header_html="Access"),
    ]
    if may_change_host_only:
        sections.append(section([
            _switches(MODERATION, "Host management", [(ON, "Moderation: hosts control the meeting")],
                      {ON} if current.moderation else set()),
            _switches(RESTRICTIONS, "When moderation is on", RESTRICTION_CHOICES,
                      restriction_values(current.restrictions)),
        ], header_html="Moderation"))
        sections.append(section([_switches(AUTO, "When a call starts", AUTO_CHOICES, auto_values(current))],
                                header_html="Recording, transcript and notes"))
    else:
        sections.append(section([decorated_text(escape(_host_only_summary(current)), icon="shield"),
                                 decorated_text(escape(HOST_ONLY_NOTE), icon="info")],
                                header_html="Moderation, recording, transcript and notes"))
    save = CardAction.invoke("Save", SETTINGS_SAVE, {MEETING_PARAMETER: str(meeting.id)}, icon="save", filled=True)
    sections.append(section([button_list([save])]))
    return dialog_card("Meeting settings", sections)


def _host_only_summary(settings: MeetingSettings) -> str:
    automatic = [text.split(" ", 1)[0] for value, text in AUTO_CHOICES if value in auto_values(settings)]
    return (f"Moderation {'on' if settings.moderation else 'off'}; automatic: "
            + (", ".join(word.lower() for word in automatic) if automatic else "nothing"))


def space_settings_dialog(defaults: MeetingSettings, *, space_name: str = "", error: str | None = None) -> Json:
    """``/meetsettings``: the defaults every later ``/meet`` in this space starts from."""
    access = defaults.access_type.value if defaults.access_type else DEFAULT
    moderation = DEFAULT if defaults.moderation is None else ON if defaults.moderation else OFF
    intro = "New meetings created with /meet in this space start with these settings."
    if space_name:
        intro = f"New meetings created with /meet in {space_name} start with these settings."
    summary_on = {value for value, on in ((POST_SUMMARY, defaults.post_summary), (LIST_ABSENT, defaults.list_absent),
                                          (NEXT_STEPS, defaults.next_steps)) if on}
    sections = [
        section([*error_widgets(error), text_paragraph(escape(intro))]),
        section([selection_input(ACCESS, "Who can join without asking", [
            Choice("Organization default", DEFAULT, access == DEFAULT),
            *(Choice(text, kind.value, kind.value == access) for kind, text in ACCESS_CHOICES.items())],
            kind="RADIO_BUTTON")], header_html="Access"),
        section([
            selection_input(MODERATION, "Host management (moderation)", [
                Choice("Organization default", DEFAULT, moderation == DEFAULT),
                Choice("On: hosts control the meeting", ON, moderation == ON),
                Choice("Off", OFF, moderation == OFF)]),
            _switches(RESTRICTIONS, "When moderation is on", RESTRICTION_CHOICES,
                      restriction_values(defaults.restrictions)),
        ], header_html="Moderation"),
        section([_switches(AUTO, "When a call starts", AUTO_CHOICES, auto_values(defaults)),
                 text_paragraph(lines(escape("People are told on the join card when something starts "
                                             "automatically.")))],
                header_html="Recording, transcript and notes"),
        section([_switches(SUMMARY, "After each call", SUMMARY_CHOICES, summary_on)], header_html="Summary"),
        section([button_list([CardAction.invoke("Save", SPACE_SETTINGS_SAVE, icon="save", filled=True)])]),
    ]
    return dialog_card("Meeting defaults for this space", sections)
