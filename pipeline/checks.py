"""Quality checks on translated entries: small functions registered by id.

Each check receives one translated entry (:class:`EntryContext`) and yields
messages; severity is data in the registry. ``error`` blocks publication,
``warning`` is reported. A translator silences a warning on one entry with the
flag ``#, handouts-allow-<check-id>``; nothing silences an error on a
safety-critical entry.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .catalogs import Catalog, Key, Message
from .glossary import Glossary
from .markup import markup_error, signature
from .model import Finding, Severity, Where

ALLOW_FLAG = "handouts-allow-"


@dataclass(frozen=True)
class EntryContext:
    """What a check may look at: the locale, the source, the translation, the entry."""

    locale: str
    message: Message
    source: str
    translation: str
    safety: bool
    glossary: Glossary


CheckFunction = Callable[[EntryContext], Iterable[str]]


@dataclass(frozen=True)
class Check:
    id: str
    severity: Severity
    function: CheckFunction

    @property
    def title(self) -> str:
        return (self.function.__doc__ or self.id).strip().splitlines()[0]


REGISTRY: dict[str, Check] = {}


def check(check_id: str, severity: Severity) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check under ``check_id`` with its ``severity``."""
    def register(function: CheckFunction) -> CheckFunction:
        if check_id in REGISTRY:
            raise ValueError(f"check '{check_id}' registered twice")
        REGISTRY[check_id] = Check(check_id, severity, function)
        return function
    return register


# --- checks ------------------------------------------------------------------------------

_RAW_HTML = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_SCRIPT_URL = re.compile(r"(?:java|vb)script\s*:|data\s*:\s*text/html", re.IGNORECASE)
_EVENT_HANDLER = re.compile(r"\bon[a-z]+\s*=", re.IGNORECASE)


@check("markup", "error")
def check_markup(entry: EntryContext) -> Iterator[str]:
    """Inline markup used as in the source; no raw HTML, script URLs or event handlers."""
    if _RAW_HTML.search(entry.translation) and not _RAW_HTML.search(entry.source):
        yield "contains HTML markup or an HTML entity; only '**strong**' markup is allowed"
    if _SCRIPT_URL.search(entry.translation):
        yield "contains a script URL (javascript:, vbscript:, data:text/html)"
    if _EVENT_HANDLER.search(entry.translation) and not _EVENT_HANDLER.search(entry.source):
        yield "contains what looks like an HTML event handler (on...=)"
    problem = markup_error(entry.translation)
    if problem:
        yield problem
    elif signature(entry.translation) != signature(entry.source):
        yield (f"uses '**strong**' {signature(entry.translation)} time(s); "
               f"the source uses it {signature(entry.source)} time(s)")


_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_ZERO_WIDTH = set("\u200b\u200c\u200d\u2060\ufeff\u00ad")


@check("dangerous-characters", "error")
def check_dangerous_characters(entry: EntryContext) -> Iterator[str]:
    """No bidirectional overrides or isolates, zero-width or control characters."""
    for index, char in enumerate(entry.translation):
        if char in entry.source:
            continue
        code = f"U+{ord(char):04X}"
        name = unicodedata.name(char, "unnamed")
        if char in _BIDI_CONTROLS:
            yield f"bidirectional control character {code} {name} at position {index + 1}"
        elif char in _ZERO_WIDTH and not (char == "\u200c" and entry.locale.startswith("fa")):
            yield f"invisible character {code} {name} at position {index + 1}"
        elif unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs") and char not in "\u200c":
            yield f"control character {code} {name} at position {index + 1}"


# --- running -----------------------------------------------------------------------------

def entry_findings(entry: EntryContext, where: Where, checks: Iterable[Check] | None = None
                   ) -> list[Finding]:
    """Run the registered checks on one translated entry."""
    findings = []
    for item in checks or REGISTRY.values():
        if item.severity == "warning" and f"{ALLOW_FLAG}{item.id}" in entry.message.flags:
            continue  # errors cannot be silenced
        for message in dict.fromkeys(item.function(entry)):
            findings.append(Finding(item.id, item.severity, message, where, entry.locale))
    return findings


def catalog_findings(locale: str, catalog: Catalog, glossary: Glossary,
                     safety_keys: set[Key]) -> list[Finding]:
    """Findings for every translated entry of ``catalog``."""
    findings = []
    for message in catalog.active():
        if not message.translated:
            continue
        where = Where(catalog.path, message.line)
        sources = (message.msgid, message.msgid_plural or message.msgid)
        for index, text in enumerate(message.texts):
            source = sources[min(index, 1)] if message.msgid_plural is not None else message.msgid
            context = EntryContext(locale, message, source, text, message.key in safety_keys,
                                   glossary)
            findings.extend(entry_findings(context, where))
    return findings


def blocked_keys(findings: Iterable[Finding], catalog: Catalog) -> set[Key]:
    """Keys of entries with an error finding (they count as not publishable)."""
    by_line = {m.line: m.key for m in catalog.active()}
    return {by_line[f.where.line] for f in findings
            if f.severity == "error" and f.where is not None and f.where.line in by_line}
