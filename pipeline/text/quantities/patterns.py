"""The regular expressions every reader shares: numbers, alternations and tries of
forms, where a word ends, and the names with digits that are no quantity (CD19)."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from ..width import is_wide
from .forms import SPACES

# --- the reader -----------------------------------------------------------------------------


def alternation(forms: Iterable[str]) -> str:
    return "|".join(re.escape(f) for f in sorted(set(forms), key=len, reverse=True))


def trie(forms: Iterable[str], end: Callable[[str], str] | None = None) -> str:
    """An alternation of ``forms`` as a trie, longest form first: the regex engine picks
    the branch by the next character instead of trying hundreds of forms in turn.
    ``end`` gives the assertion that must hold after a form (where a word ends...): a
    longer form is tried first, and a shorter one when the longer one does not end.

    Neighbouring branches whose forms end alike share one end: ``(?:ones|one)E`` for
    ``(?:onesE|oneE)``. The engine backtracks through the same forms in the same order,
    testing the same end after each, so the pattern matches the same; but compiling an
    end per form was most of a reader's compile time (the class of combining marks of
    :data:`WORD_END`, at the end of each of hundreds of forms)."""
    root: dict = {}
    for form in forms:
        node = root
        for char in form:
            node = node.setdefault(char, {})
        node[""] = end(form) if end else ""
    if not root:
        return "(?!)"
    pattern, after = _branch(root)
    return pattern + after


def _branch(node: dict) -> tuple[str, str]:
    """A trie's ``node`` as (pattern, end): the end that all its forms share, which the
    caller writes after the pattern, or "" when the pattern holds its forms' ends."""
    parts = [
        (re.escape(char) + pattern, after)
        for char, child in sorted(node.items())
        if char != ""
        for pattern, after in (_branch(child),)
    ]
    if "" in node:
        parts.append(("", node[""]))  # the form that ends here: tried after the longer ones
    runs = [
        (_alternatives([pattern for pattern, _ in run]), after)
        for after, run in itertools.groupby(parts, key=lambda part: part[1])
    ]
    if len(runs) == 1:
        return runs[0]
    return _alternatives([pattern + after for pattern, after in runs]), ""


def _alternatives(patterns: list[str]) -> str:
    return patterns[0] if len(patterns) == 1 else "(?:" + "|".join(patterns) + ")"


def boundary_ok(text: str, end: int, glued: bool, form: str) -> bool:
    """A unit or word ends where a word ends (``g`` in "3 g", not in "3 gotas"); in
    Chinese, Japanese and Korean units run on into particles."""
    if end >= len(text):
        return True
    after = text[end]
    if glued or is_wide(form[-1]):
        return True
    if not (form[-1].isalpha() or unicodedata.category(form[-1])[0] == "M"):
        return not after.isdigit() or form[-1] in "/"
    return not (after.isalpha() or unicodedata.category(after)[0] == "M" or after.isdigit())


NUMBER = re.compile(
    r"(?P<mixed>\d+)?\u2064(?P<fn>\d+)\u2044(?P<fd>\d+)"  # 1½, ½ (pre-NFKC)
    r"|(?P<num>\d+)[\u2044/](?P<den>\d+)(?![\d\u2044/])"  # 1/2, 3/4
    r"|(?P<h>\d{1,2})[:](?P<m>\d\d)(?!\d)"  # 7:00, 19:30
    r"|(?P<n>\d+(?:(?:[.,\u066b\u066c'/]|[ \u00a0\u202f\u2009\u2007](?=\d{3}(?!\d)))\d+)*)"
)
# the same, written to begin with one character class: the regex engine skips fast from
# digit to digit instead of trying every alternative at every position
NUMBER_PATTERN = (
    "[\\d\u2064](?:(?<=\u2064)\\d+\u2044\\d+|(?<=\\d)(?:\\d*\u2064\\d+\u2044\\d+"
    "|\\d*[\u2044/]\\d+(?![\\d\u2044/])|\\d?:\\d\\d(?!\\d)"
    "|\\d*(?:(?:[.,\u066b\u066c'/]|[ \u00a0\u202f\u2009\u2007](?=\\d{3}(?!\\d)))\\d+)*))"
)
MINUTES = re.compile(f"[{SPACES}]?(\\d\\d)(?!\\d)")
# combining marks of the scripts whose words they end (Devanagari, Arabic, Hebrew, Thai...)
_MARKS = (
    "\u0300-\u036f\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963\u0981-\u0983\u09bc-\u09d7"
    "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
)
WORD_END = f"(?![^\\W_]|[{_MARKS}])"  # no letter, digit or mark follows
CACHE_SIZE = 65536
# what may open or close a word, for the quick test whether a text holds a number word
OPENING = ("", "(", "¿", "¡", "«", '"', "“", "'", "‘", "[", "—", "-", "«\u00a0")
CLOSING = (
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
HOUR_MINUTES = re.compile(r"(\d{1,2})[.,h](\d\d)")
# a case ending or article joined to a number by a hyphen (Armenian 8-ին, Somali 8-da)
ENDING = re.compile(r"-[^\W\d_]{1,4}(?![\w-])")
SMALL_FRACTION = 16  # 1/2 ... 15/16 is a fraction; 24/7 or 12/25 is two numbers


@dataclass(slots=True)
class Token:
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


# a letter before the digits: a name (CD19, IL-6, H2O), not a quantity
PROTECTED = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]+-?\d+[A-Za-z0-9]*")
# a digit after a letter (or a letter and '-'), what every protected name contains;
# written digit first so that the regex engine skips fast to the digits
PROTECTED_HINT = re.compile(r"\d(?:(?<=[A-Za-z]\d)|(?<=[A-Za-z]-\d))")


def blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))
