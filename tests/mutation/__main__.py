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

    python -m tests.mutation                 # everything (about 10 minutes on one core)
    python -m tests.mutation -k verification -j 2 --verbose
"""

from __future__ import annotations

import argparse
import importlib.abc
import importlib.util
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


@dataclass
class Running:
    pid: int
    started: float
    mutant: Mutant | None
    target: Target


def _child(target: Target, mutant: Mutant | None, log_path: Path | None) -> None:
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

        code = pytest.main([*target.tests, "-x", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
                            "-m", "not browser"])
    except BaseException:  # noqa: BLE001 - whatever happens, the child reports through its exit code
        import traceback

        traceback.print_exc()
        code = 3
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(int(code))  # no atexit: test servers' threads must not hold the child up


def _start(target: Target, mutant: Mutant | None, log_path: Path | None) -> Running:
    pid = os.fork()
    if pid == 0:
        _child(target, mutant, log_path)
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

    # The unmutated code must pass, and its time sets each target's time limit.
    limits: dict[str, float] = {}
    for target in targets:
        with tempfile.NamedTemporaryFile(prefix="mutation-baseline-", suffix=".log", delete=False) as log:
            baseline_log = Path(log.name)
        child = _start(target, None, baseline_log)
        finished, code = _wait([child], 600)
        elapsed = time.monotonic() - finished.started
        if code != 0:
            print(baseline_log.read_text(encoding="utf-8", errors="replace")[-6000:], file=sys.stderr)
            print(f"{target.name}: the tests fail without any mutant (exit {code}, output above); "
                  f"run them: python -m pytest {' '.join(target.tests)}", file=sys.stderr)
            return 2
        baseline_log.unlink()
        limits[target.name] = max(30.0, elapsed * 4)
        print(f"{target.name}: tests pass unmutated in {elapsed:.1f} s", flush=True)

    if args.logs:
        args.logs.mkdir(parents=True, exist_ok=True)
    survivors: list[tuple[Target, Mutant]] = []
    killed: dict[str, int] = {}
    totals: dict[str, int] = {}
    queue = list(plan)
    running: list[Running] = []
    done = 0
    started = time.monotonic()
    while queue or running:
        while queue and len(running) < max(1, args.jobs):
            target, mutant = queue.pop(0)
            log_path = args.logs / f"{len(plan) - len(queue):04d}.log" if args.logs else None
            running.append(_start(target, mutant, log_path))
        limit = max(limits[r.target.name] for r in running)
        finished, code = _wait(running, limit)
        done += 1
        assert finished.mutant is not None
        name = finished.target.name
        totals[name] = totals.get(name, 0) + 1
        outcome = "survived" if code == 0 else "killed (timeout)" if code is None else "killed"
        if code == 0:
            survivors.append((finished.target, finished.mutant))
        else:
            killed[name] = killed.get(name, 0) + 1
        if args.verbose or code == 0:
            print(f"[{done}/{len(plan)}] {outcome:16} {finished.mutant.where:36} {finished.mutant.description}",
                  flush=True)

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
        for target, mutant in survivors:
            print(f"  {mutant.where:36} {mutant.description}")
    return 0 if score >= args.threshold else 1


if __name__ == "__main__":
    sys.exit(main())
