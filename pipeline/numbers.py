"""Numbers with their units, as they appear in English source text.

A quantity is a (value, unit) pair: ``100.4°F`` is (100.4, "°F"); ``48 hours`` is
(48, "hour"). Translations are compared as pairs, not digit strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_UNITS = {
    "°F": "°F", "°C": "°C", "%": "%", "mg": "mg", "g": "g", "mcg": "mcg", "µg": "mcg",
    "mL": "mL", "ml": "mL", "L": "L", "kg": "kg", "hours": "hour", "hour": "hour",
    "days": "day", "day": "day", "weeks": "week", "week": "week", "minutes": "minute",
    "minute": "minute", "months": "month", "month": "month",
}
_UNIT_PATTERN = "|".join(sorted((re.escape(u) for u in _UNITS), key=len, reverse=True))
SOURCE_QUANTITY = re.compile(
    rf"(?<![\w.])(?P<value>\d+(?:\.\d+)?)(?:[ \u00a0]?(?P<unit>{_UNIT_PATTERN})(?!\w))?")


@dataclass(frozen=True, slots=True)
class Quantity:
    value: Decimal
    unit: str | None
    text: str


def find_quantities(text: str) -> list[Quantity]:
    """Every number in an English source text, with its unit when one follows."""
    found = []
    for match in SOURCE_QUANTITY.finditer(text):
        unit = match.group("unit")
        found.append(Quantity(Decimal(match.group("value")), _UNITS[unit] if unit else None,
                              match.group(0)))
    return found
