"""``python -m tests.mutation``: mutation testing of the security and exactly-once code.

Every mutant (``mutants.py``) of every target (``targets.py``) is run against that
target's fast tests; a mutant some test fails on is killed, one they all pass is a
survivor: a bug the tests would let through. Prints the survivors and the score
(killed/total) and exits 1 below ``--threshold`` (default 90 %).

Each run is a forked child of a process that has already imported the third-party
libraries (not the app), so a mutant costs its tests, not an interpreter start. The
child puts the mutated module in front of the import system before pytest imports
anything of the app, so every ``from … import`` sees the mutant. A child past its
time limit (an infinite loop) is killed with its process group and counts as killed.

    python -m tests.mutation                 # everything (about 15 minutes; 7 with -j 2)
    python -m tests.mutation -k verification -j 2 --verbose
"""

from __future__ import annotations

import argparse
import importlib.abc
import importlib.util
import json
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.mutation.mutants import Mutant, find_mutants, mutated_code
from tests.mutation.targets import EQUIVALENT, TARGETS, Equivalent, Target

ROOT = Path(__file__).resolve().parents[2]
# Imported once in the parent so that forked children start warm; none of them is the app's.
WARM = ("pytest", "flask", "werkzeug", "requests", "sqlalchemy", "alembic", "cryptography", "hypothesis",
        "google.auth.jwt", "google.oauth2.id_token", "google.apps.chat_v1", "googleapiclient.discovery",
        "google_auth_oauthlib.flow")


class _MutantFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves one module from a code object instead of its file."""

    def __init__(self, module: str, path: Path, code: Any) -> None:
        self.module, self.path, self.code = module, path, code

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname != self.module:
            return None
        return importlib.util.spec_from_loader(fullname, self, origin=str(self.path))

    def create_module(self, spec: Any) -> None:
        return None

    def exec_module(self, module: Any) -> None:
        module.__file__ = str(self.path)
        exec(self.code, module.__dict__)  # noqa: S102 - the mutant under test


class _LinesRun:
    """A pytest plugin recording which lines of one file each test runs (in every thread:
    the in-process stacks serve requests on threads of their own). Lines run between
    tests (a background thread's work) are recorded under "*": they may belong to any."""

    def __init__(self, path: Path, output: Path) -> None:
        self.path, self.output = str(path), output
        self.current = "*"
        self.lines: dict[str, set[int]] = {"*": set()}
        self.order: list[str] = []

    def _trace(self, frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename != self.path:
            return None
        hits = self.lines.setdefault(self.current, set())
        hits.add(frame.f_lineno)

        def line(frame: Any, event: str, arg: Any) -> Any:
            if event == "line":
                self.lines.setdefault(self.current, set()).add(frame.f_lineno)
            return line

        return line

    def pytest_sessionstart(self, session: Any) -> None:
        import threading

        threading.settrace(self._trace)
        sys.settrace(self._trace)

    def pytest_runtest_logstart(self, nodeid: str, location: Any) -> None:
        self.current = nodeid
        self.order.append(nodeid)

    def pytest_runtest_logfinish(self, nodeid: str, location: Any) -> None:
        self.current = "*"

    def pytest_sessionfinish(self, session: Any) -> None:
        sys.settrace(None)
        import json

        self.output.write_text(json.dumps({"order": self.order,
                                           "lines": {k: sorted(v) for k, v in self.lines.items()}}))


@dataclass
class Running:
    pid: int
    started: float
    mutant: Mutant | None
    target: Target


def _child(target: Target, mutant: Mutant | None, log_path: Path | None, tests: list[str],
           lines_path: Path | None) -> None:
    os.setpgid(0, 0)
    sink = os.open(str(log_path) if log_path else os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(sink, 1)
    os.dup2(sink, 2)
    code = 1
    try:
        if mutant is not None:
            source = (ROOT / target.path).read_text(encoding="utf-8")
            compiled = mutated_code(target.path, source, mutant)
            sys.meta_path.insert(0, _MutantFinder(target.module, ROOT / target.path, compiled))
        import pytest

        plugins = [_LinesRun(ROOT / target.path, lines_path)] if lines_path else []
        code = pytest.main([*tests, "-x", "-q", "-p", "no:cacheprovider", "-o", "addopts=", "-m", "not browser"],
                           plugins=plugins)
    except BaseException:  # noqa: BLE001 - whatever happens, the child reports through its exit code
        import traceback

        traceback.print_exc()
        code = 3
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(int(code))  # no atexit: test servers' threads must not hold the child up


def _start(target: Target, mutant: Mutant | None, log_path: Path | None, tests: list[str],
           lines_path: Path | None = None) -> Running:
    pid = os.fork()
    if pid == 0:
        _child(target, mutant, log_path, tests, lines_path)
    return Running(pid, time.monotonic(), mutant, target)


def _wait(running: list[Running], limit: float) -> tuple[Running, int | None]:
    """The next child to finish: it and its exit code (None: killed for taking too long)."""
    while True:
        for item in running:
            pid, status = os.waitpid(item.pid, os.WNOHANG)
            if pid:
                running.remove(item)
                return item, os.waitstatus_to_exitcode(status)
            if time.monotonic() - item.started > limit:
                try:
                    os.killpg(item.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                os.waitpid(item.pid, 0)
                running.remove(item)
                return item, None
        time.sleep(0.05)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutation", description=__doc__.splitlines()[0])
    parser.add_argument("-k", "--target", action="append", help="run only targets whose name contains this")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="mutants run at once (default 1)")
    parser.add_argument("--threshold", type=float, default=90.0, help="minimum %% killed (default 90)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--verbose", action="store_true", help="print every mutant's outcome")
    parser.add_argument("--logs", type=Path, help="keep each survivor's pytest output in this directory")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    targets = [t for t in TARGETS if not args.target or any(k in t.name for k in args.target)]
    plan: list[tuple[Target, Mutant]] = []
    equivalent: list[tuple[Mutant, Equivalent]] = []
    for target in targets:
        source = (ROOT / target.path).read_text(encoding="utf-8")
        lines = source.splitlines()
        mutants = find_mutants(target.path, source, set(target.functions) if target.functions is not None else None,
                               set(target.constants), set(target.lines))
        if not mutants:
            print(f"{target.name}: no mutants found in {target.path} (was the code it names renamed?)",
                  file=sys.stderr)
        for mutant in mutants:
            known = next((e for e in EQUIVALENT if e.path == mutant.path and e.description == mutant.description
                          and e.line_contains in lines[mutant.line - 1]), None)
            if known is not None:
                equivalent.append((mutant, known))
            else:
                plan.append((target, mutant))
    if args.list:
        for target, mutant in plan:
            print(f"{target.name:24} {mutant.where:40} {mutant.description}")
        print(f"{len(plan)} mutants (and {len(equivalent)} equivalent ones, not run)")
        return 0
    for name in WARM:
        __import__(name)

    # The unmutated code must pass; its time sets each target's time limit, and the lines
    # each test runs decide which tests a mutant needs (those that run its statement).
    limits: dict[str, float] = {}
    coverage: dict[str, dict[str, Any]] = {}
    for target in targets:
        with tempfile.NamedTemporaryFile(prefix="mutation-baseline-", suffix=".log", delete=False) as log:
            baseline_log = Path(log.name)
        lines_path = baseline_log.with_suffix(".json")
        child = _start(target, None, baseline_log, list(target.tests), lines_path)
        finished, code = _wait([child], 900)
        elapsed = time.monotonic() - finished.started
        if code != 0:
            print(baseline_log.read_text(encoding="utf-8", errors="replace")[-6000:], file=sys.stderr)
            print(f"{target.name}: the tests fail without any mutant (exit {code}, output above); "
                  f"run them: python -m pytest {' '.join(target.tests)}", file=sys.stderr)
            return 2
        baseline_log.unlink()
        coverage[target.name] = json.loads(lines_path.read_text())
        lines_path.unlink()
        limits[target.name] = max(30.0, elapsed * 4)
        print(f"{target.name}: tests pass unmutated in {elapsed:.1f} s "
              f"({len(coverage[target.name]['order'])} tests)", flush=True)

    def tests_for(target: Target, mutant: Mutant) -> list[str] | None:
        """The tests that run the mutant's statement, in their order; None: none does."""
        first, last = mutant.statement_lines
        if first == 0:
            return list(target.tests)  # module level: every test imports it
        runs = coverage[target.name]
        wanted = set(range(first, last + 1))
        if wanted & set(runs["lines"].get("*", ())):
            return list(target.tests)  # run by background work: any test may be the one
        chosen = [node for node in runs["order"] if wanted & set(runs["lines"].get(node, ()))]
        return chosen or None

    if args.logs:
        args.logs.mkdir(parents=True, exist_ok=True)
    survivors: list[tuple[Target, Mutant, str]] = []
    killed: dict[str, int] = {}
    totals: dict[str, int] = {}
    queue = list(plan)
    running: list[Running] = []
    done = 0
    started = time.monotonic()

    def report(target: Target, mutant: Mutant, outcome: str) -> None:
        nonlocal done
        done += 1
        totals[target.name] = totals.get(target.name, 0) + 1
        if outcome.startswith("killed"):
            killed[target.name] = killed.get(target.name, 0) + 1
        else:
            survivors.append((target, mutant, outcome))
        if args.verbose or not outcome.startswith("killed"):
            print(f"[{done}/{len(plan)}] {outcome:16} {mutant.where:36} {mutant.description}", flush=True)

    while queue or running:
        while queue and len(running) < max(1, args.jobs):
            target, mutant = queue.pop(0)
            tests = tests_for(target, mutant)
            if tests is None:
                report(target, mutant, "not run by any test")
                continue
            log_path = args.logs / f"{len(plan) - len(queue):04d}.log" if args.logs else None
            running.append(_start(target, mutant, log_path, tests))
        if not running:
            continue
        limit = max(limits[r.target.name] for r in running)
        finished, code = _wait(running, limit)
        assert finished.mutant is not None
        report(finished.target, finished.mutant,
               "survived" if code == 0 else "killed (timeout)" if code is None else "killed")

    print(f"\n{len(plan)} mutants in {time.monotonic() - started:.0f} s")
    for target in targets:
        total = totals.get(target.name, 0)
        print(f"  {target.name:24} {killed.get(target.name, 0):4}/{total:<4} killed")
    all_killed = sum(killed.values())
    score = 100.0 * all_killed / len(plan) if plan else 100.0
    print(f"score: {all_killed}/{len(plan)} killed ({score:.1f} %), threshold {args.threshold:.0f} %")
    for mutant, known in equivalent:
        print(f"  equivalent, not run: {mutant.where} {mutant.description} ({known.reason})")
    if survivors:
        print("survivors (bugs no test catches):")
        for _target, mutant, outcome in survivors:
            print(f"  {mutant.where:36} {mutant.description}{'' if outcome == 'survived' else f' ({outcome})'}")
    return 0 if score >= args.threshold else 1


if __name__ == "__main__":
    sys.exit(main())
