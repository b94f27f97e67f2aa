"""Sentences, hesitations, clipping and names: the text tools under the summariser."""

from __future__ import annotations

import pytest

from bot.digest import rules
from bot.digest.names import Names, called
from bot.digest.rules import shape, similar, strip_trailing
from bot.digest.sentences import clip, content_words, remove_filler, split_sentences
from domain import AttendeeKind, Speaker


def test_sentences_split_on_punctuation() -> None:
    assert split_sentences("Okay. Next thing, release notes. Bob, could you draft them? Great!") == [
        "Okay.", "Next thing, release notes.", "Bob, could you draft them?", "Great!"]
    assert split_sentences("  ") == []


def test_abbreviations_do_not_end_a_sentence() -> None:
    assert split_sentences("Mr. Smith signed off on the U.S. numbers. I'll send them.") == [
        "Mr. Smith signed off on the U.S. numbers.", "I'll send them."]
    assert split_sentences("The rate went up 3.5 percent. No. We have no plans.") == [
        "The rate went up 3.5 percent.", "No.", "We have no plans."]


def test_hesitations_are_removed() -> None:
    assert remove_filler("I'll, um, send the deck, uh, to Acme") == "I'll, send the deck, to Acme"
    assert remove_filler("Um, I can't this week") == "I can't this week"
    assert remove_filler("so, you know, the umbrella policy") == "so, the umbrella policy"
    assert remove_filler("someone could do, like, a check-in call") == "someone could do a check-in call"
    assert remove_filler("transfer, say, twelve of those") == "transfer twelve of those"
    assert remove_filler("Maybe from, um, Charnwood Mechanical") == "Maybe from Charnwood Mechanical"


def test_a_hyphenated_first_name_is_a_name() -> None:
    mei_ling = speaker("m", "Mei-Ling Tan")
    assert Names((mei_ling,)).resolve("Mei-Ling") == mei_ling


def test_clip_cuts_at_a_word_boundary() -> None:
    assert clip("send the deck", 120) == "send the deck"
    clipped = clip("reconcile every invoice against the ledger for each subsidiary", 30)
    assert clipped == "reconcile every invoice…" and len(clipped) <= 30


def test_content_words_skip_function_words_and_fold_accents() -> None:
    assert content_words("I'll send the Café menu to Tomás by Friday") == ["send", "cafe", "menu", "tomas", "friday"]


def test_trailing_filler_words_go() -> None:
    assert strip_trailing("send you the draft by next Tuesday then,") == "send you the draft by next Tuesday"
    assert strip_trailing("call the VP at Fabrikam myself") == "call the VP at Fabrikam"
    assert strip_trailing("write the notes") == "write the notes"


def test_task_shapes() -> None:
    assert shape("send the deck to Acme") == "full"
    assert shape("post it in the team channel") == "referring"
    assert shape("confirm by email") == "thin"
    assert shape("take that") == shape("do it") == shape("") == "anaphoric"


def test_near_identical_means_nearly_all_words() -> None:
    assert similar(frozenset({"send", "deck", "acme"}), frozenset({"send", "deck", "acme", "friday"}))
    assert not similar(frozenset({"update", "client", "sdk"}), frozenset({"update", "server", "sdk"}))


def speaker(pid: str, name: str, kind: AttendeeKind = AttendeeKind.SIGNED_IN) -> Speaker:
    return Speaker(f"conferenceRecords/c/participants/{pid}", name, kind)


def test_names_by_first_name_full_name_case_and_accents() -> None:
    tomas, carol = speaker("t", "Tomás Rivera"), speaker("c", "Carol Nguyen")
    names = Names((tomas, carol))
    assert [found[2] for found in names.find("tomas and Carol Nguyen and carol")] == [tomas, carol, carol]
    assert names.resolve("TOMÁS") == tomas and names.resolve("Zed") is None


def test_a_shared_first_name_is_no_one_but_full_names_still_work() -> None:
    alex_a, alex_b = speaker("1", "Alex Kim"), speaker("2", "Alex Moreau")
    names = Names((alex_a, alex_b))
    assert names.resolve("Alex") is None
    assert names.resolve("alex moreau") == alex_b


def test_names_that_are_words_need_a_capital() -> None:
    will = speaker("w", "Will Turner")
    names = Names((will,))
    assert names.find("Will, could you check?")[0][2] == will
    assert names.find("will you check?") == []


def test_guests_by_display_name_and_given_names_last() -> None:
    guest = speaker("g", "Derek Howell (Acme)", AttendeeKind.ANONYMOUS)
    wei_ling = speaker("w", "Tan Wei Ling")
    phone = speaker("p", "+44 20 7946 0321", AttendeeKind.PHONE)
    names = Names((guest, wei_ling, phone))
    assert names.resolve("derek") == guest and names.resolve("Derek Howell") == guest
    assert names.resolve("Wei Ling") == wei_ling
    assert names.find("Call +44 20 7946 0321 please") == []


def test_two_short_given_names_said_first_are_a_name() -> None:
    mei_lin = speaker("m", "Mei Lin Tan")
    names = Names((mei_lin,))
    assert [(start, end) for start, end, _ in names.find("So Mei Lin will own it")] == [(3, 10)]


@pytest.mark.parametrize(("display_name", "name"), [
    ("Alice Chen", "Alice"), ("Mei Ling Goh", "Mei Ling"), ("Tan Wei Ling", "Wei Ling"), ("Nguyen Thi Mai", "Mai"),
    ("Jonah (Hollis Architects)", "Jonah"), ("+65 6123 4471", "+65 6123 4471"), ("Mary Ann Hughes", "Mary Ann"),
    ("Mei-Ling Tan", "Mei-Ling"),
])
def test_called_is_the_name_said_in_a_sentence(display_name: str, name: str) -> None:
    assert called(display_name) == name


@pytest.mark.parametrize("task", [
    "keep myself on mute mostly", "stay muted", "mostly listen", "keep watching", "remember",
    "call the facilities and finance committee to order", "need the numbers from Amina",
    "grab a chai", "grab lunch straight", "reset them by hand, give me a minute", "try it with my partner",
])
def test_the_call_itself_and_home_life_are_not_work(task: str) -> None:
    assert rules.is_chatter(task)


@pytest.mark.parametrize("task", [
    "keep the customer updated", "call the vendor", "order the chairs", "send the numbers to Amina",
    "set up the lunch bunch", "book the team dinner venue for the offsite", "listen to the call recording and tag it",
])
def test_work_that_sounds_like_the_call_is_still_work(task: str) -> None:
    assert not rules.is_chatter(task)


def test_someday_intentions_are_vague() -> None:
    assert rules.is_vague("redo the fall protection plan at some point")
    assert rules.is_vague("kill the v1 webhooks eventually")
    assert not rules.is_vague("redo the fall protection plan by Friday")


@pytest.mark.parametrize("task,delivery", [
    ("have a first draft", True), ("have it all in", True), ("have all of it in", True), ("have it to you", True),
    ("have a draft seating plan out", False), ("have a first draft of the narrative to everyone", False),
    ("have the vendor call Bob", False),
])
def test_saying_when_it_will_be_ready_is_not_another_task(task: str, delivery: bool) -> None:
    assert (rules.DELIVERY.match(task) is not None) is delivery
    if delivery:
        assert rules.shape(task) == "referring"  # merged into the item just made


@pytest.mark.parametrize(("task", "chatter"), [("set up the risers in the gym", False), ("fix the leak at the restaurant", False),
                                               ("go to the gym", True), ("meet the team at the restaurant", True),
                                               ("drop the link in the chat", True)])
def test_a_place_where_work_is_done_is_no_outing(task: str, chatter: bool) -> None:
    assert rules.is_chatter(task) is chatter


def test_a_vietnamese_name_answers_to_its_given_name_said_last() -> None:
    mai = Speaker(participant="conferenceRecords/c/participants/m", display_name="Nguyen Thi Mai",
                  kind=AttendeeKind.SIGNED_IN, user_name="users/m")
    ho = Speaker(participant="conferenceRecords/c/participants/h", display_name="Ho Chen",
                 kind=AttendeeKind.SIGNED_IN, user_name="users/h")
    names = Names([mai, ho])
    assert [person for _, _, person in names.find("So Mai's going to add an alert.")] == [mai]
    assert names.resolve("Chen") is None  # "Ho" may be a given name: "Ho Chen" stays as written


@pytest.mark.parametrize(("task", "chatter"), [("host the welcome drinks", False), ("book the team lunch at Rosa's", False),
                                               ("grab drinks after work", True), ("have lunch with Sam", True)])
def test_putting_on_an_event_is_work_going_to_one_is_not(task: str, chatter: bool) -> None:
    assert rules.is_chatter(task) is chatter


@pytest.mark.parametrize("task", ["bring the tiramisu again", "bring my famous snickerdoodles", "take that bullet for the team",
                                  "take one for the team"])
def test_treats_and_figures_of_speech_are_small_talk(task: str) -> None:
    assert rules.is_chatter(task)
