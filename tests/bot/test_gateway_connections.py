"""The Meet gateway keeps its connections alive per thread, and drops them after a failure.

Against a plain HTTP/1.1 server on loopback that counts the connections it accepts (the
emulator's development server closes every connection, so it cannot show this).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest
from google.oauth2.credentials import Credentials

from bot.google.errors import FailureKind, GoogleApiError
from bot.google.meet import MeetGateway
from tests.support import wait_until


class KeepAliveServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.connections = 0
        self.finished = 0  # requests whose answer was written, or met its connection closed
        self.stall_next = 0.0  # seconds the next request waits before its answer
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    server: KeepAliveServer

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.connections += 1

    def do_GET(self) -> None:  # noqa: N802 - the http.server naming
        with self.server.lock:
            stall, self.server.stall_next = self.server.stall_next, 0.0
        time.sleep(stall)
        name = self.path.split("?")[0].removeprefix("/v2/")
        body = json.dumps({"name": name, "meetingCode": "abc-defg-hij"}).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
        except OSError:
            self.close_connection = True  # the client gave up on it
        finally:
            with self.server.lock:
                self.server.finished += 1

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[KeepAliveServer]:
    server = KeepAliveServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def credentials() -> Credentials:
    return Credentials(token="an-access-token")


def test_calls_from_one_thread_share_one_connection(server: KeepAliveServer) -> None:
    meet = MeetGateway(server.url, timeout_seconds=5)
    for n in range(5):
        assert meet.get_space(credentials(), f"spaces/s{n}").name == f"spaces/s{n}"
    assert server.connections == 1


def test_each_thread_has_its_own_connection(server: KeepAliveServer) -> None:
    meet = MeetGateway(server.url, timeout_seconds=5)
    results: list[str] = []

    def work(n: int) -> None:
        for _ in range(3):
            results.append(meet.get_space(credentials(), f"spaces/t{n}").name)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == sorted(f"spaces/t{n}" for n in range(3) for _ in range(3))
    assert server.connections == 3


def test_a_timed_out_connection_is_not_reused(server: KeepAliveServer) -> None:
    """Its late answer would otherwise be read as the answer to the next call."""
    meet = MeetGateway(server.url, timeout_seconds=0.3, budget_seconds=0)  # one attempt, no retry
    assert meet.get_space(credentials(), "spaces/first").name == "spaces/first"
    server.stall_next = 0.8
    with pytest.raises(GoogleApiError) as caught:
        meet.get_space(credentials(), "spaces/slow")
    assert caught.value.kind is FailureKind.TIMEOUT
    wait_until(lambda: server.finished == 2, what="the slow answer sent to the old connection")
    assert meet.get_space(credentials(), "spaces/next").name == "spaces/next"
    assert server.connections == 2
