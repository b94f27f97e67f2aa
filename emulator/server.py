"""Running a WSGI app on a free loopback port in a background thread.

Tests start the emulator (and the Chat app) once per session this way; local mode runs
both in one process with it.
"""

from __future__ import annotations

import errno
import socket
import threading
from typing import Any

from werkzeug.serving import LISTEN_QUEUE, BaseWSGIServer, WSGIRequestHandler, make_server


class PortInUse(OSError):
    """The port asked for is taken by another program. Raised instead of werkzeug's own
    handling (a message on stderr and ``sys.exit``), so that each entry point can name
    the setting that chooses the port."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__(errno.EADDRINUSE, f"{host}:{port} is already in use by another program")
        self.host = host
        self.port = port


class QuietRequestHandler(WSGIRequestHandler):
    """No line per request on stderr: tests and local mode would drown in them."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class BackgroundServer:
    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        listener = _listen(host, port)
        try:
            # werkzeug serves a copy of the listening socket it is given.
            self._server: BaseWSGIServer = make_server(host, port, app, threaded=True,
                                                       request_handler=QuietRequestHandler, fd=listener.fileno())
        finally:
            listener.close()
        self.host = host
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"wsgi:{self.port}", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "BackgroundServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        # An emulator's world works in the background too (Pub/Sub pushes): it stops with
        # the server that served it.
        world = getattr(self.app, "extensions", {}).get("emulator")
        if world is not None:
            world.close()

    def __enter__(self) -> "BackgroundServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (0: any free port); PortInUse if it is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        # As werkzeug does: a port left in TIME_WAIT by a previous run can be bound again at once.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(LISTEN_QUEUE)
    except OSError as error:
        listener.close()
        if error.errno == errno.EADDRINUSE:
            raise PortInUse(host, port) from None
        raise
    return listener
