"""Judging review marks, and ``handouts review``: marking entries reviewed.

A mark counts (the entry is *reviewed*) when it is well formed, its digest is the
digest of the entry as it is now, the entry is translated (not fuzzy), and the locale's
policy trusts its reviewer (``reviewers`` in ``handouts.yaml``; any name when the
policy lists none). The mark format itself is :mod:`pipeline.catalogs.review`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..catalogs.locales import (
    catalog_file,
    catalog_path,
    catalogs_lock,
    discover_locales,
    parse_locale,
)
from ..catalogs.pofile import Catalog, read_catalog
from ..catalogs.review import (
    Mark,
    MarkEdit,
    date_problem,
    format_mark,
    mark_lines,
    mark_problem,
    marks_of,
    normal_reviewer,
    reviewer_problem,
    today,
    write_marks,
)
from ..errors import CatalogError, HandoutError, LocaleError
from ..model import Finding, Key, Message
from ..source.glossary import load_glossary
from ..source.interface import handout_keys
from ..source.monographs import load_monographs
from ..source.segments import iter_segments
from .policy import LocalePolicy, load_policy
from .rules import catalog_findings


@dataclass(frozen=True)
class Trust:
    """Which review marks count in one locale."""

    reviewers: frozenset[str] | None = None  # None: every well-formed mark's reviewer

    def trusts(self, reviewer: str) -> bool:
        return self.reviewers is None or normal_reviewer(reviewer) in self.reviewers

    def marks(self, message: Message | None) -> list[Mark]:
        """The marks that make ``message`` reviewed (none unless it is translated)."""
        if message is None or not message.comments or not message.translated:
            return []
        return [
            mark
            for mark in marks_of(message)[0]
            if self.trusts(mark.reviewer) and mark.covers(message) and mark_problem(mark) is None
        ]

    def reviewed(self, message: Message | None) -> bool:
        return bool(self.marks(message))


NO_TRUST = Trust(frozenset())  # counts no mark


def trust_for(policy: LocalePolicy) -> Trust:
    return Trust(None if policy.reviewers is None else frozenset(policy.reviewers))


def void_marks(message: Message, trust: Trust) -> list[str]:
    """Mark comments of ``message`` that do not count: malformed, voided by an edit,
    by an untrusted reviewer, or on an entry that is not translated."""
    counted = {mark.comment for mark in trust.marks(message)}
    marks, malformed = marks_of(message)
    return malformed + [mark.comment for mark in marks if mark.comment not in counted]


# --- handouts review ---------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """What ``review`` did with one entry."""

    line: int
    msgid: str
    outcome: str  # "marked" | "already reviewed" | "refused"
    reason: str = ""


@dataclass
class ReviewResult:
    locale: str
    path: str
    reviewer: str
    date: dt.date
    decisions: list[Decision] = field(default_factory=list)
    removed: int = 0  # void marks removed from the entries marked
    written: bool = False

    def having(self, outcome: str) -> list[Decision]:
        return [d for d in self.decisions if d.outcome == outcome]

    @property
    def exit_code(self) -> int:
        return 1 if self.having("refused") else 0


def entry_at(catalog: Catalog, line: int) -> Message:
    """The active entry whose lines include ``line`` (from its first line to the next)."""
    active = sorted((m for m in catalog.messages), key=lambda m: m.line)
    for index, message in enumerate(active):
        end = active[index + 1].line if index + 1 < len(active) else float("inf")
        if message.line <= line < end:
            if message.obsolete:
                raise CatalogError(
                    "this entry is obsolete (#~): nothing to review", catalog.path, line
                )
            return message
    raise CatalogError("no entry at this line (the header, or past the end)", catalog.path, line)


def chosen_entries(
    catalog: Catalog, root: Path, drugs: Sequence[str], lines: Sequence[int]
) -> list[Message]:
    """The entries named by ``--drug`` (every text its handout shows) and ``--line``."""
    lookup = catalog.lookup()
    wanted: dict[Key, Message] = {}
    if drugs:
        by_id = {m.id: m for m in load_monographs(root)}
        for drug in drugs:
            if drug not in by_id:
                shown = ", ".join(sorted(by_id)[:10])
                raise HandoutError(f"unknown drug '{drug}' (available: {shown})")
            for key in handout_keys(by_id[drug]):
                if key not in lookup:
                    raise CatalogError(
                        f"the catalog lacks an entry of {drug}'s handout: run `handouts update`",
                        catalog.path,
                    )
                wanted.setdefault(key, lookup[key])
    for line in lines:
        message = entry_at(catalog, line)
        wanted.setdefault(message.key, message)
    return sorted(wanted.values(), key=lambda m: m.line)


def _refusal(message: Message, errors: dict[int, list[Finding]]) -> str | None:
    if message.fuzzy and message.has_translation:
        return "fuzzy: the source changed since it was translated"
    if not message.translated:
        return "untranslated"
    found = errors.get(message.text_line)
    if found:
        return "; ".join(f"[{f.check}] {f.message}" for f in found)
    return None


def review(
    root: Path,
    locale: str,
    reviewer: str,
    drugs: Sequence[str] = (),
    lines: Sequence[int] = (),
    date: dt.date | None = None,
    dry_run: bool = False,
) -> ReviewResult:
    """Mark the chosen entries of ``locale`` reviewed by ``reviewer``: those translated,
    not fuzzy and free of error findings; refuse the others. Writes the catalog once,
    atomically, adding and replacing mark lines only (under the catalogs' lock, and
    only if the catalog still holds what was read)."""
    with catalogs_lock(root, shared=dry_run):
        return _review(root, locale, reviewer, drugs, lines, date, dry_run)


def _review(
    root: Path,
    locale: str,
    reviewer: str,
    drugs: Sequence[str],
    lines: Sequence[int],
    date: dt.date | None,
    dry_run: bool,
) -> ReviewResult:
    parse_locale(locale)
    if locale not in discover_locales(root):
        raise LocaleError(f"no catalog for locale '{locale}'")
    if not drugs and not lines:
        raise HandoutError("name what you reviewed: --drug ID and/or --line N")
    problem = reviewer_problem(reviewer)
    if problem:
        raise HandoutError(problem)
    name = normal_reviewer(reviewer)
    policy = load_policy(root).get(locale)
    trust = trust_for(policy)
    if not trust.trusts(name):
        listed = "; ".join(policy.reviewers or ())
        raise HandoutError(
            f"'{name}' is not a reviewer of {locale} in handouts.yaml (reviewers: {listed})",
            "handouts.yaml",
            policy.line or None,
        )
    date = date or today()
    problem = date_problem(date)
    if problem:
        raise HandoutError(problem)
    path = catalog_file(root, locale)  # (no symbolic link out of the project)
    shown = catalog_path(root, locale).relative_to(root).as_posix()
    original = path.read_bytes()
    catalog = read_catalog(path, root, locale)
    entries = chosen_entries(catalog, root, drugs, lines)
    safety = {s.key for m in load_monographs(root) for s in iter_segments(m) if s.safety}
    errors: dict[int, list[Finding]] = {}
    for finding in catalog_findings(locale, catalog, load_glossary(root), safety):
        if finding.severity == "error" and finding.where:
            errors.setdefault(finding.where.line, []).append(finding)
    result = ReviewResult(locale, shown, name, date)
    edits: dict[Key, MarkEdit] = {}
    own = Trust(frozenset({name}))
    for message in entries:
        reason = _refusal(message, errors)
        if reason:
            result.decisions.append(Decision(message.text_line, message.msgid, "refused", reason))
            continue
        if own.marks(message):
            result.decisions.append(Decision(message.text_line, message.msgid, "already reviewed"))
            continue
        void = void_marks(message, Trust())  # voided by an edit, or malformed
        edits[message.key] = MarkEdit(
            message.line, (format_mark(message, date, name),), mark_lines(message, void)
        )
        result.removed += len(void)
        result.decisions.append(Decision(message.text_line, message.msgid, "marked"))
    if edits and not dry_run:
        result.written = write_marks(path, shown, original, catalog.messages, edits)
    return result
