"""Meeting controls: who may act on a meeting, the actions themselves (end, lock,
unlock, settings, refresh), co-hosts from mentions, and the space's defaults.

Handlers in ``bot/handlers`` turn events into calls here; everything that decides
(authority, validation) is here, in small modules, so it can be tested without HTTP.
"""
