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
