"""The facts a handout states, from data, and the one way they enter a translation.

Every fact (the English text's review date, the source revision, when the catalog was
translated, who reviewed the handout's texts and when, an edition's date) is a value
from the monographs, the catalog's header or its review marks, localized by Babel.
It enters an interface text only through that text's placeholders (:func:`fill`): the
words around it are the translator's, the value never is; a text with no placeholder
is shown as written, so a literal ``%`` never breaks it and nothing prints ``{}``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list

from ..catalogs.pofile import Catalog
from ..checks.trust import Trust
from ..factcheck import parse_date, parse_timestamp, reviewer_problem, revision_problem
from ..model import Key, Message, Monograph

ABSENT = "\u2014"  # an em dash: the value of a fact the data does not give (no words)
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")


def has_placeholders(msgid: str) -> bool:
    return _PLACEHOLDER.search(msgid) is not None and "%(" in msgid


def fill(text: str, values: Mapping[str, object]) -> str | None:
    """``text`` with each ``%(name)s`` replaced by its value and ``%%`` by ``%``; any
    other ``%`` stays as written. None when the text names a value not given."""
    missing = False

    def one(match: re.Match[str]) -> str:
        nonlocal missing
        if match.group(0) == "%%":
            return "%"
        name = match.group(1)
        if name not in values:
            missing = True
            return ""
        return str(values[name])

    filled = _PLACEHOLDER.sub(one, text)
    return None if missing else filled


@dataclass(frozen=True)
class Facts:
    """What a handout states about itself, as data."""

    revision: str  # the English source file's revision
    english_reviewed: dt.date | None  # the monograph's own review date
    translated: dt.date | None = None  # the catalog's PO-Revision-Date
    reviewers: tuple[str, ...] = ()  # who reviewed the handout's texts (marks that count)
    reviewed: dt.date | None = None  # the latest of those marks
    fully_reviewed: bool = False  # every text of the handout has a mark that counts
    edition: dt.date | None = None  # an earlier edition kept: the day it was published
    problems: tuple[str, ...] = ()  # facts of a record that failed validation (not shown)

    @property
    def updated(self) -> dt.date | None:
        """ "Last updated", as a patient reads it: the day the English text was last
        reviewed; without one, the day this edition's text was made (a kept edition's
        publication, else the translation's date)."""
        return self.english_reviewed or self.edition or self.translated

    def code(self, drug: str, locale: str) -> str:
        """The handout code staff can quote: drug, language and the month of
        :attr:`updated` (``BLINATUMOMAB-es-2026-12``)."""
        month = f"-{self.updated:%Y-%m}" if self.updated else ""
        return f"{drug.upper()}-{locale}{month}"

    def as_record(self) -> dict[str, object]:
        return {
            "revision": self.revision,
            "english_reviewed": _iso(self.english_reviewed),
            "translated": _iso(self.translated),
            "reviewers": list(self.reviewers),
            "reviewed": _iso(self.reviewed),
            "fully_reviewed": self.fully_reviewed,
        }

    @classmethod
    def from_record(cls, data: Mapping[str, object], edition: dt.date | None = None) -> Facts:
        """The facts of an editions record, each validated as when it is written
        (:mod:`pipeline.factcheck`): one that fails is not stated (a dash) and is named
        in ``problems``; a review claim with a failing reviewer or date is not full."""
        problems: list[str] = []
        revision = data["revision"]
        problem = revision_problem(revision)
        if problem:
            problems.append(f"revision: {problem}")

        def day(name: str) -> dt.date | None:
            value = data.get(name)
            if value is None:
                return None
            parsed, why = parse_date(value)
            if why:
                problems.append(f"{name}: {why}")
            return parsed

        english_reviewed, translated, reviewed = (
            day("english_reviewed"),
            day("translated"),
            day("reviewed"),
        )
        named = data.get("reviewers") or []
        if not isinstance(named, list):
            problems.append("reviewers: not a list of names")
            named = []
        reviewers = []
        for name in named:
            why = reviewer_problem(name)
            if why:
                problems.append(f"reviewers: {why}")
            else:
                reviewers.append(str(name))
        fully = data.get("fully_reviewed") is True and not any(
            p.startswith(("reviewers:", "reviewed:")) for p in problems
        )
        return cls(
            "" if problem else str(revision),
            english_reviewed,
            translated,
            tuple(reviewers),
            reviewed,
            fully,
            edition,
            tuple(problems),
        )


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def translated_on(catalog: Catalog | None) -> dt.date | None:
    """The day the catalog was last saved by a translator's tool (PO-Revision-Date, the
    day as written), when it holds a real moment that is not in the future (a template's
    'YEAR-MO-DA' does not; :func:`~pipeline.factcheck.revision_date_problem` says why
    another does not)."""
    if catalog is None:
        return None
    moment, _ = parse_timestamp(catalog.header.get("PO-Revision-Date", ""))
    return moment.date() if moment else None


def handout_facts(
    monograph: Monograph,
    revision: str,
    keys: Sequence[Key],
    lookup: Mapping[Key, Message] | None,
    trust: Trust,
    catalog: Catalog | None,
) -> Facts:
    """The facts of ``monograph``'s handout: review marks of its texts (``keys``)."""
    if lookup is None:
        return Facts(revision, monograph.reviewed)
    reviewers: dict[str, None] = {}
    latest: dt.date | None = None
    complete = True
    for key in keys:
        marks = trust.marks(lookup.get(key))
        complete = complete and bool(marks)
        for mark in marks:
            reviewers.setdefault(mark.reviewer)
            latest = mark.date if latest is None or mark.date > latest else latest
    return Facts(
        revision,
        monograph.reviewed,
        translated_on(catalog),
        tuple(reviewers),
        latest,
        complete and bool(keys),
    )


@lru_cache(maxsize=8192)
def _long_date(value: dt.date, locale: Locale) -> str:
    """A date as ``locale`` writes it in full (cached: every edition of every handout
    states the same few dates)."""
    return format_date(value, "long", locale=locale)


def localized_values(
    facts: Facts, locale: Locale, drug: str = "", code: str = ""
) -> dict[str, str]:
    """Every fact as the patient's language writes it (Babel, CLDR); ``drug`` and
    ``code`` (the locale's code) give the handout code."""

    def date(value: dt.date | None) -> str:
        return _long_date(value, locale) if value else ABSENT

    return {
        "revision": facts.revision or ABSENT,
        "english_reviewed": date(facts.english_reviewed),
        "translated": date(facts.translated),
        "reviewers": format_list(list(facts.reviewers), locale=locale)
        if facts.reviewers
        else ABSENT,
        "reviewed": date(facts.reviewed),
        "edition": date(facts.edition),
        "updated": date(facts.updated),
        "code": facts.code(drug, code) if drug else ABSENT,
    }
