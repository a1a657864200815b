"""Which quantity findings a qualified reviewer confirmed (``handouts confirm``).

A quantity finding (a check id starting ``numbers-``: a contradiction the reader is
sure of, or a quantity it could not read) is an error. A confirmation beside the entry
(:mod:`pipeline.catalogs.confirmations`) makes the findings it covers non-blocking when
it is well formed, its facts are valid, its digest binds the entry's text and exactly
these findings, and its reviewer is listed in the locale's ``reviewers:`` (no list: no
confirmation counts). A confirmed finding stays visible: a warning that says who
confirmed it, when and why, with :class:`~pipeline.model.Confirmed` attached.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from ..catalogs.confirmations import (
    Confirmation,
    confirmation_problem,
    confirmations_of,
)
from ..catalogs.marks import normal_reviewer
from ..catalogs.pofile import Catalog
from ..model import Confirmed, Finding, Message

QUANTITY = "numbers-"


def is_quantity(finding: Finding) -> bool:
    """A quantity error that a reviewer may confirm (or did confirm)."""
    return finding.check.startswith(QUANTITY) and (
        finding.severity == "error" or finding.confirmed is not None
    )


def finding_text(finding: Finding) -> str:
    """What a confirmation's digest binds of a finding: ``check: message`` as found."""
    if finding.confirmed is not None:
        return finding.confirmed.finding
    return f"{finding.check}: {finding.message}"


def counting(
    message: Message, findings: Sequence[Finding], reviewers: Iterable[str] | None
) -> Confirmation | None:
    """The confirmation of ``message`` that makes ``findings`` (its quantity errors)
    non-blocking, if one counts."""
    if not reviewers or not findings or not message.comments:
        return None
    listed = {normal_reviewer(name) for name in reviewers}
    texts = [finding_text(f) for f in findings]
    for item in confirmations_of(message, texts)[0]:
        if (
            item.reviewer in listed
            and confirmation_problem(item) is None
            and item.covers(message, texts)
        ):
            return item
    return None


def void_confirmations(
    message: Message, findings: Sequence[Finding], reviewers: Iterable[str] | None
) -> list[str]:
    """The confirmation texts of ``message`` that do not count (edited since, findings
    changed, malformed, an unlisted reviewer, a refused fact)."""
    counted = counting(message, findings, reviewers)
    found, malformed = confirmations_of(message, [finding_text(f) for f in findings])
    return malformed + [c.comment for c in found if counted is None or c.comment != counted.comment]


def apply_confirmations(
    findings: list[Finding], catalog: Catalog, reviewers: Iterable[str] | None
) -> list[Finding]:
    """``findings`` with the confirmed quantity errors turned into warnings that name
    who confirmed them, when and why."""
    if not reviewers:
        return findings
    by_line: dict[int, list[Finding]] = {}
    for finding in findings:
        if is_quantity(finding) and finding.where is not None:
            by_line.setdefault(finding.where.line, []).append(finding)
    if not by_line:
        return findings
    confirmed: dict[int, Confirmed] = {}
    for message in catalog.active():
        line = message.text_line
        if line in by_line and message.comments:
            item = counting(message, by_line[line], reviewers)
            if item is not None:
                confirmed[line] = Confirmed(item.reviewer, item.date, item.reason)
    if not confirmed:
        return findings
    result = []
    for finding in findings:
        done = confirmed.get(finding.where.line) if finding.where and is_quantity(finding) else None
        if done is not None:
            done = replace(done, finding=finding_text(finding))
            finding = replace(
                finding,
                severity="warning",
                confirmed=done,
                message=(
                    f"{finding.message} (confirmed by {done.reviewer} on "
                    f"{done.date.isoformat()}: {done.reason})"
                ),
            )
        result.append(finding)
    return result
