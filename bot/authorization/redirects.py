"""Where the callback may send a browser: Chat's ``configCompleteRedirectUrl``, and nowhere else.

Chat puts ``https://chat.google.com/api/bot_config_complete?token=…`` in every MESSAGE
event (``configCompleteRedirectUri`` in add-on events); visiting it tells Chat the
configuration is done. The URL is stored server-side with the pending authorization,
but it is still checked before use so that no path through the app becomes an open
redirect: https, Google Chat's host exactly, no credentials or odd port. In local mode
the emulator plays Chat, so its own origin is accepted as well.
"""

from __future__ import annotations

from urllib.parse import urlsplit

CHAT_HOSTS = frozenset({"chat.google.com"})
MAX_URL_LENGTH = 2048


def is_chat_config_complete_url(url: str | None, *, emulator_origin: str | None = None) -> bool:
    if not url or len(url) > MAX_URL_LENGTH or any(ch in url for ch in "\\\r\n\t "):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a malformed netloc or port
        return False
    if parts.username is not None or parts.password is not None or parts.fragment:
        return False
    if parts.scheme == "https" and (parts.hostname or "") in CHAT_HOSTS and port in (None, 443):
        return True
    if emulator_origin:
        origin = urlsplit(emulator_origin)
        return (parts.scheme, parts.netloc) == (origin.scheme, origin.netloc) and \
            parts.path == "/_emulator/chat/config-complete"
    return False
