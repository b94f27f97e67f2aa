"""Benchmarks: ``python -m bench`` (full) or ``python -m bench --quick`` (CI size).

Each benchmark returns a dict of keys; the runner merges them into
``bench/results.json`` and ``docs/benchmarks.md``. Timing figures are reported as
ratios measured in one run; only correctness keys can fail a run.
"""
