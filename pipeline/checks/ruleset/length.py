"""A translation's length: not absurd (error), plausible for a safety text (error),
within the language's usual ratio (warning)."""

from __future__ import annotations

from ..registry import EntryContext, Group
from ..safety import check_safety_length
from .characters import NAMED, is_python_format

RULES = Group()

# translation length / source length (characters) typical of each language
EXPECTED_RATIO = {
    "zh": 0.3,
    "ja": 0.4,
    "ko": 0.5,
    "ar": 0.9,
    "he": 0.85,
    "fa": 1.0,
    "ur": 1.0,
    "es": 1.2,
    "fr": 1.2,
    "pt": 1.15,
    "it": 1.15,
    "de": 1.25,
    "nl": 1.2,
    "ru": 1.1,
    "vi": 1.05,
    "ht": 1.1,
    "tl": 1.3,
    "pl": 1.15,
    "so": 1.2,
    "hi": 1.05,
    "bn": 1.0,
}
DEFAULT_RATIO = 1.1
RATIO_TOLERANCE = 2.0  # a factor either way around the typical ratio
MIN_RATIO_CHARS = 40  # shorter texts vary too much to judge


def ratio_band(locale: str) -> tuple[float, float]:
    """The acceptable translation/source length ratio for ``locale``."""
    typical = EXPECTED_RATIO.get(locale.split("_")[0], DEFAULT_RATIO)
    return typical / RATIO_TOLERANCE, typical * RATIO_TOLERANCE


LENGTH_LIMIT_FACTOR = 10  # no language needs ten times the source's length
LENGTH_LIMIT_SLACK = 200  # characters: room for short sources (headings, labels)


@RULES.check("length-limit", "error")
def check_length_limit(entry: EntryContext) -> list[str]:
    """Translation not absurdly long (a paste accident, or an attack on the handout)."""
    found: list[str] = []
    limit = LENGTH_LIMIT_FACTOR * len(entry.source) + LENGTH_LIMIT_SLACK
    if len(entry.translation) > limit:
        found.append(
            f"is {len(entry.translation):,} characters long for a source of "
            f"{len(entry.source):,} (at most {limit:,}): was something pasted by "
            "mistake?"
        )
    return found


RULES.check("safety-length", "error")(check_safety_length)  # pipeline/checks/safety.py


@RULES.check("length-ratio", "warning")
def check_length_ratio(entry: EntryContext) -> list[str]:
    """Translation length within the usual range for the language."""
    found: list[str] = []
    source, translation = entry.source, entry.translation
    if "%" in source and is_python_format(entry):  # placeholders are not the language's words
        source, translation = NAMED.sub("", source), NAMED.sub("", translation)
    if len(source) < MIN_RATIO_CHARS:
        return found
    low, high = ratio_band(entry.locale)
    ratio = len(translation) / len(source)
    if not low <= ratio <= high:
        word = "short" if ratio < low else "long"
        found.append(
            f"is {ratio:.2f} times as long as the source; translations into this "
            f"language are usually {low:.2f}-{high:.2f} times: is something missing "
            f"or added? (too {word})"
        )
    return found
