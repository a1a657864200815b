"""What a quantity is and what a reader knows of a language: :class:`Quantity`,
:class:`Lexicon`, and the canonical unit names every lexicon maps to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

TIME = "clock"  # the unit of a clock time; its value is minutes after midnight
CLOCK = "o'clock"  # a lexicon unit that makes the number before it a clock hour
HOUR_OR_CLOCK = "hour|o'clock"  # a unit word that is both ("heures", "giờ", "h")
DEGREE = "°"  # a degree without a scale: read as Celsius (what every reader here assumes)
SPACES = " \u00a0\u202f\u2009\u2007\u200e\u200f\u061c"
AM, PM = ((0, 12),), ((12, 24),)


class Quantity(NamedTuple):
    """A number as written, how it is read, and what it may stand for.

    ``readings`` lists every (value, unit) the text can mean to its reader, the way it
    is read first; ``optional`` marks one that may stand for nothing in the source (the
    article "una", the rate "1日" of "1日2回")."""

    value: Decimal | None
    unit: str | None
    text: str
    readings: tuple[tuple[Decimal, str | None], ...] = ()
    optional: bool = False
    start: int = 0
    end: int = 0
    dayperiod: bool = False  # a clock time whose half of the day is known (pm, 19:00)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Lexicon:
    """Everything a :class:`Reader` knows about one language's way of writing quantities.

    Forms are matched case-insensitively after NFKC. ``units`` name the unit after a
    number (canonical names: "mg", "hour", "tablet"...; :data:`CLOCK` or
    :data:`HOUR_OR_CLOCK` for clock words); ``prefix_units`` before it. ``periods`` map a
    day-period word to the hours it covers (``[[12, 24]]`` for "pm"), written after the
    time (``periods_after``) or before it. ``words`` are number words (value), bound to a
    unit; ``word_quantities`` carry their unit (``twice``: 2 times)."""

    name: str
    decimals: frozenset[str] = frozenset({"."})
    groups: frozenset[str] = frozenset({","})
    lakh: bool = False  # Indian grouping: 1,50,000
    space_groups: bool = True  # 1 500 (space, no-break or narrow no-break space)
    extra_decimals: frozenset[str] = frozenset()  # between the locale's own digits only
    units: Mapping[str, str] = field(default_factory=dict)
    prefix_units: Mapping[str, str] = field(default_factory=dict)
    linkers: tuple[str, ...] = ()
    connectors: tuple[str, ...] = ()
    periods: Mapping[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    periods_before: Mapping[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    clock_prefixes: tuple[str, ...] = ()
    multipliers: Mapping[str, Decimal] = field(default_factory=dict)
    words: Mapping[str, Decimal] = field(default_factory=dict)
    word_quantities: Mapping[str, tuple[Decimal, str | None]] = field(default_factory=dict)
    optional_words: frozenset[str] = frozenset()  # number words that may be articles
    optional_units: frozenset[str] = frozenset()  # a bare unit word meaning "one" (Arabic)
    han_numerals: bool = False  # 二十四, 两, 万: Chinese and Japanese numerals
    glued: bool = False  # units and particles follow without a space (CJK, Korean)
    endings: bool = False  # case endings and postpositions glue to unit words (দিনে, লাখের)
    reads_words: bool = True  # whether spelled-out numbers are read at all
    not_quantities: tuple[str, ...] = ()  # words written with numerals (十分: very)
    per_words: tuple[str, ...] = ()  # "mg per kg": a compound unit in words
    per_units: Mapping[str, str] = field(default_factory=dict)  # "на годину": per hour
    clock_from: int = 0  # the hour a native clock counts from (Swahili, Ethiopian: 6)
