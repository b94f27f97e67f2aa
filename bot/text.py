"""Text that nothing downstream can keep.

A JSON escape such as ``\\ud800`` decodes to a lone surrogate, which cannot be encoded
as UTF-8 (the database, Google's APIs and the logs all need it), and PostgreSQL's text
cannot hold NUL. Google never sends either, so an event that carries one is malformed:
refused when it is parsed, rather than failing later half-way through its work.
"""

from __future__ import annotations

from typing import Any


def raw_json_is_storable(raw: bytes) -> bool:
    """True when JSON decoded from ``raw`` cannot hold unstorable text, judged from the
    bytes alone (three scans in C, where walking the decoded body costs tens of µs a
    request): a lone surrogate or a NUL can only come from a ``\\u`` escape, from bytes
    that UTF-8-encode a surrogate (lead byte 0xED; ``json.loads`` decodes bytes with
    ``surrogatepass``), or from a body in UTF-16/32 (which has zero bytes). False means
    only "look closer"."""
    return b"\\u" not in raw and b"\xed" not in raw and b"\x00" not in raw


def has_unstorable_text(body: Any) -> bool:
    """True when any string in ``body`` (keys included) has a lone surrogate or a NUL."""
    pending = [body]
    while pending:  # iterative: the body may be nested as deep as the JSON parser allows
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
            if item.isascii():  # the common case, and a flag check: no copy made
                continue
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


UNTRUSTED_LIMIT = 64  # characters of an untrusted value worth showing: enough to recognise it


def untrusted(value: Any, limit: int = UNTRUSTED_LIMIT) -> str:
    """An untrusted value (from an unverified token, a request, an event) fit for a log line,
    an error message or a stored reason: quoted, at most ``limit`` of its characters, every
    control character, line break and invisible character escaped (no forged log lines),
    and a note of how much was cut. Works without copying a huge value whole."""
    if not isinstance(value, str):
        if value is None or isinstance(value, (bool, int, float)):
            return repr(value)
        kind = type(value).__name__
        return f"<{kind}>" if not isinstance(value, (list, dict)) else f"<{kind} of {len(value)}>"
    shown = repr(value[:limit])  # repr escapes \n, \r, \x1b, \u2028, … and quotes the text
    if len(value) > limit:
        shown += f"… ({len(value) - limit} more characters)"
    return shown
