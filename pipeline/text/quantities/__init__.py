"""Numbers and units as a text writes them: the reader, and the English source's words.

A quantity is a (value, unit) pair: ``100.4°F`` is (100.4, "°F"); ``48 hours`` is
(48, "hour"); ``7:00 pm`` is the clock time (1140, "time"), minutes after midnight.
:class:`Reader` reads any language from a :class:`Lexicon` (its separators, unit forms,
day periods, number words...): :data:`ENGLISH` here reads the source, and
:mod:`pipeline.checks.numbers` builds one per locale from :mod:`pipeline.text.lexicon`.

What a reader does, in order:

- compares after NFKC: full-width digits, ``㎎``, ``℃`` read as ``0-9``, ``mg``, ``°C``;
  a vulgar fraction (``½``), a superscript (``²``) or a Roman numeral character (``Ⅻ``)
  is a number like any other;
- reads a number with the locale's separators only, the way its reader reads them (in
  Spanish ``1.500`` is 1500, ``1,5`` is 1.5); a separator that fits neither grouping nor a
  decimal makes the number unreadable, never a guess;
- takes the unit written after the number (or, for a few forms, before it: ``摄氏38度``),
  across a linker (Tagalog ``na``) or classifier (Chinese ``个``);
- reads clock times as one quantity with their day period (``7:00 pm``, ``下午7点``,
  ``7 giờ tối``, ``19:00``);
- gives a bare number the unit of the range it opens (``2 to 8 °C``, ``1-2 tablets``);
- reads number words bound to a unit (``dos a tres días``, ``两次``) and marks the ones
  that may stand for nothing in the source (the article-like "one", "1日" in "1日2回").

A number glued to letters (``CD19``) is part of a name, not a quantity: it is a
*protected token* that a translation must keep verbatim. Extraction names the
quantities in the catalog ("must survive"); the check compares them.

The modules: ``forms`` (:class:`Quantity`, :class:`Lexicon`), ``numerals`` (digits,
separators, NFKC, Chinese numerals), ``patterns`` (the shared regular expressions),
``reader`` (:class:`Reader`: a lexicon compiled), ``tokens`` (how it reads: tokens, units,
context, clock times) and ``english`` (the source's lexicon and reading).
"""

from .english import ENGLISH, english_reader, find_quantities, protected_tokens, source_pairs
from .forms import AM, CLOCK, DEGREE, HOUR_OR_CLOCK, PM, SPACES, TIME, Lexicon, Quantity
from .numerals import format_reading, format_value, normalize, original_span, read_number
from .reader import Reader

__all__ = [
    "AM",
    "CLOCK",
    "DEGREE",
    "ENGLISH",
    "HOUR_OR_CLOCK",
    "PM",
    "SPACES",
    "TIME",
    "Lexicon",
    "Quantity",
    "Reader",
    "english_reader",
    "find_quantities",
    "format_reading",
    "format_value",
    "normalize",
    "original_span",
    "protected_tokens",
    "read_number",
    "source_pairs",
]
