"""``handouts review-sheet``: what a reviewer reads before ``handouts review``.

For one locale and one drug: every text of the handout, block by block in reading
order and then its interface texts, the English beside the translation, with each
text's state (the four of :func:`~pipeline.checks.coverage.state`, and whether an error
holds it back), its findings, its review marks and its catalog line. One HTML page,
self-contained like the handouts (inline CSS, no script, a restrictive CSP).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..catalogs.locales import catalog_path, discover_locales, parse_locale
from ..catalogs.marks import marks_of, visible
from ..catalogs.pofile import load_catalog
from ..checks.coverage import state as entry_state
from ..checks.policy import load_policy
from ..checks.rules import catalog_findings
from ..checks.trust import trust_for, void_marks
from ..errors import HandoutError, LocaleError
from ..model import Finding, Key
from ..source.glossary import load_glossary
from ..source.interface import handout_keys
from ..source.monographs import load_monographs
from ..source.segments import iter_segments
from .render import locale_info, render_page


@dataclass(frozen=True)
class SheetRow:
    number: int
    place: str  # section and kind, or "interface text"
    safety: bool
    english: tuple[str, ...]  # msgid (and msgid_plural)
    translation: tuple[str, ...]  # msgstr (or each plural form); () when there is none
    state: str  # untranslated | fuzzy | translated | reviewed
    held_back: bool  # an error finding blocks it
    findings: tuple[Finding, ...]
    marks: tuple[str, ...]  # "Name, credential, date" of the marks that count
    void: tuple[str, ...]  # marks that do not count
    line: int  # the catalog line of the translation; 0 when the catalog lacks the entry


def sheet_rows(root: Path, locale: str, drug: str) -> list[SheetRow]:
    """The rows of the review sheet of ``drug`` in ``locale``."""
    parse_locale(locale)
    if locale not in discover_locales(root):
        raise LocaleError(f"no catalog for locale '{locale}'")
    monographs = {m.id: m for m in load_monographs(root)}
    if drug not in monographs:
        raise HandoutError(
            f"unknown drug '{drug}' (available: {', '.join(sorted(monographs)[:10])})"
        )
    monograph = monographs[drug]
    catalog = load_catalog(root, locale)
    lookup = catalog.lookup()
    trust = trust_for(load_policy(root).get(locale))
    safety = {s.key for m in monographs.values() for s in iter_segments(m) if s.safety}
    by_line: dict[int, list[Finding]] = {}
    for finding in catalog_findings(locale, catalog, load_glossary(root), safety, trust.reviewers):
        by_line.setdefault(finding.where.line if finding.where else 0, []).append(finding)
    places: dict[Key, tuple[str, bool]] = {}
    for segment in iter_segments(monograph):
        where = f"section {segment.section}, {segment.kind}" if segment.section else segment.kind
        places.setdefault(segment.key, (where, segment.safety))
    rows = []
    for number, key in enumerate(handout_keys(monograph), 1):
        message = lookup.get(key)
        place, is_safety = places.get(key, ("interface text", False))
        findings = tuple(by_line.get(message.text_line, ())) if message else ()
        english = (
            (key[1],)
            if message is None or message.msgid_plural is None
            else (message.msgid, message.msgid_plural)
        )
        translation = tuple(t for t in message.texts) if message and message.has_translation else ()
        counted = trust.marks(message)
        rows.append(
            SheetRow(
                number,
                place,
                is_safety,
                english,
                translation,
                entry_state(message, trust),
                any(f.severity == "error" for f in findings),
                findings,
                tuple(f"{m.reviewer}, {m.date.isoformat()}" for m in counted),
                tuple(map(visible, void_marks(message, trust))) if message else (),
                message.text_line if message else 0,
            )
        )
    return rows


def render_review_sheet(root: Path, locale: str, drug: str) -> str:
    """The review sheet as one self-contained HTML page."""
    rows = sheet_rows(root, locale, drug)
    monograph = next(m for m in load_monographs(root) if m.id == drug)
    counts = {
        name: sum(r.state == name for r in rows)
        for name in ("untranslated", "fuzzy", "translated", "reviewed")
    }
    return render_page(
        "review-sheet.html",
        rows=rows,
        info=locale_info(locale),
        catalog=catalog_path(root, locale).relative_to(root).as_posix(),
        title=monograph.title.text,
        drug=drug,
        counts=counts,
        held=sum(r.held_back for r in rows),
        confirmed=sum(bool(f.confirmed) for r in rows for f in r.findings),
        policy=load_policy(root).get(locale),
        marks_seen=any(marks_of(m)[0] for m in load_catalog(root, locale).messages),
    )
