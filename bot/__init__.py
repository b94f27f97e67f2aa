"""The Google Chat app for Google Meet. ``create_app(config)`` builds the Flask app."""

from .app import create_app
from .config import Config, ConfigError

__all__ = ["create_app", "Config", "ConfigError"]
