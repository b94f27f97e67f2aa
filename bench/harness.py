"""Shared machinery: free ports, server processes, and a closed-loop load generator."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not come up within {timeout}s")


@contextmanager
def process(args: list[str], ready_url: str, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server process for the duration of the block; its output goes to a log file."""
    log_path = os.path.join(ROOT, ".local", "bench-" + os.path.basename(args[-1]).replace("/", "_") + ".log")
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    with open(log_path, "wb") as log:
        child = subprocess.Popen(args, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                 env={**os.environ, **(env or {})})
        try:
            wait_until_up(ready_url)
            yield child
        finally:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0

    @property
    def p95_ms(self) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def closed_loop(call: Callable[[requests.Session, int], bool], *, total: int, concurrency: int) -> LoadResult:
    """``concurrency`` workers each issue requests back to back until ``total`` are done.

    ``call(session, i)`` performs request number ``i`` and returns whether it succeeded.
    """
    counter = iter(range(total))
    lock = threading.Lock()
    latencies: list[float] = []
    errors = 0

    def worker() -> None:
        nonlocal errors
        session = requests.Session()
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            started = time.perf_counter()
            ok = call(session, index)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                errors += 0 if ok else 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult(total, errors, time.perf_counter() - started, latencies)


# -- shared by the benchmarks that run the real app on gunicorn against the emulator ------

# The same world as local mode (local/stack.py).
from local.stack import APP_SERVICE_ACCOUNT, PROJECT_NUMBER, PUBSUB_TOPIC, PUSH_SERVICE_ACCOUNT  # noqa: E402

DEFAULT_POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextmanager
def postgres_database(admin_url: str | None = None) -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database for one run, dropped afterwards (even on failure).

    The server is ``BENCH_POSTGRES_URL`` (else ``TEST_POSTGRES_URL``, else the local
    server as user ``postgres``), used as the maintenance connection.
    """
    import uuid

    import sqlalchemy as sa

    admin_url = admin_url or os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_POSTGRES_URL") \
        or DEFAULT_POSTGRES_ADMIN_URL
    # AUTOCOMMIT: CREATE/DROP DATABASE cannot run inside a transaction.
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool,
                             connect_args={"connect_timeout": 5})
    name = f"meetbot_bench_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            # template0: template1 refuses to be copied while anyone is connected to it.
            connection.exec_driver_sql(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
        try:
            yield admin.url.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                # FORCE: connections left by a killed worker must not keep the database alive.
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@dataclass
class TimedCall:
    """One HTTP request the emulator served, timed inside the emulator (perf_counter, seconds)."""

    method: str
    path: str
    started: float
    ended: float
    status: int

    @property
    def ms(self) -> float:
        return (self.ended - self.started) * 1000


class CallTimer:
    """WSGI middleware around the emulator: the wall time of every request it serves.

    The time runs from the moment the emulator's Flask app is called until it returns
    its response, so it includes any injected ``delayMs``; the HTTP parsing and socket
    transfer around it are left to the caller's side of the ledger. Control-plane calls
    (``/_emulator/…``) are not recorded.
    """

    def __init__(self, wsgi_app: Callable[..., Any]) -> None:
        self.wsgi_app = wsgi_app
        self.calls: list[TimedCall] = []
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_emulator"):
            return self.wsgi_app(environ, start_response)
        status: list[int] = [0]

        def recording_start_response(status_line: str, headers: list[Any], exc_info: Any = None) -> Any:
            status[0] = int(status_line.split(" ", 1)[0])
            return start_response(status_line, headers, exc_info) if exc_info else start_response(status_line, headers)

        started = time.perf_counter()
        try:
            return self.wsgi_app(environ, recording_start_response)
        finally:
            call = TimedCall(environ.get("REQUEST_METHOD", ""), path, started, time.perf_counter(), status[0])
            with self._lock:
                self.calls.append(call)

    def between(self, start: float, end: float) -> list[TimedCall]:
        """The calls that began within ``[start, end]``."""
        with self._lock:
            return [call for call in self.calls if start <= call.started <= end]


def union_seconds(intervals: list[tuple[float, float]]) -> float:
    """Total time covered by possibly overlapping intervals (parallel calls count once)."""
    total, current_start, current_end = 0.0, None, None
    for start, end in sorted(intervals):
        if current_end is None or start > current_end:
            if current_end is not None:
                total += current_end - current_start  # type: ignore[operator]
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += current_end - current_start  # type: ignore[operator]
    return total


def process_tree_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process and its live children (Linux /proc); None elsewhere."""
    try:
        ticks = os.sysconf("SC_CLK_TCK")
        parents: dict[int, int] = {}
        cpu: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry)] = int(fields[1])
            cpu[int(entry)] = int(fields[11]) + int(fields[12])
    except (OSError, ValueError):
        return None
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, its_parent in parents.items():
            if its_parent == parent and child not in tree:
                tree.add(child)
                frontier.append(child)
    return sum(cpu.get(member, 0) for member in tree) / ticks


@dataclass
class GunicornApp:
    """The app on gunicorn, wired to an emulator running in this process."""

    emulator_app: Any  # the emulator's Flask app, served from this process
    state: Any  # emulator.state.EmulatorState
    emulator_url: str
    app_url: str
    server: subprocess.Popen  # type: ignore[type-arg]
    timer: CallTimer | None
    env: dict[str, str] = field(default_factory=dict)  # the app's environment, beyond this process's

    @property
    def push_url(self) -> str:
        return self.app_url + "/pubsub/push"

    def control(self, method: str, path: str, body: Any = None, session: requests.Session | None = None) -> Any:
        response = (session or requests).request(method, f"{self.emulator_url}/_emulator/{path}", json=body,
                                                 timeout=60)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} /_emulator/{path}: {response.status_code} {response.text[:500]}")
        return response.json()


def gunicorn_command(target: str, *, port: int | str, workers: int, threads: int) -> list[str]:
    """``gunicorn target`` on ``port``. No control socket: gunicorn 27 opens one at a fixed
    path per user, which several servers running at once (benchmarks, tests) would share."""
    return python("-m", "gunicorn", "-w", str(workers), "--threads", str(threads), "-b", f"127.0.0.1:{port}",
                  "--graceful-timeout", "5", "--no-control-socket", target)


@contextmanager
def gunicorn_app(*, workers: int, threads: int, database_url: str | None = None, pubsub: bool = True,
                 time_calls: bool = False, env: dict[str, str] | None = None) -> Iterator[GunicornApp]:
    """``gunicorn main:app`` configured from environment variables as in production, with
    every Google API pointed at an emulator served from this process (so the benchmark
    can sign Chat and Pub/Sub tokens with the emulator's keys). ``AUTH_MODE=delegation``:
    nobody has to link an account. With ``pubsub`` the emulator pushes Meet events to
    ``POST /pubsub/push``. Everything is stopped and removed on the way out, failure or not.
    """
    import shutil
    import tempfile

    from emulator import BackgroundServer, EmulatorConfig, create_emulator
    from local.stack import write_app_key

    directory = tempfile.mkdtemp(prefix="meetbot-bench-")
    app_url = f"http://127.0.0.1:{free_port()}"
    push_url = app_url + "/pubsub/push"
    # Google's quotas off: a benchmark measures the code, not how Meet's 10 meetings per
    # user per minute spread a burst over time (tests/e2e keep them on).
    emulator_app = create_emulator(EmulatorConfig(
        quotas=False,
        app_url=app_url + "/", chat_audience="project-number", project_number=PROJECT_NUMBER,
        app_service_account=APP_SERVICE_ACCOUNT, auto_consent=True,
        push_url=push_url if pubsub else None, pubsub_audience=push_url, pubsub_service_account=PUSH_SERVICE_ACCOUNT))
    state = emulator_app.extensions["emulator"]
    timer = None
    if time_calls:
        timer = CallTimer(emulator_app.wsgi_app)
        emulator_app.wsgi_app = timer  # type: ignore[method-assign]
    emulator = BackgroundServer(emulator_app).start()
    try:
        key_path = write_app_key(state, emulator.url, directory)
        app_env = {
            "CHAT_EVENT_FORMAT": "classic", "CHAT_PROJECT_NUMBER": PROJECT_NUMBER, "GOOGLE_API_ENDPOINT": emulator.url,
            "CHAT_CREDENTIALS_FILE": key_path, "AUTH_MODE": "delegation", "DELEGATION_CREDENTIALS_FILE": key_path,
            "DATABASE_URL": database_url or f"sqlite:///{os.path.join(directory, 'meetbot.db')}",
            "LOG_LEVEL": "WARNING", "RECONCILE_INTERVAL_SECONDS": "0",
            **({"PUBSUB_TOPIC": PUBSUB_TOPIC, "PUBSUB_AUDIENCE": push_url,
                "PUBSUB_SERVICE_ACCOUNT": PUSH_SERVICE_ACCOUNT} if pubsub else {}),
            **(env or {}),
        }
        port = app_url.rsplit(":", 1)[1]
        command = gunicorn_command("main:app", port=port, workers=workers, threads=threads)
        with process(command, app_url + "/healthz", env=app_env) as server:
            yield GunicornApp(emulator_app, state, emulator.url, app_url, server, timer, app_env)
    finally:
        state.events.close()  # no pushes towards a stopped app
        emulator.stop()
        shutil.rmtree(directory, ignore_errors=True)
