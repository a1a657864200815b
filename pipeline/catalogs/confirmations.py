"""Confirmations: translator comments that record a qualified reviewer's confirmation of
an entry's quantity findings (what the quantity reader could not read or compare)::

    # handouts-confirmed 2026-12-07 by Ana García, CoreCHI | 'двічі' is twice [sha256:...]

Like a review mark (:mod:`.marks`, the same reading of wrapped lines), the digest binds
the date, the reviewer, the reason, the entry's exact text and the findings it confirms:
an edit of either text, or a change of the findings, voids it by itself. Whether a
confirmation counts (a listed reviewer) is judged in ``checks/confirmed.py``; the format
is specified in ``docs/review-marks.md``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Message
from .marks import (
    canonical_field,
    date_problem,
    entry_fields,
    joinings,
    mark_groups,
    normal_reviewer,
    parse_date,
    reviewer_problem,
    visible,
)

KEYWORD = "handouts-confirmed"
VERSION = "handouts-confirm/1"
MAX_REASON = 500
_CONFIRMATION = re.compile(rf"{KEYWORD} (\S+) by (.+?) \| (.+) \[sha256:([0-9a-f]{{64}})\]")


@dataclass(frozen=True, slots=True)
class Confirmation:
    """One confirmation as written: date, reviewer, reason, digest, the comment lines."""

    date: dt.date
    reviewer: str
    reason: str
    digest: str
    comment: str  # as one line, without '# '
    lines: tuple[str, ...] = ()

    def covers(self, message: Message, findings: Iterable[str]) -> bool:
        """Whether it confirms exactly ``findings`` on ``message``'s text as it is now."""
        return self.digest == digest(message, findings, self.date, self.reviewer, self.reason)


def normal_reason(reason: str) -> str:
    """A reason as confirmations store it: NFC, inner whitespace as single spaces."""
    return normal_reviewer(reason)


def confirmer_problem(name: str) -> str | None:
    """Why ``name`` cannot confirm (None: it can): a reviewer's name, without '|'."""
    problem = reviewer_problem(name)
    if problem is None and "|" in name:
        return "the reviewer's name must not contain '|'"
    return problem


def reason_problem(reason: str) -> str | None:
    """Why ``reason`` cannot be written (None: it can)."""
    shown = normal_reason(reason)
    if not shown:
        return 'give the reason: what the reviewer checked (--reason "...")'
    if len(shown) > MAX_REASON:
        return f"the reason is longer than {MAX_REASON} characters"
    if not shown.isprintable():
        return "the reason has control or invisible characters"
    if "[sha256:" in shown:
        return "the reason must not contain '[sha256:'"
    return None


def confirmation_problem(item: Confirmation, now: dt.date | None = None) -> str | None:
    """Why a well-formed confirmation's facts are refused on read (as on write)."""
    problem = confirmer_problem(item.reviewer) or reason_problem(item.reason)
    if problem is None and (
        item.reviewer != normal_reviewer(item.reviewer) or item.reason != normal_reason(item.reason)
    ):
        problem = "its reviewer or reason is not written in its normal form (one space)"
    return problem or date_problem(item.date, now)


def digest(
    message: Message, findings: Iterable[str], date: dt.date, reviewer: str, reason: str
) -> str:
    """SHA-256 (hex) of the confirmation's date, reviewer and reason, the entry's text
    and the sorted findings (``check: message``) it confirms."""
    parts = [
        f"{VERSION}\n".encode("ascii"),
        canonical_field("date", date.isoformat()),
        canonical_field("reviewer", normal_reviewer(reviewer)),
        canonical_field("reason", normal_reason(reason)),
        *entry_fields(message),
    ]
    parts += [canonical_field("finding", text) for text in sorted(set(findings))]
    return hashlib.sha256(b"".join(parts)).hexdigest()


def format_confirmation(
    message: Message, findings: Iterable[str], date: dt.date, reviewer: str, reason: str
) -> str:
    """The comment text (without '# ') confirming ``findings`` on ``message`` now."""
    name, why = normal_reviewer(reviewer), normal_reason(reason)
    value = digest(message, findings, date, name, why)
    return f"{KEYWORD} {date.isoformat()} by {name} | {why} [sha256:{value}]"


def parse_confirmation(comment: str) -> Confirmation | None:
    """The confirmation a (joined) comment holds; None when it is not well formed."""
    match = _CONFIRMATION.fullmatch(comment)
    if match is None:
        return None
    date = parse_date(match.group(1))
    if date is None:
        return None
    return Confirmation(date, match.group(2), match.group(3), match.group(4), comment, (comment,))


def confirmations_of(
    message: Message, findings: Iterable[str] = ()
) -> tuple[list[Confirmation], list[str]]:
    """(well-formed confirmations, malformed texts) of an entry; of the readings of a
    wrapped one, the one that covers ``findings`` on the entry (else the first)."""
    wanted = sorted(set(findings))
    found, malformed = [], []
    for lines in mark_groups(message.comments, KEYWORD):
        readings = [c for c in map(parse_confirmation, joinings(lines)) if c is not None]
        if not readings:
            malformed.append(" ".join(lines))
            continue
        chosen = next((c for c in readings if c.covers(message, wanted)), readings[0])
        found.append(
            Confirmation(
                chosen.date,
                chosen.reviewer,
                chosen.reason,
                chosen.digest,
                chosen.comment,
                tuple(lines),
            )
        )
    return found, malformed


def confirmation_fact_problems(message: Message) -> list[str]:
    """A message per well-formed confirmation of ``message`` whose facts are refused."""
    found = []
    for item in confirmations_of(message)[0]:
        problem = confirmation_problem(item)
        if problem:
            found.append(
                f"confirmation by '{visible(item.reviewer, 60)}' does not count: {problem}"
            )
    return found
