"""Whether a catalog entry's translation carries a review: the rule that XLIFF import
(never overwrite a reviewed translation silently) and the consistency check (the
reviewed translation is the reference) share.

An entry counts as reviewed when one of its review marks (:mod:`.review`) still covers
its text: an edit since voids it. Whose marks the policy trusts is the publication's
question (``checks/review.py``); protecting a reviewer's work does not ask it.
"""

from __future__ import annotations

from ..model import Message
from .review import marks_of


def is_reviewed(message: Message) -> bool:
    return any(mark.covers(message) for mark in marks_of(message)[0])
