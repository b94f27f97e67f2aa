"""The mutant generator itself: it makes the bugs the suite must catch, one change each."""

from __future__ import annotations

import textwrap

from tests.mutation.mutants import find_mutants, mutated_code

SOURCE = textwrap.dedent('''
    import logging
    log = logging.getLogger(__name__)
    ALLOWED = {"a", "b"}
    WINDOW = 60


    def check(claims, decode):
        """A docstring is never mutated."""
        log.info("nor is a log call", extra={"fields": {"n": 1}})
        if claims.get("verified") is not True:
            raise ValueError("not verified")
        decode(claims, audience="me", timeout=5)
        return claims.get("kind") in ALLOWED and claims.get("n", 0) < WINDOW  # pragma: no mutate
''')


def behaviour(mutant_index: int | None, claims: dict) -> str:
    mutants = find_mutants("example.py", SOURCE, None, {"ALLOWED", "WINDOW"})
    namespace: dict = {"__name__": "example"}
    code = compile(SOURCE, "example.py", "exec") if mutant_index is None else mutated_code(
        "example.py", SOURCE, mutants[mutant_index])
    exec(code, namespace)  # noqa: S102
    seen: list = []
    try:
        namespace["check"](claims, lambda c, **kw: seen.append(kw))
    except ValueError as error:
        return f"refused: {error}"
    return f"accepted {seen}"


def test_each_mutant_is_one_named_change_and_skipped_code_is_left_alone() -> None:
    mutants = find_mutants("example.py", SOURCE, None, {"ALLOWED", "WINDOW"})
    described = {(m.line, m.description) for m in mutants}
    assert (11, "IsNot -> Is") in described and (11, "True -> False") in described
    assert (13, "drop audience=") in described and (13, "audience=None") in described
    assert (4, "drop element 1 of 2") in described and (5, "60 -> 600") in described
    assert not [m for m in mutants if m.line in (9, 10, 14)]  # docstring, log call, pragma line
    assert not [m for m in mutants if "timeout" in m.description]
    assert len(described) == len(mutants)  # no change is made twice


def test_a_mutant_changes_behaviour_and_the_original_does_not() -> None:
    mutants = find_mutants("example.py", SOURCE, None, {"ALLOWED", "WINDOW"})
    index = next(i for i, m in enumerate(mutants) if m.description == "IsNot -> Is")
    assert behaviour(None, {"verified": "yes"}) == "refused: not verified"
    assert behaviour(index, {"verified": "yes"}).startswith("accepted")
    dropped = next(i for i, m in enumerate(mutants) if m.description == "drop audience=")
    assert behaviour(None, {"verified": True}) == "accepted [{'audience': 'me', 'timeout': 5}]"
    assert behaviour(dropped, {"verified": True}) == "accepted [{'timeout': 5}]"
