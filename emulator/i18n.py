"""Language codes and time zones as Google takes them, checked the way Google checks them.

* A language code is a well-formed BCP-47 tag (RFC 5646's ``langtag`` without extensions
  or private use): ``en``, ``en-US``, ``fr-FR``, ``zh-Hant-TW``, ``es-419``. Google's APIs
  answer a malformed one (``en_US``, ``english``, ``e``) with 400 INVALID_ARGUMENT; they
  report tags with canonical letter case (``en-US``, ``zh-Hant``), and so does the emulator.
* A time zone is an IANA tz database id (``America/New_York``, ``UTC``), the form Chat's
  ``TimeZone.id`` has ("The IANA TZ time zone database code, such as America/Toronto").
  ``TimeZone.offset`` is the user's offset from UTC *in milliseconds* at the event's
  moment, so it follows daylight saving time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import invalid_argument

DEFAULT_LANGUAGE = "en-US"  # what Meet reports for an entry when nothing else is known
DEFAULT_TIME_ZONE = "UTC"  # a Workspace user whose time zone nobody set

# language[-script][-region](-variant)*: an ISO 639 code of 2-3 letters (BCP-47's 5-8
# letter form is reserved and never registered, so "english" is refused), 4-letter script,
# 2-letter or 3-digit region, variants of 5-8 alphanumerics or a digit and 3 more.
_BCP47 = re.compile(
    r"(?P<language>[A-Za-z]{2,3})"
    r"(?:-(?P<script>[A-Za-z]{4}))?"
    r"(?:-(?P<region>[A-Za-z]{2}|[0-9]{3}))?"
    r"(?P<variants>(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*)")
# Time zone ids are path-like names; anything else (``../``, spaces) is refused before
# zoneinfo is asked, so no file outside the tz database is ever looked up.
_ZONE_ID = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*")


def language_code(value: object, field: str) -> str:
    """``value`` as a canonical BCP-47 tag, or a 400 naming ``field``."""
    # fullmatch: "$" would also accept a trailing newline ("en-US\n").
    match = _BCP47.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise invalid_argument(
            f"Invalid value for {field}: {value!r} is not a BCP-47 language code (for example en-US, fr-FR, de).",
            field)
    parts = [match["language"].lower()]
    if match["script"]:
        parts.append(match["script"].title())
    if match["region"]:
        parts.append(match["region"].upper())
    if match["variants"]:
        parts.append(match["variants"][1:].lower())
    return "-".join(parts)


@lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo | None:
    if len(name) > 64 or not _ZONE_ID.fullmatch(name):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def time_zone(value: object, field: str) -> str:
    """``value`` if it is an IANA time zone id the tz database knows, or a 400 naming ``field``."""
    if not isinstance(value, str) or _zone(value) is None:
        raise invalid_argument(
            f"Invalid value for {field}: {value!r} is not an IANA time zone id (for example America/New_York, UTC).",
            field)
    return value


def utc_offset_ms(name: str, at: float) -> int:
    """Milliseconds from UTC of zone ``name`` at the epoch instant ``at`` (DST-aware); 0 if unknown."""
    zone = _zone(name)
    if zone is None:
        return 0
    offset = datetime.fromtimestamp(at, tz=UTC).astimezone(zone).utcoffset()
    return int(offset.total_seconds() * 1000) if offset is not None else 0
