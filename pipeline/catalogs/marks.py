"""Review marks: translator comments that record who reviewed an entry, when, and what.

A mark is one translator comment line (``# ``), the kind of comment msgmerge, msgcat,
Poedit, Weblate and translate-toolkit keep::

    # handouts-reviewed 2026-12-01 by Ana García, CoreCHI [sha256:9f2c...64 hex]

The digest covers the mark's date and reviewer and the entry's exact text (msgctxt,
msgid, msgid_plural and every msgstr), so any later edit of the source or of the
translation voids the mark by itself. The format is specified in
``docs/review-marks.md``. This module reads and writes marks and says whether one still
covers an entry (:func:`is_reviewed`); whether a mark counts for publication (a trusted
reviewer, an entry still translated) is judged in ``checks/trust.py``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .. import clock, factcheck
from ..errors import CatalogError
from ..files import digest as digest_of_bytes
from ..files import replace_if_unchanged
from ..model import Message
from ..text.normalize import nfc
from .pofile import messages_of_text, prepare_file

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
    comment: str  # the mark as one line, without the leading '# '
    lines: tuple[str, ...] = ()  # the comment lines it was read from (one, or wrapped)

    def covers(self, message: Message) -> bool:
        """Whether the mark's digest is the digest of ``message``'s text as it is now."""
        return self.digest == digest(message, self.date, self.reviewer)


def normal_reviewer(name: str) -> str:
    """A reviewer's name as marks store it: NFC, inner whitespace as single spaces."""
    return _SEPARATORS.sub(" ", nfc(name)).strip()


def reviewer_problem(name: str) -> str | None:
    """Why ``name`` cannot be written in a mark (None: it can)."""
    shown = normal_reviewer(name)
    if not shown:
        return "the reviewer's name is empty (give 'Name, credential')"
    if len(shown) > MAX_REVIEWER:
        return f"the reviewer's name is longer than {MAX_REVIEWER} characters"
    problem = factcheck.reviewer_problem(name)  # the one rule for a stated reviewer
    if problem is not None:
        return problem
    if "[sha256:" in shown:
        return "the reviewer's name must not contain '[sha256:'"
    return None


def today() -> dt.date:
    """The review date: ``SOURCE_DATE_EPOCH``'s day when set (reproducible), else today (UTC)."""
    return clock.today()


def date_problem(date: dt.date, now: dt.date | None = None) -> str | None:
    """Why ``date`` cannot be a review's date (None: it can): the same rule when a mark
    is written and when it is read."""
    now = now or today()
    if date > now:
        return f"the review date {date.isoformat()} is in the future (today is {now})"
    return None


def mark_problem(mark: Mark, now: dt.date | None = None) -> str | None:
    """Why a well-formed mark's facts are refused (None: they are not): its reviewer and
    its date, validated as ``handouts review`` validates them before writing."""
    problem = reviewer_problem(mark.reviewer)
    if problem is None and mark.reviewer != normal_reviewer(mark.reviewer):
        problem = "the reviewer's name is not written in its normal form (one space)"
    return problem or date_problem(mark.date, now)


def canonical_field(name: str, value: str) -> bytes:
    """``name LEN:VALUE\\n``: one field of a digest's canonical form (VALUE in NFC)."""
    data = nfc(value).encode("utf-8")
    return f"{name} {len(data)}:".encode("ascii") + data + b"\n"


def entry_fields(message: Message) -> list[bytes]:
    """The entry's text in the canonical form: msgctxt, msgid, msgid_plural, msgstr(s)."""
    parts = []
    if message.msgctxt is not None:
        parts.append(canonical_field("msgctxt", message.msgctxt))
    parts.append(canonical_field("msgid", message.msgid))
    if message.msgid_plural is not None:
        parts.append(canonical_field("msgid_plural", message.msgid_plural))
        parts += [
            canonical_field(f"msgstr[{index}]", form)
            for index, form in enumerate(message.msgstr_plural)
        ]
    else:
        parts.append(canonical_field("msgstr", message.msgstr))
    return parts


def digest(message: Message, date: dt.date, reviewer: str) -> str:
    """SHA-256 (hex) of the mark's date and reviewer and the entry's exact text, in the
    canonical form of ``docs/review-marks.md`` (every text NFC, length-prefixed)."""
    parts = [
        f"{VERSION}\n".encode("ascii"),
        canonical_field("date", date.isoformat()),
        canonical_field("reviewer", normal_reviewer(reviewer)),
        *entry_fields(message),
    ]
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
    date = parse_date(match.group(1))
    if date is None:
        return None
    return Mark(date, match.group(2), match.group(3), comment, (comment,))


def parse_date(text: str) -> dt.date | None:
    """A mark's date: exactly ``YYYY-MM-DD`` (fromisoformat also reads '20261201')."""
    if len(text) != 10:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


# --- reading marks that a PO writer wrapped onto several comment lines -------------------

_END = re.compile(r"\[sha256:[0-9a-f]{64}\]$")
MAX_MARK_LINES = 60  # a wrapped mark at width 20 of the longest reviewer and reason
MAX_HYPHEN_BREAKS = 10  # a group with more ambiguous joins is unread (does not count)
KEYWORDS = (KEYWORD, "handouts-confirmed")


def _starts_mark(comment: str) -> bool:
    return comment.startswith(KEYWORDS)


def mark_groups(comments: Sequence[str], keyword: str = KEYWORD) -> list[tuple[str, ...]]:
    """The comment lines of each mark of ``keyword`` in ``comments``: one line as written,
    or the several lines a writer wrapped it onto (polib, Babel, Poedit wrap translator
    comments at their width, at spaces and after hyphens). A mark runs from the line that
    starts with its keyword to the line that completes its ``[sha256:...]``; a start that
    no such line completes is a group of its own first line (malformed)."""
    groups: list[tuple[str, ...]] = []
    index = 0
    while index < len(comments):
        comment = comments[index]
        if not comment.startswith(keyword):
            index += 1
            continue
        end = index
        squeezed = "".join(comment.split())
        while (
            not _END.search(squeezed)
            and end + 1 < len(comments)
            and end - index + 1 < MAX_MARK_LINES
            and not _starts_mark(comments[end + 1])
        ):
            end += 1
            squeezed += "".join(comments[end].split())
        if _END.search(squeezed):
            groups.append(tuple(comments[index : end + 1]))
            index = end + 1
        else:
            groups.append((comment,))
            index += 1
    return groups


def joinings(lines: Sequence[str]) -> list[str]:
    """The texts a wrapped mark may have been, joining its lines: a writer breaks a line
    at a space (dropped) or after a hyphen (kept, with or without a space after it), and
    some break a long word anywhere (the digest, rejoined without spaces). The first is
    the most likely (a hyphen joined without a space); the digest decides which is
    right. More than MAX_HYPHEN_BREAKS ambiguous joins: none (the mark is unread)."""
    parts = [" ".join(line.split()) for line in lines]
    ambiguous = [i for i, part in enumerate(parts[:-1]) if part.endswith("-")]
    if len(ambiguous) > MAX_HYPHEN_BREAKS:
        return []
    texts = []
    for choice in range(2 ** len(ambiguous)):
        spaced = {ambiguous[bit] for bit in range(len(ambiguous)) if choice >> bit & 1}
        text = parts[0]
        for index, part in enumerate(parts[1:]):
            glue = "" if index in set(ambiguous) - spaced else " "
            text += glue + part
        texts.append(_rejoin_digest(text))
    return texts


_DIGEST_TAIL = re.compile(r"\[\s*sha256\s*:([0-9a-f\s]+)\]$")


def _rejoin_digest(text: str) -> str:
    match = _DIGEST_TAIL.search(text)
    if match is None:
        return text
    return text[: match.start()].rstrip() + f" [sha256:{''.join(match.group(1).split())}]"


def marks_of(message: Message) -> tuple[list[Mark], list[str]]:
    """(well-formed marks, malformed mark texts) of an entry; a mark wrapped onto several
    comment lines reads as the one line it was (:func:`joinings`)."""
    marks, malformed = [], []
    for lines in mark_groups(message.comments):
        found = [mark for mark in map(parse_mark, joinings(lines)) if mark is not None]
        if not found:
            malformed.append(" ".join(lines))
            continue
        mark = next((m for m in found if m.covers(message)), found[0])
        marks.append(replace(mark, lines=tuple(lines)))
    return marks, malformed


def visible(text: str, width: int = 90) -> str:
    """``text`` safe to print: control and invisible characters written as ``\\uXXXX``."""
    text = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)
    return text if len(text) <= width else text[: width - 1] + "…"


def fact_problems(message: Message) -> list[str]:
    """A message per well-formed mark of ``message`` whose date or reviewer is refused
    (:func:`mark_problem`): such a mark counts for nothing and is never printed."""
    if not message.comments:
        return []
    found = []
    for mark in marks_of(message)[0]:
        problem = mark_problem(mark)
        if problem:
            found.append(f"review mark by '{visible(mark.reviewer, 60)}' does not count: {problem}")
    return found


def is_reviewed(message: Message) -> bool:
    """Whether one of the entry's marks covers its text now and states valid facts (a
    mark dated in the future or naming an invisible reviewer protects nothing): the rule
    that XLIFF import (never overwrite a reviewed translation silently) and the
    consistency check (the reviewed translation is the reference) share. Whose marks the
    policy trusts is the publication's question (:mod:`pipeline.checks.trust`);
    protecting a reviewer's work does not ask it."""
    return any(mark.covers(message) and mark_problem(mark) is None for mark in marks_of(message)[0])


def mark_lines(message: Message, texts: Iterable[str], keyword: str = KEYWORD) -> frozenset[str]:
    """The comment lines that hold the marks (or malformed mark texts) ``texts``."""
    wanted = set(texts)
    found: set[str] = set()
    for lines in mark_groups(message.comments, keyword):
        if " ".join(lines) in wanted or any(text in wanted for text in joinings(lines)):
            found.update(lines)
    return frozenset(found)


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
        out += lines[index : start - 1]
        edit = by_line[start]
        ending = "\r\n" if lines[start - 1].endswith("\r\n") else "\n"
        out += [f"# {comment}{ending}" for comment in edit.add]
        index = start - 1
        # the entry's own comment lines: drop the marks it replaces
        while (
            index < len(lines)
            and lines[index].startswith("#")
            and not lines[index].startswith("#~")
        ):
            body = lines[index].rstrip("\r\n")
            translator = body.startswith("# ")
            if not (translator and body[2:] in edit.remove):
                out.append(lines[index])
            index += 1
    out += lines[index:]
    return "".join(out)


def _unchanged_but_marks(
    before: Sequence[Message],
    after: Sequence[Message],
    edited: Mapping[tuple[str | None, str], MarkEdit],
) -> bool:
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


def write_marks(
    path: Path,
    shown: str,
    original: bytes,
    messages: Sequence[Message],
    edits: Mapping[tuple[str | None, str], MarkEdit],
) -> bool:
    """Write ``edits`` into the catalog at ``path`` (read as ``original`` bytes, whose
    entries are ``messages``), atomically; refuse when the file changed since it was
    read, and prove before writing that nothing but the marks changed."""
    try:
        text = original.decode("utf-8")
    except UnicodeDecodeError:
        raise CatalogError(
            "review marks are written into UTF-8 catalogs only: convert it with `msgconv -t UTF-8`",
            shown,
        ) from None
    new_text = apply_edits(text, edits.values())
    if not _unchanged_but_marks(messages, messages_of_text(new_text), edits):
        raise CatalogError(
            "cannot add the review marks without changing other lines "
            "(an unusual layout): nothing was written; save the catalog "
            "with msgcat or Poedit and run again",
            shown,
        )
    changed = CatalogError(
        "the catalog changed while the review was prepared (saved by "
        "another program?): nothing was written; run again",
        shown,
    )
    try:
        current = path.read_bytes()
    except OSError as error:
        raise CatalogError(f"cannot read catalog: {error.strerror}", shown) from None
    if current != original:
        raise changed
    data = new_text.encode("utf-8")
    if data == original:
        return False
    try:  # compared again just before the rename (a save meanwhile is kept)
        written = replace_if_unchanged(prepare_file(path, data), path, digest_of_bytes(original))
    except OSError as error:
        raise CatalogError(f"cannot write catalog: {error.strerror}", shown) from None
    if not written:
        raise changed
    return True
