"""One validation per fact a handout states, used where the fact is written and where it
is read back (a catalog header, a review mark, an editions record, ``publish --date``).

Each ``*_problem`` function returns why a value cannot be stated (None: it can), so a
writer refuses it (exit 2) and a reader shows a dash and reports a finding: a fact that
would be refused on write is never printed on read.

* a date: a real calendar date, not before :data:`FLOOR`, not after today
  (``SOURCE_DATE_EPOCH``'s day when set, :mod:`pipeline.clock`);
* a timestamp (``PO-Revision-Date``): ``YYYY-MM-DD HH:MM`` with an optional UTC offset,
  a real moment, not in the future;
* a revision: a plausible hash (7 to 64 lowercase hex digits), not all zeros;
* a reviewer: printable text of at most :data:`MAX_REVIEWER` characters, with no
  control, bidirectional, invisible or line-separating character.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from . import clock

FLOOR = dt.date(1990, 1, 1)  # before any gettext catalog or handout of this kind
MAX_REVIEWER = 200  # as review marks allow (catalogs/marks.py)
_REVISION = re.compile(r"[0-9a-f]{7,64}")
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?\s*(?:([+-])(\d{2}):?(\d{2})|Z)?"
)
_UNSET_DATE = "YEAR-MO-DA"  # a template's PO-Revision-Date: no date yet, no finding
_INVISIBLE = set("\u034f\u115f\u1160\u3164\uffa0\u2800")  # fillers that look like nothing


def date_problem(value: dt.date) -> str | None:
    """Why ``value`` cannot be a stated date (before the floor, or in the future)."""
    if value < FLOOR:
        return f"{value.isoformat()} is before {FLOOR.isoformat()}"
    if value > clock.today():
        return f"{value.isoformat()} is in the future"
    return None


def parse_date(text: object) -> tuple[dt.date | None, str | None]:
    """A date written ``YYYY-MM-DD``, validated: (the date, None) or (None, why not)."""
    if not isinstance(text, str) or len(text) != 10:
        return None, f"{text!r} is not a date YYYY-MM-DD"
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        return None, f"{text!r} is not a real date YYYY-MM-DD"
    problem = date_problem(value)
    return (None, problem) if problem else (value, None)


def parse_timestamp(text: str) -> tuple[dt.datetime | None, str | None]:
    """A ``PO-Revision-Date`` (``2026-12-01 22:11+0000``), validated: (the moment, in
    UTC when an offset is given, None) or (None, why not)."""
    match = _TIMESTAMP.fullmatch(text.strip())
    if not match:
        return None, f"{text.strip()[:40]!r} is not a timestamp YYYY-MM-DD HH:MM+ZZZZ"
    year, month, day, hour, minute, second, sign, off_h, off_m = match.groups()
    try:
        offset = dt.timedelta(hours=int(off_h or 0), minutes=int(off_m or 0))
        if offset >= dt.timedelta(hours=24):
            raise ValueError
        zone = dt.timezone(-offset if sign == "-" else offset)
        moment = dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=zone
        )
    except ValueError:
        return None, f"{text.strip()[:40]!r} is not a real moment"
    if moment.date() < FLOOR:
        return None, f"{moment.date().isoformat()} is before {FLOOR.isoformat()}"
    if moment > clock.now():
        return None, f"{text.strip()} is in the future"
    return moment, None


def revision_date_problem(value: str) -> str | None:
    """Why a catalog's ``PO-Revision-Date`` cannot be printed as the translation date
    (None: it can, or it is empty or the template's placeholder, which state no date)."""
    value = value.strip()
    if not value or value.startswith(_UNSET_DATE):
        return None
    return parse_timestamp(value)[1]


def revision_problem(text: object) -> str | None:
    """Why ``text`` cannot be a source revision (not a hash, or all zeros)."""
    if not isinstance(text, str) or not _REVISION.fullmatch(text):
        return f"{str(text)[:70]!r} is not a revision (7 to 64 lowercase hex digits)"
    if not text.strip("0"):
        return f"{text!r} is not a revision (all zeros)"
    return None


def reviewer_problem(text: object) -> str | None:
    """Why ``text`` cannot name a reviewer (empty, too long, or holding a character that
    is not printable: a control, bidirectional, invisible or line-separating one; runs of
    ordinary spaces are allowed, as review marks store names with single spaces)."""
    if not isinstance(text, str) or not text.strip():
        return "a reviewer must be named (printable text)"
    if len(text) > MAX_REVIEWER:
        return f"a reviewer's name has at most {MAX_REVIEWER} characters (this has {len(text)})"
    for char in text:
        if (char != " " and not char.isprintable()) or char in _INVISIBLE:
            name = unicodedata.name(char, "a control character")
            return (
                f"a reviewer's name holds U+{ord(char):04X} ({name}): control or invisible "
                "characters are not printable text"
            )
    return None
