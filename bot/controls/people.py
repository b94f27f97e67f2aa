"""Who is who: the email of a Chat user, which Meet needs to add a co-host.

Chat's mentions carry only the user id (``users/{id}``); Meet adds members by email.
Every verified event carries its sender's email, so the app remembers it
(``storage.remember_person``) and looks it up when that person is mentioned. A small
per-process cache keeps this from costing a database write per event.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

from ..domain import Person
from ..storage import Storage

CACHE_SIZE = 4096

_lock = threading.Lock()
_seen: "weakref.WeakKeyDictionary[Storage, OrderedDict[str, str]]" = weakref.WeakKeyDictionary()


def remember(storage: Storage, person: Person) -> None:
    """Keep ``person``'s email (from a verified event); writes only when it is new or changed."""
    if not person.email:
        return
    email = person.email.lower()
    with _lock:
        known = _seen.setdefault(storage, OrderedDict())
        if known.get(person.user_name) == email:
            known.move_to_end(person.user_name)
            return
    storage.remember_person(person)
    with _lock:
        known[person.user_name] = email
        if len(known) > CACHE_SIZE:
            known.popitem(last=False)


def email_for(storage: Storage, person: Person) -> str | None:
    """``person``'s email: as the event gave it, else as last seen, else as they linked it."""
    if person.email:
        return person.email.lower()
    found = storage.email_of(person.user_name)
    if found:
        return found
    grant = storage.get_grant(person.user_name)
    return grant.email.lower() if grant is not None and grant.email else None
