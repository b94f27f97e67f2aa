"""The values the pipeline takes and gives: a ``Request`` in, a ``Response`` out.

Nothing here knows a web framework: an adapter (``bot.views`` for Flask) copies what
arrived into a ``Request`` and writes the ``Response`` back in its own terms.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable, Mapping, Union


@dataclass(frozen=True)
class Json:
    """A JSON document (the adapter serialises it the way its framework does)."""

    value: object


@dataclass(frozen=True)
class Html:
    text: str


Body = Union[Json, Html, None]


@dataclass(frozen=True)
class Response:
    status: int = 200
    body: Body = None
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def json(cls, value: object, status: int = 200) -> "Response":
        return cls(status, Json(value))

    @classmethod
    def error(cls, message: str, status: int) -> "Response":
        """The app's error document: ``{"error": …}``."""
        return cls.json({"error": message}, status)


class Rejected(Exception):
    """Raised by a step that answers the request itself (a 401, a 400, …): the
    pipeline stops there and answers ``response``."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def _is_json(content_type: str | None) -> bool:
    """The body is declared as JSON: ``application/json`` or ``application/…+json``."""
    mimetype = (content_type or "").split(";", 1)[0].strip().lower()
    return mimetype == "application/json" or (mimetype.startswith("application/") and mimetype.endswith("+json"))


_UNPARSED = object()  # Request.json() not called yet


@dataclass
class Request:
    """What arrived. The body is read only when a step asks for it (``body``/``json``),
    so a request refused on its headers never has its body read at all."""

    method: str
    path: str
    headers: Mapping[str, str]  # names in lower case (``header`` looks them up whatever the case)
    query: Mapping[str, str]
    read_body: Callable[[], bytes]
    _body: bytes | None = field(default=None, init=False, repr=False)  # once read
    _json: object = field(default=_UNPARSED, init=False, repr=False)  # once parsed

    @classmethod
    def of(cls, method: str, path: str, headers: Mapping[str, str] | list[tuple[str, str]], *,
           query: Mapping[str, str] | None = None, body: bytes | Callable[[], bytes] = b"") -> "Request":
        """Headers named in any case (the first of repeated ones counts, as in HTTP servers)."""
        lowered: dict[str, str] = {}
        for name, value in (headers.items() if isinstance(headers, Mapping) else headers):
            lowered.setdefault(name.lower(), value)
        if isinstance(body, bytes):
            content = body
            return cls(method, path, lowered, dict(query or {}), lambda: content)
        return cls(method, path, lowered, dict(query or {}), body)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def body(self) -> bytes:
        if self._body is None:
            self._body = self.read_body()
        return self._body

    def json(self) -> object:
        """The body as JSON; None when it is not declared as JSON or does not parse (nested
        deeper than the parser's recursion limit included: malformed input, never a 500).
        Parsed once: the token check reads the format, then the parser the event (as
        Flask's ``get_json`` caches it). Steps read the document, never change it."""
        if self._json is _UNPARSED:
            self._json = self._parse_json()
        return self._json

    def _parse_json(self) -> object:
        if not _is_json(self.header("Content-Type")):
            return None
        try:
            return json.loads(self.body)
        except (ValueError, RecursionError):
            return None
