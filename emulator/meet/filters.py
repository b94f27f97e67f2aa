"""The ``filter`` query parameter of the Meet list methods, as the document describes it.

The discovery document names, per method, the filterable fields and gives examples:

* ``conferenceRecords.list``: ``space.name``, ``space.meeting_code``, ``start_time``,
  ``end_time`` — ``space.name = "spaces/NAME"``, ``space.meeting_code = "abc-mnop-xyz"``,
  ``start_time>="2024-01-01T00:00:00.000Z" AND start_time<="2024-01-02T00:00:00.000Z"``,
  ``end_time IS NULL``.
* ``participants.list``: ``earliest_start_time``, ``latest_end_time`` —
  ``latest_end_time IS NULL``.
* ``participantSessions.list``: ``start_time``, ``end_time`` — ``end_time IS NULL``.

The grammar accepted here is exactly that: comparisons (``= != < <= > >=``) of a field
with a literal (quoted, or bare for timestamps), ``field IS NULL``, joined by ``AND``.
Anything else — an unknown field, ``OR``, an unparsable timestamp, a dangling
operator — is a 400 INVALID_ARGUMENT naming what was wrong, never a silent match-all.

A parsed filter is a list of :class:`Condition`; :func:`matches` evaluates it against
a record exposed as a mapping ``field -> value`` (float epoch seconds for timestamps,
``None`` when unset, ``str`` for strings). An unset field never satisfies a
comparison, only ``IS NULL`` (SQL semantics, as Google's filters behave).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from ..clock import parse_rfc3339
from ..errors import ApiError

TIMESTAMP = "timestamp"
STRING = "string"
CODE = "meeting_code"  # a string compared case-insensitively

# Filterable fields per list method, with their kinds.
CONFERENCE_RECORD_FIELDS: dict[str, str] = {
    "space.name": STRING, "space.meeting_code": CODE, "start_time": TIMESTAMP, "end_time": TIMESTAMP}
PARTICIPANT_FIELDS: dict[str, str] = {"earliest_start_time": TIMESTAMP, "latest_end_time": TIMESTAMP}
PARTICIPANT_SESSION_FIELDS: dict[str, str] = {"start_time": TIMESTAMP, "end_time": TIMESTAMP}

OPERATORS = ("<=", ">=", "!=", "=", "<", ">")

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<op><=|>=|!=|=|<|>)
      | (?P<paren>[()])
      | (?P<word>[^\s"'()<>=!]+)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Condition:
    field: str
    operator: str  # one of OPERATORS, or "IS NULL"
    value: Any = None  # integer microseconds for timestamps, str for strings
    kind: str = STRING


def micros(timestamp: float) -> int:
    """Timestamps compare in whole microseconds, the precision they are written with."""
    return int(round(timestamp * 1_000_000))


def _invalid(message: str) -> ApiError:
    return ApiError(400, f"Invalid filter: {message}", "INVALID_ARGUMENT", details=[{
        "@type": "type.googleapis.com/google.rpc.BadRequest",
        "fieldViolations": [{"field": "filter", "description": message}]}])


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise _invalid(f"unexpected character {text[position:].lstrip()[:1]!r} at position {position}.")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def _literal(kind: str, raw: str) -> str:
    if kind == "string":
        body = raw[1:-1]
        return re.sub(r"\\(.)", r"\1", body)
    return raw


def parse(text: str | None, fields: Mapping[str, str]) -> list[Condition]:
    """Parse ``text`` into conditions over ``fields``; an empty filter matches everything."""
    if text is None or not text.strip():
        return []
    tokens = _tokens(text)
    conditions: list[Condition] = []
    index = 0

    def expect_more(what: str) -> tuple[str, str]:
        if index >= len(tokens):
            raise _invalid(f"expected {what} at the end of the filter.")
        return tokens[index]

    while True:
        kind, field = expect_more("a field name")
        if kind != "word":
            raise _invalid(f"expected a field name, found {field!r}.")
        if field not in fields:
            allowed = ", ".join(f"`{name}`" for name in fields)
            raise _invalid(f"unknown field {field!r}; the filterable fields are {allowed}.")
        index += 1
        kind, token = expect_more("an operator after " + repr(field))
        if kind == "op":
            index += 1
            value_kind, raw = expect_more(f"a value after {field} {token}")
            if value_kind not in ("string", "word") or (value_kind == "word" and raw in ("AND", "OR", "NOT")):
                raise _invalid(f"expected a value after {field} {token}, found {raw!r}.")
            index += 1
            conditions.append(_condition(field, fields[field], token, _literal(value_kind, raw)))
        elif kind == "word" and token == "IS":
            index += 1
            _, null = expect_more("NULL after IS")
            if null != "NULL":
                raise _invalid(f"expected NULL after {field} IS, found {null!r}.")
            index += 1
            conditions.append(Condition(field, "IS NULL", kind=fields[field]))
        else:
            raise _invalid(f"expected a comparison operator (= != < <= > >=) or IS NULL after {field!r}, "
                           f"found {token!r}.")
        if index == len(tokens):
            return conditions
        kind, joiner = tokens[index]
        if joiner != "AND":
            raise _invalid(f"expected AND between conditions, found {joiner!r} (only AND is supported).")
        index += 1


def _condition(field: str, kind: str, operator: str, raw: str) -> Condition:
    if kind == TIMESTAMP:
        try:
            return Condition(field, operator, micros(parse_rfc3339(raw)), TIMESTAMP)
        except ValueError:
            raise _invalid(f"{raw!r} is not an RFC 3339 timestamp (for example \"2024-01-01T00:00:00Z\") "
                           f"for field {field!r}.") from None
    if operator not in ("=", "!="):
        raise _invalid(f"operator {operator!r} is not supported for string field {field!r}; use = or !=.")
    return Condition(field, operator, raw.lower() if kind == CODE else raw, kind)


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


def matches(conditions: list[Condition], record: Mapping[str, Any]) -> bool:
    for condition in conditions:
        value = record.get(condition.field)
        if condition.operator == "IS NULL":
            if value is not None:
                return False
            continue
        if value is None:
            return False
        if condition.kind == TIMESTAMP:
            value = micros(float(value))
        elif condition.kind == CODE:
            value = str(value).lower()
        if not _compare(value, condition.operator, condition.value):
            return False
    return True
