"""``python -m bench [--quick] [--only NAME]``: run the benchmarks and record their figures.

Results are merged into ``bench/results.json`` and rendered into ``docs/benchmarks.md``.
Only correctness keys (errors, lost or duplicated work) fail the run, never timings:
these machines are shared and noisy, so speed is reported as ratios measured in one run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from typing import Any, Callable

from . import chat_endpoint, emulator_throughput, lifecycle
from .harness import ROOT

BENCHMARKS: dict[str, Callable[[bool], dict[str, Any]]] = {
    "emulator": emulator_throughput.run,
    "chat_endpoint": chat_endpoint.run,
    "lifecycle": lifecycle.run,
}

# Keys that state correctness: any non-zero value fails the run.
CORRECTNESS_KEYS = {"emulator_errors"}
# Keys that must be 1 (true): checked like the correctness keys.
REQUIRED_TRUE_KEYS = {"big_meeting_card_within_limits"}

DESCRIPTIONS = {
    "emulator_spaces_get_rps": "Meet `spaces.get` through the emulator, requests/s",
    "emulator_messages_create_rps": "Chat `messages.create` through the emulator, requests/s",
    "emulator_spaces_get_p95_ms": "`spaces.get` latency, 95th percentile, ms",
    "emulator_messages_create_p95_ms": "`messages.create` latency, 95th percentile, ms",
    "emulator_bare_rps": "bare Flask endpoint on the same server (token check + fixed JSON), requests/s",
    "emulator_spaces_get_ratio": "`spaces.get` throughput / bare endpoint throughput",
    "emulator_messages_create_ratio": "`messages.create` throughput / bare endpoint throughput",
    "emulator_errors": "failed requests during the emulator runs (must be 0)",
    "chat_endpoint_app_command_rps": "app: `/meethelp` slash command, requests/s (gunicorn, 2 workers)",
    "chat_endpoint_bare_command_rps": "bare Flask endpoint with the same token check, same body, requests/s",
    "chat_endpoint_app_click_rps": "app: card click (fallback answer), requests/s",
    "chat_endpoint_bare_click_rps": "bare endpoint, card click body, requests/s",
    "chat_endpoint_ratio": "app ÷ bare, the lower of the two (goal ≥ 0.7)",
    "chat_endpoint_command_ratio": "app ÷ bare for the slash command",
    "chat_endpoint_click_ratio": "app ÷ bare for the card click",
    "api_calls_per_meeting": "Meet, Chat and Workspace Events calls for one meeting (10 people, recording, transcript)",
    "api_calls_minimum": "the fewest calls the product needs for it (bench/lifecycle.py MINIMUM_CALLS)",
    "api_calls_ratio": "calls made ÷ minimum (goal ≤ 1.2)",
    "api_calls_by_method": "the calls made, by method",
    "big_meeting_participants": "participants in the large meeting",
    "big_meeting_sessions": "their sessions",
    "big_meeting_transcript_entries": "transcript entries",
    "big_meeting_seconds": "time to read the ended meeting and post its summary, s",
    "big_meeting_peak_mb": "peak Python memory during that, MiB (tracemalloc)",
    "big_meeting_card_bytes": "the summary message's size, bytes (Chat's limit: 32,000)",
    "big_meeting_peak_ratio_100x_entries": "peak memory with 100× the transcript entries ÷ without (1 = flat)",
    "big_meeting_card_within_limits": "1 when the summary fits Chat's limits (must be 1)",
}


def render_markdown(results: dict[str, Any]) -> str:
    lines = ["# Benchmarks", "", "Produced by `python -m bench` (full size) and recorded in `bench/results.json`.",
             "Timing figures come from one run on one machine; compare ratios, not absolute numbers.", ""]
    for name, run in results.get("runs", {}).items():
        lines += [f"## {name}", "", f"Measured {run['measuredAt']} ({run['size']} size) on {run['machine']}.", "",
                  "| key | value | meaning |", "|---|---|---|"]
        for key, value in run["figures"].items():
            lines.append(f"| `{key}` | {value} | {DESCRIPTIONS.get(key, '')} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="small sizes for CI")
    parser.add_argument("--only", choices=sorted(BENCHMARKS), action="append")
    args = parser.parse_args(argv)

    results_path = os.path.join(ROOT, "bench", "results.json")
    results: dict[str, Any] = {"runs": {}}
    if os.path.exists(results_path):
        with open(results_path, encoding="utf-8") as handle:
            results = json.load(handle)
    failures = []
    for name in args.only or list(BENCHMARKS):
        print(f"== {name}", flush=True)
        figures = BENCHMARKS[name](args.quick)
        for key, value in figures.items():
            print(f"  {key} = {value}")
            if key in CORRECTNESS_KEYS and value or key in REQUIRED_TRUE_KEYS and value != 1:
                failures.append(f"{key} = {value}")
        if not args.quick:  # only full-size runs are the figures of record
            results["runs"][name] = {
                "size": "full", "measuredAt": time.strftime("%Y-%m-%d", time.gmtime()),
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
                "figures": figures,
            }
    if not args.quick:
        with open(results_path, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2)
            handle.write("\n")
        with open(os.path.join(ROOT, "docs", "benchmarks.md"), "w", encoding="utf-8") as handle:
            handle.write(render_markdown(results))
    if failures:
        print("FAILED correctness keys: " + ", ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
