"""Whether a catalog entry's translation was reviewed: the one rule that XLIFF import
(never overwrite silently) and the consistency check (the reviewed one is the
reference) share.

Provisional until review marks have their own format: a translator comment that starts
with ``reviewed`` (``# reviewed by A. Pérez, 2026-11-01``). Read catalogs with their
comments for it to see anything; without them nothing counts as reviewed.
"""

from __future__ import annotations

from ..model import Message

REVIEW_MARK = "reviewed"


def is_reviewed(message: Message) -> bool:
    return any(comment.strip().lower().startswith(REVIEW_MARK) for comment in message.comments)
