"""The machinery of the push and freshness benchmarks: what they measure must be what they say.

The freshness benchmark decides that a card "shows" an event by reading the join card's
"In the call (n)" label, so that reading is checked against cards.join_card itself. The
push benchmark's peer (bench.bare_push) must do the app's token check and exactly one
INSERT per event, or the ratio compares the app with something else: checked here on a
real PostgreSQL with pushes signed by the emulator's Google key.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any, Iterator

import pytest
import sqlalchemy as sa

from bench.bare_push import CREATE_TABLE, create_app
from bench.burst import PubSubPusher
from bench.freshness import card_shows, percentile
from bench.harness import PUSH_SERVICE_ACCOUNT
from domain import MeetingStatus
from cards.join_card import CallState, join_card
from emulator import BackgroundServer, EmulatorConfig, create_emulator
from tests.cards.support import NOW, make_meeting
from tests.postgres import PostgresServer, postgres_server  # noqa: F401 - a fixture

PUSH_URL = "http://127.0.0.1:9/pubsub/push"  # the audience: never reached, the test client is called


def _card_body(people: int, status: MeetingStatus = MeetingStatus.IN_PROGRESS) -> dict[str, Any]:
    call = CallState(started_at=NOW, in_call=tuple(f"Person {i}" for i in range(people)))
    return {"text": "", "cardsV2": [join_card(make_meeting(status=status), now=NOW, call=call)]}


def test_card_shows_the_count_the_join_card_draws() -> None:
    assert card_shows(_card_body(3), 3)
    assert not card_shows(_card_body(3), 2)
    assert not card_shows(_card_body(13), 3)  # "(13)" is not "(3)"
    assert not card_shows(_card_body(3), 13)
    assert card_shows(_card_body(13), 13)
    # Nobody in the call and an ended meeting draw no count at all.
    assert not card_shows(_card_body(0), 0)
    assert not card_shows(_card_body(3, MeetingStatus.ENDED), 3)
    assert not card_shows(None, 3)


def test_percentile_is_the_nearest_rank_at_or_above() -> None:
    values = [float(v) for v in range(1, 21)]  # 1..20
    assert percentile(values, 0.95) == 20.0
    assert percentile(values, 0.5) == 11.0
    assert percentile([], 0.95) == 0.0


@pytest.fixture(scope="module")
def emulator_state() -> Iterator[tuple[str, Any]]:
    app = create_emulator(EmulatorConfig(pubsub_service_account=PUSH_SERVICE_ACCOUNT))
    server = BackgroundServer(app).start()
    try:
        yield server.url, app.extensions["emulator"]
    finally:
        app.extensions["emulator"].events.close()
        server.stop()


@pytest.mark.postgres
def test_bare_push_checks_the_token_and_inserts_once(emulator_state: tuple[str, Any],
                                                     postgres_server: PostgresServer,  # noqa: F811
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    url, state = emulator_state
    database = postgres_server.create_database()
    engine = sa.create_engine(database, poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        connection.exec_driver_sql(CREATE_TABLE)
    for name, value in {"DATABASE_URL": database, "PUBSUB_AUDIENCE": PUSH_URL,
                        "PUBSUB_SERVICE_ACCOUNT": PUSH_SERVICE_ACCOUNT,
                        "GOOGLE_CERTS_URL": f"{url}/oauth2/v1/certs"}.items():
        monkeypatch.setenv(name, value)
    client = create_app().test_client()

    message = state.events.pubsub.publish(
        "projects/p/topics/t", {"participant": {"name": "conferenceRecords/x/participants/1"}},
        {"ce-id": "bench-e1", "ce-type": "google.workspace.meet.participant.v2.joined",
         "ce-source": "//workspaceevents.googleapis.com/subscriptions/s1"})
    published = next(m for m in state.events.pubsub.published() if m["messageId"] == message.id)
    pusher = PubSubPusher(SimpleNamespace(state=state, push_url=PUSH_URL))  # type: ignore[arg-type]
    push = pusher.prepare(published)
    elsewhere = PubSubPusher(SimpleNamespace(state=state, push_url="http://127.0.0.1:9/other"))  # type: ignore[arg-type]

    refused = client.post("/pubsub/push", data=push.body,
                          headers={**push.headers, **{"Authorization": elsewhere.prepare(published).headers[
                              "Authorization"]}})
    assert refused.status_code == 401  # another audience: the app's verifier refuses it too
    for _ in range(2):  # a redelivery inserts nothing more
        assert client.post("/pubsub/push", data=push.body, headers=push.headers).status_code == 204
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT event_id FROM bench_pushes").scalars().all()
    engine.dispose()
    assert rows == ["bench-e1"]
    assert json.loads(push.body)["message"]["attributes"]["ce-id"] == "bench-e1"
