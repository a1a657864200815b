"""How much of the template a catalog translates, in four states, entries and words.

The four states, defined once by :func:`state`:

* ``untranslated``: no entry, an empty translation, one without visible content (only
  spaces, punctuation, markup or invisible characters: :mod:`pipeline.text.visible`), or an
  obsolete one;
* ``fuzzy``: a translation marked fuzzy (its source changed since it was translated);
* ``translated``: translated, not fuzzy, with no review mark that counts;
* ``reviewed``: translated, with a review mark that counts (:mod:`.trust`).

Counted against the template, so a catalog that was not updated counts its missing
entries as untranslated. "Translated" is :attr:`Message.translated`, nowhere else.
Units: *entries* (catalog entries, each a block or an interface text) and *words*
(English source words of those entries); every label says which.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from ..catalogs.pofile import Catalog
from ..model import Key, Message
from ..text.visible import has_visible_content
from .trust import NO_TRUST, Trust

STATES = ("untranslated", "fuzzy", "translated", "reviewed")


def words(text: str) -> int:
    """Source words (the English msgid, split on whitespace)."""
    return len(text.split())


@dataclass(frozen=True)
class Coverage:
    """Counts of entries (and their source words) in each state; ``translated`` and
    ``reviewed`` are disjoint: "done" is both."""

    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    obsolete: int = 0
    translated_words: int = 0
    fuzzy_words: int = 0
    untranslated_words: int = 0
    reviewed: int = 0
    reviewed_words: int = 0

    @property
    def total(self) -> int:
        return self.translated + self.reviewed + self.fuzzy + self.untranslated

    @property
    def total_words(self) -> int:
        return (
            self.translated_words + self.reviewed_words + self.fuzzy_words + self.untranslated_words
        )

    @property
    def done(self) -> int:
        """Entries translated, reviewed or not."""
        return self.translated + self.reviewed

    @property
    def done_words(self) -> int:
        return self.translated_words + self.reviewed_words

    @property
    def left(self) -> int:
        """Entries still to translate: untranslated or fuzzy."""
        return self.untranslated + self.fuzzy

    @property
    def percent(self) -> float:
        """Share of entries translated (reviewed or not), 0..100 (100 when empty)."""
        return 100.0 * self.done / self.total if self.total else 100.0

    @property
    def percent_words(self) -> float:
        return 100.0 * self.done_words / self.total_words if self.total_words else 100.0

    @property
    def percent_reviewed(self) -> float:
        """Share of entries reviewed, 0..100."""
        return 100.0 * self.reviewed / self.total if self.total else 100.0

    def ready(self, needs_review: bool) -> float:
        """Percent of entries ready to publish: reviewed, or translated when review is
        not required."""
        return self.percent_reviewed if needs_review else self.percent

    def as_dict(self) -> dict[str, float | int]:
        return {
            "untranslated": self.untranslated,
            "fuzzy": self.fuzzy,
            "translated": self.translated,
            "reviewed": self.reviewed,
            "obsolete": self.obsolete,
            "total": self.total,
            "untranslated_words": self.untranslated_words,
            "fuzzy_words": self.fuzzy_words,
            "translated_words": self.translated_words,
            "reviewed_words": self.reviewed_words,
            "total_words": self.total_words,
            "percent": round(self.percent, 2),
            "percent_words": round(self.percent_words, 2),
            "percent_reviewed": round(self.percent_reviewed, 2),
        }


def state(message: Message | None, trust: Trust = NO_TRUST) -> str:
    """THE state of a catalog entry (None: missing): one of :data:`STATES`."""
    if message is None:
        return "untranslated"
    if message.translated:
        return "reviewed" if message.comments and trust.reviewed(message) else "translated"
    if message.fuzzy and any(has_visible_content(text) for text in message.texts):
        return "fuzzy"
    return "untranslated"


def coverage(keys: Iterable[Key], catalog: Catalog, trust: Trust = NO_TRUST) -> Coverage:
    """Coverage of the given template keys (all of a template, or one handout's)."""
    lookup = catalog.lookup()
    return count_states(keys, lambda key: state(lookup.get(key), trust), len(catalog.obsolete()))


_cached_words = lru_cache(maxsize=65536)(words)  # every handout and locale asks again


def count_states(
    keys: Iterable[Key], state_of: Callable[[Key], str], obsolete: int = 0
) -> Coverage:
    """Coverage of ``keys``, whose states (as :func:`state` names them) ``state_of``
    tells: a catalog lookup, or a mapping's ``get`` when the states came from a worker."""
    counts = dict.fromkeys(STATES, 0)
    word_counts = dict.fromkeys(STATES, 0)
    for key in dict.fromkeys(keys):
        status = state_of(key)
        counts[status] += 1
        word_counts[status] += _cached_words(key[1])
    return Coverage(
        counts["translated"],
        counts["fuzzy"],
        counts["untranslated"],
        obsolete,
        word_counts["translated"],
        word_counts["fuzzy"],
        word_counts["untranslated"],
        counts["reviewed"],
        word_counts["reviewed"],
    )
