"""What makes a text a translation: visible content.

A text is visible when, markup aside, it has a letter or a digit (Unicode categories
L* and N*). Punctuation, symbols, every space (the no-break, ideographic, line and
paragraph separators among them), markup, and invisible characters (format controls,
zero-width and bidirectional marks, variation selectors, combining marks alone, and
the Hangul fillers, which Unicode files as letters but draws as nothing) are not.

:func:`has_visible_content` is the one rule: :attr:`pipeline.model.Message.translated`
(so catalog reading, coverage, the gate and the build), ``update``'s fuzzy matching,
the translation memory and any import decide "translated" with it.
"""

from __future__ import annotations

import re

# letters and digits (\w without '_' is exactly L* and N*), but not the default-ignorable
# letters: HANGUL CHOSEONG/JUNGSEONG FILLER, HANGUL FILLER, HALFWIDTH HANGUL FILLER
_FILLERS = "\u115f\u1160\u3164\uffa0"
_VISIBLE = re.compile(f"[^\\W_{_FILLERS}]")
_VISIBLE_RUN = re.compile(f"[^\\W_{_FILLERS}]+")  # counted by runs: a list of words, not of letters
# an HTML tag or character reference: markup, not content ('< 38' is not a tag)
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?][^<>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


def _without_markup(text: str) -> str:
    return _MARKUP.sub("", text) if "<" in text or "&" in text else text


def has_visible_content(text: str) -> bool:
    """Whether ``text`` has a letter or a digit outside markup."""
    text = _without_markup(text)
    first = text[:1]  # most translations begin with one: no scan
    if first.isalnum() and first not in _FILLERS:
        return True
    return _VISIBLE.search(text) is not None


def visible_length(text: str) -> int:
    """How many letters and digits ``text`` has outside markup: its content's length,
    whatever spaces, punctuation or invisible characters pad it."""
    return sum(map(len, _VISIBLE_RUN.findall(_without_markup(text))))


def is_translation(source: str, text: str) -> bool:
    """Whether ``text`` translates ``source``: it has visible content (or, for a source
    without any, such as a separator, it is not empty)."""
    if has_visible_content(text):
        return True
    return text != "" and not has_visible_content(source)
