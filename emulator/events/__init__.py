"""Google Workspace Events API v1 and Pub/Sub push, emulated.

* :mod:`.model` — subscriptions, long-running operations, the list filter, lifecycle
  (expiration reminders, expiry, suspension) on the emulator's clock.
* :mod:`.pubsub` — topics and push delivery to ``--push-url`` with OIDC tokens, retries
  with exponential backoff, and test knobs (duplicates, shuffle, pause).
* :mod:`.api` — the discovery methods' handlers.
* :mod:`.control` — ``/_emulator/pubsub`` and ``/_emulator/events/…``.
"""
