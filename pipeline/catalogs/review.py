"""Review marks: translator comments that record who reviewed an entry, when, and what.

A mark is one translator comment line (``# ``), the kind of comment msgmerge, msgcat,
Poedit, Weblate and translate-toolkit keep::

    # handouts-reviewed 2026-12-01 by Ana García, CoreCHI [sha256:9f2c...64 hex]

The digest covers the mark's date and reviewer and the entry's exact text (msgctxt,
msgid, msgid_plural and every msgstr), so any later edit of the source or of the
translation voids the mark by itself. The format is specified in
``docs/review-marks.md``. This module reads and writes marks; whether a mark counts
(a trusted reviewer, an entry still translated) is judged in ``checks/review.py``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import CatalogError
from ..model import Message
from .pofile import messages_of_text, write_atomic

KEYWORD = "handouts-reviewed"
VERSION = "handouts-review/1"
MAX_REVIEWER = 200
_MARK = re.compile(rf"{KEYWORD} (\S+) by (.+) \[sha256:([0-9a-f]{{64}})\]")
_SEPARATORS = re.compile(r"[\s\u0085\u2028\u2029]+")


@dataclass(frozen=True, slots=True)
class Mark:
    """One review mark as written: date, reviewer, digest, and its comment text."""

    date: dt.date
    reviewer: str
    digest: str
    comment: str  # the translator comment, without the leading '# '

    def covers(self, message: Message) -> bool:
        """Whether the mark's digest is the digest of ``message``'s text as it is now."""
        return self.digest == digest(message, self.date, self.reviewer)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def normal_reviewer(name: str) -> str:
    """A reviewer's name as marks store it: NFC, inner whitespace as single spaces."""
    return _SEPARATORS.sub(" ", _nfc(name)).strip()


def reviewer_problem(name: str) -> str | None:
    """Why ``name`` cannot be written in a mark (None: it can)."""
    shown = normal_reviewer(name)
    if not shown:
        return "the reviewer's name is empty (give 'Name, credential')"
    if len(shown) > MAX_REVIEWER:
        return f"the reviewer's name is longer than {MAX_REVIEWER} characters"
    if not shown.isprintable():
        return "the reviewer's name has control or invisible characters"
    if "[sha256:" in shown:
        return "the reviewer's name must not contain '[sha256:'"
    return None


def _field(name: str, value: str) -> bytes:
    data = _nfc(value).encode("utf-8")
    return f"{name} {len(data)}:".encode("ascii") + data + b"\n"


def digest(message: Message, date: dt.date, reviewer: str) -> str:
    """SHA-256 (hex) of the mark's date and reviewer and the entry's exact text, in the
    canonical form of ``docs/review-marks.md`` (every text NFC, length-prefixed)."""
    parts = [f"{VERSION}\n".encode("ascii"), _field("date", date.isoformat()),
             _field("reviewer", normal_reviewer(reviewer))]
    if message.msgctxt is not None:
        parts.append(_field("msgctxt", message.msgctxt))
    parts.append(_field("msgid", message.msgid))
    if message.msgid_plural is not None:
        parts.append(_field("msgid_plural", message.msgid_plural))
        parts += [_field(f"msgstr[{index}]", form)
                  for index, form in enumerate(message.msgstr_plural)]
    else:
        parts.append(_field("msgstr", message.msgstr))
    return hashlib.sha256(b"".join(parts)).hexdigest()


def format_mark(message: Message, date: dt.date, reviewer: str) -> str:
    """The comment text (without '# ') of a mark for ``message`` as it is now."""
    name = normal_reviewer(reviewer)
    return f"{KEYWORD} {date.isoformat()} by {name} [sha256:{digest(message, date, name)}]"


def is_mark_comment(comment: str) -> bool:
    """Whether a translator comment claims to be a review mark (valid or not)."""
    return comment.startswith(KEYWORD)


def parse_mark(comment: str) -> Mark | None:
    """The mark a translator comment holds; None when it is not a well-formed mark."""
    match = _MARK.fullmatch(comment)
    if match is None:
        return None
    try:
        date = dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None
    if len(match.group(1)) != 10:  # fromisoformat also reads '20261201'
        return None
    return Mark(date, match.group(2), match.group(3), comment)


def marks_of(message: Message) -> tuple[list[Mark], list[str]]:
    """(well-formed marks, malformed mark comments) of an entry."""
    marks, malformed = [], []
    for comment in message.comments:
        if is_mark_comment(comment):
            mark = parse_mark(comment)
            if mark is None:
                malformed.append(comment)
            else:
                marks.append(mark)
    return marks, malformed


# --- writing marks into a catalog, touching nothing else ---------------------------------

@dataclass(frozen=True)
class MarkEdit:
    """What to do to one entry (found by its first line): comments to add and remove."""

    line: int
    add: tuple[str, ...]
    remove: frozenset[str] = frozenset()


def apply_edits(text: str, edits: Iterable[MarkEdit]) -> str:
    """``text`` with the marks of ``edits`` added and removed; every other line is kept
    byte for byte. New marks go first in their entry (translator comments come first)."""
    lines = text.splitlines(keepends=True)
    by_line = {edit.line: edit for edit in edits}
    out: list[str] = []
    starts = sorted(by_line)
    index = 0
    for start in starts:
        if not 1 <= start <= len(lines):
            raise CatalogError("an entry to mark is outside the file", None, start)
        out += lines[index:start - 1]
        edit = by_line[start]
        ending = "\r\n" if lines[start - 1].endswith("\r\n") else "\n"
        out += [f"# {comment}{ending}" for comment in edit.add]
        index = start - 1
        # the entry's own comment lines: drop the marks it replaces
        while index < len(lines) and lines[index].startswith("#") \
                and not lines[index].startswith("#~"):
            body = lines[index].rstrip("\r\n")
            translator = body.startswith("# ")
            if not (translator and body[2:] in edit.remove):
                out.append(lines[index])
            index += 1
    out += lines[index:]
    return "".join(out)


def _unchanged_but_marks(before: Sequence[Message], after: Sequence[Message],
                         edited: Mapping[tuple[str | None, str], MarkEdit]) -> bool:
    """Whether ``after`` holds every entry of ``before``, equal in all but line numbers
    and, for the edited entries, their review marks."""
    if len(before) != len(after):
        return False
    for old, new in zip(before, after, strict=True):
        old, new = replace(old, line=0), replace(new, line=0)
        edit = edited.get(old.key) if not old.obsolete else None
        if edit is not None:
            kept = [c for c in old.comments if c not in edit.remove]
            old = replace(old, comments=(*edit.add, *kept))
        if old != new:
            return False
    return True


def write_marks(path: Path, shown: str, original: bytes, messages: Sequence[Message],
                edits: Mapping[tuple[str | None, str], MarkEdit]) -> bool:
    """Write ``edits`` into the catalog at ``path`` (read as ``original`` bytes, whose
    entries are ``messages``), atomically; refuse when the file changed since it was
    read, and prove before writing that nothing but the marks changed."""
    try:
        text = original.decode("utf-8")
    except UnicodeDecodeError:
        raise CatalogError("review marks are written into UTF-8 catalogs only: convert it "
                           "with `msgconv -t UTF-8`", shown) from None
    new_text = apply_edits(text, edits.values())
    if not _unchanged_but_marks(messages, messages_of_text(new_text), edits):
        raise CatalogError("cannot add the review marks without changing other lines "
                           "(an unusual layout): nothing was written; save the catalog "
                           "with msgcat or Poedit and run again", shown)
    try:
        current = path.read_bytes()
    except OSError as error:
        raise CatalogError(f"cannot read catalog: {error.strerror}", shown) from None
    if current != original:
        raise CatalogError("the catalog changed while the review was prepared (saved by "
                           "another program?): nothing was written; run again", shown)
    try:
        return write_atomic(path, new_text)
    except OSError as error:
        raise CatalogError(f"cannot write catalog: {error.strerror}", shown) from None
