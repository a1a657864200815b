"""Untrusted text made inert for the medium it is printed to: one function per medium.

Catalogs, flags, review marks and monographs are written by contributors; whatever of
them a command prints goes through :func:`terminal` (a terminal, a CI log) or
:func:`markdown` (a pull-request comment), so no text can move the cursor, recolour or
clear a terminal, reorder what is shown (a bidirectional override), or become a link,
an image, emphasis, HTML or a table cell in a report.
"""

from __future__ import annotations

import re
import unicodedata

# every character a terminal acts on or a reader cannot see: C0 and C1 controls (ESC
# starts every escape sequence), DEL, and the format characters (bidirectional
# embeddings, overrides and isolates, zero widths, the BOM, soft hyphen), line and
# paragraph separators; the joiners ZWJ and ZWNJ stay (scripts need them to shape)
_SHAPING = "\u200c\u200d"
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
_ASCII_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def _visible(char: str) -> str:
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF \
        else f"\\U{code:08x}"


def terminal(text: str, *, newlines: bool = False) -> str:
    """``text`` for a terminal: every control or invisible character shown as its escape
    (ESC as ``\\x1b``, RIGHT-TO-LEFT OVERRIDE as ``\\u202e``); line breaks too, unless
    ``newlines`` (a multi-line text whose lines the caller prints)."""
    if text.isprintable():  # most texts: nothing to escape
        return text
    return "".join(_visible(char) if _unsafe(char) and not (newlines and char == "\n")
                   else char for char in text)


def _unsafe(char: str) -> bool:
    return unicodedata.category(char) in _UNSAFE_CATEGORIES and char not in _SHAPING


def markdown(text: str) -> str:
    """``text`` as literal Markdown inline text (GitHub's flavour): controls shown as by
    :func:`terminal`, line breaks as spaces, and every ASCII punctuation character
    backslash-escaped, so nothing becomes a link, an autolink, an image, emphasis, code,
    HTML, an entity or a table cell boundary."""
    flat = re.sub(r"\r\n|[\r\n]", " ", text)
    return _ASCII_PUNCTUATION.sub(r"\\\1", terminal(flat))
