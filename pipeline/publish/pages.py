"""The pages a build makes of its manifest entries: the clinic index, the drafts page,
one page per language, and ``report.json``."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .. import __version__
from .clinic import language_page_names, language_pages, render_index
from .fingerprints import tool_versions
from .formats import DRAFTS
from .listing import Listing, render_drafts
from .manifest import Entry

REPORT = "report.json"
PAGES = (REPORT, "index.html", f"{DRAFTS}/index.html")


def listing(entry: Entry) -> Listing:
    """An entry as the index pages list it."""
    return Listing(
        entry.locale,
        entry.drug,
        entry.title,
        entry.status,
        entry.html,
        entry.text,
        entry.reviewed,
        float(entry.coverage["percent"]),
        int(entry.missing),
        int(entry.blocking_findings),
        entry.coverage,
        tuple(entry.findings),
        entry.edition,
        entry.review,
        tuple(entry.files),
        tuple((name, pdf["html"], pdf["paper"]) for name, pdf in sorted(entry.pdf.items())),
        tuple(entry.brands),
        entry.source_gap,
    )


def report(entries: Iterable[Entry]) -> dict[str, Any]:
    """``report.json``: every handout's status, files, coverage and findings."""
    locales: dict[str, dict[str, Any]] = {}
    for entry in sorted(entries, key=lambda e: (e.locale, e.drug)):
        locales.setdefault(entry.locale, {})[entry.drug] = {
            "status": entry.status,
            "html": entry.html,
            "text": entry.text,
            "editions": entry.owned_files(),
            "pdf_skipped": dict(entry.pdf_skipped),
            "coverage": dict(entry.coverage),
            "blocking_findings": entry.blocking_findings,
            "findings": [dict(f) for f in entry.findings],
            "review": dict(entry.review) if entry.review is not None else None,
            "confirmed_findings": [dict(f) for f in entry.confirmed_findings],
            "edition": dict(entry.edition) if entry.edition is not None else None,
        }
    return {"generator": f"handouts {__version__}", "tools": tool_versions(), "locales": locales}


def render_pages(entries: Mapping[str, Entry]) -> dict[str, bytes]:
    """Every page of ``entries``, by output name."""
    listings = [listing(entry) for entry in entries.values()]
    text = json.dumps(report(entries.values()), ensure_ascii=False, indent=2, sort_keys=True)
    pages = {
        "index.html": render_index(listings).encode("utf-8"),
        f"{DRAFTS}/index.html": render_drafts(listings).encode("utf-8"),
        REPORT: (text + "\n").encode("utf-8"),
    }
    pages.update({name: page.encode("utf-8") for name, page in language_pages(listings).items()})
    return pages


def page_names(entries: Mapping[str, Entry]) -> list[str]:
    """The pages ``entries`` give: the index, the drafts page, the report, and one page
    per language with a handout to show."""
    return [*PAGES, *language_page_names(listing(entry) for entry in entries.values())]


def pages_unchanged(old: Mapping[str, Entry], new: Mapping[str, Entry]) -> bool:
    """Whether the index pages and the report of ``new`` entries are those of ``old``."""
    return old.keys() == new.keys() and all(entry.shows_as(old[key]) for key, entry in new.items())


def files_present(output: Path, entries: Mapping[str, Entry]) -> bool:
    """Whether every page and every file of ``entries`` is in ``output``."""
    names = [*PAGES, *(name for entry in entries.values() for name in entry.owned_files())]
    return all((output / name).is_file() for name in names)


def has_files(entry: Entry, present: set[str]) -> bool:
    """Whether every file of ``entry`` is among ``present``."""
    return all(name in present for name in entry.owned_files())
