"""Whether a review mark counts: the trust a locale's policy gives its reviewers.

A mark counts (the entry is *reviewed*) when it is well formed, its digest is the
digest of the entry as it is now, the entry is translated (not fuzzy), and the locale's
policy trusts its reviewer (``reviewers`` in ``handouts.yaml``; any name when the
policy lists none). The mark format itself is :mod:`pipeline.catalogs.marks`;
``handouts review`` writes marks (:mod:`pipeline.commands.review`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalogs.marks import Mark, mark_problem, marks_of, normal_reviewer
from ..model import Message
from .policy import LocalePolicy


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
