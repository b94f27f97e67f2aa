"""Next steps from the transcript: from a conference's transcript lines to a ``Digest``.

A summariser is a plain object with one method, ``summarize(lines, context) -> Digest``.
``lines`` is an iterable read once, in transcript order (the lifecycle streams it page
by page from Meet, so memory does not grow with the length of the meeting); ``context``
says when the call started, in which time zone spoken dates are read, and who was in it.

- ``extractive`` (the default, and local mode's): offline and deterministic.
- ``gemini``: Gemini on Vertex AI, falling back to ``extractive`` on any failure.

Nothing here stores or logs transcript text; only the returned digest is kept.
"""

from __future__ import annotations

from typing import Iterable, Protocol

from domain import Digest, DigestContext, TranscriptLine


class Summarizer(Protocol):
    name: str

    def summarize(self, lines: Iterable[TranscriptLine], context: DigestContext) -> Digest:
        """The digest of one conference's transcript (never raises on content)."""
        ...
