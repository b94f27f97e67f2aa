"""Reading the settings dialogs back: submitted form inputs -> settings, or why not.

Pure functions. Every value is checked against the choices the dialog offered, since a
client can submit anything; a refusal names the problem in words for the dialog.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Mapping, Union

from cards import settings as form

from domain import AccessType, MeetingSettings, ModerationRestrictions, Restriction

Inputs = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class FormError:
    message: str


RESTRICTIONS_NEED_MODERATION = ("Restrictions on chat, reactions and presenting, and joining as a viewer, only "
                                "apply while moderation is on: turn moderation on, or turn those off.")
ABSENT_NEEDS_SUMMARY = ("The list of people who didn't join is part of the summary: turn on \"Post a summary\", "
                        "or turn the list off.")
NEXT_STEPS_NEED_SUMMARY = ("Next steps from the transcript are shown in the summary: turn on \"Post a summary\", "
                           "or turn next steps off.")
HOST_ONLY = ("Only the organizer can change moderation and automatic recording, transcription and smart notes.")


def _one(inputs: Inputs, name: str, allowed: set[str], what: str) -> Union[str, FormError]:
    values = inputs.get(name, ())
    if len(values) != 1 or values[0] not in allowed:
        return FormError(f"Choose {what}.")
    return values[0]


def _switches(inputs: Inputs, name: str, allowed: set[str]) -> Union[set[str], FormError]:
    values = set(inputs.get(name, ()))  # nothing selected: Chat sends nothing
    unknown = values - allowed
    if unknown:
        return FormError(f"Unknown option {sorted(unknown)[0]!r}: reopen the dialog and try again.")
    return values


def _restrictions(on: set[str]) -> ModerationRestrictions:
    def restriction(value: str) -> Restriction:
        return Restriction.HOSTS_ONLY if value in on else Restriction.NO_RESTRICTION

    return ModerationRestrictions(restriction(form.CHAT_HOSTS_ONLY), restriction(form.REACTIONS_HOSTS_ONLY),
                                  restriction(form.PRESENTING_HOSTS_ONLY), form.JOIN_AS_VIEWER in on)


_RESTRICTION_VALUES = {value for value, _ in form.RESTRICTION_CHOICES}
_AUTO_VALUES = {value for value, _ in form.AUTO_CHOICES}
_SUMMARY_VALUES = {value for value, _ in form.SUMMARY_CHOICES}
_ACCESS_VALUES = {kind.value for kind in AccessType}


def _host_only_part(inputs: Inputs, moderation: bool | None) -> Union[tuple[ModerationRestrictions, set[str]], FormError]:
    restrictions = _switches(inputs, form.RESTRICTIONS, _RESTRICTION_VALUES)
    if isinstance(restrictions, FormError):
        return restrictions
    auto = _switches(inputs, form.AUTO, _AUTO_VALUES)
    if isinstance(auto, FormError):
        return auto
    if restrictions and not moderation:
        return FormError(RESTRICTIONS_NEED_MODERATION)
    return _restrictions(restrictions), auto


def parse_meeting_settings(inputs: Inputs, current: MeetingSettings, *,
                           may_change_host_only: bool) -> Union[MeetingSettings, FormError]:
    """The settings one meeting's dialog asks for, starting from ``current``.

    Without the organizer's say over host-only settings, those inputs must be absent
    (the dialog does not offer them): present ones are refused, not silently dropped.
    """
    access = _one(inputs, form.ACCESS, _ACCESS_VALUES, "who can join without asking")
    if isinstance(access, FormError):
        return access
    chosen = dataclasses.replace(current, access_type=AccessType(access))
    host_only_given = any(name in inputs for name in (form.MODERATION, form.RESTRICTIONS, form.AUTO))
    if not may_change_host_only:
        return FormError(HOST_ONLY) if host_only_given else chosen
    moderation = _switches(inputs, form.MODERATION, {form.ON})
    if isinstance(moderation, FormError):
        return moderation
    rest = _host_only_part(inputs, bool(moderation))
    if isinstance(rest, FormError):
        return rest
    restrictions, auto = rest
    return dataclasses.replace(chosen, moderation=bool(moderation), restrictions=restrictions,
                               auto_recording=form.RECORDING in auto, auto_transcription=form.TRANSCRIPTION in auto,
                               auto_smart_notes=form.SMART_NOTES in auto)


def parse_space_settings(inputs: Inputs) -> Union[MeetingSettings, FormError]:
    """A Chat space's defaults from ``/meetsettings``."""
    access = _one(inputs, form.ACCESS, _ACCESS_VALUES | {form.DEFAULT}, "who can join without asking")
    if isinstance(access, FormError):
        return access
    moderation_word = _one(inputs, form.MODERATION, {form.DEFAULT, form.ON, form.OFF}, "a moderation setting")
    if isinstance(moderation_word, FormError):
        return moderation_word
    moderation = None if moderation_word == form.DEFAULT else moderation_word == form.ON
    rest = _host_only_part(inputs, moderation)
    if isinstance(rest, FormError):
        return rest
    restrictions, auto = rest
    summary = _switches(inputs, form.SUMMARY, _SUMMARY_VALUES)
    if isinstance(summary, FormError):
        return summary
    if form.LIST_ABSENT in summary and form.POST_SUMMARY not in summary:
        return FormError(ABSENT_NEEDS_SUMMARY)
    if form.NEXT_STEPS in summary and form.POST_SUMMARY not in summary:
        return FormError(NEXT_STEPS_NEED_SUMMARY)
    return MeetingSettings(
        access_type=None if access == form.DEFAULT else AccessType(access),
        auto_recording=form.RECORDING in auto, auto_transcription=form.TRANSCRIPTION in auto,
        auto_smart_notes=form.SMART_NOTES in auto, moderation=moderation, restrictions=restrictions,
        post_summary=form.POST_SUMMARY in summary, list_absent=form.LIST_ABSENT in summary,
        next_steps=form.NEXT_STEPS in summary)


def space_config_changes(before: MeetingSettings, after: MeetingSettings) -> tuple[dict[str, object], list[str]]:
    """The ``spaces.patch`` body and ``updateMask`` paths that turn ``before`` into ``after``.

    Only what changed is named, so a co-host's save never touches host-only fields and
    a save without changes makes no call at all.
    """
    config: dict[str, object] = {}
    paths: list[str] = []
    if after.access_type is not None and after.access_type != before.access_type:
        config["accessType"] = after.access_type.value
        paths.append("config.accessType")
    if after.moderation is not None and after.moderation != before.moderation:
        config["moderation"] = "ON" if after.moderation else "OFF"
        paths.append("config.moderation")
    if after.moderation and after.restrictions != before.restrictions:
        config["moderationRestrictions"] = after.restrictions.to_space_config()
        paths.append("config.moderationRestrictions")
    artifacts: dict[str, object] = {}
    for section, key, old, new in (
            ("recordingConfig", "autoRecordingGeneration", before.auto_recording, after.auto_recording),
            ("transcriptionConfig", "autoTranscriptionGeneration", before.auto_transcription, after.auto_transcription),
            ("smartNotesConfig", "autoSmartNotesGeneration", before.auto_smart_notes, after.auto_smart_notes)):
        if old != new:
            artifacts[section] = {key: "ON" if new else "OFF"}
            paths.append(f"config.artifactConfig.{section}.{key}")
    if artifacts:
        config["artifactConfig"] = artifacts
    return config, paths
