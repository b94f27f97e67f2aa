"""The learned precision filter over the rules' candidate items (``bot.digest.item_filter``),
with the weights of the experiment (``bench/digest_filter_experiment.json``): the product
ships without them, so the digester given no filter must list what the rules propose.

Synthetic sentences only: the labelled meetings are the filter's training data (dev) or
its test (held-out), never test fixtures."""

from __future__ import annotations

import json

import pytest

from bench.train_digest_filter import EXPERIMENT_PATH
from bot.digest import item_filter
from bot.digest.extractive import Digester
from bot.digest.item_filter import FEATURES, ItemFilter
from bot.domain import Digest

from .helpers import ALICE, BOB, DANA, context, lines, owned


def experiment() -> ItemFilter:
    loaded = item_filter.load(EXPERIMENT_PATH)
    assert loaded is not None
    return loaded


def digest(*said, filtered: bool = True) -> Digest:
    """The digest of a short meeting, with the experiment's filter or the rules alone."""
    digester = Digester(context(), item_filter=experiment() if filtered else None)
    for line in lines(*said):
        digester.add(line)
    return digester.finish()

DECLINED_OFFER = ((ALICE, "Let me ping Dana."), (BOB, "No, no need, she already knows."))
CLEAR_PROMISE = ((ALICE, "I'll send the revised pricing proposal to the finance team by Friday."),
                 (BOB, "Great, thanks."))
ACCEPTED_REQUEST = ((BOB, "Alice, could you write the migration runbook for the billing database by Thursday?"),
                    (ALICE, "Sure, I'll write the migration runbook for the billing database by Thursday."))


def candidates(*said, chosen: ItemFilter | None = None) -> list[tuple[str, float]]:
    """(task, probability under the committed filter) of every candidate the rules propose."""
    digester = Digester(context(), item_filter=None)
    for line in lines(*said):
        digester.add(line)
    scorer = chosen or experiment()
    return [(item.task, scorer.probability(values)) for item, values in digester.candidates()]


def test_the_experiment_weights_load_and_name_every_feature() -> None:
    loaded = experiment()
    assert set(loaded.weights) == set(FEATURES)
    assert 0 < loaded.threshold < 1
    data = json.loads(EXPERIMENT_PATH.read_text(encoding="utf-8"))
    assert data["threshold"] == loaded.threshold  # the threshold the training chose is the one used


def test_the_product_ships_without_weights_so_the_rules_run_alone() -> None:
    assert not item_filter.WEIGHTS_PATH.exists()
    from bot.digest.extractive import ExtractiveSummarizer
    alone = ExtractiveSummarizer().summarize(iter(lines(*DECLINED_OFFER)), context())
    assert owned(alone) == [("Alice Chen", "ping Dana")]


def test_weights_that_name_an_unknown_feature_or_a_bad_threshold_are_refused() -> None:
    with pytest.raises(ValueError, match="known features"):
        ItemFilter.from_json({"weights": {"word_budget": 1.0}, "bias": 0.0, "threshold": 0.5})
    with pytest.raises(ValueError, match="threshold"):
        ItemFilter.from_json({"weights": {}, "bias": 0.0, "threshold": 1.5})


def test_a_missing_weights_file_means_the_rules_alone(tmp_path) -> None:
    assert item_filter.load(tmp_path / "absent.json") is None


def test_the_rules_propose_a_declined_offer_and_the_filter_drops_it() -> None:
    proposed = candidates(*DECLINED_OFFER)
    assert [task for task, _ in proposed] == ["ping Dana"]  # the rules alone take it
    assert proposed[0][1] < experiment().threshold
    assert owned(digest(*DECLINED_OFFER)) == []


def test_the_experiment_also_drops_plain_short_commitments() -> None:
    """Why it is not shipped: most of its cross-validated gain comes from task length, and
    "I'll send the minutes" is short. (Recorded so the finding stays true of these weights.)"""
    said = ((ALICE, "Bob, can you draft the agenda? And can you book the room for Thursday?"), (BOB, "Sure."))
    assert owned(digest(*said, filtered=False)) == [("Bob Okafor", "draft the agenda"), ("Bob Okafor", "book the room")]
    assert owned(digest(*said)) == []


def test_a_clear_promise_and_an_accepted_request_are_kept() -> None:
    assert owned(digest(*CLEAR_PROMISE)) == [("Alice Chen", "send the revised pricing proposal to the finance team")]
    assert owned(digest(*ACCEPTED_REQUEST)) == [("Alice Chen", "write the migration runbook for the billing database")]


def test_scores_are_deterministic() -> None:
    said = (*DECLINED_OFFER, *CLEAR_PROMISE, *ACCEPTED_REQUEST, (DANA, "I'll update the sprint board after this."))
    assert candidates(*said) == candidates(*said)
    assert digest(*said) == digest(*said)


def test_without_the_filter_the_digester_lists_every_candidate() -> None:
    """``item_filter=None`` is the rules alone (what the filter is trained on)."""
    assert owned(digest(*DECLINED_OFFER, filtered=False)) == [("Alice Chen", "ping Dana")]


def test_features_are_bounded_and_complete() -> None:
    digester = Digester(context(), item_filter=None)
    for line in lines(*CLEAR_PROMISE, *ACCEPTED_REQUEST):
        digester.add(line)
    for _, values in digester.candidates():
        assert set(values) == set(FEATURES)
        assert all(0.0 <= value <= 1.0 for value in values.values())
