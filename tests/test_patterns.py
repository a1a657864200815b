"""The shared patterns of the quantity readers: :func:`trie` writes one end for
neighbouring forms that end alike (a compile-time saving) and must match exactly what a
trie with an end after every form matches, for every lexicon's forms, in the readers'
and the line breaker's use, at every position of texts built to test the ends."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from pipeline.text import linebreak
from pipeline.text.lexicon import cldr, lexicon_for
from pipeline.text.quantities import ENGLISH, Reader
from pipeline.text.quantities.patterns import trie

LOCALES = ["en", *sorted(cldr())]
# what may follow a form: nothing, a space, a letter, a digit, a combining mark (Devanagari
# and Arabic), a period and a letter (an abbreviation cut short), a slash, a wide letter
AFTER = ["", " ", "s", "a", "X", "1", "\u093e", "\u064b", ".", ".a", ". ", "/", "/kg", "日", "²"]


def trie_with_every_end(forms: Iterable[str], end: Callable[[str], str] | None = None) -> str:
    """The trie as it was written before, an end after each form: the reference."""
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


def texts_for(forms: Iterable[str]) -> str:
    """Every form with each thing that may follow it, its prefixes with a few, and the
    form in upper case: one text (a number before each, as the readers see them)."""
    pieces = []
    for form in sorted(forms):
        pieces += [f"3 {form}{after}" for after in AFTER]
        pieces += [f"3 {form[:cut]}{after}" for cut in range(1, len(form)) for after in AFTER[:4]]
        pieces.append(f"3 {form.upper()}s")
    return "\n".join(pieces)


def matches(pattern: str, text: str) -> list[tuple[int, int]]:
    """The span the pattern matches at every position of ``text`` (as the readers
    compile it: ignoring case)."""
    compiled = re.compile(f"(?=({pattern}))", re.IGNORECASE)
    return [m.span(1) for m in compiled.finditer(text)]


def reader_tries(locale: str) -> list[tuple[str, list[str], Callable[[str], str] | None]]:
    """The tries a locale's reader and line breaker write: (name, forms, end)."""
    lexicon = lexicon_for(locale) if locale != "en" else ENGLISH
    reader = Reader(lexicon)
    forms = linebreak._forms((lexicon, ENGLISH) if locale != "en" else (ENGLISH,))
    lowered = [f.lower() if len(f.lower()) == len(f) else f for f in forms]
    return [
        ("units", list(reader.units), reader._form_end),
        ("per units", list(reader.per_units), reader._form_end),
        ("multipliers", list(reader.multipliers), reader._form_end),
        ("number words", [w for w in reader.words if not reader._anywhere(w)], None),
        ("line breaker's units", lowered, None if lexicon.glued else linebreak._unit_end),
    ]


@pytest.mark.parametrize("locale", LOCALES)
def test_one_end_per_run_matches_what_an_end_per_form_matches(locale):
    for name, forms, end in reader_tries(locale):
        if not forms:
            continue
        if end is None:  # no end to share: the very same pattern
            assert trie(forms) == trie_with_every_end(forms), f"{locale}: {name}"
            continue
        text = texts_for(forms)
        assert matches(trie(forms, end), text) == matches(trie_with_every_end(forms, end), text), (
            f"{locale}: {name}"
        )


def test_the_shared_end_is_written_once_for_neighbours_that_end_alike():
    """The saving itself: three forms that end alike, one end; a form that ends otherwise
    keeps its own; and the pattern still prefers the longer form, then the shorter."""
    end = {"mg": "(?!x)", "mgs": "(?!x)", "ml": "(?!x)", "m%": "(?!y)"}
    pattern = trie(end, end.get)
    assert pattern.count("(?!x)") == 1 and pattern.count("(?!y)") == 1
    assert re.match(pattern, "mgs ").group(0) == "mgs"
    assert re.match(pattern, "mgsx").group(0) == "mg"  # the longer one does not end: the shorter
    assert re.match(pattern, "mgx") is None
    assert re.match(pattern, "m%y") is None


def corpus_texts() -> list[str]:
    """Every source and translation of the quantity corpus."""
    import yaml

    texts = []
    for path in sorted((Path(__file__).parent / "corpus" / "quantities").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts += [text for case in data["cases"] for text in (case["source"], case["translation"])]
    return texts


@pytest.mark.parametrize("locale", ["en", "es", "zh_CN", "ar", "th", "ja", "ko", "hi", "he", "sw"])
def test_the_quantity_pattern_is_the_fast_paths_without_its_lookahead(locale):
    """A reader compiles its quantity pattern once: the fast path's, whose lookahead (a
    compound unit's follower, or nothing) always holds; the pattern without it matches
    the same at every position of every corpus text."""
    reader = Reader(lexicon_for(locale) if locale != "en" else ENGLISH)
    pattern = reader._quantity_re.pattern
    assert pattern.startswith("(") and ")(?=(" in pattern
    without = pattern[1 : pattern.rindex(")(?=(")]
    for text in corpus_texts():
        assert matches(without, text) == matches(pattern, text), text
