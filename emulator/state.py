"""All of the emulated world, in memory, behind one re-entrant lock.

API handlers run with ``state.lock`` held, so each Google API call sees and leaves a
consistent world. Work that waits on someone else (delivering an event to the app,
which may call back into the emulator) runs without it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import random
import secrets
import string
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import i18n
from .clock import Clock, rfc3339
from .config import EmulatorConfig
from .errors import invalid_argument, not_found
from .signing import KeyRing
from .tokens import OAuthClient, ServiceAccount, TokenStore

_IDS = random.Random()  # the emulator's own generator: the process's shared one is left alone

if TYPE_CHECKING:
    from .events.pubsub import PubSub

DEFAULT_TIME_ZONE = i18n.DEFAULT_TIME_ZONE
DEFAULT_USER_LOCALE = "en"  # Chat's userLocale for a person who set nothing else


@dataclass
class User:
    name: str  # users/{numeric id}
    email: str
    display_name: str
    domain: str
    # What the person's Chat client reports with each interaction event
    # (common.timeZone / common.userLocale): an IANA id and a language tag.
    time_zone: str = DEFAULT_TIME_ZONE
    locale: str = DEFAULT_USER_LOCALE

    @property
    def id(self) -> str:
        return self.name.split("/", 1)[1]

    @property
    def avatar_url(self) -> str:
        """Where Chat says the person's picture is (``User.avatarUrl``); the emulator serves
        no pictures, so it is a Google-like address that is never fetched."""
        return f"https://lh3.googleusercontent.com/a/emulated-{self.id}=s64"

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "email": self.email, "displayName": self.display_name, "domain": self.domain,
                "timeZone": self.time_zone, "locale": self.locale}


@dataclass
class CallRecord:
    api: str
    method: str  # discovery method id, e.g. "spaces.messages.create"
    http_method: str
    path: str
    query: dict[str, str]
    principal: str | None
    status: int = 0
    time: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"api": self.api, "method": self.method, "httpMethod": self.http_method, "path": self.path,
                "query": self.query, "principal": self.principal, "status": self.status, "time": rfc3339(self.time)}


@dataclass
class Fault:
    api: str
    method: str
    times: int
    status: int | None = None
    delay_ms: int = 0
    message: str | None = None

    def matches(self, api: str, method: str) -> bool:
        return self.api in (api, "*") and self.method in (method, f"{api}.{method}", "*")


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def take(self, api: str, method: str) -> Fault | None:
        """The first armed fault for this call, counted down by one."""
        with self._lock:
            for fault in self._faults:
                if fault.times > 0 and fault.matches(api, method):
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [vars(fault).copy() for fault in self._faults]


class EmulatorState:
    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.lock = threading.RLock()
        self.clock = Clock()
        self.keys = KeyRing()
        self._secret = secrets.token_bytes(32)
        self._counter = itertools.count(1)
        self.service_accounts: dict[str, ServiceAccount] = {}
        # Registered OAuth clients (POST /_emulator/oauth/clients): configuration like the
        # service accounts, so they outlive a reset too.
        self.oauth_clients: dict[str, OAuthClient] = {}
        # The Pub/Sub of worlds a reset replaced: closed, their workers maybe still pushing.
        self._retired_pushers: list[PubSub] = []
        self.reset()

    def reset(self) -> None:
        """Back to an empty world. Signing keys survive, so verifiers' caches stay valid."""
        from .chat.model import ChatStore
        from .events.model import EventsStore
        from .meet.model import MeetStore
        from .quotas import QuotaBook
        from .vertex.model import VertexStore

        with self.lock:
            previous = getattr(self, "events", None)
            if previous is not None:  # its pushes stop now; its workers are waited for by close()
                self._retired_pushers = [p for p in self._retired_pushers if not p.join(0)] + [previous.pubsub]
            self.users: dict[str, User] = {}
            self.users_by_email: dict[str, User] = {}
            self.tokens = TokenStore(self.clock, self.config.access_token_lifetime, self.service_accounts)
            self.calls: list[CallRecord] = []
            self.faults = Faults()
            self.quotas = QuotaBook(enabled=self.config.quotas, chat_space_quotas=self.config.chat_space_quotas,
                                    clock=self.clock.time, project_number=self.config.project_number)
            self.meet = MeetStore(self)
            self.chat = ChatStore(self)
            self.events = EventsStore(self)  # stops the previous store's Pub/Sub pushes
            self.vertex = VertexStore()  # queued Gemini answers and the requests received

    def close(self, timeout: float = 10.0) -> None:
        """Stop the world's background work and wait for it: Pub/Sub stops pushing, and its
        workers exit once a push in flight is answered. Call without the lock held (a
        worker's lifecycle tick may be waiting for it).

        A process must not exit with a push worker still running: one caught signing a push's
        token when the interpreter finalizes aborts the whole process (the crypto library's
        Rust code cannot let the thread's forced exit pass)."""
        with self.lock:
            self.events.close()
            pushers, self._retired_pushers = [*self._retired_pushers, self.events.pubsub], []
        deadline = time.monotonic() + timeout
        for pubsub in pushers:
            pubsub.join(max(deadline - time.monotonic(), 0.0))

    # -- ids -------------------------------------------------------------------------
    def new_id(self, length: int = 12, alphabet: str = string.ascii_letters + string.digits) -> str:
        return "".join(_IDS.choice(alphabet) for _ in range(length))

    def new_numeric_id(self) -> str:
        return str(100000000000000000000 + next(self._counter) * 7919 + _IDS.randint(0, 7918))

    # -- opaque, tamper-evident tokens (page tokens, consent state) -------------------
    def seal(self, payload: str) -> str:
        mac = hmac.new(self._secret, payload.encode(), hashlib.sha256).hexdigest()[:24]
        return base64.urlsafe_b64encode(f"{payload}|{mac}".encode()).decode().rstrip("=")

    def unseal(self, token: str) -> str | None:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            payload, mac = raw.rsplit("|", 1)
        except (ValueError, UnicodeDecodeError):
            return None
        expected = hmac.new(self._secret, payload.encode(), hashlib.sha256).hexdigest()[:24]
        return payload if hmac.compare_digest(mac, expected) else None

    # -- users -----------------------------------------------------------------------
    def add_user(self, email: str, display_name: str | None = None, *, time_zone: str | None = None,
                 locale: str | None = None) -> User:
        """A Workspace user (the existing one for a known email). ``time_zone`` (IANA id)
        and ``locale`` (BCP-47), when given, are validated and replace what the user had:
        a person may change their settings between calls."""
        email = email.strip().lower()
        if "@" not in email or email.startswith("@") or email.endswith("@") or " " in email:
            raise invalid_argument(f"Invalid email address: {email!r}", "email")
        zone = i18n.time_zone(time_zone, "timeZone") if time_zone is not None else None
        tag = i18n.language_code(locale, "locale") if locale is not None else None
        with self.lock:
            if email in self.users_by_email:
                existing = self.users_by_email[email]
                existing.time_zone = zone or existing.time_zone
                existing.locale = tag or existing.locale
                return existing
            name = f"users/{self.new_numeric_id()}"
            while name == self.chat.app_user_name:  # the app's id is a user id too
                name = f"users/{self.new_numeric_id()}"
            user = User(
                name=name,
                email=email,
                display_name=display_name or email.split("@", 1)[0].replace(".", " ").title(),
                domain=email.split("@", 1)[1],
                time_zone=zone or DEFAULT_TIME_ZONE,
                locale=tag or DEFAULT_USER_LOCALE,
            )
            self.users[user.name] = user
            self.users_by_email[email] = user
            return user

    def find_user(self, reference: str) -> User:
        """A user by resource name, ``users/{email}`` or bare email."""
        with self.lock:
            if reference in self.users:
                return self.users[reference]
            email = reference.split("/", 1)[1] if reference.startswith("users/") else reference
            user = self.users_by_email.get(email.lower())
        if user is None:
            raise not_found(f"User {reference} not found.")
        return user

