"""Control-plane calls for Meet: people join and leave, conferences end, spaces are seen.

JSON in, JSON out, no token; bad input is a Google-shaped error (400 for malformed
or unknown fields, 404 for an unknown space or user, 400 FAILED_PRECONDITION for
leaving or ending when nobody is in the call). Wherever a ``space`` is taken, a space
name (``spaces/…``), its bare id, its meeting code or its meeting URI works.

* ``POST /_emulator/meet/join`` ``{space, user? | anonymous? | phone?}`` — ``user`` is a
  user resource name or email (signed-in participant); ``anonymous`` a display name or
  ``true`` (``Guest n``); ``phone`` a phone number or ``true``. Starts a conference if
  none is active. Returns ``{participant, participantSession, conferenceRecord}`` (the
  last as a resource name, like ``Space.activeConference``).
* ``POST /_emulator/meet/leave`` ``{space, user? | anonymous? | phone? | participant?}`` —
  that participant's open session ends; the conference ends with the last one. Returns
  ``{participant, participantSession, conferenceRecord, conferenceEnded}``.
* ``POST /_emulator/meet/end`` ``{space, transcript?: [{user, text, languageCode?,
  offsetSeconds?}], recording?, smartNotes?}`` — the active conference ends; the
  artifacts asked for (and those the space's artifactConfig started) go ENDED now and
  FILE_GENERATED after the delays in :data:`emulator.meet.model.FILE_GENERATION_DELAYS`
  (transcript +2 min, recording +5 min, smart notes +8 min: advance
  ``POST /_emulator/clock``). A transcript line's speaker is ``user`` (name or email) or
  ``anonymous``/``phone``/``participant``; ``languageCode`` is the entry's BCP-47 language
  (default ``en-US``; malformed: 400 naming ``transcript[i].languageCode``), reported as
  ``TranscriptEntry.languageCode``. Lines are spread evenly over the conference unless
  every line gives ``offsetSeconds`` (seconds after the transcript's start, at most its
  length): then each entry starts there and lasts until the next one starts.
  Returns ``{conferenceRecord, recordings, transcripts, smartNotes}``.
* ``GET /_emulator/meet/spaces/{id or meeting code}`` — the Space as its owner sees it,
  with ``activeConference`` while one runs. ``GET /_emulator/meet/spaces`` lists them.
"""

from __future__ import annotations

import math
import random
from typing import Any

from flask import Blueprint, Response

from .. import i18n
from ..api import json_response
from ..control import json_body, state, typed
from ..errors import failed_precondition, invalid_argument, not_found
from .model import ARTIFACT_KINDS, COLLECTIONS, Conference, MeetStore, Participant, Space

_NUMBERS = random.Random()  # the emulator's own generator: the process's shared one is left alone


WHO = ("user", "anonymous", "phone")


def _only(body: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = [key for key in body if key not in allowed]
    if unknown:
        raise invalid_argument(f'Unknown field(s): {", ".join(unknown)}. Allowed: {", ".join(allowed)}.', unknown[0])


def _space(store: MeetStore, body: dict[str, Any]) -> Space:
    reference = typed(body, "space", str)
    space = store.find_space(reference)
    if space is None:
        raise not_found(f"Meeting space {reference} not found.")
    return space


def _one_of(body: dict[str, Any], keys: tuple[str, ...]) -> str:
    given = [key for key in keys if body.get(key) not in (None, "", False)]
    if len(given) != 1:
        raise invalid_argument(f"Give exactly one of: {', '.join(keys)}.", keys[0])
    return given[0]


def _text_or_true(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is True:
        return None
    if not isinstance(value, str) or not value.strip():
        raise invalid_argument(f"Field '{key}' must be a non-empty string or true.", key)
    return value.strip()


def _find_participant(store: MeetStore, conference: Conference, spec: dict[str, Any], where: str,
                      keys: tuple[str, ...] = ("user", "anonymous", "phone", "participant")) -> Participant:
    key = _one_of(spec, keys)
    value = spec[key]
    if not isinstance(value, str):
        raise invalid_argument(f"Field '{where}{key}' must be a string.", where + key)
    if key == "user":
        participant = store.participant_for(conference, user=state().find_user(value))
    elif key == "anonymous":
        participant = store.participant_for(conference, anonymous=value)
    elif key == "phone":
        participant = store.participant_for(conference, phone=value)
    else:
        participant = store.participant_for(conference, name=value)
    if participant is None:
        raise failed_precondition(f"{value} is not a participant of {conference.name}.")
    return participant


def join() -> Response:
    body = json_body("space")
    _only(body, ("space",) + WHO)
    who = _one_of(body, WHO)
    with state().lock:
        store: MeetStore = state().meet
        space = _space(store, body)
        if who == "user":
            user = state().find_user(typed(body, "user", str))
            participant, session = store.join(space, user=user)
        elif who == "anonymous":
            name = _text_or_true(body, "anonymous") or store.next_anonymous_name()
            participant, session = store.join(space, anonymous=name)
        else:
            number = _text_or_true(body, "phone") or f"+1 202-555-{_NUMBERS.randint(100, 9999):04d}"
            participant, session = store.join(space, phone=number)
        return json_response({"participant": participant.to_json(), "participantSession": session.to_json(),
                              "conferenceRecord": participant.conference.name})


def leave() -> Response:
    body = json_body("space")
    _only(body, ("space", "user", "anonymous", "phone", "participant"))
    with state().lock:
        store: MeetStore = state().meet
        space = _space(store, body)
        store.settle()
        conference = store.active_conference(space)
        if conference is None:
            raise failed_precondition(f"There is no active conference in {space.name}.")
        participant = _find_participant(store, conference, body, "")
        session = store.leave(space, participant)
        return json_response({"participant": participant.to_json(), "participantSession": session.to_json(),
                              "conferenceRecord": conference.name, "conferenceEnded": conference.end is not None})


def end() -> Response:
    body = json_body("space")
    _only(body, ("space", "transcript", "recording", "smartNotes"))
    recording = typed(body, "recording", bool, False)
    smart_notes = typed(body, "smartNotes", bool, False)
    lines = typed(body, "transcript", list)
    with state().lock:
        store: MeetStore = state().meet
        space = _space(store, body)
        store.settle()
        conference = store.active_conference(space)
        if conference is None:
            raise failed_precondition(f"There is no active conference in {space.name}.")
        transcript = None
        if lines is not None:
            transcript = _transcript_lines(store, conference, lines)
        store.end_conference(space, recording=recording, transcript=transcript, smart_notes=smart_notes)
        now = store.now()
        reply: dict[str, Any] = {"conferenceRecord": conference.to_json()}
        for kind in ARTIFACT_KINDS:
            reply[COLLECTIONS[kind]] = [a.to_json(now) for a in conference.artifacts[kind].values()]
        return json_response(reply)


LINE_FIELDS = ("user", "anonymous", "phone", "participant", "text", "languageCode", "offsetSeconds")


def _only_line(line: dict[str, Any], where: str) -> None:
    unknown = [key for key in line if key not in LINE_FIELDS]
    if unknown:
        raise invalid_argument(f"Unknown field(s) in {where[:-1]}: {', '.join(unknown)}.", where + unknown[0])


def _transcript_lines(store: MeetStore, conference: Conference, lines: list[Any]) -> list[dict[str, Any]]:
    """The ``transcript`` of ``POST /_emulator/meet/end``, checked line by line, for
    :meth:`MeetStore.end_conference`. Every 400 names the offending field
    (``transcript[2].languageCode``), as Google's BadRequest field violations do."""
    transcript: list[dict[str, Any]] = []
    timed = [isinstance(line, dict) and "offsetSeconds" in line for line in lines]
    for index, line in enumerate(lines):
        where = f"transcript[{index}]."
        if not isinstance(line, dict):
            raise invalid_argument(f"{where[:-1]} must be an object {{user, text}}.", where[:-1])
        _only_line(line, where)
        text = line.get("text")
        if not isinstance(text, str) or not text.strip():
            raise invalid_argument(f"{where}text must be a non-empty string.", where + "text")
        entry: dict[str, Any] = {"participant": _find_participant(store, conference, line, where), "text": text,
                                 "language_code": i18n.language_code(line.get("languageCode", i18n.DEFAULT_LANGUAGE),
                                                                     where + "languageCode")}
        # Either every line says when it was spoken or none does (then they are spread
        # evenly over the conference): a half-timed transcript has no sensible order.
        if any(timed) and not timed[index]:
            raise invalid_argument(f"{where}offsetSeconds is missing: give it on every line or on none.",
                                   where + "offsetSeconds")
        if timed[index]:
            offset = line["offsetSeconds"]
            if isinstance(offset, bool) or not isinstance(offset, (int, float)) or not math.isfinite(offset) \
                    or offset < 0:
                raise invalid_argument(f"{where}offsetSeconds must be a number of seconds, 0 or more.",
                                       where + "offsetSeconds")
            entry["offset"] = float(offset)
        transcript.append(entry)
    return transcript


def get_space(space_id: str) -> Response:
    with state().lock:
        store: MeetStore = state().meet
        store.settle()
        space = store.find_space(space_id)
        if space is None:
            raise not_found(f"Meeting space {space_id} not found.")
        return json_response(space.to_json())


def list_spaces() -> Response:
    with state().lock:
        store: MeetStore = state().meet
        store.settle()
        return json_response({"spaces": [space.to_json() for space in store.spaces.values()]})


def blueprint() -> Blueprint:
    """The control plane's Meet routes, built afresh for each emulator app."""
    routes = Blueprint("meet_control", __name__, url_prefix="/_emulator/meet")
    routes.add_url_rule("/join", view_func=join, methods=["POST"])
    routes.add_url_rule("/leave", view_func=leave, methods=["POST"])
    routes.add_url_rule("/end", view_func=end, methods=["POST"])
    routes.add_url_rule("/spaces/<path:space_id>", view_func=get_space, methods=["GET"])
    routes.add_url_rule("/spaces", view_func=list_spaces, methods=["GET"])
    return routes
