"""Text that nothing downstream can keep.

A JSON escape such as ``\\ud800`` decodes to a lone surrogate, which cannot be encoded
as UTF-8 (the database, Google's APIs and the logs all need it), and PostgreSQL's text
cannot hold NUL. Google never sends either, so an event that carries one is malformed:
refused when it is parsed, rather than failing later half-way through its work.
"""

from __future__ import annotations

from typing import Any


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
