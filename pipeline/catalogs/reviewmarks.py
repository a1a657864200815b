"""Whether a catalog entry's translation carries a review: the rule that XLIFF import
(never overwrite a reviewed translation silently) and the consistency check (the
reviewed translation is the reference) share.

An entry counts as reviewed when one of its review marks (:mod:`.review`) still covers
its text (an edit since voids it) and states valid facts. Whose marks the policy trusts
is the publication's question (``checks/review.py``); protecting a reviewer's work does
not ask it.
"""

from __future__ import annotations

from ..model import Message
from .review import mark_problem, marks_of


def is_reviewed(message: Message) -> bool:
    """One of the entry's marks covers its text now, and its facts are valid (a mark
    dated in the future or naming an invisible reviewer protects nothing)."""
    return any(mark.covers(message) and mark_problem(mark) is None for mark in marks_of(message)[0])
