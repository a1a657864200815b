"""``handouts status``: translation progress per locale, and one locale's open work."""

from __future__ import annotations

from pathlib import Path

from .catalogs import discover_locales, load_catalog, load_template, parse_locale
from .coverage import coverage, state
from .errors import LocaleError


def progress_table(root: Path) -> str:
    """One row per locale: entries and source words translated / fuzzy / untranslated."""
    template = load_template(root)
    keys = [m.key for m in template.active()]
    rows = [("locale", "translated", "fuzzy", "untranslated", "obsolete", "words", "done")]
    for locale in discover_locales(root):
        cov = coverage(keys, load_catalog(root, locale))
        rows.append((locale, str(cov.translated), str(cov.fuzzy), str(cov.untranslated),
                     str(cov.obsolete), f"{cov.translated_words}/{cov.total_words}",
                     f"{cov.percent:.1f}%"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) if i == 0 else cell.rjust(width)
                       for i, (cell, width) in enumerate(zip(row, widths, strict=True)))
             for row in rows]
    if len(rows) == 1:
        lines.append("(no catalogs: create one with `handouts init LOCALE`)")
    return "\n".join(lines) + "\n"


def open_work(root: Path, locale: str) -> str:
    """What is left for a translator of ``locale``: untranslated and fuzzy entries."""
    parse_locale(locale)
    if locale not in discover_locales(root):
        raise LocaleError(f"no catalog for locale '{locale}' (create it with "
                          f"`handouts init {locale}`)")
    template = load_template(root)
    catalog = load_catalog(root, locale)
    lookup = catalog.lookup()
    lines = []
    for entry in template.active():
        message = lookup.get(entry.key)
        status = state(message)
        if status == "translated":
            continue
        where = f"{catalog.path}:{message.line}" if message else f"{catalog.path}: (missing)"
        about = entry.notes[0] if entry.notes else ""
        lines.append(f"{where}: {status}: {about}\n    {entry.msgid[:70]}")
    cov = coverage([m.key for m in template.active()], catalog)
    lines.append(f"{locale}: {cov.translated}/{cov.total} translated, {cov.fuzzy} fuzzy, "
                 f"{cov.untranslated} untranslated ({cov.percent:.1f}%)")
    return "\n".join(lines) + "\n"


def status_report(root: Path, locale: str | None = None) -> str:
    return open_work(root, locale) if locale else progress_table(root)
