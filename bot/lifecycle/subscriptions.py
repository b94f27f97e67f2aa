"""How what Google says of a meeting's subscription becomes the app's record of it.

The record's state is Google's (``SubscriptionState``'s value) or one of the app's own:
``AWAITING_ORGANIZER`` (suspended for a reason only the organizer can cure, and they
were asked) and ``EXPIRED`` (lapsed: the next sync subscribes afresh).
"""

from __future__ import annotations

from datetime import timedelta

from ..google.resources import Subscription, SubscriptionState
from ..services import Services
from ..storage import SubscriptionRecord

EXPIRED = "EXPIRED"


def record_subscription(services: Services, meeting_id: int, subscription: Subscription,
                        known: SubscriptionRecord | None = None) -> None:
    """Record ``subscription`` as Google reported it, as the meeting's. ``known``: the
    record of the same subscription so far, which keeps its name and whatever Google's
    answer left out; without one (just created or found) a subscription is taken as
    active until its time-to-live ends."""
    ttl = timedelta(seconds=services.config.subscription_ttl_seconds)
    expire_time = subscription.expire_time or (known.expire_time if known is not None else services.clock() + ttl)
    if subscription.state is not None:
        state = subscription.state.value
    else:
        state = known.state if known is not None else SubscriptionState.ACTIVE.value
    services.storage.subscriptions.record_subscription(meeting_id, known.name if known is not None else subscription.name,
                                         expire_time, state, subscription.suspension_reason)
