"""Small builders for the extractive summariser's tests: people, lines, a context."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterable, Iterator

from bot.digest.extractive import ExtractiveSummarizer
from domain import AttendeeKind, Digest, DigestContext, Speaker, TranscriptLine


def person(pid: str, name: str, kind: AttendeeKind = AttendeeKind.SIGNED_IN) -> Speaker:
    return Speaker(participant=f"conferenceRecords/c1/participants/{pid}", display_name=name, kind=kind,
                   user_name=f"users/{pid}" if kind is AttendeeKind.SIGNED_IN else None)


ALICE = person("a", "Alice Chen")
BOB = person("b", "Bob Okafor")
CAROL = person("c", "Carol Nguyen")
DANA = person("d", "Dana Whitfield")
RAHUL = person("r", "Rahul Mehta")
TOMAS = person("t", "Tomás Rivera")
GUEST = person("g", "Maria (Acme)", AttendeeKind.ANONYMOUS)
PHONE = person("p", "+44 20 7946 0321", AttendeeKind.PHONE)
EVERYONE = (ALICE, BOB, CAROL, DANA, RAHUL, TOMAS, GUEST, PHONE)

# Wednesday 4 March 2026, 18:00 in Los Angeles, which is already Thursday 5 March in UTC:
# "tomorrow" said in this call is Thursday the 5th, not Friday the 6th.
STARTED = datetime(2026, 3, 5, 2, 0, tzinfo=timezone.utc)
ZONE = "America/Los_Angeles"


def context(participants: Iterable[Speaker] = EVERYONE, time_zone: str = ZONE,
            started_at: datetime = STARTED) -> DigestContext:
    return DigestContext(started_at=started_at, time_zone=time_zone, participants=tuple(participants))


def lines(*said: tuple[Speaker, str], language: str = "en-US") -> list[TranscriptLine]:
    return [TranscriptLine(index=index, speaker=speaker, text=text, offset=timedelta(seconds=5 * index),
                           language=language) for index, (speaker, text) in enumerate(said)]


def digest(*said: tuple[Speaker, str], participants: Iterable[Speaker] = EVERYONE, time_zone: str = ZONE) -> Digest:
    """The digest of a short meeting, its lines given as a one-shot iterator (as Meet's
    pages are: a summariser that reads them twice fails here)."""
    return ExtractiveSummarizer().summarize(iter(lines(*said)), context(participants, time_zone))


def owned(result: Digest) -> list[tuple[str, str]]:
    """(owner's display name, task) of every item, in order."""
    return [(item.owner.display_name, item.task) for item in result.action_items]


_SYSTEMS = "billing search payments ledger gateway scheduler mailer exporter importer indexer".split()
_TEAMS = "platform mobile growth data security support finance design legal sales".split()
_NUMBERS = "two three four five six seven eight nine ten twelve".split()


def generated(count: int, speakers: tuple[Speaker, ...] = (ALICE, BOB, CAROL, DANA)) -> Iterator[TranscriptLine]:
    """A long meeting made on the fly (never held in memory): talk with commitments,
    requests, decisions, wishes and small talk, each line's words a little different
    but from a bounded vocabulary, as a real meeting's are."""
    templates = [
        "So the latency on the {system} cluster went up by {number} percent after the deploy.",
        "I'll send the {system} capacity report to the {team} team by Friday.",
        "Bob, could you check the alert thresholds for the {system} service?",
        "Sure, will do.",
        "We agreed to move the {system} service to the {team} team next quarter.",
        "Honestly if we had more people I would rewrite the {system} module.",
        "I already sent the notes for the {team} review yesterday.",
        "Let me share my screen for a second.",
        "The main issue with the {system} queue is the retry storm from the {team} client.",
        "Okay, sounds good, thanks everyone.",
    ]
    for index in range(count):
        turn = index // len(templates)
        text = templates[index % len(templates)].format(
            system=_SYSTEMS[turn % len(_SYSTEMS)], team=_TEAMS[(turn // len(_SYSTEMS)) % len(_TEAMS)],
            number=_NUMBERS[turn % len(_NUMBERS)])
        yield TranscriptLine(index=index, speaker=speakers[index % len(speakers)], text=text,
                             offset=timedelta(seconds=3 * index), language="en-US")
