"""XLIFF exchange with the checks: an export carries the glossary's rules and marks
approved only what a counting review mark covers; an import is checked exactly as a
saved ``.po`` is (the gate's entry checks on every unit: a text with an error lands
fuzzy), and every run reports the findings of every entry the file carries, so an
agency's file is judged like a translator's, however often it is imported."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..catalogs.extract import safety_keys
from ..catalogs.pofile import load_catalog, load_template
from ..catalogs.xliff import export_xliff
from ..catalogs.xliffimport import ImportResult, Vet, import_xliff
from ..model import Finding, Key, Message
from ..source.glossary import Glossary, load_glossary
from ..text.normalize import nfc
from .policy import load_policy
from .registry import EntryContext
from .rules import catalog_findings, entry_findings
from .trust import trust_for


def export_locale(root: Path, locale: str) -> bytes:
    """``locale``'s catalog as XLIFF 1.2, with safety marks and glossary hints;
    ``approved="yes"`` only where a review mark the policy counts covers the entry."""
    template = load_template(root)
    trust = trust_for(load_policy(root).get(locale))
    return export_xliff(root, locale, load_glossary(root), safety_keys(template), trust.reviewed)


def gate_vet(glossary: Glossary, safety: set[Key]) -> Vet:
    """The gate's entry checks on a proposed entry of a locale, every form of it."""

    def vet(locale: str, message: Message) -> list[Finding]:
        findings: list[Finding] = []
        for index, text in enumerate(message.texts):
            source = (
                message.msgid_plural
                if message.msgid_plural is not None and index
                else message.msgid
            )
            entry = EntryContext(
                locale, message, nfc(source), nfc(text), message.key in safety, glossary
            )
            findings += entry_findings(entry, None)
        return findings

    return vet


def import_checked(
    root: Path, path: Path, locale: str | None = None, *, overwrite_reviewed: bool = False
) -> tuple[ImportResult, list[Finding]]:
    """Import ``path``; the findings of the checks on every entry the file carries (a
    fuzzy one too: it holds the file's text), as the catalog now has them."""
    template = load_template(root)
    glossary = load_glossary(root)
    safety = set(safety_keys(template))
    result = import_xliff(
        root, path, locale, overwrite_reviewed=overwrite_reviewed, vet=gate_vet(glossary, safety)
    )
    if not result.carried:
        return result, []
    catalog = load_catalog(root, result.locale)
    wanted = set(result.carried)
    subset = replace(
        catalog,
        messages=tuple(replace(m, fuzzy=False) for m in catalog.active() if m.key in wanted),
    )
    return result, catalog_findings(result.locale, subset, glossary, safety)
