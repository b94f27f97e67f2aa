"""The one way a Workspace Events subscription becomes the meeting's stored record
(bot/lifecycle/subscriptions.py), against a real SQLite store."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from bot.config import Config
from bot.google.resources import Subscription, SubscriptionState
from bot.lifecycle.subscriptions import record_subscription
from bot.services import Services
from bot.storage import AWAITING_ORGANIZER, SubscriptionRecord, open_storage
from tests.cards.support import make_meeting

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
TTL = 3600


@pytest.fixture
def services(tmp_path: Path) -> Services:
    storage = open_storage(f"sqlite:///{tmp_path / 'meetbot.db'}", clock=lambda: NOW)
    # Recording a subscription uses the store, the clock and the TTL alone: no gateway is reached.
    none: Any = None
    return Services(config=Config(subscription_ttl_seconds=TTL), storage=storage, meet=none, chat=none,
                    credentials=none, authorization=none, events=none, people=none, lifecycle=none,
                    clock=lambda: NOW)


def meeting_id(services: Services) -> int:
    return services.storage.meetings.record_meeting(make_meeting()).stored_id


def test_a_new_subscription_google_said_little_of_is_active_until_its_ttl_ends(services: Services) -> None:
    meeting = meeting_id(services)
    record_subscription(services, meeting, Subscription("subscriptions/s1"))
    assert services.storage.subscriptions.get_subscription("subscriptions/s1") == SubscriptionRecord(
        "subscriptions/s1", meeting, NOW + timedelta(seconds=TTL), "ACTIVE", None)


def test_what_google_reports_is_recorded_under_the_known_name(services: Services) -> None:
    meeting = meeting_id(services)
    known = SubscriptionRecord("subscriptions/s1", meeting, NOW + timedelta(hours=2), "ACTIVE")
    suspended = Subscription("subscriptions/s1", SubscriptionState.SUSPENDED, NOW + timedelta(hours=5),
                             suspension_reason="USER_SCOPE_REVOKED")
    record_subscription(services, meeting, suspended, known=known)
    assert services.storage.subscriptions.get_subscription("subscriptions/s1") == SubscriptionRecord(
        "subscriptions/s1", meeting, NOW + timedelta(hours=5), "SUSPENDED", "USER_SCOPE_REVOKED")


def test_what_google_left_out_keeps_the_known_record(services: Services) -> None:
    meeting = meeting_id(services)
    known = SubscriptionRecord("subscriptions/s1", meeting, NOW + timedelta(hours=2), AWAITING_ORGANIZER,
                               "USER_SCOPE_REVOKED")
    record_subscription(services, meeting, Subscription("subscriptions/s1"), known=known)
    # The state and expiry are kept; a reason Google no longer gives is gone with it.
    assert services.storage.subscriptions.get_subscription("subscriptions/s1") == SubscriptionRecord(
        "subscriptions/s1", meeting, NOW + timedelta(hours=2), AWAITING_ORGANIZER, None)
