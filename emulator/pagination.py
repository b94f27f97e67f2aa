"""Paging a list method's results, the one way every emulated list method does it (AIP-158).

* Page size: the method's default when ``pageSize`` is absent or 0, capped at its maximum,
  both read from the ``pageSize`` description of the method's discovery document (the one
  google-api-python-client ships); a negative size is 400 INVALID_ARGUMENT.
* Page token: opaque, sealed with the emulator's secret, carrying the next page's offset and
  bound to the query it continues: the method, the caller, the resource path (the parent)
  and every other query parameter (filter, orderBy, showDeleted, …) as the server reads it,
  an absent one as its proto3 default. AIP-158 lets only ``pageSize`` change between pages;
  a forged token, or one from another query, is 400 INVALID_ARGUMENT, as Google answers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from .errors import ApiError, invalid_argument

T = TypeVar("T")

PAGING_PARAMETERS = ("pageSize", "pageToken")
_TRUE = ("true", "True", "1")


class Sealer(Protocol):
    """What seals page tokens: the emulator's state (a secret per emulator)."""

    def seal(self, payload: str) -> str: ...

    def unseal(self, token: str) -> str | None: ...


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_token: str | None

    def body(self, field: str, view: Callable[[T], Any], *, keep_empty: bool = False) -> dict[str, Any]:
        """The list response: ``field`` (left out when empty unless ``keep_empty``, as the API
        in question answers) and ``nextPageToken`` when there is a next page."""
        body: dict[str, Any] = {}
        if self.items or keep_empty:
            body[field] = [view(item) for item in self.items]
        if self.next_token:
            body["nextPageToken"] = self.next_token
        return body


def query_binding(parameters: Mapping[str, Mapping[str, Any]], query: Mapping[str, str],
                  values: Callable[[str], list[str]]) -> list[str]:
    """The query parameters a page token is bound to, normalised so that an absent parameter
    and its proto3 default (``false``, ``0``, the first enum value) bind alike.

    ``parameters`` are the discovery method's, ``query`` the request's (first values) and
    ``values`` reads every value of a repeated one."""
    bound = []
    for name, spec in sorted(parameters.items()):
        if spec.get("location") != "query" or name in PAGING_PARAMETERS:
            continue
        if spec.get("repeated"):
            value = ",".join(values(name))
        elif spec.get("type") == "boolean":
            value = "true" if query.get(name, "") in _TRUE else "false"
        elif spec.get("type") == "integer":
            value = str(int(query.get(name) or 0))
        elif "enum" in spec:
            value = query.get(name) or spec["enum"][0]
        else:
            value = query.get(name, "")
        bound.append(f"{name}={value}")
    return bound


def paginate(sealer: Sealer, items: Sequence[T], *, page_size: str | None, page_token: str | None,
             limits: tuple[int, int], binding: Sequence[str]) -> Page[T]:
    """The page of ``items`` that ``page_size`` and ``page_token`` ask for.

    ``limits`` is the method's (default, maximum) page size; ``binding`` what identifies the
    query (a token minted for another binding is refused)."""
    default, maximum = limits
    try:
        size = int(page_size) if page_size not in (None, "") else 0
    except (TypeError, ValueError):
        raise invalid_argument(f"Invalid value for pageSize: {page_size!r}", "page_size") from None
    if size < 0:
        raise invalid_argument("page_size must not be negative.", "page_size")
    size = min(size or default, maximum)
    # A digest keeps tokens short whatever the filter's length, and says nothing of the query.
    query = hashlib.sha256("\x1f".join(binding).encode()).hexdigest()[:32]
    offset = 0
    if page_token:
        payload = sealer.unseal(page_token)
        bound_to, _, position = (payload or "").rpartition("@")
        if payload is None or bound_to != query or not position.isdigit():
            raise ApiError(400, "Invalid page token.", "INVALID_ARGUMENT")
        offset = int(position)
    next_offset = offset + size
    next_token = sealer.seal(f"{query}@{next_offset}") if next_offset < len(items) else None
    return Page(list(items[offset:next_offset]), next_token)
