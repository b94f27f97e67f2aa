"""The command catalogue (domain.commands) is the one list: handlers, help, the emulator's
registration and the playground's hints all follow it."""

from __future__ import annotations

from bot.config import Config
from bot.handlers import COMMAND_HANDLERS
from cards.help import help_text
from domain.commands import COMMAND_HINTS, COMMANDS, DEFAULT_COMMAND_IDS
from emulator.config import EmulatorConfig


def test_every_catalogued_command_has_a_handler_and_every_handler_a_command() -> None:
    assert set(COMMAND_HANDLERS) == {command.name for command in COMMANDS}


def test_the_catalogue_names_each_command_and_id_once() -> None:
    assert len({command.name for command in COMMANDS}) == len(COMMANDS)
    assert len(set(DEFAULT_COMMAND_IDS.values())) == len(COMMANDS)


def test_the_app_the_help_and_the_emulator_share_the_catalogue() -> None:
    assert dict(Config().command_ids) == DEFAULT_COMMAND_IDS
    assert EmulatorConfig().commands == DEFAULT_COMMAND_IDS
    text = help_text()
    assert all(command.usage in text for command in COMMANDS)
    assert all(COMMAND_HINTS[command.name] for command in COMMANDS)
