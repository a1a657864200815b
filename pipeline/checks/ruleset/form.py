"""Warnings on a text's form: whitespace and line breaks, a text left in English, a
doubled word."""

from __future__ import annotations

import re
from functools import lru_cache

from ..registry import EntryContext, Group

RULES = Group()


@RULES.check("whitespace", "warning")
def check_whitespace(entry: EntryContext) -> list[str]:
    """Leading and trailing whitespace and line breaks as in the source."""
    found: list[str] = []
    source, translation = entry.source, entry.translation
    lead, source_lead = translation[:1].isspace(), source[:1].isspace()
    trail, source_trail = translation[-1:].isspace(), source[-1:].isspace()
    if lead != source_lead:
        found.append(
            "starts with whitespace; the source does not"
            if lead
            else "the source starts with whitespace; the translation does not"
        )
    if trail != source_trail:
        found.append(
            "ends with whitespace; the source does not"
            if trail
            else "the source ends with whitespace; the translation does not"
        )
    breaks, source_breaks = entry.translation.count("\n"), entry.source.count("\n")
    if breaks != source_breaks:
        found.append(f"has {breaks} line break(s); the source has {source_breaks}")
    return found


_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
MIN_COPY_WORDS = 4


@RULES.check("untranslated-copy", "warning")
def check_untranslated_copy(entry: EntryContext) -> list[str]:
    """A long text is not left in English."""
    found: list[str] = []
    translation = entry.translation
    # equal normal forms begin with the case-folded first letters of both texts
    first, source_first = (text.lstrip()[:1].casefold() for text in (translation, entry.source))
    if not (first.startswith(source_first) or source_first.startswith(first)):
        return found
    source_words, source_normal = _normal_source(entry.source)
    if len(translation.split()) != source_words or _normal(translation) != source_normal:
        return found  # (casefold never adds or joins words)
    if entry.locale.split("_")[0] == "en":
        return found
    remaining = _WORD.findall(entry.glossary.without_terms(entry.source))
    if len(remaining) >= MIN_COPY_WORDS:
        found.append("is identical to the English source: translate it")
    return found


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


@lru_cache(maxsize=65536)
def _normal_source(source: str) -> tuple[int, str]:
    """A source's word count and normal form (cached: every locale asks again)."""
    return len(source.split()), _normal(source)


_DOUBLED = re.compile(r"(?<!\w)([^\W\d_]++)\s+\1(?!\w)", re.IGNORECASE)  # no backtracking


@lru_cache(maxsize=65536)
def _doubled_in_source(source: str) -> bool:
    """Whether a source text has a doubled word (cached: every locale asks again)."""
    return _DOUBLED.search(source) is not None


@RULES.check("doubled-word", "warning")
def check_doubled_word(entry: EntryContext) -> list[str]:
    """No word written twice in a row ("the the")."""
    found: list[str] = []
    # rare in a translation: the source is looked at only then
    if _DOUBLED.search(entry.translation) and not _doubled_in_source(entry.source):
        for match in _DOUBLED.finditer(entry.translation):
            found.append(f"'{match.group(0)}': the word '{match.group(1)}' is written twice")
    return found
