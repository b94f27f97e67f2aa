"""The ``subscriptions.list`` filter: ``event_types:"…"`` and ``target_resource="…"`` terms.

Google's filter language (AIP-160, parsed by :mod:`emulator.aip160`: ``OR`` binds
tighter than ``AND``, parentheses group), restricted to what the method's description
allows: ``event_types`` with the has operator (``event_types:"TYPE"``),
``target_resource`` with equality (``target_resource="NAME"``), quoted values, joined by
``AND`` and ``OR``. At least one ``event_types`` term is required; anything else —
negation included, which the description does not offer — is INVALID_ARGUMENT, as the
server "rejects invalid queries with an INVALID_ARGUMENT error".
"""

from __future__ import annotations

from typing import Callable

from .. import aip160
from ..aip160 import Expression, Junction, Not, Restriction
from ..errors import invalid_argument

OPERATORS = {"event_types": ":", "target_resource": "="}


def _fail(raw: str, why: str) -> Exception:
    return invalid_argument(f"Invalid filter: {raw!r}: {why}", "filter")


def parse(raw: str) -> Expression:
    if not raw or not raw.strip():
        raise invalid_argument("A filter is required: specify at least one event type, e.g. "
                               'event_types:"google.workspace.meet.conference.v2.started".', "filter")
    tree = aip160.parse(raw)
    assert tree is not None
    _check(raw, tree)
    if not any(term.field == "event_types" for term in aip160.restrictions(tree)):
        raise invalid_argument("Invalid filter: you must specify at least one event type "
                               '(event_types:"…").', "filter")
    return tree


def _check(raw: str, node: Expression) -> None:
    if isinstance(node, Not):
        raise _fail(raw, "negation (NOT, -) is not supported; combine event_types and target_resource with "
                         "AND and OR")
    if isinstance(node, Junction):
        for child in node.children:
            _check(raw, child)
        return
    if node.field not in OPERATORS:
        raise _fail(raw, f"unexpected {node.field or (node.value.text if node.value else '')!r}: the filterable "
                         "fields are event_types and target_resource")
    operator = OPERATORS[node.field]
    if node.op != operator or node.value is None or not node.value.quoted:
        example = 'event_types:"…"' if node.field == "event_types" else 'target_resource="…"'
        raise _fail(raw, f"{node.field} takes the {'has' if operator == ':' else 'equality'} operator ({example})")


def matcher(tree: Expression) -> Callable[[list[str], str], bool]:
    """A predicate over (event types, target resource)."""

    def evaluate(node: Expression, event_types: list[str], target: str) -> bool:
        if isinstance(node, Restriction):
            assert node.value is not None
            value = node.value.text
            return value in event_types if node.field == "event_types" else value == target
        assert isinstance(node, Junction)  # negation was refused by parse
        results = (evaluate(child, event_types, target) for child in node.children)
        return all(results) if node.op == "AND" else any(results)

    return lambda event_types, target: evaluate(tree, event_types, target)
