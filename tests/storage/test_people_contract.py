"""The ``People`` contract (``storage.people``), on SQLite and PostgreSQL: the email and
time zone Chat last sent for a person.
"""

from __future__ import annotations

import dataclasses

from bot.storage import Storage
from domain import Person

BOB = Person("users/2", "Bob Brown", "bob@example.com")
CAROL = Person("users/3", "Carol Chen")


def test_people_keep_the_latest_email(store: Storage) -> None:
    assert store.people.email_of(BOB.user_name) is None
    store.people.remember_person(BOB)
    store.people.remember_person(Person(BOB.user_name, "Bob", "Bob.New@Example.com"))
    store.people.remember_person(CAROL)  # no email: nothing to keep
    assert store.people.email_of(BOB.user_name) == "bob.new@example.com"
    assert store.people.email_of(CAROL.user_name) is None


def test_a_persons_time_zone_is_kept_until_another_is_sent(store: Storage) -> None:
    bob = Person("users/2", "Bob Brown", "bob@example.com")
    assert store.people.time_zone_of(bob.user_name) is None
    store.people.remember_person(bob)
    assert store.people.time_zone_of(bob.user_name) is None
    store.people.remember_person(bob, time_zone="Europe/Paris")
    store.people.remember_person(dataclasses.replace(bob, email="bob2@example.com"))  # an event without one
    assert store.people.time_zone_of(bob.user_name) == "Europe/Paris"
    assert store.people.email_of(bob.user_name) == "bob2@example.com"
    store.people.remember_person(bob, time_zone="Asia/Tokyo")
    assert store.people.time_zone_of(bob.user_name) == "Asia/Tokyo"
