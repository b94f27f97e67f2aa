"""What a word in a task refers to: the thing or person an "it", "them", "both", "that one"
or "her" stands for, the topic set before a promise, a short object ("the plan") said more
fully, all looked for in what was said just before the task.

A note-taker writes the thing, not the pronoun, as no reader of the card knows what "it"
was. Kept apart from ``rules.py`` (the vocabulary a task is recognised and shaped with) as
one concern of its own: it reads from ``rules.py``, never the other way round. Everything
here is pure and compiled once.
"""

from __future__ import annotations

import re
from typing import Callable

from bot.digest.rules import CONTACT_VERBS, GENERIC_VERBS, NOT_NAMES, stems
from bot.digest.sentences import STOPWORDS, content_words, split_sentences


# -- pointed objects ---------------------------------------------------------------------
# Rule POINTED_OBJECT: "I'll put up the PR for it", "could you pair with Mei on those?",
# "I'll email it to you right after this call": the pronoun stands for the thing just
# spoken of ("Our auditors want the SOC 2 report"). A note-taker writes the thing, as no
# reader of the card knows what "it" was. The antecedent is the last noun phrase with a
# determiner ("the…", "your…") said before, in this entry or the two before it, that agrees
# in number (it/that/this one: singular; them/those/these: plural) and names no part of the
# call itself (the call, the week, the screen…). People are never looked for: "chase them"
# after "legal said…" stays as said.
POINTED = re.compile(
    r"(?<=\s)(?P<p>it|them|those|these|that\s+one|this\s+one|that|both)"
    r"(?=\s+(?:to|for|in|into|on|with|by|at|up|over|out|back|down|off|through|tonight|today|tomorrow|after|before|first"
    r"|later|now|and|next|this|properly|again|asap|once|when|so|as|from|across)\b|\s*[,.;!?]?\s*$"
    r"|\s+[a-z]+ly\s*[,.;!?]?\s*$)",  # "push those manually" (but "that weekly summary" is no pronoun)
    re.IGNORECASE,
)
_PERSON_VERBS = CONTACT_VERBS | frozenset("tell remind let reply thank meet invite introduce pay brief loop cc update "
                                          "follow talk check get join help".split())
# The phrase is read in a lookahead, so that one phrase never swallows the next ("the photos
# of the damaged dock leveller": "photos", then "damaged dock leveller").
_NP = re.compile(r"\b(?i:the|your|our|my|their|that|these|those|a|an)\s+(?=((?:[A-Za-z0-9][\w'-]*)(?:\s+[A-Za-z0-9][\w'-]*){0,4}))")
_NP_STOP = STOPWORDS | frozenset("first last next whole other same new old one ones for from with into onto at by in on to of "
                                 "about over after before across like".split()) - frozenset(["whole"])
# Verbs that end a noun phrase ("the certificate expires", "the link keeps failing").
_PREDICATES = frozenset("expires needs keeps breaks fails stopped started goes comes looks seems has had is are was were "
                        "will would should can could doesn't isn't wasn't won't "
                        # …and their plural forms ("the VPN certificates expire next week")
                        "expire keep fail seem don't aren't weren't".split())
# What "'s" ("is", "has") says of a thing: "the story's ready", "the build's been green".
_SAID_OF_IT = frozenset("ready done fine finished gone broken late due out over up down back okay ok good bad wrong right "
                        "there here not still already been got going a an the just really very too all".split())
# After "a": an amount or a person ("a hundred", "a couple of", "a friend"), never what "it" was.
_NOT_A_THING = frozenset("hundred thousand million dozen couple few lot little bit row while half quarter third fair "
                         "friend guy person colleague contractor customer client bunch number competitor company firm agency "
                         "vendor supplier partner".split())
# "did that come in?", "that makes sense": "that" before a verb is no determiner.
_NP_VERBS = frozenset("come came comes go goes went make makes made get gets got work works worked happen happens happened "
                      "look looks sound sounds mean means say says said seem seems help helps was were".split())
# Heads that name the call, a time, a fault or nothing in particular: never what "it" was
# (nor a date: "the fifteenth", see noun_phrases).
_NOT_REFERENTS = frozenset("fault mistake call meeting meetings week weeks day days end time times moment chat screen way thing things "
                           "point points question questions idea agenda minute minutes second seconds hour hours morning "
                           "afternoon evening night weekend rest bit lot kind sort part start beginning middle side guys folks "
                           "floor room people everyone team teams stuff sense record same deal problem issue case fact today "
                           "tomorrow month quarter year sprint standup sync list top bottom front back page beginning "
                           "meantime interim deadline deadlines".split())


_VERB_BEFORE_NP = re.compile(r"\b([a-z][\w'-]*)\s+(?:(?:up|out|over|through|back|down|off)\s+)?(?=(?:the|your|our|my|their)\s)",
                             re.IGNORECASE)


# "the fifteenth", "the 14th", "the twenty-eighth": a date, never what "it" was.
_DATE_PHRASE = re.compile(r"(?:\d{1,2}(?:st|nd|rd|th)|(?:twenty-|thirty-)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth"
                          r"|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth"
                          r"|nineteenth|twentieth|thirtieth))", re.IGNORECASE)


def noun_phrases(text: str) -> list[str]:
    """The determiner-led noun phrases of ``text``, in order, each cut at its first
    function word or verb-looking word ("the flaky checkout e2e tests, they failed" →
    "flaky checkout e2e tests")."""
    found = []
    for match in _NP.finditer(text):
        kept: list[str] = []
        first = match.group(1).split(None, 1)[0].lower()
        if first in _NP_VERBS or match.group(0)[0] in "aA" and first in _NOT_A_THING:
            continue
        said = match.group(1).split()
        for position, word in enumerate(said):
            bare = word.lower().strip("'")
            if kept and bare == "one":  # "the webhook one": the webhook ticket
                kept.append(word)
                break
            if not kept and bare.endswith("'s") and len(bare) > 3 and bare[:-2].isalpha():
                kept.append(word)  # "the auditor's management letter": a possessive starts it
                continue
            if len(kept) == 1 and kept[0].lower().endswith("'s") and bare in _SAID_OF_IT:
                kept = []  # "the story's ready": "is", not a possessive
                break
            if bare in _NP_STOP or (kept and (bare in _NP_VERBS or bare in _PREDICATES
                                             or bare.endswith("ed") and len(bare) > 4 and not _modifies(said, position))) \
                    or "'" in bare:
                break  # "the VPN certificate expires next week": "VPN certificate"
            kept.append(word)
        if kept and kept[-1].lower() not in _NOT_REFERENTS and not _DATE_PHRASE.fullmatch(" ".join(kept)):
            found.append(" ".join(kept))
    return found


def _modifies(said: list[str], position: int) -> bool:
    """Whether the "-ed" word at ``position`` describes the noun after it ("the quarterly
    controlled substance report") rather than says what happened ("the build failed again")."""
    following = said[position + 1].lower().strip(",.;:!?") if position + 1 < len(said) else ""
    return following.isalpha() and following not in _NP_STOP and following not in _AFTER_A_VERB \
        and not said[position].endswith((",", ".", ";", ":", "!", "?"))


_AFTER_A_VERB = frozenset("yesterday today tonight again already earlier twice once last this yet".split())


def _plural(head: str) -> bool:
    head = head.lower()
    return head.endswith("s") and not head.endswith(("ss", "us", "is", "ics"))


def many(pointer: re.Match[str]) -> bool:
    """Whether a pronoun ``pointed`` found stands for more than one thing ("them", "those")."""
    return pointer.group("p").lower() in ("them", "those", "these")


def pointed(task: str) -> re.Match[str] | None:
    """The pronoun a task points at its object with, if it has one worth resolving."""
    if " " not in task:
        return None
    match = POINTED.search(task)
    if match is None:
        return None
    before = task[: match.start()].split()
    if not before or before[-1].lower() == "of" or (match.group("p").lower() == "them"
                                                     and before[-1].lower() in _PERSON_VERBS):
        return None  # "all of it" is no object of its own; "chase them" speaks of people
    if _OWN_CLAUSE.search(task, 0, match.start()) or _NAMED_THEN_AND.search(task, 0, match.start()):
        # "tell him we're on it": the pronoun is in a clause of its own; "draft the doc and
        # share it": it is the thing the task itself just named.
        return None
    return match


_NAMED_THEN_AND = re.compile(r"^[a-z][\w'-]*\s+(?:\w+\s+){0,2}(?:the|your|our|my|their|this|these|those)\s+[^,]+?\s+and\s+"
                             r"(?:then\s+)?[a-z][\w'-]*(?:\s+(?!and\b)[\w'-]+){0,3}\s*$", re.IGNORECASE)
_OWN_CLAUSE = re.compile(r"\b(?:we|they|he|she|I|we're|they're|I'm|he's|she's)\s", re.IGNORECASE)
POINTED_BOTH = re.compile(r"\sboth\s*$|\sboth\s+(?=\w)(?!of\b)", re.IGNORECASE)
# Two names said together ("Ridgeview Estate and the Olive Barn", "the staging cluster and
# the prod cluster"): what a later "both" stands for.
_NAMED = r"(?:the\s+)?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,3}"
_COORDINATED = re.compile(rf"(?<![\w'-])(?:{_NAMED}\s+and\s+{_NAMED}"
                          r"|the\s+[a-z][\w-]*(?:\s+[a-z][\w-]*)?\s+and\s+the\s+[a-z][\w-]*(?:\s+[a-z][\w-]*)?)(?![\w'-])")


_HANDING_VERBS = frozenset("send email e-mail forward share post drop mail circulate pass get".split())


def handing_those(task: str) -> bool:
    """"get me those", "send them over": handing over things named before. What "those" are
    can be looked for among the plural things said; "do it" or "send it" could be anything."""
    pointer = pointed(task)
    return (task.split() or [""])[0].lower() in _HANDING_VERBS and pointer is not None \
        and many(pointer)


def same_act(task: str, other: str) -> bool:
    """"post it" and "post something to support", "email it to Neha" and "send you our
    reference config": the same verb, or two ways of handing something over."""
    verb, other_verb = (task.split() or [""])[0].lower(), (other.split() or [""])[0].lower()
    return stems(frozenset([verb])) == stems(frozenset([other_verb])) \
        or (verb in _HANDING_VERBS and other_verb in _HANDING_VERBS)


def specific_act(task: str) -> bool:
    """"renew it", "escalate it": a verb that says what will be done to "it" (unlike "do
    it", "take that", "handle it", "send it")."""
    verb = (task.split() or [""])[0].lower()
    return verb not in GENERIC_VERBS and verb not in _NOT_SPECIFIC and pointed(task) is not None


_NOT_SPECIFIC = frozenset("try see think know say mention leave let keep put give make send share forward show".split())


_TOPIC_LEAD = re.compile(r"(?:^|[.!?]\s+|\s[—–]\s*|,\s+(?=(?:on|about|re|regarding)\s))(?:(?:so|okay|ok|and|now|right|alright|then),?\s+)?"
                         r"(?:(?:on|about|re|regarding)\s+)?"  # "…going back a bit — on the manager email, yes, I'll do it"
                         r"(?P<t>[A-Za-z][\w'-]*(?:\s+(?:and\s+)?[\w'-]+){0,3})\s*[:,]\s*(?:(?:yes|yeah|yep|sure|okay|ok),?\s*)?$",
                         re.IGNORECASE)
_NOT_TOPICS = frozenset("okay ok yes yeah yep sure right so well fine great perfect alright thanks thank good cool "
                        "honestly actually look listen anyway um uh oh hmm no".split())


# Rule FULLER_NAME: "Can you prepare the plan for the certificate rotation?" … "I'll send
# the plan on Monday": a short definite object ("the plan") said more fully just before
# ("the plan for the certificate rotation", "the body corporate approval form") is named so.
_SHORT_OBJECT = re.compile(r"\b(?P<det>the|your|our|their|my)\s+(?P<np>(?:[\w-]+\s+)?(?P<head>[a-z][\w-]{2,}))"
                           r"(?=\s*$|\s+(?:to|for|by|with|in|on|at|from|into|before|after|tonight|today|tomorrow|and|over|out|again"
                           r"|up|back|first|next|this|once|when|so|as)\b|\s*[,.;])")
_WHEN = re.compile(r"\d|\b(?:first|second|third|fourth|fifth|\w+teenth|\w+tieth|(?:mon|tues|wednes|thurs|fri|satur|sun)day"
                   r"|morning|afternoon|evening|night|week|month|year|january|february|march|april|may|june|july|august"
                   r"|september|october|november|december|today|tomorrow|tonight)\b", re.IGNORECASE)
_MODIFIER_AT = re.compile(r"\s+(?:for|of|on|about)\s+(?:the\s+|a\s+|an\s+|our\s+|your\s+|their\s+)?[\w'-]+(?:\s+[\w'-]+){0,2}",
                          re.IGNORECASE)


def fuller_object(task: str, texts: list[str]) -> str:
    """``task`` with its short definite object named as it was said just before, when that
    said more (FULLER_NAME); unchanged otherwise."""
    short = _SHORT_OBJECT.search(task) if " the " in task or " your " in task or " our " in task \
        or " their " in task or " my " in task else None
    if short is None:
        return task
    head, np = short.group("head"), short.group("np")
    lowered_head = head.lower()
    if lowered_head in _NOT_REFERENTS or lowered_head in STOPWORDS \
            or re.match(r"\s+(?:for|of|on|about|from)\b", task[short.end():]):
        return task  # "find the photo from last year": already said in full
    known = {word.lower() for word in task.split()}
    np_words = {word.lower() for word in np.split()}
    for text in texts:
        lowered = text.lower()
        at = lowered.find(lowered_head)
        while at != -1:
            end = at + len(lowered_head)
            whole = (at == 0 or not (lowered[at - 1].isalnum() or lowered[at - 1] in "-'")) \
                and (end == len(lowered) or not (lowered[end].isalnum() or lowered[end] in "-'"))
            phrase = _fuller_phrase(text, at, end) if whole else None
            if phrase is not None:
                words = phrase.split()
                said_words = {word.lower() for word in words}
                new = [word for word in content_words(phrase) if word not in known]
                # the same thing said more fully: all of the task's words for it, and more
                if new and np_words <= said_words and len(words) <= 8 \
                        and not said_words & _PREDICATES and not said_words & _NP_VERBS:
                    return f"{task[: short.start('np')]}{phrase}{task[short.end('np'):]}"
            at = lowered.find(lowered_head, end)
    return task


def _fuller_phrase(text: str, at: int, end: int) -> str | None:
    """The phrase around the head word at ``text[at:end]``: up to three words after a
    determiner before it ("the donated walk-in freezer"), and a modifier after it ("the
    reminder about MFA enrolment") unless that says when ("on the 15th")."""
    before = text[:at].split()[-4:]
    determiner = max((index for index, word in enumerate(before) if word.lower() in _DETERMINERS), default=None)
    if determiner is None:
        return None
    lead = before[determiner + 1:]
    if {word.lower() for word in lead} & _NP_STOP or any(not word[0].isalnum() or word[-1] in ".,;:!?" for word in lead):
        return None  # "the guide with screenshots for Android" is no fuller name for "the screenshots"
    words = lead + [text[at:end]]
    modifier = _MODIFIER_AT.match(text, end)
    if modifier is not None and not _WHEN.search(modifier.group(0)):
        words += modifier.group(0).split()
    while words and words[-1].lower() in _NP_STOP:  # "…for the, the level four lift": kept to its last word
        words.pop()
    return " ".join(words) if words else None


_DETERMINERS = frozenset("the a an our your their my this that".split())


def topic_of(lead: str) -> str | None:
    """The topic a turn sets just before its promise ("So, call sheet:" → "the call sheet",
    "Parchment and quart delis," → "parchment and quart delis"), or None."""
    topic = _TOPIC_LEAD.search(lead)
    if topic is None or not content_words(topic.group("t")) or set(topic.group("t").lower().split()) & _NOT_TOPICS:
        return None
    if re.fullmatch(r"[A-Z][\w'-]*", topic.group("t").strip()):
        return None  # "Tariq, set that up": a name said to someone, no topic
    words = topic.group("t")
    if words.split()[-1].lower() in _NOT_REFERENTS:
        return None  # "I know, about time, I'll fix it": no topic
    return words if len(words.split()) > 2 else f"the {words}"


def resolve_pointed(task: str, match: re.Match[str], texts: list[str], fragment: str | None = None) -> str:
    """``task`` with its pronoun replaced by the antecedent found in ``texts`` (nearest
    first), or unchanged when none agrees. ``fragment``: a topic announced on its own a
    little earlier (TOPIC_FRAGMENT), which beats a thing said only after a preposition
    ("The Christmas cutoff email." … "Depends on the courier." "I'll draft it")."""
    if match.group("p").lower() == "both":
        # "Ridgeview Estate and the Olive Barn. Could you get quotes from both?": the two
        # things just named together, or nothing ("both" of anything else stays as said).
        for text in texts:
            pairs = list(_COORDINATED.finditer(text))
            if pairs:
                pair = re.sub(r"^(?:(?:so|and|but|okay|ok|then|well|also|yes|yeah|right|now|both)\s+)+", "",
                              pairs[-1].group(0), flags=re.IGNORECASE)
                return f"{task[: match.start()]}{pair}{task[match.end():]}"
        return task
    plural = many(match)
    thing = topic_of(texts[0]) if texts else None
    if thing is not None:
        # "So, call sheet: I'll send it out by eight", "Parchment and quart delis, I'll grab
        # them": the topic set before the promise is what it points at.
        return f"{task[: match.start()]}{thing}{task[match.end():]}"
    # "in the facility's issue log" names the facility too: never "put the facility in the facility's…".
    task_words = {word.lower().removesuffix("'s").strip(",.;:") for word in task.split()}
    # The same verb said with an object just before names it ("Can you walk the whole level
    # five perimeter…?" … "I'll walk it with their foreman"): that object, whatever came between.
    verb = task.split()[0].lower()
    for text in texts:
        for said in _VERB_BEFORE_NP.finditer(text):
            if not said.group(1).lower().startswith(verb):
                continue
            phrases = noun_phrases(text[said.end():])
            if phrases and phrases[0].split()[-1].lower() not in task_words:
                return f"{task[: match.start()]}the {phrases[0]}{task[match.end():]}"
    for text in texts:
        for phrase in reversed(noun_phrases(text)):
            head = phrase.split()[-1]
            if _plural(head) != plural or head.lower() in task_words:
                continue  # "put up the PR for it" is not "the PR"
            if fragment is not None and _after_preposition(text, phrase):
                phrase = fragment
            return f"{task[: match.start()]}the {phrase}{task[match.end():]}"
    return task


_PREPOSITION_BEFORE = re.compile(r"\b(?:on|at|in|with|from|about|by|of|to|for|into|onto|under|over)\s+"
                                 r"(?:the|your|our|my|their|that|these|those|a|an)\s+$", re.IGNORECASE)


def _after_preposition(text: str, phrase: str) -> bool:
    """Whether ``phrase``, where ``text`` says it last, follows a preposition ("depends on the courier")."""
    at = text.rfind(phrase)
    return at > 0 and _PREPOSITION_BEFORE.search(text, max(0, at - 24), at) is not None


# Rule SUBJECT_TOPIC: "But the Xero reconciliation is like six weeks behind." "I'll get it up
# to date by Friday": the thing the turn just before ended on, as the subject of its last
# sentence, is what "it" (or, plural, "them") is.
_SUBJECT_NP = re.compile(r"^(?:(?:but|and|so|okay|ok|well|also|now|right|plus|oh|yeah|and\s+then)[,]?\s+)*"
                         r"(?:[A-Z][\w'-]*,\s+)?"  # a name said first: "Lucía, your scorecard isn't in yet"
                         r"(?:the|our|your|their|that|this|these|those)\s+(?P<np>(?:[\w'-]+\s+){0,4}?[\w'-]+)\s+"
                         r"(?:is|are|was|were|has|have|hasn't|haven't|isn't|aren't|wasn't|needs|need|keeps|keep|still|won't"
                         r"|can't|doesn't|don't|looks|seems|went|broke|failed|got|expires|expired|runs|ran)\b", re.IGNORECASE)
_LAST_SENTENCE = re.compile(r"(?:^|[.!?]\s+)([^.!?]+[.!?]?)\s*$")


def subject_topic(text: str, plural: bool) -> str | None:
    """SUBJECT_TOPIC: the subject of ``text``'s last sentence, when it is a thing (in the
    number the pronoun asks for), or None."""
    last = _LAST_SENTENCE.search(text.strip())
    return _subject_of(last.group(1).strip(), plural) if last else None


def turn_topic(text: str, plural: bool) -> str | None:
    """TURN_TOPIC: the subject of the latest sentence of ``text`` that has a thing as its
    subject ("One problem. The signup link on the website is broken, it goes to the old form.
    We've probably lost signups for a week." → "signup link on the website"), or None. A
    person is never "it" ("The manager was out all week. So nothing moved.")."""
    for sentence in reversed(split_sentences(text)):
        topic = _subject_of(sentence, plural)
        if topic is not None:
            return None if ROLE_PERSON.fullmatch(f"the {topic}") else topic
    return None


# "the signup link on the website": a noun phrase and where the thing is.
_PLACED = re.compile(r"\s+(?:on|in|at|for|from)\s+(?:the|our|your|their)\s+[\w'-]+(?:\s+[\w'-]+)?$", re.IGNORECASE)


def _subject_of(sentence: str, plural: bool) -> str | None:
    subject = _SUBJECT_NP.match(sentence)
    if subject is None:
        return None
    said = subject.group("np")
    phrases = noun_phrases(f"the {said}")
    if not phrases or _plural(phrases[0].split()[-1]) != plural:
        return None
    if phrases[0] != said:
        placed = _PLACED.fullmatch(said, len(phrases[0]))
        return said if said.startswith(phrases[0]) and placed is not None else None
    return phrases[0]


# Rule TOPIC_FRAGMENT: "The travel forms for the Biophysical Society meeting. Aisha and Marco,
# you submitted them?" … "Okay, then I'll sign them by the end of the week": a sentence that is
# nothing but a noun phrase announces the topic, and a later "them" (or "it") is that topic.
_FRAGMENT = re.compile(r"(?:^|[.!?]\s+)(?:(?:so|okay|ok|and|now|right|then|also|next|last|one\s+more|finally|lastly"
                       r"|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)[,]?\s+)*"  # "And sixth, the game day."
                       r"(?:the|our|your|their|this|these)\s+(?P<np>[\w'-]+(?:\s+[\w'-]+){0,3})"
                       r"(?P<of>\s+(?:for|of|on|about)\s+(?:the\s+|our\s+|a\s+)?[\w'-]+(?:\s+[\w'-]+){0,2})?\s*[.!]", re.IGNORECASE)


def topic_fragment(texts: list[str], plural: bool) -> str | None:
    """TOPIC_FRAGMENT: the latest topic announced as a sentence of its own in ``texts``
    (nearest first), in the number the pronoun asks for, with what it is for, or None."""
    for text in texts:
        found = None
        for fragment in _FRAGMENT.finditer(text):
            phrases = noun_phrases(f"the {fragment.group('np')}")
            if phrases and phrases[0] == fragment.group("np") and _plural(phrases[0].split()[-1]) == plural:
                found = phrases[0] + (fragment.group("of") or "")
        if found is not None:
            return found
    return None


def named_after(task: str, following: str) -> str:
    """NAMED_AFTER: "I'll raise it at the annual plan workshop. The Newtown School crossing.":
    ``task`` with its "it" or "them" named by a noun phrase said as the very next sentence."""
    match = pointed(task)
    if match is None or match.group("p").lower() not in ("it", "them"):
        return task
    topic = topic_fragment([following], match.group("p").lower() == "them")
    if topic is None or _FRAGMENT.fullmatch(following.strip()) is None:
        return task
    return f"{task[: match.start()]}the {topic}{task[match.end():]}"


# -- third-person references -------------------------------------------------------------
# Rule THIRD_PERSON_REFERENCE: "I'll call her after this", "I'll review him myself": the
# pronoun points back to the person last spoken *of* (not to): a titled name ("Mr. Adams",
# "Professor Roth") or a first name in an object or appositive slot ("email Fiona",
# "who's the contact there, Fiona?"). A note-taker writes the name, as no reader of the
# card knows who "her" is. Only "him"/"her" are resolved: "them"/"it" are usually things.
HONORIFIC_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof|Professor|Doctor)\.?\s+"
                            r"(?:(?:van|von|der|den|de|da|del|la|le|du|di)\s+)*[A-Z][\w'-]+")
REFERRED_NAME = re.compile(r"(?:\b(?:ask|call|email|e-mail|tell|ping|message|contact|cc|with|to|from)\s+|,\s+)"
                           r"([A-Z][a-z]{2,})\b(?!\s+[A-Z]|['’]s)")
NOT_PEOPLE = NOT_NAMES | frozenset("monday tuesday wednesday thursday friday saturday sunday january february march "
                                   "april may june july august september october november december christmas "
                                   "slack zoom jira github python excel google teams".split()) \
    | frozenset(day + "s" for day in "monday tuesday wednesday thursday friday saturday sunday".split())
HIM_HER = re.compile(r"(?<=\s)(him|her|he|she)\b(?:\s+(\w+))?")  # never the task's first word
# "her" before one of these is the object ("call her after this"); before another word it
# is the possessive ("recheck her potassium").
_OBJECT_FOLLOWERS = frozenset("about at on in to for by after before first back up now today tomorrow tonight again "
                              "and or when if this that the a an myself later soon once right directly personally "
                              "know this week through over off out down into with from".split())


# …or by role, when no name is said: "Profile of the new head of product. … I'll interview
# her by Monday", "the landlord … I'll ring him".
ROLE_PERSON = re.compile(
    r"\b(?i:the|our|their|your)\s+(?:(?:new|old|interim|acting|incoming|outgoing|current|former|other)\s+)?"
    r"(?:[a-z]+\s+)?(?:head|manager|director|lead|candidate|customer|client|landlord|contractor|auditor|editor|recruiter"
    r"|founder|ceo|cfo|cto|coo|chair|owner|supplier|inspector|teacher|principal|consultant|lawyer|accountant|investor"
    r"|hire|intern|buyer|agent|architect|surveyor|plumber|electrician)\b(?:\s+of\s+[a-z]+)?")


def person_mentioned(text: str, is_participant: Callable[[str], bool]) -> str | None:
    """The last person a line speaks of by name (or, naming no one, by role), for
    THIRD_PERSON_REFERENCE."""
    found: tuple[int, str] | None = None
    if "." in text or "Prof" in text or "Doctor" in text:
        for match in HONORIFIC_NAME.finditer(text):
            found = (match.start(), match.group(0))
    for match in REFERRED_NAME.finditer(text):
        name = match.group(1)
        if name.lower() in NOT_PEOPLE or is_participant(name):
            continue  # "…, Pieter?" speaks to someone in the call, not of someone
        if found is None or match.start(1) > found[0]:
            found = (match.start(1), name)
    if found is None and ("he " in text or "our " in text or "their " in text):  # "the", "The", "your"…
        roles = list(ROLE_PERSON.finditer(text))
        if roles:
            role = roles[-1].group(0)
            found = (roles[-1].start(), role[0].lower() + role[1:])  # "The landlord…": "ring the landlord"
    return found[1] if found else None


def third_person(task: str, name: str) -> str:
    """"call her after this" with Fiona last spoken of → "call Fiona after this";
    "recheck her potassium" → "recheck Mrs. van der Merwe's potassium"."""
    def replace(match: re.Match[str]) -> str:
        following = match.group(2)
        # "have her send them", "let her know": after a verb like these, "her" is the object
        causative = task[: match.start()].split()[-1:] in (["have"], ["let"], ["make"], ["help"], ["get"], ["ask"],
                                                          ["tell"], ["remind"], ["see"], ["watch"])
        if match.group(1) == "her" and following and following.lower() not in _OBJECT_FOLLOWERS and not causative:
            return f"{name}'s {following}"
        return name + (" " + following if following else "")
    return HIM_HER.sub(replace, task, count=1)


# Rule ONE_OF_THEM: "And a post-mortem for the customer?" … "I'll do the customer-facing one":
# "one" stands for the head of the thing just asked about, named by what tells it apart.
_THE_ONE = re.compile(r"\bthe\s+(?P<mod>(?!(?:first|second|third|last|next|other|same|right|wrong|big|new|old|only)\b)"
                      r"[\w-]+(?:\s+[\w-]+)?)\s+one\b", re.IGNORECASE)


def one_named(task: str, texts: list[str]) -> str:
    """``task`` with "the <modifier> one" named by the head noun of the first thing said in
    the nearest of ``texts`` that names things (ONE_OF_THEM); unchanged otherwise."""
    one = _THE_ONE.search(task)
    if one is None or task[: one.start()].rstrip().endswith((",", "—", "-")):
        return task  # "our roster template, the Excel one": the thing the task just named
    modifier = {word.lower() for word in one.group("mod").split()}
    if modifier & _NP_STOP:
        return task  # "the logs from one of the scanners"
    for text in texts:
        phrases = noun_phrases(text)
        if not phrases:
            continue
        head = phrases[0].split()[-1]
        if head.lower() in modifier or head.lower() in _NOT_REFERENTS or head.lower() == "one":
            return task
        return f"{task[: one.end() - 3]}{head}{task[one.end():]}"
    return task
