"""The index pages' view of a built handout (:class:`Listing`) and the translators'
drafts page; the clinic's index and language pages are :mod:`.clinic`."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .formats import DRAFTS
from .render import locale_info, render_page


@dataclass(frozen=True)
class Listing:
    """One built handout as the index pages list it (paths relative to the output)."""

    locale: str
    drug: str
    title: str  # the English title, for sorting and the clinic's table
    status: str  # "published" | "draft"
    html: str
    text: str
    reviewed: str | None  # ISO date
    percent: float
    missing: int
    blocking: int
    coverage: Mapping[str, Any] | None = None  # the handout's texts in each state
    findings: tuple[Mapping[str, Any], ...] = ()  # the error findings that hold it back
    edition: Mapping[str, Any] | None = None  # an earlier edition: kept or withdrawn
    review: Mapping[str, Any] | None = None  # who reviewed its texts
    files: tuple[str, ...] = ()  # every HTML and text format
    pdfs: tuple[tuple[str, str, str], ...] = ()  # (pdf, its HTML format, paper)
    brands: tuple[str, ...] = ()  # the drug's brand names, from its source
    source_gap: bool = False  # its source records a missing part


def render_drafts(listings: Iterable[Listing]) -> str:
    """The translators' page: every draft with what is left to do."""
    drafts = sorted(
        (item for item in listings if item.status == "draft"),
        key=lambda item: (item.locale, item.title.lower(), item.drug),
    )
    rows = [
        {
            "item": item,
            "info": locale_info(item.locale),
            "html": posixpath.relpath(item.html, DRAFTS),
            "text": posixpath.relpath(item.text, DRAFTS),
        }
        for item in drafts
    ]
    return render_page("drafts.html", rows=rows)
