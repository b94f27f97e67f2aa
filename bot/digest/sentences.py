"""Small text tools for the extractive summariser: sentences, filler, words, clipping.

Everything here is pure and cheap. The one costly call, pysbd's segmenter (~0.4 ms a
call), is made only for text whose periods a regular expression cannot split safely
(abbreviations such as "Mr." or "e.g."), and only on entries the summariser already
picked as candidates.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

# A period, question mark or exclamation mark followed by space and the start of a new
# sentence. Transcripts from Meet are punctuated by the recogniser, so this is the
# common case and costs a few microseconds.
_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9¿¡])")
# Periods that are not sentence ends: short abbreviations ("Mr.", "approx."), initials
# ("e.g.", "U.S.", "J. Smith"). When one occurs, the regex split would cut in the wrong place.
_ABBREVIATIONS = frozenset("mr mrs ms dr prof sr jr st vs etc approx inc ltd corp dept fig jan feb mar apr jun jul "
                           "aug sep sept oct nov dec mon tue wed thu fri sat sun".split())
# A word, then a period followed by a space or by another letter and period ("e.g.").
_WORD_BEFORE_PERIOD = re.compile(r"(\w[\w']*)\.(?=\s|\w\.)")


def _has_abbreviation(text: str) -> bool:
    for word in _WORD_BEFORE_PERIOD.findall(text):
        if (len(word) == 1 and word not in "IaA") or word.lower() in _ABBREVIATIONS:
            return True
    return False


_segmenter: Any = None


def _pysbd_split(text: str) -> list[str]:
    global _segmenter
    if _segmenter is None:
        import pysbd  # imported on first need: most transcripts never get here

        _segmenter = pysbd.Segmenter(language="en", clean=False)
    return [part.strip() for part in _segmenter.segment(text) if part.strip()]


def split_sentences(text: str) -> list[str]:
    """The sentences of one transcript entry, in order."""
    text = text.strip()
    if not text:
        return []
    if _has_abbreviation(text):
        return _pysbd_split(text)
    return [part for part in _BOUNDARY.split(text) if part]


# Hesitations the recogniser writes out. Removed before a task is cut out, so that
# "I'll, um, send the deck" reads "I'll send the deck".
_FILLER = re.compile(
    r"(?:(?<=\s)|^)(?:u+m+|u+h+|uhm|erm|er|hmm+|mm+|ah)\b[,.]?\s*"
    # "do, like, a call": a pause, no clause; but "push those manually, like, that's the easy
    # part" keeps its comma before the clause that follows.
    r"|(?<=[a-z]),\s*(?:like|basically|kind of|sort of),(?=\s)"
    r"(?!\s+(?:that's|it's|there's|that\s+(?:is|was|will|would)|it\s+(?:is|was|will|would)|I'm|I'll|I've|we're|we'll|they're"
    r"|he's|she's|you're)(?=\s))"
    r"|,\s*(?:you know|I mean|like|basically|kind of|sort of)\s*(?=,)"
    r"|(?<=\w),\s*say,(?=\s)",  # "transfer, say, twelve of those": about twelve
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s{2,}")
# A word that never ends a phrase, left before a comma where a hesitation was taken out.
_WORD_THEN_COMMA = re.compile(r"\b(the|a|an|to|from|with|for|of|at|on|in|by|into|about|and|or|is|are|was|were|my|our|your|their|do)"
                              r"\s*,\s+(?=\w)", re.IGNORECASE)
_COMMAS = re.compile(r"\s*,(?:\s*,)+")
_SPACE_COMMA = re.compile(r"\s+([,.!?])")


def remove_filler(text: str) -> str:
    """``text`` without hesitations ("um", "uh", ", you know,"), tidied."""
    cleaned = _FILLER.sub("", text)
    if ", " in cleaned:
        cleaned = _WORD_THEN_COMMA.sub(r"\1 ", cleaned)  # "from, um, Charnwood": "from Charnwood"
    cleaned = _COMMAS.sub(",", cleaned)
    cleaned = _SPACE_COMMA.sub(r"\1", cleaned)
    cleaned = _SPACES.sub(" ", cleaned)
    return cleaned.strip(" ,")


def fold(text: str) -> str:
    """Lower case without accents, same length as ``text`` (so spans carry over):
    "Tomás" and "tomas" match, as a recogniser may write either."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(char) for char in text)


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    lowered = char.lower()
    if len(lowered) != 1:
        return char
    base = unicodedata.normalize("NFKD", lowered)
    letters = [c for c in base if not unicodedata.combining(c)]
    return letters[0] if len(letters) == 1 else lowered


# Function words: not evidence of what a sentence is about. Kept short and general.
STOPWORDS = frozenset(
    """a about above after again against all also am an and any anyway are aren't around as at be
    because been before being below between both but by can can't cannot could couldn't did didn't
    do does doesn't doing don't down during each either else even ever every few for from further
    get gets getting got gonna had hadn't has hasn't have haven't having he he'd he'll he's her here
    here's hers herself him himself his how how's however i i'd i'll i'm i've if in into is isn't it
    it'd it'll it's its itself just let let's like maybe me might mine more most much must mustn't
    my myself need no nor not now of off okay ok on once one only or other ought our ours ourselves
    out over own probably quite rather really right same shall shan't she she'd she'll she's should
    shouldn't so some something still such sure than that that's the their theirs them themselves
    then there there's these they they'd they'll they're they've thing things this those though
    through to too under until up upon us very via wanna was wasn't we we'd we'll we're we've were
    weren't what what's when when's where where's whether which while who who's whom why why's will
    with won't would wouldn't yeah yep yes you you'd you'll you're you've your yours yourself
    yourselves um uh oh hey hi hello thanks thank please well actually honestly basically kind sort
    lot bit pretty gonna gotta going go goes went gone say said says think thought know knew want
    wanted see saw look looks mean means guess yup alright anything everything everyone everybody
    someone somebody anyone anybody nothing today tomorrow tonight week weeks""".split()
)

_WORD = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*")


def words(text: str) -> list[str]:
    """Lower-case words of ``text`` (apostrophes and hyphens kept inside words)."""
    folded = fold(text)
    return _WORD.findall(folded.replace("’", "'") if "’" in folded else folded)


def content_words(text: str) -> list[str]:
    """The words of ``text`` that say what it is about (no function words)."""
    return [word for word in words(text) if word not in STOPWORDS and len(word) > 1]


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with "…"."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"
