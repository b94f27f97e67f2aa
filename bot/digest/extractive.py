"""The offline extractive summariser: who promised what, what was decided, what mattered.

Rule-based, deterministic and offline: the same transcript always gives the same digest,
and nothing is downloaded or sent anywhere. The transcript is read once, as a stream,
by a ``Digester``; it keeps only bounded state (open requests, the last few proposals,
the items found so far up to a cap, a bounded heap of key-point candidates and word
counts bounded by the vocabulary), never the transcript itself. Another summariser can
feed the same ``Digester`` while it does its own work and fall back to its result.

How an action item is recognised (English only; the patterns live in ``rules.py``, and
those for what "it", "her" or "both" in a task stands for in ``references.py``):

- A commitment by the speaker: "I'll…", "I will…", "I'm going to…", "let me…", "action
  item for me: …"; and the weaker "I can…" / "I need to…" / "let me check…" when the
  same entry confirms it ("I can write up the list… I'll share it by Monday") or it
  answers a request. Not: questions ("Should I…?"), conditionals and wishes ("if we had
  budget I would…", "I might", "I'd love to"), contingencies ("I'll bring the stickers if
  someone reminds me"), hedges ("I think I'll try the linter, maybe", "…, no promises"),
  habits ("usually I'll…"), the future progressive ("I'll be posting…"), negations ("I
  won't…"), reported speech and hearsay, states ("I'll be on vacation"), ongoing work
  ("I'll continue with…"), call mechanics and presenting ("let me share my screen", "I'll
  touch on the risks"), what is done in the call itself, now ("Next I'm going to show the
  funnel", "let me go to the next slide", "I'll hit save", "I'll mark it amber now",
  "let me add a row. Okay, it's there.") and small talk ("I'll grab a coffee", "I'll add
  you on LinkedIn", personal plans asked about).
- A request to a named participant ("Bob, could you…?", "can you…, Bob?") that the
  addressee accepts within the next few entries ("Sure", "will do", "yes I'll do that");
  a refusal leaves it open for a little while, and if the refusal names someone else
  ("maybe Dana?") that person may take it. A request to no one by name may be taken by
  the next speaker; "can someone…?" by whoever volunteers; "could you all…?" by no one.
  The reply's own words name the task when they say more ("Yeah, I'll do it. I'll tune the
  alert thresholds"), and a pronoun object is named from what was just said ("I'll put up
  the PR for it").
- An offer ("Should I also add…?", "Want me to draft it?", "I can send the list.")
  answered yes or welcomed ("Great.", "That would be amazing") by someone else: the
  offerer's item; not one with a condition ("…if you get it?").
- A third-person assignment ("Carol will own the migration", "action item for Bob: …")
  when the name is a participant's; "…, right Grace?" asks her.
- Something the speaker wants from the one who answers ("I want a written root cause
  analysis"), once they say it will come ("You'll have it by Wednesday"); a dated act in
  the plain present, as many speak English ("Tomorrow I send you the file").

A task carries the context a note-taker would add: what a request asked and how the reply
will do it ("…in Thursday's run"), what the next sentence spelled out, the question a
"let me check with HR" answers, the person or thing "her", "it" or "both" stands for
(named, or by role: "the landlord"), the topic set before the promise ("So, call sheet:
I'll send it out"), and a short object said more fully just before ("the freezer" → "the
donated walk-in freezer").

"We'll…" and "let's…" belong to the group: never an item (some are decisions). A task
is cut from the speaker's words without the cue, filler, trailing clauses and the due
phrase, which becomes ``due``. Nothing here logs or keeps transcript text.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
import re
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable

from bot.digest import references, rules
from bot.digest.dates import DueDates
from bot.digest.names import Names
from bot.digest.sentences import STOPWORDS, clip, content_words, fold, remove_filler, split_sentences, words
from domain import (
    MAX_KEY_POINTS, ActionItem, Digest, DigestContext, DigestOutcome, Note, Speaker, TranscriptLine,
)

log = logging.getLogger(__name__)

TASK_LIMIT = 120  # characters: a task is a line on a card, not a paragraph
NOTE_LIMIT = 160
MAX_ACTION_ITEMS = 50  # a card with more is unreadable; the first ones said are kept
MAX_DECISIONS = 10
REQUEST_WINDOW = 4  # entries during which a request can still be taken on
FOLLOW_UP_WINDOW = 4  # entries during which an owner can still add a date ("by Friday")
PROPOSAL_WINDOW = 3  # entries during which "I'll take that" can refer to a "we should…"
MAX_OPEN_REQUESTS = 8
QUESTION_WINDOW = 3  # entries after a question during which "let me check with HR" is about it
REFERENCE_WINDOW = 4  # entries during which "him"/"her" can point back to a person named
LIVE_ACTS = 8  # the presenter's latest acts narrated live that a repeat can be checked against
KEY_POINT_CANDIDATES = 64
MAX_VOCABULARY = 50_000  # word counts for key points stay bounded on pathological input
MAX_LANGUAGES = 64
SHORT_SENTENCE = 24  # characters: "Yeah, that works for me." and shorter
MAX_SHORT_SENTENCES = 256

# Cheap gates: a sentence is only matched against a family of patterns when it holds one
# of that family's words. Most sentences hold none, and the patterns cost microseconds.
_PROMISE_WORDS = frozenset("i'll i'm i've i'd me consider got todo to-do action happy".split())
_I_VERBS = frozenset("will shall am can need have got would".split()) | rules.PLAIN_PRESENT_VERBS
_WEAK_WORDS = frozenset("can need have got happy".split())  # "I can…", "I need to…", "I'd be happy to…"
_WITHDRAW_WORDS = frozenset("mind nevermind scratch forget ignore actually wait hang sorry".split())
_REQUEST_WORDS = frozenset("you your you'll you'd you're please someone somebody anyone anybody everyone everybody who volunteer "
                           "volunteers".split())
_IMPERATIVE_STARTS = rules.IMPERATIVE_VERBS | frozenset("just please".split())
_OFFER_STARTS = ("should i ", "shall i ", "want me to ", "would it help if i ", "will it help if i ",
                 "would it be useful if i ", "would it be helpful if i ")  # "Want me to draft it?" names no "you"
_INTENTION_WORDS = frozenset("going want wanted need needed should meant like planning planned".split())
_DECISION_WORDS = frozenset("agreed decided decision settled consensus aligned final".split())
_DECISION_VERBS = frozenset("go stick going".split())  # "let's go with", "we're going with"
_PROPOSAL_WORDS = frozenset("should shall need have must ought someone somebody".split())
_ASSIGNMENT_HINT = re.compile(r"will|'ll|going to|gonna|shall|owns|takes|taking|owning|handling|action item|to-?do"
                              r"|next step|you've got|you have got")
_DIGIT = re.compile(r"\d")
# ("check that that test passes", "had had" are grammar, not a stumble)
_REPEATED = re.compile(r"\b(?!(?:that|had)\b)(?P<w>[A-Za-z']+)(?:,?\s+(?P=w)\b(?!['’]))+", re.IGNORECASE)
_DANGLING = re.compile(r"\s(?:(?:in|on|at|by|during|for|until|till|before|after|within|over|from|out\s+of|to|into)(?:\s+(?:the|this|that))?"
                       r"|the|this|that)\s*$", re.IGNORECASE)
# "Carol will probably…", "Bob's likely going to…": what someone is expected to do.
_PREDICTION = re.compile(r"\b(?:probably|maybe|possibly|hopefully|likely|perhaps)\b", re.IGNORECASE)
_PERFECT = re.compile(r"have\s+(?:\w+ed|been|done|gone|sent|seen|told|said|made|taken|given|written|known|got|gotten)\b",
                      re.IGNORECASE)
_FILLER_WORDS = frozenset("um umm uh uhh uhm erm er hmm hmmm mm ah know mean like basically kind sort".split())
# The words an opening discourse marker starts with (see ``rules.LEAD``).
_LEAD_WORDS = frozenset("ok okay so yeah yes yep yup sure alright all right well and also then great cool perfect fine oh "
                        "good now but plus anyway thanks thank sounds got absolutely definitely no of hmm hmmm honestly "
                        "um umm uh look listen last one from on for".split())
_LEISURE_HINTS = frozenset("coffee lunch dinner breakfast drink drinks beer beers cake pizza ramen restaurant vacation gym "
                           "party movie nap sleep round game bathroom restroom snack snacks explore sightseeing museum "
                           "hike hiking beach concert festival chat".split())
_NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty "
                          "sixty seventy eighty ninety hundred thousand million billion percent half double twice".split())
_KEY_WORDS = frozenset("main key biggest important critical primary root goal problem issue reason blocker overall "
                       "conclusion percent summary bottom risk".split())


# -- working state ---------------------------------------------------------------------------
@dataclass(slots=True)
class _Sentence:
    """One sentence of an entry, prepared once for every rule that reads it."""

    text: str  # without hesitations
    body: str  # also without opening discourse markers ("Okay, so, …")
    lower: str  # body, lower case
    wordset: frozenset[str]  # its words, lower case, accents folded
    content: list[str]  # its content words, in order
    question: bool  # a question even after a tag ("…, okay?") is taken off
    # Which families of rules may apply (word tests, made once; see ``_prepare``):
    may_promise: bool
    may_ask: bool
    may_decide: bool
    may_propose: bool
    named: bool  # holds the first word of a participant's name
    after_so: bool  # "…, so I'll add cursor support": a consequence of the clause before


@dataclass(slots=True)
class _Item:
    owner: Speaker
    task: str
    said_at: timedelta
    due: date | None
    entry: int  # the English entry that made it (follow-ups are counted from it)
    sequence: int  # order of creation: ties in ``said_at`` keep it
    weak: bool = False  # an "I can…" awaiting confirmation within its own entry
    words: frozenset[str] = frozenset()
    adopted: bool = False  # taken on with "I'll take it": its words are someone else's
    asked: bool = False  # a request taken on with "sure" or "I'll do it": the words are the requester's
    signed: bool = False  # "put me down for the slides" (PUT_ME_DOWN): its task is "do the slides"
    offered: bool = False  # "Should I post something?" "Yes.": the owner's own words have not promised it yet


@dataclass(slots=True)
class _Request:
    requester: str  # participant id
    task: str  # may be empty: "who has time?"
    due: date | None
    entry: int
    last_activity: int
    asker: Speaker | None = None  # "me" in the request and "you" in the reply mean them
    addressees: set[str] = field(default_factory=set)  # participant ids; empty: anyone but the requester
    next_speaker_only: bool = False  # "can you…?" to no one by name: only the next speaker may take it
    volunteers_only: bool = False  # "can someone…?": a bare "yes" is no volunteer
    offer_by: Speaker | None = None  # "should I…?": the offerer owns it when someone says yes
    # Declined without naming anyone: a third person may still take it on, but only by
    # committing ("I can get one of them to translate it"), not with a bare "yes".
    open_to_volunteers: bool = False
    # "I want a written root cause analysis": taken on only by saying it will be delivered
    # ("You'll have it by Wednesday"), never by a bare "yes" (WANTED_FROM_YOU).
    delivery_only: bool = False
    # "Just accrue it based on the estimate" (PLAIN_IMPERATIVE): an order with no name, which
    # a question asked after it in the same turn replaces as what the reply answers.
    ordered: bool = False
    declined_by: set[str] = field(default_factory=set)  # who said no: only the same work, said again, is a yes
    # Answered with a hedge ("Yeah, I'll maybe put something in an email"): a later promise
    # may still take it, never a bare "yeah" (which by then opens something else: "Yeah, so…").
    hedged: bool = False
    # Asked of several people by name at once ("Nadia, Callum, can you each…?"): each who says
    # yes takes it on for themselves (EACH_OF_YOU), and it stays open for the rest.
    each: bool = False
    taken_by: set[str] = field(default_factory=set)


@dataclass(slots=True)
class _Commitment:
    """One first-person commitment sentence, before it is decided what it becomes."""

    index: int
    task: str
    due: date | None
    weak: bool
    shape: str  # "full", "referring", "thin" or "anaphoric" (see ``rules.shape``)
    after_so: bool = False
    lead: str = ""  # the sentence's words before the cue ("the SOC 2 report, I'll email it to you")
    further: bool = False  # "I'll also…", "…as well": another task, not the one just taken on
    raw: str = ""  # the words after the cue, date phrases and all
    signed: bool = False  # "put me down for the slides" (PUT_ME_DOWN): it names its own work


@dataclass(order=True)
class _Candidate:
    score: float
    order: int  # negative sequence: on equal scores the earlier sentence wins
    text: str = field(compare=False)
    said_at: timedelta = field(compare=False)
    words: tuple[str, ...] = field(compare=False)


class Digester:
    """Reads one transcript, line by line, into a ``Digest`` (see the module docstring).

    ``add`` each line in transcript order, then ``finish``. Memory stays flat in the
    number of lines: only bounded state is kept between lines.
    """

    def __init__(self, context: DigestContext) -> None:
        self._names = Names(context.participants)
        self._dates = DueDates(context.started_at, context.time_zone)
        people = {speaker.participant for speaker in context.participants}
        self._people_words = frozenset(content_words(" ".join(rules.first_name(person) for person in context.participants)))
        self._pair = context.participants if len(people) == 2 else ()  # in a call of two, "you" is the other
        self._languages: Counter[str] = Counter()
        self._total = 0
        self._english = 0  # English entries read so far: the clock of every window
        self._sequence = 0
        self._items: list[_Item] = []
        self._last_item: dict[str, _Item] = {}  # participant -> their latest item (follow-up dates)
        self._requests: list[_Request] = []
        self._proposals: list[tuple[str, int]] = []  # (task, entry): the last few "we should…"
        self._focus: tuple[str, bool, int] | None = None  # (antecedent, plural, entry): what "it" or "them" last named
        self._last_speaker: str | None = None
        self._previous_turn: tuple[Speaker, int] | None = None  # who spoke last, and in which entry
        # BROKEN_OFF: a promise broken off to hand the work on, and the entry it was said in.
        self._handed_on: tuple[str, int] | None = None
        self._last_asked = -1  # the entry of the latest request or offer made
        self._assigned: tuple[str, int] | None = None  # who was last given work by name, and when
        self._recapping = False  # the entry being read recaps who does what ("So, recap: …")
        self._recent_texts: deque[tuple[str, int]] = deque(maxlen=REFERENCE_WINDOW + 1)  # THIRD_PERSON_REFERENCE
        # The latest entries' questions (their sentences, entry): WHAT_TO_FIND_OUT.
        self._questions: deque[tuple[tuple[str, ...], int]] = deque(maxlen=QUESTION_WINDOW + 1)
        self._agenda: tuple[str, str, int] | None = None  # AGENDA_ITEM: (title, announcer, entry)
        self._plans_question = -10  # the entry that last asked about personal plans
        self._plans_asker: str | None = None
        self._presenter: str | None = None  # who is showing their screen (see ``rules.ON_SCREEN``)
        self._live: set[int] = set()  # this entry's sentences that narrate the screen (NARRATION_GOES_ON)
        # The presenter's acts narrated live (DEMO_REDONE): their words, stemmed; a few.
        self._live_acts: deque[frozenset[str]] = deque(maxlen=LIVE_ACTS)
        self._decisions: list[Note] = []
        self._decision_words: list[frozenset[str]] = []
        self._word_counts: Counter[str] = Counter()
        self._candidates: list[_Candidate] = []  # min-heap of key-point candidates
        self._candidate_keys: dict[frozenset[str], _Candidate] = {}  # their words -> candidate
        self._short: dict[tuple[str, bool], _Sentence] = {}
        self._finished: Digest | None = None

    # -- streaming ---------------------------------------------------------------------
    def add(self, line: TranscriptLine) -> None:
        """Read one transcript entry (in transcript order)."""
        self._total += 1
        language = (line.language or "").strip() or "und"
        if language in self._languages or len(self._languages) < MAX_LANGUAGES:
            self._languages[language] += 1
        if not rules.is_english(language):
            return  # a mixed transcript: only its English entries are read
        entry = self._english
        self._english += 1
        text = rules.APOSTROPHE.sub("'", line.text or "").strip()
        if not text:
            return
        self._expire(entry)
        parts = [clause for part in split_sentences(text) for piece in self._split_address(part)
                 for clause in _split_promises(piece)]
        sentences = [self._sentence(part, after_so) for part, after_so in parts]
        counts = self._word_counts
        content = [word for sentence in sentences for word in sentence.content]
        if len(counts) < MAX_VOCABULARY:
            counts.update(content)
        else:  # full: only words already counted go on counting
            counts.update(word for word in content if word in counts)
        used: set[int] = set()
        speaker = line.speaker.participant
        sharing = ("shar" in text or "present" in text or " up " in text or "link" in text) and rules.SHARING.search(text)
        if sharing:
            self._presenter = speaker  # from now on, their "I'll click…" is the demo
        self._recent_texts.append((text, entry))
        lowered = text.lower()
        self._recapping = ("recap" in lowered or "sum" in lowered) and rules.RECAP.search(text) is not None
        if "?" in text:
            asked = tuple(sentence.text for sentence in sentences
                          if sentence.question and sentence.text.rstrip().endswith("?"))
            if asked:
                self._questions.append((asked, entry))
        if _DIGIT.search(text):
            agenda = rules.agenda_item(text)
            if agenda is not None:
                self._agenda = (agenda, speaker, entry)
        if any(s.may_promise or s.may_ask or s.may_decide or s.may_propose or s.named
               or ("i" in s.wordset and not s.wordset.isdisjoint(_INTENTION_WORDS)) for s in sentences) \
                or self._awaits(line.speaker, entry):
            self._read_entry(line, sentences, entry, used)
        elif any(sentence.question for sentence in sentences):
            self._note_plans_question(sentences, entry, speaker)
        if self._focus is not None and self._focus[2] != entry and _POINTING_WORD.search(text) is None:
            self._focus = None  # FOCUS lasts only while every turn since goes on pointing at it
        self._consider_key_points(sentences, used, line.offset)
        self._last_speaker = speaker
        self._previous_turn = (line.speaker, entry)
        if self._presenter == speaker and ("shar" in text or "present" in text) and rules.STOP_SHARING.search(text):
            self._presenter = None

    def _split_address(self, sentence: str) -> list[str]:
        """"I can get one of them to translate it, Sofia, just send me the file": a name
        set off by commas in mid-sentence, then "just…"/"please…"/"can you…", turns to that
        person: what follows is a new utterance, addressed to them."""
        if sentence.count(",") < 2 or not _ADDRESS_TURN.search(sentence):
            return [sentence]
        for start, end, _ in self._names.find(sentence):
            if sentence[:start].rstrip().endswith(",") and _ADDRESS_TURN.match(sentence, end):
                head = sentence[:start].rstrip(" ,")
                if head and not self._only_names(head):  # "Bob, Carol, can you both…": one utterance to both
                    return [head + ".", sentence[start:]]
        return [sentence]

    def _only_names(self, text: str) -> bool:
        """Whether ``text`` is nothing but participants' names ("Bob, Carol", "Bob and Carol")."""
        rest = text
        for start, end, _ in reversed(self._names.find(text)):
            rest = rest[:start] + rest[end:]
        return re.fullmatch(r"[\s,]*(?:(?:and|so|okay|ok|right)[\s,]+)*", rest, re.IGNORECASE) is not None

    def _sentence(self, raw: str, after_so: bool) -> _Sentence:
        """A prepared sentence. Short ones ("Yeah.", "Sounds good.", "Thanks.") come back
        again and again in any meeting: they are prepared once (a bounded cache; the
        sentence object is never changed by the rules)."""
        if len(raw) > SHORT_SENTENCE:
            return _prepare(raw, self._names.first_words, after_so)
        key = (raw, after_so)
        known = self._short.get(key)
        if known is None:
            known = _prepare(raw, self._names.first_words, after_so)
            if len(self._short) < MAX_SHORT_SENTENCES:
                self._short[key] = known
        return known

    def finish(self) -> Digest:
        """The digest of everything added (the same object on every call)."""
        if self._finished is None:
            self._finished = self._digest()
        return self._finished

    def _digest(self) -> Digest:
        if self._total == 0:
            return Digest(DigestOutcome.EMPTY, summarizer="extractive")
        if self._english * 2 < self._total:
            others = Counter({tag: n for tag, n in self._languages.items() if not rules.is_english(tag)})
            language = rules.most_common(others) or rules.most_common(self._languages)
            log.info("extractive digest: %d of %d entries in English: unsupported", self._english, self._total)
            return Digest(DigestOutcome.UNSUPPORTED_LANGUAGE, language=language, summarizer="extractive")
        english = Counter({tag: n for tag, n in self._languages.items() if rules.is_english(tag)})
        items = sorted((item for item in self._items if not item.weak), key=lambda item: (item.said_at, item.sequence))
        action_items = tuple(ActionItem(owner=item.owner, task=item.task, said_at=item.said_at, due=item.due)
                             for item in items)
        key_points = self._key_points()
        log.info("extractive digest: %d entries read, %d action items, %d decisions, %d key points",
                 self._total, len(action_items), len(self._decisions), len(key_points))
        return Digest(DigestOutcome.READY, action_items=action_items, decisions=tuple(self._decisions),
                      key_points=key_points, language=rules.most_common(english), summarizer="extractive")

    # -- one entry ---------------------------------------------------------------------
    def _read_entry(self, line: TranscriptLine, sentences: list[_Sentence], entry: int, used: set[int]) -> None:
        """Items, requests, offers and decisions in one entry. ``used`` collects the
        sentences that were promises or requests: they are no key points."""
        speaker = line.speaker
        presenting = self._presenter == speaker.participant
        if self._live:
            self._live.clear()
        for sentence in sentences:
            handed = self._broken_off(sentence)
            if handed is not None:
                self._handed_on = (handed, entry) if handed else None
        commitments = [self._commitment(index, sentence, presenting) for index, sentence in enumerate(sentences)]
        role_play = False
        for index, commitment in enumerate(commitments):
            if role_play and commitment is not None and commitment.due is None and not self._dates.find(commitment.raw):
                # (a date puts the act after the demo: "…I'll send the contract to legal tomorrow")
                commitments[index] = None
                continue
            # Rule ROLE_PLAY: "So here I'm going to pretend I'm someone who gets too many
            # mentions. I'll turn off push for…": what the speaker then does in that role, in
            # this turn, is the demo.
            ws = sentences[index].wordset
            if ("pretend" in ws or "imagine" in ws or "role" in ws or "part" in ws) \
                    and rules.ROLE_PLAY.search(sentences[index].text) is not None:
                role_play = True
                commitments[index] = None
                continue
            if commitment is not None and index > 0 and " their " in f" {commitment.task} ":
                # Rule THEIR_SUBJECT: "The third floor printers keep dropping off the network.
                # I'll update their firmware.": "their" is the things the sentence before was about.
                subject = rules.PLURAL_SUBJECT.match(sentences[index - 1].body)
                if subject is not None:
                    commitment.task = re.sub(r"\btheir\b", f"the {subject.group('np')}'", commitment.task, count=1)
            if commitment is None:
                if sentences[index].may_promise and rules.HEDGED.search(sentences[index].body):
                    self._withdraw_offer(speaker, entry, sentences[index])
                continue
            if index + 1 < len(sentences) and len(sentences[index + 1].body) <= 2 * SHORT_SENTENCE \
                    and rules.HEDGE_ONLY.fullmatch(sentences[index + 1].body):
                commitments[index] = None  # "I'll have a look. No promises.": HEDGE_TAIL, said apart
            elif (index - 1 in self._live or index + 1 in self._live) and not self._anchored(commitment):
                # Rule NARRATION_GOES_ON: next to a sentence that narrates the screen, an
                # undated promise with no one to receive it narrates too ("Now I'm going to do
                # it wrong on purpose, so you see. I'll apply the macro without an order.").
                commitments[index] = None
        if sentences and len(sentences[0].body) <= SHORT_SENTENCE and not sentences[0].wordset.isdisjoint(rules.DONE_WORDS):
            self._done_on_the_spot(sentences[0], speaker, entry)
        consumed: set[int] = set()
        made: list[_Item] = []  # items this entry made: "I'll share it by Monday" adds to them
        accepted = self._answer_requests(line, sentences, commitments, entry, consumed, made)
        asking = any(sentence.may_ask for sentence in sentences)
        vocatives = self._vocatives(sentences, speaker) if (asking or any(commitments)) else []
        # Whom "you" means in this entry's promises: the one person it names, or the other
        # person of a two-person call. Otherwise "you" stays "you".
        named = {person.participant: person for _, person in vocatives if person is not None}
        listener = next(iter(named.values())) if len(named) == 1 else self._other_of_two(speaker)
        if listener is None and not named:
            listener = self._addressee(speaker, entry)
        # "What are you doing this weekend?" "I'm going to explore the city": a personal plan.
        personal_plans = entry - self._plans_question <= 2 and speaker.participant != self._plans_asker
        for index, sentence in enumerate(sentences):
            if sentence.may_decide and self._decisions_in(sentence, sentences, index, line.offset):
                used.add(index)  # listed as a decision: no key point as well
            if sentence.may_propose or sentence.may_decide:
                self._proposal_in(sentence, entry)
            elif "i" in sentence.wordset and not sentence.wordset.isdisjoint(_INTENTION_WORDS) and commitments[index] is None:
                self._intention_in(sentence, entry)
            withdrawn = rules.WITHDRAWN.search(sentence.lower) if not sentence.wordset.isdisjoint(_WITHDRAW_WORDS) else None
            if withdrawn is not None:
                said_before = sentence.lower[: withdrawn.start()]
                if rules.STRONG_CUE.search(said_before) or rules.WEAK_CUE.search(said_before):
                    # "I'll send the all-staff, actually, no, Kevin, you should send it": this
                    # sentence's own promise is taken back.
                    used.add(index)
                    continue
                # "Let me send you the passwords. Actually no, never mind.": the turn's last item
                # is; a promise said after the correction stands ("Never mind, I'll do it myself").
                for item in [item for item in made if item.owner.participant == speaker.participant][-1:]:
                    self._discard(item)
                    made.remove(item)
                if commitments[index] is None:
                    used.add(index)
                    continue
            if index in consumed:
                used.add(index)
                continue
            if index and made and len(sentence.body) <= SHORT_SENTENCE and not sentence.wordset.isdisjoint(rules.DONE_WORDS) \
                    and rules.DONE_NOW.fullmatch(sentence.body):
                # DONE_ON_THE_SPOT: what this turn just promised, undated, was done live.
                for item in [item for item in made if item.owner.participant == speaker.participant and item.due is None]:
                    self._discard(item)
                    made.remove(item)
                continue
            commitment = commitments[index]
            if commitment is not None:
                used.add(index)
                if not personal_plans:  # a plan answering "any plans for the weekend?" is no item
                    commitment.task = rules.personal(commitment.task, me=None, you=listener)
                    if index + 1 < len(sentences):
                        commitment.task = references.named_after(commitment.task, sentences[index + 1].text)
                    before = " ".join(earlier.text for earlier in sentences[:index])
                    self._place_commitment(commitment, line, entry, made, accepted, before)
                continue
            if sentence.named and self._assignment_in(sentence, line, entry):
                used.add(index)
                continue
            if self._wanted_in(sentence, speaker, entry):
                used.add(index)
                continue
            if sentence.may_ask and self._request_in(sentence, index, vocatives, speaker, entry,
                                                     " ".join(earlier.text for earlier in sentences[:index])):
                used.add(index)
                if index + 1 < len(sentences) and self._spell_out(sentences[index + 1], speaker, entry):
                    used.add(index + 1)
                continue
            if made or speaker.participant in self._last_item:
                self._due_follow_up(sentence, speaker, entry, made)
        if any(sentence.question for sentence in sentences):
            self._note_plans_question(sentences, entry, speaker.participant)
        if "see" in line.text or "visible" in line.text or "showing" in line.text:
            self._shown(line.text, speaker, entry)
        # An "I can…" that nothing in its entry confirmed was an ability, not a promise,
        # unless the next speaker takes up the offer ("I can send the recording." "Please do.").
        for item in made:
            if item.weak:
                self._discard(item)
                self._open(_Request(speaker.participant, item.task, item.due, entry, entry, asker=speaker,
                                    offer_by=speaker, next_speaker_only=True))

    def _wanted_in(self, sentence: _Sentence, speaker: Speaker, entry: int) -> bool:
        """Rule WANTED_FROM_YOU: "I want a written root cause analysis. Not a slide." said to
        the one who answers: theirs to send, once they say they will."""
        if "want" not in sentence.wordset and "need" not in sentence.wordset and "like" not in sentence.wordset:
            return False
        wanted = None if sentence.question else rules.WANTED.match(sentence.body)
        if wanted is None:
            return False
        thing, due = self._task(rules.strip_vocative(wanted.group("t"), self._names))
        # "the song list from you", "the final specs from Noor though": from whoever answers
        thing = re.sub(r"\s+from\s+(?:you|[A-Z][\w'-]+)(?:\s+though)?\s*$", "", re.sub(r",?\s+though$", "", thing))
        if len(content_words(thing)) < 2 or rules.is_chatter(f"get {thing}"):
            return False
        task = clip(f"send {rules.first_name(speaker)} {thing}", TASK_LIMIT)
        self._open(_Request(speaker.participant, task, due, entry, entry, asker=speaker, next_speaker_only=True,
                            delivery_only=True))
        return True

    def _broken_off(self, sentence: _Sentence) -> str | None:
        """BROKEN_OFF: "I'll send the carrier the census — actually, Marco, can you send it?"
        is no promise; what was to be done ("send the carrier the census") is what "it"
        means in the request that follows. None when the sentence is not broken off; ""
        when it is, but what it breaks off names nothing ("I'll do it — actually, …")."""
        if not sentence.may_promise or "actually" not in sentence.wordset:
            return None
        broken = rules.BROKEN_OFF.search(sentence.body)
        cue = rules.STRONG_CUE.search(sentence.body, 0, broken.start()) if broken else None
        if cue is None or broken is None:
            return None
        handed = self._task(rules.TASK_LEAD.sub("", sentence.body[cue.end(): broken.start()]))[0]
        return handed if handed and rules.shape(handed) != "anaphoric" else ""

    def _plain_present(self, body: str, words: frozenset[str]) -> re.Match[str] | None:
        """Rule PLAIN_PRESENT: "Tomorrow I send you the new mapping file", "I update the
        glossary today": a promise in the plain present, as speakers of many languages put
        it, when it does something and says when (never a habit: "I send it every Monday")."""
        if "i" not in words or words.isdisjoint(rules.PLAIN_PRESENT_VERBS):
            return None
        match = rules.PLAIN_PRESENT.search(body)
        if match is None or rules.habitual(body[: match.start()], body[match.end():]) or _EVERY.search(body) \
                or self._recapping or _DONE_BEFORE.search(body):
            return None  # a habit, a recap of who does what ("So, recap: …, I call the HOA"), or
            # the same present telling the past ("I check the logs already on Monday")
        found = self._dates.first(body)
        if found is None or found.due is None:
            return None
        return _I_FIRST.search(body, match.start())  # the cue is "I": "Tomorrow" is a date before it

    def _spell_out(self, sentence: _Sentence, speaker: Speaker, entry: int) -> bool:
        """Rule SPELLED_OUT: "Daniel, could you rotate the prod key properly? Like move the
        nightly job onto workload identity and kill the key.": the sentence right after a
        request that says what it means belongs to the request's task."""
        request = self._requests[-1] if self._requests else None
        if request is None or request.entry != entry or request.requester != speaker.participant or not request.task:
            return False
        spelled = rules.SPELLED_OUT.match(sentence.body)
        if spelled is None or sentence.question:
            return False
        detail = (spelled.group("t") or spelled.group("t2")).rstrip(" .!,")
        if len(content_words(detail)) < 2 and not spelled.group("t2"):
            return False
        joint = ", " if re.match(r"(?:with|including|for)\b", detail, re.IGNORECASE) else \
            " " if spelled.group("t2") else ": "
        request.task = clip(f"{request.task}{joint}{detail}", TASK_LIMIT)
        return True

    def _anchored(self, commitment: _Commitment) -> bool:
        """Whether a time, a recipient or a place outside the call was said for a promise."""
        return (commitment.due is not None or rules.outside_the_call(commitment.raw)
                or bool(self._dates.find(commitment.raw)))

    def _done_on_the_spot(self, first: _Sentence, speaker: Speaker, entry: int) -> None:
        """DONE_ON_THE_SPOT across turns: "Let me create a test ticket." … "Okay, there it
        is." (``first``: the turn's first sentence): the speaker's undated item from their
        turn just before was done live."""
        if not rules.DONE_NOW.fullmatch(first.body):
            return
        last = self._last_item.get(speaker.participant)
        # (An offer the other just took up, "Want me to set up an intro?" "Yes please." "Done.",
        # is agreed to, not done: "done" is "deal".)
        if last is not None and last.entry == entry - 1 and last.due is None and not last.asked and not last.offered:
            self._discard(last)

    def _shown(self, text: str, speaker: Speaker, entry: int) -> None:
        """"I'll share the forecast sheet." … "Okay, you should see it now.": what the speaker
        just said they would share is on the screen, in the call; no item."""
        if rules.SHOWN.search(text) is None:
            return
        last = self._last_item.get(speaker.participant)
        if last is not None and entry - last.entry <= 1 and rules.SHARE_TASK.match(last.task):
            self._discard(last)

    def _awaits(self, speaker: Speaker, entry: int) -> bool:
        """Whether words without any cue may still matter: an answer to a request, or a
        date for the speaker's latest item ("Tomorrow at the latest.")."""
        last = self._last_item.get(speaker.participant)
        if last is not None and last.due is None and entry - last.entry <= FOLLOW_UP_WINDOW:
            return True
        return any(self._may_answer(request, speaker) for request in self._requests)

    def _note_plans_question(self, sentences: list[_Sentence], entry: int, speaker: str) -> None:
        if rules.PLANS_QUESTION.search(" ".join(sentence.body for sentence in sentences)):
            self._plans_question, self._plans_asker = entry, speaker

    # -- commitments -----------------------------------------------------------------------
    def _commitment(self, index: int, sentence: _Sentence, presenting: bool = False,
                    depth: int = 0) -> _Commitment | None:
        """The first-person commitment a sentence makes, if it makes one. ``presenting``:
        the speaker is showing their screen, so "I'll add two teammates" may be the demo;
        ``depth``: 1 when reading the words after an abandoned cue (SELF_REPAIR)."""
        if not sentence.may_promise:
            return None
        if depth == 0 and self._broken_off(sentence) is not None:
            return None
        if sentence.question:
            return None
        body = rules.strip_tag_question(sentence.body)
        if rules.QUESTION_START.match(body):
            return None
        accepted = rules.ANAPHORIC_CUE.match(body)
        if accepted is not None:  # "On it.", "Will do."
            # Rule SAID_IN_FULL: "Leave it with me, I'll ring the ICB on-call before noon": the
            # promise said in full after the acceptance is what was taken on.
            rest = body[accepted.end():].strip(" ,;:-\u2013\u2014")
            if depth < 2 and _OWN_SENTENCE.match(rest):
                full = self._commitment(index, self._sentence(rest, sentence.after_so), presenting, depth=depth + 1)
                if full is not None and full.shape in ("full", "thin") and not full.weak:
                    return full
            return _Commitment(index, "", None, weak=False, shape="anaphoric")
        signed = rules.PUT_ME_DOWN.match(body) if "me" in sentence.wordset else None
        if signed is not None and content_words(self._task(signed.group("t"))[0]):
            # Rule PUT_ME_DOWN: "Put me down for the slides. I'll have a draft by Monday.": the
            # speaker signs up for a piece of work; what they say next in the turn is about it.
            task, due = self._task("do " + signed.group("t"))
            found = None if due is not None else self._dates.first(body)
            return _Commitment(index, task, due if found is None else found.due, weak=False, shape="full", raw=task,
                               signed=True)
        strong = rules.STRONG_CUE.search(body)
        weak = None if sentence.wordset.isdisjoint(_WEAK_WORDS) else rules.WEAK_CUE.search(body)
        cue = strong if strong and (not weak or strong.start() <= weak.start()) else weak
        if cue is None:
            cue = self._plain_present(body, sentence.wordset)
            if cue is None:
                return None
        said = cue.group(0).lower()
        let_me = said.startswith("let")
        prefix = rules.LEAD.sub("", body[: cue.start()])
        if rules.BAD_PREFIX.search(prefix) or (prefix and rules.SOMEDAY.search(prefix)):
            return None  # "if we had budget I would…", "maybe I'll", "I said I'd", "next time we meet I'll…"
        if cue is weak and rules.PURPOSE_BEFORE.search(prefix):
            return None  # "I need the accrual numbers so I can book the accrual": why, not a promise
        if strong is cue and rules.HEDGED.match(body, cue.start()):
            return None  # "I'll probably leave…", "I'll try to get it out early": a hedge
        if let_me and not rules.LET_ME_PREFIX_OK.search(prefix):
            return None  # "can you let me know" is a request, not a promise
        raw = rules.STUTTER.sub("", body[cue.end():]).strip(" ,:")
        if depth == 0 and rules.ANAPHORIC_CUE.match(rules.LEAD.sub("", raw)):
            # "I'll, look, leave it with me, I'll get sign-off from finance": the cue restarts
            # as an acceptance, read as a sentence of its own (and SAID_IN_FULL above).
            return self._commitment(index, self._sentence(rules.LEAD.sub("", raw), sentence.after_so), presenting, depth=1)
        restart = rules.SELF_REPAIR.match(raw)
        if restart is not None and depth == 0:
            # Rule SELF_REPAIR: "I'll, um, I mean I might come in early and do it", "I can,
            # I sit next to Karen on Thursdays": the cue is abandoned and the words after it
            # are a sentence of their own, a promise only if they make one themselves.
            # A restart that only hedges into an obligation ("I'll, yeah, I need to look at how
            # we word that") promises nothing.
            again = self._commitment(index, self._sentence(raw[restart.end():], sentence.after_so), presenting, depth=1)
            return None if again is None or again.weak else again
        if cue is weak and rules.PERCEIVING.match(raw) and self._dates.first(raw) is None:
            return None  # "I can see a phone number", "I can hear you": what one can perceive, now
        if rules.conditional(" " + raw):
            # "I'll bring the stickers if someone reminds me": a contingency. But in "I'll check
            # the temperature every hour tonight and call you if it goes over ninety" only the
            # second act waits on the condition; the first is promised as it stands.
            first = _BEFORE_A_CONDITIONAL_ACT.match(raw)
            if first is None or rules.conditional(" " + first.group("act")) or len(content_words(first.group("act"))) < 2:
                return None
            raw = first.group("act")
        ws = sentence.wordset
        if (not ws.isdisjoint(rules.HEDGE_WORDS) and rules.hedged(prefix, raw)) \
                or (not ws.isdisjoint(rules.HABIT_WORDS) and rules.habitual(prefix, raw)):
            return None  # "I think I'll try the linter, maybe", "usually I'll send the notes"
        # The sentence up to the end of the cue, opening markers included ("Next, I'll…").
        said_before = sentence.text[: len(sentence.text) - len(body)] + body[: cue.end()]
        if self._in_the_call(said_before, raw, presenting=presenting, words=ws):
            self._live.add(index)
            if presenting:
                self._live_acts.append(rules.stems(frozenset(content_words(self._task(raw)[0]))))
            return None  # "Next I'm going to show the funnel", "let me go to the next slide"
        if "next time" in raw and rules.SOMEDAY.search(raw):
            return None  # "I'll do the handover while her screen loads next time": no occasion to date
        if rules.CONCESSION.match(raw):
            return None  # "I can, but I'm out till the new year": what comes next decides
        if rules.FUTURE_PROGRESSIVE.match(raw):
            return None  # "I'll be posting the roadmap on our blog": what will be going on anyway
        if rules.NOT_A_TASK.match(raw):
            return None  # "I will not…", "I'll maybe…"
        # "I'll need to brief the COO", "I'll have to check": an obligation, not yet a promise.
        obliged = strong is cue and re.match(r"(?:need|have|want)\s+to\b", raw, re.IGNORECASE) is not None
        raw = rules.TASK_LEAD.sub("", raw)
        if let_me and rules.LET_ME_CHATTER.match(raw):
            return None
        task, due = self._task(raw, before=prefix)
        if rules.is_chatter(task) or rules.is_vague(task):
            return None
        said_then = rules.THEN_TALK.search(raw) if task and task.split(None, 1)[0].lower() in rules.GENERIC_VERBS else None
        if said_then is not None and len(content_words(task)) <= 3 and rules.object_of(task):
            # TAKEN_THEN_SAID in one breath: "Sure, I'll take legal, I'll talk to them about
            # the trial terms" is "talk to legal about the trial terms".
            talk = rules.TALK_TO_THEM.match(said_then.group("talk"))
            if talk is not None:
                task = self._task(f"{talk.group('verb')} {rules.object_of(task)}{talk.group('rest')}")[0]
        if presenting and due is None and rules.ON_SCREEN.match(task):
            return None  # "I'm going to pick Marketing" while showing the screen: the demo itself
        if presenting and due is None and self._live_acts and not rules.outside_the_call(raw) \
                and not rules.said_for_later(said_before):
            # Rule DEMO_REDONE: "…here I'm going to create a new alert on the error rate." "Wrong
            # workspace, let me start again." "So I'm going to create a new alert on the error
            # rate.": the presenter doing again what they just did on screen is the demo again.
            done = rules.stems(frozenset(content_words(task)))
            if any(rules.similar(done, act) for act in self._live_acts):
                return None
        # "Let me check the doc" is done in the call; "let me check with legal", or one
        # the entry confirms ("…, I'll confirm by email tomorrow"), is a follow-up.
        looking = let_me and due is None and rules.LOOKING.match(task) is not None
        if not task and not said.startswith(("action", "my action")):
            form = "anaphoric"
        else:
            form = rules.shape(task)
        return _Commitment(index, task, due, weak=cue is weak or looking or obliged, shape=form, after_so=sentence.after_so,
                           lead=body[: cue.start()], further=rules.ANOTHER_TASK.search(body) is not None,
                           raw=raw)

    def _in_the_call(self, before_cue: str, after_cue: str, asked: bool = False, presenting: bool = False,
                     words: frozenset[str] | None = None) -> bool:
        """ON_SCREEN_NOW, PRESENTING_NOW, DURING_THE_CALL and MEETING_BOARD (see ``rules``):
        the act is the screen or the talk, now. A time said for it ("tomorrow", "after the
        call") puts it after the call, except "today" in a request to walk the asker through
        something ("…how a week's schedule gets made today": how, not when). ``asked``: the
        words are a request's, not a promise's; ``presenting``: the speaker is showing their
        screen."""
        if not rules.in_the_call(before_cue, after_cue, asked, presenting, words):
            return False
        found = self._dates.find(after_cue)
        if found and asked and rules.EXPLAIN_TO_ME.match(rules.TASK_LEAD.sub("", after_cue.lstrip(" ,"))):
            return all(phrase.phrase.lower() == "today" for phrase in found)  # "walk me through how it's done today"
        return not found

    def _place_commitment(self, commitment: _Commitment, line: TranscriptLine, entry: int, made: list[_Item],
                          accepted: bool, before: str = "") -> None:
        """Make the item a commitment is, or add what it says to one just made. ``before``:
        the words of the entry before it (what "it" may point back to)."""
        speaker = line.speaker
        previous = next((item for item in reversed(made) if item.owner.participant == speaker.participant), None)
        thin = commitment.shape == "thin" and len(content_words(commitment.task)) <= 2
        if previous is not None and ((rules.REVIEWING.match(previous.task) and rules.FEEDBACK.match(commitment.task))
                                     or rules.RESULTS.match(commitment.task)):
            # Rule FEEDBACK_OF: "I'll review the draft once you've added those, and I'll give
            # you written comments by Thursday": the comments are what the review delivers;
            # one item, in both halves' words. So are the results of what was just promised
            # ("I can pull that from the warehouse. I'll post the numbers in the channel").
            self._discard(previous)
            made.remove(previous)
            self._add_item(speaker, f"{previous.task} and {commitment.task}", previous.said_at,
                           commitment.due or previous.due, entry, made)
            return
        ready = _HAVE_READY.fullmatch(commitment.task) if previous is not None and not commitment.further else None
        if ready is not None and previous is not None and " " in previous.task:
            obj = ready.group("obj")
            thing = previous.task.split(None, 1)[1]
            # the same thing, then only what it comes with ("the model" → "the model with January
            # actuals"), not another thing ("the contract team sign it", "the doc back to you")
            if obj.lower().startswith(thing.lower()) and _MORE_OF_IT.fullmatch(obj, len(thing)) is not None:
                # Rule HAVE_IT_READY: "I'll update the model. I'll have the model with January
                # actuals in by Wednesday.": when the same thing will be ready, said more fully;
                # one item, in the fuller words.
                task = clip(f"{previous.task.split()[0]} {obj}", TASK_LIMIT)
                previous.task, previous.words = task, frozenset(content_words(task))
                previous.due = previous.due or commitment.due
                return
        if previous is not None and rules.REPORT_BACK.match(commitment.task):
            # Rule REPORT_BACK (see ``rules``): "Let me follow up on the leave question and I'll
            # come back with the answer by the eleventh": one item, with the report's date.
            if previous.due is None:
                previous.due = commitment.due
            return
        # Rule ADOPTED_ELABORATION: "I'll take it. I'll have the upgrade PR up by Wednesday.":
        # after taking on an item in another's words, a promise in the same turn that shares
        # its words says how and when that item gets done, not a second task.
        # …and after signing up for a piece of work ("Put me down for the slides. I'll have a
        # draft by Monday"), a draft or a pass of it is that work too (PUT_ME_DOWN).
        # Rule DRAFT_ELABORATION: "I'll write the order event schema. I'll put a draft in the
        # doc by Monday.": a draft promised right after a piece of work is a draft of it.
        # CONTACT_AGAIN (see ``rules``): "I'll talk to Sanjay. I'll ping him today."
        elaborates = previous is not None and (
            (previous.adopted and not previous.words.isdisjoint(content_words(commitment.task)))
            or (rules.DRAFT_OF.match(commitment.task) is not None and not commitment.further)
            or rules.CONTACT_PRONOUN.match(commitment.task) is not None)
        if previous is not None and previous.asked and not commitment.further \
                and rules.CONTACT_ACT.match(previous.task) and rules.CONTACT_ACT.match(commitment.task):
            # Rule HOW_I_REACH_THEM: "Tom, can you chase rehab about her?" "On it. I'll ring
            # Caulfield straight after this.": how the chasing gets done, the same item.
            if previous.due is None:
                previous.due = commitment.due
            return
        if (previous is not None and previous.asked and not commitment.after_so and not commitment.further
                and ((commitment.shape == "referring" and not rules.DELIVERY.match(commitment.task))
                     or (commitment.shape == "full" and self._restates(previous, commitment.task)))):
            if commitment.task.startswith("have "):
                # "I can do that. I'll have a short paper for the June session": when, and in
                # what form, it will be ready; what was asked stays.
                previous.asked = False
                previous.due = previous.due or commitment.due
                return
            # Rule REQUEST_ELABORATION: "Can you look at tuning those?" "Yeah, I'll do it. I'll
            # tune the webhook alert thresholds.": the reply's own words say what was taken
            # on; one item, in those words ("I'll run it against staging": the request's object).
            task = self._name_third_person(commitment.task, entry, speaker)
            if commitment.shape == "referring":
                task = rules.substitute(task, previous.task)
            said = frozenset(content_words(task)) - rules.GENERIC_VERBS - frozenset(task.split()[:1])
            if said <= previous.words:
                # "Can you prepare the plan for the certificate rotation?" "I send the plan on
                # Monday.": the reply says nothing the request did not; the request's words stay.
                task = previous.task
            previous.task, previous.words = task, frozenset(content_words(task))
            previous.asked = False
            if commitment.due is not None:
                previous.due = commitment.due
            return
        recent = self._last_item.get(speaker.participant) if previous is None else None
        if (recent is not None and (recent.offered or recent.asked) and commitment.shape == "referring"
                and not commitment.further and entry - recent.entry <= FOLLOW_UP_WINDOW
                and references.same_act(commitment.task, recent.task)):
            # Rule SAID_AGAIN: "Should I post something to support?" "Yes." "Okay, I'll post it
            # in support-ops tonight.": the same act on "it", soon after an item taken on in
            # another's words (an offer agreed, a request), is that item again (its date), not
            # a second one ("I'll also send it to Bob" is another).
            if recent.due is None:
                recent.due = commitment.due
            return
        if previous is None and rules.DELIVERY.match(commitment.task):
            # "I'll have all of it in by Wednesday" in a later turn: when the speaker's
            # recent item will be ready. A date for it, never an item of its own.
            recent = self._last_item.get(speaker.participant)
            if recent is not None and entry - recent.entry <= FOLLOW_UP_WINDOW and recent.due is None:
                recent.due = commitment.due
            return
        if (commitment.shape in ("anaphoric", "referring") or thin or commitment.after_so or elaborates) \
                and previous is not None:
            # "I'll do that tomorrow", "I'll share it by Monday": more about the item just
            # made in this entry, not a new one.
            previous.weak = False
            if previous.due is None and commitment.due is not None:
                previous.due = commitment.due
            handed = rules.HANDED_ON.match(commitment.task)
            recipient = commitment.task[handed.end() - 1:].split()[0] if handed else ""
            if handed is not None and " to " not in f" {previous.task} " and recipient not in previous.task.split():
                # Rule HANDED_ON: "I'll set up the sheet. I'll have it out to course organisers by
                # the end of the month": whom the work goes to is part of it.
                task = clip(f"{previous.task} and {commitment.task}", TASK_LIMIT)
                previous.task, previous.words = task, frozenset(content_words(task))
            talk = rules.TALK_TO_THEM.match(commitment.task)
            if talk is not None and previous.task.split(None, 1)[0].lower() in rules.GENERIC_VERBS \
                    and len(content_words(previous.task)) <= 3:
                # Rule TAKEN_THEN_SAID: "Sure, I'll take legal, I'll talk to them about the trial
                # terms": the second half says what taking it on means; "talk to legal about
                # the trial terms".
                obj = rules.object_of(previous.task)
                if obj:
                    task = clip(f"{talk.group('verb')} {obj}{talk.group('rest')}", TASK_LIMIT)
                    previous.task, previous.words = task, frozenset(content_words(task))
            draft = rules.DRAFT_OF.match(commitment.task) if commitment.shape in ("full", "referring") else None
            if draft is not None and not previous.signed and _OWN_OBJECT.match(commitment.task, draft.end()):
                draft = None  # "I'll do the intro. I'll have a draft of the outro by Monday.": a draft of something else
            if draft is not None and previous.task.startswith("do "):
                # PUT_ME_DOWN: "…the slides. I'll have a draft by Monday and share in the
                # channel": "have a draft of the slides and share in the channel".
                task = clip(f"{draft.group(0)} of {previous.task[3:]}{commitment.task[draft.end():]}", TASK_LIMIT)
                previous.task, previous.words, previous.signed = task, frozenset(content_words(task)), False
            return
        if commitment.shape == "anaphoric" and self._acknowledges(speaker, entry):
            # ASSIGNED_THEN_TAKEN: "Adaeze will own the binder." "Okay. I'll take it.": the
            # assignment again, in the assignee's words; one item, with any date said now.
            item = self._last_item.get(speaker.participant)
            if item is not None and item.due is None:
                item.due = commitment.due
            return
        if commitment.shape == "anaphoric":
            antecedent = None if accepted else (self._recent_proposal(entry, consume=True)
                                                 or self._recent_agenda(speaker, entry))
            own = None if accepted or antecedent is not None else self._own_request(speaker, entry, commitment)
            if antecedent is not None:  # "we should have a runbook…" "I can take that."
                self._add_item(speaker, antecedent, line.offset, commitment.due, entry, made)
                if made and made[-1].owner.participant == speaker.participant:
                    made[-1].adopted = True
            elif own is not None:
                # Rule DO_IT_MYSELF: "Marcus, can you call Hendricks about the delay?" "I'd
                # rather it come from quality." "Fair, I'll call them this afternoon.": the
                # one who asked takes their own request back.
                self._requests.remove(own)
                self._add_item(speaker, own.task, line.offset, commitment.due or own.due, entry, made)
            elif not accepted and not commitment.weak and (topic := self._subject_topic(commitment.task, entry)):
                before_count = len(made)
                self._add_item(speaker, topic, line.offset, commitment.due, entry, made)
                if len(made) > before_count and made[-1].task == topic:
                    # named from what another said: a promise in the speaker's own words next is
                    # what was taken on ("The slot hold is flaky." "I'll fix that, I'll make the
                    # slot hold idempotent."), as after a request (REQUEST_ELABORATION)
                    made[-1].asked = True
            elif not accepted and not commitment.weak and _HANDED_OVER.match(commitment.task):
                # "…the SOC 2 report." "I'll email it to you right after this call": a thing
                # handed to someone, named from what was just said (POINTED_OBJECT).
                task = self._resolve_pointed(commitment.task, entry, f"{before} {commitment.lead}".strip())
                if task != commitment.task:
                    self._add_item(speaker, task, line.offset, commitment.due, entry, made)
            elif not accepted and not commitment.weak and references.pointed(commitment.task) is not None \
                    and ((before and references.specific_act(commitment.task))
                         or references.topic_of(commitment.lead)) \
                    and not _LIVE_HERE.search(f"{before} {commitment.lead}"):
                # Rule MY_OWN_TOPIC: "The VPN certificate expires next week. I'll renew it by
                # Friday.", "Parchment and quart delis, I'll grab them": "it" is what the
                # speaker's own turn just named.
                match = references.pointed(commitment.task)
                own_words = f"{before} {commitment.lead}".strip()
                task = references.resolve_pointed(commitment.task, match, [own_words]) if match else commitment.task
                if task != commitment.task:
                    self._add_item(speaker, task, line.offset, commitment.due, entry, made)
            # "I'll take it", "I'll submit it tonight" about nothing we can name for sure: no
            # item (POINTED_OBJECT only completes tasks that say more than their pronoun).
            return
        context = f"{before} {commitment.lead}".strip()
        find_out = rules.FIND_OUT.fullmatch(commitment.task)
        if find_out is not None:
            # Rule WHAT_TO_FIND_OUT: "Is that still covered by the learning budget?" "Let me
            # check with HR": what there is to find out is the question just asked.
            asked = self._question_before(speaker, entry, context)
            if asked is not None:
                commitment.task = clip(f"{find_out.group('ask')} {asked}{find_out.group('tell') or ''}", TASK_LIMIT)
        commitment.task = self._name_third_person(commitment.task, entry, speaker, context)  # "I'll ring him" is a task
        if commitment.shape == "thin" and len(content_words(commitment.task)) < 2:
            return
        ask_who = rules.ASK_SOMEONE.fullmatch(commitment.task)
        if ask_who is not None:
            # Rule ASK_FOR_IT: "Nadia, can you audit their hosting?" "I'm out, Leo knows it."
            # "I'll ask Leo then.": the asker's own request, passed on to the one named.
            own = next((request for request in reversed(self._requests)
                        if request.requester == speaker.participant and request.task
                        and rules.shape(request.task) != "anaphoric"), None)
            if own is not None:
                commitment.task = f"ask {ask_who.group('who')} to {own.task}"
        before_count = len(made)
        self._add_item(speaker, self._resolve_pointed(commitment.task, entry, context), line.offset, commitment.due,
                       entry, made, weak=commitment.weak and not accepted)
        if len(made) > before_count and not commitment.weak:
            # DO_IT_MYSELF, said in full: "Liam, can you do the falls audit?" "I can't." "I'll do
            # the falls audit myself then.": the request is the asker's own again, no one's to take.
            taken = rules.stems(made[-1].words)
            self._requests = [request for request in self._requests if request.requester != speaker.participant
                              or not rules.similar(rules.stems(frozenset(content_words(request.task))), taken)]
        if commitment.signed and len(made) > before_count:
            made[-1].adopted = made[-1].signed = True

    def _own_request(self, speaker: Speaker, entry: int, commitment: _Commitment) -> _Request | None:
        """DO_IT_MYSELF: the speaker's own request, still open (no one took it) and recent,
        that "I'll call them" or "I'll do it myself" takes back."""
        verb = (commitment.task.split() or [""])[0].lower()
        myself = "myself" in commitment.raw.lower()
        for request in reversed(self._requests):
            if request.requester != speaker.participant or request.offer_by is not None or not request.task \
                    or entry - request.last_activity > FOLLOW_UP_WINDOW or rules.shape(request.task) == "anaphoric":
                continue
            if request.task.split(None, 1)[0].lower() == verb or (myself and verb in rules.GENERIC_VERBS):
                return request
        return None

    def _question_before(self, speaker: Speaker, entry: int, before: str) -> str | None:
        """The question just asked, in this entry or the last few (by anyone: "Is the venue
        free?" "No idea." "I'll check with them."), as the clause a note-taker writes
        ("whether the lessons are covered"). A question too short to say anything ("But is
        it booked?") gives way to the one before it."""
        said_here = tuple(part for part in split_sentences(before) if part.rstrip().endswith("?")) if before else ()
        turns = [said_here] + [asked for asked, said in reversed(self._questions)
                               if said != entry and entry - said <= QUESTION_WINDOW]
        for questions in turns:
            for question in reversed(questions):
                clause = rules.indirect_question(question)
                if clause is not None:
                    return clause
        return None

    @staticmethod
    def _restates(item: _Item, task: str) -> bool:
        """Whether a promise says again, in the speaker's words, the request just taken on:
        they share a word that is no generic verb, or the request only pointed at its object
        ("look at tuning those")."""
        shared = (item.words - rules.GENERIC_VERBS) & frozenset(content_words(task))
        return bool(shared) or rules.POINTING.search(item.task) is not None

    def _due_follow_up(self, sentence: _Sentence, speaker: Speaker, entry: int, made: list[_Item]) -> None:
        """"Tomorrow at the latest.", "Yeah, by Friday, no problem.": a date for the
        speaker's latest item, said shortly after it."""
        item = next((item for item in reversed(made) if item.owner.participant == speaker.participant), None)
        if item is None:
            item = self._last_item.get(speaker.participant)
            if item is None or entry - item.entry > FOLLOW_UP_WINDOW:
                return
        if item.due is not None:
            return
        found = self._dates.first(sentence.text)
        if found is None:
            return
        rest = content_words(sentence.text[: found.start] + " " + sentence.text[found.end:])
        # A deadline ("by Friday", "tomorrow at the latest") or a bare date ("Let's say
        # next Monday?"); not a status line that starts with a day ("Today on call stuff").
        deadline = re.match(r"(?:by|before|until|till|no\s+later\s+than|for)\b", found.phrase, re.IGNORECASE) \
            or found.phrase.lower().endswith("latest")
        if not rest or (deadline and len(rest) <= 2):
            item.due = found.due

    # -- requests, offers, proposals -------------------------------------------------------
    def _addressee(self, speaker: Speaker, entry: int) -> Speaker | None:
        """Rule REPLY_ADDRESSEE: a turn that names no one speaks to whoever spoke just
        before it ("Are you using the same pipeline?" "…I'll send you the script": the
        script goes to the one who asked). Only the turn right before counts."""
        previous = self._previous_turn
        if previous is None or previous[1] != entry - 1 or previous[0].participant == speaker.participant:
            return None
        return previous[0]

    def _resolve_pointed(self, task: str, entry: int, before: str) -> str:
        """POINTED_OBJECT: "put up the PR for it" with the thing "it" stands for, looked for
        in the entry's words before the task, then in the two entries before it."""
        match = references.pointed(task)
        if match is None:
            return task
        texts = ([before] if before else []) + self._earlier(entry, 2)
        plural = references.many(match)
        resolved = references.resolve_pointed(task, match, texts, self._topic_fragment(entry, plural))
        if resolved != task:
            # FOCUS: what "it" was, for an "it" a turn or two later that the words since no
            # longer name ("I'll draft it with those dates" … "Can I see it before it goes?"
            # "I'll flick it to you Wednesday").
            self._focus = (resolved[match.start(): len(resolved) - (len(task) - match.end())], plural, entry)
        elif self._focus is not None and self._focus[1] == plural and 0 < entry - self._focus[2] <= 2:
            resolved = f"{task[: match.start()]}{self._focus[0]}{task[match.end():]}"
        return resolved

    def _earlier(self, entry: int, within: int) -> list[str]:
        """The words of the entries up to ``within`` before ``entry``, nearest first."""
        return [text for text, said in reversed(self._recent_texts) if said != entry and entry - said <= within]

    def _topic_fragment(self, entry: int, plural: bool) -> str | None:
        """TOPIC_FRAGMENT: a topic announced on its own in the three entries before ``entry``."""
        return references.topic_fragment(self._earlier(entry, 3), plural)

    def _subject_topic(self, task: str, entry: int) -> str | None:
        """SUBJECT_TOPIC: ``task`` with its "it" or "them" named as the subject the turn just
        before (someone else's) ended on, or else as a topic announced on its own just before
        (TOPIC_FRAGMENT); None when neither."""
        match = references.pointed(task)
        previous = self._previous_turn
        if match is None or previous is None or previous[1] != entry - 1 or match.group("p").lower() == "both":
            return None
        plural = references.many(match)
        text = self._said_in(entry - 1)
        topic = references.subject_topic(text, plural) if text else None
        if topic is None:
            topic = self._topic_fragment(entry, plural)
        if topic is None or topic.split()[-1].lower() in {word.lower() for word in task.split()}:
            return None
        return f"{task[: match.start()]}the {topic}{task[match.end():]}"

    def _name_third_person(self, task: str, entry: int, owner: Speaker, before: str = "") -> str:
        """THIRD_PERSON_REFERENCE: "call her" with the person "her" is (never the one who
        does it: "Mr Osei, anything we can do?" … "I'll move him in the seating plan").
        ``before``: the words of this entry before the task ("the awning thing with the
        landlord… Leave it with me, I'll talk to him on Thursday")."""
        if references.HIM_HER.search(task):  # him, her, he ("make sure he signs"), she
            spoken_of = self._spoken_of(entry, owner, before)
            if spoken_of is not None:
                return references.third_person(task, spoken_of)
        return task

    def _spoken_of(self, entry: int, owner: Speaker, before: str = "") -> str | None:
        """THIRD_PERSON_REFERENCE: the person the last few entries spoke of by name."""
        texts = [before] if before else []
        texts += [text for text, said in reversed(self._recent_texts) if entry - said <= REFERENCE_WINDOW]
        for text in texts:
            name = references.person_mentioned(text, self._is_participant)
            if name is not None and not self._names_owner(name, owner):
                return name  # (the owner named is no one "him" could be: look further back)
        return None

    def _names_owner(self, name: str, owner: Speaker) -> bool:
        """Whether ``name`` is the owner's: their name, or their family name after a title ("Mr Osei")."""
        named = self._names.resolve(name)
        if named is not None:
            return named.participant == owner.participant
        titled = references.HONORIFIC_NAME.fullmatch(name)
        return titled is not None and fold(name.split()[-1]) == fold(owner.display_name.split()[-1])

    def _recent_agenda(self, speaker: Speaker, entry: int) -> str | None:
        """AGENDA_ITEM: the ticket just announced by someone else, taken at most once."""
        agenda = self._agenda
        if agenda is None or entry - agenda[2] > PROPOSAL_WINDOW or agenda[1] == speaker.participant:
            return None
        self._agenda = None
        return agenda[0]

    def _is_participant(self, name: str) -> bool:
        return self._names.resolve(name) is not None

    def _other_of_two(self, speaker: Speaker) -> Speaker | None:
        return next((person for person in self._pair if person.participant != speaker.participant), None)

    def _vocatives(self, sentences: list[_Sentence], speaker: Speaker) -> list[tuple[int, Speaker | None]]:
        """Whom the entry speaks to by name: (sentence index, participant, or None for a
        name that is no participant's, such as a phone caller's "Rob")."""
        found: list[tuple[int, Speaker | None]] = []
        for index, sentence in enumerate(sentences):
            body = sentence.body
            named = self._names.find(body) if sentence.named else ()
            for start, end, person in named:
                if person.participant == speaker.participant:
                    continue
                after = body[end:]
                before = body[:start].strip()
                at_start = not before or re.fullmatch(r"(?:and|so|hey|okay|ok|oh|also|then|but|right|alright|great),?",
                                                      before, re.IGNORECASE) is not None
                if at_start and re.match(r"\s*[,:]|\s+(?:I\s+think\s+)?you\b", after, re.IGNORECASE):
                    found.append((index, person))  # "Bob, could you…", "Kevin I think you still owe yours"
                elif before.endswith(",") and _AFTER_A_VOCATIVE.match(after):
                    found.append((index, person))  # "…by Friday, Peter.", "…from that one, Mei, if that helps."
            if not found or found[-1][0] != index:
                unknown = re.match(r"^(?:(?:so|and|hey|okay|ok|oh|also|then|but),?\s+)?([A-Z][a-z]+),\s+(?=\w)", body)
                if unknown and unknown.group(1).lower() not in rules.NOT_NAMES \
                        and self._names.resolve(unknown.group(1)) is None \
                        and rules.request_task(body, sentence.wordset) is not None:
                    found.append((index, None))
        return found

    def _request_in(self, sentence: _Sentence, index: int, vocatives: list[tuple[int, Speaker | None]],
                    speaker: Speaker, entry: int, before: str = "") -> bool:
        """A request, open request or offer made in this sentence (True: it was one).
        ``before``: the entry's words before the sentence."""
        if not sentence.may_ask:
            return False
        if sentence.question or "please" in sentence.wordset:
            for pressed in self._requests:  # asked again after a hedge ("Please, it matters. Can you?"): open to a yes
                if pressed.requester == speaker.participant:
                    pressed.hedged = False
        body = sentence.body
        offer = rules.OFFER.match(body)
        topic = None
        if offer is None and sentence.named and (name := _LEADING_NAME.match(body)) is not None \
                and self._names.resolve(name.group(1)) is not None:
            offer = rules.OFFER.match(body[name.end():])  # "Zofia, do you want me to do a reference check?"
            topic = name.group("topic")  # "Helen, on the forecast, do you want me to look it over?"
        if offer:
            raw = offer.group("t") or offer.group("t2") or offer.group("t3") or ""
            pointing = references.pointed(raw) if topic else None
            if pointing is not None and topic is not None:
                raw = f"{raw[: pointing.start()]}{topic}{raw[pointing.end():]}"
            if "if" in sentence.wordset:
                raw = rules.WHETHER_IF.sub(r"\1 whether", raw)  # "should I ask her if we can…?" asks, on no condition
            if re.search(r"\bor\b", raw, re.IGNORECASE) or _PERFECT.match(raw) or rules.conditional(" " + raw):
                # "should I send it or does that go through you?": a choice, not an offer;
                # "should I have escalated earlier?": about the past; "want me to join that
                # call if you get it?": a contingency.
                return True
            task, due = self._task(rules.TASK_LEAD.sub("", raw))  # "shall I go ahead and book…"
            if task and not rules.is_chatter(task) and rules.shape(task) != "anaphoric" \
                    and not self._in_the_call("", raw, words=sentence.wordset):  # "should I demo the new filter?": the call itself
                self._open(_Request(speaker.participant, task, due, entry, entry, asker=speaker, offer_by=speaker,
                                    next_speaker_only=True))
            return True
        if re.match(r"(?:can|could|may)\s+I\b", body, re.IGNORECASE):
            return False  # asking permission ("Can I ask one live?") asks nothing of anyone
        addressed_to = [person for position, person in vocatives if position == index]
        asked = rules.request_task(body, sentence.wordset)
        if asked is None and addressed_to:
            addressed = rules.ADDRESSED_REQUEST.search(body)  # "Amara, you'll own…?", "Gabriel, you'd present?"
            if addressed is None:
                addressed = rules.ADDRESSED_IMPERATIVE.search(body)  # "Sofia, just send me the file."
            asked = (addressed.group("t") or addressed.groupdict().get("t2")) if addressed else None
        asked_anyone = rules.open_request_task(body, sentence.wordset) if asked is None else None
        if asked is None and asked_anyone is None:
            return self._imperative_in(sentence, speaker, entry, before)
        raw = asked if asked is not None else asked_anyone or ""
        if re.match(r"(?:not|never)\b", raw, re.IGNORECASE):
            return False
        if "if" in sentence.wordset and raw and _IF_FIRST.search(body, 0, max(0, body.find(raw))):
            # "Nadia, if Aisha says yes, …you'd need to do the loan form": asked only if something
            # else happens first, like a conditional promise (but "if you can, could you…" asks).
            return True
        said_to = body[: max(0, body.find(raw))]
        listed = {person.participant for _, _, person in self._names.find(said_to)
                  if person.participant != speaker.participant} if sentence.named and asked is not None else set()
        addressed_group = rules.GROUP_ADDRESS.search(f"{said_to} {raw[:12]}") if asked is not None else None
        if addressed_group is not None and len(listed) < 2 \
                and f"your {addressed_group.group(0).lower()}" not in body.lower():
            # "Could you all review the doc?": asked of the group, no one's item ("can your guys
            # do the temp log?" asks the one named, for their team)
            return True
        raw = _EACH.sub("", raw)  # "Bob, Carol, can you each send me your rota": each sends theirs
        raw = re.sub(r",?\s+or\s+(?:should|shall|do|can|will)\s+I\b.*$", "", raw, flags=re.IGNORECASE)
        raw = rules.TASK_LEAD.sub("", raw)  # "would you be able to review…"
        task, due = self._task(rules.strip_vocative(raw, self._names))
        if task and (rules.is_chatter(task) or (sentence.question and rules.PERCEPTION.match(task))
                     or self._in_the_call("", raw, asked=True, words=sentence.wordset)):
            return True  # "can you hear me?", "could you walk us through it?": the call itself
        do_that = rules.DO_THAT.match(task) if task else None
        if do_that is not None:
            # "I was going to add dashboards for hit rate…" "Can you do that as part of the
            # implementation?": the work just named, with what the request adds to it.
            named = self._recent_proposal(entry, consume=True)
            if named:
                task = f"{named}{do_that.group('rest')}"
        referring = rules.REFERRING.match(task) if task and rules.shape(task) == "referring" else None
        if referring is not None and referring.group("pron").lower() in ("that", "it", "this") \
                and task.split()[0].lower() not in rules.GENERIC_VERBS \
                and (named := self._recent_proposal(entry, consume=True)):
            # "We should do a seniors' rate." … "Tariq, set that up on Eventbrite?": the request's
            # verb and place, the proposal's object.
            task = rules.substitute(task, named)
        elif task and (rules.shape(task) != "anaphoric" or references.POINTED_BOTH.search(task)
                       or references.handing_those(task)):
            # "the flaky checkout tests… Could you pair with Mei on those?", "Marcus, the
            # webhook one, can you pair with Ana on it?" (POINTED_OBJECT); "both" only ever
            # stands for two things just named together, so "upgrade both" is resolved too.
            lead = body[: max(0, body.find(raw))] if raw else ""
            task = self._resolve_pointed(task, entry, f"{before} {lead}".strip())
        if self._handed_on is not None and self._handed_on[1] == entry and (
                not task or rules.shape(task) == "anaphoric" or references.pointed(task) is not None):
            task = self._handed_on[0]  # BROKEN_OFF: "I'll book the back room — actually, Becca, can you book it?"
        if task and rules.shape(task) == "anaphoric":
            # "Then Dana, could you do it?": the request just declined, or what "we should" do.
            earlier = next((old.task for old in reversed(self._requests)
                            if old.requester == speaker.participant and old.task and old.offer_by is None), None)
            task = earlier or self._recent_proposal(entry, consume=True) or task
        if task and rules.shape(task) == "anaphoric" and (match := references.pointed(task)) is not None:
            # SUBJECT_TOPIC in the asker's own turn: "Lucía, your scorecard isn't in Greenhouse
            # yet. Could you submit it?"
            plural = references.many(match)
            topic = references.subject_topic(before, plural)
            if topic is None and (previous := self._said_in(entry - 1)) is not None:
                # TURN_TOPIC: "The signup link on the website is broken, it goes to the old
                # form. We've lost signups for a week." "Oh no. Can you fix it?"
                topic = references.turn_topic(previous, plural)
            if topic is None:  # "And sixth, the expiry drill." … "Who wants it?"
                topic = self._topic_fragment(entry, plural)
            if topic is not None:
                task = f"{task[: match.start()]}the {topic}{task[match.end():]}"
        # The nearest name said to someone, but never one the request itself names as its
        # object ("Can you send those to Kim? And Kim, you take over the claim?").
        named_in_task = {person.participant for _, _, person in self._names.find(body)} \
            if sentence.named and any(position != index for position, _ in vocatives) else set()
        nearest = [person for position, person in sorted(vocatives, key=lambda pair: abs(pair[0] - index))
                   if position == index or person is None or person.participant not in named_in_task][:1]
        people = addressed_to or nearest
        if len(listed) > 1 and task:
            # EACH_OF_YOU: "Bob, Carol, can you both review the draft?" "Sure." "Yes.": asked of
            # the people named, an item for each of them who says yes.
            self._open(_Request(speaker.participant, task, due, entry, entry, asker=speaker, addressees=listed, each=True))
        elif asked is None:
            self._open(_Request(speaker.participant, task, due, entry, entry, asker=speaker, volunteers_only=True))
        elif people and people[0] is not None:
            self._open(_Request(speaker.participant, task, due, entry, entry, asker=speaker,
                                addressees={people[0].participant}))
        elif people:  # a name that is no participant's ("Rob" on the phone): whoever answers
            self._open(_Request(speaker.participant, task, due, entry, entry, asker=speaker))
        elif sentence.question and task:
            self._open(_Request(speaker.participant, task, due, entry, entry, asker=speaker, next_speaker_only=True))
        elif task and task.split()[0].lower() in _ORDER_VERBS and (listener := self._addressee(speaker, entry)) is not None:
            # "Please put it in the facility's issue log.": a request of work said to no name and
            # not asked is an order to whoever spoke just before, like PLAIN_IMPERATIVE ("Please
            # remember to submit your timesheets" is a reminder to all).
            self._open(_Request(speaker.participant, task, due, entry, entry, asker=speaker,
                                addressees={listener.participant}, next_speaker_only=True, ordered=True))
        return True

    def _imperative_in(self, sentence: _Sentence, speaker: Speaker, entry: int, before: str) -> bool:
        """PLAIN_IMPERATIVE: an order with no name, to whoever spoke just before; open only
        for their next turn, and taken only by "will do", "on it" or a promise (not "okay")."""
        ordered = rules.IMPERATIVE.match(sentence.body) if not sentence.question else None
        listener = self._addressee(speaker, entry)
        if ordered is None or listener is None or rules.REACH_ME.match(ordered.group("t")):
            return False  # "Call me either way", "ping me if it drops": how to reach the speaker
        said = ordered.group("t")
        task, due = self._task(said[0].lower() + said[1:])
        if not task or rules.is_chatter(task) or self._in_the_call("", ordered.group("t"), asked=True, words=sentence.wordset):
            return False
        self._open(_Request(speaker.participant, self._resolve_pointed(task, entry, before), due, entry, entry,
                            asker=speaker, addressees={listener.participant}, next_speaker_only=True, ordered=True))
        return True

    def _proposal_in(self, sentence: _Sentence, entry: int) -> None:
        """"We should really have a runbook for pool exhaustion": what a later "I can take
        that" or "could you take that one?" refers to."""
        raw = None
        if sentence.may_propose:
            proposal = rules.PROPOSAL_ASKED.match(sentence.body) if sentence.question else rules.PROPOSAL.search(sentence.body)
            raw = proposal.group("t") if proposal else rules.open_request_task(sentence.body, sentence.wordset)
        if raw is None and sentence.may_decide:
            decision = rules.DECISION.search(sentence.body)
            if decision and not sentence.question:
                raw = sentence.body[decision.end():]
        if not raw or _PERFECT.match(raw):
            return  # "we should have flagged it sooner": regret about the past, nothing to take on
        task, _ = self._task(raw)
        if task and rules.shape(task) != "anaphoric" and len(content_words(task)) >= 2 and not rules.is_chatter(task):
            self._proposals.append((task, entry))
            del self._proposals[:-3]

    def _intention_in(self, sentence: _Sentence, entry: int) -> None:
        """"I was going to add dashboards for hit rate and staleness, but I haven't started":
        no promise, but what a later "can you do that?" or "I'll do it" points to."""
        intention = rules.INTENTION.search(sentence.body)
        if intention is None or sentence.question:
            return
        task, _ = self._task(intention.group("t"))
        if task and rules.shape(task) == "full" and len(content_words(task)) >= 2 and not rules.is_chatter(task):
            self._proposals.append((task, entry))
            del self._proposals[:-3]

    def _recent_proposal(self, entry: int, consume: bool = False) -> str | None:
        for position in range(len(self._proposals) - 1, -1, -1):
            task, said = self._proposals[position]
            if entry - said <= PROPOSAL_WINDOW:
                if consume:  # taken: a later "on it" cannot take it again
                    del self._proposals[position]
                return task
        return None

    def _open(self, request: _Request) -> None:
        # The same request again (asked twice, or rephrased) replaces the one before.
        self._requests = [old for old in self._requests if not (
            old.requester == request.requester and old.addressees == request.addressees
            and rules.similar(frozenset(content_words(old.task)), frozenset(content_words(request.task))))
            and not (old.ordered and old.entry == request.entry)]
        self._requests.append(request)
        del self._requests[:-MAX_OPEN_REQUESTS]
        self._last_asked = max(self._last_asked, request.entry)

    def _expire(self, entry: int) -> None:
        if self._requests:
            self._requests = [request for request in self._requests
                              if entry - request.last_activity <= REQUEST_WINDOW]

    @staticmethod
    def _may_answer(request: _Request, speaker: Speaker) -> bool:
        if speaker.participant == request.requester or speaker.participant in request.taken_by:
            return False
        return not request.addressees or speaker.participant in request.addressees or request.open_to_volunteers

    def _answer_requests(self, line: TranscriptLine, sentences: list[_Sentence],
                         commitments: list[_Commitment | None], entry: int, consumed: set[int],
                         made: list[_Item]) -> bool:
        """Whether this entry takes on a request or an offer that waits for it."""
        speaker = line.speaker
        waiting = [request for request in self._requests if self._may_answer(request, speaker)]
        if not waiting or not sentences:
            return False
        first = re.sub(r"^(?:um+|uh+|oh|hmm+)[,.]?\s*", "", sentences[0].text, flags=re.IGNORECASE)
        whole = " ".join(sentence.text for sentence in sentences)
        others = [person for _, _, person in self._names.find(whole) if person.participant != speaker.participant]
        latest_asked = self._last_asked  # the latest request, even one answered since
        taken_at: int | None = None  # the entry whose request this reply took on
        taken: list[tuple[int, str, date | None, bool, bool]] = []
        for request in reversed(waiting):  # the latest request first: replies answer the last question
            if taken_at is not None and (request.entry != taken_at or request.offer_by is not None):
                continue  # "Bob, can you draft the notes? And book the room?" "Sure.": both, nothing older
            if request.next_speaker_only and entry != request.entry + 1 and not (
                    self._last_speaker == request.requester and entry - request.last_activity <= 1):
                self._requests.remove(request)
                continue
            if request.offer_by is not None:
                self._requests.remove(request)
                if any(other.offer_by is not None and other.offer_by.participant == request.offer_by.participant
                       and other.entry == request.entry for other in waiting[: waiting.index(request)]):
                    # "Want me to redo that empty state? I can do something friendlier with the
                    # illustration." "Yes please.": one offer, then how; the yes takes the first.
                    continue
                mine = next((c for c in commitments if c is not None), None)
                if rules.NO.match(whole.strip()) and mine is not None and mine.shape == "anaphoric" \
                        and request.offer_by.participant != speaker.participant:
                    # Rule DO_IT_MYSELF for offers: "Should I also ask the program officer?" "No,
                    # let me do that one, I have the relationship": the one asked takes it on.
                    self._add_item(speaker, request.task, line.offset, mine.due or request.due, entry, made)
                    consumed.add(mine.index)
                    continue
                if rules.AFFIRM.match(first) and not rules.DECLINE.search(first):
                    before = len(made)
                    # "I can send you our reference config." "Yes please.": "you" took it up.
                    task = rules.personal(request.task, me=None, you=speaker)
                    how = next((later.task for later in waiting[waiting.index(request) + 1:]
                                if later.offer_by is not None and later.entry == request.entry
                                and later.offer_by.participant == request.offer_by.participant
                                and (pointing := rules.REFERRING.match(later.task)) is not None
                                and pointing.group("pron").lower() in ("it", "them", "that", "those", "these")), None)
                    if how is not None:
                        # "Want me to write up a comparison doc? I can put it under PLAT-2304, with
                        # the cost numbers." "Yes please.": the offer, and where "it" will go.
                        task = clip(f"{task} and {rules.personal(how, me=None, you=speaker)}", TASK_LIMIT)
                    self._add_item(request.offer_by, task, line.offset, request.due, entry, made)
                    if len(made) > before and made[-1].sequence == self._sequence:
                        made[-1].offered = True
                continue
            redirected = [person for person in others if person.participant != request.requester]
            # "Honestly, no." declines as plainly as "No."
            declined = rules.DECLINE.search(first) is not None or rules.DECLINE.match(rules.LEAD.sub("", first)) is not None
            commitment = next((c for c in commitments if c is not None), None)
            # A reply that takes the work on itself ("I can get one of them to translate it,
            # Sofia, just send me the file") is no redirection, whoever else it names.
            if redirected and (declined or (commitment is None and not rules.ACCEPT.match(first))
                               or self._assigns(whole)):
                # "Not me… Arjun wrote most of it", "Maybe Dana?": the one named may take it.
                request.addressees = {person.participant for person in redirected} | (
                    request.addressees - {speaker.participant})
                request.last_activity = entry
                request.next_speaker_only = False
                continue
            refused_before = speaker.participant in request.declined_by
            # Only a "no" (now or before) asks whether the reply's own work is other work.
            other_work = (declined or refused_before) and _other_work(commitment, request.task)
            if refused_before and (commitment is None or other_work):
                continue  # "No, not in my scope." … "I can look at the wall": other work, not a change of mind
            if declined and (commitment is None or other_work or rules.DECLINE.search(sentences[commitment.index].text)):
                # (COUNTER_OFFER: "No, sorry, that's not in my scope. I can check the openings
                # in the slab once he has the sizes": declined; the other work is an item of its own.)
                request.declined_by.add(speaker.participant)
                request.last_activity = entry  # "I can't this week": it may still be agreed
                request.next_speaker_only = False
                if speaker.participant in request.addressees:
                    request.open_to_volunteers = True  # …or taken on by someone else
                elif not request.addressees:
                    request.addressees = {speaker.participant}  # asked of whoever answered: of them
                    request.open_to_volunteers = True
                continue
            if commitment is not None and commitment.shape == "full" and request.task and not request.next_speaker_only \
                    and (request.volunteers_only or (request.addressees and speaker.participant not in request.addressees)) \
                    and self._elsewhere(commitment.task, self._said_in(request.entry) or request.task):
                # Rule OWN_TOPIC: "Somebody should update the outage map." … "On the contract crews.
                # I'm going to do the safety stand-down with them Monday.": a promise about other
                # work, by someone no one asked, takes nothing on; it is an item of its own.
                continue
            volunteered = commitment is not None
            volunteer_only = request.volunteers_only or (
                bool(request.addressees) and speaker.participant not in request.addressees)
            if volunteer_only and not volunteered:
                continue
            if request.ordered and not volunteered \
                    and not any(rules.ANAPHORIC_CUE.match(rules.LEAD.sub("", said.body)) for said in sentences):
                # An order with no name is taken by "will do", "on it", "I'll…", not "okay"
                # (anywhere in the reply: "Yep, Friday. Will do.").
                continue
            if not volunteered and self._acknowledges(speaker, entry) and request.entry < entry - 1:
                continue  # a bare yes to the assignment just made, not to an older request
            if not volunteered and request.entry < latest_asked:
                # "Could you waive the fee?" "I can't." … "Would you move to net-30?" "Let me
                # check." "Totally fair.": a bare yes answers the latest request, not an older one.
                continue
            if not volunteered and request.hedged:
                continue
            if not volunteered and (rules.HEDGED.search(first) or rules.HEDGE_TAIL.search(first)
                                    or rules.conditional(" " + first)):
                # "I'll try to…", "I can try, but no promises", "Sure, if Carol sends me the
                # numbers": neither yes nor no; the request stays open.
                request.hedged = True
                continue
            delivered = rules.DELIVERY_REPLY.search(whole) if request.delivery_only else None
            if request.delivery_only and delivered is None:
                self._requests.remove(request)  # "I want a written RCA." "Fair enough.": no one said they'd send it
                continue
            if not (rules.ACCEPT.match(first) or volunteered or delivered):
                if request.next_speaker_only:
                    self._requests.remove(request)
                continue
            more = commitment is not None and commitment.index > 0 and _BARE_YES.fullmatch(first) is not None \
                and _ALSO_START.match(sentences[commitment.index].text) is not None and _other_work(commitment, request.task)
            if more:
                # Rule YES_AND_MORE: "Aisha, can you merge the Safari tickets?" "Sure. And I'll put a
                # macro together.": the yes takes the request as asked; the rest is an item of its
                # own, never a rewording of it ("Sure. And I'll book the caterer").
                commitment = None
            # "Sure, by Thursday."; "Understood. You'll have it by Wednesday."
            reply_date = self._dates.first(whole[delivered.start():] if delivered else sentences[0].text)
            task, due = self._accepted_task(request, commitment, reply_date.due if reply_date else None)
            if request.each:  # EACH_OF_YOU: still open for the others asked
                request.taken_by.add(speaker.participant)
                request.last_activity = entry
            else:
                self._requests.remove(request)
            self._proposals = [proposal for proposal in self._proposals if proposal[0] != request.task]
            if commitment is not None:
                consumed.add(commitment.index)
            if task:
                # "send me your notes" was said by the one who asked, and so was "you" in
                # "I'll send it to you": name them, as everyone reads the card.
                # Taken on with no words of its own ("Sure.", "I'll do it"): the request's words.
                bare = commitment is None or commitment.shape == "anaphoric"
                taken.append((waiting.index(request), rules.personal(task, me=request.asker, you=request.asker), due,
                              bare and task == request.task and not more, commitment is not None and commitment.signed))
                taken_at = request.entry
                commitments = [None] * len(commitments)  # the reply's own words went to this one
        for _, task, due, asked, signed in sorted(taken, key=lambda found: found[0]):  # in the order they were asked
            before = len(made)
            self._add_item(speaker, task, line.offset, due, entry, made)
            if asked and len(made) > before:
                made[-1].asked = True
            if signed and len(made) > before:
                made[-1].adopted = made[-1].signed = True
        return taken_at is not None

    def _acknowledges(self, speaker: Speaker, entry: int) -> bool:
        """Whether this turn answers work just given to the speaker by name ("Amara will do
        Lena's induction by Wednesday." "Yep, no problem.")."""
        return self._assigned is not None and self._assigned == (speaker.participant, entry - 1)

    def _said_in(self, entry: int) -> str | None:
        """The words of a recent entry (a request's whole turn, not only its task)."""
        return next((text for text, said in self._recent_texts if said == entry), None)

    @staticmethod
    def _elsewhere(promised: str, asked: str) -> bool:
        """Whether a promise names work of its own (two words or more that are no generic
        verb) sharing no word with what was asked."""
        own = rules.stems(frozenset(content_words(promised))) - rules.GENERIC_VERBS
        return len(own) >= 2 and own.isdisjoint(rules.stems(frozenset(content_words(asked))) - rules.GENERIC_VERBS)

    @staticmethod
    def _accepted_task(request: _Request, commitment: _Commitment | None,
                       reply_due: date | None) -> tuple[str, date | None]:
        """The task of an accepted request: the reply's own words when they say more than
        "I'll do it", the request's otherwise; a date in the reply wins."""
        asked = request.task
        if commitment is None or not commitment.task:
            return asked, (commitment.due if commitment else None) or reply_due or request.due
        reply = commitment.task
        due = commitment.due or request.due
        if commitment.signed:
            return reply, due  # "Somebody has to design the payload." "Put me down for the microcopy."
        if not asked or rules.shape(asked) == "anaphoric":
            return (reply if commitment.shape != "anaphoric" else ""), due
        reply_verb, asked_verb = reply.split()[0].lower(), asked.split()[0].lower()
        if reply_verb == asked_verb or reply_verb in rules.GENERIC_VERBS:
            # "Could you go to Kisumu for the photos?" "I'll take the photos on Tuesday, at the
            # two schools and the kiosk": a reply that says more, in words of its own, wins.
            # Only about the same thing ("grab lunch early" in the same breath is not it), and
            # not "have the truck there at eight", which says when, not what.
            said, wanted = set(content_words(reply)), set(content_words(asked))
            extra = said - wanted - rules.GENERIC_VERBS
            # ("I'll send them our standard DPA": "them" is whom it goes to; the reply still names it.)
            names_it = commitment.shape == "full" or (commitment.shape == "referring"
                                                      and _POINTING_WORD.search(reply) is None)
            if names_it and reply_verb != "have" and len(extra) >= 2 \
                    and not (said & wanted).issubset(rules.GENERIC_VERBS):
                more = _AND_MORE.search(asked)
                if more is not None and said.isdisjoint(content_words(more.group("more"))):
                    # "Can you call the client and get instructions on the counter-offer?" "I'll
                    # call Mele at Tasman this afternoon": whom, from the reply; the rest, asked.
                    return clip(f"{reply} and {more.group('more')}", TASK_LIMIT), due
                return reply, due
            if reply_verb == asked_verb and commitment.shape == "referring" and len(extra) >= 2 \
                    and rules.REFERRING.match(reply):
                # "Hannah, could you write the variance explanation?" "I'll write it up and drop it
                # in the shared draft": the request's object, with where the reply puts it.
                return clip(rules.substitute(reply, asked), TASK_LIMIT), due
            adjunct = rules.ADJUNCT_OF_IT.match(reply) if reply_verb in rules.GENERIC_VERBS else None
            if adjunct is not None and extra - rules.THE_CALL_ITSELF:
                # Rule SAID_HOW: "Can you release the advance by Friday?" "Friday is difficult…
                # I'll do it in Thursday's run": the request, and how the reply will do it.
                return clip(f"{asked} {adjunct.group('adjunct')}", TASK_LIMIT), due
            return asked, due
        if rules.REFERRING.match(reply):
            # "write it up" to "please put your written feedback into the system":
            # the reply's verb, the request's object.
            return rules.substitute(reply, asked), due
        own = frozenset(content_words(reply)) - rules.GENERIC_VERBS - frozenset([reply_verb])
        if commitment.shape == "full" and len(content_words(reply)) >= 2 and not own <= frozenset(content_words(asked)):
            return reply, due
        # "Can you prepare the plan for the certificate rotation?" "I'll send the plan on
        # Monday.": the reply names nothing the request did not; the request says what it is.
        return asked, due

    def _assignments_apart(self, body: str) -> list[str]:
        """``body`` cut before each ", and <name> will/owns…" that assigns work of its own."""
        if " and " not in body:
            return [body]
        cuts = [joined.start() for start, end, _ in self._names.find(body)
                if (joined := _AND_BEFORE.search(body, 0, start)) is not None and joined.start() > 0
                and rules.THIRD_PERSON.match(body[end:])]
        if not cuts:
            return [body]
        bounds = [0, *cuts, len(body)]
        return [_AND_BEFORE_START.sub("", body[a:b]).strip(" ,") for a, b in itertools.pairwise(bounds)]

    def _assigns(self, text: str) -> bool:
        return any(rules.THIRD_PERSON.match(text[end:]) for _, end, _ in self._names.find(text))

    # -- third-person assignments ----------------------------------------------------------
    def _assignment_in(self, sentence: _Sentence, line: TranscriptLine, entry: int) -> bool:
        """"Carol will own the payment methods migration", "action item for Bob: …"."""
        if not sentence.named or not _ASSIGNMENT_HINT.search(sentence.lower):
            return False
        body = sentence.body
        parts = self._assignments_apart(body)
        if len(parts) > 1:
            # "Chidi will own the staged rollout, and Rahul owns the phased release": two.
            made = [self._assignment_in(self._sentence(part, sentence.after_so), line, entry) for part in parts]
            return any(made)
        asking = False
        if sentence.question:
            # "Lukas will do a walkthrough with you on Wednesday, if that works, Lukas?": an
            # assignment put as a question is a request to the person named; a real question
            # ("Will Bob own it?") is neither.
            tagless = rules.strip_tag_question(rules.strip_vocative(body, self._names) + "?")
            if tagless.endswith("?"):
                return False
            body, asking = tagless.rstrip("."), True
        for start, end, person in self._names.find(body):
            before, after = body[:start], body[end:]
            match = rules.THIRD_PERSON.match(after)
            if match is None and rules.ACTION_FOR.search(before):
                match = re.match(r"\s*[:,]?\s*(?P<t>.+)", after)
            if match is None and rules.NOTE_HEADER.fullmatch(before) and re.match(r"\s+to\s+(?=[a-z])", after):
                match = re.match(r"\s+to\s+(?P<t>.+)", after)  # "Action items: Bob to send the invoice"
            if match is None:
                continue
            lead = rules.LEAD.sub("", before)
            if rules.BAD_PREFIX.search(lead) or rules.QUESTION_START.match(body):
                return False
            if self._in_the_call(before, match.group("t"), words=sentence.wordset):
                return False  # "Next, Carol is going to present the Q3 numbers": the talk
            # "I think Carol is going to take it", "Carol will probably send it": a guess about
            # what someone will do, not an assignment (EPISTEMIC_HEDGE); nor a habit (HABITUAL).
            cue = after[: match.start("t")]
            if _PREDICTION.search(cue) or rules.habitual(lead, cue):
                return False
            if rules.HEDGE_BEFORE.search(lead):
                # "I think Grace will own the reopening plan. Is that alright, Grace?": a guess,
                # or a proposal; the one named makes it theirs by saying yes.
                asking = True
            raw = match.group("t").strip(" ,:")
            then = _AND_THEN_THEY.search(raw)
            if then is not None and rules.is_chatter(raw[: then.start()].strip(" ,")):
                # "Rachel will be your single point of contact, and she'll set up a daily
                # check-in with your team": the role is no task, what she'll do is.
                raw = then.group("t").strip(" ,:")
            if re.match(r"(?:need|have|want)\s+to\b", raw, re.IGNORECASE) or rules.FUTURE_PROGRESSIVE.match(raw):
                # "Carol will have to approve the budget": a requirement, not an assignment;
                # "Carol will be presenting at the all hands": FUTURE_PROGRESSIVE.
                return False
            raw = rules.TASK_LEAD.sub("", raw)
            verb = match.groupdict().get("ing") or match.groupdict().get("s")
            if verb:
                raw = f"{rules.ASSIGNED_VERB[verb.lower()]} {raw}"  # "Tane owns the cleanup": own the cleanup
            elif match.groupdict().get("got"):
                raw = f"do {raw}"  # "Chris, you've got the casting call": do the casting call
            if rules.NOT_A_TASK.match(raw) or rules.conditional(" " + raw):
                return False  # "Carol will only do it if we freeze the schema": a contingency
            task, due = self._task(raw)
            if task and rules.shape(task) == "anaphoric" and references.pointed(task) is not None:
                # "I'm leaning towards the extra round. … And Kevin will run it": what "it"
                # is, looked for as in a promise (POINTED_OBJECT).
                said_before = line.text[: max(0, line.text.find(sentence.text))]
                task = self._resolve_pointed(task, entry, f"{said_before} {before}".strip())
            if not task or rules.is_chatter(task) or rules.shape(task) == "anaphoric" or rules.NOT_A_VERB.match(task):
                return False
            if asking:
                self._open(_Request(line.speaker.participant, task, due, entry, entry, asker=line.speaker,
                                    addressees={person.participant}))
                return True
            self._add_item(person, task, line.offset, due, entry, [])
            self._assigned = (person.participant, entry)
            # "Ben, can you get the numbers into the template?" "I can't…" "Jamal will fold
            # the numbers into the template then": the assignment settles that open request.
            assigned = frozenset(content_words(task)) - rules.GENERIC_VERBS
            self._requests = [request for request in self._requests
                              if person.participant not in request.addressees and not request.open_to_volunteers
                              or assigned.isdisjoint(content_words(request.task))]
            return True
        return False

    # -- items ---------------------------------------------------------------------------
    def _add_item(self, owner: Speaker, task: str, said_at: timedelta, due: date | None, entry: int,
                  made: list[_Item], weak: bool = False) -> None:
        recent = [text for text, said in reversed(self._recent_texts) if entry - said <= 3]
        task = self._name_third_person(task, entry, owner)
        if " one" in task:
            task = references.one_named(task, recent[1:])  # the turns before this one
        task = clip(references.fuller_object(task, recent), TASK_LIMIT)
        # Whichever way the item came (a promise, an accepted request, an assignment), the
        # same words are never work: the call itself, small talk, a someday intention.
        if not task or rules.is_chatter(task) or rules.is_vague(task):
            return
        if rules.shape(task) == "anaphoric" or rules.DELIVERY.match(task) or rules.NOT_A_VERB.match(task):
            # "take it", "own that", "have all of it in": no one reading the card could tell
            # what was taken on; "going to Kisumu" is a trip.
            return
        new_words = frozenset(content_words(task))
        # The same promise said again names its recipient or not ("I'll have it to you",
        # "I'll get the memo to Diane"): participants' names do not tell two tasks apart.
        # …and "draft the release notes" is "get the release notes drafted": word forms do not either.
        bare = rules.stems(new_words - self._people_words)
        for item in self._items:
            if item.owner.participant != owner.participant \
                    or not rules.similar(rules.stems(item.words - self._people_words), bare):
                continue
            # The same promise again ("to recap, Bob sends the deck"): one item, the first,
            # in its more specific wording, with any date said later.
            if new_words > item.words and not weak:
                item.task, item.words = task, new_words
            if item.due is None:
                item.due = due
            item.weak = item.weak and weak
            made.append(item)
            self._last_item[owner.participant] = item
            return
        if sum(1 for item in self._items if not item.weak) >= MAX_ACTION_ITEMS:
            return
        self._sequence += 1
        item = _Item(owner, task, said_at, due, entry, self._sequence, weak=weak, words=new_words)
        self._items.append(item)
        made.append(item)
        self._last_item[owner.participant] = item

    def _withdraw_offer(self, speaker: Speaker, entry: int, sentence: _Sentence) -> None:
        """Rule OFFER_HEDGED: "Should I post something to support?" "Yeah, I think that'd be
        good." "Okay, I'll probably post something in support-ops, let's see how late it
        is.": the one who offered, hedging the same work in their own words, has not
        promised it."""
        item = self._last_item.get(speaker.participant)
        if item is None or not item.offered or entry - item.entry > FOLLOW_UP_WINDOW:
            return
        said = rules.stems(frozenset(sentence.content)) - rules.GENERIC_VERBS
        if not said.isdisjoint(rules.stems(item.words) - rules.GENERIC_VERBS):
            self._discard(item)

    def _discard(self, item: _Item) -> None:
        if item in self._items:
            self._items.remove(item)
        if self._last_item.get(item.owner.participant) is item:
            del self._last_item[item.owner.participant]

    def _task(self, raw: str, before: str = "") -> tuple[str, date | None]:
        """A task from the words after a cue: the main clause without its date phrase,
        and the date (from the clause, or else from ``before``, the words before the cue
        ("Tomorrow I'll send…"), or else from the rest of the sentence)."""
        text = rules.WHETHER_IF.sub(r"\1 whether", raw.strip(" ,:;"))
        if _REPEATED.search(text):
            text = _REPEATED.sub(r"\g<w>", text)  # "off the, the Toast menu", "by, um, by Monday": said twice while thinking
        clause = rules.CLAUSE.search(text)
        main, rest = (text[: clause.start()], text[clause.start():]) if clause else (text, "")
        purpose = _PURPOSE_KEPT.match(rest) if rest else None
        if purpose is not None:
            following = rules.CLAUSE.search(rest, purpose.end())
            kept = rest[: following.start()] if following else rest
            if len(kept.split()) <= 10:
                main, rest = main + kept, rest[len(kept):]
        found = self._dates.find(main)
        for phrase in reversed(found):  # cut from the end, so earlier spans stay valid
            if main[phrase.end: phrase.end + 2] == "'s" or _NAMES_A_THING.match(main, phrase.end) \
                    and _THE_BEFORE.search(main, 0, phrase.start):
                # "on Wednesday's vendor call", "do the Saturday pickup": the day names the
                # thing and stays part of the words (the date is still the due date)
                continue
            start = phrase.start
            paused = _PAUSED_PREPOSITION.search(main, 0, start)
            starting = _STARTING.search(main, 0, start)
            if paused is not None:  # "by, um, end of next week": the hesitation left a comma behind "by"
                start = paused.start()
            elif starting is not None:  # "Ola takes it from today": no "from" left behind
                start = starting.start()
            elif phrase.due is None or _DETERMINER_LEFT.search(main, 0, start):
                # "migrate the database in the next sprint", "do the deploy on the Friday
                # morning": a time leaves no "in the", "on the" behind ("by Friday" is cut
                # whole by the date finder).
                dangling = _DANGLING.search(main, 0, start)
                if dangling is not None:
                    start = dangling.start()
            main = main[: start] + main[phrase.end:]
        concrete = next((phrase for phrase in found if phrase.due is not None), None)
        if concrete is None and before:
            concrete = self._dates.first(before)
        if concrete is None:
            concrete = self._dates.first(rest) if rest else None
        main = re.sub(r"\s+though,", ",", main)
        main = rules.REPORT_BACK_TAIL.sub("", main)  # REPORT_BACK: "look into it and get back to you"
        main = rules.strip_trailing(rules.strip_vocative(main, self._names))
        main = re.sub(r"\s{2,}", " ", re.sub(r",(?:\s*,)+", ",", re.sub(r"\s+,", ",", main))).strip(" ,").strip()  # \x1f is a space too
        return main, concrete.due if concrete else None

    # -- decisions -----------------------------------------------------------------------
    def _decisions_in(self, sentence: _Sentence, sentences: list[_Sentence], index: int, said_at: timedelta) -> bool:
        """Record the decisions a sentence states; True when it states one (even one
        already recorded)."""
        text = sentence.text
        if len(self._decisions) >= MAX_DECISIONS:
            return rules.DECISION.search(text) is not None
        stated = False
        matches = list(rules.DECISION.finditer(text))
        for number, match in enumerate(matches):
            end = matches[number + 1].start() if number + 1 < len(matches) else len(text)
            raw = re.sub(r",?\s*and$", "", text[match.end(): end].strip(" ,:;."), flags=re.IGNORECASE)
            if not content_words(raw) and index > 0 and number == 0 and not rules.LEAD.sub("", text[: match.start()]):
                # "Let's just do it this time, quarantine the flaky ones. Decision.": the
                # sentence before, without an opening clause that names nothing.
                raw = sentences[index - 1].body
                opening, comma, remainder = raw.partition(",")
                if comma and len(content_words(opening)) <= 1 and len(content_words(remainder)) >= 2:
                    raw = remainder
            if rules.DECISION_BAD.search(text[: match.end()]) or rules.DECISION_BAD.search(raw):
                continue  # "we didn't agree", "did we decide?"
            clause = rules.CLAUSE.search(raw)
            if clause and clause.start() > 0:
                raw = raw[: clause.start()]
            # "we agreed in the leadership meeting to freeze travel" → "freeze travel"
            raw = re.sub(r"^(?:(?:in|at|on|during|last|earlier|yesterday|already|all|both)\b[^,]{0,40}?\s)?(?:that|to)\s+",
                         "", raw.strip(" ,.;:"), flags=re.IGNORECASE)
            note = clip(raw[:1].upper() + raw[1:], NOTE_LIMIT) if raw else ""
            key = frozenset(content_words(note))
            if len(key) < 2:
                continue
            stated = True
            if any(rules.similar(key, seen) for seen in self._decision_words):
                continue
            self._decisions.append(Note(text=note, said_at=said_at))
            self._decision_words.append(key)
            if len(self._decisions) >= MAX_DECISIONS:
                break
        return stated

    # -- key points ----------------------------------------------------------------------
    def _consider_key_points(self, sentences: list[_Sentence], used: set[int], said_at: timedelta) -> None:
        """Keep the most informative sentences seen so far (a bounded heap)."""
        for index, sentence in enumerate(sentences):
            if index in used or sentence.question or len(sentence.body) < 30:
                continue  # promises and requests are items already; questions say nothing yet
            found = sentence.content
            if not 4 <= len(found) <= 40:
                continue
            wordset = sentence.wordset
            if not wordset.isdisjoint(_LEISURE_HINTS) and rules.LEISURE.search(sentence.body):
                continue  # small talk
            if ("if" in wordset or "wish" in wordset) and rules.HYPOTHETICAL.search(sentence.body):
                continue  # a wish is no point
            if rules.GREETING.match(sentence.body) or (sentence.may_promise and rules.STRONG_CUE.search(sentence.body)):
                continue
            score = self._intrinsic(sentence)
            if score < 1.0:
                continue  # nothing specific: no number, no name, no "the main issue"
            # The same statement again (or the same with other numbers) keeps one place in
            # the heap, so repetition cannot crowd everything else out.
            key = frozenset(found)
            twin = self._candidate_keys.get(key)
            if twin is not None:
                if score <= twin.score:
                    continue
                self._candidates.remove(twin)
                heapq.heapify(self._candidates)
            self._sequence += 1
            text = sentence.body[:1].upper() + sentence.body[1:]
            candidate = _Candidate(score, -self._sequence, text, said_at, tuple(found))
            if len(self._candidates) < KEY_POINT_CANDIDATES:
                heapq.heappush(self._candidates, candidate)
            elif candidate > self._candidates[0]:
                dropped = heapq.heapreplace(self._candidates, candidate)
                self._candidate_keys.pop(frozenset(dropped.words), None)
            else:
                continue
            self._candidate_keys[key] = candidate

    @staticmethod
    def _intrinsic(sentence: _Sentence) -> float:
        """What makes a sentence informative on its own: numbers, names of things, cues
        such as "the main issue", a decision."""
        wordset = sentence.wordset
        score = 0.0
        if not wordset.isdisjoint(_NUMBER_WORDS) or _DIGIT.search(sentence.body):
            score += 1.5
        score += 0.5 * min(2, len(rules.PROPER.findall(sentence.body)))
        if not wordset.isdisjoint(_KEY_WORDS) and rules.KEY_CUE.search(sentence.body):
            score += 1.5
        return score

    def _key_points(self) -> tuple[Note, ...]:
        """The best candidates, by what they say and how central their words are to the
        whole meeting; in transcript order; repeating neither decisions nor each other."""
        counts = self._word_counts
        rescored = []
        for candidate in self._candidates:
            unique = set(candidate.words)
            centrality = sum(math.log1p(counts[word]) for word in unique) / math.sqrt(len(unique))
            rescored.append((candidate.score + 0.5 * centrality + min(len(unique), 12) / 12, candidate))
        rescored.sort(key=lambda pair: (-pair[0], -pair[1].order))
        chosen: list[_Candidate] = []
        taken = list(self._decision_words)
        for _, candidate in rescored:
            key = frozenset(candidate.words)
            if any(rules.similar(key, other) for other in taken):
                continue
            chosen.append(candidate)
            taken.append(key)
            if len(chosen) >= MAX_KEY_POINTS:
                break
        chosen.sort(key=lambda candidate: -candidate.order)
        return tuple(Note(text=clip(candidate.text, NOTE_LIMIT), said_at=candidate.said_at) for candidate in chosen)


class ExtractiveSummarizer:
    """The default summariser: offline and deterministic (see the module docstring)."""

    name = "extractive"

    def summarize(self, lines: Iterable[TranscriptLine], context: DigestContext) -> Digest:
        digester = Digester(context)
        for line in lines:
            digester.add(line)
        return digester.finish()


# "email it to you", "send them over to Bob": a thing handed to someone.
_AND_THEN_THEY = re.compile(r",?\s+and\s+(?:he|she|they)(?:'ll|\s+will|'s\s+going\s+to|\s+is\s+going\s+to"
                            r"|'re\s+going\s+to|\s+are\s+going\s+to)\s+(?P<t>\S.*)", re.IGNORECASE)
# "I'm going to apply the macro. Done. Now I'll merge it…": the turn is doing it, live.
_LIVE_HERE = re.compile(r"\b(?:now|done|there\s+we\s+go|there\s+you\s+go|right\s+here|watch|see\s+(?:how|here))\b",
                        re.IGNORECASE)
_I_FIRST = re.compile(r"\bI\s+(?:also\s+|just\s+)?")
# "I send the report every Monday", "…on Fridays", "…weekly": a habit, in the plain present.
_EVERY = re.compile(r"\b(?:every|each)\s+\w+|\b(?:mon|tues|wednes|thurs|fri|satur|sun)days\b"
                    r"|\b(?:weekly|daily|monthly|always|usually|normally|often)\b", re.IGNORECASE)
# "…every hour tonight and call you if it goes over ninety": the act before "and <tell
# someone> … if": the condition belongs to the telling after it.
# Words after an acceptance that are a first-person sentence of their own ("…, I'll ring
# them"), not the acceptance going on ("On it with the database, Anya").
_OWN_SENTENCE = re.compile(r"(?:(?:and|so|then)\s+)?I\b")
# The plain present telling what was done: "I check the logs already on Monday", "I call
# them yesterday", "I send it last week", "two days ago".
_DONE_BEFORE = re.compile(r"\b(?:already|yesterday|ago|earlier|last\s+(?:night|week|month|time|\w+day))\b", re.IGNORECASE)
# What may follow a name said at the end of a sentence to the one it speaks to: the end, or
# a tail that adds no new subject ("…, Mei, if that helps", "…, Tom, no rush").
_AFTER_A_VOCATIVE = re.compile(r"\s*(?:[?.!]?\s*$|,\s+(?:if|when|once|as\s+soon\s+as|because|since|though|yeah|right|okay|ok"
                               r"|please|thanks|no\s+rush|no\s+worries)\b)", re.IGNORECASE)
_BEFORE_A_CONDITIONAL_ACT = re.compile(
    r"(?P<act>.+?)(?:,\s*|\s+)and\s+(?:then\s+)?(?:I'll\s+)?"
    r"(?:call|ring|phone|text|ping|message|email|tell|let|alert|page|notify|warn|flag|escalate|shout|loop)\b"
    r"(?:(?!\band\b).)*?\bif\b", re.IGNORECASE)  # "…and call you if…", not "the stickers and pins if…"
# "Nadia, if Aisha says yes, … you'd need to do the loan form": a condition before the request
# (politeness, "if you can", is none).
_IF_FIRST = re.compile(r"\bif\s+(?!you\s+(?:can|could|don't\s+mind|have\s+(?:a\s+)?(?:time|sec|second|minute|moment|chance)"
                       r"|get\s+(?:a\s+)?(?:chance|minute|moment|sec))|possible|that's\s+(?:ok|okay|alright|fine)|not\b"
                       r"|it's\s+not\s+too)\w", re.IGNORECASE)
# "…so the comms lead gets paged automatically": a purpose said of a thing or a person by name
# says what the task is for; one said with a pronoun ("so she has it") only why.
_PURPOSE_KEPT = re.compile(r"\s+so(?:\s+that)?\s+(?=(?:the|our|your|their)\s|(?-i:[A-Z])\w+\s)", re.IGNORECASE)
# "So what I'll do is pull the numbers": a promise said as a cleft ("what I can do is" offers).
_WHAT_I_DO = re.compile(r"\b[Ww]hat\s+I(?:'ll|\s+will|'m\s+going\s+to|\s+am\s+going\s+to)\s+do\s+is\b")
# The second half of a request ("call the client and get instructions on the counter-offer").
_AND_MORE = re.compile(r"\sand\s+(?P<more>[a-z][\w'-]*\s+\S.*)$")
_POINTING_WORD = re.compile(r"\b(?:it|that|this|those|these)\b", re.IGNORECASE)
_THEM = re.compile(r"(?<=\s)'em\b")
# "Yes, of course, this I will do also": the object said first, for emphasis.
_FRONTED_OBJECT = re.compile(r"(?:^|(?<=,\s))(?P<obj>[Tt]his|[Tt]hat)\s+(?P<cue>I(?:'ll|\s+will|\s+can|'m\s+going\s+to))\s+do\b")
# A name said first, to someone ("Zofia, do you want me to…").
_LEADING_NAME = re.compile(r"([A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?),\s+(?:(?:on|about|for|re|regarding)\s+(?P<topic>[^,]{1,40}),\s+)?")
# ", and" before a second assignment in the same sentence (ASSIGNMENTS_APART).
_AND_BEFORE = re.compile(r",?\s+and\s+$")
_AND_BEFORE_START = re.compile(r"^,?\s*and\s+")
_DETERMINER_LEFT = re.compile(r"\sthe\s*$", re.IGNORECASE)
_STARTING = re.compile(r"\s(?:from|starting|as\s+of)\s*$", re.IGNORECASE)
_PAUSED_PREPOSITION = re.compile(r"\s(?:by|before|until|till|on|in)\s*,\s*$", re.IGNORECASE)
_THE_BEFORE = re.compile(r"\b(?:the|this|that|our|your|their|my)\s+$", re.IGNORECASE)
_NAMES_A_THING = re.compile(r"\s+(?!(?:and|or|at|by|to|for|with|in|on|morning|afternoon|evening|night)\b)[a-z]")
_HANDED_OVER = re.compile(r"^(?:send|email|e-mail|forward|mail|post|give|bring|hand|pass|share|show|get|flick|ping|drop|text)\s+(?:it|them|those|these|that)"
                          r"(?:\s+(?:over|across|along|on))?\s+to\s+\S", re.IGNORECASE)
_ADDRESS_TURN = re.compile(r",\s+(?:just|please|can|could|would|will)\s+(?:you\s+)?[a-z]", re.IGNORECASE)
# Rule HESITANT_COORDINATION: speech puts fillers between the conjunction and the second
# promise ("I'll update the board, and, um, I'll send the numbers to Jorge"): still two.
_SECOND_PROMISE = re.compile(r"(?:,?\s+(?P<conj>and|so|then|and\s+then),?|,)\s+(?:(?:um+|uh+|erm|er|uhm),?\s+)*"
                             r"(?=I(?:'ll|\s+will|'m\s+going\s+to|\s+am\s+going\s+to)\b"
                             # "…for the fourteen strings, and Claire will re-test them after": a clause
                             # of its own after "and" (an assignment when the name is a participant's)
                             r"|[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?(?:'ll|\s+will|'s\s+going\s+to|\s+is\s+going\s+to)\s+[a-z])")
# A comma alone joins two promises only after a promise ("I'm going to book a photographer,
# I'll send you the dates by Monday"), not after a condition or a topic ("the CSP changes
# you asked about, I'll send you those").
_PROMISE_CUE = re.compile(r"\bI(?:'ll|\s+will|'m\s+going\s+to|\s+am\s+going\s+to|'m\s+gonna)\b|\blet\s+me\b", re.IGNORECASE)


_HAVE_READY = re.compile(r"have\s+(?P<obj>(?:the|my|our|a|an|your)\s+.+?)(?:\s+(?:in|ready|done|up|over|out|back|sorted|finished))?",
                         re.IGNORECASE)
_BARE_YES = re.compile(r"(?:sure|yes|yeah|yep|yup|ok|okay|of\s+course|absolutely|definitely|will\s+do|on\s+it|can\s+do"
                       r"|no\s+problem|no\s+worries|sure\s+thing)(?:[\s,]+(?:sure|yes|yeah|will\s+do|on\s+it|no\s+problem))*[\s.!]*",
                       re.IGNORECASE)
_ALSO_START = re.compile(r"(?:and|also|plus|oh\s+and|and\s+also)\b", re.IGNORECASE)
# After "a draft": what it is a draft of, or a noun of its own ("a draft agenda"), not where it goes.
_OWN_OBJECT = re.compile(r"\s+(?!(?:to|for|by|in|on|over|out|back|ready|done|up|across|through)\b)\S")
_MORE_OF_IT = re.compile(r"\s+(?:with|for|of|on|including|covering)\s+[^,;]+", re.IGNORECASE)
# The work a "please…" said to no name can order (PLAIN_IMPERATIVE's verbs, and "put it in…").
_ORDER_VERBS = rules.IMPERATIVE_VERBS | frozenset(["put"])
# "can you each/both/all…": the people asked, not the work (EACH_OF_YOU).
_EACH = re.compile(r"^(?:each|both|all|guys|folks|two|lot|people)\s+(?=[a-z])", re.IGNORECASE)
# "I'll fix that, …": a promise to do what was just spoken of, which the next clause may say in full.
_DOING_THAT = re.compile(r"\s+(?:do|fix|sort|handle|take|own|grab|tackle|cover|chase|action)\s+(?:that|it|this)[\s.,]*")


def _object_after(match: re.Match[str]) -> str:
    """_FRONTED_OBJECT's replacement: "this I will do" → "I will do this"."""
    return f"{match.group('cue')} do {match.group('obj').lower()}"


def _promises_something(head: str) -> bool:
    """Whether a clause is a promise of some work of its own ("I'm going to book a
    photographer"), not a false start ("And I'll, um") or a taking-on ("leave it with me":
    what follows it says what was taken on)."""
    cue = _PROMISE_CUE.search(head)
    # ("I'll fix that, I'll make the slot hold idempotent": the second says what the first is,
    # as when said as two sentences.)
    return cue is not None and (len(content_words(head[cue.end():])) >= 2
                                or _DOING_THAT.fullmatch(head, cue.end()) is not None and cue.group(0).startswith("I"))


def _other_work(commitment: _Commitment | None, asked: str) -> bool:
    """COUNTER_OFFER: whether a reply's own promise is work other than what was asked ("No,
    not in my scope. I can check the openings in the slab")."""
    return commitment is not None and commitment.shape in ("full", "thin") and not rules.similar(
        rules.stems(frozenset(content_words(commitment.task)) - rules.GENERIC_VERBS),
        rules.stems(frozenset(content_words(asked)) - rules.GENERIC_VERBS))


def _split_promises(sentence: str) -> list[tuple[str, bool]]:
    """"I'll own the plan and I'll circle back with security": two promises, each read
    as a sentence of its own (a clause after "if…" stays with its condition). The flag
    says a part follows "so": a consequence of what came before it."""
    if "I'll" not in sentence and "I will" not in sentence and "going to" not in sentence:
        return [(sentence, False)]
    parts = []
    start, after_so = 0, False
    for match in _SECOND_PROMISE.finditer(sentence):
        head = sentence[start: match.start()]
        conj = match.group("conj")
        if not conj and _PROMISE_CUE.match(sentence, match.end()) is None:
            continue  # "I'll tell Dana, Carol will cover Friday": what is told, not a second promise
        cue = _PROMISE_CUE.search(head)
        # (a condition before the head's own cue stays with it; "I'll fix that" ends with no relative "that")
        if head.strip() and not rules.BAD_PREFIX.search(head[: cue.start()] if cue else head) \
                and (conj or _promises_something(head)):
            parts.append((head.strip() + ".", after_so))
            start, after_so = match.end(), (conj or "").lower() == "so"
    parts.append((sentence[start:], after_so))
    return parts


def _prepare(raw: str, names: frozenset[str], after_so: bool = False) -> _Sentence:
    """A sentence made ready for the rules; the regular expressions that tidy it run only
    when its words say they have something to do."""
    text = raw.strip()
    if " do is " in text:
        text = _WHAT_I_DO.sub("I'll", text)  # "So what I'll do is pull the numbers": a promise
    if "'em" in text:
        text = _THEM.sub("them", text)  # "book 'em": them, as a pronoun like any other
    if " do" in text:
        text = _FRONTED_OBJECT.sub(_object_after, text)  # "this I will do also": "I will do this also"
    found = words(text)
    # "Bob's going to…", "Carol'll…": the name before the apostrophe counts as a word too.
    ws = frozenset(found)
    if "'" in text:
        ws = ws.union(word.split("'")[0] for word in found if "'" in word)
    if not ws.isdisjoint(_FILLER_WORDS) or ", say," in text:  # "transfer, say, twelve of those"
        text = remove_filler(text)
    body = rules.LEAD.sub("", text) if found and found[0] in _LEAD_WORDS else text
    lower = body.lower()
    question = text.endswith("?") and rules.strip_tag_question(body).endswith("?")
    first_word = lower.split(None, 1)[0].strip(",.") if lower else ""
    return _Sentence(
        text=text, body=body, lower=lower, wordset=ws, question=question,
        # Numbers are no topic (and would let the vocabulary grow with the meeting).
        content=[word for word in found if word not in STOPWORDS and len(word) > 1 and not word.isdigit()],
        may_promise=not ws.isdisjoint(_PROMISE_WORDS) or ("i" in ws and not ws.isdisjoint(_I_VERBS))
        or ("it" in ws and ("on" in ws or "leave" in ws)) or ("do" in ws and ("will" in ws or "can" in ws)),
        may_ask=not ws.isdisjoint(_REQUEST_WORDS) or lower.startswith(_OFFER_STARTS)
        or (", " in text and not ws.isdisjoint(names)
            and (", just " in text or not ws.isdisjoint(rules.IMPERATIVE_VERBS)))  # "Sofia, (just) send me the file."
        or (not question and first_word in _IMPERATIVE_STARTS),  # PLAIN_IMPERATIVE: "Just send her a replacement."
        may_decide=not ws.isdisjoint(_DECISION_WORDS) or ("with" in ws and not ws.isdisjoint(_DECISION_VERBS))
        or ("plan" in ws and "let's" in ws),
        may_propose=not ws.isdisjoint(_PROPOSAL_WORDS) and ("we" in ws or "someone" in ws or "somebody" in ws),
        named=not ws.isdisjoint(names), after_so=after_so,
    )
