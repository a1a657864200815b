"""The plain-text wrapper's fast path gives the lines of its general path: on every text
of the shipped project and of the quantity corpus, in their own locale and in others
nobody asked for, at several widths and indents, and on generated texts; its quantity
pattern, each unit's end factored after the trie, matches as each form with its own end."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.text.lexicon import cldr, lexicon_for
from pipeline.text.linebreak import (
    _JOINERS,
    _NUMBER,
    _WHITESPACE,
    _fill,
    _forms,
    _one_spaced,
    _unit_end,
    quantity_pattern,
    tokens,
    wrap,
)
from pipeline.text.quantities import ENGLISH
from pipeline.text.quantities.patterns import alternation, trie
from pipeline.text.width import has_wide_blocks, narrow

ROOT = Path(__file__).resolve().parent.parent
LOCALES = [None, "en", "es", "zh_CN", "ar", "vi", "th", "ja", "ko", "hi", "am", "ka", "he"]
LOCALES += ["fa", "sw", "ga", "so", "ru"]
# (width, indent, subsequent) as the text formats use them, and narrower
LAYOUTS = [(72, "", None), (72, "EN  - ", "      "), (30, "  | ", None), (12, "- ", "  ")]


def general(text: str, width: int, indent: str, subsequent: str | None, locale: str | None):
    """The lines of the general path: every token measured and placed in turn."""
    subsequent = indent if subsequent is None else subsequent
    found = tokens(_WHITESPACE.sub(" ", text).strip(), locale)
    assert _one_spaced(text) == _WHITESPACE.sub(" ", text).strip()
    return _fill(found, width, indent, subsequent)


def _texts() -> dict[str, set[str]]:
    """Every text of the shipped catalogs and of the quantity corpus, by its locale."""
    found: dict[str, set[str]] = {"en": set()}
    for path in sorted((ROOT / "locales").glob("*/LC_MESSAGES/*.po")):
        for entry in polib.pofile(str(path)):
            found["en"].add(entry.msgid)
            found.setdefault(path.parent.parent.name, set()).add(entry.msgstr)
    for path in sorted((ROOT / "tests" / "corpus" / "quantities").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            found["en"].add(case["source"])
            found.setdefault(data["locale"], set()).add(case["translation"])
    return found


TEXTS = _texts()


@pytest.mark.parametrize("locale", LOCALES, ids=str)
def test_the_fast_path_wraps_every_real_text_as_the_general_path(locale):
    texts = sorted(set().union(*TEXTS.values()))
    fast = 0
    for number, text in enumerate(texts):
        width, indent, subsequent = LAYOUTS[number % len(LAYOUTS)]
        lines = wrap.__wrapped__(text, width, indent, subsequent, locale)
        assert lines == general(text, width, indent, subsequent, locale), (text, locale)
        fast += narrow(text) and not has_wide_blocks(text)
    assert fast > len(texts) / 2  # most texts take the fast path: it is what is compared


@pytest.mark.parametrize("locale", sorted(set(TEXTS) - {"en"}))
def test_each_translation_wraps_in_its_own_locale_as_the_general_path(locale):
    for text in sorted(TEXTS[locale]):
        for width, indent, subsequent in LAYOUTS:
            lines = wrap.__wrapped__(text, width, indent, subsequent, locale)
            assert lines == general(text, width, indent, subsequent, locale), text


# digits, units, spaces, a no-break space, an accent, a combining mark, a control
# character, a wide character: what decides the path and the breaks
PIECES = [
    "\n",
    "\r\n",
    "5",
    "38,5",
    "mg",
    "°C",
    "horas",
    " ",
    "  ",
    "\u00a0",
    "é",
    "e\u0301",
    "\x07",
    "贝",
]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES + ["word", "a", "(", ")", "\t"]), max_size=40),
    st.integers(min_value=1, max_value=30),
    st.sampled_from(["", "- ", "EN  - ", "a wide indent "]),
    st.sampled_from([None, "", "  "]),
    st.sampled_from([None, "es", "th", "zh_CN"]),
)
@example(["5", " ", "5", " ", "38,5"], 1, "EN  - ", None, None)  # an indent wider than the line
def test_the_fast_path_equals_the_general_path_on_generated_texts(
    pieces, width, indent, subsequent, locale
):
    text = "".join(pieces)
    lines = wrap.__wrapped__(text, width, indent, subsequent, locale)
    assert lines == general(text, width, indent, subsequent, locale)


def _each_form_with_its_own_end(locale: str | None) -> re.Pattern[str]:
    """The quantity pattern as it was built before the ends were factored: each form of
    the trie followed by its own end (the reference :func:`_ends` must equal)."""
    lexicons = (ENGLISH,) if locale is None else (lexicon_for(locale), ENGLISH)
    forms = {f.lower() if len(f.lower()) == len(f) else f for f in _forms(lexicons)}
    units = trie(forms) if lexicons[0].glued else trie(forms, _unit_end)
    linkers = {f for lexicon in lexicons for f in lexicon.linkers}
    linker = f"(?:{alternation(linkers)})?" if linkers else ""
    return re.compile(rf"{_NUMBER}(?:[ {_JOINERS}]?{linker}(?:{units}))?", re.IGNORECASE)


def _samples(locale: str | None) -> list[str]:
    """Each unit form of ``locale`` after a number, as written, upper-cased and title-cased,
    followed by a space, a letter, a digit, a mark, a full stop or nothing."""
    lexicons = (ENGLISH,) if locale is None else (lexicon_for(locale), ENGLISH)
    found = []
    for form in sorted(_forms(lexicons)):
        for written in {form, form.upper(), form.title()}:
            found += [f"5 {written}{after}" for after in ("", " x", "x", "2", "\u0301", ".")]
            found.append(f"5{written}")
    return found


@pytest.mark.parametrize("locale", [None, *sorted(cldr())], ids=str)
def test_the_factored_ends_match_as_each_form_with_its_own_end(locale):
    factored, reference = quantity_pattern(locale), _each_form_with_its_own_end(locale)
    assert factored.pattern != reference.pattern or lexicon_for(locale or "en").glued
    for text in [*sorted(set().union(*TEXTS.values())), *_samples(locale)]:
        spans = [m.span() for m in factored.finditer(text)]
        assert spans == [m.span() for m in reference.finditer(text)], (text, locale)
