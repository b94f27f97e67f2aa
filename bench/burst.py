"""A burst of Pub/Sub pushes: 200 meetings ending together, duplicated and shuffled.

The app runs as in production for several instances: ``gunicorn main:app`` with 4
workers × 8 threads on PostgreSQL (a fresh database on the local server, dropped
afterwards), ``AUTH_MODE=delegation``, Workspace Events through Pub/Sub push, and no
reconciler (``RECONCILE_INTERVAL_SECONDS=0``), so nothing but the pushes can bring the
cards and summaries up to date.

Set-up (not measured): 200 Chat spaces' worth of meetings (10 per space), each created
with ``/meet`` by its own organizer through the emulator's Chat; the app subscribes each
meeting space to Meet's events. Seven people join each meeting; those events are pushed
in order and the benchmark waits until every card shows "In the call (7)".

The burst: all 200 conferences end at once (emulator control plane, concurrently). Meet
publishes 8 events per meeting (7 ``participant.left`` and ``conference.ended``): 1,600
messages. They are captured from the emulator (``GET /_emulator/pubsub/messages``) and
pushed the way Pub/Sub pushes them — the same envelope, an OIDC token signed with the
emulator's Google key for the push service account and audience, a 102/200/201/202/204
answer as the only acknowledgement, anything else retried with exponential backoff
(50 ms doubling to 2 s) — plus 400 redeliveries of randomly chosen messages (the same
messageId, as Pub/Sub's at-least-once delivery does), so that 20% of the 2,000 pushes
are duplicates, all shuffled and sent by 32 concurrent senders (one per app thread).
The emulator's own pusher is switched off for the run (``pushUrl: null``): the
benchmark needs an exact share of duplicates and its own clock on every push.

* ``burst_events_per_second``: acknowledged pushes ÷ the time from the first push to
  the last acknowledgement (retries included).
* ``burst_lost``: meetings whose card did not reach "Ended" or that have no summary
  within the deadline, plus pushes never acknowledged. Must be 0.
* ``burst_duplicates``: every message the app posted during and after the burst beyond
  one summary per meeting (counted from the emulator's Chat, private messages
  included), so a second summary, a re-posted card or a stray error all count. Must be 0.
* ``burst_settle_seconds``: from the first push until every meeting shows its ended
  card and its summary (the sync debounce of 1 s included).

``--quick``: 20 meetings, 200 pushes.
"""

from __future__ import annotations

import base64
import heapq
import json
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

import requests

from .harness import PUSH_SERVICE_ACCOUNT, GunicornApp, gunicorn_app, postgres_database

MEETINGS_PER_SPACE = 10
PARTICIPANTS = 7  # each ending publishes 7 participant.left + 1 conference.ended
DUPLICATE_SHARE = 0.2  # of all pushes
SENDERS = 32  # concurrent pushes: gunicorn's 4 workers × 8 threads
ACK_STATUSES = frozenset({102, 200, 201, 202, 204})  # what Pub/Sub counts as an acknowledgement
ACK_DEADLINE_SECONDS = 10.0
MIN_BACKOFF_SECONDS, MAX_BACKOFF_SECONDS = 0.05, 2.0
SETUP_WORKERS = 8
SEED = 20261124


@dataclass
class Meeting:
    index: int
    space: str
    organizer: str
    participants: list[str]
    code: str = ""
    card_name: str = ""
    thread: str = ""


@dataclass(eq=False)
class Push:
    body: bytes
    headers: dict[str, str]
    message_id: str
    attempts: int = 0
    acked: bool = False


@dataclass
class PushReport:
    acked: int = 0
    unacked: int = 0
    nacks: int = 0  # non-acknowledging answers and errors, each retried
    first_sent: float = 0.0
    last_acked: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return max(self.last_acked - self.first_sent, 1e-9)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0


class PubSubPusher:
    """Pushes captured Pub/Sub messages to the app exactly as a push subscription would."""

    def __init__(self, app: GunicornApp) -> None:
        from google.auth import crypt

        from emulator.events.pubsub import push_service_account_id, push_subscription_for
        from emulator.signing import GOOGLE_SIGNER

        state: Any = app.state
        key = state.keys.key_for(GOOGLE_SIGNER)
        # Loaded once: parsing the PEM costs tens of milliseconds, signing about one.
        self._signer = crypt.RSASigner.from_string(key.private_pem, key_id=key.kid)
        self._account_id = push_service_account_id(PUSH_SERVICE_ACCOUNT)
        self._subscription_for = push_subscription_for
        self.url = app.push_url

    def _token(self) -> str:
        from google.auth import jwt

        now = int(time.time())
        return jwt.encode(self._signer, {
            "iss": "https://accounts.google.com", "aud": self.url, "azp": self._account_id, "sub": self._account_id,
            "email": PUSH_SERVICE_ACCOUNT, "email_verified": True, "iat": now, "exp": now + 3600}).decode()

    def prepare(self, message: dict[str, Any], delivery_attempt: int = 1) -> Push:
        """The push request for one published message (``GET /_emulator/pubsub/messages`` form)."""
        data = json.dumps(message["data"], separators=(",", ":")).encode() if message["data"] is not None else b""
        body: dict[str, Any] = {"attributes": message["attributes"], "data": base64.b64encode(data).decode(),
                                "messageId": message["messageId"], "message_id": message["messageId"]}
        if message.get("orderingKey"):
            body["orderingKey"] = message["orderingKey"]
        body["publishTime"] = body["publish_time"] = message["publishTime"]
        envelope = {"message": body, "subscription": self._subscription_for(message["topic"]),
                    "deliveryAttempt": delivery_attempt}
        headers = {"Authorization": f"Bearer {self._token()}", "Content-Type": "application/json",
                   "User-Agent": "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)"}
        return Push(json.dumps(envelope).encode(), headers, message["messageId"])

    def push(self, pushes: list[Push], *, senders: int, give_up_after: float) -> PushReport:
        """Send every push (in list order as senders free up), retrying until acknowledged."""
        report = PushReport()
        ready: list[tuple[float, int, Push]] = [(0.0, order, push) for order, push in enumerate(pushes)]
        heapq.heapify(ready)
        condition = threading.Condition()
        outstanding = [len(pushes)]
        deadline = time.monotonic() + give_up_after
        report.first_sent = time.perf_counter()

        def sender() -> None:
            session = requests.Session()
            while True:
                with condition:
                    while True:
                        if not outstanding[0] or time.monotonic() > deadline:
                            condition.notify_all()
                            return
                        if ready and ready[0][0] <= time.monotonic():
                            _, order, push = heapq.heappop(ready)
                            break
                        condition.wait(min(ready[0][0] - time.monotonic(), 0.05) if ready else 0.05)
                push.attempts += 1
                started = time.perf_counter()
                try:
                    status = session.post(self.url, data=push.body, headers=push.headers,
                                          timeout=(ACK_DEADLINE_SECONDS, ACK_DEADLINE_SECONDS)).status_code
                except requests.RequestException:
                    status = 0
                finished = time.perf_counter()
                with condition:
                    if status in ACK_STATUSES:
                        push.acked = True
                        outstanding[0] -= 1
                        report.acked += 1
                        report.last_acked = max(report.last_acked, finished)
                        report.latencies_ms.append((finished - started) * 1000)
                    else:
                        report.nacks += 1
                        backoff = min(MIN_BACKOFF_SECONDS * 2 ** (push.attempts - 1), MAX_BACKOFF_SECONDS)
                        heapq.heappush(ready, (time.monotonic() + backoff, order, push))
                    condition.notify_all()

        threads = [threading.Thread(target=sender, name=f"bench-push-{i}", daemon=True) for i in range(senders)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        report.unacked = sum(1 for push in pushes if not push.acked)
        return report


def _in_parallel(work: Callable[[Any], Any], items: list[Any], workers: int = SETUP_WORKERS) -> list[Any]:
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(work, items))


def _wait(condition: Callable[[], Any], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"burst set-up: {what} did not happen within {timeout:g}s")
        time.sleep(0.25)


def _bot_messages(app: GunicornApp, space: str, session: requests.Session | None = None) -> list[dict[str, Any]]:
    messages = app.control("GET", f"chat/spaces/{space.split('/')[1]}/messages", session=session)["messages"]
    return [m for m in messages if (m.get("sender") or {}).get("type") == "BOT"]


def _card_id(message: dict[str, Any]) -> str | None:
    return (message.get("cardsV2") or [{}])[0].get("cardId")


def _active_subscriptions(app: GunicornApp) -> int:
    return sum(s["state"] == "ACTIVE" for s in app.control("GET", "events/subscriptions")["subscriptions"])


def set_up(app: GunicornApp, count: int, per_space: int = MEETINGS_PER_SPACE) -> list[Meeting]:
    """``count`` meetings with their join cards and subscriptions, seven people in each call,
    ``per_space`` of them in each Chat space."""
    local = threading.local()

    def session() -> requests.Session:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        return local.session

    def user(email: str) -> str:
        return app.control("POST", "users", {"email": email, "displayName": email.split("@")[0]},
                           session=session())["name"]

    people = _in_parallel(user, [f"m{m}p{p}@example.com" for m in range(count) for p in range(PARTICIPANTS)])
    meetings: list[Meeting] = []
    for start in range(0, count, per_space):
        organizers = [people[m * PARTICIPANTS] for m in range(start, min(start + per_space, count))]
        space = app.control("POST", "chat/spaces", {"displayName": f"Burst {start // per_space}",
                                                     "spaceType": "SPACE", "members": organizers})["name"]
        for m in range(start, start + len(organizers)):
            meetings.append(Meeting(m, space, people[m * PARTICIPANTS],
                                    people[m * PARTICIPANTS:(m + 1) * PARTICIPANTS]))

    def create(space_meetings: list[Meeting]) -> None:
        for meeting in space_meetings:  # one at a time per space, so each reply is its own card
            body = {"space": meeting.space, "sender": meeting.organizer, "text": f"/meet Burst {meeting.index}"}
            reply = app.control("POST", "chat/messages", body, session=session())["reply"]
            if not reply or _card_id(reply) != "meeting":
                raise RuntimeError(f"/meet did not post a join card: {json.dumps(reply)[:300]}")
            meeting.code = reply["clientAssignedMessageId"][len("client-meet-"):]
            meeting.card_name, meeting.thread = reply["name"], reply["thread"]["name"]

    by_space: dict[str, list[Meeting]] = {}
    for meeting in meetings:
        by_space.setdefault(meeting.space, []).append(meeting)
    subscribed_before = _active_subscriptions(app)  # other meetings may be live already (bench.freshness)
    _in_parallel(create, list(by_space.values()))
    _wait(lambda: _active_subscriptions(app) >= subscribed_before + count, 60, "every meeting space subscribed")

    def join(meeting: Meeting) -> None:
        for person in meeting.participants:
            app.control("POST", "meet/join", {"space": meeting.code, "user": person}, session=session())

    _in_parallel(join, meetings)
    return meetings


def _card_states(app: GunicornApp, meetings: list[Meeting]) -> dict[str, tuple[str, int]]:
    """Meeting code -> (the card's text, how many summaries are in its thread)."""
    result: dict[str, tuple[str, int]] = {}
    for space in sorted({m.space for m in meetings}):
        messages = _bot_messages(app, space)
        cards = {m["name"]: json.dumps(m.get("cardsV2")) for m in messages if _card_id(m) == "meeting"}
        summaries: dict[str, int] = {}
        for message in messages:
            if _card_id(message) == "summary":
                thread = (message.get("thread") or {}).get("name", "")
                summaries[thread] = summaries.get(thread, 0) + 1
        for meeting in meetings:
            if meeting.space == space:
                result[meeting.code] = (cards.get(meeting.card_name, ""), summaries.get(meeting.thread, 0))
    return result


def _finished(state: tuple[str, int]) -> bool:
    card, summaries = state
    return "Ended" in card and "In the call" not in card and summaries >= 1


@dataclass
class Burst:
    """A burst ready to go: the meetings have ended in Meet, their pushes are built."""

    pusher: PubSubPusher
    meetings: list[Meeting]
    pushes: list[Push]
    published: int
    duplicates: int
    posts_before: int


def prepare(app: GunicornApp, count: int, *, since: int = 0, per_space: int = MEETINGS_PER_SPACE) -> Burst:
    """Set up ``count`` meetings, end them all in Meet and build the burst's pushes.

    The emulator's pusher is switched off (see the docstring); ``since``: how many
    messages the emulator published before (those are not this burst's to push).
    """
    app.control("POST", "pubsub", {"pushUrl": None})
    pusher = PubSubPusher(app)
    meetings = set_up(app, count, per_space)
    # The joins, in publish order, as Pub/Sub would push them during the meetings.
    joined = app.control("GET", "pubsub/messages")["messages"][since:]
    report = pusher.push([pusher.prepare(m) for m in joined], senders=SENDERS, give_up_after=60)
    if report.unacked:
        raise RuntimeError(f"set-up: {report.unacked} join events were never acknowledged")
    _wait(lambda: all(f"In the call ({PARTICIPANTS})" in card for card, _ in _card_states(app, meetings).values()),
          60, "every card showing the people in the call")
    time.sleep(1.5)  # trailing syncs of the set-up
    posts_before = sum(len(_bot_messages(app, space)) for space in sorted({m.space for m in meetings}))

    # All conferences end together.
    mark = since + len(joined)
    _in_parallel(lambda meeting: app.control("POST", "meet/end", {"space": meeting.code}), meetings)
    published = app.control("GET", "pubsub/messages")["messages"][mark:]
    rng = random.Random(SEED)
    duplicates = round(len(published) * DUPLICATE_SHARE / (1 - DUPLICATE_SHARE))
    pushes = [pusher.prepare(message) for message in published]
    pushes += [pusher.prepare(message) for message in rng.sample(published, duplicates)]
    rng.shuffle(pushes)
    return Burst(pusher, meetings, pushes, len(published), duplicates, posts_before)


def unleash(app: GunicornApp, burst: Burst, *, settle_timeout: float, settled_event: threading.Event | None = None,
            timeline: dict[str, float] | None = None) -> dict[str, Any]:
    """Push the burst, wait until every meeting has settled (then set ``settled_event``),
    count what was lost or doubled. ``timeline`` gets the perf_counter() times "started"
    (first push), "pushed" (every push acknowledged or given up) and "settled"."""
    meetings = burst.meetings
    timeline = timeline if timeline is not None else {}
    started = timeline["started"] = time.perf_counter()
    report = burst.pusher.push(burst.pushes, senders=SENDERS, give_up_after=120)
    timeline["pushed"] = time.perf_counter()
    states: dict[str, tuple[str, int]] = {}
    deadline = time.monotonic() + settle_timeout
    while time.monotonic() < deadline:
        states = _card_states(app, meetings)
        if all(_finished(state) for state in states.values()):
            break
        time.sleep(0.25)
    timeline["settled"] = time.perf_counter()
    settled = timeline["settled"] - started
    if settled_event is not None:
        settled_event.set()
    time.sleep(2.0)  # anything late (a second summary would be) lands before counting
    states = _card_states(app, meetings)
    unfinished = sum(1 for state in states.values() if not _finished(state))
    posts_after = sum(len(_bot_messages(app, space)) for space in sorted({m.space for m in meetings}))
    with_summary = sum(1 for _, summaries in states.values() if summaries >= 1)
    return {
        "burst_events_per_second": round(report.acked / report.seconds, 1),
        "burst_lost": unfinished + report.unacked,
        "burst_duplicates": (posts_after - burst.posts_before) - with_summary,
        "burst_meetings": len(meetings),
        "burst_pushes": len(burst.pushes),
        "burst_duplicate_pushes": burst.duplicates,
        "burst_events_published": burst.published,
        "burst_nacks": report.nacks,
        "burst_push_p50_ms": round(_percentile(report.latencies_ms, 0.5), 1),
        "burst_push_p95_ms": round(_percentile(report.latencies_ms, 0.95), 1),
        "burst_seconds": round(report.seconds, 2),
        "burst_settle_seconds": round(settled, 2) if not unfinished else None,
        "burst_unfinished_meetings": unfinished,
        "burst_unacked_pushes": report.unacked,
    }


def measure(app: GunicornApp, count: int, *, settle_timeout: float) -> dict[str, Any]:
    return unleash(app, prepare(app, count), settle_timeout=settle_timeout)


def run(quick: bool) -> dict[str, Any]:
    count = 20 if quick else 200
    with postgres_database() as database_url, \
            gunicorn_app(workers=4, threads=8, database_url=database_url, pubsub=True) as app:
        return measure(app, count, settle_timeout=60 if quick else 240)
