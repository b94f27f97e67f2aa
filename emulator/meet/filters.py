"""The ``filter`` query parameter of the Meet list methods: AIP-160, over the fields the reference names.

The discovery document (``meet.v2.json``) names, per method, the filterable fields and
gives examples; the grammar is Google's list-filter language (AIP-160, parsed by
:mod:`emulator.aip160`: ``AND``, ``OR`` — which binds tighter than ``AND`` — ``NOT`` and
``-``, parentheses, comparisons):

* ``conferenceRecords.list``: ``space.name``, ``space.meeting_code``, ``start_time``,
  ``end_time`` — ``space.name = "spaces/NAME"``, ``space.meeting_code = "abc-mnop-xyz"``,
  ``start_time>="2024-01-01T00:00:00.000Z" AND start_time<="2024-01-02T00:00:00.000Z"``,
  ``end_time IS NULL``.
* ``participants.list``: ``earliest_start_time``, ``latest_end_time`` —
  ``latest_end_time IS NULL`` ("returns active participants").
* ``participantSessions.list``: ``start_time``, ``end_time`` — ``end_time IS NULL``
  ("returns active participant sessions").

What each field accepts (:class:`FieldSpec`): timestamps compare with ``= != < <= > >=``
against an RFC 3339 value (quoted, or bare); resource names and meeting codes with
``=`` and ``!=`` (meeting codes case-insensitively, as Meet resolves them); ``IS NULL``
only on the fields the reference shows it on, the end times that are unset while
something is still running (``NOT end_time IS NULL`` asks for the ended ones). Anything
else — an unknown field, a bare value, ``:``, a function, an unparsable timestamp, a
dangling operator — is a 400 INVALID_ARGUMENT naming what was wrong, never a silent
match-all.

Evaluation follows AIP-160: a comparison on an unset field is false (whatever the
operator, ``!=`` included); only ``IS NULL`` matches it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from .. import aip160
from ..aip160 import IS_NULL, Expression, Junction, Not, Restriction
from ..clock import parse_rfc3339

TIMESTAMP = "timestamp"
STRING = "string"
CODE = "meeting_code"  # a string compared case-insensitively

ORDERING = frozenset({"=", "!=", "<", "<=", ">", ">="})
EQUALITY = frozenset({"=", "!="})


@dataclass(frozen=True)
class FieldSpec:
    kind: str
    operators: frozenset[str]


def _timestamp(nullable: bool = False) -> FieldSpec:
    return FieldSpec(TIMESTAMP, ORDERING | ({IS_NULL} if nullable else frozenset()))


# Filterable fields per list method, with what each accepts.
CONFERENCE_RECORD_FIELDS: dict[str, FieldSpec] = {
    "space.name": FieldSpec(STRING, EQUALITY), "space.meeting_code": FieldSpec(CODE, EQUALITY),
    "start_time": _timestamp(), "end_time": _timestamp(nullable=True)}
PARTICIPANT_FIELDS: dict[str, FieldSpec] = {
    "earliest_start_time": _timestamp(), "latest_end_time": _timestamp(nullable=True)}
PARTICIPANT_SESSION_FIELDS: dict[str, FieldSpec] = {
    "start_time": _timestamp(), "end_time": _timestamp(nullable=True)}


@dataclass(frozen=True)
class Filter:
    """A checked filter: the tree, with every literal converted to its field's type."""

    tree: Expression | None
    values: dict[int, Any]  # id(restriction) -> converted value
    fields: Mapping[str, FieldSpec]


def micros(timestamp: float) -> int:
    """Timestamps compare in whole microseconds, the precision they are written with."""
    return int(round(timestamp * 1_000_000))


def parse(text: str | None, fields: Mapping[str, FieldSpec]) -> Filter:
    """Parse and check ``text`` against ``fields``; an empty filter matches everything."""
    tree = aip160.parse(text)
    values: dict[int, Any] = {}
    for restriction in aip160.restrictions(tree):
        values[id(restriction)] = _check(restriction, fields)
    return Filter(tree, values, fields)


def _check(restriction: Restriction, fields: Mapping[str, FieldSpec]) -> Any:
    allowed = ", ".join(f"`{name}`" for name in fields)
    if restriction.field is None:
        assert restriction.value is not None
        raise aip160.invalid(f"a bare value ({restriction.value.text!r}) is not supported; compare one of the "
                             f"filterable fields ({allowed}) with it.")
    field, op = restriction.field, restriction.op or ""
    spec = fields.get(field)
    if spec is None:
        raise aip160.invalid(f"unknown field {field!r}; the filterable fields are {allowed}.")
    if op not in spec.operators:
        accepted = " ".join(sorted(spec.operators - {IS_NULL})) + (" or IS NULL" if IS_NULL in spec.operators else "")
        raise aip160.invalid(f"operator {op!r} is not supported for field {field!r}; use {accepted}.")
    if op == IS_NULL:
        return None
    assert restriction.value is not None
    raw = restriction.value.text
    if spec.kind == TIMESTAMP:
        try:
            return micros(parse_rfc3339(raw))
        except ValueError:
            raise aip160.invalid(f"{raw!r} is not an RFC 3339 timestamp (for example \"2024-01-01T00:00:00Z\") "
                                 f"for field {field!r}.") from None
    return raw.lower() if spec.kind == CODE else raw


def _compare(left: Any, operator: str, right: Any) -> bool:
    if operator == "=":
        return bool(left == right)
    if operator == "!=":
        return bool(left != right)
    if operator == "<":
        return bool(left < right)
    if operator == "<=":
        return bool(left <= right)
    if operator == ">":
        return bool(left > right)
    return bool(left >= right)


def matches(checked: Filter, record: Mapping[str, Any]) -> bool:
    """Does ``record`` (field -> float epoch seconds, str, or None when unset) pass?"""

    def evaluate(node: Expression) -> bool:
        if isinstance(node, Junction):
            results = (evaluate(child) for child in node.children)
            return all(results) if node.op == "AND" else any(results)
        if isinstance(node, Not):
            return not evaluate(node.child)
        assert node.field is not None and node.op is not None
        value = record.get(node.field)
        if node.op == IS_NULL:
            return value is None
        if value is None:
            return False
        kind = checked.fields[node.field].kind
        if kind == TIMESTAMP:
            value = micros(float(value))
        elif kind == CODE:
            value = str(value).lower()
        return _compare(value, node.op, checked.values[id(node)])

    return checked.tree is None or evaluate(checked.tree)
