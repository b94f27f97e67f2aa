"""Per-user authorization (AUTH_MODE=oauth): each person links their Google account once.

    crypto        refresh tokens encrypted at rest (Fernet, key rotation), state keys
    state         the signed, expiring, single-use OAuth ``state``
    redirects     the only place the callback may send a browser: Chat's config-complete URL
    google_oauth  Google's authorize / token / revoke endpoints and ID token checks
    credentials   ``OAuthCredentials``: Meet credentials from a user's stored grant
    linking       ``Authorization``: begin, start, finish, unlink (``LinkingOff`` with delegation)
    pages         the HTML a person sees in the browser
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from ..config import Config
from ..storage import Repositories
from . import pages
from .credentials import OAuthCredentials
from .crypto import TokenCipher, derive_state_keys
from .google_oauth import GoogleOAuthClient
from .linking import AccountLinking, Authorization, Linked, LinkingOff, Redirect, Unlinked
from .pages import Page
from .state import StateSigner

__all__ = ["pages", "AccountLinking", "Authorization", "LinkingOff", "Linked", "OAuthCredentials", "Page", "Redirect",
           "Unlinked", "build_authorization"]


def build_authorization(config: Config, storage: Repositories, clock: Callable[[], datetime]) -> Authorization:
    """Everything linking needs, from configuration (``Config.problems`` has vetted it)."""
    cipher = TokenCipher(config.token_encryption_keys)
    keys = [config.state_signing_key.encode("utf-8")] if config.state_signing_key \
        else derive_state_keys(config.token_encryption_keys)
    credentials = OAuthCredentials(config, storage, cipher)
    return Authorization(config, storage, GoogleOAuthClient(config), cipher, StateSigner(keys), credentials, clock)
