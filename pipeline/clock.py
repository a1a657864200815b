"""The one reading of ``SOURCE_DATE_EPOCH``: the time every dated output uses.

Reproducible builds set ``SOURCE_DATE_EPOCH`` (seconds since 1970-01-01 UTC); the
catalog dates, the review date, the zip and PDF timestamps, and the "not in the
future" rule of every fact (:mod:`pipeline.factcheck`) all read it here. Only a plain
non-negative integer of ASCII digits within :data:`MAX_EPOCH` is accepted: anything
else (``abc``, ``1.5e9``, ``-1``, a value past 2106) is a :class:`HandoutError` naming
the variable, never a traceback or a silently ignored value. Empty means unset.
"""

from __future__ import annotations

import datetime as dt
import os
import re

from .errors import HandoutError

VARIABLE = "SOURCE_DATE_EPOCH"
MAX_EPOCH = 2**32 - 1  # 2106-02-07: the zip format's dates end in 2107
_DIGITS = re.compile(r"[0-9]{1,10}")


def source_date_epoch() -> int | None:
    """``SOURCE_DATE_EPOCH`` as seconds, None when unset or empty; an error otherwise."""
    raw = os.environ.get(VARIABLE)
    if raw is None or not raw.strip():
        return None
    value = raw.strip()
    if not _DIGITS.fullmatch(value) or int(value) > MAX_EPOCH:
        shown = value if len(value) <= 40 else value[:40] + "..."
        raise HandoutError(
            f"{VARIABLE} must be a whole number of seconds since "
            f"1970-01-01 UTC, from 0 to {MAX_EPOCH}: not {shown!r}"
        )
    return int(value)


def now() -> dt.datetime:
    """``SOURCE_DATE_EPOCH``'s moment when set (reproducible), else now; in UTC."""
    epoch = source_date_epoch()
    return (
        dt.datetime.fromtimestamp(epoch, dt.UTC) if epoch is not None else dt.datetime.now(dt.UTC)
    )


def today() -> dt.date:
    """The day of :func:`now` (UTC)."""
    return now().date()
