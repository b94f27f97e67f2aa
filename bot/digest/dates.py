"""Due dates said in a meeting: find the phrase ("by Friday", "end of the month"), read it.

A phrase is read relative to the day the conference started, in the organizer's time
zone, preferring the future ("Friday" said on a Wednesday is in two days). The forms
people use most ("tomorrow", "next Tuesday", "end of the week", "on the 15th") are read
here: they are simple, and dateparser gets some of them wrong (it reads "the 7th" as
July 7th and has no "end of the month"). Calendar dates ("December 3", "3rd of April")
go to dateparser. Vague phrases ("next week", "soon", "after
the call") are recognised so that they can be cut out of a task, but give no date: a
wrong due date is worse than none.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

from domain.timezones import zone_or_utc

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_UNITS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
          "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth").split()
_ORDINAL_WORDS = {word: number for number, word in enumerate(_UNITS, start=1)}
_ORDINAL_WORDS.update({"twentieth": 20, "thirtieth": 30, "thirty-first": 31, "thirty first": 31})
for _n, _w in enumerate(_UNITS[:9], start=1):
    _ORDINAL_WORDS[f"twenty-{_w}"] = 20 + _n
    _ORDINAL_WORDS[f"twenty {_w}"] = 20 + _n
_NUMBER_WORDS: dict[str, int] = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10, "couple of": 2, "a couple of": 2}

_WD = "|".join(_WEEKDAYS)
_MO = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ORDW = "|".join(sorted(map(re.escape, _ORDINAL_WORDS), key=len, reverse=True))
_DAYNUM = r"(?:3[01]|[12]\d|0?[1-9])"
_DAYORD = rf"(?:{_DAYNUM}(?:st|nd|rd|th)|{_ORDW})"
_PART = r"(?:\s+(?:morning|afternoon|evening|night|eod|end of day))?"
_NUM = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|(?:a\s+)?couple of)"
# Not the middle of a longer word ("Wednesday's call" is still on Wednesday).
_END = r"(?![\w-])(?!['’](?!s\b))"

_END_OF = frozenset("end eow eom eoq eoy".split())
_VAGUE_HEADS = frozenset("week weeks month quarter year sprint weekend asap soon later possible away after early mid late".split())
_ORDINAL_HEADS = frozenset(word for phrase in _ORDINAL_WORDS for word in re.split(r"[\s-]", phrase))
# (kind, words one of which every match holds, whether a digit also does, pattern)
_EXPRESSIONS: list[tuple[str, frozenset[str], bool, str]] = [
    ("eod", frozenset("end eod cob close".split()), False,
     rf"(?:(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(?:business\s+|work(?:ing)?\s+)?day|eod|cob"
     rf"|close\s+of\s+(?:business|play)|end\s+of\s+business)(?:\s+(?:on\s+)?(?P<eod_day>tomorrow|{_WD}))?"),
    ("eow_next", _END_OF, False, r"(?:the\s+)?end\s+of\s+next\s+week"),
    ("eow", _END_OF, False, r"(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(?:work\s*)?week|eow"),
    ("eom_next", _END_OF, False, r"(?:the\s+)?end\s+of\s+next\s+month"),
    ("eom", _END_OF, False, r"(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?month|eom"),
    ("eoq", _END_OF, False, r"(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?quarter|eoq"),
    ("eoy", _END_OF, False, r"(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?year|eoy"),
    ("eo_month", _END_OF, False, rf"(?:the\s+)?end\s+of\s+(?P<eo_month>{_MO})"),
    ("vague", frozenset("beginning start middle end".split()), False,
     r"(?:the\s+)?(?:beginning|start|middle|end)\s+of\s+(?:the\s+|this\s+|next\s+)?\w+"),
    ("plus2", frozenset(["tomorrow"]), False, r"(?:the\s+)?day\s+after\s+tomorrow"),
    ("plus1", frozenset(["tomorrow"]), False, rf"(?:first\s+thing\s+)?tomorrow{_PART}"),
    ("today", frozenset("today tonight morning afternoon evening arvo".split()), False,
     r"(?:later\s+)?today|tonight|this\s+(?:morning|afternoon|evening|arvo)|(?:first\s+thing|later)\s+today"),
    ("weekday_next_week", frozenset(_WEEKDAYS), False, rf"(?P<wd_nw>{_WD}){_PART}\s+next\s+week"),
    ("weekday", frozenset(_WEEKDAYS), False,
     rf"(?:first\s+thing\s+)?(?:(?P<wd_mod>this\s+coming|this|next|coming)\s+)?(?P<wd>{_WD}){_PART}"),
    ("month_day", frozenset(_MONTHS), False,
     rf"(?P<md_month>{_MO})\.?\s+(?:the\s+)?(?P<md_day>{_DAYNUM})(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"),
    ("day_of_month", frozenset(_MONTHS), False, rf"(?:the\s+)?(?P<dm_day>{_DAYORD})\s+of\s+(?P<dm_month>{_MO})"),
    ("ordinal", _ORDINAL_HEADS, True, rf"the\s+(?P<ord>{_DAYNUM}(?:st|nd|rd|th)|(?:{_ORDW})(?!\s+[a-z]))"),
    ("span", frozenset("day days week weeks".split()), False,
     rf"(?:in|within)\s+(?:the\s+next\s+)?(?P<span_n>{_NUM})\s+(?P<span_unit>days?|weeks?)"
     rf"|(?P<span_n2>{_NUM})\s+(?P<span_unit2>days?|weeks?)\s+from\s+(?:now|today)"),
    ("vague", _VAGUE_HEADS, False,
     r"(?:next|this|the\s+following|the\s+coming)\s+(?:week|month|quarter|year|sprint|weekend)"
     r"|(?:over\s+)?the\s+weekend|asap|as\s+soon\s+as\s+possible|right\s+away|soon|later(?:\s+on)?"
     # "after this", "after the call"; "after the migration" is no time of this call's
     r"|(?:right\s+|straight\s+|just\s+)?after\s+(?:this(?:\s+(?:call|meeting|sync|standup|session))?"
     r"|the\s+(?:call|meeting|sync|standup|session))(?![\w'])"
     r"|(?:early|mid|late)[\s-]+(?:next\s+)?(?:week|month)"),
]
# Days with a name of their own: "Black Friday" is a shopping day, not this Friday.
_NAMED_DAY = re.compile(r"\b(?:black|cyber|good|casual|giving|super|ash|boxing)\s+$", re.IGNORECASE)
_PREPOSITION = r"(?:(?:by|before|on|for|until|till|no\s+later\s+than|due|sometime|around|at\s+the\s+latest\s+by)\s+)?"
_KINDS = [kind for kind, _, _, _ in _EXPRESSIONS]
_LETTERS = re.compile(r"[a-z]+")
_DIGIT = re.compile(r"\d")


# word -> the forms it may be part of; and the forms a digit may be part of
_KINDS_OF_WORD: dict[str, set[int]] = {}
for _index, _expression_parts in enumerate(_EXPRESSIONS):
    for _head in _expression_parts[1]:
        _KINDS_OF_WORD.setdefault(_head, set()).add(_index)
_DIGIT_KINDS = {index for index, parts in enumerate(_EXPRESSIONS) if parts[2]}


@lru_cache(maxsize=512)
def _expression(kinds: tuple[int, ...]) -> re.Pattern[str]:
    """One expression for the date forms whose words a text holds. The forms keep their
    order, so the result is the same as with all of them; but the engine no longer
    tries two dozen alternatives at every word of every sentence."""
    alternatives = "|".join(f"(?P<k{index}>{_EXPRESSIONS[index][3]})" for index in kinds)
    return re.compile(r"\b" + _PREPOSITION + "(?:" + alternatives + r")" + _END + r"(?:,?\s+at\s+the\s+latest)?",
                      re.IGNORECASE)


@dataclass(frozen=True)
class DueMatch:
    """A date phrase inside a text: where it is, and the date it means (None: vague)."""

    start: int
    end: int
    phrase: str
    due: date | None


class DueDates:
    """Reads date phrases as said on the conference's first day, in its time zone."""

    def __init__(self, started_at: datetime, time_zone: str) -> None:
        zone = zone_or_utc(time_zone)  # an unknown zone is read as UTC (as the domain says)
        if started_at.tzinfo is None:
            started_at = started_at.replace(tzinfo=timezone.utc)
        local = started_at.astimezone(zone)
        self.today = local.date()
        self._base = local.replace(tzinfo=None)

    def find(self, text: str) -> list[DueMatch]:
        """Every date phrase in ``text``, in order, each with its date (or None)."""
        found: list[DueMatch] = []
        indices: set[int] = set(_DIGIT_KINDS) if _DIGIT.search(text) else set()
        for word in _LETTERS.findall(text.lower()):
            kinds_of_word = _KINDS_OF_WORD.get(word)
            if kinds_of_word:
                indices |= kinds_of_word
        if not indices:
            return found  # most sentences: no word a date is made of
        for match in _expression(tuple(sorted(indices))).finditer(text):
            if _NAMED_DAY.search(text, max(0, match.start() - 8), match.start()):
                continue  # "the Black Friday traffic profile": a name, not a date
            kind = next(_KINDS[int(name[1:])] for name, value in match.groupdict().items()
                        if value is not None and name.startswith("k") and name[1:].isdigit())
            found.append(DueMatch(match.start(), match.end(), match.group(0), self._read(kind, match)))
        return found

    def first(self, text: str) -> DueMatch | None:
        """The first phrase in ``text`` that names a date (vague ones are skipped)."""
        return next((found for found in self.find(text) if found.due is not None), None)

    # -- reading -----------------------------------------------------------------------
    def _read(self, kind: str, match: re.Match[str]) -> date | None:
        today = self.today
        groups = {key: value.lower() if value else value for key, value in match.groupdict().items()}
        if kind == "eod":
            day = groups["eod_day"]
            if day == "tomorrow":
                return today + timedelta(days=1)
            if day:
                return today + timedelta(days=(_WEEKDAYS.index(day) - today.weekday()) % 7 or 7)
            return today
        if kind == "today":
            return today
        if kind == "plus1":
            return today + timedelta(days=1)
        if kind == "plus2":
            return today + timedelta(days=2)
        if kind == "eow":
            return self._friday(today)
        if kind == "eow_next":
            return self._friday(today - timedelta(days=today.weekday()) + timedelta(days=7))
        if kind == "eom":
            return _month_end(today.year, today.month)
        if kind == "eom_next":
            year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
            return _month_end(year, month)
        if kind == "eoq":
            quarter_end_month = ((today.month - 1) // 3 + 1) * 3
            return _month_end(today.year, quarter_end_month)
        if kind == "eoy":
            return date(today.year, 12, 31)
        if kind == "eo_month":
            month = _MONTHS[groups["eo_month"] or ""]
            year = today.year if month >= today.month else today.year + 1
            return _month_end(year, month)
        if kind == "weekday":
            target = _WEEKDAYS.index(groups["wd"] or "")
            ahead = (target - today.weekday()) % 7
            modifier = (groups["wd_mod"] or "").split()
            if modifier == ["next"] and target > today.weekday():
                # "Next Friday" said on a Monday: this week's or the one after? Unclear:
                # no date rather than a guess. Said later in the week it is the coming one.
                return None
            if ahead == 0 and modifier[:1] != ["this"]:
                ahead = 7  # "Friday" said on a Friday means the next one; "this Friday" is today
            return today + timedelta(days=ahead)
        if kind == "weekday_next_week":
            target = _WEEKDAYS.index(groups["wd_nw"] or "")
            monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
            return monday + timedelta(days=target)
        if kind == "ordinal":
            return self._day_of_month(_ordinal(groups["ord"] or ""))
        if kind == "span":
            count = _NUMBER_WORDS.get(re.sub(r"\s+", " ", groups["span_n"] or groups["span_n2"] or "").strip())
            amount = count if count is not None else int(re.sub(r"\D", "", groups["span_n"] or groups["span_n2"] or "0") or 0)
            unit = groups["span_unit"] or groups["span_unit2"] or ""
            if not 0 < amount <= 366:
                return None
            return today + timedelta(days=amount * (7 if unit.startswith("week") else 1))
        if kind in ("month_day", "day_of_month"):
            return self._dateparser(match.group(0))
        return None  # vague

    @staticmethod
    def _friday(day: date) -> date:
        """The end of ``day``'s work week: its Friday, or the next one from a weekend."""
        return day + timedelta(days=(4 - day.weekday()) % 7)

    def _day_of_month(self, day: int | None) -> date | None:
        """"The 15th": the next 15th from today (this month's if it has not passed)."""
        if day is None:
            return None
        year, month = self.today.year, self.today.month
        for _ in range(3):  # a 31st may skip a short month
            if day <= calendar.monthrange(year, month)[1]:
                candidate = date(year, month, day)
                if candidate >= self.today:
                    return candidate
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return None

    def _dateparser(self, phrase: str) -> date | None:
        return _parse_with_dateparser(_strip_preposition(phrase), self._base)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _ordinal(text: str) -> int | None:
    text = text.strip().lower()
    if text in _ORDINAL_WORDS:
        return _ORDINAL_WORDS[text]
    digits = re.match(r"\d+", text)
    return int(digits.group(0)) if digits else None


_LEADING = re.compile(r"^(?:by|before|on|for|until|till|no\s+later\s+than|due|sometime|around|"
                      r"at\s+the\s+latest\s+by)\s+|,?\s+at\s+the\s+latest$", re.IGNORECASE)
_SPELLED = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True)) + r")\b",
                      re.IGNORECASE)


def _strip_preposition(phrase: str) -> str:
    return _LEADING.sub("", phrase.strip()).strip()


@lru_cache(maxsize=256)
def _parse_with_dateparser(phrase: str, base: datetime) -> date | None:
    """A calendar date or span, read by dateparser (English, preferring the future).

    Cached: a long meeting repeats its dates, and a call costs about a millisecond.
    """
    import dateparser  # imported on first need: its import and first call are slow

    # dateparser reads digits more reliably than "two weeks" or "a couple of days".
    text = _SPELLED.sub(lambda m: str(_NUMBER_WORDS[m.group(1).lower()]), phrase)
    text = re.sub(r"^the\s+", "", text, flags=re.IGNORECASE)
    try:
        parsed = dateparser.parse(
            text, languages=["en"],
            settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future", "RETURN_AS_TIMEZONE_AWARE": False},
        )
    except Exception:  # dateparser raises on odd input: an unreadable phrase is no date
        return None
    if parsed is None:
        return None
    result = parsed.date()
    # "Preferring the future": a due date before the meeting is a misreading, not a date.
    return result if result >= base.date() else None
