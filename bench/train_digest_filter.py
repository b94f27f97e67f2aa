"""Train the extractive summariser's learned precision filter, on the ``dev`` meetings only.

``python -m bench.train_digest_filter [--write]``

1. Every dev meeting is read by the rules alone (``Digester(item_filter=None)``); each
   candidate item they propose is labelled 1 when the scorer of ``bench.digest_quality``
   matches it to a labelled action item, else 0. Its features are those of
   ``bot.digest.item_filter`` (general cues, never content-word identities).
2. Protocol, fixed before looking at any result: 5-fold cross-validation *by meeting*
   (meetings in file-name order, meeting i in fold i mod 5). A logistic regression with an
   L2 penalty of ``L2`` (fixed, not tuned) is fitted by Newton's method on four folds and
   scores the fifth, so every candidate gets an out-of-fold probability.
3. For each threshold on a grid of 0.00..0.95 (step 0.01) the out-of-fold candidates kept
   are matched again against the labels, meeting by meeting, giving CV recall and
   precision. **Threshold rule:** the threshold with the highest CV precision whose CV
   recall is at most ``RECALL_BUDGET`` below the rules alone (ties: the lowest threshold).
4. **Keep rule:** the filter is worth shipping only when, at that threshold, CV precision
   gains at least ``MIN_PRECISION_GAIN`` and CV F1 does not fall.
5. The final weights are fitted on all dev meetings; ``--write`` stores them with the
   threshold and the CV figures in ``bench/digest_filter_experiment.json`` (only if the
   keep rule holds, unless ``--force``). Held-out meetings are never read here.

Deterministic: no randomness anywhere, same input, same weights.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from bench.digest_quality import load_split, match_items
from bot.digest.extractive import Digester
from bot.digest.item_filter import FEATURES, ItemFilter
from bot.domain import ActionItem, DigestOutcome

FOLDS = 5
L2 = 1.0
RECALL_BUDGET = 0.02
MIN_PRECISION_GAIN = 0.01
THRESHOLDS = [round(0.01 * step, 2) for step in range(0, 96)]
NEWTON_STEPS = 25
# Where ``--write`` stores the weights. Not ``item_filter.WEIGHTS_PATH``: the experiment
# did not earn its place in the product (see bench/digest_eval/README.md), so the product
# loads nothing and runs the rules alone; this file only reproduces the experiment.
EXPERIMENT_PATH = Path(__file__).resolve().parent / "digest_filter_experiment.json"


@dataclass
class MeetingCandidates:
    meeting_id: str
    labels: tuple  # LabelledItem
    items: list[ActionItem]
    features: list[list[float]]
    targets: list[int]


def gather(dropped: frozenset[str] = frozenset()) -> list[MeetingCandidates]:
    """Every dev meeting's candidates, their features and whether each matches a label
    (``dropped`` features read as 0: an ablation)."""
    found = []
    for lines, context, labels in load_split("dev"):
        digester = Digester(context, item_filter=None)
        for line in lines:
            digester.add(line)
        ready = digester.finish().outcome is DigestOutcome.READY
        candidates = digester.candidates() if ready else []
        items = [item for item, _ in candidates]
        pairs = match_items(labels.action_items, items)
        matched = {pi for _, pi in pairs}
        found.append(MeetingCandidates(
            meeting_id=labels.meeting_id, labels=labels.action_items, items=items,
            features=[[0.0 if name in dropped else values[name] for name in FEATURES] for _, values in candidates],
            targets=[1 if index in matched else 0 for index in range(len(items))]))
    return found


# -- logistic regression (plain Python) --------------------------------------------------
def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the Hessian is positive definite)."""
    n = len(vector)
    a = [row[:] + [vector[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(col + 1, n):
            factor = a[r][col] / a[col][col]
            if factor:
                for c in range(col, n + 1):
                    a[r][c] -= factor * a[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (a[r][n] - sum(a[r][c] * x[c] for c in range(r + 1, n))) / a[r][r]
    return x


def fit(rows: Sequence[Sequence[float]], targets: Sequence[int], l2: float = L2) -> tuple[list[float], float]:
    """Weights and bias minimising log-loss + l2/2·|w|² (the bias is not penalised)."""
    n = len(FEATURES) + 1  # last column: the bias
    design = [list(row) + [1.0] for row in rows]
    theta = [0.0] * n
    for _ in range(NEWTON_STEPS):
        gradient = [l2 * theta[j] if j < n - 1 else 0.0 for j in range(n)]
        hessian = [[(l2 if i == j and i < n - 1 else 0.0) for j in range(n)] for i in range(n)]
        hessian[n - 1][n - 1] = 1e-6
        for x, y in zip(design, targets):
            p = _sigmoid(sum(t * v for t, v in zip(theta, x)))
            w = p * (1 - p)
            for i in range(n):
                if x[i]:
                    gradient[i] += (p - y) * x[i]
                    wi = w * x[i]
                    row = hessian[i]
                    for j in range(n):
                        if x[j]:
                            row[j] += wi * x[j]
        step = _solve(hessian, gradient)
        theta = [t - s for t, s in zip(theta, step)]
        if max(abs(s) for s in step) < 1e-9:
            break
    return theta[:-1], theta[-1]


def _probabilities(weights: list[float], bias: float, rows: Sequence[Sequence[float]]) -> list[float]:
    return [_sigmoid(bias + sum(w * v for w, v in zip(weights, row))) for row in rows]


# -- cross-validation --------------------------------------------------------------------
def out_of_fold(meetings: list[MeetingCandidates]) -> list[list[float]]:
    """Each meeting's candidates scored by a model fitted on the other folds."""
    scores: list[list[float]] = [[] for _ in meetings]
    for fold in range(FOLDS):
        rows = [row for i, m in enumerate(meetings) if i % FOLDS != fold for row in m.features]
        targets = [t for i, m in enumerate(meetings) if i % FOLDS != fold for t in m.targets]
        weights, bias = fit(rows, targets)
        for i, meeting in enumerate(meetings):
            if i % FOLDS == fold:
                scores[i] = _probabilities(weights, bias, meeting.features)
    return scores


@dataclass(frozen=True)
class Figures:
    threshold: float | None
    labels: int
    predictions: int
    matched: int

    @property
    def recall(self) -> float:
        return self.matched / self.labels if self.labels else 0.0

    @property
    def precision(self) -> float:
        return self.matched / self.predictions if self.predictions else 0.0

    @property
    def f1(self) -> float:
        total = self.recall + self.precision
        return 2 * self.recall * self.precision / total if total else 0.0

    def as_dict(self) -> dict[str, float | int | None]:
        return {"threshold": self.threshold, "recall": round(self.recall, 3), "precision": round(self.precision, 3),
                "f1": round(self.f1, 3), "labels": self.labels, "predictions": self.predictions, "matched": self.matched}


def evaluate(meetings: list[MeetingCandidates], scores: list[list[float]] | None, threshold: float | None) -> Figures:
    """Recall and precision of the candidates kept (all of them when ``threshold`` is None),
    matched again against the labels as the scorer does."""
    labels = predictions = matched = 0
    for i, meeting in enumerate(meetings):
        kept = [item for j, item in enumerate(meeting.items)
                if threshold is None or scores is None or scores[i][j] >= threshold]
        labels += len(meeting.labels)
        predictions += len(kept)
        matched += len(match_items(meeting.labels, kept))
    return Figures(threshold, labels, predictions, matched)


def choose_threshold(meetings: list[MeetingCandidates], scores: list[list[float]]) -> tuple[Figures, Figures]:
    """(rules alone, the filter at the threshold the rule picks), both on CV."""
    alone = evaluate(meetings, None, None)
    best: Figures | None = None
    for threshold in THRESHOLDS:
        figures = evaluate(meetings, scores, threshold)
        if figures.recall < alone.recall - RECALL_BUDGET - 1e-12:
            continue
        if best is None or figures.precision > best.precision + 1e-12:
            best = figures
    assert best is not None  # threshold 0 keeps everything: within any budget
    return alone, best


def nested(meetings: list[MeetingCandidates]) -> Figures:
    """An honest estimate of the whole recipe, threshold choice included: for each outer
    fold, the threshold is chosen by the same rule on out-of-fold scores *within the other
    four folds*, and the model fitted on those four folds is applied at it to the fifth."""
    labels = predictions = matched = 0
    for fold in range(FOLDS):
        inner = [m for i, m in enumerate(meetings) if i % FOLDS != fold]
        outer = [m for i, m in enumerate(meetings) if i % FOLDS == fold]
        _, picked = choose_threshold(inner, out_of_fold(inner))
        weights, bias = fit([row for m in inner for row in m.features], [t for m in inner for t in m.targets])
        figures = evaluate(outer, [_probabilities(weights, bias, m.features) for m in outer], picked.threshold)
        labels, predictions, matched = labels + figures.labels, predictions + figures.predictions, matched + figures.matched
    return Figures(None, labels, predictions, matched)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.train_digest_filter", description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help=f"store the weights in {EXPERIMENT_PATH.name} if kept")
    parser.add_argument("--force", action="store_true", help="write even when the keep rule fails")
    parser.add_argument("--drop", action="append", default=[], choices=FEATURES, metavar="FEATURE",
                        help="leave a feature out (an ablation); repeatable")
    args = parser.parse_args(argv)
    meetings = gather(frozenset(args.drop))
    candidates = sum(len(m.items) for m in meetings)
    positives = sum(sum(m.targets) for m in meetings)
    print(f"dev: {len(meetings)} meetings, {candidates} candidates ({positives} matched, {candidates - positives} not)")
    scores = out_of_fold(meetings)
    alone, chosen = choose_threshold(meetings, scores)
    print(f"CV rules alone:   {alone.as_dict()}")
    print(f"CV rules+filter:  {chosen.as_dict()}")
    for threshold in (0.3, 0.5, 0.6, 0.7, 0.8, 0.9):
        print(f"  at {threshold:.2f}: {evaluate(meetings, scores, threshold).as_dict()}")
    honest = nested(meetings)
    print(f"nested CV (threshold chosen inside each training split): {honest.as_dict()}")
    kept = all(figures.precision - alone.precision >= MIN_PRECISION_GAIN and figures.f1 >= alone.f1
               for figures in (chosen, honest))
    print(f"keep rule (precision +{MIN_PRECISION_GAIN}, F1 not lower): {'holds' if kept else 'fails'}")
    weights, bias = fit([row for m in meetings for row in m.features], [t for m in meetings for t in m.targets])
    for name, weight in sorted(zip(FEATURES, weights), key=lambda pair: -abs(pair[1])):
        print(f"  {name:28s} {weight:+.3f}")
    print(f"  {'(bias)':28s} {bias:+.3f}")
    if args.write and (kept or args.force):
        data = {
            "about": "Learned precision filter for bot/digest/extractive.py, trained on bench/digest_eval/dev only "
                     "by python -m bench.train_digest_filter (see its docstring for the protocol).",
            "l2": L2, "folds": FOLDS, "threshold_rule": f"max CV precision with CV recall >= rules alone - {RECALL_BUDGET}",
            "cv_rules_alone": alone.as_dict(), "cv_rules_filter": chosen.as_dict(), "nested_cv_rules_filter": honest.as_dict(),
            "bias": round(bias, 6), "threshold": chosen.threshold,
            "weights": {name: round(weight, 6) for name, weight in zip(FEATURES, weights)},
        }
        ItemFilter.from_json(data)  # what the product will load must load
        EXPERIMENT_PATH.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {EXPERIMENT_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
