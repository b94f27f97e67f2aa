"""The import graph of the first-party packages, read from the source (nothing is imported).

``python -m tests.architecture.import_graph [package …]`` prints the modules, the import
edges, every import cycle and every pair of packages that import each other. An edge
counts what really runs: ``import a.b.c`` runs ``a`` and ``a.b`` first, so it depends on
their ``__init__`` modules too. Imports under ``if TYPE_CHECKING:`` are left out: they
never run.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "bot", "cards", "emulator", "local")


@dataclass(frozen=True)
class ImportGraph:
    modules: dict[str, Path]
    edges: dict[str, frozenset[str]]

    def cycles(self) -> list[list[str]]:
        """Each group of modules that import one another, directly or not (Tarjan's SCCs)."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        groups: list[list[str]] = []

        def visit(node: str) -> None:
            index[node] = low[node] = len(index)
            stack.append(node)
            on_stack.add(node)
            for target in sorted(self.edges.get(node, ())):
                if target not in index:
                    visit(target)
                    low[node] = min(low[node], low[target])
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))

        sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(self.modules)))
        for module in sorted(self.modules):
            if module not in index:
                visit(module)
        return groups

    def imports_of(self, prefix: str) -> set[str]:
        """The first-party modules that modules under ``prefix`` import (outside ``prefix``)."""
        return {target for source, targets in self.edges.items() if _within(source, prefix)
                for target in targets if not _within(target, prefix)}

    def mutual_packages(self) -> list[tuple[str, str]]:
        """Pairs of packages (``bot.lifecycle``, ``cards``, …) that import each other."""
        between: dict[str, set[str]] = defaultdict(set)
        for source, targets in self.edges.items():
            for target in targets:
                a, b = _package(self, source), _package(self, target)
                if a != b and not _within(a, b) and not _within(b, a):
                    between[a].add(b)
        return sorted({tuple(sorted((a, b))) for a in between for b in between[a] if a in between.get(b, ())})  # type: ignore[misc]


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _package(graph: ImportGraph, module: str) -> str:
    """The package a module belongs to, two levels deep at most (``bot.lifecycle``)."""
    parts = module.split(".")
    is_package = graph.modules[module].name == "__init__.py"
    depth = len(parts) if is_package else len(parts) - 1
    return ".".join(parts[: max(1, min(2, depth))])


def read_graph(packages: tuple[str, ...] = PACKAGES, root: Path = ROOT) -> ImportGraph:
    modules: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    edges = {module: frozenset(_imports(module, path, modules)) for module, path in modules.items()}
    return ImportGraph(modules, edges)


def _imports(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only = {id(node) for guard in ast.walk(tree)
                 if isinstance(guard, ast.If) and "TYPE_CHECKING" in ast.unparse(guard.test)
                 for node in ast.walk(guard)}
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in type_only or not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        for target in _targets(node, package, modules):
            found |= _with_parents(_first_party(target, modules), module)
    return found


def _targets(node: ast.Import | ast.ImportFrom, package: str, modules: dict[str, Path]) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    submodules = [f"{source}.{alias.name}" for alias in node.names if f"{source}.{alias.name}" in modules]
    # `from pkg import submodule` needs the submodule, not what pkg's __init__ defines.
    return submodules if len(submodules) == len(node.names) else [source, *submodules]


def _first_party(name: str, modules: dict[str, Path]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _with_parents(target: str | None, importer: str) -> set[str]:
    """``target`` and the packages above it, whose ``__init__`` runs first (never the
    importer itself or its own parents, which are already running)."""
    found: set[str] = set()
    while target:
        if target != importer and not _within(importer, target):
            found.add(target)
        target = target.rpartition(".")[0]
    return found


def main(argv: list[str]) -> int:
    graph = read_graph(tuple(argv) or PACKAGES)
    print(f"modules: {len(graph.modules)}, import edges: {sum(map(len, graph.edges.values()))}")
    cycles = graph.cycles()
    print(f"import cycles: {len(cycles)}")
    for group in cycles:
        print(f"  {len(group)} modules: {', '.join(group)}")
    mutual = graph.mutual_packages()
    print(f"packages importing each other: {len(mutual)}")
    for a, b in mutual:
        print(f"  {a} <-> {b}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
