"""Display width: how many terminal columns a text takes, and which characters are wide.

East Asian Wide and Fullwidth characters (CJK, Hangul, fullwidth forms) take two
columns, combining marks none (``wcwidth``); spaceless wide text may break between
characters. The one home of these tests for the plain-text wrapper, the PO layout and
the quantity reader.
"""

from __future__ import annotations

import re
import unicodedata

from wcwidth import wcwidth

# East Asian Wide and Fullwidth blocks: where spaceless text may break between characters
WIDE_BLOCKS = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf"
    "\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f"
    "\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)
_char_widths: dict[str, int] = {}
_word_widths: dict[str, int] = {}
_one_column: set[str] = set()  # characters found one column wide (as many as _char_widths)


def is_wide(char: str) -> bool:
    """Whether ``char`` is East Asian Wide or Fullwidth (Unicode's property: two columns)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def has_wide_blocks(text: str) -> bool:
    """Whether ``text`` holds a character of a wide block (spaceless CJK text)."""
    return WIDE_BLOCKS.search(text) is not None


def columns(text: str) -> int:
    """Display columns of ``text`` (wide characters 2, combining marks 0; cached)."""
    if text.isascii():
        return len(text)
    known = _word_widths.get(text)
    if known is not None:
        return known
    total = sum(map(_char_width, text))
    if len(_word_widths) > 200_000:
        _word_widths.clear()
    _word_widths[text] = total
    return total


def _char_width(char: str) -> int:
    """Display columns of one character (``wcwidth``, cached; a control character 0)."""
    width = _char_widths.get(char)
    if width is None:
        width = _char_widths[char] = max(wcwidth(char), 0)
    return width


def narrow(text: str) -> bool:
    """Whether :func:`columns` counts each character of ``text`` one column (ASCII, most
    alphabets; no wide character, no combining mark): then every slice of ``text`` is as
    wide as it is long."""
    if text.isascii():
        return True
    chars = set(text)
    if chars <= _one_column:
        return True
    if any(_char_width(char) != 1 for char in chars - _one_column):
        return False
    _one_column.update(chars)
    return True


def is_double(char: str) -> bool:
    """Whether ``char`` takes two columns as displayed (``wcwidth``)."""
    return not char.isascii() and _char_width(char) == 2
