"""The ``People`` contract (``storage.people``), on SQLite and PostgreSQL: the email and
time zone Chat last sent for a person.
"""

from __future__ import annotations

import dataclasses

from bot.storage import People
from domain import Person

BOB = Person("users/2", "Bob Brown", "bob@example.com")
CAROL = Person("users/3", "Carol Chen")


def test_people_keep_the_latest_email(people: People) -> None:
    assert people.email_of(BOB.user_name) is None
    people.remember_person(BOB)
    people.remember_person(Person(BOB.user_name, "Bob", "Bob.New@Example.com"))
    people.remember_person(CAROL)  # no email: nothing to keep
    assert people.email_of(BOB.user_name) == "bob.new@example.com"
    assert people.email_of(CAROL.user_name) is None


def test_a_persons_time_zone_is_kept_until_another_is_sent(people: People) -> None:
    bob = Person("users/2", "Bob Brown", "bob@example.com")
    assert people.time_zone_of(bob.user_name) is None
    people.remember_person(bob)
    assert people.time_zone_of(bob.user_name) is None
    people.remember_person(bob, time_zone="Europe/Paris")
    people.remember_person(dataclasses.replace(bob, email="bob2@example.com"))  # an event without one
    assert people.time_zone_of(bob.user_name) == "Europe/Paris"
    assert people.email_of(bob.user_name) == "bob2@example.com"
    people.remember_person(bob, time_zone="Asia/Tokyo")
    assert people.time_zone_of(bob.user_name) == "Asia/Tokyo"
