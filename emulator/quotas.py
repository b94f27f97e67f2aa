"""Google's published rate quotas, enforced per minute (or second) of the emulator's clock.

Sources (read 2026-11):

* Meet REST API, "Usage limits", https://developers.google.com/workspace/meet/api/guides/limits:
  read requests 6,000 per minute per project and 600 per minute per user per project;
  write requests 1,000 / 100; "reduced write requests (used for ``spaces.create``)"
  100 / 10. Reads are the methods that retrieve data (get, list), writes those that
  modify a meeting (``spaces.patch``, ``spaces.endActiveConference``, members).
* Chat API, "Usage limits", https://developers.google.com/workspace/chat/limits:
  per-project message writes (``spaces.messages.create/patch/delete``) and message
  reads (``get/list``) 3,000 per minute; per-space writes 1 per second and reads 15 per
  second, shared by every app in the space.

Exceeding one is answered as Google's front end answers it: 429 ``RESOURCE_EXHAUSTED``,
"Quota exceeded for quota metric '…' and limit '…' of service '…' for consumer
'project_number:…'.", with a ``google.rpc.ErrorInfo`` (reason ``RATE_LIMIT_EXCEEDED``,
domain ``googleapis.com``, metadata ``quota_metric``, ``quota_limit``,
``quota_limit_value``, ``quota_unit``, ``quota_location``, ``service``, ``consumer``)
and a ``google.rpc.Help`` link to request more. Google publishes the limits but not
the metric and limit ids Meet and Chat report; the ids here follow the pattern other
Workspace APIs send (``sheets.googleapis.com/read_requests``,
``ReadRequestsPerMinutePerUser``). No ``Retry-After`` header is sent: Google's quota
refusals carry none (the window is in the limit's name).

The window slides: a call is refused when the quota's calls accepted within the last
``window`` seconds already reach the limit; refused calls are not counted. The
emulator's clock drives it, so ``POST /_emulator/clock`` refills a quota at once.

Switches (``POST /_emulator/quotas``): ``enabled`` turns the whole model off
(benchmarks do) or on; ``limits`` sets any quota's limit by id (a test sets a small one);
``reset`` forgets what was counted. ``EmulatorConfig.quotas`` (``--quotas off``) sets the
state an emulator starts and resets to. The Chat per-space quotas count too, unless
turned off (``EmulatorConfig.chat_space_quotas``, ``--chat-space-quotas off`` or the
control plane's ``chatSpaceQuotas``), see :data:`CHAT_SPACE_QUOTAS`.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable

from .errors import ApiError, error_info

HELP_TYPE = "type.googleapis.com/google.rpc.Help"
REQUEST_INCREASE_URL = "https://cloud.google.com/docs/quotas/help/request_increase"


@dataclass(frozen=True)
class Quota:
    id: str
    api: str  # "meet" or "chat"
    methods: frozenset[str]  # discovery method ids it counts
    service: str
    metric: str  # e.g. "meet.googleapis.com/write_requests"
    metric_label: str  # e.g. "Write requests"
    limit_id: str  # e.g. "WriteRequestsPerMinutePerUser"
    limit_label: str  # e.g. "Write requests per minute per user"
    scope: str  # "user", "project" or "space"
    window: float  # seconds
    limit: int

    @property
    def unit(self) -> str:
        period = "min" if self.window == 60 else "s"
        per = {"user": "/{project}/{user}", "space": "/{space}", "project": "/{project}"}[self.scope]
        return f"1/{period}{per}"  # a space's quota is shared by every app in it: no project

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "api": self.api, "methods": sorted(self.methods), "metric": self.metric,
                "limit": self.limit, "limitName": self.limit_id, "unit": self.unit, "windowSeconds": self.window}


# -- Meet -------------------------------------------------------------------------------------
MEET_SERVICE = "meet.googleapis.com"
MEET_REDUCED_WRITES = frozenset({"spaces.create"})
MEET_WRITES = frozenset({"spaces.patch", "spaces.endActiveConference", "spaces.members.create",
                         "spaces.members.patch", "spaces.members.delete", "spaces.members.batchUpdate"})


def _meet_reads() -> frozenset[str]:
    from .discovery import api_methods

    return frozenset(m.id for m in api_methods("meet") if m.http_method == "GET")


def _meet(kind: str, label: str, methods: frozenset[str], per_project: int, per_user: int) -> list[Quota]:
    camel = "".join(word.title() for word in kind.split("_"))
    common = dict(api="meet", methods=methods, service=MEET_SERVICE, metric=f"{MEET_SERVICE}/{kind}",
                  metric_label=label, window=60.0)
    return [
        Quota(id=f"meet.{kind}.per_user", limit_id=f"{camel}PerMinutePerUser",
              limit_label=f"{label} per minute per user", scope="user", limit=per_user, **common),  # type: ignore[arg-type]
        Quota(id=f"meet.{kind}.per_project", limit_id=f"{camel}PerMinutePerProject",
              limit_label=f"{label} per minute per project", scope="project", limit=per_project, **common),  # type: ignore[arg-type]
    ]


# -- Chat -------------------------------------------------------------------------------------
CHAT_SERVICE = "chat.googleapis.com"
CHAT_MESSAGE_WRITES = frozenset({"spaces.messages.create", "spaces.messages.patch", "spaces.messages.update",
                                 "spaces.messages.delete"})
CHAT_MESSAGE_READS = frozenset({"spaces.messages.get", "spaces.messages.list"})
CHAT_SPACE_WRITES = CHAT_MESSAGE_WRITES | frozenset({
    "spaces.patch", "spaces.delete", "media.upload", "spaces.messages.reactions.create",
    "spaces.messages.reactions.delete"})
CHAT_SPACE_READS = CHAT_MESSAGE_READS | frozenset({
    "spaces.get", "spaces.members.get", "spaces.members.list", "spaces.messages.attachments.get",
    "spaces.messages.reactions.list", "media.download"})


def _chat() -> list[Quota]:
    common = dict(api="chat", service=CHAT_SERVICE)
    return [
        Quota(id="chat.message_writes.per_project", methods=CHAT_MESSAGE_WRITES, metric=f"{CHAT_SERVICE}/message_writes",
              metric_label="Message writes", limit_id="MessageWritesPerMinutePerProject",
              limit_label="Message writes per minute", scope="project", window=60.0, limit=3000, **common),  # type: ignore[arg-type]
        Quota(id="chat.message_reads.per_project", methods=CHAT_MESSAGE_READS, metric=f"{CHAT_SERVICE}/message_reads",
              metric_label="Message reads", limit_id="MessageReadsPerMinutePerProject",
              limit_label="Message reads per minute", scope="project", window=60.0, limit=3000, **common),  # type: ignore[arg-type]
        Quota(id="chat.writes.per_space", methods=CHAT_SPACE_WRITES, metric=f"{CHAT_SERVICE}/space_writes",
              metric_label="Writes", limit_id="WritesPerSecondPerSpace", limit_label="Writes per second per space",
              scope="space", window=1.0, limit=1, **common),  # type: ignore[arg-type]
        Quota(id="chat.reads.per_space", methods=CHAT_SPACE_READS, metric=f"{CHAT_SERVICE}/space_reads",
              metric_label="Reads", limit_id="ReadsPerSecondPerSpace", limit_label="Reads per second per space",
              scope="space", window=1.0, limit=15, **common),  # type: ignore[arg-type]
    ]


def published_quotas() -> list[Quota]:
    return [*_meet("reduced_write_requests", "Reduced write requests", MEET_REDUCED_WRITES, 100, 10),
            *_meet("write_requests", "Write requests", MEET_WRITES, 1000, 100),
            *_meet("read_requests", "Read requests", _meet_reads(), 6000, 600),
            *_chat()]


# The per-space Chat quotas, switched on and off together (``chatSpaceQuotas``): on by
# default, as at Google. The app lives within them (bot/google/pacing.py spaces its
# writes to a space; a 429 is retried after the space's next turn, or the sync later);
# benchmarks that measure something else turn them off with the rest.
CHAT_SPACE_QUOTAS = frozenset({"chat.writes.per_space", "chat.reads.per_space"})


@dataclass(frozen=True)
class Caller:
    """What a quota is counted against: the consumer project, the user, the Chat space."""

    project: str  # the OAuth client (one client, one Cloud project, as the emulator sees it)
    user: str  # the principal's email
    space: str | None  # "spaces/…" of a Chat call, when the path names one


class QuotaBook:
    """The quotas in force and what each caller used of them."""

    def __init__(self, *, enabled: bool, chat_space_quotas: bool, clock: Callable[[], float],
                 project_number: str) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self.project_number = project_number
        self.enabled = enabled
        self.quotas: dict[str, Quota] = {q.id: q for q in published_quotas()}
        self.active: set[str] = {q for q in self.quotas if chat_space_quotas or q not in CHAT_SPACE_QUOTAS}
        self._used: dict[tuple[str, str], deque[float]] = {}

    # -- control plane -------------------------------------------------------------------
    def configure(self, *, enabled: bool | None = None, limits: dict[str, int] | None = None,
                  chat_space_quotas: bool | None = None, reset: bool = False) -> None:
        with self._lock:
            for quota_id, limit in (limits or {}).items():
                self.quotas[quota_id] = replace(self.quotas[quota_id], limit=limit)
                self.active.add(quota_id)  # a limit set by hand is a limit meant to apply
            if chat_space_quotas is not None:
                self.active = (self.active | CHAT_SPACE_QUOTAS) if chat_space_quotas \
                    else (self.active - CHAT_SPACE_QUOTAS)
            if enabled is not None:
                self.enabled = enabled
            if reset:
                self._used.clear()

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {"enabled": self.enabled, "quotas": [
                {**quota.to_json(), "active": quota.id in self.active} for quota in self.quotas.values()]}

    # -- the check every API call passes ---------------------------------------------------
    def charge(self, api: str, method: str, caller: Caller) -> None:
        """Count one call, or raise Google's 429 if a quota it falls under is spent."""
        if not self.enabled:
            return
        now = self._clock()
        with self._lock:
            applicable = [(q, self._key(q, caller)) for q in self._matching(api, method)]
            applicable = [(q, key) for q, key in applicable if key is not None]
            for quota, key in applicable:
                used = self._used.setdefault((quota.id, key), deque())  # type: ignore[arg-type]
                while used and used[0] <= now - quota.window:
                    used.popleft()
                if len(used) >= quota.limit:
                    raise self._exceeded(quota)
            for quota, key in applicable:
                self._used[(quota.id, key)].append(now)  # type: ignore[index]

    def _matching(self, api: str, method: str) -> Iterable[Quota]:
        return (q for q in self.quotas.values() if q.id in self.active and q.api == api and method in q.methods)

    @staticmethod
    def _key(quota: Quota, caller: Caller) -> str | None:
        if quota.scope == "user":
            return f"{caller.project}|{caller.user}"
        if quota.scope == "space":
            return caller.space  # shared by every app in the space
        return caller.project

    def _exceeded(self, quota: Quota) -> ApiError:
        consumer = f"project_number:{self.project_number}"
        message = (f"Quota exceeded for quota metric '{quota.metric_label}' and limit '{quota.limit_label}' of "
                   f"service '{quota.service}' for consumer '{consumer}'.")
        info = error_info("RATE_LIMIT_EXCEEDED", quota_metric=quota.metric, quota_limit=quota.limit_id,
                          quota_limit_value=str(quota.limit), quota_location="global", quota_unit=quota.unit,
                          service=quota.service, consumer=f"projects/{self.project_number}")
        help_links = {"@type": HELP_TYPE, "links": [{"description": "Request a higher quota limit.",
                                                     "url": REQUEST_INCREASE_URL}]}
        return ApiError(429, message, "RESOURCE_EXHAUSTED", details=[info, help_links])
