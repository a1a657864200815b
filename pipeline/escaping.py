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
# what starts Markdown syntax anywhere in a line: code, emphasis, strikethrough, links
# and images, HTML and entities, table cells, math; ':' and '@' (autolinks of a scheme
# or an e-mail address) and the dot of 'www.' (GitHub's www autolinks)
_ACTIVE = re.compile(r"""([\\`*_~\[\]()!<>&|$:@])|(?<=www)(\.)""", re.IGNORECASE)
_LINE_START = re.compile(r"^(\d+)([.)])(?=\s|$)|^()([#+\-=])")  # a heading, list, rule


def _visible(char: str) -> str:
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    return (
        f"\\x{code:02x}"
        if code <= 0xFF
        else f"\\u{code:04x}"
        if code <= 0xFFFF
        else f"\\U{code:08x}"
    )


def terminal(text: str, *, newlines: bool = False) -> str:
    """``text`` for a terminal: every control or invisible character shown as its escape
    (ESC as ``\\x1b``, RIGHT-TO-LEFT OVERRIDE as ``\\u202e``); line breaks too, unless
    ``newlines`` (a multi-line text whose lines the caller prints)."""
    if text.isprintable():  # most texts: nothing to escape
        return text
    return "".join(
        _visible(char) if _unsafe(char) and not (newlines and char == "\n") else char
        for char in text
    )


def _unsafe(char: str) -> bool:
    return unicodedata.category(char) in _UNSAFE_CATEGORIES and char not in _SHAPING


def markdown(text: str) -> str:
    """``text`` as literal Markdown inline text (GitHub's flavour): controls shown as by
    :func:`terminal`, line breaks as spaces, and every character that could start
    syntax backslash-escaped, so nothing becomes a link, an autolink, an image,
    emphasis, code, HTML, an entity, math or a table cell boundary (numbers, '.' and
    '/' stay as they are: ``100.0%``, ``56/56``)."""
    flat = terminal(re.sub(r"\r\n|[\r\n]", " ", text))
    escaped = _ACTIVE.sub(lambda m: "\\" + m.group(), flat)
    return _LINE_START.sub(
        lambda m: (m.group(1) or m.group(3)) + "\\" + (m.group(2) or m.group(4)), escaped
    )
