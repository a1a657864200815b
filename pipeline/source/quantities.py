"""Numbers and units as a text writes them: the reader, and the English source's words.

A quantity is a (value, unit) pair: ``100.4°F`` is (100.4, "°F"); ``48 hours`` is
(48, "hour"); ``7:00 pm`` is the clock time (1140, "time"), minutes after midnight.
:class:`Reader` reads any language from a :class:`Lexicon` (its separators, unit forms,
day periods, number words...): :data:`ENGLISH` here reads the source, and
:mod:`pipeline.checks.numbers` builds one per locale from the lexicon data.

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
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal, NamedTuple

TIME = "clock"  # the unit of a clock time; its value is minutes after midnight
CLOCK = "o'clock"  # a lexicon unit that makes the number before it a clock hour
HOUR_OR_CLOCK = "hour|o'clock"  # a unit word that is both ("heures", "giờ", "h")
DEGREE = "°"  # a degree without a scale: read as Celsius (what every reader here assumes)
SPACES = " \u00a0\u202f\u2009\u2007\u200e\u200f\u061c"
_FRACTIONS = {
    chr(c): unicodedata.numeric(chr(c)) for c in (*range(0xBC, 0xBF), *range(0x2150, 0x215F))
}
_ROMAN = {chr(c): int(unicodedata.numeric(chr(c))) for c in range(0x2160, 0x2183)}


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


# --- normalisation --------------------------------------------------------------------------


def _pre_nfkc(text: str) -> str:
    """Vulgar fractions become a fraction NFKC cannot merge into a digit before it
    ("1½" is one and a half, not 11/2); Roman numeral characters become digits."""
    out = []
    for index, char in enumerate(text):
        if char == "º":  # the ordinal sign typed for a degree sign: ºC; else 1º (first)
            out.append("°" if text[index + 1 : index + 2] in ("C", "F", "c", "f") else char)
        elif char in _FRACTIONS:
            numerator, _, denominator = unicodedata.normalize("NFKC", char).partition("\u2044")
            out.append(f"\u2064{numerator or '1'}\u2044{denominator}")
        elif char in _ROMAN:
            out.append(f" {_ROMAN[char]} ")
        else:
            out.append(char)
    return "".join(out)


_COMPAT_HINT = re.compile("[º\u00bc-\u00be\u2150-\u2182]")
_NFKC_STABLE_HINTS = ("\u2180", "\u2181", "\u2182")  # the hint's only NFKC-stable characters


def normalize(text: str) -> str:
    """The text the reader reads: NFKC, with fractions and Roman numerals made numbers."""
    if text.isascii():
        return text
    if unicodedata.is_normalized("NFKC", text) and not any(
        map(text.__contains__, _NFKC_STABLE_HINTS)
    ):
        return text  # most texts: no hint character is NFKC-stable but these three
    if _COMPAT_HINT.search(text):
        text = _pre_nfkc(text)
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def original_span(text: str, start: int, end: int) -> str:
    """The part of the original ``text`` that reads as ``normalize(text)[start:end]``."""
    if normalize(text) == text:
        return text[start:end]
    done, begin, finish = 0, None, len(text)
    for index, char in enumerate(text):
        if done >= end:
            finish = index
            break
        done += len(normalize(char))
        if begin is None and done > start:
            begin = index
    return text[begin or 0 : finish].strip(SPACES)


# --- numbers --------------------------------------------------------------------------------

_DIGITS = {}
for _zero in (
    0x30,
    0x660,
    0x6F0,
    0x966,
    0x9E6,
    0xA66,
    0xAE6,
    0xBE6,
    0xC66,
    0xCE6,
    0xD66,
    0xE50,
    0xED0,
    0xF20,
    0x1040,
    0x17E0,
    0xFF10,
):
    _DIGITS.update({_zero + i: str(i) for i in range(10)})
_ASCII_DIGITS = str.maketrans(_DIGITS)
_GROUP_SPACE = set(SPACES) - {"\u200e", "\u200f", "\u061c"}


def ascii_digits(text: str) -> str:
    return text if text.isascii() else text.translate(_ASCII_DIGITS)


def _groups_valid(parts: list[str], lakh: bool) -> bool:
    """``1,500`` / ``12,500,000`` (or Indian ``1,50,000``): head 1-3 digits, groups of 3."""
    if not 1 <= len(parts[0]) <= 3 or len(parts[-1]) != 3:
        return False
    middle = parts[1:-1]
    return all(len(p) == 3 for p in middle) or (
        lakh and all(len(p) == 2 for p in middle) and len(parts[0]) <= 2
    )


def read_number(written: str, lexicon: Lexicon) -> Decimal | None:
    """The value a reader of ``lexicon``'s language takes ``written`` for, or None when
    its separators fit no reading ("1.500" is 1500 in Spanish, 1.5 in Chinese)."""
    text = ascii_digits(written)
    if text.isdigit():
        return Decimal(text)
    parts = re.split(r"\D", text)
    seps = [c for c in text if not c.isdigit()]
    seps = ["\u0020" if s in _GROUP_SPACE else s for s in seps]
    last = seps[-1]
    decimals = lexicon.decimals | lexicon.extra_decimals
    try:
        if len(set(seps)) == 1:
            sep = last
            if (sep in lexicon.groups or sep == " ") and _groups_valid(parts, lexicon.lakh):
                return Decimal("".join(parts))
            if len(seps) == 1 and (sep in decimals or sep in ".," and len(parts[1]) != 3):
                # the locale's decimal separator, or the other mark where no reader can
                # take it for a grouping (1.5 in Spanish, 0,5 in Chinese); "1.500" in
                # French could be either: unreadable, never a guess
                return Decimal(f"{parts[0]}.{parts[1]}")
            return None
        body, groups_used = parts[:-1], set(seps[:-1])
        if last in decimals and len(groups_used) == 1 and last not in groups_used:
            group = groups_used.pop()
            if (group in lexicon.groups or group == " ") and _groups_valid(body, lexicon.lakh):
                return Decimal("".join(body) + "." + parts[-1])
    except InvalidOperation:
        return None
    return None


def format_value(value: Decimal) -> str:
    """1500, 1.5, 0.25: a value as the messages show it."""
    return f"{value.normalize():f}"


def format_reading(value: Decimal | None, unit: str | None) -> str:
    if value is None:
        return "an unreadable number"
    if unit == TIME:
        minutes = int(value)
        hours, minutes = divmod(minutes, 60)
        when = "morning" if hours < 12 else "afternoon" if hours < 18 else "evening"
        return f"{hours}:{minutes:02d} ({when})"
    shown = (
        (unit if value == 1 and unit in UNIT_NAMES else UNIT_NAMES.get(unit, unit)) if unit else ""
    )
    number = format_value(value)
    if not shown:
        return number
    return f"{number}{'' if shown in ('%', '°F', '°C', '‰') else ' '}{shown}"


UNIT_NAMES = {
    "minute": "minutes",
    "hour": "hours",
    "day": "days",
    "week": "weeks",
    "month": "months",
    "year": "years",
    "second": "seconds",
    "time": "times",
    "tablet": "tablets",
    "drop": "drops",
    "puff": "puffs",
    "unit": "units",
    "teaspoon": "teaspoons",
    "tablespoon": "tablespoons",
    "cup": "cups",
    "inch": "inches",
    "dose": "doses",
    "cycle": "cycles",
    "injection": "injections",
    "times": "times",
    DEGREE: "degrees",
}


# --- the reader -----------------------------------------------------------------------------


def _alternation(forms: Iterable[str]) -> str:
    return "|".join(re.escape(f) for f in sorted(set(forms), key=len, reverse=True))


def _trie(forms: Iterable[str], end: Callable[[str], str] | None = None) -> str:
    """An alternation of ``forms`` as a trie, longest form first: the regex engine picks
    the branch by the next character instead of trying hundreds of forms in turn.
    ``end`` gives the assertion that must hold after a form (where a word ends...): a
    longer form is tried first, and a shorter one when the longer one does not end."""
    root: dict = {}
    for form in forms:
        node = root
        for char in form:
            node = node.setdefault(char, {})
        node[""] = end(form) if end else ""

    def pattern(node: dict) -> str:
        branches = [
            re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char != ""
        ]
        if "" in node:
            branches.append(node[""])
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return pattern(root) if root else "(?!)"


def _boundary_ok(text: str, end: int, glued: bool, form: str) -> bool:
    """A unit or word ends where a word ends (``g`` in "3 g", not in "3 gotas"); in
    Chinese, Japanese and Korean units run on into particles."""
    if end >= len(text):
        return True
    after = text[end]
    if glued or _is_wide(form[-1]):
        return True
    if not (form[-1].isalpha() or unicodedata.category(form[-1])[0] == "M"):
        return not after.isdigit() or form[-1] in "/"
    return not (after.isalpha() or unicodedata.category(after)[0] == "M" or after.isdigit())


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F") or "\uac00" <= char <= "\ud7af"


_HAN_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_HAN_SMALL = {"十": 10, "百": 100, "千": 1000}
_HAN_LARGE = {"万": 10000, "萬": 10000, "亿": 100000000, "億": 100000000}
_HAN_RUN = re.compile("[〇零一二两兩三四五六七八九十百千万萬亿億半]+")


def han_value(run: str) -> Decimal | None:
    """二十四 -> 24, 两 -> 2, 一百 -> 100, 半 -> 0.5 (Chinese and Japanese numerals)."""
    if run == "半":
        return Decimal("0.5")
    if "半" in run:
        return None
    total, section, digit = 0, 0, None
    for char in run:
        if char in _HAN_DIGITS:
            if digit is not None:  # 二四: a digit sequence, not a number
                return None
            digit = _HAN_DIGITS[char]
        elif char in _HAN_SMALL:
            section += (1 if digit is None else digit) * _HAN_SMALL[char]
            digit = None
        else:
            section += digit or 0
            total += (section or 1) * _HAN_LARGE[char]
            section, digit = 0, None
    return Decimal(total + section + (digit or 0))


_NUMBER = re.compile(
    r"(?P<mixed>\d+)?\u2064(?P<fn>\d+)\u2044(?P<fd>\d+)"  # 1½, ½ (pre-NFKC)
    r"|(?P<num>\d+)[\u2044/](?P<den>\d+)(?![\d\u2044/])"  # 1/2, 3/4
    r"|(?P<h>\d{1,2})[:](?P<m>\d\d)(?!\d)"  # 7:00, 19:30
    r"|(?P<n>\d+(?:(?:[.,\u066b\u066c'/]|[ \u00a0\u202f\u2009\u2007](?=\d{3}(?!\d)))\d+)*)"
)
# the same, written to begin with one character class: the regex engine skips fast from
# digit to digit instead of trying every alternative at every position
_NUMBER_PATTERN = (
    "[\\d\u2064](?:(?<=\u2064)\\d+\u2044\\d+|(?<=\\d)(?:\\d*\u2064\\d+\u2044\\d+"
    "|\\d*[\u2044/]\\d+(?![\\d\u2044/])|\\d?:\\d\\d(?!\\d)"
    "|\\d*(?:(?:[.,\u066b\u066c'/]|[ \u00a0\u202f\u2009\u2007](?=\\d{3}(?!\\d)))\\d+)*))"
)
_MINUTES = re.compile(f"[{SPACES}]?(\\d\\d)(?!\\d)")
# combining marks of the scripts whose words they end (Devanagari, Arabic, Hebrew, Thai...)
_MARKS = (
    "\u0300-\u036f\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963\u0981-\u0983\u09bc-\u09d7"
    "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
)
_WORD_END = f"(?![^\\W_]|[{_MARKS}])"  # no letter, digit or mark follows
_CACHE_SIZE = 65536
# what may open or close a word, for the quick test whether a text holds a number word
_OPENING = ("", "(", "¿", "¡", "«", '"', "“", "'", "‘", "[", "—", "-", "«\u00a0")
_CLOSING = (
    "",
    ",",
    ".",
    ";",
    ":",
    ")",
    "!",
    "?",
    "»",
    '"',
    "”",
    "'",
    "’",
    "…",
    "),",
    ").",
    "،",
    "؛",
    "؟",
    "।",
    "։",
    "።",
    "፣",
)
_HOUR_MINUTES = re.compile(r"(\d{1,2})[.,h](\d\d)")
# a case ending or article joined to a number by a hyphen (Armenian 8-ին, Somali 8-da)
_ENDING = re.compile(r"-[^\W\d_]{1,4}(?![\w-])")
_SMALL_FRACTION = 16  # 1/2 ... 15/16 is a fraction; 24/7 or 12/25 is two numbers


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    value: Decimal | None
    unit: str | None = None
    minutes: int | None = None  # a clock time: minutes after the hour
    clock: bool = False  # written as a time (7:00, 7 Uhr, a las 7)
    hour_capable: bool = False  # a unit word that also says o'clock ("heures", "giờ")
    periods: tuple[tuple[int, int], ...] = ()
    word: bool = False  # spelled out
    optional: bool = False
    also_hours: bool = False  # "8 hodin večer": a clock hour, and hours as written


class Reader:
    """Reads the quantities of texts written the way ``lexicon`` says (compiled once)."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lex = lexicon
        self._glued = lex.glued or lex.endings  # a unit word may run on into what follows
        gap = f"[{SPACES}\\-]?"
        linker = f"(?:(?:{_alternation(lex.linkers)}){gap})?" if lex.linkers else ""
        units = {self._key(f): u for f, u in lex.units.items()}
        self.units = units
        unit_forms = self._bounded_trie(units)
        self._unit_pattern = f"{gap}{linker}({unit_forms})"
        per = f"[{SPACES}]+(?:{_alternation(lex.per_words)})[{SPACES}]+" if lex.per_words else None
        self._per = re.compile(per, re.IGNORECASE) if per else None
        self.per_units = {self._key(f): u for f, u in lex.per_units.items()}
        self._per_unit = (
            re.compile(f"[{SPACES}]*({self._bounded_trie(self.per_units)})", re.IGNORECASE)
            if self.per_units
            else None
        )
        self.prefix_units = {self._key(f): u for f, u in lex.prefix_units.items()}
        self._prefix = (
            re.compile(f"({_alternation(self.prefix_units)}){gap}$", re.IGNORECASE)
            if self.prefix_units
            else None
        )
        self.periods = {self._key(f): r for f, r in lex.periods.items()}
        self._period_after = (
            re.compile(f"[{SPACES}]*({_alternation(self.periods)})", re.IGNORECASE)
            if self.periods
            else None
        )
        self.periods_before = {self._key(f): r for f, r in lex.periods_before.items()}
        # the day period may stand before the clock word (երեկոյան ժամը 8: at 8 pm)
        clock_word = (
            f"(?:(?:{_alternation(self._key(f) for f in lex.clock_prefixes)})[{SPACES}]*)?"
            if lex.clock_prefixes
            else ""
        )
        self._period_before = (
            re.compile(
                f"({_alternation(self.periods_before)})[{SPACES}]*{clock_word}$", re.IGNORECASE
            )
            if self.periods_before
            else None
        )
        self._clock_prefix = (
            re.compile(
                f"(?:{_alternation(self._key(f) for f in lex.clock_prefixes)})[{SPACES}\\-]*$",
                re.IGNORECASE,
            )
            if lex.clock_prefixes
            else None
        )
        connectors = _alternation(self._key(c) for c in lex.connectors)
        self._connector = re.compile(
            f"[{SPACES}]*(?:[-\u2010-\u2014~\u301c]|{connectors})[{SPACES}]*"
            if connectors
            else f"[{SPACES}]*[-\u2010-\u2014~\u301c][{SPACES}]*",
            re.IGNORECASE,
        )
        self.multipliers = {self._key(f): v for f, v in lex.multipliers.items()}
        multipliers = self._bounded_trie(self.multipliers)
        self._multiplier = (
            re.compile(f"[{SPACES}]?({multipliers})", re.IGNORECASE) if self.multipliers else None
        )
        after = (f"(?:[{SPACES}]?(?:{multipliers}))?" if self.multipliers else "") + (
            f"(?:{gap}{linker}(?:{unit_forms}))?" if units else ""
        )
        self._quantity_re = re.compile(f"(?:{_NUMBER_PATTERN}){after}", re.IGNORECASE)
        # the same, with what follows it when that makes a compound unit (mg/kg, "mg per
        # kg"): one findall gives the fast path every (written, follower) pair
        follower = f"/|{per}" if per else "/"
        self._simple_re = re.compile(
            f"((?:{_NUMBER_PATTERN}){after})(?=({follower}|))", re.IGNORECASE
        )
        self._local_cache: dict[str, tuple] = {}
        self._simple_cache: dict[str, tuple[tuple[Decimal, str], ...] | None] = {}
        words: dict[str, tuple[Decimal, str | None]] = (
            {self._key(w): (v, None) for w, v in lex.words.items()} if lex.reads_words else {}
        )
        words.update({self._key(w): q for w, q in lex.word_quantities.items()})
        words.update(
            {
                self._key(w): (Decimal(1), u)
                for w, u in ((w, lex.units.get(w)) for w in lex.optional_units)
                if u
            }
        )
        self.words = words
        self.optional_words = frozenset(self._key(w) for w in lex.optional_words) | frozenset(
            self._key(w) for w in lex.optional_units
        )
        anywhere = self._anywhere
        firsts = {w.split()[0] for w in words if not anywhere(w)}
        # the first words as a plain split of a text finds them, punctuation and all
        self._word_first = frozenset(
            f"{a}{w}{b}" for w in firsts for a in _OPENING for b in _CLOSING
        )
        self._wide_words = (
            re.compile(_alternation(w for w in words if anywhere(w)))
            if any(anywhere(w) for w in words)
            else None
        )
        self._has_words = bool(self._word_first)
        self._unprotected = frozenset(self._key(f) for f in lex.clock_prefixes)
        self._not_quantities = (
            re.compile(_alternation(lex.not_quantities)) if lex.not_quantities else None
        )

    def _anywhere(self, word: str) -> bool:
        """Whether a number word is found anywhere in a text, not only as a whole word:
        CJK words, and the words of a script written without spaces (Thai สองครั้ง)."""
        return _is_wide(word[0]) or (self.lexicon.glued and not word.isascii())

    def _bounded_trie(self, forms: Iterable[str]) -> str:
        """``forms`` as one trie where each form ends where a word ends ("g" in "3 g",
        not in "3 gotas"), the longest that does first ("мм рт. ст." before "мм");
        Chinese, Japanese and Korean forms run on into particles, and forms of three
        letters or more into the case endings of a language that glues them (দিনে)."""
        return _trie(forms, self._form_end)

    def _form_end(self, form: str) -> str:
        last = form[-1]
        if (
            self.lexicon.glued
            or _is_wide(last)
            or last == "/"
            or (self.lexicon.endings and len(form) >= 3)
        ):
            return ""
        if last.isalpha() or unicodedata.category(last)[0] == "M":
            # an abbreviation cut at its first period is no unit (the "мі" of "мі.гра.")
            return f"{_WORD_END}(?!\\.[^\\W\\d_])"
        return "(?!\\d)(?!(?<=\\.)[^\\W\\d_])"

    @functools.cached_property
    def _word(self) -> re.Pattern[str]:
        """Number words (compiled on first need: most texts have none)."""
        end = "" if self._glued else "(?![^\\W\\d_])"  # Korean: 두번, 한달
        forms = _trie(w for w in self.words if not self._anywhere(w))
        return re.compile(f"(?<![^\\W\\d_])(?:{forms}){end}", re.IGNORECASE)

    @functools.cached_property
    def _unit_anywhere(self) -> re.Pattern[str]:
        return re.compile(_alternation(self.units), re.IGNORECASE)

    @functools.cached_property
    def _unit(self) -> re.Pattern[str] | None:
        return re.compile(self._unit_pattern, re.IGNORECASE) if self.units else None

    def _blank_name(self, match: re.Match[str]) -> str:
        """A name with digits is no quantity (CD19), but a clock word glued to its hour
        is (Tagalog alas-7), and a unit with an exponent is a unit (the m2 of mg/m2)."""
        letters = match.group(0).rstrip("0123456789").rstrip("-").lower()
        if letters in self._unprotected or match.group(0).lower() in self.units:
            return match.group(0)
        return blank(match)

    def _may_name_words(self, lower: str) -> bool:
        """Whether a lower-cased text has a word that may begin a number word (a quick
        look before the number-word pattern: most texts have none)."""
        return self._has_words and not self._word_first.isdisjoint(
            (lower.replace("-", " ") if "-" in lower else lower).split()
        )

    @staticmethod
    def _key(form: str) -> str:
        return normalize(form).lower()

    # -- reading --

    def read(self, text: str) -> list[Quantity]:
        """Every quantity of ``text``, in order."""
        text = normalize(text)
        if PROTECTED_HINT.search(text):
            text = PROTECTED.sub(self._blank_name, text)
        if self._not_quantities is not None:
            text = self._not_quantities.sub(blank, text)
        tokens = self._local_tokens(text)
        words = self._word_tokens(text, tokens)
        if words:
            opening = {t.start for t in words if t.unit is not None or t.clock}
            for token in words:
                before = (
                    token.end,
                    token.value,
                    token.unit,
                    token.hour_capable,
                    token.clock,
                    token.minutes,
                    token.word,
                )
                token.end = self._attach_local(text, token)
                if any(before[0] < start < token.end for start in opening):
                    # the unit read after it opens a word quantity of its own (טבלייה
                    # אחת יום כן יום לא: one tablet, every other day)
                    (
                        token.end,
                        token.value,
                        token.unit,
                        token.hour_capable,
                        token.clock,
                        token.minutes,
                        token.word,
                    ) = before
            tokens = sorted(tokens + words, key=lambda t: t.start)
        if not tokens:
            return []
        kept: list[_Token] = []
        for token in tokens:
            if kept and token.start < kept[-1].end:
                continue  # read as part of the one before ("7 giờ 30", "7 h 30")
            self._attach_context(text, token)
            kept.append(token)
        tokens = kept
        if len(tokens) > 1:
            self._propagate(text, tokens)
        return [
            q
            for q in (self._quantity(text, t, i, tokens) for i, t in enumerate(tokens))
            if q is not None
        ]

    def simple_pairs(self, text: str) -> tuple[tuple[Decimal, str], ...] | None:
        """The (value, unit) pairs of ``text`` when no quantity in it needs the words
        around it (every number has a unit that is no degree or clock word, and no number
        word is written), else None. The check's fast path: the same pairs as the
        source's mean the full reading could find nothing either."""
        text = normalize(text)
        if PROTECTED_HINT.search(text):
            text = PROTECTED.sub(self._blank_name, text)
        lower = text.lower() if self._wide_words is not None or self._has_words else ""
        if self._wide_words is not None and self._wide_words.search(lower):
            return None
        placed: list[tuple[int, tuple]] = []
        if self._may_name_words(lower):
            for match in self._word.finditer(lower):  # "once", "twice": unit and all
                value, unit = self.words[match.group(0)]
                if (
                    unit in (None, CLOCK, HOUR_OR_CLOCK)
                    or match.group(0) in self.optional_words
                    or self._connector.match(text, match.end())
                ):
                    return None
                placed.append((match.start(), ((value, unit),)))
        if self.lexicon.han_numerals and _HAN_RUN.search(text):
            if self._not_quantities is not None:
                text = self._not_quantities.sub(blank, text)
            for run in _HAN_RUN.finditer(text):  # 两次, 三天, 两到三天: a bound numeral
                if (
                    self._unit is not None and self._unit.match(text, run.end())
                ) or self._connector.match(text, run.end()):
                    return None
        simple = self._simple_cache
        if placed:  # number words among the digits: in the order they are written
            for match in self._simple_re.finditer(text):
                found: tuple[tuple[Decimal, str], ...] | None | Literal[False] = simple.get(
                    match.group(1), False
                )
                if found is False:
                    found = self._simple_reading(match.group(1))
                if found is None or match.group(2):
                    return None  # needs context, or mg/kg, mg per kg
                placed.append((match.start(), found))
            return tuple(pair for _, found in sorted(placed) for pair in found)
        pairs: list[tuple[Decimal, str]] = []
        for written, follower in self._simple_re.findall(text):
            found = simple.get(written, False)
            if found is False:
                found = self._simple_reading(written)
            if found is None or follower:
                return None
            pairs += found
        return tuple(pairs)

    def _simple_reading(self, written: str) -> tuple[tuple[Decimal, str], ...] | None:
        """The pairs of one match of the quantity pattern when none needs context, else
        None (cached by :meth:`simple_pairs`)."""
        cache, simple = self._local_cache, self._simple_cache
        local = cache.get(written)
        if local is None:
            local = cache[written] = tuple(self._read_local(written))
        found = simple[written] = (
            tuple(
                (value, unit)
                for _, _, value, unit, _, clock, hour_capable in local
                if value is not None
                and unit not in (None, DEGREE)
                and not clock
                and not hour_capable
            )
            if all(
                t[2] is not None and t[3] not in (None, DEGREE) and not t[5] and not t[6]
                for t in local
            )
            else None
        )
        if len(simple) > _CACHE_SIZE:
            simple.clear()
        return found

    def _local_tokens(self, text: str) -> list[_Token]:
        """The numbers of ``text`` with the multiplier and unit written after them: each
        match of the quantity pattern is read once per reader (the same "24 horas" recur)."""
        found = []
        cache = self._local_cache
        for match in self._quantity_re.finditer(text):
            written = match.group(0)
            local = cache.get(written)
            if local is None:
                if len(cache) > _CACHE_SIZE:
                    cache.clear()
                local = cache[written] = tuple(self._read_local(written))
            start = match.start()
            found += [_Token(start + a, start + b, *rest) for a, b, *rest in local]
        return found

    def _read_local(self, written: str) -> Iterable[tuple]:
        for token in self._digit_tokens(written):
            self._attach_local(written, token)
            yield (
                token.start,
                token.end,
                token.value,
                token.unit,
                token.minutes,
                token.clock,
                token.hour_capable,
            )

    def _digit_tokens(self, text: str) -> list[_Token]:
        tokens = []
        for match in _NUMBER.finditer(text):
            kind = match.lastgroup
            token = _Token(match.start(), match.end(), None)
            if match.group("fn"):
                whole = Decimal(match.group("mixed") or 0)
                token.value = whole + Decimal(ascii_digits(match.group("fn"))) / Decimal(
                    ascii_digits(match.group("fd"))
                )
            elif match.group("num"):
                numerator, denominator = (int(ascii_digits(match.group(g))) for g in ("num", "den"))
                decimal = (
                    self._extra_decimal(match.group(0)) if self.lexicon.extra_decimals else None
                )
                if decimal is not None:  # Persian ۲/۵: 2.5
                    token.value = decimal
                elif 0 < numerator < denominator <= _SMALL_FRACTION:
                    token.value = Decimal(numerator) / Decimal(denominator)
                else:  # two numbers: 24/7, 12/25
                    first = match.group("num")
                    tokens.append(
                        _Token(
                            match.start(), match.start() + len(first), Decimal(ascii_digits(first))
                        )
                    )
                    token = _Token(
                        match.end() - len(match.group("den")),
                        match.end(),
                        Decimal(ascii_digits(match.group("den"))),
                    )
            elif match.group("h"):
                hour, minute = (
                    int(ascii_digits(match.group("h"))),
                    int(ascii_digits(match.group("m"))),
                )
                if hour <= 24 and minute < 60:
                    token.value, token.minutes, token.clock = Decimal(hour), minute, True
                else:
                    token.value = None
            else:
                written = match.group("n").rstrip(SPACES)
                token.end = match.start() + len(written)
                token.value = read_number(written, self.lexicon)
                if token.value is None and self.lexicon.extra_decimals:
                    token.value = self._extra_decimal(written)
            del kind
            tokens.append(token)
        return tokens

    def _extra_decimal(self, written: str) -> Decimal | None:
        """Persian ``۲/۵``: a slash between the locale's own digits as a decimal point."""
        for sep in self.lexicon.extra_decimals:
            head, found, tail = written.partition(sep)
            if found and not head.isascii() and head.isdigit() and tail.isdigit():
                return Decimal(f"{ascii_digits(head)}.{ascii_digits(tail)}")
        return None

    def _word_tokens(self, text: str, digits: list[_Token]) -> list[_Token]:
        lower = text.lower()
        found: list[_Token] = []
        if self._may_name_words(lower):
            for match in self._word.finditer(lower):
                found.append(self._word_token(match.start(), match.end(), match.group(0)))
        if self._wide_words is not None:
            spans = None
            for match in self._wide_words.finditer(lower):
                if self.lexicon.glued and not match.group(0).isascii():
                    # a word inside a longer day-period word is part of it (Thai
                    # ก่อนเที่ยง, before noon, holds เที่ยง, noon)
                    spans = self._period_spans(lower) if spans is None else spans
                    if any(
                        a <= match.start() and match.end() <= b and b - a > len(match.group(0))
                        for a, b in spans
                    ):
                        continue
                found.append(self._word_token(match.start(), match.end(), match.group(0)))
        if self.lexicon.han_numerals and _HAN_RUN.search(text):
            for match in _HAN_RUN.finditer(text):
                if any(t.start <= match.start() < t.end for t in found):
                    continue
                value = han_value(match.group(0))
                if value is not None:
                    found.append(
                        _Token(match.start(), match.end(), value, word=True, optional=value == 1)
                    )
        taken = [(t.start, t.end) for t in digits]
        return [t for t in found if not any(s < t.end and t.start < e for s, e in taken)]

    def _period_spans(self, lower: str) -> list[tuple[int, int]]:
        """Where the day-period words of the lexicon are written in a lower-cased text."""
        forms = {**self.periods, **self.periods_before}
        if not forms:
            return []
        return [m.span() for m in re.finditer(_alternation(forms), lower)]

    def _word_token(self, start: int, end: int, word: str) -> _Token:
        value, unit = self.words[word]
        token = _Token(start, end, value, word=True, optional=word in self.optional_words)
        if unit:
            self._set_unit(token, unit)
        return token

    def _set_unit(self, token: _Token, unit: str) -> None:
        if unit == CLOCK:
            token.clock = True
        elif unit == HOUR_OR_CLOCK:
            token.unit, token.hour_capable = "hour", True
        else:
            token.unit = unit

    def _attach_local(self, text: str, token: _Token) -> int:
        """The multiplier and unit written right after a number (``text`` holds no more
        than one match of the quantity pattern: the result is cached); returns where the
        quantity ends."""
        pos = token.end
        if self._multiplier is not None and token.unit is None and token.value is not None:
            match = self._multiplier.match(text, pos)
            if match:
                token.value *= self.multipliers[match.group(1).lower()]
                pos = token.end = match.end()
                token.word = False  # "ڈیڑھ لاکھ", "1,5 লাখ": a number, bound or not
        if token.unit is None and not token.clock or token.clock and token.minutes is not None:
            match = self._unit.match(text, pos) if self._unit is not None else None
            if match:
                unit = self.units[match.group(1).lower()]
                if not (token.clock and unit not in (CLOCK, HOUR_OR_CLOCK)):
                    self._set_unit(token, unit)
                    if unit == CLOCK:
                        self._clock_decimal(text, token)
                    if token.clock and token.unit == "hour":
                        token.unit = None  # "7:00 h": the clock time, said again
                    pos = token.end = match.end()
        return pos

    def _attach_context(self, text: str, token: _Token) -> None:
        """What the words around a quantity say: clock minutes (7 h 30), a unit or clock
        word before it (摄氏38度, a las 7), its day period. Only a bare number, a degree
        or a clock-like quantity looks around."""
        if token.value is None:
            return
        pos = token.end
        if (
            token.unit is not None
            and pos < len(text)
            and (text[pos] == "/" or self._per is not None or self._per_unit is not None)
        ):
            pos = self._compound(text, token, pos)
        clockish = token.hour_capable or token.clock
        if clockish and token.minutes is None:
            minutes = _MINUTES.match(text, pos)
            if minutes and int(ascii_digits(minutes.group(1))) < 60:  # 7 h 30
                token.minutes, token.clock, token.unit = (
                    int(ascii_digits(minutes.group(1))),
                    True,
                    None,
                )
                pos = token.end = minutes.end()
        bare = token.unit is None or token.unit == DEGREE
        if not (clockish or bare or token.unit == "hour"):
            return
        window = text[max(0, token.start - 24) : token.start]
        if bare:
            ending = _ENDING.match(text, pos)
            if ending:  # 8-ին, 8-da: what follows the ending is what follows the number
                pos = ending.end()
        if self._prefix is not None and bare:
            match = self._prefix.search(window)
            unit = self.prefix_units[match.group(1).lower()] if match else None
            # a day period right after the number makes it a clock hour, not a count of
            # the days or weeks before it (כל יום בשמונה בערב: every day at eight pm)
            if unit is not None and not (
                unit in _SPANS
                and self._period_after is not None
                and self._period_after.match(text, pos)
            ):
                self._set_unit(token, unit)
        if (
            self._clock_prefix is not None
            and token.unit is None
            and not token.clock
            and token.value <= 24
            and self._clock_prefix.search(window)
        ):
            token.clock, token.minutes = True, token.minutes or 0
        self._attach_period(text, token, pos, window)

    @staticmethod
    def _clock_decimal(text: str, token: _Token) -> None:
        """``7.30 Uhr``: hours and minutes, not a decimal number."""
        match = _HOUR_MINUTES.fullmatch(ascii_digits(text[token.start : token.end]))
        if match and token.minutes is None and int(match.group(2)) < 60:
            token.value, token.minutes = Decimal(int(match.group(1))), int(match.group(2))

    def _compound(self, text: str, token: _Token, pos: int) -> int:
        """``mg/kg``, ``mL/h``, ``mcg/kg/min`` (and, where the lexicon says so, ``mg per
        kg``, ``mL per hour``): a unit per another unit, read whole."""
        while self._unit is not None and pos < len(text):
            whole = self._per_unit.match(text, pos) if self._per_unit is not None else None
            if whole and _boundary_ok(text, whole.end(), self._glued, whole.group(1)):
                per_unit = self.per_units[whole.group(1).lower()]  # "на годину", "لشعة"
                token.unit = f"{token.unit}/{per_unit}"
                pos = token.end = whole.end()
                continue
            slash = text[pos] == "/"
            start, word = (pos + 1, "/") if slash else (None, None)
            if start is None and self._per is not None:
                per = self._per.match(text, pos)
                start, word = (
                    (per.end(), per.group(0).strip(SPACES).lower()) if per else (None, None)
                )
            if start is None:
                return pos
            match = self._unit.match(text, start)
            if not match or match.start(1) != start:
                return pos
            per_unit = self.units[match.group(1).lower()]
            if per_unit == HOUR_OR_CLOCK:
                per_unit = "hour"
            if not (
                slash
                or per_unit in _BODY_UNITS
                or (word not in ("a", "each") and per_unit in _RATE_DENOMINATORS)
            ):
                return pos
            token.unit = f"{token.unit}/{per_unit}"
            pos = token.end = match.end()
        return pos

    def without_quantities(self, text: str) -> str:
        """``text`` as read (:func:`normalize`), every number and its unit blanked to
        ``#`` and spaces: the words around the quantities ("twice *a day*", "주 #")."""
        return self._quantity_re.sub(lambda m: "#".ljust(len(m.group(0))), normalize(text))

    def mentions(self, text: str) -> frozenset[str]:
        """The units named anywhere in ``text`` (with or without a number)."""
        if not self.units:
            return frozenset()
        text = normalize(text)
        found = set()
        for match in self._unit_anywhere.finditer(text):
            if _boundary_ok(text, match.end(), self._glued, match.group(0)):
                found.add(self.units[match.group(0).lower()])
        found |= {q.unit for q in self.read(text) if q.unit}
        return frozenset(found)

    def _attach_period(self, text: str, token: _Token, pos: int, window: str) -> None:
        if token.value is None:
            return
        whole = token.value == token.value.to_integral_value()
        timelike = (
            token.clock
            or token.hour_capable
            or (token.unit is None and whole and 0 < token.value <= 24)
        )
        # hours followed by a day period say the clock hour ("v 8 hodin večer"); the hours
        # stay a reading too (a day period may follow a duration)
        hours = token.unit == "hour" and not timelike and whole and 0 < token.value <= 12
        if not (timelike or hours):
            return
        found = None
        if self._period_after is not None:
            match = self._period_after.match(text, pos)
            if match and _boundary_ok(text, match.end(), self._glued, match.group(1)):
                found = self.periods[match.group(1).lower()]
                token.end = match.end()
        if hours:
            if found:
                token.periods, token.clock, token.also_hours = found, True, True
                token.minutes, token.unit = 0, None
            return
        if found is None and self._period_before is not None:
            match = self._period_before.search(window)
            if match:
                found = self.periods_before[match.group(1).lower()]
        if found:
            token.periods, token.clock = found, True
            token.minutes = token.minutes or 0
            if token.unit == "hour" and token.hour_capable:
                token.unit = None

    def _propagate(self, text: str, tokens: list[_Token]) -> None:
        """A bare number opening a range takes the unit (or day period) of its end:
        "2 to 8 °C", "1-2 tablets", "dos o tres días", "7 a 9 de la noche"."""
        for index in range(len(tokens) - 2, -1, -1):
            first, second = tokens[index], tokens[index + 1]
            if first.unit is not None or first.clock or first.value is None:
                continue
            between = text[first.end : second.start]
            match = self._connector.fullmatch(between)
            if not match:
                continue
            if second.unit is not None:
                first.unit, first.hour_capable = second.unit, second.hour_capable
            elif second.clock and second.periods:
                first.clock, first.periods, first.minutes = True, second.periods, 0

    def _quantity(
        self, text: str, token: _Token, index: int, tokens: list[_Token]
    ) -> Quantity | None:
        written = text[token.start : token.end].strip(SPACES)
        if token.value is None:
            return Quantity(None, None, written, (), False, token.start, token.end)
        if token.word and token.unit is None and not token.clock:
            return None  # a number word not bound to a unit ("los dos": both)
        readings: list[tuple[Decimal, str | None]] = []
        if token.clock:
            readings += [(Decimal(m), TIME) for m in _clock_minutes(token, self.lexicon.clock_from)]
        unit = "°C" if token.unit == DEGREE else token.unit
        if not token.clock or not readings:
            readings.append((token.value, unit))
        if token.also_hours:
            readings.append((token.value, "hour"))
        if token.hour_capable and not token.clock and token.value <= 24:
            readings.append((token.value * 60, TIME))  # "19 h", "7 giờ": also o'clock
        optional = token.optional or (
            token.value == 1 and self._is_rate(text, token, index, tokens)
        )
        value, first = readings[0]
        dayperiod = token.clock and (bool(token.periods) or not 0 < token.value <= 12)
        return Quantity(
            value,
            first,
            written,
            tuple(dict.fromkeys(readings)) if len(readings) > 1 else (readings[0],),
            optional,
            token.start,
            token.end,
            dayperiod,
        )

    @staticmethod
    def _is_rate(text: str, token: _Token, index: int, tokens: list[_Token]) -> bool:
        """ "1日2回", "1일 2회", "一天两次": a one-day (one-dose) frame before a count."""
        if token.value != 1 or token.unit not in RATE_UNITS or index + 1 >= len(tokens):
            return False
        gap = text[token.end : tokens[index + 1].start]
        return len(gap.strip(SPACES + "にに에에의")) == 0 and len(gap) <= 2


_SPANS = frozenset({"day", "week", "month", "year"})
_BODY_UNITS = frozenset({"kg", "m2", "lb"})  # "mg per kg": a dose per body weight or area
# "mL per hour": the time in a rate's denominator (only after "per", not "a": "2 L a day"
# is a limit whose period the period check compares)
_RATE_DENOMINATORS = frozenset({"second", "minute", "hour", "day", "week"})
RATE_UNITS = frozenset({"day", "week", "month", "time", "dose", "hour", "kg", "m2"})


def _clock_minutes(token: _Token, clock_from: int = 0) -> list[int]:
    """Minutes after midnight a clock time can be, given its day period (on a native clock
    counted from ``clock_from``, an hour said with its day period is that many later:
    Swahili saa mbili usiku, 8 pm)."""
    assert token.value is not None  # only a token with a value is read as a time
    hour, minute = int(token.value), token.minutes or 0
    if clock_from and token.periods and 0 < hour <= 12:
        hour = (hour + clock_from) % 12
    if not token.periods:
        return [hour % 24 * 60 + minute]
    if hour > 12:
        return [hour * 60 + minute]
    # the half of the day the period is in, or nearest to: CLDR's night may begin at 21
    # where a translator writes "ਰਾਤ 8 ਵਜੇ" (8 at night)
    candidates = [hour % 12, hour % 12 + 12]
    best = min(candidates, key=lambda h: min(_distance(h, span) for span in token.periods))
    return [best * 60 + minute]


def _distance(hour: int, span: tuple[int, int]) -> int:
    """Hours from ``hour`` to the nearest hour of a day period (0 within it)."""
    if _within(hour, span):
        return 0
    begin, before = span
    last = (before - 1) % 24 if before != begin else begin
    return min(min((hour - h) % 24, (h - hour) % 24) for h in (begin, last))


def _within(hour: int, span: tuple[int, int]) -> bool:
    begin, before = span
    if begin == before:
        return hour == begin
    if begin < before:
        return begin <= hour < before
    return hour >= begin or hour < before  # a night that runs past midnight


# --- the English source ---------------------------------------------------------------------

AM, PM = ((0, 12),), ((12, 24),)
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

# a letter before the digits: a name (CD19, IL-6, H2O), not a quantity
PROTECTED = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]+-?\d+[A-Za-z0-9]*")
# a digit after a letter (or a letter and '-'), what every protected name contains;
# written digit first so that the regex engine skips fast to the digits
PROTECTED_HINT = re.compile(r"\d(?:(?<=[A-Za-z]\d)|(?<=[A-Za-z]-\d))")


def blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


@lru_cache(maxsize=1)
def english_reader() -> Reader:
    return Reader(ENGLISH)


_source_readings: dict[str, tuple[Quantity, ...]] = {}


def _source_quantities(text: str) -> tuple[Quantity, ...]:
    found = _source_readings.get(text)
    if found is None:
        if len(_source_readings) >= _CACHE_SIZE:
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
