"""What the mutation run covers: the security and exactly-once code, each part with the
fast tests that must catch a bug in it (unit tests, and in-process stacks; never the
multi-process, browser or fault-matrix suites, which are too slow to run per mutant)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Equivalent:
    """A mutant that cannot change behaviour, so no test can kill it: not run, not counted,
    listed. Found by the source line's text (line numbers move) and the change made."""

    path: str
    line_contains: str
    description: str
    reason: str


@dataclass(frozen=True)
class Target:
    name: str
    module: str  # dotted name, as imported
    path: str  # relative to the repository root
    tests: tuple[str, ...]  # pytest node ids or files, fastest and most specific first
    functions: frozenset[str] | None = None  # qualified names; None: every function in the module
    constants: frozenset[str] = field(default_factory=frozenset)  # module-level names whose values are mutated
    # When given: only the lines (of those functions) containing one of these fragments,
    # for a rule inside a long function whose other parts are the end-to-end suites' job.
    lines: frozenset[str] = field(default_factory=frozenset)


TOKEN_TESTS = ("tests/bot/test_token_rules.py", "tests/bot/test_verification.py")

TARGETS: tuple[Target, ...] = (
    Target("verification", "bot.verification", "bot/verification.py", TOKEN_TESTS,
           constants=frozenset({"GOOGLE_ISSUERS", "MAX_TOKEN_BYTES", "CLOCK_SKEW_SECONDS",
                                "UNKNOWN_KID_REFETCH_SECONDS"})),
    Target("pubsub push checks", "bot.pubsub", "bot/pubsub.py", ("tests/bot/test_token_rules.py",),
           functions=frozenset({"PushVerifier.verify", "parse_push", "WorkspaceEvent.subscription",
                                "WorkspaceEvent.meet_space"})),
    Target("oauth ID token", "bot.authorization.google_oauth", "bot/authorization/google_oauth.py",
           ("tests/bot/test_token_rules.py",), functions=frozenset({"GoogleOAuthClient.verify_id_token"})),
    Target("oauth callback", "bot.authorization.linking", "bot/authorization/linking.py",
           ("tests/bot/test_oauth_callback.py",),
           functions=frozenset({"Authorization.finish", "Authorization._discard", "Authorization._redirect_acceptable"}),
           constants=frozenset({"REQUIRED_SCOPES"})),
    Target("co-host authority", "bot.controls.authority", "bot/controls/authority.py",
           ("tests/bot/test_controls_units.py",)),
    Target("meeting rate limit", "bot.meetings", "bot/meetings.py",
           ("tests/e2e/test_exactly_once_rules.py::test_the_meeting_rate_is_per_minute",
            "tests/e2e/test_exactly_once_rules.py::test_a_meet_that_made_no_meeting_gives_its_place_back",
            "tests/e2e/test_exactly_once_rules.py::test_a_redelivered_meet_takes_no_second_place"),
           functions=frozenset({"create_meeting"}), constants=frozenset({"RATE_WINDOW"}),
           lines=frozenset({"RATE_WINDOW", "rate_limit_meetings_per_minute", "storage.limits.reserve(", "storage.limits.reserve_claiming(", "if claimed.duplicate:",
                            "if reservation is None:", "rate_limited_message", "storage.limits.release(reservation)"})),
    Target("rate limit reservations", "bot.storage.rate_limits", "bot/storage/rate_limits.py",
           ("tests/storage/test_rate_limits_contract.py",)),
    Target("stale clicks", "bot.controls.freshness", "bot/controls/freshness.py", ("tests/bot/test_freshness.py",),
           functions=frozenset({"stale_click"}), constants=frozenset({"MAX_CLICK_AGE", "FUTURE_SKEW"})),
    Target("summary exactly once", "bot.lifecycle.sync", "bot/lifecycle/sync.py",
           ("tests/e2e/test_exactly_once_rules.py",),
           functions=frozenset({"conference_message_id", "summary_message_id", "MeetingSync._post_summary"})),
    Target("summary completed", "bot.lifecycle.sync", "bot/lifecycle/sync.py",
           ("tests/e2e/test_exactly_once_rules.py",), functions=frozenset({"MeetingSync._summarise"}),
           lines=frozenset({"if stored is not None and stored.complete:",
                            "message_name = stored.message_name if stored is not None else None",
                            "if message_name is None:", "message_name = self._post_summary(meeting, name, body)",
                            "elif stored is not None and stored.content_hash != content_hash:",
                            'services.chat.update_message(message_name, body, ["cards_v2"])'})),
)


SUBJECT = 'subject = str(self._oauth.verify_id_token(tokens.id_token).get("sub") or "") or None'
EQUIVALENT: tuple[Equivalent, ...] = (
    Equivalent("bot/lifecycle/sync.py", "elif stored is not None and stored.content_hash != content_hash:",
               "drop condition 1 of 2", "without a stored summary there is no message name, so the post above is taken"),
    Equivalent("bot/authorization/linking.py", SUBJECT, "drop condition 2 of 2",
               'a missing sub read as "" or "None" instead of None names no Chat user either: the same refusal'),
    Equivalent("bot/authorization/linking.py", 'if subject is None or f"users/{subject}" != pending.user.user_name',
               "drop condition 1 of 2", 'no subject gives "users/None", which is nobody: the same refusal'),
    Equivalent("bot/authorization/linking.py", 'if subject is not None and self._storage.grants.get_grant(f"users/{subject}")',
               "drop condition 1 of 2", 'no subject looks up "users/None", which has no grant: revoked all the same'),
    Equivalent("bot/authorization/linking.py", "token = tokens.refresh_token or tokens.access_token",
               "drop condition 1 of 2",
               "revoking the access token revokes its refresh token with it (Google's documented behaviour)"),
    Equivalent("bot/authorization/linking.py", "grant = UserGrant(user_name=pending.user.user_name", "updated_at=None",
               "save_grant stamps updated_at with the store's own clock, whatever the grant says"),
    Equivalent("bot/controls/authority.py", "if event.message is None or not event.message.name:",
               "drop condition 2 of 2",
               "an empty message name then finds no meeting (none is ever stored under one): stale all the same"),
    Equivalent("bot/verification.py", '"=" * (-len(part) % 4)', "4 -> 40",
               "more '=' padding than needed: the non-strict base64 decoder ignores the excess"),
    Equivalent("bot/verification.py", '"=" * (-len(text) % 4)', "4 -> 40",
               "more '=' padding than needed: the non-strict base64 decoder ignores the excess"),
    Equivalent("bot/verification.py", "if fresh and entry is not None and (wanted_kid", "drop condition 2 of 3",
               "fresh is only ever true when there is an entry (the check is there for the type checker)"),
    Equivalent("bot/verification.py", "if fresh and entry is not None and now - entry[1]", "drop condition 2 of 3",
               "fresh is only ever true when there is an entry (the check is there for the type checker)"),
)
