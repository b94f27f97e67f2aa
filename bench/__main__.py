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

from . import (burst, chat_endpoint, digest_quality, emulator_throughput, freshness, lifecycle, meet_overhead, push_endpoint,
               quota_end, reconciler)
from .harness import ROOT

BENCHMARKS: dict[str, Callable[[bool], dict[str, Any]]] = {
    "emulator": emulator_throughput.run,
    "chat_endpoint": chat_endpoint.run,
    "lifecycle": lifecycle.run,
    "reconciler": reconciler.run,
    "meet_overhead": meet_overhead.run,
    "burst": burst.run,
    "quota_end": quota_end.run,
    "push": push_endpoint.run,
    "freshness": freshness.run,
    "digest": digest_quality.run,
}

# Keys that state correctness: any non-zero value fails the run.
CORRECTNESS_KEYS = {"emulator_errors", "meet_overhead_errors", "burst_lost", "burst_duplicates",
                    "quota_end_lost", "quota_end_duplicates", "quota_end_errors", "push_errors",
                    "freshness_lost_events", "freshness_burst_lost_events", "freshness_burst_lost",
                    "freshness_burst_duplicates"}
# Keys that must be 1 (true): checked like the correctness keys.
REQUIRED_TRUE_KEYS = {"big_meeting_card_within_limits", "quota_end_within_space_limit"}

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
    "chat_endpoint_ratio": "app ÷ bare, the lower of the two (goal ≥ 0.9): the median of the ratios of "
                           "alternating rounds of the two servers",
    "chat_endpoint_command_ratio": "app ÷ bare for the slash command",
    "chat_endpoint_click_ratio": "app ÷ bare for the card click",
    "chat_endpoint_app_command_cpu_us": "CPU of the app's gunicorn processes per `/meethelp`, µs (/proc)",
    "chat_endpoint_bare_command_cpu_us": "CPU of the bare endpoint's processes per `/meethelp`, µs",
    "chat_endpoint_app_click_cpu_us": "CPU of the app's processes per card click, µs",
    "chat_endpoint_bare_click_cpu_us": "CPU of the bare endpoint's processes per card click, µs",
    "api_calls_per_meeting": "Meet, Chat and Workspace Events calls for one meeting (10 people, recording, transcript)",
    "api_calls_minimum": "the fewest calls the product needs for it (bench/lifecycle.py MINIMUM_CALLS_WHY, below)",
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
    "dormant_cost_ratio": "Google calls per reconcile pass with 1,000 meetings of which 950 dormant ÷ with the 50 "
                          "in use alone (goal ≤ 1.2; quick runs: 100 of which 95 dormant ÷ 5)",
    "dormant_meetings": "meetings never started for over a week (they go dormant at their first pass)",
    "dormant_live_meetings": "meetings in use, in both worlds",
    "dormant_passes": "reconcile passes measured, spread over 6.5 days of the emulator's clock",
    "dormant_busy_calls_per_pass": "Google API calls per pass, dormant meetings and those in use (OAuth excluded)",
    "dormant_lean_calls_per_pass": "Google API calls per pass, the meetings in use alone",
    "dormant_busy_syncs_per_pass": "meeting syncs per pass, dormant meetings and those in use",
    "dormant_lean_syncs_per_pass": "meeting syncs per pass, the meetings in use alone",
    "dormant_busy_renewals_per_pass": "subscriptions renewed per pass, dormant meetings and those in use",
    "dormant_lean_renewals_per_pass": "subscriptions renewed per pass, the meetings in use alone",
    "dormant_transition_calls_per_meeting": "Google calls it took, once, for each never-started meeting to go "
                                            "dormant (the read that finds no conference, the card edit)",
    "meet_overhead_ratio": "app's own time on the `/meet` answer (answer time minus every Google call on its path) "
                           "÷ Meet `spaces.create` time, medians (goal < 0.05)",
    "meet_overhead_total_ratio": "whole answer time ÷ Meet `spaces.create` time, medians (Chat post and token "
                                 "included)",
    "meet_overhead_commands": "`/meet` commands measured, one at a time, each a new message from a different person",
    "meet_overhead_errors": "commands not answered 200 with a join card posted (must be 0)",
    "meet_overhead_injected_delay_ms": "delay injected on every Meet `spaces.create` (emulator fault `delayMs`)",
    "meet_overhead_spaces": "Chat spaces the commands take turns over, so that no space's previous join card is "
                            "younger than Chat's 1 write a second (the app would wait for the space's turn)",
    "meet_overhead_total_p50_ms": "answer time seen by Chat, median, ms (gunicorn 2×8, PostgreSQL)",
    "meet_overhead_total_p95_ms": "answer time, 95th percentile, ms",
    "meet_overhead_meet_p50_ms": "Meet `spaces.create` inside the emulator (injected delay included), median, ms",
    "meet_overhead_other_google_p50_ms": "the other Google calls on the answer path (Chat card post, OAuth token), "
                                         "median, ms",
    "meet_overhead_app_p50_ms": "the app's own time: answer time minus all Google time, median, ms",
    "meet_overhead_app_p95_ms": "the app's own time, 95th percentile, ms",
    "meet_overhead_app_cpu_ms": "CPU (user + system) of all gunicorn processes per command, ms (/proc)",
    "meet_overhead_google_calls_per_command": "Google calls made while each answer was awaited, by kind",
    "burst_events_per_second": "pushes acknowledged per second over the burst (4 gunicorn workers × 8 threads, "
                               "PostgreSQL)",
    "burst_lost": "meetings without their ended card or summary, plus pushes never acknowledged (must be 0)",
    "burst_duplicates": "messages the app posted beyond one summary per meeting (must be 0)",
    "burst_meetings": "meetings ending together (7 people each, 10 meetings per Chat space)",
    "burst_pushes": "Pub/Sub pushes in the burst, shuffled",
    "burst_duplicate_pushes": "of which redeliveries of an already pushed message (same messageId): 20%",
    "burst_events_published": "Workspace Events Meet published for the endings (participant left, conference ended)",
    "burst_nacks": "pushes answered with anything but an acknowledgement (each retried with backoff)",
    "burst_push_p50_ms": "time to acknowledge one push, median, ms (32 concurrent senders)",
    "burst_push_p95_ms": "time to acknowledge one push, 95th percentile, ms",
    "burst_seconds": "from the first push to the last acknowledgement, s",
    "burst_settle_seconds": "from the first push until every card says Ended and every summary is posted, s",
    "burst_unfinished_meetings": "meetings missing their ended card or summary at the deadline (part of "
                                 "`burst_lost`)",
    "burst_unacked_pushes": "pushes never acknowledged (part of `burst_lost`)",
    "quota_end_meetings": "meetings ending together with Google's quotas on, Chat's per-space ones included (50 in "
                          "one Chat space, 200 over ten more; quick runs: 10, and 20 over four)",
    "quota_end_spaces": "Chat spaces they are in",
    "quota_end_lost": "meetings without their ended card or a summary naming who came (must be 0)",
    "quota_end_duplicates": "messages the app posted during and after the ending beyond one summary per meeting "
                            "(must be 0)",
    "quota_end_errors": "error log lines the app wrote, an unhandled 429 among them (must be 0)",
    "quota_end_chat_429s": "Chat calls the emulator answered 429 during the ending (each retried, none lost)",
    "quota_end_meet_429s": "Meet calls answered 429 during the ending",
    "quota_end_setup_chat_429s": "Chat calls answered 429 during the set-up (the joins' card edits)",
    "quota_end_syncs_put_back": "meeting syncs put back for a passing failure (a 429, or a write turn too far off) "
                                "and run again later",
    "quota_end_max_writes_per_second": "most Chat writes accepted in any one-second window in one space (Chat: 1)",
    "quota_end_within_space_limit": "1 when that is within Chat's per-space limit (must be 1)",
    "quota_end_max_write_attempts_per_second": "the same, refused writes counted too",
    "quota_end_settle_seconds": "from the ends until every card says Ended and every summary is right, s",
    "quota_end_settle_seconds_busy_space": "the same for the meetings in the busy space, s",
    "quota_end_settle_seconds_spread_spaces": "the same for the meetings spread over the other spaces, s",
    "quota_end_busy_space_writes": "Chat writes the busy space took during the ending (a card edit and a summary "
                                   "per meeting)",
    "quota_end_floor_seconds": "what Chat's 1 write per second alone makes the busy space take, s",
    "quota_end_error_lines": "the first error log lines, if any",
    "push_ratio": "app ÷ bare, Pub/Sub pushes acknowledged per second, the app's background syncs running as in "
                  "production (goal ≥ 0.8)",
    "push_app_rps": "app: `POST /pubsub/push`, distinct real Workspace Events, acknowledged/s (gunicorn 2 workers × "
                    "4 threads, PostgreSQL, 8 senders)",
    "push_bare_rps": "bare Flask endpoint: the same OIDC token check and one INSERT into PostgreSQL, same pushes, "
                     "acknowledged/s",
    "push_ratio_without_syncs": "app ÷ bare with the app's sync worker held back (`SYNC_DEBOUNCE_SECONDS=3600`): the "
                                "endpoint alone",
    "push_app_without_syncs_rps": "app, sync worker held back, acknowledged/s (other events of the same meetings)",
    "push_bare_again_rps": "bare, measured again in rounds beside the app without syncs (same events as it), "
                           "acknowledged/s",
    "push_rounds": "rounds each server was measured in, alternating (ABBA), 2 s apart: the shared machine's load "
                   "changes weigh on both alike (the syncs asked for in a round's last second or so run in the "
                   "pause after it, uncounted)",
    "push_app_p50_ms": "app: time to acknowledge one push, median, ms",
    "push_app_p95_ms": "app: time to acknowledge one push, 95th percentile, ms",
    "push_bare_p50_ms": "bare: time to acknowledge one push, median, ms",
    "push_bare_p95_ms": "bare: time to acknowledge one push, 95th percentile, ms",
    "push_app_cpu_ms": "app: CPU of all gunicorn processes per push, background syncs included, ms (/proc; "
                       "PostgreSQL's own CPU not counted)",
    "push_app_without_syncs_cpu_ms": "app, sync worker held back: CPU per push, ms",
    "push_bare_cpu_ms": "bare: CPU per push, ms",
    "push_app_sync_google_calls": "Google API calls the app's background syncs made while its pushes were measured "
                                  "(the events were published beforehand, so the syncs read Meet and find each "
                                  "card already up to date after the warm-up's)",
    "push_app_sync_google_calls_by_kind": "those calls, by kind",
    "push_measured": "pushes measured per server, over its rounds (after a warm-up of a tenth as many)",
    "push_errors": "pushes answered with anything but 204 (must be 0)",
    "freshness_p95_seconds": "a participant joins or leaves in Meet → the join card shows the new count, 95th "
                             "percentile, s (20 meetings live, Pub/Sub push; goal ≤ debounce + 1 s)",
    "freshness_p50_seconds": "the same, median, s",
    "freshness_max_seconds": "the same, slowest event, s",
    "freshness_events": "joins and leaves measured, one at a time per meeting, 0.5 to 2 s apart",
    "freshness_lost_events": "events the card did not show within 120 s (must be 0; later ones are measured)",
    "freshness_meetings": "meetings live, each with its own join card and Chat space",
    "freshness_debounce_seconds": "the app's sync debounce (`SYNC_DEBOUNCE_SECONDS`, default) during both "
                                  "freshness runs",
    "freshness_burst_p95_seconds": "the same freshness for probe meetings while the burst runs (2,000 pushes, 200 "
                                   "meetings ending), from its first push until every burst meeting has settled, "
                                   "95th percentile, s (goal ≤ 5)",
    "freshness_burst_p50_seconds": "the same, median, s",
    "freshness_burst_max_seconds": "the same, slowest event, s",
    "freshness_burst_events": "probe joins and leaves measured during the burst",
    "freshness_burst_lost_events": "probe events the card did not show within 120 s (must be 0)",
    "freshness_burst_p95_seconds_while_pushing": "of the probe events that began while the burst's pushes were "
                                                 "still being sent, the 95th percentile, s",
    "freshness_burst_p95_seconds_after_pushes": "of those that began after its last acknowledgement, before it "
                                                "settled, the 95th percentile, s",
    "freshness_burst_probe_meetings": "probe meetings (of the 20 above), each in its own Chat space",
    "freshness_burst_lost": "burst meetings without their ended card or summary, plus pushes never acknowledged "
                            "(must be 0)",
    "freshness_burst_duplicates": "messages the app posted in the burst's spaces beyond one summary per meeting "
                                  "(must be 0)",
    "freshness_burst_meetings": "burst meetings ending together (10 per Chat space)",
    "freshness_burst_pushes": "pushes in the burst (20% redeliveries), 32 senders",
    "freshness_burst_push_seconds": "from the burst's first push to its last acknowledgement, s",
    "freshness_burst_settle_seconds": "from the burst's first push until every burst meeting has its ended card "
                                      "and summary, s",
    "digest_recall": "extractive next steps, held-out meetings: labelled action items found (same owner, at least "
                     "half of the task's content words), micro-averaged (goal ≥ 0.8)",
    "digest_precision": "held-out meetings: predicted action items that match a label (goal ≥ 0.8)",
    "digest_recall_interval": "95% interval of `digest_recall`: percentile bootstrap over the held-out meetings "
                              "(2,000 resamples, fixed seed)",
    "digest_precision_interval": "95% interval of `digest_precision`, the same way",
    "digest_second_reading_recall": "the same recall for second note-takers who labelled the held-out meetings "
                                    "blind to the labels, from the labelling rules alone: how far careful readers "
                                    "agree",
    "digest_second_reading_precision": "their precision, the same way",
    "digest_dev_recall": "the same recall on the dev meetings (the ones rules may be studied on)",
    "digest_dev_precision": "the same precision on the dev meetings",
    "digest_due_accuracy": "held-out matched items with a labelled due date whose predicted date is that date",
    "digest_unsupported_language_detected": "non-English meetings (dev and held-out) whose digest said "
                                            "UNSUPPORTED_LANGUAGE, share (goal 1)",
    "digest_seconds_20k": "extractive summariser over a 20,000-entry transcript, best of 2, s (this machine's "
                          "seconds, for capacity planning; quick runs time 5,000 entries and scale ×4)",
    "digest_timed_entries": "entries actually timed for `digest_seconds_20k`",
    "digest_time_ratio_10x_entries": "time for those entries ÷ 10 × time for a tenth of them, in the same run "
                                     "(goal ≤ 1.2: the cost of an entry does not grow with the meeting's length)",
    "digest_microseconds_per_entry": "`digest_seconds_20k` per timed entry, µs (one core)",
    "digest_peak_ratio_10x_entries": "peak memory (tracemalloc) summarising 20,000 streamed entries ÷ 2,000, "
                                     "digest included (1 = flat; quick runs: 5,000 ÷ 500)",
    "digest_peak_ratio_5x_beyond": "peak memory summarising 100,000 streamed entries ÷ 20,000 (quick runs: 25,000 "
                                   "÷ 5,000): once the bounded tables (vocabulary, caches, windows) have filled, "
                                   "the peak stops growing (1 = flat)",
    "digest_peak_kib_10x_entries": "that peak with 20,000 entries, KiB (holding the transcript would take "
                                   "several MiB)",
    "digest_result_kib_10x_entries": "of which still held by the returned digest, KiB: the repeated meetings' "
                                     "commitments make the digest itself grow with the entries",
    "digest_items_10x_entries": "action items in the digest of the 20,000-entry transcript",
    "digest_heldout_counts": "held-out: meetings, labels, predictions, matches, due dates, language refusals",
    "digest_dev_counts": "dev: the same counts",
}


# Prose under a run's heading (the tables are generated, so notes live here to survive a run).
NOTES = {
    "digest": (
        "The rules are those of 6b3e130 (round six: orders said to no name, \"this I will do\", what \"it\" is from the "
        "turn before or a topic said on its own, \"Claire will re-test them\" after a promise, YES_AND_MORE, "
        "HAVE_IT_READY; bench/digest_eval/README.md, \"Held-out runs\"). Held-out is the same 65 meetings, where the "
        "round's start (c8e73ce) scored 0.811 / 0.770; dev (191 meetings) went 0.812 / 0.839 -> 0.825 / 0.846. A second "
        "note-taker, labelling twenty dev meetings blind to the labels, agrees with them at 0.964 / 0.940, where these "
        "rules reach 0.786 / 0.802 (`python -m bench.digest_quality --second-reading`); on the whole held-out part, "
        "second note-takers agree with the labels at `digest_second_reading_recall` / `_precision`, so the gap to "
        "the goal is the rules', and the precision goal lies inside `digest_precision_interval`: 65 meetings do not "
        "show the rules miss it, nor meet it. Gemini, whose instructions carry the labelling rules, is scored with "
        "`--summarizer gemini` where a Vertex AI project is at hand (not here). `digest_seconds_20k` is this "
        "machine's figure, for capacity planning; the goal is `digest_time_ratio_10x_entries`, two timings in one run. "
        "This run's machine is about 2.2x slower than the last recorded one's (2.105 s): the rules of 6b3e130 are "
        "unchanged, and d0df663 timed back to back with this code on it takes the same (4.37-4.80 s against "
        "4.52-4.86 s for 20,000 entries). "
        "`digest_peak_ratio_10x_entries` is above 1 because the transcript is cycled from the dev meetings, so the "
        "summariser's bounded tables fill later; past 20,000 entries the peak stays flat (`digest_peak_ratio_5x_beyond`)."
    ),
    "push": push_endpoint.WHERE_THE_TIME_GOES,
    "freshness": (
        "Where the time goes (beside the burst). A probe's sync, once started, takes 30-50 ms on an idle machine "
        "and up to about 1 s while the burst's pushes keep both cores busy; the rest is waiting to be claimed. "
        "Before issue 17 that wait was most of it (p95 19.5 s): claims were served \"synced longest ago first\", so "
        "a probe synced a few seconds earlier queued behind the 200 burst meetings, each holding one of a process's "
        "4 sync threads for over a second while its space's one write a second came round, and batches of 10 were "
        "claimed only once the previous batch had finished. Now a request keeps its place in the queue "
        "(`sync_ticket`, oldest request first), the worker claims as each thread frees up, one meeting per Chat "
        "space at a time and none of a space paused in its process after Chat refused a write, and Chat spaces are "
        "taken in "
        "turn: spaces nobody (no process) is syncing in first, the one served longest ago first, one thread of "
        "each process kept for them. A probe's event so waits for its 1 s debounce after its previous sync and "
        "for about one round of the busy spaces; the slowest events are those that began while the 2,000 pushes "
        "were still coming in (`freshness_burst_p95_seconds_while_pushing`), when the app's CPU is the limit. "
        "The burst itself settles no later than before: its spaces' writes go at their one a second either way."
    ),
}


def render_markdown(results: dict[str, Any]) -> str:
    lines = ["# Benchmarks", "", "Produced by `python -m bench` (full size) and recorded in `bench/results.json`.",
             "Timing figures come from one run on one machine; compare ratios, not absolute numbers.",
             "What these figures mean for one App Engine instance and for Google's quotas: "
             "[capacity.md](capacity.md).", ""]
    for name, run in results.get("runs", {}).items():
        lines += [f"## {name}", "", f"Measured {run['measuredAt']} ({run['size']} size) on {run['machine']}.", ""]
        if name in NOTES:
            lines += [NOTES[name], ""]
        lines += ["| key | value | meaning |", "|---|---|---|"]
        for key, value in run["figures"].items():
            lines.append(f"| `{key}` | {value} | {DESCRIPTIONS.get(key, '')} |")
        lines.append("")
        if name == "lifecycle":
            lines.append(lifecycle.minimum_calls_markdown())
    # Written by hand, kept across runs: where a request's time goes, measured by profiling.
    notes = os.path.join(ROOT, "bench", "where_the_time_goes.md")
    if os.path.exists(notes):
        with open(notes, encoding="utf-8") as handle:
            lines += [handle.read().rstrip("\n"), ""]
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
