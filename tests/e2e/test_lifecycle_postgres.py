"""Several workers on PostgreSQL, the same events delivered many times: one summary.

Each extra worker has its own Storage (its own connection pool), as separate gunicorn
workers or App Engine instances would; claims use SELECT … FOR UPDATE SKIP LOCKED.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from typing import Iterator

import pytest

from bot.lifecycle.worker import SyncWorker
from bot.storage import open_storage
from tests.e2e.conftest import Stack
from tests.e2e.test_lifecycle import Meeting, _lifecycle_stack, assert_final_state
from tests.support import wait_until
from tests.postgres import PostgresServer, postgres_server  # noqa: F401 - a fixture

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def postgres_stack(postgres_server: PostgresServer) -> Iterator[tuple[Stack, str]]:
    url = postgres_server.create_database()
    for stack in _lifecycle_stack(pubsub=True, database_url=url):
        yield stack, url


def test_concurrent_workers_post_exactly_one_summary(postgres_stack: tuple[Stack, str]) -> None:
    stack, url = postgres_stack
    stack.control("POST", "pubsub", {"duplicates": 3, "shuffle": True, "concurrency": 4})
    bot = stack.local.app.extensions["meetbot"]
    workers = []
    for _ in range(3):  # three more "instances", each with its own pool
        services = dataclasses.replace(bot.services, storage=open_storage(url, pool_size=4))
        workers.append(SyncWorker(services).start())
    try:
        meeting = Meeting(stack)
        wait_until(lambda: stack.control("GET", "events/subscriptions")["subscriptions"], what="a subscription")
        for person in (meeting.alice, meeting.bob):
            meeting.join(user=person["name"])
        meeting.join(phone="+16505550123")
        meeting.flush()
        meeting.leave(user=meeting.bob["name"])
        meeting.end(recording=True, transcript=[{"user": meeting.alice["name"], "text": "Hi"}])
        stop = threading.Event()

        def hammer(worker: SyncWorker) -> None:  # every worker keeps asking for work at once
            while not stop.is_set():
                worker.run_once(debounce_seconds=0)

        threads = [threading.Thread(target=hammer, args=(w,)) for w in workers]
        for thread in threads:
            thread.start()
        try:
            meeting.flush()
            wait_until(meeting.summaries, what="the summary")
            stack.control("POST", "clock", {"advanceSeconds": 600})
            meeting.flush()
            wait_until(lambda: "being prepared" not in json.dumps(meeting.summaries()), what="links")
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
        assert_final_state(meeting)
    finally:
        stack.control("POST", "pubsub", {"reset": True})
        for worker in workers:
            worker.stop()
            worker.services.storage.close()
