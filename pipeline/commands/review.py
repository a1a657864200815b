"""``handouts review``: a reviewer marks entries of a catalog reviewed.

The chosen entries (``--drug``, ``--line``) that are translated, not fuzzy and free of
error findings get a review mark (:mod:`pipeline.catalogs.marks`); the others are
refused with the reason. The catalog is written once, atomically, under the catalogs'
lock, adding and replacing mark lines only, and only if it still holds what was read.
Whose marks count is :mod:`pipeline.checks.trust`.
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
from ..catalogs.marks import (
    MarkEdit,
    date_problem,
    format_mark,
    mark_lines,
    normal_reviewer,
    reviewer_problem,
    today,
    write_marks,
)
from ..catalogs.pofile import Catalog, read_catalog
from ..checks.policy import load_policy
from ..checks.rules import catalog_findings
from ..checks.trust import Trust, trust_for, void_marks
from ..errors import CatalogError, HandoutError, LocaleError
from ..model import Finding, Key, Message
from ..source.glossary import load_glossary
from ..source.interface import handout_keys
from ..source.monographs import load_monographs
from ..source.segments import iter_segments


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
    name = _trusted_reviewer(root, locale, reviewer, drugs, lines)
    date = date or today()
    problem = date_problem(date)
    if problem:
        raise HandoutError(problem)
    path = catalog_file(root, locale)  # (no symbolic link out of the project)
    shown = catalog_path(root, locale).relative_to(root).as_posix()
    original = path.read_bytes()
    catalog = read_catalog(path, root, locale)
    entries = chosen_entries(catalog, root, drugs, lines)
    result = ReviewResult(locale, shown, name, date)
    confirmers = load_policy(root).get(locale).reviewers
    edits = _decide(result, entries, _errors(root, locale, catalog, confirmers))
    if edits and not dry_run:
        result.written = write_marks(path, shown, original, catalog.messages, edits)
    return result


def _trusted_reviewer(
    root: Path, locale: str, reviewer: str, drugs: Sequence[str], lines: Sequence[int]
) -> str:
    """The reviewer's name as marks store it, once the locale, the entries asked for and
    the reviewer are valid and the locale's policy trusts the reviewer."""
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
    if not trust_for(policy).trusts(name):
        listed = "; ".join(policy.reviewers or ())
        raise HandoutError(
            f"'{name}' is not a reviewer of {locale} in handouts.yaml (reviewers: {listed})",
            "handouts.yaml",
            policy.line or None,
        )
    return name


def _errors(
    root: Path, locale: str, catalog: Catalog, confirmers: Sequence[str] | None
) -> dict[int, list[Finding]]:
    """The error findings of ``catalog``, by line, as the gate sees them: a quantity
    finding a listed reviewer (``confirmers``) confirmed is a warning, not an error."""
    safety = {s.key for m in load_monographs(root) for s in iter_segments(m) if s.safety}
    errors: dict[int, list[Finding]] = {}
    glossary = load_glossary(root)
    for finding in catalog_findings(locale, catalog, glossary, safety, confirmers):
        if finding.severity == "error" and finding.where:
            errors.setdefault(finding.where.line, []).append(finding)
    return errors


def _decide(
    result: ReviewResult, entries: list[Message], errors: dict[int, list[Finding]]
) -> dict[Key, MarkEdit]:
    """Each entry marked, already reviewed by the reviewer, or refused (recorded in
    ``result``); the mark edits of those marked."""
    edits: dict[Key, MarkEdit] = {}
    own = Trust(frozenset({result.reviewer}))
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
            message.line,
            (format_mark(message, result.date, result.reviewer),),
            mark_lines(message, void),
        )
        result.removed += len(void)
        result.decisions.append(Decision(message.text_line, message.msgid, "marked"))
    return edits
