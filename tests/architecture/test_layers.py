"""Dependencies point one way: domain <- cards <- bot (that bot never imports the emulator
or local mode is tests/bot/test_deployment.py's).

Read from the source by ``import_graph`` (``python -m tests.architecture.import_graph``
prints the same figures), so a new import that turns the arrows round fails here.
"""

from __future__ import annotations

import pytest

from .import_graph import ImportGraph, read_graph


@pytest.fixture(scope="module")
def graph() -> ImportGraph:
    return read_graph()


def test_the_domain_imports_nothing_of_the_product(graph: ImportGraph) -> None:
    assert graph.imports_of("domain") == set()


def test_cards_depend_on_the_domain_alone(graph: ImportGraph) -> None:
    outside = {module for module in graph.imports_of("cards") if not module.startswith("domain")}
    assert outside == set()


def test_no_two_packages_import_each_other(graph: ImportGraph) -> None:
    assert graph.mutual_packages() == []


def test_no_module_imports_itself_back(graph: ImportGraph) -> None:
    """No import cycle anywhere in domain, bot, cards, emulator or local: the last one
    (storage's mixins importing helpers back from ``store.py``) went with the repositories."""
    assert graph.cycles() == []


# Storage's shared base: every repository may import these, and nothing else of storage.
STORAGE_BASE = {"bot.storage.database", "bot.storage.errors", "bot.storage.tables"}
# The modules of bot/storage that are not repositories.
STORAGE_NOT_REPOSITORIES = STORAGE_BASE | {"bot.storage", "bot.storage.__main__", "bot.storage.engine",
                                           "bot.storage.protocols", "bot.storage.store"}


def test_storage_repositories_share_only_the_base(graph: ImportGraph) -> None:
    """No repository reaches into another (its private helpers, or its tables' logic):
    what two repositories need is in the base."""
    repositories = [module for module in graph.modules if module.startswith("bot.storage.")
                    and module not in STORAGE_NOT_REPOSITORIES and not module.startswith("bot.storage.migrations")]
    assert len(repositories) >= 11  # meetings, spaces, … (the test would pass vacuously if none were found)
    reaching = {module: sorted(target for target in graph.edges.get(module, ())
                               if target.startswith("bot.storage") and target not in STORAGE_BASE)
                for module in repositories}
    assert {module: targets for module, targets in reaching.items() if targets} == {}


def test_the_app_reaches_storage_through_the_package_alone(graph: ImportGraph) -> None:
    """Outside bot/storage, code imports ``bot.storage`` (its Protocols, records and errors),
    never a module inside it: the SQL classes stay the composition root's business."""
    inside = {module: sorted(target for target in graph.edges.get(module, ()) if target.startswith("bot.storage."))
              for module in graph.modules if not module.startswith("bot.storage")}
    assert {module: targets for module, targets in inside.items() if targets} == {}


def test_the_graph_reader_sees_a_cycle_when_there_is_one(tmp_path) -> None:
    package = tmp_path / "loop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from .b import thing\n")
    (package / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import x\n"
                                  "from loop import c\n")
    (package / "c.py").write_text("import loop.a\n")
    cycles = read_graph(("loop",), root=tmp_path).cycles()
    assert cycles == [["loop.a", "loop.b", "loop.c"]]
