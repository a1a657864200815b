"""Quality checks on translated entries: small functions registered by id.

Each check receives one translated entry (:class:`EntryContext`) and returns its
messages, most often none (a list: a generator per check and entry cost about 2% of a
large check); a catalog-level check receives every translated entry of a catalog at once and
yields (entry, message) pairs. Severity is data in the registry: ``error`` blocks
publication, ``warning`` is reported. A translator silences a *warning* on one entry
with the flag ``#, handouts-allow-<check-id>`` (for example
``#, handouts-allow-doubled-word``); nothing silences an error.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from ..catalogs.confirmations import confirmation_fact_problems
from ..catalogs.locales import parse_locale
from ..catalogs.plurals import standard_rule
from ..catalogs.pofile import Catalog
from ..catalogs.review import fact_problems
from ..catalogs.reviewmarks import is_reviewed
from ..errors import LocaleError
from ..factcheck import revision_date_problem
from ..model import Finding, Key, Message, Severity, Where
from ..source.designations import introduced as introduced_designations
from ..source.glossary import Glossary
from ..source.markup import STRONG, markup_error, signature
from ..text.direction import is_rtl as script_is_rtl
from ..text.normalize import nfc
from .confirmed import apply_confirmations
from .numbers import verdict as numbers_verdict
from .periods import period_problems
from .safety import check_safety_length

ALLOW_FLAG = "handouts-allow-"
Scope = Literal["entry", "catalog", "header"]


@dataclass(frozen=True)
class EntryContext:
    """What a check may look at: the locale, the source, the translation, the entry."""

    locale: str
    message: Message
    source: str
    translation: str
    safety: bool
    glossary: Glossary


CheckFunction = Callable[[EntryContext], list[str]]
CatalogCheckFunction = Callable[[list[EntryContext]], Iterable[tuple[EntryContext, str]]]


@dataclass(frozen=True)
class Check:
    """One registered check: its id, severity, function and scope (entry or catalog)."""

    id: str
    severity: Severity
    function: Callable
    scope: Scope = "entry"

    @property
    def title(self) -> str:
        """The user-facing title: the first line of the function's docstring."""
        return (self.function.__doc__ or self.id).strip().splitlines()[0]


REGISTRY: dict[str, Check] = {}


def check(
    check_id: str, severity: Severity, scope: Scope = "entry"
) -> Callable[[Callable], Callable]:
    """Register a check under ``check_id`` with its ``severity`` (and ``scope``)."""

    def register(function: Callable) -> Callable:
        if check_id in REGISTRY:
            raise ValueError(f"check '{check_id}' registered twice")
        REGISTRY[check_id] = Check(check_id, severity, function, scope)
        return function

    return register


# --- errors: what would mislead a patient or break the handout ---------------------------------

_RAW_HTML = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_SCRIPT_URL = re.compile(r"(?:java|vb)script\s*:|data\s*:\s*text/html", re.IGNORECASE)
_EVENT_HANDLER = re.compile(r"\bon[a-z]+\s*=", re.IGNORECASE)


def _quoted(found: str, limit: int = 40) -> str:
    """What a check found, quoted for its message (shortened, one line)."""
    text = " ".join(found.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


@check("markup", "error")
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


@check("dangerous-characters", "error")
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


_NAMED = re.compile(r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
_POSITIONAL = re.compile(r"%[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")


def placeholders(text: str, python_format: bool) -> Counter[str]:
    """The ``%(name)s`` placeholders of ``text`` (and ``%s``-style ones in python-format)."""
    found = Counter(_NAMED.findall(text))
    if python_format:
        found.update(p for p in _POSITIONAL.findall(_NAMED.sub("", text)) if p != "%%")
    return found


@lru_cache(maxsize=65536)
def _source_placeholders(source: str, python_format: bool) -> Counter[str]:
    """:func:`placeholders` of a source (cached: every locale asks again; not to be
    changed in place)."""
    return placeholders(source, python_format)


def _python_format(entry: EntryContext) -> bool:
    return "python-format" in entry.message.flags


@check("placeholders", "error")
def check_placeholders(entry: EntryContext) -> list[str]:
    """Placeholders such as %(date)s kept exactly as in the source."""
    found: list[str] = []
    if "%" not in entry.source and "%" not in entry.translation:
        return found
    source = _source_placeholders(entry.source, _python_format(entry))
    translation = placeholders(entry.translation, _python_format(entry))
    if _python_format(entry) and "%" in _POSITIONAL.sub("", _NAMED.sub("", entry.translation)):
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


@check("numbers-units", "error")
def check_numbers(entry: EntryContext) -> list[str]:
    """Numbers, units and numbered names (CD19) mean the same as in the source."""
    # every text is read: a number may be spelled out ("dos comprimidos", "两次")
    source, translation = _without_placeholders(entry)
    found = list(numbers_verdict(source, translation, entry.locale).contradicted)
    if translation != source:
        found += period_problems(source, translation, entry.locale)
    return found


@check("numbers-unread", "error")
def check_numbers_unread(entry: EntryContext) -> list[str]:
    """Every quantity of the source is read in the translation (else a reviewer confirms)."""
    source, translation = _without_placeholders(entry)
    return list(numbers_verdict(source, translation, entry.locale).unread)


def _without_placeholders(entry: EntryContext) -> tuple[str, str]:
    """The source and translation with their placeholders blanked (no quantity there)."""
    source, translation = entry.source, entry.translation
    if "%" in source or "%" in translation:  # every placeholder starts with '%'
        python_format = _python_format(entry)
        for name in _source_placeholders(source, python_format) | placeholders(
            translation, python_format
        ):
            source, translation = source.replace(name, " "), translation.replace(name, " ")
    return source, translation


@check("dose-designation", "error")
def check_dose_designation(entry: EntryContext) -> list[str]:
    """No error-prone dose designation (ISMP, Joint Commission) the source does not have."""
    return introduced_designations(entry.source, entry.translation, entry.locale)


@check("glossary", "error")
def check_glossary(entry: EntryContext) -> list[str]:
    """Drug names and glossary terms kept verbatim or in their approved local form."""
    return entry.glossary.problems(entry.locale, entry.source, entry.translation)


# --- warnings: what a reviewer should look at ---------------------------------------------------


@check("whitespace", "warning")
def check_whitespace(entry: EntryContext) -> list[str]:
    """Leading and trailing whitespace and line breaks as in the source."""
    found: list[str] = []
    source, translation = entry.source, entry.translation
    lead, source_lead = translation[:1].isspace(), source[:1].isspace()
    trail, source_trail = translation[-1:].isspace(), source[-1:].isspace()
    if lead != source_lead:
        found.append(
            "starts with whitespace; the source does not"
            if lead
            else "the source starts with whitespace; the translation does not"
        )
    if trail != source_trail:
        found.append(
            "ends with whitespace; the source does not"
            if trail
            else "the source ends with whitespace; the translation does not"
        )
    breaks, source_breaks = entry.translation.count("\n"), entry.source.count("\n")
    if breaks != source_breaks:
        found.append(f"has {breaks} line break(s); the source has {source_breaks}")
    return found


_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_PUNCTUATION = re.compile(r"[^\w]+")
MIN_COPY_WORDS = 4


@check("untranslated-copy", "warning")
def check_untranslated_copy(entry: EntryContext) -> list[str]:
    """A long text is not left in English."""
    found: list[str] = []
    translation = entry.translation
    # equal normal forms begin with the case-folded first letters of both texts
    first, source_first = (text.lstrip()[:1].casefold() for text in (translation, entry.source))
    if not (first.startswith(source_first) or source_first.startswith(first)):
        return found
    source_words, source_normal = _normal_source(entry.source)
    if len(translation.split()) != source_words or _normal(translation) != source_normal:
        return found  # (casefold never adds or joins words)
    if entry.locale.split("_")[0] == "en":
        return found
    remaining = _WORD.findall(entry.glossary.without_terms(entry.source))
    if len(remaining) >= MIN_COPY_WORDS:
        found.append("is identical to the English source: translate it")
    return found


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


@lru_cache(maxsize=65536)
def _normal_source(source: str) -> tuple[int, str]:
    """A source's word count and normal form (cached: every locale asks again)."""
    return len(source.split()), _normal(source)


_DOUBLED = re.compile(r"(?<!\w)([^\W\d_]++)\s+\1(?!\w)", re.IGNORECASE)  # no backtracking


@lru_cache(maxsize=65536)
def _doubled_in_source(source: str) -> bool:
    """Whether a source text has a doubled word (cached: every locale asks again)."""
    return _DOUBLED.search(source) is not None


@check("doubled-word", "warning")
def check_doubled_word(entry: EntryContext) -> list[str]:
    """No word written twice in a row ("the the")."""
    found: list[str] = []
    # rare in a translation: the source is looked at only then
    if _DOUBLED.search(entry.translation) and not _doubled_in_source(entry.source):
        for match in _DOUBLED.finditer(entry.translation):
            found.append(f"'{match.group(0)}': the word '{match.group(1)}' is written twice")
    return found


# translation length / source length (characters) typical of each language
EXPECTED_RATIO = {
    "zh": 0.3,
    "ja": 0.4,
    "ko": 0.5,
    "ar": 0.9,
    "he": 0.85,
    "fa": 1.0,
    "ur": 1.0,
    "es": 1.2,
    "fr": 1.2,
    "pt": 1.15,
    "it": 1.15,
    "de": 1.25,
    "nl": 1.2,
    "ru": 1.1,
    "vi": 1.05,
    "ht": 1.1,
    "tl": 1.3,
    "pl": 1.15,
    "so": 1.2,
    "hi": 1.05,
    "bn": 1.0,
}
DEFAULT_RATIO = 1.1
RATIO_TOLERANCE = 2.0  # a factor either way around the typical ratio
MIN_RATIO_CHARS = 40  # shorter texts vary too much to judge


def ratio_band(locale: str) -> tuple[float, float]:
    """The acceptable translation/source length ratio for ``locale``."""
    typical = EXPECTED_RATIO.get(locale.split("_")[0], DEFAULT_RATIO)
    return typical / RATIO_TOLERANCE, typical * RATIO_TOLERANCE


LENGTH_LIMIT_FACTOR = 10  # no language needs ten times the source's length
LENGTH_LIMIT_SLACK = 200  # characters: room for short sources (headings, labels)


@check("length-limit", "error")
def check_length_limit(entry: EntryContext) -> list[str]:
    """Translation not absurdly long (a paste accident, or an attack on the handout)."""
    found: list[str] = []
    limit = LENGTH_LIMIT_FACTOR * len(entry.source) + LENGTH_LIMIT_SLACK
    if len(entry.translation) > limit:
        found.append(
            f"is {len(entry.translation):,} characters long for a source of "
            f"{len(entry.source):,} (at most {limit:,}): was something pasted by "
            "mistake?"
        )
    return found


check("safety-length", "error")(check_safety_length)  # pipeline/checks/safety.py


@check("length-ratio", "warning")
def check_length_ratio(entry: EntryContext) -> list[str]:
    """Translation length within the usual range for the language."""
    found: list[str] = []
    source, translation = entry.source, entry.translation
    if "%" in source and _python_format(entry):  # placeholders are not the language's words
        source, translation = _NAMED.sub("", source), _NAMED.sub("", translation)
    if len(source) < MIN_RATIO_CHARS:
        return found
    low, high = ratio_band(entry.locale)
    ratio = len(translation) / len(source)
    if not low <= ratio <= high:
        word = "short" if ratio < low else "long"
        found.append(
            f"is {ratio:.2f} times as long as the source; translations into this "
            f"language are usually {low:.2f}-{high:.2f} times: is something missing "
            f"or added? (too {word})"
        )
    return found


UNSILENCEABLE = frozenset({"allow-flag", "review-mark"})  # reports bogus flags; forged marks


@check("review-mark", "warning")
def check_review_mark(entry: EntryContext) -> list[str]:
    """Review marks state a valid date and reviewer (one that does not is not counted)."""
    if not entry.message.comments:
        return []
    return fact_problems(entry.message) + confirmation_fact_problems(entry.message)


@check("allow-flag", "warning")
def check_allow_flag(entry: EntryContext) -> list[str]:
    """Every handouts-allow flag names a warning check that can be silenced."""
    found: list[str] = []
    for flag in entry.message.flags:
        if not flag.lower().startswith(ALLOW_FLAG):
            continue
        if not flag.startswith(ALLOW_FLAG):
            found.append(f"flag '{flag}' has no effect: write it in lower case, '{flag.lower()}'")
            continue
        named = REGISTRY.get(flag[len(ALLOW_FLAG) :])
        if named is not None and named.id in UNSILENCEABLE:
            found.append(f"flag '{flag}' has no effect: the {named.id} check cannot be silenced")
        elif named is None:
            warnings = ", ".join(
                c.id
                for c in REGISTRY.values()
                if c.severity == "warning" and c.id not in UNSILENCEABLE
            )
            found.append(
                f"flag '{flag}' names no check (warnings that can be silenced: {warnings})"
            )
        elif named.severity == "error":
            found.append(f"flag '{flag}' has no effect: an error ({named.id}) cannot be silenced")
    return found


@check("inconsistent", "warning", scope="catalog")
def check_inconsistent(entries: list[EntryContext]) -> Iterator[tuple[EntryContext, str]]:
    """The same source text translated the same way across the catalog."""
    groups: dict[tuple[str | None, str], list[EntryContext]] = defaultdict(list)
    for entry in entries:
        if entry.message.msgid_plural is None:  # plural forms differ by design
            groups[(entry.message.msgctxt, _loose_source(entry.source))].append(entry)
    for group in groups.values():
        if len(group) < 2:
            continue
        reference = consistency_reference(group, is_reviewed)
        for entry in group:
            if entry is not reference and _loose(entry.translation) != _loose(
                reference.translation
            ):
                reviewed = " (reviewed)" if is_reviewed(reference.message) else ""
                yield (
                    entry,
                    (
                        f"'{_short(entry.source, 40)}' is translated differently at "
                        f"{_place(reference.message)}{reviewed}: "
                        f"'{_short(reference.translation)}'; here, at "
                        f"{_place(entry.message)}: '{_short(entry.translation)}'"
                    ),
                )


def consistency_reference(
    group: list[EntryContext], reviewed: Callable[[Message], bool]
) -> EntryContext:
    """The translation the others are compared with: the first reviewed one (given the
    rule for "reviewed"), else the first in catalog order."""
    return next((entry for entry in group if reviewed(entry.message)), group[0])


def _place(message: Message) -> str:
    """An entry's catalog line, with the monographs that use it when the catalog was
    read with its references."""
    drugs = dict.fromkeys(
        reference.rsplit("/", 1)[-1].split(".yaml")[0]
        for reference in message.references
        if reference.startswith("source/monographs/")
    )
    return f"line {message.text_line}" + (f" ({', '.join(drugs)})" if drugs else "")


def _loose(text: str) -> str:
    return _PUNCTUATION.sub(" ", text.casefold()).strip()


_loose_source = lru_cache(maxsize=65536)(_loose)  # the same sources in every locale


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@check("plural-forms", "warning", scope="header")
def check_plural_forms(locale: str, catalog: Catalog) -> Iterator[str]:
    """Plural-Forms as translators' tools write it for the language."""
    value = catalog.header.get("Plural-Forms")
    standard = standard_rule(locale)
    if value is None or standard is None or catalog.plural_rule.same_as(standard):
        return
    yield (
        f"Plural-Forms '{value}' is not the standard rule for {locale} "
        f"('{standard.header}'): its forms mean other numbers than Weblate's, Poedit's "
        f"and msginit's; run `handouts migrate-plurals {locale}` to remap them"
    )


@check("revision-date", "warning", scope="header")
def check_revision_date(locale: str, catalog: Catalog) -> Iterator[str]:
    """PO-Revision-Date is a real moment, not in the future (else no translation date)."""
    problem = revision_date_problem(catalog.header.get("PO-Revision-Date", ""))
    if problem:
        yield (
            f"PO-Revision-Date: {problem}; the handouts print no translation date (a "
            "dash) until a translator's tool saves the catalog again"
        )


# --- running --------------------------------------------------------------------------------------


def _silenced(item: Check, message: Message) -> bool:
    """Only a warning can be silenced, and only by its own flag on the entry; the check
    that reports bogus allow flags cannot be."""
    return (
        item.severity == "warning"
        and item.id not in UNSILENCEABLE
        and f"{ALLOW_FLAG}{item.id}" in message.flags
    )


def _finding(item: Check, text: str, entry: EntryContext, path: str) -> Finding:
    return Finding(item.id, item.severity, text, Where(path, entry.message.text_line), entry.locale)


def entry_findings(
    entry: EntryContext, where: Where | None, checks: Iterable[Check] | None = None
) -> list[Finding]:
    """Run the registered entry checks on one translated entry."""
    findings = []
    flags = entry.message.flags  # no flags: nothing silenced
    for item in checks or REGISTRY.values():
        if item.scope != "entry" or (flags and _silenced(item, entry.message)):
            continue
        found = item.function(entry)  # most checks find nothing
        if found:
            findings += [
                Finding(item.id, item.severity, message, where, entry.locale)
                for message in dict.fromkeys(found)
            ]
    return findings


def check_text(
    source: str,
    translation: str,
    locale: str,
    *,
    glossary: Glossary | None = None,
    flags: Iterable[str] = (),
    context: str | None = None,
) -> list[Finding]:
    """Every entry check of the gate on one source/translation pair, as ``handouts check``
    runs them (numbers-units, glossary, markup, placeholders...): the stable API for
    editors' integrations and tests. No file is read; findings carry no ``where``.

    ``glossary`` defaults to an empty one (pass :func:`~pipeline.source.glossary.load_glossary`'s
    to check drug names); ``flags`` are the entry's flags (``python-format``, a
    ``handouts-allow-<check>`` that silences a warning); ``context`` its msgctxt. The
    catalog-wide check ``inconsistent`` needs a whole catalog and is not run here."""
    message = Message(msgid=source, msgstr=translation, msgctxt=context, flags=tuple(flags))
    entry = EntryContext(locale, message, source, translation, False, glossary or Glossary())
    return entry_findings(entry, None)


def entry_contexts(
    locale: str, catalog: Catalog, glossary: Glossary, safety_keys: set[Key]
) -> Iterator[EntryContext]:
    """One context per translated text (one per plural form) of ``catalog``."""
    for message in catalog.active():
        if not message.translated:
            continue
        safety = message.key in safety_keys
        for index, text in enumerate(message.texts):
            source = (
                message.msgid_plural
                if message.msgid_plural is not None and index
                else message.msgid
            )
            yield EntryContext(locale, message, nfc(source), nfc(text), safety, glossary)


def catalog_findings(
    locale: str,
    catalog: Catalog,
    glossary: Glossary,
    safety_keys: set[Key],
    confirmers: Iterable[str] | None = None,
) -> list[Finding]:
    """Findings of every check for every translated entry of ``catalog``, in line order;
    the quantity errors that one of ``confirmers`` (the locale's listed reviewers)
    confirmed are warnings that say so (:mod:`.confirmed`)."""
    contexts = list(entry_contexts(locale, catalog, glossary, safety_keys))
    findings = []
    entry_checks = [item for item in REGISTRY.values() if item.scope == "entry"]
    for entry in contexts:
        findings.extend(
            entry_findings(entry, Where(catalog.path, entry.message.text_line), entry_checks)
        )
    for item in REGISTRY.values():
        if item.scope == "header":
            findings += [
                Finding(item.id, item.severity, text, Where(catalog.path, 1), locale)
                for text in item.function(locale, catalog)
            ]
        if item.scope != "catalog":
            continue
        for entry, text in item.function(contexts):
            if not _silenced(item, entry.message):
                findings.append(_finding(item, text, entry, catalog.path))
    findings.sort(key=lambda f: f.where.line if f.where else 0)
    findings = list(dict.fromkeys(findings))
    return apply_confirmations(findings, catalog, confirmers) if confirmers else findings


def blocked_keys(findings: Iterable[Finding], catalog: Catalog) -> set[Key]:
    """Keys of entries with an error finding (they count as not publishable)."""
    by_line = {m.text_line: m.key for m in catalog.active()}
    return {
        by_line[f.where.line]
        for f in findings
        if f.severity == "error" and f.where is not None and f.where.line in by_line
    }
