"""Small deliberate bugs: every place in a function where one operator, condition,
constant or statement could be wrong, as a list of single-change mutants.

Each mutant changes exactly one node of the module's syntax tree and is compiled from
the tree (line numbers stay true). What is not mutated, because no test could or should
tell: docstrings, log calls (their wording), the text of messages, type annotations, network timeouts, and
lines marked ``# pragma: no mutate`` (for a change that cannot alter behaviour; say why
on that line).
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass
from typing import Callable

SKIP_MARK = "pragma: no mutate"
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical"}
# A call's log fields, and its network timeout: the fault suites prove timeouts (a stall
# past them), which no fast test can; a mutated timeout is left to them.
UNTESTED_KEYWORDS = {"extra", "timeout"}

_COMPARE_SWAPS: dict[type, type] = {
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn,
    ast.NotIn: ast.In, ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
}
_BINOP_SWAPS: dict[type, type] = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult}


@dataclass(frozen=True)
class Mutant:
    path: str  # the source file, relative to the repository
    line: int
    description: str
    apply: Callable[[ast.Module], None]  # changes the (copied) tree in place
    # The lines of the statement it is in (a compound one's header only), to find the tests
    # that run it; (0, 0): module level, run at import.
    statement_lines: tuple[int, int] = (0, 0)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def _is_log_call(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in LOG_METHODS and isinstance(node.func.value, ast.Name)
            and node.func.value.id in {"log", "logger", "logging"})


def _is_docstring(node: ast.AST, parent: ast.AST | None) -> bool:
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            and isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module))
            and parent.body and parent.body[0] is node)


class _Finder:
    """Walks the chosen functions (and module-level assignments of constants) and lists
    each mutation as a path of indices into the tree, so it can be replayed on a copy."""

    def __init__(self, path: str, source: str, functions: set[str] | None, constants: set[str],
                 focus: set[str]) -> None:
        self.path = path
        self.lines = source.splitlines()
        self.functions = functions
        self.constants = constants
        self.focus = focus
        self.found: list[Mutant] = []
        self._statement = (0, 0)  # the lines of the innermost statement being walked

    # -- selection ----------------------------------------------------------------------
    def run(self, tree: ast.Module) -> list[Mutant]:
        for index, statement in enumerate(tree.body):
            self._select(statement, ("body", index), "")
        return self.found

    def _select(self, node: ast.stmt, address: tuple, prefix: str) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            name = prefix + node.name
            if self.functions is None or name in self.functions:
                for index, statement in enumerate(node.body):
                    self._walk(statement, address + ("body", index), node)
        elif isinstance(node, ast.ClassDef):
            for index, statement in enumerate(node.body):
                self._select(statement, address + ("body", index), prefix + node.name + ".")
        elif isinstance(node, ast.Assign) and not prefix and any(
                isinstance(t, ast.Name) and t.id in self.constants for t in node.targets):
            self._walk(node.value, address + ("value",), node)

    # -- mutation points ------------------------------------------------------------------
    def _skipped(self, node: ast.AST) -> bool:
        line = getattr(node, "lineno", None)
        return line is not None and SKIP_MARK in self.lines[line - 1]

    def _add(self, node: ast.AST, address: tuple, description: str, change: Callable[[ast.AST], ast.AST | None]
             ) -> None:
        line = getattr(node, "lineno", 0)
        if self.focus and not (line and any(fragment in self.lines[line - 1] for fragment in self.focus)):
            return

        def apply(tree: ast.Module) -> None:
            parent: object = tree
            for step in address[:-1]:
                parent = parent[step] if isinstance(step, int) else getattr(parent, step)  # type: ignore[index]
            last = address[-1]
            current = parent[last] if isinstance(last, int) else getattr(parent, last)  # type: ignore[index]
            replacement = change(current)
            if replacement is not None:
                if isinstance(last, int):
                    parent[last] = replacement  # type: ignore[index]
                else:
                    setattr(parent, last, replacement)

        self.found.append(Mutant(self.path, getattr(node, "lineno", 0), description, apply, self._statement))

    def _walk(self, node: ast.AST, address: tuple, parent: ast.AST | None) -> None:
        if self._skipped(node) or _is_docstring(node, parent):
            return
        if isinstance(node, ast.Expr) and _is_log_call(node.value):
            return
        if isinstance(node, (ast.JoinedStr,)):
            return  # message text
        if isinstance(node, ast.keyword) and node.arg in UNTESTED_KEYWORDS:
            return
        outer = self._statement
        if isinstance(node, ast.stmt):
            compound = hasattr(node, "body")
            self._statement = (node.lineno, node.lineno if compound else (node.end_lineno or node.lineno))
        try:
            self._walk_inside(node, address, parent)
        finally:
            self._statement = outer

    def _walk_inside(self, node: ast.AST, address: tuple, parent: ast.AST | None) -> None:
        self._points(node, address, parent)
        for field, value in ast.iter_fields(node):
            if field in {"annotation", "returns", "decorator_list", "type_comment"}:
                continue
            if isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, ast.AST):
                        self._walk(item, address + (field, index), node)
            elif isinstance(value, ast.AST):
                self._walk(value, address + (field,), node)

    def _points(self, node: ast.AST, address: tuple, parent: ast.AST | None) -> None:
        add = self._add
        if isinstance(node, ast.Compare):
            for position, op in enumerate(node.ops):
                swap = _COMPARE_SWAPS.get(type(op))
                if swap is not None:
                    add(node, address + ("ops", position), f"{type(op).__name__} -> {swap.__name__}",
                        lambda _old, swap=swap: swap())
            for position, comparator in enumerate(node.comparators):
                if isinstance(node.ops[position], (ast.In, ast.NotIn)) and isinstance(
                        comparator, (ast.Set, ast.List, ast.Tuple)) and len(comparator.elts) > 1:
                    self._drop_elements(comparator, address + ("comparators", position))
        elif isinstance(node, ast.BoolOp):
            other = ast.Or if isinstance(node.op, ast.And) else ast.And
            add(node, address + ("op",), f"{type(node.op).__name__} -> {other.__name__}", lambda _old: other())
            for position in range(len(node.values)):
                add(node, address, f"drop condition {position + 1} of {len(node.values)}",
                    lambda old, position=position: _without(old, position))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            add(node, address, "drop not", lambda old: old.operand)
        elif isinstance(node, ast.BinOp) and type(node.op) in _BINOP_SWAPS:
            swap = _BINOP_SWAPS[type(node.op)]
            add(node, address + ("op",), f"{type(node.op).__name__} -> {swap.__name__}", lambda _old: swap())
        elif isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool):
                add(node, address, f"{value} -> {not value}", lambda _old: ast.Constant(not value))
            elif isinstance(value, (int, float)) and not isinstance(parent, ast.Subscript):
                changed = 1 if value == 0 else value * 10
                add(node, address, f"{value} -> {changed}", lambda _old: ast.Constant(changed))
        elif isinstance(node, ast.Set) and len(node.elts) > 1:
            self._drop_elements(node, address)
        elif isinstance(node, ast.Call):
            for position, keyword in enumerate(node.keywords):
                if keyword.arg is None or keyword.arg in UNTESTED_KEYWORDS:
                    continue
                add(node, address + ("keywords",), f"drop {keyword.arg}=",
                    lambda old, position=position: old[:position] + old[position + 1:])
                if not (isinstance(keyword.value, ast.Constant) and keyword.value.value is None):
                    add(node, address + ("keywords", position, "value"), f"{keyword.arg}=None",
                        lambda _old: ast.Constant(None))
        elif isinstance(node, ast.If):
            add(node, address + ("test",), "if condition -> False", lambda _old: ast.Constant(False))
        elif isinstance(node, ast.Raise) or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
            add(node, address, f"drop {'raise' if isinstance(node, ast.Raise) else 'call'} statement",
                lambda _old: ast.Pass())
        elif isinstance(node, ast.Return) and node.value is not None and not (
                isinstance(node.value, ast.Constant) and node.value.value is None):
            add(node, address + ("value",), "return None", lambda _old: ast.Constant(None))

    def _drop_elements(self, node: ast.Set | ast.List | ast.Tuple, address: tuple) -> None:
        for position in range(len(node.elts)):
            self._add(node, address + ("elts",), f"drop element {position + 1} of {len(node.elts)}",
                      lambda old, position=position: old[:position] + old[position + 1:])


def _without(node: ast.BoolOp, position: int) -> ast.expr:
    values = node.values[:position] + node.values[position + 1:]
    return values[0] if len(values) == 1 else ast.BoolOp(op=node.op, values=values)


def find_mutants(path: str, source: str, functions: set[str] | None = None,
                 constants: set[str] | None = None, focus: set[str] | None = None) -> list[Mutant]:
    """Every single-change mutant of ``functions`` (qualified names, ``Class.method``; None:
    every function) and of the module-level ``constants`` named; with ``focus``, only those
    on lines containing one of its fragments."""
    return _Finder(path, source, functions, constants or set(), focus or set()).run(ast.parse(source, path))


def mutated_code(path: str, source: str, mutant: Mutant) -> object:
    tree = copy.deepcopy(ast.parse(source, path))
    mutant.apply(tree)
    ast.fix_missing_locations(tree)
    return compile(tree, path, "exec")

