"""``safety-length``: a safety-critical text publishes only with content of a plausible
length for its language (an error: no ``handouts-allow-*`` flag silences it).

Safety-critical are the texts the template marks so (``SAFETY-CRITICAL`` in the
extracted comments, read from the template, never from the translator's catalog) and
the labels a safety box shows (:data:`~pipeline.source.interface.SAFETY_LABELS`).

Length is content: letters and digits (:func:`~pipeline.text.visible.visible_length`), so
padding with spaces, punctuation or invisible characters adds nothing. The band is
``TYPICAL[language] / FACTOR - SLACK`` to ``TYPICAL[language] * FACTOR + SLACK`` letters
and digits per source letter or digit. ``TYPICAL`` is the usual ratio for the script:
Chinese about a third of English's letters, Japanese and Korean about half and more,
Indic and Southeast Asian scripts about two thirds (their vowel signs are combining
marks, not letters), alphabets about one. Measured on the shipped catalogs (es, vi,
zh_CN, ar) and the correct translations of ``tests/corpus/quantities`` (16 languages),
the lowest ratios were zh 0.26, hi 0.33, ko 0.42, ja 0.44, tr 0.52, vi 0.54 and the
highest tl 2.31 (short texts vary more: the slack covers them); a factor of 3 either
way leaves every one of them well inside, while a 57-word callout cut to its numbers
(under a tenth of its letters) falls far outside.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from ..source.interface import SAFETY_LABELS
from ..text.visible import visible_length

if TYPE_CHECKING:
    from .registry import EntryContext

_CJK = dict.fromkeys(("zh", "yue", "wuu", "cmn"), 0.35) | {"ja": 0.6, "ko": 0.55}
_INDIC = dict.fromkeys(
    ("hi", "mr", "ne", "bn", "as", "pa", "gu", "or", "ta", "te", "kn", "ml", "si", "sa"), 0.65
)
_SOUTHEAST = dict.fromkeys(("th", "lo", "km", "my", "bo", "dz"), 0.7)
TYPICAL = _CJK | _INDIC | _SOUTHEAST  # letters+digits of the translation per source one
DEFAULT_TYPICAL = 1.0  # alphabets: Latin, Cyrillic, Greek, Arabic, Hebrew, Armenian...
FACTOR = 3.0  # either way around the typical ratio
SLACK_BELOW = 4  # letters: room for labels and names ("Important" -> "重要")
SLACK_ABOVE = 10
_PLACEHOLDER = re.compile(r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]")


@lru_cache(maxsize=64)
def _typical(locale: str) -> float:
    return TYPICAL.get(re.split("[_@-]", locale)[0].lower(), DEFAULT_TYPICAL)


def bounds(locale: str, source_length: int) -> tuple[int, int]:
    """The fewest and most letters and digits a translation into ``locale`` of a source
    with ``source_length`` of them may have (at least one)."""
    typical = _typical(locale)
    low = int(typical / FACTOR * source_length) - SLACK_BELOW
    high = int(typical * FACTOR * source_length + 0.999) + SLACK_ABOVE
    return max(1, low), high


def is_safety_critical(entry: EntryContext) -> bool:
    """A safety-critical text of the template, or a label of a safety box."""
    return entry.safety or (entry.message.msgctxt is None and entry.message.msgid in SAFETY_LABELS)


def _content_length(text: str) -> int:
    """The letters and digits of ``text``, its placeholders left out."""
    return visible_length(_PLACEHOLDER.sub("", text))


_source_length = lru_cache(maxsize=4096)(_content_length)  # the same for every locale


def check_safety_length(entry: EntryContext) -> list[str]:
    """A safety-critical text's translation has content of a plausible length."""
    if not is_safety_critical(entry):
        return []
    source = _source_length(entry.source)
    length = _content_length(entry.translation)
    low, high = bounds(entry.locale, source)
    if low <= length <= high:
        return []
    problem = (
        f"at least {low}: is part of it missing?"
        if length < low
        else f"at most {high}: was something added?"
    )
    return [
        f"safety-critical text with {length} letters and digits for the source's "
        f"{source}; a translation into this language has {problem} (an error: no "
        "flag silences it)"
    ]
