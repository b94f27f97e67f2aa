"""Only loopback names may reach a local server: a guard against DNS rebinding.

A web page in the developer's browser can make its own domain resolve to 127.0.0.1 and
then read and drive a local server as if it were same-origin; what gives it away is the
``Host`` header, which still names the attacker's domain. A cross-origin request also
says where it comes from in ``Origin``. So a request is served only when its ``Host`` is
a loopback name (``localhost``, ``127.0.0.1``, ``[::1]``) with the port this server
listens on, and its ``Origin``, when the browser sends one, is such a name and port too
(the page itself). Anything else gets a 403 in Google's error shape, unread.

``LoopbackOnly`` is plain WSGI middleware: the emulator wraps its control plane,
playground and consent page with it (``emulator.app``), and local mode wraps the Chat
app it runs (``local.stack``). A production app never uses it: it must answer its real
host name.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})


def split_host(value: str) -> tuple[str, str | None]:
    """(lower-case name, port or None) of a ``Host`` value; IPv6 names keep their brackets."""
    value = value.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return value, None
        name, rest = value[: end + 1], value[end + 1:]
        return name, rest[1:] if rest.startswith(":") else (None if not rest else rest)
    if ":" in value:
        name, port = value.rsplit(":", 1)
        return name, port
    return value, None


class LoopbackOnly:
    """Serve a request only when its Host (and Origin, if any) name this server on loopback.

    ``guarded(path)`` says which paths are checked (all by default); ``extra_hosts``
    adds names (``name`` or ``name:port``) for a server deliberately reached otherwise.
    The port to match is the one the server listens on (``SERVER_PORT``).
    """

    def __init__(self, app: Callable[..., Any], *, guarded: Callable[[str], bool] | None = None,
                 extra_hosts: Iterable[str] = ()) -> None:
        self.app = app
        self.guarded = guarded or (lambda path: True)
        self.extra_hosts = frozenset(host.strip().lower() for host in extra_hosts if host.strip())

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if self.guarded(environ.get("PATH_INFO") or "/"):
            problem = self.refusal(environ)
            if problem is not None:
                return self._refuse(problem, start_response)
        return self.app(environ, start_response)

    # -- the checks ----------------------------------------------------------------------
    def refusal(self, environ: dict[str, Any]) -> str | None:
        """Why this request may not be served, or None."""
        port = str(environ.get("SERVER_PORT") or "")
        host = environ.get("HTTP_HOST")
        if not host or not self._ours(host, port):
            return f"Host {host!r} is not this server on a loopback address (localhost, 127.0.0.1, [::1])."
        origin = environ.get("HTTP_ORIGIN")
        if origin is not None and not self._our_origin(origin, port):
            return f"Origin {origin!r} is not this server on a loopback address."
        return None

    def _ours(self, host: str, port: str) -> bool:
        if host.strip().lower() in self.extra_hosts:
            return True
        name, given = split_host(host)
        if name in self.extra_hosts:
            return True
        if name not in LOOPBACK_NAMES:
            return False
        return given == port if given is not None else port == "80"

    def _our_origin(self, origin: str, port: str) -> bool:
        parts = urlsplit(origin.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
            return False  # includes "null": a sandboxed or opaque origin
        given = parts.netloc.rsplit("]", 1)[-1]
        explicit = given.rsplit(":", 1)[1] if ":" in given else None
        default = "80" if parts.scheme == "http" else "443"
        return self._ours(parts.netloc if explicit is not None else f"{parts.netloc}:{default}", port)

    @staticmethod
    def _refuse(reason: str, start_response: Callable[..., Any]) -> list[bytes]:
        body = json.dumps({"error": {"code": 403, "message": reason, "status": "PERMISSION_DENIED"}}).encode()
        start_response("403 Forbidden", [("Content-Type", "application/json; charset=utf-8"),
                                         ("Content-Length", str(len(body))), ("Cache-Control", "no-store")])
        return [body]
