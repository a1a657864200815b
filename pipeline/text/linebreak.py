"""Line breaking by display width, for plain text.

Breaks at spaces, and between wide characters (CJK text has no spaces), but never
between a number and its unit, never before closing or after opening punctuation. A
line is longer than the width only when it holds a single unbreakable token.

A unit is what the locale's lexicon (:func:`pipeline.text.lexicon.lexicon_for`) calls a
unit written after a number ("5 mg", "38,5 °C", "2 fois", "48 horas", "2 ครั้ง",
"48小时"), its compatibility forms ("℃", "％", "㎎") and, since every handout may show
English (a fallback, the bilingual edition's English lines), the English lexicon's.

The PO files' line breaking (:mod:`pipeline.catalogs.poformat`) is another contract, GNU
msgcat's lines byte for byte (UAX #14 opportunities, gettext's column count); it shares
only the wide-character rule (:mod:`pipeline.text.width`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .lexicon import lexicon_for
from .quantities import ENGLISH, Lexicon
from .quantities.patterns import WORD_END, alternation, trie
from .width import WIDE_BLOCKS, columns, has_wide_blocks, is_double, is_wide, narrow

_JOINERS = "\u00a0\u202f"  # no-break spaces: part of a token, never a break
_NO_LINE_START = set("、。，．：；！？）」』】〉》〕〗〙〛〞・ー…‥%％°℃)]},.:;!?؟،؛»”’")
_NO_LINE_END = set("（「『【〈《〔〖〘〚〝([{«“‘")
_NUMBER = r"\d(?:[\d.,\u066b\u066c]*\d)?"
_WHITESPACE = re.compile(r"[ \t\r\n]+")
_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=1)
def _compatibility_forms() -> dict[str, str]:
    """The letterlike, CJK-compatibility and fullwidth characters whose NFKC differs from
    them, by that NFKC lower-cased (``°c``: ℃, ``mg``: ㎎, ``%``: ％)."""
    found: dict[str, str] = {}
    for code in (*range(0x2100, 0x2150), *range(0x3300, 0x3400), *range(0xFF00, 0xFFF0)):
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char)
        if folded != char and any(c.isalpha() or c in "%°" for c in folded):
            found.setdefault(folded.lower(), "")
            found[folded.lower()] += char
    return found


def _forms(lexicons: tuple[Lexicon, ...]) -> set[str]:
    """The unit forms written after a number, with their compatibility characters."""
    forms = {form for lexicon in lexicons for form in lexicon.units}
    compatible = _compatibility_forms()
    return forms | {char for form in forms for char in compatible.get(form.lower(), "")}


def _units(forms: set[str], glued: bool) -> str:
    """Unit forms as one trie (the regex engine picks a branch by the next character),
    each form ending where a word ends ("g" in "3 g", not in "3 good"; "m2" not in
    "3 m23"), but in a language written without spaces (Thai, CJK), where a unit runs on
    into what follows; a form that does not end there gives way to a shorter one, and a
    longer form is tried first ("cupán méadr." before "cupán"). The pattern ignores
    case, so the trie is of lower-case forms: "Sentimitir" in another branch than
    "sentimitir saddex jibaaran" would end the match early."""
    lowered = {f.lower() if len(f.lower()) == len(f) else f for f in forms}
    if glued:
        return trie(lowered)
    ends = _ends(lowered)
    return trie(lowered) + ends if ends is not None else trie(lowered, _unit_end)


def _ends(forms: set[str]) -> str | None:
    """Each form's end (:func:`_unit_end`) once after the trie of ``forms``, chosen by a
    lookbehind on the form's last character, instead of after each of its hundreds of
    forms: compiling the word end's class of combining marks at each was nine tenths of
    the pattern's compile time (40 ms a locale); matching takes as long. Equal: the
    trie's alternatives distribute over what follows them, tried in the same order, and
    the lookbehind finds the end of the form just matched, provided no last character of
    one end is, ignoring case, one of another end's (else None: each form keeps its own
    end). tests/test_linebreak.py compares the two patterns in every lexicon locale."""
    by_end: dict[str, set[str]] = {}
    for form in forms:
        by_end.setdefault(_unit_end(form), set()).add(form[-1])
    last = {
        end: "[" + "".join(map(re.escape, sorted(chars))) + "]" for end, chars in by_end.items()
    }
    for end, chars in by_end.items():
        others = [re.compile(last[other], re.IGNORECASE) for other in by_end if other != end]
        if any(pattern.fullmatch(char) for pattern in others for char in chars):
            return None
    return "(?:" + "|".join(f"(?<={last[end]}){end}" for end in sorted(by_end)) + ")"


def _unit_end(form: str) -> str:
    """What must follow ``form`` for it to be the whole unit."""
    last = form[-1]
    if is_wide(last):
        return ""
    if last.isalpha() or unicodedata.category(last)[0] == "M":
        return WORD_END
    return "(?!\\d)" if last.isdigit() else ""


@lru_cache(maxsize=64)
def quantity_pattern(locale: str | None) -> re.Pattern[str]:
    """A number and the unit written after it in ``locale`` (English when None)."""
    lexicons = (ENGLISH,) if locale is None else (lexicon_for(locale), ENGLISH)
    units = _units(_forms(lexicons), lexicons[0].glued)
    linkers = {f for lexicon in lexicons for f in lexicon.linkers}
    linker = f"(?:{alternation(linkers)})?" if linkers else ""
    return re.compile(rf"{_NUMBER}(?:[ {_JOINERS}]?{linker}(?:{units}))?", re.IGNORECASE)


def tokens(text: str, locale: str | None = None) -> list[tuple[str, bool]]:
    """(token, space_before) pairs: the units between which a line may break."""
    glued = _glued_spans(text, locale)
    if not glued and not WIDE_BLOCKS.search(text):  # the usual case: break at spaces only
        return [(word, True) for word in text.split(" ") if word]
    found: list[tuple[str, bool]] = []
    offset = 0
    for word in text.split(" "):
        if word:
            for index, token in enumerate(_split_wide(word, offset, glued)):
                if index == 0 and offset in glued and found:  # "48 horas": one token
                    found[-1] = (found[-1][0] + " " + token, found[-1][1])
                else:
                    found.append((token, index == 0))
        offset += len(word) + 1
    return found


def _glued_spans(text: str, locale: str | None) -> set[int]:
    """Offsets of characters that must stay on the line of the character before."""
    inside: set[int] = set()
    if not _DIGIT.search(text):
        return inside
    for match in quantity_pattern(locale).finditer(text):
        inside.update(range(match.start() + 1, match.end()))
    return inside


def _split_wide(piece: str, offset: int, glued: set[int]) -> list[str]:
    """Split a spaceless run between wide characters (kinsoku and quantities respected)."""
    if piece.isascii() or not WIDE_BLOCKS.search(piece):
        return [piece]
    parts = [piece[0]]
    for index in range(1, len(piece)):
        char, before = piece[index], piece[index - 1]
        breakable = (
            (is_double(char) or is_double(before))
            and offset + index not in glued
            and char not in _NO_LINE_START
            and before not in _NO_LINE_END
        )
        if breakable:
            parts.append(char)
        else:
            parts[-1] += char
    return parts


@lru_cache(maxsize=4096)
def wrap(
    text: str,
    width: int,
    indent: str = "",
    subsequent: str | None = None,
    locale: str | None = None,
) -> tuple[str, ...]:
    """Lines of ``text`` in ``locale`` filling ``width`` display columns, indented."""
    subsequent = indent if subsequent is None else subsequent
    text = _one_spaced(text)
    if not has_wide_blocks(text) and narrow(text):  # most texts: see _fill_narrow
        return _fill_narrow(text, width, indent, subsequent, locale)
    return _fill(tokens(text, locale), width, indent, subsequent)


def _one_spaced(text: str) -> str:
    """``text`` with each run of spaces, tabs and line breaks one space, stripped; the
    regular expression runs only on a text with such a run (most have none)."""
    if "  " in text or "\t" in text or "\n" in text or "\r" in text:
        text = _WHITESPACE.sub(" ", text)
    return text.strip()


def _fill(
    found: list[tuple[str, bool]], width: int, indent: str, subsequent: str
) -> tuple[str, ...]:
    """Lines of the tokens ``found``, greedily filled, token by token."""
    lines: list[str] = []
    line, used, first = indent, columns(indent), True
    for token, space_before in found:
        token_width = columns(token)
        gap = 1 if space_before and not first else 0
        if not first and used + gap + token_width > width:
            lines.append(line.rstrip())
            line, used = subsequent + token, columns(subsequent) + token_width
            continue
        line += " " * gap + token
        used += gap + token_width
        first = False
    lines.append(line.rstrip())
    return tuple(lines)


def _fill_narrow(
    text: str, width: int, indent: str, subsequent: str, locale: str | None
) -> tuple[str, ...]:
    """:func:`_fill` of a text with one column per character and no wide one (English,
    Spanish, most alphabets), faster: its tokens are the runs between the spaces outside
    its quantities (:func:`tokens` splits such a text only there), each as wide as it is
    long, so a line ends at the last such space that fits, found by ``str.rfind`` instead
    of adding token after token. A line's first token stays on it however wide, as in
    :func:`_fill`. tests/test_linebreak.py compares the two on every text of the
    shipped project and the test corpus, in many locales."""
    breakable = _masked(text, locale)
    lines: list[str] = []
    start, prefix, room = 0, indent, width - columns(indent)
    while len(text) - start > room:  # the rest does not fit the line
        # the last break that fits (none when an indent fills the line: rfind would read
        # a negative end from the text's end)
        end = breakable.rfind(" ", start, max(start, start + room + 1))
        if end == -1:  # the line's first token is wider than the line: it stays
            end = breakable.find(" ", start)
            if end == -1:
                break
        lines.append((prefix + text[start:end]).rstrip())
        start, prefix, room = end + 1, subsequent, width - columns(subsequent)
    lines.append((prefix + text[start:]).rstrip())
    return tuple(lines)


def _masked(text: str, locale: str | None) -> str:
    """``text`` with each space inside a quantity (:func:`_glued_spans`: a character after
    it in the match) masked, offsets kept: its spaces are where a line may break."""
    if not _DIGIT.search(text):
        return text
    return quantity_pattern(locale).sub(_mask, text)


def _mask(match: re.Match[str]) -> str:
    """The quantity matched, its spaces masked but for a last one (nothing of the match
    follows it: no glue)."""
    quantity = match.group()
    return quantity[:-1].replace(" ", "\0") + quantity[-1]
