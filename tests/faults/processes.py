"""Real processes for the process-level faults: gunicorn, a private PostgreSQL, a SQLite lock holder.

Nothing here touches the machine's shared PostgreSQL cluster: the PostgreSQL tests get a
cluster of their own (``initdb`` into a temporary directory, run as the ``postgres`` OS
user, on a free port), so stopping and starting it disturbs nobody else. Every process
started here is stopped by its own pid (never by name) in a ``finally``/fixture.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from typing import Any, Callable, Iterator

import requests

from local.stack import APP_SERVICE_ACCOUNT, PROJECT_NUMBER, PUBSUB_TOPIC, PUSH_PATH, PUSH_SERVICE_ACCOUNT, write_app_key
from bot.storage import Storage
from bot.storage.engine import create_engine
from emulator import BackgroundServer, EmulatorConfig, create_emulator
from emulator.config import DEFAULT_COMMANDS
from tests.e2e.conftest import Stack
from tests.support import wait_until

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- which process is talking to the emulator ---------------------------------------------------
class InFlight:
    """WSGI middleware around the emulator: the Google API calls being served right now, with
    the caller's TCP port, so a test can tell which gunicorn worker is stuck inside one."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._calls: dict[int, dict[str, Any]] = {}
        self._ids = iter(range(1, 1 << 62))

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(("/v1/", "/v2/")):
            return self.app(environ, start_response)
        with self._lock:
            key = next(self._ids)
            self._calls[key] = {"method": environ.get("REQUEST_METHOD"), "path": path,
                                "query": environ.get("QUERY_STRING", ""), "port": int(environ.get("REMOTE_PORT") or 0)}
        try:
            # The emulator answers with a fully built body (no streaming), so the call is
            # over when the WSGI app returns.
            return self.app(environ, start_response)
        finally:
            with self._lock:
                self._calls.pop(key, None)

    def find(self, predicate: Callable[[dict[str, Any]], bool]) -> dict[str, Any] | None:
        with self._lock:
            return next((dict(call) for call in self._calls.values() if predicate(call)), None)


def _socket_inodes(local_port: int, remote_port: int) -> set[str]:
    """Inodes of the established TCP sockets 127.0.0.1:local_port -> :remote_port."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table, encoding="ascii") as handle:
                next(handle)
                for line in handle:
                    fields = line.split()
                    local, remote, inode = fields[1], fields[2], fields[9]
                    if int(local.rsplit(":", 1)[1], 16) == local_port and \
                            int(remote.rsplit(":", 1)[1], 16) == remote_port:
                        inodes.add(inode)
        except FileNotFoundError:
            continue
    return inodes


def pid_with_connection(candidates: list[int], local_port: int, remote_port: int) -> int | None:
    """Which of ``candidates`` owns the TCP connection from ``local_port`` to ``remote_port``."""
    wanted = {f"socket:[{inode}]" for inode in _socket_inodes(local_port, remote_port)}
    for pid in candidates:
        for fd in glob.glob(f"/proc/{pid}/fd/*"):
            try:
                if os.readlink(fd) in wanted:
                    return pid
            except OSError:
                continue
    return None


def children_of(pid: int) -> list[int]:
    found = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces or parentheses.
        parent = int(text.rsplit(")", 1)[1].split()[1])
        if parent == pid:
            found.append(int(text.split(" ", 1)[0]))
    return sorted(found)


def stop_process(process: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# -- the app under gunicorn, the emulator in this process ----------------------------------------
class GunicornStack(Stack):
    """The emulator (in this process, so tests can inspect it) and the app as ``gunicorn main:app``
    with several worker processes, configured only through environment variables as in
    production, with Pub/Sub push wired to it."""

    def __init__(self, *, workers: int = 2, env: dict[str, str], chat_deadline: float,
                 directory: str | None = None) -> None:
        # Not Stack.__init__: that one wants an in-process LocalStack; its helpers only need self.url.
        self.directory = directory or tempfile.mkdtemp(prefix="meetbot-gunicorn-")
        self.port = free_port()
        self.app_url = f"http://127.0.0.1:{self.port}"
        push_url = self.app_url + PUSH_PATH
        emulator_app = create_emulator(EmulatorConfig(
            app_url=self.app_url + "/", chat_audience="project-number", project_number=PROJECT_NUMBER,
            app_service_account=APP_SERVICE_ACCOUNT, auto_consent=True, commands=dict(DEFAULT_COMMANDS),
            push_url=push_url, pubsub_audience=push_url, pubsub_service_account=PUSH_SERVICE_ACCOUNT,
            chat_deadline_seconds=chat_deadline, pubsub_min_backoff=0.05, pubsub_max_backoff=0.5))
        self.in_flight = InFlight(emulator_app.wsgi_app)
        emulator_app.wsgi_app = self.in_flight  # type: ignore[method-assign]
        self.state = emulator_app.extensions["emulator"]
        self._emulator = BackgroundServer(emulator_app).start()
        self.url = self._emulator.url
        self.emulator_port = self._emulator.port
        key_path = write_app_key(self.state, self.url, self.directory)
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/root"),
            "PYTHONDONTWRITEBYTECODE": "1",
            "DATABASE_URL": f"sqlite:///{os.path.join(self.directory, 'meetbot.db')}",
            "CHAT_EVENT_FORMAT": "classic", "CHAT_PROJECT_NUMBER": PROJECT_NUMBER, "CHAT_ENDPOINT_URL": self.app_url + "/",
            "GOOGLE_API_ENDPOINT": self.url, "CHAT_CREDENTIALS_FILE": key_path,
            "AUTH_MODE": "delegation", "DELEGATION_CREDENTIALS_FILE": key_path,
            "PUBSUB_TOPIC": PUBSUB_TOPIC, "PUBSUB_AUDIENCE": push_url, "PUBSUB_SERVICE_ACCOUNT": PUSH_SERVICE_ACCOUNT,
            "LOG_LEVEL": "WARNING", **env}
        self.log_path = os.path.join(self.directory, "gunicorn.log")
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.master = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(workers), "--threads", "4", "-b", f"127.0.0.1:{self.port}",
             # No control socket: its default path is shared by every gunicorn on the machine.
             "--graceful-timeout", "2", "--no-control-socket", "main:app"],
            cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT)
        self._storage: Storage | None = None
        try:
            wait_until(self._up, timeout=30, what="gunicorn to answer /healthz")
            wait_until(lambda: len(self.workers()) == workers, timeout=30, what="every gunicorn worker")
        except AssertionError as error:
            log = self.log()
            self.stop()
            raise AssertionError(f"{error}\n--- gunicorn log ---\n{log}") from None
        except BaseException:
            self.stop()
            raise

    def _up(self) -> bool:
        if self.master.poll() is not None:
            raise AssertionError(f"gunicorn exited ({self.master.returncode}):\n{self.log()}")
        try:
            return requests.get(self.app_url + "/healthz", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def workers(self) -> list[int]:
        return children_of(self.master.pid)

    def log(self) -> str:
        with open(self.log_path, encoding="utf-8", errors="replace") as handle:
            return handle.read()[-5000:]

    def storage(self) -> Storage:
        """The app's database, read from the test (the app's processes have their own)."""
        if self._storage is None:
            self._storage = Storage(create_engine(self.env["DATABASE_URL"]))
        return self._storage

    def stop(self) -> None:
        if self._storage is not None:
            self._storage.close()
        try:
            stop_process(self.master)
        finally:
            self._log.close()
            self._emulator.stop()
            self.state.events.close()  # its Pub/Sub threads would push to a dead app forever
            shutil.rmtree(self.directory, ignore_errors=True)


# -- a private PostgreSQL cluster -----------------------------------------------------------------
def _pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else None


class PrivatePostgres:
    """A throwaway PostgreSQL cluster of this test session's own: ``initdb`` into a temporary
    directory as the ``postgres`` OS user, trust authentication, a free port on 127.0.0.1.
    Stopping and starting it cannot disturb the machine's shared cluster."""

    def __init__(self) -> None:
        initdb, self.pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
        if initdb is None or self.pg_ctl is None:
            raise RuntimeError("PostgreSQL server binaries not found under /usr/lib/postgresql")
        self.root = tempfile.mkdtemp(prefix="meetbot-pg-")
        self.data = os.path.join(self.root, "data")
        self.socket_dir = os.path.join(self.root, "sock")
        os.makedirs(self.socket_dir)
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.socket_dir, "postgres")
        self.port = free_port()
        try:
            self._run(initdb, "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout: float = 60) -> None:
        command = ["runuser", "-u", "postgres", "--", *args] if self._as_postgres else list(args)
        result = subprocess.run(command, capture_output=True, timeout=timeout, cwd=self.root)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed: {result.stdout.decode()} {result.stderr.decode()}")

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c max_connections=60")
        self._run(self.pg_ctl, "-D", self.data, "-o", options, "-l", os.path.join(self.root, "server.log"),
                  "-w", "-t", "30", "start")  # type: ignore[arg-type]

    def stop(self) -> None:
        # fast: connected sessions are terminated, as when the server is restarted under them
        self._run(self.pg_ctl, "-D", self.data, "-m", "fast", "-w", "-t", "30", "stop")  # type: ignore[arg-type]

    def running(self) -> bool:
        return os.path.exists(os.path.join(self.data, "postmaster.pid"))

    def destroy(self) -> None:
        try:
            if self.running():
                self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def private_postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres()
    try:
        server.start()
        yield server
    finally:
        server.destroy()


# -- a second process holding SQLite's write lock -------------------------------------------------
_LOCK_HOLDER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
connection.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()  # hold the lock until told (or until the test's end closes stdin)
connection.execute("ROLLBACK")
print("released", flush=True)
"""


class SqliteLockHolder:
    """``python -c`` in its own process: ``BEGIN EXCLUSIVE`` on the file, held until released."""

    def __init__(self, path: str) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", _LOCK_HOLDER, path], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert self.process.stdout is not None
        line = self.process.stdout.readline().decode().strip()
        if line != "locked":
            self.process.kill()
            error = self.process.stderr.read().decode() if self.process.stderr else ""
            raise RuntimeError(f"the SQLite lock holder failed: {line} {error}")

    def release(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None and self.process.stdout is not None
            self.process.stdin.write(b"go\n")
            self.process.stdin.close()
            self.process.stdout.readline()
            self.process.wait(timeout=10)

    def __enter__(self) -> "SqliteLockHolder":
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.release()
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(timeout=10)
