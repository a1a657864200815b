"""Numbers with their units in a translation, compared with the English source's.

A translation is read the way a reader of its locale reads it (see
:mod:`pipeline.text.quantities` for what a reader does, and
:mod:`pipeline.text.lexicon` for the per-language data): ``100,4 °F`` in Spanish is
(100.4, "°F"), ``٣٨ °م`` in Arabic (38, "°C"), ``下午7点`` in Chinese the clock time 19:00,
``1.500 mg`` in Spanish 1500 mg. Source and translation are compared as multisets of
(value, unit) pairs, never as digit strings: every source quantity must be found, and
nothing may be added (a number word that can be an article, "una", may stand for nothing).
A number glued to letters (``CD19``) is a *protected token* that must stay verbatim.

Each source quantity ends in one of three states (:func:`verdict`): *matched*;
*contradicted* (the translation states something else and the reader is sure of its
reading: check ``numbers-units``); *unread* (no reading of it was found in the
translation, or what was read cannot be compared: a number with no unit word the reader
knows, a clock hour whose day period it did not read; check ``numbers-unread``). Nothing
passes because it was not read.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from ..text.lexicon import known, lexicon_for, period_entry
from ..text.quantities import (
    TIME,
    Lexicon,
    Quantity,
    Reader,
    find_quantities,
    format_reading,
    normalize,
    original_span,
    protected_tokens,
    source_pairs,
)

__all__ = [
    "Verdict",
    "compare",
    "find_localized",
    "find_quantities",
    "protected_tokens",
    "reader",
    "verdict",
]

REVIEW = "a reviewer must confirm"


class Verdict(NamedTuple):
    """What a translation did to the source's quantities: the contradictions (the reader
    is sure the translation says something else) and what it could not read."""

    contradicted: tuple[str, ...] = ()
    unread: tuple[str, ...] = ()


@lru_cache(maxsize=128)
def reader(locale: str) -> Reader:
    """The compiled quantity reader of ``locale`` (cached)."""
    return Reader(lexicon_for(locale))


def find_localized(text: str, locale: str) -> list[Quantity]:
    """Every quantity of a translation, read the way ``locale`` writes them."""
    return list(_read(text, locale))


@lru_cache(maxsize=8192)
def _read(text: str, locale: str) -> tuple[Quantity, ...]:
    return tuple(reader(locale).read(text))


_source_pairs = lru_cache(maxsize=65536)(source_pairs)  # the same for every locale


@lru_cache(maxsize=65536)
def _source_names(source: str) -> Counter[str]:
    """A source text's protected names (cached; not to be changed in place)."""
    return protected_tokens(source)


# --- comparison ------------------------------------------------------------------------------


def compare(source: str, translation: str, locale: str) -> list[str]:
    """What a translator changed in the numbers, units and numbered names, in words
    (the contradictions, then what the reader could not read)."""
    found = verdict(source, translation, locale)
    return [*found.contradicted, *found.unread]


@lru_cache(maxsize=4096)
def verdict(source: str, translation: str, locale: str) -> Verdict:
    """The source's quantities that the translation contradicts, and those the reader
    could not read in it (cached: two checks ask for the same pair)."""
    pairs, names = _source_pairs(source), _source_names(source)
    problems = (
        tuple(
            f"'{token}' must appear unchanged (it is a name, not a number)"
            for token in (names - protected_tokens(translation))
        )
        if names
        else ()
    )
    if translation == source:
        return Verdict(problems)  # an untranslated copy says what the source says
    if reader(locale).simple_pairs(translation) == pairs:
        return Verdict(problems)  # the usual case: the same pairs, nothing needing context
    found = _read(translation, locale)
    wanted = tuple(find_quantities(source))
    if len(found) == len(pairs) and all(
        q.value == value and q.unit == unit and not q.optional
        for q, (value, unit) in zip(found, pairs, strict=True)
    ):
        return Verdict(problems)  # the usual case: the same pairs in the same order
    if any(q.unit and "/" in q.unit for q in wanted):  # mg/kg: "1,5 mg por kg", "kg당"
        mentioned = reader(locale).mentions(translation)
        found = tuple(_per_reading(q, mentioned) for q in found)
    # a rate's period against the English words: the period check's where the locale has
    # period words (one finding, not two), the quantity's where it has none
    periods = _english_periods(source) if period_entry(locale) is None else frozenset()
    matched = _match(wanted, found, periods)
    missing = [s for i, s in enumerate(wanted) if i not in matched]
    used = set(matched.values())
    extra = [t for j, t in enumerate(found) if j not in used and not t.optional]
    if not missing and not extra:
        return Verdict(problems)
    contradicted, unread = _describe(missing, extra, translation, locale)
    return Verdict(problems + tuple(contradicted), tuple(unread))


def _per_reading(quantity: Quantity, mentioned: frozenset[str]) -> Quantity:
    """``1,5 mg por kg`` says 1.5 mg/kg when the translation names kilograms: the
    per-unit is written in words, in any order ("体重1kgあたり1.5mg")."""
    extra = tuple(
        (value, f"{unit}/{per}")
        for value, unit in quantity.readings
        for per in mentioned
        if unit and unit != TIME and "/" not in per and per not in unit.split("/")
    )
    return quantity._replace(readings=quantity.readings + extra) if extra else quantity


_PERIOD_WORDS = {
    "day": re.compile(r"\b(?:days?|daily)\b", re.IGNORECASE),
    "week": re.compile(r"\b(?:weeks?|weekly)\b", re.IGNORECASE),
    "month": re.compile(r"\b(?:months?|monthly)\b", re.IGNORECASE),
}


@lru_cache(maxsize=4096)
def _english_periods(source: str) -> frozenset[str]:
    """The periods an English text names in words ("twice a day": day)."""
    return frozenset(name for name, pattern in _PERIOD_WORDS.items() if pattern.search(source))


def _fits(source: Quantity, target: Quantity, periods: frozenset[str] = frozenset()) -> bool:
    """Whether a translated quantity says what a source quantity says (a unit word added
    to a bare source number is fine; a unit dropped or changed is not)."""
    if source.value is None or target.value is None:
        return False
    for value, unit in target.readings:
        if source.unit == TIME:
            if unit == TIME and value == source.value:
                return True
            continue
        if value == source.value and (
            unit == source.unit or (source.unit is None and unit != TIME)
        ):
            return True
        if (
            value == source.value
            and unit
            and source.unit
            and "/" not in source.unit
            and unit.split("/")[0] == source.unit
            and (
                not periods
                or unit.split("/")[-1] not in _PERIOD_WORDS
                or unit.split("/")[-1] in periods
            )
        ):
            return True  # "twice a day" as "два раза в день" (not "2 L a day" as "2 L/week")
        if _same_amount(source.value, source.unit, value, unit):
            return True  # "30 minutes" as "nửa giờ", "1,000 mg" as "1 g"
        if source.unit is None and unit == TIME and value == source.value * 60:
            return True  # "at 7" -> "a las 7"
    return False


# units one converts into another exactly: (dimension, size in the smallest unit)
_SIZES = {
    "second": ("time", 1),
    "minute": ("time", 60),
    "hour": ("time", 3600),
    "day": ("time", 86400),
    "week": ("time", 604800),
    "mcg": ("mass", 1),
    "mg": ("mass", 1000),
    "g": ("mass", 1000000),
    "kg": ("mass", 1000000000),
    "mL": ("volume", 1),
    "dL": ("volume", 100),
    "L": ("volume", 1000),
}


def _same_amount(value: Decimal, unit: str | None, other: Decimal, other_unit: str | None) -> bool:
    """The same amount in another unit of its kind, exactly (0.5 hour is 30 minutes)."""
    if unit == other_unit or unit not in _SIZES or other_unit not in _SIZES:
        return False
    (kind, size), (other_kind, other_size) = _SIZES[unit], _SIZES[other_unit]
    return kind == other_kind and value * size == other * other_size


def _match(
    wanted: tuple[Quantity, ...], found: tuple[Quantity, ...], periods: frozenset[str] = frozenset()
) -> dict[int, int]:
    """The most source quantities matched one to one with translated ones (augmenting
    paths; texts hold a handful of quantities)."""
    # a quantity that must be in the source (not optional) is tried first
    options = [
        sorted(
            (j for j, t in enumerate(found) if _fits(s, t, periods)),
            key=lambda j: found[j].optional,
        )
        for s in wanted
    ]
    owner: dict[int, int] = {}  # translation index -> source index

    def place(i: int, seen: set[int]) -> bool:
        for j in options[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or place(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(wanted)):
        place(i, set())
    # an unmatched quantity that must be in the source takes the place of an optional one
    for j, target in enumerate(found):
        if j in owner or target.optional:
            continue
        for i in range(len(wanted)):
            if j in options[i]:
                held = next((k for k, owner_i in owner.items() if owner_i == i), None)
                if held is not None and found[held].optional:
                    del owner[held]
                    owner[j] = i
                    break
    return {i: j for j, i in owner.items()}


def _unit_text(unit: str | None) -> str:
    return f"unit {unit}" if unit else "no unit"


def _shown(quantity: Quantity, translation: str) -> str:
    return original_span(translation, quantity.start, quantity.end) or quantity.text


def _describe(
    missing: list[Quantity], extra: list[Quantity], translation: str, locale: str
) -> tuple[list[str], list[str]]:
    """The contradictions and the unread quantities, in words."""
    contradicted: list[str] = []
    unread: list[str] = []
    lexicon = lexicon_for(locale)
    for source in missing:
        partner = (
            next(
                (
                    q
                    for q in extra
                    if q.value is not None
                    and any(v == source.value for v, _ in q.readings)
                    and source.unit != TIME
                ),
                None,
            )
            or next((q for q in extra if source.unit and q.unit == source.unit), None)
            or next(
                (q for q in extra if source.unit == TIME and TIME in {u for _, u in q.readings}),
                None,
            )
            or (extra[0] if len(extra) == 1 and len(missing) == 1 else None)
        )
        if partner is None:
            unread.append(
                f"'{source.text}' of the source: no reading of it in the "
                f"translation{_unread_note(lexicon, locale, source)}: {REVIEW}"
            )
            continue
        extra.remove(partner)
        doubt = _doubt(source, partner, translation, locale) if partner.value is not None else None
        if partner.value is None:
            unread.append(f"{_changed(source, partner, translation, locale)}: {REVIEW}")
        elif doubt:
            read = format_reading(partner.value, partner.unit)
            unread.append(
                f"'{source.text}' became '{_shown(partner, translation)}', read as "
                f"{read} in {locale}; {doubt}: {REVIEW}"
            )
        else:
            contradicted.append(_changed(source, partner, translation, locale))
    for target in extra:
        message = _added(target, translation, locale)
        if target.value is None or target.value == 1 or _exponent(target, translation):
            # unreadable; a 1 that may restate the source's "per" ("per 1 kg"); a
            # superscript glued to a word the reader does not know (মি²: an exponent)
            unread.append(f"{message}: {REVIEW}")
        else:
            contradicted.append(message)
    return contradicted, unread


def _exponent(target: Quantity, translation: str) -> bool:
    """A bare superscript digit written right after a letter (মি²): an exponent of a unit
    the reader does not know, not a number the translation adds."""
    start = original_span(translation, target.start, target.end)
    before = translation[: translation.find(start)] if start and start in translation else ""
    return target.unit is None and start in ("²", "³") and before[-1:].isalpha()


_WORD_AFTER = re.compile(r"[\s\u00a0\u202f]*([^\W\d_][^\s\d.,;:!?()\[\]«»\"“”/]*)")


def _word_after(quantity: Quantity, translation: str) -> str | None:
    """The word written right after a quantity that the reader did not take as its unit."""
    match = _WORD_AFTER.match(normalize(translation), quantity.end)
    return match.group(1) if match else None


def _doubt(source: Quantity, target: Quantity, translation: str, locale: str) -> str | None:
    """Why a translated quantity that differs from the source's cannot be taken for a
    contradiction (None: the reader is sure of its reading)."""
    word = _word_after(target, translation)
    if source.unit == TIME:
        times = {v for v, u in target.readings if u == TIME}
        if not times:
            clock = f"the word '{word}' after it" if word else "no clock word"
            return f"{clock} is not read as a clock time in {locale}"
        if (
            source.value is not None
            and not target.dayperiod
            and any(int(v - source.value) % 1440 == 720 for v in times)
        ):
            return f"no day period read with the hour in {locale}"
        return None
    if (
        source.unit
        and "/" in source.unit
        and target.unit
        and (target.unit.split("/")[0] == source.unit.split("/")[0])
        and ("/" not in target.unit or target.unit.count("/") < source.unit.count("/"))
    ):
        return f"the rate's denominator ({source.unit}) is not read with it in {locale}"
    if target.unit and source.unit and target.unit != source.unit and target.value != source.value:
        return "nothing there reads as it (the nearest reading is another quantity)"
    if target.unit is None and source.unit is not None:
        known_word = f"the word '{word}' after it is not known" if word else "no unit word"
        return f"{known_word} in {locale} (the source's unit is {source.unit})"
    if (
        target.unit is None
        and word
        and source.value is not None
        and target.value
        and source.value % target.value == 0
        and source.value != target.value
    ):
        return f"the word '{word}' after it is not known in {locale} (a multiplier?)"
    return None


def _changed(source: Quantity, target: Quantity, translation: str, locale: str) -> str:
    written = _shown(target, translation)
    if target.value is None:
        return (
            f"'{source.text}' became '{written}', which a reader in {locale} cannot "
            "take for one number: its separators fit neither the decimal mark nor the "
            "grouping there (write it as the source's value)"
        )
    read = format_reading(target.value, target.unit)
    head = f"'{source.text}' became '{written}', read as {read} in {locale}"
    if source.unit == TIME:
        if target.unit == TIME:
            return (
                f"{head}: the time of day changed (the source says "
                f"{format_reading(source.value, TIME)})"
            )
        return (
            f"{head}: the source's clock time {format_reading(source.value, TIME)} "
            "is not read there"
        )
    if any(v == source.value for v, _ in target.readings):
        return f"{head}: {_unit_text(source.unit)} changed to {_unit_text(target.unit)}"
    return (
        f"{head}: the number changed (the source says {format_reading(source.value, source.unit)})"
    )


def _added(target: Quantity, translation: str, locale: str) -> str:
    written = _shown(target, translation)
    if target.value is None:
        return (
            f"'{written}' is not in the source text, and a reader in {locale} cannot "
            "take it for one number"
        )
    return (
        f"'{written}' is not in the source text (read as "
        f"{format_reading(target.value, target.unit)} in {locale})"
    )


def _unread_note(lexicon: Lexicon, locale: str, source: Quantity) -> str:
    if not known(locale):
        return f" (no quantity lexicon for '{locale}': only digits and symbols are read)"
    if not lexicon.reads_words:
        return f" (numbers spelled out in words are not read in {locale})"
    if source.text and not any(c.isdigit() for c in source.text):
        return f" (no number word for '{source.text}' read in {locale})"
    return f" in {locale}"
