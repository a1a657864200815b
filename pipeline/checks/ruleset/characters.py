"""Errors in what a text carries beyond its words: markup, dangerous characters,
placeholders (and the placeholder reading the other groups share)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from ...catalogs.locales import parse_locale
from ...errors import LocaleError
from ...source.markup import STRONG, markup_error, signature
from ...text.direction import is_rtl as script_is_rtl
from ..registry import EntryContext, Group

RULES = Group()

_RAW_HTML = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_SCRIPT_URL = re.compile(r"(?:java|vb)script\s*:|data\s*:\s*text/html", re.IGNORECASE)
_EVENT_HANDLER = re.compile(r"\bon[a-z]+\s*=", re.IGNORECASE)


def _quoted(found: str, limit: int = 40) -> str:
    """What a check found, quoted for its message (shortened, one line)."""
    text = " ".join(found.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


@RULES.check("markup", "error")
def check_markup(entry: EntryContext) -> list[str]:
    """Inline markup used as in the source; no raw HTML, script URLs or event handlers."""
    found: list[str] = []
    # each pattern needs its literal character ('<' or '&', ':', '='): skip it cheaply
    translation = entry.translation
    html = ("<" in translation or "&" in translation) and _RAW_HTML.search(translation)
    if html and not _RAW_HTML.search(entry.source):
        found.append(
            f"contains HTML markup or an HTML entity: {_quoted(html.group(0))}; "
            "only '**strong**' markup is allowed"
        )
    script = ":" in translation and _SCRIPT_URL.search(translation)
    if script:
        found.append(
            f"contains a script URL: {_quoted(script.group(0))} (javascript:, "
            "vbscript:, data:text/html)"
        )
    handler = "=" in translation and _EVENT_HANDLER.search(translation)
    if handler and not _EVENT_HANDLER.search(entry.source):
        found.append(f"contains what looks like an HTML event handler: {_quoted(handler.group(0))}")
    if STRONG not in translation and STRONG not in entry.source:
        return found  # no '**' on either side: well formed, both signatures 0
    problem = markup_error(entry.translation)
    if problem:
        found.append(problem)
    elif signature(entry.translation) != signature(entry.source):
        found.append(
            f"uses '**strong**' {signature(entry.translation)} time(s); "
            f"the source uses it {signature(entry.source)} time(s)"
        )
    return found


_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_ZERO_WIDTH = set("\u200b\u200c\u200d\u2060\ufeff\u00ad")
# every control (Cc), format (Cf), private-use (Co) and surrogate (Cs) character but "\n"
_SUSPECT = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ud800-\uf8ff\ufeff"
    "\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f\U000f0000-\U0010ffff]"
)


# printable, yet invisible: a blank that is not a space (a spoofing device; no handout
# needs one): combining grapheme joiner, Hangul fillers, the blank Braille pattern
_FILLERS = re.compile("[\u034f\u115f\u1160\u3164\uffa0\u2800]")
_SEPARATORS = {"\u2028": "line separator", "\u2029": "paragraph separator"}
_LINE_SEPARATORS = re.compile("[\u2028\u2029]")


@RULES.check("dangerous-characters", "error")
def check_dangerous_characters(entry: EntryContext) -> list[str]:
    """No bidirectional overrides or isolates, zero-width, invisible or control characters."""
    found: list[str] = []
    translation = entry.translation
    for match in () if translation.isascii() else _FILLERS.finditer(translation):
        char = match.group(0)
        if char not in entry.source:
            found.append(
                f"invisible filler character U+{ord(char):04X} "
                f"{unicodedata.name(char, 'unnamed')} at position {match.start() + 1}: "
                "write a space, or nothing"
            )
    if translation.isprintable():
        return found  # every suspect character is unprintable (a test proves it): none here
    for match in _LINE_SEPARATORS.finditer(translation):
        char = match.group(0)
        if char not in entry.source:
            found.append(
                f"{_SEPARATORS[char]} U+{ord(char):04X} at position {match.start() + 1}: "
                "tools and plain text show it differently; write a line break as the "
                "source does, or a space"
            )
    for match in _SUSPECT.finditer(entry.translation):
        char = match.group(0)
        if char in entry.source:
            continue
        code = f"U+{ord(char):04X}"
        name = unicodedata.name(char, "unnamed")
        where = f"at position {match.start() + 1}"
        if _allowed_in(char, entry.locale):
            continue
        if char in _BIDI_CONTROLS:
            found.append(f"bidirectional control character {code} {name} {where}")
        elif char in _ZERO_WIDTH:
            found.append(f"invisible character {code} {name} {where}")
        elif unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs"):
            found.append(f"control character {code} {name} {where}")
    return found


_BIDI_MARKS = set("\u200e\u200f\u061c")  # LRM, RLM, ALM: no overriding, no isolating
_JOINERS = set("\u200c\u200d")
# languages whose spelling uses the zero-width (non-)joiner
_JOINER_LANGUAGES = {
    "fa",
    "ps",
    "ckb",
    "ur",
    "hi",
    "mr",
    "ne",
    "bn",
    "as",
    "pa",
    "gu",
    "or",
    "ta",
    "te",
    "kn",
    "ml",
    "si",
}
ZERO_WIDTH_SPACE = "\u200b"
# languages written without spaces between words, whose writers mark word (or phrase)
# boundaries with the zero-width space, for line breaking: Khmer, Thai, Lao, Burmese
# and the languages written in its script, Tibetan and Dzongkha
_WORD_BREAK_LANGUAGES = {"km", "th", "lo", "my", "shn", "ksw", "bo", "dz"}


@lru_cache(maxsize=256)
def is_rtl(locale: str) -> bool:
    """Whether CLDR writes ``locale`` right to left, as its pages say (a script modifier
    counts: ``az@arabic`` is); an unknown locale is not."""
    try:
        return script_is_rtl(parse_locale(locale))
    except LocaleError:
        return False


def _allowed_in(char: str, locale: str) -> bool:
    """Invisible characters that are part of correct text in ``locale``."""
    if char in _BIDI_MARKS:
        return is_rtl(locale)  # direction marks fix numbers and Latin names in RTL text
    language = re.split("[_@]", locale)[0]
    if char == ZERO_WIDTH_SPACE:
        return language in _WORD_BREAK_LANGUAGES
    return char in _JOINERS and language in _JOINER_LANGUAGES


NAMED = re.compile(r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
_POSITIONAL = re.compile(r"%[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")


def placeholders(text: str, python_format: bool) -> Counter[str]:
    """The ``%(name)s`` placeholders of ``text`` (and ``%s``-style ones in python-format)."""
    found = Counter(NAMED.findall(text))
    if python_format:
        found.update(p for p in _POSITIONAL.findall(NAMED.sub("", text)) if p != "%%")
    return found


@lru_cache(maxsize=65536)
def source_placeholders(source: str, python_format: bool) -> Counter[str]:
    """:func:`placeholders` of a source (cached: every locale asks again; not to be
    changed in place)."""
    return placeholders(source, python_format)


def is_python_format(entry: EntryContext) -> bool:
    return "python-format" in entry.message.flags


@RULES.check("placeholders", "error")
def check_placeholders(entry: EntryContext) -> list[str]:
    """Placeholders such as %(date)s kept exactly as in the source."""
    found: list[str] = []
    if "%" not in entry.source and "%" not in entry.translation:
        return found
    source = source_placeholders(entry.source, is_python_format(entry))
    translation = placeholders(entry.translation, is_python_format(entry))
    if is_python_format(entry) and "%" in _POSITIONAL.sub("", NAMED.sub("", entry.translation)):
        found.append(
            "a '%' that is not a placeholder: write a literal percent sign as '%%' "
            "(msgfmt -c refuses this text)"
        )
    if translation == source:
        return found
    for name in sorted(source - translation):
        found.append(f"placeholder '{name}' of the source is missing; copy it unchanged")
    for name in sorted(translation - source):
        found.append(f"placeholder '{name}' is not in the source; the handout cannot fill it in")
    return found
