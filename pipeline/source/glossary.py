"""``source/glossary.yaml``: drug names and terms that must survive translation.

Each term says, per locale, which wordings a translation may use:

* ``translate: false`` (drug names, abbreviations): keep the term verbatim, or use
  one of the locale's ``approved`` forms (an official local drug name);
* ``translate: true``: the locale's ``approved`` forms are the ones to use (a locale
  with none listed is not checked);
* ``forbidden``: wordings that must never appear in that locale.

Matching is on whole phrases, case-insensitive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from ..errors import SourceError
from ..text.normalize import nfc
from .yamlfile import MB, read_yaml

GLOSSARY_PATH = Path("source") / "glossary.yaml"
MAX_GLOSSARY_BYTES = 4 * MB  # the shipped glossary is 4 KB
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available


@dataclass(frozen=True)
class LocaleRule:
    approved: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()


@dataclass(frozen=True)
class Term:
    """One glossary entry."""

    term: str
    translate: bool = False
    variants: tuple[str, ...] = ()
    note: str | None = None
    line: int = 0
    locales: dict[str, LocaleRule] = field(default_factory=dict)

    @cached_property
    def source_pattern(self) -> re.Pattern[str]:
        return phrase_pattern((self.term, *self.variants))

    def accepted(self, locale: str) -> tuple[str, ...] | None:
        """Wordings a ``locale`` translation may use for this term; None: not checked."""
        rule = self.rule(locale)
        if self.translate:
            return rule.approved or None
        return (self.term, *self.variants, *rule.approved)

    def rule(self, locale: str) -> LocaleRule:
        language = locale.split("_")[0]
        return self.locales.get(locale) or self.locales.get(language) or LocaleRule()


_LATIN = "A-Za-z0-9\u00c0-\u024f\u1e00-\u1eff\u0370-\u03ff\u0400-\u04ff"
_LATIN_CHAR = re.compile(f"[{_LATIN}]")


@lru_cache(maxsize=65536)
def phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """A case-insensitive regex matching any of ``phrases`` as whole words.

    Word boundaries apply only to alphabets written with spaces between words (Latin,
    Greek, Cyrillic): ``CD19`` matches in ``CD19蛋白`` and an Arabic term matches with
    its attached prefixes (``و``, ``ب``, ``ال``), but ``WBC`` never matches ``WBCs2``.
    """
    alternatives = []
    for phrase in sorted(phrases, key=len, reverse=True):
        escaped = re.escape(phrase)
        if _LATIN_CHAR.match(phrase[:1]):
            escaped = rf"(?<![{_LATIN}])" + escaped
        if _LATIN_CHAR.match(phrase[-1:]):
            escaped += rf"(?![{_LATIN}])"
        alternatives.append(escaped)
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _ends_word(char: str) -> bool:
    """An ASCII space or punctuation mark: no alphabet's letter, in any case."""
    return char.isascii() and not char.isalnum()


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def verbatim_in(phrases: tuple[str, ...], text: str) -> bool:
    """Whether one of ``phrases`` is written in ``text`` exactly (up to the case of ASCII
    letters), between characters that surely end a word: then :func:`phrase_pattern`
    finds it too. A quick yes, without compiling the pattern; False says nothing (ask
    the pattern)."""
    folded = None
    for phrase in phrases:
        open_start = not _LATIN_CHAR.match(phrase[:1])
        open_end = not _LATIN_CHAR.match(phrase[-1:])
        for exact in (True, False):
            if exact:
                haystack, needle = text, phrase
            elif phrase.isascii():
                if folded is None:  # same length: positions are the text's
                    folded = text.translate(_ASCII_LOWER)
                haystack, needle = folded, phrase.translate(_ASCII_LOWER)
            else:
                break
            start = haystack.find(needle)
            while start != -1:
                end = start + len(needle)
                if (open_start or start == 0 or _ends_word(text[start - 1])) and (
                    open_end or end == len(text) or _ends_word(text[end])
                ):
                    return True
                start = haystack.find(needle, start + 1)
    return False


_TOKEN = re.compile(r"[^\W_]+|[^\w\s]")


def tokens(text: str) -> tuple[str, ...]:
    """Lower-cased words and punctuation marks of ``text`` (spaces dropped)."""
    if "\u0130" in text or "\u03a3" in text:
        return tuple(token.lower() for token in _TOKEN.findall(text))
    # faster, the same: lower() maps every other character to one character of the same
    # kind (letter, space, mark) and only capital sigma depends on what surrounds it
    return tuple(_TOKEN.findall(text.lower()))


@dataclass(frozen=True)
class Glossary:
    """The terms, indexed by their words so a source text is scanned once, whatever
    the size of the glossary."""

    terms: tuple[Term, ...] = ()

    @cached_property
    def _phrases(self) -> tuple[dict[tuple[str, ...], list[int]], frozenset[str], int]:
        table: dict[tuple[str, ...], list[int]] = {}
        for i, term in enumerate(self.terms):
            for phrase in dict.fromkeys(tokens(p) for p in (term.term, *term.variants)):
                if phrase:
                    table.setdefault(phrase, []).append(i)
        return table, frozenset(p[0] for p in table), max(map(len, table), default=0)

    @cached_property
    def _found(self) -> dict[str, tuple[Term, ...]]:
        return {}  # source text -> its terms (the same for every locale)

    @cached_property
    def _forbidden(self) -> dict[str, tuple[re.Pattern[str], dict[str, list[int]]] | None]:
        return {}  # per locale, filled on first use

    def _spans(self, text: str) -> tuple[tuple[str, ...], list[tuple[int, int, list[int]]]]:
        """The text's tokens, and (start, end, term indices) of each glossary phrase."""
        table, firsts, longest = self._phrases
        words = tokens(text)
        spans = []
        for start in _positions(words, firsts.intersection(words)):
            for end in range(start + 1, min(start + longest, len(words)) + 1):
                found = table.get(words[start:end])
                if found:
                    spans.append((start, end, found))
        return words, spans

    def terms_in(self, text: str) -> list[Term]:
        """The glossary terms that occur in ``text`` (a source msgid), in glossary order."""
        cached = self._found.get(text)
        if cached is None:
            hits = {i for _, _, found in self._spans(text)[1] for i in found}
            cached = self._found[text] = tuple(self.terms[i] for i in sorted(hits))
        return list(cached)

    def without_terms(self, text: str) -> str:
        """The words of ``text`` that are not part of a glossary term."""
        words, spans = self._spans(text)
        covered = {i for start, end, _ in spans for i in range(start, end)}
        return " ".join(w for i, w in enumerate(words) if i not in covered)

    def problems(self, locale: str, source: str, translation: str) -> list[str]:
        """How a translation breaks the glossary, in words a translator understands."""
        found = []
        for term in self.terms_in(source):
            accepted = term.accepted(locale)
            if (
                accepted
                and not verbatim_in(accepted, translation)
                and not phrase_pattern(accepted).search(translation)
            ):
                found.append(
                    f"the source says '{term.term}': the translation must use "
                    + " or ".join(f"'{w}'" for w in dict.fromkeys(accepted))
                    + " (glossary)"
                )
        for term, wording in self.forbidden_in(locale, translation):
            approved = term.accepted(locale)
            instead = ("; use " + " or ".join(f"'{w}'" for w in approved)) if approved else ""
            found.append(f"'{wording}' is not allowed for '{term.term}' (glossary){instead}")
        return found

    def forbidden_in(self, locale: str, text: str) -> list[tuple[Term, str]]:
        """(term, wording) for each forbidden wording of ``locale`` found in ``text``."""
        if locale not in self._forbidden:
            lists = [term.rule(locale).forbidden for term in self.terms]
            phrases = tuple(p for forbidden in lists for p in forbidden)
            self._forbidden[locale] = (phrase_pattern(phrases), _index(lists)) if phrases else None
        compiled = self._forbidden[locale]
        if compiled is None:
            return []
        pattern, index = compiled
        found: dict[int, str] = {}
        for match in pattern.finditer(text):
            for i in index.get(match.group(0).lower(), ()):
                found.setdefault(i, match.group(0))
        return [(self.terms[i], wording) for i, wording in sorted(found.items())]


def _positions(words: tuple[str, ...], wanted: AbstractSet[str]) -> list[int]:
    """Where any of ``wanted`` occurs in ``words``, in order (found by the tuple's own
    search: most words of a text start no glossary phrase)."""
    found = []
    for word in wanted:
        position = words.index(word)
        while True:
            found.append(position)
            try:
                position = words.index(word, position + 1)
            except ValueError:
                break
    return sorted(found)


def _index(phrase_lists: Iterable[Iterable[str]]) -> dict[str, list[int]]:
    """Lower-cased phrase -> indices of the terms (or lists) that contain it."""
    index: dict[str, list[int]] = {}
    for i, phrases in enumerate(phrase_lists):
        for phrase in dict.fromkeys(p.lower() for p in phrases):
            index.setdefault(phrase, []).append(i)
    return index


def _strings(value: object, where: str, line: int, path: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise SourceError(f"{where} must be a text or a list of texts", path, line)
    return tuple(nfc(v.strip()) for v in value)


def load_glossary(root: Path) -> Glossary:
    """Read the project's glossary (an empty one when the file does not exist)."""
    path = root / GLOSSARY_PATH
    shown = GLOSSARY_PATH.as_posix()
    if not path.exists():
        return Glossary()
    text, node = read_yaml(path, shown, "the glossary", MAX_GLOSSARY_BYTES)
    if node is None:
        return Glossary()
    data = yaml.load(text, Loader=_LOADER)  # a safe loader (C or Python)
    if (
        not isinstance(data, dict)
        or set(data) - {"terms"}
        or not isinstance(data.get("terms"), list)
    ):
        raise SourceError("the glossary must be a mapping with one key, 'terms' (a list)", shown, 1)
    term_nodes = dict(node.value)  # key node -> value node
    lines = [n.start_mark.line + 1 for n in next(iter(term_nodes.values())).value]
    return Glossary(
        tuple(_term(raw, line, shown) for raw, line in zip(data["terms"], lines, strict=True))
    )


_TERM_KEYS = {"term", "translate", "variants", "note", "locales"}


def _term(raw: object, line: int, shown: str) -> Term:
    """One entry of the glossary, validated (``line``: where it starts)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("term"), str):
        raise SourceError("each glossary entry needs 'term' (text)", shown, line)
    unknown = set(raw) - _TERM_KEYS
    if unknown:
        raise SourceError(
            f"unknown key(s) {', '.join(sorted(unknown))} in glossary entry "
            f"'{raw['term']}' (allowed: {', '.join(sorted(_TERM_KEYS))})",
            shown,
            line,
        )
    translate = raw.get("translate", False)
    if not isinstance(translate, bool):
        raise SourceError(
            f"glossary entry '{raw['term']}': 'translate' must be true or false", shown, line
        )
    if not isinstance(raw.get("note"), str | None):
        raise SourceError(f"glossary entry '{raw['term']}': 'note' must be text", shown, line)
    if not isinstance(raw.get("locales"), dict | None):
        raise SourceError(
            f"glossary entry '{raw['term']}': 'locales' must be a mapping of locale to its rules",
            shown,
            line,
        )
    locales = _locale_rules(raw["term"], raw.get("locales") or {}, line, shown)  # checked first
    return Term(
        nfc(raw["term"].strip()),
        translate,
        _strings(raw.get("variants"), "variants", line, shown),
        raw.get("note"),
        line,
        locales,
    )


def _locale_rules(term: str, rules: dict, line: int, shown: str) -> dict[str, LocaleRule]:
    """A term's ``locales``: each locale's approved and forbidden wordings, validated."""
    locales = {}
    for locale, rule in rules.items():
        if not isinstance(rule, dict) or set(rule) - {"approved", "forbidden"}:
            raise SourceError(
                f"glossary entry '{term}', locale {locale}: expected 'approved' and/or 'forbidden'",
                shown,
                line,
            )
        locales[str(locale)] = LocaleRule(
            _strings(rule.get("approved"), f"'{term}' {locale} approved", line, shown),
            _strings(rule.get("forbidden"), f"'{term}' {locale} forbidden", line, shown),
        )
    return locales
