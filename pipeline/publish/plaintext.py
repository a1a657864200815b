"""Wrapping by display width: wide (CJK) characters count two columns.

Breaks at spaces, and between wide characters (CJK text has no spaces), but
never between a number and its unit ("100.4°F", "38 °C", "48 horas", "48小时"),
never before closing or after opening punctuation. A line is longer than the
width only when it holds a single unbreakable token.
"""

from __future__ import annotations

import re
from functools import lru_cache
from unicodedata import east_asian_width

from wcwidth import wcwidth

WIDTH = 72
_JOINERS = "\u00a0\u202f"  # no-break spaces: part of a token, never a break
_NO_LINE_START = set("、。，．：；！？）」』】〉》〕〗〙〛〞・ー…‥%％°℃)]},.:;!?؟،؛»”’")
_NO_LINE_END = set("（「『【〈《〔〖〘〚〝([{«“‘")
UNITS = (
    # English (pipeline.numbers) and localized forms of the same units
    "°F",
    "°C",
    "℃",
    "℉",
    "%",
    "％",
    "mg",
    "g",
    "mcg",
    "µg",
    "mL",
    "ml",
    "L",
    "kg",
    "hours",
    "hour",
    "days",
    "day",
    "weeks",
    "week",
    "minutes",
    "minute",
    "months",
    "month",
    "grados",
    "horas",
    "hora",
    "días",
    "día",
    "semanas",
    "semana",
    "minutos",
    "minuto",
    "meses",
    "mes",
    "giờ",
    "ngày",
    "tuần",
    "phút",
    "tháng",
    "درجة",
    "درجات",
    "ساعة",
    "ساعات",
    "يوم",
    "أيام",
    "يومًا",
    "أسبوع",
    "أسابيع",
    "دقيقة",
    "دقائق",
    "شهر",
    "أشهر",
    "小时",
    "小時",
    "天",
    "日",
    "周",
    "週",
    "星期",
    "分钟",
    "分鐘",
    "个月",
    "個月",
    "月",
    "毫克",
    "克",
    "毫升",
    "升",
    "公斤",
)


def _unit_pattern(unit: str) -> str:
    """A unit ending in a letter must end a word ("g" in "3 g", not in "3 good")."""
    letter_end = unit[-1].isalnum() and east_asian_width(unit[-1]) not in "WF"
    return re.escape(unit) + (r"(?!\w)" if letter_end else "")


_UNIT = "|".join(_unit_pattern(u) for u in sorted(UNITS, key=len, reverse=True))
_QUANTITY = re.compile(rf"\d(?:[\d.,\u066b\u066c]*\d)?(?:[ {_JOINERS}]?(?:{_UNIT}))?")
_WHITESPACE = re.compile(r"[ \t\r\n]+")
_DIGIT = re.compile(r"\d")
# East Asian Wide and Fullwidth blocks: where spaceless text may break between characters
_WIDE_CHAR = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf"
    "\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f"
    "\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)
_char_widths: dict[str, int] = {}
_word_widths: dict[str, int] = {}


def width(text: str) -> int:
    """Display columns of ``text`` (wide characters 2, combining marks 0)."""
    if text.isascii():
        return len(text)
    known = _word_widths.get(text)
    if known is not None:
        return known
    total = 0
    for char in text:
        w = _char_widths.get(char)
        if w is None:
            w = _char_widths[char] = max(wcwidth(char), 0)
        total += w
    if len(_word_widths) > 200_000:
        _word_widths.clear()
    _word_widths[text] = total
    return total


def _wide(char: str) -> bool:
    return not char.isascii() and width(char) == 2


def _tokens(text: str) -> list[tuple[str, bool]]:
    """(token, space_before) pairs: the units between which a line may break."""
    glued = _glued_spans(text)
    if not glued and not _WIDE_CHAR.search(text):  # the usual case: break at spaces only
        return [(word, True) for word in text.split(" ") if word]
    tokens: list[tuple[str, bool]] = []
    offset = 0
    for word in text.split(" "):
        if word:
            for index, token in enumerate(_split_wide(word, offset, glued)):
                if index == 0 and offset in glued and tokens:  # "48 horas": one token
                    tokens[-1] = (tokens[-1][0] + " " + token, tokens[-1][1])
                else:
                    tokens.append((token, index == 0))
        offset += len(word) + 1
    return tokens


def _glued_spans(text: str) -> set[int]:
    """Offsets of characters that must stay on the line of the character before."""
    inside: set[int] = set()
    if not _DIGIT.search(text):
        return inside
    for match in _QUANTITY.finditer(text):
        inside.update(range(match.start() + 1, match.end()))
    return inside


def _split_wide(piece: str, offset: int, glued: set[int]) -> list[str]:
    """Split a spaceless run between wide characters (kinsoku and quantities respected)."""
    if piece.isascii() or not _WIDE_CHAR.search(piece):
        return [piece]
    parts = [piece[0]]
    for index in range(1, len(piece)):
        char, before = piece[index], piece[index - 1]
        breakable = (
            (_wide(char) or _wide(before))
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
    text: str, columns: int = WIDTH, indent: str = "", subsequent: str | None = None
) -> tuple[str, ...]:
    """Lines of ``text`` filling ``columns`` display columns, with the given indents."""
    subsequent = indent if subsequent is None else subsequent
    lines: list[str] = []
    line, used, first = indent, width(indent), True
    for token, space_before in _tokens(_WHITESPACE.sub(" ", text).strip()):
        token_width = width(token)
        gap = 1 if space_before and not first else 0
        if not first and used + gap + token_width > columns:
            lines.append(line.rstrip())
            line, used = subsequent + token, width(subsequent) + token_width
            continue
        line += " " * gap + token
        used += gap + token_width
        first = False
    lines.append(line.rstrip())
    return tuple(lines)


def underline(heading: str, char: str, columns: int = WIDTH) -> str:
    """A rule under ``heading`` as wide as its longest line."""
    return char * min(columns, max(width(line) for line in heading.split("\n")))
