"""Building the configured summariser once, at start-up (``SUMMARIZER``).

``extractive`` needs nothing. ``gemini`` needs a ``google-genai`` client for Vertex AI,
built here with the app's own service account and the ``cloud-platform`` scope — never a
user's token: the key file the app already uses for Chat (``CHAT_CREDENTIALS_FILE``)
when there is one, else Application Default Credentials (App Engine's service
account). With ``GOOGLE_API_ENDPOINT`` (local mode, tests) the client talks to the
emulator's Vertex AI. Nothing here runs at import time, and the Gemini side
(``google-genai``: ~0.4 s and ~20 MB in every worker) is imported only when it is chosen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from google.auth.credentials import Credentials

from bot.config import Config
from bot.google.chat import app_credentials
from bot.google.credentials import ServiceAccounts

from . import Summarizer
from .extractive import ExtractiveSummarizer

if TYPE_CHECKING:
    from google.genai import Client


def vertex_credentials(config: Config, service_accounts: ServiceAccounts | None = None) -> Credentials:
    """The app's service account, scoped for Vertex AI."""
    from .gemini import CLOUD_PLATFORM_SCOPE

    return app_credentials(config.chat_credentials_file, (CLOUD_PLATFORM_SCOPE,), service_accounts=service_accounts)


def vertex_client(config: Config, credentials: Credentials) -> Client:
    """A Vertex AI client for the configured project and location (the emulator's base URL
    when ``GOOGLE_API_ENDPOINT`` is set). The SDK's own retries stay off: the summariser
    retries within its budget, and sets each call's timeout to what is left of it."""
    from google.genai import Client, types

    from .gemini import DEFAULT_CALL_TIMEOUT_SECONDS

    options = types.HttpOptions(timeout=int(DEFAULT_CALL_TIMEOUT_SECONDS * 1000))
    if config.google_api_endpoint:
        options.base_url = config.google_api_endpoint
    return Client(vertexai=True, project=config.vertex_project, location=config.vertex_location,
                  credentials=credentials, http_options=options)


def build_summarizer(config: Config, credentials: Credentials | None = None,
                     service_accounts: ServiceAccounts | None = None) -> Summarizer:
    """The summariser ``config.summarizer`` names; Gemini's falls back to the extractive one."""
    extractive = ExtractiveSummarizer()
    if config.summarizer != "gemini":
        return extractive
    from .gemini import GeminiSummarizer

    client = vertex_client(config, credentials or vertex_credentials(config, service_accounts))
    return GeminiSummarizer(client, model=config.gemini_model, fallback=extractive,
                            budget_seconds=config.summarizer_budget_seconds)
