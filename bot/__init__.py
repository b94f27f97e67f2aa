"""The Google Chat app for Google Meet. ``create_app(config)`` builds the Flask app serving
``build_bot(config)``'s ``MeetBot`` (``bot.pipeline``); neither starts a thread: the
background work starts with ``MeetBot.start()``."""

from .app import build_bot, create_app
from .config import Config, ConfigError

__all__ = ["build_bot", "create_app", "Config", "ConfigError"]
