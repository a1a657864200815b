"""``handouts status``: translation progress per locale, and one locale's open work."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..catalogs.locales import catalog_path, discover_locales, parse_locale
from ..catalogs.marks import visible
from ..catalogs.pofile import load_catalog, load_template
from ..errors import LocaleError
from ..escaping import terminal
from ..model import Finding, Key
from ..source.glossary import load_glossary
from ..source.interface import handout_keys
from ..source.monographs import load_monographs
from ..source.segments import iter_segments
from .confirmed import is_quantity, void_confirmations
from .coverage import coverage, state
from .policy import load_policy
from .rules import catalog_findings
from .trust import trust_for, void_marks

MAX_HANDOUTS = 20  # unfinished handouts listed by `status LOCALE`
LEGEND = (
    "entries: catalog entries of the template (a block or an interface text), in four "
    "states; translated excludes reviewed; words: English source words translated "
    "(reviewed or not); translated, reviewed: share of the entries"
)


def progress_table(root: Path) -> str:
    """One row per locale: entries in the four states, words translated, and shares."""
    template = load_template(root)
    policy = load_policy(root)
    keys = [m.key for m in template.active()]
    rows = [
        (
            "locale",
            "untranslated",
            "fuzzy",
            "translated",
            "reviewed",
            "obsolete",
            "words",
            "translated",
            "reviewed",
        )
    ]
    for locale in discover_locales(root):
        cov = coverage(keys, load_catalog(root, locale), trust_for(policy.get(locale)))
        rows.append(
            (
                locale,
                str(cov.untranslated),
                str(cov.fuzzy),
                str(cov.translated),
                str(cov.reviewed),
                str(cov.obsolete),
                f"{cov.done_words}/{cov.total_words}",
                f"{cov.percent:.1f}%",
                f"{cov.percent_reviewed:.1f}%",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    if len(rows) == 1:
        lines.append("(no catalogs: create one with `handouts init LOCALE`)")
    else:
        lines.append(f"({LEGEND})")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class OpenItem:
    """One thing left for a translator: an entry to translate, review or fix."""

    line: int | None
    status: str  # untranslated | fuzzy | error | warning | review void
    place: str
    detail: str
    drugs: tuple[str, ...] = ()  # the handouts that show it


def segment_places(
    root: Path, drugs: dict[Key, list[str]] | None = None
) -> tuple[dict[Key, list[str]], set[Key]]:
    """Where each template key is used ('drug, section (kind)'), and the safety keys;
    ``drugs`` (when given) gets the drug ids of each key."""
    places: dict[Key, list[str]] = {}
    safety: set[Key] = set()
    for monograph in load_monographs(root):
        for segment in iter_segments(monograph):
            where = (
                f"{segment.drug}, section {segment.section}" if segment.section else segment.drug
            )
            label = f"{where} ({segment.kind}{', safety-critical' if segment.safety else ''})"
            places.setdefault(segment.key, []).append(label)
            if drugs is not None:
                drugs.setdefault(segment.key, []).append(segment.drug)
            if segment.safety:
                safety.add(segment.key)
    return places, safety


def open_items(root: Path, locale: str) -> list[OpenItem]:
    """Untranslated, fuzzy and failing entries of ``locale``, in catalog order."""
    template = load_template(root)
    catalog = load_catalog(root, locale)
    lookup = catalog.lookup()
    trust = trust_for(load_policy(root).get(locale))
    drugs: dict[Key, list[str]] = {}
    places, safety = segment_places(root, drugs)
    findings = catalog_findings(locale, catalog, load_glossary(root), safety, trust.reviewers)
    by_line: dict[int, list[Finding]] = {}
    for finding in findings:
        by_line.setdefault(finding.where.line if finding.where else 0, []).append(finding)
    items = []
    for entry in template.active():
        message = lookup.get(entry.key)
        place = "; ".join(places.get(entry.key, [])) or "interface text"
        status = state(message, trust)
        line = message.text_line if message else None
        shown = tuple(dict.fromkeys(drugs.get(entry.key, ())))
        if status in ("untranslated", "fuzzy"):
            detail = entry.msgid if len(entry.msgid) <= 70 else entry.msgid[:69] + "…"
            items.append(OpenItem(line, status, place, detail, shown))
        for comment in void_marks(message, trust) if message else ():
            items.append(
                OpenItem(
                    line,
                    "review void",
                    place,
                    f"a review mark that does not count (edited since, "
                    f"malformed, or an unlisted reviewer): {visible(comment)}",
                    shown,
                )
            )
        found = by_line.get(line or -1, [])
        quantity = [f for f in found if is_quantity(f)]
        for comment in (
            void_confirmations(message, quantity, trust.reviewers)
            if message and message.comments
            else ()
        ):
            items.append(
                OpenItem(
                    line,
                    "confirmation void",
                    place,
                    f"a confirmation that does not count (edited since, "
                    f"findings changed, malformed, or an unlisted reviewer): "
                    f"{visible(comment)}",
                    shown,
                )
            )
        for finding in found:
            status = "confirmed" if finding.confirmed else finding.severity
            items.append(
                OpenItem(line, status, place, f"[{finding.check}] {finding.message}", shown)
            )
    return sorted(items, key=lambda item: (item.line is None, item.line or 0))


MAX_LINKS = 3  # handout links per entry (a shared paragraph is in many)


def open_work(root: Path, locale: str, url: str | None = None) -> str:
    """What is left for a translator of ``locale``: untranslated, fuzzy, failing entries;
    with the ``url`` of a preview server, the handouts that show each one."""
    parse_locale(locale)
    if locale not in discover_locales(root):
        raise LocaleError(
            f"no catalog for locale '{locale}' (create it with `handouts init {locale}`)"
        )
    path = catalog_path(root, locale).relative_to(root).as_posix()
    lines = []
    items = open_items(root, locale)
    for item in items:
        where = f"{path}:{item.line}" if item.line else f"{path}: (missing: run `handouts update`)"
        # every text from a catalog or a monograph is escaped (a comment may hold ESC)
        lines.append(f"{where}: {item.status}: {terminal(item.place)}\n    {terminal(item.detail)}")
        if url and item.drugs:
            links = [f"{url.rstrip('/')}/{locale}/{drug}.html" for drug in item.drugs]
            more = len(links) - MAX_LINKS
            lines.append(
                "    see: "
                + " ".join(links[:MAX_LINKS])
                + (f" (and {more} more)" if more > 0 else "")
            )
    catalog = load_catalog(root, locale)
    trust = trust_for(load_policy(root).get(locale))
    cov = coverage([m.key for m in load_template(root).active()], catalog, trust)
    errors = sum(item.status == "error" for item in items)
    warnings = sum(item.status == "warning" for item in items)
    confirmed = sum(item.status == "confirmed" for item in items)
    unfinished = []
    monographs = load_monographs(root)
    for monograph in monographs:
        handout = coverage(handout_keys(monograph), catalog, trust)
        if handout.left:
            unfinished.append(
                f"{monograph.id}: {handout.left} of the handout's {handout.total} "
                f"texts left ({handout.untranslated} untranslated, "
                f"{handout.fuzzy} fuzzy); {handout.translated} translated, "
                f"{handout.reviewed} reviewed"
            )
    lines += unfinished[:MAX_HANDOUTS]
    if len(unfinished) > MAX_HANDOUTS:
        lines.append(f"... and {len(unfinished) - MAX_HANDOUTS} more handouts with texts left")
    lines.append(
        f"{len(monographs) - len(unfinished)} of {len(monographs)} handouts have "
        "every text translated"
    )
    lines.append(
        f"{locale}: {cov.left} of {cov.total} entries left ({cov.untranslated} "
        f"untranslated, {cov.fuzzy} fuzzy); {cov.translated} translated, "
        f"{cov.reviewed} reviewed ({cov.percent:.1f}% of the entries translated, "
        f"{cov.percent_reviewed:.1f}% reviewed); {errors} error(s), "
        f"{warnings} warning(s)"
        + (f", {confirmed} confirmed quantity finding(s)" if confirmed else "")
    )
    return "\n".join(lines) + "\n"


def status_report(root: Path, locale: str | None = None, url: str | None = None) -> str:
    return open_work(root, locale, url) if locale else progress_table(root)
