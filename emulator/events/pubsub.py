"""Pub/Sub, as far as a Workspace Events subscriber sees it: topics and one push subscription.

Every message published to a topic is pushed to the push endpoint (``--push-url``, or the
``pushUrl`` set through ``POST /_emulator/pubsub``) in Pub/Sub's push format::

    POST <push url>
    Authorization: Bearer <Google-signed OIDC ID token>
    Content-Type: application/json

    {"message": {"attributes": {...}, "data": "<base64>", "messageId": "…", "message_id": "…",
                 "orderingKey": "…", "publishTime": "…", "publish_time": "…"},
     "subscription": "projects/{project}/subscriptions/{topic}-push",
     "deliveryAttempt": 1}

As Pub/Sub documents the push message: ``deliveryAttempt`` is there only when the
subscription has a dead-letter policy (``deadLetterTopic``; "the field will be populated
if a DeadLetterPolicy is set on the subscription"), and ``orderingKey`` only when the
subscription delivers in order (``messageOrdering``) and the message was published with
one (Workspace Events publishes with the subscription's name). Both are off by default,
as on a subscription created without them.

The ID token is what Pub/Sub mints for an authenticated push subscription: issuer
``https://accounts.google.com``, audience the configured one (default: the push URL),
``email`` the push service account with ``email_verified`` true, signed by Google's key
(verifiable against ``/oauth2/v1/certs`` or ``/oauth2/v3/certs``).

A 102/200/201/202/204 answer acknowledges; any other status, a connection error or no
answer within the ack deadline is a negative acknowledgement, retried after an
exponential backoff (``minBackoffSeconds`` doubling up to ``maxBackoffSeconds``, scaled
down from Pub/Sub's 10 s/600 s so tests stay fast). Without a dead-letter policy a
message is retried until acknowledged; with one, after ``maxDeliveryAttempts`` (5 to 100,
default 5, Pub/Sub's range) it is forwarded to the dead-letter topic and pushed no more.

Deliveries run on background worker threads, never holding ``state.lock``: the app
calls the emulator's APIs back while it handles an event. Test knobs: ``duplicates``
(each message is pushed n extra times, with the same messageId, as Pub/Sub's
at-least-once delivery may), ``shuffle`` (messages are held for ``shuffleWindowSeconds``
and pushed in random order), ``paused`` (held until unpaused). :meth:`PubSub.wait_idle`
(``POST /_emulator/pubsub/flush``) waits until nothing is pending or in flight.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import random
import threading
import time
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any, Callable

import requests

from ..clock import rfc3339
from ..signing import GOOGLE_SIGNER

if TYPE_CHECKING:
    from ..clock import Clock
    from ..config import EmulatorConfig
    from ..signing import KeyRing

log = logging.getLogger(__name__)

GOOGLE_ISSUER = "https://accounts.google.com"
USER_AGENT = "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)"
ACK_STATUSES = frozenset({102, 200, 201, 202, 204})  # what Pub/Sub push counts as an ack
TOKEN_LIFETIME = 3600
WORKERS = 8  # threads per PubSub; ``concurrency`` says how many may push at once
TICK_SECONDS = 2.0  # how often idle workers let lifecycle events fall due in real time
DEFAULT_MAX_DELIVERY_ATTEMPTS = 5  # Pub/Sub's dead-letter policy: 5 to 100, default 5
MAX_DELIVERY_ATTEMPTS_RANGE = (5, 100)


@dataclass
class Settings:
    """Delivery behaviour; every field can be changed through ``POST /_emulator/pubsub``."""

    push_url: str | None = None
    audience: str | None = None  # None: the push URL, as Pub/Sub defaults it
    service_account: str = "pubsub-push@emulated-project.iam.gserviceaccount.com"
    subscription: str | None = None  # None: projects/{topic project}/subscriptions/{topic id}-push
    duplicates: int = 0
    shuffle: bool = False
    shuffle_window_seconds: float = 0.2
    paused: bool = False
    min_backoff_seconds: float = 0.05
    max_backoff_seconds: float = 2.0
    ack_deadline_seconds: float = 10.0
    # The dead-letter policy: a topic ("projects/p/topics/t") and its attempts (0: Pub/Sub's
    # default, 5). No topic: retried until acknowledged, and pushes carry no deliveryAttempt.
    dead_letter_topic: str | None = None
    max_delivery_attempts: int = 0
    message_ordering: bool = False  # pushes carry the message's orderingKey
    concurrency: int = 1
    seed: int | None = None  # makes shuffle reproducible

    JSON_NAMES = {"push_url": "pushUrl", "audience": "audience", "service_account": "serviceAccount",
                  "subscription": "subscription", "duplicates": "duplicates", "shuffle": "shuffle",
                  "shuffle_window_seconds": "shuffleWindowSeconds", "paused": "paused",
                  "min_backoff_seconds": "minBackoffSeconds", "max_backoff_seconds": "maxBackoffSeconds",
                  "ack_deadline_seconds": "ackDeadlineSeconds", "max_delivery_attempts": "maxDeliveryAttempts",
                  "dead_letter_topic": "deadLetterTopic", "message_ordering": "messageOrdering",
                  "concurrency": "concurrency", "seed": "seed"}

    def to_json(self) -> dict[str, Any]:
        return {self.JSON_NAMES[f.name]: getattr(self, f.name) for f in fields(self)}

    @property
    def delivery_limit(self) -> int | None:
        """Attempts before a message is dead-lettered; None without a dead-letter policy."""
        if not self.dead_letter_topic:
            return None
        return self.max_delivery_attempts or DEFAULT_MAX_DELIVERY_ATTEMPTS


@dataclass
class Message:
    id: str
    topic: str
    data: bytes
    attributes: dict[str, str]
    publish_time: float
    ordering_key: str | None = None

    def to_push_json(self, *, ordering: bool = False) -> dict[str, Any]:
        published = rfc3339(self.publish_time)
        body: dict[str, Any] = {"attributes": dict(self.attributes), "data": base64.b64encode(self.data).decode(),
                                "messageId": self.id, "message_id": self.id}
        if ordering and self.ordering_key:
            body["orderingKey"] = self.ordering_key
        body["publishTime"] = published
        body["publish_time"] = published
        return body

    def to_json(self) -> dict[str, Any]:
        """For the control plane: the message with its payload decoded."""
        try:
            payload: Any = json.loads(self.data)
        except ValueError:
            payload = None
        return {"messageId": self.id, "topic": self.topic, "attributes": dict(self.attributes),
                "data": payload, "orderingKey": self.ordering_key, "publishTime": rfc3339(self.publish_time)}


@dataclass(eq=False)
class Delivery:
    seq: int
    message: Message
    subscription: str
    copy: int  # 0 for the message itself, 1… for injected duplicates
    ready_at: float  # time.monotonic() when it may be pushed
    attempts: int = 0
    in_flight: bool = False


@dataclass
class Counters:
    published: int = 0
    delivered: int = 0  # acknowledged pushes (duplicates included)
    attempts: int = 0  # every POST made
    failed_attempts: int = 0
    dead_lettered: int = 0  # forwarded to the dead-letter topic after maxDeliveryAttempts

    def to_json(self) -> dict[str, int]:
        return {"published": self.published, "delivered": self.delivered, "attempts": self.attempts,
                "failedAttempts": self.failed_attempts, "deadLettered": self.dead_lettered}


def push_service_account_id(email: str) -> str:
    """A stable numeric id for a service account (an ID token's ``sub`` and ``azp``)."""
    return str(100000000000000000000 + int(hashlib.sha256(email.encode()).hexdigest()[:15], 16))


class PubSub:
    """Topics, one push subscription per topic, and the workers that push."""

    def __init__(self, config: "EmulatorConfig", keys: "KeyRing", clock: "Clock",
                 tick: Callable[[], None] | None = None) -> None:
        self.keys = keys
        self.clock = clock
        self.settings = Settings(
            push_url=config.push_url, audience=config.pubsub_audience,
            service_account=config.pubsub_service_account,
            min_backoff_seconds=config.pubsub_min_backoff, max_backoff_seconds=config.pubsub_max_backoff,
            ack_deadline_seconds=config.pubsub_ack_deadline)
        self._initial = replace(self.settings)
        self._tick = tick
        self._cond = threading.Condition()
        self._closed = False
        self._pending: list[Delivery] = []
        self._in_flight = 0
        self._seq = 0
        self._random = random.Random()  # its own, so no one else's draws depend on the emulator's
        self._message_base = self._random.randint(10**15, 9 * 10**15)
        self.counters = Counters()
        self.topics: dict[str, int] = {}  # topic -> messages published
        self.messages: list[Message] = []
        self.log: list[dict[str, Any]] = []
        self._last_tick = time.monotonic()
        self._workers = [threading.Thread(target=self._work, args=(index,), name=f"pubsub-push-{index}", daemon=True)
                         for index in range(WORKERS)]
        for worker in self._workers:
            worker.start()

    # -- lifecycle -----------------------------------------------------------------------
    def close(self) -> None:
        """Stop pushing: pending deliveries are dropped, workers exit after any push in flight.

        Does not join the workers: the caller may hold ``state.lock``, which a worker
        running a lifecycle tick could be waiting for.
        """
        with self._cond:
            self._closed = True
            self._pending.clear()
            self._cond.notify_all()

    def join(self, timeout: float = 10.0) -> bool:
        """Wait (at most ``timeout`` seconds in all) for the workers of a closed PubSub to
        exit, each after any push in flight; True once they all have. Call without
        ``state.lock`` held (see ``close``)."""
        deadline = time.monotonic() + timeout
        for worker in self._workers:
            if worker is not threading.current_thread():
                worker.join(max(deadline - time.monotonic(), 0.0))
        return not any(worker.is_alive() for worker in self._workers)

    @property
    def closed(self) -> bool:
        return self._closed

    # -- configuration -------------------------------------------------------------------
    def configure(self, **changes: Any) -> Settings:
        with self._cond:
            self.settings = replace(self.settings, **changes)
            if "seed" in changes and changes["seed"] is not None:
                self._random.seed(changes["seed"])
            self._cond.notify_all()
            return self.settings

    def reset_settings(self) -> Settings:
        with self._cond:
            self.settings = replace(self._initial)
            self._cond.notify_all()
            return self.settings

    # -- publishing ----------------------------------------------------------------------
    def publish(self, topic: str, payload: dict[str, Any], attributes: dict[str, str],
                ordering_key: str | None = None) -> Message | None:
        """Publish one message; it is queued for the push subscription if there is a push URL."""
        with self._cond:
            if self._closed:
                return None
            self.counters.published += 1
            self.topics[topic] = self.topics.get(topic, 0) + 1
            message = Message(str(self._message_base + self.counters.published), topic,
                              json.dumps(payload, separators=(",", ":")).encode(), dict(attributes),
                              round(self.clock.time(), 3), ordering_key)
            self.messages.append(message)
            settings = self.settings
            if settings.push_url:
                ready = time.monotonic() + (settings.shuffle_window_seconds if settings.shuffle else 0.0)
                subscription = settings.subscription or push_subscription_for(topic)
                for copy in range(1 + max(settings.duplicates, 0)):
                    self._seq += 1
                    self._pending.append(Delivery(self._seq, message, subscription, copy, ready))
                self._cond.notify_all()
            return message

    # -- waiting -------------------------------------------------------------------------
    def wait_idle(self, timeout: float = 10.0) -> bool:
        """True once nothing is pending or in flight; False on timeout or while paused with work held."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending or self._in_flight:
                if self.settings.paused and not self._in_flight:
                    return False
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.05))
            return True

    def stats(self) -> dict[str, Any]:
        with self._cond:
            return {**self.counters.to_json(), "pending": len(self._pending), "inFlight": self._in_flight,
                    "held": len(self._pending) if self.settings.paused else 0,
                    "topics": [{"name": name, "published": count} for name, count in self.topics.items()]}

    def deliveries(self) -> list[dict[str, Any]]:
        with self._cond:
            return [dict(entry) for entry in self.log]

    def published(self) -> list[dict[str, Any]]:
        with self._cond:
            return [message.to_json() for message in self.messages]

    # -- the workers ---------------------------------------------------------------------
    def _next_ready(self) -> Delivery | None:
        settings = self.settings
        if settings.paused or self._in_flight >= max(settings.concurrency, 1):
            return None
        now = time.monotonic()
        ready = [d for d in self._pending if not d.in_flight and d.ready_at <= now]
        if not ready:
            return None
        if settings.shuffle:
            return self._random.choice(ready)
        return min(ready, key=lambda d: d.seq)

    def _wait_seconds(self) -> float:
        waiting = [d.ready_at for d in self._pending if not d.in_flight]
        until = min(waiting) - time.monotonic() if waiting and not self.settings.paused else TICK_SECONDS
        return max(min(until, TICK_SECONDS), 0.005)

    def _work(self, index: int) -> None:
        while True:
            tick = False
            with self._cond:
                while True:
                    if self._closed:
                        return
                    delivery = self._next_ready()
                    if delivery is not None:
                        delivery.in_flight = True
                        delivery.attempts += 1
                        self._in_flight += 1
                        settings = self.settings
                        break
                    if index == 0 and time.monotonic() - self._last_tick >= TICK_SECONDS:
                        self._last_tick = time.monotonic()
                        tick = True
                        break
                    self._cond.wait(self._wait_seconds())
            if tick:
                self._run_tick()
                continue
            assert delivery is not None  # the inner loop leaves only with one, or to tick
            entry = self._push(delivery, settings)
            with self._cond:
                self._in_flight -= 1
                delivery.in_flight = False
                if self._closed:
                    return
                self.counters.attempts += 1
                self.log.append(entry)
                if entry["outcome"] == "acked":
                    self.counters.delivered += 1
                    self._forget(delivery)
                else:
                    self.counters.failed_attempts += 1
                    limit = settings.delivery_limit
                    if limit is not None and delivery.attempts >= limit:
                        self.counters.dead_lettered += 1
                        entry["outcome"] = "deadLettered"
                        entry["deadLetterTopic"] = settings.dead_letter_topic
                        dead_topic = settings.dead_letter_topic or ""
                        self.topics[dead_topic] = self.topics.get(dead_topic, 0) + 1
                        self._forget(delivery)
                    else:
                        backoff = min(settings.min_backoff_seconds * 2 ** (delivery.attempts - 1),
                                      settings.max_backoff_seconds)
                        delivery.ready_at = time.monotonic() + backoff
                self._cond.notify_all()

    def _forget(self, delivery: Delivery) -> None:
        if delivery in self._pending:
            self._pending.remove(delivery)

    def _run_tick(self) -> None:
        if self._tick is None:
            return
        try:
            self._tick()
        except Exception:  # a broken tick must not kill the worker
            log.exception("Workspace Events lifecycle tick failed")

    def _token(self, settings: Settings, url: str) -> str:
        now = int(time.time())  # real time: the receiver checks it against its own clock
        account_id = push_service_account_id(settings.service_account)
        return self.keys.key_for(GOOGLE_SIGNER).sign({
            "iss": GOOGLE_ISSUER, "aud": settings.audience or url, "azp": account_id, "sub": account_id,
            "email": settings.service_account, "email_verified": True, "iat": now, "exp": now + TOKEN_LIFETIME,
        })

    def _push(self, delivery: Delivery, settings: Settings) -> dict[str, Any]:
        url = settings.push_url or ""
        message = delivery.message
        envelope: dict[str, Any] = {"message": message.to_push_json(ordering=settings.message_ordering),
                                    "subscription": delivery.subscription}
        if settings.dead_letter_topic:
            envelope["deliveryAttempt"] = delivery.attempts
        entry: dict[str, Any] = {
            "messageId": message.id, "topic": message.topic, "subscription": delivery.subscription, "url": url,
            "ceType": message.attributes.get("ce-type"), "ceId": message.attributes.get("ce-id"),
            "deliveryAttempt": delivery.attempts, "copy": delivery.copy, "status": None, "outcome": "nacked",
            "error": None, "time": rfc3339(self.clock.time()), "elapsedMs": 0}
        started = time.monotonic()
        try:
            if not url:
                raise requests.ConnectionError("no push endpoint configured")
            response = requests.post(
                url, data=json.dumps(envelope), timeout=(min(settings.ack_deadline_seconds, 10.0),
                                                         settings.ack_deadline_seconds),
                headers={"Authorization": f"Bearer {self._token(settings, url)}", "Content-Type": "application/json",
                         "User-Agent": USER_AGENT})
            entry["status"] = response.status_code
            if response.status_code in ACK_STATUSES:
                entry["outcome"] = "acked"
        except requests.Timeout:
            entry["error"] = "no answer within the ack deadline"
        except requests.RequestException as error:
            entry["error"] = f"{type(error).__name__}: {error}"[:300]
        entry["elapsedMs"] = int((time.monotonic() - started) * 1000)
        return entry


def push_subscription_for(topic: str) -> str:
    """``projects/p/topics/t`` -> ``projects/p/subscriptions/t-push``."""
    parts = topic.split("/")
    if len(parts) == 4 and parts[0] == "projects" and parts[2] == "topics":
        return f"projects/{parts[1]}/subscriptions/{parts[3]}-push"
    return f"{topic}-push"
