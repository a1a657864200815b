"""The English source's lexicon (:data:`ENGLISH`) and its reading: the quantities a
translation must keep, and the names with digits it must keep verbatim."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from functools import lru_cache

from .forms import AM, CLOCK, DEGREE, PM, Lexicon, Quantity
from .patterns import CACHE_SIZE, PROTECTED, PROTECTED_HINT
from .reader import Reader

# --- the English source ---------------------------------------------------------------------

_ENGLISH_UNITS = {
    "°F": ("°F", "℉", "ºF", "° F", "degrees F", "degrees Fahrenheit", "degree Fahrenheit", "F"),
    "°C": (
        "°C",
        "℃",
        "ºC",
        "° C",
        "degrees C",
        "degrees Celsius",
        "degree Celsius",
        "degrees centigrade",
        "C",
    ),
    DEGREE: ("°", "degrees", "degree"),
    "%": ("%", "percent", "per cent"),
    "mg": ("mg", "milligrams", "milligram"),
    "g": ("g", "grams", "gram", "gm"),
    "kg": ("kg", "kilograms", "kilogram", "kilos"),
    "mcg": ("mcg", "µg", "μg", "ug", "micrograms", "microgram"),
    "lb": ("lb", "lbs", "pounds", "pound"),
    "oz": ("oz", "ounces", "ounce"),
    "mL": ("mL", "ml", "milliliters", "milliliter", "millilitres", "millilitre", "cc"),
    "L": ("L", "liters", "liter", "litres", "litre"),
    "dL": ("dL", "dl"),
    "teaspoon": ("teaspoons", "teaspoon", "tsp"),
    "tablespoon": ("tablespoons", "tablespoon", "tbsp"),
    "cup": ("cups", "cup"),
    "mmHg": ("mmHg", "mm Hg"),
    "mmol/L": ("mmol/L", "mmol/l"),
    "mg/dL": ("mg/dL", "mg/dl"),
    "mm": ("mm",),
    "cm": ("cm",),
    "m2": ("m2", "m²"),
    "inch": ("inches", "inch"),
    "IU": ("IU", "international units", "international unit"),
    "unit": ("units", "unit"),
    "tablet": (
        "tablets",
        "tablet",
        "tabs",
        "pills",
        "pill",
        "capsules",
        "capsule",
        "caplets",
        "caplet",
    ),
    "drop": ("drops", "drop"),
    "puff": ("puffs", "puff", "inhalations", "inhalation", "sprays", "spray"),
    "second": ("seconds", "second", "sec"),
    "minute": ("minutes", "minute", "min", "mins"),
    "hour": ("hours", "hour", "hrs", "hr", "h"),
    "day": ("days", "day"),
    "week": ("weeks", "week", "wk"),
    "month": ("months", "month"),
    "year": ("years", "year"),
    "time": ("times",),
    CLOCK: ("o'clock", "o’clock"),
}
_ENGLISH_WORDS = {
    w: Decimal(i)
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
_ENGLISH_WORDS.update(
    {
        w: Decimal(v)
        for w, v in (
            ("thirty", 30),
            ("forty", 40),
            ("fifty", 50),
            ("sixty", 60),
            ("seventy", 70),
            ("eighty", 80),
            ("ninety", 90),
            ("hundred", 100),
            ("half", "0.5"),
            ("half a", "0.5"),
            ("half an", "0.5"),
            ("one-half", "0.5"),
            ("one half", "0.5"),
            ("twenty-four", 24),
            ("forty-eight", 48),
            ("seventy-two", 72),
        )
    }
)

ENGLISH = Lexicon(
    name="en",
    space_groups=False,
    units={form: unit for unit, forms in _ENGLISH_UNITS.items() for form in forms},
    connectors=("to", "or", "and", "through"),
    periods={
        "am": AM,
        "a.m.": AM,
        "a. m.": AM,
        "in the morning": AM,
        "pm": PM,
        "p.m.": PM,
        "p. m.": PM,
        "in the afternoon": PM,
        "in the evening": PM,
        "at night": PM,
        "noon": ((12, 12),),
    },
    multipliers={"thousand": Decimal(1000), "million": Decimal(1000000)},
    words=_ENGLISH_WORDS,
    # "every other day" is every 2 days: the same period said another way
    word_quantities={
        "every other day": (Decimal(2), "day"),
        "every second day": (Decimal(2), "day"),
        "every third day": (Decimal(3), "day"),
        "every other week": (Decimal(2), "week"),
        "every second week": (Decimal(2), "week"),
        "once": (Decimal(1), "time"),
        "twice": (Decimal(2), "time"),
        "noon": (Decimal(12), CLOCK),
        "midnight": (Decimal(0), CLOCK),
    },
    optional_words=frozenset({"one"}),
    per_words=("per", "a", "each"),
)


@lru_cache(maxsize=1)
def english_reader() -> Reader:
    return Reader(ENGLISH)


_source_readings: dict[str, tuple[Quantity, ...]] = {}


def _source_quantities(text: str) -> tuple[Quantity, ...]:
    found = _source_readings.get(text)
    if found is None:
        if len(_source_readings) >= CACHE_SIZE:
            _source_readings.clear()
        found = _source_readings[text] = tuple(english_reader().read(text))
    return found


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity of an English source text (cached: every locale asks again)."""
    return list(_source_quantities(text))


def source_pairs(text: str) -> tuple[tuple[Decimal | None, str | None], ...]:
    """The (value, unit) pairs of an English source text: from its full reading when
    that was made already (the template's notes need it), else by the fast path when
    it applies (the same pairs), else read fully."""
    found = _source_readings.get(text)
    if found is None:
        simple = english_reader().simple_pairs(text)
        if simple is not None:
            return simple
        found = _source_quantities(text)
    return tuple([(q.value, q.unit) for q in found])


def protected_tokens(text: str) -> Counter[str]:
    """Names containing digits (``CD19``, ``IL-6``) that a translation must keep verbatim."""
    if not PROTECTED_HINT.search(text):
        return Counter()
    return Counter(name for name in PROTECTED.findall(text) if name not in _UNIT_NAMES)


_UNIT_NAMES = frozenset(ENGLISH.units)  # m2 is a unit, not a name
