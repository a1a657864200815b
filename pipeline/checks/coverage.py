"""How much of the template a catalog translates, in entries and in source words.

Counted against the template, so a catalog that was not updated counts its missing
entries as untranslated. "Translated" is :attr:`Message.translated`, nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from ..catalogs.pofile import Catalog
from ..model import Key, Message


def words(text: str) -> int:
    """Source words (the English msgid, split on whitespace)."""
    return len(text.split())


@dataclass(frozen=True)
class Coverage:
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    obsolete: int = 0
    translated_words: int = 0
    fuzzy_words: int = 0
    untranslated_words: int = 0

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def total_words(self) -> int:
        return self.translated_words + self.fuzzy_words + self.untranslated_words

    @property
    def percent(self) -> float:
        """Translated share of entries, 0..100 (100 for an empty template)."""
        return 100.0 * self.translated / self.total if self.total else 100.0

    @property
    def percent_words(self) -> float:
        return 100.0 * self.translated_words / self.total_words if self.total_words else 100.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "translated": self.translated, "fuzzy": self.fuzzy,
            "untranslated": self.untranslated, "obsolete": self.obsolete, "total": self.total,
            "translated_words": self.translated_words, "fuzzy_words": self.fuzzy_words,
            "untranslated_words": self.untranslated_words, "total_words": self.total_words,
            "percent": round(self.percent, 2), "percent_words": round(self.percent_words, 2),
        }


def state(message: Message | None) -> str:
    """'translated', 'fuzzy' or 'untranslated' for a catalog entry (None: missing)."""
    if message is None:
        return "untranslated"
    if message.translated:
        return "translated"
    if message.fuzzy and message.has_translation:
        return "fuzzy"
    return "untranslated"


def coverage(keys: Iterable[Key], catalog: Catalog) -> Coverage:
    """Coverage of the given template keys (all of a template, or one handout's)."""
    lookup = catalog.lookup()
    return count_states(keys, lambda key: state(lookup.get(key)), len(catalog.obsolete()))


_cached_words = lru_cache(maxsize=65536)(words)  # every handout and locale asks again


def count_states(keys: Iterable[Key], state_of: Callable[[Key], str],
                 obsolete: int = 0) -> Coverage:
    """Coverage of ``keys``, whose states (as :func:`state` names them) ``state_of``
    tells: a catalog lookup, or a mapping's ``get`` when the states came from a worker."""
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    word_counts = dict.fromkeys(counts, 0)
    for key in dict.fromkeys(keys):
        status = state_of(key)
        counts[status] += 1
        word_counts[status] += _cached_words(key[1])
    return Coverage(counts["translated"], counts["fuzzy"], counts["untranslated"], obsolete,
                    word_counts["translated"], word_counts["fuzzy"],
                    word_counts["untranslated"])
