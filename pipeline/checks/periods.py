"""The period of a frequency or a limit written in words: "twice a *day*", "once
*weekly*", "no more than 1,500 mg a *day*".

The quantity check (:mod:`.numbers`) compares numbers with their units; a bare period
word has no number, so "once daily" written "una vez por semana" passes it. This check
compares the periods (day, week, month) that source and translation name outside their
quantities, with the words of ``lexicon/periods.yaml``, and reports a translation that
names another period **and** none of the English one's, neither in words nor as a
quantity's unit ("once daily" as "1日1回"). Either condition alone is normal:
translators add "per day" to a "1 tablet" the English leaves implicit, or write "for 7
days" as "durante una semana" (the English period is a quantity there, which the
quantity check compares).

The same holds for the time of day written without an hour ("take it *in the morning*"):
:func:`day_period_problems` reports a translation that names a time of day (CLDR's day
periods of its locale, with their hours, and the curated ones) and none that overlaps
the English one's hours ("in the morning" as "por la noche").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..text.lexicon import period_entry
from ..text.quantities import english_reader, normalize
from .numbers import find_localized, reader

PERIODS = ("day", "week", "month")
_WORD = r"[^\W\d_]"


def _pattern(form: str, anywhere: bool) -> str:
    """One form as a regex: whole words, or (``anywhere``) anywhere in the text. The
    literal comes first and the "no letter before" test after it, as a lookbehind of the
    first word's fixed width: the same matches as a leading lookbehind, but the regex
    engine then skips to the literal (faster: docs/speed.md)."""
    prefix = form.endswith("*")
    first, *rest = (
        re.escape(word).replace(r"\#", r"[#\d]") for word in form.rstrip("*").split(" ")
    )
    body = r"[\s\-]+".join((first, *rest))
    if anywhere:
        return body
    tail = "".join(rf"[\s\-]+{word}" for word in rest)
    return rf"{first}(?<!{_WORD}{first}){tail}" + (f"{_WORD}*" if prefix else rf"(?!{_WORD})")


@dataclass(frozen=True)
class Words:
    """One language's period words: each period's pattern, with the fixed strings one of
    which a lower-cased text must contain for the pattern to match (a fast first look;
    None when a form has no such string)."""

    patterns: dict[str, tuple[re.Pattern[str], tuple[str, ...] | None]]

    def named(self, text: str) -> dict[str, str]:
        """The periods ``text`` names, each with the first word that names it."""
        lowered = text.lower()
        found = {}
        for period, (pattern, needles) in self.patterns.items():
            if needles is not None and not any(map(lowered.__contains__, needles)):
                continue
            match = pattern.search(text)
            if match:
                found[period] = match.group(0)
        return found


def _needle(form: str) -> str:
    """The start of a form that every text it matches contains, lower-cased."""
    return form.rstrip("*").split("#")[0].split(" ")[0].lower()


@lru_cache(maxsize=64)
def _words(locale: str) -> Words | None:
    """The period words of ``locale`` (its language's when the locale has none); None
    for a language with no period words."""
    entry = period_entry(locale)
    if not entry:
        return None
    anywhere = bool(entry.get("anywhere"))
    patterns = {}
    for period in PERIODS:
        forms = entry.get(period)
        if forms:
            needles = tuple(dict.fromkeys(map(_needle, forms)))
            patterns[period] = (
                re.compile("|".join(_pattern(form, anywhere) for form in forms), re.IGNORECASE),
                needles if all(needles) else None,
            )
    return Words(patterns)


@lru_cache(maxsize=65536)
def _source_periods(source: str) -> tuple[tuple[str, str], ...]:
    words = _words("en")
    assert words is not None
    if not words.named(normalize(source)):
        return ()  # most texts: no period word at all (blanking only removes some)
    return tuple(words.named(english_reader().without_quantities(source)).items())


def period_problems(source: str, translation: str, locale: str) -> list[str]:
    """What the translation did to the periods and times of day the English names in
    words."""
    return _period_word_problems(source, translation, locale) + day_period_problems(
        source, translation, locale
    )


def _period_word_problems(source: str, translation: str, locale: str) -> list[str]:
    wanted = dict(_source_periods(source))
    if not wanted:
        return []
    words = _words(locale)
    if words is None:
        return []
    if all(period in wanted for period in words.named(normalize(translation))):
        return []  # no other period named (blanking the quantities only removes some)
    found = words.named(reader(locale).without_quantities(translation))
    added = [period for period in found if period not in wanted]
    lost = [period for period in wanted if period not in found]
    if lost and added:  # "once daily" as "1日1回": the day is a quantity's unit there
        units = {
            unit
            for quantity in find_localized(translation, locale)
            for _, unit in quantity.readings
        }
        lost = [period for period in lost if period not in units]
    if not lost or not added:
        return []
    english = ", ".join(f"'{wanted[period]}' ({period})" for period in lost)
    local = ", ".join(f"'{found[period]}' ({period})" for period in added)
    return [
        f"the period changed: the English says {english}, the translation {local} "
        f"and no {' or '.join(lost)}"
    ]


# the core hours of each English time of day (a translation's word for the same time of
# day, whose CLDR hours are wider, overlaps them): [from, before); [h, h] is the hour h
_ENGLISH_DAY_PERIODS = {
    "morning": ((6, 12),),
    "afternoon": ((12, 18),),
    "evening": ((18, 22),),
    "night": ((21, 24), (0, 4)),
    "bedtime": ((20, 24), (0, 2)),
    "noon": ((12, 12),),
    "midday": ((12, 12),),
    "midnight": ((0, 0),),
}
_ENGLISH_DAY_WORD = re.compile(
    r"(?<![^\W\d_])(mornings?|afternoons?|evenings?|nights?|bedtime|noon|midday|midnight)"
    r"(?![^\W\d_])",
    re.IGNORECASE,
)


def _hours(spans: tuple[tuple[int, int], ...]) -> set[int]:
    hours: set[int] = set()
    for begin, end in spans:
        if begin == end:
            hours.add(begin % 24)
        elif begin < end:
            hours.update(range(begin, end))
        else:
            hours.update([*range(begin, 24), *range(end)])
    return hours


_CLOCK_MARK = re.compile(r"[ap]\.? ?m\.?|[ap]", re.IGNORECASE)


@lru_cache(maxsize=64)
def _day_words(locale: str) -> tuple[re.Pattern[str], dict[str, set[int]]] | None:
    """The locale's day-period words (as its reader knows them) and their hours."""
    lexicon = reader(locale).lexicon
    words = {
        normalize(w).lower(): _hours(spans)
        for w, spans in {**lexicon.periods, **lexicon.periods_before}.items()
        if not _CLOCK_MARK.fullmatch(w)
    }  # am, p. m.: the marks of a clock time
    if not words:
        return None
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    anywhere = lexicon.glued or lexicon.endings
    pattern = alternation if anywhere else rf"(?<![^\W\d_])(?:{alternation})(?![^\W\d_])"
    return re.compile(pattern, re.IGNORECASE), words


def day_period_problems(source: str, translation: str, locale: str) -> list[str]:
    """A time of day written without an hour that the translation changed: the English
    names one ("in the morning"), the translation names others and none that overlaps it."""
    english, wanted = _english_day_periods(source)
    if not wanted:
        return []
    known = _day_words(locale)
    if known is None:
        return []
    pattern, words = known
    found = {
        m.group(0).lower() for m in pattern.finditer(reader(locale).without_quantities(translation))
    }
    if not found or any(words[w] & wanted for w in found):
        return []
    named = ", ".join(f"'{w}'" for w in sorted(found))
    return [
        f"the time of day changed: the English says '{english[0]}', the translation "
        f"{named} (other hours)"
    ]


@lru_cache(maxsize=4096)
def _english_day_periods(source: str) -> tuple[tuple[str, ...], frozenset[int]]:
    """The times of day an English text names outside its quantities, and their hours
    (cached: every locale's translation of a text asks for the same)."""
    if not _ENGLISH_DAY_WORD.search(source):
        return (), frozenset()
    english = _ENGLISH_DAY_WORD.findall(english_reader().without_quantities(source))
    wanted = (
        set().union(
            *(
                _hours(
                    _ENGLISH_DAY_PERIODS[
                        w.lower().rstrip("s") if w.lower() != "nights" else "night"
                    ]
                )
                for w in english
            )
        )
        if english
        else set()
    )
    return tuple(english), frozenset(wanted)
