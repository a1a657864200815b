"""XLIFF exchange with the checks: an export carries the glossary's rules; an import is
checked exactly as a saved ``.po`` is (the same registered checks on every entry it
changed), so an agency's file is judged like a translator's."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..catalogs.extract import safety_keys
from ..catalogs.pofile import load_catalog, load_template
from ..catalogs.xliff import ImportResult, export_xliff, import_xliff
from ..model import Finding
from ..source.glossary import load_glossary
from .rules import catalog_findings


def export_locale(root: Path, locale: str) -> bytes:
    """``locale``'s catalog as XLIFF 1.2, with safety marks and glossary hints."""
    template = load_template(root)
    return export_xliff(root, locale, load_glossary(root), safety_keys(template))


def import_checked(root: Path, path: Path, locale: str | None = None, *,
                   overwrite_reviewed: bool = False) -> tuple[ImportResult, list[Finding]]:
    """Import ``path``; the findings of the checks on the entries it changed."""
    result = import_xliff(root, path, locale, overwrite_reviewed=overwrite_reviewed)
    if not result.imported:
        return result, []
    catalog = load_catalog(root, result.locale)
    wanted = set(result.imported)
    subset = replace(catalog, messages=tuple(m for m in catalog.active() if m.key in wanted))
    template = load_template(root)
    return result, catalog_findings(result.locale, subset, load_glossary(root),
                                    set(safety_keys(template)))
