"""Who is who: the email of a Chat user, which Meet needs to add a co-host, and their
time zone, in which the dates they say in a meeting are read.

Chat's mentions carry only the user id (``users/{id}``); Meet adds members by email.
Every verified event carries its sender's email, so the app remembers it
(``storage.people.remember_person``) and looks it up when that person is mentioned. Chat sends
the time zone with some events only (the reference promises it for card clicks and
dialogs), so the last one seen is kept too. A small per-process cache keeps this from
costing a database write per event.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

from domain import Person
from ..storage import Repositories

CACHE_SIZE = 4096

_lock = threading.Lock()
_seen: "weakref.WeakKeyDictionary[Repositories, OrderedDict[str, tuple[str, str | None]]]" = weakref.WeakKeyDictionary()


def remember(storage: Repositories, person: Person, *, time_zone: str | None = None) -> None:
    """Keep ``person``'s email and time zone (from a verified event); writes only when
    something is new or changed (an event without a time zone changes nothing)."""
    if not person.email:
        return
    email = person.email.lower()
    with _lock:
        known = _seen.setdefault(storage, OrderedDict())
        seen = known.get(person.user_name)
        if seen is not None and seen[0] == email and (time_zone is None or seen[1] == time_zone):
            known.move_to_end(person.user_name)
            return
    storage.people.remember_person(person, time_zone=time_zone)
    with _lock:
        known[person.user_name] = (email, time_zone if time_zone is not None else (seen[1] if seen else None))
        if len(known) > CACHE_SIZE:
            known.popitem(last=False)


def email_for(storage: Repositories, person: Person) -> str | None:
    """``person``'s email: as the event gave it, else as last seen, else as they linked it."""
    if person.email:
        return person.email.lower()
    found = storage.people.email_of(person.user_name)
    if found:
        return found
    grant = storage.grants.get_grant(person.user_name)
    return grant.email.lower() if grant is not None and grant.email else None
