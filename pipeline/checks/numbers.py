"""Numbers with their units, in English source text and in any locale's translation.

A quantity is a (value, unit) pair: ``100.4°F`` is (100.4, "°F"); ``48 hours`` is
(48, "hour"); in Spanish ``100,4 °F`` is (100.4, "°F"), in Arabic ``٣٨ °م`` is
(38, "°C") and in Chinese ``24小时`` is (24, "hour"). Translations are compared as
multisets of pairs, never as digit strings. A number glued to letters (``CD19``) is
part of a name, not a quantity: it is a *protected token* that must stay verbatim.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol
from babel.units import format_unit

from ..source.quantities import (
    PROTECTED,
    PROTECTED_HINT,
    SYMBOLS,
    Quantity,
    blank,
    find_quantities,
    protected_tokens,
)

# canonical unit -> CLDR unit id (localized names come from Babel)
_CLDR_UNITS = {
    "°F": "temperature-fahrenheit", "°C": "temperature-celsius",
    "mg": "mass-milligram", "g": "mass-gram", "kg": "mass-kilogram", "mcg": "mass-microgram",
    "mL": "volume-milliliter", "L": "volume-liter",
    "minute": "duration-minute", "hour": "duration-hour", "day": "duration-day",
    "week": "duration-week", "month": "duration-month", "year": "duration-year",
}
_SAMPLE_COUNTS = (0, 1, 2, 3, 5, 11, 21, 100, 1.5)
_SPACES = " \u00a0\u202f\u2009\u200e\u200f"
_PERCENT_SIGNS = "%٪％"
_LATIN = "A-Za-z\u00c0-\u024f\u1e00-\u1eff"
_LATIN_CHAR = re.compile(f"[{_LATIN}]")
_KEEP_SHORT = {"h"}  # one-letter unit names other than these are too often words ("a", "d")




# --- translations: the locale's symbols, digits and unit names -----------------------------

@dataclass(frozen=True)
class LocaleNumbers:
    """How one locale writes numbers and units, compiled once."""

    decimals: frozenset[str]
    groups: frozenset[str]
    pattern: re.Pattern[str]
    units: dict[str, str]  # lower-cased written form -> canonical unit
    decimal: str = "."  # the locale's own decimal separator


def _babel_locale(locale: str) -> Locale | None:
    try:
        return Locale.parse(locale.split("@")[0])
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def _symbols(babel: Locale | None) -> tuple[set[str], set[str]]:
    """Decimal and group separators of the locale's default and native digits,
    plus the English '.' decimal point (always accepted)."""
    decimals, groups = {"."}, set()
    if babel is not None:
        systems = {babel.default_numbering_system, *babel.other_numbering_systems.values()}
        for system in systems:
            try:
                decimals.add(get_decimal_symbol(babel, numbering_system=system))
                groups.add(get_group_symbol(babel, numbering_system=system))
            except Exception:  # noqa: BLE001 - Babel has no symbols for some systems
                continue
    if "," not in decimals:
        groups.add(",")
    groups.discard(" ")
    return decimals, groups


def _unit_names(babel: Locale | None) -> dict[str, str]:
    """Written unit forms of the locale (CLDR long/short/narrow, every plural form)."""
    names: dict[str, str] = {}
    if babel is None:
        return names
    for unit, cldr in _CLDR_UNITS.items():
        for length in ("long", "short", "narrow"):
            for count in _SAMPLE_COUNTS:
                try:
                    written = format_unit(count, cldr, length=length, locale=babel)
                except Exception:  # noqa: BLE001 - unit missing in this locale
                    continue
                number = format_decimal(count, locale=babel)
                name = written.replace(number, "").strip(_SPACES)
                if (len(name) > 1 or name in _KEEP_SHORT) and cldr not in name \
                        and not any(c.isdigit() for c in name):
                    names.setdefault(name.lower(), unit)
    return names


def _percent_first(babel: Locale | None) -> bool:
    """Whether the locale writes the percent sign before the number (Turkish: %50)."""
    try:
        return babel is not None and babel.percent_formats[None].pattern.startswith("%")
    except (KeyError, AttributeError):
        return False


def _is_cjk(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F") or "\uac00" <= char <= "\ud7af"


@lru_cache(maxsize=64)
def locale_numbers(locale: str) -> LocaleNumbers:
    """The compiled number-and-unit reader of ``locale`` (cached)."""
    babel = _babel_locale(locale)
    decimals, groups = _symbols(babel)
    units = {form.lower(): unit for form, unit in SYMBOLS.items()}
    units.update({k: v for k, v in _unit_names(babel).items() if k not in units})
    separators = "".join(sorted(re.escape(s) for s in decimals | groups))
    alternatives = []
    for form in sorted(units, key=len, reverse=True):
        escaped = re.escape(form)
        if _LATIN_CHAR.match(form[-1]):
            escaped += rf"(?![{_LATIN}])"
        elif form[-1].isalpha() and not _is_cjk(form[-1]):
            escaped += r"(?!\w)"
        alternatives.append(escaped)
    number = rf"(\d\d*(?:[{separators}]\d+)*)(?:[{_SPACES}]?({'|'.join(alternatives)}))?"
    prefix = rf"(?:[{_PERCENT_SIGNS}][{_SPACES}]?)?" if _percent_first(babel) else ""
    # groups: the whole, the value, the unit; without a prefix, a digit comes first and
    # the regex engine skips fast from digit to digit
    pattern = re.compile(rf"({prefix}{number})", re.IGNORECASE)
    decimal = get_decimal_symbol(babel) if babel is not None else "."
    return LocaleNumbers(frozenset(decimals), frozenset(groups), pattern, units, decimal)


_NON_DIGIT = re.compile(r"\D")


def _digits(text: str) -> str:
    """ASCII digits for any script's decimal digits (Arabic-Indic, Persian, ...)."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(c)) if c.isdigit() else c for c in text)


def _valid_groups(parts: list[str]) -> bool:
    return len(parts[-1]) == 3 and all(len(p) in (2, 3) for p in parts[1:-1]) \
        and 1 <= len(parts[0]) <= 3


def readings(written: str, numbers: LocaleNumbers) -> tuple[Decimal, ...]:
    """Every value a written number can mean with the locale's separators, most
    likely first (``1.000`` in Spanish: 1000 or, with an English point, 1)."""
    text = _digits(written)
    seps = _NON_DIGIT.findall(text)
    parts = _NON_DIGIT.split(text)
    found: list[Decimal] = []
    if not seps:
        found.append(Decimal(text))
    last = seps[-1] if seps else ""
    if seps and last in numbers.decimals and all(s in numbers.groups for s in seps[:-1]) \
            and (len(parts) == 2 or _valid_groups(parts[:-1])):
        found.append(Decimal("".join(parts[:-1]) + "." + parts[-1]))
    if seps and all(s in numbers.groups for s in seps) and _valid_groups(parts):
        grouped = Decimal("".join(parts))
        found.insert(0 if last != numbers.decimal else len(found), grouped)
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=65536)
def _values(written: str, locale: str) -> tuple[Decimal, ...]:
    """:func:`readings` of a written number (cached: the same numbers recur), or its
    leading digits when the separators fit no reading."""
    try:
        values = readings(written, locale_numbers(locale))
        return values or (Decimal(_NON_DIGIT.split(_digits(written))[0]),)
    except InvalidOperation:
        return ()


def find_localized(text: str, locale: str) -> list[Quantity]:
    """Every number of a translation, read the way ``locale`` writes numbers and units."""
    if PROTECTED_HINT.search(text):  # what every protected name contains
        text = PROTECTED.sub(blank, text)
    found = [_localized(whole, written, unit, locale)
             for whole, written, unit in locale_numbers(locale).pattern.findall(text)]
    return [quantity for quantity in found if quantity is not None]


@lru_cache(maxsize=65536)
def _localized(whole: str, written: str, unit: str, locale: str) -> Quantity | None:
    """One match of a locale's pattern as a quantity (cached: "24 horas" recurs), or
    None when its digits make no number."""
    values = _values(written, locale)
    if not values:
        return None
    canonical = locale_numbers(locale).units[unit.lower()] if unit else \
        "%" if whole[0] in _PERCENT_SIGNS else None  # "%50" in Turkish
    return Quantity(values[0], canonical, whole.strip(_SPACES), values)


# --- comparison ------------------------------------------------------------------------------

def compare(source: str, translation: str, locale: str) -> list[str]:
    """What a translator changed in the numbers, units and numbered names, in words."""
    wanted, names, pairs = _source_reading(source)
    problems = [f"'{token}' must appear unchanged (it is a name, not a number)"
                for token in (names - protected_tokens(translation))] if names else []
    found = find_localized(translation, locale)
    if len(found) == len(pairs):  # the usual case: the same pairs, often in the same order
        written = tuple([(q.value, q.unit) for q in found])
        if written == pairs or Counter(written) == Counter(pairs):
            return problems  # every quantity matches its own pair first: none is missing
    remaining = Counter(pairs)
    extra: list[Quantity] = []
    for quantity in found:
        key = _match(quantity, remaining)
        if key is None:
            extra.append(quantity)
        else:
            remaining[key] -= 1
    missing = [q for q in wanted if _take(remaining, (q.value, q.unit))]
    return problems + _describe(missing, extra)


@lru_cache(maxsize=65536)
def _source_reading(source: str) -> tuple[tuple[Quantity, ...], Counter[str],
                                          tuple[tuple[Decimal, str | None], ...]]:
    """A source text's quantities, protected names and (value, unit) pairs (the same
    for every locale)."""
    quantities = tuple(find_quantities(source))
    return quantities, protected_tokens(source), tuple((q.value, q.unit) for q in quantities)


def _match(quantity: Quantity, remaining: Counter) -> tuple[Decimal, str | None] | None:
    """The source pair a translated quantity stands for (a unit word added to a bare
    source number is fine; a unit dropped or changed is not)."""
    for value in quantity.readings or (quantity.value,):
        for unit in dict.fromkeys((quantity.unit, None)):
            if remaining[(value, unit)] > 0:
                return (value, unit)
    return None


def _take(remaining: Counter, key: tuple[Decimal, str | None]) -> bool:
    if remaining[key] > 0:
        remaining[key] -= 1
        return True
    return False


def _unit_text(unit: str | None) -> str:
    return f"unit {unit}" if unit else "no unit"


def _describe(missing: list[Quantity], extra: list[Quantity]) -> list[str]:
    problems = []
    for source in missing:
        partner = next((q for q in extra if source.value in q.readings), None) or \
            next((q for q in extra if q.unit == source.unit and source.unit), None)
        if partner is None:
            problems.append(f"'{source.text}' of the source is missing from the translation")
            continue
        extra.remove(partner)
        if source.value in partner.readings:
            problems.append(f"'{source.text}' became '{partner.text}': "
                            f"{_unit_text(source.unit)} changed to {_unit_text(partner.unit)}")
        else:
            problems.append(f"'{source.text}' became '{partner.text}': the number changed")
    problems += [f"'{q.text}' is not in the source text" for q in extra]
    return problems
