"""Immutable data shared by every stage.

Every node that came from a file carries its ``path`` and 1-based ``line``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from .text.visible import is_translation

BlockKind = Literal["paragraph", "callout", "list"]
SegmentKind = Literal[
    "title",
    "classification",
    "heading",
    "paragraph",
    "callout",
    "list-intro",
    "list-item",
    "disclaimer",
    "attribution",
    "ui",
]


@dataclass(frozen=True, slots=True)
class Where:
    """A position in a file: path (relative to the project root) and 1-based line."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, slots=True)
class Text:
    """A translatable text as written in the source, with its translator context."""

    text: str
    where: Where
    note: str | None = None
    context: str | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph, a safety callout, or a list (optional intro text plus items)."""

    kind: BlockKind
    where: Where
    text: Text | None = None
    items: tuple[Text, ...] = ()
    safety: bool = False
    gap: str | None = None


@dataclass(frozen=True, slots=True)
class Section:
    """A titled group of blocks; ``editorial`` marks a heading the source did not have."""

    id: str
    where: Where
    blocks: tuple[Block, ...]
    heading: Text | None = None
    editorial: bool = False
    level: int = 2


@dataclass(frozen=True, slots=True)
class Gap:
    """Something the source lacks, recorded instead of being written."""

    message: str
    where: Where


@dataclass(frozen=True, slots=True)
class Monograph:
    """One drug's patient monograph, as the clinical team wrote it."""

    id: str
    where: Where
    title: Text
    pronunciation: str | None
    classification: Text | None
    reviewed: dt.date | None
    sections: tuple[Section, ...]
    disclaimer: Text | None = None
    attribution: Text | None = None
    gaps: tuple[Gap, ...] = field(default=())
    clinical_change: dt.date | None = None  # the editors' latest clinically significant edit
    brand_names: tuple[str, ...] = ()  # as the source names them (staff search the index)


Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Confirmed:
    """Who confirmed a quantity finding, when and why (``handouts confirm``)."""

    reviewer: str
    date: dt.date
    reason: str
    finding: str = ""  # what was confirmed, "check: message" as the check wrote it


@dataclass(frozen=True, slots=True)
class Finding:
    """One result of a check: which check, how bad, where, and what to do."""

    check: str
    severity: Severity
    message: str
    where: Where | None = None
    locale: str | None = None
    drug: str | None = None
    confirmed: Confirmed | None = None  # a listed reviewer confirmed it: not blocking

    def __str__(self) -> str:
        place = f"{self.where}: " if self.where else ""
        return f"{place}{self.severity}: [{self.check}] {self.message}"


# --- catalog entries, as the rest of the pipeline sees them -------------------------

Key = tuple[str | None, str]  # (msgctxt, msgid): what identifies an entry


@dataclass(frozen=True, slots=True)
class Message:
    """One catalog entry, immutable; ``line`` is the 1-based line where the entry starts
    (as polib counts), ``msgstr_line`` the line of its (first) msgstr, where a translator
    fixes a finding: 0 when unknown, and never part of equality."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: tuple[str, ...] = ()
    fuzzy: bool = False
    obsolete: bool = False
    flags: tuple[str, ...] = ()
    line: int = 0
    previous_msgid: str | None = None
    comments: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    msgstr_line: int = field(default=0, compare=False)

    @property
    def key(self) -> Key:
        return (self.msgctxt, self.msgid)

    @property
    def text_line(self) -> int:
        """Where to point a translator: the msgstr line, else the entry's first line."""
        return self.msgstr_line or self.line

    @property
    def translated(self) -> bool:
        """THE completeness rule: not fuzzy, not obsolete, and every form has visible
        content (:func:`pipeline.text.visible.is_translation`: a msgstr of spaces, punctuation
        or invisible characters is not a translation)."""
        if self.fuzzy or self.obsolete:
            return False
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(
                is_translation(self.msgid_plural if index else self.msgid, form)
                for index, form in enumerate(self.msgstr_plural)
            )
        return is_translation(self.msgid, self.msgstr)

    @property
    def has_translation(self) -> bool:
        """Any translator work in it (even fuzzy or obsolete)?"""
        return bool(self.msgstr) or any(self.msgstr_plural)

    @property
    def texts(self) -> tuple[str, ...]:
        """All translated strings (one, or one per plural form)."""
        return self.msgstr_plural if self.msgid_plural is not None else (self.msgstr,)
