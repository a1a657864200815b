"""Numbers and units as the English source writes them.

A quantity is a (value, unit) pair: ``100.4°F`` is (100.4, "°F"); ``48 hours`` is
(48, "hour"). A number glued to letters (``CD19``) is part of a name, not a quantity:
it is a *protected token* that a translation must keep verbatim. Extraction names
these in the catalog ("must survive"); :mod:`pipeline.checks.numbers` compares them
with what a translation says.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

# canonical unit -> English spellings that name it in source texts
SOURCE_UNITS = {
    "°F": ("°F", "℉"), "°C": ("°C", "℃"), "%": ("%",),
    "mg": ("mg",), "g": ("g",), "kg": ("kg",), "mcg": ("mcg", "µg", "μg"),
    "mL": ("mL", "ml"), "L": ("L",),
    "minute": ("minutes", "minute"), "hour": ("hours", "hour"), "day": ("days", "day"),
    "week": ("weeks", "week"), "month": ("months", "month"), "year": ("years", "year"),
}
# symbols accepted in every locale besides the CLDR names
SYMBOLS = {**{form: unit for unit, forms in SOURCE_UNITS.items() for form in forms},
            "ºF": "°F", "ºC": "°C",  # the ordinal sign typed for the degree sign
            "٪": "%", "％": "%", "‰": "‰", "°": "°"}

PROTECTED = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]+-?\d+[A-Za-z0-9]*")
_SOURCE_UNIT_PATTERN = "|".join(sorted((re.escape(u) for u in SYMBOLS if u != "°"),
                                       key=len, reverse=True))
SOURCE_QUANTITY = re.compile(  # a digit first, not after a letter or point: scanned fast
    rf"((?P<value>\d(?<![\w.]\d)(?:\d{{0,2}}(?:,\d{{3}})+(?:\.\d+)?|\d*(?:\.\d+)?))"
    rf"(?:[ \u00a0]?(?P<unit>{_SOURCE_UNIT_PATTERN})(?![A-Za-z]))?)")  # the whole, value, unit


class Quantity(NamedTuple):
    """A number as written, its value (and other readings, if ambiguous) and unit."""

    value: Decimal
    unit: str | None
    text: str
    readings: tuple[Decimal, ...] = ()

    def __str__(self) -> str:
        return self.text


# a digit after a letter (or a letter and '-'), what every protected name contains;
# written digit first so that the regex engine skips fast to the digits
PROTECTED_HINT = re.compile(r"\d(?:(?<=[A-Za-z]\d)|(?<=[A-Za-z]-\d))")


def find_quantities(text: str) -> list[Quantity]:
    """Every number in an English source text, with its unit when one follows."""
    found = []
    if PROTECTED_HINT.search(text):  # what every protected name contains
        text = PROTECTED.sub(blank, text)
    for written, value, unit in SOURCE_QUANTITY.findall(text):
        number = _decimal(value)
        found.append(Quantity(number, SYMBOLS[unit] if unit else None, written, (number,)))
    return found


@lru_cache(maxsize=4096)
def _decimal(written: str) -> Decimal:
    """An English number's value ("1,000.5" -> 1000.5); cached, the same numbers recur."""
    return Decimal(written.replace(",", ""))


def protected_tokens(text: str) -> Counter[str]:
    """Names containing digits (``CD19``, ``IL-6``) that a translation must keep verbatim."""
    return Counter(PROTECTED.findall(text)) if PROTECTED_HINT.search(text) else Counter()


def blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))
