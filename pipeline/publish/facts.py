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
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list

from ..catalogs.pofile import Catalog
from ..checks.review import Trust
from ..model import Key, Message, Monograph

ABSENT = "\u2014"  # an em dash: the value of a fact the data does not give (no words)
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")
_REVISION_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}")


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

    def as_record(self) -> dict[str, object]:
        return {"revision": self.revision,
                "english_reviewed": _iso(self.english_reviewed),
                "translated": _iso(self.translated), "reviewers": list(self.reviewers),
                "reviewed": _iso(self.reviewed), "fully_reviewed": self.fully_reviewed}

    @classmethod
    def from_record(cls, data: Mapping[str, object], edition: dt.date | None = None) -> Facts:
        return cls(str(data["revision"]), _date(data.get("english_reviewed")),
                   _date(data.get("translated")),
                   tuple(str(n) for n in data.get("reviewers") or ()),  # type: ignore[union-attr]
                   _date(data.get("reviewed")), bool(data.get("fully_reviewed")), edition)


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: object) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else None


def translated_on(catalog: Catalog | None) -> dt.date | None:
    """The day the catalog was last saved by a translator's tool (PO-Revision-Date),
    when it holds a real date (a template's 'YEAR-MO-DA' does not)."""
    if catalog is None:
        return None
    match = _REVISION_DATE.match(catalog.header.get("PO-Revision-Date", "").strip())
    if not match:
        return None
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None


def handout_facts(monograph: Monograph, revision: str, keys: list[Key],
                  lookup: Mapping[Key, Message] | None, trust: Trust,
                  catalog: Catalog | None) -> Facts:
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
    return Facts(revision, monograph.reviewed, translated_on(catalog), tuple(reviewers),
                 latest, complete and bool(keys))


@lru_cache(maxsize=8192)
def _long_date(value: dt.date, locale: Locale) -> str:
    """A date as ``locale`` writes it in full (cached: every edition of every handout
    states the same few dates)."""
    return format_date(value, "long", locale=locale)


def localized_values(facts: Facts, locale: Locale) -> dict[str, str]:
    """Every fact as the patient's language writes it (Babel, CLDR)."""
    def date(value: dt.date | None) -> str:
        return _long_date(value, locale) if value else ABSENT

    return {
        "revision": facts.revision,
        "english_reviewed": date(facts.english_reviewed),
        "translated": date(facts.translated),
        "reviewers": format_list(list(facts.reviewers), locale=locale) if facts.reviewers
        else ABSENT,
        "reviewed": date(facts.reviewed),
        "edition": date(facts.edition),
    }
