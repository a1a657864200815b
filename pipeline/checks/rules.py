"""The gate's checks run on a catalog or on one text: :data:`REGISTRY` (every check, in
the order the reports list them), :func:`check_text` (the API), :func:`catalog_findings`.

The checks are written in groups of one kind (:mod:`.ruleset`); the annotation checks
(review marks, allow flags) are here because the allow-flag check reads the registry.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..catalogs.confirmations import confirmation_fact_problems
from ..catalogs.marks import fact_problems
from ..catalogs.pofile import Catalog
from ..model import Finding, Key, Message, Where
from ..source.glossary import Glossary
from ..text.normalize import nfc
from .confirmed import apply_confirmations
from .registry import (
    ALLOW_FLAG,
    UNSILENCEABLE,
    Check,
    EntryContext,
    Group,
    registry_of,
    silenced,
)
from .ruleset import characters, content, form, length, wholecatalog

ANNOTATIONS = Group()  # what a translator's comments and flags state


@ANNOTATIONS.check("review-mark", "warning")
def check_review_mark(entry: EntryContext) -> list[str]:
    """Review marks state a valid date and reviewer (one that does not is not counted)."""
    if not entry.message.comments:
        return []
    return fact_problems(entry.message) + confirmation_fact_problems(entry.message)


@ANNOTATIONS.check("allow-flag", "warning")
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


REGISTRY: dict[str, Check] = registry_of(  # the reports' order (JSON, JUnit)
    characters.RULES, content.RULES, form.RULES, length.RULES, ANNOTATIONS, wholecatalog.RULES
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
        if item.scope != "entry" or (flags and silenced(item, entry.message)):
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
    *,
    errors_only: bool = False,
) -> list[Finding]:
    """Findings of every check for every translated entry of ``catalog``, in line order;
    the quantity errors that one of ``confirmers`` (the locale's listed reviewers)
    confirmed are warnings that say so (:mod:`.confirmed`).

    ``errors_only``: only the checks of severity error run, so only the error findings
    (and the confirmed ones, which were errors) are found, the same as the full run's:
    what publication depends on, all a build reads (a warning check finds no error, and
    confirming reads only the quantity errors)."""
    checks = [item for item in REGISTRY.values() if item.severity == "error" or not errors_only]
    contexts = list(entry_contexts(locale, catalog, glossary, safety_keys))
    findings = []
    entry_checks = [item for item in checks if item.scope == "entry"]
    for entry in contexts:
        findings.extend(
            entry_findings(entry, Where(catalog.path, entry.message.text_line), entry_checks)
        )
    for item in checks:
        if item.scope == "header":
            findings += [
                Finding(item.id, item.severity, text, Where(catalog.path, 1), locale)
                for text in item.function(locale, catalog)
            ]
        if item.scope != "catalog":
            continue
        for entry, text in item.function(contexts):
            if not silenced(item, entry.message):
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
