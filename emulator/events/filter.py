"""The ``subscriptions.list`` filter: ``event_types:"…"`` and ``target_resource="…"`` terms.

Grammar (AIP-160, restricted to what the method's description allows)::

    expression := sequence ("AND" sequence)*
    sequence   := factor ("OR" factor)*            # OR binds tighter than AND (AIP-160)
    factor     := "(" expression ")" | term
    term       := event_types:"TYPE" | target_resource="NAME"

At least one ``event_types`` term is required; anything else is INVALID_ARGUMENT, as the
server "rejects invalid queries with an INVALID_ARGUMENT error".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Union

from ..errors import invalid_argument

_TOKEN = re.compile(r"""\s*(?:(?P<paren>[()])|(?P<op>AND|OR)(?=[\s(]|$)|"""
                    r"""(?P<field>event_types|target_resource)\s*(?P<cmp>[:=])\s*"(?P<value>[^"]*)")""")


@dataclass(frozen=True)
class Term:
    field: str
    value: str


@dataclass(frozen=True)
class Node:
    op: str  # "AND" or "OR"
    children: tuple["Expression", ...]


Expression = Union[Term, Node]


def _fail(raw: str, why: str) -> Exception:
    return invalid_argument(f"Invalid filter: {raw!r}: {why}", "filter")


def _tokens(raw: str) -> list[tuple[str, str, str]]:
    tokens: list[tuple[str, str, str]] = []
    position = 0
    while position < len(raw):
        if raw[position:].strip() == "":
            break
        match = _TOKEN.match(raw, position)
        if match is None:
            raise _fail(raw, f"unexpected text at position {position}: {raw[position:position + 20]!r}")
        if match.group("paren"):
            tokens.append(("paren", match.group("paren"), ""))
        elif match.group("op"):
            tokens.append(("op", match.group("op"), ""))
        else:
            field, comparator = match.group("field"), match.group("cmp")
            if field == "event_types" and comparator != ":":
                raise _fail(raw, 'event_types takes the has operator (event_types:"…")')
            if field == "target_resource" and comparator != "=":
                raise _fail(raw, 'target_resource takes the equality operator (target_resource="…")')
            tokens.append(("term", field, match.group("value")))
        position = match.end()
    return tokens


def parse(raw: str) -> Expression:
    if not raw or not raw.strip():
        raise invalid_argument("A filter is required: specify at least one event type, e.g. "
                               'event_types:"google.workspace.meet.conference.v2.started".', "filter")
    tokens = _tokens(raw)
    position = 0

    def peek() -> tuple[str, str, str] | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> tuple[str, str, str]:
        nonlocal position
        token = tokens[position]
        position += 1
        return token

    def expression() -> Expression:
        parts = [sequence()]
        while peek() == ("op", "AND", ""):
            take()
            parts.append(sequence())
        return parts[0] if len(parts) == 1 else Node("AND", tuple(parts))

    def sequence() -> Expression:
        parts = [factor()]
        while peek() == ("op", "OR", ""):
            take()
            parts.append(factor())
        return parts[0] if len(parts) == 1 else Node("OR", tuple(parts))

    def factor() -> Expression:
        token = peek()
        if token is None:
            raise _fail(raw, "unexpected end of filter")
        if token == ("paren", "(", ""):
            take()
            inner = expression()
            if peek() != ("paren", ")", ""):
                raise _fail(raw, "missing )")
            take()
            return inner
        if token[0] != "term":
            raise _fail(raw, f"unexpected {token[1]!r}")
        take()
        return Term(token[1], token[2])

    tree = expression()
    if position != len(tokens):
        raise _fail(raw, f"unexpected {tokens[position][1]!r}")
    if not any(t.field == "event_types" for t in _terms(tree)):
        raise invalid_argument("Invalid filter: you must specify at least one event type "
                               '(event_types:"…").', "filter")
    return tree


def _terms(tree: Expression) -> list[Term]:
    if isinstance(tree, Term):
        return [tree]
    return [term for child in tree.children for term in _terms(child)]


def matcher(tree: Expression) -> Callable[[list[str], str], bool]:
    """A predicate over (event types, target resource)."""

    def evaluate(node: Expression, event_types: list[str], target: str) -> bool:
        if isinstance(node, Term):
            return node.value in event_types if node.field == "event_types" else node.value == target
        results = (evaluate(child, event_types, target) for child in node.children)
        return all(results) if node.op == "AND" else any(results)

    return lambda event_types, target: evaluate(tree, event_types, target)
