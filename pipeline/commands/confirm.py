"""``handouts confirm``: a listed reviewer confirms an entry's quantity findings.

The confirmation is written beside the entry, as a translator comment
(:mod:`pipeline.catalogs.confirmations`), under the catalogs' lock, and only if the
catalog still holds what was read (as ``handouts review`` writes marks). Refusals
(unknown line, no quantity finding there, a reviewer the locale does not list, no
reason) exit 1 with the reason and write nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..catalogs.confirmations import (
    KEYWORD,
    confirmations_of,
    confirmer_problem,
    format_confirmation,
    normal_reason,
    reason_problem,
)
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
    mark_lines,
    normal_reviewer,
    today,
    write_marks,
)
from ..catalogs.pofile import Catalog, read_catalog
from ..checks.confirmed import counting, finding_text, is_quantity
from ..checks.policy import load_policy
from ..checks.rules import catalog_findings
from ..errors import CatalogError, HandoutError, LocaleError
from ..model import Finding, Message
from ..source.glossary import load_glossary
from ..source.monographs import load_monographs
from ..source.segments import iter_segments
from .review import entry_at


class Refused(HandoutError):
    """A confirmation that cannot be given: the check fails (exit 1), nothing written."""

    exit_code = 1


@dataclass
class ConfirmResult:
    locale: str
    path: str
    line: int
    msgid: str
    reviewer: str
    date: dt.date
    reason: str
    findings: list[Finding] = field(default_factory=list)  # the quantity findings confirmed
    blocking: list[Finding] = field(default_factory=list)  # other errors, still blocking
    already: bool = False  # this reviewer's confirmation of these findings counts already
    removed: int = 0  # void confirmations of the entry removed
    written: bool = False


def confirm(
    root: Path,
    locale: str,
    line: int,
    reviewer: str,
    reason: str,
    date: dt.date | None = None,
    dry_run: bool = False,
) -> ConfirmResult:
    """Confirm the quantity findings of the entry at ``line`` of ``locale``'s catalog."""
    with catalogs_lock(root, shared=dry_run):
        return _confirm(root, locale, line, reviewer, reason, date, dry_run)


def _confirm(
    root: Path,
    locale: str,
    line: int,
    reviewer: str,
    reason: str,
    date: dt.date | None,
    dry_run: bool,
) -> ConfirmResult:
    name, why = _listed_reviewer(root, locale, reviewer, reason)
    date = date or today()
    problem = date_problem(date)
    if problem:
        raise HandoutError(problem)
    path = catalog_file(root, locale)
    shown = catalog_path(root, locale).relative_to(root).as_posix()
    original = path.read_bytes()
    catalog = read_catalog(path, root, locale)
    message = _translated_entry(catalog, line, shown)
    findings = _errors_at(root, locale, catalog, message)
    quantity = [f for f in findings if is_quantity(f)]
    if not quantity:
        raise Refused(
            "no quantity finding (numbers-units, numbers-unread) at this entry: nothing to confirm",
            shown,
            message.text_line,
        )
    result = ConfirmResult(
        locale,
        shown,
        message.text_line,
        message.msgid,
        name,
        date,
        why,
        quantity,
        [f for f in findings if not is_quantity(f)],
    )
    own = counting(message, quantity, [name])
    if own is not None and own.reviewer == name and own.reason == why:
        result.already = True
        return result
    edit = _edit(message, result)
    if not dry_run:
        result.written = write_marks(path, shown, original, catalog.messages, {message.key: edit})
    return result


def _listed_reviewer(root: Path, locale: str, reviewer: str, reason: str) -> tuple[str, str]:
    """The reviewer's name and the reason as confirmations store them, once the locale
    is valid and its policy lists the reviewer."""
    parse_locale(locale)
    if locale not in discover_locales(root):
        raise LocaleError(f"no catalog for locale '{locale}'")
    problem = confirmer_problem(reviewer) or reason_problem(reason)
    if problem:
        raise Refused(problem)
    name, why = normal_reviewer(reviewer), normal_reason(reason)
    policy = load_policy(root).get(locale)
    if not policy.reviewers:
        raise Refused(
            f"handouts.yaml lists no reviewers for {locale}: without a list no "
            f"confirmation counts (add 'reviewers:' to the locale)",
            "handouts.yaml",
        )
    listed = {normal_reviewer(item) for item in policy.reviewers}
    if name not in listed:
        raise Refused(
            f"'{name}' is not a reviewer of {locale} in handouts.yaml (reviewers: "
            f"{'; '.join(policy.reviewers)})",
            "handouts.yaml",
            policy.line or None,
        )
    return name, why


def _translated_entry(catalog: Catalog, line: int, shown: str) -> Message:
    """The translated entry at ``line`` (else refused)."""
    try:
        message = entry_at(catalog, line)
    except CatalogError as error:
        raise Refused(error.message, error.path, error.line) from None
    if not message.translated:
        raise Refused(
            "this entry is not translated (untranslated or fuzzy): nothing to confirm", shown, line
        )
    return message


def _errors_at(root: Path, locale: str, catalog: Catalog, message: Message) -> list[Finding]:
    """The error findings of ``message``'s translation."""
    safety = {s.key for m in load_monographs(root) for s in iter_segments(m) if s.safety}
    return [
        f
        for f in catalog_findings(locale, catalog, load_glossary(root), safety)
        if f.where is not None and f.where.line == message.text_line and f.severity == "error"
    ]


def _edit(message: Message, result: ConfirmResult) -> MarkEdit:
    """The confirmation added to ``message``; its void confirmations (edited since, or
    malformed) removed and counted in ``result``."""
    texts = [finding_text(f) for f in result.findings]
    found, malformed = confirmations_of(message, texts)
    void = malformed + [c.comment for c in found if not c.covers(message, texts)]
    result.removed = len(void)
    return MarkEdit(
        message.line,
        (format_confirmation(message, texts, result.date, result.reviewer, result.reason),),
        mark_lines(message, void, KEYWORD),
    )
