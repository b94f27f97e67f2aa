"""Who a name in a sentence means: participants by first name or full display name.

"Bob, could you…" and "Carol will own the migration" name a participant; the digest
needs the ``Speaker`` behind the name. Names are matched case- and accent-insensitively
("tomas" is Tomás), except first names that are also common English words ("Will",
"May", "Grace"): those only count when written with a capital, or "will you" would
address Will.
"""

from __future__ import annotations

import functools
import re

from bot.digest.sentences import fold
from domain import Speaker

_WORDLIKE_NAMES = frozenset(
    """will may mark bill grace hope rose pat sue jack frank art june april summer dawn faith joy sky max
    chase drew gene guy ray rich rob sandy sunny win ash lane page reed wade dean don pete hunter
    victor hazel ivy iris amber jade ruby olive penny holly lily violet crystal honey candy star
    august autumn river rain storm stone gray grey brown king major miles earl baker cook""".split()
)


class Names:
    """The participants of one conference, findable by the names people call them."""

    def __init__(self, participants: tuple[Speaker, ...] | list[Speaker]) -> None:
        by_key: dict[str, Speaker | None] = {}
        full_names: set[str] = set()
        for speaker in participants:
            for key, is_full in _keys(speaker.display_name):
                if is_full:
                    full_names.add(key)
                known = by_key.get(key, speaker)
                # Two different people with the same first name: the name alone is
                # ambiguous and resolves to no one (the full name still works).
                same = known is not None and (known.participant == speaker.participant or (
                    known.display_name == speaker.display_name and known.user_name == speaker.user_name))
                by_key[key] = speaker if key not in by_key else (known if same else None)
        self._by_key = by_key
        # The first word of every name: a sentence without any of them names no one.
        self.first_words = frozenset(key.split()[0] for key in by_key)
        self._full_names = full_names
        keys = sorted(by_key, key=len, reverse=True)
        pattern = "|".join(re.escape(key) for key in keys) if keys else r"(?!x)x"
        # Matched on folded text; "(?!'t)" keeps "Don" out of "don't".
        self._pattern = re.compile(rf"(?<![\w'’])(?:{pattern})(?![\w’]|'t\b)")

    def find(self, text: str) -> list[tuple[int, int, Speaker]]:
        """Every participant named in ``text``: (start, end, speaker), in order."""
        folded = fold(text)
        found = []
        for match in self._pattern.finditer(folded):
            key = match.group(0)
            speaker = self._by_key.get(key)
            if speaker is None:
                continue
            if key in _WORDLIKE_NAMES and key not in self._full_names and not text[match.start()].isupper():
                continue
            found.append((match.start(), match.end(), speaker))
        return found

    def resolve(self, name: str) -> Speaker | None:
        """The participant a whole string names, if it names exactly one."""
        return self._by_key.get(fold(name.strip()))


def _keys(display_name: str) -> list[tuple[str, bool]]:
    """The names a participant answers to: full display name, without a "(Company)"
    suffix, and first name. Phone numbers and empty names give none."""
    name = fold(display_name).strip()
    if not name or not any(char.isalpha() for char in name):
        return []
    keys = [(name, True)]
    bare = re.sub(r"\s*[(\[].*?[)\]]\s*", " ", name).strip()
    if bare and bare != name:
        keys.append((bare, True))
    tokens = re.split(r"[\s,]+", bare or name)
    if len(tokens) >= 3 and all(token.isalpha() for token in tokens[-2:]):
        # "Tan Wei Ling" is called "Wei Ling": family name first, given names last.
        keys.append((" ".join(tokens[-2:]), True))
    if len(tokens) >= 3 and all(token.isalpha() for token in tokens[:2]):
        # "Mei Lin Tan", "Mary Ann Hughes": two given names first, said together.
        keys.append((" ".join(tokens[:2]), True))
    if len(tokens[-1]) > 1 and _given_name_last(tokens):
        # "Nguyen Thi Mai" is called "Mai": a Vietnamese name puts the given name last.
        keys.append((tokens[-1], False))
    first = tokens[0]
    if first and _wordy(first) and len(first) > 1 and (first, True) not in keys:
        keys.append((first, False))
    return keys


def _given_name_last(folded: list[str]) -> bool:
    """Whether a name's folded words put a Vietnamese family name first, so the given name
    is the last word."""
    return len(folded) >= 2 and folded[-1].isalpha() and (
        folded[0] in _VIETNAMESE_FAMILY_NAMES or (len(folded) >= 3 and folded[0] in _SHORT_VIETNAMESE_FAMILY_NAMES))


# The commonest Vietnamese family names, folded; the two-letter ones only count in a name of
# three words or more ("Le Van Thanh"), as "Ho" or "Do" may be a given name elsewhere.
_VIETNAMESE_FAMILY_NAMES = frozenset("nguyen tran pham hoang huynh phan dang bui ngo duong truong trinh luong dinh".split())
_SHORT_VIETNAMESE_FAMILY_NAMES = frozenset("le vu vo do ho ly ha".split())


# Common Chinese, Korean and Singaporean family names, folded: "Tan Wei Ling" is called Wei Ling.
_FAMILY_FIRST_NAMES = frozenset("tan lim lee ng ong wong goh chua chan koh teo ang yeo tay toh chen wang zhang liu yang "
                                "huang zhao zhou xu sun zhu guo luo kim park choi jung kang cho yoon jang".split())


@functools.lru_cache(maxsize=1024)
def called(display_name: str) -> str:
    """The name a participant is called by in a sentence: the first name ("Alice" for Alice
    Chen), two short given names said together ("Mei Ling" for Mei Ling Goh), the given names
    after a family name said first ("Wei Ling" for Tan Wei Ling, "Mai" for Nguyen Thi Mai);
    the whole name when it has no alphabetic first word (a phone number)."""
    name = re.sub(r"\s*[(\[].*?[)\]]", "", display_name).strip()
    tokens = name.split()
    if not tokens or not _wordy(tokens[0]):
        return name or display_name
    folded = [fold(token) for token in tokens]
    if _given_name_last(folded):
        return tokens[-1]
    if len(tokens) == 3 and folded[0] in _FAMILY_FIRST_NAMES and all(token.isalpha() for token in tokens[1:]):
        return " ".join(tokens[1:])
    if len(tokens) >= 3 and all(token.isalpha() and len(token) <= 4 for token in tokens[:2]):
        return " ".join(tokens[:2])
    return tokens[0]


def _wordy(token: str) -> bool:
    """A word of a name, hyphens and apostrophes within it allowed ("Mei-Ling", "D'Arcy")."""
    return token.replace("-", "").replace("'", "").isalpha() and token[0].isalpha()
