"""Where a push's time goes: the app's ``POST /pubsub/push`` in-process, under cProfile.

Not one of the benchmarks ``python -m bench`` runs (its figures depend on the profiler):
``python -m bench.profile_push [--pushes N] [--top N] [--sort cumulative|tottime]``.

The app is built as production builds it (``bot.create_app`` with the settings
``bench.harness.gunicorn_app`` gives gunicorn) on a fresh PostgreSQL database, with the
emulator serving Google's certificates; 20 meetings with a subscription each are recorded
directly in storage. Every push is a distinct Meet event (participant joined or left) for
one of them, signed as Pub/Sub signs it (a fresh OIDC token each), sent through Flask's
test client from one thread: the figures are the endpoint's own work, without gunicorn's
or a socket's. The sync worker is not started (a push only kicks it), so no sync runs.

Printed: wall and CPU milliseconds per push (without the profiler, then under it), what
the app sent PostgreSQL per push (counted in psycopg: each query, ping, BEGIN and COMMIT is
one round trip), then the profile.
"""

from __future__ import annotations

import argparse
import base64
import collections
import cProfile
import json
import os
import pstats
import shutil
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from .harness import PROJECT_NUMBER, PUBSUB_TOPIC, PUSH_SERVICE_ACCOUNT, postgres_database

MEETINGS = 20
EVENT_TYPES = ("google.workspace.meet.participant.v2.joined", "google.workspace.meet.participant.v2.left")


def _pushes(state: Any, audience: str, count: int) -> list[tuple[bytes, dict[str, str]]]:
    from google.auth import crypt, jwt

    from emulator.events.pubsub import push_service_account_id, push_subscription_for
    from emulator.signing import GOOGLE_SIGNER

    key = state.keys.key_for(GOOGLE_SIGNER)
    signer = crypt.RSASigner.from_string(key.private_pem, key_id=key.kid)
    account = push_service_account_id(PUSH_SERVICE_ACCOUNT)
    pushes = []
    for n in range(count):
        meeting = n % MEETINGS
        now = int(time.time())
        token = jwt.encode(signer, {"iss": "https://accounts.google.com", "aud": audience, "azp": account,
                                    "sub": account, "email": PUSH_SERVICE_ACCOUNT, "email_verified": True,
                                    "iat": now, "exp": now + 3600}).decode()
        session = f"conferenceRecords/c{meeting}/participants/p{n}/participantSessions/s{n}"
        data = base64.b64encode(json.dumps({"participantSession": {"name": session}}).encode()).decode()
        envelope = {"message": {
            "attributes": {"ce-id": uuid.uuid4().hex, "ce-type": EVENT_TYPES[n % 2],
                           "ce-source": f"//workspaceevents.googleapis.com/subscriptions/sub{meeting}",
                           "ce-subject": f"//meet.googleapis.com/spaces/space{meeting}",
                           "ce-time": datetime.now(timezone.utc).isoformat(), "ce-specversion": "1.0"},
            "data": data, "messageId": str(n), "publishTime": datetime.now(timezone.utc).isoformat()},
            "subscription": push_subscription_for(PUBSUB_TOPIC), "deliveryAttempt": 1}
        pushes.append((json.dumps(envelope).encode(), {"Authorization": f"Bearer {token}",
                                                       "Content-Type": "application/json"}))
    return pushes


def _record_meetings(storage: Any) -> None:
    from domain import Meeting, Person

    organizer = Person("users/1", "Ada Lovelace", "ada@example.com")
    for n in range(MEETINGS):
        meeting = storage.meetings.record_meeting(Meeting(
            meet_space=f"spaces/space{n}", meeting_code=f"abc-defg-{n:03d}",
            meeting_uri=f"https://meet.google.com/abc-defg-{n:03d}", chat_space="spaces/CHAT1",
            organizer=organizer, title=f"Meeting {n}", created_at=datetime.now(timezone.utc)))
        storage.subscriptions.record_subscription(meeting.id, f"subscriptions/sub{n}",
                                                  datetime.now(timezone.utc) + timedelta(days=7), "ACTIVE")


def _count_round_trips(sent: collections.Counter[str]) -> None:
    """Count what psycopg sends: queries (a ping is one) by their first word, and the
    commands it issues itself (BEGIN, COMMIT, ROLLBACK). Private psycopg methods: this is
    a measuring tool, and it says so if psycopg moved them."""
    from psycopg import _connection_base, _cursor_base

    command, query = _connection_base.BaseConnection._exec_command, _cursor_base.BaseCursor._execute_gen

    def counted_command(self: Any, text: Any, *args: Any, **kwargs: Any) -> Any:
        sent[bytes(text).decode().split()[0].upper()] += 1
        return command(self, text, *args, **kwargs)

    def counted_query(self: Any, text: Any, *args: Any, **kwargs: Any) -> Any:
        words = str(text).split()
        sent[words[0].upper() if words and words[0] != ";" else "ping (;)"] += 1
        return query(self, text, *args, **kwargs)

    _connection_base.BaseConnection._exec_command = counted_command  # type: ignore[method-assign,assignment]
    _cursor_base.BaseCursor._execute_gen = counted_query  # type: ignore[method-assign,assignment]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pushes", type=int, default=2000)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--sort", default="cumulative", choices=("cumulative", "tottime"))
    arguments = parser.parse_args()

    from bot import Config, create_app
    from emulator import BackgroundServer, EmulatorConfig, create_emulator
    from local.stack import write_app_key

    directory = tempfile.mkdtemp(prefix="meetbot-profile-")
    app_url = "http://127.0.0.1:9"  # never called: the app is served in-process
    push_url = app_url + "/pubsub/push"
    emulator_app = create_emulator(EmulatorConfig(quotas=False, app_url=app_url + "/", chat_audience="project-number",
                                                  project_number=PROJECT_NUMBER, pubsub_audience=push_url,
                                                  pubsub_service_account=PUSH_SERVICE_ACCOUNT))
    state = emulator_app.extensions["emulator"]  # type: ignore[attr-defined]
    emulator = BackgroundServer(emulator_app).start()
    try:
        with postgres_database() as database_url:
            key_path = write_app_key(state, emulator.url, directory)
            config = Config.from_env({
                "CHAT_EVENT_FORMAT": "classic", "CHAT_PROJECT_NUMBER": PROJECT_NUMBER,
                "GOOGLE_API_ENDPOINT": emulator.url, "CHAT_CREDENTIALS_FILE": key_path, "AUTH_MODE": "delegation",
                "DELEGATION_CREDENTIALS_FILE": key_path, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING",
                "RECONCILE_INTERVAL_SECONDS": "0", "PUBSUB_TOPIC": PUBSUB_TOPIC, "PUBSUB_AUDIENCE": push_url,
                "PUBSUB_SERVICE_ACCOUNT": PUSH_SERVICE_ACCOUNT, **{k: v for k, v in os.environ.items()
                                                                   if k == "LOG_LEVEL"}})
            from bot.log import configure_logging
            configure_logging(config.log_level)
            app = create_app(config)
            storage = app.extensions["meetbot"].services.storage
            _record_meetings(storage)
            sent: collections.Counter[str] = collections.Counter()
            _count_round_trips(sent)
            warm_up, measured = _pushes(state, push_url, 100), _pushes(state, push_url, arguments.pushes)
            client = app.test_client()
            for body, headers in warm_up:
                assert client.post("/pubsub/push", data=body, headers=headers).status_code == 204
            sent.clear()
            profiler = cProfile.Profile()
            wall, cpu = time.perf_counter(), time.process_time()
            profiler.enable()
            for body, headers in measured:
                client.post("/pubsub/push", data=body, headers=headers)
            profiler.disable()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            round_trips = dict(sent)
            app.extensions["meetbot"].services.storage.close()
            # The same pushes again, without the profiler: its overhead is not the app's.
            again = _pushes(state, push_url, arguments.pushes)
            plain_wall, plain_cpu = time.perf_counter(), time.process_time()
            for body, headers in again:
                client.post("/pubsub/push", data=body, headers=headers)
            plain_wall, plain_cpu = time.perf_counter() - plain_wall, time.process_time() - plain_cpu
            pending = storage.sync_queue.meetings_needing_sync()
            storage.close()
    finally:
        emulator.stop()
        shutil.rmtree(directory, ignore_errors=True)
    n = arguments.pushes
    print(f"{n} pushes; without the profiler: {plain_wall * 1000 / n:.2f} ms wall, {plain_cpu * 1000 / n:.2f} ms CPU "
          f"per push; under it: {wall * 1000 / n:.2f} ms wall, {cpu * 1000 / n:.2f} ms CPU")
    print(f"PostgreSQL round trips per push: {sum(round_trips.values()) / n:.2f} ("
          + ", ".join(f"{kind} {count / n:.2f}" for kind, count in sorted(round_trips.items())) + ")")
    print(f"meetings with a sync requested: {pending} of {MEETINGS}")
    pstats.Stats(profiler).sort_stats(arguments.sort).print_stats(arguments.top)


if __name__ == "__main__":
    main()
