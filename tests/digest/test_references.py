"""What a word in a task refers to (bot/digest/references.py), rule by rule, without the
rest of the summariser around it."""

from __future__ import annotations

import pytest

from bot.digest import references


@pytest.mark.parametrize(("text", "phrases"), [
    ("the flaky checkout e2e tests, they failed", ["flaky checkout e2e tests"]),
    ("The VPN certificate expires next week.", ["VPN certificate"]),
    ("on the fifteenth, after the call", []),  # a date, and the call itself, are never what "it" was
    ("I'm not sure the story's ready.", []),  # "'s" is "is" before "ready", no possessive
    ("the auditor's management letter", ["auditor's management letter"]),
    ("I've got a Python script for it", ["Python script"]),  # a thing said with "a"
    ("a hundred of them, from a friend", []),  # an amount or a person after "a" never is
])
def test_noun_phrases_stop_at_a_verb_and_leave_out_non_referents(text: str, phrases: list[str]) -> None:
    assert references.noun_phrases(text) == phrases


@pytest.mark.parametrize(("task", "pronoun"), [("renew it by Friday", "it"), ("pair with Mei on those", "those"),
                                               ("upgrade both", "both"), ("chase them", None), ("all of it", None),
                                               ("tell him we're on it", None),  # "it" in a clause of its own
                                               ("draft the doc and share it", None),  # the doc it just named
                                               ("put up the PR for it", "it")])
def test_pointed_finds_the_pronoun_a_task_points_at_its_object_with(task: str, pronoun: str | None) -> None:
    match = references.pointed(task)
    assert (match.group("p") if match else None) == pronoun


def test_resolve_pointed_names_the_nearest_thing_of_the_same_number() -> None:
    task = "renew it by Friday"
    match = references.pointed(task)
    assert match is not None
    assert references.resolve_pointed(task, match, ["The VPN certificate expires next week."]) == \
        "renew the VPN certificate by Friday"
    assert references.resolve_pointed(task, match, ["The VPN certificates expire next week."]) == task


def test_fuller_object_takes_the_name_said_just_before() -> None:
    assert references.fuller_object("update the glossary", ["And the glossary for Japanese."]) == \
        "update the glossary for Japanese"
    assert references.fuller_object("send the capacity report", ["The capacity report is due on the 15th."]) == \
        "send the capacity report"  # "on the 15th" says when, not which report


@pytest.mark.parametrize(("text", "plural", "topic"), [
    ("Okay, so not urgent. But the Xero reconciliation is like six weeks behind.", False, "Xero reconciliation"),
    ("But the release notes are six weeks behind.", True, "release notes"),
    ("But the release notes are six weeks behind.", False, None),  # "it" is no plural thing
    ("The meeting is at three.", False, None),  # nor the call itself
    ("We should ship it on Friday.", False, None),  # no subject thing at all
])
def test_subject_topic_is_the_subject_the_turn_ended_on(text: str, plural: bool, topic: str | None) -> None:
    assert references.subject_topic(text, plural) == topic


def test_topic_fragment_is_a_noun_phrase_said_as_a_sentence_of_its_own() -> None:
    texts = ["Me too, on Monday.", "One more thing. The travel forms for the Biophysical Society meeting. You submitted them?"]
    assert references.topic_fragment(texts, plural=True) == "travel forms for the Biophysical Society meeting"
    assert references.topic_fragment(texts, plural=False) is None
    assert references.topic_fragment(["The forms are in the drive, for the meeting."], plural=True) is None  # a clause, no fragment


@pytest.mark.parametrize(("task", "name", "named"), [
    ("call her after this", "Fiona", "call Fiona after this"),
    ("recheck her potassium", "Mrs. Adams", "recheck Mrs. Adams's potassium"),
    ("walk her through the refund form", "Mrs Patel", "walk Mrs Patel through the refund form"),
])
def test_third_person_names_the_person_as_object_or_owner(task: str, name: str, named: str) -> None:
    assert references.third_person(task, name) == named


def test_person_mentioned_is_someone_spoken_of_not_to() -> None:
    def in_the_call(name: str) -> bool:
        return name == "Pieter"

    assert references.person_mentioned("I'll check with Fiona, Pieter?", in_the_call) == "Fiona"
    assert references.person_mentioned("Can you call the landlord about the awning?", in_the_call) == "the landlord"


def test_a_name_said_to_someone_is_no_topic() -> None:
    assert references.topic_of("So, call sheet:") == "the call sheet"
    assert references.topic_of("Let's do it. Tariq,") is None


@pytest.mark.parametrize(("task", "named"), [
    ("do the customer-facing one", "do the customer-facing post-mortem"),
    ("send the roster template, the Excel one", "send the roster template, the Excel one"),  # named already
    ("send the logs from one of the scanners", "send the logs from one of the scanners"),  # an amount
])
def test_the_one_told_apart_is_the_thing_just_asked_about(task: str, named: str) -> None:
    assert references.one_named(task, ["Good. And a post-mortem for the customer?"]) == named
