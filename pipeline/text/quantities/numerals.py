"""Numbers as written: NFKC and the characters it would misread, the world's digits,
a number read with a locale's separators, Chinese and Japanese numerals, and a value
as the messages show it."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from .forms import DEGREE, SPACES, TIME, Lexicon

_FRACTIONS = {
    chr(c): unicodedata.numeric(chr(c)) for c in (*range(0xBC, 0xBF), *range(0x2150, 0x215F))
}
_ROMAN = {chr(c): int(unicodedata.numeric(chr(c))) for c in range(0x2160, 0x2183)}


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
HAN_RUN = re.compile("[〇零一二两兩三四五六七八九十百千万萬亿億半]+")


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
