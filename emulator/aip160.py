"""The list-filter language of Google APIs (AIP-160, https://google.aip.dev/160): text to a tree.

Grammar (AIP-160's EBNF, https://google.aip.dev/assets/misc/ebnf-filtering.txt), with the
one extension the Meet reference uses (``field IS NULL``)::

    filter      := [expression]
    expression  := sequence {"AND" sequence}
    sequence    := factor {factor}               # juxtaposition: AND, for exact matching
    factor      := term {"OR" term}              # OR binds tighter than AND
    term        := ["NOT" | "-"] simple
    simple      := restriction | "(" expression ")"
    restriction := comparable [comparator arg] | comparable "IS" "NULL"
    comparator  := "=" | "!=" | "<" | "<=" | ">" | ">=" | ":"

``AND``, ``OR``, ``NOT`` (and ``IS``/``NULL``) are case-sensitive keywords. An argument is
a quoted string (``"…"`` or ``'…'``, backslash escapes) or bare text; bare text runs on
across ``:`` and ``-`` with no space between (``2024-01-01T00:00:00Z``). Function calls
are not supported by any emulated method and are refused.

This module knows nothing of fields: each API checks the tree against the fields and
operators its reference documents (:func:`restrictions` lists them) and evaluates it.
Every syntax error is a 400 INVALID_ARGUMENT naming what was wrong, as Google answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Union

from .errors import BAD_REQUEST_TYPE, ApiError

COMPARATORS = ("<=", ">=", "!=", "=", "<", ">", ":")
KEYWORDS = ("AND", "OR", "NOT")
IS_NULL = "IS NULL"

_TOKEN = re.compile(r"""
    (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<comparator><=|>=|!=|=|<|>|:)
  | (?P<paren>[()])
  | (?P<comma>,)
  | (?P<minus>-(?=[^\s]))
  | (?P<word>[^\s"'()<>=!:,]+)
""", re.VERBOSE)


def invalid(message: str) -> ApiError:
    """Google's 400 for a filter it cannot use."""
    return ApiError(400, f"Invalid filter: {message}", "INVALID_ARGUMENT", details=[{
        "@type": BAD_REQUEST_TYPE, "fieldViolations": [{"field": "filter", "description": message}]}])


@dataclass(frozen=True)
class Token:
    kind: str  # string, comparator, paren, comma, minus, word
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Value:
    text: str  # unquoted, escapes resolved
    quoted: bool


@dataclass(frozen=True)
class Restriction:
    """``field op value``; ``op`` is one of COMPARATORS or IS_NULL (``value`` None), or
    None for a global restriction (a bare value, ``field`` None)."""

    field: str | None
    op: str | None
    value: Value | None


@dataclass(frozen=True)
class Not:
    child: "Expression"


@dataclass(frozen=True)
class Junction:
    op: str  # "AND" or "OR"
    children: tuple["Expression", ...]


Expression = Union[Restriction, Not, Junction]


def tokens(text: str) -> list[Token]:
    found: list[Token] = []
    position = 0
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        match = _TOKEN.match(text, position)
        if match is None:
            snippet = text[position:position + 12]
            if text[position] in "\"'":
                raise invalid(f"unterminated string starting at position {position}: {snippet!r}.")
            raise invalid(f"unexpected character {text[position]!r} at position {position}.")
        kind = match.lastgroup or ""
        if kind == "minus" and found and found[-1].end == position and found[-1].kind in ("word", "string"):
            kind = "word"  # a hyphen inside bare text ("abc-mnop") is text, not negation
        found.append(Token(kind, match.group(), position, match.end()))
        position = match.end()
    return found


def _unquote(raw: str) -> str:
    return re.sub(r"\\(.)", r"\1", raw[1:-1])


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokens(text)
        self.index = 0

    # -- cursor ----------------------------------------------------------------------
    def peek(self, offset: int = 0) -> Token | None:
        position = self.index + offset
        return self.tokens[position] if position < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at_keyword(self, *words: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "word" and token.text in words

    def describe(self, token: Token | None) -> str:
        return "the end of the filter" if token is None else f"{token.text!r} at position {token.start}"

    # -- grammar -----------------------------------------------------------------------
    def expression(self) -> Expression:
        parts = [self.sequence()]
        while self.at_keyword("AND"):
            self.take()
            parts.append(self.sequence())
        return parts[0] if len(parts) == 1 else Junction("AND", tuple(parts))

    def sequence(self) -> Expression:
        parts = [self.factor()]
        while self.peek() is not None and not self.at_keyword("AND", "OR") and self.peek().text != ")":  # type: ignore[union-attr]
            parts.append(self.factor())
        return parts[0] if len(parts) == 1 else Junction("AND", tuple(parts))

    def factor(self) -> Expression:
        parts = [self.term()]
        while self.at_keyword("OR"):
            self.take()
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else Junction("OR", tuple(parts))

    def term(self) -> Expression:
        if self.at_keyword("NOT"):
            self.take()
            return Not(self.simple())
        token = self.peek()
        if token is not None and token.kind == "minus":
            self.take()
            return Not(self.simple())
        return self.simple()

    def simple(self) -> Expression:
        token = self.peek()
        if token is not None and token.kind == "paren" and token.text == "(":
            self.take()
            inner = self.expression()
            closing = self.peek()
            if closing is None or closing.text != ")":
                raise invalid(f"expected ')' to close the '(' at position {token.start}, found {self.describe(closing)}.")
            self.take()
            return inner
        return self.restriction()

    def restriction(self) -> Restriction:
        token = self.peek()
        if token is None or token.kind not in ("word", "string") or token.text in KEYWORDS:
            raise invalid(f"expected a field name or a value, found {self.describe(token)}.")
        self.take()
        following = self.peek()
        if following is not None and following.kind == "paren" and following.text == "(" \
                and following.start == token.end:
            raise invalid(f"functions such as {token.text}(…) are not supported in this filter.")
        if token.kind == "string":  # a quoted value alone: a global restriction
            return Restriction(None, None, Value(_unquote(token.text), True))
        if following is not None and following.kind == "comparator":
            self.take()
            return Restriction(token.text, following.text, self.argument(token.text, following.text))
        if self.at_keyword("IS"):
            self.take()
            if not self.at_keyword("NULL"):
                raise invalid(f"expected NULL after '{token.text} IS', found {self.describe(self.peek())}.")
            self.take()
            return Restriction(token.text, IS_NULL, None)
        return Restriction(None, None, Value(token.text, False))

    def argument(self, field: str, comparator: str) -> Value:
        first = self.peek()
        if first is None or first.kind not in ("string", "word", "minus") or first.text in KEYWORDS:
            raise invalid(f"expected a value after '{field} {comparator}', found {self.describe(first)}.")
        self.take()
        if first.kind == "string":
            return Value(_unquote(first.text), True)
        text, end = first.text, first.end
        # Bare text runs on across ':' and '-' with nothing between (a bare timestamp).
        while (nxt := self.peek()) is not None and nxt.start == end and nxt.kind in ("word", "comparator", "minus") \
                and (nxt.kind != "comparator" or nxt.text == ":"):
            self.take()
            text, end = text + nxt.text, nxt.end
        return Value(text, False)


def parse(text: str | None) -> Expression | None:
    """The filter's tree; None for an absent or blank filter (everything matches)."""
    if text is None or not text.strip():
        return None
    parser = _Parser(text)
    tree = parser.expression()
    if parser.peek() is not None:
        raise invalid(f"unexpected {parser.describe(parser.peek())}.")
    return tree


def restrictions(tree: Expression | None) -> Iterator[Restriction]:
    """Every restriction in the tree, in order (for checking fields and operators)."""
    if tree is None:
        return
    if isinstance(tree, Restriction):
        yield tree
    elif isinstance(tree, Not):
        yield from restrictions(tree.child)
    else:
        for child in tree.children:
            yield from restrictions(child)
