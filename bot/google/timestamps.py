"""Google's RFC 3339 timestamps ("2026-11-30T21:05:00.123456789Z") as aware datetimes."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any


def parse_time(value: Any) -> datetime | None:
    """The instant ``value`` names, or None when it is missing or not a string."""
    if not isinstance(value, str) or not value:
        return None
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    if "." in text:  # Google writes up to 9 fractional digits; Python reads 6
        head, rest = text.split(".", 1)
        digits = "".join(itertools.takewhile(str.isdigit, rest))
        text = f"{head}.{(digits + '000000')[:6]}{rest[len(digits):]}"
    return datetime.fromisoformat(text)
