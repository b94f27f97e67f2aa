from datetime import timedelta

import pytest

from cards.help import help_message
from domain.commands import COMMANDS, Command
from cards.messages import Problem, error_message, text_message, unknown_command_message, welcome_message
from tests.cards.support import assert_valid_message, parse_html, visible_text

PRODUCT_COMMANDS = {"/meet", "/meethelp", "/meetsettings", "/meetlogout", "/meetrecent"}


def test_help_is_valid_and_lists_every_command_with_an_example():
    message = help_message(COMMANDS)
    assert_valid_message(message)
    card = message["cardsV2"][0]["card"]
    commands = [w["textParagraph"]["text"] for s in card["sections"] if s.get("header") == "Commands" for w in s["widgets"]]
    assert len(commands) == len(PRODUCT_COMMANDS)
    shown = {parse_html(html).text.split()[0] for html in commands}
    assert shown == PRODUCT_COMMANDS
    for html in commands:
        assert "Example: /meet" in parse_html(html).text
    assert "/meet [title] [@people…]" in visible_text(card)
    for name in PRODUCT_COMMANDS:
        assert name in message["fallbackText"]


def test_help_follows_the_commands_it_is_given():
    custom = [Command("x", 9, "/<b>x</b>", "Does <i>x</i>.", "/x now", "")]
    message = help_message(custom)
    assert_valid_message(message)
    html = message["cardsV2"][0]["card"]["sections"][1]["widgets"][0]["textParagraph"]["text"]
    parsed = parse_html(html)
    assert parsed.tags.count("b") == 1 and "i" in parsed.tags  # our bold and "Example" italic only
    assert "/<b>x</b>" in parsed.text and "Does <i>x</i>." in parsed.text
    assert "/meetsettings" not in message["fallbackText"]


def test_welcome_differs_for_a_dm_and_a_space():
    dm, space = welcome_message(direct_message=True), welcome_message(direct_message=False)
    for message in (dm, space):
        assert_valid_message(message)
        assert "/meet" in message["text"] and "/meethelp" in message["text"]
    assert dm["text"] != space["text"]
    assert "Anyone here" in space["text"] and "Anyone here" not in dm["text"]


@pytest.mark.parametrize("problem", list(Problem))
def test_every_problem_has_a_valid_distinct_explanation(problem):
    message = error_message(problem)
    assert_valid_message(message)
    others = {error_message(other)["text"] for other in Problem if other is not problem}
    assert message["text"] not in others
    assert message["text"].strip()


def test_permission_denied_explains_consumer_accounts_and_admins():
    text = error_message(Problem.PERMISSION_DENIED)["text"]
    assert "personal Google account" in text
    assert "administrator" in text
    assert "<https://meet.google.com/new|meet.google.com/new>" in text


def test_quota_message_says_when_to_retry():
    assert "in a minute" in error_message(Problem.QUOTA_EXCEEDED)["text"]
    assert "in 5 minutes" in error_message(Problem.QUOTA_EXCEEDED, retry_after=timedelta(seconds=241))["text"]


def test_not_configured_names_what_is_missing():
    assert "(the Meet service account is missing)" in error_message(
        Problem.NOT_CONFIGURED, missing="the Meet service account")["text"]
    assert "missing" not in error_message(Problem.NOT_CONFIGURED)["text"]


def test_unknown_command_echoes_only_plain_names():
    plain = unknown_command_message("/meetx")["text"]
    assert "`/meetx`" in plain and "/meethelp" in plain
    sneaky = unknown_command_message("/<https://evil|click> <users/all>")["text"]
    assert "evil" not in sneaky and "users/all" not in sneaky
    assert "that command" in sneaky
    assert_valid_message(unknown_command_message(None))


def test_text_message_is_a_valid_message():
    assert text_message("hello") == {"text": "hello"}
    assert_valid_message(text_message("hello"))


@pytest.mark.parametrize("outcome", ["revoked", "deleted_only"])
def test_meetlogout_says_which_cards_stop_updating_until_the_next_link(outcome):
    from cards.account import UnlinkOutcome, unlinked_message

    none, one, three = (unlinked_message(UnlinkOutcome(outcome), paused_meetings=n)["text"] for n in (0, 1, 3))
    for text in (none, one, three):
        assert "keep working" not in text and "The next `/meet` will ask for your permission again." in text
    assert "stop" not in none  # nothing is live: no claim about cards
    assert "The card of your meeting still in use stops updating" in one and "catches up by itself" in one
    assert "The cards of your 3 meetings still in use stop updating" in three and "no summaries" in three
    assert_valid_message(unlinked_message(UnlinkOutcome(outcome), paused_meetings=3))
