"""Serialise PO entries the way GNU gettext writes them (``msgcat``, ``msgmerge``).

polib and Babel wrap with Python's ``textwrap`` (by code points, wrapping ``#.``
comments, never breaking CJK text), so a catalog saved by Poedit or msgcat and
one saved by them fight over line breaks. This module is a small hand-written
port of the relevant parts of gettext's ``write-po.c``: page width 79, strings
broken at Unicode line-break opportunities (a subset of UAX #14 that covers
Latin, Arabic, Vietnamese and CJK text), display width of wide characters counted
as two columns, ``#.`` comments unwrapped, ``#:`` references wrapped.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..text.width import is_wide

PAGE_WIDTH = 79

_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\v": "\\v",
}

_ESCAPE_TABLE = str.maketrans(_ESCAPES)
_ESCAPABLE = re.compile("[" + re.escape("".join(_ESCAPES)) + "]")

# Line-break classes of UAX #14 that matter for the texts of patient handouts.
# CL CP EX IS SY PO: no break before
_CLOSERS = set(")]},.;:!?/%°、。，．：；！？）］｝〉》」』】〕〗〙〛،؛؟")
_OPENERS = set("([{（［｛〈《「『【〔〖〘〚")  # OP: no break after
_QUOTES = set("\"'‘’“”«»")  # QU: no break on either side
_BREAK_AFTER = set("–|\t")  # BA: break after
_NON_STARTERS = set("-–|ー々〻ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ‐゠・…‥")  # HY BA NS


def escape(text: str) -> str:
    """C-style escaping as in PO files."""
    return text.translate(_ESCAPE_TABLE)


@functools.cache
def char_width(char: str) -> int:
    """Display columns of one character (East Asian wide and fullwidth count two)."""
    if unicodedata.combining(char):
        return 0
    return 2 if is_wide(char) else 1


def text_width(text: str) -> int:
    if text.isascii():  # every ASCII character is one column
        return len(text)
    return sum(map(char_width, text))


def may_break(before: str, after: str) -> bool:
    """May a line break between these two characters? (a subset of UAX #14)"""
    if after == " " or after in _CLOSERS or before in _OPENERS:
        return False
    if before == " ":
        return True
    if before in _QUOTES or after in _QUOTES:
        return False
    if after in _NON_STARTERS:
        return False
    if before == "-":
        return not after.isdigit()
    if before in _BREAK_AFTER or before in ".,:;/":
        return not after.isdigit()
    return is_wide(before) or is_wide(after)


def _quote_before_opener(text: str, index: int) -> bool:
    """UAX #14 rule LB15: no break in ``"quoted" (`` between the spaces and the opener."""
    return text[index] in _OPENERS and text[:index].rstrip(" ")[-1:] in _QUOTES


# Without wide characters, a break can only follow a space or one of these (may_break).
_BREAK_TRIGGERS = re.compile("[" + re.escape("-.,:;/" + "".join(_BREAK_AFTER)) + "]")
_SPACE_BREAKS = re.compile("(?<= )[^" + re.escape(" " + "".join(_CLOSERS | _OPENERS)) + "]")
_SPACE_OPENERS = re.compile("(?<= )[" + re.escape("".join(_OPENERS)) + "]")


def _break_indexes(text: str, narrow: bool | None = None) -> list[int]:
    """Indexes ``i`` such that a line may break between ``text[i - 1]`` and ``text[i]``;
    ``narrow``: the text is known to have no wide characters."""
    if narrow is None:
        narrow = not any(is_wide(char) for char in set(text))
    if not narrow:
        return [
            index
            for index in range(1, len(text))
            if may_break(text[index - 1], text[index]) and not _quote_before_opener(text, index)
        ]
    # after a space: a break unless a space, a closer or an opener follows (openers need
    # a look); otherwise only the characters after a trigger need a look
    breaks = [match.start() for match in _SPACE_BREAKS.finditer(text)]
    candidates = [match.end() for match in _BREAK_TRIGGERS.finditer(text, 0, len(text) - 1)]
    candidates += [match.start() for match in _SPACE_OPENERS.finditer(text)]
    breaks += [
        index
        for index in candidates
        if may_break(text[index - 1], text[index]) and not _quote_before_opener(text, index)
    ]
    breaks.sort()
    return breaks


def _wrap_portion(portion: str, width: int) -> list[str]:
    """Break one portion into escaped lines of at most ``width`` columns: GNU's greedy
    filling, pieces between break opportunities added while the line fits."""
    if all(char_width(char) == 1 for char in set(portion)):
        return _wrap_narrow(portion, width)
    return _wrap_wide(portion, width)


@functools.cache
def _escaped_width(char: str) -> int:
    """Columns ``char`` takes once escaped."""
    return len(_ESCAPES[char]) if char in _ESCAPES else char_width(char)


def _wrap_wide(portion: str, width: int) -> list[str]:
    """:func:`_wrap_portion` for text with wide or zero-width characters: the columns
    before each character are summed up once, then lines are found by bisection."""
    columns = list(itertools.accumulate(map(_escaped_width, portion), initial=0))
    ends = [*_break_indexes(portion), len(portion)]
    end_columns = [columns[end] for end in ends]
    lines: list[str] = []
    start = 0
    while columns[-1] - columns[start] > width:
        fits = bisect.bisect_right(end_columns, columns[start] + width) - 1
        end = (
            ends[fits]
            if fits >= 0 and ends[fits] > start
            else ends[bisect.bisect_right(ends, start)]
        )  # one piece wider than a line
        lines.append(escape(portion[start:end]))
        start = end
        if start == len(portion):
            return lines
    lines.append(escape(portion[start:]))
    return lines


def _wrap_narrow(portion: str, width: int) -> list[str]:
    """:func:`_wrap_portion` for text whose characters are all one column wide: the
    same greedy filling, a line at a time (columns are then escaped offsets)."""
    escaped = escape(portion)
    ends = _break_indexes(portion, narrow=True)
    if len(escaped) != len(portion):  # shift to offsets in the escaped text
        marks = [match.start() for match in _ESCAPABLE.finditer(portion)]
        ends = [index + bisect.bisect_left(marks, index) for index in ends]
    ends.append(len(escaped))
    lines: list[str] = []
    start = 0
    while len(escaped) - start > width:
        fits = bisect.bisect_right(ends, start + width) - 1
        end = (
            ends[fits]
            if fits >= 0 and ends[fits] > start
            else ends[bisect.bisect_right(ends, start)]
        )  # one piece wider than a line
        lines.append(escaped[start:end])
        start = end
        if start == len(escaped):
            return lines
    lines.append(escaped[start:])
    return lines


def format_string(keyword: str, value: str, prefix: str = "", width: int = PAGE_WIDTH) -> list[str]:
    """Lines for ``keyword "value"``, wrapped as GNU gettext does."""
    return list(_format_string(keyword, value, prefix, width))


@functools.lru_cache(maxsize=1 << 16)  # msgids recur in every locale's catalog
def _format_string(keyword: str, value: str, prefix: str, width: int) -> tuple[str, ...]:
    portions = [value]
    if "\n" in value:  # a portion ends after each newline but a final one
        parts = value.split("\n")
        portions = [part + "\n" for part in parts[:-1]]
        if parts[-1]:
            portions.append(parts[-1])
    head = f"{prefix}{keyword} "
    if len(portions) == 1:
        escaped = escape(portions[0])
        if text_width(head) + text_width(escaped) + 2 <= width:
            return (f'{head}"{escaped}"',)
    lines = [f'{head}""']
    inner = width - text_width(prefix) - 2
    for portion in portions:
        lines.extend(f'{prefix}"{line}"' for line in _wrap_portion(portion, inner))
    return tuple(lines)


def format_references(references: Iterable[str], width: int = PAGE_WIDTH) -> list[str]:
    """``#:`` lines, as many references per line as fit."""
    lines: list[str] = []
    line = "#:"
    for reference in references:
        if line != "#:" and len(line) + 1 + len(reference) > width:
            lines.append(line)
            line = "#:"
        line += " " + reference
    if line != "#:":
        lines.append(line)
    return lines


@dataclass
class Entry:
    """A PO entry as plain data (the writer's input)."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    translator_comments: list[str] = field(default_factory=list)
    extracted_comments: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    previous_msgctxt: str | None = None
    previous_msgid: str | None = None
    previous_msgid_plural: str | None = None
    obsolete: bool = False


def comment_lines(comments: Iterable[str]) -> Iterator[str]:
    """Comment lines: a comment with line breaks (a multi-line source note) is several."""
    for comment in comments:
        yield from comment.split("\n")


def format_entry(entry: Entry, width: int = PAGE_WIDTH) -> Iterator[str]:
    """The lines of one entry, in GNU gettext's order."""
    for comment in comment_lines(entry.translator_comments):
        yield f"# {comment}" if comment else "#"
    if not entry.obsolete:
        for comment in comment_lines(entry.extracted_comments):
            yield f"#. {comment}" if comment else "#."
        yield from format_references(entry.references, width)
    if entry.flags:
        yield "#, " + ", ".join(entry.flags)
    previous = "#~| " if entry.obsolete else "#| "
    if entry.previous_msgctxt is not None:
        yield from format_string("msgctxt", entry.previous_msgctxt, previous, width)
    if entry.previous_msgid is not None:
        yield from format_string("msgid", entry.previous_msgid, previous, width)
    if entry.previous_msgid_plural is not None:
        yield from format_string("msgid_plural", entry.previous_msgid_plural, previous, width)
    prefix = "#~ " if entry.obsolete else ""
    if entry.msgctxt is not None:
        yield from format_string("msgctxt", entry.msgctxt, prefix, width)
    yield from format_string("msgid", entry.msgid, prefix, width)
    if entry.msgid_plural is not None:
        yield from format_string("msgid_plural", entry.msgid_plural, prefix, width)
        for index in sorted(entry.msgstr_plural):
            yield from format_string(f"msgstr[{index}]", entry.msgstr_plural[index], prefix, width)
    else:
        yield from format_string("msgstr", entry.msgstr, prefix, width)


def format_catalog(
    header_comments: list[str],
    header: str,
    entries: Iterable[Entry],
    header_flags: list[str] | None = None,
    width: int = PAGE_WIDTH,
) -> str:
    """A whole PO/POT file: header entry first, obsolete entries last."""
    entries = list(entries)
    active = [e for e in entries if not e.obsolete]
    obsolete = [e for e in entries if e.obsolete]
    head = Entry("", header, translator_comments=header_comments, flags=header_flags or [])
    return join_blocks([format_block(entry, width) for entry in [head, *active, *obsolete]])


def format_block(entry: Entry, width: int = PAGE_WIDTH) -> str:
    """The text of one entry, without the blank line that separates entries."""
    return "\n".join(format_entry(entry, width))


def join_blocks(blocks: list[str]) -> str:
    """A file from entry texts: a blank line between entries, a newline at the end."""
    return "\n\n".join(blocks) + "\n"
