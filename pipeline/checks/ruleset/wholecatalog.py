"""Warnings on a whole catalog: one source translated one way, the Plural-Forms
header, the PO-Revision-Date header."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import lru_cache

from ...catalogs.marks import is_reviewed
from ...catalogs.plurals import standard_rule
from ...catalogs.pofile import Catalog
from ...factcheck import revision_date_problem
from ...model import Message
from ..registry import EntryContext, Group

RULES = Group()
_PUNCTUATION = re.compile(r"[^\w]+")


@RULES.check("inconsistent", "warning", scope="catalog")
def check_inconsistent(entries: list[EntryContext]) -> Iterator[tuple[EntryContext, str]]:
    """The same source text translated the same way across the catalog."""
    groups: dict[tuple[str | None, str], list[EntryContext]] = defaultdict(list)
    for entry in entries:
        if entry.message.msgid_plural is None:  # plural forms differ by design
            groups[(entry.message.msgctxt, _loose_source(entry.source))].append(entry)
    for group in groups.values():
        if len(group) < 2:
            continue
        reference = consistency_reference(group, is_reviewed)
        for entry in group:
            if entry is not reference and _loose(entry.translation) != _loose(
                reference.translation
            ):
                reviewed = " (reviewed)" if is_reviewed(reference.message) else ""
                yield (
                    entry,
                    (
                        f"'{_short(entry.source, 40)}' is translated differently at "
                        f"{_place(reference.message)}{reviewed}: "
                        f"'{_short(reference.translation)}'; here, at "
                        f"{_place(entry.message)}: '{_short(entry.translation)}'"
                    ),
                )


def consistency_reference(
    group: list[EntryContext], reviewed: Callable[[Message], bool]
) -> EntryContext:
    """The translation the others are compared with: the first reviewed one (given the
    rule for "reviewed"), else the first in catalog order."""
    return next((entry for entry in group if reviewed(entry.message)), group[0])


def _place(message: Message) -> str:
    """An entry's catalog line, with the monographs that use it when the catalog was
    read with its references."""
    drugs = dict.fromkeys(
        reference.rsplit("/", 1)[-1].split(".yaml")[0]
        for reference in message.references
        if reference.startswith("source/monographs/")
    )
    return f"line {message.text_line}" + (f" ({', '.join(drugs)})" if drugs else "")


def _loose(text: str) -> str:
    return _PUNCTUATION.sub(" ", text.casefold()).strip()


_loose_source = lru_cache(maxsize=65536)(_loose)  # the same sources in every locale


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@RULES.check("plural-forms", "warning", scope="header")
def check_plural_forms(locale: str, catalog: Catalog) -> Iterator[str]:
    """Plural-Forms as translators' tools write it for the language."""
    value = catalog.header.get("Plural-Forms")
    standard = standard_rule(locale)
    if value is None or standard is None or catalog.plural_rule.same_as(standard):
        return
    yield (
        f"Plural-Forms '{value}' is not the standard rule for {locale} "
        f"('{standard.header}'): its forms mean other numbers than Weblate's, Poedit's "
        f"and msginit's; run `handouts migrate-plurals {locale}` to remap them"
    )


@RULES.check("revision-date", "warning", scope="header")
def check_revision_date(locale: str, catalog: Catalog) -> Iterator[str]:
    """PO-Revision-Date is a real moment, not in the future (else no translation date)."""
    problem = revision_date_problem(catalog.header.get("PO-Revision-Date", ""))
    if problem:
        yield (
            f"PO-Revision-Date: {problem}; the handouts print no translation date (a "
            "dash) until a translator's tool saves the catalog again"
        )
