"""A learned precision filter over the action items the rules propose.

The rules in ``extractive.py`` decide *what* could be an action item; this filter then
scores each candidate with a small logistic regression and drops the ones unlikely to be
commitments. Its features are general and linguistically motivated (how the item came
about, hedges, conditionals, negation, questions, tense, whether the task names a concrete
thing, a due date, where in the meeting it was said, whether it was said again, how the
next speaker answered) and never the identity of content words, so a few hundred labels
cannot be memorised. The weights are trained offline by ``python -m
bench.train_digest_filter`` on the ``dev`` meetings only and committed as
``item_filter.json``; nothing is trained at run time. Scoring is a dot product over a
fixed set of features: constant cost per candidate, deterministic.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

WEIGHTS_PATH = Path(__file__).with_name("item_filter.json")

# How a candidate was made (see ``extractive.Digester``).
ROUTES = ("promise", "request", "offer", "assignment", "adopted", "pointed")

_I_WILL = re.compile(r"\bI(?:'ll|\s+will|\s+shall)\b", re.IGNORECASE)
_GOING_TO = re.compile(r"\b(?:going\s+to|gonna)\b", re.IGNORECASE)
_LET_ME = re.compile(r"\blet\s+me\b", re.IGNORECASE)
_I_CAN = re.compile(r"\bI\s+(?:can|could)\b", re.IGNORECASE)
_ACTION_PHRASE = re.compile(r"\b(?:action\s+items?|to-?do|next\s+steps?|take\s+(?:that|it|this)\s+on)\b", re.IGNORECASE)
_HEDGE = re.compile(r"\b(?:maybe|might|perhaps|probably|possibly|hopefully|i\s+think|i\s+guess|i\s+suppose|try|trying"
                    r"|if\s+i\s+can|sort\s+of|kind\s+of|not\s+sure)\b", re.IGNORECASE)
_CONDITIONAL = re.compile(r"\b(?:if|unless|whether|in\s+case|assuming|otherwise)\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:not|never|no|nothing|can't|won't|don't|didn't|isn't|wasn't|couldn't|shouldn't|cannot)\b",
                       re.IGNORECASE)
_MODAL = re.compile(r"\b(?:would|could|should|might|may|must|ought)\b", re.IGNORECASE)
_PAST = re.compile(r"\b(?:already|yesterday|last\s+(?:week|time|month|night)|earlier|did|was|were|had)\b", re.IGNORECASE)
_PLURAL = re.compile(r"\b(?:we|we'll|we're|we've|us|our|let's)\b", re.IGNORECASE)
_THANKS = re.compile(r"^\W*(?:great|perfect|thanks|thank\s+you|awesome|sounds\s+good|cool|lovely|brilliant|excellent"
                     r"|appreciate|amazing|nice|good)\b", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(?:it|that|this|them|those|these|one|something|stuff|things?)\b", re.IGNORECASE)
# Things that are handed over when work is done: a general vocabulary of deliverables,
# not words taken from any labelled meeting.
_DELIVERABLE = re.compile(
    r"\b(?:doc|docs|document|deck|slides?|report|notes|draft|summary|list|spreadsheet|sheet|email|invite|invitation"
    r"|ticket|issue|pr|pull\s+request|branch|patch|fix|test|tests|plan|proposal|spec|design|mock-?ups?|budget"
    r"|quote|quotes|invoice|contract|agenda|minutes|recording|link|numbers|figures|estimate|analysis|review"
    r"|dashboard|runbook|template|form|brief|memo|post|announcement|update|schedule|calendar|meeting|call)\b",
    re.IGNORECASE)
_GENERIC_VERB = re.compile(r"^(?:do|have|get|take|make|handle|deal|look|check|sort|keep|be|see)\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z0-9']+")

FEATURES: tuple[str, ...] = (
    *(f"route_{route}" for route in ROUTES),
    "owner_is_speaker", "owner_anonymous_or_phone",
    "cue_i_will", "cue_going_to", "cue_let_me", "cue_i_can", "cue_action_phrase",
    "entry_question", "entry_hedge", "entry_conditional", "entry_negation", "entry_modal", "entry_past",
    "entry_plural", "entry_long", "entry_items_several",
    "task_words", "task_short", "task_pronoun", "task_deliverable", "task_generic_verb", "task_names_person",
    "due", "position", "final_fifth", "said_again", "reply_thanks", "reply_question", "reply_negation",
)


@dataclass(slots=True)
class Evidence:
    """What the filter reads about one candidate: gathered while the transcript streams
    (the entry that made it, the next speaker's reply) and completed when it ends."""

    route: str
    entry_text: str  # the words of the entry that made it (dropped once features are taken)
    owner_is_speaker: bool
    owner_unnamed: bool  # an anonymous or phone participant
    items_in_entry: int = 1
    mentions: int = 1
    replied: bool = False  # the next entry by someone else has been read
    values: dict[str, float] = field(default_factory=dict)

    def freeze(self, task: str, people_words: frozenset[str]) -> None:
        """Take the features of the entry itself now, so its text need not be kept."""
        text = self.entry_text
        words = _WORD.findall(task)
        lowered = {word.lower() for word in words}
        v = self.values
        for route in ROUTES:
            v[f"route_{route}"] = 1.0 if self.route == route else 0.0
        v["owner_is_speaker"] = float(self.owner_is_speaker)
        v["owner_anonymous_or_phone"] = float(self.owner_unnamed)
        v["cue_i_will"] = _flag(_I_WILL, text)
        v["cue_going_to"] = _flag(_GOING_TO, text)
        v["cue_let_me"] = _flag(_LET_ME, text)
        v["cue_i_can"] = _flag(_I_CAN, text)
        v["cue_action_phrase"] = _flag(_ACTION_PHRASE, text)
        v["entry_question"] = 1.0 if "?" in text else 0.0
        v["entry_hedge"] = _flag(_HEDGE, text)
        v["entry_conditional"] = _flag(_CONDITIONAL, text)
        v["entry_negation"] = _flag(_NEGATION, text)
        v["entry_modal"] = _flag(_MODAL, text)
        v["entry_past"] = _flag(_PAST, text)
        v["entry_plural"] = _flag(_PLURAL, text)
        v["entry_long"] = 1.0 if len(_WORD.findall(text)) > 40 else 0.0
        v["task_words"] = min(len(words), 12) / 12
        v["task_short"] = 1.0 if len(words) <= 3 else 0.0
        v["task_pronoun"] = _flag(_PRONOUN, task)
        v["task_deliverable"] = _flag(_DELIVERABLE, task)
        v["task_generic_verb"] = _flag(_GENERIC_VERB, task)
        v["task_names_person"] = 0.0 if lowered.isdisjoint(people_words) else 1.0
        self.entry_text = ""

    def complete(self, due: bool, entry: int, entries: int) -> dict[str, float]:
        """All the features, once the transcript has ended (``entries``: how many were read)."""
        v = dict(self.values)
        v["entry_items_several"] = 1.0 if self.items_in_entry > 1 else 0.0
        v["due"] = float(due)
        position = entry / max(1, entries - 1)
        v["position"] = position
        v["final_fifth"] = 1.0 if position >= 0.8 else 0.0
        v["said_again"] = 1.0 if self.mentions > 1 else 0.0
        for name in ("reply_thanks", "reply_question", "reply_negation"):
            v.setdefault(name, 0.0)
        return v

    def hear_reply(self, reply: str) -> None:
        """The next entry by someone else: thanks, a question back, or a "no"."""
        if self.replied:
            return
        self.replied = True
        self.values["reply_thanks"] = _flag(_THANKS, reply)
        self.values["reply_question"] = 1.0 if "?" in reply else 0.0
        self.values["reply_negation"] = 1.0 if _NEGATION.match(reply.lstrip(" ,.")) else 0.0


def _flag(pattern: re.Pattern[str], text: str) -> float:
    return 1.0 if pattern.search(text) else 0.0


@dataclass(frozen=True)
class ItemFilter:
    """A logistic regression over ``FEATURES`` and the threshold it keeps items at."""

    weights: Mapping[str, float]
    bias: float
    threshold: float

    def probability(self, values: Mapping[str, float]) -> float:
        """How likely the candidate is a commitment a note-taker would list (0..1)."""
        z = self.bias + sum(weight * values.get(name, 0.0) for name, weight in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def keeps(self, values: Mapping[str, float]) -> bool:
        return self.probability(values) >= self.threshold

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> "ItemFilter":
        weights = data.get("weights")
        if not isinstance(weights, dict) or set(weights) - set(FEATURES):
            raise ValueError("item filter weights must name only known features")
        bias, threshold = data.get("bias"), data.get("threshold")
        if not isinstance(bias, (int, float)) or not isinstance(threshold, (int, float)) or not 0 <= threshold <= 1:
            raise ValueError("item filter needs a numeric bias and a threshold in [0, 1]")
        return cls(weights={name: float(weights[name]) for name in FEATURES if name in weights},
                   bias=float(bias), threshold=float(threshold))


def load(path: Path = WEIGHTS_PATH) -> ItemFilter | None:
    """The committed filter, or None when no weights are committed (the rules alone)."""
    if not path.exists():
        return None
    with path.open(encoding="utf-8") as handle:
        return ItemFilter.from_json(json.load(handle))
